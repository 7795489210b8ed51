package appserver

import (
	"bytes"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// schedStat returns the calling OS thread's time on a CPU
// (CLOCK_THREAD_CPUTIME_ID: exact; schedstat's own CPU field is only brought
// up to date at scheduler ticks, 4 ms here) and its time runnable but
// waiting for one (run_delay, the second field of
// /proc/thread-self/schedstat, updated whenever the thread is put on a CPU,
// so current while it runs), for the adaptive in-flight limit (limit.go).
// The caller is locked to its thread. Each thread's file stays open (pread:
// ~1.5 µs; open+read+close: ~19 µs); ok false where the file does not
// exist (kernels without schedstats) or could not be read.
func schedStat() (cpu, runDelay time.Duration, ok bool) {
	var ts syscall.Timespec
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime,
		uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0, 0, false
	}
	cpu = time.Duration(ts.Nano())
	tid := syscall.Gettid()
	fd, ok := schedFDs.Load(tid)
	if !ok {
		nfd, err := syscall.Open("/proc/thread-self/schedstat", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			return 0, 0, false
		}
		if old, loaded := schedFDs.LoadOrStore(tid, nfd); loaded {
			syscall.Close(nfd)
			fd = old
		} else {
			fd = nfd
		}
	}
	var buf [80]byte
	n, err := syscall.Pread(fd.(int), buf[:], 0)
	if err != nil || n <= 0 {
		// The thread that opened it is gone and its id reused: reopen.
		if schedFDs.CompareAndDelete(tid, fd) {
			syscall.Close(fd.(int))
		}
		return 0, 0, false
	}
	f := bytes.Fields(buf[:n])
	if len(f) < 2 {
		return 0, 0, false
	}
	r, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, 0, false
	}
	return cpu, time.Duration(r), true
}

const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID

var schedFDs sync.Map // thread id -> fd of its schedstat file
