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

// release gives a worker back after a request that held it for run, of
// which gil waiting for the GIL at start.
func (s *Server) release(w *worker, run, gil time.Duration) {
	l := &s.lim
	if !l.enabled {
		s.slots <- w
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
