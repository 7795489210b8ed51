// datetime support for xmlfast: the C-API capsule (PyDateTime_IMPORT), the
// layout of date/datetime objects for direct reads, and construction.
#include "goaccel.h"
#include "xml_datetime.h"
#include <datetime.h>
#include <stddef.h>

static PyDateTime_CAPI *xml_dt_api;

// datetime.h defines a static PyDateTimeAPI this file does not use.
void *goaccel_xml_unused_dt_api(void) { return &PyDateTimeAPI; }

int goaccel_xml_datetime_init(goaccel_xml_dt_layout *out) {
    if (xml_dt_api == NULL) {
        xml_dt_api = (PyDateTime_CAPI *)PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0);
        if (xml_dt_api == NULL) {
            return -1;
        }
    }
    out->datetime_type = (PyObject *)xml_dt_api->DateTimeType;
    out->date_type = (PyObject *)xml_dt_api->DateType;
    out->hastzinfo = offsetof(PyDateTime_DateTime, hastzinfo);
    out->datetime_data = offsetof(PyDateTime_DateTime, data);
    out->date_data = offsetof(PyDateTime_Date, data);
    return 0;
}

PyObject *goaccel_xml_new_datetime(int y, int mo, int d, int h, int mi, int s, int us) {
    return xml_dt_api->DateTime_FromDateAndTime(y, mo, d, h, mi, s, us, Py_None,
                                                xml_dt_api->DateTimeType);
}
