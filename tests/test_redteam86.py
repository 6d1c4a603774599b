"""Red team 86: a CAD Trust vintage the importer cannot read is not replaced by a later year from the serial id; a
product baseline's unit agrees with the life-cycle scope it states (CN-PROD-02); a one-off event offsets after its
reduction efforts (CN-EVENT-06, Annex B.2.2)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import import_records
from tests.conftest import ENGINES, edited, example, rule_messages, violated_rules
from tests.test_import_beneficiaries import ACME

AS_OF = date(2026, 12, 1)


# ---- CAD Trust: a stated vintage that is not a four-digit year ----
# Before: unitVintageYear "2015-12-31" was not read, and the serial id's year 2024 was written as the vintage, with a
# warning that the record "states no unit_vintage_year": a 2015 credit passed CN-VINT-01 for a 2024 period.


def _cad_vintages(tmp_path: Path, stated: Any) -> tuple[list[Any], tuple[str, ...]]:
    unit = {
        "cadTrustUnitId": "u-1", "unitSerialId": "VCS98822-2024-500001-501000", "unitStartBlock": "500001",
        "unitEndBlock": "501000", "unitCount": 1000, "unitStatus": "Retired", "unitStatusDate": "10/03/2025",
        "unitMetric": "tCO2e", "unitRetirementBeneficiary": ACME, "unitStatusReason": "Voluntary offsetting",
    }  # fmt: skip
    if stated is not None:
        unit["unitVintageYear"] = stated
    path = tmp_path / "cad.json"
    path.write_text(json.dumps({"unit": [unit]}), encoding="utf-8")
    result = import_records("cad-trust", path, beneficiary=ACME)
    credits = [node for node in result.nodes if node.get("@type") == "CarbonCredit"]
    return [credit.get("vintageEndYear") for credit in credits], result.warnings


@pytest.mark.parametrize("stated", ["2015-12-31", "FY2015", "15"])
def test_a_cad_trust_vintage_that_cannot_be_read_is_not_taken_from_the_serial(tmp_path: Path, stated: str) -> None:
    vintages, warnings = _cad_vintages(tmp_path, stated)
    assert vintages == [None]  # no vintage: CN-VINT-01 asks for one, rather than passing on the serial's 2024
    assert any(repr(stated) in warning and "not read" in warning for warning in warnings), warnings
    assert not any("states no unit_vintage_year" in warning for warning in warnings), warnings


def test_a_cad_trust_record_without_a_vintage_still_takes_the_serials_year(tmp_path: Path) -> None:
    vintages, warnings = _cad_vintages(tmp_path, None)
    assert [str(v) for v in vintages] == ["2024"]
    assert any("states no unit_vintage_year" in warning for warning in warnings), warnings


def test_a_cad_trust_vintage_read_as_a_year_is_kept(tmp_path: Path) -> None:
    vintages, _ = _cad_vintages(tmp_path, 2015)
    assert [str(v) for v in vintages] == ["2015"]  # the earlier of the record's and the serial's years


# ---- CN-PROD-02: a product baseline measured in the unit of another scope than the one it states ----
# Before: a baseline stating FullLifeCycle but measured per a declared unit at the factory gate, against a full
# life-cycle footprint, conformed (the scope comparison believed the stated scope; CN-PROD-W02 compares like units).

PRODUCT = "annex-b/product-claim.jsonld"
BASELINE = "ex:baseline-2019"


def _product(*edits: tuple[str, str, Any]) -> dict[str, Any]:
    return edited(example(PRODUCT), *edits)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.rule("CN-PROD-02")
def test_a_full_life_cycle_baseline_per_a_declared_unit_is_refused(engine: str) -> None:
    gate = "1 tonne of fired tiles at the factory gate"
    assert "CN-PROD-02" not in violated_rules(_product(), engine, as_of=AS_OF)
    refused = _product((BASELINE, "functionalUnit", None), (BASELINE, "declaredUnit", gate))
    messages = rule_messages(refused, engine, "CN-PROD-02", as_of=AS_OF)
    assert any("baseline-2019 states that it covers the product's full life cycle" in m for m in messages), messages
    blank = _product((BASELINE, "functionalUnit", " \u200b "))
    assert "CN-PROD-02" in violated_rules(blank, engine, as_of=AS_OF)
    # With both units stated, the functional one is there: the baseline is read as the footprint's.
    both = _product((BASELINE, "declaredUnit", gate))
    assert "CN-PROD-02" not in violated_rules(both, engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.rule("CN-PROD-02")
def test_a_replaced_baseline_is_not_held_to_its_unit(engine: str) -> None:
    document = _product((BASELINE, "functionalUnit", None), (BASELINE, "declaredUnit", "1 t at the gate"))
    (old,) = [node for node in document["@graph"] if node["@id"] == BASELINE]
    recalculated = json.loads(json.dumps(old)) | {
        "@id": "ex:baseline-2019-recalculated",
        "functionalUnit": "1 m² of floor covered with Acme Terra tiles for 50 years, from raw materials to end of life",
        "http://purl.org/dc/terms/replaces": {"@id": BASELINE},
    }
    del recalculated["declaredUnit"]
    document["@graph"].append(recalculated)
    (plan,) = [node for node in document["@graph"] if node.get("hasBaseline") == BASELINE]
    plan["hasBaseline"] = [BASELINE, "ex:baseline-2019-recalculated"]
    assert "CN-PROD-02" not in violated_rules(document, engine, as_of=AS_OF)


# ---- CN-EVENT-06 (Annex B.2.2): a one-off event offsets after its reduction efforts ----
# Before: a one-off summit's credits retired two months before it, and before one of its reductions, conformed:
# CN-HIER-02 compares a retirement with the first reduction only, and CN-RET-01 accepts any date in the period.

EVENT = "annex-b/event-claim.jsonld"
RETIREMENT, SUMMIT, LATE_REDUCTION = "ex:retirement-2025-03", "ex:summit-2024", "ex:reduction-green-electricity"


def _event(*edits: tuple[str, str, Any]) -> dict[str, Any]:
    return edited(example(EVENT), *edits)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.rule("CN-EVENT-06")
def test_a_one_off_events_credits_retired_before_it_ended_are_refused(engine: str) -> None:
    early_reduction = (LATE_REDUCTION, "achievementDate", "2024-08-01")  # every reduction before the event
    assert "CN-EVENT-06" not in violated_rules(_event(early_reduction), engine, as_of=AS_OF)
    before = _event(early_reduction, (RETIREMENT, "retirementDate", "2024-08-15"))
    messages = rule_messages(before, engine, "CN-EVENT-06", as_of=AS_OF)
    assert len(messages) == 1 and "before one-off event" in messages[0] and "(2024-09-20)" in messages[0], messages
    during = _event(early_reduction, (RETIREMENT, "retirementDate", "2024-09-19"))
    assert "CN-EVENT-06" in violated_rules(during, engine, as_of=AS_OF)
    last_day = _event(early_reduction, (RETIREMENT, "retirementDate", "2024-09-20"))
    assert "CN-EVENT-06" not in violated_rules(last_day, engine, as_of=AS_OF)
    # Without an end date, the first day is the last one known.
    no_end = _event(early_reduction, (SUMMIT, "eventEndDate", None), (RETIREMENT, "retirementDate", "2024-09-17"))
    assert "CN-EVENT-06" in violated_rules(no_end, engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.rule("CN-EVENT-06")
def test_a_one_off_events_credits_retired_before_a_reduction_are_refused(engine: str) -> None:
    # After the event, but before the green-electricity reduction (2024-11-15) was achieved.
    before = _event((RETIREMENT, "retirementDate", "2024-10-01"))
    messages = rule_messages(before, engine, "CN-EVENT-06", as_of=AS_OF)
    assert len(messages) == 1 and "reduction-green-electricity" in messages[0], messages
    # A reduction of 0 t reduces nothing, and a recurring event's edition is not held to this rule.
    nothing = _event((RETIREMENT, "retirementDate", "2024-10-01"), (LATE_REDUCTION, "tonnesCO2e", "0.0"))
    assert "CN-EVENT-06" not in violated_rules(nothing, engine, as_of=AS_OF)
    recurring = edited(example("annex-b/recurring-event-claim.jsonld"))
    assert "CN-EVENT-06" not in violated_rules(recurring, engine, as_of=AS_OF)


# ---- ACR: a Vintage written in another form (red team 87b) ----
# Before: Vintage "12/31/2015" was warned about as not read ("the credit has no vintageEndYear"), and the vintage
# assignment period's end year (2023) was written all the same.


@pytest.mark.parametrize(
    ("written", "expected"), [("12/31/2015", []), ("FY2015", []), ("", ["2023"]), ("2023", ["2023"])]
)
def test_an_acr_vintage_that_cannot_be_read_is_not_taken_from_the_period(
    tmp_path: Path, written: str, expected: list[str]
) -> None:
    from tests.test_redteam33_imports import _acr

    path = _acr(tmp_path / "acr.csv", "2023", "1/1/2023", "12/31/2023")
    # The Vintage column is the fourth; the serial id keeps naming 2023.
    header, row, *rest = path.read_bytes().decode("utf-8").split("\r\n")
    fields = row.split('","')
    assert fields[3] == "2023"
    fields[3] = written
    path.write_bytes("\r\n".join([header, '","'.join(fields), *rest]).encode("utf-8"))
    result = import_records("acr", path, beneficiary=ACME)
    credits = [node for node in result.nodes if node.get("@type") == "CarbonCredit"]
    vintages = [str(credit["vintageEndYear"]) for credit in credits if "vintageEndYear" in credit]
    assert vintages == expected, result.warnings


# ---- CN-CLAIM-02: one undated emission beside emissions for part of the period (red team 87a) ----
# Before: an emission that states no period is read as the whole period's, so the example's undated fire emission
# hid scope 1 to 3 emissions stated for the first half-year only: the claim conformed.

HALF_YEAR = {"@id": "ex:period-2024-h1", "@type": "ReportingPeriod",
             "reportingPeriodStart": "2024-01-01", "reportingPeriodEnd": "2024-06-30"}  # fmt: skip
SCOPES = ("ex:emission-scope1", "ex:emission-scope2", "ex:emission-scope3")


def _emissions_for(period: str, *emissions: str) -> dict[str, Any]:
    document = edited(example("conforming-claim.jsonld"), *((e, "hasReportingPeriod", period) for e in emissions))
    document["@graph"].append(dict(HALF_YEAR))
    return document


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.rule("CN-CLAIM-02")
def test_emissions_for_part_of_the_period_beside_an_undated_one_are_refused(engine: str) -> None:
    half = _emissions_for("ex:period-2024-h1", *SCOPES)
    messages = rule_messages(half, engine, "CN-CLAIM-02", as_of=AS_OF)
    assert any("emission-reversal-2024 states no period" in m for m in messages), messages
    # Every emission stated for the claim's own period, or none stated at all: nothing to refuse.
    whole = _emissions_for("ex:period-2024", *SCOPES)
    assert "CN-CLAIM-02" not in violated_rules(whole, engine, as_of=AS_OF)
    assert "CN-CLAIM-02" not in violated_rules(example("conforming-claim.jsonld"), engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.rule("CN-PROD-02")
def test_a_baseline_that_names_its_replacement_with_is_replaced_by_is_not_read(engine: str) -> None:
    # Red team 88a: the old baseline saying dcterms:isReplacedBy, Dublin Core's inverse of dcterms:replaces, was
    # still held to its unit (a false violation). The ontology states the inverse, so reasoning reads either.
    document = _product((BASELINE, "functionalUnit", None), (BASELINE, "declaredUnit", "1 t at the gate"))
    (old,) = [node for node in document["@graph"] if node["@id"] == BASELINE]
    recalculated = json.loads(json.dumps(old)) | {"@id": "ex:baseline-2019-recalculated"}
    recalculated["functionalUnit"] = "1 m² of floor covered with Acme Terra tiles for 50 years"
    del recalculated["declaredUnit"]
    document["@graph"].append(recalculated)
    (plan,) = [node for node in document["@graph"] if node.get("hasBaseline") == BASELINE]
    plan["hasBaseline"] = [BASELINE, "ex:baseline-2019-recalculated"]
    assert "CN-PROD-02" in violated_rules(document, engine, as_of=AS_OF)  # neither names the other yet
    old["http://purl.org/dc/terms/isReplacedBy"] = {"@id": "ex:baseline-2019-recalculated"}
    assert "CN-PROD-02" not in violated_rules(document, engine, as_of=AS_OF)


# ---- The name a library caller gives is the one its errors use (red team 89b) ----


@pytest.mark.parametrize("source", ['{"@context": "https://example.org/remote.jsonld"}', {"@context": 5}], ids=str)
def test_an_input_error_names_the_input_as_the_caller_named_it(source: Any) -> None:
    from comet_cn import InputError, validate

    with pytest.raises(InputError) as raised:
        validate(source, name="mine.jsonld")
    assert str(raised.value).startswith("mine.jsonld: "), str(raised.value)
