"""Registry exports, CAD Trust units and PACT footprints imported as comet-cn JSON-LD, merged into a claim, checked.

Every fixture under tests/fixtures/imports/ is made up (project ids 988xx, "Example …" companies, invented serials)
in the registry's real column layout and quoting; none is copied from a registry or a specification.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import rdflib

import comet_cn
from comet_cn.errors import InputError
from comet_cn.importers import (
    FORMATS,
    PROVENANCE,
    ImportResult,
    combine,
    detect_format,
    import_records,
    merge,
    read_import,
)
from tests.conftest import EXAMPLES, ROOT, Run

FIXTURES = ROOT / "tests" / "fixtures" / "imports"
DOCS = ROOT / "docs" / "import"
CLAIM = EXAMPLES / "conforming-claim.jsonld"
CLAIM_EVENT = "ex:retirement-2025-03"
ACME = "Acme Ceramics GmbH"
LOGISTICS = "Example Logistics AG"
FOODS = "Example Foods SA"


# ---- helpers ----


def _of_type(result: ImportResult | dict[str, Any], kind: str) -> list[dict[str, Any]]:
    nodes = result.nodes if isinstance(result, ImportResult) else result["@graph"]
    return [dict(n) for n in nodes if n.get("@type") == kind]


def credits(result: ImportResult | dict[str, Any]) -> list[dict[str, Any]]:
    return _of_type(result, "CarbonCredit")


def events(result: ImportResult | dict[str, Any]) -> list[dict[str, Any]]:
    return _of_type(result, "OffsettingEvent")


def units(result: ImportResult) -> list[tuple[str, str]]:
    """Each credit's unit range, as written on the node."""
    return sorted((c["firstUnit"], c["lastUnit"]) for c in credits(result))


def credit(result: ImportResult, serial_part: str) -> dict[str, Any]:
    found = [c for c in credits(result) if serial_part in c.get("serialNumber", "") or serial_part in c["@id"]]
    assert len(found) == 1, [c["@id"] for c in credits(result)]
    return found[0]


def comments(node: dict[str, Any]) -> str:
    return "\n".join(node.get("comment", []))


def has_warning(result: ImportResult, pattern: str) -> bool:
    return any(re.search(pattern, w) for w in result.warnings)


def _claim_with(imports: list[ImportResult], **options: Any) -> dict[str, Any]:
    return merge(CLAIM, imports, event=CLAIM_EVENT, **options)


def _accept_criteria(document: dict[str, Any]) -> dict[str, Any]:
    """What the user adds by hand after an import: the criteria the registry records cannot state."""
    document = copy.deepcopy(document)
    for node in document["@graph"]:
        if node.get("@type") == "CarbonCredit":
            node["meetsCriterion"] = ["Real", "Additional", "Measurable", "Permanent", "Certified"]
        if node.get("@type") == "CreditingProgramme":
            node["meetsProgrammeCriterion"] = [f"ProgrammeCriterion_{c}" for c in "abcdefghi"]
    return document


# ---- Verra ----


def test_verra_selecting_a_beneficiary_keeps_only_its_pieces_of_a_block() -> None:
    acme = import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary="acme  ceramics gmbh")
    assert units(acme) == [("950000001", "950007000"), ("950010001", "950016000")]
    (event,) = events(acme)  # two pieces retired the same day for the same beneficiary share one event
    assert len(event["retiresCredit"]) == 2
    foods = import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary=FOODS)
    assert units(foods) == [("950007001", "950010000"), ("960000001", "960001500")]
    assert has_warning(foods, r"2 of 4 retirement\(s\) not selected")


def test_verra_row_becomes_a_credit_with_thousands_separators_read_and_its_range_stated() -> None:
    result = import_records("verra", FIXTURES / "verra" / "vcus.csv")
    node = credit(result, "950000001-950007000")
    assert node["tonnesCO2e"] == "7000"  # "7,000" in the file
    assert node["issuanceBlock"] == "20011-VCS-VCU-1600-VER-RW-3-98801-01012023-31122023-1"
    assert (node["vintageEndYear"], node["issuanceYear"]) == ("2023", "2024")
    assert node["hasCreditType"] == "ReductionCredit" and "registry label" in comments(node)
    assert node["isExPostCredit"] is True and "inferred: programme rule" in comments(node)
    assert "correspondingAdjustmentApplied" not in node  # the legacy export has no adjustment column
    assert node[PROVENANCE] == "vcus.csv:2"
    assert result.provenance[node["@id"]] == ("vcus.csv:2",)
    assert all(n.get(PROVENANCE) for n in result.nodes), "every imported node says where it came from"


