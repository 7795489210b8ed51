package jsonfast

import (
	"sync"

	"goaccel/python"
)

// DRFDefault is DRF's JSONEncoder.default for the types a DRF response
// carries most: it builds the same value DRF's default returns (a str, or a
// float for Decimal) without running Python code. Only exact types are
// taken here — a subclass may override isoformat() or __str__ — and
// everything else goes to DRF's own default (SetDRFFallback), so lazy
// strings, QuerySets, ipaddress, bytes, numpy values and iterables behave
// exactly as DRF makes them.
func DRFDefault(o python.Object) (python.Ref, error) {
	var buf [64]byte
	b, f, err := drfConvert(buf[:0], o)
	switch {
	case err != nil:
		return python.Ref{}, err
	case b != nil:
		return python.NewASCIIStr(b)
	case !f.IsNil():
		return f, nil
	case drfFallback.IsNil():
		return python.Ref{}, python.Errorf(python.TypeError, "Object of type %s is not JSON serializable", typeShortName(o))
	}
	return python.Call(drfFallback, o)
}

// drfNative writes what DRF's default makes of o straight into the
// encoder's buffer: a quoted ASCII string, or a float. It reports false
// for the types it leaves to DRF's own default.
func (e *Encoder) drfNative(o python.Object) (bool, error) {
	b := append(e.buf, '"')
	s, f, err := drfConvert(b, o)
	switch {
	case err != nil:
		return true, err
	case s != nil:
		e.buf = append(s, '"')
		return true, nil
	case !f.IsNil():
		err = e.appendFloatJSON(f.Object)
		f.Release()
		return true, err
	}
	return false, nil
}

// drfConvert appends DRF's string for o to b, or returns float(o) for a
// Decimal; (nil, {}, nil) when o is not one of the types done in Go.
func drfConvert(b []byte, o python.Object) ([]byte, python.Ref, error) {
	if err := loadDRFTypes(); err != nil {
		return nil, python.Ref{}, err
	}
	switch t := o.Type(); t {
	case dateTimeType:
		b, err := drfDateTime(b, o)
		return b, python.Ref{}, err
	case dateType:
		return appendDate(b, python.DateParts(o)), python.Ref{}, nil
	case timeType:
		b, err := drfTime(b, o)
		return b, python.Ref{}, err
	case decimalType:
		// float(obj), as DRF: Decimal.__float__ (correctly rounded; raises
		// for a signalling NaN).
		f, err := python.Call(python.FloatType, o)
		return nil, f, err
	case timedeltaType:
		if b, ok := drfTimedelta(b, o); ok {
			return b, python.Ref{}, nil
		}
	case uuidType:
		if b, ok := drfUUID(b, o); ok {
			return b, python.Ref{}, nil
		}
	}
	return nil, python.Ref{}, nil
}

var (
	drfTypesOnce               sync.Once
	drfTypesErr                error
	timedeltaType, decimalType python.Object
	drfFallback                python.Object
)

// SetDRFFallback records DRF's own JSONEncoder().default (kept for the life
// of the process), which handles every type DRFDefault does not.
func SetDRFFallback(f python.Object) {
	python.NewRef(f)
	drfFallback = f
}

func loadDRFTypes() error {
	drfTypesOnce.Do(func() {
		if drfTypesErr = loadTypes(); drfTypesErr != nil {
			return
		}
		for _, x := range []struct {
			mod, name string
			dst       *python.Object
		}{{"datetime", "timedelta", &timedeltaType}, {"decimal", "Decimal", &decimalType}} {
			m, err := python.Import(x.mod)
			if err != nil {
				drfTypesErr = err
				return
			}
			a, err := python.GetAttr(m.Object, x.name)
			m.Release()
			if err != nil {
				drfTypesErr = err
				return
			}
			*x.dst = a.Object // kept: a module attribute lives as long as the process
		}
	})
	return drfTypesErr
}

// appendDate writes date.isoformat(): YYYY-MM-DD.
func appendDate(b []byte, p python.DateTimeParts) []byte {
	y := p.Year
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append2(b, p.Month)
	b = append(b, '-')
	return append2(b, p.Day)
}

