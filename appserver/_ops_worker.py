"""Worker side of the production features: hands the options the
supervisor put in APPSERVER_OPS to the Go server before serve()."""
from __future__ import annotations

import json
import os
import socket
from typing import Any, Dict, Optional


def configure(ctrl: socket.socket, sock: Optional[socket.socket] = None,
              balance_fd: Optional[int] = None) -> None:
    raw = os.environ.pop("APPSERVER_OPS", None)
    if not raw and sock is None:
        return
    opts = json.loads(raw) if raw else {}
    if balance_fd is not None:
        opts["balance_fd"] = balance_fd  # Go maps the table and closes the fd
    if sock is not None:
        # Go drops this copy of the listening socket when the worker stops
        # (serve() listens on a dup): with the supervisor's copy closed at
        # shutdown, new connections are refused instead of queued.
        opts["listen_fd"] = sock.fileno()
    # Go writes b"X" (recycle me) or b"T" (a request timed out) here.
    opts["control_fd"] = ctrl.fileno()
    ssl = opts.pop("ssl", None)
    if ssl:
        opts["tls"] = tls_options(ssl)
    from _goaccel import server as _native
    _native.configure_ops(opts)


def tls_options(ssl: Dict[str, Any]) -> Dict[str, str]:
    """Reads the certificate and key; an encrypted key is decrypted here
    (with `cryptography`) so that Go only ever sees it in memory."""
    with open(ssl["certfile"]) as f:
        cert = f.read()
    with open(ssl["keyfile"], "rb") as f:
        key = f.read()
    if ssl.get("password"):
        from cryptography.hazmat.primitives import serialization
        k = serialization.load_pem_private_key(key, password=ssl["password"].encode())
        key = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    return {"cert": cert, "key": key.decode("ascii"), "ca_file": ssl.get("ca_file") or "",
            "verify": ssl.get("verify") or "", "min_version": ssl.get("min_version") or "1.2"}
