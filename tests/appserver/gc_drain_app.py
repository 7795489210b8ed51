"""The app of test_gc_drain.py. Each request leaves cyclic garbage (a tree
whose nodes point back at their parent) and either computes for 3 ms (/cpu:
the worker's threads queue for the GIL) or mostly sleeps (/io). A gc callback counts
the collections and how many of them began while a request was inside the
app; /stats answers the counts, /off turns the collector off."""
import gc
import json
import threading
import time

_lock = threading.Lock()
_state = {"inside": 0, "collections": 0, "during_requests": 0}


class Node:
    def __init__(self, parent=None):
        self.parent = parent
        self.kids = []
        if parent is not None:
            parent.kids.append(self)


def _on_gc(phase, info):
    if phase == "start":
        _state["collections"] += 1
        if _state["inside"]:
            _state["during_requests"] += 1


gc.callbacks.append(_on_gc)


def _reply(start_response, body):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/stats":
        return _reply(start_response, json.dumps(_state).encode())
    if path == "/off":
        gc.disable()
        return _reply(start_response, b"{}")
    with _lock:
        _state["inside"] += 1
    try:
        root = Node()
        if path == "/io":  # mostly waiting: ~0.3 ms of Python, 20 ms asleep
            for _ in range(500):
                Node(root)
            time.sleep(0.02)
        else:
            for _ in range(2000):
                Node(root)
            t = time.thread_time() + 0.003
            while time.thread_time() < t:
                pass
        body = b"{}"
    finally:
        with _lock:
            _state["inside"] -= 1
    return _reply(start_response, body)
