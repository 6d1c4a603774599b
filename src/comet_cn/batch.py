"""Validate many claims: streamed in input order, optionally in worker processes, with bounded memory.

Claims are independent, so they can be validated in parallel. Inputs are read lazily and at most a small window of
claims is in flight at once, so a stream of any length runs in flat memory. Worker processes inherit the parsed
ontology, shapes and compiled reasoning tables from the parent (warmed before the pool starts) where the platform
forks, and build them once each otherwise.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from rdflib import Graph

from comet_cn.errors import InputError
from comet_cn.loading import Source, describe_source
from comet_cn.reasoning import ReasoningMode, warm
from comet_cn.reporting import InputFailure, Outcome
from comet_cn.validation import validate

__all__ = ["default_jobs", "validate_many"]


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _validate_one(name: str, source: Source, options: dict[str, Any], keep_graph: bool) -> Outcome:
    try:
        report = validate(source, name=name, **options)
    except InputError as error:
        if error.source != name and not error.source.startswith("<"):
            raise  # an extra shapes/ontology file is broken: that spoils every input
        return InputFailure(name, error.problem)
    return report if keep_graph else replace(report, report_graph=Graph())


def _named(
    items: Iterable[Source | tuple[str, Source] | InputFailure],
) -> Iterator[tuple[str, Source] | InputFailure]:
    for item in items:
        if isinstance(item, InputFailure):
            yield item
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            yield item[0], item[1]
        else:
            yield describe_source(item), item


def validate_many(
    sources: Iterable[Source | tuple[str, Source] | InputFailure],
    *,
    jobs: int = 1,
    keep_graph: bool = False,
    reasoning: ReasoningMode = "owlrl",
    **options: Any,
) -> Iterator[Outcome]:
    """Validate each source on its own and yield the outcomes in input order.

    :param sources: claims (anything :func:`comet_cn.validate` accepts), or ``(name, source)`` pairs; an
        :class:`InputFailure` (an input already known to be unreadable) is passed through in its place.
    :param jobs: worker processes; 1 validates in this process, 0 uses every core.
    :param keep_graph: keep each report's SHACL report graph (needed only for Turtle output).
    :param reasoning: as for :func:`comet_cn.validate`; further keyword options are passed on to it.
    :returns: an iterator of :class:`ValidationReport` or :class:`InputFailure`, one per source, in order.
    """
    options = {**options, "reasoning": reasoning}
    named = _named(sources)
    workers = default_jobs() if jobs == 0 else max(1, jobs)
    warm(reasoning)
    if workers == 1:
        for item in named:
            yield item if isinstance(item, InputFailure) else _validate_one(*item, options, keep_graph)
        return
    window = workers * 4
    pending: deque[Future[Outcome]] = deque()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for item in named:
            if isinstance(item, InputFailure):
                done: Future[Outcome] = Future()
                done.set_result(item)
                pending.append(done)
            else:
                pending.append(pool.submit(_validate_one, *item, options, keep_graph))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
