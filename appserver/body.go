package appserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sync"

	"goaccel/python"
)

// Chunked request bodies.
//
// The connection goroutine decodes up to bodyPrebuffer bytes before the
// request takes a thread (no Python thread waits for a slow uploader then,
// and a malformed small body is a 400 the app never sees). A body that ends
// within that is handed over whole, as a Content-Length body is, with
// CONTENT_LENGTH set to its decoded length. A longer one is streamed: the
// app's wsgi.input (appserver/_input.py) returns the buffered part, then
// decodes the rest from the socket as the app reads, the GIL released while
// it waits for the next chunk. There is no CONTENT_LENGTH then (PEP 3333 with
// wsgi.input_terminated: read until EOF). The --max-body-size limit holds
// for the whole body: past it a read raises, and the response is 413
// (400 for broken framing) unless the app already started its response, in
// which case the connection closes.
const bodyPrebuffer = 64 << 10

// chunkDecoder reads a chunked body from br.
type chunkDecoder struct {
	br      *bufio.Reader
	max     int64 // body size limit
	maxLine int
	left    int64 // bytes left in the current chunk
	total   int64
	started bool // the first size line was read
	done    bool // the last chunk and the trailers are read
}

// Read decodes up to len(p) bytes; it blocks only when nothing of the
// current chunk is buffered. io.EOF after the last chunk.
func (d *chunkDecoder) Read(p []byte) (int, error) {
	if d.done {
		return 0, io.EOF
	}
	if d.left == 0 {
		if d.started {
			crlf, err := readLine(d.br, 2)
			if err != nil {
				return 0, err
			}
			if len(crlf) != 0 {
				return 0, badRequest("chunk data longer than its size")
			}
		}
		d.started = true
		size, err := readChunkSize(d.br, d.maxLine)
		if err != nil {
			return 0, err
		}
		if size == 0 {
			if err := readTrailers(d.br, d.maxLine); err != nil {
				return 0, err
			}
			d.done = true
			return 0, io.EOF
		}
		if d.total+size > d.max {
			return 0, errBodyTooLarge
		}
		d.left = size
	}
	if int64(len(p)) > d.left {
		p = p[:d.left]
	}
	n, err := d.br.Read(p)
	d.left -= int64(n)
	d.total += int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

var errBodyTooLarge = &httpError{413, "request body too large"}

func readChunkSize(br *bufio.Reader, maxLine int) (int64, error) {
	line, err := readLine(br, maxLine)
	if err != nil {
		return 0, err
	}
	if i := bytes.IndexByte(line, ';'); i >= 0 {
		line = line[:i] // chunk extensions are ignored
	}
	line = trimOWS(line)
	if len(line) == 0 || len(line) > 15 {
		return 0, badRequest("invalid chunk size")
	}
	var size int64
	for _, ch := range line {
		v, ok := unhex(ch)
		if !ok {
			return 0, badRequest("invalid chunk size")
		}
		size = size<<4 | int64(v)
	}
	return size, nil
}

// readTrailers reads and drops trailer fields up to the empty line.
func readTrailers(br *bufio.Reader, maxLine int) error {
	for n := 0; ; n++ {
		line, err := readLine(br, maxLine)
		if err != nil {
			return err
		}
		if len(line) == 0 {
			return nil
		}
		if n > 100 {
			return &httpError{431, "too many trailer fields"}
		}
	}
}

// prebufferChunked decodes up to limit bytes. complete: the whole body is
// in the returned slice.
func prebufferChunked(d *chunkDecoder, limit int) (body []byte, complete bool, err error) {
	body = make([]byte, 0, 4096)
	for len(body) < limit {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)]
		}
		room := body[len(body):cap(body)]
		if len(room) > limit-len(body) {
			room = room[:limit-len(body)]
		}
		n, err := d.Read(room)
		body = body[:len(body)+n]
		if err == io.EOF {
			return body, true, nil
		}
		if err != nil {
			return nil, false, err
		}
	}
	return body, false, nil
}

