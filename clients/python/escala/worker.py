"""``Worker``: runs Python functions as Escala tasks, leasing jobs over HTTP.

>>> worker = Worker(concurrency=4)                      # url= / ESCALA_URL, api_key= / ESCALA_API_KEY
>>> @worker.task("ocr.extract", queue="ocr")
... def extract(ctx, path, lang="por"):
...     ctx.progress(percent=10)
...     return {"text": ocr(path, lang)}
>>> worker.run()                                        # until SIGTERM or Ctrl+C

Duties, in one place:
- lease: one loop long-polls ``/v1/workers/lease`` for as many jobs as there are free slots, from the
  queues of the registered tasks and only their kinds;
- run: a plain function on its own thread, an ``async def`` on the worker's event loop, or (``pool="process"``)
  in a child process recycled after ``max_tasks_per_child`` tasks;
- heartbeat: one thread extends every held lease each ``heartbeatInterval`` and learns which jobs were asked
  to cancel (``ctx.cancelled`` is set) or were lost (the result will be dropped);
- deadline: at the attempt's soft deadline the task gets :class:`SoftTimeLimitExceeded` (thrown into the
  thread, the coroutine or, as a signal, the child process); past the hard deadline the server fails the
  attempt and a child process is killed;
- report: return -> complete; ``Retry`` -> fail, retryable, ``retryAfter``; ``PermanentError`` or args that do not
  fit -> fail, not retryable; stopped after a cancel request -> cancel; any other exception -> fail, retryable;
- stop: on SIGTERM/SIGINT stop leasing, let running tasks finish within ``shutdown_grace``, then set their
  ``ctx.cancelled`` and hand their jobs back (``/v1/workers/release``) so another worker starts them at once.
"""
from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import re
import signal
import socket
import threading
import time
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

from ._async import EventLoopThread, Interruptible
from .client import Client
from .context import JobContext
from .durations import Duration, to_seconds, to_wire
from .errors import ApiError, BadRequest, Conflict, ConnectionFailed, NotFound, ServiceUnavailable
from .exceptions import SoftTimeLimitExceeded
from .task import Outcome, Task, outcome_of_error, outcome_of_result

log = logging.getLogger("escala.worker")


