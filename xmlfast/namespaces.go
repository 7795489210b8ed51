package xmlfast

import "bytes"

// Namespace processing as expat does it when created with a separator:
// xmlns / xmlns:p attributes declare (and are removed from the attributes),
// element names resolve through the default namespace, attribute names only
// through prefixes, and an undeclared prefix is an error ("unbound prefix").

const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

type nsBinding struct {
	prefix, uri []byte
}

type nsResolver struct {
	bindings []nsBinding // innermost last
	marks    []int       // bindings length at each open element
	buf      []byte      // copies of declared names/URIs (input slices are transient)
	decls    []nsBinding // declarations of the element being started
}

// push records the namespace declarations of a starting element and returns
// its remaining attributes (declarations removed, filtered in place).
func (r *nsResolver) push(attrs []Attr) []Attr {
	r.marks = append(r.marks, len(r.bindings))
	r.decls = r.decls[:0]
	out := attrs[:0]
	for _, a := range attrs {
		switch {
		case bytes.Equal(a.Name, []byte("xmlns")):
			r.bind(nil, a.Value)
		case bytes.HasPrefix(a.Name, []byte("xmlns:")):
			r.bind(a.Name[6:], a.Value)
		default:
			out = append(out, a)
		}
	}
	return out
}

func (r *nsResolver) bind(prefix, uri []byte) {
	// Own copies: the scanner reuses its buffers.
	p := append([]byte(nil), prefix...)
	u := append([]byte(nil), uri...)
	b := nsBinding{prefix: p, uri: u}
	r.bindings = append(r.bindings, b)
	r.decls = append(r.decls, b)
}

func (r *nsResolver) pop() {
	n := r.marks[len(r.marks)-1]
	r.marks = r.marks[:len(r.marks)-1]
	r.bindings = r.bindings[:n]
}

// resolve splits a qualified name into its namespace URI (nil if none) and
// local part; ok is false for an unbound prefix.
func (r *nsResolver) resolve(qname []byte, attr bool) (uri, local []byte, ok bool) {
	colon := bytes.IndexByte(qname, ':')
	if colon < 0 {
		if attr {
			return nil, qname, true
		}
		for i := len(r.bindings) - 1; i >= 0; i-- {
			if len(r.bindings[i].prefix) == 0 {
				if len(r.bindings[i].uri) == 0 { // xmlns="" undeclares
					return nil, qname, true
				}
				return r.bindings[i].uri, qname, true
			}
		}
		return nil, qname, true
	}
	prefix, local := qname[:colon], qname[colon+1:]
	if bytes.Equal(prefix, []byte("xml")) {
		return []byte(xmlNamespace), local, true
	}
	for i := len(r.bindings) - 1; i >= 0; i-- {
		if bytes.Equal(r.bindings[i].prefix, prefix) {
			return r.bindings[i].uri, local, true
		}
	}
	return nil, nil, false
}
