"""The ASGI lifespan protocol: startup before serving, shutdown after."""
from __future__ import annotations

import asyncio
import sys
from typing import Any, Dict, Optional


class LifespanFailure(RuntimeError):
    """The application reported lifespan.startup.failed (or shutdown.failed)."""


class Lifespan:
    """Runs the app's lifespan scope as one task for the server's lifetime.

    An app that raises before completing startup is taken as not
    supporting lifespan (as uvicorn's default "auto" mode does) and the
    server goes on without it; lifespan.startup.failed is fatal.
    """

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.state: Dict[str, Any] = {}
        self.supported = True
        self.queue: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self.startup_done: Optional[asyncio.Future] = None
        self.shutdown_done: Optional[asyncio.Future] = None
        self.task: Optional[asyncio.Task] = None
        self.failure: Optional[str] = None

    async def startup(self) -> None:
        self.startup_done = self.loop.create_future()
        self.task = self.loop.create_task(self._run())
        await self.queue.put({"type": "lifespan.startup"})
        await asyncio.wait([self.startup_done, self.task], return_when=asyncio.FIRST_COMPLETED)
        if self.failure is not None:
            raise LifespanFailure(self.failure)
        if not self.startup_done.done():
            # The app returned or raised without answering: no lifespan.
            self.supported = False

    async def shutdown(self) -> None:
        if not self.supported or self.task is None or self.task.done():
            return
        self.shutdown_done = self.loop.create_future()
        await self.queue.put({"type": "lifespan.shutdown"})
        await asyncio.wait([self.shutdown_done, self.task], return_when=asyncio.FIRST_COMPLETED)
        if self.failure is not None:
            sys.stderr.write("appserver: application shutdown failed: %s\n" % self.failure)
            sys.stderr.flush()

    async def _receive(self) -> Dict[str, Any]:
        return await self.queue.get()

    async def _send(self, message: Dict[str, Any]) -> None:
        t = message["type"]
        if t == "lifespan.startup.complete":
            self.startup_done.set_result(None)
        elif t == "lifespan.startup.failed":
            self.failure = str(message.get("message", "")) or "lifespan.startup.failed"
            self.startup_done.set_result(None)
        elif t == "lifespan.shutdown.complete":
            if self.shutdown_done is not None:
                self.shutdown_done.set_result(None)
        elif t == "lifespan.shutdown.failed":
            self.failure = str(message.get("message", "")) or "lifespan.shutdown.failed"
            if self.shutdown_done is not None:
                self.shutdown_done.set_result(None)
        else:
            raise RuntimeError("ASGI: unexpected message type %r in lifespan" % (t,))

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                 "state": self.state}
        try:
            await self.app(scope, self._receive, self._send)
        except BaseException as e:
            if self.startup_done is not None and self.startup_done.done() and self.failure is None:
                sys.stderr.write("appserver: exception in the lifespan task: %r\n" % (e,))
            elif self.failure is None:
                self.supported = False
