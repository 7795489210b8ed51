"""Eager start of a request's coroutine (Python 3.12's eager tasks, for 3.11).

A request's coroutine takes its first step at once, on the loop thread,
inside the callback that took the request from Go: a hello-world or
JSON app that never waits on a future completes right there, and the
Task object, its call_soon handle and one loop hop are never made (about
1 µs of the ~3 µs Python spends on such a request). Only a coroutine
that suspends becomes a real asyncio Task.

What the app sees is what a Task gives it:

- asyncio.current_task() returns the request's task during the first
  step too: an instance created without __init__ and entered as the
  loop's current task (asyncio.tasks._enter_task). Its cancel(),
  cancelling(), uncancel() and done() work uninitialized (asyncio.timeout,
  anyio's cancel scopes use those); get_coro() is overridden because the C
  version dereferences the missing coroutine.
- A coroutine that suspends keeps that same object: it is initialized
  (Task.__init__) then, with the loop and the step's context, around a
  wrapper that first waits for the future the coroutine is blocked on and
  then delegates to it with `yield from` (C-level, no Python frame per
  step). The wrapper cannot simply resume the coroutine at once: a
  coroutine blocked in `await fut` may only be resumed once fut is done.
- contextvars: the first step runs in a copy of the current context and
  the Task continues in that same copy, as create_task would do.
- Cancellation: Task.cancel() on the waiting task cancels the future
  (the coroutine then sees CancelledError from its await, as usual); a
  cancel that arrives before the wrapper's first step (a disconnect in
  the same batch) is thrown into the coroutine at its await point, the
  future it waited on cancelled, as Task.cancel() would have done. A
  cancel() the app made on its own task during the first step is carried
  over to the initialized task.
"""
from __future__ import annotations

import asyncio
import contextvars
import types
from asyncio.tasks import _enter_task, _leave_task  # the C versions
from typing import Any, Coroutine, Generator, Optional

__all__ = ["start_eager"]


class _EagerTask(asyncio.Task):  # type: ignore[type-arg]
    """The request's task; uninitialized while its first step runs."""

    def get_coro(self) -> Any:
        # _asyncio.Task.get_coro() on 3.11 dereferences a NULL coroutine
        # before __init__; the member read returns None instead.
        return self._coro  # type: ignore[attr-defined]


_new = asyncio.Task.__new__
_init = asyncio.Task.__init__
_copy_context = contextvars.copy_context


@types.coroutine
def _resume(coro: Coroutine[Any, Any, Any], waiting: Any) -> Generator[Any, Any, Any]:
    """Continues coro, already suspended on `waiting` (a future, or None
    for a bare yield such as asyncio.sleep(0)), under a real Task."""
    exc: Optional[BaseException] = None
    try:
        yield  # primed by start_eager; the Task's first step resumes here
    except BaseException as e:  # cancelled before the Task's first step
        exc = e
        if waiting is not None and isinstance(exc, asyncio.CancelledError):
            cancel = getattr(waiting, "cancel", None)
            if cancel is not None and not waiting.done():
                cancel()
    while True:
        if exc is not None:
            if isinstance(exc, GeneratorExit):
                coro.close()
                raise exc
            try:
                waiting = coro.throw(exc)
            except StopIteration as stop:
                return stop.value
            exc = None
        try:
            yield waiting  # the Task waits for it, as for the coroutine
        except BaseException as e:  # Task.cancel() or a bad yield: into coro
            exc = e
            continue
        # waiting is done (or was a bare yield): coro may resume now.
        return (yield from coro)


def start_eager(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]) -> Optional[asyncio.Task]:  # type: ignore[type-arg]
    """Runs coro's first step now; returns None when it completed, else
    the Task that continues it. Must not be called from inside a task."""
    task = _new(_EagerTask)
    ctx = _copy_context()
    _enter_task(loop, task)
    try:
        waiting = ctx.run(coro.send, None)
    except StopIteration:
        return None
    except BaseException as e:
        # The coroutine ended with an exception in its first step: a
        # Task would have stored it and logged it as never retrieved.
        loop.call_exception_handler({"message": "exception in an eagerly started ASGI request",
                                     "exception": e})
        return None
    finally:
        _leave_task(loop, task)
    cancels = task.cancelling()
    must_cancel = task._must_cancel  # type: ignore[attr-defined]
    wrapper = _resume(coro, waiting)
    wrapper.send(None)  # to the priming yield, so a cancel() before the first step reaches coro
    _init(task, wrapper, loop=loop, context=ctx)
    if cancels or must_cancel:
        # __init__ reset the counters: carry over the app's own cancel().
        for _ in range(max(cancels, 1)):
            task.cancel()
        if not cancels:
            task.uncancel()
    return task
