package appserver

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// WebSocket over the ASGI bridge. The handshake request is parsed by our
// own HTTP parser; the app decides (websocket.accept / close / a denial
// response); on accept, github.com/coder/websocket takes the connection
// through a small http.ResponseWriter + Hijacker adapter (wsHijack), so the
// framing, masking, fragmentation, ping/pong, close handshake and read
// limit are the library's. Text frames are checked for UTF-8 here (the
// library does not): invalid → close 1007.

// WebSocket event kinds (continuing the EvXxx numbering).
const (
	EvWSConnect    = 5
	EvWSMessage    = 6
	EvWSDisconnect = 7
	EvWSDrain      = 8
)

// AsgiWS is one WebSocket connection.
type AsgiWS struct {
	ID           uint64
	c            *conn
	Path, Query  []byte
	Subprotocols []string
	RemoteAddr   []byte
	RemotePort   int

	mu        sync.Mutex
	decided   chan wsDecision // the app's answer to websocket.connect
	accepted  bool
	closed    bool // close sent, or the connection is gone
	inbox     []any
	out       []wsOp
	pending   int
	wantDrain bool
	wake      chan struct{}
	CloseCode int
	Reason    string
	unread    int           // message bytes handed to the loop and not yet received by the app
	resume    chan struct{} // the app caught up (Consumed)
	ww        *wsWriter     // outbound frames, written from the loop thread (websocket_write.go)
}

// Inbound flow control: the reader pauses above wsHighWater bytes the app
// has not received yet and resumes below wsLowWater (the loop reports what
// the app received in steps, see _asgi_ws.py).
const (
	wsHighWater = 1 << 20
	wsLowWater  = 512 << 10
)

// Consumed records n message bytes received by the app.
func (w *AsgiWS) Consumed(n int) {
	w.mu.Lock()
	w.unread -= n
	resume := w.unread < wsLowWater
	w.mu.Unlock()
	if resume {
		select {
		case w.resume <- struct{}{}:
		default:
		}
	}
}

type wsDecision struct {
	accept      bool
	subprotocol string
	headers     [][2][]byte
	response    []byte // a denial response, or nil for 403
}

type wsOp struct {
	typ    websocket.MessageType
	data   []byte
	close  bool
	code   int
	reason string
}

var (
	wsMu   sync.Mutex
	wsConn = map[uint64]*AsgiWS{}
)

// LookupWS finds a WebSocket connection by id.
func LookupWS(id uint64) *AsgiWS {
	wsMu.Lock()
	w := wsConn[id]
	wsMu.Unlock()
	return w
}

// isWebSocket: an Upgrade: websocket request.
func isWebSocket(req *request) bool {
	for _, h := range req.headers {
		if len(h.name) == 7 && equalFold(h.name, "upgrade") && hasToken(h.value, "websocket") {
			return true
		}
	}
	return false
}

func (c *conn) header(name string) ([]byte, int) {
	var v []byte
	n := 0
	for _, h := range c.req.headers {
		if len(h.name) == len(name) && equalFold(h.name, name) {
			v = h.value
			n++
		}
	}
	return v, n
}

