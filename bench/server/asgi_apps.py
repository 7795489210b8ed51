"""ASGI apps for bench_asgi.py --app: a Starlette JSON endpoint and an
endpoint that awaits 10 ms of (simulated) I/O per request."""
import asyncio

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

ITEMS = [{"id": i, "name": "item %d" % i, "price": i * 1.5, "tags": ["a", "b"]} for i in range(10)]


async def items(request):
    return JSONResponse({"items": ITEMS, "q": request.query_params.get("q")})


starlette_json = Starlette(routes=[Route("/", items)])

BODY = b"done"


async def io_10ms(scope, receive, send):
    if scope["type"] != "http":
        return
    await asyncio.sleep(0.010)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": BODY})


async def ws_echo(scope, receive, send):
    """WebSocket echo (for bench_asgi_ws.py); plain http answers 200."""
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    if scope["type"] != "websocket":
        return
    await receive()
    await send({"type": "websocket.accept"})
    while True:
        m = await receive()
        if m["type"] == "websocket.disconnect":
            return
        if m.get("text") is not None:
            await send({"type": "websocket.send", "text": m["text"]})
        else:
            await send({"type": "websocket.send", "bytes": m["bytes"]})
