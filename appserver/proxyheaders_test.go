package appserver

import "testing"

func proxyCase(t *testing.T, trust, peer string, hdrs ...string) (addr, proto, host string) {
	t.Helper()
	tl, err := parseTrustList(trust)
	if err != nil {
		t.Fatal(err)
	}
	o := &opsState{trust: tl}
	c := &conn{}
	for i := 0; i < len(hdrs); i += 2 {
		c.req.headers = append(c.req.headers, header{[]byte(hdrs[i]), []byte(hdrs[i+1])})
	}
	if tl != nil {
		o.applyProxy(c, []byte(peer))
	} else {
		c.remoteAddr = []byte(peer)
	}
	return string(c.remoteAddr), string(c.ops.proto), string(c.ops.host)
}

func TestProxyHeaders(t *testing.T) {
	cases := []struct {
		trust, peer    string
		hdrs           []string
		addr, pr, host string
	}{
		// Untrusted peer: nothing believed.
		{"10.0.0.1", "192.0.2.9", []string{"X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https"}, "192.0.2.9", "", ""},
		{"", "192.0.2.9", []string{"X-Forwarded-For", "1.2.3.4"}, "192.0.2.9", "", ""},
		// Trusted peer.
		{"10.0.0.1", "10.0.0.1", []string{"X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "ex.com"}, "1.2.3.4", "https", "ex.com"},
		// A client forging the left part: the rightmost untrusted hop wins.
		{"10.0.0.0/8", "10.0.0.1", []string{"X-Forwarded-For", "6.6.6.6, 1.2.3.4, 10.0.0.7"}, "1.2.3.4", "", ""},
		// Every hop trusted: the leftmost.
		{"*", "10.0.0.1", []string{"X-Forwarded-For", "10.1.1.1, 10.0.0.7"}, "10.1.1.1", "", ""},
		// Forwarded wins over X-Forwarded-*; quoted IPv6 with port.
		{"10.0.0.1", "10.0.0.1", []string{"Forwarded", `for="[2001:db8::1]:4711";proto=https;host=h.example`, "X-Forwarded-For", "9.9.9.9"}, "2001:db8::1", "https", "h.example"},
		{"10.0.0.1", "10.0.0.1", []string{"Forwarded", "for=6.6.6.6;proto=http, for=1.2.3.4:80;proto=https"}, "1.2.3.4", "https", ""},
		// Junk is ignored.
		{"10.0.0.1", "10.0.0.1", []string{"X-Forwarded-For", "not-an-ip", "X-Forwarded-Proto", "gopher"}, "10.0.0.1", "", ""},
	}
	for i, tc := range cases {
		a, p, h := proxyCase(t, tc.trust, tc.peer, tc.hdrs...)
		if a != tc.addr || p != tc.pr || h != tc.host {
			t.Errorf("case %d: got %q %q %q, want %q %q %q", i, a, p, h, tc.addr, tc.pr, tc.host)
		}
	}
	if _, err := parseTrustList("10.0.0.0/99"); err == nil {
		t.Error("bad CIDR accepted")
	}
}
