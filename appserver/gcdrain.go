package appserver

import (
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"goaccel/python"
)

// The cyclic garbage collector, run between requests.
//
// A Django request leaves thousands of objects in reference cycles
// (model instances and their state, querysets, the request and response):
// the demo's product list leaves ~2,400. Only the cyclic collector frees
// them, and where it runs decides what it costs. Run by Python itself, a
// generation-0 collection starts in the middle of whatever requests are in
// flight: their live objects survive into generation 1 and then 2, and the
// later collections of those generations are long stops of the whole
// worker (measured on the demo, 2 workers x 4 threads: 100-300 ms each,
// every ~2 s, freeing ~68,000 objects while every queued request waits; the
// p99 of the run was made of them, docs/notes/appserver-p99.md §10).
//
// So a WSGI worker collects at a moment with no request in flight: once
// the young generation holds drainTrigger objects, threads coming back
// from a request are held instead of taking the next one; the last one
// back runs gc.collect() with nothing alive but the app's long-lived
// objects, then all threads go back to work. Almost nothing survives, so
// the old generations stay small and their collections short.
//
// Holding threads costs nothing when they were queuing for the GIL anyway
// (a CPU-bound worker: the requests still in flight use the whole share of
// the CPU the worker gets), but it idles a worker whose requests in flight
// wait on I/O (measured, 1 worker x 4 threads: -17% req/s for an app that
// sleeps 10 ms per request, -13% for one that computes 4 ms and sleeps
// 5 ms). Two guards keep those as they were:
//   - a drain starts only when the recent requests waited drainGILWait on
//     average for the GIL at their start (an app mostly waiting on I/O
//     finds it free), or when the worker has one thread (nothing else is
//     ever in flight: the collection just moves to between requests);
//   - each drain compares the process's CPU rate while it lasted with the
//     rate since the previous drain; under drainIdleCut of it, the drain
//     left the CPU idle, and the next checks are skipped (drainBackoff,
//     doubling while drains keep idling). On the demo the ratio is
//     0.73-1.2 (p10-p90), for the 4 ms + 5 ms app 0.25-0.36.
// A drain that takes longer than drainMax (a long request still running)
// is given up: the threads go back to work, nothing is collected, and the
// next checks are skipped too. Python's own thresholds (--gc-threshold)
// stay set: a worker that does not drain collects as it did before.

const (
	drainTrigger  = 20000                  // young objects that start a drain
	drainGILWait  = time.Millisecond       // the recent requests' mean wait for the GIL that makes drains cheap
	drainMax      = 100 * time.Millisecond // a drain given up: threads released, nothing collected
	drainIdleCut  = 0.5                    // a drain's CPU rate under this share of the rate before it: idle
	drainBackoff  = 64                     // checks skipped after an idle or given-up drain (doubles, up to drainMaxSkip)
	drainMaxSkip  = 4096
	drainGen1Each = 10 // as Python's thresholds 10, 10: every 10th collection includes generation 1,
	drainGen2Each = 10 // and every 10th of those generation 2
)

type gcDrain struct {
	want    atomic.Bool   // set with the GIL held by the request that crossed the trigger
	single  bool          // one thread: a drain holds nobody back, whatever the GIL wait
	gilWait time.Duration // recent requests' wait for the GIL at their start (EWMA 1/8; GIL held)
	skip    atomic.Int64  // checks still to skip (check runs with the GIL held: no lock there)

	mu                sync.Mutex
	started, lastEnd  time.Time     // the drain in progress began; the previous one ended
	cpuStart, lastCPU time.Duration // the process's CPU time at those moments
	held              []*worker
	timer             *time.Timer
	gen               int64 // the drain's number (a late timer must not end the next one)
	wait              int64 // the next backoff
	n1                int   // collections since the last that included generation 1
	n2                int   // generation-1 collections since the last of generation 2

	fnCount, fnCollect, fnEnabled python.Ref // gc.get_count, gc.collect, gc.isenabled
}

// newGCDrain prepares the collector's functions; nil when Python's own
// generation-0 threshold is at or under drainTrigger (--gc-threshold
// python, or serve() called by an app that kept Python's defaults): its
// collections come first anyway. GIL held.
func newGCDrain(threads int) *gcDrain {
	mod, err := python.Import("gc")
	if err != nil {
		clearErr()
		return nil
	}
	defer mod.Release()
	thr, err := python.CallMethod(mod.Object, "get_threshold")
	if err != nil {
		clearErr()
		return nil
	}
	t0, _ := python.LongInt64(python.TupleItems(thr.Object)[0])
	thr.Release()
	if t0 <= drainTrigger {
		return nil
	}
	// The first drain is judged against the rate since the server started.
	d := &gcDrain{wait: drainBackoff, lastEnd: time.Now(), lastCPU: processCPU(), single: threads == 1}
	for _, f := range []struct {
		name string
		dst  *python.Ref
	}{{"get_count", &d.fnCount}, {"collect", &d.fnCollect}, {"isenabled", &d.fnEnabled}} {
		if *f.dst, err = python.GetAttr(mod.Object, f.name); err != nil {
			clearErr()
			return nil
		}
	}
	return d
}