def test_verra_unretired_rows_and_the_mandatory_article6_share_are_not_offsetting_events() -> None:
    result = import_records("verra", FIXTURES / "verra" / "vcus.csv")
    assert result.excluded == (
        "vcus.csv:5: not imported: no Retirement/Cancellation Date: an unretired block, not a retirement",
        "vcus.csv:7: not imported: the mandatory Article 6 share retirement (no owner): not a claim",
    )
    assert all("retirement_or_cancellation" in comments(e) for e in events(result))


def test_verra_article6_authorisation_label_is_not_an_adjustment() -> None:
    node = credit(import_records("verra", FIXTURES / "verra" / "vcus.csv"), "960000001")
    assert "correspondingAdjustmentApplied" not in node
    assert "Article 6 authorisation label 'Article 6 Authorized - Intl mitigation purposes'" in comments(node)


def test_verra_day_first_dates_are_read_day_first() -> None:
    result = import_records("verra", FIXTURES / "verra" / "vcus-ddmmyyyy.csv")
    (event,) = events(result)
    assert event["retirementDate"] == "2025-03-20"
    assert credit(result, "950012001")["issuanceYear"] == "2024"


def test_free_text_period_is_a_warning_not_a_reporting_period() -> None:
    result = import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary=ACME)
    assert not any("hasReportingPeriod" in e for e in events(result))
    assert has_warning(result, r"vcus\.csv:2: the registry's note suggests a period \(calendar year 2024")


# ---- Gold Standard ----


def test_gold_standard_adjacent_pieces_by_beneficiary_and_a_multi_line_note() -> None:
    logistics = import_records("gold-standard", FIXTURES / "gold-standard" / "retirements.csv", beneficiary=LOGISTICS)
    assert units(logistics) == [("1", "1500"), ("1", "80")]
    node = credit(logistics, "40001-1-1500")
    assert node["issuanceBlock"] == "GS1-1-CL-GS98802-12-2024-40001"
    assert "Retired on behalf of Example Logistics AG\\nfor FY2025 business travel" in comments(node)
    foods = import_records("gold-standard", FIXTURES / "gold-standard" / "retirements.csv", beneficiary=FOODS)
    assert units(foods) == [("1501", "2400")]


def test_gold_standard_adjustment_cases() -> None:
    result = import_records("gold-standard", FIXTURES / "gold-standard" / "retirements.csv")
    not_applicable = credit(result, "40001-1-1500")
    assert not_applicable["correspondingAdjustmentApplied"] is False
    assert "inferred: GS Article Six Authorization = Not Applicable" in comments(not_applicable)
    authorised = credit(result, "40001-1501-2400")  # an authorisation label only
    assert "correspondingAdjustmentApplied" not in authorised
    blank = credit(result, "GS98810")
    assert "correspondingAdjustmentApplied" not in blank


def test_gold_standard_cancellations_and_compliance_uses_are_left_out() -> None:
    result = import_records("gold-standard", FIXTURES / "gold-standard" / "retirements.csv")
    assert [e.split(": not imported: ")[0] for e in result.excluded] == ["retirements.csv:5", "retirements.csv:6"]
    assert "Canceled" in result.excluded[0] and "Compliance" in result.excluded[1]


def test_gold_standard_labels_product_types_and_undisclosed_beneficiaries() -> None:
    result = import_records("gold-standard", FIXTURES / "gold-standard" / "retirements.csv")
    assert credit(result, "GS98810")["hasCreditType"] == "RemovalCredit"
    assert credit(result, "GS98811")["isExPostCredit"] is False  # PER: planned, ex ante
    undisclosed = [e for e in events(result) if e["retirementDate"] == "2026-01-12"]
    assert "the registry names no beneficiary" in comments(undisclosed[0])
    assert (
        import_records(
            "gold-standard", FIXTURES / "gold-standard" / "retirements.csv", beneficiary="Not Disclosed"
        ).nodes
        == ()
    )


# ---- ACR ----


def test_acr_pm_timestamps_keep_their_calendar_date_and_both_range_forms_read() -> None:
    result = import_records("acr", FIXTURES / "acr" / "retirements.csv")
    dates = {e["retirementDate"] for e in events(result)}
    assert dates == {"2026-02-03", "2026-01-15"}  # 11:40 PM GMT stays on 3 February
    assert units(result) == [("1", "800"), ("20001", "21500"), ("21501", "22000")]
    assert credit(result, "ACR-US-98812")["hasCreditType"] == "RemovalCredit"  # Verified Removal = Yes
    assert credit(result, "ACR-US-98812")["issuanceYear"] == "2024"


