"""Red team 30a (credits and registry exports): each test names what a user saw before.

Every registry record here is made up (project ids 988xx, "Example …" companies, invented serials), in the
registry's documented layout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn import RuleParameters, validate
from comet_cn.errors import InputError
from comet_cn.importers import import_records, merge
from comet_cn.importers.attribution import on_behalf_of
from tests.conftest import ENGINES, EXAMPLES, Run, edited
from tests.registry_headers import ACR_HEADER, CAR_HEADER

CLAIM = EXAMPLES / "conforming-claim.jsonld"
MULTI = EXAMPLES / "multi-period"


def _claim() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    return document


def _violations(document: dict[str, Any], engine: str = "pyshacl", **parameters: Any) -> dict[str, list[str]]:
    report = validate(document, shacl_engine=engine, parameters=RuleParameters(**parameters))  # type: ignore[arg-type]
    found: dict[str, list[str]] = {}
    for result in report.results:
        if result.severity == "Violation":
            found.setdefault(result.rule_id, []).append(result.message)
    return found


# ---- CN-VINT-02: a Verra vintage's last day against the limit, to the day ----


def _fiscal_year(vintage_days: str) -> dict[str, Any]:
    """The example claim for a fiscal year from 1 October 2024, one credit a Verra block of the given vintage days."""
    document = _claim()
    (credit,) = [n for n in document["@graph"] if n["@id"] == "ex:credit-wind"]
    credit["serialNumber"] = f"20011-950000001-950006000-VCS-VCU-1600-VER-RW-3-98801-{vintage_days}-0"
    credit["vintageEndYear"] = vintage_days[-4:]
    return edited(
        document,
        ("ex:period-2024", "reportingPeriodStart", "2024-10-01"),
        ("ex:period-2024", "reportingPeriodEnd", "2025-09-30"),
    )


@pytest.mark.rule("CN-VINT-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_verra_vintage_that_ended_before_the_limit_day_is_too_old(engine: str) -> None:
    # Before: the vintage 1 January to 30 June 2019 passed for a fiscal year from 1 October 2024 (limit
    # 1 October 2019), since CN-VINT-01 compares years and 2019 is not before 2019.
    messages = _violations(_fiscal_year("01012019-30062019"), engine).get("CN-VINT-02", [])
    assert any("ended on 2019-06-30, before 2019-10-01" in message for message in messages), messages


@pytest.mark.rule("CN-VINT-02")
@pytest.mark.parametrize(
    ("days", "parameters", "old"),
    [
        ("01012019-30062019", {}, True),
        ("01012019-31122019", {}, False),  # ends after 1 October 2019
        ("01012019-30062019", {"vintage_max_age_years": 6}, False),
        ("01012019-30062019", {"vintage_reference": "end"}, True),  # limit 30 September 2020
        ("01012019-30062019", {"vintage_property": "issuance"}, False),  # the serial's days are the mitigation's
    ],
)
def test_the_day_is_compared_with_the_rules_own_parameters(days: str, parameters: dict[str, Any], old: bool) -> None:
    found = _violations(_fiscal_year(days), **parameters)
    dated = [m for m in found.get("CN-VINT-02", []) if "names a vintage that ended on" in m]
    assert bool(dated) is old, dated
    if parameters.get("vintage_reference") == "end":
        # Measured from the period's end (30 September 2025), the limit is 30 September 2020.
        assert any("before 2020-09-30" in m for m in dated), dated


# ---- CN-VINT-02: Isometric and ICR serials name their vintage too ----


@pytest.mark.rule("CN-VINT-02")
@pytest.mark.parametrize(
    ("serial", "scheme"),
    [("ISO-2-BIOC-ISL-Q7R2-2017-1-2000", "isometric"), ("ICR-ISL-12-98806-3-R-0-2017", "icr")],
)
def test_a_stated_year_the_isometric_or_icr_serial_contradicts_is_found(serial: str, scheme: str) -> None:
    # Before: a 2017 Isometric batch (or ICR serialization) stated as vintage 2023 passed the five-year rule.
    document = edited(_claim(), ("ex:credit-biochar", "serialNumber", serial))
    messages = _violations(document).get("CN-VINT-02", [])
    assert any(f"its {scheme} serial number" in m and "names vintage 2017" in m for m in messages), messages


# ---- CAD Trust: the serial id's year against unit_vintage_year ----


def _cad_trust(tmp_path: Path, serial_year: int, vintage: int) -> Path:
    unit = {
        "cadTrustUnitId": "00000000-0000-4000-8000-000000000001",
        "orgUid": "example-registry-org",
        "unitSerialId": f"VCS98807-{serial_year}-700001-701000",
        "unitStartBlock": "700001",
        "unitEndBlock": "701001",
        "unitCount": 1000,
        "unitMetric": "tCO2e",
        "unitType": "Reduction - technical",
        "unitVintageYear": vintage,
        "unitStatus": "Retired",
        "unitStatusReason": "Voluntary offsetting",
        "unitStatusDate": "17/02/2026",
        "unitRetirementBeneficiary": "Example Logistics AG",
        "cadTrustIssuanceId": "00000000-0000-4000-8000-0000000000aa",
    }
    issuance = {
        "cadTrustIssuanceId": unit["cadTrustIssuanceId"],
        "cadTrustProjectId": "p-98807",
        "issuanceDate": "15/05/2021",
    }
    project = {"cadTrustProjectId": "p-98807", "projectRegistryName": "Verra", "projectCreditingProgram": "VCS"}
    path = tmp_path / "cad.json"
    path.write_text(json.dumps({"unit": [unit], "issuance": [issuance], "project": [project]}), encoding="utf-8")
    return path


@pytest.mark.parametrize(("serial_year", "vintage", "written"), [(2017, 2020, "2017"), (2021, 2020, "2020")])
def test_cad_trust_writes_the_earlier_of_the_serials_year_and_the_vintage_year(
    tmp_path: Path, serial_year: int, vintage: int, written: str
) -> None:
    # Before: unit_vintage_year 2020 ("when the units were awarded", maybe the issuance) was written as the
    # vintage without a word, though the serial id said 2017: an old credit passed the five-year rule.
    result = import_records("cad-trust", _cad_trust(tmp_path, serial_year, vintage))
    (credit,) = [n for n in result.nodes if n.get("@type") == "CarbonCredit"]
    assert credit["vintageEndYear"] == written
    assert any(f"names the year {serial_year}" in w for w in result.warnings), result.warnings


def test_cad_trust_says_nothing_when_the_years_agree(tmp_path: Path) -> None:
    result = import_records("cad-trust", _cad_trust(tmp_path, 2020, 2020))
    assert not any("names the year" in w for w in result.warnings)


# ---- beneficiaries written with a semicolon, in brackets, or after a colon ----


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Retired on behalf of Acme Ceramics GmbH; Beta Foods Ltd", "Acme Ceramics GmbH; Beta Foods Ltd"),
        (
            "Retired on behalf of Acme Ceramics GmbH (jointly with Beta Foods Ltd)",
            "Acme Ceramics GmbH (jointly with Beta Foods Ltd)",
        ),
        ("On behalf of: Beta Foods Ltd", "Beta Foods Ltd"),
        ("on behalf of Acme Ceramics GmbH; for 2024 emissions", "Acme Ceramics GmbH"),
        ("on behalf of Acme Ceramics GmbH (Vienna site)", "Acme Ceramics GmbH"),
    ],
)
def test_a_second_party_after_the_name_keeps_the_retirement_shared(text: str, read: str) -> None:
    # Before: the name stopped at ";" or "(", so a retirement shared with Beta Foods was selected as Acme's alone;
    # and "On behalf of: Beta Foods Ltd" named nobody, so a merge linked Beta's retirement to Acme's claim.
    assert on_behalf_of(text) == read


def _car_row(holder: str, reason: str, details: str) -> list[str]:
    serial = "CAR-1-US-98804-31-1100-TX-2025-20101-1 to 12500"
    return [
        "2025", serial, "12500", "01/22/2026", "98804", "Example Nitric Acid Plant", "Nitric Acid", "Reduction", "",
        "Nitric Acid - Version 3.0", "Example City, Texas", "TEXAS", "US", "", "", "", "", "No", "",
        holder, reason, details,
    ]  # fmt: skip


def _write_apx(path: Path, header: str, rows: list[list[str]]) -> Path:
    lines = [",".join(f'"{value}"' for value in row) + "," for row in [header.split(","), *rows]]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _acr_row(holder: str, reason: str) -> list[str]:
    return [
        "98803", "ACR-US-98803-2024-3101-40001 to 52500", "5/14/2025 3:02:11 PM", "2024", "1/1/2024", "12/31/2024",
        "12500", holder, "2/3/2026 10:15:42 AM", "", reason, "", "ACR98803", "Example Landfill Gas Project",
        "Landfill Gas", "LFG", "Version 2.0", "Example County", "OHIO", "US", "No", "No", "No", "", "", "", "",
        "13: Climate Action", "", "View", "4",
    ]  # fmt: skip


@pytest.mark.parametrize("registry", ["car", "acr"])
def test_an_account_holders_own_retirement_is_not_merged_into_another_claim(tmp_path: Path, registry: str) -> None:
    # Before: Beta Foods' account retiring for "Environmental Benefit", naming no one, was linked to Acme's claim
    # by cn-merge --for-claimant without a word (an ICR account owner's was refused).
    if registry == "car":
        path = _write_apx(tmp_path / "car.csv", CAR_HEADER, [_car_row("Beta Foods Ltd", "Environmental Benefit", "")])
    else:
        path = _write_apx(tmp_path / "acr.csv", ACR_HEADER, [_acr_row("Beta Foods Ltd", "Environmental Benefit")])
    imported = import_records(registry, path)
    with pytest.raises(InputError, match="is retired for 'Beta Foods Ltd', not for the claiming entity"):
        merge(CLAIM, [imported], for_claimant=True)


@pytest.mark.parametrize(("holder", "reason"), [("Acme Ceramics GmbH", "Environmental Benefit"), ("1234567", "x")])
def test_the_claimants_own_account_or_an_account_number_still_merges(tmp_path: Path, holder: str, reason: str) -> None:
    path = _write_apx(tmp_path / "acr.csv", ACR_HEADER, [_acr_row(holder, reason)])
    merged = merge(CLAIM, [import_records("acr", path, corresponding_adjustment=False)], for_claimant=True)
    assert merged is not None


# ---- CN-AUDIT-DOUBLE-01: an ICR serialization names a class of units, not units ----


def _two_years_of_icr(tmp_path: Path, same_retirement: bool) -> tuple[Path, Path]:
    paths = []
    for year in ("2023", "2024"):
        document = json.loads((MULTI / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
        blocks = [n for n in document["@graph"] if n.get("@type") == "CarbonCredit"]
        block = blocks[0]
        block["serialNumber"] = "ICR-ISL-12-98806-3-R-0-2023"
        if same_retirement:
            old = block["@id"]
            block["@id"] = "ex:icr-retirement-ret-0001"
            text = json.dumps(document).replace(json.dumps(old), json.dumps("ex:icr-retirement-ret-0001"))
            document = json.loads(text)
        path = tmp_path / f"acme-{year}.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("same_retirement", [False, True])
def test_two_icr_retirements_of_one_class_are_not_one_credit_twice(
    tmp_path: Path, cli: Any, same_retirement: bool
) -> None:
    # Before: two purchases from one ICR project-vintage, in 2023 and 2024, were reported as one credit retired
    # twice; ICR gives no other serial. The same retirement (one credit node) in both is still found.
    first, second = _two_years_of_icr(tmp_path, same_retirement)
    run: Run = cli("-q", "-f", "json", "--audits", first, second)
    doubles = [r for r in run.json()["results"] if r["rule"] == "CN-AUDIT-DOUBLE-01" and "ICR-ISL" in r["message"]]
    assert bool(doubles) is same_retirement, doubles
