package schemafast

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	jsv6 "github.com/santhosh-tekuri/jsonschema/v6"
	"goaccel/python"
)

// RootURL names a schema that has no $id of its own; Python resolves error
// locations under it back to the schema object it passed.
const RootURL = "urn:schemafast:root"

// FastRootURL is where a schema that already passed the meta-schema check
// (by the walker, in microseconds) is compiled: v6 does not re-validate
// documents under json-schema.org, which is most of its compile time.
const FastRootURL = "https://json-schema.org/schemafast/root"

// Options is what a compiled validator depends on besides the schema.
type Options struct {
	Draft       string        // meta-schema URL of the default draft
	Registry    python.Object // dict uri -> schema, or nil
	Retrieve    python.Object // callable(uri) -> schema, or nil
	UserFormats []string      // format names the user registered (v6 must keep them)
	// MetaRoot compiles the draft's own meta-schema (v6's embedded copy)
	// instead of schema: check_schema's validator.
	MetaRoot bool
}

// Validator is a compiled schema: the node graph the direct walker uses and
// the v6 schemas for the fallback path. Safe for concurrent use: the nodes
// are read-only after compilation and the lazy v6 variant is guarded.
type Validator struct {
	root    *node
	rootURL string // RootURL or FastRootURL
	meta    bool
	metaURL string
	sch     *jsv6.Schema // compiled with format assertion (format names kept)
	needsV6 bool
	dynamic bool // the walk tracks its dynamic scope
	draft   *jsv6.Draft
	docs    map[string]any // every document the compile loaded, for recompiles

	mu       sync.Mutex
	schNoFmt *jsv6.Schema

	nodes []*node // nodes with a keyList (their seen keys are released with v)

	pre     unsafe.Pointer // C pre-check table (pre.go), under mu
	preDone bool
}

// CompileError is a schema that v6 refused (SchemaError in Python) or a
// reference that could not be resolved (RefResolutionError).
type CompileError struct {
	Msg        string
	Unresolved bool
}

func (e *CompileError) Error() string { return e.Msg }

var drafts = map[string]*jsv6.Draft{
	"http://json-schema.org/draft-04/schema#":      jsv6.Draft4,
	"http://json-schema.org/draft-06/schema#":      jsv6.Draft6,
	"http://json-schema.org/draft-07/schema#":      jsv6.Draft7,
	"https://json-schema.org/draft/2019-09/schema": jsv6.Draft2019,
	"https://json-schema.org/draft/2020-12/schema": jsv6.Draft2020,
}

var cache sync.Map // string -> *Validator
var cacheSize int64
var cacheMu sync.Mutex

const maxCache = 1024

