"""What the API returns, as plain dicts that also read as attributes.

``job["maxAttempts"]``, ``job.max_attempts`` and ``job.maxAttempts`` are the same value, so code can use
whichever style it likes and nothing is lost when the server adds a field.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

FINAL_STATES = frozenset({"completed", "cancelled", "dead"})

_CAMEL = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """``max_attempts`` -> ``maxAttempts``; camelCase names pass through."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


class Record(dict):
    """A JSON object whose keys also read as attributes, in snake_case or camelCase (nested objects too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, value in self.items():
            dict.__setitem__(self, key, _deep(value))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        for key in (name, camel(name)):
            if key in self:
                return self[key]
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")


class Job(Record):
    """A job as the API shows it: ``id``, ``kind``, ``queue``, ``state``, ``args``, ``result``, ``progress``,
    ``attempt``, ``max_attempts``, ``errors`` (one per failed attempt), ``cancel_requested`` and more."""

    @property
    def done(self) -> bool:
        """True once the job is ``completed``, ``cancelled`` or ``dead``."""
        return self.get("state") in FINAL_STATES

    @property
    def created(self) -> Optional[bool]:
        """For a submit: True when this call created the job, False when its idempotency key matched an existing one."""
        return self.__dict__.get("_created")

    def __getattr__(self, name: str) -> Any:
        if name in ("result", "progress", "error") and name not in self:
            if name == "error":
                errors = self.get("errors") or []
                return errors[-1].get("message") if errors else None
            return None
        return super().__getattr__(name)


class Event(Record):
    """One server-sent event of a job: ``name`` (``state``, ``progress``, ``waiting``, ``done``, ``timeout``),
    ``id`` and ``job`` (the job at that moment)."""

    @property
    def job(self) -> Job:
        return Job(self.get("data") or {})


def _deep(value: Any) -> Any:
    if type(value) is dict:
        return Record(value)
    if type(value) is list:
        return [_deep(v) for v in value]
    return value


def to_job(data: Any, created: Optional[bool] = None) -> Job:
    job = Job(data or {})
    if created is not None:
        job.__dict__["_created"] = created
    return job


def wire_fields(fields: Dict[str, Any]) -> Dict[str, Any]:
    """Keyword arguments (snake_case) as the API's camelCase fields, dropping the ones left None."""
    return {camel(k): v for k, v in fields.items() if v is not None}
