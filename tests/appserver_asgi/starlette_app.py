"""A Starlette app: JSON, path params, request body, streaming, lifespan state."""
import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route


@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"db": "connected"}


async def item(request: Request):
    return JSONResponse({"id": int(request.path_params["id"]), "q": request.query_params.get("q"),
                         "db": request.state.db})


async def create(request: Request):
    data = await request.json()
    return JSONResponse({"got": data, "len": len(await request.body())}, status_code=201)


async def stream(request: Request):
    async def gen():
        for i in range(5):
            yield b"part%d;" % i
    return StreamingResponse(gen(), media_type="text/plain")


app = Starlette(routes=[Route("/items/{id}", item), Route("/items", create, methods=["POST"]),
                        Route("/stream", stream)], lifespan=lifespan)
