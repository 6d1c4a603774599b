"""Red team 23 regressions in the registry importers: a superseded PACT footprint linked to the claim, a footprint
merged beside the claim's own, one quantity for two products, CORSIA rows of the older Gold Standard layout, CAD Trust
and ICR compliance reasons, repeated JSON keys, the Isometric page envelope, CER credits of unread serials, and a
CSV file whose every row opens a quote.

Every fixture is written here into ``tmp_path`` and made up (project ids 988xx, "Example …" companies, invented
serials and ids); the claim is the repository's own product example.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import import_records, merge
from tests.conftest import Run

PRODUCT_CLAIM = Path(__file__).resolve().parent.parent / "examples" / "annex-b" / "product-b2b-partial-claim.jsonld"
ACME = "Example Ceramics GmbH"


def _write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _nodes(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [node for node in document["@graph"] if node.get("@type") == kind]


def _claim(document: dict[str, Any]) -> dict[str, Any]:
    return _nodes(document, "CarbonNeutralityClaim")[0]


# ---- PACT ----


def _footprint(ident: str, kg: str, *, preceding: list[str] | None = None, product: str = "terra") -> dict[str, Any]:
    footprint: dict[str, Any] = {
        "id": ident, "specVersion": "3.0.0", "status": "Active", "companyName": ACME,
        "productIds": [f"urn:example:product:{product}"], "productNameCompany": f"Example {product}",
        "pcf": {
            "declaredUnitOfMeasurement": "kilogram", "declaredUnitAmount": "1",
            "referencePeriodStart": "2024-01-01T00:00:00Z", "referencePeriodEnd": "2025-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": kg, "fossilGhgEmissions": kg, "crossSectoralStandards": ["ISO14067"],
        },
    }  # fmt: skip
    if preceding:
        footprint["precedingPfIds"] = preceding
    return footprint


OLD = "aaaaaaaa-0000-4000-8000-000000000001"
NEW = "aaaaaaaa-0000-4000-8000-000000000002"
OLD_IRI = f"urn:comet-cn:import:pact:footprint:{OLD}"
NEW_IRI = f"urn:comet-cn:import:pact:footprint:{NEW}"


def _product_claim(tmp_path: Path, *, footprint: bool = True) -> Path:
    """The product claim, its product declared the PACT product the footprints below are of (red team 26b: a
    footprint of another product is refused)."""
    document = json.loads(PRODUCT_CLAIM.read_text(encoding="utf-8"))
    for node in document["@graph"]:
        if not footprint:
            node.pop("hasCarbonFootprint", None)
        if node.get("@id") == "ex:terra-tile-body":
            node["owl:sameAs"] = {"@id": "urn:example:product:terra"}
    return _write_json(tmp_path / "claim.jsonld", document)


def _claim_without_footprint(tmp_path: Path) -> Path:
    return _product_claim(tmp_path, footprint=False)


@pytest.mark.parametrize("reverse", [False, True])
def test_the_successor_footprint_is_linked_in_either_record_order(tmp_path: Path, reverse: bool) -> None:
    # Before: the first footprint of the file became the claim's, so the superseded one won in one order.
    records = [_footprint(OLD, "0.83"), _footprint(NEW, "0.90", preceding=[OLD])]
    path = _write_json(tmp_path / "pact.json", records[::-1] if reverse else records)
    result = import_records("pact", path, quantity=Decimal(15000000))
    merged = merge(_claim_without_footprint(tmp_path), [result])
    assert _claim(merged)["hasCarbonFootprint"] == NEW_IRI
    assert _claim(merged)["hasSubject"] == "ex:terra-tile-body"  # the claim's own subject stays


@pytest.mark.parametrize("reverse", [False, True])
def test_the_successor_footprint_is_linked_whichever_file_comes_first(
    tmp_path: Path, reverse: bool, cn_import: Callable[..., Run]
) -> None:
    old = _write_json(tmp_path / "v1.json", [_footprint(OLD, "0.83")])
    new = _write_json(tmp_path / "v2.json", [_footprint(NEW, "0.90", preceding=[OLD])])
    files = [new, old] if reverse else [old, new]
    claim = _claim_without_footprint(tmp_path)
    run = cn_import("pact", *files, "--quantity", "15000000", "--into", claim, "-q")
    assert run.code == 0, run.err
    assert _claim(run.json())["hasCarbonFootprint"] == NEW_IRI


def test_two_footprints_neither_superseding_the_other_are_refused(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    path = _write_json(tmp_path / "pact.json", [_footprint(OLD, "0.83"), _footprint(NEW, "0.90")])
    run = cn_import("pact", path, "--quantity", "1000", "--into", _claim_without_footprint(tmp_path))
    assert run.code == 2
    assert "2 footprints, none superseded by another" in run.err
    assert OLD_IRI in run.err and NEW_IRI in run.err
    assert "Traceback" not in run.err and run.out == ""


def test_a_footprint_merged_into_a_claim_with_one_is_refused(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    # Before: added beside the claim's footprint, unlinked, and the claim still conformed against the old one.
    path = _write_json(tmp_path / "pact.json", [_footprint(NEW, "0.90")])
    run = cn_import("pact", path, "--quantity", "1000", "--into", _product_claim(tmp_path))
    assert run.code == 2
    assert "the claim already has the footprint ex:footprint-2024" in run.err
    assert "--replace ex:footprint-2024" in run.err
    assert run.out == ""


def test_replace_names_the_claims_footprint(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    path = _write_json(tmp_path / "pact.json", [_footprint(NEW, "0.90")])
    run = cn_import(
        "pact", path, "--quantity", "1000", "--into", _product_claim(tmp_path), "--replace", "ex:footprint-2024"
    )
    assert run.code == 0, run.err
    merged = run.json()
    assert _claim(merged)["hasCarbonFootprint"] == NEW_IRI
    assert [n["@id"] for n in _nodes(merged, "CarbonFootprint")] == [NEW_IRI]
    # The report follows the claim, and an emission a reversal still names is kept.
    assert _nodes(merged, "CarbonNeutralityReport")[0]["hasCarbonFootprint"] == NEW_IRI
    assert any(n["@id"] == "ex:emission-reversal-2024" for n in merged["@graph"])


def test_cn_merge_refuses_a_footprint_beside_the_claims_own(
    tmp_path: Path, cn_import: Callable[..., Run], cn_merge: Callable[..., Run]
) -> None:
    path = _write_json(tmp_path / "pact.json", [_footprint(NEW, "0.90")])
    written = tmp_path / "footprint.jsonld"
    assert cn_import("pact", path, "--quantity", "1000", "-o", written, "-q").code == 0
    run = cn_merge(_product_claim(tmp_path), written)
    assert run.code == 2
    assert "the claim already has the footprint ex:footprint-2024" in run.err
    replaced = cn_merge(_product_claim(tmp_path), written, "--replace", "ex:footprint-2024")
    assert replaced.code == 0, replaced.err
    assert _claim(replaced.json())["hasCarbonFootprint"] == NEW_IRI


def test_one_quantity_for_two_products_is_refused(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    # Before: 120000 was taken as the quantity of both the boxes (per piece) and the bags (per kilogram).
    box = _footprint(OLD, "0.62", product="box")
    box["pcf"]["declaredUnitOfMeasurement"] = "piece"
    path = _write_json(tmp_path / "pact.json", [box, _footprint(NEW, "0.62", product="bag")])
    run = cn_import("pact", path, "--quantity", "120000")
    assert run.code == 2
    assert "one product quantity cannot apply to footprints of 2 products or declared units" in run.err
    assert run.out == ""
    assert cn_import("pact", path, "-q").code == 0  # without a quantity, both are read per declared unit


def test_one_quantity_for_two_files_of_different_products_is_refused(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    box = _write_json(tmp_path / "box.json", [_footprint(OLD, "0.62", product="box")])
    bag = _write_json(tmp_path / "bag.json", [_footprint(NEW, "0.62", product="bag")])
    run = cn_import("pact", box, bag, "--quantity", "120000")
    assert run.code == 2
    assert "one --quantity cannot apply to footprints of several products" in run.err


# ---- Gold Standard ----

GS_OLD_HEADER = [
    "Vintage", "Credit Status", "Quantity", "GSID", "Project Name", "Project Developer", "Country", "Product Type",
    "Project Type", "Methodology", "Programme of Activities", "POA GSID", "Issuance Date", "Retirement Date",
    "Monitoring Period Start", "Monitoring Period End", "Serial Number", "Note", "Eligible for CORSIA?",
    "Retired for CORSIA?", "CORSIA Authorisation", "Aeroplane Operator Name",
]  # fmt: skip


def _gs_old_row(first: int, last: int, retired_for_corsia: str, operator: str = "") -> list[str]:
    return [
        "2023", "Retired", str(last - first + 1), "98810", "Example Wind India", "Example Power Ltd", "India", "VER",
        "Wind", "ACM0002", "", "", "2024-03-01", "2025-02-10", "2023-01-01", "2023-12-31",
        f"GS1-1-IN-GS98810-12-2023-50001-{first}-{last}", f"Retired on behalf of {ACME}", "Yes", retired_for_corsia,
        "Authorized" if retired_for_corsia == "Yes" else "", operator,
    ]  # fmt: skip


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _serials(result: Any) -> list[str]:
    return sorted(str(n.get("serialNumber")) for n in result.nodes if n.get("@type") == "CarbonCredit")


def test_gs_rows_retired_for_corsia_in_the_older_layout_are_left_out(tmp_path: Path) -> None:
    # Before: "Retired for CORSIA? = Yes" was imported as a voluntary offsetting event.
    path = _write_csv(
        tmp_path / "gs.csv",
        GS_OLD_HEADER,
        [
            _gs_old_row(1, 7500, "Yes", "Example Airways Ltd"),
            _gs_old_row(7501, 12500, "No"),
            _gs_old_row(12501, 13000, "No", "Example Air Cargo Ltd"),
        ],
    )
    result = import_records("gold-standard", path)
    assert _serials(result) == ["GS1-1-IN-GS98810-12-2023-50001-7501-12500"]
    excluded = sorted(result.excluded)
    assert excluded[0].startswith("gs.csv:2:") and "Retired for CORSIA? 'Yes': a CORSIA use" in excluded[0]
    assert excluded[1].startswith("gs.csv:4:")
    assert "Aeroplane Operator Name 'Example Air Cargo Ltd': a CORSIA use" in excluded[1]


GS_HEADER = [
    "Vintage", "Credit Status", "Quantity", "GSID", "Project Name", "Project Developer", "Country", "Product Type",
    "Project Type", "Methodology", "Programme of Activities", "POA GSID", "Issuance Date", "Retirement Date",
    "Monitoring Period Start", "Monitoring Period End", "Serial Number", "Note", "Aeroplane Operator Name", "Label",
    "Use Case", "Using Entity", "Article Six Authorization",
]  # fmt: skip


def test_gs_cer_with_an_unread_serial_is_a_cdm_credit(tmp_path: Path) -> None:
    # Before: a CER whose serial the CDM grammar could not read was issued by GS4GG.
    row = [
        "2020", "Retired", "100", "98809", "Example Cookstoves Rwanda", "Example Dev", "Rwanda", "CER", "Cookstoves",
        "AMS-II.G", "", "", "2021-01-15", "2025-02-03", "2020-01-01", "2020-12-31",
        "RW-5-1467800-2-2-0-7014 - RW-5-1467899-2-2-0-7015", "", "", "Emission Reduction", "Voluntary", ACME,
        "Not Applicable",
    ]  # fmt: skip
    ver = [*row[:7], "VER", *row[8:16], "GS1-1-RW-GS98809-12-2020-50001-1-100", *row[17:]]
    result = import_records("gold-standard", _write_csv(tmp_path / "gs.csv", GS_HEADER, [row, ver]))
    programmes = {
        str(n["serialNumber"]): n["issuedByProgramme"] for n in result.nodes if n.get("@type") == "CarbonCredit"
    }
    assert programmes[row[16]] == "urn:comet-cn:import:programme:cdm"
    assert programmes[ver[16]] == "urn:comet-cn:import:programme:gs4gg"


# ---- CAD Trust and ICR reasons ----


def _cad_unit(reason: str) -> dict[str, Any]:
    return {
        "cadTrustUnitId": "u-ex-1", "orgUid": "example-registry-org", "unitSerialId": "VCS98807-2024-500001-501000",
        "unitStartBlock": "500001", "unitEndBlock": "501001", "unitCount": 1000, "unitType": "Removal - technical",
        "unitVintageYear": 2024, "unitStatus": "Retired", "unitStatusDate": "17/02/2026",
        "unitRetirementBeneficiary": ACME, "unitMetric": "tCO2e", "unitStatusReason": reason,
    }  # fmt: skip


def _icr_record(reason: str) -> dict[str, Any]:
    return {
        "id": "ret-ex-0009", "createdAt": "2025-02-20T11:05:00.000Z", "isClaimed": True, "reason": reason,
        "comment": "", "beneficiary": ACME, "serialization": "ICR-ISL-12-98806-3-R-0-2024", "vintage": "2024",
        "amount": 7.25,
    }  # fmt: skip


VOLUNTARY = "Carbon neutrality 2025, in compliance with ISO 14068-1"


@pytest.mark.parametrize(
    "reason", ["Compliance", "CORSIA", "Cancelled for NDC", "CORSIA compliance obligation 2024", "Host-country NDC"]
)
def test_cad_trust_and_icr_compliance_reasons_are_not_offsetting_events(tmp_path: Path, reason: str) -> None:
    # Before: each was imported as an offsetting event. A voluntary reason beside it still is one.
    cad_units = [
        _cad_unit(reason),
        {
            **_cad_unit(VOLUNTARY),
            "cadTrustUnitId": "u-ex-2",
            "unitSerialId": "VCS98807-2024-600001-601000",
            "unitStartBlock": "600001",
            "unitEndBlock": "601001",
        },
    ]
    icr_records = [_icr_record(reason), {**_icr_record(VOLUNTARY), "id": "ret-ex-0010"}]
    cad = import_records("cad-trust", _write_json(tmp_path / "cad.json", cad_units))
    icr = import_records("icr", _write_json(tmp_path / "icr.json", icr_records))
    for result, field in ((cad, "unit_status_reason"), (icr, "reason")):
        assert len(result.events) == 1
        assert len(result.excluded) == 1
        assert f"{field} {reason!r}: " in result.excluded[0] and "not an offsetting event" in result.excluded[0]


# ---- JSON: repeated keys, the Isometric page envelope ----


def test_a_repeated_json_key_is_refused(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    # Before: "amount": 7.25, "amount": 725 read as 725 t without a word.
    text = json.dumps([_icr_record("Carbon neutrality")]).replace('"amount": 7.25', '"amount": 7.25, "amount": 725')
    path = tmp_path / "icr.json"
    path.write_text(text, encoding="utf-8")
    run = cn_import("icr", path)
    assert run.code == 2
    assert "an object gives the key 'amount' twice (7.25 and 725)" in run.err
    assert len(run.err.strip().splitlines()) == 1 and run.out == ""
    with pytest.raises(InputError, match="'amount' twice"):
        import_records("auto", path)


def test_an_isometric_api_page_is_read(tmp_path: Path) -> None:
    page = {
        "page_info": {"has_previous_page": False, "start_cursor": "c1", "has_next_page": False, "end_cursor": "c2"},
        "nodes": [
            {
                "id": "ret_EXAMPLE0000000001", "retired_at": "2025-02-12T09:30:00.000000Z",
                "purposes": ["corporate_targets"], "beneficiary": {"id": "org_EXAMPLE01", "name": ACME},
                "credit_batch_size_total": {"credits": 12.5, "credit_kgs": 12500}, "sequestered_on": "2024-10-30",
            }
        ],
        "total_count": 1,
    }  # fmt: skip
    path = _write_json(tmp_path / "iso.json", page)
    for name in ("isometric", "auto"):
        result = import_records(name, path)
        assert len(result.events) == 1
        assert [n["tonnesCO2e"] for n in result.nodes if n.get("@type") == "CarbonCredit"] == ["12.5"]


# ---- CSV: every row opening a quote ----

VERRA_HEADER = [
    "Issuance Date", "Sustainable Development Goals", "Vintage Start", "Vintage End", "ID", "Name", "Country/Area",
    "Project Type", "Methodology", "Total Vintage Quantity", "Quantity Issued", "Serial Number",
    "Additional Certifications", "Retirement/Cancellation Date", "Retirement Beneficiary", "Retirement Reason",
    "Retirement Details",
]  # fmt: skip


def _unbalanced_verra(path: Path, count: int) -> Path:
    lines = [",".join(VERRA_HEADER)]
    for n in range(count):
        first = 950000001 + n * 10
        lines.append(
            f'2025-11-20,,2024-01-01,2024-12-31,98801,Example Cookstoves,Rwanda,Energy demand,VMR0006,"412,880",10,'
            f"20011-{first}-{first + 9}-VCS-VCU-1600-VER-RW-3-98801-01012024-31122024-1,,2025-02-17,"
            f'"{ACME},Environmental Benefit,Retired on behalf of Example 2024 note {n}'
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rows_that_each_open_a_quote_are_read_in_linear_time(tmp_path: Path) -> None:
    # Before: each row was read again to the end of the file: 1,000 rows 0.4 s, 8,000 rows 30 s. CPU time of this
    # process, so that other work on a loaded machine does not make a linear reading look quadratic.
    timings = []
    for count in (1000, 8000):
        started = time.process_time()
        result = import_records("verra", _unbalanced_verra(tmp_path / f"v{count}.csv", count))
        timings.append(time.process_time() - started)
        assert len([n for n in result.nodes if n.get("@type") == "CarbonCredit"]) == count
        assert any(
            line.startswith(f"v{count}.csv:3: an unbalanced quote in 'Retirement Beneficiary' ran on into lines 4-")
            for line in result.warnings
        )
    assert timings[1] < 12 * timings[0] + 1.0  # eight times the rows; before, some 75 times the time
