package appserver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
)

// TLSConfig is --ssl-*: the worker's listener is wrapped so every
// connection is TLS (the handshake runs in the connection's goroutine, on
// its first read, under the keep-alive timeout).
type TLSConfig struct {
	CertPEM    []byte // certificate chain
	KeyPEM     []byte // private key, decrypted (the Python side handles passwords)
	CAFile     string // client CAs (mTLS)
	VerifyMode string // "", "optional", "required"
	MinVersion string // "1.2" (default) or "1.3"
}

func buildTLS(c *TLSConfig) (*tls.Config, error) {
	cert, err := tls.X509KeyPair(c.CertPEM, c.KeyPEM)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	}
	if c.MinVersion == "1.3" {
		cfg.MinVersion = tls.VersionTLS13
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("no certificate in " + c.CAFile)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
		if c.VerifyMode == "optional" {
			cfg.ClientAuth = tls.VerifyClientCertIfGiven
		}
	}
	return cfg, nil
}

// wrapTLS returns the TLS listener; on a bad configuration the worker
// logs and exits rather than serve plain HTTP where TLS was asked for.
// httpMode is --http: "2" offers only h2 in ALPN, "auto" h2 then http/1.1.
func wrapTLS(ln net.Listener, c *TLSConfig, httpMode string) net.Listener {
	cfg, err := buildTLS(c)
	if err == nil {
		switch httpMode {
		case "2":
			cfg.NextProtos = []string{"h2"}
		case "auto":
			cfg.NextProtos = []string{"h2", "http/1.1"}
		}
	}
	if err != nil {
		logf("TLS configuration: %v", err)
		os.Exit(3)
	}
	return tls.NewListener(ln, cfg)
}