// serveWebSocket runs one WebSocket connection to its end (always false:
// the connection is not reused for HTTP).
func (c *conn) serveWebSocket() bool {
	s := c.srv
	key, nkeys := c.header("sec-websocket-key")
	ver, _ := c.header("sec-websocket-version")
	conn, _ := c.header("connection")
	switch {
	case string(c.req.method) != "GET" || c.req.minor != 1 || !hasToken(conn, "upgrade"):
		c.writeError(400, "invalid WebSocket handshake")
		return false
	case string(trimOWS(ver)) != "13":
		c.writeRaw([]byte("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
		return false
	}
	if k, err := base64.StdEncoding.DecodeString(string(trimOWS(key))); nkeys != 1 || err != nil || len(k) != 16 {
		c.writeError(400, "invalid Sec-WebSocket-Key")
		return false
	}
	w := &AsgiWS{ID: asgiSeq.Add(1), c: c, Path: c.req.path, Query: c.req.query,
		RemoteAddr: c.remoteAddr, decided: make(chan wsDecision, 1), wake: make(chan struct{}, 1),
		resume: make(chan struct{}, 1)}
	w.RemotePort, _ = atoiBytes(c.remotePort)
	w.ww = newWSWriter(c.nc, s.cfg.KeepAliveTimeout, func() { s.asgi.pushWS(EvWSDrain, w) })
	for _, h := range c.req.headers {
		if len(h.name) == 22 && equalFold(h.name, "sec-websocket-protocol") {
			for _, p := range strings.Split(string(h.value), ",") {
				if p = strings.TrimSpace(p); p != "" {
					w.Subprotocols = append(w.Subprotocols, p)
				}
			}
		}
	}
	wsMu.Lock()
	wsConn[w.ID] = w
	wsMu.Unlock()
	defer func() {
		wsMu.Lock()
		delete(wsConn, w.ID)
		wsMu.Unlock()
	}()
	s.stats.served.Add(1)
	c.nc.SetReadDeadline(time.Time{})
	s.asgi.pushWS(EvWSConnect, w)

	var d wsDecision
	select {
	case d = <-w.decided:
	case <-s.stopped:
		c.writeError(503, "server stopping")
		return false
	}
	if !d.accept {
		resp := d.response
		if resp == nil {
			resp = []byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		}
		c.writeRaw(resp)
		c.wsAnswered(statusOf(resp), len(resp)) // metrics, access log (asgi_ops.go)
		return false
	}
	hw := &wsHijack{c: c, h: http.Header{}, ww: w.ww}
	for _, kv := range d.headers {
		hw.h.Add(string(kv[0]), string(kv[1]))
	}
	hreq := &http.Request{Method: "GET", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}}
	for _, h := range c.req.headers {
		hreq.Header.Add(string(h.name), string(h.value))
	}
	opts := &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled}
	if d.subprotocol != "" {
		opts.Subprotocols = []string{d.subprotocol}
	}
	ws, err := websocket.Accept(hw, hreq, opts)
	if err != nil {
		w.gone(1006, "")
		return false
	}
	c.wsAnswered(101, hw.sent)
	w.ww.ready() // messages the app sent since its accept go out now
	ws.SetReadLimit(s.cfg.MaxBodySize)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	readDone := make(chan struct{})
	go w.readLoop(ctx, ws, readDone)
	for {
		select {
		case <-w.wake:
		case <-readDone:
			ws.CloseNow()
			return false
		case <-s.stopped:
			ws.Close(websocket.StatusGoingAway, "server stopping")
			<-readDone
			return false
		}
		w.mu.Lock()
		ops := w.out
		w.out = nil
		w.mu.Unlock()
		for _, op := range ops {
			if op.close {
				// Close waits (bounded by the library) for the client's
				// close frame, read by readLoop, which reports the end.
				ws.Close(websocket.StatusCode(op.code), op.reason)
				<-readDone
				return false
			}
			if err := ws.Write(ctx, op.typ, op.data); err != nil {
				ws.CloseNow()
				<-readDone
				return false
			}
			c.wsBytes(0, len(op.data))
			w.mu.Lock()
			w.pending -= len(op.data)
			drain := w.wantDrain && w.pending < asgiLowWater
			if drain {
				w.wantDrain = false
			}
			w.mu.Unlock()
			if drain {
				s.asgi.pushWS(EvWSDrain, w)
			}
		}
	}
}

