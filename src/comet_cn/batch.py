"""Validate many claims: streamed in input order, optionally in worker processes, with bounded memory.

Claims are independent, so they can be validated in parallel. Inputs are read lazily and at most a small window of
claims is in flight at once, so a stream of any length runs in flat memory. Worker processes inherit the parsed
ontology, shapes and compiled reasoning tables from the parent (warmed before the pool starts) where the platform
forks, and build them once each otherwise.

One input never costs another its verdict: whatever goes wrong while validating it (a bug, a RecursionError, a
worker process killed by the kernel) becomes that input's :class:`InputFailure`, and the run goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
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


@dataclass(frozen=True)
class _Spoiled:
    """An extra shapes/ontology file is broken, as found in a worker.

    Sent back as a value: InputError does not survive pickling (its constructor takes two arguments).
    """

    source: str
    problem: str


_Named = tuple[str, Source] | InputFailure
_Result = Outcome | _Spoiled


def _internal_failure(name: str, error: BaseException) -> InputFailure:
    # Only the exception's type: its message may quote the input, which must not reach a report or a terminal.
    return InputFailure(name, f"could not be validated: internal error ({type(error).__name__})", internal=True)


def _validate_one(name: str, source: Source, options: dict[str, Any], keep_graph: bool) -> _Result:
    try:
        report = validate(source, name=name, **options)
        return report if keep_graph else replace(report, report_graph=Graph())
    except InputError as error:
        if error.source != name and not error.source.startswith("<"):
            return _Spoiled(error.source, error.problem)  # an extra shapes/ontology file: that spoils every input
        return InputFailure(name, error.problem)
    except Exception as error:  # a bug or a resource error while validating this input: its outcome only
        return _internal_failure(name, error)


def _outcome(result: _Result) -> Outcome:
    if isinstance(result, _Spoiled):
        raise InputError(result.source, result.problem)
    return result


def _named(items: Iterable[Source | tuple[str, Source] | InputFailure]) -> Iterator[_Named]:
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

    Any failure while validating one source becomes that source's :class:`InputFailure` and the others go on. With
    worker processes, a worker that dies (killed, out of memory) is replaced: every input that was unfinished is
    validated again once, each in a process of its own, and one that kills that process too is reported as failed.

    :param sources: claims (anything :func:`comet_cn.validate` accepts), or ``(name, source)`` pairs; an
        :class:`InputFailure` (an input already known to be unreadable) is passed through in its place.
    :param jobs: worker processes; 1 validates in this process, 0 uses every core.
    :param keep_graph: keep each report's SHACL report graph (needed only for Turtle output).
    :param reasoning: as for :func:`comet_cn.validate`; further keyword options are passed on to it.
    :returns: an iterator of :class:`ValidationReport` or :class:`InputFailure`, one per source, in order.
    :raises InputError: an extra shapes or ontology file cannot be used (that spoils every input).
    """
    options = {**options, "reasoning": reasoning}
    named = _named(sources)
    workers = default_jobs() if jobs == 0 else max(1, jobs)
    warm(reasoning)
    if workers == 1:
        for item in named:
            yield item if isinstance(item, InputFailure) else _outcome(_validate_one(*item, options, keep_graph))
        return
    pool = _Workers(workers, options, keep_graph)
    pending: deque[tuple[_Named, Future[_Result]]] = deque()
    try:
        for item in named:
            pending.append((item, pool.submit(item)))
            if len(pending) >= workers * 4:
                yield pool.next_outcome(pending)
        while pending:
            yield pool.next_outcome(pending)
    finally:
        pool.close()


def _settled(result: _Result) -> Future[_Result]:
    done: Future[_Result] = Future()
    done.set_result(result)
    return done


def _broken(future: Future[_Result]) -> bool:
    return isinstance(future.exception(), BrokenProcessPool)


