"""Apps for test_eager_start.py: what an app observes of its task and
context when its first step runs eagerly (appserver/_asgi_eager.py)."""
from __future__ import annotations

import asyncio
import contextvars
import json
import time
import weakref

cv: contextvars.ContextVar = contextvars.ContextVar("cv", default="unset")
seen = {"cancelled": 0, "finally": 0}
made_by_factory: "weakref.WeakSet[asyncio.Task]" = weakref.WeakSet()


def task_factory(loop, coro, **kwargs):
    """A tracing library's task factory (Sentry, OpenTelemetry...)."""
    task = asyncio.Task(coro, loop=loop, **kwargs)
    made_by_factory.add(task)
    return task


async def reply(send, obj, status=200):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(obj).encode()})


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    path = scope["path"]
    task = asyncio.current_task()
    out = {"task": task is not None and isinstance(task, asyncio.Task),
           "cv_before": cv.get(), "in_all_tasks_first_step": task in asyncio.all_tasks()}
    cv.set(path)  # must not leak into other requests
    if path == "/stats":
        return await reply(send, seen)
    if path == "/set-factory":
        asyncio.get_running_loop().set_task_factory(task_factory)
    elif path == "/unset-factory":
        asyncio.get_running_loop().set_task_factory(None)
    out["by_factory"] = task in made_by_factory
    if path == "/block-loop":
        time.sleep(1.0)  # blocks the loop: what arrives meanwhile comes in one batch
    elif path == "/plain":
        pass
    elif path == "/introspect":
        # What debuggers and anyio call on the current task (get_coro()
        # of an uninitialized C Task would crash the interpreter).
        out["coro"] = repr(task.get_coro())[:20]
        out["done"] = task.done()
        out["name"] = str(task.get_name())
    elif path == "/sleep":
        await asyncio.sleep(0.02)
        out["same_task"] = asyncio.current_task() is task
        out["in_all_tasks_later"] = task in asyncio.all_tasks()
    elif path == "/yield":
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        out["same_task"] = asyncio.current_task() is task
    elif path == "/timeout":
        try:
            async with asyncio.timeout(0.02):
                await asyncio.sleep(5)
        except TimeoutError:
            out["timed_out"] = True
        out["same_task"] = asyncio.current_task() is task
        out["cancelling"] = task.cancelling()
    elif path == "/self-cancel":
        # cancel() on its own task during the first step: the next await
        # raises CancelledError, as with a scheduled Task.
        task.cancel()
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            out["cancelled_at_await"] = True
            task.uncancel()
    elif path == "/child":
        # A task created in the first step sees the request's context.
        async def child():
            return cv.get()
        out["child_cv"] = await asyncio.create_task(child())
    elif path == "/wait-for-disconnect":
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            seen["cancelled"] += 1
            raise
        finally:
            seen["finally"] += 1
    elif path == "/anyio":
        # Cancel scopes entered in the first step (by the task object that
        # is initialized only when the request suspends) and a task group.
        import anyio
        try:
            with anyio.fail_after(0.02):
                await anyio.sleep(5)
        except TimeoutError:
            out["fail_after"] = True
        with anyio.move_on_after(0.01) as scope_:
            await anyio.sleep(5)
        out["moved_on"] = scope_.cancelled_caught
        async with anyio.create_task_group() as tg:
            tg.start_soon(anyio.sleep, 0.01)
        out["task_group"] = True
    elif path == "/raise":
        raise ValueError("boom in the first step")
    elif path == "/raise-later":
        await asyncio.sleep(0)
        raise ValueError("boom after a suspension")
    out["cv_after"] = cv.get()
    await reply(send, out)
