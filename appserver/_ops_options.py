"""Command-line options of the production features (issue 8): metrics,
health endpoints, static files, access log, recycling and timeouts."""
from __future__ import annotations

import argparse
import os
from typing import Any, Dict, List, Optional, Tuple

from ._argtypes import mebibytes, non_negative, seconds


def _address(v: str) -> Tuple[str, int]:
    host, sep, port = v.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", v
    try:
        n = int(port)
    except ValueError:
        raise argparse.ArgumentTypeError("--metrics-address must be HOST:PORT, not %r" % v)
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError("--metrics-address port out of range: %d" % n)
    return (host.strip("[]") or "127.0.0.1", n)


def _path(name: str):
    def conv(v: str) -> str:
        if not v.startswith("/"):
            raise argparse.ArgumentTypeError("%s must start with '/', not %r" % (name, v))
        return v
    return conv


def add_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("production (metrics, health, static files, access log, recycling)")
    g.add_argument("--metrics", action="store_true",
                   help="serve Prometheus metrics of all workers on --metrics-address (path /metrics)")
    g.add_argument("--metrics-address", type=_address, default=("127.0.0.1", 9090),
                   help="HOST:PORT of the metrics endpoint (default: 127.0.0.1:9090)")
    g.add_argument("--liveness-path", type=_path("--liveness-path"), default=None,
                   help="answer this path with 200 from Go, without the app (e.g. /healthz)")
    g.add_argument("--readiness-path", type=_path("--readiness-path"), default=None,
                   help="answer this path with 200, or 503 while the worker drains (e.g. /readyz)")
    g.add_argument("--static-path-route", action="append", default=[], type=_path("--static-path-route"),
                   help="URL prefix served from the matching --static-path-mount (repeatable)")
    g.add_argument("--static-path-mount", action="append", default=[],
                   help="directory served at the matching --static-path-route (repeatable)")
    g.add_argument("--static-path-expires", type=non_negative("--static-path-expires"), default=86400,
                   help="Cache-Control max-age of static files in seconds, 0 for none (default: 86400)")
    g.add_argument("--access-log", action="store_true",
                   help="log every request (to stderr, or --access-log-file)")
    g.add_argument("--access-log-file", default=None, metavar="PATH",
                   help="append the access log to this file (implies --access-log)")
    g.add_argument("--access-log-fmt", default=None,
                   help="Granian-style format (%%(addr)s %%(time)s %%(dt_ms).3f %%(status)d %%(path)s "
                        "%%(query_string)s %%(method)s %%(scheme)s %%(protocol)s %%(header{name})s), or 'json'")
    g.add_argument("--forwarded-allow-ips", default=None, metavar="LIST",
                   help="comma-separated proxy IPs/CIDRs (or '*') whose Forwarded and X-Forwarded-For/Proto/Host "
                        "set REMOTE_ADDR, wsgi.url_scheme and HTTP_HOST (default: none trusted)")
    g.add_argument("--ssl-certfile", default=None, help="serve HTTPS with this PEM certificate (chain)")
    g.add_argument("--ssl-keyfile", default=None, help="the PEM private key of --ssl-certfile")
    g.add_argument("--ssl-keyfile-password", default=None, help="password of an encrypted --ssl-keyfile")
    g.add_argument("--ssl-ca", default=None, help="PEM CA bundle for client certificates (mTLS)")
    g.add_argument("--ssl-client-verify", choices=["optional", "required"], default=None,
                   help="with --ssl-ca: require client certificates (default when --ssl-ca is set) or verify them if given")
    g.add_argument("--ssl-protocol-min", choices=["tls1.2", "tls1.3"], default="tls1.2",
                   help="lowest TLS version accepted (default: tls1.2)")
    g.add_argument("--reload", action="store_true",
                   help="development: replace the workers when a .py file under the working directory changes")
    g.add_argument("--debug", action="store_true",
                   help="development: one worker, one thread, no timeouts or recycling, the terminal "
                        "on the worker's stdin, so breakpoint() in a view opens pdb")
    g.add_argument("--http", choices=["1", "2", "auto"], default="auto",
                   help="HTTP versions: 1 (HTTP/1.1 only), 2 (HTTP/2 only: ALPN h2 over TLS, cleartext h2 "
                        "with prior knowledge; other connections are closed) or auto (both) (default: auto)")
    g.add_argument("--http2-max-concurrent-streams", type=non_negative("--http2-max-concurrent-streams"), default=100,
                   help="streams a client may open at once on one HTTP/2 connection (default: 100)")
    g.add_argument("--max-requests", type=non_negative("--max-requests"), default=0,
                   help="replace a worker after this many requests (0: never)")
    g.add_argument("--max-requests-jitter", type=non_negative("--max-requests-jitter"), default=0,
                   help="add a random 0..N to --max-requests per worker, so workers do not recycle together")
    g.add_argument("--workers-lifetime", type=seconds("--workers-lifetime"), default=None,
                   help="replace a worker after this many seconds")
    g.add_argument("--workers-max-rss", type=mebibytes("--workers-max-rss"), default=None,
                   help="replace a worker whose resident memory exceeds this many MiB")
    g.add_argument("--request-timeout", type=seconds("--request-timeout"), default=None,
                   help="answer 504 to a request running longer than this and replace its worker")
    g.add_argument("--workers-kill-timeout", type=seconds("--workers-kill-timeout"), default=None,
                   help="seconds a replaced worker gets to finish before SIGKILL (default: grace timeout + 5)")


