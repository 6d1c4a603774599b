"""Audit queries: answers known by construction (fixtures and examples), negative cases, a second engine (Oxigraph),
bindings, sources, formats, the query catalogue and cn-query."""

from __future__ import annotations

import json
import os
import shutil
import sys
import types
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

import comet_cn
from comet_cn.docgen import queries_markdown
from comet_cn.errors import InputError
from comet_cn.queries import (
    QUERY_FORMATS,
    QueryResult,
    format_result,
    format_value,
    list_queries,
    load_sources,
    parse_binding,
    query,
    query_info,
    run_query,
)
from comet_cn.reasoning import reason
from tests.conftest import EXAMPLES, ROOT, run_script

FIXTURES = Path(__file__).parent / "fixtures" / "queries"
MULTI = EXAMPLES / "multi-period"
SINGLE = EXAMPLES / "conforming-claim.jsonld"
VIOLATIONS = EXAMPLES / "violations"
ACME = "https://example.org/acme/"
CN = "https://comet.carbon/ext/iso14068#"


def fx(name: str) -> str:
    """An IRI of a fixture file (each fixture has its own namespace)."""
    return f"https://example.org/fixture/{name}"


@cache
def graph_of(source: Path) -> Graph:
    return load_sources(source)


def rows(name: str, source: Path, **bindings: Any) -> list[dict[str, Any]]:
    return run_query(query_info(name), graph_of(source), **bindings).to_dicts()


def column(name: str, source: Path, key: str) -> list[Any]:
    return [row[key] for row in rows(name, source)]


# --- the catalogue -------------------------------------------------------------------------------------------------


def test_every_query_file_is_listed_with_question_clause_and_columns() -> None:
    on_disk = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    infos = list_queries()
    assert [i.name for i in infos] == on_disk
    assert set(on_disk) >= {
        "hierarchy-audit",
        "continual-improvement",
        "neutrality-balance",
        "double-counting",
        "pathway-progress",
        "credit-portfolio",
        "retirement-timing",
        "untraceable-credits",
        "verification-status",
    }
    for info in infos:
        assert info.title and info.title != info.name, info.name
        assert info.question.endswith("?"), info.name
        assert info.clause.startswith(("ISO 14068-1:2023 §", "ISO 14068-1:2023 Annex")), info.name
        assert info.columns and all(name and kind and meaning for name, kind, meaning in info.columns), info.name
        assert len({c[0] for c in info.columns}) == len(info.columns), info.name


@pytest.mark.parametrize("name", [i.name for i in list_queries()])
def test_header_columns_are_the_result_columns(name: str) -> None:
    info = query_info(name)
    assert run_query(info, graph_of(SINGLE)).columns == tuple(c[0] for c in info.columns)


def test_queries_page_is_generated_from_the_files() -> None:
    page = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert page == queries_markdown(), "regenerate: python -m comet_cn.docgen queries > docs/queries.md"
    for info in list_queries():
        assert f"## {info.name}" in page and info.question in page


# --- hierarchy-audit -----------------------------------------------------------------------------------------------

HIER = FIXTURES / "hierarchy.ttl"
BEFORE = "offsetting ordered before a reduction or removal enhancement"
NO_REDUCTION = "offsetting with no reduction action in the plan"


def test_hierarchy_audit_finds_offsetting_first_by_order_or_date_and_offsetting_without_reduction() -> None:
    h = fx("hierarchy/")
    assert [(r["plan"], r["action"], r["before"], r["reason"]) for r in rows("hierarchy-audit", HIER)] == [
        (h + "plan-dates", h + "dates-offset", h + "dates-reduce", BEFORE),
        (h + "plan-no-reduction", h + "noreduction-offset", None, NO_REDUCTION),
        (h + "plan-order", h + "order-offset", h + "order-reduce", BEFORE),
        (h + "plan-order", h + "order-offset", h + "order-remove", BEFORE),
    ]


def test_hierarchy_audit_negative_cases() -> None:
    # In the fixture: in order, ties, order beating date, date fallback, no offsetting: none of those plans listed.
    listed = set(column("hierarchy-audit", HIER, "plan"))
    for plan in ("plan-ok", "plan-tie", "plan-order-wins", "plan-fallback", "plan-no-offset"):
        assert fx("hierarchy/" + plan) not in listed
    assert rows("hierarchy-audit", SINGLE) == [] and rows("hierarchy-audit", MULTI) == []


@pytest.mark.parametrize(
    ("example", "reason"),
    [
        ("cn-hier-02-offset-before-reduction.jsonld", BEFORE),
        ("cn-hier-02-offset-dated-before-reduction.jsonld", BEFORE),
        ("cn-hier-03-offset-without-reduction.jsonld", NO_REDUCTION),
    ],
)
def test_hierarchy_audit_agrees_with_the_hierarchy_shapes(example: str, reason: str) -> None:
    found = rows("hierarchy-audit", VIOLATIONS / example)
    assert found and {r["reason"] for r in found} == {reason}
    violated = {r.rule_id for r in comet_cn.validate(VIOLATIONS / example).results if r.severity == "Violation"}
    assert violated & {"CN-HIER-02", "CN-HIER-03"}


