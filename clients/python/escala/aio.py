"""``AsyncClient``: the same calls as :class:`escala.Client`, awaitable, for FastAPI and other asyncio code.

Standard library only: each call runs the blocking client in the default thread pool
(``asyncio.to_thread``), so an event loop never blocks on Escala.

>>> client = AsyncClient()
>>> job = await client.submit("ocr.extract", {"path": p}, queue="ocr")
>>> async for event in client.events(job.id): ...
"""
from __future__ import annotations

import asyncio
import functools
from typing import Any, AsyncIterator, Iterable, List, Mapping, Optional, TypeVar

from .client import Client, JobId
from .durations import Duration
from .models import Event, Job, Record

T = TypeVar("T")


class AsyncClient:
    """An asyncio client of one Escala node; see :class:`escala.Client` for every method's meaning."""

    def __init__(self, url: Optional[str] = None, *, api_key: Optional[str] = None, timeout: float = 30.0,
                 base_url: Optional[str] = None) -> None:
        self.sync = Client(url or base_url, api_key=api_key, timeout=timeout)

    @property
    def url(self) -> str:
        return self.sync.url

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self.sync.close()

    async def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))

    async def submit(self, kind: str, args: Any = None, **fields: Any) -> Job:
        return await self._run(self.sync.submit, kind, args, **fields)

    async def submit_many(self, jobs: Iterable[Mapping[str, Any]]) -> List[Job]:
        return await self._run(self.sync.submit_many, [dict(j) for j in jobs])

    submit_batch = submit_many

    async def get(self, job: JobId, *, wait: Optional[Duration] = None) -> Job:
        return await self._run(self.sync.get, job, wait=wait)

    async def wait(self, job: JobId, timeout: Optional[Duration] = None) -> Job:
        return await self._run(self.sync.wait, job, timeout)

    async def result(self, job: JobId, timeout: Optional[Duration] = None) -> Any:
        return await self._run(self.sync.result, job, timeout)

    async def list(self, **filters: Any) -> List[Job]:
        """Every matching job (all pages); pass ``limit=`` to size the pages."""
        return await self._run(lambda: [j for j in self.sync.list(**filters)])

    async def events(self, job: JobId, *, max_duration: Optional[Duration] = None) -> AsyncIterator[Event]:
        """The job's events as an async iterator; each event is read off the stream in a worker thread."""
        stream = self.sync.events(job, max_duration=max_duration)
        sentinel = object()
        try:
            while True:
                event = await self._run(next, stream, sentinel)
                if event is sentinel:
                    return
                yield event
        finally:
            try:
                await self._run(stream.close)
            except ValueError:  # still reading in its thread (the consumer was cancelled): it ends with the stream
                pass

    async def cancel(self, job: JobId) -> Job:
        return await self._run(self.sync.cancel, job)

    async def retry(self, job: JobId) -> Job:
        return await self._run(self.sync.retry, job)

    async def queues(self) -> List[Record]:
        return await self._run(self.sync.queues)

    async def queue(self, name: str) -> Record:
        return await self._run(self.sync.queue, name)

    async def pause_queue(self, name: str) -> Record:
        return await self._run(self.sync.pause_queue, name)

    async def resume_queue(self, name: str) -> Record:
        return await self._run(self.sync.resume_queue, name)

    async def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        return await self._run(self.sync.request, method, path, body, **query)