def test_acr_selects_a_beneficiary_named_in_a_sentence_and_never_the_account_holder() -> None:
    logistics = import_records("acr", FIXTURES / "acr" / "retirements.csv", beneficiary=LOGISTICS)
    assert units(logistics) == [("1", "800"), ("20001", "21500")]
    assert import_records("acr", FIXTURES / "acr" / "retirements.csv", beneficiary="1423").nodes == ()


def test_acr_cancellations_file_with_its_double_spaced_header_imports_nothing() -> None:
    assert detect_format(FIXTURES / "acr" / "cancellations.csv") == "acr"
    result = import_records("acr", FIXTURES / "acr" / "cancellations.csv")
    assert result.nodes == () and "Conversion to ARB Compliance" in result.excluded[0]


# ---- CAR ----


def test_car_windows_1252_export_keeps_its_accents() -> None:
    result = import_records("car", FIXTURES / "car" / "retired.csv")
    assert has_warning(result, "decoded as Windows-1252")
    assert any("Société Exemple Énergie SAS" in comments(e) for e in events(result))


def test_car_adjustment_column_yes_no_blank() -> None:
    result = import_records("car", FIXTURES / "car" / "retired.csv")
    assert credit(result, "10101-1 to 4000")["correspondingAdjustmentApplied"] is False
    assert "correspondingAdjustmentApplied" not in credit(result, "10101-4001 to 6000")
    applied = credit(result, "98814")
    assert applied["correspondingAdjustmentApplied"] is True
    assert "registry field Corresponding Adjustment = Yes" in comments(applied)


def test_car_unescaped_quote_is_rejoined_without_shifting_columns() -> None:
    result = import_records("car", FIXTURES / "car" / "retired.csv")
    assert has_warning(result, r"retired\.csv:4: an unescaped quote split")
    node = credit(result, "98814")
    assert node["hasCreditType"] == "RemovalCredit" and node["tonnesCO2e"] == "350"
    assert "Retirement Reason Details (as written): 'Retired on behalf of \"Example Logistics, Inc.\" 2025'" in (
        comments(node)
    )


def test_car_consumption_period_is_firm_and_a_note_names_the_beneficiary() -> None:
    result = import_records("car", FIXTURES / "car" / "retired.csv", beneficiary=LOGISTICS)
    (event,) = events(result)
    assert event["hasReportingPeriod"] == "urn:comet-cn:import:period:2025-01-01:2025-12-31"
    (period,) = _of_type(result, "ReportingPeriod")
    assert (period["reportingPeriodStart"], period["reportingPeriodEnd"]) == ("2025-01-01", "2025-12-31")
    assert "retiredOnBehalfOf" not in event  # the note's name is a suggestion
    assert "compliance use" in import_records("car", FIXTURES / "car" / "retired.csv").excluded[0]


@pytest.mark.parametrize("reason", ["Compliance requirement", "  COMPLIANCE - California cap-and-trade"])
def test_car_a_reworded_compliance_reason_is_still_left_out(reason: str, tmp_path: Path) -> None:
    # Red team 11: only "Compliance Requirements" was known, so a reworded compliance use became an offsetting event.
    text = (FIXTURES / "car" / "retired.csv").read_bytes().replace(b"Compliance Requirements", reason.encode())
    (tmp_path / "retired.csv").write_bytes(text)
    result = import_records("car", tmp_path / "retired.csv")
    assert any("a compliance use" in note for note in result.excluded)
    assert len(events(result)) == len(events(import_records("car", FIXTURES / "car" / "retired.csv")))


# ---- ART TREES ----


def test_art_trees_programmes_contributions_and_pieces() -> None:
    result = import_records("art-trees", FIXTURES / "art-trees" / "retirements.csv")
    assert "Host Country NDC" in result.excluded[0]
    art = credit(result, "ART-GY-98805-2023-7-1 to 2000")
    assert art["hasCreditType"] == "AvoidanceCredit" and "inferred" in comments(art)
    assert art["issuanceYear"] == "2025"
    fcpf = credit(result, "FCPF-CI")
    assert fcpf["issuedByProgramme"] == "urn:comet-cn:import:programme:fcpf"
    assert "hasCreditType" not in fcpf and fcpf["issuanceYear"] == "2022"
    logistics = import_records("art-trees", FIXTURES / "art-trees" / "retirements.csv", beneficiary=LOGISTICS)
    assert units(logistics) == [("1", "2000"), ("1", "300")]
    foods = import_records("art-trees", FIXTURES / "art-trees" / "retirements.csv", beneficiary=FOODS)
    assert units(foods) == [("2001", "2500")]


