// schemafast's pre-check table: necessary conditions of a compiled schema's
// root that C can decide from an exact-typed instance without entering Go
// (schema_entry.c). Built once per validator in Go (schema_pre.go), owned
// by the Go validator (freed by a cleanup when it is collected), and found
// from the handle capsule's context pointer.
#ifndef GOACCEL_SCHEMA_PRE_H
#define GOACCEL_SCHEMA_PRE_H

#include <Python.h>

// Indices of kinds[]: one per exact Python type C recognises.
enum { SCHEMA_K_NULL, SCHEMA_K_BOOL, SCHEMA_K_INT, SCHEMA_K_FLOAT,
       SCHEMA_K_STR, SCHEMA_K_LIST, SCHEMA_K_DICT, SCHEMA_K_COUNT };

// kinds[] values: what the root's "type" says of an exact instance of that
// Python type.
#define SCHEMA_PRE_REJECT 0 // the root rejects it: invalid
#define SCHEMA_PRE_PASS 1   // passes "type"; the size bounds below still apply
#define SCHEMA_PRE_ASK 2    // undecided here (a float where only "integer" is allowed)

typedef struct {
    unsigned char kinds[SCHEMA_K_COUNT];
    // Size bounds, -1 when absent. Props: exact dict key count (the
    // walker's fastMin/fastMax: minProperties, distinct required names,
    // maxProperties, len(properties) under additionalProperties false
    // without patternProperties). Items: exact list length. Len: exact
    // str length in code points, as len() counts.
    Py_ssize_t min_props, max_props, min_items, max_items, min_len, max_len;
} schema_pre;

#endif
