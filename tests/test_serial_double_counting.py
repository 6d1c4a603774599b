"""One credit block written twice must not count twice (§11.1, §11.3 g): however its serial is spelt.

A red team found the same units counted twice, with at most a warning, when the second copy's serial was written
without zero padding, with underscores, or (Verra) with a zero-padded block id; and two claims of one file both
counting one retirement. Claims are the conforming example changed here; every serial is made up.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

import comet_cn
from comet_cn import RuleParameters, ValidationReport, overlap_spill
from comet_cn.audits import run_audits
from comet_cn.claim_checks import UNITS_KEY, add_units_keys
from comet_cn.results import Severity
from comet_cn.serials import parse_serial, units_key
from tests.conftest import ENGINES, EXAMPLES, own_documents

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = RuleParameters(as_of=date(2026, 12, 1))
EX = "https://example.org/acme/"

WIND = "EXR-2022-WIND-000001-006000"  # the conforming example's wind credit, 6000 t
VERRA = "31207-400000001-400006000-VCS-VCU-1234-VER-KE-14-47101-01012022-31122022-0"
VERRA_TAIL = "VCS-VCU-1234-VER-KE-14-47101-01012022-31122022-0"
ACR = "ACR-US-98803-2022-3101-1-6000"
GOLD = "GS1-1-KE-GS47102-16-2022-51007-1-6000"
CAR = "CAR-1-US-98804-31-1100-TX-2022-10101-1-6000"

# (serial of ex:credit-wind, serial of a second 6000 t block): the same units spelt differently.
SAME_UNITS = {
    "unpadded": (WIND, "EXR-2022-WIND-1-6000"),
    "underscores": (WIND, "EXR_2022_WIND_000001_006000"),
    "underscores-unpadded": (WIND, "exr_2022_wind_1_6000"),
    "padding-of-two-widths": (WIND, "EXR-2022-WIND-00001-6000"),
    "verra-block-id-zero-padded": (VERRA, f"031207-400000001-400006000-{VERRA_TAIL}"),
    "verra-overlap-block-id-zero-padded": (VERRA, f"031207-400005001-400011000-{VERRA_TAIL}"),
    "verra-project-id-zero-padded": (VERRA, VERRA.replace("-47101-", "-047101-")),
    # Red team 9: one other separator throughout (a registry PDF, a spreadsheet's own formatting).
    "slashes": (WIND, "EXR/2022/WIND/000001/006000"),
    "spaces": (WIND, "EXR 2022 WIND 000001 006000"),
    "dots": (WIND, "exr.2022.wind.000001.006000"),
    # Red team 11: an invisible zero-width space copied along; a range written with "to"; unpadded numbers that
    # fall inside a batch another credit names readably (compared with that batch's ranges only).
    "zero-width-space": (WIND, "EXR-2022-WIND-000001-006000\u200b"),
    "zero-width-joiner-inside": (WIND, "EXR-2022-\u200dWIND-000001-006000"),
    "to-form": (WIND, "EXR-2022-WIND-000001 to 006000"),
    "unpadded-partial-overlap": (WIND, "EXR-2022-WIND-5001-7000"),
    "unpadded-inside": (WIND, "EXR-2022-WIND-1001-5500"),
    "label-prefix": (WIND, "Serial EXR-2022-WIND-000001-006000"),
    # Red team 37: separators mixed before the range (a PDF copy).
    "spaces-then-hyphen": (WIND, "EXR 2022 WIND 000001-006000"),
    "colon-then-hyphen": (WIND, "EXR-2022-WIND: 000001-006000"),
    # Red team 45: a registry's project or batch number copied with a leading zero (from a certificate, by hand).
    "acr-batch-zero-padded": (ACR, "ACR-US-98803-2022-03101-1 to 6,000"),
    "acr-overlap-batch-zero-padded": (ACR, "ACR-US-98803-2022-03101-5001-11000"),
    "gold-standard-batch-zero-padded": (GOLD, GOLD.replace("-51007-", "-051007-")),
    "car-project-zero-padded": (CAR, CAR.replace("-98804-", "-098804-")),
}

# Genuinely different units: no CN-UNITS-01, the claim still conforms.
DIFFERENT_UNITS = {
    "acr-other-batch-zero-padded": (ACR, "ACR-US-98803-2022-03102-1-6000"),
    "acr-adjacent-batch-zero-padded": (ACR, "ACR-US-98803-2022-03101-6001-12000"),
    "adjacent-padded": (WIND, "EXR-2022-WIND-006001-012000"),
    "adjacent-unpadded": (WIND, "EXR-2022-WIND-6001-12000"),
    "other-vintage-unpadded": (WIND, "EXR-2023-WIND-1-6000"),
    "other-project-underscores": (WIND, "EXR_2022_SOLAR_000001_006000"),
    "other-registry-same-numbers": (WIND, "GS1-1-KE-GS47102-16-2022-51007-1-6000"),
    "acr-with-underscores-is-not-generic": (WIND, "ACR_CA_47104_2022_2210_1_6000"),
    "verra-other-block": (VERRA, f"31208-400006001-400012000-{VERRA_TAIL}"),
    "verra-adjacent": (VERRA, f"031207-400006001-400012000-{VERRA_TAIL}"),
    "slashes-adjacent": (WIND, "EXR/2022/WIND/006001/012000"),
    "acr-with-slashes-is-not-generic": (WIND, "ACR/CA/47104/2022/2210/1/6000"),
    "to-form-adjacent": (WIND, "EXR-2022-WIND-006001 to 012000"),
    "unpadded-other-batch": (WIND, "EXR-2022-SOLAR-1001-5500"),
    "spaces-then-hyphen-adjacent": (WIND, "EXR 2022 WIND 006001-012000"),
}


def _nodes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in document["@graph"]}


def with_second_block(first: str, second: str, *, footprint: str | None = None) -> dict[str, Any]:
    """The conforming claim with ex:credit-wind serialled ``first`` and a copy of it, ``second``, retired too."""
    document = copy.deepcopy(BASE)
    nodes = _nodes(document)
    nodes["ex:credit-wind"]["serialNumber"] = first
    copy_ = dict(nodes["ex:credit-wind"], **{"@id": "ex:credit-wind-b", "serialNumber": second})
    parsed = parse_serial(second)
    copy_["tonnesCO2e"] = f"{parsed.units}.0" if parsed is not None else "6000.0"
    document["@graph"].append(copy_)
    nodes["ex:retirement-2025-03"]["retiresCredit"].append("ex:credit-wind-b")
    if footprint is not None:
        nodes["ex:footprint-2024"]["tonnesCO2e"] = footprint
    return document


def check(document: Any, engine: str) -> ValidationReport:
    report = comet_cn.validate(document, parameters=AS_OF, shacl_engine=engine)  # type: ignore[arg-type]
    assert report.shacl_engine == {"pyshacl": "pyshacl", "turbo": "pyshacl-turbo"}[engine]
    return report


def violations(report: ValidationReport) -> set[str]:
    return {r.rule_id for r in report.results if r.severity == Severity.VIOLATION}


def test_the_base_claim_conforms() -> None:
    assert check(copy.deepcopy(BASE), "pyshacl").conforms


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", list(SAME_UNITS))
def test_the_same_units_spelt_differently_fail_cn_units_01(case: str, engine: str) -> None:
    report = check(with_second_block(*SAME_UNITS[case]), engine)
    assert not report.conforms
    assert violations(report) == {"CN-UNITS-01"}
    (finding,) = [r for r in report.results if r.rule_id == "CN-UNITS-01"]
    assert finding.focus_node == EX + "credit-wind-b"


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", ["unpadded", "underscores", "verra-block-id-zero-padded"])
def test_a_duplicate_needed_to_cover_the_footprint_still_fails(case: str, engine: str) -> None:
    # 12500 t retired without the copy, 18500 t with it: the copy would decide the balance.
    report = check(with_second_block(*SAME_UNITS[case], footprint="18450.0"), engine)
    assert not report.conforms
    assert "CN-UNITS-01" in violations(report)


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ["pyshacl", "turbo"])
@pytest.mark.parametrize("case", ["unpadded", "verra-block-id-zero-padded", "slashes", "spaces"])
def test_a_duplicate_spelt_differently_does_not_cover_the_footprint(case: str, engine: str) -> None:
    report = check(with_second_block(*SAME_UNITS[case], footprint="18450.0"), engine)
    assert "CN-BAL-01" in violations(report)


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", list(DIFFERENT_UNITS))
def test_genuinely_different_serials_still_conform(case: str, engine: str) -> None:
    report = check(with_second_block(*DIFFERENT_UNITS[case]), engine)
    assert report.conforms, [r.message for r in report.results]
    assert "CN-UNITS-01" not in report.rule_ids


# ---- red team 11: one Verra project's units under two block keys ----


def with_stated_block(block: str, first: int, last: int, serial: str) -> dict[str, Any]:
    """The conforming claim with ex:credit-wind serialled VERRA (units 400000001-400006000 of project 47101) and a
    second block whose range is stated (as cn-import writes a CAD Trust record)."""
    document = with_second_block(VERRA, VERRA)
    nodes = _nodes(document)
    nodes["ex:credit-wind-b"].update(serialNumber=serial, issuanceBlock=block, firstUnit=str(first), lastUnit=str(last))
    nodes["ex:credit-wind-b"]["tonnesCO2e"] = f"{last - first + 1}.0"
    return document


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("block", "first", "last", "serial"),
    [
        # CAD Trust's record of the same Verra units: its key names the project, not the Verra block.
        ("CAD-TRUST:VCS47101-2022", 400000001, 400006000, "VCS47101-2022-400000001-400006000"),
        ("CAD-TRUST:VCS47101-2022", 400005001, 400007000, "VCS47101-2022-400005001-400007000"),
        # Red team 47: the mirror's id spelt otherwise (a dash, VCU, no vintage, the bare project number).
        ("CAD-TRUST:VCS-47101-2022", 400000001, 400006000, "VCS-47101-2022-400000001-400006000"),
        ("CAD-TRUST:VCU-47101", 400000001, 400006000, "VCU-47101-400000001-400006000"),
        ("CAD-TRUST:47101-2022", 400000001, 400006000, "47101-2022-400000001-400006000"),
    ],
)
def test_a_verra_projects_units_under_another_block_key_fail(
    block: str, first: int, last: int, serial: str, engine: str
) -> None:
    report = check(with_stated_block(block, first, last, serial), engine)
    assert not report.conforms
    assert violations(report) == {"CN-UNITS-01"}
    (finding,) = [r for r in report.results if r.rule_id == "CN-UNITS-01"]
    assert "of Verra project 47101" in finding.message


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize(
    ("block", "first", "last"),
    [
        ("CAD-TRUST:VCS47101-2022", 400006001, 400008000),  # adjacent units of the project
        ("CAD-TRUST:VCS47102-2022", 400000001, 400006000),  # another project
        ("CAD-TRUST:GS47101-2022", 400000001, 400006000),  # another registry's project
        # Two Verra blocks of the project with the same numbers: never compared across Verra block keys, since a
        # block's own numbering (APX-era serials start at 1) may repeat another's.
        (f"31299-{VERRA_TAIL}", 400000001, 400006000),
    ],
)
def test_other_units_of_a_verra_project_conform(block: str, first: int, last: int) -> None:
    serial = f"{block[10:]}-{first}-{last}" if block.startswith("CAD") else f"31299-{first}-{last}-{VERRA_TAIL}"
    report = check(with_stated_block(block, first, last, serial), "pyshacl")
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.parametrize("spilled", [False, True])
def test_the_audit_finds_a_verra_projects_units_retired_by_two_claims(
    spilled: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if spilled:
        monkeypatch.setattr(overlap_spill, "IN_MEMORY", 1)
    # Two files: the first retires the Verra block, the second (every node its own) CAD Trust's record of part of it.
    first = copy.deepcopy(BASE)
    _nodes(first)["ex:credit-wind"]["serialNumber"] = VERRA
    second = with_stated_block("CAD-TRUST:VCS47101-2022", 400005001, 400007000, "VCS47101-2022-400005001-400007000")
    _nodes(second)["ex:retirement-2025-03"]["retiresCredit"].remove("ex:credit-wind")
    paths = []
    for name, text in (("first", json.dumps(first)), ("second", json.dumps(second).replace('"ex:', '"ex:second-'))):
        path = tmp_path / f"{name}.jsonld"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    findings = [f.message for f in run_audits(paths) if f.rule_id == "CN-AUDIT-DOUBLE-01"]
    # (The two files share the other credits too, each a finding of its own.)
    assert any("units 400005001-400006000 are retired" in message for message in findings), findings


# ---- two claims of one input ----


def with_second_claim(*, own_event: bool, second_serials: tuple[str, str, str] | None = None) -> dict[str, Any]:
    """The conforming claim plus a second claim for another subject, using its event or one of its own."""
    document = copy.deepcopy(BASE)
    nodes = _nodes(document)
    claim = dict(nodes["ex:claim-2024"], **{"@id": "ex:claim-2024-logistics", "hasSubject": "ex:acme-logistics"})
    document["@graph"].append(claim)
    own_documents(document, claim, "-logistics")
    # A division of the entity (partOfOrganization), so the second claim's subject is the entity's to claim for.
    logistics = {"@id": "ex:acme-logistics", "@type": "Organization", "label": "Acme Logistics"}
    document["@graph"].append(dict(logistics, partOfOrganization="ex:acme"))
    if own_event:
        event = dict(nodes["ex:retirement-2025-03"], **{"@id": "ex:retirement-2025-03-logistics"})
        credits = []
        for old, serial in zip(event["retiresCredit"], second_serials or (), strict=True):
            credit = dict(nodes[old], **{"@id": old + "-logistics", "serialNumber": serial})
            document["@graph"].append(credit)
            credits.append(credit["@id"])
        event["retiresCredit"] = credits
        document["@graph"].append(event)
        claim["hasOffsettingEvent"] = event["@id"]
    return document


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_two_claims_of_one_input_sharing_a_retirement_fail(engine: str) -> None:
    report = check(with_second_claim(own_event=False), engine)
    assert not report.conforms
    assert violations(report) == {"CN-UNITS-01"}
    focus = {r.focus_node for r in report.results if r.rule_id == "CN-UNITS-01"}
    assert focus == {EX + "credit-wind", EX + "credit-cookstoves", EX + "credit-biochar"}


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_two_claims_of_one_input_retiring_the_same_units_in_other_blocks_fail(engine: str) -> None:
    # Own event and credit nodes, but the wind block's units again (unpadded): still used twice.
    serials = ("EXR-2022-WIND-1-6000", "EXR-2021-COOK-004501-009000", "EXR-2023-BIOC-002001-004000")
    report = check(with_second_claim(own_event=True, second_serials=serials), engine)
    assert not report.conforms
    assert violations(report) == {"CN-UNITS-01"}
    (finding,) = [r for r in report.results if r.rule_id == "CN-UNITS-01"]
    assert "claim-2024-logistics" in finding.message


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_two_claims_of_one_input_with_their_own_credits_conform(engine: str) -> None:
    serials = ("EXR-2022-WIND-006001-012000", "EXR-2021-COOK-004501-009000", "EXR-2023-BIOC-002001-004000")
    report = check(with_second_claim(own_event=True, second_serials=serials), engine)
    assert report.conforms, [r.message for r in report.results]


# ---- the units key the balance counts by ----


@pytest.mark.parametrize("case", list(SAME_UNITS)[:5])
def test_the_same_units_get_one_units_key(case: str) -> None:
    first, second = SAME_UNITS[case]
    assert units_key(parse_serial(first), first) == units_key(parse_serial(second), second)


@pytest.mark.parametrize("case", list(DIFFERENT_UNITS))
def test_different_units_get_different_units_keys(case: str) -> None:
    first, second = DIFFERENT_UNITS[case]
    assert units_key(parse_serial(first), first) != units_key(parse_serial(second), second)


def test_units_keys_replace_any_the_input_states() -> None:
    cn = "https://comet.carbon/ext/iso14068#"
    graph = Graph()
    event = URIRef(EX + "event")
    serials = {"a": WIND, "b": "EXR_2022_WIND_1_6000", "c": "ICR-KEN-3-47109-1-A-0-2023", "d": None}
    for name, serial in serials.items():
        credit = URIRef(EX + name)
        graph.add((event, URIRef(cn + "retiresCredit"), credit))
        if serial is not None:
            graph.add((credit, URIRef(cn + "serialNumber"), Literal(serial)))
    graph.add((URIRef(EX + "b"), UNITS_KEY, Literal("planted to count twice")))
    add_units_keys(graph)
    keys = {name: [str(k) for k in graph.objects(URIRef(EX + name), UNITS_KEY)] for name in serials}
    assert keys["a"] == keys["b"] == ["EXR-2022-WIND 1 6000"]
    # An ICR serialization keys by its class (and quantity, where stated: two retirements of one class are two
    # blocks); a block without a serial gets no key, and the balance keys it by node.
    assert keys["c"] == ["ICR-KEN-3-47109-1-A-0-2023"] and keys["d"] == []
