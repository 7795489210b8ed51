package appserver

import (
	"runtime/cgo"

	"goaccel/python"
)

// call runs the WSGI app for c's request and leaves the response in c.out
// (or writes it itself when streaming). GIL held on entry and exit.
func (w *worker) call(c *conn) {
	// One clock reading per step: each ends the previous step's interval.
	tEnv := mono()
	input, err := w.environ(c)
	if err != nil {
		w.srv.stats.envNs.Add(mono() - tEnv)
		if err == errBadEscape {
			w.srv.stats.rejectedBad.Add(1)
			c.out = appendError(c.out[:0], 400, "malformed percent escape in path")
			c.close = true
			return
		}
		w.appFailed(c, "building the environ")
		return
	}
	w.cur = c
	w.st = streamState{}
	// environ dict, start_response and the app call: one crossing.
	result, stage, envDone, err := w.wc.Run(w.app.Callable, w.app.Template, w.scratch, w.spec,
		c.req.body, input.Object, w.handle)
	input.Release()
	tResp := mono()
	w.srv.stats.envNs.Add(envDone - tEnv)
	if err != nil {
		switch stage {
		case python.WSGIStageEnviron:
			w.appFailed(c, "building the environ")
		case python.WSGIStageStartResponse:
			w.appFailed(c, "creating start_response")
		default:
			w.srv.stats.appNs.Add(tResp - envDone)
			w.appFailed(c, "calling the application")
		}
		return
	}
	w.srv.stats.appNs.Add(tResp - envDone)
	sr := w.wc.SR()
	w.respond(c, sr, result)
	t1 := mono()
	w.srv.stats.respondNs.Add(t1 - tResp)
	// PEP 3333: close() is called whatever happened (Django returns its
	// database connections there).
	// close() and freeing the result (for Django, the response and the
	// request graph it references) are the app's time, not the server's.
	if t := result.Type(); t != python.ListType && t != python.TupleType {
		if err := python.CloseIfAny(result); err != nil {
			logf("error in the response's close() for %s %s:", c.req.method, c.req.target)
			python.PrintException()
		}
	}
	w.wc.Done(result) // frees the result and start_response
	w.srv.stats.appNs.Add(mono() - t1)
}

// appFailed logs the pending Python exception and answers 500 if nothing
// was sent yet (else the connection closes mid-response).
func (w *worker) appFailed(c *conn, where string) {
	w.srv.stats.appErrors.Add(1)
	logf("error %s for %s %s:", where, c.req.method, c.req.target)
	python.PrintException()
	if !c.streamed {
		w.errorResponse(c)
	}
	c.close = true
}

func (w *worker) errorResponse(c *conn) {
	c.out = appendError(c.out[:0], 500, "internal server error")
	c.close = true
}

// invalid reports app output that cannot be sent as valid HTTP.
func (w *worker) invalid(c *conn, msg string) {
	w.srv.stats.appErrors.Add(1)
	logf("invalid response from the application for %s %s: %s", c.req.method, c.req.target, msg)
	if !c.streamed {
		w.errorResponse(c)
	}
	c.close = true
}

// respond collects the body (all of it when the result is a list, a tuple
// or an iterator over one, as Django's HttpResponse is) and builds the
// response; other iterables are streamed as they produce.
func (w *worker) respond(c *conn, sr, result python.Object) {
	body := w.bodyBuf[:0]
	defer func() {
		if cap(body) <= 1<<20 {
			w.bodyBuf = body[:0]
		}
	}()
	if w.st.active {
		// write() already sent the head: the iterable follows in the
		// same framing.
		w.streamRest(c, result)
		return
	}
	if w.trySendfile(c, sr, result) {
		return
	}
	t := result.Type()
	if t == python.ListType || t == python.TupleType {
		var items []python.Object
		if t == python.ListType {
			items = python.ListItems(result)
		} else {
			items = python.TupleItems(result)
		}
		for _, it := range items {
			if it.Type() != python.BytesType {
				w.invalid(c, "the response iterable yielded "+it.TypeName()+", not bytes")
				return
			}
			body = append(body, python.BytesData(it)...)
		}
		w.finishBuffered(c, sr, body)
		return
	}
	it, err := python.GetIter(result)
	if err != nil {
		w.appFailed(c, "iterating the response")
		return
	}
	defer it.Release()
	fixed := it.Type() == listIterType || it.Type() == tupleIterType
	for {
		chunk, done, err := python.Next(it.Object)
		if err != nil {
			w.appFailed(c, "iterating the response")
			return
		}
		if done {
			break
		}
		if chunk.Type() != python.BytesType {
			name := chunk.TypeName()
			chunk.Release()
			w.invalid(c, "the response iterable yielded "+name+", not bytes")
			return
		}
		data := python.BytesData(chunk.Object)
		if len(data) > 0 && !fixed {
			// A generator: what it produced so far goes out now, the rest
			// as it comes.
			body = append(body, data...)
			chunk.Release()
			w.stream(c, sr, it.Object, body)
			return
		}
		body = append(body, data...)
		chunk.Release()
	}
	w.finishBuffered(c, sr, body)
}

