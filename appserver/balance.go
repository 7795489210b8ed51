package appserver

import (
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Workers share one listening socket, and a keep-alive connection stays
// with the worker that accepted it for its whole life. HAProxy in front of
// uWSGI keeps one queue for all processes; here each worker has its own
// FIFO, so the split of connections over the workers decides how long each
// queue is. When 64 connections arrive at once, the worker whose thread
// happens to run would accept nearly all of them in a tight loop (both
// workers on one core: the other cannot even run).
//
// The supervisor therefore gives its WSGI workers a table of open
// connections, one counter per worker (a memfd each worker maps), and a
// worker that holds more connections than the least loaded live worker
// pauses its accepts for a moment so that the others take theirs: the
// least-connections rule of a load balancer, decided before accept(). The
// pause is short and bounded (balanceWait): a worker busy in a long
// collection still runs its Go accept loop, and one that died is marked
// gone by the supervisor, so nobody waits on it for long.
//
// This replaced pacing the accept loop of a saturated worker (queue.go's
// acceptPause, still used without a table): pacing kept the split even but
// left the last connections of a burst in the kernel's backlog for about a
// request's latency, so their first requests waited two rounds of the
// queue (measured on the Django demo: first responses up to 1.36 s against
// a steady 0.72 s, the p99 of the run; docs/notes/appserver-p99.md §10).

const (
	balanceStride = 8    // int64s per worker: one 64-byte line each
	balanceGone   = -1   // the counter of a worker that is not accepting
	balanceSize   = 4096 // bytes in the table: 64 workers
	balanceStep   = 200 * time.Microsecond
	balanceWait   = 3 * time.Millisecond
)

// connBalance is this worker's view of the shared table.
type connBalance struct {
	table []int64 // mapped; every access is atomic
	me    int     // this worker's counter index
}

// openBalance maps the table passed as fd (the supervisor's memfd) and
// claims the counter of worker slot id; nil when there is no usable table.
func openBalance(fd int, id string) *connBalance {
	slot, err := strconv.Atoi(id)
	if fd < 0 || err != nil || slot < 0 || (slot+1)*balanceStride*8 > balanceSize {
		return nil
	}
	mem, err := syscall.Mmap(fd, 0, balanceSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	syscall.Close(fd) // the mapping keeps the memory
	if err != nil {
		logf("connection balance table: %v (accepting without it)", err)
		return nil
	}
	b := &connBalance{table: unsafe.Slice((*int64)(unsafe.Pointer(&mem[0])), balanceSize/8),
		me: slot * balanceStride}
	atomic.StoreInt64(&b.table[b.me], 0)
	return b
}

// add counts a connection opened (+1) or closed (-1) by this worker; a
// worker that is gone stays gone while its last connections close. Like
// gone, a no-op without a table (b nil).
func (b *connBalance) add(d int64) {
	if b == nil {
		return
	}
	p := &b.table[b.me]
	for {
		old := atomic.LoadInt64(p)
		if old == balanceGone || atomic.CompareAndSwapInt64(p, old, old+d) {
			return
		}
	}
}

// gone takes this worker out of the balance (it stops accepting).
func (b *connBalance) gone() {
	if b != nil {
		atomic.StoreInt64(&b.table[b.me], balanceGone)
	}
}

// overShare reports whether this worker holds more open connections than
// the least loaded other worker that is accepting.
func (b *connBalance) overShare() bool {
	mine := atomic.LoadInt64(&b.table[b.me])
	for i := 0; i < len(b.table); i += balanceStride {
		if i == b.me {
			continue
		}
		if n := atomic.LoadInt64(&b.table[i]); n != balanceGone && n < mine {
			return true
		}
	}
	return false
}

// balanceTurn waits, at most balanceWait, while this worker holds more
// than its share of the connections; it returns the time it slept for.
func (b *connBalance) balanceTurn() (waited time.Duration) {
	for waited < balanceWait && b.overShare() {
		time.Sleep(balanceStep)
		waited += balanceStep
	}
	return waited
}