# ---- Isometric ----


def test_isometric_batches_give_serials_and_quantities_stay_exact() -> None:
    result = import_records("isometric", FIXTURES / "isometric" / "retirements.json")
    joined = credit(result, "ISO-1-BSTORE-GBR-F5X7-2025-1-12")
    assert (joined["firstUnit"], joined["lastUnit"], joined["tonnesCO2e"]) == ("1", "12", "12")
    assert joined["hasCreditType"] == "RemovalCredit"
    unjoined = credit(result, "ret_EXAMPLE0000000003")
    assert "serialNumber" not in unjoined and unjoined["tonnesCO2e"] == "6.242"
    assert has_warning(result, "carries no serial")
    assert "regulatory_requirement" in result.excluded[0]
    foods = import_records("isometric", FIXTURES / "isometric" / "retirements.json", beneficiary=FOODS)
    assert units(foods) == [("13", "20")]


# ---- ICR ----


def test_icr_retirements_are_told_apart_by_id_and_summed_per_serialization() -> None:
    result = import_records("icr", FIXTURES / "icr" / "retirements.json")
    nodes = credits(result)
    assert len(nodes) == 3 and all("issuanceBlock" not in n for n in nodes)
    assert {n["serialNumber"] for n in nodes} == {"ICR-ISL-12-98806-3-R-0-2024"}
    assert credit(result, "ret-ex-0001")["tonnesCO2e"] == "7.25"
    assert "registry field inventory type 'exPost'" in comments(credit(result, "ret-ex-0001"))
    assert has_warning(result, r"3 retirements of serialization ICR-ISL-12-98806-3-R-0-2024 total 11 t")
    unclaimed = [e for e in events(result) if e["retirementDate"] == "2026-02-22"]
    assert "names no beneficiary" in comments(unclaimed[0])
    foods = import_records("icr", FIXTURES / "icr" / "retirements.json", beneficiary=FOODS)
    assert [c["@id"] for c in credits(foods)] == ["urn:comet-cn:import:icr:retirement:ret-ex-0002"]


