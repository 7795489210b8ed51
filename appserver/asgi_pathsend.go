package appserver

import (
	"io"
	"os"
	"time"

	"goaccel/python"
)

// http.response.pathsend: the app names a file, Go sends it (sendfile(2)
// through net.TCPConn.ReadFrom) on a flush goroutine; the loop thread
// only opens it and queues the head.

// SendFile answers with the file at path as the whole body. GIL held.
func (r *AsgiReq) SendFile(status int, headers python.Object, path string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if code, closed := r.closedLocked(); closed {
		return code, nil
	}
	if r.started {
		return 0, python.Errorf(python.RuntimeError, "ASGI: 'http.response.pathsend' after a response body")
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, python.Errorf(python.OSError, "http.response.pathsend: %v", err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return 0, python.Errorf(python.OSError, "http.response.pathsend: %s is not a regular file", path)
	}
	size := st.Size()
	out, err := r.appendHead(r.out, status, headers, size, false)
	if err != nil {
		f.Close()
		return 0, err
	}
	if r.cl >= 0 && r.cl != size {
		f.Close()
		return 0, python.Errorf(python.ValueError, "http.response.pathsend: content-length %d but the file has %d bytes", r.cl, size)
	}
	r.started, r.final = true, true
	r.status = status
	r.wire += int64(len(out) - len(r.out))
	if !r.head {
		r.wire += size
	}
	r.pending += len(out) - len(r.out)
	r.out = out
	if r.head || r.flushing {
		f.Close()
		r.flushLocked()
		return SendOK, nil
	}
	r.flushing = true
	go r.flushFile(f, size)
	return SendOK, nil
}

func (r *AsgiReq) flushFile(f *os.File, size int64) {
	defer f.Close()
	c := r.c
	r.mu.Lock()
	head := r.out
	r.out = nil
	r.mu.Unlock()
	c.nc.SetWriteDeadline(time.Now().Add(c.srv.cfg.KeepAliveTimeout))
	_, err := c.nc.Write(head)
	for left := size; err == nil && left > 0; {
		// 4 MiB at a time, each with a fresh deadline: a slow client
		// gets as long as it keeps reading.
		n := left
		if n > 4<<20 {
			n = 4 << 20
		}
		c.nc.SetWriteDeadline(time.Now().Add(c.srv.cfg.KeepAliveTimeout))
		var w int64
		w, err = io.CopyN(c.nc, f, n)
		left -= w
	}
	r.mu.Lock()
	r.pending -= len(head)
	if err != nil {
		r.goneLocked()
	}
	r.flushing = false
	r.afterFinalLocked()
	r.mu.Unlock()
}
