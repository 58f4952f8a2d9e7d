"""Exceptions raised by the client (API refusals, connection failures) and by waiting on jobs.

Every refusal of the API is RFC 9457 problem+json; :class:`ApiError` carries it: ``status``, ``title``,
``detail``, ``errors`` (field path -> list of messages) and ``retry_after`` (seconds) when the server
sent ``Retry-After``. Each status the API uses has its own subclass, so ``except NotFound:`` reads
as it should.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Type


class EscalaError(Exception):
    """Base class of every exception this package raises about the server or a job."""


class ConnectionFailed(EscalaError):
    """The server could not be reached (refused, DNS, TLS, timeout). Nothing is known to have happened."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach Escala at {url}: {reason}")
        self.url = url
        self.reason = reason


class ApiError(EscalaError):
    """The server refused a request: an HTTP status >= 400 with its problem details."""

    def __init__(self, status: int, problem: Optional[Mapping[str, Any]] = None,
                 retry_after: Optional[float] = None, method: str = "", path: str = "") -> None:
        problem = dict(problem or {})
        self.status = status
        self.problem = problem
        self.type: Optional[str] = problem.get("type")
        self.title: str = problem.get("title") or _REASONS.get(status, "HTTP error")
        self.detail: Optional[str] = problem.get("detail")
        raw = problem.get("errors") or {}
        self.errors: Dict[str, List[str]] = {
            str(k): (list(v) if isinstance(v, (list, tuple)) else [str(v)]) for k, v in raw.items()
        } if isinstance(raw, Mapping) else {}
        self.retry_after = retry_after
        self.method = method
        self.path = path
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.method} {self.path}: " if self.path else ""
        text = f"{where}{self.status} {self.title}"
        if self.detail:
            text += f": {self.detail}"
        for field, messages in self.errors.items():
            text += f" [{field}: {' '.join(messages)}]"
        return text


class BadRequest(ApiError):
    """400: malformed JSON, a missing or invalid field (see ``errors``)."""


ValidationError = BadRequest


class Unauthorized(ApiError):
    """401: no API key or an unknown one. Set ``api_key=`` or ``ESCALA_API_KEY``."""


class Forbidden(ApiError):
    """403: the API key lacks the scope this call needs."""


class NotFound(ApiError):
    """404: no such job or queue (or it belongs to another tenant)."""


class Conflict(ApiError):
    """409: an impossible state change, a lease no longer held, or an idempotency key reused."""


class PayloadTooLarge(ApiError):
    """413: the body (usually ``args``) is over the server's limit."""


class UnsupportedMediaType(ApiError):
    """415: the body was not JSON."""


class UnprocessableEntity(ApiError):
    """422: a reference to an unknown queue, resource or kind."""


class TooManyRequests(ApiError):
    """429: rate limited; ``retry_after`` says when to come back."""


class ServiceUnavailable(ApiError):
    """503: the server cannot serve now (store unreachable, node stopping); ``retry_after`` when known."""


class ServerError(ApiError):
    """Any other 5xx."""


_BY_STATUS: Dict[int, Type[ApiError]] = {
    400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict,
    413: PayloadTooLarge, 415: UnsupportedMediaType, 422: UnprocessableEntity,
    429: TooManyRequests, 503: ServiceUnavailable,
}

_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
            413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
            429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def error_for(status: int, problem: Optional[Mapping[str, Any]], retry_after: Optional[float],
              method: str = "", path: str = "") -> ApiError:
    """The typed exception for an HTTP status and its problem details."""
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, problem, retry_after, method, path)


class WaitTimeout(EscalaError, TimeoutError):
    """A wait for a job ended before the job reached a final state. ``job`` is its last known state."""

    def __init__(self, job: Any, timeout: Optional[float]) -> None:
        super().__init__(f"job {job.get('id')} is still {job.get('state')} after {timeout} s")
        self.job = job


class JobFailed(EscalaError):
    """The job ended ``dead``: every attempt failed or one failed permanently. ``job.errors`` has each attempt's error."""

    def __init__(self, job: Any) -> None:
        errors = job.get("errors") or []
        last = errors[-1].get("message") if errors and isinstance(errors[-1], dict) else None
        super().__init__(f"job {job.get('id')} ({job.get('kind')}) failed after {job.get('attempt')} attempt(s)"
                         + (f": {last}" if last else ""))
        self.job = job


class JobCancelled(EscalaError):
    """The job ended ``cancelled``."""

    def __init__(self, job: Any) -> None:
        super().__init__(f"job {job.get('id')} ({job.get('kind')}) was cancelled")
        self.job = job