# --- continual-improvement -----------------------------------------------------------------------------------------

CONTINUAL = FIXTURES / "continual.ttl"


def test_continual_improvement_on_the_multi_period_example() -> None:
    found = rows("continual-improvement", MULTI)
    assert [r["period"] for r in found] == [ACME + "period-2022", ACME + "period-2023", ACME + "period-2024"]
    assert [r["offset"] for r in found] == [Decimal("14200"), Decimal("16000"), Decimal("12500")]
    assert [r["offset_increased"] for r in found] == [False, True, False]
    assert [r["share_increased"] for r in found] == [False, True, False]
    assert [r["prior_period"] for r in found] == [None, ACME + "period-2022", ACME + "period-2023"]
    assert [r["footprint_change"] for r in found] == [None, Decimal("-600"), Decimal("-1150")]
    assert [r["share"] for r in found] == [Decimal("1"), Decimal("1.1765"), Decimal("1.004")]
    assert [r["residual_only"] for r in found] == [False, False, False]


def test_continual_improvement_per_subject_over_shared_period_nodes() -> None:
    c = fx("continual/")
    found = {(r["subject"], r["period"]): r for r in rows("continual-improvement", CONTINUAL)}
    assert list(found) == [
        (c + "gadget", c + "p2022"),
        (c + "gadget", c + "p2024"),
        (c + "plant", c + "p2023"),
        (c + "widget", c + "p2021"),
        (c + "widget", c + "p2022"),
        (c + "widget", c + "p2023"),
        (c + "widget", c + "p2024"),
    ]
    # widget 2022: credit c3 is retired twice but counts once; footprint and offset rise.
    rise = found[(c + "widget", c + "p2022")]
    assert (rise["offset"], rise["prior_offset"], rise["offset_increased"]) == (Decimal("120"), Decimal("100"), True)
    assert (rise["share"], rise["share_increased"], rise["footprint_change"]) == (Decimal("1"), False, Decimal("20"))
    # gadget 2024: the prior period is gadget's own 2022 (widget's figures for that node are not mixed in).
    gadget = found[(c + "gadget", c + "p2024")]
    assert (gadget["prior_period"], gadget["prior_offset"]) == (c + "p2022", Decimal("50"))
    assert (gadget["offset_increased"], gadget["share"], gadget["share_increased"]) == (False, Decimal("1.125"), True)
    # widget 2024: residual-only reached in 2023 and lost again.
    lost = found[(c + "widget", c + "p2024")]
    assert (lost["residual_only"], lost["prior_residual_only"], lost["share"]) == (False, True, Decimal("0.6316"))


def test_continual_improvement_negative_cases() -> None:
    c = fx("continual/")
    plant = rows("continual-improvement", CONTINUAL, subject=c + "plant")
    assert plant == [
        {
            "subject": c + "plant",
            "period": c + "p2023",
            "start": date(2023, 1, 1),
            "footprint": None,
            "offset": Decimal("0"),
            "share": None,
            "prior_period": None,
            "prior_offset": None,
            "prior_share": None,
            "offset_increased": False,
            "share_increased": False,
            "footprint_change": None,
            "residual_only": None,
            "prior_residual_only": None,
        }
    ]
    single = rows("continual-improvement", SINGLE)
    assert len(single) == 1 and single[0]["prior_period"] is None and single[0]["offset_increased"] is False


# --- neutrality-balance --------------------------------------------------------------------------------------------


def test_neutrality_balance_by_construction() -> None:
    b = fx("balance/")
    assert [tuple(r.values()) for r in rows("neutrality-balance", FIXTURES / "balance.ttl")] == [
        (b + "b1", Decimal("100"), Decimal("50"), Decimal("5"), Decimal("2"), Decimal("100"), Decimal("0"), True),
        (b + "b2", Decimal("100.5"), 0, 0, 0, Decimal("100"), Decimal("0.5"), False),
        (b + "b3", None, 0, 0, 0, 0, None, None),
    ]


def test_neutrality_balance_on_the_examples() -> None:
    found = {r["claim"]: r for r in rows("neutrality-balance", MULTI)}
    assert [found[ACME + f"claim-{y}"]["net"] for y in (2022, 2023, 2024)] == [0, Decimal("-2400"), Decimal("-50")]
    assert all(r["neutral"] is True for r in found.values())
    assert found[ACME + "claim-2024"]["reversals"] == Decimal("150")
    short = rows("neutrality-balance", VIOLATIONS / "cn-bal-01-credits-short.jsonld")
    assert [(r["net"], r["neutral"]) for r in short] == [(Decimal("1.0"), False)]


# --- double-counting -----------------------------------------------------------------------------------------------


def test_double_counting_by_construction() -> None:
    assert [tuple(r.values()) for r in rows("double-counting", FIXTURES / "double-counting.ttl")] == [
        ("S-1", 2, 2, 2, 2),  # two blocks, events and claims; the second entity from claimedBy
        ("S-2", 1, 1, 1, 2),  # " s-2" and "S-2": one serial on two blocks of one event
        ("S-4", 1, 2, 1, 1),  # one event used by two claims
    ]


