"""Hostile inputs in a batch: each gets its own outcome (a verdict, or one error line naming line and column), every
other input keeps its verdict, and the JSON and text reports are valid UTF-8 whatever the inputs hold."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, Run

GOOD = EXAMPLES / "conforming-claim.jsonld"
BAD = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"


def _claim() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(GOOD.read_text(encoding="utf-8"))
    return document


def _node(document: dict[str, Any], node_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in document["@graph"] if n.get("@id") == node_id)
    return found


def _with(node_id: str, **values: Any) -> str:
    document = _claim()
    _node(document, node_id).update(values)
    return json.dumps(document, indent=1)


def _number_in_place(number: str) -> str:
    """The claim with a bare JSON token where the wind credit's quantity was: a line and column to point at."""
    return _with("ex:credit-wind", tonnesCO2e="@@NUMBER@@").replace('"@@NUMBER@@"', number)


def _where() -> str:
    """Where :func:`_number_in_place` puts its token, as the error message must say it."""
    text = _with("ex:credit-wind", tonnesCO2e="@@NUMBER@@")
    offset = text.index('"@@NUMBER@@"')
    return f"line {text.count(chr(10), 0, offset) + 1} column {offset - text.rfind(chr(10), 0, offset)}"


def _offset_first() -> str:
    """CN-HIER-02 reports the offsetting action by its IRI in the message: here an IRI with backslashes."""
    document = _claim()
    plan = _node(document, "ex:plan")
    action = _node(document, "ex:action-offset")
    action["@id"] = "http://example.org/off\\set\\1"
    action["actionOrder"] = 0
    plan["hasAction"] = [a if a != "ex:action-offset" else action["@id"] for a in plan["hasAction"]]
    return json.dumps(document)


# name -> (file content, what the outcome must show: an error containing these, or a verdict with these rules)
Expected = tuple[str, tuple[str, ...]]
CASES: dict[str, tuple[str, Expected]] = {
    "huge-integer": (_number_in_place("9" * 4400), ("error", ("number out of range", _where()))),
    "nan": (_number_in_place("NaN"), ("error", ("not valid JSON", "NaN and Infinity", _where()))),
    "infinity": (_number_in_place("Infinity"), ("error", ("not valid JSON", _where()))),
    "minus-infinity": (_number_in_place("-Infinity"), ("error", ("not valid JSON", _where()))),
    "double-overflow": (_number_in_place("1e999999"), ("error", ("number out of range", _where()))),
    "lone-surrogate": (
        _with("ex:credit-wind", vintageEndYear="\ud800", serialNumber="EXR\ud800"),
        ("verdict", ("CN-VINT-01", "CN-UNITS-03")),
    ),
    "language-tag": (
        _with("ex:acme", label={"@value": "Acme", "@language": "en US!!"}),
        ("error", ("language tag",)),
    ),
    # No IRI may hold a backslash (RFC 3987): the Oxigraph store refused the graph and every input lost its audit, so
    # such an input is refused alone (red team 26e).
    "backslash-iri": (_offset_first(), ("error", ("an IRI holds '\\\\', which no IRI may hold",))),
    "word-as-quantity": (_with("ex:credit-wind", tonnesCO2e="abc"), ("verdict", ("CN-BAL-01",))),
    "exponent-decimal": (
        _with("ex:credit-wind", tonnesCO2e={"@value": "1e3", "@type": "xsd:decimal"}),
        ("verdict", ("CN-BAL-01",)),
    ),
    "nan-decimal": (
        _with("ex:footprint-2024", tonnesCO2e={"@value": "NaN", "@type": "xsd:decimal"}),
        ("verdict", ("CN-BAL-01",)),
    ),
    "nan-double": (
        _with("ex:footprint-2024", tonnesCO2e={"@value": "NaN", "@type": "xsd:double"}),
        ("verdict", ("CN-BAL-01",)),
    ),
    "integer-word": (
        _with("ex:credit-wind", tonnesCO2e={"@value": "abc", "@type": "xsd:integer"}),
        ("verdict", ("CN-BAL-01",)),
    ),
}


def _write(tmp_path: Path, case: str) -> Path:
    path = tmp_path / f"{case}.jsonld"
    path.write_bytes(CASES[case][0].encode("utf-8", "surrogatepass"))
    return path


def _utf8(run: Run) -> None:
    run.out.encode("utf-8")  # a lone surrogate in the report would raise here
    run.err.encode("utf-8")
    assert "Traceback" not in run.err and "internal error" not in run.out + run.err


def _check_json(run: Run, hostile: Path, expected: Expected) -> None:
    document = run.json()
    inputs = {entry["source"]: entry for entry in document["inputs"]}
    assert [entry["source"] for entry in document["inputs"]] == [str(GOOD), str(hostile), str(BAD)]
    assert inputs[str(GOOD)]["conforms"] is True
    assert inputs[str(BAD)]["conforms"] is False
    kind, needles = expected
    entry = inputs[str(hostile)]
    if kind == "error":
        assert entry["conforms"] is None and "\n" not in entry["error"]
        assert all(needle in entry["error"] for needle in needles), entry["error"]
        assert run.code == 2
    else:
        assert entry["conforms"] is False and entry["error"] is None
        rules = {r["rule"] for r in document["results"] if r["source"] == str(hostile)}
        assert set(needles) <= rules
        assert run.code == 1


