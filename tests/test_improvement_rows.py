"""CN-AUDIT-IMPROVE-01/02/03's rows, computed subject by subject (comet_cn.improvement_rows), equal the
``continual-improvement`` query's, row for row, on rdflib and Oxigraph, in SQLite's cache and spilled to its file.

The audits compute the rows so that a million retirements need not be joined by the SPARQL engine at once;
``cn-query continual-improvement`` runs the query. Both must agree on what the query's comments promise: the
largest footprint of a period, each credit once per period however many claims retire it, the latest earlier
period as the prior one (two if two start the same day), a zero offset with a share of 0, and no share without a
positive footprint.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from comet_cn import improvement_rows
from comet_cn.audits import audit_results
from comet_cn.improvement_rows import continual_improvement_rows
from comet_cn.queries import format_value, query_info, run_query, stream_query
from comet_cn.store import OxigraphBackend, oxigraph_available

CN = "https://comet.carbon/ext/iso14068#"
EX = "https://example.org/"


def _p(name: str) -> URIRef:
    return URIRef(CN + name)


class _Claims:
    """A graph of claims written one call at a time."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.count = 0

    def claim(
        self,
        subject: str,
        period: str,
        *,
        start: Literal | list[Literal] | None = None,
        footprint: Literal | None = None,
        credits: list[tuple[URIRef | BNode, Literal]] = (),  # type: ignore[assignment]
        residual: Literal | None = None,
    ) -> URIRef:
        self.count += 1
        claim = URIRef(f"{EX}claim-{self.count}")
        g = self.graph
        period_node = URIRef(EX + period)
        g.add((claim, RDF.type, _p("CarbonNeutralityClaim")))
        g.add((claim, _p("hasSubject"), URIRef(EX + subject)))
        g.add((claim, _p("hasReportingPeriod"), period_node))
        for value in [start] if isinstance(start, Literal) else start or []:
            g.add((period_node, _p("reportingPeriodStart"), value))
        if footprint is not None:
            node = BNode()
            g.add((claim, _p("hasCarbonFootprint"), node))
            g.add((node, _p("tonnesCO2e"), footprint))
        if credits:
            event = BNode()
            g.add((claim, _p("hasOffsettingEvent"), event))
            for credit, quantity in credits:
                g.add((event, _p("retiresCredit"), credit))
                g.add((credit, _p("tonnesCO2e"), quantity))
        if residual is not None:
            g.add((claim, _p("onlyResidualEmissionsRemain"), residual))
        return claim


