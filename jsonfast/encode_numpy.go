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
			return e.numpyRefused(o, "unsupported datatype in numpy array")
		}
		return false, nil
	}
	if order, err := attrStr(dt.Object, "byteorder"); err != nil {
		return true, err
	} else if order == ">" {
		return true, encodeError("numpy array is not native-endianness")
	}
	if isArray {
		flags, err := python.GetAttr(o, "flags")
		if err != nil {
			return true, err
		}
		contiguous, err := python.GetAttr(flags.Object, "c_contiguous")
		flags.Release()
		if err != nil {
			return true, err
		}
		ok := contiguous.Object == python.True
		contiguous.Release()
		if !ok {
			return e.numpyRefused(o, "numpy array is not C contiguous; use ndarray.tolist() in default")
		}
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

// numpyRefused: an array orjson will not serialise goes to default when
// there is one, else raises msg.
func (e *Encoder) numpyRefused(o python.Object, msg string) (bool, error) {
	if !e.Default.IsNil() {
		return false, nil
	}
	return true, encodeError("%s", msg)
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
	// orjson lays float32 out with its own thresholds: 0.000001 but 1e-7,
	// 1000000000000.0 but 1e+13.
	return layoutDigits(b, digits, exp+1, -6, 13, false)
}
