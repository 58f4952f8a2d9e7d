"""Running ``async def`` tasks: one event loop on its own thread, and a wrapper that can throw
:class:`SoftTimeLimitExceeded` into a coroutine at the await it is parked on."""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Coroutine, Generator, Optional


class EventLoopThread:
    """An asyncio loop running forever on a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="escala-asyncio", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[Any, Any, Any]) -> "asyncio.Future[Any]":
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


class Interruptible:
    """Awaits ``coro``; :meth:`interrupt` makes it raise ``error`` at the await it is parked on.

    It drives the coroutine itself (as ``yield from`` would) and turns the task's cancellation, which
    :meth:`interrupt` requests, into ``error`` thrown into the coroutine: the task sees the exception it
    expects (``SoftTimeLimitExceeded``) rather than a bare ``CancelledError``.
    """

    def __init__(self, coro: Coroutine[Any, Any, Any]) -> None:
        self.coro = coro
        self.task: Optional["asyncio.Task[Any]"] = None
        self.pending: Optional[BaseException] = None

    def interrupt(self, error: BaseException) -> None:
        """Call on the loop's thread."""
        if self.task is not None and not self.task.done() and self.pending is None:
            self.pending = error
            self.task.cancel()

    def __await__(self) -> Generator[Any, Any, Any]:
        self.task = asyncio.current_task()
        send: Any = None
        throw: Optional[BaseException] = None
        while True:
            try:
                yielded = self.coro.throw(throw) if throw is not None else self.coro.send(send)
            except StopIteration as stop:
                return stop.value
            send, throw = None, None
            try:
                send = yield yielded
            except asyncio.CancelledError as cancelled:
                if self.pending is not None:
                    throw, self.pending = self.pending, None
                    uncancel = getattr(self.task, "uncancel", None)
                    if uncancel is not None:
                        uncancel()
                else:
                    throw = cancelled
            except BaseException as error:  # noqa: B902 - forwarded into the coroutine, as yield from does
                throw = error
