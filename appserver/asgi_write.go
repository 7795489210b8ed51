package appserver

import (
	"syscall"
	"time"
)

// Writing ASGI responses. The loop thread writes what the app sends at
// once, with one non-blocking write(2) on the socket (the common case: a
// whole small response, no goroutine wakes up for it). What the socket does
// not take goes to a flush goroutine that writes it with the usual blocking
// net.Conn.Write and a deadline; while it runs, later sends only append
// (order is kept), and send() waits for a drain event above the high-water
// mark (asgi.go), so a slow client never makes the server buffer without
// bound.

// flushLocked writes r.out now unless a flush goroutine owns the writing.
// r.mu held.
func (r *AsgiReq) flushLocked() {
	r.corked = false // written now: the loop's flush skips it
	if r.flushing {
		return
	}
	if r.gone {
		r.out, r.pending = r.out[:0], 0
	} else if len(r.out) > 0 {
		n, err := r.writeNow(r.out)
		r.pending -= n
		switch {
		case err != nil:
			r.out, r.pending = r.out[:0], 0
			r.goneLocked()
		case n < len(r.out):
			r.out = append(r.out[:0], r.out[n:]...)
			r.flushing = true
			go r.flush()
			return
		default:
			r.out = r.out[:0]
		}
	}
	if r.final {
		r.afterFinalLocked()
	}
}

// writeNow makes one non-blocking write attempt (EAGAIN is 0 bytes, no error).
func (r *AsgiReq) writeNow(b []byte) (int, error) {
	if r.raw == nil {
		sc, ok := r.c.nc.(syscall.Conn)
		if !ok {
			return 0, nil // not a socket: the flush goroutine writes
		}
		raw, err := sc.SyscallConn()
		if err != nil {
			return 0, err
		}
		r.raw = raw
	}
	var n int
	var werr error
	err := r.raw.Write(func(fd uintptr) bool {
		n, werr = syscall.Write(int(fd), b)
		return true // never wait: the loop thread must not block
	})
	if n < 0 {
		n = 0
	}
	if werr == syscall.EAGAIN || werr == syscall.EINTR {
		werr = nil
	}
	if err != nil {
		return n, err
	}
	return n, werr
}

// goneLocked marks the client gone (a write failed) and tells the app.
func (r *AsgiReq) goneLocked() {
	r.gone = true
	if !r.final && !r.discSent {
		r.discSent = true
		r.c.srv.asgi.push(EvDisconnect, r)
	}
}

// afterFinalLocked: the response is complete and written. The reader
// goroutine (blocked in a peek) gets the keep-alive deadline, or is woken
// at once when the connection closes.
func (r *AsgiReq) afterFinalLocked() {
	c := r.c
	if r.close || r.gone || c.srv.draining.Load() {
		r.close = true
		c.nc.SetReadDeadline(time.Now())
	} else {
		c.idle.Store(true)
		c.nc.SetReadDeadline(time.Now().Add(c.srv.cfg.KeepAliveTimeout))
	}
	r.signal()
}

// flush writes what the socket did not take at once, blocking (with a
// deadline) on this goroutine, until the buffer is empty.
func (r *AsgiReq) flush() {
	c := r.c
	for {
		r.mu.Lock()
		if len(r.out) == 0 || r.gone {
			if r.gone {
				r.out, r.pending = r.out[:0], 0
			}
			r.flushing = false
			drain := r.wantDrain
			r.wantDrain = false
			if r.final {
				r.afterFinalLocked()
			} else {
				r.signal()
			}
			r.mu.Unlock()
			if drain {
				c.srv.asgi.push(EvDrain, r)
			}
			return
		}
		buf := r.out
		r.out = r.spare[:0]
		r.mu.Unlock()
		c.nc.SetWriteDeadline(time.Now().Add(c.srv.cfg.KeepAliveTimeout))
		_, err := c.nc.Write(buf)
		r.mu.Lock()
		r.pending -= len(buf)
		if cap(buf) <= 1<<20 {
			r.spare = buf[:0]
		}
		if err != nil {
			r.goneLocked()
		}
		drain := r.wantDrain && (r.pending < asgiLowWater || r.gone)
		if drain {
			r.wantDrain = false
		}
		r.mu.Unlock()
		if drain {
			c.srv.asgi.push(EvDrain, r)
		}
	}
}
