package appserver

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Conn is one HTTP/2 connection, served by our own frame loop on the
// connection's goroutine (x/net/http2's Framer and HPACK, not its server).
//
// Why not net/http's HTTP/2 server: its connection runs three goroutines
// (frame reader, serve loop, one per stream handler) that talk over
// channels, and it flushes the socket after each frame it writes from a
// separate goroutine: a Go CPU profile of hello-world under h2load showed
// 47 % of the server's Go time in write(2) from writeFrameAsync (HEADERS
// and DATA going out in separate syscalls) and most of the rest in
// scheduling; the server spent 44 us of CPU per request against 11 us for
// HTTP/1.1. Here the reader dispatches each complete request to a
// goroutine that runs the app and writes HEADERS + DATA with one
// write(2), like the HTTP/1.1 path.
type h2Conn struct {
	o     *opsState
	c     *conn // the TCP connection (peer address, buffered reader)
	nc    net.Conn
	fr    *http2.Framer
	bw    *bufio.Writer
	enc   *hpack.Encoder
	hdec  *h2HeaderDecoder
	hb    bytes.Buffer // the HPACK block being encoded
	heads h2HeadCache  // the last repeatable response head (http2_headcache.go)

	mu        sync.Mutex // everything below, and every write to bw
	cond      *sync.Cond // send window grew / stream reset / connection closed
	streams   map[uint32]*h2Stream
	open      int // streams not finished (MaxConcurrentStreams)
	receiving int // streams still reading their body
	lastID    uint32
	sendWin   int64       // connection send window
	initWin   int64       // peer's SETTINGS_INITIAL_WINDOW_SIZE
	maxFrame  int         // peer's SETTINGS_MAX_FRAME_SIZE
	free      []*h2Stream // finished streams kept for reuse (newH2Stream)
	goingAway bool
	dead      bool // write failed or connection closed
	wg        sync.WaitGroup
}

const h2RecvWindow = 1 << 20 // our receive windows (stream and connection)

// h2MaxFrame is SETTINGS_MAX_FRAME_SIZE's initial value, which we keep: a
// larger frame is a FRAME_SIZE_ERROR (RFC 9113 4.2).
const h2MaxFrame = 16384

// h2MaxWindow is the largest flow-control window (RFC 9113 6.9.1).
const h2MaxWindow = 1<<31 - 1

// serveH2Conn serves an HTTP/2 connection until it closes. The preface has
// not been consumed from c.br yet.
func (o *opsState) serveH2Conn(c *conn, nc net.Conn) {
	s := o.srv
	pre := make([]byte, len(h2Preface))
	nc.SetReadDeadline(time.Now().Add(s.cfg.HeaderTimeout))
	if _, err := readFull(c.br, pre); err != nil || string(pre) != h2Preface {
		return
	}
	hc := &h2Conn{o: o, c: c, nc: nc, streams: map[uint32]*h2Stream{},
		sendWin: 65535, initWin: 65535, maxFrame: 16384}
	hc.cond = sync.NewCond(&hc.mu)
	hc.bw = bufio.NewWriterSize(nc, 32<<10)
	hc.fr = http2.NewFramer(hc.bw, c.br)
	hc.fr.SetReuseFrames()                                    // DATA frames: their payload is copied before the next read
	hc.fr.SetMaxReadFrameSize(h2MaxFrame)                     // we never advertise more (RFC 9113 4.2)
	hc.hdec = newH2HeaderDecoder(uint32(s.cfg.MaxHeaderSize)) // http2_headers.go
	hc.enc = hpack.NewEncoder(&hc.hb)
	o.h2.add(hc)
	defer o.h2.remove(hc)

	hc.mu.Lock()
	hc.fr.WriteSettings(
		http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: uint32(o.cfg.H2MaxStreams)},
		http2.Setting{ID: http2.SettingInitialWindowSize, Val: h2RecvWindow},
		http2.Setting{ID: http2.SettingMaxHeaderListSize, Val: uint32(s.cfg.MaxHeaderSize)},
	)
	hc.fr.WriteWindowUpdate(0, h2RecvWindow-65535)
	hc.flushLocked()
	hc.mu.Unlock()

	hc.readLoop()

	// The reader is done: either no stream is left (GOAWAY, idle) or the
	// connection broke. Streams still inside the app finish there; their
	// writes fail at once (a writer waiting for window is woken).
	hc.mu.Lock()
	hc.flushLocked()
	hc.dieLocked()
	hc.mu.Unlock()
	hc.wg.Wait()
	lingerClose(nc)
}

