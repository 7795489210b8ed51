package appserver

// Corked responses. A whole response (the last http.response.body of a
// response started in the same send, or the end of a streamed one) is not
// written from send() at once: it is queued on the bridge and written at
// the end of the loop iteration, together with every other response the
// iteration produced (asgi_poll flushes first; asgi_flush, scheduled once
// per iteration by the first corked send, covers responses sent after the
// last poll). Writes that come back to back reach a client that is still
// awake from the previous one: on loopback the kernel's wake-up of the
// reader (sock_def_readable → try_to_wake_up, an IPI) was 8–10 % of the
// worker's CPU when every response was written between two app steps. Only
// the loop thread touches httpCorked and flushScheduled. Streamed chunks,
// HTTP/2 streams and responses whose earlier chunks a flush goroutine is
// still writing are written at once as before (flow control). A corked
// request is written exactly once: flushLocked clears r.corked, so whoever
// writes it first (this flush, or a direct write of the same request)
// ends the response and the other skips it.

// corkLocked queues r for the loop's flush (r.mu held, loop thread). True
// when the loop must schedule a flush: the first cork since the last one.
func (r *AsgiReq) corkLocked() bool {
	b := r.c.srv.asgi
	if !r.corked {
		r.corked = true
		b.httpCorked = append(b.httpCorked, r)
	}
	if b.flushScheduled {
		return false
	}
	b.flushScheduled = true
	return true
}

// FlushHTTP writes every corked response (loop thread, GIL held: each
// write is one non-blocking write(2); what a socket does not take goes to a
// flush goroutine, as for any response). scheduled: this is the flush the
// loop scheduled (asgi_flush), so the next cork schedules another.
func (b *AsgiBridge) FlushHTTP(scheduled bool) {
	if scheduled {
		b.flushScheduled = false
	}
	list := b.httpCorked
	for i, r := range list {
		r.mu.Lock()
		if r.corked {
			r.flushLocked()
		}
		r.mu.Unlock()
		list[i] = nil
	}
	b.httpCorked = list[:0]
}
