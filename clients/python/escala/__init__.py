"""Escala's Python SDK: submit jobs with :class:`Client` / :class:`AsyncClient`, run them with :class:`Worker`.

Standard library only; Python 3.9+.
"""
__version__ = "0.1.0"

from .aio import AsyncClient  # noqa: E402
from .client import Client  # noqa: E402
from .context import CancelFlag, JobContext  # noqa: E402
from .durations import to_seconds, to_wire  # noqa: E402
from .errors import (  # noqa: E402
    ApiError, BadRequest, Conflict, ConnectionFailed, EscalaError, Forbidden, JobCancelled, JobFailed, NotFound,
    PayloadTooLarge, ServerError, ServiceUnavailable, TooManyRequests, Unauthorized, UnprocessableEntity,
    UnsupportedMediaType, ValidationError, WaitTimeout)
from .exceptions import Cancelled, PermanentError, Reject, Retry, SoftTimeLimitExceeded, WorkerShutdown  # noqa: E402
from .models import Event, Job, Record  # noqa: E402
from .worker import Worker  # noqa: E402

__all__ = [
    "Client", "AsyncClient", "Worker", "JobContext", "CancelFlag", "Job", "Event", "Record",
    "Retry", "PermanentError", "Reject", "SoftTimeLimitExceeded", "Cancelled", "WorkerShutdown",
    "EscalaError", "ApiError", "BadRequest", "ValidationError", "Unauthorized", "Forbidden", "NotFound", "Conflict",
    "PayloadTooLarge", "UnsupportedMediaType", "UnprocessableEntity", "TooManyRequests", "ServiceUnavailable",
    "ServerError", "ConnectionFailed", "JobFailed", "JobCancelled", "WaitTimeout", "to_seconds", "to_wire",
]
