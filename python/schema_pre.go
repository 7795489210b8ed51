package python

/*
#include <stdlib.h>
#include "schema_pre.h"
*/
import "C"

import "unsafe"

// SchemaPre is the pre-check table of schema_pre.h, filled by schemafast
// from a compiled root (package python cannot import schemafast). Kinds
// holds PreReject/PrePass/PreAsk per PreNull..PreDict.
type SchemaPre struct {
	Kinds                                                  [PreKinds]uint8
	MinProps, MaxProps, MinItems, MaxItems, MinLen, MaxLen int // -1: absent
}

// Indices of SchemaPre.Kinds and their values (schema_pre.h).
const (
	PreNull = iota
	PreBool
	PreInt
	PreFloat
	PreStr
	PreList
	PreDict
	PreKinds
)

const (
	PreReject = C.SCHEMA_PRE_REJECT
	PrePass   = C.SCHEMA_PRE_PASS
	PreAsk    = C.SCHEMA_PRE_ASK
)

// SchemaPreHook returns the pre-check table of the validator behind a
// handle (nil: none) and whether the handle is a schemafast validator at
// all. Installed by schemafast.
var SchemaPreHook func(h uintptr) (table unsafe.Pointer, ok bool)

// NewSchemaPre copies p into C memory (C keeps the pointer across calls,
// which Go memory may not be); the owner frees it with FreeSchemaPre.
func NewSchemaPre(p SchemaPre) unsafe.Pointer {
	t := (*C.schema_pre)(C.calloc(1, C.size_t(unsafe.Sizeof(C.schema_pre{}))))
	for i, k := range p.Kinds {
		t.kinds[i] = C.uchar(k)
	}
	t.min_props, t.max_props = C.Py_ssize_t(p.MinProps), C.Py_ssize_t(p.MaxProps)
	t.min_items, t.max_items = C.Py_ssize_t(p.MinItems), C.Py_ssize_t(p.MaxItems)
	t.min_len, t.max_len = C.Py_ssize_t(p.MinLen), C.Py_ssize_t(p.MaxLen)
	return unsafe.Pointer(t)
}

// FreeSchemaPre releases a table made by NewSchemaPre.
func FreeSchemaPre(p unsafe.Pointer) { C.free(p) }

// schemaPreTable serves schema_entry.c the first time it meets a handle
// capsule: 1 with *out set (NULL: no table), 0 when the handle is not a
// schemafast validator (the Go entry then raises its TypeError), -1 with
// an exception set.
//
//export schemaPreTable
func schemaPreTable(h C.uintptr_t, out **C.schema_pre) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			rc = -1
		}
	}()
	if SchemaPreHook == nil {
		return 0
	}
	p, ok := SchemaPreHook(uintptr(h))
	if !ok {
		return 0
	}
	*out = (*C.schema_pre)(p)
	return 1
}
