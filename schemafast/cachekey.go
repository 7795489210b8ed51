package schemafast

import (
	"bytes"
	"encoding/binary"
	"math"
	"sort"

	"goaccel/python"
)

// canonKey writes a canonical, unambiguous byte form of a JSON-shaped
// Python schema (dict keys sorted, strings length-prefixed, ints and
// floats tagged apart) straight from the Python objects: the compile
// cache's key without converting the schema to Go values and JSON text
// first (that round trip was ~45 us of a 50 us cache hit for the OpenAPI
// schema). ok is false for anything unusual (big ints, subclasses,
// non-str keys, very deep nesting); the caller then keys by JSON text.
func canonKey(buf *bytes.Buffer, o python.Object, depth int) (ok bool) {
	if depth > 200 {
		return false
	}
	var num [8]byte
	switch t := o.Type(); t {
	case python.NoneType:
		buf.WriteByte('n')
	case python.BoolType:
		if o == python.True {
			buf.WriteByte('t')
		} else {
			buf.WriteByte('f')
		}
	case python.IntType:
		v, fits := python.LongInt64(o)
		if !fits {
			return false
		}
		buf.WriteByte('i')
		binary.LittleEndian.PutUint64(num[:], uint64(v))
		buf.Write(num[:])
	case python.FloatType:
		buf.WriteByte('d')
		binary.LittleEndian.PutUint64(num[:], math.Float64bits(python.FloatValue(o)))
		buf.Write(num[:])
	case python.StrType:
		b, err := python.StrUTF8(o)
		if err != nil {
			python.Fetch().Release()
			return false
		}
		buf.WriteByte('s')
		writeLen(buf, len(b))
		buf.Write(b)
	case python.ListType, python.TupleType:
		items := seqItems(o, kindOfType(t))
		buf.WriteByte('[')
		writeLen(buf, len(items))
		for _, it := range items {
			if !canonKey(buf, it, depth+1) {
				return false
			}
		}
	case python.DictType:
		var small [16]keyVal
		entries := small[:0]
		var it python.DictIter
		it.Reset(o)
		for {
			k, v, more := it.Next()
			if !more {
				break
			}
			if k.Type() != python.StrType {
				return false
			}
			b, err := python.StrUTF8(k)
			if err != nil {
				python.Fetch().Release()
				return false
			}
			entries = append(entries, keyVal{b, v})
		}
		sortKeys(entries)
		buf.WriteByte('{')
		writeLen(buf, len(entries))
		for _, e := range entries {
			writeLen(buf, len(e.key))
			buf.Write(e.key)
			if !canonKey(buf, e.val, depth+1) {
				return false
			}
		}
	default:
		return false
	}
	return true
}

type keyVal struct {
	key []byte
	val python.Object
}

// sortKeys orders entries by key: insertion sort for the small objects
// schemas are made of (sort.Slice's closure and swapper allocated on every
// dict), sort.Slice beyond.
func sortKeys(entries []keyVal) {
	if len(entries) > 32 {
		// Sorted in a copy: handing entries itself to sort.Slice's closure
		// would move every caller's stack buffer to the heap.
		big := append([]keyVal(nil), entries...)
		sort.Slice(big, func(i, j int) bool { return bytes.Compare(big[i].key, big[j].key) < 0 })
		copy(entries, big)
		return
	}
	for j := 1; j < len(entries); j++ {
		for i := j; i > 0 && bytes.Compare(entries[i-1].key, entries[i].key) > 0; i-- {
			entries[i-1], entries[i] = entries[i], entries[i-1]
		}
	}
}

func writeLen(buf *bytes.Buffer, n int) {
	var b [binary.MaxVarintLen64]byte
	buf.Write(b[:binary.PutUvarint(b[:], uint64(n))])
}
