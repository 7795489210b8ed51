"""Worker side of the production features: hands the options the
supervisor put in APPSERVER_OPS to the Go server before serve()."""
from __future__ import annotations

import json
import os
import socket


def configure(ctrl: socket.socket) -> None:
    raw = os.environ.pop("APPSERVER_OPS", None)
    if not raw:
        return
    opts = json.loads(raw)
    # Go writes b"X" (recycle me) or b"T" (a request timed out) here.
    opts["control_fd"] = ctrl.fileno()
    from _goaccel import server as _native
    _native.configure_ops(opts)
