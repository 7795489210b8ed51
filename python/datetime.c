// The datetime C-API capsule, needed only to name the types and to build
// datetimes; field reads need no capsule (goaccel_datetime.h, datetime.go).
#include "goaccel_datetime.h"

static PyDateTime_CAPI *dt_api;

int goaccel_datetime_import(PyObject **datetime_type, PyObject **date_type) {
    if (dt_api == NULL) {
        dt_api = (PyDateTime_CAPI *)PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0);
        if (dt_api == NULL) {
            return -1;
        }
    }
    *datetime_type = (PyObject *)dt_api->DateTimeType;
    *date_type = (PyObject *)dt_api->DateType;
    return 0;
}

PyObject *goaccel_new_datetime(int y, int mo, int d, int h, int mi, int s, int us) {
    return dt_api->DateTime_FromDateAndTime(y, mo, d, h, mi, s, us, Py_None, dt_api->DateTimeType);
}
