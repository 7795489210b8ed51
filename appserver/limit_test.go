package appserver

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// Behaviour of the adaptive in-flight limit (limit.go), driven with
// synthetic latencies: what is admitted, shed and counted, never how fast.

const ms = time.Millisecond

// window serves one adaptation window of requests, each with latency lat
// and own (unloaded) time own, one after the other.
func window(f *flightLimit, lat, own time.Duration) {
	n := f.window()
	for i := 0; i < n; i++ {
		if !f.enter() {
			panic("a request alone was refused")
		}
		f.leave(lat, own)
	}
}

func TestFlightLimitRefusesTheExcessAtOnceAndCountsBack(t *testing.T) {
	f := newFlightLimit(true, 3, 3)
	for i := 0; i < 3; i++ {
		if !f.enter() {
			t.Fatalf("request %d refused under the limit", i)
		}
	}
	if f.enter() {
		t.Fatal("a 4th request admitted with a limit of 3")
	}
	f.leave(0, 0) // shed late or canceled: frees its place, is no sample
	if f.n != 0 {
		t.Fatalf("an unserved request was counted as a sample: n=%d", f.n)
	}
	if !f.enter() {
		t.Fatal("refused after a place was freed")
	}
	for i := 0; i < 3; i++ {
		f.leave(2*ms, 2*ms)
	}
	if f.inflight != 0 {
		t.Fatalf("in flight %d after every request left", f.inflight)
	}
}

func TestFlightLimitShrinksToOneWhenRequestsAreStretched(t *testing.T) {
	f := newFlightLimit(true, 12, 12)
	prev := f.current()
	for i := 0; i < 20; i++ {
		window(&f, 8*ms, 2*ms) // 4x their own time: queueing or sharing a CPU
		if f.current() > prev {
			t.Fatalf("limit grew from %d to %d while requests took 4x", prev, f.current())
		}
		prev = f.current()
	}
	if f.current() != 1 {
		t.Fatalf("limit %d, want 1 after sustained 4x stretch", f.current())
	}
	// Never below one: a request still gets in, the next is refused.
	if !f.enter() || f.enter() {
		t.Fatal("at limit 1, want exactly one request admitted")
	}
	f.leave(0, 0)
}

func TestFlightLimitGrowsBackOnlyWhenArrivalsWereRefused(t *testing.T) {
	f := newFlightLimit(true, 6, 6)
	for i := 0; i < 20; i++ {
		window(&f, 8*ms, 2*ms)
	}
	if f.current() != 1 {
		t.Fatalf("limit %d, want 1", f.current())
	}
	// Fast again, nobody refused: no reason to grow.
	for i := 0; i < 5; i++ {
		window(&f, 2*ms, 2*ms)
	}
	if f.current() != 1 {
		t.Fatalf("limit grew to %d with no refused arrival", f.current())
	}
	// Fast, and arrivals refused: one more per window, up to the maximum.
	for i := 0; i < 200; i++ {
		lim := f.current()
		for j := 0; j < lim; j++ {
			if !f.enter() {
				t.Fatalf("request %d of %d refused", j, lim)
			}
		}
		if f.enter() {
			t.Fatalf("request %d admitted with a limit of %d", lim+1, lim)
		}
		for j := 0; j < lim; j++ {
			f.leave(2*ms, 2*ms)
		}
	}
	if f.current() != 6 {
		t.Fatalf("limit %d, want the maximum 6", f.current())
	}
}

func TestFlightLimitKeepsAnIOBoundAppsConcurrency(t *testing.T) {
	// Requests blocked on a database: long, but their own time (blocking
	// counts as the request's own), not a stretch.
	f := newFlightLimit(true, 20, 20)
	for i := 0; i < 10; i++ {
		for j := 0; j < 20; j++ {
			if !f.enter() {
				t.Fatalf("request %d refused by an I/O-bound app's limit", j)
			}
		}
		for j := 0; j < 20; j++ {
			f.leave(50*ms, 50*ms)
		}
	}
	if f.current() != 20 {
		t.Fatalf("limit %d, want 20", f.current())
	}
}

func TestFlightLimitJudgesEachRequestByItsOwnCost(t *testing.T) {
	// A mix of 0.1 ms and 20 ms endpoints, each served in its own time:
	// the cheap ones must not make the expensive ones look stretched.
	f := newFlightLimit(true, 10, 10)
	for i := 0; i < 200; i++ {
		f.enter()
		if i%2 == 0 {
			f.leave(100*time.Microsecond, 100*time.Microsecond)
		} else {
			f.leave(20*ms, 20*ms)
		}
	}
	if f.current() != 10 {
		t.Fatalf("limit %d, want 10", f.current())
	}
}

