#ifndef GOACCEL_XML_TAPE_H
#define GOACCEL_XML_TAPE_H
#include <Python.h>
#include <stdint.h>

// Operations of an xmltodict build tape: five int64 words each
// (op, key, text offset, text length or -1, flags).
#define XML_TAPE_ATTR 1
#define XML_TAPE_OPEN 2
#define XML_TAPE_CLOSE 3
#define XML_TAPE_LEAF 4
#define XML_TAPE_COMMENT 5

#define XML_TAPE_FORCE_LIST 1
#define XML_TAPE_FORCE_CDATA 2
#define XML_TAPE_CDATA_FORCE_LIST 4

PyObject *goaccel_xml_build_tape(uintptr_t tape, Py_ssize_t nops, uintptr_t keys,
                                 uintptr_t text, Py_ssize_t maxdepth, PyObject *cdata_key);
#endif
