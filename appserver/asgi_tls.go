package appserver

import (
	"crypto/tls"
	"encoding/pem"
	"sync"
)

// The ASGI "tls" scope extension (asgiref specs/tls.rst, version 0.2):
// the data of the connection's TLS state that the Python side turns into
// scope["extensions"]["tls"]. Only for TLS connections; a plain one has no
// "tls" key at all, as the spec requires.

// TLSInfo is one connection's TLS state in the extension's terms.
type TLSInfo struct {
	ServerCert      string   // PEM of the certificate this server sent (the leaf)
	ClientCertChain []string // PEM, the client's certificate first; empty without one
	ClientCertName  string   // RFC 4514 subject of the client certificate ("" = none)
	Version         uint16   // e.g. 0x0304 for TLS 1.3
	CipherSuite     uint16   // IANA number, e.g. 0x1301
}

// IsTLS reports whether the bridge's server wraps its connections in TLS.
func (b *AsgiBridge) IsTLS() bool { return b.srv.ops.cfg.TLS != nil }

var (
	leafOnce sync.Once
	leafPEM  string
)

// serverLeafPEM is the first certificate of --ssl-certfile, re-encoded as
// one PEM block (the file may hold the whole chain).
func (s *Server) serverLeafPEM() string {
	leafOnce.Do(func() {
		if t := s.ops.cfg.TLS; t != nil {
			rest := t.CertPEM
			for {
				var blk *pem.Block
				blk, rest = pem.Decode(rest)
				if blk == nil {
					break
				}
				if blk.Type == "CERTIFICATE" {
					leafPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: blk.Bytes}))
					break
				}
			}
		}
	})
	return leafPEM
}

// tlsInfo reads the state of c's TLS connection (false: not TLS). The
// handshake is complete: the request was read through it. HTTP/2 streams
// carry the state of their connection (h2State, from net/http).
func (c *conn) tlsInfo(h2State *tls.ConnectionState) (TLSInfo, bool) {
	st := h2State
	if st == nil {
		tc, ok := c.nc.(*tls.Conn)
		if !ok {
			return TLSInfo{}, false
		}
		cs := tc.ConnectionState()
		st = &cs
	}
	info := TLSInfo{ServerCert: c.srv.serverLeafPEM(), Version: st.Version, CipherSuite: st.CipherSuite,
		ClientCertChain: []string{}}
	for _, cert := range st.PeerCertificates {
		info.ClientCertChain = append(info.ClientCertChain,
			string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))
	}
	if len(st.PeerCertificates) > 0 {
		info.ClientCertName = st.PeerCertificates[0].Subject.String()
	}
	return info, true
}

// TLS returns the request's connection TLS state.
func (r *AsgiReq) TLS() (TLSInfo, bool) { return r.c.tlsInfo(r.h2TLS) }

// TLS returns the WebSocket's connection TLS state.
func (w *AsgiWS) TLS() (TLSInfo, bool) { return w.c.tlsInfo(nil) }
