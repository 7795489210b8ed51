package appserver

import (
	"time"
)

// The backpressure queue bounds the number of waiters (--backpressure) and,
// with --queue-timeout, their wait (HAProxy's "timeout queue"):
//
//   - at arrival, a request is turned away (503 + Retry-After) when the
//     queue is full, or when its expected wait (requests ahead x recent slot
//     time / usable threads) is over the timeout;
//   - when it gets a thread after waiting longer than the timeout, it is
//     turned away then: serving it would only add a late answer to the tail,
//     and the thread goes to the next waiter at once.
//
// --queue-timeout auto (QueueTimeout < 0) replaces the count with an
// in-flight limit adapted to the requests' stretch (latency over their own
// unloaded time) and decided at arrival, makes the wait bound 3x the
// requests' recent own time, and adapts the number of threads running the
// app to GIL contention (limit.go).
//
// A count alone does not bound the wait: how long N waiters take depends on
// how long requests hold a thread, which grows exactly when the machine is
// overloaded. (A timeout derived from the recent slot time was tried and
// made things worse: under load the slot time itself is inflated, see
// docs/notes/appserver.md.)

const svcShift = 3 // EWMA weight 1/8

// recordSlotTime folds one request's slot-holding time into the average.
func (s *Server) recordSlotTime(d time.Duration) {
	for {
		old := s.svcEWMA.Load()
		nv := int64(d)
		if old != 0 {
			nv = old + (int64(d)-old)>>svcShift
		}
		if s.svcEWMA.CompareAndSwap(old, nv) {
			return
		}
	}
}

// admit reserves a place in the queue for a request that found every
// thread busy; false: answer 503 now.
func (s *Server) admit() bool {
	n := s.waiting.Add(1)
	if n > int64(s.cfg.Backpressure) {
		s.waiting.Add(-1)
		return false
	}
	if s.flight.enabled {
		return true // the in-flight limit decided at arrival (limit.go)
	}
	if bound := s.waitBound(); bound > 0 {
		expected := time.Duration(n * s.svcEWMA.Load() / int64(s.usableThreads()))
		if expected > bound {
			s.waiting.Add(-1)
			return false
		}
	}
	return true
}

// tooLate reports whether a request that waited wait should be shed now
// that it has a thread.
func (s *Server) tooLate(wait time.Duration) bool {
	bound := s.waitBound()
	return bound > 0 && wait > bound
}

// waitBound is the longest a request may wait for a thread (0: no bound).
// QueueTimeout < 0 means "auto": a few times the requests' own (unloaded)
// time, at least 1 ms (limit.go).
func (s *Server) waitBound() time.Duration {
	if s.cfg.QueueTimeout >= 0 {
		return s.cfg.QueueTimeout
	}
	return s.flight.sojournBound()
}

// acceptPause is the fallback of balance.go's table (a server started with
// multiprocess=True outside the supervisor, or no memfd_create): it slows
// the accept loop of a saturated worker to the pace at
// which it frees threads (recent slot time / threads, at most 20 ms; 1 ms
// before any request was measured; never for requests under 100 µs).
// Saturated: connections accepted in the last 100 ms whose first request is
// not answered yet, plus requests waiting for a thread, reach the thread
// count.
//
// Workers share one listening socket, and a keep-alive connection stays
// with the worker that accepted it. When 200 connections arrive at once,
// the worker whose thread happens to run accepts nearly all of them in a
// tight loop (both workers on one core: the other cannot even run), and its
// queue is then several times longer than the other's for the life of the
// connections; HAProxy in front of uWSGI has one queue for all. A paused
// worker lets the others accept their share; connections wait in the
// kernel's backlog meanwhile, which is FIFO across workers.
//
// Only with other workers on the socket, and only when the queue is long
// (--backpressure over twice the threads): with a short queue the excess
// is shed anyway, and pacing would leave new connections in the backlog
// where they can get neither a thread nor a quick 503 (measured: the served
// p99 of the backpressure bench went from 0.25-0.34 s to 2.5 s).
func (s *Server) acceptPause() {
	if !s.cfg.MultiProcess || s.cfg.Backpressure <= 2*s.cfg.Threads || s.slots == nil || s.asgi != nil ||
		s.fresh.Load()+s.waiting.Load() < int64(s.cfg.Threads) {
		return
	}
	d := time.Duration(s.svcEWMA.Load() / int64(s.cfg.Threads))
	switch {
	case s.svcEWMA.Load() == 0:
		d = time.Millisecond
	case d < 100*time.Microsecond:
		return
	case d > 20*time.Millisecond:
		d = 20 * time.Millisecond
	}
	time.Sleep(d)
}
