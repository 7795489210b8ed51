package schemafast

import (
	"errors"
	"regexp"

	jsv6 "github.com/santhosh-tekuri/jsonschema/v6"

	"goaccel/python"
)

// checkFormat asserts n's format on o. w.formats is the Python dict the
// face passes (format name -> None for the Go implementation, or a Python
// callable that answers conforms(instance) -> bool). Names absent from the
// dict are not checked, as with python-jsonschema's FormatChecker. User
// checks run right here with the GIL held (the walk holds it anyway).
func (w *walker) checkFormat(n *node, o python.Object) bool {
	if w.fmtMap == nil {
		w.fmtMap = map[string]python.Object{}
		it := python.Items(w.formats)
		for {
			k, v, more := it.Next()
			if !more {
				break
			}
			if s, ok := goStr(k); ok {
				w.fmtMap[s] = v
			}
		}
	}
	fn, present := w.fmtMap[n.format.Name]
	if !present {
		return true
	}
	if fn == python.None {
		if kindOf(o) != kStr || n.format.Validate == nil {
			return true
		}
		s, ok := goStr(o)
		if !ok {
			return false
		}
		return n.format.Validate(s) == nil
	}
	r, err := python.Call(fn, o)
	if err != nil {
		w.err = err
		return false
	}
	defer r.Release()
	return r.Object == python.True
}

// strictFormats replace v6's implementations where the current
// JSON-Schema-Test-Suite is stricter, and add idn-hostname / idn-email.
var strictFormats = []*jsv6.Format{
	strFormat("hostname", hostnameASCII),
	strFormat("idn-hostname", idnHostname),
	strFormat("email", func(s string) bool { return email(s, false) }),
	strFormat("idn-email", func(s string) bool { return email(s, true) }),
	strFormat("ipv4", ipv4Strict),
	strFormat("ipv6", ipv6Strict),
	strFormat("uri", func(s string) bool { return uri(s, false, false) }),
	strFormat("uri-reference", func(s string) bool { return uri(s, false, true) }),
	strFormat("iri", func(s string) bool { return uri(s, true, false) }),
	strFormat("iri-reference", func(s string) bool { return uri(s, true, true) }),
	strFormat("uri-template", uriTemplate),
	strFormat("duration", duration),
	strFormat("regex", ecmaRegex),
}

var errFormat = errors.New("does not conform")

// strFormat wraps a string check; other JSON types always conform.
func strFormat(name string, ok func(string) bool) *jsv6.Format {
	return &jsv6.Format{Name: name, Validate: func(v any) error {
		if s, isStr := v.(string); isStr && !ok(s) {
			return errFormat
		}
		return nil
	}}
}

var regexFormat = strFormat("regex", ecmaRegex)

// matcher is a compiled "pattern": the one-pass simple matcher when the
// pattern allows it, else Go's regexp on the bytes (no string copy).
type matcher struct {
	simple *simplePattern
	re     *regexp.Regexp
	other  jsv6.Regexp
	src    string
}

func newMatcher(re jsv6.Regexp) *matcher {
	if re == nil {
		return nil
	}
	m := &matcher{other: re, src: re.String()}
	if r, ok := re.(*regexp.Regexp); ok {
		m.re, m.simple = r, compileSimple(r)
	}
	return m
}

func (m *matcher) match(b []byte) bool {
	switch {
	case m.simple != nil:
		return m.simple.match(b)
	case m.re != nil:
		return m.re.Match(b)
	}
	return m.other.MatchString(string(b))
}