func (w *AsgiWS) readLoop(ctx context.Context, ws *websocket.Conn, done chan struct{}) {
	defer close(done)
	b := w.c.srv.asgi
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			code, reason := 1006, ""
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				code, reason = int(ce.Code), ce.Reason
			} else if strings.Contains(err.Error(), "unmasked frame") {
				// The library drops the connection without a close
				// frame; RFC 6455 5.1 wants 1002 (nothing else writes
				// to the connection any more: the reader failed first).
				code = 1002
				w.c.nc.SetWriteDeadline(time.Now().Add(time.Second))
				w.c.nc.Write([]byte{0x88, 0x02, 0x03, 0xea})
			} else if strings.Contains(err.Error(), "read limited at") {
				code = 1009
			} else if strings.Contains(err.Error(), "protocol") || strings.Contains(err.Error(), "opcode") ||
				strings.Contains(err.Error(), "frame") {
				code = 1002
			}
			w.gone(code, reason)
			return
		}
		if typ == websocket.MessageText && !utf8.Valid(data) {
			ws.Close(websocket.StatusInvalidFramePayloadData, "invalid UTF-8 in a text message")
			w.gone(1007, "")
			return
		}
		w.c.wsBytes(len(data), 0)
		var m any = data
		if typ == websocket.MessageText {
			m = wsText(data)
		}
		w.mu.Lock()
		// One event per batch: only the message that finds the inbox
		// empty queues one (the loop takes the whole inbox per event).
		first := len(w.inbox) == 0
		w.inbox = append(w.inbox, m)
		if typ == websocket.MessageText {
			w.unread += utf8.RuneCount(data) // Python counts a str's length
		} else {
			w.unread += len(data)
		}
		pause := w.unread > wsHighWater
		w.mu.Unlock()
		if first {
			b.pushWS(EvWSMessage, w)
		}
		if pause {
			// The app is not receiving: stop reading (the client's
			// sends then back up in TCP) until it catches up.
			select {
			case <-w.resume:
			case <-ctx.Done():
				return
			case <-w.c.srv.stopped:
			}
		}
	}
}

// wsText marks a text message in the inbox.
type wsText []byte

func (w *AsgiWS) gone(code int, reason string) {
	w.mu.Lock()
	already := w.closed && w.CloseCode != 0
	w.closed = true
	if w.CloseCode == 0 {
		w.CloseCode, w.Reason = code, reason
	}
	w.mu.Unlock()
	if !already {
		w.c.srv.asgi.pushWS(EvWSDisconnect, w)
	}
}

// TakeInbox returns the received messages: []byte (binary) or wsText.
func (w *AsgiWS) TakeInbox() []any {
	w.mu.Lock()
	in := w.inbox
	w.inbox = nil
	w.mu.Unlock()
	return in
}

// IsText reports whether an inbox item is a text message, and its bytes.
func IsText(m any) ([]byte, bool) {
	if t, ok := m.(wsText); ok {
		return t, true
	}
	return m.([]byte), false
}

// CloseInfo is the close code and reason of a finished connection.
func (w *AsgiWS) CloseInfo() (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.CloseCode, w.Reason
}

// Accept answers websocket.connect with an accept. headers are validated.
func (w *AsgiWS) Accept(subprotocol string, headers [][2][]byte) error {
	for _, kv := range headers {
		if !validHeader(kv[0], kv[1]) {
			return errors.New("invalid header in websocket.accept")
		}
	}
	w.mu.Lock()
	if w.accepted || w.closed {
		w.mu.Unlock()
		return errors.New("websocket.accept after the handshake was answered")
	}
	w.accepted = true
	w.mu.Unlock()
	w.decided <- wsDecision{accept: true, subprotocol: subprotocol, headers: headers}
	return nil
}

// Deny answers websocket.connect with a close (403) or a full HTTP response.
func (w *AsgiWS) Deny(response []byte) {
	w.mu.Lock()
	if w.accepted || w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	w.CloseCode = 1000
	w.mu.Unlock()
	w.decided <- wsDecision{response: response}
}

// Send queues a message or a close; see the SendXxx results.
func (w *AsgiWS) Send(op wsOp) int {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return SendGone
	}
	if op.close {
		w.closed = true
	}
	w.out = append(w.out, op)
	w.pending += len(op.data)
	wait := w.pending > asgiHighWater
	if wait {
		w.wantDrain = true
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
	if wait {
		return SendWait
	}
	return SendOK
}

