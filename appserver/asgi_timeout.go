package appserver

import (
	"strconv"
	"time"
)

// --request-timeout for ASGI requests. WSGI's watchdog (ops.go) answers
// 504 and recycles the worker, because a thread stuck in the app cannot be
// stopped. An ASGI request is a task on the worker's event loop, which can
// be cancelled, so here:
//
//   - the watchdog ends the response itself, under r.mu (so it never races
//     the loop's writes): 504 + Connection: close when nothing was sent yet,
//     otherwise the connection is closed (HTTP/2: the stream is reset) so
//     the client sees an incomplete response; later sends by the app are
//     refused as if the client had left (ClientDisconnected);
//   - it queues EvTimeout: the loop cancels the task (the app sees
//     CancelledError; receive() returns http.disconnect);
//   - the request counts as a 504 in the metrics, the access log and
//     appserver_request_timeouts_total, exactly like WSGI's;
//   - the worker is NOT recycled: the loop is healthy — unless it is not.
//     A task that never yields (time.sleep, a CPU loop) blocks the loop,
//     so nothing can cancel it; if the loop does not take the timeout
//     event within asgiLoopGrace, the worker is recycled like a stuck WSGI
//     worker (the supervisor starts a replacement, then drains this one).

// asgiLoopGrace is how long the loop may take to pick up a timeout event
// before it is judged blocked.
const asgiLoopGrace = time.Second

var timeoutBody = []byte("request timeout\n")

// watchdog checks the requests in flight every 50 ms (like ops.go's).
func (b *AsgiBridge) watchdog(limit time.Duration) {
	o := b.srv.ops
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var (
		waiting   bool      // a timeout event is queued that the loop has not taken
		takesAt   uint64    // b.takes before it was queued
		waitSince time.Time // when it was queued
		over      []*AsgiReq
	)
	for {
		select {
		case <-o.quit:
			return
		case <-tick.C:
		}
		now := time.Now()
		over = over[:0]
		asgiMu.Lock()
		for _, r := range asgiReqs {
			if r.c.srv == b.srv && now.Sub(r.began) > limit {
				over = append(over, r)
			}
		}
		asgiMu.Unlock()
		for _, r := range over {
			takes := b.takes.Load()
			if !r.timeOut() {
				continue
			}
			o.m.timeouts.Add(1)
			logf("request %s %s overran --request-timeout (%s): cancelled, 504", r.Method, r.Path, limit)
			b.push(EvTimeout, r)
			if !waiting {
				waiting, takesAt, waitSince = true, takes, now
			}
		}
		if waiting {
			switch {
			case b.takes.Load() != takesAt:
				waiting = false // the loop runs: it cancels the task
			case now.Sub(waitSince) > asgiLoopGrace:
				waiting = false
				logf("the event loop is blocked (a request does not yield): recycling")
				o.recycle("request-timeout")
			}
		}
	}
}

// timeOut ends r's response for the timeout; false when it had ended
// already (the app finished first, or the client left).
func (r *AsgiReq) timeOut() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final || r.timedOut || r.gone {
		return false
	}
	r.timedOut = true
	r.final = true
	r.close = true
	r.status = 504
	if !r.started {
		r.started = true
		out := append(r.out, "HTTP/1."...)
		out = append(out, byte('0'+r.Minor))
		out = append(out, " 504 Gateway Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "...)
		out = strconv.AppendInt(out, int64(len(timeoutBody)), 10)
		out = append(out, "\r\nConnection: close\r\n"...)
		out = append(out, currentDate()...)
		out = append(out, "\r\n"...)
		if !r.head {
			out = append(out, timeoutBody...)
		}
		r.pending += len(out) - len(r.out)
		r.wire += int64(len(out) - len(r.out))
		r.out = out
		r.flushLocked()
		return true
	}
	// Part of the response is out: drop the rest and close the connection
	// (HTTP/2: h2Stream.finish resets the incomplete stream).
	r.gone = true
	if r.flushing {
		r.c.nc.SetWriteDeadline(time.Now()) // unblock the flush goroutine
		return true
	}
	r.flushLocked()
	return true
}
