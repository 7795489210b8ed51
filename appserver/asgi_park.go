package appserver

import (
	"runtime"
	"time"
)

// Waiting in Go for the next batch (asgi_poll's wait argument).
//
// Why: the loop thread calls into Go (poll, send, flush) and returns to
// Python still holding the runtime's P "in a syscall". With one CPU
// (GOMAXPROCS=1: a worker pinned to a core, a 1-CPU container) that is the
// only P, so when the loop then sleeps in its selector, the connection
// goroutines the next requests wake cannot run until sysmon retakes the P,
// 20-70 µs later, every time. Measured: the worker's core 87 % busy at
// full load (docs/notes/appserver-asgi.md). Parking the loop's goroutine
// here hands the P over at once, and the first event hands it back.
//
// Parking on every empty poll was tried before and cost more than it
// saved (each event woke the loop for a batch of one); two things keep the
// batches whole: the loop parks only right after a batch (the Python side
// decides), and the first event wakes it through a goroutine that yields
// once, so the other goroutines the same network poll readied queue their
// events first.

// Park waits up to d for an event. The caller has released the GIL.
func (b *AsgiBridge) Park(d time.Duration) {
	b.mu.Lock()
	if len(b.events) > 0 || b.wakeFd < 0 {
		b.mu.Unlock()
		return
	}
	b.parked = true
	b.woken = true // pushEvent signals parkCh instead of writing the pipe
	b.mu.Unlock()
	t := time.NewTimer(d)
	select {
	case <-b.parkCh:
	case <-t.C:
	}
	t.Stop()
	b.mu.Lock()
	b.parked = false
	b.woken = len(b.events) > 0 // Take follows and re-arms the pipe when empty
	b.mu.Unlock()
	select { // a signal sent after the timer fired
	case <-b.parkCh:
	default:
	}
}

// wakeParked wakes a parked loop after the goroutines that are runnable now
// have had their turn (runtime.Gosched puts this one behind them).
func (b *AsgiBridge) wakeParked() {
	go func() {
		runtime.Gosched()
		select {
		case b.parkCh <- struct{}{}:
		default:
		}
	}()
}
