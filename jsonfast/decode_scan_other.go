//go:build !amd64

package jsonfast

// plainRun returns how many bytes from data[i:] need no attention (see
// plainRunSWAR; decode_scan_amd64.go has an SSE2 version).
func plainRun(data []byte, i int) int { return plainRunSWAR(data, i) }
