package schemafast

import (
	"sort"
	"strconv"

	"goaccel/python"
)

// python-jsonschema yields errors in the schema's keyword order (dict
// order), properties in the order of "properties", and so on; best_match
// breaks ties and Validator.validate raises by that order. The walk runs
// keywords in a fixed order, so each error carries a sort key: per level,
// rank = keyword position << 16 | position inside the keyword (property
// rank, pattern rank or index). Errors are stably sorted by it at the end.

// keyOrder is the source order of one subschema's keywords and of the
// names inside its keyed keywords.
type keyOrder struct {
	kw  map[string]uint32
	sub map[string]map[string]uint32 // "properties" etc. -> name -> rank
}

func (n *node) rank(st step, ip pel) uint32 {
	ord := n.order
	if ord == nil {
		return 0
	}
	r := ord.kw[st.kw] << 16
	switch st.kind {
	case 2:
		name := st.key
		if st.keyb != nil {
			name = string(st.keyb)
		}
		r |= ord.sub[st.kw][name] & 0xffff
	case 3:
		r |= uint32(min(st.idx, 0xffff))
	default:
		if ip.key.IsNil() && ip.idx > 0 {
			r |= uint32(min(ip.idx, 0xffff))
		}
	}
	return r
}

func sortErrors(errs []*verr) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].order, errs[j].order
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return len(a) < len(b)
	})
}

// attachOrder reads keyword order from the Python schema documents (GIL
// held, at compile time): each node's location is resolved in the document
// it came from.
func attachOrder(nodes map[string]*node, docs map[string]python.Object) {
	for loc, n := range nodes {
		url, ptr := splitLoc(loc)
		doc, ok := docs[url]
		if !ok {
			continue
		}
		obj, ok := resolvePointer(doc, ptr)
		if !ok || obj.Type() != python.DictType {
			continue
		}
		n.order = readOrder(obj)
	}
}

func readOrder(d python.Object) *keyOrder {
	ko := &keyOrder{kw: map[string]uint32{}}
	it := python.Items(d)
	var i uint32
	for {
		k, v, more := it.Next()
		if !more {
			break
		}
		name, ok := goStr(k)
		if !ok {
			continue
		}
		ko.kw[name] = i
		i++
		switch name {
		case "properties", "patternProperties", "dependencies", "dependentSchemas", "dependentRequired":
			if v.Type() != python.DictType {
				continue
			}
			m := map[string]uint32{}
			sit := python.Items(v)
			var j uint32
			for {
				sk, _, more := sit.Next()
				if !more {
					break
				}
				if s, ok := goStr(sk); ok {
					m[s] = j
				}
				j++
			}
			if ko.sub == nil {
				ko.sub = map[string]map[string]uint32{}
			}
			ko.sub[name] = m
		}
	}
	return ko
}

func splitLoc(loc string) (string, string) {
	for i := 0; i < len(loc); i++ {
		if loc[i] == '#' {
			return loc[:i], loc[i+1:]
		}
	}
	return loc, ""
}

// resolvePointer follows a JSON pointer (v6 escapes tokens as ~0/~1 and
// percent-encodes) through Python dicts and lists.
func resolvePointer(doc python.Object, ptr string) (python.Object, bool) {
	cur := doc
	if ptr == "" || ptr == "/" {
		return cur, true
	}
	for _, tok := range splitPtr(ptr[1:]) {
		switch cur.Type() {
		case python.DictType:
			key, err := python.NewString(tok)
			if err != nil {
				return python.Object{}, false
			}
			v, err := python.DictGet(cur, key.Object)
			key.Release()
			if err != nil || v.IsNil() {
				if err != nil {
					python.Fetch().Release()
				}
				return python.Object{}, false
			}
			cur = v
		case python.ListType:
			i, err := strconv.Atoi(tok)
			items := python.ListItems(cur)
			if err != nil || i < 0 || i >= len(items) {
				return python.Object{}, false
			}
			cur = items[i]
		default:
			return python.Object{}, false
		}
	}
	return cur, true
}

func splitPtr(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, unescapeTok(p[start:i]))
			start = i + 1
		}
	}
	return out
}

func unescapeTok(t string) string {
	b := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '~' && i+1 < len(t) && t[i+1] == '1':
			b = append(b, '/')
			i++
		case t[i] == '~' && i+1 < len(t) && t[i+1] == '0':
			b = append(b, '~')
			i++
		case t[i] == '%' && i+2 < len(t):
			if v, err := strconv.ParseUint(t[i+1:i+3], 16, 8); err == nil {
				b = append(b, byte(v))
				i += 2
				continue
			}
			b = append(b, t[i])
		default:
			b = append(b, t[i])
		}
	}
	return string(b)
}
