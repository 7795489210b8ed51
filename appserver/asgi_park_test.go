package appserver

import (
	"testing"
	"time"
)

func TestParkEndsAtTheFirstEvent(t *testing.T) {
	_, b, rfd := newBridge(t)
	if ev := b.Take(); len(ev) != 0 {
		t.Fatalf("took %d events", len(ev))
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		b.push(EvDrain, nil)
		b.push(EvDrain, nil)
	}()
	start := time.Now()
	b.Park(time.Minute)
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("Park waited %v for an event pushed after 20 ms", d)
	}
	if ev := b.Take(); len(ev) != 2 {
		t.Fatalf("took %d events after the park, want 2", len(ev))
	}
	// A parked loop is woken through the channel, not the pipe.
	if n := pipeBytes(rfd); n != 0 {
		t.Fatalf("%d wake-up bytes written for a parked loop", n)
	}
}

func TestParkTimesOutAndRearmsThePipe(t *testing.T) {
	_, b, rfd := newBridge(t)
	b.Take()
	b.Park(time.Millisecond)
	if ev := b.Take(); len(ev) != 0 {
		t.Fatalf("took %d events", len(ev))
	}
	// Back to sleeping in the selector: the next event writes the pipe.
	b.push(EvDrain, nil)
	if n := pipeBytes(rfd); n != 1 {
		t.Fatalf("wake-up bytes after a timed-out park: %d, want 1", n)
	}
}

func TestParkReturnsAtOnceWithEventsQueued(t *testing.T) {
	_, b, _ := newBridge(t)
	b.push(EvDrain, nil)
	start := time.Now()
	b.Park(time.Minute)
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("Park waited %v with an event queued", d)
	}
	if ev := b.Take(); len(ev) != 1 {
		t.Fatalf("took %d events", len(ev))
	}
}
