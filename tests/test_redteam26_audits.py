"""Red-team round 26: false verdicts of the cross-claim audits (cn-validate --audits, run_audits, cn-query).

1. A claim whose subject is a blank node turned every continual-improvement audit off: CN-AUDIT-ID-03 says so.
2. An unreadable serial carrying an invisible format character (or an en dash, or full-width letters) in one claim
   only hid CN-AUDIT-DOUBLE-01: a serial compared whole is folded as every grammar folds it.
3. The same claim given twice (JSON-LD and its Turtle conversion, or one file reached twice) double counted its
   blank-node credits (CN-AUDIT-DOUBLE-01, CN-AUDIT-IMPROVE-01).
4. A plan revised between periods under one IRI had one input's actionOrder compared with another's
   (CN-AUDIT-HIER-01); orders are compared within each input, and CN-AUDIT-HIER-02 says the orders differ.
5. CN-AUDIT-DOUBLE-01 (same serial) and CN-AUDIT-ELEC-01 named no claim or event.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from comet_cn import overlap_spill, validate
from comet_cn.audits import audit_results, run_audits
from comet_cn.claim_checks import normalised_serial
from comet_cn.convert import claim_data, render
from comet_cn.queries import load_sources, query
from comet_cn.store import EndpointBackend, OxigraphBackend
from tests import test_store
from tests.conftest import EXAMPLES, Run

pytest.importorskip("pyoxigraph")

#: An Oxigraph server started for a test (tests/test_store.py).
oxigraph_server = test_store.oxigraph_server

FIXTURES = Path(__file__).parent / "fixtures" / "queries"
MULTI = EXAMPLES / "multi-period"
ACME = "https://example.org/acme/"
BACKENDS = ["rdflib", "oxigraph", "store"]


def _year(year: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((MULTI / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
    return document


def _node(document: dict[str, Any], iri: str) -> dict[str, Any]:
    return next(node for node in document["@graph"] if node.get("@id") == iri)


def _audits(sources: Any, backend: str, tmp_path: Path, **options: Any) -> list[Any]:
    if backend == "store":
        with OxigraphBackend(tmp_path / "store", clear=True) as store:
            return run_audits(sources, backend=store, **options)
    return run_audits(sources, backend=backend, **options)  # type: ignore[arg-type]


def _found(findings: list[Any]) -> list[tuple[str, str, str]]:
    return [(f.rule_id, f.severity, f.focus_node) for f in findings]


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _turtle(path: Path, target: Path) -> Path:
    """The claim converted to Turtle as cn-convert writes it: blank nodes are new ones."""
    text = render(claim_data(path), "turtle")
    target.write_text(text if isinstance(text, str) else text.decode("utf-8"), encoding="utf-8")
    return target


# --- 1. a blank subject --------------------------------------------------------------------------------------------


#: The subject written inline: a blank node in every input read.
INLINE = {"@type": "Organization", "label": "Acme Ceramics GmbH (whole organization)", "partOfOrganization": "ex:acme"}


def _blank_subject(year: str, subject: Any) -> dict[str, Any]:
    document = _year(year)
    _node(document, f"ex:claim-{year}")["hasSubject"] = subject
    return document


@pytest.mark.rule("CN-AUDIT-ID-03")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "subject",
    [INLINE, "_:acme"],
    ids=["inline", "blank-id"],
)
def test_a_blank_subject_is_reported_not_a_silent_pass(subject: Any, backend: str, tmp_path: Path) -> None:
    # With the IRI ex:acme the two periods give CN-AUDIT-IMPROVE-01 (offsetting rose); with a blank subject no
    # period has a prior one, and the set conformed.
    files = [_write(tmp_path / f"acme-{year}.jsonld", _blank_subject(year, subject)) for year in ("2022", "2023")]
    findings = _audits(files, backend, tmp_path)
    assert _found(findings) == [
        ("CN-AUDIT-ID-03", "Violation", ACME + "claim-2022"),
        ("CN-AUDIT-ID-03", "Violation", ACME + "claim-2023"),
    ]
    assert "is a blank node" in findings[0].message and "CN-AUDIT-IMPROVE-01" in findings[0].message
    assert "Give the subject an IRI" in findings[0].hint


@pytest.mark.rule("CN-AUDIT-ID-03")
@pytest.mark.parametrize("backend", BACKENDS)
def test_only_the_blank_subject_of_the_fixture_is_reported(backend: str, tmp_path: Path) -> None:
    # claim-same's blank subject is declared owl:sameAs ex:acme: reasoning names it so, and it is not reported.
    b = "https://example.org/fixture/blank/"
    assert _found(_audits(FIXTURES / "blank-subject.ttl", backend, tmp_path)) == [
        ("CN-AUDIT-ID-03", "Violation", b + "claim-blank")
    ]
    assert [row["claim"] for row in query("blank-subjects", FIXTURES / "blank-subject.ttl").to_dicts()] == [
        b + "claim-blank"
    ]


@pytest.mark.rule("CN-AUDIT-ID-03")
def test_a_blank_subject_fails_the_set_in_cn_validate(cli: Callable[..., Run], tmp_path: Path) -> None:
    for year in ("2022", "2023"):
        _write(tmp_path / f"acme-{year}.jsonld", _blank_subject(year, INLINE))
    assert cli(tmp_path).code == 0  # each claim alone conforms
    run = cli("--audits", "-f", "json", tmp_path)
    assert run.code == 1
    assert {r["rule"] for r in run.json()["results"] if r["severity"] == "Violation"} == {"CN-AUDIT-ID-03"}


# --- 2. an unreadable serial with an invisible character -----------------------------------------------------------


def _serials(tmp_path: Path, serial_2023: str, serial_2024: str) -> list[Path]:
    """The 2023 and 2024 claims, the biochar block (retired in both) written as given."""
    files = []
    for year, serial in (("2023", serial_2023), ("2024", serial_2024)):
        document = _year(year)
        _node(document, f"ex:credit-{year}-biochar")["serialNumber"] = serial
        files.append(_write(tmp_path / f"acme-{year}.jsonld", document))
    return files


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("serial_2023", "serial_2024"),
    [
        ("BIOCHAR LOT 2023/A", "BIOCHAR LOT\u200b 2023/A"),  # a zero-width space
        ("BIOCHAR LOT 2023/A", "BIOCHAR LOT 2023/A\u200b"),
        ("BIOCHAR LOT 2023/A", "\ufeffBIOCHAR LOT 2023/A"),  # a byte-order mark
        ("BIOCHAR LOT 2023/A", "BIOCHAR LO\u00adT 2023/A"),  # a soft hyphen
        ("BIOCHAR-LOT-2023-A", "BIOCHAR\u2013LOT\u20132023\u2013A"),  # en dashes
        ("BIOCHAR LOT 2023-A", "BIOCHAR LOT 2023\u2011A"),  # a non-breaking hyphen
        ("BIOCHARLOT2023A", "\uff22IOCHARLOT2023A"),  # a full-width letter
    ],
    ids=["zwsp", "zwsp-end", "bom", "soft-hyphen", "en-dash", "nb-hyphen", "full-width"],
)
def test_an_unreadable_serial_is_the_same_serial_whatever_invisible_or_typographic_character_it_carries(
    serial_2023: str, serial_2024: str, backend: str, tmp_path: Path
) -> None:
    findings = _audits(_serials(tmp_path, serial_2023, serial_2024), backend, tmp_path)
    double = [f for f in findings if f.rule_id == "CN-AUDIT-DOUBLE-01"]
    assert len(double) == 1, [f.message for f in findings]
    assert "retired in 2 offsetting event(s)" in double[0].message and "for 2 claim(s)" in double[0].message


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_the_double_counting_query_folds_invisible_characters_and_dashes_on_both_engines(tmp_path: Path) -> None:
    files = _serials(tmp_path, "BIOCHAR-LOT 2023/A", "BIOCHAR\u2013LOT\u200b 2023/A")
    expected = query("double-counting", files).to_dicts()
    assert [(r["serial"], r["claims"]) for r in expected if "BIOCHAR" in r["serial"]] == [("BIOCHAR-LOT2023/A", 2)]
    with OxigraphBackend() as store:
        assert query("double-counting", files, backend=store).to_dicts() == expected


def test_a_serial_compared_whole_is_folded_as_the_grammars_fold_it() -> None:
    assert (
        normalised_serial("exr\u200b-1 ")
        == normalised_serial("EXR\u20131")
        == normalised_serial("\uff25\uff38\uff32-1")
        == "EXR-1"
    )
    assert normalised_serial("Serial No.: EXR-1") != "EXR-1"  # a label is compared as written (docs/serials.md)


@pytest.mark.rule("CN-UNITS-01")
def test_one_claim_retiring_the_same_unreadable_serial_twice_is_still_found_in_the_claim() -> None:
    document = _year("2024")
    _node(document, "ex:credit-2024-cook")["serialNumber"] = "BIOCHAR LOT 2023/A"
    _node(document, "ex:credit-2024-biochar")["serialNumber"] = "BIOCHAR\u200b LOT 2023/A"
    assert "CN-UNITS-01" in {r.rule_id for r in validate(document).results}


# --- 3. the same claim given twice ----------------------------------------------------------------------------------


def _inline_credits(document: dict[str, Any]) -> dict[str, Any]:
    """The claim with its credit blocks written inline in the offsetting event (blank nodes, no @id)."""
    graph = document["@graph"]
    credits = {node["@id"]: node for node in graph if node.get("@type") == "CarbonCredit"}
    for node in graph:
        if node.get("@type") == "OffsettingEvent":
            node["retiresCredit"] = [{k: v for k, v in credits[c].items() if k != "@id"} for c in node["retiresCredit"]]
    document["@graph"] = [node for node in graph if node.get("@id") not in credits]
    return document


def _twice(tmp_path: Path, year: str = "2024") -> list[Path]:
    claim = _write(tmp_path / f"claim-{year}.jsonld", _inline_credits(_year(year)))
    return [claim, _turtle(claim, tmp_path / f"claim-{year}.ttl")]


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.rule("CN-AUDIT-IMPROVE-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_claim_given_as_json_ld_and_as_turtle_is_one_claim(backend: str, tmp_path: Path) -> None:
    # Its blank-node credits were three serials "on 2 credit block(s)", and its offsetting counted twice rose above
    # 2022's (CN-AUDIT-IMPROVE-01); with IRI credits there was nothing.
    assert _audits(_twice(tmp_path), backend, tmp_path) == []
    assert _audits([MULTI / "acme-2022.jsonld", *_twice(tmp_path)], backend, tmp_path) == []


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.rule("CN-AUDIT-IMPROVE-01")
def test_the_verdict_on_a_set_does_not_change_when_one_claim_is_given_twice(tmp_path: Path) -> None:
    once = [MULTI / "acme-2022.jsonld", MULTI / "acme-2023.jsonld", _twice(tmp_path)[0]]
    twice = [*once, _twice(tmp_path)[1]]
    findings = run_audits(once, backend="rdflib")
    assert {f.rule_id for f in findings} == {"CN-AUDIT-DOUBLE-01", "CN-AUDIT-IMPROVE-01"}  # the example's own

    def unplaced(found: list[Any]) -> list[Any]:
        # The findings themselves; which inputs hold their nodes (red team 73b) names the second copy too.
        return [replace(f, inputs=()) for f in found]

    assert unplaced(run_audits(twice, backend="rdflib")) == unplaced(findings)
    assert run_audits(twice, backend="rdflib") == run_audits(twice, backend="oxigraph")
    assert any(len(f.inputs) == 3 for f in run_audits(twice, backend="rdflib"))


_TWO_PERIODS = """
@prefix cn: <https://comet.carbon/ext/iso14068#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/fixture/twice/> .
ex:claim-2022 a cn:CarbonNeutralityClaim ; cn:hasSubject ex:acme ; cn:hasReportingPeriod ex:p2022 ;
    cn:hasOffsettingEvent ex:e2022 .