class Worker:
    """Leases jobs of the registered tasks' kinds and runs them; see the module documentation."""

    def __init__(self, url: Optional[str] = None, *, api_key: Optional[str] = None, client: Optional[Client] = None,
                 concurrency: int = 4, queues: Optional[Sequence[str]] = None, name: Optional[str] = None,
                 pool: str = "thread", max_tasks_per_child: Optional[int] = None,
                 shutdown_grace: Duration = 30.0, lease_wait: Duration = "10s",
                 heartbeat_interval: Optional[Duration] = None, base_url: Optional[str] = None) -> None:
        """``concurrency``: most tasks this worker runs at once. ``queues``: lease from these (default: the
        registered tasks' queues). ``pool``: ``"thread"`` (default; ``async def`` tasks always share one event
        loop) or ``"process"`` (each slot a child process, recycled after ``max_tasks_per_child`` tasks, killed
        at the hard deadline). ``shutdown_grace``: how long a stop waits for running tasks before handing
        them back. ``heartbeat_interval``: default from the server (a third of the lease duration)."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if pool not in ("thread", "process"):
            raise ValueError("pool is 'thread' or 'process'")
        if max_tasks_per_child is not None and pool != "process":
            raise ValueError("max_tasks_per_child needs pool='process'")
        self.client = client or Client(url or base_url, api_key=api_key, timeout=60.0)
        self.concurrency = concurrency
        self.queues = list(queues) if queues else None
        self.name = name or f"py-{socket.gethostname()}-{os.getpid()}"
        self.pool = pool
        self.max_tasks_per_child = max_tasks_per_child
        self.shutdown_grace = to_seconds(shutdown_grace) or 0.0
        self.lease_wait = to_wire(lease_wait)
        self.heartbeat_interval = to_seconds(heartbeat_interval)
        self.tasks: Dict[str, Task] = {}
        self._running: Dict[int, "_Attempt"] = {}
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._send_kinds = True
        self._loop: Optional[EventLoopThread] = None
        self._processes: Optional[Any] = None
        self._threads: List[threading.Thread] = []
        self.completed = 0  # attempts reported, any outcome (for tests and metrics)

    # ---- registration -------------------------------------------------------------------------

    def task(self, kind: Optional[str] = None, *, queue: str = "default", timeout: Optional[Duration] = None,
             bind: Optional[bool] = None, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Registers a function as the task for ``kind`` (default: the function's module and name).

        ``queue``: where its jobs are submitted and leased. ``timeout``: a local soft time limit (the server's
        per-attempt deadline applies too; the earlier wins) and the default ``timeout`` of ``.delay()``.
        Other options (``max_attempts``, ``priority``, ``resources``...) become defaults of ``.delay()``.
        The function is returned unchanged, with ``.delay(**args)`` and ``.submit(args, **options)`` added.
        """
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            name = kind or f"{fn.__module__}.{fn.__qualname__}"
            if name in self.tasks:
                raise ValueError(f"a task for kind {name!r} is already registered")
            spec = Task(name, fn, queue=queue, timeout=to_seconds(timeout), bind=bind, options=dict(options))
            self.tasks[name] = spec
            defaults = dict(options, queue=queue, timeout=to_wire(timeout))

            def submit(args: Any = None, **fields: Any) -> Any:
                return self.client.submit(name, args, **{**defaults, **fields})

            def delay(*args: Any, **kwargs: Any) -> Any:
                return self.client.submit(name, list(args) if args else kwargs, **defaults)

            fn.submit = submit  # type: ignore[attr-defined]
            fn.delay = delay  # type: ignore[attr-defined]
            fn.kind = name  # type: ignore[attr-defined]
            return fn

        if callable(kind):  # @worker.task without parentheses
            fn, kind = kind, None
            return register(fn)  # type: ignore[return-value]
        return register

    # ---- life cycle ---------------------------------------------------------------------------

    def run(self, install_signal_handlers: bool = True) -> None:
        """Runs until SIGTERM/SIGINT (or :meth:`stop`), then stops gracefully and returns."""
        if install_signal_handlers and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)
        self.start()
        try:
            while not self._stopping.wait(0.5):
                pass
        finally:
            self.stop()

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self._stopping.is_set():
            log.warning("second %s: handing running jobs back now", signal.Signals(signum).name)
            self.shutdown_grace = 0.0
            with self._lock:
                self._lock.notify_all()
        else:
            log.info("%s: no more leases; running jobs get %.0f s to finish", signal.Signals(signum).name, self.shutdown_grace)
        self._stopping.set()

    def start(self) -> "Worker":
        """Starts leasing in background threads and returns (for tests and embedding); :meth:`stop` ends it."""
        if not self.tasks:
            raise RuntimeError("no task registered: decorate a function with @worker.task(\"kind\")")
        if self.pool == "process":
            from ._process import ProcessPool
            self._processes = ProcessPool(self, self.concurrency, self.max_tasks_per_child)
        if any(t.is_async for t in self.tasks.values()) and self.pool == "thread":
            self._loop = EventLoopThread()
        for target, label in ((self._lease_loop, "lease"), (self._heartbeat_loop, "heartbeat")):
            thread = threading.Thread(target=target, name=f"escala-{label}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("worker %s leasing %s from %s at %s (%s pool, %d slots)", self.name, sorted(self.tasks),
                 self.lease_queues(), self.client.url, self.pool, self.concurrency)
        return self

    def stop(self, grace: Optional[Duration] = None) -> None:
        """Stops leasing; waits up to ``grace`` (default ``shutdown_grace``) for running tasks; hands back the rest."""
        if grace is not None:
            self.shutdown_grace = to_seconds(grace) or 0.0
        self._stopping.set()
        deadline = time.monotonic() + self.shutdown_grace
        with self._lock:
            while self._running and time.monotonic() < deadline and self.shutdown_grace > 0:
                self._lock.wait(min(0.2, max(0.0, deadline - time.monotonic())))
            left = list(self._running.values())
        for attempt in left:
            attempt.hand_back()
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._processes is not None:
            self._processes.close()
        if self._loop is not None:
            self._loop.stop()
        log.info("worker %s stopped (%d handed back)", self.name, len(left))

    def __enter__(self) -> "Worker":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def running(self) -> List[int]:
        """Ids of the jobs running now."""
        with self._lock:
            return list(self._running)

    def lease_queues(self) -> List[str]:
        return self.queues or sorted({t.queue for t in self.tasks.values()})

    # ---- leasing ------------------------------------------------------------------------------

    def _lease_loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            with self._lock:
                free = self.concurrency - len(self._running)
                if free <= 0:
                    self._lock.wait(0.5)
                    continue
            try:
                answer = self._lease(free)
                failures = 0
            except (ConnectionFailed, ServiceUnavailable) as error:
                failures += 1
                pause = min(5.0, 0.25 * 2 ** min(failures, 5))
                log.warning("lease failed (%s); again in %.1f s", error, pause)
                self._stopping.wait(pause)
                continue
            except ApiError as error:
                log.error("lease refused: %s; again in 5 s", error)
                self._stopping.wait(5)
                continue
            if answer.get("heartbeatInterval") and self.heartbeat_interval is None:
                self._server_heartbeat = to_seconds(answer["heartbeatInterval"])
            elif answer.get("leaseDuration") and self.heartbeat_interval is None:
                self._server_heartbeat = (to_seconds(answer["leaseDuration"]) or 30.0) / 3
            for job in answer.get("jobs", []):
                self._dispatch(job)

    _server_heartbeat: Optional[float] = None

    def _lease(self, free: int) -> Dict[str, Any]:
        body: Dict[str, Any] = {"queues": self.lease_queues(), "max": free, "wait": self.lease_wait, "worker": self.name}
        if self._send_kinds:
            body["kinds"] = sorted(self.tasks)
        wait = to_seconds(self.lease_wait) or 0.0
        try:
            return self.client._http.request("POST", "/v1/workers/lease", body, timeout=wait + 30)[1] or {}
        except BadRequest as error:
            if "kinds" in error.errors and self._send_kinds:
                log.warning("this server does not filter leases by kind; leasing every kind of %s", self.lease_queues())
                self._send_kinds = False
                return self._lease(free)
            raise

    def _dispatch(self, job: Dict[str, Any]) -> None:
        attempt = _Attempt(self, job, self.tasks.get(job.get("kind", "")))
        with self._lock:
            self._running[attempt.id] = attempt
        if self._stopping.is_set():
            attempt.hand_back()
            return
        if attempt.task is None:
            attempt.finish(Outcome("release"))
            log.warning("job %s: no task for kind %r here; handed back", attempt.id, job.get("kind"))
            self._stopping.wait(1.0)
            return
        attempt.begin()

    def _finished(self, attempt: "_Attempt") -> None:
        with self._lock:
            self._running.pop(attempt.id, None)
            self.completed += 1
            self._lock.notify_all()

    # ---- heartbeats ---------------------------------------------------------------------------

    def _heartbeat_loop(self) -> None:
        while not self._stopped.wait(self.heartbeat_interval or self._server_heartbeat or 10.0):
            with self._lock:
                held = [a for a in self._running.values() if a.holds_lease]
            if not held:
                continue
            try:
                _, answer = self.client._http.request(
                    "POST", "/v1/workers/heartbeat", {"leases": [a.lease for a in held]})
            except (ConnectionFailed, ApiError) as error:
                log.warning("heartbeat failed (%s); again next beat", error)
                continue
            answer = answer or {}
            lost = set(answer.get("lost") or [])
            cancel = set(answer.get("cancelRequested") or [])
            for attempt in held:
                if attempt.id in lost:
                    attempt.signal("lost")
                elif attempt.id in cancel:
                    attempt.signal("cancel")

    # ---- reporting ----------------------------------------------------------------------------

    def post(self, path: str, body: Dict[str, Any], until: Optional[float]) -> Optional[Dict[str, Any]]:
        """POSTs a worker call, retrying connection failures and 503s until ``until`` (monotonic)."""
        pause = 0.2
        while True:
            try:
                return self.client._http.request("POST", path, body)[1]
            except (ConnectionFailed, ServiceUnavailable) as error:
                if until is None or time.monotonic() + pause > until:
                    raise
                log.warning("%s failed (%s); again in %.1f s", path, error, pause)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)