func TestFlightLimitStartsAtTheThreadsAndEarnsItsQueue(t *testing.T) {
	f := newFlightLimit(true, 4, 12)
	for i := 0; i < 4; i++ {
		if !f.enter() {
			t.Fatalf("request %d of 4 refused at start", i)
		}
	}
	if f.enter() {
		t.Fatal("a 5th request admitted before any latency was measured")
	}
	for i := 0; i < 4; i++ {
		f.leave(2*ms, 2*ms)
	}
	for i := 0; i < 100; i++ {
		lim := f.current()
		for j := 0; j < lim; j++ {
			f.enter()
		}
		f.enter() // refused: demand beyond the limit
		for j := 0; j < lim; j++ {
			f.leave(2*ms, 2*ms)
		}
	}
	if f.current() != 12 {
		t.Fatalf("limit %d after latency within the target under demand, want the maximum 12", f.current())
	}
}

func TestFlightLimitOffAdmitsEverything(t *testing.T) {
	f := newFlightLimit(false, 1, 1)
	for i := 0; i < 100; i++ {
		if !f.enter() {
			t.Fatal("disabled limit refused a request")
		}
	}
	f.leave(time.Second, ms)
	if f.n != 0 {
		t.Fatal("disabled limit took a sample")
	}
}

func TestSojournBoundFollowsTheSlotTimeWithoutStarvation(t *testing.T) {
	f := newFlightLimit(true, 4, 4)
	if f.sojournBound() != 0 {
		t.Fatal("a bound before anything was measured")
	}
	// 14 ms in the slot, of which 4 ms runnable without a CPU.
	f.ownTime(14*ms, &runAcct{cpu: 1 * ms, rq: 4 * ms, ok: true})
	if got := f.sojournBound(); got != 30*ms {
		t.Fatalf("bound %v, want 3 x 10 ms", got)
	}
	for i := 0; i < 200; i++ {
		f.ownTime(10*time.Microsecond, &runAcct{cpu: 10 * time.Microsecond, ok: true})
	}
	if got := f.sojournBound(); got != ms {
		t.Fatalf("bound %v, want the 1 ms floor", got)
	}
}

func TestSchedStatReadsThisThreadsTimes(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0, r0, ok := schedStat()
	if !ok {
		t.Fatal("/proc/thread-self/schedstat not readable")
	}
	x := 0
	for i := 0; i < 5_000_000; i++ {
		x += i * i
	}
	c1, r1, ok := schedStat()
	if !ok || c1 <= c0 || r1 < r0 || x == 1 {
		t.Fatalf("cpu %v -> %v, run delay %v -> %v on one thread after a busy loop", c0, c1, r0, r1)
	}
	if _, ok := schedFDs.Load(syscall.Gettid()); !ok {
		t.Fatal("the thread's schedstat file was not kept open")
	}
}

// Time off the CPU counts as the request's own (I/O) in proportion to how
// idle the GIL was, so that waiting for the GIL mid-request is stretch and
// blocking on a database is not; time runnable without a CPU never is.
func TestOwnTimeSeparatesGILWaitFromIO(t *testing.T) {
	f := newFlightLimit(true, 8, 8)
	crowded := runAcct{cpu: 10 * ms, rq: 5 * ms, ok: true} // 45 ms held: 10 on a CPU, 5 runnable, 30 blocked
	f.gilBusy = 1
	if got := f.ownTime(45*ms, &crowded); got != 10*ms {
		t.Fatalf("own %v with the GIL always busy, want the 10 ms on the CPU", got)
	}
	f.gilBusy = 0
	if got := f.ownTime(45*ms, &crowded); got != 40*ms {
		t.Fatalf("own %v with the GIL idle, want 45 - 5 ms", got)
	}
	f.gilBusy = 0.5
	if got := f.ownTime(45*ms, &crowded); got != 25*ms {
		t.Fatalf("own %v with the GIL half busy, want 10 + 30/2 ms", got)
	}
	if got := f.ownTime(7*ms, &runAcct{}); got != 7*ms {
		t.Fatalf("own %v without a measurement, want the slot time", got)
	}
}

func TestGILBusyIsMeasuredOverAWindow(t *testing.T) {
	f := newFlightLimit(true, 4, 4)
	f.since = time.Now().Add(-time.Hour) // a long, idle window
	window(&f, ms, ms)
	if f.gilBusy > 0.01 {
		t.Fatalf("GIL busy %v over an idle hour", f.gilBusy)
	}
	f.since = time.Now()
	for i := 0; i < f.window(); i++ {
		f.enter()
		a := runAcct{cpu: time.Second, ok: true} // far more CPU than wall time
		f.leave(time.Second, f.ownTime(time.Second, &a))
	}
	if f.gilBusy != 1 {
		t.Fatalf("GIL busy %v, want it capped at 1", f.gilBusy)
	}
}
