"""Audit queries: known answers on the multi-period example, the negative case, a second engine, the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef

import comet_cn
from comet_cn.audits import run_audits
from comet_cn.queries import format_result, list_queries, load_sources, queries_markdown, query, run_query
from tests.conftest import EXAMPLES, ROOT, Run, run_script

MULTI = EXAMPLES / "multi-period"
SINGLE = EXAMPLES / "conforming-claim.jsonld"
EX = "https://example.org/acme/"


@pytest.fixture(scope="module")
def multi_graph() -> Any:
    return load_sources(MULTI)


def _rows(name: str, graph: Any, **bindings: Any) -> list[dict[str, Any]]:
    info = next(i for i in list_queries() if i.name == name)
    return run_query(info, graph, **bindings).to_dicts()


def test_every_query_file_states_its_question_clause_and_columns() -> None:
    infos = list_queries()
    assert {i.name for i in infos} >= {
        "hierarchy-audit",
        "continual-improvement",
        "neutrality-balance",
        "double-counting",
        "pathway-progress",
        "credit-portfolio",
    }
    for info in infos:
        assert info.question.endswith("?") and info.clause.startswith("ISO 14068-1:2023") and info.columns
        result = query(info.name, SINGLE)
        assert list(result.columns) == [c[0] for c in info.columns], info.name


def test_continual_improvement_flags_only_the_rise_in_2023(multi_graph: Any) -> None:
    rows = _rows("continual-improvement", multi_graph)
    assert [r["period"] for r in rows] == [EX + "period-2022", EX + "period-2023", EX + "period-2024"]
    assert [r["offset_increased"] for r in rows] == [False, True, False]
    assert rows[1]["prior_period"] == EX + "period-2022" and rows[1]["prior_offset"] == Decimal("14200.0")
    assert rows[0]["prior_period"] is None
    assert [r["footprint_change"] for r in rows[1:]] == [Decimal("-600.0"), Decimal("-1150.0")]
    assert round(rows[1]["share"], 3) == Decimal("1.176")


def test_double_counting_finds_the_reused_serial_and_nothing_in_one_claim(multi_graph: Any) -> None:
    rows = _rows("double-counting", multi_graph)
    assert rows == [{"serial": "EXR-2023-BIOC-000001-002000", "events": 2, "claims": 2, "entities": 1}]
    assert query("double-counting", SINGLE).rows == ()


def test_neutrality_balance_per_claim(multi_graph: Any) -> None:
    rows = {r["claim"]: r for r in _rows("neutrality-balance", multi_graph)}
    assert rows[EX + "claim-2024"]["net"] == Decimal("-50.0") and rows[EX + "claim-2024"]["neutral"] is True
    assert rows[EX + "claim-2024"]["reversals"] == Decimal("150.0")
    assert rows[EX + "claim-2022"]["net"] == 0 and rows[EX + "claim-2022"]["neutral"] is True
    short = query("neutrality-balance", EXAMPLES / "violations" / "cn-bal-01-credits-short.jsonld").to_dicts()
    assert short[0]["net"] == Decimal("0.5") and short[0]["neutral"] is False


def test_hierarchy_audit_finds_offsetting_first_and_offsetting_without_reduction() -> None:
    assert query("hierarchy-audit", SINGLE).rows == ()
    first = query("hierarchy-audit", EXAMPLES / "violations" / "cn-hier-02-offset-before-reduction.jsonld")
    assert len(first.rows) == 3 and {r["action"] for r in first.to_dicts()} == {EX + "action-offset"}
    none = query("hierarchy-audit", EXAMPLES / "violations" / "cn-hier-03-offset-without-reduction.jsonld")
    assert [r["reason"] for r in none.to_dicts()] == ["offsetting with no reduction action in the plan"]


def test_pathway_progress_compares_with_targets_ahead() -> None:
    rows = query("pathway-progress", SINGLE).to_dicts()
    assert [(r["kind"], r["target_year"], r["years_left"]) for r in rows] == [
        ("short-term", 2030, 6),
        ("residual-only", 2040, 16),
        ("long-term", 2045, 21),
    ]
    assert rows[0]["gap"] == Decimal("5450.0")


def test_credit_portfolio_groups_credits() -> None:
    rows = query("credit-portfolio", SINGLE).to_dicts()
    assert len(rows) == 3 and sum(r["tonnes"] for r in rows) == Decimal("12500.0")
    assert {r["adjusted"] for r in rows} == {True, False}


def test_retirement_timing_and_verification_status() -> None:
    late = query("retirement-timing", EXAMPLES / "violations" / "cn-ret-01-late-retirement.jsonld").to_dicts()
    assert late[0]["late"] is True and late[0]["deadline"] == 20251231
    assert query("retirement-timing", SINGLE).to_dicts()[0]["late"] is False
    other = query("verification-status", EXAMPLES / "violations" / "cn-claim-06-not-iso-14064-3.jsonld").to_dicts()
    assert other[0]["iso_14064_3"] is False and other[0]["in_report"] is True
    assert query("verification-status", SINGLE).to_dicts()[0]["iso_14064_3"] is True


def test_bindings_restrict_rows(multi_graph: Any) -> None:
    rows = _rows("continual-improvement", multi_graph, period=EX + "period-2023")
    assert [r["period"] for r in rows] == [EX + "period-2023"]


def _normalise(value: Any) -> Any:
    if isinstance(value, (Decimal, float)) and not isinstance(value, bool):
        return round(Decimal(str(value)), 6)
    return value


def _oxigraph_rows(text: str, graph: Any, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt").encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    rows = []
    for solution in store.query(text):
        row = []
        for column in columns:
            term = solution[column]
            if term is None:
                row.append(None)
            elif isinstance(term, pyoxigraph.Literal):
                row.append(_normalise(Literal(term.value, datatype=URIRef(term.datatype.value)).toPython()))
            else:
                row.append(str(term.value))
        rows.append(tuple(row))
    return rows


@pytest.mark.parametrize("name", [i.name for i in list_queries()])
@pytest.mark.parametrize(
    "sources",
    [MULTI, EXAMPLES / "violations" / "cn-hier-02-offset-before-reduction.jsonld"],
    ids=["multi-period", "offset-first"],
)
def test_a_second_engine_returns_the_same_rows(name: str, sources: Path) -> None:
    graph = load_sources(sources)
    info = next(i for i in list_queries() if i.name == name)
    ours = run_query(info, graph)
    expected = [tuple(_normalise(v) for v in row) for row in ours.rows]
    assert _oxigraph_rows(info.text, graph, ours.columns) == expected


def test_formats_are_stable_and_dataframe_needs_pandas(multi_graph: Any) -> None:
    info = next(i for i in list_queries() if i.name == "double-counting")
    result = run_query(info, multi_graph)
    assert json.loads(format_result(result, "json"))["rows"][0]["serial"] == "EXR-2023-BIOC-000001-002000"
    assert format_result(result, "csv").splitlines() == [
        "serial,events,claims,entities",
        "EXR-2023-BIOC-000001-002000,2,2,1",
    ]
    assert format_result(result, "table").endswith("(1 row)\n")
    pandas = pytest.importorskip("pandas")
    assert isinstance(result.to_dataframe(), pandas.DataFrame)


def test_queries_page_is_generated_from_the_files() -> None:
    assert (ROOT / "docs" / "queries.md").read_text(encoding="utf-8") == queries_markdown()


def test_audits_report_cross_claim_findings_with_rule_ids() -> None:
    findings = run_audits(MULTI)
    assert sorted(f.rule_id for f in findings) == ["CN-AUDIT-DOUBLE-01", "CN-AUDIT-IMPROVE-01"]
    assert all(f.clause and f.hint and f.message.startswith(f.rule_id) for f in findings)
    assert run_audits(SINGLE) == []


def test_cn_validate_audits_gives_one_verdict_on_a_set(cli: Callable[..., Run]) -> None:
    assert cli(MULTI).code == 0
    run = cli("--audits", "-f", "json", MULTI)
    assert run.code == 1
    document = run.json()
    assert document["conforms"] is False
    assert {r["rule"] for r in document["results"]} == {"CN-AUDIT-DOUBLE-01", "CN-AUDIT-IMPROVE-01"}


def test_cn_query_command_line(tmp_path: Path) -> None:
    listed = run_script("cn-query", "--list")
    assert listed.code == 0 and listed.out.splitlines()[0].startswith("continual-improvement\t")
    run = run_script("cn-query", "double-counting", MULTI, "-f", "csv")
    assert run.code == 0 and "EXR-2023-BIOC-000001-002000,2,2,1" in run.out
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


def test_query_api_accepts_many_kinds_of_source() -> None:
    document = json.loads(SINGLE.read_text(encoding="utf-8"))
    graph = comet_cn.load(SINGLE)
    for source in (SINGLE, str(SINGLE), document, graph, [SINGLE]):
        assert len(query("neutrality-balance", source).rows) == 1