@pytest.mark.parametrize("order", [("exAnte", "exPost"), ("exPost", "exAnte")])
def test_icr_inventory_items_that_disagree_leave_ex_post_unstated_whatever_their_order(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    # Red team 26b: the last item won, so one order conformed and the other failed CN-EXPOST-01.
    document = json.loads((FIXTURES / "icr" / "retirements.json").read_text(encoding="utf-8"))
    serialization = "ICR-ISL-12-98806-3-R-0-2024"
    document["inventory"] = [{"serialization": serialization, "type": kind} for kind in order]
    path = tmp_path / "icr.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = import_records("icr", path)
    assert "isExPostCredit" not in credit(result, "ret-ex-0001")
    assert has_warning(result, f"the inventory gives serialization '{serialization}' the types '{order[0]}' and")


def test_icr_inventory_is_matched_by_serialization_key_not_by_spelling(tmp_path: Path) -> None:
    # An exAnte item written in lower case no longer leaves the retirement to the ex-post inference.
    document = json.loads((FIXTURES / "icr" / "retirements.json").read_text(encoding="utf-8"))
    document["inventory"] = [{"serialization": "icr-isl-12-98806-3-r-0-2024", "type": "exAnte"}]
    path = tmp_path / "icr.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert credit(import_records("icr", path), "ret-ex-0001")["isExPostCredit"] is False


# ---- Puro ----


def test_puro_keys_keep_the_issuance_and_transfers_are_left_out() -> None:
    result = import_records("puro", FIXTURES / "puro" / "transactions.json")
    assert units(result) == [("1", "250"), ("251", "400")]
    node = credit(result, "_1-250")
    assert node["issuanceBlock"].endswith("_2025_0F5E3C2A-7D41-4B8E-9C11-2A6B5D9E8F00")
    assert node["hasCreditType"] == "RemovalCredit" and node["issuanceYear"] == "2025"
    assert "TRANSFER" in result.excluded[0]
    assert not has_warning(result, "units")  # adjacent pieces, quantities equal to their ranges


# ---- CAD Trust ----


def test_cad_trust_end_block_is_exclusive() -> None:
    result = import_records("cad-trust", FIXTURES / "cad-trust" / "units.json")
    assert units(result)[:2] == [("500001", "501000"), ("501001", "501500")]
    assert not has_warning(result, "also retired"), "adjacent CAD Trust blocks must not overlap"
    mismatch = credit(result, "GS98808")
    assert (mismatch["firstUnit"], mismatch["lastUnit"], mismatch["tonnesCO2e"]) == ("700001", "701001", "1000")
    assert has_warning(result, r"units\.json:4: the serial range holds 1001 units but the quantity is 1000")


def test_cad_trust_types_statuses_joins_and_article6_context() -> None:
    result = import_records("cad-trust", FIXTURES / "cad-trust" / "units.json")
    removal = credit(result, "500001-501000")
    assert removal["hasCreditType"] == "RemovalCredit" and removal["issuanceYear"] == "2025"
    assert removal["issuedByProgramme"] == "urn:comet-cn:import:programme:example-crediting-programme"
    undetermined = credit(result, "501001-501500")
    assert "hasCreditType" not in undetermined  # Not Determined
    assert "correspondingAdjustmentApplied" not in undetermined and "ITMO-EX-0001" in comments(undetermined)
    assert "Cancelled" in result.excluded[0]
    registries = {e["inRegistry"] for e in events(result)}
    assert "urn:comet-cn:import:registry:example-public-registry" in registries


# ---- PACT ----


def test_pact_footprint_in_tonnes_for_the_product_and_its_period() -> None:
    result = import_records("pact", FIXTURES / "pact" / "footprint.json", quantity=Decimal(500000))
    (footprint,) = _of_type(result, "CarbonFootprint")
    assert footprint["tonnesCO2e"] == "350"  # 8.75 kg per 12.5 liter x 500,000 liter
    assert footprint["declaredUnit"] == "12.5 liter" and footprint["quantificationStandard"] == "ISO_14067"
    parts = {n["label"]: n["tonnesCO2e"] for n in _of_type(result, "GHGEmission")}
    assert parts == {
        "fossil GHG emissions": "324",
        "land use change GHG emissions": "20",
        "biogenic non-CO2 emissions": "6",
    }
    (period,) = _of_type(result, "ReportingPeriod")
    assert period["reportingPeriodEnd"] == "2025-12-31"  # exclusive 2026-01-01T00:00:00Z
    assert has_warning(result, "is exclusive")
    (product,) = _of_type(result, "Product")
    assert product["@id"] == "urn:example:product:interior-paint-12-5"


def test_pact_without_a_quantity_leaves_the_tonnes_unsaid() -> None:
    result = import_records("pact", FIXTURES / "pact" / "footprint.json")
    (footprint,) = _of_type(result, "CarbonFootprint")
    assert "tonnesCO2e" not in footprint and has_warning(result, "no product quantity")


def test_pact_v2_mixed_and_deprecated_documents(tmp_path: Path) -> None:
    document = json.loads((FIXTURES / "pact" / "footprint.json").read_text(encoding="utf-8"))
    v2 = tmp_path / "v2.json"
    v2.write_text(json.dumps({**document, "specVersion": "2.2.0"}), encoding="utf-8")
    with pytest.raises(InputError, match="only v3"):
        import_records("pact", v2)
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({**document, "pcf": {**document["pcf"], "unitaryProductAmount": "1"}}), "utf-8")
    with pytest.raises(InputError, match="v2 field names"):
        import_records("pact", mixed)
    deprecated = tmp_path / "deprecated.json"
    deprecated.write_text(json.dumps({**document, "status": "Deprecated"}), encoding="utf-8")
    assert "Deprecated" in import_records("pact", deprecated).excluded[0]


# ---- common rules ----


def test_user_statement_fills_an_unknown_adjustment_but_never_overrides_a_registry_field() -> None:
    verra = import_records("verra", FIXTURES / "verra" / "vcus.csv", corresponding_adjustment=True)
    node = credit(verra, "960000001")
    assert node["correspondingAdjustmentApplied"] is True and "stated by the user" in comments(node)
    car = import_records("car", FIXTURES / "car" / "retired.csv", corresponding_adjustment=True)
    assert credit(car, "10101-1 to 4000")["correspondingAdjustmentApplied"] is False
    assert has_warning(car, "the user's statement true is not applied")
    gs = import_records("gold-standard", FIXTURES / "gold-standard" / "retirements.csv", corresponding_adjustment=True)
    assert credit(gs, "40001-1-1500")["correspondingAdjustmentApplied"] is True  # over an inference