def test_double_counting_across_claims_and_negative_cases() -> None:
    assert rows("double-counting", MULTI) == [
        {"serial": "EXR-2023-BIOC-000001-002000", "events": 2, "claims": 2, "entities": 1, "blocks": 2}
    ]
    assert rows("double-counting", SINGLE) == []
    # One claim of the set alone reuses nothing.
    assert rows("double-counting", MULTI / "acme-2023.jsonld") == []


# --- pathway-progress ----------------------------------------------------------------------------------------------


def test_pathway_progress_compares_with_the_targets_ahead() -> None:
    p = fx("pathway/")
    found = rows("pathway-progress", FIXTURES / "pathway.ttl")
    assert [(r["target"], r["kind"], r["target_year"], r["years_left"], r["gap"], r["next"]) for r in found] == [
        (p + "t2030", "short-term", 2030, 2, Decimal("15.5"), True),
        (p + "pathway", "residual-only", 2040, 12, None, False),
        (p + "t2045", "long-term", 2045, 17, Decimal("75.5"), False),
    ]
    assert {(r["period"], r["period_year"], r["footprint"]) for r in found} == {
        (p + "period-2028", 2028, Decimal("85.5"))
    }


def test_pathway_progress_negative_cases() -> None:
    # 2050 is past every target, the 2027 target is past for 2028, and "twenty" is not a year: no rows for them.
    found = rows("pathway-progress", FIXTURES / "pathway.ttl")
    assert fx("pathway/period-2050") not in {r["period"] for r in found}
    assert not {fx("pathway/t2027"), fx("pathway/t-bad")} & {r["target"] for r in found}
    assert rows("pathway-progress", FIXTURES / "balance.ttl") == []


def test_pathway_progress_on_the_single_claim() -> None:
    found = rows("pathway-progress", SINGLE)
    assert [(r["kind"], r["target_year"], r["years_left"], r["next"]) for r in found] == [
        ("short-term", 2030, 6, True),
        ("residual-only", 2040, 16, False),
        ("long-term", 2045, 21, False),
    ]
    assert found[0]["gap"] == Decimal("5450")


# --- credit-portfolio ----------------------------------------------------------------------------------------------


def test_credit_portfolio_by_construction() -> None:
    p = fx("portfolio/")
    assert [tuple(r.values()) for r in rows("credit-portfolio", FIXTURES / "portfolio.ttl")] == [
        (CN + "AvoidanceCredit", None, None, p + "registry", None, 1, Decimal("7")),
        (CN + "RemovalCredit", "2022", p + "programme", p + "registry", True, 2, Decimal("25.5")),
    ]


def test_credit_portfolio_on_the_examples_and_negative_case() -> None:
    found = rows("credit-portfolio", SINGLE)
    assert len(found) == 3 and sum(r["tonnes"] for r in found) == Decimal("12500")
    assert {r["adjusted"] for r in found} == {True, False}
    assert rows("credit-portfolio", FIXTURES / "pathway.ttl") == []  # no credits, no groups


# --- retirement-timing ---------------------------------------------------------------------------------------------


def test_retirement_timing_by_construction() -> None:
    r = fx("retirement/")
    found = rows("retirement-timing", FIXTURES / "retirement.ttl")
    assert [(x["event"], x["period"], x["deadline"], x["late"]) for x in found] == [
        (r + "leap-late", r + "leap-period", date(2025, 2, 28), True),
        (r + "leap-on-time", r + "leap-period", date(2025, 2, 28), False),
        (r + "march-late", r + "march-period", date(2025, 3, 31), True),
        (r + "from-claim", r + "year-period", date(2024, 12, 31), False),  # the claim's period
    ]
    assert {x["window"] for x in found} == {12}
    # The window is the user's (a binding, cn-query --bind windowParameter=6), never the data's: the fixture's own
    # cnsh:parameters statement of 6 months is dropped when it is loaded, so one input cannot set it for all.
    stated = rows("retirement-timing", FIXTURES / "retirement-window.ttl")
    assert {(x["window"], x["late"]) for x in stated} == {(12, False)}
    window = rows(
        "retirement-timing", FIXTURES / "retirement-window.ttl", windowParameter=Literal(6, datatype=XSD.integer)
    )
    assert [(x["window"], x["deadline"], x["late"]) for x in window] == [
        (6, date(2025, 2, 28), True),
        (6, date(2025, 2, 28), False),
    ]


def test_retirement_timing_negative_case() -> None:
    assert [r["late"] for r in rows("retirement-timing", MULTI)] == [False, False, False]


@pytest.mark.parametrize(
    "source",
    [
        FIXTURES / "retirement.ttl",
        FIXTURES / "retirement-window.ttl",
        VIOLATIONS / "cn-ret-01-late-retirement.jsonld",
        SINGLE,
    ],
    ids=lambda p: p.name,
)
def test_late_retirements_are_exactly_those_cn_ret_01_reports(source: Path) -> None:
    late = {r["event"] for r in rows("retirement-timing", source) if r["late"]}
    reported = {
        r.focus_node
        for r in comet_cn.validate(source).results
        if r.rule_id == "CN-RET-01" and "later than" in r.message
    }
    assert late == reported


# --- untraceable-credits -------------------------------------------------------------------------------------------


