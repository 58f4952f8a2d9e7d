"""Durations as the API writes them (``500ms``, ``30s``, ``2m``, ``1h``, ``7d``), to and from seconds."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Optional, Union

Duration = Union[str, int, float, timedelta]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$")


def to_seconds(value: Optional[Duration]) -> Optional[float]:
    """Seconds for ``"30s"``, ``"1m30s"``, ``30``, ``30.0`` or ``timedelta(seconds=30)``; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("a duration is a string such as '30s', a number of seconds or a timedelta")
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"a duration cannot be negative: {value}")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE.match(text):
            raise ValueError(f"{value!r} is not a duration such as 500ms, 10s, 2m, 1h or 1m30s")
        return sum(float(number) * _UNITS[unit] for number, unit in _PART.findall(text))
    raise TypeError(f"a duration is a string such as '30s', a number of seconds or a timedelta, not {type(value).__name__}")


def to_wire(value: Optional[Duration]) -> Optional[str]:
    """The API's spelling of a duration: whole seconds as ``"30s"``, anything finer in milliseconds."""
    seconds = to_seconds(value)
    if seconds is None:
        return None
    millis = int(round(seconds * 1000))
    if millis % 1000 == 0:
        return f"{millis // 1000}s"
    return f"{millis}ms"
