package appserver

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func newStream(body string, max int64, pre int) (*bodyStream, []byte, bool, error) {
	bs := &bodyStream{dec: chunkDecoder{br: bufio.NewReaderSize(strings.NewReader(body), 64), max: max, maxLine: 100}}
	got, complete, err := prebufferChunked(&bs.dec, pre)
	bs.pre = got
	return bs, got, complete, err
}

func readAll(t *testing.T, bs *bodyStream) (string, error) {
	var out []byte
	buf := make([]byte, 7)
	for {
		n, err := bs.read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return string(out), err
		}
		if n == 0 {
			return string(out), nil
		}
	}
}

func TestBodyStreamAfterPrebuffer(t *testing.T) {
	body := "5\r\nhello\r\n6;x=1\r\n world\r\n3\r\n!!!\r\n0\r\nT: 1\r\n\r\nNEXT"
	bs, pre, complete, err := newStream(body, 100, 4)
	if err != nil || complete || string(pre) != "hell" {
		t.Fatalf("prebuffer: %q complete=%v err=%v", pre, complete, err)
	}
	got, err := readAll(t, bs)
	if err != nil || got != "hello world!!!" {
		t.Fatalf("got %q err=%v", got, err)
	}
	if !bs.finish() {
		t.Fatal("finish after a complete body must allow keep-alive")
	}
	rest, _ := io.ReadAll(bs.dec.br)
	if string(rest) != "NEXT" {
		t.Fatalf("the next request's bytes were consumed: %q", rest)
	}
}

func TestBodyStreamSmallBodyIsComplete(t *testing.T) {
	_, pre, complete, err := newStream("3\r\nabc\r\n0\r\n\r\n", 100, 64)
	if err != nil || !complete || string(pre) != "abc" {
		t.Fatalf("%q complete=%v err=%v", pre, complete, err)
	}
}

func TestBodyStreamErrors(t *testing.T) {
	for body, status := range map[string]int{
		"2\r\nab\r\nzz\r\nabc\r\n0\r\n\r\n":                               400, // bad size after the read-ahead
		"2\r\nab\r\n2\r\nabc\r\n0\r\n\r\n":                                400, // chunk longer than its size
		"2\r\nab\r\nffffffffffffffffff\r\na\r\n":                          400, // size too long
		"2\r\nab\r\n70\r\n" + strings.Repeat("a", 0x70) + "\r\n0\r\n\r\n": 413,
	} {
		bs, _, _, err := newStream(body, 100, 1)
		if err != nil {
			t.Fatalf("%q: prebuffer failed early: %v", body, err)
		}
		_, err = readAll(t, bs)
		if st, _ := bodyErrorStatus(err); st != status {
			t.Fatalf("%q: status %d (err %v), want %d", body, st, err, status)
		}
		if bs.finish() {
			t.Fatalf("%q: a broken body must close the connection", body)
		}
	}
}

func TestBodyStreamClosedReadsEOF(t *testing.T) {
	bs, _, _, _ := newStream("5\r\nhello\r\n0\r\n\r\n", 100, 1)
	id := registerStream(bs)
	unregisterStream(id)
	bs.closed = true
	if n, err := bs.read(make([]byte, 10)); n != 0 || err != nil {
		t.Fatalf("closed stream read %d %v", n, err)
	}
}