// check runs after each request, GIL held; gilWait is how long that
// request waited for the GIL at its start, served how many requests its
// thread has served. Past the trigger, with requests queuing for the GIL
// (or one thread), it asks for a drain. It takes no lock: hold may be
// waiting for the GIL with d.mu held.
func (d *gcDrain) check(gilWait time.Duration, served uint) {
	d.gilWait += (gilWait - d.gilWait) / 8
	switch {
	case d.want.Load():
		return
	case d.single:
		// gc.get_count() costs ~0.1 µs, 1 % of a hello-world request:
		// a one-thread worker looks every 8th request.
		if served%8 != 0 {
			return
		}
	case d.gilWait < drainGILWait:
		return // requests do not queue for the GIL: drains would idle threads
	}
	if young(d.fnCount.Object) < drainTrigger {
		return
	}
	on, err := python.Call(d.fnEnabled.Object)
	if err != nil {
		clearErr()
		return
	}
	enabled := on.Object == python.True
	on.Release()
	if !enabled { // the app turned the collector off: leave it off
		return
	}
	if d.skip.Load() > 0 {
		d.skip.Add(-1)
		return
	}
	d.want.Store(true)
}

// young is gc.get_count()[0]. GIL held.
func young(getCount python.Object) int64 {
	r, err := python.Call(getCount)
	if err != nil {
		clearErr()
		return 0
	}
	defer r.Release()
	items := python.TupleItems(r.Object)
	if len(items) == 0 {
		return 0
	}
	n, _ := python.LongInt64(items[0])
	return n
}

// putSlot gives a worker back to the slots, or to a drain in progress.
func (s *Server) putSlot(w *worker) {
	if s.gcd != nil && s.gcd.hold(s, w) {
		return // back to the slots after the collection
	}
	s.slots <- w // never blocks: the channel holds every worker
}

// hold keeps a worker back from the slots while a drain is wanted and
// reports whether it did; the last one back starts the collection, after
// which every held worker goes back to the slots.
func (d *gcDrain) hold(s *Server, w *worker) bool {
	if !d.want.Load() {
		return false
	}
	d.mu.Lock()
	if !d.want.Load() { // the drain ended (given up) since the check above
		d.mu.Unlock()
		return false
	}
	if len(d.held) == 0 {
		d.started, d.cpuStart = time.Now(), processCPU()
		gen := d.gen
		d.timer = time.AfterFunc(drainMax, func() { d.giveUp(s, gen) })
	}
	d.held = append(d.held, w)
	for idle := true; idle; { // idle threads would take the next requests: hold them too
		select {
		case x := <-s.slots:
			d.held = append(d.held, x)
		default:
			idle = false
		}
	}
	if len(d.held) < s.cfg.Threads {
		d.mu.Unlock()
		return true
	}
	// Every worker is held: collect on a goroutine of its own, so that the
	// response of the request that came back last is written meanwhile
	// (conn.go writes it after release). A giveUp timer that fired already
	// finds nothing held and returns.
	d.timer.Stop()
	held := d.held
	d.held = nil
	d.mu.Unlock()
	go func() {
		python.WithGIL(d.collect)
		s.stats.gcDrains.Add(1)
		d.mu.Lock()
		if !d.judge() {
			s.stats.gcIdle.Add(1)
		}
		d.finish(s, held)
		d.mu.Unlock()
	}()
	return true
}

// giveUp ends a drain that took too long (a request still running): the
// threads go back to work and nothing is collected.
func (d *gcDrain) giveUp(s *Server, gen int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.gen != gen || len(d.held) == 0 {
		return
	}
	s.stats.gcGivenUp.Add(1)
	d.backoff()
	d.finish(s, d.held)
}

// finish releases the held workers. d.mu held.
func (d *gcDrain) finish(s *Server, held []*worker) {
	d.held = nil
	d.lastEnd, d.lastCPU = time.Now(), processCPU()
	d.gen++
	d.want.Store(false)
	for _, w := range held {
		s.slots <- w // never blocks: the channel holds every worker
	}
}

// judge compares the process's CPU rate during the drain that just ended
// with its rate since the previous one: a drain that left the CPU idle
// (requests in flight waiting on I/O) makes the next checks skip, and
// judge returns false. d.mu held.
func (d *gcDrain) judge() bool {
	now, cpu := time.Now(), processCPU()
	normal := rate(d.cpuStart-d.lastCPU, d.started.Sub(d.lastEnd))
	during := rate(cpu-d.cpuStart, now.Sub(d.started))
	if normal > 0 && during < drainIdleCut*normal {
		d.backoff()
		return false
	}
	d.wait = drainBackoff
	return true
}

func rate(cpu, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	return float64(cpu) / float64(wall)
}

func (d *gcDrain) backoff() {
	d.skip.Store(d.wait)
	if d.wait < drainMaxSkip {
		d.wait *= 2
	}
}

// collect runs gc.collect(generation) with no request in flight. GIL held.
func (d *gcDrain) collect() {
	gen := int64(0)
	d.n1++
	if d.n1 >= drainGen1Each {
		d.n1, gen = 0, 1
		d.n2++
		if d.n2 >= drainGen2Each {
			d.n2, gen = 0, 2
		}
	}
	g, err := python.NewInt64(gen)
	if err != nil {
		clearErr()
		return
	}
	defer g.Release()
	r, err := python.Call(d.fnCollect.Object, g.Object)
	if err != nil {
		python.PrintException() // a finalizer that raised: reported, as Python's own collector does
		return
	}
	r.Release()
}

// processCPU is the CPU time (user + system) of the whole process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func clearErr() {
	if e := python.Fetch(); e != nil {
		e.Release()
	}
}