def _death(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _validate_into(writer: Connection, name: str, source: Source, options: dict[str, Any], keep_graph: bool) -> None:
    """Validate one input in a process of its own and send the outcome back (the retry of a suspect input)."""
    result = _validate_one(name, source, options, keep_graph)
    try:
        writer.send(result)
    except Exception as error:  # an outcome that cannot be pickled is a bug; pickling fails before any byte is sent
        writer.send(_internal_failure(name, error))
    writer.close()


class _Workers:
    """A process pool that outlives the death of its workers.

    When a worker dies, the pool is broken and every unfinished future fails with :class:`BrokenProcessPool`, the
    innocent ones included. Those inputs are validated again, each alone in a new process, so that a second death
    points at its input with certainty; later inputs go to a new pool.
    """

    def __init__(self, workers: int, options: dict[str, Any], keep_graph: bool) -> None:
        self._workers = workers
        self._options = options
        self._keep_graph = keep_graph
        self._executor: ProcessPoolExecutor | None = None
        self._context = multiprocessing.get_context()

    def submit(self, item: _Named) -> Future[_Result]:
        if isinstance(item, InputFailure):
            return _settled(item)
        if self._executor is None:
            self._executor = ProcessPoolExecutor(max_workers=self._workers)
        try:
            return self._executor.submit(_validate_one, *item, self._options, self._keep_graph)
        except BrokenProcessPool as error:  # broken by an earlier input, not yet noticed: retried like the rest
            failed: Future[_Result] = Future()
            failed.set_exception(error)
            return failed

    def next_outcome(self, pending: deque[tuple[_Named, Future[_Result]]]) -> Outcome:
        """The outcome of the first pending input (waiting for it), which is removed from ``pending``."""
        if _broken(pending[0][1]):
            self._recover(pending)
        item, future = pending.popleft()
        error = future.exception()
        if error is not None:  # a worker could not take the input or return its outcome (pickling): this input only
            assert not isinstance(item, InputFailure)
            return _internal_failure(item[0], error)
        return _outcome(future.result())

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _recover(self, pending: deque[tuple[_Named, Future[_Result]]]) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)  # returns once the broken pool has settled every future it held
            self._executor = None
        suspects = [index for index, (_, future) in enumerate(pending) if _broken(future)]
        items = [pending[index][0] for index in suspects]
        for index, result in zip(suspects, self._alone(items), strict=True):
            pending[index] = (pending[index][0], _settled(result))

    def _alone(self, items: list[_Named]) -> list[_Result]:
        """Validate each item in a process of its own, up to ``workers`` at once; results in the order given."""
        waiting = deque(enumerate(items))
        running: dict[Connection, tuple[int, str, BaseProcess]] = {}
        results: dict[int, _Result] = {}
        try:
            while waiting or running:
                while waiting and len(running) < self._workers:
                    index, item = waiting.popleft()
                    if isinstance(item, InputFailure):
                        results[index] = item
                        continue
                    reader, writer = self._context.Pipe(duplex=False)
                    child = self._context.Process(
                        target=_validate_into, args=(writer, *item, self._options, self._keep_graph), daemon=True
                    )
                    child.start()
                    writer.close()  # the child holds the only writer left, so its death reads as end of file
                    running[reader] = (index, item[0], child)
                for ready in wait(list(running)):
                    assert isinstance(ready, Connection)
                    index, name, finished = running.pop(ready)
                    results[index] = self._collect(ready, name, finished)
        finally:
            for reader, (_, _, left) in running.items():  # interrupted: leave no process behind
                left.kill()
                left.join()
                reader.close()
        return [results[index] for index in range(len(items))]

    @staticmethod
    def _collect(reader: Connection, name: str, process: BaseProcess) -> _Result:
        try:
            result: _Result | None = reader.recv()
        except (EOFError, OSError):
            result = None
        reader.close()
        process.join()
        if result is None:
            return InputFailure(
                name, f"the worker validating this input died ({_death(process)}); retried once", internal=True
            )
        return result
