"""``Client``: submit jobs, read them, wait for results, follow their events, cancel, retry, queues.

>>> from escala import Client
>>> client = Client("http://127.0.0.1:8080")            # or ESCALA_URL; api_key= or ESCALA_API_KEY
>>> job = client.submit("ocr.extract", {"path": "/in/a.pdf"}, queue="ocr", idempotency_key="doc-1")
>>> client.result(job.id, timeout=60)                   # the result, or JobFailed / JobCancelled
"""
from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Union

from ._http import Transport
from .durations import Duration, to_seconds, to_wire
from .errors import JobCancelled, JobFailed, WaitTimeout
from .models import Event, Job, Record, camel, to_job, wire_fields

JobId = Union[int, str, Mapping[str, Any]]

# The server caps one ?wait= at Limits:MaxWait (60 s by default); longer waits are several requests.
_WAIT_STEP_S = 30.0


class Client:
    """A client of one Escala node or load balancer. Thread-safe; cheap to create."""

    def __init__(self, url: Optional[str] = None, *, api_key: Optional[str] = None, timeout: float = 30.0,
                 base_url: Optional[str] = None) -> None:
        """``url`` (or ``base_url``) defaults to ``ESCALA_URL``, then ``http://127.0.0.1:8080``; ``api_key`` to
        ``ESCALA_API_KEY`` (sent as ``Authorization: Bearer``); ``timeout`` is one request's socket timeout in seconds."""
        self._http = Transport(url or base_url, api_key, timeout)

    @property
    def url(self) -> str:
        return self._http.url

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Nothing to release (each call opens its own connection); here for ``with`` blocks."""

    # ---- submit -------------------------------------------------------------------------------

    def submit(self, kind: str, args: Any = None, *, queue: Optional[str] = None, priority: Optional[int] = None,
               max_attempts: Optional[int] = None, run_at: Union[datetime, str, None] = None,
               delay: Optional[Duration] = None, timeout: Optional[Duration] = None,
               backoff: Optional[Duration] = None, idempotency_key: Optional[str] = None,
               resources: Optional[Sequence[str]] = None, concurrency_key: Optional[str] = None,
               wait: Optional[Duration] = None, **fields: Any) -> Job:
        """Submits one job and returns it (``job.created`` is False when ``idempotency_key`` matched an existing job).

        ``concurrency_key="user:42"`` counts the job against its resources' per-key limits (``perKey`` in the server's
        configuration) and gives each key its fair turn, so one user's batch does not hold back the others.

        ``wait="10s"`` holds the call until the job finishes or the wait is up, and returns the job either way.
        Further keyword arguments are sent as fields of the request (snake_case becomes camelCase).
        """
        body = job_body(kind, args, queue=queue, priority=priority, max_attempts=max_attempts, run_at=run_at,
                        delay=delay, timeout=timeout, backoff=backoff, idempotency_key=idempotency_key,
                        resources=resources, concurrency_key=concurrency_key, **fields)
        status, data = self._http.request("POST", self._http.path("/v1/jobs", {"wait": to_wire(wait)}), body,
                                          timeout=self._timeout_with(wait))
        return to_job(data, created={201: True, 200: False}.get(status))

    def submit_many(self, jobs: Iterable[Mapping[str, Any]]) -> List[Job]:
        """Submits a batch in one request: all valid and inserted, or none (``BadRequest`` names the one at
        fault as ``jobs[i].field``). Each item is a dict with ``kind`` and any field of :meth:`submit`
        (snake_case or camelCase). Returns the jobs in order; ``job.created`` tells new from existing."""
        items = [job_body(**_snake_to_kwargs(item)) for item in jobs]
        _, data = self._http.request("POST", "/v1/jobs/batch", {"jobs": items})
        return [to_job(entry.get("job"), created=bool(entry.get("created"))) for entry in (data or {}).get("jobs", [])]

    submit_batch = submit_many

    # ---- read ---------------------------------------------------------------------------------

    def get(self, job: JobId, *, wait: Optional[Duration] = None) -> Job:
        """One job with its result, progress and errors; ``wait=`` waits up to that long for it to finish."""
        _, data = self._http.request("GET", self._http.path(f"/v1/jobs/{job_id(job)}", {"wait": to_wire(wait)}),
                                     timeout=self._timeout_with(wait))
        return to_job(data)

    def wait(self, job: JobId, timeout: Optional[Duration] = None) -> Job:
        """Waits until the job is ``completed``, ``cancelled`` or ``dead`` and returns it.

        ``timeout`` (seconds or ``"5m"``; None waits as long as it takes) ends in :class:`WaitTimeout`.
        """
        limit = to_seconds(timeout)
        deadline = None if limit is None else time.monotonic() + limit
        while True:
            left = _WAIT_STEP_S if deadline is None else min(_WAIT_STEP_S, deadline - time.monotonic())
            current = self.get(job, wait=max(left, 0.0) if left > 0 else None)
            if current.done:
                return current
            if deadline is not None and time.monotonic() >= deadline:
                raise WaitTimeout(current, limit)

    def result(self, job: JobId, timeout: Optional[Duration] = None) -> Any:
        """Waits for the job and returns its result; raises :class:`JobFailed` when it ended ``dead``,
        :class:`JobCancelled` when cancelled, :class:`WaitTimeout` when ``timeout`` is up first."""
        return result_of(self.wait(job, timeout))

    def list(self, *, queue: Optional[str] = None, state: Optional[str] = None, kind: Optional[str] = None,
             limit: int = 50, cursor: Optional[str] = None) -> Iterator[Job]:
        """Jobs newest first, filtered; follows ``nextCursor`` page by page until there are no more."""
        while True:
            _, data = self._http.request("GET", self._http.path(
                "/v1/jobs", {"queue": queue, "state": state, "kind": kind, "limit": limit, "cursor": cursor}))
            for item in (data or {}).get("jobs", []):
                yield to_job(item)
            cursor = (data or {}).get("nextCursor")
            if cursor is None:
                return

    jobs = list

    def events(self, job: JobId, *, max_duration: Optional[Duration] = None) -> Iterator[Event]:
        """The job's server-sent events, as they happen: ``state``, ``progress``, ``waiting``, then ``done``
        (or ``timeout`` when ``max_duration``, at most 5 minutes, is up). Each has ``name`` and ``job``."""
        path = self._http.path(f"/v1/jobs/{job_id(job)}/events", {"maxDuration": to_wire(max_duration)})
        yield from parse_sse(self._http.lines(path))

    # ---- change -------------------------------------------------------------------------------

    def cancel(self, job: JobId) -> Job:
        """Cancels a waiting job (it ends ``cancelled``) or asks a running one to stop (``cancel_requested``:
        its worker's ``ctx.cancelled`` is set). ``Conflict`` when the job already finished."""
        _, data = self._http.request("POST", f"/v1/jobs/{job_id(job)}/cancel", {})
        return to_job(data)

    def retry(self, job: JobId) -> Job:
        """Runs a finished (``dead``, ``cancelled``, ``completed``) or waiting job again now."""
        _, data = self._http.request("POST", f"/v1/jobs/{job_id(job)}/retry", {})
        return to_job(data)

    # ---- workflows ----------------------------------------------------------------------------

    def submit_workflow(self, steps: Iterable[Mapping[str, Any]], *, name: Optional[str] = None,
                        on_failure: Optional[str] = None, callback_url: Optional[str] = None) -> Record:
        """Submits a workflow: each step is a dict with ``name``, ``kind``, optional ``depends_on`` (names of the
        steps it waits for) and any field of :meth:`submit`. ``on_failure`` is ``"failWorkflow"`` (default) or
        ``"continue"``. ``callback_url`` receives the signed outcome once the workflow is final (the server needs
        ``callbacks:secret``). Returns the workflow: ``id``, ``state`` and ``steps`` (each with ``job_id`` and ``state``)."""
        items = []
        for step in steps:
            fields = _snake_to_kwargs(step)
            step_name = fields.pop("name", None)
            depends_on = fields.pop("depends_on", fields.pop("dependsOn", None))
            body = job_body(**fields)
            body["name"] = step_name
            if depends_on is not None:
                body["dependsOn"] = list(depends_on)
            items.append(body)
        body = {"steps": items}
        if name is not None:
            body["name"] = name
        if on_failure is not None:
            body["onFailure"] = on_failure
        if callback_url is not None:
            body["callback"] = {"url": callback_url}
        _, data = self._http.request("POST", "/v1/workflows", body)
        return Record(data or {})

    def get_workflow(self, workflow: int) -> Record:
        """A workflow with every step's state, job id and result."""
        _, data = self._http.request("GET", f"/v1/workflows/{int(workflow)}")
        return Record(data or {})

    def cancel_workflow(self, workflow: int) -> Record:
        """Cancels the workflow's waiting steps and asks its running ones to stop."""
        _, data = self._http.request("POST", f"/v1/workflows/{int(workflow)}/cancel", {})
        return Record(data or {})

    # ---- queues -------------------------------------------------------------------------------

    def queues(self) -> List[Record]:
        """Every queue: ``name``, ``paused``, ``concurrency``, ``external``, ``max_attempts``, ``timeout`` and
        ``counts`` by state."""
        _, data = self._http.request("GET", "/v1/queues")
        return [Record(q) for q in (data or {}).get("queues", [])]

    def queue(self, name: str) -> Record:
        """One queue of :meth:`queues`; ``KeyError`` when there is none by that name."""
        for q in self.queues():
            if q.get("name") == name:
                return q
        raise KeyError(name)

    def pause_queue(self, name: str) -> Record:
        """Stops leasing the queue's jobs, cluster-wide (running jobs finish)."""
        _, data = self._http.request("POST", f"/v1/queues/{name}/pause", {})
        return Record(data or {})

    def resume_queue(self, name: str) -> Record:
        _, data = self._http.request("POST", f"/v1/queues/{name}/resume", {})
        return Record(data or {})

    # ---- raw ----------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        """Any other endpoint: ``client.request("GET", "/v1/resources")``. Returns the parsed JSON."""
        _, data = self._http.request(method, self._http.path(path, query), body)
        return data

    def _timeout_with(self, wait: Optional[Duration]) -> Optional[float]:
        seconds = to_seconds(wait)
        return None if seconds is None else self._http.timeout + seconds


def job_id(job: JobId) -> int:
    """A job's id from an id or a job."""
    if isinstance(job, Mapping):
        return int(job["id"])
    return int(job)


def job_body(kind: str, args: Any = None, **fields: Any) -> Dict[str, Any]:
    """The JSON of one job to submit, from :meth:`Client.submit`'s arguments."""
    if not kind or not isinstance(kind, str):
        raise ValueError("kind is required: the name of the task that runs the job, e.g. 'ocr.extract'")
    for name in ("delay", "timeout", "backoff"):  # numbers and timedeltas become "30s"; strings go as written
        if fields.get(name) is not None and not isinstance(fields[name], str):
            fields[name] = to_wire(fields[name])
    if isinstance(fields.get("run_at"), datetime):
        run_at: datetime = fields["run_at"]
        if run_at.tzinfo is None:
            raise ValueError("run_at needs a time zone (datetime.now(timezone.utc) + ...), the server cannot guess it")
        fields["run_at"] = run_at.isoformat()
    if fields.get("resources") is not None:
        fields["resources"] = list(fields["resources"])
    body = {"kind": kind}
    if args is not None:
        body["args"] = args
    body.update(wire_fields(fields))
    return body


def result_of(job: Job) -> Any:
    if job.get("state") == "completed":
        return job.get("result")
    if job.get("state") == "cancelled":
        raise JobCancelled(job)
    raise JobFailed(job)


def parse_sse(lines: Iterable[str]) -> Iterator[Event]:
    """Server-sent events from their lines (comments and keep-alives skipped)."""
    name, event_id, data = "message", None, []
    for line in lines:
        if line == "":
            if data:
                text = "\n".join(data)
                try:
                    payload = json.loads(text)
                except ValueError:
                    payload = text
                yield Event({"name": name, "id": event_id, "data": payload})
            name, event_id, data = "message", None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field == "id":
            event_id = value


def _snake_to_kwargs(item: Mapping[str, Any]) -> Dict[str, Any]:
    known = {"kind", "args", "queue", "priority", "max_attempts", "run_at", "delay", "timeout", "backoff",
             "idempotency_key", "resources", "concurrency_key"}
    out: Dict[str, Any] = {}
    for key, value in item.items():
        snake = next((k for k in known if camel(k) == key), key)
        out[snake] = value
    if "kind" not in out:
        raise ValueError("every job of a batch needs a kind")
    return out
