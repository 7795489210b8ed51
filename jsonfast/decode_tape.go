// Package jsonfast is goaccel's JSON engine. This file and the other
// decode*.go files are the decoding half: a parser that turns JSON text into
// a flat tape of 64-bit words without touching Python (so it can run without
// the GIL), and the glue that hands the tape to the one-pass C builder in
// package python.
package jsonfast

// The tape is a pre-order walk of the document. Each node starts with one
// word: the tag in the top 8 bits, a 56-bit payload below. Some nodes carry
// a second word. Containers carry their child count, so the builder can
// allocate a list or dict of the right size before filling it.
//
//	TagNull, TagTrue, TagFalse                 1 word
//	TagSmallInt   payload = int56 (two's complement)     1 word
//	TagInt        next word = int64                      2 words
//	TagUint       next word = uint64 (orjson face only)  2 words
//	TagFloat      next word = float64 bits               2 words
//	TagBigInt     payload = length; next word = offset of the digits in the input  2 words
//	TagStr/TagKey payload = flags<<48 | byte length; next word = offset;
//	              a third word = code point count unless StrASCII    2 or 3 words
//	TagShortStr/TagShortKey  an ASCII string straight from the input, when
//	              length < 64 KiB and offset < 4 GiB: payload = length<<32 | offset   1 word
//	TagArray      payload = item count, then the items
//	TagObject     payload = pair count, then key, value, key, value...
//
// String offsets point into the input when the string has no escapes, and
// into Tape.Scratch (flag StrScratch) when escapes had to be decoded.
const (
	TagNull     = 1
	TagTrue     = 2
	TagFalse    = 3
	TagSmallInt = 4
	TagInt      = 5
	TagUint     = 6
	TagFloat    = 7
	TagBigInt   = 8
	TagStr      = 9
	TagKey      = 10
	TagArray    = 11
	TagObject   = 12
	// TagShortStr and TagShortKey are TagStr and TagKey + shortDelta.
	TagShortStr = 13
	TagShortKey = 14
	shortDelta  = TagShortStr - TagStr
)

// String flags (payload bits 48..55).
const (
	StrASCII     = 1 << 0 // every byte < 0x80
	StrScratch   = 1 << 1 // bytes live in Tape.Scratch, not the input
	StrSurrogate = 1 << 2 // contains a lone surrogate encoded WTF-8 style (stdlib face)
	StrLatin1    = 1 << 3 // non-ASCII but every code point < 0x100
	StrUCS2      = 1 << 4 // every code point < 0x10000 (else UCS4)
)

const (
	tagShift    = 56
	payloadMask = 1<<tagShift - 1
	strLenMask  = 1<<48 - 1
	smallIntMin = -(1 << 55)
	smallIntMax = 1<<55 - 1
)

// Tape is the parser's output; it is reused between calls (see tapePool).
type Tape struct {
	Words   []uint64
	Scratch []byte
	UTF8    []byte  // a non-ASCII str input encoded (stdlib face), kept for reuse
	stack   []frame // the parser's open containers, kept for reuse
}

// Reset empties the tape, keeping its memory.
func (t *Tape) Reset() {
	t.Words = t.Words[:0]
	t.Scratch = t.Scratch[:0]
}

func word(tag int, payload uint64) uint64 { return uint64(tag)<<tagShift | payload&payloadMask }

// Tag and Payload split a word (for tests and the Go-side reader).
func Tag(w uint64) int        { return int(w >> tagShift) }
func Payload(w uint64) uint64 { return w & payloadMask }
func StrFlags(w uint64) int   { return int(w>>48) & 0xff }
func StrLen(w uint64) int     { return int(w & strLenMask) }
func SmallInt(w uint64) int64 { return int64(w<<8) >> 8 }
