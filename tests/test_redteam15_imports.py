"""Red team 15 regressions in the registry importers: two inputs with one base name, compliance / CORSIA / NDC
uses and cancellations read as offsetting events, one bad CAD Trust record ending the whole import, PACT numbers
at absurd exponents, inexact PACT tonnes, and smaller PACT gaps.

Every fixture is written here, made up (project ids 988xx, "Example …" companies, invented serials and ids).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import combine, import_records, source_names
from tests.conftest import Run

# ---- fixtures: one made-up row per registry, any column overridable ----

VERRA = {
    "Issuance Date": "2025-11-20",
    "Sustainable Development Goals": "",
    "Vintage Start": "2024-01-01",
    "Vintage End": "2024-12-31",
    "ID": "98831",
    "Name": "Example Biogas Programme Kenya",
    "Country/Area": "Kenya",
    "Project Type": "Energy demand",
    "Methodology": "VMR0006",
    "Total Vintage Quantity": "90,000",
    "Quantity Issued": "6,300",
    "Serial Number": "",
    "Additional Certifications": "",
    "Retirement/Cancellation Date": "2026-02-17",
    "Retirement Beneficiary": "Example Bakeries Ltd",
    "Retirement Reason": "Environmental Benefit",
    "Retirement Details": "",
}
ACR = {
    "fiid": "98832",
    "Credit Serial Numbers": "ACR-US-98832-2024-4101-30001 to 31000",
    "Date Issued (GMT)": "5/14/2025 3:02:11 PM",
    "Vintage": "2024",
    "Vintage Assignment Period Start Date": "1/1/2024",
    "Vintage Assignment Period End Date": "12/31/2024",
    "Quantity of Credits": "1000",
    "Account Holder": "Example Offsets Shop LLC",
    "Status Effective (GMT)": "2/3/2026 10:15:42 AM",
    "Retired on Behalf of": "Example Bakeries Ltd",
    "Retirement Reason": "On Behalf of Third Party",
    "Purpose of Retirement": "Example Bakeries Ltd ovens",
    "Project ID": "ACR98832",
    "Project Name": "Example Landfill Gas Capture",
    "Project Type": "Landfill Gas",
    "Project Methodology/Protocol": "Landfill Gas Destruction",
    "Methodology/Protocol Version": "Version 2.0",
    "Project Site Location": "Example County",
    "Project Site State": "OHIO",
    "Project Site Country": "US",
    "ARB Eligible": "No",
    "Ecology Eligible": "No",
    "CORSIA Eligible": "No",
    "Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)": "",
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase)": "",
    "CCP Approved": "",
    "Verified Removal": "",
    "Sustainable Development Goal(s)": "",
    "Project Website": "",
    "Documents": "View",
    "Numberoffiles": "1",
}
CAR = {
    "Vintage": "2025",
    "Offset Credit Serial Numbers": "CAR-1-US-98833-31-1100-TX-2025-20101-1 to 2000",
    "Quantity of Offset Credits": "2000",
    "Status Effective": "01/22/2026",
    "Project ID": "CAR98833",
    "Project Name": "Example Nitric Acid Abatement",
    "Project Type": "Nitric Acid N2O",
    "Reduction/Removal": "Reduction",
    "Reversible/Non-Reversible": "",
    "Protocol and Version": "Nitric Acid N2O - Version 3.0",
    "Project Site Location": "Example City",
    "Project Site State": "TEXAS",
    "Project Site Country": "US",
    "Activity Area Type": "",
    "Additional Certification(s)": "",
    "Eligible for CORSIA 2021-2023 Compliance Period": "",
    "Eligible for CORSIA 2024-2026 Compliance Period": "",
    "Corresponding Adjustment": "No",
    "ICVCM CCP Eligible": "",
    "Account Holder": "Example Climate Broker Inc.",
    "Retirement Reason": "On Behalf of Third Party",
    "Retirement Reason Details": "on behalf of Example Bakeries Ltd",
}
ART = {
    "Vintage": "2023",
    "Credit Serial Numbers": "ART-GY-98834-2023-9-1 to 1500",
    "Quantity of Credits": "1500",
    "Status Effective": "03/02/2026",
    "Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)": "",
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase)": "",
    "CCP Approved": "",
    "Program ID": "ART98834",
    "Program Name": "Example Jurisdictional Forest Programme",
    "Program Type": "Forest Carbon",
    "Crediting Program and Standard": "ART - The REDD+ Environmental Excellence Standard (TREES)",
    "Standard Version": "Version 2.0",
    "Program Jurisdiction(s)": "Example Region",
    "Program  Country": "GUYANA",
    "Date Approved": "11/4/2025 2:41:09 PM",
    "Account Holder": "Example Forest Finance Ltd",
    "Retired on Behalf of": "Example Bakeries Ltd",
    "Retirement Reason": "Contribution Towards Corporate Climate Pledge",
    "Purpose of Retirement": "ovens",
}
GOLD = {
    "Vintage": "2025",
    "Credit Status": "Retired",
    "Quantity": "800",
    "GSID": "98835",
    "Project Name": "Example Solar Cookers Peru",
    "Project Developer": "Example Energia SAC",
    "Country": "Peru",
    "Product Type": "VER",
    "Project Type": "Energy efficiency",
    "Methodology": "",
    "Programme of Activities": "",
    "POA GSID": "",
    "Issuance Date": "2026-01-15",
    "Retirement Date": "2026-02-03",
    "Monitoring Period Start": "2025-01-01",
    "Monitoring Period End": "2025-06-30",
    "Serial Number": "GS1-1-PE-GS98835-16-2025-50001-1-800",
    "Note": "on behalf of Example Bakeries Ltd",
    "Aeroplane Operator Name": "",
    "Label": "Emission Reduction",
    "Use Case": "Voluntary",
    "Using Entity": "Example Bakeries Ltd",
    "Article Six Authorization": "Not Applicable",
}
TEMPLATES = {"verra": VERRA, "acr": ACR, "car": CAR, "art-trees": ART, "gold-standard": GOLD}
REASON_COLUMN = {"acr": "Retirement Reason", "car": "Retirement Reason", "art-trees": "Retirement Reason"}
REASON_COLUMN.update({"verra": "Retirement Reason", "gold-standard": "Use Case"})


def _csv(path: Path, template: dict[str, str], *rows: dict[str, str], rename: dict[str, str] | None = None) -> Path:
    """A CSV export of ``rows`` (each overriding the template); ``rename`` renames header columns."""
    header = [(rename or {}).get(column, column) for column in template]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        values = {**template, **row}
        writer.writerow([values[column] for column in template])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _of_type(nodes: Any, kind: str) -> list[dict[str, Any]]:
    return [dict(node) for node in nodes if node.get("@type") == kind]


def _warning_lines(run: Run) -> list[str]:
    return [line for line in run.err.splitlines() if line.startswith("cn-import: warning: ")]


def _one_line_refusal(run: Run, *words: str) -> None:
    assert run.code == 2, run.err
    assert "Traceback" not in run.err and "internal error" not in run.err
    (line,) = run.err.strip().splitlines()
    assert line.startswith("cn-import: error: ")
    for word in words:
        assert word in line, line


# ---- 1. two inputs with one base name ----


def test_two_exports_with_one_base_name_stay_two_credits_named_by_their_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cn_import: Callable[..., Run]
) -> None:
    # Q1's and Q2's downloads, both called verra.csv, each retiring 6300 t on line 2 (no serial).
    _csv(tmp_path / "q1" / "verra.csv", VERRA, {"Retirement/Cancellation Date": "2025-02-17"})
    _csv(tmp_path / "q2" / "verra.csv", VERRA, {"Retirement/Cancellation Date": "2025-03-17"})
    monkeypatch.chdir(tmp_path)
    run = cn_import("verra", "q1/verra.csv", "q2/verra.csv", "-o", "both.jsonld")
    assert run.code == 0, run.err
    graph = json.loads((tmp_path / "both.jsonld").read_text(encoding="utf-8"))["@graph"]
    credits = _of_type(graph, "CarbonCredit")
    assert sorted(c["tonnesCO2e"] for c in credits) == ["6300", "6300"]  # 12600 t, not one 6300 t credit
    assert len(_of_type(graph, "OffsettingEvent")) == 2
    assert {c["dcterms:source"] for c in credits} == {"q1/verra.csv:2", "q2/verra.csv:2"}
    warnings = _warning_lines(run)
    assert any(line.endswith("q1/verra.csv:2: no serial number (CN-REG-01 will ask for it)") for line in warnings)
    assert any(line.endswith("q2/verra.csv:2: no serial number (CN-REG-01 will ask for it)") for line in warnings)
    # A base name no other input shares keeps its name (and so its IRIs); the same file twice stays one credit.
    run = cn_import("verra", "q1/verra.csv", "./q1/verra.csv", "-o", "same.jsonld")
    assert run.code == 0, run.err
    graph = json.loads((tmp_path / "same.jsonld").read_text(encoding="utf-8"))["@graph"]
    (credit,) = _of_type(graph, "CarbonCredit")
    assert credit["@id"] == "urn:comet-cn:import:verra:row:verra.csv%3A2"


def _footprint(**pcf: Any) -> dict[str, Any]:
    figures = {
        "declaredUnitOfMeasurement": "kilogram",
        "declaredUnitAmount": "1",
        "referencePeriodStart": "2025-01-01T00:00:00Z",
        "referencePeriodEnd": "2026-01-01T00:00:00Z",
        "pcfExcludingBiogenicUptake": "2.5",
        "fossilGhgEmissions": "2.5",
        "crossSectoralStandards": ["ISO14067"],
    }
    figures.update(pcf)
    return {
        "specVersion": "3.0.0",
        "status": "Active",
        "companyName": "Example Mills AG",
        "productIds": ["urn:example:product:flour-type-550"],
        "productNameCompany": "Example Flour 550",
        "pcf": {key: value for key, value in figures.items() if value != "DROP"},
    }


def _write_json(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_pact_footprints_without_id_in_two_folders_stay_two_footprints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cn_import: Callable[..., Run]
) -> None:
    _write_json(tmp_path / "mill-a" / "fp.json", _footprint(pcfExcludingBiogenicUptake="2.5"))
    _write_json(tmp_path / "mill-b" / "fp.json", _footprint(pcfExcludingBiogenicUptake="4", fossilGhgEmissions="4"))
    monkeypatch.chdir(tmp_path)
    run = cn_import("pact", "mill-a/fp.json", "mill-b/fp.json", "--quantity", "1000", "-o", "fp.jsonld")
    assert run.code == 0, run.err
    graph = json.loads((tmp_path / "fp.jsonld").read_text(encoding="utf-8"))["@graph"]
    footprints = _of_type(graph, "CarbonFootprint")
    assert sorted(f["tonnesCO2e"] for f in footprints) == ["2.5", "4"]  # not one footprint of 2.5 and 4 t
    assert {f["dcterms:source"] for f in footprints} == {"mill-a/fp.json:1", "mill-b/fp.json:1"}
    assert any("mill-a/fp.json:1: referencePeriodEnd" in line for line in _warning_lines(run))
    assert any("mill-b/fp.json:1: referencePeriodEnd" in line for line in _warning_lines(run))


def test_combine_refuses_two_files_imported_under_one_name_and_source_names_keeps_them_apart(tmp_path: Path) -> None:
    paths = [
        _csv(tmp_path / "q1" / "verra.csv", VERRA, {"Retirement/Cancellation Date": "2025-02-17"}),
        _csv(tmp_path / "q2" / "verra.csv", VERRA, {"Retirement/Cancellation Date": "2025-03-17"}),
    ]
    with pytest.raises(InputError, match="two different files are imported under this name") as refused:
        combine([import_records("verra", path) for path in paths])
    assert str(paths[0].resolve()) in str(refused.value) and str(paths[1].resolve()) in str(refused.value)
    names = source_names(paths)
    assert names == [str(paths[0]), str(paths[1])]
    document = combine([import_records("verra", p, source=n) for p, n in zip(paths, names, strict=True)])
    assert len(_of_type(document["@graph"], "CarbonCredit")) == 2


# ---- 2. and 3. cancellations, compliance, CORSIA and NDC uses are no offsetting events ----


@pytest.mark.parametrize(
    ("fmt", "reason", "kind"),
    [
        ("car", "California Compliance", "a compliance use"),
        ("car", "ARB Compliance Obligation", "a compliance use"),
        ("car", "Washington Ecology Compliance", "a compliance use"),
        ("acr", "Compliance - Washington Ecology", "a compliance use"),
        ("acr", "Host Country NDC", "NDC"),
        ("art-trees", "CORSIA Compliance", "CORSIA"),
        ("gold-standard", "CORSIA", "CORSIA"),
        ("gold-standard", "NDC", "NDC"),
        ("verra", "Cancellation", "a cancellation"),
        ("acr", "share of proceeds for adaptation", "Article 6 share"),
    ],
)
def test_a_compliance_corsia_ndc_or_cancellation_use_is_left_out_and_a_voluntary_one_is_kept(
    tmp_path: Path, fmt: str, reason: str, kind: str
) -> None:
    template, column = TEMPLATES[fmt], REASON_COLUMN[fmt]
    voluntary = {
        "verra": "Voluntary offsetting",
        "gold-standard": "Voluntary",
        "car": "Environmental Benefit",
        "acr": "Retired on behalf of Example Bakeries Ltd for carbon neutrality",
        "art-trees": "Environmental benefit",
    }[fmt]
    # Line 2: the use that offsets nothing; line 3: the same block's twin, retired voluntarily, a day later.
    other_block = {
        "verra": {"Serial Number": ""},
        "acr": {"Credit Serial Numbers": "ACR-US-98832-2024-4101-31001 to 32000"},
        "car": {"Offset Credit Serial Numbers": "CAR-1-US-98833-31-1100-TX-2025-20101-2001 to 4000"},
        "art-trees": {"Credit Serial Numbers": "ART-GY-98834-2023-9-1501 to 3000"},
        "gold-standard": {"Serial Number": "GS1-1-PE-GS98835-16-2025-50001-801-1600"},
    }[fmt]
    path = _csv(tmp_path / "export.csv", template, {column: reason}, {column: voluntary, **other_block})
    result = import_records(fmt, path)
    (excluded,) = result.excluded
    assert excluded.startswith("export.csv:2: not imported: ")
    assert f"{column} {reason!r}" in excluded and kind in excluded
    assert len(result.events) == 1  # the voluntary row, and only it
    (credit,) = _of_type(result.nodes, "CarbonCredit")
    assert credit["dcterms:source"] == "export.csv:3"


@pytest.mark.parametrize(
    ("fmt", "column"),
    [("acr", "Cancellation Reason"), ("car", "Cancellation Type")],
)
def test_an_apx_cancellations_file_imports_nothing_whichever_cancellation_column_it_has(
    tmp_path: Path, fmt: str, column: str
) -> None:
    template = TEMPLATES[fmt]
    path = _csv(
        tmp_path / "cancellations.csv",
        template,
        {"Retirement Reason": "Conversion to ARB"},
        rename={"Retirement Reason": column},
    )
    result = import_records(fmt, path)
    assert result.events == ()
    assert result.excluded == (
        f"cancellations.csv:2: not imported: a cancellation ({column} 'Conversion to ARB'), not an offsetting event",
    )


@pytest.mark.parametrize(
    ("beneficiary", "details", "said"),
    [
        ("", "2% share retirement as required under the Project's LoA for Article 6", "Article 6 share"),
        ("No owner, contributing towards global emissions reductions", "", "Article 6 share"),
        ("Example Bakeries Ltd", "Cancelled for NDC use by host country", "a cancellation"),
    ],
)
def test_a_reworded_verra_article6_share_or_cancellation_is_left_out(
    tmp_path: Path, beneficiary: str, details: str, said: str
) -> None:
    path = _csv(
        tmp_path / "vcus.csv",
        VERRA,
        {"Retirement Beneficiary": beneficiary, "Retirement Details": details},
        {"Retirement Details": "Retired on behalf of Example Bakeries Ltd, in compliance with ISO 14068-1"},
    )
    result = import_records("verra", path)
    (excluded,) = result.excluded
    assert excluded.startswith("vcus.csv:2: not imported: ") and said in excluded
    # Free-text details that say "compliance" in passing are still a voluntary retirement.
    (credit,) = _of_type(result.nodes, "CarbonCredit")
    assert credit["dcterms:source"] == "vcus.csv:3"


# ---- 4. one bad CAD Trust record ----


def _unit(**fields: Any) -> dict[str, Any]:
    record = {
        "cadTrustUnitId": "00000000-0000-4000-8000-000000098836",
        "orgUid": "example-registry-org",
        "unitSerialId": "EX98836-2024-700001-701000",
        "unitStartBlock": "700001",
        "unitEndBlock": "701001",
        "unitCount": 1000,
        "unitType": "Reduction - nature",
        "unitVintageYear": 2024,
        "unitStatus": "Retired",
        "unitStatusDate": "2026-02-17",
        "unitRetirementBeneficiary": "Example Bakeries Ltd",
        "unitMetric": "tCO2e",
    }
    record.update(fields)
    return record


def test_a_negative_cad_trust_start_block_is_a_warning_and_the_other_file_still_imports(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    good = _write_json(tmp_path / "good.json", [_unit()])
    bad = _write_json(
        tmp_path / "bad.json",
        [_unit(unitSerialId="EX98837-2024-700001-701000", unitStartBlock=-5, unitEndBlock=995)],
    )
    result = import_records("cad-trust", bad)  # no bare ValueError
    assert result.selected == 1
    assert any(w.startswith("bad.json:1: unit_start_block '-5' is negative") for w in result.warnings)
    run = cn_import("cad-trust", good, bad, "-o", tmp_path / "both.jsonld")
    assert run.code == 0, run.err
    graph = json.loads((tmp_path / "both.jsonld").read_text(encoding="utf-8"))["@graph"]
    assert len(_of_type(graph, "CarbonCredit")) == 2
    assert any("bad.json:1: unit_start_block '-5' is negative" in line for line in _warning_lines(run))


# ---- 5. and 6. PACT numbers ----


@pytest.mark.parametrize(
    ("pcf", "quantity", "words"),
    [
        ({"declaredUnitAmount": "1E-999999"}, "1000", ("fp.json:1", "declaredUnitAmount", "out of range")),
        ({"declaredUnitAmount": "1E+999999"}, "1000", ("fp.json:1", "declaredUnitAmount", "out of range")),
        (
            {"pcfExcludingBiogenicUptake": "1E-999999", "fossilGhgEmissions": "1E-999999"},
            "1000",
            ("fp.json:1", "pcfExcludingBiogenicUptake", "out of range"),
        ),
        ({}, "1E-999999999", ("--quantity", "out of range")),
        ({}, "1E-999999", ("--quantity", "out of range")),
        ({}, "1E+999999", ("--quantity", "out of range")),
    ],
)
def test_pact_numbers_at_absurd_exponents_are_refused_in_one_line(
    tmp_path: Path, cn_import: Callable[..., Run], pcf: dict[str, str], quantity: str, words: tuple[str, ...]
) -> None:
    path = _write_json(tmp_path / "fp.json", _footprint(**pcf))
    run = cn_import("pact", path, "--quantity", quantity, "-o", tmp_path / "out.jsonld")
    _one_line_refusal(run, *words)
    assert len(run.err) < 400  # not megabytes of digits, nor Python's own words
    assert not (tmp_path / "out.jsonld").exists()


def test_pact_quantity_out_of_range_is_refused_by_the_library_too(tmp_path: Path) -> None:
    path = _write_json(tmp_path / "fp.json", _footprint())
    with pytest.raises(InputError, match="out of range"):
        import_records("pact", path, quantity=Decimal("1E-999999"))


def test_pact_tonnes_are_exact_when_the_result_is_an_exact_decimal(tmp_path: Path) -> None:
    # 0.3 kgCO2e per 3 pieces, 1000 pieces: 0.1 t, not 0.0999…
    path = _write_json(
        tmp_path / "fp.json",
        _footprint(
            declaredUnitOfMeasurement="piece",
            declaredUnitAmount="3",
            pcfExcludingBiogenicUptake="0.3",
            fossilGhgEmissions="0.3",
        ),
    )
    result = import_records("pact", path, quantity=Decimal(1000))
    (footprint,) = _of_type(result.nodes, "CarbonFootprint")
    assert footprint["tonnesCO2e"] == "0.1"
    (emission,) = _of_type(result.nodes, "GHGEmission")
    assert emission["tonnesCO2e"] == "0.1"


# ---- 8. PACT status, unit and removal sign ----


def test_a_lower_case_deprecated_pact_footprint_is_not_imported(tmp_path: Path) -> None:
    document = [_footprint(), {**_footprint(fossilGhgEmissions="2.5"), "status": "deprecated"}]
    document[1]["productIds"] = ["urn:example:product:old"]
    result = import_records("pact", _write_json(tmp_path / "fp.json", document))
    assert result.excluded == ("fp.json:2: not imported: status 'deprecated': a superseded footprint",)
    assert len(_of_type(result.nodes, "CarbonFootprint")) == 1


def test_a_pact_footprint_without_a_unit_of_measurement_is_refused(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    path = _write_json(tmp_path / "fp.json", _footprint(declaredUnitOfMeasurement=None))
    run = cn_import("pact", path, "--quantity", "10", "-o", tmp_path / "out.jsonld")
    _one_line_refusal(run, "fp.json:1", "declaredUnitOfMeasurement")
    assert not (tmp_path / "out.jsonld").exists()


def test_a_positive_pact_removal_is_warned_about(tmp_path: Path) -> None:
    path = _write_json(
        tmp_path / "fp.json",
        _footprint(pcfExcludingBiogenicUptake="2.4", fossilGhgEmissions="2.5", technologicalCO2Removals="0.1"),
    )
    result = import_records("pact", path, quantity=Decimal(1000))
    assert any(
        w.startswith("fp.json:1: technologicalCO2Removals 0.1 is positive") and "check the sign" in w
        for w in result.warnings
    )


# ---- 7. a Verra label flag does not make the same units another block ----


def test_the_same_verra_units_retired_twice_are_found_whatever_the_label_flag(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    serial = "20011-950000001-950012500-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-{}"
    rows = [
        {"Serial Number": serial.format(1), "Quantity Issued": "12,500", "Additional Certifications": "ICVCM CCP"},
        {"Serial Number": serial.format(0), "Quantity Issued": "12,500", "Retirement Beneficiary": "Example Other Ltd"},
    ]
    path = _csv(tmp_path / "flags.csv", VERRA, *rows)
    run = cn_import("verra", str(path), "-o", str(tmp_path / "out.jsonld"))
    assert run.code == 0, run.err
    twice = (
        "flags.csv:3: units 950000001-950012500 of block 20011-VCS-VCU-1600-VER-RW-98801-01012024-31122024 are also "
        "retired at flags.csv:2: a double retirement, not adjacent pieces"
    )
    assert any(line.endswith(twice) for line in _warning_lines(run))
    # Each credit keeps the registry's block key, flag included.
    graph = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))["@graph"]
    blocks = sorted(c["issuanceBlock"] for c in _of_type(graph, "CarbonCredit"))
    assert blocks == [
        serial.format(0).replace("950000001-950012500-", ""),
        serial.format(1).replace("950000001-950012500-", ""),
    ]