var listIterType, tupleIterType python.Object

// InitTypes captures the iterator types (GIL held, once).
func InitTypes() error {
	for _, p := range []struct {
		dst *python.Object
		mk  func() (python.Ref, error)
	}{
		{&listIterType, func() (python.Ref, error) {
			l, err := python.NewList(0)
			if err != nil {
				return python.Ref{}, err
			}
			defer l.Release()
			return python.GetIter(l.Object)
		}},
		{&tupleIterType, func() (python.Ref, error) {
			l, err := python.NewTuple(0)
			if err != nil {
				return python.Ref{}, err
			}
			defer l.Release()
			return python.GetIter(l.Object)
		}},
	} {
		r, err := p.mk()
		if err != nil {
			return err
		}
		*p.dst = r.Type()
		r.Release()
	}
	return nil
}

// finishBuffered writes head and body into c.out.
func (w *worker) finishBuffered(c *conn, sr python.Object, body []byte) {
	var h respHead
	if !w.head(c, sr, &h) {
		return
	}
	noBody := h.code == 204 || h.code == 304 || h.code < 200
	if h.contentLength >= 0 && !noBody && h.contentLength != int64(len(body)) {
		w.invalid(c, "Content-Length "+itoa(int(h.contentLength))+" but the body has "+itoa(len(body))+" bytes")
		return
	}
	out := c.out[:0]
	out = h.appendHead(out)
	if h.contentLength < 0 && !noBody && !(c.isHead() && len(body) == 0) {
		out = append(out, "Content-Length: "...)
		out = appendInt(out, int64(len(body)))
		out = append(out, "\r\n"...)
	}
	out = w.appendConnection(c, out)
	out = append(out, "\r\n"...)
	if !noBody && !c.isHead() {
		out = append(out, body...)
	}
	c.out = out
}

func (c *conn) isHead() bool {
	m := c.req.method
	return len(m) == 4 && m[0] == 'H' && m[1] == 'E' && m[2] == 'A' && m[3] == 'D'
}

func (w *worker) appendConnection(c *conn, out []byte) []byte {
	if c.close {
		return append(out, "Connection: close\r\n"...)
	}
	if c.req.minor == 0 {
		return append(out, "Connection: keep-alive\r\n"...)
	}
	return out
}

// stream sends the head and first bytes now, then each chunk as the
// iterator yields it, with the GIL released during every write.
func (w *worker) stream(c *conn, sr, it python.Object, first []byte) {
	if !w.startStream(c, sr) || !w.streamChunk(c, first) {
		return
	}
	w.streamIter(c, it)
}

// streamRest streams a result after write() started the response.
func (w *worker) streamRest(c *conn, result python.Object) {
	if w.st.broken {
		return
	}
	it, err := python.GetIter(result)
	if err != nil {
		w.appFailed(c, "iterating the response")
		return
	}
	defer it.Release()
	w.streamIter(c, it.Object)
}

func (w *worker) streamIter(c *conn, it python.Object) {
	for {
		chunk, done, err := python.Next(it)
		if err != nil {
			w.appFailed(c, "iterating the streamed response")
			return
		}
		if done {
			break
		}
		if chunk.Type() != python.BytesType {
			name := chunk.TypeName()
			chunk.Release()
			w.invalid(c, "the response iterable yielded "+name+", not bytes")
			return
		}
		ok := w.streamChunk(c, python.BytesData(chunk.Object))
		chunk.Release()
		if !ok {
			return
		}
	}
	w.endStream(c)
}