def _day(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def _t(text: str, datatype: URIRef = XSD.decimal) -> Literal:
    return Literal(text, datatype=datatype)


def _claims() -> Graph:
    c = _Claims()
    shared = URIRef(EX + "credit-shared")
    # acme: no footprint in 2021; two claims for 2022 (the larger footprint counts, the shared credit once); 2023
    # with a double and an integer, a footprint that rose and the residual-only state given up.
    c.claim("acme", "p2021", start=_day("2021-01-01"), credits=[(URIRef(EX + "c1"), _t("10.0"))])
    c.claim(
        "acme",
        "p2022",
        start=_day("2022-01-01"),
        footprint=_t("100.5"),
        credits=[(shared, _t("20.0")), (URIRef(EX + "c2"), _t("5", XSD.integer))],
        residual=Literal(True),
    )
    c.claim("acme", "p2022", footprint=_t("120"), credits=[(shared, _t("20.0"))])
    c.claim(
        "acme",
        "p2023",
        start=_day("2023-01-01"),
        footprint=_t("130.25"),
        credits=[(BNode(), _t("1.5E1", XSD.double)), (BNode(), _t("12.5"))],
        residual=Literal(False),
    )
    # globex: two periods starting the same day are both prior to the next; a period with two starts; a zero
    # footprint (no share); an offset of nothing (0, share 0); a period without a start gives no row.
    c.claim("globex", "g-a", start=_day("2022-01-01"), footprint=_t("50", XSD.integer))
    c.claim("globex", "g-b", start=_day("2022-01-01"), footprint=_t("0.0"), credits=[(BNode(), _t("3.0"))])
    c.claim("globex", "g-c", start=_day("2023-01-01"), footprint=_t("40.0"), credits=[(BNode(), _t("7", XSD.integer))])
    c.claim("globex", "g-d", start=[_day("2024-01-01"), _day("2024-07-01")], footprint=_t("30.0"))
    c.claim("globex", "g-none", footprint=_t("99.0"))
    # initech: date-times as starts, and "1"^^xsd:boolean as the residual-only flag.
    c.claim("initech", "i-1", start=_t("2022-01-01T00:00:00", XSD.dateTime), footprint=_t("10.0"))
    c.claim(
        "initech",
        "i-2",
        start=_t("2023-01-01T00:00:00", XSD.dateTime),
        footprint=_t("8.0"),
        credits=[(BNode(), _t("8.0"))],
        residual=_t("1", XSD.boolean),
    )
    return c.graph


def _query_rows(graph: Graph | OxigraphBackend) -> list[dict[str, object]]:
    return run_query(query_info("continual-improvement"), graph).to_dicts()


def _shown(rows: Iterable[Mapping[str, object]]) -> list[dict[str, str]]:
    # Rows as tables and findings show them: the engines differ on a figure's Python type where a double meets a
    # decimal (rdflib gives a decimal, Oxigraph a double, as SPARQL says) but not on its value.
    return [{column: format_value(value) for column, value in row.items()} for row in rows]


def test_the_claims_cover_what_the_query_promises() -> None:
    # The fixture is only worth comparing on if the query's own answer shows each case.
    rows = {(row["period"], row["prior_period"]): row for row in _query_rows(_claims())}
    acme_2022 = rows[(EX + "p2022", EX + "p2021")]
    assert acme_2022["footprint"] == 120 and acme_2022["offset"] == 25  # largest footprint, shared credit once
    assert rows[(EX + "p2023", EX + "p2022")]["footprint_change"] == pytest.approx(10.25)
    assert {prior for period, prior in rows if period == EX + "g-c"} == {EX + "g-a", EX + "g-b"}
    assert {prior for period, prior in rows if period == EX + "g-d"} == {EX + "g-c", EX + "g-d"}
    assert rows[(EX + "g-b", None)]["share"] is None and rows[(EX + "g-a", None)]["share"] == 0
    assert rows[(EX + "i-2", EX + "i-1")]["residual_only"] is True
    assert not any(period == EX + "g-none" for period, _ in rows)


def test_rows_equal_the_query_on_rdflib() -> None:
    graph = _claims()
    assert _shown(continual_improvement_rows(graph)) == _shown(_query_rows(graph))


def test_rows_equal_the_query_with_the_facts_spilled_to_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    # 600 generated claims in a 64 KiB cache: SQLite writes and sorts its facts in its file.
    graph = _generated(600)
    monkeypatch.setattr(improvement_rows, "CACHE_KIB", 64)
    assert _shown(continual_improvement_rows(graph)) == _shown(_query_rows(graph))


def test_rows_equal_the_query_on_oxigraph(tmp_path: Path) -> None:
    if not oxigraph_available():
        pytest.skip("needs pyoxigraph")
    for graph in (_claims(), _generated(300)):
        with OxigraphBackend(tmp_path / f"store-{len(graph)}") as store:
            store.add(graph)
            expected = _query_rows(store)
            assert list(continual_improvement_rows(store)) == expected  # the same types, as both follow SPARQL
            assert _shown(expected) == _shown(_query_rows(graph))


def test_the_audits_find_what_the_query_rows_give() -> None:
    graph = _claims()
    found = {(f.rule_id, f.focus_node) for f in audit_results(graph) if f.rule_id.startswith("CN-AUDIT-IMPROVE")}
    assert found == {
        ("CN-AUDIT-IMPROVE-01", EX + "p2022"),  # 25 t after 10 t
        ("CN-AUDIT-IMPROVE-01", EX + "p2023"),  # 27.5 t after 25 t
        ("CN-AUDIT-IMPROVE-03", EX + "p2023"),  # residual-only given up (so a rising footprint is not IMPROVE-02)
        ("CN-AUDIT-IMPROVE-01", EX + "g-c"),  # 7 t after 0 (g-a) and after 3 t (g-b)
        ("CN-AUDIT-IMPROVE-02", EX + "g-c"),  # 40 t after 0 t (g-b)
        ("CN-AUDIT-IMPROVE-01", EX + "i-2"),  # 8 t after none
    }
    by_query = {
        row["period"]
        for row in stream_query(query_info("continual-improvement"), graph)
        if row["offset_increased"] is True
    }
    assert by_query == {EX + "p2022", EX + "p2023", EX + "g-c", EX + "i-2"}


def test_figures_that_are_not_numbers_are_left_out_of_the_maximum_and_the_sum() -> None:
    # The documented choice where SPARQL engines differ: SUM fails on text, and the query then counts no
    # offsetting at all for the period; the audit counts the credits that have a number.
    c = _Claims()
    c.claim("acme", "p1", start=_day("2021-01-01"), footprint=_t("100.0"), credits=[(BNode(), _t("5.0"))])
    c.claim(
        "acme",
        "p2",
        start=_day("2022-01-01"),
        footprint=Literal("n/a"),
        credits=[(BNode(), _t("9.0")), (BNode(), Literal("lots"))],
    )
    c.claim("acme", "p2", footprint=_t("90.0"))
    (first, second) = list(continual_improvement_rows(c.graph))
    assert first["prior_period"] is None
    assert second["footprint"] == 90 and second["offset"] == 9 and second["offset_increased"] is True
    assert second["footprint_change"] == -10


def _generated(claims: int) -> Graph:
    # Three periods a subject, ten credits a claim, growing offsets: many prior periods and increases.
    out = io.StringIO()
    for index in range(claims):
        base = f"<{EX}gen/{index}/"
        subject = f"<{EX}gen/org-{index // 3}>"
        year = 2020 + index % 3
        out.write(
            f"{base}claim> <{CN}hasSubject> {subject} .\n"
            f"{base}claim> <{CN}hasReportingPeriod> {base}period> .\n"
            f'{base}period> <{CN}reportingPeriodStart> "{year}-01-01"^^<{XSD}date> .\n'
            f"{base}claim> <{CN}hasCarbonFootprint> {base}fp> .\n"
            f'{base}fp> <{CN}tonnesCO2e> "{1000 - index % 7}.5"^^<{XSD}decimal> .\n'
            f"{base}claim> <{CN}hasOffsettingEvent> {base}event> .\n"
        )
        for n in range(10):
            out.write(
                f"{base}event> <{CN}retiresCredit> {base}credit-{n}> .\n"
                f'{base}credit-{n}> <{CN}tonnesCO2e> "{index % 5 + n}.25"^^<{XSD}decimal> .\n'
            )
    graph = Graph()
    graph.parse(data=out.getvalue(), format="nt")
    return graph
