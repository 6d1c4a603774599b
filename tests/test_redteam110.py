"""Red team 110a: a bank's financed-emissions target (Annex B.3.4) escaped what a pathway's target is held to — dated
before its base period with its level already met, or after 2100, it conformed, and loosened or moved under its IRI
between two periods' claims the set conformed (CN-AUDIT-ID-08 read only hasTarget). Red team 110b: a PACT footprint
whose productIds is a string was read a letter at a time, and a JSON file holding a bare value was called CSV."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.errors import InputError
from comet_cn.importers import import_records
from tests.conftest import ENGINES, example, rule_messages, violated_rules, written

AS_OF = date(2026, 12, 1)


def _bank(year: str, level: str) -> dict[str, Any]:
    """The bundled bank's claim with its financed-emissions target set to ``year`` and ``level``."""
    document = example("financial-institution-claim.jsonld")
    target = next(node for node in document["@graph"] if node["@id"] == "ex:target-financed-2030")
    target["targetYear"], target["tonnesCO2e"] = year, level
    return document


@pytest.mark.rule("CN-FI-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
@pytest.mark.parametrize(
    ("year", "level", "said"),
    [
        ("2018", "3300.0", "not after the base period"),  # met already, and before the 2019 base period ends
        ("2019", "3300.0", "not after the base period"),  # the base period's own year
        ("2105", "1900.0", "after 2100"),
    ],
)
def test_a_financed_target_is_held_to_the_years_a_pathways_target_is(
    engine: str, reasoning: str, year: str, level: str, said: str
) -> None:
    messages = rule_messages(_bank(year, level), engine, "CN-FI-03", as_of=AS_OF, reasoning=reasoning)
    assert any(said in message and year in message for message in messages), messages


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("year", ["2020", "2100"])
def test_a_financed_target_after_the_base_period_and_within_the_century_stands(engine: str, year: str) -> None:
    assert "CN-FI-03" not in violated_rules(_bank(year, "1900.0" if year == "2100" else "3300.0"), engine, as_of=AS_OF)


def _two_periods(tmp_path: Path, year: str, level: str) -> list[Path]:
    """The bank's 2024 claim as bundled, and its 2025 claim (own IRIs, same plan and target IRIs) with the target
    given ``year`` and ``level``."""
    earlier = example("financial-institution-claim.jsonld")
    later = json.loads(
        json.dumps(_bank(year, level))
        .replace("claim-2024", "claim-2025")
        .replace("2024-01-01", "2025-01-01")
        .replace("2024-12-31", "2025-12-31")
    )
    return written(tmp_path, {"2024.jsonld": earlier, "2025.jsonld": later})


@pytest.mark.rule("CN-AUDIT-ID-08")
@pytest.mark.parametrize(
    ("year", "level", "kind"),
    [
        ("2030", "2900.0", "financed-emissions target level"),  # loosened from 1,900 t
        ("2038", "1900.0", "financed-emissions target year"),  # moved from 2030
    ],
)
def test_a_financed_target_revised_under_its_iri_between_periods_is_reported(
    tmp_path: Path, year: str, level: str, kind: str
) -> None:
    findings = [f for f in comet_cn.run_audits(_two_periods(tmp_path, year, level)) if f.rule_id == "CN-AUDIT-ID-08"]
    assert any("target-financed-2030" in f.focus_node and kind in f.message for f in findings), findings


def test_the_same_financed_target_in_both_periods_is_no_revision(tmp_path: Path) -> None:
    findings = comet_cn.run_audits(_two_periods(tmp_path, "2030", "1900.00"))  # 1900.00 is the bundled 1900.0
    assert not [f for f in findings if f.rule_id == "CN-AUDIT-ID-08" and "target-financed" in f.focus_node], findings


def _pact(product_ids: Any) -> dict[str, Any]:
    return {
        "id": "5b2e8f10-0000-4000-8000-0000000000c2",
        "specVersion": "3.0.0",
        "status": "Active",
        "companyName": "Example Ceramics GmbH",
        "productIds": product_ids,
        "pcf": {
            "declaredUnitOfMeasurement": "kilogram",
            "declaredUnitAmount": "1000",
            "referencePeriodStart": "2024-01-01T00:00:00Z",
            "referencePeriodEnd": "2025-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": "249",
            "fossilGhgEmissions": "249",
        },
    }


@pytest.mark.parametrize("quantity", [None, Decimal(50_000_000)])
def test_a_pact_productids_string_is_refused_not_read_as_letters(tmp_path: Path, quantity: Decimal | None) -> None:
    path = tmp_path / "pcf.json"
    path.write_text(json.dumps(_pact("urn:example:product:tile")), encoding="utf-8")
    with pytest.raises(InputError, match=r"pcf\.json:1: productIds is a string 'urn:example:product:tile', not an"):
        import_records("pact", path, quantity=quantity)


def test_a_pact_productids_array_names_one_product(tmp_path: Path) -> None:
    path = tmp_path / "pcf.json"
    path.write_text(json.dumps(_pact(["urn:example:product:tile", "urn:gtin:04012345000017"])), encoding="utf-8")
    products = [n for n in import_records("pact", path, quantity=Decimal(1)).nodes if n.get("@type") == "Product"]
    assert [p["@id"] for p in products] == ["urn:example:product:tile"]


@pytest.mark.parametrize("text", ['"Active"\n', "42\n", "null\n"])
@pytest.mark.parametrize("format_name", ["pact", "cad-trust"])
def test_a_json_file_holding_a_bare_value_is_not_called_csv(tmp_path: Path, text: str, format_name: str) -> None:
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        import_records(format_name, path)
    assert "CSV" not in str(raised.value) and "JSON" in str(raised.value), raised.value
