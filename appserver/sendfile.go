package appserver

import (
	"io"
	"os"
	"syscall"

	"goaccel/python"
)

// fileWrapperType is appserver.FileWrapper (the environ's wsgi.file_wrapper).
var fileWrapperType python.Object

func captureFileWrapper(template python.Object) error {
	key, err := python.NewString("wsgi.file_wrapper")
	if err != nil {
		return err
	}
	defer key.Release()
	fw, err := python.DictGet(template, key.Object)
	if err != nil {
		return err
	}
	if !fw.IsNil() {
		fileWrapperType = fw
	}
	return nil
}

// callInt calls o.name() and returns the int result; any Python error is
// cleared (the caller falls back to iterating).
func callInt(o python.Object, name string) (int64, bool) {
	if !python.HasAttr(o, name) {
		return 0, false
	}
	r, err := python.CallMethod(o, name)
	if err != nil {
		if e := python.Fetch(); e != nil {
			e.Release()
		}
		return 0, false
	}
	defer r.Release()
	if r.Type() != python.IntType {
		return 0, false
	}
	return python.LongInt64(r.Object)
}

// trySendfile sends a wsgi.file_wrapper over a regular file with sendfile(2)
// (Go's TCPConn.ReadFrom), the GIL released. False: not such a file, the
// caller iterates the wrapper instead.
func (w *worker) trySendfile(c *conn, sr, result python.Object) bool {
	if fileWrapperType.IsNil() || result.Type() != fileWrapperType {
		return false
	}
	fl, err := python.GetAttr(result, "filelike")
	if err != nil {
		if e := python.Fetch(); e != nil {
			e.Release()
		}
		return false
	}
	defer fl.Release()
	fd, ok := callInt(fl.Object, "fileno")
	if !ok || fd < 0 {
		return false
	}
	off, ok := callInt(fl.Object, "tell")
	if !ok {
		return false
	}
	var st syscall.Stat_t
	if syscall.Fstat(int(fd), &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return false
	}
	n := st.Size - off
	if n < 0 {
		n = 0
	}
	var h respHead
	if !w.head(c, sr, &h) {
		return true // a 500 is in c.out
	}
	if h.contentLength >= 0 {
		if h.contentLength > n {
			w.invalid(c, "Content-Length is larger than the file")
			return true
		}
		n = h.contentLength
	}
	out := h.appendHead(c.out[:0])
	if h.contentLength < 0 {
		out = append(out, "Content-Length: "...)
		out = appendInt(out, n)
		out = append(out, "\r\n"...)
	}
	out = w.appendConnection(c, out)
	out = append(out, "\r\n"...)
	c.streamed = true
	python.StartResponseSent(sr)
	dup, err := syscall.Dup(int(fd))
	if err != nil {
		c.close = true
		return true
	}
	f := os.NewFile(uintptr(dup), "wsgi.file_wrapper")
	python.ThreadLeave()
	_, werr := c.nc.Write(out)
	if werr == nil && n > 0 && !c.isHead() {
		// A *os.File behind an io.LimitedReader is what net's ReadFrom
		// turns into sendfile(2). The offset is shared with the app's file
		// object, which is done with it.
		var sent int64
		if _, werr = f.Seek(off, io.SeekStart); werr == nil {
			sent, werr = io.Copy(c.nc, &io.LimitedReader{R: f, N: n})
		}
		if werr == nil && sent != n {
			werr = io.ErrUnexpectedEOF
		}
	}
	f.Close()
	python.ThreadEnter()
	c.out = c.out[:0]
	if werr != nil {
		c.close = true
	}
	return true
}
