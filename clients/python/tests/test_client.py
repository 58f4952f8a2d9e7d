"""Client against a real server: submit, batch, get, wait, result, events, cancel, retry, queues, errors."""
from __future__ import annotations

import http.server
import threading

import pytest

from escala import (BadRequest, Client, ConnectionFailed, JobCancelled, JobFailed, NotFound, UnprocessableEntity,
                    WaitTimeout)
from escala.durations import to_seconds, to_wire


def test_submit_returns_the_job_and_get_reads_it(client, queue):
    job = client.submit("doc.index", {"path": "/in/a.pdf"}, queue=queue, priority=5, max_attempts=2)
    assert job.created is True
    assert job.kind == "doc.index" and job.queue == queue and job.state == "available"
    assert job.args == {"path": "/in/a.pdf"} and job["maxAttempts"] == 2 and job.max_attempts == 2
    read = client.get(job.id)
    assert read.id == job.id and read.priority == 5 and read.args.path == "/in/a.pdf"


def test_submit_with_an_idempotency_key_twice_gives_one_job(client, queue):
    first = client.submit("doc.index", {"n": 1}, queue=queue, idempotency_key="order-42-" + queue)
    again = client.submit("doc.index", {"n": 1}, queue=queue, idempotency_key="order-42-" + queue)
    assert first.created is True and again.created is False and again.id == first.id


def test_submit_many_inserts_all_in_order(client, queue):
    jobs = client.submit_many([{"kind": "a", "args": {"i": 0}, "queue": queue},
                               {"kind": "b", "args": {"i": 1}, "queue": queue, "max_attempts": 1}])
    assert [j.kind for j in jobs] == ["a", "b"] and all(j.created for j in jobs)
    assert client.get(jobs[1].id).max_attempts == 1


def test_submit_many_with_one_bad_job_inserts_none_and_names_it(client, queue):
    before = client.queue(queue).counts.available
    with pytest.raises(BadRequest) as refused:
        client.submit_many([{"kind": "a", "queue": queue}, {"kind": "b", "queue": queue, "delay": "soon"}])
    assert refused.value.status == 400
    assert any(key.startswith("jobs[1]") for key in refused.value.errors), refused.value.errors
    assert client.queue(queue).counts.available == before


def test_bad_input_is_a_typed_error_with_the_field(client, queue):
    with pytest.raises(BadRequest) as bad:
        client.request("POST", "/v1/jobs", {"kind": "x", "queue": queue, "delay": "soon"})
    assert bad.value.status == 400 and "delay" in bad.value.errors and bad.value.title
    with pytest.raises(UnprocessableEntity) as unknown:
        client.submit("x", queue="no-such-queue")
    assert unknown.value.status == 422 and "queue" in unknown.value.errors
    with pytest.raises(NotFound) as missing:
        client.get(987654321)
    assert missing.value.status == 404


def test_unreachable_server_is_connection_failed():
    with socket_closed_port() as port:
        with pytest.raises(ConnectionFailed) as failed:
            Client(f"http://127.0.0.1:{port}").get(1)
    assert "refused" in str(failed.value)


def test_wait_times_out_on_a_job_nobody_runs(client, queue):
    job = client.submit("nobody.runs.this", queue=queue)
    with pytest.raises(WaitTimeout) as timed_out:
        client.wait(job.id, timeout=0.5)
    assert timed_out.value.job.state == "available"
    assert isinstance(timed_out.value, TimeoutError)


def test_cancel_a_waiting_job_then_result_raises_and_retry_runs_it_again(client, queue):
    job = client.submit("nobody.runs.this", queue=queue)
    cancelled = client.cancel(job)
    assert cancelled.state == "cancelled"
    with pytest.raises(JobCancelled):
        client.result(job.id, timeout=5)
    again = client.retry(job.id)
    assert again.state == "available"


def test_events_stream_state_changes_to_done(client, queue):
    job = client.submit("nobody.runs.this", queue=queue)
    events = client.events(job.id, max_duration="20s")
    first = next(events)
    assert first.name == "state" and first.job.state == "available"
    client.cancel(job.id)
    names = [e.name for e in events]
    assert names[-1] == "done"
    events.close()


def test_queues_list_counts(client, queue):
    client.submit("nobody.runs.this", queue=queue)
    names = [q.name for q in client.queues()]
    assert queue in names and "default" in names
    assert client.queue(queue).counts.available >= 1


def test_api_key_is_sent_as_bearer(monkeypatch):
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            seen["authorization"] = self.headers.get("Authorization")
            body = b'{"id": 1, "state": "completed", "kind": "k"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        Client(url, api_key="k-123").get(1)
        assert seen["authorization"] == "Bearer k-123"
        monkeypatch.setenv("ESCALA_API_KEY", "from-env")
        monkeypatch.setenv("ESCALA_URL", url)
        assert Client().get(1).state == "completed"
        assert seen["authorization"] == "Bearer from-env"
    finally:
        server.shutdown()


def test_result_of_a_dead_job_raises_job_failed(client, queue):
    from escala import Worker, PermanentError

    worker = Worker(client.url, concurrency=1, lease_wait="1s")

    @worker.task("bad.input", queue=queue)
    def bad_input(ctx, value):
        raise PermanentError(f"cannot use {value}")

    with worker:
        job = client.submit("bad.input", {"value": 7}, queue=queue)
        with pytest.raises(JobFailed) as failed:
            client.result(job.id, timeout=20)
    assert failed.value.job.state == "dead" and failed.value.job.attempt == 1
    assert "cannot use 7" in failed.value.job.errors[0].message


def test_durations_round_trip():
    assert to_seconds("1m30s") == 90 and to_seconds("500ms") == 0.5 and to_wire(90) == "90s"
    with pytest.raises(ValueError):
        to_seconds("soon")


class socket_closed_port:
    def __enter__(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        return self.port

    def __exit__(self, *exc):
        return False


def test_submit_with_a_concurrency_key_holds_the_keys_per_key_limit(client, queue):
    # per_user has perKey concurrency 1 (conftest): user:1's second job waits, user:2's job is leased beside it.
    first = client.submit("doc.index", {"n": 1}, queue=queue, resources=["per_user"], concurrency_key="user:1")
    second = client.submit("doc.index", {"n": 2}, queue=queue, resources=["per_user"], concurrency_key="user:1")
    other = client.submit_many([{"kind": "doc.index", "queue": queue, "resources": ["per_user"], "concurrency_key": "user:2"}])[0]
    _, leased = client._http.request("POST", "/v1/workers/lease", {"queues": [queue], "max": 10, "worker": "pytest"})
    assert sorted(job["id"] for job in leased["jobs"]) == sorted([first.id, other.id])
    assert client.get(second.id).state == "available"
    assert "per-key concurrency limit 1 reached for key user:1" in client.get(second.id)["waitingReason"]


def test_submit_with_a_malformed_concurrency_key_is_refused_naming_it(client, queue):
    with pytest.raises(BadRequest) as refused:
        client.submit("doc.index", queue=queue, concurrency_key="user 42")
    assert "concurrencyKey" in refused.value.errors
    assert client.queue(queue).counts.available == 0