// Compile compiles a Python schema (GIL held). Results are cached by the
// schema's canonical JSON text, draft and user format names when no
// registry or retriever is involved.
func Compile(schema python.Object, opt Options) (*Validator, error) {
	releaseStaleKeys()
	draft, ok := drafts[opt.Draft]
	if !ok {
		return nil, python.Errorf(python.ValueError, "unknown draft %q", opt.Draft)
	}
	key, prefix := "", ""
	if opt.MetaRoot {
		key = "meta\x00" + opt.Draft + fmt.Sprint(opt.UserFormats)
		if v, hit := cache.Load(key); hit {
			return v.(*Validator), nil
		}
	} else if opt.Registry.IsNil() && opt.Retrieve.IsNil() {
		fm := append([]string(nil), opt.UserFormats...)
		sort.Strings(fm)
		prefix = opt.Draft + "\x00" + strings.Join(fm, ",") + "\x00"
		var buf bytes.Buffer
		buf.Grow(2048)
		if canonKey(&buf, schema, 0) {
			key = prefix + "c" + buf.String()
			if v, hit := cache.Load(key); hit {
				return v.(*Validator), nil
			}
		}
	}
	doc, err := toJSON(schema)
	if err != nil {
		return nil, err
	}
	if key == "" && prefix != "" {
		// Schemas canonKey declines (big ints, subclasses) are keyed by
		// their JSON text (map keys sorted: a canonical form).
		if text, err := json.Marshal(doc); err == nil {
			key = prefix + "j" + string(text)
			if v, hit := cache.Load(key); hit {
				return v.(*Validator), nil
			}
		}
	}
	v := &Validator{draft: draft, docs: map[string]any{RootURL: doc}, meta: opt.MetaRoot, metaURL: opt.Draft, rootURL: RootURL}
	if !opt.MetaRoot {
		fast, err := metaChecked(schema, doc, opt.Draft)
		if err != nil {
			return nil, err
		}
		if fast {
			v.rootURL = FastRootURL
		}
	}
	// For a meta-schema compile the registry only supplies keyword order
	// (v6 uses its embedded meta-schemas and refuses to replace them).
	if !opt.Registry.IsNil() && !opt.MetaRoot {
		it := python.Items(opt.Registry)
		for {
			k, d, more := it.Next()
			if !more {
				break
			}
			uri, err := python.Str(k)
			if err != nil {
				return nil, err
			}
			gd, err := toJSON(d)
			if err != nil {
				return nil, err
			}
			v.docs[strings.TrimSuffix(uri, "#")] = gd
		}
	}
	sch, c, err := v.compile(true, opt.UserFormats, opt.Retrieve)
	if err != nil {
		return nil, err
	}
	v.sch = sch
	b := &builder{seen: map[*jsv6.Schema]*node{}}
	v.root = b.build(sch)
	b.finish()
	// Keyword order for iter_errors, from the Python documents.
	pyDocs := map[string]python.Object{v.rootURL: schema}
	if !opt.Registry.IsNil() {
		it := python.Items(opt.Registry)
		for {
			k, d, more := it.Next()
			if !more {
				break
			}
			if uri, err := python.Str(k); err == nil {
				pyDocs[strings.TrimSuffix(uri, "#")] = d
			}
		}
	}
	byLoc := make(map[string]*node, len(b.seen))
	for _, n := range b.seen {
		byLoc[n.loc] = n
	}
	attachOrder(byLoc, pyDocs)
	v.needsV6 = b.needsV6
	if b.dynamic {
		// Targets of $dynamicRef, and the resources that hold them, may be
		// reachable only dynamically: build every schema that declares a
		// $dynamicAnchor or an $id too.
		for url, doc := range v.docs {
			if url == RootURL {
				url = v.rootURL
			}
			for _, ptr := range dynamicAnchors(doc, "") {
				if s, err := c.Compile(url + "#" + ptr); err == nil {
					b.build(s)
				}
			}
		}
		b.finish()
		b.linkResources()
		v.dynamic = true
	}
	v.trackKeyRefs(b.seen)
	v.shed(b.seen)
	if key != "" {
		cacheMu.Lock()
		if cacheSize >= maxCache { // a crude bound: start over
			cache.Range(func(k, _ any) bool { cache.Delete(k); return true })
			cacheSize = 0
		}
		cacheSize++
		cacheMu.Unlock()
		cache.Store(key, v)
	}
	return v, nil
}

// loader serves documents only from what the user provided: the registry,
// then the retriever. Never the network or the file system.
type loader struct {
	v        *Validator
	retrieve python.Object
}

func (l *loader) Load(url string) (any, error) {
	if d, ok := l.v.docs[url]; ok {
		return d, nil
	}
	if l.retrieve.IsNil() {
		return nil, fmt.Errorf("unresolvable reference %q: not in the registry (no retriever)", url)
	}
	arg, err := python.NewString(url)
	if err != nil {
		return nil, err
	}
	defer arg.Release()
	r, err := python.Call(l.retrieve, arg.Object)
	if err != nil {
		if exc, ok := err.(*python.Exc); ok {
			msg := exc.Error()
			exc.Release()
			return nil, fmt.Errorf("retrieving %q failed: %s", url, msg)
		}
		return nil, err
	}
	defer r.Release()
	d, err := toJSON(r.Object)
	if err != nil {
		return nil, err
	}
	l.v.docs[url] = d
	return d, nil
}

