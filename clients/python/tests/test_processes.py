"""Workers as real processes: kill -9 mid-job (rescued, completed once by another worker), SIGTERM (finish within
the grace, or hand back), and the process pool (recycling after max_tasks_per_child, soft limit as a signal)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import eventually

HERE = Path(__file__).resolve().parent


class WorkerProcess:
    def __init__(self, url: str, queue: str, *args: str, grace: str = "10s", block: bool = False) -> None:
        env = {**os.environ, "ESCALA_URL": url, "APP_QUEUE": queue, "APP_GRACE": grace, "APP_BLOCK": "1" if block else "",
               "PYTHONPATH": os.pathsep.join([str(HERE.parent), str(HERE)])}
        self.process = subprocess.Popen([sys.executable, "-m", "escala", "worker", "worker_app:worker", *args],
                                        cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.pid = self.process.pid

    def output(self) -> str:
        if self.process.poll() is None:
            self.process.kill()
        return self.process.communicate(timeout=10)[0].decode(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def processes():
    started = []
    yield lambda *args, **kwargs: started.append(WorkerProcess(*args, **kwargs)) or started[-1]
    for p in started:
        p.stop()


def test_kill_9_mid_job_is_rescued_and_completed_once_by_another_worker(server, client, queue, processes):
    first = processes(server.url, queue)
    job = client.submit("app.slow", {"seconds": 60}, queue=queue, max_attempts=3)
    eventually(lambda: (client.get(job.id).progress or {}).get("pid") == first.pid, what="first worker running the job")
    os.kill(first.pid, signal.SIGKILL)
    first.process.wait(10)

    second = processes(server.url, queue)
    done = client.wait(job.id, timeout=60)
    assert done.state == "completed", second.output()
    assert done.result == {"pid": second.pid, "attempt": 2}
    assert len(done.errors) == 1  # the killed attempt, failed by the server when its lease expired


def test_sigterm_lets_the_running_task_finish_then_exits(server, client, queue, processes):
    worker = processes(server.url, queue)
    job = client.submit("app.slow", {"seconds": 1.5}, queue=queue)
    eventually(lambda: client.get(job.id).state == "running", what="job running")
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(20) == 0
    done = client.get(job.id)
    assert done.state == "completed" and done.result["pid"] == worker.pid


def test_sigterm_past_the_grace_hands_the_job_back(server, client, queue, processes):
    worker = processes(server.url, queue, grace="300ms", block=True)
    job = client.submit("app.blocking", {}, queue=queue, max_attempts=1)
    eventually(lambda: client.get(job.id).state == "running", what="job running")
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(20) == 0
    assert client.get(job.id).state == "available"  # at once, not when its lease would have expired

    again = processes(server.url, queue)
    result = client.result(job.id, timeout=30)  # max_attempts=1: the handed-back attempt did not count
    assert result["pid"] == again.pid


def test_process_pool_recycles_children_after_max_tasks(server, client, queue, processes):
    worker = processes(server.url, queue, "--pool", "process", "--concurrency", "1", "--max-tasks-per-child", "2")
    pids = []
    for _ in range(5):
        job = client.submit("app.pid", {}, queue=queue)
        pids.append(client.result(job.id, timeout=30))
    assert worker.pid not in pids
    assert pids[0] == pids[1] and pids[2] == pids[3] and len(set(pids)) == 3, pids


def test_process_pool_delivers_the_soft_limit_into_time_sleep(server, client, queue, processes):
    worker = processes(server.url, queue, "--pool", "process", "--concurrency", "2")
    job = client.submit("app.sleep_limit", {}, queue=queue)
    result = client.result(job.id, timeout=30)
    assert result["interrupted"] is True and result["pid"] != worker.pid

def test_process_pool_children_end_when_the_worker_is_killed(server, client, queue, processes):
    worker = processes(server.url, queue, "--pool", "process", "--concurrency", "2")
    child = client.result(client.submit("app.pid", {}, queue=queue).id, timeout=30)
    assert child != worker.pid and _alive(child)
    os.kill(worker.pid, signal.SIGKILL)
    worker.process.wait(10)
    eventually(lambda: not _alive(child), timeout=10, what="the child process ended with its worker")


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (an orphan is reaped by init, a child of ours is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
