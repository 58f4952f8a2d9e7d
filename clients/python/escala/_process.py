"""``pool="process"``: each slot is a child process that runs one task at a time.

Like Celery's prefork pool: a child is replaced after ``max_tasks_per_child`` tasks (memory-leaking
libraries), gets the soft deadline as ``SIGUSR1`` (raised in the task as :class:`SoftTimeLimitExceeded`, which
interrupts even ``time.sleep``) and is killed at the hard deadline. Children are forked where the platform
allows it (tasks defined anywhere work); elsewhere spawned (tasks must be importable module-level functions).
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

from .context import JobContext
from .exceptions import SoftTimeLimitExceeded
from .task import Outcome, Task, outcome_of_error, outcome_of_result

log = logging.getLogger("escala.worker")

_TaskTuple = Tuple[str, Any, str, Optional[float], Optional[bool]]

#: Seconds between a child's checks that the worker process that forked it is still alive.
_PARENT_CHECK = 0.5


class ProcessPool:
    def __init__(self, worker: Any, size: int, max_tasks_per_child: Optional[int]) -> None:
        methods = multiprocessing.get_all_start_methods()
        self.mp = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.tasks: List[_TaskTuple] = [(t.kind, t.fn, t.queue, t.timeout, t.bind) for t in worker.tasks.values()]
        self.max_tasks = max_tasks_per_child
        self.idle: "queue.Queue[_Child]" = queue.Queue()
        self.children: List[_Child] = []
        self.closed = False
        self.spawned = 0
        for _ in range(size):
            self.idle.put(self._spawn())

    def _spawn(self) -> "_Child":
        child = _Child(self.mp, self.tasks)
        self.children.append(child)
        self.spawned += 1
        return child

    def run(self, attempt: Any) -> None:
        """Runs one attempt on an idle child (on the attempt's own thread) and reports its outcome."""
        child = self.idle.get()
        attempt._slot = child
        try:
            outcome = child.execute(attempt)
        finally:
            attempt._slot = None
            if not self.closed:
                if not child.alive or (self.max_tasks is not None and child.done >= self.max_tasks):
                    child.retire()
                    self.children.remove(child)
                    child = self._spawn()
                self.idle.put(child)
        attempt.finish(outcome)

    def close(self) -> None:
        self.closed = True
        for child in list(self.children):
            child.retire(kill=True)


class _Child:
    def __init__(self, mp: Any, tasks: List[_TaskTuple]) -> None:
        self.conn, theirs = mp.Pipe(duplex=True)
        self.process = mp.Process(target=_child_main, args=(theirs, tasks), daemon=True, name="escala-child")
        self.process.start()
        theirs.close()
        self.done = 0
        self._send_lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def _send(self, message: Any) -> None:
        with self._send_lock:
            try:
                self.conn.send(message)
            except (OSError, ValueError):
                pass

    def execute(self, attempt: Any) -> Outcome:
        self._send(("job", attempt.job, attempt.ctx.time_left()))
        self.done += 1
        while True:
            try:
                ready = self.conn.poll(0.2)
            except (OSError, ValueError):
                ready = False
            if ready:
                try:
                    kind, value = self.conn.recv()
                except (EOFError, OSError):
                    continue
                if kind == "progress":
                    attempt.send_progress(value)
                elif kind == "outcome":
                    return Outcome(**value)
            elif not self.process.is_alive():
                self.process.join(1)
                if not attempt.holds_lease:
                    return Outcome("drop")
                return Outcome("fail", error=f"the worker's child process died (exit code {self.process.exitcode})")

    def notify(self, why: str) -> None:
        self._send(("signal", why))

    def soft_deadline(self) -> None:
        if self.process.pid and self.process.is_alive():
            os.kill(self.process.pid, signal.SIGUSR1)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()

    def retire(self, kill: bool = False) -> None:
        if kill:
            self.kill()
        else:
            self._send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1)
        self.conn.close()


def _child_main(conn: Any, tasks: List[_TaskTuple]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when work stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    registry: Dict[str, Task] = {kind: Task(kind, fn, queue=q, timeout=t, bind=b) for kind, fn, q, t, b in tasks}
    current: Dict[str, Any] = {"ctx": None, "in_task": False}
    jobs: "queue.Queue[Any]" = queue.Queue()
    send_lock = threading.Lock()

    def send(message: Any) -> None:
        with send_lock:
            conn.send(message)

    def on_deadline(_signum: int, _frame: Any) -> None:
        ctx = current["ctx"]
        if ctx is not None:
            ctx._deadline_reached()
        if current["in_task"]:
            raise SoftTimeLimitExceeded("soft time limit exceeded")

    signal.signal(signal.SIGUSR1, on_deadline)

    # The worker process may die without a word (kill -9, the OOM killer). The pipe does not say so: forked siblings
    # hold copies of its other end. A child whose parent is gone has nobody to take its outcome or keep its lease
    # (the server rescues the job when the lease expires), so it ends at once instead of living on as an orphan.
    parent = os.getppid()

    def read() -> None:
        while True:
            try:
                if not conn.poll(_PARENT_CHECK):
                    if os.getppid() != parent:
                        os._exit(1)
                    continue
                message = conn.recv()
            except (EOFError, OSError):
                jobs.put(None)
                return
            if message is None or message[0] == "job":
                jobs.put(message)
                if message is None:
                    return
            elif message[0] == "signal" and current["ctx"] is not None:
                current["ctx"]._request_cancel(message[1])

    threading.Thread(target=read, daemon=True).start()
    while True:
        message = jobs.get()
        if message is None:
            return
        _, job, soft_left = message
        task = registry[job["kind"]]
        ctx = JobContext(job, lambda value: send(("progress", value)),
                         None if soft_left is None else time.monotonic() + soft_left)
        current["ctx"] = ctx
        try:
            positional, keywords = task.arguments(ctx, ctx.args)
            current["in_task"] = True
            try:
                value = task.fn(*positional, **keywords)
                if task.is_async:
                    value = asyncio.run(value)
            finally:
                current["in_task"] = False
            outcome = outcome_of_result(ctx, value)
        except BaseException as error:  # noqa: B902 - every ending of a task is reported
            outcome = outcome_of_error(ctx, error)
        current["ctx"] = None
        send(("outcome", outcome.__dict__))
