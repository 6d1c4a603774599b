"""Red team 90: the top management that stated a claim's commitment is the claimant's own side, and cannot be the
verifier of its claim (CN-CLAIM-06, §13; ISO 14064-3 has the verifier independent of what it verifies); a commitment
date that is not written as a date is refused, not left uncompared (CN-CLAIM-01, §6, §13)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from tests.conftest import ENGINES, edited, example, rule_messages, violated_rules, with_nodes

AS_OF = date(2026, 12, 1)
TEAM = {"@id": "ex:team", "@type": "Organization", "label": "Acme Ceramics sustainability team"}


def _subsidiary(*edits: tuple[str, str, Any]) -> dict[str, Any]:
    # The plan is delivered by a team, not by the board that stated the commitment: the board is then named by
    # nothing CN-CLAIM-06 read before (the plan's responsible body was, and still is).
    document = with_nodes(example("annex-b/subsidiary-claim.jsonld"), TEAM)
    return edited(document, ("ex:plan", "responsibleForDelivery", "ex:team"), *edits)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_independent_verifier_conforms(engine: str) -> None:
    assert violated_rules(_subsidiary(), engine, as_of=AS_OF) == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_board_that_stated_the_commitment_does_not_verify_the_claim(engine: str) -> None:
    document = _subsidiary(("ex:opinion-2024", "verifiedBy", "ex:board"))
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert any("stated the claim's commitment" in message for message in messages), messages


@pytest.mark.parametrize("engine", ENGINES)
def test_the_board_named_by_its_name_does_not_verify_the_claim_either(engine: str) -> None:
    named = {"@id": "ex:board-by-name", "@type": "Organization", "label": "ACME Ceramics Management Board"}
    document = with_nodes(_subsidiary(("ex:opinion-2024", "verifiedBy", "ex:board-by-name")), named)
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert any("ex:board" in message or "/board" in message for message in messages), messages


# ---- CN-CLAIM-01: a commitment's date as a spreadsheet user writes it ----
# Before: "01/09/2025" (or Excel's serial 45901) on a commitment issued after the claim was not read as a date and
# the comparison with the claim's date (2025-05-15) was skipped: CONFORMS.


def _commitment(**dates: str | int) -> dict[str, Any]:
    # The conforming example (claim dated 2025-05-15) with the commitment's dates given.
    return edited(example("conforming-claim.jsonld"), *(("ex:commitment", key, value) for key, value in dates.items()))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("key", "value"),
    [("dcterms:issued", "01/09/2025"), ("dcterms:issued", "45901"), ("dcterms:issued", "September 2025"),
     ("dcterms:date", "1.9.2025"), ("prov:invalidatedAtTime", "31/12/2024")],
)  # fmt: skip
def test_a_commitment_date_not_written_as_a_date_is_refused(engine: str, key: str, value: str) -> None:
    document = _commitment(**{key: value})
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-01"}
    messages = rule_messages(document, engine, "CN-CLAIM-01", as_of=AS_OF)
    assert any(f'"{value}", which is not a date' in message for message in messages), messages


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("key", "value", "violated"),
    [("dcterms:issued", "2026", True), ("dcterms:issued", "2025-09", True), ("dcterms:issued", "2025", False),
     ("dcterms:issued", "2025-05", False), ("dcterms:issued", "2025-05-15", False),
     ("dcterms:issued", "2024-11-30", False),
     ("prov:invalidatedAtTime", "2024", True), ("prov:invalidatedAtTime", "2025-04", True),
     ("prov:invalidatedAtTime", "2025", False), ("prov:invalidatedAtTime", "2026-01-10", False)],
)  # fmt: skip
def test_a_commitment_dated_by_year_or_month_is_compared_at_that_precision(
    engine: str, key: str, value: str, violated: bool
) -> None:
    # The claim is dated 2025-05-15: a commitment of 2026 or September 2025 came after it; one of 2025 or May 2025
    # may have come before, and is taken as in place. Withdrawn in 2024 or April 2025: before the claim.
    rules = violated_rules(_commitment(**{key: value}), engine, as_of=AS_OF)
    assert rules == ({"CN-CLAIM-01"} if violated else set())


def test_a_commitment_date_typed_as_a_spreadsheet_serial_names_its_cell(tmp_path: Path) -> None:
    import openpyxl

    from comet_cn.workbook import workbook_bytes

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(_commitment(**{"dcterms:issued": "2024-01-10"}))))
    sheet = book["Commitment"]
    cell = next(c for row in sheet.iter_rows() for c in row if str(c.value).startswith("2024-01-10"))
    cell.value = 45901  # 2025-09-01 as Excel counts days, in a cell not formatted as a date
    target = tmp_path / "claim.xlsx"
    book.save(target)
    report = comet_cn.validate(target, parameters=comet_cn.RuleParameters(as_of=AS_OF))
    assert not report.conforms
    findings = [r for r in report.results if r.rule_id == "CN-CLAIM-01"]
    expected = f"sheet 'Commitment', row {cell.row}, column dcterms:issued ({cell.coordinate})"
    assert [f.location for f in findings] == [expected]
