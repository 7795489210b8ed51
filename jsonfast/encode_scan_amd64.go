package jsonfast

// escIndex is in encode_scan_amd64.s (SSE2).
//
//go:noescape
func escIndex(p *byte, n int, del bool) int
