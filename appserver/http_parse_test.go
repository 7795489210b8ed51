package appserver

import (
	"bufio"
	"strings"
	"testing"
)

func TestParseHeadAccepts(t *testing.T) {
	var req request
	head := []byte("POST /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\nX-A:  v \r\n\r\n")
	if err := parseHead(head, &req); err != nil {
		t.Fatal(err)
	}
	if string(req.method) != "POST" || string(req.path) != "/a%20b" || string(req.query) != "x=1" {
		t.Fatalf("bad split: %q %q %q", req.method, req.path, req.query)
	}
	if req.contentLength != 3 || req.keepAlive || req.minor != 1 {
		t.Fatalf("cl=%d keepAlive=%v minor=%d", req.contentLength, req.keepAlive, req.minor)
	}
	if v := string(req.headers[3].value); v != "v" {
		t.Fatalf("OWS not trimmed: %q", v)
	}
	path, err := unquotePath(nil, req.path)
	if err != nil || string(path) != "/a b" {
		t.Fatalf("unquote: %q %v", path, err)
	}
}

func TestParseHeadRejects(t *testing.T) {
	cases := map[string]int{
		"GET / HTTP/1.1\r\n\r\n": 400, // no Host
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n":          400,
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n": 400,
		"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n":                         501,
		"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n":                400,
		"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n":                                         400,
		"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n":                                     400,
		"GET / HTTP/3.0\r\nHost: a\r\n\r\n":                                                    505,
		"GET / HTTP/1.1\nHost: a\n\n":                                                          400,
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n":                              400,
		"GET / HTTP/1.1\r\nHost: a\r\nExpect: weird\r\n\r\n":                                   417,
	}
	for head, want := range cases {
		var req request
		err := parseHead([]byte(head), &req)
		he, ok := err.(*httpError)
		if !ok || he.status != want {
			t.Errorf("%q: got %v, want %d", head, err, want)
		}
	}
}

func TestReadChunked(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("3\r\nabc\r\na;x=y\r\n0123456789\r\n0\r\nT: 1\r\n\r\n"))
	body, err := readChunked(br, 100, 1000)
	if err != nil || string(body) != "abc0123456789" {
		t.Fatalf("%q %v", body, err)
	}
	for _, bad := range []string{"zz\r\n", "3\r\nabcd\r\n0\r\n\r\n", "3\nabc\r\n0\r\n\r\n", "fffffffffffffffff\r\n"} {
		if _, err := readChunked(bufio.NewReader(strings.NewReader(bad)), 100, 1000); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := readChunked(bufio.NewReader(strings.NewReader("ff\r\n")), 10, 1000); err == nil || err.(*httpError).status != 413 {
		t.Errorf("limit not enforced: %v", err)
	}
}

func TestValidStatus(t *testing.T) {
	for s, want := range map[string]bool{"200 OK": true, "404": true, "200": true, "099 x": false,
		"200OK": false, "20 OK": false, "200 O\r\nK": false, "500 Oops": true, "1000 x": false} {
		if validStatus([]byte(s)) != want {
			t.Errorf("%q: want %v", s, want)
		}
	}
}
