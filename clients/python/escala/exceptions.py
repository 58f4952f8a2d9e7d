"""Exceptions a task raises to tell the worker how its attempt ended, and the ones the worker raises into it."""
from __future__ import annotations

from typing import Optional

from .durations import Duration, to_wire


class Retry(Exception):
    """Raise from a task to fail this attempt and run the job again later.

    ``raise Retry(after="30s")`` asks for the next attempt no sooner than 30 s from now (without ``after`` the
    queue's backoff applies). ``throttled=True`` says the dependency refused with 429/Retry-After: the job's
    resources pause cluster-wide for ``after``. The job still ends ``dead`` when its attempts are used up.
    """

    def __init__(self, reason: Optional[str] = None, *, after: Optional[Duration] = None, throttled: bool = False,
                 exc: Optional[BaseException] = None, countdown: Optional[Duration] = None) -> None:
        """``countdown`` is Celery's name for ``after`` (seconds)."""
        self.after = to_wire(after if after is not None else countdown)
        self.throttled = throttled
        self.exc = exc
        self.reason = reason or (f"{type(exc).__name__}: {exc}" if exc is not None else "retry requested")
        super().__init__(self.reason)


class PermanentError(Exception):
    """Raise from a task for a failure that retrying cannot fix (bad input, a missing file): the job ends
    ``dead`` at once, whatever attempts are left, and no breaker counts it."""


Reject = PermanentError


class SoftTimeLimitExceeded(Exception):
    """Raised inside a running task when its attempt's deadline (the job's or queue's ``timeout``) is reached.

    Catch it to clean up; if it escapes, the attempt fails as a timeout and is retried per the job's policy.
    The server fails the attempt itself at the hard deadline (``deadline`` + the queue's ``hardTimeoutGrace``).
    """


class Cancelled(Exception):
    """Raised by ``ctx.check()`` / ``ctx.sleep()`` once a cancel was requested (or the lease was lost, or the
    worker is shutting down). Let it escape: the job ends ``cancelled`` (or is handed back on shutdown)."""


class WorkerShutdown(Cancelled):
    """The worker stopped and its grace period ended before the task: the job is handed back, not failed."""
