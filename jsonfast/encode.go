// Package jsonfast is goaccel's JSON engine. This half is the encoder: one
// walker over CPython objects, read directly from their memory, writing into
// a reused byte buffer. It has two faces that differ in rules, not in code:
// the standard library's json (EncodeOptions.Orjson false) and orjson's.
package jsonfast

import (
	"sync"

	"goaccel/python"
)

// EncodeOptions configure one encoding run.
type EncodeOptions struct {
	// Orjson selects orjson's rules (bytes out, 64-bit ints, str keys, no
	// NaN, RFC 3339 datetimes ...); otherwise json's.
	Orjson bool
	// Flags are orjson's OPT_* bits (face 2 only).
	Flags uint32

	// Face 1 (json.dumps keywords).
	EnsureASCII, AllowNaN, SkipKeys, CheckCircular, SortKeys bool
	Indent                                                   []byte // nil: no newlines
	ItemSep, KeySep                                          []byte

	// Default is called for objects the encoder cannot serialise (NULL: none).
	Default python.Object
}

// orjson's OPT_* bits (orjson 3.13's values).
const (
	OptIndent2              = 1
	OptNaiveUTC             = 2
	OptNonStrKeys           = 4
	OptOmitMicroseconds     = 8
	OptSerializeNumpy       = 16
	OptSortKeys             = 32
	OptStrictInteger        = 64
	OptUTCZ                 = 128
	OptPassthroughSubclass  = 256
	OptPassthroughDatetime  = 512
	OptAppendNewline        = 1024
	OptPassthroughDataclass = 2048
	// jsonfast's own opt-in types beyond orjson ("beyond both" in the
	// issue), on bits orjson does not use (orjson itself rejects them):
	// decimal.Decimal as its number text (NaN and infinities as null, like
	// floats), set and frozenset as lists in iteration order.
	OptSerializeDecimal = 4096
	OptSerializeSet     = 8192
	// OptAll is every bit accepted; others raise JSONEncodeError.
	OptAll = 16383
)

// Encoder holds the state of one run. Encoders are pooled: a run borrows
// one, so concurrent calls (a default callback may release the GIL) never
// share a buffer.
type Encoder struct {
	EncodeOptions
	buf         []byte
	tbl         *[128]bool
	ensureASCII bool
	nonASCII    bool      // face 1: output holds UTF-8 beyond ASCII
	surrogates  bool      // face 1: output holds lone surrogates (WTF-8)
	stack       []uintptr // containers being encoded, for cycle detection
	depth       int
	level       int // indentation level
	calls       int // Python callbacks made (they may mutate what is walked)
	recursion   int // levels registered with Py_EnterRecursiveCall
	keys        []sortKey
	float32     bool // inside a numpy float32 array: float32's shortest digits
	bigIdle     int  // runs in a row that used under a quarter of a big buffer
}

var pool = sync.Pool{New: func() any { return &Encoder{buf: make([]byte, 0, 4096)} }}

// gilEncoder serves the common case without sync.Pool's atomics: every
// run holds the GIL while it takes or returns an encoder, so a plain flag
// guarded by the GIL says whether it is free. A nested run (default()
// calling dumps, or another thread while a callback released the GIL)
// finds it busy and takes one from the pool.
var (
	gilEncoder = &Encoder{buf: make([]byte, 0, 4096)}
	gilBusy    bool
)

// Buffers kept between runs. Up to maxPooledBuf a buffer is always kept.
// A bigger one (up to maxKeptBuf) is kept while it is being used: it goes
// once bigIdleRuns runs in a row needed less than a quarter of it, so one
// large dump does not pin its memory forever, while repeated large dumps
// do not regrow their buffer from 4 KiB every time. (Regrowing cost 20x:
// dumps of a 3.9 MB result took 7.5 ms against orjson's 0.33 ms, because
// the buffer ended above the old 4 MiB bound and was dropped each time.)
const (
	maxPooledBuf = 4 << 20
	maxKeptBuf   = 256 << 20
	bigIdleRuns  = 16
)

// getEncoder takes opts by pointer: EncodeOptions is ~100 bytes, and
// copying it by value through DumpsInto's call chain showed up in the
// profile of small dumps.
func getEncoder(opts *EncodeOptions) *Encoder {
	e := takeEncoder()
	e.EncodeOptions = *opts
	e.setup()
	return e
}

