package python

import "unsafe"

// Reset points it at d's items, writing the iterator in place. It is Items
// for hot loops: returning the 64-byte DictIter by value cost schemafast's
// object walk a store-forwarding stall per dict (seen with perf).
func (it *DictIter) Reset(d Object) {
	if *(*unsafe.Pointer)(d.field(lay.DictValues)) != nil {
		*it = Items(d) // split table (rare: instance __dict__s)
		return
	}
	keys := *(*unsafe.Pointer)(d.field(lay.DictKeys))
	log2IndexBytes := *(*uint8)(unsafe.Add(keys, lay.KeysLog2IndexBytes))
	kind := *(*uint8)(unsafe.Add(keys, lay.KeysKind))
	entries := unsafe.Add(keys, lay.KeysIndices+uintptr(1)<<log2IndexBytes)
	it.n = int(*(*int64)(unsafe.Add(keys, lay.KeysNEntries)))
	it.i = 0
	it.pairs = nil
	if kind == lay.KeysKindGeneral {
		it.stride, it.valOff = lay.EntryGeneralSize, lay.EntryGeneralValue-lay.EntryGeneralKey
		it.entries = unsafe.Add(entries, lay.EntryGeneralKey)
	} else {
		it.stride, it.valOff = lay.EntryUnicodeSize, lay.EntryUnicodeValue-lay.EntryUnicodeKey
		it.entries = unsafe.Add(entries, lay.EntryUnicodeKey)
	}
}
