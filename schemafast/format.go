package schemafast

import (
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