// lingerClose half-closes the connection and reads what the client still
// sends until it closes too (at most h2Linger). Closing a socket with
// unread input sends RST, and the client's TCP may then drop our last
// frames (a GOAWAY with its error code) unread: a client that sends
// GOAWAY and a PING, or a frame we reject while more follows, saw
// "connection reset" instead (h2spec generic 3.8).
func lingerClose(nc net.Conn) {
	cw, ok := nc.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	nc.SetReadDeadline(time.Now().Add(h2Linger))
	buf := make([]byte, 4096)
	for n := 0; n < 1<<20; {
		m, err := nc.Read(buf)
		n += m
		if err != nil {
			return
		}
	}
}

const h2Linger = time.Second

func readFull(br *bufio.Reader, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := br.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// readLoop reads frames until the connection ends or goes away with no
// stream left.
func (hc *h2Conn) readLoop() {
	for {
		hc.mu.Lock()
		if hc.goingAway && hc.open == 0 {
			hc.mu.Unlock()
			return
		}
		hc.setDeadlineLocked()
		hc.mu.Unlock()
		f, err := hc.fr.ReadFrame()
		if hf, ok := f.(*http2.HeadersFrame); ok && err == nil {
			var b *h2Block
			if b, err = hc.hdec.read(hc.fr, hf); err == nil {
				f = nil
				if !hc.headers(b) {
					return
				}
			}
		}
		if err != nil {
			if err == http2.ErrFrameTooLarge {
				hc.goAway(http2.ErrCodeFrameSize) // its payload is still unread: the end
				return
			}
			var se http2.StreamError
			if errors.As(err, &se) {
				hc.resetStream(se.StreamID, se.Code)
				if hc.c.br.Buffered() == 0 {
					// Sent now: nothing else may come to flush it (the
					// client waits for this answer).
					hc.mu.Lock()
					hc.flushLocked()
					hc.mu.Unlock()
				}
				continue
			}
			var ce http2.ConnectionError
			if errors.As(err, &ce) {
				hc.goAway(http2.ErrCode(ce))
				return
			}
			if isTimeout(err) {
				hc.mu.Lock()
				busy, away, recv := hc.open > 0, hc.goingAway, hc.receiving > 0
				hc.mu.Unlock()
				if busy && away && !recv {
					continue // a stop woke us; the streams are finishing
				}
				if recv {
					hc.goAway(http2.ErrCodeNo) // a body stalled past the body timeout
				}
			}
			return
		}
		if f != nil && !hc.frame(f) {
			return
		}
		if hc.c.br.Buffered() == 0 {
			hc.mu.Lock()
			hc.flushLocked()
			hc.mu.Unlock()
		}
	}
}

// setDeadlineLocked: idle connections close after the keep-alive timeout,
// a body must arrive within the body timeout, and a connection whose
// streams are all inside the app waits without a deadline.
func (hc *h2Conn) setDeadlineLocked() {
	cfg := hc.o.srv.cfg
	switch {
	case hc.goingAway && hc.open == 0:
		hc.nc.SetReadDeadline(time.Now())
	case hc.open == 0:
		hc.c.idle.Store(true) // Stop wakes idle connections
		hc.nc.SetReadDeadline(time.Now().Add(cfg.KeepAliveTimeout))
	case hc.receiving > 0:
		hc.c.idle.Store(false)
		hc.nc.SetReadDeadline(time.Now().Add(cfg.BodyTimeout))
	default:
		hc.c.idle.Store(false)
		hc.nc.SetReadDeadline(time.Time{})
	}
}

// frame handles one frame; false ends the connection.
func (hc *h2Conn) frame(f http2.Frame) bool {
	switch f := f.(type) {
	case *http2.DataFrame:
		return hc.data(f)
	case *http2.SettingsFrame:
		if f.IsAck() {
			return true
		}
		hc.mu.Lock()
		defer hc.mu.Unlock()
		err := f.ForeachSetting(func(st http2.Setting) error {
			// ENABLE_PUSH 0 or 1, MAX_FRAME_SIZE 2^14..2^24-1 (PROTOCOL_ERROR),
			// INITIAL_WINDOW_SIZE at most 2^31-1 (FLOW_CONTROL_ERROR).
			if err := st.Valid(); err != nil {
				return err
			}
			switch st.ID {
			case http2.SettingInitialWindowSize:
				d := int64(st.Val) - hc.initWin
				hc.initWin = int64(st.Val)
				for _, s := range hc.streams {
					s.sendWin += d
					if s.sendWin > h2MaxWindow { // RFC 9113 6.9.2
						return http2.ConnectionError(http2.ErrCodeFlowControl)
					}
				}
			case http2.SettingMaxFrameSize:
				hc.maxFrame = int(st.Val)
			case http2.SettingHeaderTableSize:
				hc.enc.SetMaxDynamicTableSizeLimit(st.Val)
				hc.heads.valid = false // the next block carries a size update
			}
			return nil
		})
		if err != nil {
			code := http2.ErrCodeProtocol
			if ce, ok := err.(http2.ConnectionError); ok {
				code = http2.ErrCode(ce)
			}
			hc.goAwayLocked(code)
			return false
		}
		hc.fr.WriteSettingsAck()
		hc.cond.Broadcast()
	case *http2.PingFrame:
		if !f.IsAck() {
			hc.mu.Lock()
			hc.fr.WritePing(true, f.Data)
			hc.mu.Unlock()
		}
	case *http2.WindowUpdateFrame:
		return hc.windowUpdate(f)
	case *http2.RSTStreamFrame:
		hc.mu.Lock()
		if f.StreamID > hc.lastID {
			// An idle stream cannot be reset (RFC 9113 5.1).
			hc.goAwayLocked(http2.ErrCodeProtocol)
			hc.mu.Unlock()
			return false
		}
		if s := hc.streams[f.StreamID]; s != nil {
			s.reset = true
			s.leaveLocked()
			if s.receiving {
				// Never dispatched: it ends here.
				s.receiving = false
				hc.receiving--
				hc.closeStreamLocked(s)
			}
		}
		hc.cond.Broadcast()
		hc.mu.Unlock()
	case *http2.GoAwayFrame:
		hc.mu.Lock()
		hc.goingAway = true // the client opens no more streams
		hc.mu.Unlock()
	case *http2.PriorityFrame:
		if f.StreamDep == f.StreamID {
			hc.resetStream(f.StreamID, http2.ErrCodeProtocol) // RFC 9113 5.3.1
		}
	case *http2.PushPromiseFrame:
		hc.goAway(http2.ErrCodeProtocol)
		return false
	}
	return true // other PRIORITY frames, unknown frames: ignored
}

// windowUpdate grows a send window: on an idle stream it is a connection
// error (RFC 9113 5.1), past 2^31-1 a FLOW_CONTROL_ERROR of the
// connection or the stream (6.9.1).
func (hc *h2Conn) windowUpdate(f *http2.WindowUpdateFrame) bool {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	inc := int64(f.Increment)
	if f.StreamID == 0 {
		if hc.sendWin+inc > h2MaxWindow {
			hc.goAwayLocked(http2.ErrCodeFlowControl)
			return false
		}
		hc.sendWin += inc
	} else if s := hc.streams[f.StreamID]; s != nil {
		if s.sendWin+inc > h2MaxWindow {
			hc.resetStreamLocked(f.StreamID, http2.ErrCodeFlowControl)
			return true
		}
		s.sendWin += inc
	} else if f.StreamID > hc.lastID {
		hc.goAwayLocked(http2.ErrCodeProtocol)
		return false
	}
	hc.cond.Broadcast()
	return true
}

// headers starts a stream (or ends one with trailers).
func (hc *h2Conn) headers(f *h2Block) bool {
	id := f.id
	hc.mu.Lock()
	if s := hc.streams[id]; s != nil {
		// Trailers: they end the body; their fields are dropped.
		if s.receiving && f.ended {
			s.receiving = false
			hc.receiving--
			hc.mu.Unlock()
			if s.badLength(true) {
				hc.resetStream(id, http2.ErrCodeProtocol)
				return true
			}
			hc.dispatch(s)
			return true
		}
		if !s.receiving {
			// Half-closed (remote): the request is complete, the response
			// not yet; a stream error STREAM_CLOSED (RFC 9113 5.1).
			hc.resetStreamLocked(id, http2.ErrCodeStreamClosed)
			hc.mu.Unlock()
			return true
		}
		hc.mu.Unlock()
		hc.goAway(http2.ErrCodeProtocol) // trailers without END_STREAM (8.1)
		return false
	}
	if id <= hc.lastID || id&1 == 0 {
		// Client streams are odd and increase (RFC 9113 5.1.1).
		hc.mu.Unlock()
		hc.goAway(http2.ErrCodeProtocol)
		return false
	}
	hc.lastID = id
	if f.selfDep {
		// A stream cannot depend on itself (RFC 9113 5.3.1).
		hc.fr.WriteRSTStream(id, http2.ErrCodeProtocol)
		hc.mu.Unlock()
		return true
	}
	if hc.goingAway {
		hc.fr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
		hc.mu.Unlock()
		return true
	}
	if hc.open >= hc.o.cfg.H2MaxStreams {
		hc.fr.WriteRSTStream(id, http2.ErrCodeRefusedStream)
		hc.mu.Unlock()
		return true
	}
	s := newH2Stream(hc, id)
	hc.streams[id] = s
	hc.open++
	hc.mu.Unlock()
	if !s.request(f) {
		hc.resetStream(id, http2.ErrCodeProtocol)
		return true
	}
	if f.truncated {
		s.discard = true // answered 431 once dispatched
	}
	if f.ended {
		if s.badLength(true) {
			hc.resetStream(id, http2.ErrCodeProtocol)
			return true
		}
		hc.dispatch(s)
		return true
	}
	hc.mu.Lock()
	s.receiving = true
	hc.receiving++
	hc.mu.Unlock()
	return true
}

// data appends a DATA frame to its stream's body and gives the window back.
func (hc *h2Conn) data(f *http2.DataFrame) bool {
	id := f.StreamID
	n := f.Length // padding included: it counts against the window
	hc.mu.Lock()
	s := hc.streams[id]
	if n > 0 {
		hc.fr.WriteWindowUpdate(0, n)
	}
	if s == nil || !s.receiving {
		if id > hc.lastID {
			hc.mu.Unlock()
			hc.goAway(http2.ErrCodeProtocol)
			return false
		}
		hc.fr.WriteRSTStream(id, http2.ErrCodeStreamClosed)
		hc.mu.Unlock()
		return true
	}
	end := f.StreamEnded()
	if n > 0 && !end {
		hc.fr.WriteWindowUpdate(id, n)
	}
	if end {
		s.receiving = false
		hc.receiving--
	}
	hc.mu.Unlock()
	p := f.Data()
	s.got += int64(len(p))
	if s.badLength(end) {
		hc.resetStream(id, http2.ErrCodeProtocol)
		return true
	}
	if int64(len(s.c.req.body))+int64(len(p)) > hc.o.srv.cfg.MaxBodySize {
		s.tooLarge = true
	} else if !s.tooLarge {
		s.c.req.body = append(s.c.req.body, p...)
	}
	s.hadBody = true
	if end {
		hc.dispatch(s)
	}
	return true
}

// dispatch runs a complete request on its own goroutine, so the frame
// reader keeps reading (window updates, other streams, resets).
func (hc *h2Conn) dispatch(s *h2Stream) {
	hc.wg.Add(1)
	go func() {
		defer hc.wg.Done()
		s.serve()
	}()
}

// resetStream sends RST_STREAM and forgets the stream if it never ran.
func (hc *h2Conn) resetStream(id uint32, code http2.ErrCode) {
	hc.mu.Lock()
	defer hc.mu.Unlock()
	hc.resetStreamLocked(id, code)
}

func (hc *h2Conn) resetStreamLocked(id uint32, code http2.ErrCode) {
	if s := hc.streams[id]; s != nil {
		s.reset = true
		s.leaveLocked()
		if s.receiving {
			s.receiving = false
			hc.receiving--
		}
		if !s.dispatched {
			hc.closeStreamLocked(s)
		}
	}
	hc.fr.WriteRSTStream(id, code)
	hc.cond.Broadcast()
}

func (hc *h2Conn) closeStreamLocked(s *h2Stream) {
	if hc.streams[s.id] == s {
		delete(hc.streams, s.id)
		hc.open--
		if hc.open == 0 && hc.goingAway {
			hc.nc.SetReadDeadline(time.Now()) // wake the reader: nothing left
		}
	}
}

// goAway tells the client no stream after the last one seen will be
// served; the reader stops once the streams in flight are done.
func (hc *h2Conn) goAway(code http2.ErrCode) {
	hc.mu.Lock()
	hc.goAwayLocked(code)
	hc.mu.Unlock()
}

func (hc *h2Conn) goAwayLocked(code http2.ErrCode) {
	if !hc.goingAway || code != http2.ErrCodeNo {
		hc.fr.WriteGoAway(hc.lastID, code, nil)
		hc.flushLocked()
	}
	hc.goingAway = true
	hc.nc.SetReadDeadline(time.Now())
}

func (hc *h2Conn) flushLocked() {
	if hc.dead || hc.bw.Buffered() == 0 {
		return
	}
	// No write deadline per flush (a timer update per response); like the
	// HTTP/1.1 path, a peer that stops reading blocks only its connection,
	// and a stop closes it after the grace timeout.
	if err := hc.bw.Flush(); err != nil {
		hc.dieLocked()
	}
}

// dieLocked marks the connection gone: writers waiting for window wake up
// and fail, and ASGI streams see the client leave.
func (hc *h2Conn) dieLocked() {
	hc.dead = true
	hc.cond.Broadcast()
	for _, s := range hc.streams {
		s.leaveLocked()
	}
}

// h2Conns is the set of live HTTP/2 connections (GOAWAY at stop).
type h2State struct {
	mu    sync.Mutex
	conns map[*h2Conn]struct{}
}

func (h *h2State) add(hc *h2Conn) {
	h.mu.Lock()
	h.conns[hc] = struct{}{}
	h.mu.Unlock()
}

func (h *h2State) remove(hc *h2Conn) {
	h.mu.Lock()
	delete(h.conns, hc)
	h.mu.Unlock()
}

var errH2Done = errors.New("response finished")