def test_selection_by_serial_and_by_date() -> None:
    path = FIXTURES / "verra" / "vcus.csv"
    by_range = import_records(
        "verra", path, serials=["20011-950006001-950007500-VCS-VCU-1600-VER-RW-3-98801-01012023-31122023-1"]
    )
    assert units(by_range) == [("950000001", "950007000"), ("950007001", "950010000")]  # both share units with it
    by_date = import_records(
        "verra", path, retired_from=date.fromisoformat("2025-03-01"), retired_to=date.fromisoformat("2025-03-31")
    )
    assert {e["retirementDate"] for e in events(by_date)} == {"2025-03-10"}
    with pytest.raises(ValueError, match="after"):
        import_records(
            "verra", path, retired_from=date.fromisoformat("2025-04-01"), retired_to=date.fromisoformat("2025-03-01")
        )


def test_same_block_imported_twice_is_one_node() -> None:
    path = FIXTURES / "verra" / "vcus.csv"
    first, second = import_records("verra", path), import_records("verra", path)
    assert first.nodes == second.nodes, "IRIs and node order are deterministic"
    document = combine([first, second])
    ids = [n["@id"] for n in document["@graph"]]
    assert len(ids) == len(set(ids)) == len(first.nodes)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("verra/vcus.csv", "verra"),
        ("gold-standard/retirements.csv", "gold-standard"),
        ("acr/retirements.csv", "acr"),
        ("car/retired.csv", "car"),
        ("art-trees/retirements.csv", "art-trees"),
        ("isometric/retirements.json", "isometric"),
        ("icr/retirements.json", "icr"),
        ("puro/transactions.json", "puro"),
        ("cad-trust/units.json", "cad-trust"),
        ("pact/footprint.json", "pact"),
    ],
)
def test_format_is_detected_from_the_content(relative: str, expected: str) -> None:
    assert detect_format(FIXTURES / relative) == expected
    assert import_records("auto", FIXTURES / relative).format == expected


def test_a_file_in_another_format_is_refused_with_its_likely_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a verra export.*looks like gold-standard"):
        import_records("verra", FIXTURES / "gold-standard" / "retirements.csv")
    with pytest.raises(InputError, match="is CSV, not icr"):
        import_records("icr", FIXTURES / "verra" / "vcus.csv")
    odd = tmp_path / "odd.csv"
    odd.write_text("Serial Number,Quantity Issued,Vintage End\nX,1,2024\n", encoding="utf-8")
    with pytest.raises(InputError, match="nearest: verra"):
        detect_format(odd)
    with pytest.raises(ValueError, match="unknown import format"):
        import_records("gold", odd)


def test_imported_nodes_use_only_known_terms() -> None:
    for relative in ("verra/vcus.csv", "car/retired.csv", "cad-trust/units.json", "icr/retirements.json"):
        report = comet_cn.validate(import_records("auto", FIXTURES / relative).document(), reasoning="none")
        assert "CN-INPUT-02" not in report.rule_ids, relative


# ---- merged into a claim, checked together ----


@pytest.mark.rule("CN-CA-01", "CN-CRIT-01", "CN-PROG-01")
def test_claim_with_its_event_replaced_by_a_merged_verra_export() -> None:
    acme = import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary=ACME)
    merged = _claim_with([acme])
    # Exactly what no registry export states: the adjustment, the credit criteria, the programme's criteria.
    assert comet_cn.validate(merged).rule_ids == {"CN-CA-01", "CN-CRIT-01", "CN-PROG-01"}
    stated = import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary=ACME, corresponding_adjustment=False)
    report = comet_cn.validate(_accept_criteria(_claim_with([stated])))
    assert report.conforms, [r.message for r in report.results]


def test_merge_links_the_events_to_the_claim_its_period_and_its_entity() -> None:
    merged = _claim_with([import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary=ACME)])
    graph = {n["@id"]: n for n in merged["@graph"]}
    (event,) = events(merged)
    assert graph["ex:claim-2024"]["hasOffsettingEvent"] == [event["@id"]]
    assert (event["hasReportingPeriod"], event["retiredOnBehalfOf"]) == ("ex:period-2024", "ex:acme")
    assert "because the user selected these rows by the beneficiary 'Acme Ceramics GmbH'" in comments(event)
    assert CLAIM_EVENT not in graph and "ex:credit-wind" not in graph  # replaced, with its credits
    assert merged["@context"] == json.loads(CLAIM.read_text(encoding="utf-8"))["@context"]


@pytest.mark.rule("CN-UNITS-01", "CN-RET-02")
def test_adjacent_pieces_for_two_beneficiaries_validate_together() -> None:
    everyone = import_records("verra", FIXTURES / "verra" / "vcus.csv")
    report = comet_cn.validate(_claim_with([everyone]))
    assert "CN-UNITS-01" not in report.rule_ids  # adjacent pieces of block 20011 do not overlap
    assert "CN-RET-02" in report.rule_ids  # no beneficiary selected: who they were retired for is left unsaid
    assert all("retiredOnBehalfOf" not in e for e in events(_claim_with([everyone])))


