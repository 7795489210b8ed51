#ifndef GOACCEL_DATETIME_H
#define GOACCEL_DATETIME_H
#include "goaccel.h"
#include <datetime.h>
#include <stddef.h>

// Where the packed fields of datetime's objects sit, for direct reads from
// Go (the same bytes the PyDateTime_GET_* macros read).
enum {
    goaccel_dt_date_data = offsetof(PyDateTime_Date, data),
    goaccel_dt_datetime_data = offsetof(PyDateTime_DateTime, data),
    goaccel_dt_datetime_hastz = offsetof(PyDateTime_DateTime, hastzinfo),
    goaccel_dt_datetime_tz = offsetof(PyDateTime_DateTime, tzinfo),
    goaccel_dt_time_data = offsetof(PyDateTime_Time, data),
    goaccel_dt_time_hastz = offsetof(PyDateTime_Time, hastzinfo),
    goaccel_dt_time_tz = offsetof(PyDateTime_Time, tzinfo),
    goaccel_dt_delta_days = offsetof(PyDateTime_Delta, days),
    goaccel_dt_delta_seconds = offsetof(PyDateTime_Delta, seconds),
    goaccel_dt_delta_us = offsetof(PyDateTime_Delta, microseconds),
};

// datetime.h defines a static PyDateTimeAPI; this keeps unused copies quiet.
static inline void *goaccel_dt_unused_api(void) { return &PyDateTimeAPI; }

int goaccel_datetime_import(PyObject **datetime_type, PyObject **date_type);
PyObject *goaccel_new_datetime(int y, int mo, int d, int h, int mi, int s, int us);
#endif
