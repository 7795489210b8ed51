package xmlfast

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"testing"
)

// The decision "hand-written scanner, not encoding/xml" rests on these:
// go test -run '^$' -bench Scan ./xmlfast  (see docs/notes/xmlfast.md).

func benchDoc() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<root>")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "<list-item><id>%d</id><name>Customer %d &amp; Sons &lt;ltd&gt;</name>"+
			"<email>customer%d@example.com</email><active>True</active><score>%d.25</score>"+
			"<balance>%d.%02d</balance><created>2024-03-01 12:%02d:00</created><birthday>1990-01-02</birthday>"+
			"<address><street>%d Main Street</street><city>Zürich</city><zip>80%02d</zip><country>CH</country></address>"+
			"<tags><list-item>tag1</list-item><list-item>tag2</list-item><list-item>vip</list-item></tags>"+
			"<orders><list-item><id>1</id><total>7.99</total><items>1</items><shipped></shipped></list-item>"+
			"<list-item><id>2</id><total>14.99</total><items>2</items><shipped>2024-03-02 12:00:00</shipped></list-item></orders>"+
			"<note></note></list-item>", i, i, i, i, i*13, i%100, i%60, i, i%100)
	}
	b.WriteString("</root>")
	return b.Bytes()
}

type nopHandler struct{ n int }

func (h *nopHandler) Start(name []byte, attrs []Attr) error { h.n++; return nil }
func (h *nopHandler) End(name []byte) error                 { return nil }
func (h *nopHandler) Text(d []byte) error                   { h.n += len(d); return nil }
func (h *nopHandler) Comment(d []byte) error                { return nil }

func BenchmarkScanHandWritten(b *testing.B) {
	doc := benchDoc()
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		if err := Scan(doc, &nopHandler{}, Limits{MaxDepth: 1000}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScanEncodingXML(b *testing.B) {
	doc := benchDoc()
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		d := xml.NewDecoder(bytes.NewReader(doc))
		n := 0
		for {
			tok, err := d.RawToken()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if cd, ok := tok.(xml.CharData); ok {
				n += len(cd)
			}
		}
	}
}