def test_untraceable_credits_by_construction() -> None:
    u = fx("untraceable/")
    found = rows("untraceable-credits", FIXTURES / "untraceable.ttl")
    assert [(r["event"], r["credit"], r["tonnes"], r["missing"]) for r in found] == [
        (u + "u1", u + "v2", Decimal("20"), "serial number"),
        (u + "u1", u + "v3", Decimal("30"), "serial number"),  # white space only
        (u + "u2", u + "v4", Decimal("40"), "registry"),
        (u + "u2", u + "v5", Decimal("50"), "registry"),
        (u + "u2", u + "v5", Decimal("50"), "serial number"),
    ]
    assert {r["claim"] for r in found} == {u + "claim"}


def test_untraceable_credits_negative_case_and_example() -> None:
    assert rows("untraceable-credits", SINGLE) == [] and rows("untraceable-credits", MULTI) == []
    found = rows("untraceable-credits", VIOLATIONS / "cn-reg-01-no-serial-number.jsonld")
    assert [r["missing"] for r in found] == ["serial number"]


# --- verification-status -------------------------------------------------------------------------------------------


def test_verification_status_by_construction() -> None:
    v = fx("verification/")
    found = rows("verification-status", FIXTURES / "verification.ttl")
    assert [(r["claim"], r["opinion"], r["iso_14064_3"], r["in_report"]) for r in found] == [
        (v + "claim-a", None, False, False),  # no opinion at all
        (v + "claim-b", v + "opinion-b", True, False),  # a recognised equivalent, missing from the report
        (v + "claim-c", v + "opinion-c", False, True),  # another standard
    ]
    assert found[1]["date"] == date(2024, 4, 30) and found[2]["date"] is None


def test_verification_status_on_the_examples() -> None:
    assert [(r["iso_14064_3"], r["in_report"]) for r in rows("verification-status", SINGLE)] == [(True, True)]
    other = rows("verification-status", VIOLATIONS / "cn-claim-06-not-iso-14064-3.jsonld")
    assert [(r["iso_14064_3"], r["in_report"]) for r in other] == [(False, True)]
    missing = rows("verification-status", VIOLATIONS / "cn-report-01-no-verification-opinion.jsonld")
    assert [r["in_report"] for r in missing] == [False]


# --- a second engine -----------------------------------------------------------------------------------------------

PARITY_SOURCES = [
    MULTI,
    SINGLE,
    *sorted(FIXTURES.glob("*.ttl")),
    FIXTURES / "subject-aliases",  # several inputs: the one query whose rows only a set of inputs can give
    FIXTURES / "plan-revised",  # several inputs keeping one plan IRI: action-orders and hierarchy-audit rows
    VIOLATIONS / "cn-hier-02-offset-before-reduction.jsonld",
    VIOLATIONS / "cn-hier-03-offset-without-reduction.jsonld",
    VIOLATIONS / "cn-ret-01-late-retirement.jsonld",
    VIOLATIONS / "cn-reg-01-no-serial-number.jsonld",
    VIOLATIONS / "cn-bal-01-credits-short.jsonld",
]


def _normalise(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (Decimal, float, int)):
        return Decimal(str(value)).quantize(Decimal("0.000001"))
    return value


