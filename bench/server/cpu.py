"""A stand-in for a CPU-bound Django/DRF view until the demo is merged:
each request spends about WORK_MS of pure-Python time (default 1 ms) building
and serializing a list of dicts, as a DRF list endpoint does."""
import json
import os
import time

WORK_MS = float(os.environ.get("WORK_MS", "1"))


def _calibrate():
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.2:
        json.dumps([{"id": i, "name": "item %d" % i, "price": i * 1.5} for i in range(20)])
        n += 1
    return max(1, int(n / 0.2 * WORK_MS / 1000))


# CPU_ROUNDS fixes the work (a benchmark calibrates once and gives every
# server process the same app; calibrating in each process under load
# makes the app cheaper in some processes than in others).
ROUNDS = int(os.environ["CPU_ROUNDS"]) if os.environ.get("CPU_ROUNDS") else _calibrate()


def app(environ, start_response):
    for _ in range(ROUNDS):
        body = json.dumps([{"id": i, "name": "item %d" % i, "price": i * 1.5} for i in range(20)]).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
