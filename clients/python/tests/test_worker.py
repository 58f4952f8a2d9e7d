"""Worker against a real server: results and progress, Retry, permanent failures, soft time limits (thread and
asyncio), cancel of a running task, concurrency, graceful stop, the async client."""
from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime

import pytest

from conftest import eventually
from escala import (AsyncClient, Cancelled, PermanentError, Retry, SoftTimeLimitExceeded, Worker)


def make_worker(client, **options) -> Worker:
    options.setdefault("lease_wait", "1s")
    options.setdefault("heartbeat_interval", "300ms")
    return Worker(client.url, **options)


def test_task_gets_args_as_keywords_reports_progress_and_completes(client, queue):
    worker = make_worker(client)
    seen = {}

    @worker.task("ocr.extract", queue=queue)
    def extract(ctx, path, lang="por"):
        seen["attempt"], seen["id"] = ctx.attempt, ctx.id
        ctx.progress(percent=50, step="ocr")
        return {"text": f"{path}:{lang}"}

    with worker:
        job = extract.delay(path="/in/a.pdf", lang="eng")
        assert client.result(job.id, timeout=20) == {"text": "/in/a.pdf:eng"}
    done = client.get(job.id)
    assert done.state == "completed" and done.progress == {"percent": 50, "step": "ocr"}
    assert seen == {"attempt": 1, "id": job.id}


def test_task_sees_the_jobs_concurrency_key(client, queue):
    worker = make_worker(client)
    seen = {}

    @worker.task("user.report", queue=queue)
    def report(ctx):
        seen["key"] = ctx.concurrency_key
        return {}

    with worker:
        job = client.submit("user.report", {}, queue=queue, concurrency_key="user:42")
        client.result(job.id, timeout=20)
    assert seen == {"key": "user:42"}
    assert client.get(job.id).concurrency_key == "user:42"


def test_retry_after_runs_the_next_attempt_no_sooner(client, queue):
    worker = make_worker(client)

    @worker.task("flaky.call", queue=queue)
    def flaky(ctx):
        if ctx.attempt == 1:
            raise Retry("upstream busy", after="1500ms")
        return {"attempt": ctx.attempt}

    with worker:
        job = client.submit("flaky.call", {}, queue=queue, max_attempts=3)
        assert client.result(job.id, timeout=30) == {"attempt": 2}
    done = client.get(job.id)
    assert len(done.errors) == 1 and "upstream busy" in done.errors[0].message
    failed_at = _instant(done.errors[0].at)
    assert (_instant(done.attempted_at) - failed_at).total_seconds() >= 1.4


def test_any_other_exception_is_retried_until_attempts_run_out(client, queue):
    worker = make_worker(client)
    calls = []

    @worker.task("always.breaks", queue=queue)
    def breaks(ctx):
        calls.append(ctx.attempt)
        raise ValueError("boom")

    with worker:
        job = client.submit("always.breaks", {}, queue=queue, max_attempts=2, backoff="100ms")
        done = client.wait(job.id, timeout=30)
    assert done.state == "dead" and calls == [1, 2]
    assert all("ValueError: boom" in e.message for e in done.errors)


def test_args_that_do_not_fit_fail_permanently(client, queue):
    worker = make_worker(client)

    @worker.task("needs.path", queue=queue)
    def needs_path(ctx, path):
        return path

    with worker:
        job = client.submit("needs.path", {"wrong": 1}, queue=queue, max_attempts=3)
        done = client.wait(job.id, timeout=20)
    assert done.state == "dead" and done.attempt == 1 and "do not fit" in done.errors[0].message


def test_soft_time_limit_interrupts_a_busy_thread_and_ctx_sleep(client, queue):
    worker = make_worker(client, concurrency=2)

    @worker.task("busy.loop", queue=queue, timeout="700ms")
    def busy(ctx):
        started = time.monotonic()
        try:
            while True:  # pure Python: the exception is thrown into the thread
                sum(range(1000))
        except SoftTimeLimitExceeded:
            return {"stopped_after": time.monotonic() - started}

    @worker.task("long.sleep", queue=queue, timeout="700ms")
    def long_sleep(ctx):
        try:
            ctx.sleep(60)
        except SoftTimeLimitExceeded:
            return {"cleaned_up": True, "time_left": ctx.time_left()}

    with worker:
        loop_job = client.submit("busy.loop", {}, queue=queue)
        sleep_job = client.submit("long.sleep", {}, queue=queue)
        loop_result = client.result(loop_job.id, timeout=20)
        sleep_result = client.result(sleep_job.id, timeout=20)
    assert 0.5 <= loop_result["stopped_after"] < 10
    assert sleep_result == {"cleaned_up": True, "time_left": 0.0}


