package jsonfast

import (
	"strconv"
	"sync"

	"goaccel/python"
)

// The non-builtin types orjson serialises natively. They are looked up
// once, on the first object that is not a plain JSON type.
var (
	typesOnce                                     sync.Once
	typesErr                                      error
	dateTimeType, dateType, timeType, timezoneUTC python.Object
	uuidType, enumMeta, dataclassField            python.Object
	fragmentType                                  python.Object
)

// SetFragmentType records the Python class of jsonfast.orjson.Fragment.
func SetFragmentType(t python.Object) {
	python.NewRef(t) // kept for the life of the process
	fragmentType = t
}

func attr(mod python.Ref, name string) python.Object {
	if typesErr != nil {
		return python.Object{}
	}
	r, err := python.GetAttr(mod.Object, name)
	if err != nil {
		typesErr = err
		return python.Object{}
	}
	return r.Object // kept: module attributes live as long as the process
}

func loadTypes() error {
	typesOnce.Do(func() {
		mod := func(name string) python.Ref {
			m, err := python.Import(name)
			if err != nil && typesErr == nil {
				typesErr = err
			}
			return m
		}
		dt := mod("datetime")
		uu := mod("uuid")
		en := mod("enum")
		dc := mod("dataclasses")
		if typesErr != nil {
			return
		}
		dateTimeType, dateType, timeType = attr(dt, "datetime"), attr(dt, "date"), attr(dt, "time")
		if tz := attr(dt, "timezone"); typesErr == nil {
			r, err := python.GetAttr(tz, "utc")
			typesErr = err
			timezoneUTC = r.Object
		}
		uuidType, enumMeta, dataclassField = attr(uu, "UUID"), attr(en, "EnumMeta"), attr(dc, "_FIELD")
	})
	return typesErr
}

func isEnum(o python.Object) bool {
	if loadTypes() != nil {
		return false
	}
	mt := o.Type().Type()
	return mt == enumMeta || mt.IsSubtype(enumMeta)
}

func (e *Encoder) valueOrjsonChain(o python.Object, chain int) error {
	switch o.Type() {
	case python.StrType, python.IntType, python.FloatType, python.NoneType, python.BoolType,
		python.ListType, python.DictType, python.TupleType:
		return e.valueOrjson(o)
	}
	return e.otherOrjson(o, chain)
}

// otherOrjson serialises what is not an exact builtin: orjson's native
// types, subclasses, then default (which may chain up to 254 times).
func (e *Encoder) otherOrjson(o python.Object, chain int) error {
	e.calls++ // what follows may run Python code (properties, __str__, default ...)
	if ok, err := e.nativeOrjson(o, false); ok || err != nil {
		return err
	}
	if e.Default.IsNil() {
		return encodeError("Type is not JSON serializable: %s", o.TypeName())
	}
	if chain >= orjsonMaxDefault {
		return encodeError("default serializer exceeds recursion limit")
	}
	e.calls++
	r, err := python.Call(e.Default, o)
	if err != nil {
		cause := python.Fetch()
		python.RaiseWithCause(encodeError("Type is not JSON serializable: %s", o.TypeName()), cause)
		return python.ErrAlreadySet
	}
	defer r.Release()
	return e.valueOrjsonChain(r.Object, chain+1)
}

// nativeOrjson writes o if it is one of orjson's native non-builtin types
// (asKey: as a dict key under OPT_NON_STR_KEYS, where datetimes still
// render but containers do not).
func (e *Encoder) nativeOrjson(o python.Object, asKey bool) (bool, error) {
	if err := loadTypes(); err != nil {
		return false, err
	}
	t := o.Type()
	switch {
	case t == uuidType:
		return true, e.uuid(o)
	case t == fragmentType && !fragmentType.IsNil() && !asKey:
		return true, e.fragment(o)
	case e.Flags&OptPassthroughDatetime == 0 && (t == dateTimeType || t == dateType || t == timeType):
		return true, e.datetime(o, t)
	}
	flags := t.TypeFlags()
	if e.Flags&OptPassthroughSubclass == 0 && !asKey {
		switch {
		case flags&python.FlagStrSubclass != 0:
			return true, e.strOrjson(o)
		case flags&python.FlagLongSubclass != 0:
			return true, e.intOrjson(o)
		case flags&python.FlagListSubclass != 0:
			return true, e.listOrjson(o, python.ListItems(o))
		case flags&python.FlagDictSubclass != 0:
			return true, e.dictOrjson(o)
		}
	}
	if mt := t.Type(); mt == enumMeta || mt.IsSubtype(enumMeta) {
		v, err := python.GetAttr(o, "value")
		if err != nil {
			return true, err
		}
		defer v.Release()
		if asKey {
			return true, e.keyOrjson(v.Object)
		}
		return true, e.valueOrjsonChain(v.Object, 0)
	}
	if e.Flags&OptPassthroughDataclass == 0 && !asKey && python.HasAttr(t, "__dataclass_fields__") {
		return true, e.dataclass(o, t)
	}
	if e.Flags&OptSerializeNumpy != 0 && !asKey {
		return e.numpy(o)
	}
	return false, nil
}

func (e *Encoder) uuid(o python.Object) error {
	s, err := python.Str(o)
	if err != nil {
		return err
	}
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, s...)
	e.buf = append(e.buf, '"')
	return nil
}