class _Attempt:
    """One leased job on this worker: its context, its timers, and how its end is reported."""

    def __init__(self, worker: Worker, job: Dict[str, Any], task: Optional[Task]) -> None:
        self.worker = worker
        self.job = job
        self.task = task
        self.id = int(job["id"])
        self.lease = {"id": self.id, "leaseToken": job.get("leaseToken")}
        self.received = time.monotonic()
        soft, self.hard = _deadlines(job, task, self.received)
        self.ctx = JobContext(job, self._progress, soft, workflow_call=self._workflow_call)
        self.holds_lease = True
        self._state_lock = threading.Lock()
        self._ended = False
        self._thread_id: Optional[int] = None
        self._in_user_code = False
        self._injected = False
        self._interruptible: Optional[Interruptible] = None
        self._timers: List[threading.Timer] = []
        self._slot: Any = None  # the child process in process mode

    def _workflow_call(self, path: str, body: Dict[str, Any]) -> Any:
        """``ctx.spawn`` and ``ctx.parents``: a worker endpoint under this attempt's lease."""
        return self.worker.client._http.request("POST", path, {**self.lease, **body})[1]

    # ---- running ------------------------------------------------------------------------------

    def begin(self) -> None:
        assert self.task is not None
        soft_left = self.ctx.time_left()
        if soft_left is not None:
            self._timer(soft_left, self._soft_deadline)
        if self.hard is not None:
            self._timer(max(0.0, self.hard - time.monotonic()), self._hard_deadline)
        if self.worker._processes is not None:
            threading.Thread(target=self.worker._processes.run, args=(self,), name=f"escala-job-{self.id}", daemon=True).start()
        elif self.task.is_async:
            assert self.worker._loop is not None
            self.worker._loop.submit(self._run_async())
        else:
            threading.Thread(target=self._run_thread, name=f"escala-job-{self.id}", daemon=True).start()

    def _run_thread(self) -> None:
        assert self.task is not None
        try:
            positional, keywords = self.task.arguments(self.ctx, self.ctx.args)
            try:
                with self._state_lock:
                    self._thread_id = threading.get_ident()
                    self._in_user_code = True
                value = self.task.fn(*positional, **keywords)
            finally:
                with self._state_lock:
                    self._in_user_code = False
                    if self._injected:
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.get_ident()), None)
            outcome = outcome_of_result(self.ctx, value)
        except BaseException as error:  # noqa: B902 - every ending of a task is reported
            outcome = outcome_of_error(self.ctx, error)
        self.finish(outcome)

    async def _run_async(self) -> None:
        assert self.task is not None
        try:
            positional, keywords = self.task.arguments(self.ctx, self.ctx.args)
            self._interruptible = Interruptible(self.task.fn(*positional, **keywords))
            value = await self._interruptible
            outcome = outcome_of_result(self.ctx, value)
        except BaseException as error:  # noqa: B902 - every ending of a task is reported
            outcome = outcome_of_error(self.ctx, error)
        await asyncio.get_running_loop().run_in_executor(None, self.finish, outcome)

    # ---- signals from the worker --------------------------------------------------------------

    def signal(self, why: str) -> None:
        """``cancel`` (asked to stop), ``lost`` (lease gone) or ``shutdown`` (grace over)."""
        if why == "lost":
            self.holds_lease = False
        self.ctx._request_cancel(why)
        if self._slot is not None:
            self._slot.notify(why)

    def _soft_deadline(self) -> None:
        self.ctx._deadline_reached()
        if self._slot is not None:
            self._slot.soft_deadline()
        elif self._interruptible is not None and self.worker._loop is not None:
            interruptible = self._interruptible
            self.worker._loop.loop.call_soon_threadsafe(
                interruptible.interrupt, SoftTimeLimitExceeded(f"job {self.id}: soft time limit exceeded"))
        else:
            with self._state_lock:
                if self._in_user_code and self._thread_id is not None and not self._injected:
                    self._injected = True
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(self._thread_id), ctypes.py_object(SoftTimeLimitExceeded))

    def _hard_deadline(self) -> None:
        # The server fails the attempt now; nothing this worker sends about it will count.
        self.holds_lease = False
        self.ctx._request_cancel("lost")
        if self._slot is not None:
            self._slot.kill()
        else:
            log.warning("job %s passed its hard deadline and its task is still running; the server failed the "
                        "attempt. A thread cannot be killed: use pool='process' for tasks that can hang", self.id)

    def _timer(self, seconds: float, action: Callable[[], None]) -> None:
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        timer.start()
        self._timers.append(timer)

    # ---- reporting ----------------------------------------------------------------------------

    def _progress(self, value: Any) -> Any:
        if self.worker._loop is not None and _on_loop(self.worker._loop.loop):
            return self.worker._loop.loop.run_in_executor(None, self.send_progress, value)
        self.send_progress(value)
        return None

    def send_progress(self, value: Any) -> None:
        if not self.holds_lease:
            return
        try:
            answer = self.worker.client._http.request(
                "POST", "/v1/workers/progress", {**self.lease, "progress": value})[1] or {}
        except (Conflict, NotFound):
            self.signal("lost")
            return
        except (ConnectionFailed, ApiError) as error:
            log.warning("job %s: progress not sent (%s)", self.id, error)
            return
        if answer.get("cancelRequested"):
            self.signal("cancel")

    def hand_back(self) -> None:
        """Graceful stop: the task is told to stop and its job goes back to the queue, unfinished."""
        self.signal("shutdown")
        self.finish(Outcome("release"))

    def finish(self, outcome: Outcome) -> None:
        with self._state_lock:
            if self._ended:
                return
            self._ended = True
        for timer in self._timers:
            timer.cancel()
        try:
            if outcome.verb != "drop" and self.holds_lease:
                self._report(outcome)
            elif outcome.verb == "drop" or not self.holds_lease:
                log.info("job %s: lease lost; the server retries it, the result here is dropped", self.id)
        finally:
            self.holds_lease = False
            self.worker._finished(self)

    def _report(self, outcome: Outcome) -> None:
        until = self.hard or (time.monotonic() + 30)
        body: Dict[str, Any] = dict(self.lease)
        if outcome.verb == "complete":
            path, body["result"] = "/v1/workers/complete", outcome.result
        elif outcome.verb in ("fail", "retry"):
            path = "/v1/workers/fail"
            body.update(error=outcome.error, retryable=outcome.retryable or outcome.verb == "retry")
            if outcome.after:
                body["retryAfter"] = outcome.after
            if outcome.throttled:
                body["throttled"] = True
        elif outcome.verb == "cancel":
            path, body["reason"] = "/v1/workers/cancel", outcome.error
        else:
            path = "/v1/workers/release"
        try:
            try:
                answer = self.worker.post(path, body, until) or {}
            except NotFound as missing:
                if missing.problem or path not in _OLDER_SERVER:
                    raise
                # A server older than /v1/workers/cancel and /release: the nearest call it knows.
                fallback = {**self.lease, "error": outcome.error or "handed back", "retryable": _OLDER_SERVER[path]}
                answer = self.worker.post("/v1/workers/fail", fallback, until) or {}
            log.info("job %s (%s, attempt %s): %s -> %s", self.id, self.job.get("kind"), self.job.get("attempt"),
                     outcome.verb, answer.get("state"))
        except Conflict:
            log.info("job %s: lease no longer held when reporting %s; the server decided its fate", self.id, outcome.verb)
        except (ConnectionFailed, ApiError) as error:
            log.error("job %s: could not report %s (%s); its lease will expire and it will run again", self.id, outcome.verb, error)


