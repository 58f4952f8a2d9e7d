#!/usr/bin/env python3
"""A tiny Escala external worker: lease jobs over HTTP, run a handler per kind, report the outcome.

It keeps the same promises as an in-process worker: it leases only the kinds it has handlers for,
heartbeats at the interval the server asks for, stops a task at its deadline, stops it when a user
cancels it (and reports it cancelled), and on Ctrl+C or SIGTERM hands the running job back unstarted.

Standard library only. Run: python3 worker.py --url http://127.0.0.1:8080 --queue default
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable

LEASE_WAIT_S = 10
DEFAULT_HEARTBEAT_S = 10.0


class LeaseLost(Exception):
    """The server answered 409: the lease expired, was rescued or passed its hard deadline; drop the job."""


class PermanentError(Exception):
    """Raise from a handler for a failure that retrying cannot fix (bad input)."""


class Throttled(Exception):
    """Raise from a handler when the dependency said 429: the server pauses the job's resources for retry_after_s."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Stopped(Exception):
    """Raised by ctx.check() once the task must stop: cancel requested, deadline passed, lease lost or shutdown."""


class Client:
    def __init__(self, url: str, api_key: str | None) -> None:
        self.url = url.rstrip("/")
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"

    def post(self, path: str, body: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 409:
                raise LeaseLost(path) from error
            raise
        return json.loads(data) if data else {}


def parse_duration(text: str | None, default: float) -> float:
    """'500ms', '10s', '2m', '1h', '1m30s' -> seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
    parts = re.findall(r"([\d.]+)([a-z]+)", text or "")
    return sum(float(n) * units[u] for n, u in parts if u in units) if parts else default


def parse_instant(text: str | None) -> float | None:
    """An ISO 8601 instant with offset (the server may send 7 fractional digits) -> epoch seconds."""
    if not text:
        return None
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00"))
    return dt.datetime.fromisoformat(text).timestamp()


class JobContext:
    """What a handler gets besides its args: progress reporting, and when to stop."""

    def __init__(self, client: Client, job: dict[str, Any]) -> None:
        self.client, self.job = client, job
        self.lease = {"id": job["id"], "leaseToken": job["leaseToken"]}
        self.cancelled = threading.Event()  # set once the task must stop; `reason` says why
        self.reason: str | None = None
        self.deadline = parse_instant(job.get("deadline"))  # soft timeout: stop the task then

    def stop(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self.cancelled.set()

    def check(self) -> None:
        """Call often in long handlers: raises Stopped once the task must stop."""
        if self.cancelled.is_set():
            raise Stopped(self.reason or "stopped")

    def progress(self, progress: Any) -> None:
        answer = self.client.post("/v1/workers/progress", {**self.lease, "progress": progress})
        if answer.get("cancelRequested"):
            self.stop("cancel")

    def heartbeat_until(self, done: threading.Event, every_s: float) -> None:
        while not done.wait(every_s):
            try:
                answer = self.client.post("/v1/workers/heartbeat", {"leases": [self.lease]})
            except (OSError, LeaseLost) as error:  # a missed heartbeat is retried on the next tick
                log(f"job {self.job['id']}: heartbeat failed: {error}")
                continue
            if self.job["id"] in answer.get("lost", []):
                self.stop("lost")
            if self.job["id"] in answer.get("cancelRequested", []):
                self.stop("cancel")


Handler = Callable[[dict[str, Any], JobContext], Any]


def upper(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    ctx.progress({"percent": 50, "step": "upper-casing"})
    return {"text": str(args["text"]).upper()}


def countdown(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    """A long task that checks for cancel and its deadline between steps."""
    steps = int(args.get("steps", 10))
    for step in range(steps):
        ctx.check()
        ctx.progress({"step": step, "of": steps})
        ctx.cancelled.wait(float(args.get("stepSeconds", 0.2)))
    ctx.check()
    return {"steps": steps}


HANDLERS: dict[str, Handler] = {"upper": upper, "countdown": countdown}


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def report(client: Client, ctx: JobContext, path: str, body: dict[str, Any], what: str) -> None:
    try:
        answer = client.post(path, {**ctx.lease, **body})
        log(f"job {ctx.job['id']} ({ctx.job['kind']}, attempt {ctx.job.get('attempt')}) {what}: {answer.get('state')}")
    except LeaseLost:
        log(f"job {ctx.job['id']}: lease lost before it could be reported {what}; the server decides (retry or timeout)")
    except OSError as error:
        log(f"job {ctx.job['id']}: could not report {what} ({error}); its lease will expire and the server retries it")


def run_job(client: Client, job: dict[str, Any], heartbeat_s: float) -> None:
    ctx = JobContext(client, job)
    done = threading.Event()
    threading.Thread(target=ctx.heartbeat_until, args=(done, heartbeat_s), daemon=True).start()
    timer = None
    if ctx.deadline is not None:
        timer = threading.Timer(max(0.0, ctx.deadline - time.time()), ctx.stop, args=("deadline",))
        timer.daemon = True
        timer.start()
    try:
        handler = HANDLERS.get(job["kind"])
        if handler is None:
            raise PermanentError(f"no handler for kind '{job['kind']}'")
        result = handler(job.get("args") or {}, ctx)
        ctx.check()  # a result after a cancel, the deadline or a lost lease is not reported as success
        report(client, ctx, "/v1/workers/complete", {"result": result}, "completed")
    except (Stopped, LeaseLost):
        stopped(client, ctx)
    except KeyboardInterrupt:  # Ctrl+C or SIGTERM: hand the job back, it runs again at once elsewhere
        report(client, ctx, "/v1/workers/release", {}, "released")
        raise
    except Throttled as error:
        report(client, ctx, "/v1/workers/fail", {"error": str(error), "retryable": True, "throttled": True,
                                                   "retryAfter": f"{max(1, int(error.retry_after_s))}s"}, "throttled")
    except Exception as error:  # any other handler failure becomes a reported failure
        report(client, ctx, "/v1/workers/fail", {"error": f"{type(error).__name__}: {error}",
                                                   "retryable": not isinstance(error, PermanentError)}, "failed")
    finally:
        done.set()
        if timer is not None:
            timer.cancel()


def stopped(client: Client, ctx: JobContext) -> None:
    if ctx.reason == "cancel":
        report(client, ctx, "/v1/workers/cancel", {"reason": "cancel requested"}, "cancelled")
    elif ctx.reason == "deadline":
        report(client, ctx, "/v1/workers/fail", {"error": "stopped at the attempt's deadline", "retryable": True}, "timed out")
    else:
        log(f"job {ctx.job['id']}: lease lost, dropping it (the server retries it)")


def main() -> int:
    parser = argparse.ArgumentParser(description="Escala external worker (Python, stdlib only)")
    parser.add_argument("--url", default=os.environ.get("ESCALA_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--queue", action="append", help="queue to lease from (repeatable; default: default)")
    parser.add_argument("--api-key", default=os.environ.get("ESCALA_API_KEY"))
    options = parser.parse_args()
    client = Client(options.url, options.api_key)
    # Only the kinds this worker can run: other kinds in the same queues stay for the workers that can.
    lease = {"queues": options.queue or ["default"], "max": 1, "kinds": sorted(HANDLERS),
             "wait": f"{LEASE_WAIT_S}s", "worker": f"py-{os.getpid()}"}
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C and SIGTERM: hand back the job, exit
        signal.signal(stop_signal, signal.default_int_handler)
    log(f"leasing {lease['kinds']} from {lease['queues']} at {client.url} as {lease['worker']}")
    try:
        while True:
            started = time.monotonic()
            try:
                answer = client.post("/v1/workers/lease", lease, timeout=LEASE_WAIT_S + 15)
            except (OSError, ValueError, LeaseLost) as error:
                log(f"lease failed: {error}; retrying in 2s")
                time.sleep(2)
                continue
            jobs = answer.get("jobs", [])
            if not jobs and time.monotonic() - started < 1:
                time.sleep(1)  # the server did not long-poll: do not spin
            for job in jobs:
                run_job(client, job, parse_duration(answer.get("heartbeatInterval"), DEFAULT_HEARTBEAT_S))
    except KeyboardInterrupt:
        log("stopped")
        return 0


if __name__ == "__main__":
    sys.exit(main())
