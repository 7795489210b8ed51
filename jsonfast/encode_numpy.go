package jsonfast

import (
	"math"
	"strconv"
	"strings"

	"goaccel/python"
)

// OPT_SERIALIZE_NUMPY: numpy arrays and scalars of bool, int, uint and
// float dtypes, through numpy's own tolist()/item() (so numpy is never
// imported by jsonfast). float32 values keep float32's shortest form, as
// orjson prints them ("0.1", not "0.10000000149011612"). Other dtypes
// (str, object, datetime64) raise like orjson's "unsupported datatype".

func (e *Encoder) numpy(o python.Object) (bool, error) {
	name := o.TypeName()
	if !strings.HasPrefix(name, "numpy.") {
		return false, nil
	}
	dt, err := python.GetAttr(o, "dtype")
	if err != nil {
		python.Fetch().Release()
		return false, nil
	}
	defer dt.Release()
	kind, err := attrStr(dt.Object, "kind")
	if err != nil {
		return true, err
	}
	size, err := attrInt(dt.Object, "itemsize")
	if err != nil {
		return true, err
	}
	isArray := name == "numpy.ndarray"
	switch kind {
	case "b", "i", "u", "f":
	default:
		if isArray {
			return true, encodeError("unsupported datatype in numpy array")
		}
		return false, nil
	}
	method := "item"
	if isArray {
		method = "tolist"
	}
	v, err := python.CallMethod(o, method)
	if err != nil {
		return true, err
	}
	defer v.Release()
	saved := e.float32
	e.float32 = kind == "f" && size == 4
	err = e.valueOrjson(v.Object)
	e.float32 = saved
	return true, err
}

func attrStr(o python.Object, name string) (string, error) {
	r, err := python.GetAttr(o, name)
	if err != nil {
		return "", err
	}
	defer r.Release()
	return python.Str(r.Object)
}

func attrInt(o python.Object, name string) (int64, error) {
	r, err := python.GetAttr(o, name)
	if err != nil {
		return 0, err
	}
	defer r.Release()
	v, _ := python.LongInt64(r.Object)
	return v, nil
}

// appendFloat32 writes a float32 value in orjson's layout with float32's
// shortest round-trip digits.
func appendFloat32(b []byte, f float64) []byte {
	f32 := float32(f)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], float64(f32), 'e', -1, 32)
	if s[0] == '-' {
		b = append(b, '-')
		s = s[1:]
	}
	digits := make([]byte, 0, 12)
	i := 0
	for ; s[i] != 'e'; i++ {
		if s[i] != '.' {
			digits = append(digits, s[i])
		}
	}
	exp, _ := strconv.Atoi(string(s[i+1:]))
	return layoutDigits(b, digits, exp+1, true)
}
