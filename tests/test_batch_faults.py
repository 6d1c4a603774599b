"""One input never costs another its verdict: exceptions of any kind, and worker processes that die, become the
outcome of the input being validated, and every other input is reported, in input order."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import comet_cn.batch
from comet_cn.batch import validate_many
from comet_cn.errors import InputError, SupportFileError
from comet_cn.reporting import InputFailure, Outcome
from comet_cn.synthetic import synthetic_batch
from comet_cn.validation import ValidationReport, validate

# Worker processes are started and killed: seconds per test; run in CI (the full set).
pytestmark = pytest.mark.slow

SECRET = "sekrit-input-bytes"
CLAIMS = [(f"claim-{i}", document) for i, (document, _) in enumerate(synthetic_batch(6, violation_every=2))]

needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patched validate reaches workers only by fork"
)


def _inputs(bad: str) -> Iterator[tuple[str, Any]]:
    """A generator, as the command line gives: the input named ``bad`` in fourth place."""
    for index, (name, document) in enumerate(CLAIMS):
        yield (bad if index == 3 else name), document


def _patch(monkeypatch: pytest.MonkeyPatch, bad: str, action: Callable[[], None]) -> None:
    """Make validating the input named ``bad`` run ``action``; the others are validated for real."""

    def patched(source: Any, *, name: str | None = None, **options: Any) -> ValidationReport:
        if name == bad:
            action()
        return validate(source, name=name, **options)

    monkeypatch.setattr(comet_cn.batch, "validate", patched)


def _check(outcomes: list[Outcome], bad: str, message: str | None) -> None:
    """Every good input has its real verdict in place; ``bad`` fails with ``message`` (or succeeds when None)."""
    assert [o.source for o in outcomes] == [bad if i == 3 else name for i, (name, _) in enumerate(CLAIMS)]
    for index, ((_, document), outcome) in enumerate(zip(CLAIMS, outcomes, strict=True)):
        if index == 3 and message is not None:
            assert isinstance(outcome, InputFailure) and outcome.message == message
            assert "\n" not in outcome.message and SECRET not in outcome.message
        else:
            assert isinstance(outcome, ValidationReport)
            assert outcome.results == validate(document, name=outcome.source).results


def _unicode() -> None:
    raise UnicodeEncodeError("ascii", SECRET + "\u00e9", len(SECRET), len(SECRET) + 1, "no")


def _raise(error: BaseException) -> Callable[[], None]:
    def action() -> None:
        raise error

    return action


FAULTS: dict[str, Callable[[], None]] = {
    "RecursionError": _raise(RecursionError(f"maximum recursion depth exceeded at {SECRET}")),
    "ValueError": _raise(ValueError(f"bad value {SECRET}\nsecond line")),
    "UnicodeEncodeError": _unicode,
    "OverflowError": _raise(OverflowError(SECRET)),
    "KeyError": _raise(KeyError(SECRET)),  # a plain bug
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_any_exception_is_that_inputs_failure_and_the_run_goes_on(monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    _patch(monkeypatch, "bad", FAULTS[fault])
    outcomes = list(validate_many(_inputs("bad"), jobs=1))
    _check(outcomes, "bad", f"could not be validated: internal error ({fault})")


@needs_fork
def test_an_exception_in_a_worker_is_that_inputs_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    _patch(monkeypatch, "bad", FAULTS["RecursionError"])
    outcomes = list(validate_many(_inputs("bad"), jobs=2))
    _check(outcomes, "bad", "could not be validated: internal error (RecursionError)")


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=needs_fork)])
def test_a_broken_extra_shapes_file_still_spoils_every_input(monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    # An extra file's problem is its own error type (not told apart by comparing names): it stops the whole run.
    _patch(monkeypatch, "claim-0", _raise(SupportFileError("extra-shapes.ttl", "not valid Turtle")))
    with pytest.raises(InputError) as spoiled:
        list(validate_many(_inputs("claim-3"), jobs=jobs))
    assert (spoiled.value.source, spoiled.value.problem) == ("extra-shapes.ttl", "not valid Turtle")


def _die(how: str, parent: int) -> Callable[[], None]:
    def action() -> None:
        if os.getpid() == parent:  # never take the test run down if this ever runs in-process
            raise AssertionError("the killer input ran in the parent process")
        if how == "SIGKILL":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(7)

    return action


@needs_fork
@pytest.mark.parametrize(("how", "shown"), [("SIGKILL", "signal SIGKILL"), ("exit", "exit code 7")])
def test_an_input_that_kills_its_worker_fails_alone(monkeypatch: pytest.MonkeyPatch, how: str, shown: str) -> None:
    _patch(monkeypatch, "killer", _die(how, os.getpid()))
    outcomes = list(validate_many(_inputs("killer"), jobs=2))
    _check(outcomes, "killer", f"the worker validating this input died ({shown}); retried once")


@needs_fork
def test_an_input_whose_worker_died_once_gets_its_verdict_on_retry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    marker = tmp_path / "killed-once"
    kill = _die("SIGKILL", os.getpid())

    def first_time_only() -> None:
        if not marker.exists():
            marker.touch()
            kill()

    _patch(monkeypatch, "flaky", first_time_only)
    outcomes = list(validate_many(_inputs("flaky"), jobs=2))
    assert marker.exists()  # a worker did die
    _check(outcomes, "flaky", None)


@needs_fork
def test_the_pool_is_replaced_and_later_inputs_keep_flowing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A killer early in a stream longer than the window: inputs submitted after the crash go to a new pool."""
    _patch(monkeypatch, "killer", _die("SIGKILL", os.getpid()))
    documents = [document for _, document in CLAIMS]
    stream = [("killer" if i == 1 else f"claim-{i}", documents[i % len(documents)]) for i in range(20)]
    outcomes = list(validate_many(iter(stream), jobs=2))
    assert [o.source for o in outcomes] == [name for name, _ in stream]
    assert [type(o).__name__ for o in outcomes].count("InputFailure") == 1
    assert isinstance(outcomes[1], InputFailure) and "died (signal SIGKILL)" in outcomes[1].message