// appendClock writes HH:MM:SS[.ffffff], the time part of isoformat().
func appendClock(b []byte, p python.DateTimeParts) []byte {
	b = append2(b, p.Hour)
	b = append(b, ':')
	b = append2(b, p.Minute)
	b = append(b, ':')
	b = append2(b, p.Second)
	if p.Microsecond != 0 {
		b = append(b, '.')
		b = append6(b, p.Microsecond)
	}
	return b
}

func append6(b []byte, v int) []byte {
	return append(b, byte('0'+v/100000%10), byte('0'+v/10000%10), byte('0'+v/1000%10),
		byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}

// drfDateTime writes datetime.isoformat() with DRF's rule: a "+00:00"
// suffix becomes "Z".
func drfDateTime(b []byte, o python.Object) ([]byte, error) {
	p := python.DateTimeFields(o)
	b = appendDate(b, p)
	b = append(b, 'T')
	b = appendClock(b, p)
	if p.TZInfo == python.None {
		return b, nil
	}
	if p.TZInfo == timezoneUTC {
		return append(b, 'Z'), nil
	}
	// Any other zone: its utcoffset(dt), exactly as isoformat() asks it
	// (the call also checks the value, with datetime's own errors).
	off, err := python.CallMethod(o, "utcoffset")
	if err != nil {
		return nil, err
	}
	defer off.Release()
	if off.Object == python.None {
		return b, nil
	}
	return appendUTCOffset(b, off.Object), nil
}

// appendUTCOffset writes an offset as datetime.isoformat() does (+HH:MM,
// then :SS and .ffffff only when non-zero), with "+00:00" as "Z".
func appendUTCOffset(b []byte, off python.Object) []byte {
	days, secs, us := python.TimedeltaFields(off)
	total := (int64(days)*86400+int64(secs))*1000000 + int64(us)
	if total == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if total < 0 {
		sign, total = '-', -total
	}
	us = int(total % 1000000)
	secs = int(total / 1000000)
	b = append(b, sign)
	b = append2(b, secs/3600)
	b = append(b, ':')
	b = append2(b, secs/60%60)
	if secs%60 != 0 || us != 0 {
		b = append(b, ':')
		b = append2(b, secs%60)
		if us != 0 {
			b = append(b, '.')
			b = append6(b, us)
		}
	}
	return b
}

// drfTime writes time.isoformat(); an aware time raises as DRF's does.
func drfTime(b []byte, o python.Object) ([]byte, error) {
	p := python.TimeFields(o)
	if p.TZInfo != python.None {
		// django.utils.timezone.is_aware: utcoffset() is not None.
		off, err := python.CallMethod(o, "utcoffset")
		if err != nil {
			return nil, err
		}
		aware := off.Object != python.None
		off.Release()
		if aware {
			return nil, python.Errorf(python.ValueError, "JSON can't represent timezone-aware times.")
		}
	}
	return appendClock(b, p), nil
}

// drfTimedelta writes str(td.total_seconds()). total_seconds() divides the
// exact count of microseconds by 10**6, correctly rounded; while that count
// fits a float64 exactly, so does one IEEE division. Larger spans (beyond
// about 285 years) are left to Python.
func drfTimedelta(b []byte, o python.Object) ([]byte, bool) {
	days, secs, us := python.TimedeltaFields(o)
	total := (int64(days)*86400+int64(secs))*1000000 + int64(us)
	if total > 1<<53 || total < -(1<<53) {
		return nil, false
	}
	return appendFloat(b, float64(total)/1e6, false), true
}

// drfUUID writes str(uuid): the 128-bit int as 8-4-4-4-12 hex digits.
func drfUUID(b []byte, o python.Object) ([]byte, bool) {
	v, err := python.GetAttr(o, "int")
	if err != nil {
		python.Fetch().Release()
		return nil, false
	}
	defer v.Release()
	hi, lo, ok := python.LongUint128(v.Object)
	if !ok {
		return nil, false
	}
	var h [32]byte
	const hexdigits = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		h[i] = hexdigits[hi&15]
		hi >>= 4
		h[16+i] = hexdigits[lo&15]
		lo >>= 4
	}
	b = append(b, h[0:8]...)
	b = append(b, '-')
	b = append(b, h[8:12]...)
	b = append(b, '-')
	b = append(b, h[12:16]...)
	b = append(b, '-')
	b = append(b, h[16:20]...)
	b = append(b, '-')
	return append(b, h[20:32]...), true
}