@pytest.mark.rule("CN-UNITS-01")
def test_merged_export_overlapping_an_existing_credit_gives_cn_units_01() -> None:
    claim = _claim_with([import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary=ACME)])
    overlap = import_records("verra", FIXTURES / "verra" / "vcus-ddmmyyyy.csv", beneficiary=ACME)
    report = comet_cn.validate(merge(claim, [overlap]))
    (finding,) = [r for r in report.results if r.rule_id == "CN-UNITS-01"]
    assert "units 950012001-950014000 of issuance block 20011-VCS-VCU-1600-VER-RW-98801" in finding.message


@pytest.mark.rule("CN-UNITS-01")
def test_cad_trust_adjacent_blocks_merged_into_one_claim_do_not_overlap() -> None:
    units_file = FIXTURES / "cad-trust" / "units.json"
    report = comet_cn.validate(_claim_with([import_records("cad-trust", units_file)]), reasoning="none")
    assert not {"CN-UNITS-01", "CN-UNITS-03"} & report.rule_ids


def test_merge_refuses_what_it_cannot_merge(tmp_path: Path) -> None:
    result = import_records("verra", FIXTURES / "verra" / "vcus.csv", beneficiary=ACME)
    with pytest.raises(InputError, match="no offsetting event 'ex:nope'"):
        merge(CLAIM, [result], event="ex:nope")
    other = tmp_path / "other.jsonld"
    other.write_text(json.dumps({"@context": {"ex": "https://example.org/"}, "@graph": []}), encoding="utf-8")
    with pytest.raises(InputError, match="comet-cn JSON-LD context"):
        merge(other, [result])
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    document["@graph"].append({"@id": "ex:claim-2", "@type": "CarbonNeutralityClaim"})
    with pytest.raises(InputError, match="2 claims"):
        merge(document, [result])


def test_merged_pact_footprint_becomes_the_claims_footprint_and_its_product_the_subject() -> None:
    pact = import_records("pact", FIXTURES / "pact" / "footprint.json", quantity=Decimal(500000))
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    claim = document["@graph"][0]
    del claim["hasCarbonFootprint"], claim["hasSubject"]
    merged = merge(document, [pact])
    assert (
        merged["@graph"][0]["hasCarbonFootprint"]
        == "urn:comet-cn:import:pact:footprint:5b2e8f10-0000-4000-8000-0000000000a1"
    )
    assert merged["@graph"][0]["hasSubject"] == "urn:example:product:interior-paint-12-5"


def test_a_products_footprint_merged_into_a_claim_about_another_subject_is_refused() -> None:
    # Red team 26b: the organisation claim about ex:acme took one paint pail's footprint as its own and conformed.
    pact = import_records("pact", FIXTURES / "pact" / "footprint.json", quantity=Decimal(500000))
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    del document["@graph"][0]["hasCarbonFootprint"]
    with pytest.raises(InputError, match="the claim is about ex:acme, but the imported footprint is of the product "):
        merge(document, [pact])


# ---- command line ----


