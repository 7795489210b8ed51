package jsonfast

import (
	"bytes"

	"goaccel/python"
)

// Django REST framework's JSONRenderer: json.dumps with DRF's JSONEncoder,
// then U+2028/U+2029 escaped and the text encoded to UTF-8. DumpsDRF does
// all of it in one run over the encoder's own buffer. DRF's
// JSONEncoder.default is the C function python/jsondrf_default.c, passed
// in as the encoder's Default.

var (
	lineSep = []byte("\u2028")
	paraSep = []byte("\u2029")
)

// DumpsDRF encodes o with json's rules and returns DRF's bytes. When the
// output holds lone surrogates it returns the str instead: DRF's
// str.encode() raises on those, and the Python face lets it.
func DumpsDRF(o python.Object, opts EncodeOptions) (python.Ref, error) {
	e := getEncoder(&opts)
	defer putEncoder(e)
	if err := e.encode(o); err != nil {
		return python.Ref{}, err
	}
	if e.surrogates {
		return python.NewStrSurrogates(e.buf, true)
	}
	if !opts.EnsureASCII {
		// Not gated on e.nonASCII: the encoder does not set it for str
		// subclasses (legacy strings), and the search is a memchr.
		return python.NewBytes(escapeLineSeparators(e.buf))
	}
	return python.NewBytes(e.buf)
}

// escapeLineSeparators replaces the UTF-8 of U+2028 and U+2029 with the
// six-character escapes "\u2028" and "\u2029", as DRF's str.replace calls
// do. In valid UTF-8 these byte sequences only ever encode those
// characters, and the structure of a JSON text is ASCII, so a byte search
// finds exactly the characters DRF replaces.
func escapeLineSeparators(b []byte) []byte {
	var out []byte
	start := 0
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], 0xe2)
		if j < 0 {
			break
		}
		i += j
		if !isLineSep(b[i:]) {
			i++
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+len(b)/16+8)
		}
		out = append(out, b[start:i]...)
		out = append(out, '\\', 'u', '2', '0', '2', "89"[b[i+2]-0xa8])
		i += 3
		start = i
	}
	if out == nil {
		return b
	}
	return append(out, b[start:]...)
}

func isLineSep(b []byte) bool {
	return bytes.HasPrefix(b, lineSep) || bytes.HasPrefix(b, paraSep)
}
