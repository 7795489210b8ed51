package appserver

import (
	"encoding/binary"
	"os"
	"syscall"
	"testing"
)

// newTable makes a balance table in a file, every counter gone (what the
// supervisor's memfd holds before any worker starts), and returns a
// function that opens it as worker id (each with its own fd, as each
// worker process receives its own).
func newTable(t *testing.T) func(id string) *connBalance {
	f, err := os.CreateTemp(t.TempDir(), "balance")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, balanceSize)
	for i := 0; i < balanceSize; i += 8 {
		binary.LittleEndian.PutUint64(buf[i:], uint64(0xffffffffffffffff))
	}
	if _, err := f.Write(buf); err != nil {
		t.Fatal(err)
	}
	name := f.Name()
	f.Close()
	return func(id string) *connBalance {
		fd, err := syscall.Open(name, syscall.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		return openBalance(fd, id)
	}
}

func TestBalanceLeastConnections(t *testing.T) {
	open := newTable(t)
	a := open("0")
	if a == nil {
		t.Fatal("no table")
	}
	if a.overShare() {
		t.Fatal("a lone worker is never over its share")
	}
	a.add(1)
	if a.overShare() {
		t.Fatal("other counters are gone: still not over")
	}
	b := open("1")
	if !a.overShare() || b.overShare() {
		t.Fatal("1 vs 0: a must leave the next accept to b")
	}
	b.add(1)
	if a.overShare() || b.overShare() {
		t.Fatal("1 vs 1: both may accept")
	}
	b.add(1)
	b.add(-1)
	b.add(-1)
	if !a.overShare() {
		t.Fatal("1 vs 0 after b's connections closed")
	}
	b.gone()
	if a.overShare() {
		t.Fatal("a gone worker does not count")
	}
	b.add(-1) // its last connection closes after it stopped accepting
	if a.overShare() {
		t.Fatal("a gone worker stays gone")
	}
}

func TestBalanceRejectsBadSlots(t *testing.T) {
	open := newTable(t)
	for _, id := range []string{"x", "-1", "64"} {
		if open(id) != nil {
			t.Fatalf("worker id %q: want no table", id)
		}
	}
	if openBalance(-1, "0") != nil {
		t.Fatal("fd -1: want no table")
	}
	if open("63") == nil {
		t.Fatal("the last slot fits")
	}
}

func TestBalanceTurnIsBounded(t *testing.T) {
	open := newTable(t)
	a, b := open("0"), open("1")
	a.add(5)
	_ = b // holds 0 and never accepts: a gives up after balanceWait
	if w := a.balanceTurn(); w != balanceWait {
		t.Fatalf("slept %v, want %v", w, balanceWait)
	}
	a.add(-5)
	if w := a.balanceTurn(); w != 0 {
		t.Fatalf("not over its share, yet slept %v", w)
	}
}
