"""Validate many claims: streamed in input order, optionally in worker processes, with bounded memory.

Claims are independent, so they can be validated in parallel. Inputs are read lazily and at most a small window of
claims is in flight at once, so a stream of any length runs in flat memory. Worker processes inherit the parsed
ontology, shapes and compiled reasoning tables from the parent (warmed before the pool starts) where the platform
forks, and build them once each otherwise.

One input never costs another its verdict: whatever goes wrong while validating it (a bug, a RecursionError, a
worker process killed by the kernel) becomes that input's :class:`InputFailure`, and the run goes on.

With a time limit, each input is validated in a worker process; one that runs longer has its process killed and is
reported as over the limit. The limit is enforced from outside the worker because the work that overruns (rdflib,
pySHACL, owlrl) cannot be interrupted safely from within.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import signal
import struct
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import PurePath
from typing import Any

from rdflib import Graph

from comet_cn import stopping
from comet_cn.errors import InputError, SupportFileError
from comet_cn.loading import Source, describe_source
from comet_cn.reasoning import ReasoningMode, warm
from comet_cn.reporting import InputFailure, Outcome
from comet_cn.resources import ontology_graph
from comet_cn.validation import validate

__all__ = ["DEFAULT_TIMEOUT", "JOBS_PER_CORE", "default_jobs", "max_jobs", "validate_many"]

#: The per-input time limit of the command line when inputs are validated in worker processes, in seconds.
DEFAULT_TIMEOUT = 120.0

#: The command line refuses more worker processes than this many per core: validation is CPU-bound, so more only
#: costs memory (each worker holds the ontology and shapes), and thousands would exhaust the machine.
JOBS_PER_CORE = 4


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def max_jobs() -> int:
    """The most worker processes the command line accepts: :data:`JOBS_PER_CORE` per core this process may use."""
    return JOBS_PER_CORE * default_jobs()


@dataclass(frozen=True)
class _Spoiled:
    """An extra shapes/ontology file is broken, as found in a worker.

    Sent back as a value: InputError does not survive pickling (its constructor takes two arguments).
    """

    source: str
    problem: str


_Named = tuple[str, Source] | InputFailure
_Result = Outcome | _Spoiled


def _over_time(name: str, timeout: float) -> InputFailure:
    return InputFailure(name, f"took longer than the limit of {timeout:g} s (--timeout); its worker was stopped")


def _internal_failure(name: str, error: BaseException) -> InputFailure:
    # Only the exception's type: its message may quote the input, which must not reach a report or a terminal.
    return InputFailure(name, f"could not be validated: internal error ({type(error).__name__})", internal=True)


def _validate_one(name: str, source: Source, options: dict[str, Any], keep_graph: bool) -> _Result:
    try:
        report = validate(source, name=name, **options)
        return report if keep_graph else replace(report, report_graph=Graph())
    except SupportFileError as error:  # an extra shapes/ontology file: that spoils every input
        return _Spoiled(error.source, error.problem)
    except InputError as error:
        return InputFailure(name, error.problem)
    except Exception as error:  # a bug or a resource error while validating this input: its outcome only
        return _internal_failure(name, error)


def _outcome(result: _Result) -> Outcome:
    if isinstance(result, _Spoiled):
        raise SupportFileError(result.source, result.problem)
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
    timeout: float | None = None,
    **options: Any,
) -> Iterator[Outcome]:
    """Validate each source on its own and yield the outcomes in input order.

    Any failure while validating one source becomes that source's :class:`InputFailure` and the others go on. With
    worker processes, a worker that dies (killed, out of memory) is replaced: every input that was unfinished is
    validated again once, each in a process of its own, and one that kills that process too is reported as failed.

    :param sources: claims (anything :func:`comet_cn.validate` accepts), or ``(name, source)`` pairs; an
        :class:`InputFailure` (an input already known to be unreadable) is passed through in its place.
    :param jobs: worker processes; 1 validates in this process (unless there is a time limit), 0 uses every core.
        Never more processes are started than there are inputs to validate when they are fewer.
    :param keep_graph: keep each report's SHACL report graph (needed only for Turtle output).
    :param reasoning: as for :func:`comet_cn.validate`; further keyword options are passed on to it.
    :param timeout: the most seconds one input may take; an input over it has its worker process killed and is
        reported as failed (the others are validated again, as when a worker dies). Enforcing it needs a worker
        process, so with a limit even ``jobs=1`` validates in one (not in this process).
    :returns: an iterator of :class:`ValidationReport` or :class:`InputFailure`, one per source, in order.
    :raises InputError: an extra shapes or ontology file cannot be used (that spoils every input).
    """
    options = {**options, "reasoning": reasoning}
    for key in ("extra_shapes", "extra_ontology"):
        # Read once, for every input: a generator would be used up by the first input (the others then checked
        # without the caller's shapes), and cannot be sent to a worker process at all.
        if isinstance(options.get(key), Iterator):
            options[key] = tuple(options[key])
    named = _named(sources)
    workers = default_jobs() if jobs == 0 else max(1, jobs)
    if timeout is not None and timeout <= 0:
        raise ValueError("timeout must be positive (or None for no limit)")
    warm(reasoning, ontology=False)  # the ontology only if a claim needs it (a cold start's 6 %), or for workers
    if workers == 1 and timeout is None:
        for item in named:
            yield item if isinstance(item, InputFailure) else _outcome(_validate_one(*item, options, keep_graph))
        return
    # The inputs are read lazily, but a few are read ahead: fewer inputs than workers need only as many workers.
    # An error of the caller's own iterator of sources is raised after the outcomes of the inputs it gave before,
    # as with jobs=1, where those were yielded already; read ahead, they were lost with it.
    failure: Exception | None = None
    head: list[_Named] = []
    try:
        head.extend(itertools.islice(named, workers))
    except Exception as error:
        failure = error
    if not head and failure is not None:
        raise failure
    if len(head) < workers:
        workers = max(1, sum(not isinstance(item, InputFailure) for item in head))
    if any(not isinstance(item, InputFailure) for item in head):
        _warm_engine(options)
    ontology_graph()  # parsed once here, so that forked workers share it rather than each parsing it
    pool = _Workers(workers, options, keep_graph, timeout)
    pending: deque[tuple[_Named, Future[_Result]]] = deque()
    rest: Iterator[_Named] = iter(()) if failure is not None else named
    try:
        for item in head:
            pending.append((item, pool.submit(item)))
        while failure is None:
            while len(pending) >= workers * 4:
                yield pool.next_outcome(pending)
            try:
                item = next(rest)
            except StopIteration:
                break
            except Exception as error:
                failure = error
                break
            pending.append((item, pool.submit(item)))
        while pending:
            yield pool.next_outcome(pending)
    except BaseException:
        # Interrupted (Ctrl-C, a stop signal) or abandoned by the caller (GeneratorExit): the outcomes still running
        # are wanted by no one, so the workers are stopped rather than waited for.
        pool.close(abandoned=True)
        raise
    pool.close()
    if failure is not None:
        raise failure


def _warm_engine(options: dict[str, Any]) -> None:
    """Validate one small generated claim here, before the workers are forked from this process.

    pySHACL prepares the shapes' SPARQL queries on its first claim (about 5 s): paid in each worker, it counted
    against that worker's first claim's time limit, so ``--timeout 5`` failed every claim, and each process started
    after a kill paid it again. Forked, the workers inherit the prepared queries; started afresh (spawn), they would
    not, and nothing is done.
    """
    if multiprocessing.get_start_method() != "fork":
        return
    from comet_cn.synthetic import synthetic_claim

    with contextlib.suppress(Exception):  # a fault here is the inputs' to report, each with its own outcome
        validate(
            synthetic_claim(0), reasoning=options["reasoning"], shacl_engine=options.get("shacl_engine", "pyshacl")
        )


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


# In a pool worker: the pipe on which it reports the start of each input, for the time limit. Each report is one
# write of a few bytes, which a pipe keeps whole without a lock, so a worker killed at any moment blocks no other.
_starts: Connection | None = None
_START = struct.Struct("!qqd")  # token, process id, monotonic time (CLOCK_MONOTONIC is the same in every process)


def _start_worker(writer: Connection | None) -> None:
    """Pool worker initializer: keep the pipe on which :func:`_timed_validate_one` reports when an input starts
    (with a time limit), and exempt what the worker holds from now on from garbage collection.

    The bundled ontology, shapes and compiled tables a worker starts with live as long as it does, yet every full
    collection walked them again: about 3 % of a claim's cost in a batch. Freezing them is the worker's own
    business; the parent process is left as it is.
    """
    global _starts
    _starts = writer
    gc.freeze()


def _timed_validate_one(token: int, name: str, source: Source, options: dict[str, Any], keep_graph: bool) -> _Result:
    """:func:`_validate_one` in a pool worker, after telling the parent which process starts the input when."""
    assert _starts is not None
    _starts.send_bytes(_START.pack(token, os.getpid(), time.monotonic()))
    return _validate_one(name, source, options, keep_graph)


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

    def __init__(self, workers: int, options: dict[str, Any], keep_graph: bool, timeout: float | None = None) -> None:
        self._workers = workers
        self._options = options
        self._keep_graph = keep_graph
        self._timeout = timeout
        self._executor: ProcessPoolExecutor | None = None
        self._context = multiprocessing.get_context()
        self._tokens = itertools.count()
        self._token_of: dict[Future[_Result], int] = {}
        self._started: dict[int, tuple[int, float]] = {}  # token -> (process id, start time)
        self._over_time: set[int] = set()
        self._starts, self._starts_writer = self._context.Pipe(duplex=False)

    def submit(self, item: _Named) -> Future[_Result]:
        if isinstance(item, InputFailure):
            return _settled(item)
        try:
            with stopping.held():  # submitting starts processes and threads: a stop waits until they are running
                if self._executor is None:
                    writer = None if self._timeout is None else self._starts_writer
                    self._executor = ProcessPoolExecutor(
                        max_workers=self._workers, initializer=_start_worker, initargs=(writer,)
                    )
                if self._timeout is None:
                    return self._executor.submit(_validate_one, *item, self._options, self._keep_graph)
                token = next(self._tokens)
                future = self._executor.submit(_timed_validate_one, token, *item, self._options, self._keep_graph)
                self._token_of[future] = token
                return future
        except BrokenProcessPool as error:  # broken by an earlier input, not yet noticed: retried like the rest
            failed: Future[_Result] = Future()
            failed.set_exception(error)
            return failed

    def _watch(self, pending: deque[tuple[_Named, Future[_Result]]]) -> None:
        """Wait for the first pending input, killing the worker of any input that runs over the time limit."""
        assert self._timeout is not None
        first = pending[0][1]
        while not first.done():
            wait_futures([first], timeout=0.2)
            while self._starts.poll():
                token, pid, started = _START.unpack(self._starts.recv_bytes())
                self._started[token] = (pid, started)
            now = time.monotonic()
            for _, future in pending:
                token = self._token_of.get(future, -1)
                if token in self._started and not future.done() and token not in self._over_time:
                    pid, started = self._started[token]
                    if now - started > self._timeout:
                        self._over_time.add(token)
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)  # the pool breaks; the others are validated again

    def next_outcome(self, pending: deque[tuple[_Named, Future[_Result]]]) -> Outcome:
        """The outcome of the first pending input (waiting for it), which is removed from ``pending``."""
        if self._timeout is not None:
            self._watch(pending)
        if _broken(pending[0][1]):
            self._recover(pending)
        item, future = pending.popleft()
        self._started.pop(self._token_of.pop(future, -1), None)
        error = future.exception()
        if error is not None:  # a worker could not take the input or return its outcome (pickling): this input only
            assert not isinstance(item, InputFailure)
            if not isinstance(item[1], (str, bytes, PurePath)):
                # A document built in Python that cannot be sent to a worker (a function among its values), or a
                # source that is none (a function), is checked here instead, so it gets the outcome it gets with
                # jobs=1 (refused: not JSON, or not a source), not an internal error.
                return _outcome(_validate_one(item[0], item[1], self._options, self._keep_graph))
            return _internal_failure(item[0], error)
        return _outcome(future.result())

    def close(self, *, abandoned: bool = False) -> None:
        """Shut the pool down; ``abandoned``: kill its workers first instead of waiting for the inputs they hold.

        Waiting after an interrupt could hang for good: a worker forked while the interrupted parent held a lock
        waits for it for ever, and the pool's shutdown waits for that worker (seen with Ctrl-C during start-up).
        """
        if self._executor is not None:
            with stopping.held():  # a pool cut off mid-shutdown would leave its workers behind
                if abandoned:
                    # The executor's own table of its processes (private; absent, the shutdown below still runs).
                    workers = list((getattr(self._executor, "_processes", None) or {}).values())
                    for worker in workers:
                        with contextlib.suppress(Exception):
                            worker.kill()
                    for worker in workers:
                        with contextlib.suppress(Exception):
                            worker.join(5)
                    manager = getattr(self._executor, "_executor_manager_thread", None)
                    self._executor.shutdown(wait=False, cancel_futures=True)
                    # Its workers dead, the pool's manager thread ends at once; one left running races the
                    # interpreter's exit hook for the pool's wake-up pipe and prints a traceback (CPython 3.11).
                    if manager is not None:
                        with contextlib.suppress(Exception):
                            manager.join(5)
                else:
                    self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None
        self._starts.close()
        self._starts_writer.close()

    def _recover(self, pending: deque[tuple[_Named, Future[_Result]]]) -> None:
        if self._executor is not None:
            with stopping.held():
                self._executor.shutdown(wait=True)  # returns once the broken pool has settled every future it held
                self._executor = None
        suspects = []
        for index, (item, future) in enumerate(pending):
            if _broken(future):
                self._started.pop(self._token_of.get(future, -1), None)
                if self._token_of.pop(future, None) in self._over_time:
                    assert not isinstance(item, InputFailure) and self._timeout is not None
                    pending[index] = (item, _settled(_over_time(item[0], self._timeout)))
                else:
                    suspects.append(index)
        items = [pending[index][0] for index in suspects]
        for index, result in zip(suspects, self._alone(items), strict=True):
            pending[index] = (pending[index][0], _settled(result))

    def _alone(self, items: list[_Named]) -> list[_Result]:
        """Validate each item in a process of its own, up to ``workers`` at once; results in the order given."""
        waiting = deque(enumerate(items))
        running: dict[Connection, tuple[int, str, BaseProcess]] = {}
        started: dict[Connection, float] = {}
        killed: set[Connection] = set()
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
                    with stopping.held():  # a started child is in `running` before a stop can end the loop
                        child.start()
                        writer.close()  # the child holds the only writer left, so its death reads as end of file
                        running[reader] = (index, item[0], child)
                        started[reader] = time.monotonic()
                for ready in wait(list(running), timeout=self._next_deadline(started, killed)):
                    assert isinstance(ready, Connection)
                    index, name, finished = running.pop(ready)
                    started.pop(ready)
                    result = self._collect(ready, name, finished)
                    if ready in killed and isinstance(result, InputFailure) and self._timeout is not None:
                        result = _over_time(name, self._timeout)
                    results[index] = result
                if self._timeout is not None:
                    for reader, (_, _, process) in running.items():
                        if reader not in killed and time.monotonic() - started[reader] > self._timeout:
                            killed.add(reader)  # its pipe then reads as end of file, and it is collected above
                            process.kill()
        finally:
            for reader, (_, _, left) in running.items():  # interrupted: leave no process behind
                left.kill()
                left.join()
                reader.close()
        return [results[index] for index in range(len(items))]

    def _next_deadline(self, started: dict[Connection, float], killed: set[Connection]) -> float | None:
        """Seconds until the next running input is over the time limit (None without a limit)."""
        if self._timeout is None:
            return None
        left = [begun + self._timeout - time.monotonic() for reader, begun in started.items() if reader not in killed]
        return max(0.05, min(left, default=self._timeout))

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
