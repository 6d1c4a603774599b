"""Red team 113a: a retirement record stating fewer tonnes than the credits it retires (1 t beside a 900 t credit)
conformed: no rule read an offsetting event's tonnes. Red team 113b: a key or workbook header that is a prefix of
the context alone (``unit``, ``schema``, ``qudt``) expands to the bare namespace, which no rule reads and CN-INPUT-02
did not report: a footprint stated in "kt CO2e" under a ``unit`` column conformed against credits in tonnes."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, conforming_workbook, example, rule_messages, workbook_data

AS_OF = date(2026, 12, 1)


def _retirement_states(tonnes: str) -> dict[str, Any]:
    document = example("conforming-claim.jsonld")
    event = next(node for node in document["@graph"] if node["@id"] == "ex:retirement-2025-03")
    event["tonnesCO2e"] = tonnes  # its three credits hold 6,000 + 4,500 + 2,000 t
    return document


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
@pytest.mark.parametrize("tonnes", ["1", "12499.9", "12500.1"])
def test_a_retirement_stating_other_tonnes_than_its_credits_is_refused(
    engine: str, reasoning: str, tonnes: str
) -> None:
    messages = rule_messages(_retirement_states(tonnes), engine, "CN-BAL-01", as_of=AS_OF, reasoning=reasoning)
    # (the engines write the sum as 12500 or 12500.0)
    assert any(re.search(rf"states {tonnes} t CO2e retired.* hold 12500(\.0)? t CO2e", m) for m in messages), messages


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("tonnes", ["12500", "12500.000"])
def test_a_retirement_stating_its_credits_tonnes_stands(engine: str, tonnes: str) -> None:
    assert not rule_messages(_retirement_states(tonnes), engine, "CN-BAL-01", as_of=AS_OF)


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("key", ["unit", "schema", "qudt"])
def test_a_key_that_is_a_prefix_alone_is_an_unknown_term(engine: str, key: str) -> None:
    document = example("conforming-claim.jsonld")
    footprint = next(node for node in document["@graph"] if node["@id"] == "ex:footprint-2024")
    footprint[key] = "kt CO2e"
    messages = rule_messages(document, engine, "CN-INPUT-02", as_of=AS_OF)
    assert any("is a namespace, not a term" in message for message in messages), messages


def test_a_unit_column_header_in_a_workbook_is_reported_with_its_sheet_and_row(tmp_path: Path, cli: Any) -> None:
    book = conforming_workbook()
    sheet = book["Footprint"]
    column = sheet.max_column + 1
    sheet.cell(1, column, "unit")
    sheet.cell(3, column, "kt CO2e")
    path = tmp_path / "claim.xlsx"
    path.write_bytes(workbook_data(book))
    run = cli("--as-of", "2026-12-01", "-f", "json", str(path))
    findings = [r for r in run.json()["results"] if r["rule"] == "CN-INPUT-02"]
    assert findings and "is a namespace, not a term" in findings[0]["message"], findings
    assert "Footprint" in json.dumps(findings[0]), findings[0]