def test_server_timeout_is_the_deadline_and_an_uncaught_limit_fails_the_attempt(client, queue):
    worker = make_worker(client)

    @worker.task("slow.ocr", queue=queue)
    def slow(ctx):
        if ctx.attempt == 1:
            ctx.sleep(60)  # raises at the job's 1 s timeout, uncaught: the attempt fails and is retried
        return {"attempt": ctx.attempt}

    with worker:
        job = client.submit("slow.ocr", {}, queue=queue, timeout="1s", max_attempts=2)
        assert client.result(job.id, timeout=30) == {"attempt": 2}
    assert "soft time limit" in client.get(job.id).errors[0].message


def test_async_task_gets_soft_time_limit_at_its_await(client, queue):
    worker = make_worker(client)

    @worker.task("llm.summarize", queue=queue, timeout="600ms")
    async def summarize(ctx, text):
        await ctx.progress(step="calling")
        try:
            await asyncio.sleep(60)
        except SoftTimeLimitExceeded:
            return {"summary": text[:3], "timed_out": True}

    with worker:
        job = client.submit("llm.summarize", {"text": "hello"}, queue=queue)
        assert client.result(job.id, timeout=20) == {"summary": "hel", "timed_out": True}
    assert client.get(job.id).progress == {"step": "calling"}


def test_cancel_of_a_running_task_sets_ctx_cancelled_and_ends_cancelled(client, queue):
    worker = make_worker(client)
    started, observed = threading.Event(), {}

    @worker.task("report.build", queue=queue)
    def build(ctx):
        started.set()
        try:
            ctx.sleep(60)
        except Cancelled:
            observed["cancelled"] = bool(ctx.cancelled)
            raise

    with worker:
        job = client.submit("report.build", {}, queue=queue, max_attempts=3)
        assert started.wait(20)
        assert client.cancel(job.id).cancel_requested is True
        done = client.wait(job.id, timeout=20)
    assert done.state == "cancelled" and done.attempt == 1
    assert observed == {"cancelled": True}


def test_concurrency_caps_tasks_running_at_once(client, queue):
    worker = make_worker(client, concurrency=3)
    lock, running, peak, release = threading.Lock(), [0], [0], threading.Event()

    @worker.task("slot.use", queue=queue)
    def use(ctx, i):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(20)
        with lock:
            running[0] -= 1
        return i

    with worker:
        jobs = [client.submit("slot.use", {"i": i}, queue=queue) for i in range(7)]
        eventually(lambda: peak[0] == 3, what="three tasks running")
        assert client.queue(queue).counts.running == 3  # the other four were never leased
        release.set()
        assert [client.result(j.id, timeout=20) for j in jobs] == list(range(7))
    assert peak[0] == 3


def test_sync_and_async_tasks_share_one_worker(client, queue):
    worker = make_worker(client, concurrency=4)

    @worker.task("sync.add", queue=queue)
    def add(a, b):
        return a + b

    @worker.task("async.mul", queue=queue)
    async def mul(a, b):
        await asyncio.sleep(0.01)
        return a * b

    with worker:
        jobs = [client.submit("sync.add", {"a": 2, "b": 3}, queue=queue),
                client.submit("async.mul", {"a": 2, "b": 3}, queue=queue)]
        assert [client.result(j.id, timeout=20) for j in jobs] == [5, 6]


def test_stop_hands_unfinished_jobs_back_at_once(client, queue):
    first = make_worker(client, shutdown_grace="300ms")
    started, told = threading.Event(), {}

    @first.task("long.import", queue=queue)
    def long_import(ctx):
        started.set()
        ctx.cancelled.wait(60)
        told["shutting_down"] = ctx.shutting_down

    first.start()
    job = client.submit("long.import", {}, queue=queue, max_attempts=1)
    assert started.wait(20)
    first.stop()
    assert client.get(job.id).state == "available"  # handed back now, not when its lease expires
    assert told == {"shutting_down": True}

    second = make_worker(client)

    @second.task("long.import", queue=queue)
    def long_import_again(ctx):
        return {"attempt": ctx.attempt}

    with second:
        done = client.wait(job.id, timeout=20)
    assert done.state == "completed"  # max_attempts=1: the handed-back attempt did not count


def test_async_client_submits_waits_and_streams(server, queue):
    worker = Worker(server.url, lease_wait="1s")

    @worker.task("async.echo", queue=queue)
    def echo(ctx, text):
        ctx.progress(1)
        return text

    async def scenario():
        async with AsyncClient(server.url) as client:
            job = await client.submit("async.echo", {"text": "hi"}, queue=queue)
            names = [event.name async for event in client.events(job.id, max_duration="20s")]
            return await client.result(job.id, timeout=10), names

    with worker:
        result, names = asyncio.run(scenario())
    assert result == "hi" and names[0] == "state" and names[-1] == "done"


def _instant(text: str) -> datetime:
    import re
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00")))
