"""Workflows against a real server: a chain whose steps read their parents, fan-out from a worker task with
``ctx.spawn``, the join reading every child's result, cancel, and a refusal naming the field."""
from __future__ import annotations

import pytest

from conftest import eventually
from escala import BadRequest, Worker


def make_worker(client) -> Worker:
    return Worker(client.url, lease_wait="1s", heartbeat_interval="300ms")


def _state(client, workflow_id):
    return client.get_workflow(workflow_id).state


def test_fan_out_with_ctx_spawn_then_the_join_reads_every_result(client, queue):
    worker = make_worker(client)

    @worker.task("wf.split", queue=queue)
    def split(ctx, texts):
        children = ctx.spawn([{"kind": "wf.detect", "queue": queue, "args": {"text": t}} for t in texts])
        return {"spawned": [c.step for c in children], "workflow": ctx.workflow_id, "step": ctx.step}

    @worker.task("wf.detect", queue=queue)
    def detect(ctx, text):
        return {"upper": text.upper()}

    @worker.task("wf.write", queue=queue)
    def write(ctx):
        return ctx.parents(page_size=2)

    workflow = client.submit_workflow([
        {"name": "split", "kind": "wf.split", "queue": queue, "args": {"texts": ["a", "b", "c"]}},
        {"name": "write", "kind": "wf.write", "queue": queue, "depends_on": ["split"]},
    ], name="pipeline")
    assert [s.state for s in workflow.steps] == ["available", "waiting"]
    with worker:
        eventually(lambda: _state(client, workflow.id) == "completed", what="the workflow to complete")
    steps = {s.name: s for s in client.get_workflow(workflow.id).steps}
    assert steps["split"].result == {"spawned": ["split.1", "split.2", "split.3"], "workflow": workflow.id, "step": "split"}
    assert steps["split"].spawned == 3
    written = steps["write"].result
    assert {written[f"split.{i}"]["upper"] for i in (1, 2, 3)} == {"A", "B", "C"}
    assert written["split"]["spawned"] == ["split.1", "split.2", "split.3"]


def test_cancel_cancels_the_waiting_steps(client, queue):
    workflow = client.submit_workflow([
        {"name": "a", "kind": "wf.never", "queue": queue},
        {"name": "b", "kind": "wf.never", "queue": queue, "dependsOn": ["a"]},
    ])
    cancelled = client.cancel_workflow(workflow.id)
    assert cancelled.state == "cancelled"
    assert [s.state for s in cancelled.steps] == ["cancelled", "cancelled"]


def test_a_cycle_is_refused_naming_the_field(client, queue):
    with pytest.raises(BadRequest) as refused:
        client.submit_workflow([
            {"name": "a", "kind": "x", "queue": queue, "depends_on": ["b"]},
            {"name": "b", "kind": "x", "queue": queue, "depends_on": ["a"]},
        ])
    assert "steps[0].dependsOn" in refused.value.errors


def test_a_callback_url_reaches_the_server_which_refuses_it_without_a_secret(client, queue):
    with pytest.raises(BadRequest) as refused:
        client.submit_workflow([{"name": "a", "kind": "noop", "queue": queue}], callback_url="https://hooks.example.com/wf")
    assert "callback.url" in refused.value.errors