// getOrjsonEncoder is getEncoder for the orjson face's entry point. The
// options are stored field by field: a struct assignment is built on the
// stack and copied in 16-byte moves, whose loads stall on the byte and
// word stores just made (store forwarding): ~20% of dumps({"a": 1})'s Go
// time.
func getOrjsonEncoder(flags uint32, def python.Object) *Encoder {
	e := takeEncoder()
	e.Orjson, e.Flags, e.Default = true, flags, def
	e.EnsureASCII, e.AllowNaN, e.SkipKeys, e.CheckCircular, e.SortKeys = false, false, false, false, false
	e.Indent, e.ItemSep, e.KeySep = nil, nil, nil
	e.setup()
	return e
}

func takeEncoder() *Encoder {
	if !gilBusy {
		gilBusy = true
		return gilEncoder
	}
	return pool.Get().(*Encoder)
}

func (e *Encoder) setup() {
	e.buf = e.buf[:0]
	e.nonASCII, e.surrogates = false, false
	e.stack = e.stack[:0]
	e.depth, e.recursion, e.level, e.calls = 0, 0, 0, 0
	e.ensureASCII = e.EnsureASCII && !e.Orjson
	if e.ensureASCII {
		e.tbl = &escASCII
	} else {
		e.tbl = &escUTF8
	}
}

func putEncoder(e *Encoder) {
	if c := cap(e.buf); c > maxPooledBuf {
		if len(e.buf) >= c/4 {
			e.bigIdle = 0
		} else {
			e.bigIdle++
		}
		if c > maxKeptBuf || e.bigIdle >= bigIdleRuns {
			e.buf = make([]byte, 0, 4096)
			e.bigIdle = 0
		}
	}
	e.Default = python.Object{}
	e.keys = e.keys[:0]
	e.float32 = false
	if e == gilEncoder {
		gilBusy = false
		return
	}
	pool.Put(e)
}

// Dumps encodes o with json's rules and returns a str.
func Dumps(o python.Object, opts EncodeOptions) (python.Ref, error) {
	e := getEncoder(&opts)
	defer putEncoder(e)
	if err := e.encode(o); err != nil {
		return python.Ref{}, err
	}
	if !e.nonASCII {
		return python.NewASCIIStr(e.buf)
	}
	return python.NewStrSurrogates(e.buf, e.surrogates)
}

// DumpsInto encodes o with orjson's rules; when the output fits in out it
// is copied there and its length returned, else a bytes object is made.
// (The C entry point passes a buffer on its stack: a small document then
// needs no Go->C call at all.)
func DumpsInto(o python.Object, opts EncodeOptions, out []byte) (int, python.Ref, error) {
	return DumpsOrjsonInto(o, opts.Default, opts.Flags, out)
}

// DumpsOrjsonInto is DumpsInto with orjson's two options as arguments.
func DumpsOrjsonInto(o, def python.Object, flags uint32, out []byte) (int, python.Ref, error) {
	e := getOrjsonEncoder(flags, def)
	defer putEncoder(e)
	if err := e.encode(o); err != nil {
		return 0, python.Ref{}, err
	}
	if flags&OptAppendNewline != 0 {
		e.buf = append(e.buf, '\n')
	}
	if len(e.buf) <= len(out) {
		return copy(out, e.buf), python.Ref{}, nil
	}
	r, err := python.NewBytes(e.buf)
	return 0, r, err
}

// DumpsBytes encodes o with orjson's rules and returns bytes.
func DumpsBytes(o python.Object, opts EncodeOptions) (python.Ref, error) {
	opts.Orjson = true
	e := getEncoder(&opts)
	defer putEncoder(e)
	if err := e.encode(o); err != nil {
		return python.Ref{}, err
	}
	if opts.Flags&OptAppendNewline != 0 {
		e.buf = append(e.buf, '\n')
	}
	return python.NewBytes(e.buf)
}

func (e *Encoder) encode(o python.Object) error {
	defer e.leaveAllRecursion()
	if e.Orjson {
		return e.valueOrjson(o)
	}
	return e.value(o)
}

// heldValue and heldOrjson encode a list item or dict value borrowed from
// its container. Encoding a container or a non-builtin object can run
// Python code (default, properties, items() of a subclass,
// tzinfo.utcoffset ...) that may remove the object from its parent and
// free it mid-walk, so a reference is held meanwhile. Exact scalars run no
// Python code and skip that.
func (e *Encoder) heldValue(o python.Object) error {
	if scalar(o.Type()) {
		return e.value(o)
	}
	r := python.NewRef(o)
	err := e.value(o)
	r.Release()
	return err
}

func (e *Encoder) heldOrjson(o python.Object) error {
	if scalar(o.Type()) {
		return e.valueOrjson(o)
	}
	r := python.NewRef(o)
	err := e.valueOrjson(o)
	r.Release()
	return err
}

func scalar(t python.Object) bool {
	return t == python.StrType || t == python.IntType || t == python.FloatType ||
		t == python.BoolType || t == python.NoneType
}
