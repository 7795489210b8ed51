package appserver

import (
	"sync"
	"time"
)

// Adaptive thread limit (--queue-timeout auto).
//
// With a CPU-bound app, --threads is a hidden queue: the threads take turns
// on the GIL, so 4 requests "running" at once each take about 4 times as
// long and the queue's wait bound says nothing about the latency served. The
// signal is direct: the time a request waits for the GIL when it starts.
// After each round of requests, if they spent more than gilHigh of their
// thread time waiting for the GIL at start, one fewer thread may run the app
// (down to 1); after growRounds rounds in a row under gilLow with requests
// waiting, one more (up to --threads). Growing slowly and shrinking at once
// keeps a CPU-bound app at 1 thread most of the time instead of swinging
// between 1 and 2. An I/O-bound app (threads waiting on a database hold no GIL)
// keeps all its threads. Threads over the limit are parked: the FIFO of
// waiting requests is untouched.
const (
	gilHigh    = 0.2
	gilLow     = 0.05
	growRounds = 3
)

type limiter struct {
	mu      sync.Mutex
	limit   int       // threads that may run the app now
	active  int       // workers not parked (in the slots channel or running)
	parked  []*worker // over the limit
	sumRun  time.Duration
	sumGIL  time.Duration
	n       int
	good    int // rounds in a row with little GIL waiting
	enabled bool
}

// release gives a worker back after a request that waited wait for it and
// then held it for run.
func (s *Server) release(w *worker, wait, run time.Duration) {
	gil := w.gilWait
	if s.flight.enabled {
		s.flight.leave(wait+run, s.flight.ownTime(run-gil, &w.acct))
		s.stats.flightLim.Store(int64(s.flight.current()))
		if w.acct.ok {
			s.stats.rqWaitNs.Add(int64(w.acct.rq))
			s.stats.cpuNs.Add(int64(w.acct.cpu))
		}
	}
	l := &s.lim
	if !l.enabled {
		s.putSlot(w) // gcdrain.go
		return
	}
	l.mu.Lock()
	l.sumRun += run
	l.sumGIL += gil
	l.n++
	if l.n >= 2*l.limit+2 {
		share := float64(l.sumGIL) / float64(max(l.sumRun, 1))
		switch {
		case share > gilHigh:
			l.good = 0
			if l.limit > 1 {
				l.limit--
			}
		case share < gilLow && s.waiting.Load() > 0:
			l.good++
			if l.good >= growRounds && l.limit < s.cfg.Threads {
				l.limit++
				l.good = 0
			}
		default:
			l.good = 0
		}
		l.sumRun, l.sumGIL, l.n = 0, 0, 0
		s.stats.threadLimit.Store(int64(l.limit))
	}
	if l.active > l.limit {
		l.parked = append(l.parked, w)
		l.active--
	} else {
		s.slots <- w // never blocks: the channel holds every worker
	}
	for l.active < l.limit && len(l.parked) > 0 {
		p := l.parked[len(l.parked)-1]
		l.parked = l.parked[:len(l.parked)-1]
		s.slots <- p
		l.active++
	}
	l.mu.Unlock()
}

// usableThreads is the current limit (for the expected-wait estimate).
func (s *Server) usableThreads() int {
	if !s.lim.enabled {
		return s.cfg.Threads
	}
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	return s.lim.limit
}

// Adaptive in-flight limit (--queue-timeout auto), a gradient concurrency
// limiter in front of the FIFO.
//
// The thread limit above sees GIL contention inside one process only. Two
// worker processes sharing a core (the bench's 2 workers next to the load
// generator) stretch each other's requests just the same, neither sees it
// in its GIL wait, and a count of waiters says nothing about how long they
// wait. What does show it is each request's stretch: the latency it got
// here (its wait for a thread plus the time it held one) over what it would
// have taken unloaded (ownTime): the time it held the thread minus its GIL
// wait at start, minus its time runnable without a CPU (run_delay,
// /proc/thread-self/schedstat), minus the part of its blocked time that was
// GIL waiting mid-request (estimated from how busy the GIL was). Blocking
// I/O (a database wait) counts as the request's own time, so an I/O-bound
// app keeps its concurrency, and each request is compared with its own
// cost, so a mix of cheap and expensive endpoints is judged fairly.
//
// Each worker bounds the requests it holds (waiting or running) by a limit
// adapted to the mean stretch, and answers the excess 503 at once, as
// HAProxy's maxconn would if its limit followed the backend's latency:
// after each window of 2 x limit served requests (8 to 32), if their mean
// stretch is over flightTarget the limit is scaled by target/mean (at most
// halved, at least 1); if it is within the target and arrivals were refused
// in the window, the limit grows by one (up to threads + --backpressure). A
// CPU-bound app settles at 1-2 requests per worker process.
//
// The limit decides at arrival, so the excess never waits: it gets its 503
// (with Retry-After) in the time it takes to parse its head. The FIFO
// behind it is untouched: admitted requests are served in arrival order.
const (
	flightTarget  = 2.0 // mean stretch (latency / unloaded latency) to stay under
	flightMinWin  = 8   // served requests per adaptation window, at least
	flightMaxWin  = 32  // and at most
	sojournFactor = 3   // an admitted request waiting longer than 3 x the recent slot time is shed
)

