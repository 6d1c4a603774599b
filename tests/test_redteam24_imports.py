"""Red team 24 regressions in the registry importers: APX exports re-saved day-first, a retirement shared by several
parties, CORSIA and compliance uses named in notes or among purposes, slow Article 6 and "No owner" matching on a
long cell, PACT footprints superseding themselves or one another, negative PACT emissions, ICR owners and unclaimed
beneficiaries, standard input and an unknown ICR envelope.

Every fixture is written here, made up (project ids 988xx, "Example …" companies, invented serials and ids); the
claims are the repository's own examples.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from comet_cn.importers import import_records
from comet_cn.importers.attribution import on_behalf_of, several_names
from comet_cn.importers.fields import article6_share
from comet_cn.importers.verra import _no_owner
from tests.conftest import Run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLAIM = EXAMPLES / "conforming-claim.jsonld"  # claimed by ex:acme, "Acme Ceramics GmbH"
PRODUCT_CLAIM = EXAMPLES / "annex-b" / "product-b2b-partial-claim.jsonld"  # its footprint is ex:footprint-2024
ACME = "Acme Ceramics GmbH"

# ---- fixtures: one made-up row per export, any column overridable ----

VERRA = {
    "Issuance Date": "2024-11-20",
    "Sustainable Development Goals": "",
    "Vintage Start": "2024-01-01",
    "Vintage End": "2024-12-31",
    "ID": "98841",
    "Name": "Example Cookstoves Uganda",
    "Country/Area": "Uganda",
    "Project Type": "Energy demand",
    "Methodology": "VMR0006",
    "Total Vintage Quantity": "50,000",
    "Quantity Issued": "2,000",
    "Serial Number": "20041-960000001-960002000-VCS-VCU-1600-VER-UG-3-98841-01012024-31122024-0",
    "Additional Certifications": "",
    "Retirement/Cancellation Date": "2025-02-17",
    "Retirement Beneficiary": ACME,
    "Retirement Reason": "Environmental Benefit",
    "Retirement Details": "",
}
ACR = {
    "fiid": "98842",
    "Credit Serial Numbers": "ACR-US-98842-2024-5101-1 to 1000",
    "Date Issued (GMT)": "5/14/2025 3:02:11 PM",
    "Vintage": "2024",
    "Vintage Assignment Period Start Date": "1/1/2024",
    "Vintage Assignment Period End Date": "12/31/2024",
    "Quantity of Credits": "1000",
    "Account Holder": "Example Offsets Shop LLC",
    "Status Effective (GMT)": "2/3/2026 10:15:42 AM",
    "Retired on Behalf of": ACME,
    "Retirement Reason": "On Behalf of Third Party",
    "Purpose of Retirement": "kiln emissions",
    "Project ID": "ACR98842",
    "Project Name": "Example Landfill Gas Capture",
    "Verified Removal": "",
    "": "",  # the APX trailing comma
}
CAR = {
    "Vintage": "2025",
    "Offset Credit Serial Numbers": "CAR-1-US-98843-31-1100-TX-2025-10201-1 to 1000",
    "Quantity of Offset Credits": "1000",
    "Status Effective": "01/22/2026",
    "Project ID": "CAR98843",
    "Project Name": "Example Nitric Acid Plant",
    "Reduction/Removal": "Reduction",
    "Corresponding Adjustment": "No",
    "Account Holder": "Example Climate Services Inc.",
    "Retirement Reason": "On Behalf of Third Party",
    "Retirement Reason Details": f"Retirement on behalf of {ACME}",
    "": "",
}
CAR_SECOND = "CAR-1-US-98843-31-1100-TX-2025-10201-1001 to 2000"  # the next block, for a second row
ART = {
    "Vintage": "2023",
    "Credit Serial Numbers": "ART-GY-98844-2023-7-1 to 1000",
    "Quantity of Credits": "1000",
    "Status Effective": "03/02/2026",
    "Program ID": "ART98844",
    "Program Name": "Example Jurisdictional REDD+ Programme",
    "Crediting Program and Standard": "ART - The REDD+ Environmental Excellence Standard (TREES)",
    "Date Approved": "11/4/2025 2:41:09 PM",
    "Account Holder": "Example Forest Finance Ltd",
    "Retired on Behalf of": ACME,
    "Retirement Reason": "Contribution Towards Corporate Climate Pledge",
    "Purpose of Retirement": "FY2025",
    "": "",
}


def _csv(path: Path, template: dict[str, str], *rows: dict[str, str]) -> Path:
    """A CSV export of ``rows``, each overriding the template."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(template))
    for row in rows:
        values = {**template, **row}
        writer.writerow([values[column] for column in template])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _nodes(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [node for node in document["@graph"] if node.get("@type") == kind]


def _dates(run: Run) -> list[str]:
    return sorted(node["retirementDate"] for node in _nodes(run.json(), "OffsettingEvent"))


def _warnings(run: Run) -> list[str]:
    return [line for line in run.err.splitlines() if line.startswith("cn-import: warning: ")]


def _refused(run: Run, command: str, *words: str) -> str:
    """The one line a refusal prints (exit 2, no traceback, nothing written), holding every one of ``words``."""
    assert run.code == 2, run.err
    assert "Traceback" not in run.err and run.out == ""
    (line,) = run.err.strip().splitlines()
    assert line.startswith(f"{command}: error: ")
    for word in words:
        assert word in line, line
    return line


# ---- 1. APX exports re-saved day-first: the order is decided once per file ----


def test_an_acr_export_re_saved_day_first_is_read_day_first_throughout(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    # Before: line 2 (13/02) was dropped as "not a date" and line 3 (03/02) read as 2 March.
    path = _csv(
        tmp_path / "acr.csv",
        ACR,
        {"Status Effective (GMT)": "13/02/2026 10:15"},
        {"Status Effective (GMT)": "03/02/2026 10:15", "Credit Serial Numbers": "ACR-US-98842-2024-5101-1001 to 2000"},
    )
    run = cn_import("acr", path)
    assert run.code == 0, run.err
    assert _dates(run) == ["2026-02-03", "2026-02-13"]
    assert any("'13/02/2026 10:15' (Status Effective (GMT), line 2) can only be day-first" in w for w in _warnings(run))
    # The issuance year of a month-first Date Issued is still read.
    assert {c["issuanceYear"] for c in _nodes(run.json(), "CarbonCredit")} == {"2025"}


def test_a_car_export_re_saved_day_first_is_read_day_first_throughout(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    path = _csv(
        tmp_path / "car.csv",
        CAR,
        {"Status Effective": "22/01/2026"},
        {"Status Effective": "05/02/2026", "Offset Credit Serial Numbers": CAR_SECOND},
    )
    run = cn_import("car", path)
    assert run.code == 0, run.err
    assert _dates(run) == ["2026-01-22", "2026-02-05"]  # before: 2026-05-02, and line 2 dropped


def test_art_retirement_dates_follow_a_day_first_date_approved(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    # Every Status Effective could be either; Date Approved shows the re-save was day-first.
    path = _csv(tmp_path / "art.csv", ART, {"Date Approved": "14/11/2025 14:41"})
    run = cn_import("art-trees", path)
    assert run.code == 0, run.err
    assert _dates(run) == ["2026-02-03"]  # before: 2026-03-02
    assert [c.get("issuanceYear") for c in _nodes(run.json(), "CarbonCredit")] == ["2025"]


def test_an_apx_export_in_its_own_month_first_form_is_unchanged(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    run = cn_import("car", _csv(tmp_path / "car.csv", CAR, {"Status Effective": "03/02/2026"}))
    assert run.code == 0, run.err
    assert _dates(run) == ["2026-03-02"]
    assert not any("day-first" in w for w in _warnings(run))


def test_apx_retirement_dates_in_both_orders_are_refused(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    path = _csv(
        tmp_path / "car.csv",
        CAR,
        {"Status Effective": "22/01/2026"},
        {"Status Effective": "01/23/2026", "Offset Credit Serial Numbers": CAR_SECOND},
    )
    _refused(cn_import("car", path), "cn-import", "written in both orders", "'22/01/2026'", "'01/23/2026'")


def test_re_saved_apx_dates_that_could_be_either_are_refused(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    # A spreadsheet's 24-hour time (APX writes AM/PM) and nothing in the file to tell the order: as Verra refuses.
    # (Red team 48: another column's date that can only be one order decides it, as docs/import/acr.md says.)
    undecided = {
        "Status Effective (GMT)": "03/02/2026 10:15",
        "Date Issued (GMT)": "5/6/2025 15:02",
        "Vintage Assignment Period End Date": "1/12/2024",
    }
    path = _csv(tmp_path / "acr.csv", ACR, undecided)
    _refused(cn_import("acr", path), "cn-import", "'03/02/2026 10:15'", "could be day-first or month-first")
    decided = _csv(tmp_path / "decided.csv", ACR, {"Status Effective (GMT)": "03/02/2026 10:15"})
    run = cn_import("acr", decided)
    assert run.code == 0, run.err
    assert _dates(run) == ["2026-03-02"]  # 12/31/2024 and 5/14/2025 can only be month-first


# ---- 2. a retirement shared by several parties ----

SHARED = f"Retired on behalf of {ACME}, Beta Foods Ltd and Gamma Logistics AG (joint 2024 supplier programme)"


def test_a_shared_retirement_is_not_selected_for_one_of_its_parties(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    # Before: read as beneficiary "Acme Ceramics GmbH", so the whole 2000 t were selected for Acme.
    path = _csv(tmp_path / "joint.csv", VERRA, {"Retirement Beneficiary": "", "Retirement Details": SHARED})
    run = cn_import("verra", path, "--beneficiary", ACME)
    assert run.code != 0 and run.out == ""
    assert any(
        w.startswith("cn-import: warning: joint.csv:2: not selected: the beneficiary") and "lists 3 parties" in w
        for w in _warnings(run)
    ), run.err


def test_a_shared_retirement_is_not_merged_as_the_claimants(
    tmp_path: Path, cn_import: Callable[..., Run], cn_merge: Callable[..., Run]
) -> None:
    path = _csv(tmp_path / "joint.csv", VERRA, {"Retirement Beneficiary": "", "Retirement Details": SHARED})
    written = tmp_path / "joint.jsonld"
    run = cn_import("verra", path, "-o", written)
    assert run.code == 0, run.err
    assert any("joint.csv:2: the beneficiary" in w and "(a shared retirement)" in w for w in _warnings(run))
    (event,) = _nodes(json.loads(written.read_text(encoding="utf-8")), "OffsettingEvent")
    listed = f"{ACME}, Beta Foods Ltd and Gamma Logistics AG"
    assert f"beneficiary suggested by the registry's note: {listed!r}" in event["comment"]
    merged = cn_merge(CLAIM, written, "--for-claimant")
    _refused(merged, "cn-merge", "joint.csv:2", "a retirement shared by 3 parties")


@pytest.mark.parametrize(
    ("note", "name"),
    [
        ("on behalf of Example Holdings, Inc. for 2024", "Example Holdings, Inc."),
        ("on behalf of Example GmbH & Co. KG, for 2024", "Example GmbH & Co. KG"),
        ("Retired on behalf of Example Logistics AG, CY2025 Scope 1 and 2", "Example Logistics AG"),
        ("on behalf of Procter & Gamble Co., 2024", "Procter & Gamble Co."),
    ],
)
def test_one_name_with_a_comma_or_ampersand_stays_one_beneficiary(note: str, name: str) -> None:
    assert on_behalf_of(note) == name
    assert several_names(name) == []


# ---- 3. CORSIA and compliance uses in notes and purposes ----


def test_a_verra_corsia_use_named_in_the_details_is_left_out(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    corsia = {
        "Retirement Beneficiary": "Example Airways Ltd",
        "Retirement Reason": "Other",
        "Additional Certifications": "CORSIA - First Phase, 2024-2026 Scope",
        "Retirement Details": "Retired to meet Example Airways Ltd's CORSIA First Phase offsetting requirements 2024",
    }
    # A CORSIA-eligible block retired voluntarily is still an offsetting event.
    eligible = {
        "Serial Number": "20041-960002001-960004000-VCS-VCU-1600-VER-UG-3-98841-01012024-31122024-1",
        "Additional Certifications": "CORSIA - First Phase, 2024-2026 Scope",
        "Retirement Details": f"CORSIA-eligible units retired on behalf of {ACME}, in compliance with ISO 14068-1",
    }
    run = cn_import("verra", _csv(tmp_path / "v.csv", VERRA, corsia, eligible))
    assert run.code == 0, run.err
    assert [c["serialNumber"] for c in _nodes(run.json(), "CarbonCredit")] == [eligible["Serial Number"]]
    assert any(
        w.startswith("cn-import: warning: v.csv:2: not imported: Retirement Details")
        and "a CORSIA use (an aeroplane operator's obligation), not an offsetting event" in w
        for w in _warnings(run)
    ), run.err


def test_an_acr_corsia_obligation_in_the_purpose_is_left_out(tmp_path: Path) -> None:
    purpose = "Example Airways Ltd CORSIA First Phase offsetting obligation 2024"
    result = import_records("acr", _csv(tmp_path / "acr.csv", ACR, {"Purpose of Retirement": purpose}))
    assert result.events == ()
    (excluded,) = result.excluded
    assert excluded.startswith("acr.csv:2: not imported: Purpose of Retirement") and "a CORSIA use" in excluded


def test_an_isometric_retirement_partly_for_a_regulatory_requirement_is_left_out(tmp_path: Path) -> None:
    record = {
        "retirement_id": "ret_EXAMPLE0000000041", "retired_at": "2026-02-12T09:30:00.000000Z",
        "purposes": ["regulatory_requirement", "corporate_targets"], "notes": "",
        "beneficiary": {"id": "org_EXAMPLE41", "name": ACME},
        "credit_batch_size_total": {"credits": 13, "credit_kgs": 13000}, "sequestered_on": "2025-10-30",
    }  # fmt: skip
    voluntary = {**record, "retirement_id": "ret_EXAMPLE0000000042", "purposes": ["corporate_targets"]}
    result = import_records("isometric", _json(tmp_path / "iso.json", {"retirements": [record, voluntary]}))
    assert len(result.events) == 1
    (excluded,) = result.excluded
    assert excluded.startswith("iso.json:1: not imported: purposes 'regulatory_requirement, corporate_targets'")


# ---- 4. linear matching on a long cell ----

_OLD_SHARE = re.compile(
    r"\bshare\s+of\s+proceeds\b"
    r"|\barticle\s*6\b.*\b(?:share|loa|letter\s+of\s+authori[sz]ation|mandatory)\b"
    r"|\b(?:share|loa|letter\s+of\s+authori[sz]ation|mandatory)\b.*\barticle\s*6\b"
)
_OLD_NO_OWNER = re.compile(r"\W*no\s+owner\b(?:\W*$|.*\bcontribut)", re.IGNORECASE | re.DOTALL)


@pytest.mark.parametrize(
    "text",
    [
        "2% retirement as required under Project 98841 LoA for Article 6",
        "Mandatory share, Article-6 authorised",
        "share of proceeds",
        "Article 6 Authorized - NDC Use",
        "Retired on behalf of Example Logistics AG, shared with staff",
        "",
    ],
)
def test_article6_share_matching_is_unchanged_on_ordinary_text(text: str) -> None:
    words = " ".join(re.sub(r"[^\w%]+", " ", text.casefold()).split())
    assert article6_share(text) == bool(_OLD_SHARE.search(words))


@pytest.mark.parametrize(
    "text",
    [
        "No owner - contributing towards global emissions reductions",
        "No owner, contributing towards global emissions reductions",
        "No owner",
        " No owner. ",
        "No owner of record",
        "Example No owner Ltd",
    ],
)
def test_no_owner_matching_is_unchanged_on_ordinary_text(text: str) -> None:
    assert _no_owner(text) == bool(_OLD_NO_OWNER.match(text))


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("Retirement Details", "share " * 20000),
        ("Retirement Details", "Article 6 " * 12000),
        ("Retirement Beneficiary", "No owner " + "- " * 60000 + "x"),
    ],
)
def test_a_long_cell_is_read_in_reasonable_time(tmp_path: Path, column: str, cell: str) -> None:
    # Before: one 120 KB details cell took some 30 s. A smoke test, with a generous bound.
    path = _csv(tmp_path / "v.csv", VERRA, {column: cell})
    started = time.process_time()
    result = import_records("verra", path)
    assert time.process_time() - started < 5
    assert len(result.events) == 1


# ---- 5. PACT footprints superseding themselves or one another ----


def _footprint(ident: str, kg: str = "0.62", *, preceding: list[str] | None = None, **pcf: str) -> dict[str, Any]:
    footprint: dict[str, Any] = {
        "id": ident, "specVersion": "3.0.0", "status": "Active", "companyName": "Example Packaging GmbH",
        "productIds": ["urn:example:product:box-98845"], "productNameCompany": "Example Box",
        "pcf": {
            "declaredUnitOfMeasurement": "piece", "declaredUnitAmount": "1",
            "referencePeriodStart": "2024-01-01T00:00:00Z", "referencePeriodEnd": "2025-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": kg, "fossilGhgEmissions": kg, "crossSectoralStandards": ["ISO14067"],
            **pcf,
        },
    }  # fmt: skip
    if preceding is not None:
        footprint["precedingPfIds"] = preceding
    return footprint


A = "bbbbbbbb-0000-4000-8000-00000000000a"
C = "bbbbbbbb-0000-4000-8000-00000000000c"


def test_a_footprint_superseding_itself_is_refused(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    # Before: --replace removed the claim's footprint and linked none (exit 0, a claim without footprint).
    path = _json(tmp_path / "self.json", _footprint(A, preceding=[A]))
    args = ("--quantity", "120000", "--into", PRODUCT_CLAIM, "--replace", "ex:footprint-2024")
    _refused(cn_import("pact", path, *args), "cn-import", "self.json:1", f"{A!r} names itself in precedingPfIds")


def test_footprints_superseding_one_another_are_refused(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    path = _json(tmp_path / "cycle.json", [_footprint(A, preceding=[C]), _footprint(C, "0.31", preceding=[A])])
    args = ("--quantity", "120000", "--into", PRODUCT_CLAIM, "--replace", "ex:footprint-2024")
    _refused(cn_import("pact", path, *args), "cn-import", "in a cycle", f"{A} -> {C} -> {A}")


def test_footprints_of_two_files_superseding_one_another_are_refused_by_the_merge(
    tmp_path: Path, cn_import: Callable[..., Run], cn_merge: Callable[..., Run]
) -> None:
    written = []
    for ident, other in ((A, C), (C, A)):
        out = tmp_path / f"{ident[-1]}.jsonld"
        source = _json(tmp_path / f"{ident[-1]}.json", [_footprint(ident, preceding=[other])])
        assert cn_import("pact", source, "--quantity", "1000", "-o", out, "-q").code == 0
        written.append(out)
    run = cn_merge(PRODUCT_CLAIM, *written, "--replace", "ex:footprint-2024")
    _refused(run, "cn-merge", "every imported footprint is superseded by another")


# ---- 6. a negative PACT emission ----


def test_a_negative_pact_emission_is_kept_as_written_and_warned_about(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    # Before: fossilGhgEmissions -0.58 became an emission of +69.6 t, silently, beside a total of -64.8 t.
    footprint = _footprint(A, "-0.54", fossilGhgEmissions="-0.58", biogenicNonCO2Emissions="0.04")
    run = cn_import("pact", _json(tmp_path / "neg.json", footprint), "--quantity", "120000")
    assert run.code == 0, run.err
    assert any(
        w.startswith("cn-import: warning: neg.json:1: fossilGhgEmissions -0.58 is negative") for w in _warnings(run)
    )
    emissions = {n["@id"].rsplit(":", 1)[1]: Decimal(n["tonnesCO2e"]) for n in _nodes(run.json(), "GHGEmission")}
    assert emissions == {"fossilGhgEmissions": Decimal("-69.6"), "biogenicNonCO2Emissions": Decimal("4.8")}
    (footprint_node,) = _nodes(run.json(), "CarbonFootprint")
    assert sum(emissions.values()) == Decimal(footprint_node["tonnesCO2e"])


# ---- 7. ICR: the account owner and an unclaimed retirement's beneficiary ----


def _icr(**fields: Any) -> dict[str, Any]:
    record = {
        "id": "ret-ex-0041", "createdAt": "2025-02-20T11:05:00.000Z", "isClaimed": True, "reason": "Offsetting",
        "comment": "", "beneficiary": "", "organizationId": "org-ex-41",
        "organizationOwner": {"fullName": "Beta Foods Ltd", "id": "org-ex-41", "publicUrl": "https://example.org/"},
        "serialization": "ICR-ISL-12-98846-3-R-0-2024", "vintage": "2024", "amount": 7.25,
    }  # fmt: skip
    return {**record, **fields}


@pytest.mark.parametrize(
    "record",
    [_icr(), _icr(isClaimed=False, beneficiary="Beta Foods Ltd")],
    ids=["owner-without-beneficiary", "unclaimed-with-beneficiary"],
)
def test_an_icr_retirement_for_another_party_is_not_merged_as_the_claimants(
    tmp_path: Path, record: dict[str, Any], cn_import: Callable[..., Run], cn_merge: Callable[..., Run]
) -> None:
    # Before: the owner was never read and the unclaimed beneficiary dropped, so --for-claimant linked it to Acme.
    written = tmp_path / "icr.jsonld"
    assert cn_import("icr", _json(tmp_path / "icr.json", [record]), "-o", written).code == 0
    (event,) = _nodes(json.loads(written.read_text(encoding="utf-8")), "OffsettingEvent")
    assert "beneficiary the record suggests (not its beneficiary field): 'Beta Foods Ltd'" in event["comment"]
    run = cn_merge(CLAIM, written, "--for-claimant")
    _refused(run, "cn-merge", "icr.json:1", "is retired for 'Beta Foods Ltd'", "not for the claiming entity ex:acme")


def test_an_icr_retirement_owned_by_the_claimant_is_merged(
    tmp_path: Path, cn_import: Callable[..., Run], cn_merge: Callable[..., Run]
) -> None:
    record = _icr(organizationOwner={"fullName": ACME, "id": "org-ex-42"})
    written = tmp_path / "icr.jsonld"
    assert cn_import("icr", _json(tmp_path / "icr.json", [record]), "-o", written).code == 0
    run = cn_merge(CLAIM, written, "--for-claimant")
    assert run.code == 0, run.err
    linked = [e for e in _nodes(run.json(), "OffsettingEvent") if e.get("dcterms:source") == "icr.json:1"]
    assert [e["retiredOnBehalfOf"] for e in linked] == ["ex:acme"]


def test_an_unclaimed_icr_beneficiary_is_warned_about_and_never_selected(tmp_path: Path) -> None:
    path = _json(tmp_path / "icr.json", [_icr(isClaimed=False, beneficiary="Beta Foods Ltd")])
    result = import_records("icr", path)
    assert any(
        w.startswith("icr.json:1: isClaimed false, yet the record writes the beneficiary") for w in result.warnings
    )
    assert import_records("icr", path, beneficiary="Beta Foods Ltd").events == ()


# ---- extras: standard input, an unknown ICR envelope ----


def test_standard_input_is_refused_as_such(cn_import: Callable[..., Run]) -> None:
    # Before: "-: file not found".
    _refused(cn_import("verra", "-"), "cn-import", "standard input is not read here")


def test_an_icr_file_wrapped_under_an_unknown_name_is_refused_naming_it(
    tmp_path: Path, cn_import: Callable[..., Run]
) -> None:
    # Before: read as one record without a date, "no retirement or footprint to import".
    path = _json(tmp_path / "icr.json", {"results": [_icr(beneficiary=ACME)], "count": 1})
    for name in ("icr", "auto"):
        _refused(cn_import(name, path), "cn-import", "under 'results'", "'retirements'")