// bodyStream is a request body the app reads while it runs. Reads may come
// from any Python thread (an app may hand wsgi.input over), so they are
// serialised; after the request ends the stream is closed and reads see EOF.
type bodyStream struct {
	mu     sync.Mutex
	pre    []byte // decoded before the app ran, returned first
	dec    chunkDecoder
	err    error // the first decoding error (sticky)
	closed bool
	id     uint64 // in streams while the request runs
}

// read returns up to n bytes (n > 0): the buffered part first, then at
// least one byte from the network unless the body ended (nil, nil).
func (b *bodyStream) read(buf []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, nil
	}
	if len(b.pre) > 0 {
		n := copy(buf, b.pre)
		b.pre = b.pre[n:]
		return n, nil
	}
	if b.err != nil {
		return 0, b.err
	}
	for {
		n, err := b.dec.Read(buf)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			b.err = err
			return n, err
		}
		if n > 0 {
			return n, nil
		}
	}
}

// finish closes the stream when the request is over and reports whether the
// connection can serve another request: the unread rest of the body is
// drained (within the limits), or the connection must close.
func (b *bodyStream) finish() (reusable bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.err != nil {
		return false
	}
	var scratch [4096]byte
	for !b.dec.done {
		if _, err := b.dec.Read(scratch[:]); err != nil && !errors.Is(err, io.EOF) {
			return false
		}
	}
	return true
}

// failure is the decoding error a read met, if any.
func (b *bodyStream) failure() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// endBody closes the request's body stream (reads see EOF from now on).
func (c *conn) endBody() {
	unregisterStream(c.body.id)
	c.body.mu.Lock()
	c.body.closed = true
	c.body.mu.Unlock()
	c.body = nil
}

// bodyErrorStatus is the answer a body error calls for (400 for broken framing,
// 413 over the limit), or 0 when the client just went away.
func bodyErrorStatus(err error) (int, string) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, he.msg
	}
	return 0, ""
}

// Streams the app can read, by id: a wsgi.input that outlives its request
// (kept by the app) finds nothing and reads EOF instead of another
// request's body.
var (
	streamsMu sync.Mutex
	streams   = map[uint64]*bodyStream{}
	streamSeq uint64
)

func registerStream(b *bodyStream) uint64 {
	streamsMu.Lock()
	streamSeq++
	id := streamSeq
	streams[id] = b
	streamsMu.Unlock()
	return id
}

func unregisterStream(id uint64) {
	streamsMu.Lock()
	delete(streams, id)
	streamsMu.Unlock()
}

// ReadBody is wsgi.input's raw read for a streamed body (called by
// _goaccel.server.read_body with the GIL held; the GIL is released while
// the network is waited on). It returns up to n bytes, empty at the end.
func ReadBody(id uint64, n int) (python.Ref, error) {
	streamsMu.Lock()
	b := streams[id]
	streamsMu.Unlock()
	if b == nil || n <= 0 {
		return python.NewBytes(nil)
	}
	if n > 1<<20 {
		n = 1 << 20
	}
	buf := make([]byte, n)
	var got int
	var err error
	python.ReleaseGIL(func() { got, err = b.read(buf) })
	if err != nil {
		status, msg := bodyErrorStatus(err)
		if status == 0 {
			return python.Ref{}, python.Errorf(python.OSError, "appserver: reading the request body failed: %v", err)
		}
		return python.Ref{}, python.Errorf(python.OSError, "appserver: invalid request body (%d %s)", status, msg)
	}
	return python.NewBytes(buf[:got])
}

// streamInput makes the wsgi.input of a streamed body (GIL held).
func (a *App) streamInput(id uint64) (python.Ref, error) {
	n, err := python.NewInt64(int64(id))
	if err != nil {
		return python.Ref{}, err
	}
	defer n.Release()
	return python.Call(a.mkInput.Object, n.Object)
}