def test_cli_writes_json_ld_and_reports_on_stderr(cn_import: Callable[..., Run]) -> None:
    run = cn_import("verra", FIXTURES / "verra" / "vcus.csv", "--beneficiary", ACME)
    assert run.code == 0, run.err
    document = run.json()
    assert document["@context"] == "https://comet.carbon/ext/iso14068/context.jsonld"
    assert len(credits(document)) == 2
    assert "cn-import: warning: vcus.csv:5: not imported: no Retirement/Cancellation Date" in run.err
    assert "cn-import: vcus.csv: 2 record(s) imported" in run.err


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_cli_writes_rdf(cn_import: Callable[..., Run], fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"out.{fmt}"
    run = cn_import("car", FIXTURES / "car" / "retired.csv", "-f", fmt, "-o", target, "-q")
    assert run.code == 0 and run.out == "", run.err
    graph = rdflib.Graph().parse(target, format=fmt)
    serials = set(graph.objects(None, rdflib.URIRef("https://comet.carbon/ext/iso14068#serialNumber")))
    assert len(serials) == 3


def test_cli_into_a_claim_gives_one_verdict_on_both(cn_import: Callable[..., Run], tmp_path: Path) -> None:
    merged = tmp_path / "merged.jsonld"
    args = ("--beneficiary", ACME, "--corresponding-adjustment", "no", "--into", CLAIM, "--replace", CLAIM_EVENT)
    run = cn_import("verra", FIXTURES / "verra" / "vcus.csv", *args, "-o", merged)
    assert run.code == 0, run.err
    assert comet_cn.validate(merged).rule_ids == {"CN-CRIT-01", "CN-PROG-01"}


def test_cli_merge_of_earlier_imports(
    cn_import: Callable[..., Run], cn_merge: Callable[..., Run], tmp_path: Path
) -> None:
    imported = tmp_path / "imported.jsonld"
    assert cn_import("verra", FIXTURES / "verra" / "vcus.csv", "--beneficiary", ACME, "-o", imported, "-q").code == 0
    run = cn_merge(CLAIM, imported, "--replace", CLAIM_EVENT, "--for-claimant")
    assert run.code == 0, run.err
    (event,) = events(run.json())
    assert event["retiredOnBehalfOf"] == "ex:acme"
    assert read_import(imported).events == (event["@id"],)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("verra", FIXTURES / "verra" / "vcus.csv", "--beneficiary", "Nobody Ltd"), "no record matches the selection"),
        (("verra", FIXTURES / "gold-standard" / "retirements.csv"), "looks like gold-standard"),
        (("vera", FIXTURES / "verra" / "vcus.csv"), "unknown import format 'vera'"),
        (("verra", FIXTURES / "verra" / "missing.csv"), "file not found"),
        (("verra", FIXTURES / "verra" / "vcus.csv", "--replace", "ex:x"), "--replace needs --into"),
        (("pact", FIXTURES / "pact" / "footprint.json", "--quantity", "-3"), "not a positive number"),
        (
            ("verra", FIXTURES / "verra" / "vcus.csv", "--retired-from", "2025-05-01", "--retired-to", "2025-01-01"),
            "after",
        ),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(cn_import: Callable[..., Run], args: tuple[Any, ...], message: str) -> None:
    run = cn_import(*args)
    assert run.code == 2, run.err
    last = run.err.strip().splitlines()[-1]
    assert last.startswith("cn-import: error: ") and message in last
    assert "Traceback" not in run.err and run.out == ""


# ---- the documentation pages show what the tool produces ----

DOC_EXAMPLES = {
    "verra": ("verra/example.csv", {}),
    "gold-standard": ("gold-standard/example.csv", {}),
    "acr": ("acr/example.csv", {}),
    "car": ("car/example.csv", {}),
    "art-trees": ("art-trees/example.csv", {}),
    "isometric": ("isometric/example.json", {}),
    "icr": ("icr/example.json", {}),
    "puro": ("puro/example.json", {}),
    "cad-trust": ("cad-trust/example.json", {}),
    "pact": ("pact/footprint.json", {"quantity": Decimal(500000)}),
}


@pytest.mark.parametrize("name", FORMATS)
def test_docs_page_shows_the_tools_output_for_its_example(name: str) -> None:
    relative, options = DOC_EXAMPLES[name]
    page = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)\n```", page, flags=re.DOTALL)
    assert blocks, f"docs/import/{name}.md has no JSON-LD example"
    produced = import_records(name, FIXTURES / relative, **options).document()
    assert json.loads(blocks[-1]) == produced, f"regenerate the example of docs/import/{name}.md"


def test_a_row_twice_is_one_import_and_a_block_retired_twice_is_reported(tmp_path: Path) -> None:
    header, first, *_ = (FIXTURES / "verra" / "vcus.csv").read_text(encoding="utf-8").splitlines()
    again = first.replace(",2025-03-10,", ",2025-06-30,")
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([header, first, first, again]) + "\n", encoding="utf-8")
    result = import_records("verra", path)
    (node,) = credits(result)
    assert has_warning(result, r"twice\.csv:3: the same block, date and beneficiary as twice\.csv:2: a duplicate")
    assert has_warning(result, r"twice\.csv:4: .* also retired at twice\.csv:2 .*retired twice")
    assert node[PROVENANCE] == ["twice.csv:2", "twice.csv:4"]
    assert len(events(result)) == 2  # the two retirements of the block, each linking it


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_a_folder_named_as_an_export_is_refused_without_being_opened(tmp_path: Path) -> None:
    """Opening a FIFO would block the command until a writer came: it is refused from its type, as claims are."""
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    for path, problem in ((fifo, "a FIFO, not a regular file: not opened"), (folder, "is a directory, not a file")):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "from comet_cn.import_cli import import_command; import_command()",
                "verra",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,  # a blocked open would hang here: the test fails instead of the suite hanging
            check=False,
        )
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [f"cn-import: error: {path}: {problem}"]
