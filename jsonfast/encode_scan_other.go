//go:build !amd64

package jsonfast

// escIndex: see escIndexSWAR (amd64 has an SSE2 version).
func escIndex(p *byte, n int, del bool) int { return escIndexSWAR(p, n, del) }
