"""``python -m escala worker MODULE:WORKER``: run a worker defined in your code (like ``celery -A app worker``).

    python -m escala worker myapp.tasks:worker --concurrency 8 --pool process --max-tasks-per-child 100

Options given here override the ones the ``Worker`` was created with. Stops gracefully on SIGTERM/Ctrl+C.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from .worker import Worker


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m escala", description="Escala's Python worker")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("worker", help="run the tasks of a Worker until SIGTERM")
    run.add_argument("target", help="MODULE:ATTRIBUTE of a Worker, e.g. myapp.tasks:worker")
    run.add_argument("--url", help="server URL (default: the worker's, ESCALA_URL, http://127.0.0.1:8080)")
    run.add_argument("--concurrency", "-c", type=int)
    run.add_argument("--pool", choices=["thread", "process"])
    run.add_argument("--max-tasks-per-child", type=int)
    run.add_argument("--queue", "-Q", action="append", help="lease from this queue (repeatable)")
    run.add_argument("--shutdown-grace", help="how long running tasks may finish on SIGTERM, e.g. 30s")
    run.add_argument("--log-level", default=os.environ.get("ESCALA_LOG_LEVEL", "info"))
    options = parser.parse_args(argv)

    logging.basicConfig(level=options.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.path.insert(0, os.getcwd())
    module_name, _, attribute = options.target.partition(":")
    try:
        worker = getattr(importlib.import_module(module_name), attribute or "worker")
    except (ImportError, AttributeError) as error:
        print(f"escala: cannot load {options.target}: {error}", file=sys.stderr)
        return 2
    if not isinstance(worker, Worker):
        print(f"escala: {options.target} is a {type(worker).__name__}, not an escala.Worker", file=sys.stderr)
        return 2
    if options.url:
        from .client import Client
        worker.client = Client(options.url, api_key=worker.client._http.api_key, timeout=worker.client._http.timeout)
    if options.concurrency:
        worker.concurrency = options.concurrency
    if options.pool:
        worker.pool = options.pool
    if options.max_tasks_per_child:
        worker.pool, worker.max_tasks_per_child = "process", options.max_tasks_per_child
    if options.queue:
        worker.queues = options.queue
    if options.shutdown_grace:
        from .durations import to_seconds
        worker.shutdown_grace = to_seconds(options.shutdown_grace) or 0.0
    worker.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
