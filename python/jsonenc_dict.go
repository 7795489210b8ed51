package python

import "unsafe"

// DictTable exposes a combined dict table to a walker that iterates it
// inline (jsonfast's encoder), without the DictIter struct's copies: entry
// i's key is at Key(i) and its value at Value(i); a NULL value marks a
// deleted entry. ok is false for split tables (some instance __dict__s),
// which callers walk with Items.
type DictTable struct {
	entries unsafe.Pointer // first entry's key slot
	stride  uintptr
	valOff  uintptr // from the key slot to the value slot
	N       int     // entries used (live and deleted)
}

// Table returns d's combined table.
func Table(d Object) (t DictTable, ok bool) {
	if *(*unsafe.Pointer)(d.field(lay.DictValues)) != nil {
		return t, false
	}
	keys := *(*unsafe.Pointer)(d.field(lay.DictKeys))
	log2IndexBytes := *(*uint8)(unsafe.Add(keys, lay.KeysLog2IndexBytes))
	kind := *(*uint8)(unsafe.Add(keys, lay.KeysKind))
	t.entries = unsafe.Add(keys, lay.KeysIndices+uintptr(1)<<log2IndexBytes)
	t.N = int(*(*int64)(unsafe.Add(keys, lay.KeysNEntries)))
	if kind == lay.KeysKindGeneral {
		t.stride, t.valOff = lay.EntryGeneralSize, lay.EntryGeneralValue-lay.EntryGeneralKey
		t.entries = unsafe.Add(t.entries, lay.EntryGeneralKey)
	} else {
		t.stride, t.valOff = lay.EntryUnicodeSize, lay.EntryUnicodeValue-lay.EntryUnicodeKey
		t.entries = unsafe.Add(t.entries, lay.EntryUnicodeKey)
	}
	return t, true
}

// Entry returns entry i's key and value (value NULL: deleted).
func (t *DictTable) Entry(i int) (key, value Object) {
	e := unsafe.Add(t.entries, uintptr(i)*t.stride)
	return *(*Object)(e), *(*Object)(unsafe.Add(e, t.valOff))
}