// streamState is the framing of a response whose head is on the wire.
type streamState struct {
	active  bool
	broken  bool // a write failed or the body overran: the connection closes
	h       respHead
	chunked bool
	noBody  bool
	sent    int64
}

// startStream validates the head and puts it in c.out (sent with the first
// chunk). False: invalid head, a 500 is in c.out.
func (w *worker) startStream(c *conn, sr python.Object) bool {
	st := &w.st
	*st = streamState{}
	if !w.head(c, sr, &st.h) {
		return false
	}
	bodyless := st.h.code == 204 || st.h.code == 304
	st.noBody = bodyless || c.isHead()
	st.chunked = st.h.contentLength < 0 && !bodyless
	if st.chunked && c.req.minor == 0 {
		c.close = true // HTTP/1.0: the body ends when the connection does
		st.chunked = false
	}
	out := st.h.appendHead(c.out[:0])
	if st.chunked {
		out = append(out, "Transfer-Encoding: chunked\r\n"...)
	}
	out = w.appendConnection(c, out)
	c.out = append(out, "\r\n"...)
	st.active = true
	c.streamed = true
	python.StartResponseSent(sr)
	return true
}

// streamChunk frames data, sends it with whatever is pending in c.out and
// reports whether the response can go on.
func (w *worker) streamChunk(c *conn, data []byte) bool {
	st := &w.st
	if st.broken {
		return false
	}
	out := c.out
	over := false
	if !st.noBody && len(data) > 0 {
		if st.h.contentLength >= 0 && st.sent+int64(len(data)) > st.h.contentLength {
			data = data[:st.h.contentLength-st.sent]
			over = true
		}
		st.sent += int64(len(data))
		if st.chunked {
			out = appendHex(out, len(data))
			out = append(out, "\r\n"...)
			out = append(out, data...)
			out = append(out, "\r\n"...)
		} else {
			out = append(out, data...)
		}
	}
	if !w.flush(c, out) {
		st.broken = true
		c.close = true
		return false
	}
	c.out = c.out[:0]
	if over {
		st.broken = true
		w.invalid(c, "the body is longer than its Content-Length")
		return false
	}
	return true
}

// endStream checks the length and sends the last chunk.
func (w *worker) endStream(c *conn) {
	st := &w.st
	if st.h.contentLength >= 0 && !st.noBody && st.sent != st.h.contentLength {
		w.invalid(c, "the body is shorter than its Content-Length")
		return
	}
	if st.chunked && !st.noBody {
		w.flush(c, append(c.out[:0], "0\r\n\r\n"...))
	} else if len(c.out) > 0 {
		w.flush(c, c.out) // a head not yet sent (empty body)
	}
	c.out = c.out[:0]
}

// writeHook sends the bytes of the WSGI write() callable at once.
func writeHook(handle uintptr, sr python.Object, data []byte) error {
	w := cgo.Handle(handle).Value().(*worker)
	c := w.cur
	if !w.st.active && !w.startStream(c, sr) {
		return python.Errorf(python.OSError, "appserver: the response status or headers are invalid (see the server log)")
	}
	if !w.streamChunk(c, data) {
		return python.Errorf(python.OSError, "appserver: the response cannot be sent (client gone or body longer than Content-Length)")
	}
	return nil
}

// flush writes out with the GIL released.
func (w *worker) flush(c *conn, out []byte) bool {
	c.out = out
	if len(out) == 0 {
		return true
	}
	var err error
	python.ThreadLeave()
	_, err = c.nc.Write(out)
	python.ThreadEnter()
	return err == nil
}

func appendHex(dst []byte, n int) []byte {
	const digits = "0123456789abcdef"
	var tmp [16]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = digits[n&15]
		n >>= 4
		if n == 0 {
			break
		}
	}
	return append(dst, tmp[i:]...)
}

func appendError(out []byte, status int, msg string) []byte {
	body := msg + "\n"
	out = append(out, "HTTP/1.1 "...)
	out = appendInt(out, int64(status))
	out = append(out, ' ')
	out = append(out, statusText[status]...)
	out = append(out, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "...)
	out = appendInt(out, int64(len(body)))
	out = append(out, "\r\nConnection: close\r\n"...)
	out = append(out, currentDate()...)
	out = append(out, "\r\n"...)
	return append(out, body...)
}
