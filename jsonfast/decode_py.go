package jsonfast

import (
	"runtime"
	"sync"
	"time"

	"goaccel/python"
)

// The Python-facing half of the decoder: read the input's bytes where
// CPython keeps them, parse them in Go (without the GIL for large
// immutable inputs), then build every Python object in one C pass.

// releaseGILAbove is the input size from which parsing releases the GIL:
// below it, the two GIL switches cost more than other threads gain.
const releaseGILAbove = 64 << 10

// StdMaxDepth is the nesting the stdlib fast path accepts. CPython's own
// scanner fails with RecursionError near sys.getrecursionlimit(), which
// depends on the caller's stack depth; deeper documents take the standard
// library's path so that the outcome is exactly its own.
const StdMaxDepth = 500

// maxPooledWords keeps a huge document's tape from staying in the pool.
const maxPooledWords = 1 << 20

// Tapes for parses that release the GIL: a small free list rather than a
// sync.Pool, because the pool drops its contents at every Go GC and a
// re-grown tape is garbage that triggers the next GC (CPU on other cores).
var (
	tapeMu   sync.Mutex
	tapeFree []*Tape
)

const maxFreeTapes = 4

// gilTape is used only by calls that hold the GIL from parse to the end of
// the build.
var gilTape Tape

func getTape() *Tape {
	tapeMu.Lock()
	defer tapeMu.Unlock()
	if n := len(tapeFree); n > 0 {
		t := tapeFree[n-1]
		tapeFree = tapeFree[:n-1]
		return t
	}
	return new(Tape)
}

func putTape(t *Tape) {
	if cap(t.Words) > maxPooledWords || cap(t.Scratch) > 8*maxPooledWords || cap(t.UTF8) > 8*maxPooledWords {
		return
	}
	t.Reset()
	tapeMu.Lock()
	if len(tapeFree) < maxFreeTapes {
		tapeFree = append(tapeFree, t)
	}
	tapeMu.Unlock()
}

// parseAndBuild parses data and builds the Python value. release says data
// is immutable for the duration (bytes or str), so the GIL may be released.
func parseAndBuild(data []byte, opt Options, release bool) (python.Ref, *SyntaxError, error) {
	if release && len(data) >= releaseGILAbove {
		t := getTape()
		defer putTape(t)
		return parseAndBuildOn(t, data, opt, true)
	}
	// Small inputs: the GIL is held from parse to the end of the build
	// (which never runs Python code), so one shared tape is safe and saves
	// the pool's cost.
	return parseAndBuildOn(&gilTape, data, opt, false)
}

// parseAndBuildOn parses data onto t, without the GIL when releaseGIL,
// and builds the value.
func parseAndBuildOn(t *Tape, data []byte, opt Options, releaseGIL bool) (python.Ref, *SyntaxError, error) {
	var err error
	if releaseGIL {
		python.ReleaseGIL(func() { err = Parse(data, opt, t) })
	} else {
		err = Parse(data, opt, t)
	}
	if err != nil {
		if se, ok := err.(*SyntaxError); ok {
			return python.Ref{}, se, nil
		}
		return python.Ref{}, nil, err
	}
	ref, err := python.JSONBuildTape(t.Words, data, t.Scratch, true)
	yieldSometimes(len(data))
	return ref, nil, err
}

// Go's sysmon preempts a goroutine that keeps one scheduling tick for
// 10 ms. The goroutine serving a Python thread's calls never goes through
// the scheduler, so a program that keeps calling loads is "preempted"
// every 10 ms: while in Python (a syscall to Go) its P is taken and handed
// to a spinning M, and sysmon drops back to polling every 20 µs. That cost
// 5-8 % of the process's CPU time in other threads (perf: sysmon usleep,
// retake -> handoffp -> startm, findRunnable -> stopm). Yielding on purpose
// moves the tick, so sysmon stays asleep. A yield costs two thread
// hand-offs and a spinning M, so it happens only when 7 ms have passed
// since the last one; the clock is read every ~512 KB of input (under
// 1.5 ms of work even on canada.json), not on every call.
const (
	yieldCheckUnits = 512 << 10
	yieldInterval   = 7 * time.Millisecond
)

var ( // guarded by the GIL (called with it held)
	yieldUnits int
	lastYield  = time.Now()
)

func yieldSometimes(n int) {
	if yieldUnits += n + 256; yieldUnits < yieldCheckUnits {
		return
	}
	yieldUnits = 0
	if now := time.Now(); now.Sub(lastYield) >= yieldInterval {
		lastYield = now
		runtime.Gosched()
	}
}

