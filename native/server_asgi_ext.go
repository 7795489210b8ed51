package main

import (
	"goaccel/appserver"
	"goaccel/python"
)

// _goaccel.server, ASGI extensions: http.response.trailers and the tls
// scope extension (appserver/asgi_trailers.go, appserver/asgi_tls.go).
func init() {
	python.Register(python.Module{
		Name: "server",
		Functions: []python.Function{
			{Name: "asgi_trailers", Doc: "asgi_trailers(rid, headers, more_trailers) -> int: 0 sent, -1 client gone, -2 already complete.", Fast: asgiTrailers},
			{Name: "asgi_early_hint", Doc: "asgi_early_hint(rid, links) -> None: 103 Early Hints with the Link values (HTTP/2 only; ignored otherwise).", Fast: asgiEarlyHint},
			{Name: "asgi_ws_flush", Doc: "asgi_ws_flush(handle) -> None: write the WebSocket frames queued during this loop iteration.", Fast: asgiWSFlush},
			{Name: "asgi_is_tls", Doc: "asgi_is_tls(handle) -> bool: the server's connections are TLS.", Fast: asgiIsTLS},
			{Name: "asgi_tls", Doc: "asgi_tls(id) -> (server_cert, client_cert_chain, client_cert_name, tls_version, cipher_suite) or None: the TLS state of a request's or WebSocket's connection.", Fast: asgiTLS},
		},
	})
}

func asgiTrailers(args []python.Object) (python.Ref, error) {
	if len(args) != 3 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_trailers() takes 3 arguments (%d given)", len(args))
	}
	r, found, err := reqArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	if !found {
		return python.NewInt64(appserver.SendGone)
	}
	rc, err := r.SendTrailers(args[1], args[2] == python.True)
	if err != nil {
		return python.Ref{}, err
	}
	return python.NewInt64(int64(rc))
}

func asgiIsTLS(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_is_tls() takes 1 argument")
	}
	b, err := bridgeArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	return python.NewBool(b.IsTLS()), nil
}

func asgiTLS(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_tls() takes 1 argument")
	}
	id, ok := python.LongUint64(args[0])
	if args[0].Type() != python.IntType || !ok {
		return python.Ref{}, python.Errorf(python.TypeError, "id must be an int")
	}
	var info appserver.TLSInfo
	var isTLS bool
	if r := appserver.LookupReq(id); r != nil {
		info, isTLS = r.TLS()
	} else if w := appserver.LookupWS(id); w != nil {
		info, isTLS = w.TLS()
	}
	if !isTLS {
		return python.NoneRef(), nil
	}
	var rs refs
	rs.add(python.NewString(info.ServerCert))
	chain, err := python.NewTuple(len(info.ClientCertChain))
	if err == nil {
		for i, c := range info.ClientCertChain {
			s, e := python.NewString(c)
			if e != nil {
				s = python.NoneRef()
				err = e
			}
			python.TupleSet(chain.Object, i, s)
		}
		if err != nil {
			chain.Release()
		}
	}
	rs.add(chain, err)
	if info.ClientCertName != "" {
		rs.add(python.NewString(info.ClientCertName))
	} else {
		rs.add(python.NoneRef(), nil)
	}
	rs.add(python.NewInt64(int64(info.Version)))
	rs.add(python.NewInt64(int64(info.CipherSuite)))
	return rs.tuple()
}

func asgiEarlyHint(args []python.Object) (python.Ref, error) {
	if len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_early_hint() takes 2 arguments (%d given)", len(args))
	}
	r, found, err := reqArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	if found {
		if err := r.EarlyHint(args[1]); err != nil {
			return python.Ref{}, err
		}
	}
	return python.NoneRef(), nil
}

func asgiWSFlush(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_ws_flush() takes 1 argument")
	}
	b, err := bridgeArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	b.FlushCorked()
	return python.NoneRef(), nil
}