func (e *Encoder) fragment(o python.Object) error {
	c, err := python.GetAttr(o, "contents")
	if err != nil {
		return err
	}
	defer c.Release()
	switch ct := c.Type(); {
	case ct == python.BytesType:
		e.buf = append(e.buf, python.BytesData(c.Object)...)
	case ct == python.StrType:
		u, err := python.StrUTF8(c.Object)
		if err != nil {
			python.Fetch().Release()
			return encodeError("str is not valid UTF-8: surrogates not allowed")
		}
		e.buf = append(e.buf, u...)
	default:
		return encodeError("Fragment.contents must be bytes or str")
	}
	return nil
}

// dataclass writes the fields of a dataclass instance in definition
// order, skipping names that start with '_' and pseudo-fields (ClassVar,
// InitVar), as orjson does.
func (e *Encoder) dataclass(o, t python.Object) error {
	fields, err := python.GetAttr(t, "__dataclass_fields__")
	if err != nil {
		return err
	}
	defer fields.Release()
	if fields.Type() != python.DictType {
		return encodeError("Type is not JSON serializable: %s", o.TypeName())
	}
	if err := e.enterOrjson(); err != nil {
		return err
	}
	indent := e.Flags&OptIndent2 != 0
	e.buf = append(e.buf, '{')
	n := 0
	it := python.Items(fields.Object)
	for {
		name, field, ok := it.Next()
		if !ok {
			break
		}
		nb, err := python.StrUTF8(name)
		if err != nil {
			return err
		}
		if len(nb) > 0 && nb[0] == '_' {
			continue
		}
		ft, err := python.GetAttr(field, "_field_type")
		if err != nil {
			return err
		}
		plain := ft.Object == dataclassField
		ft.Release()
		if !plain {
			continue
		}
		v, err := python.GetAttr(o, string(nb))
		if err != nil {
			return err
		}
		if n > 0 {
			e.buf = append(e.buf, ',')
		}
		n++
		if indent {
			e.newlineOrjson()
		}
		if err := e.strOrjson(name); err != nil {
			v.Release()
			return err
		}
		e.keySepOrjson()
		err = e.valueOrjsonChain(v.Object, 0)
		v.Release()
		if err != nil {
			return err
		}
	}
	e.depth--
	if n == 0 {
		e.buf = append(e.buf, '}')
		return nil
	}
	if indent {
		e.newlineOrjson()
	}
	e.buf = append(e.buf, '}')
	return nil
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10%10), byte('0'+v%10)) }

// datetime writes date, time and datetime in orjson's RFC 3339 form.
func (e *Encoder) datetime(o, t python.Object) error {
	var p python.DateTime
	switch t {
	case dateType:
		p = python.DateFields(o)
	case timeType:
		p = python.TimeFields(o)
		if p.TZInfo != python.None {
			return encodeError("datetime.time must not have tzinfo set")
		}
	default:
		p = python.DateTimeFields(o)
	}
	b := append(e.buf, '"')
	if t != timeType {
		y := p.Year
		b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
		b = append2(b, p.Month)
		b = append(b, '-')
		b = append2(b, p.Day)
		if t == dateType {
			e.buf = append(b, '"')
			return nil
		}
		b = append(b, 'T')
	}
	b = append2(b, p.Hour)
	b = append(b, ':')
	b = append2(b, p.Minute)
	b = append(b, ':')
	b = append2(b, p.Second)
	if p.Microsecond != 0 && e.Flags&OptOmitMicroseconds == 0 {
		b = append(b, '.')
		us := strconv.Itoa(1000000 + p.Microsecond)
		b = append(b, us[1:]...)
	}
	e.buf = b
	if t == timeType {
		e.buf = append(e.buf, '"')
		return nil
	}
	if p.TZInfo == python.None {
		if e.Flags&OptNaiveUTC != 0 {
			e.offset(0, 0)
		}
		e.buf = append(e.buf, '"')
		return nil
	}
	if p.TZInfo == timezoneUTC {
		e.offset(0, 0)
		e.buf = append(e.buf, '"')
		return nil
	}
	// pytz zones carry a fixed offset chosen when the datetime was made
	// (LMT unless localize() was used); orjson asks normalize() for the
	// zone's real offset at that instant, and so do we.
	src := o
	if python.HasAttr(p.TZInfo, "normalize") {
		n, err := python.CallMethod(p.TZInfo, "normalize", o)
		if err != nil {
			return err
		}
		defer n.Release()
		src = n.Object
	}
	off, err := python.CallMethod(src, "utcoffset")
	if err != nil {
		return err
	}
	defer off.Release()
	if off.Object == python.None {
		e.buf = append(e.buf, '"')
		return nil
	}
	days, secs, _ := python.TimedeltaFields(off.Object)
	e.offset(days, secs)
	e.buf = append(e.buf, '"')
	return nil
}

// offset writes a UTC offset as orjson does: a timedelta of days -1 is
// negative; seconds round to the nearest minute.
func (e *Encoder) offset(days, secs int) {
	if days == 0 && secs == 0 {
		if e.Flags&OptUTCZ != 0 {
			e.buf = append(e.buf, 'Z')
		} else {
			e.buf = append(e.buf, "+00:00"...)
		}
		return
	}
	if days == -1 {
		e.buf = append(e.buf, '-')
		secs = 86400 - secs
	} else {
		e.buf = append(e.buf, '+')
	}
	minutes := secs / 60
	hours := minutes / 60
	m := minutes % 60
	if secs-(m*60+hours*3600) >= 30 {
		m++
	}
	e.buf = append2(e.buf, hours)
	e.buf = append(e.buf, ':')
	e.buf = append2(e.buf, m)
}
