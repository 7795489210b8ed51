package appserver

import (
	"encoding/binary"
	"net"
	"sync"
	"syscall"
	"time"
)

// Outbound WebSocket messages are framed here and written by the loop
// thread itself, with one non-blocking write(2), like HTTP responses
// (asgi_write.go). The first version queued each message for the
// connection goroutine (a channel signal from the loop thread, then
// coder/websocket's Write): every echo cost a goroutine wake-up from a
// non-Go thread, and perf showed 21 % of the worker in finish_task_switch.
//
// The library still writes its own frames (pongs, the close handshake)
// through wsLibConn, so the two writers are ordered by wsWriter: while a
// library write is in progress or a flush goroutine is writing what the
// socket did not take, the loop thread only appends; a library write waits
// until the spilled bytes are out. So frames never interleave, and the
// loop thread never blocks on a slow client.
type wsWriter struct {
	mu         sync.Mutex
	cond       sync.Cond
	nc         net.Conn
	raw        syscall.RawConn // nil: not a socket (TLS): every frame goes to the flusher
	spill      []byte          // frames not written yet, in order
	spare      []byte
	corked     bool // in the bridge's corked list (flushed once per loop iteration)
	flushing   bool // a flush goroutine owns the writing
	libWriting bool // the library is writing (or the handshake is not done yet)
	wantDrain  bool
	err        error
	timeout    time.Duration
	drained    func() // called (no lock held) when the spill fell below the low-water mark
}

func newWSWriter(nc net.Conn, timeout time.Duration, drained func()) *wsWriter {
	ww := &wsWriter{nc: nc, timeout: timeout, drained: drained, libWriting: true}
	ww.cond.L = &ww.mu
	if sc, ok := nc.(syscall.Conn); ok {
		ww.raw, _ = sc.SyscallConn()
	}
	return ww
}

// ready: the 101 is written; frames queued before it go out now.
func (ww *wsWriter) ready() {
	ww.mu.Lock()
	ww.libWriting = false
	ww.startFlushLocked()
	ww.mu.Unlock()
}

func (ww *wsWriter) startFlushLocked() {
	if len(ww.spill) > 0 && !ww.flushing && !ww.libWriting && ww.err == nil {
		ww.flushing = true
		go ww.flush()
	}
}

// writeMessage frames one unmasked, unfragmented message (RFC 6455 5.2)
// and queues it. Loop thread, GIL held; never blocks. The frames an
// iteration of the loop sends are written together by FlushCorked (one
// write(2) for a burst of echoes instead of one per message); schedule
// says this writer was not corked yet and the loop must schedule that
// flush. err is the connection's write error.
func (ww *wsWriter) writeMessage(opcode byte, data []byte) (queued int, schedule bool, err error) {
	ww.mu.Lock()
	defer ww.mu.Unlock()
	if ww.err != nil {
		return 0, false, ww.err
	}
	var h [10]byte
	h[0] = 0x80 | opcode
	f := h[:2]
	switch n := len(data); {
	case n < 126:
		h[1] = byte(n)
	case n <= 0xffff:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(n))
		f = h[:4]
	default:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
		f = h[:10]
	}
	ww.spill = append(append(ww.spill, f...), data...)
	if ww.flushing || ww.libWriting || ww.raw == nil {
		ww.startFlushLocked()
	} else if !ww.corked {
		ww.corked = true
		schedule = true
	}
	return ww.queuedLocked(), schedule, nil
}

// writeCorked writes what the loop queued, with one non-blocking write;
// the rest goes to a flush goroutine. Loop thread.
func (ww *wsWriter) writeCorked() {
	ww.mu.Lock()
	ww.corked = false
	if ww.flushing || ww.libWriting || ww.err != nil || len(ww.spill) == 0 {
		ww.mu.Unlock()
		return
	}
	var n int
	var werr error
	err := ww.raw.Write(func(fd uintptr) bool {
		n, werr = syscall.Write(int(fd), ww.spill)
		return true // never wait: this is the loop thread
	})
	if n < 0 {
		n = 0
	}
	if werr == syscall.EAGAIN || werr == syscall.EINTR {
		werr = nil
	}
	if err == nil {
		err = werr
	}
	drain := false
	switch {
	case err != nil:
		ww.err = err
		ww.spill = ww.spill[:0]
		drain = ww.wantDrain
	case n < len(ww.spill):
		ww.spill = append(ww.spill[:0], ww.spill[n:]...)
		ww.startFlushLocked()
	default:
		ww.spill = ww.spill[:0]
		drain = ww.wantDrain
	}
	if drain {
		ww.wantDrain = false
	}
	ww.mu.Unlock()
	if drain {
		ww.drained()
	}
}

// FlushCorked writes the frames every WebSocket queued during this loop
// iteration (asgi_ws_flush, scheduled by the first send of an iteration).
func (b *AsgiBridge) FlushCorked() {
	for _, ww := range b.corked {
		ww.writeCorked()
	}
	clear(b.corked)
	b.corked = b.corked[:0]
}

// queuedLocked is the bytes waiting; above the high-water mark the app's
// send() waits for the drain callback.
func (ww *wsWriter) queuedLocked() int {
	q := len(ww.spill)
	if q > asgiHighWater {
		ww.wantDrain = true
	}
	return q
}

// flush writes the spilled frames with blocking writes and a deadline.
func (ww *wsWriter) flush() {
	for {
		ww.mu.Lock()
		if len(ww.spill) == 0 || ww.err != nil {
			ww.spill = ww.spill[:0]
			ww.flushing = false
			drain := ww.wantDrain
			ww.wantDrain = false
			ww.cond.Broadcast()
			ww.mu.Unlock()
			if drain {
				ww.drained()
			}
			return
		}
		buf := ww.spill
		ww.spill = ww.spare[:0]
		ww.mu.Unlock()
		ww.nc.SetWriteDeadline(time.Now().Add(ww.timeout))
		_, err := ww.nc.Write(buf)
		ww.mu.Lock()
		if cap(buf) <= 1<<20 {
			ww.spare = buf[:0]
		}
		if err != nil {
			ww.err = err
		}
		drain := ww.wantDrain && len(ww.spill) < asgiLowWater
		if drain {
			ww.wantDrain = false
		}
		ww.mu.Unlock()
		if drain {
			ww.drained()
		}
	}
}

// libWrite is the library's write: after what the loop thread queued.
func (ww *wsWriter) libWrite(b []byte) (int, error) {
	ww.mu.Lock()
	for ww.flushing || ww.libWriting {
		ww.cond.Wait()
	}
	if ww.err != nil {
		err := ww.err
		ww.mu.Unlock()
		return 0, err
	}
	if len(ww.spill) > 0 {
		// Queued frames first (no flusher runs: the spill waited for
		// the handshake or a library write).
		b = append(ww.spill, b...)
		ww.spill = nil
	}
	ww.libWriting = true
	ww.mu.Unlock()
	ww.nc.SetWriteDeadline(time.Now().Add(ww.timeout))
	n, err := ww.nc.Write(b)
	ww.mu.Lock()
	ww.libWriting = false
	if err != nil && ww.err == nil {
		ww.err = err
	}
	ww.cond.Broadcast()
	ww.startFlushLocked()
	ww.mu.Unlock()
	if n > len(b) {
		n = len(b)
	}
	return n, err
}

// wsLibConn is the connection coder/websocket writes to.
type wsLibConn struct {
	net.Conn
	ww *wsWriter
}

func (c wsLibConn) Write(b []byte) (int, error) {
	n := len(b)
	if _, err := c.ww.libWrite(b); err != nil {
		return 0, err
	}
	return n, nil
}
