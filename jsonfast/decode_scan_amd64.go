package jsonfast

// plainIndex is in decode_scan_amd64.s (SSE2).
//
//go:noescape
func plainIndex(p *byte, n int) int

// plainRun returns how many bytes from data[i:] need no attention: while
// no byte is a quote, a backslash, a control or non-ASCII byte. Sixteen
// bytes per step in SSE2 when at least sixteen remain (github.json's
// strings are mostly URLs of 40-100 bytes: plainRun was 11 % of its
// profile at ~15 instructions per 8 bytes), the word-at-a-time scan for
// the last few bytes of the input.
func plainRun(data []byte, i int) int {
	if n := len(data) - i; n >= 16 {
		return i + plainIndex(&data[i], n)
	}
	return plainRunSWAR(data, i)
}