// LoadsStd is the standard library face's fast path for json.loads(s)
// without hooks. It returns NotImplemented when the input must go through
// the standard library instead: any syntax error (so that the exception,
// message and position are exactly the stdlib's), encodings other than
// UTF-8, strs with lone surrogates, nesting deeper than StdMaxDepth, and
// types other than str, bytes and bytearray.
func LoadsStd(s python.Object, allowControl bool) (python.Ref, error) {
	opt := Options{Dialect: Stdlib, AllowControl: allowControl, MaxDepth: StdMaxDepth}
	var data []byte
	release := false
	switch t := s.Type(); t {
	case python.StrType:
		b, ok := python.JSONDecStrView(s)
		if !ok {
			if b, ok = python.JSONDecStrFill(s); !ok {
				return loadsStdEncoded(s, opt)
			}
		}
		data, release = b, true
		opt.ValidUTF8 = true
	case python.BytesType:
		data, release = python.BytesData(s), true
	case python.ByteArrayType:
		data = python.ByteArrayData(s)
	default:
		return python.NotImplementedRef(), nil
	}
	if s.Type() != python.StrType {
		var ok bool
		if data, ok = stdlibUTF8(data); !ok {
			return python.NotImplementedRef(), nil
		}
	}
	ref, se, err := parseAndBuild(data, opt, release)
	if se != nil {
		return python.NotImplementedRef(), nil
	}
	return ref, err
}

// loadsStdEncoded decodes a non-ASCII str that JSONDecStrFill could not
// give UTF-8 for: a legacy str, or no memory for the cached copy (it is
// encoded into a pooled tape's buffer then), or a str with lone
// surrogates (the standard library decodes those).
func loadsStdEncoded(s python.Object, opt Options) (python.Ref, error) {
	t := getTape()
	defer putTape(t)
	data, ok := python.JSONDecStrEncode(s, &t.UTF8)
	if !ok {
		return python.NotImplementedRef(), nil
	}
	opt.ValidUTF8 = true
	ref, se, err := parseAndBuildOn(t, data, opt, len(data) >= releaseGILAbove)
	if se != nil {
		return python.NotImplementedRef(), nil
	}
	return ref, err
}

// stdlibUTF8 applies json.detect_encoding: it returns the UTF-8 text to
// parse, or false when the encoding is another one (the stdlib path
// decodes those).
func stdlibUTF8(b []byte) ([]byte, bool) {
	if len(b) >= 2 && (b[0] == 0xFE && b[1] == 0xFF || b[0] == 0xFF && b[1] == 0xFE) {
		return nil, false
	}
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:], true // utf-8-sig
	}
	if (len(b) >= 4 || len(b) == 2) && (b[0] == 0 || b[1] == 0) {
		return nil, false
	}
	return b, true
}

// ErrorClass is the orjson face's JSONDecodeError (set by
// jsonfast.decoder at import through SetOrjsonError).
var orjsonError python.Ref

// SetOrjsonError keeps the exception class LoadsOrjson raises.
func SetOrjsonError(cls python.Object) { orjsonError.Release(); orjsonError = python.NewRef(cls) }

// LoadsOrjson is orjson.loads: bytes, bytearray, memoryview or str, with
// orjson's rules and error messages (positions are byte offsets, as
// orjson's are).
func LoadsOrjson(obj python.Object) (python.Ref, error) {
	if orjsonError.IsNil() {
		return python.Ref{}, python.Errorf(python.RuntimeError, "jsonfast: decoder not initialised (import jsonfast.decoder)")
	}
	opt := Options{Dialect: Orjson, MaxDepth: OrjsonMaxDepth}
	var data []byte
	var doc python.Object
	release := false
	switch t := obj.Type(); t {
	case python.BytesType:
		data, release = python.BytesData(obj), true
	case python.StrType:
		b, err := python.StrUTF8(obj)
		if err != nil {
			if exc := python.Fetch(); exc != nil {
				exc.Release()
			}
			return python.Ref{}, python.JSONDecodeRaise(orjsonError.Object, msgUTF8, python.Object{}, nil, 0)
		}
		data, release, doc = b, true, obj
		opt.ValidUTF8 = true
	case python.ByteArrayType:
		data = python.ByteArrayData(obj)
	case python.MemoryViewType:
		return loadsMemoryView(obj)
	default:
		return python.Ref{}, python.JSONDecodeRaise(orjsonError.Object, "Input must be bytes, bytearray, memoryview, or str", python.Object{}, nil, 0)
	}
	ref, se, err := parseAndBuild(data, opt, release)
	if se != nil {
		if se.Msg == msgUTF8 { // orjson's document is empty then
			doc, data = python.Object{}, nil
		}
		// orjson reports positions in characters, not bytes.
		return python.Ref{}, python.JSONDecodeRaise(orjsonError.Object, se.Msg, doc, data, charIndex(data, se.Pos))
	}
	return ref, err
}

// loadsMemoryView copies a C-contiguous memoryview to bytes (orjson rejects
// the others with its input-type error).
func loadsMemoryView(mv python.Object) (python.Ref, error) {
	contig, err := python.GetAttr(mv, "c_contiguous")
	if err != nil {
		return python.Ref{}, err
	}
	ok := contig.Object == python.True
	contig.Release()
	if !ok {
		return python.Ref{}, python.JSONDecodeRaise(orjsonError.Object, "Input must be bytes, bytearray, memoryview, or str", python.Object{}, nil, 0)
	}
	b, err := python.Call(python.BytesType, mv)
	if err != nil {
		return python.Ref{}, err
	}
	defer b.Release()
	return LoadsOrjson(b.Object)
}

// charIndex converts a byte offset in UTF-8 text to a code point index.
func charIndex(data []byte, pos int) int {
	if pos > len(data) {
		pos = len(data)
	}
	n := 0
	for _, c := range data[:pos] {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}
