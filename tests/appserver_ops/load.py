"""Bounded background load for the recycling tests: each client thread
sends requests until stopped and records every outcome."""
from __future__ import annotations

import threading
import time
from collections import Counter
from typing import List, Tuple

from httpc import Client, NoAnswer


class Load:
    def __init__(self, port: int, clients: int = 4, path: str = "/pid", keepalive: bool = False,
                 max_seconds: float = 30.0):
        self.port = port
        self.path = path
        self.keepalive = keepalive
        self.stop_at = time.time() + max_seconds  # never runs away
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.ok = 0
        self.failures: List[str] = []
        self.stale_retries = 0  # keep-alive connection closed while idle, retried
        self.pids: Counter = Counter()
        self.order: List[Tuple[float, str]] = []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def __enter__(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopped.set()
        for t in self.threads:
            t.join(30)

    def _one(self, c: Client) -> Tuple[int, bytes]:
        headers = {} if self.keepalive else {"Connection": "close"}
        status, _, body = c.request(self.path, headers=headers)
        return status, body

    def _run(self) -> None:
        c = None
        while not self.stopped.is_set() and time.time() < self.stop_at:
            fresh = c is None
            try:
                if c is None:
                    c = Client(self.port)
                status, body = self._one(c)
            except (ConnectionError, OSError) as e:
                if c is not None:
                    c.close()
                c = None
                if not fresh and self.keepalive and isinstance(e, NoAnswer):
                    # An idle keep-alive connection closed by a draining
                    # worker before any byte of the answer: HTTP clients
                    # retry these (RFC 9112 9.3.1); counted, not a failure.
                    with self.lock:
                        self.stale_retries += 1
                    continue
                with self.lock:
                    self.failures.append("%s: %s" % (type(e).__name__, e))
                continue
            with self.lock:
                if status == 200:
                    self.ok += 1
                    self.pids[body.decode()] += 1
                    self.order.append((time.time(), body.decode()))
                else:
                    self.failures.append("status %d" % status)
            if not self.keepalive:
                c.close()
                c = None
        if c is not None:
            c.close()