def _check_text(run: Run, hostile: Path, expected: Expected) -> None:
    kind, needles = expected
    lines = run.out.splitlines()
    assert f"{GOOD}: CONFORMS to ISO 14068-1" in run.out and f"{BAD}: DOES NOT CONFORM" in run.out
    verdict = next(line for line in lines if line.startswith(f"{hostile}: "))
    if kind == "error":
        assert verdict.startswith(f"{hostile}: ERROR ") and all(needle in verdict for needle in needles)
        assert run.err.strip().splitlines() == [f"cn-validate: error: {verdict.replace(' ERROR ', ' ', 1)}"]
        assert run.code == 2
    else:
        assert verdict.startswith(f"{hostile}: DOES NOT CONFORM")
        assert all(f" {rule} " in run.out for rule in needles)
        assert run.code == 1 and run.err == ""


@pytest.mark.parametrize("fmt", ["json", "text"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_input_gets_its_own_outcome_and_the_others_keep_theirs(
    cli: Callable[..., Run], tmp_path: Path, case: str, fmt: str
) -> None:
    hostile = _write(tmp_path, case)
    run = cli("-f", fmt, "-j", "1", GOOD, hostile, BAD)
    _utf8(run)
    (_check_json if fmt == "json" else _check_text)(run, hostile, CASES[case][1])


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_every_hostile_input_at_once_with_worker_processes(cli: Callable[..., Run], tmp_path: Path, fmt: str) -> None:
    paths = [_write(tmp_path, case) for case in sorted(CASES)]
    run = cli("-f", fmt, "-j", "2", GOOD, *paths, BAD)
    _utf8(run)
    assert run.code == 2
    if fmt == "json":
        document = run.json()
        assert [e["source"] for e in document["inputs"]] == [str(GOOD), *map(str, paths), str(BAD)]
        for path, entry in zip(paths, document["inputs"][1:-1], strict=True):
            kind = CASES[path.stem][1][0]
            assert (entry["conforms"] is None) == (kind == "error"), entry
        assert document["inputs"][0]["conforms"] is True and document["inputs"][-1]["conforms"] is False
    else:
        assert len([line for line in run.out.splitlines() if line.startswith(str(tmp_path))]) == len(paths)


def test_a_lone_surrogate_is_written_as_an_escape(cli: Callable[..., Run], tmp_path: Path) -> None:
    hostile = _write(tmp_path, "lone-surrogate")
    text = cli(hostile)
    assert "value: \\ud800" in text.out and "EXR\\ud800" in text.out
    document = cli("-f", "json", hostile)
    assert "\\ud800" in document.out
    assert {r["value"] for r in document.json()["results"]} >= {"\ud800", "EXR\ud800"}  # the same string back
    turtle = cli("-f", "turtle", hostile)
    turtle.out.encode("utf-8")
    assert turtle.code == 1


def test_a_backslash_in_an_iri_is_refused_in_one_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli(_write(tmp_path, "backslash-iri"))
    assert run.code == 2 and "an IRI holds '\\\\', which no IRI may hold (RFC 3987)" in run.err


def test_a_file_name_that_is_not_utf8_is_written_with_escapes(cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    name = os.fsdecode(b"acme-\xff\xfe.jsonld")  # surrogate escapes, as Python gives such a name
    (folder / name).write_bytes(GOOD.read_bytes())
    for jobs in ("1", "2"):
        run = cli("-f", "json", "-j", jobs, folder, BAD)
        _utf8(run)
        assert run.code == 1
        assert [e["source"] for e in run.json()["inputs"]] == [str(folder / name), str(BAD)]
        assert "acme-\\udcff\\udcfe.jsonld" in run.out
        text = cli("-j", jobs, folder)
        _utf8(text)
        assert "acme-\\udcff\\udcfe.jsonld: CONFORMS" in text.out


def test_a_json_lines_line_that_is_not_utf8_is_that_lines_outcome(cli: Callable[..., Run], tmp_path: Path) -> None:
    line = json.dumps(_claim()).encode("utf-8")
    batch = tmp_path / "claims.jsonl"
    batch.write_bytes(line + b"\n" + line.replace(b"Acme", b"Acm\xe9") + b"\n" + line + b"\n")
    for jobs in ("1", "2"):
        run = cli("-f", "json", "-j", jobs, batch)
        _utf8(run)
        entries = [(e["source"], e["conforms"], e["error"]) for e in run.json()["inputs"]]
        assert entries[0] == (f"{batch}:1", True, None) and entries[2] == (f"{batch}:3", True, None)
        assert entries[1][:2] == (f"{batch}:2", None) and "not UTF-8" in entries[1][2]
        assert run.code == 2
        assert run.err.strip().splitlines() == [f"cn-validate: error: {batch}:2: {entries[1][2]}"]
