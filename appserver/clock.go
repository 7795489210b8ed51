package appserver

import _ "unsafe" // go:linkname

// mono is the runtime's monotonic clock in nanoseconds: one vDSO
// clock_gettime, where time.Now reads two clocks (wall and monotonic).
// The per-request counters (stats()) chain their readings on it: perf
// on a hello-world worker had 6.7 % of its CPU in clock_gettime, from
// about 30 clock reads per request.
//
//go:linkname mono runtime.nanotime
func mono() int64
