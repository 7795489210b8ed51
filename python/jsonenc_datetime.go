package python

/*
#include "goaccel.h"
#include <datetime.h>

// Field reads through datetime.h's macros (plain struct reads; they need
// no datetime C-API capsule).
static void jsonenc_date_fields(PyObject *o, int *f) {
    f[0] = PyDateTime_GET_YEAR(o);
    f[1] = PyDateTime_GET_MONTH(o);
    f[2] = PyDateTime_GET_DAY(o);
}
static PyObject *jsonenc_datetime_fields(PyObject *o, int *f) {
    jsonenc_date_fields(o, f);
    f[3] = PyDateTime_DATE_GET_HOUR(o);
    f[4] = PyDateTime_DATE_GET_MINUTE(o);
    f[5] = PyDateTime_DATE_GET_SECOND(o);
    f[6] = PyDateTime_DATE_GET_MICROSECOND(o);
    return ((PyDateTime_DateTime *)o)->hastzinfo ? ((PyDateTime_DateTime *)o)->tzinfo : Py_None;
}
static PyObject *jsonenc_time_fields(PyObject *o, int *f) {
    f[3] = PyDateTime_TIME_GET_HOUR(o);
    f[4] = PyDateTime_TIME_GET_MINUTE(o);
    f[5] = PyDateTime_TIME_GET_SECOND(o);
    f[6] = PyDateTime_TIME_GET_MICROSECOND(o);
    return ((PyDateTime_Time *)o)->hastzinfo ? ((PyDateTime_Time *)o)->tzinfo : Py_None;
}
static void jsonenc_delta_fields(PyObject *o, int *f) {
    f[0] = PyDateTime_DELTA_GET_DAYS(o);
    f[1] = PyDateTime_DELTA_GET_SECONDS(o);
    f[2] = PyDateTime_DELTA_GET_MICROSECONDS(o);
}
// datetime.h defines a static API pointer this file never needs.
static void *jsonenc_datetime_api(void) { return PyDateTimeAPI; }
*/
import "C"

import "unsafe"

// JSONDateTime are the fields of a datetime.date/datetime/time.
type JSONDateTime struct {
	Year, Month, Day, Hour, Minute, Second, Microsecond int
	TZInfo                                              Object // borrowed; None when naive
}

func fields(f *[7]C.int, p *JSONDateTime) {
	p.Year, p.Month, p.Day = int(f[0]), int(f[1]), int(f[2])
	p.Hour, p.Minute, p.Second, p.Microsecond = int(f[3]), int(f[4]), int(f[5]), int(f[6])
}

// JSONDateFields reads a datetime.date (or subclass; not a datetime).
func JSONDateFields(o Object) JSONDateTime {
	var f [7]C.int
	C.jsonenc_date_fields(o.p, (*C.int)(unsafe.Pointer(&f[0])))
	var p JSONDateTime
	fields(&f, &p)
	p.TZInfo = None
	return p
}

// JSONDateTimeFields reads a datetime.datetime (or subclass).
func JSONDateTimeFields(o Object) JSONDateTime {
	var f [7]C.int
	tz := C.jsonenc_datetime_fields(o.p, (*C.int)(unsafe.Pointer(&f[0])))
	var p JSONDateTime
	fields(&f, &p)
	p.TZInfo = Object{tz}
	return p
}

// JSONTimeFields reads a datetime.time (or subclass).
func JSONTimeFields(o Object) JSONDateTime {
	var f [7]C.int
	tz := C.jsonenc_time_fields(o.p, (*C.int)(unsafe.Pointer(&f[0])))
	var p JSONDateTime
	fields(&f, &p)
	p.TZInfo = Object{tz}
	return p
}

// JSONTimedeltaFields reads days, seconds, microseconds of a timedelta.
func JSONTimedeltaFields(o Object) (days, seconds, microseconds int) {
	var f [3]C.int
	C.jsonenc_delta_fields(o.p, (*C.int)(unsafe.Pointer(&f[0])))
	return int(f[0]), int(f[1]), int(f[2])
}
