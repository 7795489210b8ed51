package python

/*
#include "goaccel_datetime.h"
*/
import "C"


// datetime.date / datetime / time / timedelta: their fields read straight
// from the objects (no cgo call; offsets fixed at compile time from the
// headers), and datetime construction through the C-API capsule. jsonfast
// and xmlfast both write these values as text.

// DateTime are the fields of a date, datetime or time (or a subclass).
type DateTime struct {
	Year, Month, Day, Hour, Minute, Second, Microsecond int
	TZInfo                                              Object // borrowed; None when naive
}

func (o Object) byteAt(off uintptr) int { return int(*(*byte)(o.field(off))) }

func (o Object) dateAt(off uintptr, p *DateTime) {
	p.Year = o.byteAt(off)<<8 | o.byteAt(off+1)
	p.Month, p.Day = o.byteAt(off+2), o.byteAt(off+3)
}

func (o Object) clockAt(off uintptr, p *DateTime) {
	p.Hour, p.Minute, p.Second = o.byteAt(off), o.byteAt(off+1), o.byteAt(off+2)
	p.Microsecond = o.byteAt(off+3)<<16 | o.byteAt(off+4)<<8 | o.byteAt(off+5)
}

func (o Object) tzAt(hasTZ, tz uintptr) Object {
	if o.byteAt(hasTZ) == 0 {
		return None
	}
	return Object{*(**C.PyObject)(o.field(tz))}
}

// DateFields reads a datetime.date (not a datetime: its tzinfo is None).
func DateFields(o Object) DateTime {
	p := DateTime{TZInfo: None}
	o.dateAt(C.goaccel_dt_date_data, &p)
	return p
}

// DateTimeFields reads a datetime.datetime.
func DateTimeFields(o Object) DateTime {
	var p DateTime
	o.dateAt(C.goaccel_dt_datetime_data, &p)
	o.clockAt(C.goaccel_dt_datetime_data+4, &p)
	p.TZInfo = o.tzAt(C.goaccel_dt_datetime_hastz, C.goaccel_dt_datetime_tz)
	return p
}

// TimeFields reads a datetime.time (Year, Month, Day are 0).
func TimeFields(o Object) DateTime {
	var p DateTime
	o.clockAt(C.goaccel_dt_time_data, &p)
	p.TZInfo = o.tzAt(C.goaccel_dt_time_hastz, C.goaccel_dt_time_tz)
	return p
}

// TimedeltaFields reads days, seconds and microseconds of a timedelta.
func TimedeltaFields(o Object) (days, seconds, microseconds int) {
	i := func(off uintptr) int { return int(*(*int32)(o.field(off))) }
	return i(C.goaccel_dt_delta_days), i(C.goaccel_dt_delta_seconds), i(C.goaccel_dt_delta_us)
}

var dtTypes [2]*C.PyObject

// DateTimeTypes imports the datetime C API on first use (GIL held) and
// returns the exact datetime and date types.
func DateTimeTypes() (datetime, date Object, err error) {
	if dtTypes[0] == nil && C.goaccel_datetime_import(&dtTypes[0], &dtTypes[1]) < 0 {
		dtTypes = [2]*C.PyObject{}
		return Object{}, Object{}, ErrAlreadySet
	}
	return Object{dtTypes[0]}, Object{dtTypes[1]}, nil
}

// NewDateTime builds a naive datetime (ValueError set on invalid fields).
func NewDateTime(y, mo, d, h, mi, s, us int) (Ref, error) {
	if _, _, err := DateTimeTypes(); err != nil {
		return Ref{}, err
	}
	return own(C.goaccel_new_datetime(C.int(y), C.int(mo), C.int(d), C.int(h), C.int(mi), C.int(s), C.int(us)))
}
