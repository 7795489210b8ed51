package appserver

import (
	"net"
	"strings"

	"goaccel/python"
)

// trustList is --forwarded-allow-ips: the proxies whose X-Forwarded-* and
// Forwarded headers are believed. A request from anyone else keeps its
// socket's address, scheme and Host whatever it claims.
type trustList struct {
	all  bool
	nets []*net.IPNet
}

func parseTrustList(s string) (*trustList, error) {
	t := &trustList{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		switch {
		case item == "":
		case item == "*":
			t.all = true
		case strings.Contains(item, "/"):
			_, n, err := net.ParseCIDR(item)
			if err != nil {
				return nil, err
			}
			t.nets = append(t.nets, n)
		default:
			ip := net.ParseIP(item)
			if ip == nil {
				return nil, &net.ParseError{Type: "IP address", Text: item}
			}
			bits := 32
			if ip.To4() == nil {
				bits = 128
			} else {
				ip = ip.To4()
			}
			t.nets = append(t.nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
		}
	}
	if !t.all && len(t.nets) == 0 {
		return nil, nil
	}
	return t, nil
}

func (t *trustList) trusts(addr string) bool {
	if t.all {
		return true
	}
	ip := net.ParseIP(strings.Trim(addr, "[]"))
	if ip == nil {
		return false
	}
	for _, n := range t.nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// splitList splits a comma list, trimming spaces.
func splitList(v []byte) []string {
	parts := strings.Split(string(v), ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// nodeAddr strips the port and quotes of a Forwarded "for" node:
// for="[2001:db8::1]:4711" -> 2001:db8::1; for=192.0.2.1:80 -> 192.0.2.1.
func nodeAddr(v string) string {
	v = strings.Trim(v, `"`)
	if strings.HasPrefix(v, "[") {
		if i := strings.IndexByte(v, ']'); i > 0 {
			return v[1:i]
		}
	}
	if strings.Count(v, ":") == 1 {
		v = v[:strings.IndexByte(v, ':')]
	}
	return v
}

// clientIndex picks the client among hops (left = farthest): the rightmost
// address that is not a trusted proxy (anything left of it could be forged
// by that client); when every hop is trusted, the leftmost.
func (t *trustList) clientIndex(hops []string) int {
	for i := len(hops) - 1; i >= 0; i-- {
		if !t.trusts(hops[i]) {
			return i
		}
	}
	return 0
}

// applyProxy runs for every request before the app: it restores the
// connection's own peer address and, when that peer is trusted, takes the
// client's address, scheme and host from Forwarded (RFC 7239) or else
// X-Forwarded-For/-Proto/-Host.
func (o *opsState) applyProxy(c *conn, peer []byte) {
	c.remoteAddr = peer
	if o.trust == nil || !o.trust.trusts(string(peer)) {
		return
	}
	if fwd := reqHeader(c, "forwarded"); fwd != nil {
		var elems []map[string]string
		for _, e := range splitList(fwd) {
			m := map[string]string{}
			for _, pair := range strings.Split(e, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok {
					m[strings.ToLower(k)] = strings.Trim(v, `"`)
				}
			}
			elems = append(elems, m)
		}
		hops := make([]string, len(elems))
		for i, e := range elems {
			hops[i] = nodeAddr(e["for"])
		}
		if len(hops) == 0 {
			return
		}
		e := elems[o.trust.clientIndex(hops)]
		if a := hops[o.trust.clientIndex(hops)]; a != "" && net.ParseIP(a) != nil {
			c.remoteAddr = []byte(a)
		}
		if p := strings.ToLower(e["proto"]); p == "http" || p == "https" {
			c.ops.proto = []byte(p)
		}
		if h := e["host"]; h != "" {
			c.ops.host = []byte(h)
		}
		return
	}
	idx, n := -1, 0
	if xff := reqHeader(c, "x-forwarded-for"); xff != nil {
		hops := splitList(xff)
		n = len(hops)
		idx = o.trust.clientIndex(hops)
		if a := nodeAddr(hops[idx]); net.ParseIP(a) != nil {
			c.remoteAddr = []byte(a)
		}
	}
	pick := func(v []byte) string {
		vals := splitList(v)
		if idx >= 0 && len(vals) == n {
			return vals[idx]
		}
		return vals[len(vals)-1]
	}
	if v := reqHeader(c, "x-forwarded-proto"); v != nil {
		if p := strings.ToLower(pick(v)); p == "http" || p == "https" {
			c.ops.proto = []byte(p)
		}
	}
	if v := reqHeader(c, "x-forwarded-host"); v != nil {
		if h := pick(v); h != "" {
			c.ops.host = []byte(h)
		}
	}
}

// proxyEnviron adds the forwarded scheme and host to the environ (GIL
// held; later pairs replace the template's and the request's).
func (o *opsState) proxyEnviron(w *worker, c *conn) {
	if c.ops.proto == nil && c.ops.host == nil {
		return
	}
	if o.keyScheme.IsNil() {
		o.keyScheme = python.InternString("wsgi.url_scheme")
		o.keyHost = python.InternString("HTTP_HOST")
	}
	if c.ops.proto != nil {
		w.addValue(o.keyScheme, c.ops.proto)
	}
	if c.ops.host != nil {
		w.addValue(o.keyHost, c.ops.host)
	}
}
