package schemafast

import (
	"errors"
	"strconv"

	jsv6 "github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"goaccel/python"
)

// IsValid validates o (GIL held). formats is the face's format dict or a
// nil Object when format assertion is off.
func (v *Validator) IsValid(o python.Object, formats python.Object) (bool, error) {
	if v.needsV6 {
		errs, err := v.fallback(o, formats, true)
		return err == nil && len(errs) == 0, err
	}
	w := walker{formats: formats, dynamic: v.dynamic}
	ok := w.valid(v.root, o, 0)
	if w.err != nil {
		return false, w.err
	}
	return ok, nil
}

// Errors returns every error, python-jsonschema style.
func (v *Validator) Errors(o python.Object, formats python.Object) ([]*verr, error) {
	if v.needsV6 {
		return v.fallback(o, formats, false)
	}
	// Path stacks sized for common depths up front (growing them was a
	// tenth of iter_errors' Go time).
	w := walker{collect: true, formats: formats, dynamic: v.dynamic,
		ipath: make([]pel, 0, 16), spath: make([]any, 0, 32), order: make([]uint32, 0, 16)}
	w.valid(v.root, o, 0)
	if w.err != nil {
		return nil, w.err
	}
	sortTree(w.errs)
	return w.errs, nil
}

// fallback converts the instance to Go values and runs v6 with the GIL
// released: the path for schemas using keywords the walker lacks
// (unevaluated*, $dynamicRef, $recursiveRef, content*).
func (v *Validator) fallback(o python.Object, formats python.Object, boolOnly bool) ([]*verr, error) {
	inst, err := toJSON(o)
	if err != nil {
		return nil, err
	}
	sch := v.sch
	if formats.IsNil() {
		if sch, err = v.noFormatSchema(); err != nil {
			return nil, err
		}
	}
	var verrV6 error
	python.ReleaseGIL(func() { verrV6 = sch.Validate(inst) })
	if verrV6 == nil {
		return nil, nil
	}
	var ve *jsv6.ValidationError
	if !errors.As(verrV6, &ve) {
		return nil, verrV6
	}
	if boolOnly {
		return []*verr{{}}, nil
	}
	var out []*verr
	flatten(ve, &out)
	return out, nil
}

var printer = message.NewPrinter(language.English)

// flatten keeps the leaves of v6's error tree; each carries v6's message
// and its instance location as strings (the face maps them to keys/indices).
func flatten(e *jsv6.ValidationError, out *[]*verr) {
	if len(e.Causes) == 0 {
		kp := e.ErrorKind.KeywordPath()
		kw := ""
		if len(kp) > 0 {
			kw = kp[len(kp)-1]
		}
		sp := make([]any, len(kp))
		for i, s := range kp {
			if n, err := strconv.Atoi(s); err == nil {
				sp[i] = n
			} else {
				sp[i] = s
			}
		}
		*out = append(*out, &verr{kw: kw, loc: e.SchemaURL, spath: sp,
			extra: fallbackInfo{msg: e.ErrorKind.LocalizedString(printer), path: e.InstanceLocation}})
		return
	}
	for _, c := range e.Causes {
		flatten(c, out)
	}
}

type fallbackInfo struct {
	msg  string
	path []string
}

// UsesFallback reports whether validation goes through v6 (conversion).
func (v *Validator) UsesFallback() bool { return v.needsV6 }

// sortTree puts errors (and each context list) in python-jsonschema's order.
func sortTree(errs []*verr) {
	sortErrors(errs)
	for _, e := range errs {
		if e.ctx != nil {
			sortTree(e.ctx)
		}
	}
}
