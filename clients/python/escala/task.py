"""A registered task (kind, queue, function) and how one attempt's ending becomes what the worker reports.

Binding: a JSON object of args becomes keyword arguments (``{"path": p}`` -> ``extract(ctx, path=p)``);
the context is passed when the function's first parameter is named ``ctx``, ``context``, ``self``,
``task`` or ``job``, is annotated ``JobContext``, or the task was declared with ``bind=True``. A function
whose only other parameter is named ``args``, ``payload``, ``data``, ``params`` or ``body`` (or is annotated
``dict``) gets the whole args when they do not fit as keywords (``def extract(ctx, args)``). A JSON array
becomes positional arguments.
"""
from __future__ import annotations

import inspect
import json
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._http import _json_default
from .context import JobContext
from .durations import Duration, to_seconds
from .exceptions import Cancelled, PermanentError, Retry, SoftTimeLimitExceeded, WorkerShutdown

_CTX_NAMES = ("ctx", "context", "self", "task", "job")
_WHOLE_NAMES = ("args", "payload", "data", "params", "body")
_MAX_ERROR = 2000


@dataclass
class Task:
    kind: str
    fn: Callable[..., Any]
    queue: str = "default"
    timeout: Optional[float] = None
    bind: Optional[bool] = None
    options: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.is_async = inspect.iscoroutinefunction(self.fn)
        self.signature = inspect.signature(self.fn)
        params = list(self.signature.parameters.values())
        first = params[0] if params and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD) else None
        if self.bind is None:
            self.bind = first is not None and (first.name in _CTX_NAMES or _annotated_ctx(first))
        elif self.bind and first is None:
            raise TypeError(f"task {self.kind}: bind=True needs a first positional parameter for the context")

    def arguments(self, ctx: JobContext, args: Any) -> Tuple[List[Any], Dict[str, Any]]:
        """The call's (args, kwargs) for the job's args; raises PermanentError when they cannot fit."""
        lead: List[Any] = [ctx] if self.bind else []
        candidates: List[Tuple[List[Any], Dict[str, Any]]] = []
        if isinstance(args, dict):
            candidates.append((lead, dict(args)))
            if self._takes_whole():
                candidates.append((lead + [args], {}))
        elif isinstance(args, list):
            candidates.append((lead + list(args), {}))
            if self._takes_whole():
                candidates.append((lead + [args], {}))
        elif args is None:
            candidates.append((lead, {}))
            candidates.append((lead + [None], {}))
        else:
            candidates.append((lead + [args], {}))
        for positional, keywords in candidates:
            try:
                self.signature.bind(*positional, **keywords)
                return positional, keywords
            except TypeError:
                continue
        try:
            self.signature.bind(*candidates[0][0], **candidates[0][1])
        except TypeError as error:
            raise PermanentError(f"the job's args do not fit {self.fn.__name__}{self.signature}: {error}") from None
        raise AssertionError("unreachable")

    def _takes_whole(self) -> bool:
        params = list(self.signature.parameters.values())[1 if self.bind else 0:]
        if len(params) != 1:
            return False
        annotation = params[0].annotation
        dict_like = annotation in (dict, list) or str(annotation).lower().split("[")[0].split(".")[-1] in ("dict", "mapping", "any")
        return params[0].name in _WHOLE_NAMES or dict_like


def _annotated_ctx(param: inspect.Parameter) -> bool:
    annotation = param.annotation
    return annotation is JobContext or (isinstance(annotation, str) and annotation.split(".")[-1] == "JobContext")


@dataclass
class Outcome:
    """How an attempt ended: ``complete`` (result), ``fail`` (error, retryable), ``retry`` (error, after,
    throttled), ``cancel`` (error), ``release`` (hand back unfinished) or ``drop`` (lease lost: say nothing)."""
    verb: str
    result: Any = None
    error: str = ""
    retryable: bool = True
    after: Optional[str] = None
    throttled: bool = False


def outcome_of_result(ctx: JobContext, value: Any) -> Outcome:
    if ctx.lease_lost:
        return Outcome("drop")
    try:
        json.dumps(value, default=_json_default)
    except (TypeError, ValueError) as error:
        return Outcome("fail", error=f"the task's result is not JSON: {error}", retryable=False)
    return Outcome("complete", result=value)


def outcome_of_error(ctx: JobContext, error: BaseException) -> Outcome:
    """The report for an exception that ended the task (see the module doc of :mod:`escala.worker`)."""
    if ctx.lease_lost:
        return Outcome("drop")
    if isinstance(error, Retry):
        return Outcome("retry", error=_clip(error.reason), after=error.after, throttled=error.throttled)
    if isinstance(error, PermanentError):
        return Outcome("fail", error=_clip(_describe(error)), retryable=False)
    if ctx.shutting_down and not ctx.cancel_requested and isinstance(error, (WorkerShutdown, Cancelled)):
        return Outcome("release")
    if ctx.cancel_requested:
        return Outcome("cancel", error=_clip(f"stopped on cancel request ({_describe(error)})"))
    if isinstance(error, SoftTimeLimitExceeded) or ctx.timed_out:
        return Outcome("fail", error=_clip(f"timeout: soft time limit exceeded ({_describe(error)})"), retryable=True)
    if ctx.shutting_down:
        return Outcome("release")
    return Outcome("fail", error=_clip(_describe(error)), retryable=True)


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        last = frames[-1]
        text += f" (at {last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name})"
    return text


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_ERROR else text[: _MAX_ERROR - 1] + "…"


def seconds(value: Optional[Duration]) -> Optional[float]:
    return to_seconds(value)