ex:p2022 cn:reportingPeriodStart "2022-01-01"^^xsd:date .
ex:e2022 cn:retiresCredit ex:c2022 . ex:c2022 cn:serialNumber "S-2022" ; cn:tonnesCO2e 10 .
ex:claim-2023 a cn:CarbonNeutralityClaim ; cn:hasSubject ex:acme ; cn:hasReportingPeriod ex:p2023 ;
    cn:hasOffsettingEvent ex:e2023 .
ex:p2023 cn:reportingPeriodStart "2023-01-01"^^xsd:date .
ex:e2023 cn:retiresCredit [ %s cn:tonnesCO2e 6 ] , [ %s cn:tonnesCO2e 6 ] .
"""


@pytest.mark.rule("CN-AUDIT-IMPROVE-01")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("first", "second"),
    [("", ""), ('cn:serialNumber "S-A" ;', 'cn:serialNumber "S-B" ;')],
    ids=["without-serials", "two-serials"],
)
def test_two_blank_credits_of_one_input_still_both_count(first: str, second: str, backend: str, tmp_path: Path) -> None:
    # 6 + 6 t in 2023 after 10 t in 2022: offsetting rose. Two different blocks, not one given twice.
    found = _audits(_TWO_PERIODS % (first, second), backend, tmp_path)
    assert [(f.rule_id, f.value) for f in found] == [("CN-AUDIT-IMPROVE-01", "12")]


@pytest.mark.rule("CN-UNITS-01")
def test_a_serial_retired_twice_under_one_event_of_one_input_is_the_claims_finding() -> None:
    document = _inline_credits(_year("2024"))
    event = _node(document, "ex:retirement-2025-03")
    event["retiresCredit"].append(dict(event["retiresCredit"][0]))
    assert "CN-UNITS-01" in {r.rule_id for r in validate(document).results}


def _blank_claim(tmp_path: Path) -> Path:
    """A Turtle claim whose claim node is blank: each reading of the file gives its blank nodes new labels, so the file
    read twice was two claims retiring each serial (CN-AUDIT-DOUBLE-01)."""
    document = _year("2024")
    del _node(document, "ex:claim-2024")["@id"]
    folder = tmp_path / "claims"
    folder.mkdir()
    written = _write(tmp_path / "claim.jsonld", document)
    return _turtle(written, folder / "claim.ttl")


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_file_reached_twice_is_read_once(backend: str, tmp_path: Path) -> None:
    claim = _blank_claim(tmp_path)
    (claim.parent / "link.ttl").symlink_to(claim.name)
    for sources in ([claim.parent, claim], [claim, claim], [claim.parent], [claim, Path(os.path.relpath(claim))]):
        assert _audits(sources, backend, tmp_path) == [], sources
    text = claim.read_text(encoding="utf-8")
    assert _audits([text, text], backend, tmp_path) == []  # the same claim text twice


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_cn_validate_audits_reads_a_file_named_twice_once(cli: Callable[..., Run], tmp_path: Path) -> None:
    claim = _blank_claim(tmp_path)
    run = cli("--audits", "-f", "json", claim.parent, claim)
    assert run.code == 0 and run.json()["conforms"] is True


# --- 4. a plan revised between periods ------------------------------------------------------------------------------


def _revised(tmp_path: Path, orders_2022: dict[str, int]) -> list[Path]:
    """2022 as given (its orders changed to ``orders_2022``), and 2024 with the same plan IRI renumbered in tens."""
    files = []
    for year, orders in (
        ("2022", orders_2022),
        ("2024", {"heat-pumps": 10, "green-electricity": 20, "woodland": 30, "offset": 40}),
    ):
        document = _year(year)
        for action, order in orders.items():
            _node(document, f"ex:action-{action}")["actionOrder"] = order
        files.append(_write(tmp_path / f"acme-{year}.jsonld", document))
    return files


@pytest.mark.rule("CN-AUDIT-HIER-01")
@pytest.mark.rule("CN-AUDIT-HIER-02")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_plan_renumbered_between_periods_is_no_ordering_violation(backend: str, tmp_path: Path) -> None:
    # 2022's offsetting (4) was paired with 2024's reductions (10, 20, 30): three false CN-AUDIT-HIER-01.
    findings = _audits(_revised(tmp_path, {}), backend, tmp_path)
    assert _found(findings) == [
        ("CN-AUDIT-HIER-02", "Warning", ACME + f"action-{action}")
        for action in ("green-electricity", "heat-pumps", "offset", "woodland")
    ]
    offset = findings[2]
    assert "is given 2 different actionOrder values across the inputs (from 4 to 40)" in offset.message
    assert ACME + "plan" in offset.message


@pytest.mark.rule("CN-AUDIT-HIER-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_plan_revised_with_a_new_action_pairs_no_order_of_one_input_with_another(
    backend: str, tmp_path: Path
) -> None:
    # 2024 renumbers in tens and adds a reduction at 25: 2022's offsetting (4) is not before it, as 2022 has none.
    files = _revised(tmp_path, {})
    document = json.loads(files[1].read_text(encoding="utf-8"))
    _node(document, "ex:plan")["hasAction"].append("ex:action-solar")
    solar = {"@id": "ex:action-solar", "@type": "PlanAction", "label": "Solar panels on the kiln hall"}
    document["@graph"].append({**solar, "hierarchyStep": "Reduce_Inside_Boundary", "actionOrder": 25})
    _write(files[1], document)
    assert "CN-AUDIT-HIER-01" not in {f.rule_id for f in _audits(files, backend, tmp_path)}


@pytest.mark.rule("CN-AUDIT-HIER-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_one_input_ordering_offsetting_first_is_still_found(backend: str, tmp_path: Path) -> None:
    # 2022 orders offsetting first (1) and its reductions after it; 2024 is in order. The 2022 pairs are found.
    files = _revised(tmp_path, {"offset": 1, "heat-pumps": 2, "green-electricity": 3, "woodland": 4})
    hierarchy = [f for f in _audits(files, backend, tmp_path) if f.rule_id == "CN-AUDIT-HIER-01"]
    assert [(f.focus_node, f.value) for f in hierarchy] == [(ACME + "plan", ACME + "action-offset")] * 3
    assert sorted(f.message.rsplit(" before ", 1)[1] for f in hierarchy) == [
        ACME + f"action-{action}." for action in ("green-electricity", "heat-pumps", "woodland")
    ]


@pytest.mark.rule("CN-AUDIT-HIER-01")
@pytest.mark.rule("CN-AUDIT-HIER-02")
@pytest.mark.parametrize("backend", BACKENDS)
def test_the_action_orders_fixture(backend: str, tmp_path: Path) -> None:
    o = "https://example.org/fixture/orders/"
    found = _found(_audits(FIXTURES / "action-orders.ttl", backend, tmp_path))
    assert found == [
        ("CN-AUDIT-HIER-01", "Violation", o + "plan-early"),
        ("CN-AUDIT-HIER-01", "Violation", o + "plan-redated"),  # planned for 2024 by one input, before 2025
        ("CN-AUDIT-HIER-02", "Warning", o + "revised-offset"),
        ("CN-AUDIT-HIER-02", "Warning", o + "revised-reduce"),
    ]
    assert _found(_audits(FIXTURES / "plan-revised", backend, tmp_path)) == [
        ("CN-AUDIT-HIER-02", "Warning", f"https://example.org/fixture/revised/{action}")
        for action in ("enhance", "offset", "reduce")
    ]


@pytest.mark.rule("CN-AUDIT-HIER-01")
def test_over_a_merged_graph_the_smallest_orders_are_compared(tmp_path: Path) -> None:
    # Which input gave which order is not in a merged graph (a store loaded elsewhere, cn-query): the smallest orders
    # are compared, which invents nothing for a plan each input orders well, and finds one input ordering
    # offsetting before all it reduces.
    files = _revised(tmp_path, {})
    assert {f.rule_id for f in audit_results(load_sources(files))} == {"CN-AUDIT-HIER-02"}
    assert query("hierarchy-audit", files).rows == ()
    early = _revised(tmp_path, {"offset": 1, "heat-pumps": 2, "green-electricity": 3, "woodland": 4})
    assert len(query("hierarchy-audit", early).rows) == 3
    with OxigraphBackend() as store:
        assert len(query("hierarchy-audit", early, backend=store).rows) == 3


@pytest.mark.rule("CN-AUDIT-HIER-02")
def test_a_renumbered_plan_is_a_warning_in_cn_validate(cli: Callable[..., Run], tmp_path: Path) -> None:
    _revised(tmp_path, {})
    run = cli("--audits", "-f", "json", tmp_path)
    assert run.code == 0
    assert {(r["rule"], r["severity"]) for r in run.json()["results"]} == {("CN-AUDIT-HIER-02", "Warning")}


# --- 5. findings name their claims and events -----------------------------------------------------------------------


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_serial_retired_twice_names_its_claims_and_events(backend: str, tmp_path: Path) -> None:
    [double] = [f for f in _audits(MULTI, backend, tmp_path) if f.rule_id == "CN-AUDIT-DOUBLE-01"]
    assert double.focus_node == "EXR-2023-BIOC-000001-002000"
    assert (
        f"retired in 2 offsetting event(s) ({ACME}retirement-2024-03, {ACME}retirement-2025-03), for 2 claim(s) "
        f"({ACME}claim-2023, {ACME}claim-2024) and 1 entity(ies)" in double.message
    )


_FIVE_CLAIMS = "\n".join(
    f"ex:claim-{n} a cn:CarbonNeutralityClaim ; cn:claimedBy ex:acme ; cn:hasOffsettingEvent ex:event-{n} . "
    f'ex:event-{n} cn:retiresCredit [ cn:serialNumber "S-1" ] .'
    for n in range(5)
)


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("limit", [None, 1])
def test_a_finding_names_the_first_claims_and_counts_the_rest(
    limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if limit is not None:
        monkeypatch.setattr(overlap_spill, "IN_MEMORY", limit)  # grouped on disk
    text = "@prefix cn: <https://comet.carbon/ext/iso14068#> . @prefix ex: <https://example.org/five/> .\n"
    [double] = run_audits(text + _FIVE_CLAIMS, backend="rdflib")
    e = "https://example.org/five/"
    assert (
        f"retired in 5 offsetting event(s) ({e}event-0, {e}event-1, {e}event-2 and 2 more), for 5 claim(s) "
        f"({e}claim-0, {e}claim-1, {e}claim-2 and 2 more)" in double.message
    )


@pytest.mark.rule("CN-AUDIT-ELEC-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_instrument_claimed_twice_names_its_claims(backend: str, tmp_path: Path) -> None:
    i = "https://example.org/fixture/identity/"
    [elec] = [f for f in _audits(FIXTURES / "claim-identity.ttl", backend, tmp_path) if f.rule_id == "CN-AUDIT-ELEC-01"]
    assert elec.focus_node == i + "go-shared"
    assert f"used by the footprints of 2 claim(s) ({i}claim-acme, {i}claim-beta)" in elec.message


# --- every backend, an endpoint too ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_endpoint_gives_the_findings_of_rdflib(oxigraph_server: str, tmp_path: Path) -> None:
    sets: list[Any] = [
        [_write(tmp_path / f"blank-{year}.jsonld", _blank_subject(year, INLINE)) for year in ("2022", "2023")],
        _serials(tmp_path, "BIOCHAR LOT 2023/A", "\uff22IOCHAR LOT\u200b 2023/A"),
        [MULTI / "acme-2022.jsonld", MULTI / "acme-2023.jsonld", *_twice(tmp_path)],
        _revised(tmp_path, {"offset": 1, "heat-pumps": 2, "green-electricity": 3, "woodland": 4}),
        [FIXTURES / "claim-identity.ttl", FIXTURES / "action-orders.ttl", FIXTURES / "blank-subject.ttl"],
    ]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for sources in sets:
        # The audits do not empty an endpoint's store: each set is loaded into an empty default graph.
        opener.open(urllib.request.Request(oxigraph_server + "/store?default", method="DELETE"), timeout=10).close()
        expected = run_audits(sources, backend="rdflib")
        assert expected, sources
        endpoint = EndpointBackend(oxigraph_server + "/query", store_url=oxigraph_server + "/store")
        with endpoint:
            assert run_audits(sources, backend=endpoint) == expected, sources