// SendMessage writes a text or binary message from the loop thread (or
// queues it: websocket_write.go); data is not kept.
func (w *AsgiWS) SendMessage(data []byte, text bool) int {
	w.mu.Lock()
	closed := w.closed
	w.mu.Unlock()
	if closed {
		return SendGone
	}
	op := byte(2) // binary
	if text {
		op = 1
	}
	queued, schedule, err := w.ww.writeMessage(op, data)
	if err != nil {
		return SendGone
	}
	w.c.wsBytes(0, len(data))
	rc := SendOK
	if queued > asgiHighWater {
		rc = SendWait
	}
	if schedule {
		b := w.c.srv.asgi
		b.corked = append(b.corked, w.ww)
		if len(b.corked) == 1 {
			rc += SendFlush // the first this iteration: the loop schedules asgi_ws_flush
		}
	}
	return rc
}

// SendFlush is added to a ws_send result when the loop must schedule
// asgi_ws_flush (websocket_write.go).
const SendFlush = 2

// SendClose queues a close frame.
func (w *AsgiWS) SendClose(code int, reason string) int {
	return w.Send(wsOp{close: true, code: code, reason: reason})
}

// DenialResponse builds a complete HTTP response for the denial extension.
func DenialResponse(status int, headers [][2][]byte, body []byte) ([]byte, error) {
	if status < 200 || status > 999 {
		return nil, errors.New("invalid HTTP status")
	}
	out := []byte("HTTP/1.1 " + strconv.Itoa(status) + " " + reasonPhrase(status) + "\r\n")
	for _, kv := range headers {
		if !validHeader(kv[0], kv[1]) {
			return nil, errors.New("invalid header in websocket.http.response.start")
		}
		if equalFold(kv[0], "content-length") || equalFold(kv[0], "connection") || equalFold(kv[0], "transfer-encoding") {
			continue
		}
		out = append(out, kv[0]...)
		out = append(out, ": "...)
		out = append(out, kv[1]...)
		out = append(out, "\r\n"...)
	}
	out = append(out, currentDate()...)
	out = append(out, "Content-Length: "...)
	out = strconv.AppendInt(out, int64(len(body)), 10)
	out = append(out, "\r\nConnection: close\r\n\r\n"...)
	return append(out, body...), nil
}

func validHeader(name, value []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, ch := range name {
		if !isToken[ch] {
			return false
		}
	}
	for _, ch := range value {
		if !isValueByte[ch] {
			return false
		}
	}
	return true
}

// wsHijack lets coder/websocket accept on our own connection: it collects
// the 101 headers and writes them when the library hijacks.
type wsHijack struct {
	c      *conn
	h      http.Header
	status int
	sent   int // bytes of the 101 response
	ww     *wsWriter
}

func (h *wsHijack) Header() http.Header { return h.h }

func (h *wsHijack) WriteHeader(code int) { h.status = code }

func (h *wsHijack) Write(b []byte) (int, error) {
	return 0, errors.New("the WebSocket handshake failed")
}

func (h *wsHijack) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	out := []byte("HTTP/1.1 101 Switching Protocols\r\n")
	for k, vs := range h.h {
		for _, v := range vs {
			out = append(out, k...)
			out = append(out, ": "...)
			out = append(out, v...)
			out = append(out, "\r\n"...)
		}
	}
	out = append(out, currentDate()...)
	out = append(out, "\r\n"...)
	if _, err := h.c.nc.Write(out); err != nil {
		return nil, nil, err
	}
	h.sent = len(out)
	lc := wsLibConn{Conn: h.c.nc, ww: h.ww} // the library's writes are ordered with ours
	return lc, bufio.NewReadWriter(h.c.br, bufio.NewWriter(lc)), nil
}

// EachHeader calls f with every handshake request header.
func (w *AsgiWS) EachHeader(f func(name, value []byte)) {
	for _, h := range w.c.req.headers {
		f(h.name, h.value)
	}
}

// NumHeaders is the number of handshake request headers.
func (w *AsgiWS) NumHeaders() int { return len(w.c.req.headers) }

// Accepted reports whether the app accepted the handshake.
func (w *AsgiWS) Accepted() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.accepted
}