def check_options(p: argparse.ArgumentParser, ns: argparse.Namespace) -> None:
    if len(ns.static_path_route) != len(ns.static_path_mount):
        p.error("every --static-path-route needs one --static-path-mount (got %d routes, %d mounts)"
                % (len(ns.static_path_route), len(ns.static_path_mount)))
    mounts = []
    for m in ns.static_path_mount:
        if not os.path.isdir(m):
            p.error("--static-path-mount %s is not a directory" % m)
        mounts.append(os.path.abspath(m))
    ns.static_path_mount = mounts
    if ns.forwarded_allow_ips:
        import ipaddress
        for item in ns.forwarded_allow_ips.split(","):
            item = item.strip()
            if item and item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    p.error("--forwarded-allow-ips: %r is not an IP address or network" % item)
    if ns.ssl_certfile or ns.ssl_keyfile:
        if not (ns.ssl_certfile and ns.ssl_keyfile):
            p.error("--ssl-certfile and --ssl-keyfile go together")
        for opt in ("ssl_certfile", "ssl_keyfile", "ssl_ca"):
            v = getattr(ns, opt)
            if v:
                if not os.path.isfile(v):
                    p.error("--%s %s: no such file" % (opt.replace("_", "-"), v))
                setattr(ns, opt, os.path.abspath(v))
    elif ns.ssl_ca or ns.ssl_client_verify:
        p.error("--ssl-ca and --ssl-client-verify need --ssl-certfile and --ssl-keyfile")
    if ns.debug:
        # pdb owns the terminal: one request at a time, and nothing may
        # time out or recycle the worker while it is paused.
        ns.workers, ns.threads = 1, 1
        ns.request_timeout = None
        ns.max_requests = 0
        ns.workers_lifetime = None
        ns.workers_max_rss = None
    if ns.access_log_file:
        ns.access_log = True


def worker_options(ns: argparse.Namespace) -> Dict[str, Any]:
    """What the Go side of a worker needs (appserver/_ops_worker.py)."""
    static: List[List[str]] = [[r, m] for r, m in zip(ns.static_path_route, ns.static_path_mount)]
    return {
        "live_path": ns.liveness_path, "ready_path": ns.readiness_path,
        "static": static, "static_expires": ns.static_path_expires,
        "access_log": (ns.access_log_file or "-") if ns.access_log else None, "access_log_fmt": ns.access_log_fmt,
        "max_requests": ns.max_requests, "max_requests_jitter": ns.max_requests_jitter,
        "request_timeout": ns.request_timeout, "forwarded_allow_ips": ns.forwarded_allow_ips,
        "http": ns.http, "http2_max_concurrent_streams": ns.http2_max_concurrent_streams,
        "ssl": {"certfile": ns.ssl_certfile, "keyfile": ns.ssl_keyfile, "password": ns.ssl_keyfile_password,
                "ca_file": ns.ssl_ca, "verify": ns.ssl_client_verify or "",
                "min_version": ns.ssl_protocol_min[3:]} if ns.ssl_certfile else None,
    }


def kill_timeout(ns: argparse.Namespace) -> float:
    return ns.workers_kill_timeout if ns.workers_kill_timeout else ns.grace_timeout + 5
