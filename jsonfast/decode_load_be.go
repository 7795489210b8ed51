//go:build !(386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64 || wasm)

package jsonfast

import "encoding/binary"

// load64 and load32: see decode_load_le.go.
func load64(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }
