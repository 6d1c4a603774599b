"""Red team 73b: an audit finding is placed in the inputs that hold its node, in every format that names files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, edited, example, verdict_and_messages

AS_OF = date(2026, 12, 6)


def _series(tmp_path: Path) -> Path:
    folder = tmp_path / "series"
    shutil.copytree(EXAMPLES / "multi-period", folder)
    return folder


def test_every_sarif_result_of_an_audit_names_the_files_that_hold_its_node(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    # Before: audit results carried only a logical location, and GitHub code scanning refuses a whole log when one
    # result names no file: one double-counted credit kept every other finding out of code scanning.
    run = cli("--audits", "--as-of", "2026-06-01", "-f", "sarif", _series(tmp_path))
    results = json.loads(run.out)["runs"][0]["results"]
    audits = [r for r in results if r["ruleId"].startswith("CN-AUDIT-")]
    assert audits and all(r["locations"] for r in results)
    assert all("physicalLocation" in place for r in results for place in r["locations"])
    (double,) = [r for r in audits if r["ruleId"] == "CN-AUDIT-DOUBLE-01"]
    files = [Path(p["physicalLocation"]["artifactLocation"]["uri"]).name for p in double["locations"]]
    assert files == ["acme-2023.jsonld", "acme-2024.jsonld"]  # the two claims that retire the same biochar


def test_json_and_text_name_an_audit_findings_inputs(cli: Callable[..., Any], tmp_path: Path) -> None:
    series = _series(tmp_path)
    as_json = json.loads(cli("--audits", "--as-of", "2026-06-01", "-f", "json", series).out)
    audits = [r for r in as_json["results"] if r["rule"] == "CN-AUDIT-IMPROVE-01"]
    assert audits and all(r["inputs"] and all(Path(i).name.startswith("acme-") for i in r["inputs"]) for r in audits)
    # A claim's own finding keeps its documented keys.
    assert all("inputs" not in r for r in as_json["results"] if not r["rule"].startswith("CN-AUDIT-"))
    text = cli("--audits", "--as-of", "2026-06-01", series).out
    assert "    in:    " in text and "acme-2023.jsonld, " in text


# ---- Red team 74a: the inputs named ----


def _acme(year: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text("utf-8"))
    return document


def _audit_inputs(cli: Callable[..., Any], *args: Any) -> dict[str, list[tuple[str, ...]]]:
    report = json.loads(cli("--audits", "--as-of", "2026-06-01", "-f", "json", *args).out)
    found: dict[str, list[tuple[str, ...]]] = {}
    for result in report["results"]:
        if result["rule"].startswith("CN-AUDIT-"):
            found.setdefault(result["rule"], []).append(tuple(Path(i).name for i in result.get("inputs", ())))
    return found


def test_a_json_lines_claim_is_named_by_its_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    # Before: "in: <bytes>", and no file in SARIF.
    lines = tmp_path / "claims.jsonl"
    lines.write_text("".join(json.dumps(_acme(year)) + "\n" for year in ("2022", "2023", "2024")), encoding="utf-8")
    found = _audit_inputs(cli, lines)
    assert found["CN-AUDIT-DOUBLE-01"] == [("claims.jsonl:2", "claims.jsonl:3")]
    assert found["CN-AUDIT-IMPROVE-01"] == [("claims.jsonl:2",)]


def test_a_serial_spelt_otherwise_still_places_the_finding_in_its_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    # Before: the walk started from the serial as compared (upper case, no spaces): the file spelling it otherwise
    # was left out, or no file was named at all.
    later = _acme("2024")
    for node in later["@graph"]:
        if node.get("serialNumber") == "EXR-2023-BIOC-000001-002000":
            node["serialNumber"] = " exr-2023-bioc-000001-002000 "
    (tmp_path / "acme-2023.jsonld").write_text(json.dumps(_acme("2023")), encoding="utf-8")
    (tmp_path / "acme-2024.jsonld").write_text(json.dumps(later), encoding="utf-8")
    found = _audit_inputs(cli, tmp_path / "acme-2023.jsonld", tmp_path / "acme-2024.jsonld")
    assert found["CN-AUDIT-DOUBLE-01"] == [("acme-2023.jsonld", "acme-2024.jsonld")]


def test_a_claim_iri_two_files_reuse_is_placed_in_both(cli: Callable[..., Any], tmp_path: Path) -> None:
    # Before: only the first file that gave the claim IRI was named.
    first, second = _acme("2024"), _acme("2024")
    for node in second["@graph"]:
        if "reportingPeriodStart" in node:
            node["reportingPeriodStart"] = "2024-02-01"
    (tmp_path / "a.jsonld").write_text(json.dumps(first), encoding="utf-8")
    (tmp_path / "b.jsonld").write_text(json.dumps(second), encoding="utf-8")
    found = _audit_inputs(cli, tmp_path / "a.jsonld", tmp_path / "b.jsonld")
    assert ("a.jsonld", "b.jsonld") in found["CN-AUDIT-ID-01"]


def test_blank_credit_blocks_in_a_store_are_placed_in_their_own_files(cli: Callable[..., Any], tmp_path: Path) -> None:
    # Before: in the Oxigraph store a blank node's label acted as a wildcard in the walk's query, and findings were
    # placed in unrelated files (here other.jsonld, which holds none of the serials).
    def blank(document: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(document).replace('"ex:credit-', '"_:credit-')
        value: dict[str, Any] = json.loads(text)
        return value

    other = blank(_acme("2022"))
    for node in other["@graph"]:
        if "serialNumber" in node:
            node["serialNumber"] = "OTH-" + node["serialNumber"]
    for name, document in (
        ("a.jsonld", blank(_acme("2023"))),
        ("b.jsonld", blank(_acme("2024"))),
        ("other.jsonld", other),
    ):
        (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
    files = [tmp_path / name for name in ("a.jsonld", "b.jsonld", "other.jsonld")]
    in_memory = _audit_inputs(cli, *files)
    in_store = _audit_inputs(cli, "--store", tmp_path / "store", *files)
    assert in_store["CN-AUDIT-DOUBLE-01"] == in_memory["CN-AUDIT-DOUBLE-01"] == [("a.jsonld", "b.jsonld")]


# ---- Red team 75a: a reversal booked in a period before it occurred ----


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("date", "fires"), [("2025-02-01", True), ("2025-01-01", True), ("2024-12-31", False)])
def test_a_reversal_booked_before_it_occurred_is_a_violation(engine: str, date: str, fires: bool) -> None:
    # Before: a reversal of February 2025 booked as an emission in the 2024 footprint conformed, and the 2025
    # claim could leave it out (§10.2: counted in the reporting period of the reversal).
    claim = edited(example("conforming-claim.jsonld"), ("ex:reversal-2024-fire", "reversalDate", date))
    conforms, messages = verdict_and_messages(claim, engine, "CN-REV-01", as_of=AS_OF)
    assert conforms is not fires and bool(messages) is fires
    if fires:
        assert f"occurred on {date}, after the reporting period ends (2024-12-31)" in messages[0]
