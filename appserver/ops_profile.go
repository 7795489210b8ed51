package appserver

import (
	"os"
	"runtime/pprof"
	"strconv"
)

// APPSERVER_CPUPROFILE=PATH writes a Go CPU profile of each worker to
// PATH.<pid> from start to stop (profiling the server under load; run with
// GODEBUG=asyncpreemptoff=1 for readable stacks in a cgo-heavy process).
func startProfile() func() {
	path := os.Getenv("APPSERVER_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path + "." + strconv.Itoa(os.Getpid()))
	if err != nil {
		logf("APPSERVER_CPUPROFILE: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		logf("APPSERVER_CPUPROFILE: %v", err)
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
