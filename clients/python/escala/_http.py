"""The one place that speaks HTTP: JSON in and out, the API key, problem+json turned into exceptions.

Standard library only (``urllib``). Thread-safe: every call opens its own request.
"""
from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

from . import __version__
from .errors import ConnectionFailed, error_for

DEFAULT_URL = "http://127.0.0.1:8080"


def resolve(url: Optional[str], api_key: Optional[str]) -> Tuple[str, Optional[str]]:
    """The base URL and key from the arguments, else ``ESCALA_URL`` / ``ESCALA_API_KEY``, else the local default."""
    base = (url or os.environ.get("ESCALA_URL") or DEFAULT_URL).rstrip("/")
    key = api_key if api_key is not None else (os.environ.get("ESCALA_API_KEY") or None)
    return base, key


class Transport:
    def __init__(self, url: Optional[str] = None, api_key: Optional[str] = None, timeout: float = 30.0) -> None:
        self.url, self.api_key = resolve(url, api_key)
        self.timeout = timeout

    def headers(self, accept: str = "application/json") -> Dict[str, str]:
        headers = {"Accept": accept, "User-Agent": f"escala-python/{__version__}"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def path(self, path: str, query: Optional[Mapping[str, Any]] = None) -> str:
        if query:
            pairs = [(k, _query_value(v)) for k, v in query.items() if v is not None]
            if pairs:
                path += ("&" if "?" in path else "?") + urllib.parse.urlencode(pairs)
        return path

    def open(self, method: str, path: str, body: Any = None, *, timeout: Optional[float] = None,
             accept: str = "application/json"):
        """Sends a request and returns the open response; raises the typed error for a status >= 400."""
        headers = self.headers(accept)
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":"), default=_json_default).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            return urllib.request.urlopen(request, timeout=timeout or self.timeout)
        except urllib.error.HTTPError as error:
            raise _refusal(error, method, path) from None
        except urllib.error.URLError as error:
            raise ConnectionFailed(self.url, _reason(error.reason)) from None
        except (socket.timeout, TimeoutError) as error:
            raise ConnectionFailed(self.url, f"no answer within {timeout or self.timeout} s ({error})") from None
        except (ConnectionError, OSError) as error:
            raise ConnectionFailed(self.url, _reason(error)) from None

    def request(self, method: str, path: str, body: Any = None, *, timeout: Optional[float] = None) -> Tuple[int, Any]:
        """Sends a request; returns (status, parsed JSON body or None)."""
        response = self.open(method, path, body, timeout=timeout)
        try:
            with response:
                raw = response.read()
                status = response.status
        except (socket.timeout, TimeoutError, ConnectionError, OSError) as error:
            raise ConnectionFailed(self.url, _reason(error)) from None
        return status, (json.loads(raw) if raw else None)

    def lines(self, path: str, timeout: Optional[float] = None) -> Iterator[str]:
        """The lines of a streamed ``text/event-stream`` response, without their line endings."""
        response = self.open("GET", path, timeout=timeout, accept="text/event-stream")
        with response:
            try:
                for raw in response:
                    yield raw.decode("utf-8").rstrip("\r\n")
            except (socket.timeout, TimeoutError, ConnectionError, OSError) as error:
                raise ConnectionFailed(self.url, _reason(error)) from None


def _refusal(error: urllib.error.HTTPError, method: str, path: str):
    try:
        raw = error.read()
    except OSError:
        raw = b""
    problem: Optional[Dict[str, Any]] = None
    if raw:
        try:
            parsed = json.loads(raw)
            problem = parsed if isinstance(parsed, dict) else None
        except ValueError:
            problem = {"detail": raw[:200].decode("utf-8", "replace")}
    retry_after = None
    header = error.headers.get("Retry-After") if error.headers else None
    if header:
        try:
            retry_after = float(header)
        except ValueError:
            retry_after = None
    return error_for(error.code, problem, retry_after, method, path.split("?")[0])


def _reason(reason: Any) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is `escala serve` running there?)"
    return str(reason) or type(reason).__name__


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_default(value: Any) -> Any:
    """JSON for what ``json`` does not know: datetimes as ISO 8601, sets and tuples as lists, dataclasses as objects."""
    import dataclasses
    import datetime
    import decimal
    import uuid
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
