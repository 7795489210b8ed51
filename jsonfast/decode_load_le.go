//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm

package jsonfast

import "unsafe"

// load64 and load32 read little-endian words at b[i:] without the bounds
// check and slice arithmetic binary.LittleEndian costs in the scanning
// loops (half the instructions of plainRun's loop). Callers guarantee
// i+8 (i+4) <= len(b). decode_load_be.go is the portable version.
func load64(b []byte, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i))
}

func load32(b []byte, i int) uint32 {
	return *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i))
}
