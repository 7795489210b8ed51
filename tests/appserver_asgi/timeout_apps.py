"""Apps for the --request-timeout, recycling and drain tests (one worker:
the counters are per process)."""
import asyncio
import json
import os
import time

SEEN = {"cancelled": 0, "receive_after": None, "send_raised": 0}


async def _text(send, body, status=200):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            m = await receive()
            if m["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif m["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    if path == "/sleep":  # awaits past the timeout: cancelled
        await receive()  # the (empty) request body
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            SEEN["cancelled"] += 1
            SEEN["receive_after"] = (await receive())["type"]
            raise
        return await _text(send, b"too late")
    if path == "/stream":  # the response started before the timeout
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first\n", "more_body": True})
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            SEEN["cancelled"] += 1
            raise
        return await send({"type": "http.response.body", "body": b"never\n"})
    if path == "/ignore":  # swallows the cancellation, then tries to answer
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            SEEN["cancelled"] += 1
        try:
            await _text(send, b"late")
        except OSError:
            SEEN["send_raised"] += 1
        return
    if path == "/block":  # blocks the event loop: nothing can cancel it
        time.sleep(float(scope["query_string"] or b"4"))
        return await _text(send, b"blocked")
    if path == "/seen":
        return await _text(send, json.dumps(SEEN).encode())
    if path == "/pid":
        return await _text(send, str(os.getpid()).encode())
    if path == "/slow":  # short awaited I/O (load tests)
        await asyncio.sleep(float(scope["query_string"] or b"0.01"))
        return await _text(send, b"slow")
    if path == "/grow":  # allocates (the --workers-max-rss test)
        _HOLD.append(bytearray(4 << 20))
        return await _text(send, str(os.getpid()).encode())
    return await _text(send, b"ok " + str(os.getpid()).encode())


_HOLD = []