_OLDER_SERVER = {"/v1/workers/cancel": False, "/v1/workers/release": True}


def _deadlines(job: Dict[str, Any], task: Optional[Task], received: float):
    """(soft, hard) deadlines as ``time.monotonic()`` values from the lease's ``timeout``/``deadline``/``hardDeadline``
    and the task's own ``timeout``; relative values are preferred (they are immune to clock skew)."""
    soft = hard = None
    now_wall = time.time()
    timeout = to_seconds(job.get("timeout")) if job.get("timeout") else None
    if not timeout or ("deadline" in job and job["deadline"] is None):
        timeout = None  # the server gave this attempt no deadline
    deadline_wall = _epoch(job.get("deadline"))
    hard_wall = _epoch(job.get("hardDeadline"))
    if timeout is not None:
        soft = received + timeout
    elif deadline_wall is not None:
        soft = received + (deadline_wall - now_wall)
    if hard_wall is not None:
        grace = hard_wall - deadline_wall if deadline_wall is not None else 0.0
        hard = (soft + grace) if soft is not None else received + (hard_wall - now_wall)
    if task is not None and task.timeout is not None:
        local = received + task.timeout
        soft = local if soft is None else min(soft, local)
    return soft, hard


def _epoch(text: Optional[str]) -> Optional[float]:
    if not text:
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00"))  # .NET writes 7 fraction digits
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