def _relabel(table: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    labels: dict[Any, str] = {}
    return [
        tuple(labels.setdefault(v, f"_:{len(labels)}") if isinstance(v, str) and v.startswith("_:") else v for v in row)
        for row in table
    ]


def _oxigraph_rows(text: str, graph: Graph, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt").encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    table = []
    for solution in store.query(text):
        row: list[Any] = []
        for name in columns:
            term = solution[name]
            if term is None:
                row.append(None)
            elif isinstance(term, pyoxigraph.Literal):
                value = Literal(term.value, datatype=URIRef(term.datatype.value)).toPython()
                row.append(_normalise(term.value if isinstance(value, Literal) else value))
            elif isinstance(term, pyoxigraph.BlankNode):
                row.append(f"_:{term.value}")
            else:
                row.append(term.value)
        table.append(tuple(row))
    return _relabel(table)


@pytest.mark.parametrize("name", [i.name for i in list_queries()])
@pytest.mark.parametrize("source", PARITY_SOURCES, ids=lambda p: p.name)
def test_oxigraph_returns_the_same_rows(name: str, source: Path) -> None:
    info = query_info(name)
    ours = run_query(info, graph_of(source))
    expected = _relabel([tuple(_normalise(v) for v in row) for row in ours.rows])
    assert _oxigraph_rows(info.text, graph_of(source), ours.columns) == expected


# Cases the MINUS rewrites (of FILTER NOT EXISTS, which Oxigraph evaluated in quadratic time) must keep: several
# claims per period, two periods with one start, a period with two starts, another subject's period in between, a
# plan whose only other action is a removal enhancement, a plan with two offsetting actions and no reduction.
_EDGES = """
@prefix cn: <https://comet.carbon/ext/iso14068#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://example.org/edges/> .
:a1 cn:hasSubject :s ; cn:hasReportingPeriod :p1 .   :a2 cn:hasSubject :s ; cn:hasReportingPeriod :p1 .
:b1 cn:hasSubject :s ; cn:hasReportingPeriod :p2a .  :b2 cn:hasSubject :s ; cn:hasReportingPeriod :p2b .
:c1 cn:hasSubject :s ; cn:hasReportingPeriod :p3 .   :d1 cn:hasSubject :s ; cn:hasReportingPeriod :p4 .
:t1 cn:hasSubject :t ; cn:hasReportingPeriod :q .
:p1 cn:reportingPeriodStart "2020-01-01"^^xsd:date .  :p2a cn:reportingPeriodStart "2021-01-01"^^xsd:date .
:p2b cn:reportingPeriodStart "2021-01-01"^^xsd:date . :p3 cn:reportingPeriodStart "2022-01-01"^^xsd:date .
:p4 cn:reportingPeriodStart "2019-06-01"^^xsd:date , "2023-01-01"^^xsd:date .
:q cn:reportingPeriodStart "2021-06-01"^^xsd:date .
:plan-enhance cn:hasAction :e-offset , :e-enhance .
:e-offset cn:hierarchyStep cn:Offset_Outside_Boundary . :e-enhance cn:hierarchyStep cn:Enhance_Removal_Inside_Boundary .
:plan-two cn:hasAction :two-a , :two-b . :two-a cn:hierarchyStep cn:Offset_Outside_Boundary .
:two-b cn:hierarchyStep cn:Offset_Outside_Boundary .
:plan-ok cn:hasAction :ok-offset , :ok-reduce . :ok-offset cn:hierarchyStep cn:Offset_Outside_Boundary .
:ok-reduce cn:hierarchyStep cn:Reduce_Inside_Boundary .
"""


def test_prior_periods_and_plans_without_reduction_on_edge_cases() -> None:
    e = "https://example.org/edges/"
    graph = Graph().parse(data=_EDGES, format="turtle")
    found = run_query(query_info("continual-improvement"), graph)
    priors = [(r["subject"], r["period"], str(r["start"]), r["prior_period"]) for r in found.to_dicts()]
    assert priors == [
        (e + "s", e + "p4", "2019-06-01", e + "p3"),  # p4's later start has p3 just before it
        (e + "s", e + "p1", "2020-01-01", e + "p4"),
        (e + "s", e + "p2a", "2021-01-01", e + "p1"),
        (e + "s", e + "p2b", "2021-01-01", e + "p1"),
        (e + "s", e + "p3", "2022-01-01", e + "p2a"),  # t's period q (2021-06) is not between: another subject
        (e + "s", e + "p3", "2022-01-01", e + "p2b"),
        (e + "s", e + "p4", "2023-01-01", e + "p3"),
        (e + "t", e + "q", "2021-06-01", None),
    ]
    hierarchy = run_query(query_info("hierarchy-audit"), graph)
    assert [(r["plan"], r["action"], r["reason"]) for r in hierarchy.to_dicts()] == [
        (e + "plan-enhance", e + "e-offset", NO_REDUCTION),
        (e + "plan-two", e + "two-a", NO_REDUCTION),
        (e + "plan-two", e + "two-b", NO_REDUCTION),
    ]
    for result in (found, hierarchy):
        expected = _relabel([tuple(_normalise(v) for v in row) for row in result.rows])
        assert _oxigraph_rows(query_info(result.name).text, graph, result.columns) == expected


def test_the_parity_data_exercises_every_query() -> None:
    for info in list_queries():
        assert any(run_query(info, graph_of(s)).rows for s in PARITY_SOURCES), info.name


# --- sources, reasoning and bindings -------------------------------------------------------------------------------


def test_claims_are_loaded_and_reasoned_as_in_validation() -> None:
    ours = load_sources(SINGLE)
    validation = reason(comet_cn.load(SINGLE), "owlrl").graph
    ground = {t for t in validation if not any(isinstance(x, BNode) for x in t)}
    assert ground == {t for t in ours if not any(isinstance(x, BNode) for x in t)}
    assert len(ours) == len(validation)


def test_query_accepts_many_kinds_of_source(tmp_path: Path) -> None:
    document = json.loads(SINGLE.read_text(encoding="utf-8"))
    graph = comet_cn.load(SINGLE)
    # A str is claim text, never a file name (a file is a pathlib.Path).
    for source in (SINGLE, SINGLE.read_text(encoding="utf-8"), document, graph, [SINGLE], (SINGLE,)):
        assert len(query("neutrality-balance", source).rows) == 1
    # A directory of mixed Turtle and JSON-LD claims, nested, and an iterable of files and directories.
    shutil.copy(FIXTURES / "double-counting.ttl", tmp_path / "a.ttl")
    (tmp_path / "nested").mkdir()
    shutil.copy(MULTI / "acme-2023.jsonld", tmp_path / "nested" / "b.jsonld")
    (tmp_path / "notes.txt").write_text("not a claim")
    assert len(query("double-counting", tmp_path).rows) == 3
    assert len(query("neutrality-balance", [tmp_path, MULTI / "acme-2022.jsonld"]).rows) == 5


def test_bad_sources_and_modes_are_reported(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no claim files"):
        query("double-counting", tmp_path)
    with pytest.raises(InputError, match="file not found"):
        query("double-counting", tmp_path / "absent.jsonld")
    with pytest.raises(ValueError, match="reasoning mode"):
        query("double-counting", SINGLE, reasoning="hermit")


def test_reasoning_modes_give_the_same_audit_rows_on_typed_claims() -> None:
    expected = query("double-counting", MULTI).rows
    assert query("double-counting", MULTI, reasoning="none").rows == expected
    assert query("double-counting", MULTI, reasoning="rdfs").rows == expected


def test_bindings_restrict_pattern_and_computed_columns() -> None:
    c = fx("continual/")
    assert [r["period"] for r in rows("continual-improvement", CONTINUAL, subject=c + "gadget")] == [
        c + "p2022",
        c + "p2024",
    ]
    # Computed columns (BIND, aggregates), which initial bindings alone leave unrestricted in rdflib.
    assert [(r["subject"], r["period"]) for r in rows("continual-improvement", CONTINUAL, offset_increased=True)] == [
        (c + "widget", c + "p2022")
    ]
    assert [r["claim"] for r in rows("neutrality-balance", FIXTURES / "balance.ttl", neutral=False)] == [
        fx("balance/b2")
    ]
    assert [r["serial"] for r in rows("double-counting", FIXTURES / "double-counting.ttl", events=2)] == ["S-1"]
    # Python values become typed literals: Decimal, int, date, str.
    assert len(rows("continual-improvement", CONTINUAL, footprint=Decimal("120.0"))) == 1
    assert len(rows("continual-improvement", CONTINUAL, start=date(2022, 1, 1))) == 2
    assert len(rows("pathway-progress", FIXTURES / "pathway.ttl", years_left=12)) == 1
    assert len(rows("double-counting", FIXTURES / "double-counting.ttl", serial="S-2")) == 1
    assert rows("double-counting", FIXTURES / "double-counting.ttl", serial="https://example.org/S-2") == []
    # Through the public entry point too.
    assert len(query("continual-improvement", MULTI, period=ACME + "period-2023").rows) == 1


def test_command_line_binding_values_are_typed() -> None:
    assert [parse_binding(t) for t in ("true", "false", "2", "-3", "12.50", "2024-02-29", "2024-02-30", "S-1")] == [
        True,
        False,
        2,
        -3,
        Decimal("12.50"),
        date(2024, 2, 29),
        "2024-02-30",
        "S-1",
    ]
    assert parse_binding("https://example.org/acme/acme") == "https://example.org/acme/acme"
    # Every xsd:decimal form is a decimal: "45." and ".5" were strings, and matched no number.
    assert [parse_binding(t) for t in ("45.", ".5", "-.5", "a.5")] == [
        Decimal("45"),
        Decimal("0.5"),
        Decimal("-0.5"),
        "a.5",
    ]
    c = fx("continual/")
    typed = {k: parse_binding(v) for k, v in {"offset_increased": "true", "start": "2022-01-01"}.items()}
    assert [r["period"] for r in rows("continual-improvement", CONTINUAL, **typed)] == [c + "p2022"]
    assert [r["subject"] for r in rows("continual-improvement", CONTINUAL, **typed)] == [c + "widget"]


def test_a_binding_must_name_a_variable_of_the_query() -> None:
    with pytest.raises(InputError, match="no variable"):
        rows("double-counting", MULTI, nonsense=1)


# --- custom query files --------------------------------------------------------------------------------------------


def test_custom_query_files(tmp_path: Path) -> None:
    custom = tmp_path / "claims.rq"
    custom.write_text(
        "PREFIX cn: <https://comet.carbon/ext/iso14068#>\n"
        "SELECT ?claim WHERE { ?claim a cn:CarbonNeutralityClaim } ORDER BY ?claim\n",
        encoding="utf-8",
    )
    result = query(custom, MULTI)
    assert result.name == "claims" and result.columns == ("claim",) and len(result.rows) == 3
    assert query(str(custom), MULTI) == result
    with pytest.raises(InputError, match="cannot read the query file"):
        query(tmp_path / "absent.rq", MULTI)
    with pytest.raises(InputError, match="no such query"):
        query("no-such-query", MULTI)
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT WHERE {", encoding="utf-8")
    with pytest.raises(InputError, match="not valid SPARQL"):
        query(broken, MULTI)
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    with pytest.raises(InputError, match="only SELECT"):
        query(ask, MULTI)


def test_blank_nodes_get_stable_labels(tmp_path: Path) -> None:
    claim = tmp_path / "blank.ttl"
    claim.write_text(
        "@prefix cn: <https://comet.carbon/ext/iso14068#> .\n"
        "[] a cn:CarbonNeutralityClaim . [] a cn:CarbonNeutralityClaim .\n",
        encoding="utf-8",
    )
    text = tmp_path / "q.rq"
    text.write_text(
        "PREFIX cn: <https://comet.carbon/ext/iso14068#>\n"
        "SELECT ?claim ?again WHERE { ?claim a cn:CarbonNeutralityClaim BIND (?claim AS ?again) }\n",
        encoding="utf-8",
    )
    assert sorted(query(text, claim).rows) == [("_:b0", "_:b0"), ("_:b1", "_:b1")]


# --- results and formats -------------------------------------------------------------------------------------------

DEMO = QueryResult(
    name="demo",
    columns=("serial", "tonnes", "adjusted", "date", "note"),
    rows=(
        ("S-1", Decimal("14200.0"), True, date(2024, 1, 31), None),
        ("S-2", Decimal("0.50"), False, None, 'a, "quoted" note'),
    ),
)


def test_to_dicts_keeps_column_order_and_types() -> None:
    assert DEMO.to_dicts() == [
        {"serial": "S-1", "tonnes": Decimal("14200.0"), "adjusted": True, "date": date(2024, 1, 31), "note": None},
        {"serial": "S-2", "tonnes": Decimal("0.50"), "adjusted": False, "date": None, "note": 'a, "quoted" note'},
    ]
    assert list(DEMO.to_dicts()[0]) == list(DEMO.columns)


def test_table_format() -> None:
    assert format_result(DEMO, "table") == (
        "serial  tonnes  adjusted  date        note\n"
        "------  ------  --------  ----------  ----------------\n"
        "S-1     14200   true      2024-01-31\n"
        'S-2     0.5     false                 a, "quoted" note\n'
        "(2 rows)\n"
    )
    empty = QueryResult(name="none", columns=("serial",), rows=())
    assert format_result(empty, "table") == "serial\n------\n(0 rows)\n"


def test_csv_format() -> None:
    assert format_result(DEMO, "csv") == (
        'serial,tonnes,adjusted,date,note\nS-1,14200,true,2024-01-31,\nS-2,0.5,false,,"a, ""quoted"" note"\n'
    )


def test_json_format() -> None:
    text = format_result(DEMO, "json")
    assert json.loads(text) == {
        "query": "demo",
        "columns": ["serial", "tonnes", "adjusted", "date", "note"],
        "rows": [
            {"serial": "S-1", "tonnes": "14200", "adjusted": True, "date": "2024-01-31", "note": None},
            {"serial": "S-2", "tonnes": "0.5", "adjusted": False, "date": None, "note": 'a, "quoted" note'},
        ],
    }
    assert text.endswith("}\n")


def test_formats_are_deterministic_and_checked() -> None:
    first = query("continual-improvement", MULTI)
    second = query("continual-improvement", MULTI)
    for fmt in QUERY_FORMATS:
        assert format_result(first, fmt) == format_result(second, fmt)
    with pytest.raises(ValueError, match="unknown format"):
        format_result(DEMO, "xml")
    assert format_value(Decimal("1.42E+4")) == "14200" and format_value(None) == ""


def test_to_dataframe_with_pandas() -> None:
    pandas = pytest.importorskip("pandas")
    frame = query("double-counting", MULTI).to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["serial", "events", "claims", "entities", "blocks"] and len(frame) == 1


def test_to_dataframe_hands_pandas_the_rows_and_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, Any]] = []

    class StubPandas(types.ModuleType):
        def DataFrame(self, data: Any, columns: Any) -> str:
            calls.append((data, columns))
            return "frame"

    monkeypatch.setitem(sys.modules, "pandas", StubPandas("pandas"))
    assert DEMO.to_dataframe() == "frame"
    assert calls == [(DEMO.to_dicts(), list(DEMO.columns))]


def test_to_dataframe_without_pandas_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pandas"):
        DEMO.to_dataframe()


# --- cn-query ------------------------------------------------------------------------------------------------------


def test_cn_query_command_line(tmp_path: Path) -> None:
    listed = run_script("cn-query", "--list")
    assert listed.code == 0
    assert [line.split("\t")[0] for line in listed.out.splitlines()] == [i.name for i in list_queries()]
    run = run_script("cn-query", "double-counting", MULTI, "-f", "csv")
    assert run.code == 0 and run.out == format_result(query("double-counting", MULTI), "csv")
    custom = tmp_path / "claims.rq"
    custom.write_text(
        "PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>\n"
        "SELECT ?claim WHERE { ?claim a comet-cn:CarbonNeutralityClaim } ORDER BY ?claim\n"
    )
    assert run_script("cn-query", custom, MULTI).out.count("claim-20") == 3
    unknown = run_script("cn-query", "no-such-query", MULTI)
    assert unknown.code == 2 and "no such query" in unknown.err and "Traceback" not in unknown.err
    missing = run_script("cn-query", "double-counting", tmp_path / "absent.jsonld")
    assert missing.code == 2 and "file not found" in missing.err
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT WHERE {")
    bad = run_script("cn-query", broken, MULTI)
    assert bad.code == 2 and "not valid SPARQL" in bad.err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_query_file_that_is_a_fifo_or_device_is_refused_unopened_and_a_bom_is_read(tmp_path: Path) -> None:
    # A FIFO blocked cn-query for ever and /dev/zero read until memory ran out; claims were refused, queries not.
    fifo = tmp_path / "wait.rq"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"cannot read the query file \(a FIFO"):
        query(fifo, MULTI)
    if Path("/dev/zero").exists():
        with pytest.raises(InputError, match=r"cannot read the query file \(a device"):
            query("/dev/zero", MULTI)
    marked = tmp_path / "marked.rq"
    marked.write_bytes(
        b"\xef\xbb\xbfSELECT ?claim WHERE { ?claim a <https://comet.carbon/ext/iso14068#CarbonNeutralityClaim> }"
    )
    assert len(query(marked, MULTI).rows) == 3


def test_a_claims_control_characters_never_reach_the_terminal_and_a_lone_surrogate_is_written() -> None:
    # Red team 27b: a vintage holding an escape sequence set the terminal's title and cleared the screen, a newline
    # forged a row, and a lone surrogate ("\ud800" in the claim) stopped -f json with an internal error.
    hostile = QueryResult(
        name="hostile", columns=("vintage",), rows=(("2022\x1b]0;pwned\x07\x1b[2J\n(0 rows)",), ("2023\ud800",))
    )
    table = format_result(hostile, "table")
    assert "\x1b" not in table and "\x07" not in table and table.count("\n") == 5
    assert "2022\\x1b]0;pwned\\x07\\x1b[2J\\n(0 rows)" in table
    csv_text = format_result(hostile, "csv")
    assert "\x1b" not in csv_text and '"2022\\x1b]0;pwned\\x07\\x1b[2J\n(0 rows)"' in csv_text  # quoted, kept
    for text in (table, csv_text, format_result(hostile, "json")):
        text.encode("utf-8")
    assert json.loads(format_result(hostile, "json"))["rows"][1]["vintage"] == "2023\ud800"


@pytest.mark.parametrize("value", ["abc", "true", "2024-01-01", "1.5", "-9", "-99999999999999999999"])
def test_an_input_binding_of_the_wrong_kind_is_refused(value: str) -> None:
    # Red team 27b: windowParameter=abc gave rows whose deadline read "Non-literal passes as string: NotBoundError",
    # 1.5 a deadline of 2025-01.5-31, and exit 0.
    with pytest.raises(InputError, match=r"cannot bind 'windowParameter' to .*: it takes a whole number, not negative"):
        query("retirement-timing", EXAMPLES / "conforming-claim.jsonld", windowParameter=parse_binding(value))
    rows = query("retirement-timing", EXAMPLES / "conforming-claim.jsonld", windowParameter=parse_binding("24"))
    assert {row[rows.columns.index("window")] for row in rows.rows} == {24}


def test_the_library_query_reads_an_ill_typed_quantity_as_the_command_line_does(tmp_path: Path) -> None:
    # Red team 27b: comet_cn.query raised TypeError on a credit of "abc" tonnes where cn-query gave a row (its SUM
    # unbound), and in a thread beside a validation it gave rows: the guards were on only now and then.
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    credit = next(node for node in document["@graph"] if node.get("@id") == "ex:credit-wind")
    credit["tonnesCO2e"] = "abc"
    claim = tmp_path / "ill-typed.jsonld"
    claim.write_text(json.dumps(document), encoding="utf-8")
    result = query("neutrality-balance", claim)
    assert len(result.rows) == 1 and result.to_dicts()[0]["neutral"] is not True


def test_a_user_query_failing_as_it_runs_is_an_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "strlang.rq"
    broken.write_text('SELECT ?x WHERE { BIND (STRLANG("a", "en US!!") AS ?x) }', encoding="utf-8")
    with pytest.raises(InputError, match=r"the query failed while running \(ValueError\)"):
        query(broken, EXAMPLES / "conforming-claim.jsonld")


# --- document-subjects ---------------------------------------------------------------------------------------------


@pytest.mark.rule("CN-AUDIT-ID-07")
def test_document_subjects_rows() -> None:
    d = "https://example.org/fixture/documents/"
    found = rows("document-subjects", FIXTURES / "document-subjects.ttl")
    assert [(str(r["document"]), r["kind"], r["subject"], r["other"], r["subjects"]) for r in found] == [
        (d + "footprint-acme", "carbon footprint", d + "acme", d + "beta", 2),
        (d + "opinion-acme", "verification opinion", d + "acme", d + "gamma", 3),
        (d + "report-acme", "report", d + "acme", d + "beta", 2),
    ]


# --- plan-figures --------------------------------------------------------------------------------------------------


@pytest.mark.rule("CN-AUDIT-ID-08")
def test_plan_figures_lists_each_node_given_two_values_once_a_kind() -> None:
    found = rows("plan-figures", FIXTURES / "plan-figures.ttl")
    assert [(r["node"].rsplit("/", 1)[1], r["kind"], str(r["low"]), str(r["high"])) for r in found] == [
        ("base-period-redated", "base period end", "2019-12-31", "2021-12-31"),
        ("base-period-redated", "base period start", "2019-01-01", "2021-01-01"),
        ("baseline-recalculated", "baseline figure (tonnesCO2e)", "18400.0", "21000.0"),
        ("baseline-relinked", "base period (its dates)", "2018-01-01/2018-12-31", "2020-01-01/2020-12-31"),
        ("pathway-a", "residual-only target year", "2040", "2055"),
        ("reduction-resized", "emission reduction (tonnesCO2e)", "1500.0", "3000.0"),
        ("reduction-resized", "emission reduction achieved (achievementDate)", "2022-01-01", "2024-01-01"),
        ("target-loosened", "target level (tonnesCO2e)", "7000.0", "10000.0"),
        ("target-loosened", "target year", "2030", "2031"),
    ]
