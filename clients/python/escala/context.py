"""``JobContext``: what a task gets besides its arguments.

Identity (``id``, ``attempt``, ``idempotency_key``) to make side effects idempotent; ``progress(...)``;
the attempt's ``deadline`` and ``time_left()``; ``cancelled``, an event that is set when the job is asked
to stop; ``check()`` and ``sleep()`` that raise :class:`Cancelled` / :class:`SoftTimeLimitExceeded` at the
right moment; ``retry(...)`` like Celery's ``self.retry``.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from .client import _snake_to_kwargs, job_body
from .durations import Duration, to_seconds
from .exceptions import Cancelled, Retry, SoftTimeLimitExceeded, WorkerShutdown
from .models import Record


class CancelFlag(threading.Event):
    """A ``threading.Event`` that is also truthy when set: ``if ctx.cancelled:`` and ``ctx.cancelled.wait(5)``."""

    def __bool__(self) -> bool:
        return self.is_set()

    def __repr__(self) -> str:
        return f"<CancelFlag {'set' if self.is_set() else 'clear'}>"


class JobContext:
    """The running attempt of one job, as its task sees it."""

    def __init__(self, job: Dict[str, Any], send_progress: Callable[[Any], Any],
                 soft_deadline: Optional[float] = None, logger: Optional[logging.Logger] = None,
                 workflow_call: Optional[Callable[[str, Dict[str, Any]], Any]] = None) -> None:
        self.job = Record(job)
        self.id: int = int(job["id"])
        self.kind: str = job.get("kind", "")
        self.queue: str = job.get("queue", "")
        self.args: Any = job.get("args")
        self.attempt: int = int(job.get("attempt") or 1)
        self.max_attempts: int = int(job.get("maxAttempts") or 1)
        self.idempotency_key: Optional[str] = job.get("idempotencyKey")
        self.concurrency_key: Optional[str] = job.get("concurrencyKey")
        self.traceparent: Optional[str] = job.get("traceparent")
        self.workflow_id: Optional[int] = job.get("workflowId")
        self.step: Optional[str] = job.get("step")
        self._workflow_call = workflow_call  # POSTs to /v1/workers/... with this lease; None in process mode
        self.log = logger or logging.getLogger(f"escala.task.{self.kind}")
        self.cancelled = CancelFlag()
        self.cancel_requested = False
        self.lease_lost = False
        self.shutting_down = False
        self.timed_out = False
        self._send_progress = send_progress
        self._soft_deadline = soft_deadline  # time.monotonic() of the soft deadline, or None
        self._wake = threading.Event()

    # ---- identity -----------------------------------------------------------------------------

    @property
    def job_id(self) -> int:
        return self.id

    @property
    def retries(self) -> int:
        """Attempts before this one (Celery's ``self.request.retries``)."""
        return self.attempt - 1

    @property
    def is_last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts

    @property
    def deadline(self) -> Optional[datetime]:
        """When this attempt's soft time limit falls (UTC), or None without a timeout."""
        left = self.time_left()
        return None if left is None else datetime.now(timezone.utc) + timedelta(seconds=left)

    def time_left(self) -> Optional[float]:
        """Seconds until the soft deadline (0 when past it), or None without a timeout."""
        if self._soft_deadline is None:
            return None
        return max(0.0, self._soft_deadline - time.monotonic())

    # ---- reporting ----------------------------------------------------------------------------

    def progress(self, value: Any = None, **fields: Any) -> Any:
        """Reports progress (any JSON: ``ctx.progress(50)``, ``ctx.progress(percent=50, step="ocr")``); SSE
        subscribers see it at once. Returns nothing in a thread; in an ``async def`` task it returns an
        awaitable you may await to be sure it was sent."""
        if fields:
            value = {**value, **fields} if isinstance(value, dict) else ({"value": value, **fields} if value is not None else fields)
        return self._send_progress(value)

    # ---- workflows ----------------------------------------------------------------------------

    def spawn(self, children: Iterable[Mapping[str, Any]]) -> List[Record]:
        """Fan-out from a workflow step: adds child jobs (dicts with ``kind`` and any field of
        ``Client.submit``, up to the server's ``limits:maxBatch`` per call; call again for more). The steps that
        wait for this one wait for every child too, and see their results in :meth:`parents`. Returns the
        children (``id``, ``step`` such as ``split.3``, ``state``)."""
        items = [job_body(**_snake_to_kwargs(child)) for child in children]
        answer = self._workflow("/v1/workers/spawn", {"children": items})
        return [Record(job) for job in (answer or {}).get("jobs", [])]

    def parents(self, page_size: int = 1000) -> Dict[str, Any]:
        """The results of every job this step waited for, by step name: its declared parents and the children
        they spawned (``split.1``, ``split.2``...), read a page at a time."""
        results: Dict[str, Any] = {}
        after = None
        for _ in range(100_000):
            page = self._workflow("/v1/workers/parents", {"after": after, "limit": page_size}) or {}
            for parent in page.get("parents", []):
                results[parent["step"]] = parent.get("result")
            after = page.get("nextCursor")
            if after is None:
                break
        return results

    def _workflow(self, path: str, body: Dict[str, Any]) -> Any:
        if self.workflow_id is None:
            raise RuntimeError(f"job {self.id} is not a workflow step")
        if self._workflow_call is None:
            raise RuntimeError("spawn and parents need the worker's connection (not available in process mode)")
        return self._workflow_call(path, body)

    # ---- stopping -----------------------------------------------------------------------------

    def check(self) -> None:
        """Raises :class:`Cancelled` when the job should stop, :class:`SoftTimeLimitExceeded` past the deadline."""
        if self.cancelled.is_set():
            raise WorkerShutdown("worker shutting down") if self.shutting_down and not self.cancel_requested \
                else Cancelled("cancel requested" if self.cancel_requested else "lease lost")
        if self.timed_out or (self._soft_deadline is not None and time.monotonic() >= self._soft_deadline):
            self.timed_out = True
            raise SoftTimeLimitExceeded(f"job {self.id}: soft time limit exceeded")

    def sleep(self, seconds: Duration) -> None:
        """Sleeps, but wakes at once to raise :class:`Cancelled` or :class:`SoftTimeLimitExceeded`."""
        self.check()
        self._wake.wait(self._bounded(to_seconds(seconds) or 0.0))
        self.check()

    async def asleep(self, seconds: Duration) -> None:
        """``await ctx.asleep(5)``: :meth:`sleep` for ``async def`` tasks."""
        self.check()
        end = time.monotonic() + self._bounded(to_seconds(seconds) or 0.0)
        while time.monotonic() < end and not self._wake.is_set():
            await asyncio.sleep(min(0.05, max(0.0, end - time.monotonic())))
        self.check()

    def retry(self, reason: Optional[str] = None, *, after: Optional[Duration] = None, throttled: bool = False,
              exc: Optional[BaseException] = None) -> Retry:
        """Raises :class:`Retry` (so both ``ctx.retry(after="30s")`` and ``raise ctx.retry(...)`` read right)."""
        raise Retry(reason, after=after, throttled=throttled, exc=exc)

    def _bounded(self, seconds: float) -> float:
        left = self.time_left()
        return seconds if left is None else min(seconds, left)

    # ---- set by the worker --------------------------------------------------------------------

    def _request_cancel(self, why: str) -> None:
        if why == "cancel":
            self.cancel_requested = True
        elif why == "lost":
            self.lease_lost = True
        elif why == "shutdown":
            self.shutting_down = True
        self.cancelled.set()
        self._wake.set()

    def _deadline_reached(self) -> None:
        self.timed_out = True
        self._wake.set()

    def __repr__(self) -> str:
        return f"<JobContext {self.kind} id={self.id} attempt={self.attempt}/{self.max_attempts}>"
