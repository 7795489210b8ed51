#ifndef GOACCEL_XML_PUSH_H
#define GOACCEL_XML_PUSH_H
#include <Python.h>
#include <stdint.h>
int goaccel_xml_push(PyObject *dict, PyObject *key, PyObject *value, int force_list);
int goaccel_xml_push_text(PyObject *dict, PyObject *key, uintptr_t data, Py_ssize_t n, int force_list);
int goaccel_xml_set_text(PyObject *dict, PyObject *key, uintptr_t data, Py_ssize_t n);
int goaccel_xml_set_int(PyObject *dict, PyObject *key, long long value);
void goaccel_xml_untrack(PyObject *d);
#endif
