"""Red team 25 regressions (and items left open from earlier rounds): each test names what a user saw before."""

from __future__ import annotations

import io
import json
from pathlib import Path

from comet_cn.errors import InputError
from comet_cn.loading import iter_stream
from tests.conftest import run_script

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLAIM = EXAMPLES / "conforming-claim.jsonld"


def _one_line(path: Path) -> str:
    return json.dumps(json.loads(path.read_text(encoding="utf-8")))


# ---- a stream of claims behind one stray line ----


def test_a_stream_of_claims_after_a_stray_first_line_keeps_every_claims_verdict() -> None:
    # Before: the stream was read as one Turtle document, "not valid Turtle (syntax error at line 1 column 1)",
    # and no claim of the stream got a verdict.
    claim = _one_line(CLAIM)
    stream = f"claims exported 2026-12-03\n\n{claim}\n{claim}\n".encode()
    run = run_script("cn-validate", "-", stdin=stream)
    verdicts = [line.split(": ", 1) for line in run.out.splitlines() if line.startswith("<stdin>:")]
    assert [name for name, _ in verdicts] == ["<stdin>:1", "<stdin>:3", "<stdin>:4"]
    assert [text.split(" (")[0] for _, text in verdicts[1:]] == ["CONFORMS to ISO 14068-1"] * 2
    assert run.code == 2
    assert run.err.strip() == (
        "cn-validate: error: <stdin>:1: not JSON-LD: a line of a JSON Lines file must be a JSON object or array"
    )


def test_a_document_is_still_one_input_whatever_its_second_line() -> None:
    # A JSON array whose only element is written on one line, and Turtle, stay one input each.
    claim = _one_line(CLAIM)
    array = f"[\n{claim}\n]\n".encode()
    assert list(iter_stream(io.BytesIO(array))) == [("<stdin>", array)]
    turtle = b"@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\n"
    assert list(iter_stream(io.BytesIO(turtle))) == [("<stdin>", turtle)]
    assert run_script("cn-validate", "-", stdin=array).out.startswith("<stdin>: CONFORMS")


def test_a_stray_line_before_a_line_over_the_limit_is_refused_as_over_the_limit() -> None:
    from comet_cn.loading import LoadLimits

    stream = io.BytesIO(b"header\n" + b"x" * 200 + b"\n")
    (entry,) = iter_stream(stream, limits=LoadLimits(max_bytes=64))
    assert isinstance(entry, InputError) and entry.problem == "input is over the limit of 64 bytes"


# ---- continual improvement: a residual-only state the footprint shows, lost the next period ----


def _period(year: int, *, all_residual: bool) -> dict[str, object]:
    document = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
    if all_residual:
        for node in document["@graph"]:
            if str(node.get("@id", "")).startswith("ex:emission-") and "tonnesCO2e" in node:
                node["@type"] = [node["@type"], "ResidualGHGEmission"]
    return document


def test_a_residual_only_state_shown_by_the_footprint_and_lost_the_next_period_is_found() -> None:
    # Before: only the onlyResidualEmissionsRemain flag made a period residual-only for the audit, while CN-CTYPE-01
    # already read a footprint whose every emission is residual as residual-only; the set conformed.
    from comet_cn import run_audits

    lost = run_audits([_period(2023, all_residual=True), _period(2024, all_residual=False)])
    found = [f for f in lost if f.rule_id == "CN-AUDIT-IMPROVE-03"]
    assert len(found) == 1 and "period-2023" in found[0].message and "period-2024" in found[0].message
    # Control: the same set with the 2023 footprint as the example has it, and with the state kept in 2024.
    assert not [
        f
        for f in run_audits([_period(2023, all_residual=False), _period(2024, all_residual=False)])
        if f.rule_id == "CN-AUDIT-IMPROVE-03"
    ]
    kept = run_audits([_period(2023, all_residual=True), _period(2024, all_residual=True)])
    assert not [f for f in kept if f.rule_id == "CN-AUDIT-IMPROVE-03"]
