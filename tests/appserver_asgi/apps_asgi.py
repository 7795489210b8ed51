"""ASGI apps served by the tests (one worker: the counters are per process)."""
import asyncio
import json
import os
import time

STATS = {"cancelled": 0, "disconnect_seen": 0, "chunks_sent": 0, "send_raised": 0,
         "requests": 0}


async def _lifespan(scope, receive, send):
    while True:
        m = await receive()
        if m["type"] == "lifespan.startup":
            scope["state"]["started_by"] = "lifespan"
            await send({"type": "lifespan.startup.complete"})
        elif m["type"] == "lifespan.shutdown":
            path = os.environ.get("ASGI_SHUTDOWN_FILE")
            if path:
                with open(path, "w") as f:
                    f.write("shutdown")
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _json(send, obj, status=200):
    body = json.dumps(obj).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        return await _lifespan(scope, receive, send)
    STATS["requests"] += 1
    path = scope["path"][len(scope.get("root_path", "")):]
    if path == "/stats":
        return await _json(send, STATS)
    if path.startswith("/scope"):
        s = {k: v for k, v in scope.items() if k not in ("headers", "raw_path", "query_string")}
        s["headers"] = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]]
        s["raw_path"] = scope["raw_path"].decode("latin-1")
        s["query_string"] = scope["query_string"].decode("latin-1")
        s["types"] = {k: type(v).__name__ for k, v in scope.items()}
        s["header_types"] = sorted({type(x).__name__ for h in scope["headers"] for x in h})
        return await _json(send, s)
    if path == "/echo":
        sizes = []
        total = bytearray()
        while True:
            m = await receive()
            assert m["type"] == "http.request", m
            sizes.append(len(m["body"]))
            total += m["body"]
            if not m.get("more_body", False):
                break
        import hashlib
        return await _json(send, {"sizes": sizes, "len": len(total),
                                  "sha": hashlib.sha256(total).hexdigest()})
    if path == "/stream":
        # Chunks with pauses: each must reach the client before the next.
        n = int(scope["query_string"] or b"3")
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for i in range(n):
            await send({"type": "http.response.body", "body": b"chunk%d\n" % i, "more_body": True})
            await asyncio.sleep(0.2)
        await send({"type": "http.response.body", "body": b"end\n"})
        return
    if path == "/big":
        # 64 MiB in 1 MiB chunks: with a client that does not read, send()
        # must block (backpressure) rather than buffer it all.
        STATS["chunks_sent"] = 0
        chunk = b"x" * (1 << 20)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"%d" % (64 << 20))]})
        for i in range(64):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            STATS["chunks_sent"] += 1
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/wait":
        # Waits for the client to go away; counts the cancellation.
        await receive()  # the body
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            STATS["cancelled"] += 1
            raise
        return await _json(send, {"slept": True})
    if path == "/block-loop":
        # Starts a streamed response, then blocks the whole loop (a sync
        # sleep): whatever reaches Go meanwhile (requests, their clients'
        # disconnects) comes in the next poll together.
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"blocking\n", "more_body": True})
        time.sleep(float(scope["query_string"] or b"1"))
        await send({"type": "http.response.body", "body": b"done\n"})
        return
    if path == "/wait-disconnect":
        await receive()
        m = await receive()  # blocks until the client leaves
        if m["type"] == "http.disconnect":
            STATS["disconnect_seen"] += 1
        try:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"late"})
        except OSError:
            STATS["send_raised"] += 1
        return
    if path == "/pathsend":
        from urllib.parse import unquote_to_bytes
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
        await send({"type": "http.response.pathsend",
                    "path": os.fsdecode(unquote_to_bytes(scope["query_string"]))})
        return
    if path == "/raise":
        raise ValueError("boom")
    if path == "/raise-late":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise ValueError("late boom")
    if path == "/noresponse":
        return
    if path == "/badheader":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"x-bad", b"a\r\nInjected: yes")]})
        return
    if path == "/head":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"5")]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else b"hello"})
        return
    if path.startswith("/trailers"):
        # Body then two trailers messages; /trailers-single: one body message;
        # /trailers-cl: a Content-Length body (trailers cannot go out).
        ext = scope["extensions"]
        assert "http.response.trailers" in ext
        headers = [(b"trailer", b"x-checksum, x-status")]
        if path == "/trailers-cl":
            headers.append((b"content-length", b"5"))
        await send({"type": "http.response.start", "status": 200, "headers": headers, "trailers": True})
        if path == "/trailers":
            await send({"type": "http.response.body", "body": b"hel", "more_body": True})
            await send({"type": "http.response.body", "body": b"lo"})
        else:
            await send({"type": "http.response.body", "body": b"hello"})
        await send({"type": "http.response.trailers", "headers": [(b"x-checksum", b"abc123")],
                    "more_trailers": True})
        await send({"type": "http.response.trailers", "headers": [(b"x-status", b"ok"),
                                                                  (b"content-length", b"99")]})
        return
    if path == "/early-hint":
        await send({"type": "http.response.early_hint", "links": [b"</style.css>; rel=preload; as=style"]})
        return await _json(send, {"extensions": sorted(scope["extensions"])})
    if path == "/tls":
        tls = scope["extensions"].get("tls")
        return await _json(send, {"scheme": scope["scheme"], "tls": tls,
                                  "extensions": sorted(scope["extensions"])})
    if path == "/state":
        return await _json(send, {"state": dict(scope.get("state", {}))})
    return await _json(send, {"hello": "world", "method": scope["method"]})


