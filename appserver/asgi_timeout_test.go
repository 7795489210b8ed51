package appserver

import (
	"io"
	"strings"
	"testing"
	"time"

	"goaccel/python"
)

func TestTimeOutBeforeTheResponseIs504(t *testing.T) {
	srv, _, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	if !r.timeOut() {
		t.Fatal("timeOut on a request in flight returned false")
	}
	got := readResponse(t, client, "request timeout\n")
	if !strings.HasPrefix(got, "HTTP/1.1 504 Gateway Timeout\r\n") || !strings.Contains(got, "Connection: close") {
		t.Fatalf("response: %q", got)
	}
	if st, _ := r.result(); st != 504 {
		t.Fatalf("status for the metrics: %d", st)
	}
	// The app's late answer is refused as if the client had left.
	if rc, _ := r.Send(200, python.Object{}, []byte("late"), false); rc != SendGone {
		t.Fatalf("send after the timeout: rc=%d", rc)
	}
	if r.timeOut() {
		t.Fatal("timed out twice")
	}
}

func TestTimeOutAfterTheResponseStartedCutsIt(t *testing.T) {
	srv, _, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	r.Send(200, python.Object{}, []byte("first"), true)
	if !r.timeOut() {
		t.Fatal("timeOut returned false")
	}
	if !r.Finished() || !r.close {
		t.Fatal("the response is not ended with a close")
	}
	if rc, _ := r.Send(0, python.Object{}, []byte("more"), false); rc != SendGone {
		t.Fatalf("send after the timeout: rc=%d", rc)
	}
	r.c.nc.Close() // what serveOneASGI does once it sees r.close
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(client)
	if !strings.HasSuffix(string(got), "5\r\nfirst\r\n") || strings.Contains(string(got), "504") {
		t.Fatalf("response: %q", got)
	}
}

func TestTimeOutOfAFinishedResponseIsNoOp(t *testing.T) {
	srv, b, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	r.Send(200, python.Object{}, []byte("done"), false)
	b.FlushHTTP(true)
	readResponse(t, client, "done")
	if r.timeOut() {
		t.Fatal("a complete response timed out")
	}
	if st, _ := r.result(); st != 200 {
		t.Fatalf("status: %d", st)
	}
}

// The watchdog times a request out, and recycles only when the loop does
// not take the event (a blocked loop).
func TestWatchdogRecyclesOnlyWhenTheLoopIsBlocked(t *testing.T) {
	for _, blocked := range []bool{false, true} {
		srv, b, _ := newBridge(t)
		srv.ops.cfg.ControlFD = -1
		r, client := inflight(t, srv, 1, "GET")
		r.began = time.Now().Add(-time.Hour)
		asgiMu.Lock()
		asgiReqs[r.ID] = r
		asgiMu.Unlock()
		stop := make(chan struct{})
		go b.watchdog(time.Millisecond)
		took := make(chan bool, 1)
		go func() { // the loop
			timeout := false
			for !timeout {
				select {
				case <-stop:
					took <- false
					return
				case <-time.After(10 * time.Millisecond):
				}
				if blocked {
					continue
				}
				for _, ev := range b.Take() {
					timeout = timeout || ev.Kind == EvTimeout && ev.Req == r
				}
			}
			took <- true
		}()
		readResponse(t, client, "request timeout\n")
		time.Sleep(asgiLoopGrace + 300*time.Millisecond)
		close(stop)
		if got := <-took; got == blocked {
			t.Fatalf("blocked=%v: the loop took the timeout event: %v", blocked, got)
		}
		if srv.ops.recycled.Load() != blocked {
			t.Fatalf("blocked=%v: recycled=%v", blocked, srv.ops.recycled.Load())
		}
		if srv.ops.m.timeouts.Load() != 1 {
			t.Fatalf("timeouts counted: %d", srv.ops.m.timeouts.Load())
		}
		srv.ops.beforeStop() // ends the watchdog
		asgiMu.Lock()
		delete(asgiReqs, r.ID)
		asgiMu.Unlock()
	}
}
