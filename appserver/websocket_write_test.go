package appserver

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// wsWriter: frames queued before the handshake, corked frames, library
// writes and a flush of what a full socket did not take all reach the
// client in order and never interleave.

func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		ch <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-ch
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// readFrames parses n unmasked frames: (opcode, payload).
func readFrames(t *testing.T, r io.Reader, n int) [][]byte {
	t.Helper()
	var out [][]byte
	for i := 0; i < n; i++ {
		var h [2]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		size := int(h[1] & 0x7f)
		switch size {
		case 126:
			var b [2]byte
			io.ReadFull(r, b[:])
			size = int(b[0])<<8 | int(b[1])
		case 127:
			var b [8]byte
			io.ReadFull(r, b[:])
			size = 0
			for _, x := range b {
				size = size<<8 | int(x)
			}
		}
		p := make([]byte, size)
		if _, err := io.ReadFull(r, p); err != nil {
			t.Fatalf("frame %d payload: %v", i, err)
		}
		out = append(out, append([]byte{h[0]}, p...))
	}
	return out
}

func TestWSWriterOrder(t *testing.T) {
	srv, cli := tcpPair(t)
	drains := 0
	var mu sync.Mutex
	ww := newWSWriter(srv, 5*time.Second, func() { mu.Lock(); drains++; mu.Unlock() })
	// Before the handshake: queued, nothing scheduled.
	if _, sched, err := ww.writeMessage(1, []byte("early")); err != nil || sched {
		t.Fatalf("before ready: sched=%v err=%v", sched, err)
	}
	ww.ready()
	// Corked: the first message schedules the loop's flush, the second not.
	_, sched1, _ := ww.writeMessage(1, []byte("a"))
	_, sched2, _ := ww.writeMessage(2, bytes.Repeat([]byte{7}, 300))
	if !sched1 && !ww.flushing {
		t.Fatal("the first corked message must schedule a flush")
	}
	if sched2 {
		t.Fatal("only the first message of an iteration schedules")
	}
	// A library write (a pong) comes after what was queued.
	lc := wsLibConn{Conn: srv, ww: ww}
	if _, err := lc.Write([]byte{0x8a, 0x00}); err != nil {
		t.Fatal(err)
	}
	_, _, _ = ww.writeMessage(1, []byte("after"))
	ww.writeCorked()
	frames := readFrames(t, cli, 5)
	want := [][]byte{
		append([]byte{0x81}, "early"...), append([]byte{0x81}, 'a'),
		append([]byte{0x82}, bytes.Repeat([]byte{7}, 300)...), {0x8a}, append([]byte{0x81}, "after"...),
	}
	for i := range want {
		if !bytes.Equal(frames[i], want[i]) {
			t.Fatalf("frame %d = %q, want %q", i, frames[i][:min(len(frames[i]), 16)], want[i][:min(len(want[i]), 16)])
		}
	}
}

func TestWSWriterBackpressureAndFlush(t *testing.T) {
	srv, cli := tcpPair(t)
	srv.(*net.TCPConn).SetWriteBuffer(16 << 10)
	cli.(*net.TCPConn).SetReadBuffer(16 << 10)
	drained := make(chan struct{}, 16)
	ww := newWSWriter(srv, 5*time.Second, func() { drained <- struct{}{} })
	ww.ready()
	msg := bytes.Repeat([]byte("x"), 60<<10)
	over := false
	sent := 0
	for i := 0; i < 40 && !over; i++ {
		q, sched, err := ww.writeMessage(2, msg)
		if err != nil {
			t.Fatal(err)
		}
		sent++
		if sched || i == 0 {
			ww.writeCorked() // the loop's flush: the socket takes only part
		}
		over = q > asgiHighWater
	}
	if !over {
		t.Fatal("a client that does not read must push the queue over the high-water mark")
	}
	// A library write waits for the queued frames, then goes out after them.
	done := make(chan error, 1)
	go func() {
		_, err := wsLibConn{Conn: srv, ww: ww}.Write([]byte{0x89, 0x00})
		done <- err
	}()
	frames := readFrames(t, cli, sent+1)
	for i := 0; i < sent; i++ {
		if len(frames[i]) != len(msg)+1 || frames[i][0] != 0x82 {
			t.Fatalf("frame %d: %d bytes, opcode %x", i, len(frames[i]), frames[i][0])
		}
	}
	if !bytes.Equal(frames[sent], []byte{0x89}) {
		t.Fatalf("the library's frame came out of order: %x", frames[sent])
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	select {
	case <-drained:
	case <-time.After(5 * time.Second):
		t.Fatal("no drain after the queue was written")
	}
}
