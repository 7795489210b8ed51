package appserver

import (
	"os"
	"runtime"
)

// minProcs is the GOMAXPROCS floor of a server process.
//
// With a single P (a worker pinned to one core, or a container limited to
// one CPU, where the runtime picks GOMAXPROCS=1), the runtime's sysmon
// thread retakes the only P from every syscall or cgo call it sees twice,
// even when no goroutine waits for it (with an idle P or a spinning M it
// would leave it alone for 10 ms). A server spends its time in exactly such
// calls (write(2), read(2), the app under the GIL), so sysmon keeps polling
// at its 20 µs minimum and each retake wakes another thread. perf on a
// hello-world worker pinned to one core: sysmon and its nanosleep wakeups
// were 10 % of the process's CPU; with a second P they vanish and CPU per
// request fell 11 % (docs/notes/appserver.md, "CPU per request").
// A second P does not add parallelism the core count does not have: the
// extra M only runs when the first one is blocked.
const minProcs = 2

// ensureProcs raises GOMAXPROCS to minProcs unless the user set it.
func ensureProcs() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	if runtime.GOMAXPROCS(0) < minProcs {
		runtime.GOMAXPROCS(minProcs)
	}
}
