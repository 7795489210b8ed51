package python

/*
#include "xml_datetime.h"
*/
import "C"

import "unsafe"

// datetime.datetime and datetime.date for xmlfast: exact-type checks and
// direct reads of their packed fields (the same bytes the PyDateTime_GET_*
// macros read), and construction through the datetime C-API capsule.

var dtLayout C.goaccel_xml_dt_layout
var dtReady bool

// DateTimeTypes imports the datetime C API on first use (GIL held) and
// returns the datetime and date types.
func DateTimeTypes() (datetime, date Object, err error) {
	if !dtReady {
		if C.goaccel_xml_datetime_init(&dtLayout) < 0 {
			return Object{}, Object{}, ErrAlreadySet
		}
		dtReady = true
	}
	return Object{(*C.PyObject)(unsafe.Pointer(dtLayout.datetime_type))},
		Object{(*C.PyObject)(unsafe.Pointer(dtLayout.date_type))}, nil
}

// DateParts reads year, month, day of a date or datetime (exact types,
// checked by the caller after DateTimeTypes).
func DateParts(o Object) (y, mo, d int) {
	p := o.field(uintptr(dtLayout.date_data))
	b := unsafe.Slice((*byte)(p), 4)
	return int(b[0])<<8 | int(b[1]), int(b[2]), int(b[3])
}

// DateTimeParts reads a datetime's fields; hasTZ reports a tzinfo.
func DateTimeParts(o Object) (y, mo, d, h, mi, s, us int, hasTZ bool) {
	b := unsafe.Slice((*byte)(o.field(uintptr(dtLayout.datetime_data))), 10)
	hasTZ = *(*byte)(o.field(uintptr(dtLayout.hastzinfo))) != 0
	return int(b[0])<<8 | int(b[1]), int(b[2]), int(b[3]), int(b[4]), int(b[5]), int(b[6]),
		int(b[7])<<16 | int(b[8])<<8 | int(b[9]), hasTZ
}

// NewDateTime builds a naive datetime (ValueError set on invalid fields).
func NewDateTime(y, mo, d, h, mi, s, us int) (Ref, error) {
	if !dtReady {
		if _, _, err := DateTimeTypes(); err != nil {
			return Ref{}, err
		}
	}
	return own(C.goaccel_xml_new_datetime(C.int(y), C.int(mo), C.int(d), C.int(h), C.int(mi), C.int(s), C.int(us)))
}