async def failing_startup(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "database unreachable: 42"})
        return
    await _json(send, {})


async def no_lifespan(scope, receive, send):
    if scope["type"] != "http":
        raise RuntimeError("only http")
    await _json(send, {"state": "state" in scope})


WS = {"disconnect_codes": [], "send_after_close": 0, "messages": 0}


async def ws_app(scope, receive, send):
    """WebSocket routes: /echo, /close (server closes 4001 'bye'), /deny
    (close before accept: 403), /denyresp (denial response 401), /stats."""
    if scope["type"] == "lifespan":
        return await _lifespan(scope, receive, send)
    if scope["type"] == "http":
        return await _json(send, WS)
    assert scope["type"] == "websocket"
    m = await receive()
    assert m["type"] == "websocket.connect"
    path = scope["path"]
    if path == "/deny":
        await send({"type": "websocket.close"})
        return
    if path == "/denyresp":
        await send({"type": "websocket.http.response.start", "status": 401,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "websocket.http.response.body", "body": b"no entry"})
        return
    sub = scope["subprotocols"][0] if scope["subprotocols"] else None
    await send({"type": "websocket.accept", "subprotocol": sub,
                "headers": [(b"x-accepted", b"yes")]})
    if path == "/close":
        await send({"type": "websocket.close", "code": 4001, "reason": "bye"})
        try:
            await send({"type": "websocket.send", "text": "too late"})
        except OSError:
            WS["send_after_close"] += 1
        return
    if path == "/slowreader":
        # Does not receive for 2 s, then counts what arrived.
        await asyncio.sleep(2)
        want, got = int(scope["query_string"]), 0
        while got < want:
            m = await receive()
            got += len(m.get("bytes") or b"")
        await send({"type": "websocket.send", "text": str(got)})
        return
    if path == "/tls":
        await send({"type": "websocket.send", "text": json.dumps({
            "scheme": scope["scheme"], "tls": scope["extensions"].get("tls")})})
    if path == "/info":
        await send({"type": "websocket.send", "text": json.dumps({
            "path": path, "query": scope["query_string"].decode(), "scheme": scope["scheme"],
            "subprotocols": scope["subprotocols"], "state": dict(scope.get("state", {}))})})
    while True:
        m = await receive()
        if m["type"] == "websocket.disconnect":
            WS["disconnect_codes"].append(m["code"])
            return
        WS["messages"] += 1
        if m.get("text") is not None:
            await send({"type": "websocket.send", "text": m["text"]})
        else:
            await send({"type": "websocket.send", "bytes": m["bytes"]})


async def ops_app(scope, receive, send):
    """HTTP routes of `app` and WebSocket routes of `ws_app` on one server."""
    if scope["type"] == "websocket":
        return await ws_app(scope, receive, send)
    return await app(scope, receive, send)
