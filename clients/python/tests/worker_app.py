"""Tasks for the tests that run a worker as its own process (kill -9, SIGTERM, the process pool).

Run: ``python -m escala worker worker_app:worker`` with ESCALA_URL and APP_QUEUE set.
"""
import os
import time

from escala import SoftTimeLimitExceeded, Worker

worker = Worker(lease_wait="1s", heartbeat_interval="300ms", shutdown_grace=os.environ.get("APP_GRACE", "10s"))
QUEUE = os.environ.get("APP_QUEUE", "default")


@worker.task("app.slow", queue=QUEUE)
def slow(ctx, seconds):
    ctx.progress({"pid": os.getpid(), "attempt": ctx.attempt})
    time.sleep(seconds if ctx.attempt == 1 else 0.1)  # not interruptible: only kill -9 or the grace end it
    return {"pid": os.getpid(), "attempt": ctx.attempt}


@worker.task("app.blocking", queue=QUEUE)
def blocking(ctx):
    if os.environ.get("APP_BLOCK"):
        time.sleep(60)  # this worker never finishes it: only a hand-back or a kill ends it
    return {"pid": os.getpid(), "attempt": ctx.attempt}


@worker.task("app.pid", queue=QUEUE)
def pid(ctx):
    return os.getpid()


@worker.task("app.sleep_limit", queue=QUEUE, timeout="700ms")
def sleep_limit(ctx):
    try:
        time.sleep(30)
    except SoftTimeLimitExceeded:
        return {"interrupted": True, "pid": os.getpid()}
    return {"interrupted": False}