func (v *Validator) compile(assertFormat bool, userFormats []string, retrieve python.Object) (*jsv6.Schema, *jsv6.Compiler, error) {
	c := jsv6.NewCompiler()
	c.DefaultDraft(v.draft)
	if assertFormat {
		c.AssertFormat()
		for _, f := range strictFormats {
			c.RegisterFormat(f)
		}
		for _, name := range userFormats {
			c.RegisterFormat(&jsv6.Format{Name: name, Validate: func(any) error { return nil }})
		}
	}
	c.UseLoader(&loader{v: v, retrieve: retrieve})
	for url, d := range v.docs {
		if url == RootURL {
			continue
		}
		if err := c.AddResource(url, d); err != nil {
			return nil, nil, &CompileError{Msg: err.Error()}
		}
	}
	root := v.rootURL
	if v.meta {
		root = v.metaURL
	} else if err := c.AddResource(root, v.docs[RootURL]); err != nil {
		return nil, nil, &CompileError{Msg: err.Error()}
	}
	sch, err := c.Compile(root)
	if err != nil {
		var le *jsv6.LoadURLError
		if errors.As(err, &le) {
			return nil, nil, &CompileError{Msg: le.Error(), Unresolved: true}
		}
		if strings.Contains(err.Error(), "not found") || strings.Contains(err.Error(), "anchor") {
			return nil, nil, &CompileError{Msg: err.Error(), Unresolved: true}
		}
		return nil, nil, &CompileError{Msg: err.Error()}
	}
	return sch, c, nil
}

// noFormatSchema is the v6 schema without format assertion, for the
// fallback path when the caller passed no format checker.
func (v *Validator) noFormatSchema() (*jsv6.Schema, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.schNoFmt == nil {
		s, _, err := v.compile(false, nil, python.Object{})
		if err != nil {
			return nil, err
		}
		v.schNoFmt = s
	}
	return v.schNoFmt, nil
}

// dynamicAnchors lists the JSON pointers of objects with "$dynamicAnchor"
// or "$id".
func dynamicAnchors(v any, ptr string) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		_, anchor := t["$dynamicAnchor"].(string)
		_, id := t["$id"].(string)
		if anchor || id {
			out = append(out, ptr)
		}
		for k, x := range t {
			if k == "enum" || k == "const" {
				continue
			}
			out = append(out, dynamicAnchors(x, ptr+"/"+escapeTok(k))...)
		}
	case []any:
		for i, x := range t {
			out = append(out, dynamicAnchors(x, ptr+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

func escapeTok(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

var metaValidators sync.Map // draft URL -> *Validator (the walker over the meta-schema)

// metaChecked validates a schema against its draft's meta-schema with the
// walker. It reports whether the schema may be compiled on the fast path;
// schemas naming another dialect, or embedding "$schema" below the root,
// take v6's own (slow) validation instead. An invalid schema is a
// CompileError (the face then raises python-jsonschema's SchemaError).
func metaChecked(schema python.Object, doc any, draftURL string) (bool, error) {
	if m, ok := doc.(map[string]any); ok {
		if s, has := m["$schema"]; has {
			str, _ := s.(string)
			u, known := knownDraft(str)
			if !known {
				return false, nil
			}
			draftURL = u
		}
		for k, v := range m {
			if k != "enum" && k != "const" && hasSchemaKey(v) {
				return false, nil
			}
		}
	}
	mv, ok := metaValidators.Load(draftURL)
	if !ok {
		v, err := Compile(python.None, Options{Draft: draftURL, MetaRoot: true})
		if err != nil {
			return false, err
		}
		mv, _ = metaValidators.LoadOrStore(draftURL, v)
	}
	valid, err := mv.(*Validator).IsValid(schema, python.Object{})
	if err != nil {
		return false, err
	}
	if !valid {
		return false, &CompileError{Msg: "schema is not valid under its meta-schema " + draftURL}
	}
	return true, nil
}

func knownDraft(u string) (string, bool) {
	for _, c := range []string{u, u + "#", strings.TrimSuffix(u, "#")} {
		if _, ok := drafts[c]; ok {
			return c, true
		}
	}
	return "", false
}

func hasSchemaKey(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if _, ok := t["$schema"]; ok {
			return true
		}
		for k, x := range t {
			if k != "enum" && k != "const" && hasSchemaKey(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if hasSchemaKey(x) {
				return true
			}
		}
	}
	return false
}

// shed drops what only compilation needed: v6's schema graph and the
// converted documents (kept when the v6 fallback validates). Cached
// validators stay small, so the Go GC's marking, which visits every live
// validator, costs less per compile (it was a quarter of compile time).
func (v *Validator) shed(built map[*jsv6.Schema]*node) {
	for _, n := range built {
		n.src = nil
	}
	if !v.needsV6 {
		v.sch, v.docs = nil, nil
	}
}
