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
        emissions: list[bool] = (),  # type: ignore[assignment]
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
            for residual_emission in emissions:  # each a footprint's emission, typed residual or not
                emission = BNode()
                g.add((node, _p("hasEmission"), emission))
                g.add((emission, RDF.type, _p("ResidualGHGEmission" if residual_emission else "GHGEmission")))
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
    # hooli: every emission of the 2022 footprint residual, whatever the flag; 2023 mixed; 2024 no emission listed.
    c.claim("hooli", "h-1", start=_day("2022-01-01"), footprint=_t("9.0"), residual=Literal(False), emissions=[True])
    c.claim("hooli", "h-2", start=_day("2023-01-01"), footprint=_t("9.0"), emissions=[True, False])
    c.claim("hooli", "h-3", start=_day("2024-01-01"), footprint=_t("9.0"), residual=Literal(False))
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
    assert rows[(EX + "h-2", EX + "h-1")]["prior_residual_only"] is True  # every emission residual, flag false
    assert rows[(EX + "h-2", EX + "h-1")]["residual_only"] is None  # no flag, one emission not residual
    assert rows[(EX + "h-3", EX + "h-2")]["residual_only"] is False  # no emission listed: the flag decides
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


# Found in review: cases where the rows first differed from the query's (or crashed).


def _offsets_graph(starts: list[Literal], offsets: list[list[Literal]], footprint: Literal | None = None) -> Graph:
    c = _Claims()
    for n, (start, credits) in enumerate(zip(starts, offsets, strict=True)):
        c.claim(
            "acme",
            f"p{n}",
            start=start,
            footprint=footprint if footprint is not None else _t("100.0"),
            credits=[(URIRef(f"{EX}p{n}-credit-{k}"), quantity) for k, quantity in enumerate(credits)],
        )
    return c.graph


def _increases(graph: Graph | OxigraphBackend) -> set[object]:
    return {row["period"] for row in continual_improvement_rows(graph) if row["offset_increased"] is True}


def test_an_infinite_or_nan_tonnage_is_left_out_and_the_audit_still_runs() -> None:
    graph = _offsets_graph(
        [_day("2021-01-01"), _day("2022-01-01"), _day("2023-01-01")],
        [[_t("5.0")], [_t("INF", XSD.double), _t("6.0")], [_t("NaN", XSD.double), _t("4.0")]],
    )
    rows = {row["period"]: row for row in continual_improvement_rows(graph)}
    assert rows[EX + "p1"]["offset"] == 6 and rows[EX + "p2"]["offset"] == 4
    assert {f.focus_node for f in audit_results(graph) if f.rule_id == "CN-AUDIT-IMPROVE-01"} == {EX + "p1"}


def test_date_times_with_and_without_a_time_zone_are_ordered_as_oxigraph_orders_them(tmp_path: Path) -> None:
    graph = _offsets_graph(
        [
            _t("2021-01-01T00:00:00", XSD.dateTime),
            _t("2022-01-01T00:00:00Z", XSD.dateTime),
            _t("2023-01-01T00:00:00", XSD.dateTime),
        ],
        [[_t("5.0")], [_t("9.0")], [_t("6.0")]],
    )
    priors = {row["period"]: row["prior_period"] for row in continual_improvement_rows(graph)}
    assert priors == {EX + "p0": None, EX + "p1": EX + "p0", EX + "p2": EX + "p1"}
    assert _increases(graph) == {EX + "p1"}
    if oxigraph_available():
        with OxigraphBackend(tmp_path / "store") as store:
            store.add(graph)
            assert _shown(continual_improvement_rows(store)) == _shown(_query_rows(store))


def test_numbers_as_starts_are_ordered() -> None:
    graph = _offsets_graph([_t("2021", XSD.integer), _t("2022", XSD.integer)], [[_t("5.0")], [_t("9.0")]])
    assert _shown(continual_improvement_rows(graph)) == _shown(_query_rows(graph))
    assert _increases(graph) == {EX + "p1"}


def test_ill_typed_or_tagged_starts_are_never_before_another(tmp_path: Path) -> None:
    graph = _offsets_graph(
        [_t("2021-13-01", XSD.date), _t("2022-13-01", XSD.date), Literal("2023", lang="en")],
        [[_t("5.0")], [_t("9.0")], [_t("12.0")]],
    )
    assert _increases(graph) == set()
    if oxigraph_available():  # rdflib orders a tagged string after an ill-typed date; SPARQL leaves them unordered
        with OxigraphBackend(tmp_path / "store") as store:
            store.add(graph)
            assert _shown(continual_improvement_rows(store)) == _shown(_query_rows(store))


def test_decimals_are_added_exactly_before_a_double() -> None:
    # 0.1 + 0.2 + 0.0e0 is 0.3 on rdflib, not 0.30000000000000004: no rise against a prior 0.3.
    graph = _offsets_graph(
        [_day("2021-01-01"), _day("2022-01-01")],
        [[_t("0.3")], [_t("0.1"), _t("0.2"), _t("0.0", XSD.double)]],
    )
    assert _increases(graph) == set()
    assert _shown(continual_improvement_rows(graph)) == _shown(_query_rows(graph))


@pytest.mark.parametrize(
    ("credit", "footprint", "share"),
    [
        ("4.9999999999999996E-5", "1.0", "0"),  # a hair under half of the last place: rounded down
        ("4503599627370497", "10000", "450359962737.0497"),  # 2**52 + 1: exact only without adding 0.5
        ("0.00005", "1.0", "0.0001"),  # half of the last place: rounded up, as fn:round does
    ],
)
def test_a_share_of_doubles_is_rounded_as_the_engines_round_it(credit: str, footprint: str, share: str) -> None:
    graph = _offsets_graph([_day("2021-01-01")], [[_t(credit, XSD.double)]], footprint=_t(footprint, XSD.double))
    (row,) = continual_improvement_rows(graph)
    assert row["share"] == float(share)