type flightLimit struct {
	mu       sync.Mutex
	enabled  bool
	limit    float64 // requests this worker may hold (waiting or running)
	max      float64 // threads + backpressure
	inflight int
	held     time.Duration // EWMA of the slot time, run_delay and GIL wait at start excluded; 0: none yet
	busy     time.Duration // this window: requests' time on a CPU or runnable (the GIL in use)
	since    time.Time     // this window's start
	gilBusy  float64       // share of the last window's time the GIL was in use
	sum      float64       // stretch of the window's served requests
	n        int
	refused  bool // an arrival was refused in this window
}

// newFlightLimit starts at start requests (the threads: a queue is earned
// by latency within the target, as a Vegas limiter starts low) and may
// grow to max (threads + --backpressure).
func newFlightLimit(enabled bool, start, max int) flightLimit {
	return flightLimit{enabled: enabled, limit: float64(min(start, max)), max: float64(max), since: time.Now()}
}

// enter admits an arriving request (true) or refuses it (answer 503).
func (f *flightLimit) enter() bool {
	if !f.enabled {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if float64(f.inflight) >= max(1, f.limit) {
		f.refused = true
		return false
	}
	f.inflight++
	return true
}

// leave ends an admitted request: served (latency = its wait + slot time,
// own = what it would have taken unloaded) or not (latency 0: shed late, or
// its client left).
func (f *flightLimit) leave(latency, own time.Duration) {
	if !f.enabled {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inflight--
	if latency <= 0 {
		return
	}
	own = min(max(own, time.Microsecond), latency)
	f.sum += float64(latency) / float64(own)
	f.n++
	if f.n < f.window() {
		return
	}
	mean := f.sum / float64(f.n)
	now := time.Now()
	if el := now.Sub(f.since); el > 0 {
		f.gilBusy = min(1, float64(f.busy)/float64(el))
	}
	f.busy, f.since = 0, now
	switch {
	case mean > flightTarget:
		f.limit = max(1, f.limit*max(0.5, flightTarget/mean))
	case f.refused:
		f.limit = min(f.max, f.limit+1)
	}
	f.sum, f.n, f.refused = 0, 0, false
}

// window is the number of served requests between adaptations: twice the
// limit (a full turn of the queue), within [flightMinWin, flightMaxWin] so
// that a limit starting at threads + --backpressure comes down within a
// few hundred requests.
func (f *flightLimit) window() int {
	return min(flightMaxWin, max(flightMinWin, int(2*f.limit)))
}

// current is the limit as arrivals see it (stats and tests).
func (f *flightLimit) current() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int(max(1, f.limit))
}

// noteHeld folds a slot time (CPU starvation excluded) into the average
// behind sojournBound. f.mu held.
func (f *flightLimit) noteHeld(d time.Duration) {
	if f.held == 0 {
		f.held = max(d, 1)
	} else {
		f.held += (d - f.held) / 8
	}
}

// sojournBound is the longest an admitted request may wait for a thread
// before it is shed when it gets one (0: nothing measured yet): a backstop
// behind the limit, from the recent slot time without CPU starvation (not
// from the own-time estimate, which is low while an I/O share is learnt).
func (f *flightLimit) sojournBound() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.held == 0 {
		return 0
	}
	return max(sojournFactor*f.held, time.Millisecond)
}

// ownTime estimates what a request that held a thread for d (GIL wait at
// start excluded) would have taken unloaded. Time runnable without a CPU
// (run_delay) is never its own. Time off the CPU is blocking: on I/O (its
// own) or on the GIL mid-request, while other requests run Python (not its
// own). Which one is told by how busy the GIL was: the requests' CPU and
// run-queue time over the last window's wall time. With the GIL in use
// 90 % of the time (a CPU-bound app) 90 % of the blocking is taken for
// GIL waiting; with it in use 5 % of the time (an app waiting on its
// database), nearly all of it is I/O.
func (f *flightLimit) ownTime(d time.Duration, a *runAcct) time.Duration {
	if !f.enabled {
		return d
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !a.ok {
		f.noteHeld(d)
		return d
	}
	free := max(d-a.rq, 0)
	cpu := min(a.cpu, free)
	f.noteHeld(free)
	f.busy += a.cpu + a.rq
	return cpu + time.Duration(float64(free-cpu)*(1-f.gilBusy))
}

// runAcct measures one request's time on a CPU and waiting for one (its
// thread is locked for the call). Only in auto mode.
type runAcct struct {
	cpu0, rq0 time.Duration
	cpu, rq   time.Duration // of the last request, after stop
	ok        bool          // measured
}

func (a *runAcct) start(f *flightLimit) {
	a.ok = false
	if f.enabled {
		a.cpu0, a.rq0, a.ok = schedStat()
	}
}

func (a *runAcct) stop(f *flightLimit) {
	if !a.ok {
		return
	}
	c, r, ok := schedStat()
	if !ok || c < a.cpu0 || r < a.rq0 {
		a.ok = false
		return
	}
	a.cpu, a.rq = c-a.cpu0, r-a.rq0
}
