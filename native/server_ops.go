package main

import (
	"time"

	"goaccel/appserver"
	"goaccel/python"
)

// _goaccel.server.configure_ops: the production features of the next
// serve() in this process (appserver/_ops_worker.py calls it in workers).
func init() {
	python.Register(python.Module{
		Name: "server",
		Functions: []python.Function{
			{Name: "configure_ops", Doc: "configure_ops(options) -> None: metrics, health, static files, access log and recycling of the next serve().", Fast: configureOps},
		},
	})
}

func configureOps(args []python.Object) (python.Ref, error) {
	if len(args) != 1 || args[0].Type() != python.DictType {
		return python.Ref{}, python.Errorf(python.TypeError, "configure_ops() takes one dict")
	}
	v, err := python.ToGo(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	o := v.(map[string]any)
	cfg := appserver.OpsConfig{WorkerID: "0", ControlFD: -1, ListenFD: -1, BalanceFD: -1, HTTP: "auto"}
	str := func(name string, dst *string) error {
		if x, ok := o[name]; ok && x != nil {
			s, ok := x.(string)
			if !ok {
				return python.Errorf(python.TypeError, "option %s must be a str", name)
			}
			*dst = s
		}
		return nil
	}
	num := func(name string, dst *int64) error {
		if x, ok := o[name]; ok && x != nil {
			n, ok := x.(int64)
			if !ok {
				return python.Errorf(python.TypeError, "option %s must be an int", name)
			}
			*dst = n
		}
		return nil
	}
	secs := func(name string, dst *time.Duration) error {
		switch x := o[name].(type) {
		case nil:
		case int64:
			*dst = time.Duration(x) * time.Second
		case float64:
			*dst = time.Duration(x * float64(time.Second))
		default:
			return python.Errorf(python.TypeError, "option %s must be a number of seconds", name)
		}
		return nil
	}
	var fd, lfd, bfd int64 = -1, -1, -1
	var streams int64 = 100
	for _, e := range []error{
		str("worker_id", &cfg.WorkerID), str("metrics_socket", &cfg.MetricsSocket),
		str("live_path", &cfg.LivePath), str("ready_path", &cfg.ReadyPath),
		str("access_log", &cfg.AccessLog), str("http", &cfg.HTTP), str("forwarded_allow_ips", &cfg.ForwardedAllow), str("access_log_fmt", &cfg.AccessLogFmt),
		num("max_requests", &cfg.MaxRequests), num("max_requests_jitter", &cfg.MaxReqJitter),
		num("control_fd", &fd), num("http2_max_concurrent_streams", &streams), num("listen_fd", &lfd), num("balance_fd", &bfd),
		secs("static_expires", &cfg.StaticExpires), secs("request_timeout", &cfg.RequestTimeout),
	} {
		if e != nil {
			return python.Ref{}, e
		}
	}
	cfg.ControlFD = int(fd)
	cfg.ListenFD = int(lfd)
	cfg.BalanceFD = int(bfd)
	cfg.H2MaxStreams = int(streams)
	if cfg.HTTP == "" {
		cfg.HTTP = "auto"
	}
	if x, ok := o["static"]; ok && x != nil {
		list, ok := x.([]any)
		if !ok {
			return python.Ref{}, python.Errorf(python.TypeError, "option static must be a list of [route, directory]")
		}
		for _, item := range list {
			pair, ok := item.([]any)
			if !ok || len(pair) != 2 {
				return python.Ref{}, python.Errorf(python.TypeError, "option static must be a list of [route, directory]")
			}
			r, ok1 := pair[0].(string)
			d, ok2 := pair[1].(string)
			if !ok1 || !ok2 {
				return python.Ref{}, python.Errorf(python.TypeError, "option static must be a list of [route, directory]")
			}
			cfg.Static = append(cfg.Static, appserver.StaticRoute{Route: r, Mount: d})
		}
	}
	if x, ok := o["tls"]; ok && x != nil {
		t, ok := x.(map[string]any)
		if !ok {
			return python.Ref{}, python.Errorf(python.TypeError, "option tls must be a dict")
		}
		tc := &appserver.TLSConfig{}
		cert, _ := t["cert"].(string)
		key, _ := t["key"].(string)
		tc.CertPEM, tc.KeyPEM = []byte(cert), []byte(key)
		tc.CAFile, _ = t["ca_file"].(string)
		tc.VerifyMode, _ = t["verify"].(string)
		tc.MinVersion, _ = t["min_version"].(string)
		cfg.TLS = tc
	}
	appserver.ConfigureOps(cfg)
	return python.NoneRef(), nil
}
