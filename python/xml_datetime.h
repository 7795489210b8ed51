#ifndef GOACCEL_XML_DATETIME_H
#define GOACCEL_XML_DATETIME_H
#include <Python.h>

typedef struct {
    PyObject *datetime_type, *date_type;
    Py_ssize_t hastzinfo, datetime_data, date_data;
} goaccel_xml_dt_layout;

int goaccel_xml_datetime_init(goaccel_xml_dt_layout *out);
PyObject *goaccel_xml_new_datetime(int y, int mo, int d, int h, int mi, int s, int us);
#endif
