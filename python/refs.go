package python

/*
#include "goaccel.h"
*/
import "C"

import "unsafe"

// Ref is an owned (strong) reference. Exactly one of Release, Steal or
// handing it back to Python as a function result ends its life. Functions
// that return a new reference return a Ref; functions that borrow take an
// Object (Ref embeds Object, so r.Object borrows).
//
// Reference counts are changed directly in object memory (the GIL is held);
// only the last Release calls into C, to deallocate.
type Ref struct{ Object }

// Own wraps a new reference obtained from elsewhere (e.g. C) as owned.
func Own(o Object) Ref { return Ref{o} }

// Release drops the reference (if any) and clears r.
func (r *Ref) Release() {
	if r.p == nil {
		return
	}
	decref(r.p)
	r.p = nil
}

// Steal hands the reference to the caller as a raw Object (who now owns it)
// and clears r, so a later Release does nothing.
func (r *Ref) Steal() Object {
	o := r.Object
	r.p = nil
	return o
}

// Clone returns a second owned reference to the same object.
func (r Ref) Clone() Ref { return r.Object.IncRef() }

func incref(p *C.PyObject) {
	(*(*int64)(unsafe.Add(unsafe.Pointer(p), lay.ObRefcnt)))++
}

func decref(p *C.PyObject) {
	rc := (*int64)(unsafe.Add(unsafe.Pointer(p), lay.ObRefcnt))
	if *rc > 1 {
		*rc--
		return
	}
	C.Py_DecRef(p)
}

// NewRef returns a new owned reference to o (Py_NewRef).
func NewRef(o Object) Ref {
	incref(o.p)
	return Ref{o}
}

// Refs collects owned references to release together, e.g. the temporaries
// of one call: `var refs python.Refs; defer refs.Release()`.
type Refs []Ref

// Add keeps r until Release and returns it borrowed.
func (rs *Refs) Add(r Ref) Object {
	*rs = append(*rs, r)
	return r.Object
}

// Release drops every collected reference.
func (rs *Refs) Release() {
	for i := range *rs {
		(*rs)[i].Release()
	}
	*rs = (*rs)[:0]
}
