#!/usr/bin/env python3
"""A tiny Escala external worker: lease jobs over HTTP, run a handler per kind, report the outcome.

Standard library only. Run: python3 worker.py --url http://127.0.0.1:8080 --queue default
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Callable

HEARTBEAT_EVERY_S = 10.0
LEASE_WAIT_S = 10


class LeaseLost(Exception):
    """The server answered 409: the lease expired or was taken over; drop the job."""


class PermanentError(Exception):
    """Raise from a handler for a failure that retrying cannot fix (bad input)."""


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


class JobContext:
    """What a handler gets besides its args: progress reporting and a cancellation flag."""

    def __init__(self, client: Client, job: dict[str, Any]) -> None:
        self.client, self.job = client, job
        self.lease = {"id": job["id"], "leaseToken": job["leaseToken"]}
        self.cancelled = threading.Event()  # set when the server asks to cancel or the lease is lost
        self.lost = False

    def progress(self, progress: dict[str, Any]) -> None:
        self.client.post("/v1/workers/progress", {**self.lease, "progress": progress})

    def heartbeat_until(self, done: threading.Event) -> None:
        while not done.wait(HEARTBEAT_EVERY_S):
            try:
                answer = self.client.post("/v1/workers/heartbeat", {"leases": [self.lease]})
            except (OSError, LeaseLost) as error:  # a missed heartbeat is retried on the next tick
                log(f"job {self.job['id']}: heartbeat failed: {error}")
                continue
            if self.job["id"] in answer.get("lost", []):
                self.lost = True
                self.cancelled.set()
            if self.job["id"] in answer.get("cancelRequested", []):
                self.cancelled.set()


Handler = Callable[[dict[str, Any], JobContext], dict[str, Any]]


def upper(args: dict[str, Any], ctx: JobContext) -> dict[str, Any]:
    ctx.progress({"percent": 50, "step": "upper-casing"})
    return {"text": str(args["text"]).upper()}


HANDLERS: dict[str, Handler] = {"upper": upper}


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def run_job(client: Client, job: dict[str, Any]) -> None:
    ctx = JobContext(client, job)
    done = threading.Event()
    threading.Thread(target=ctx.heartbeat_until, args=(done,), daemon=True).start()
    try:
        handler = HANDLERS.get(job["kind"])
        if handler is None:
            raise PermanentError(f"no handler for kind '{job['kind']}'")
        result = handler(job.get("args") or {}, ctx)
        if ctx.lost:
            raise LeaseLost("heartbeat")
        client.post("/v1/workers/complete", {**ctx.lease, "result": result})
        log(f"job {job['id']} ({job['kind']}, attempt {job.get('attempt')}) completed")
    except LeaseLost:
        log(f"job {job['id']}: lease lost, dropping it (the server will retry it)")
    except KeyboardInterrupt:
        fail(client, ctx, "worker stopped", retryable=True)
        raise
    except Exception as error:  # any handler failure becomes a reported failure
        fail(client, ctx, f"{type(error).__name__}: {error}", not isinstance(error, PermanentError))
    finally:
        done.set()


def fail(client: Client, ctx: JobContext, message: str, retryable: bool) -> None:
    try:
        client.post("/v1/workers/fail", {**ctx.lease, "error": message, "retryable": retryable})
        log(f"job {ctx.job['id']} failed (retryable={retryable}): {message}")
    except (OSError, LeaseLost) as error:
        log(f"job {ctx.job['id']}: could not report failure ({error}); its lease will expire")


def main() -> int:
    parser = argparse.ArgumentParser(description="Escala external worker (Python, stdlib only)")
    parser.add_argument("--url", default=os.environ.get("ESCALA_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--queue", action="append", help="queue to lease from (repeatable; default: default)")
    parser.add_argument("--api-key", default=os.environ.get("ESCALA_API_KEY"))
    options = parser.parse_args()
    client = Client(options.url, options.api_key)
    lease = {"queues": options.queue or ["default"], "max": 1,
             "wait": f"{LEASE_WAIT_S}s", "worker": f"py-{os.getpid()}"}
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C and SIGTERM: hand back the job, exit
        signal.signal(stop_signal, signal.default_int_handler)
    log(f"leasing from {lease['queues']} at {client.url} as {lease['worker']}")
    try:
        while True:
            started = time.monotonic()
            try:
                jobs = client.post("/v1/workers/lease", lease, timeout=LEASE_WAIT_S + 15).get("jobs", [])
            except (OSError, ValueError, LeaseLost) as error:
                log(f"lease failed: {error}; retrying in 2s")
                time.sleep(2)
                continue
            if not jobs and time.monotonic() - started < 1:
                time.sleep(1)  # the server did not long-poll: do not spin
            for job in jobs:
                run_job(client, job)
    except KeyboardInterrupt:
        log("stopped")
        return 0


if __name__ == "__main__":
    sys.exit(main())
