"""Shapes checked in Python (comet_cn.native_checks) give exactly the findings of their SHACL-SPARQL definition.

The SPARQL shape stays the definition: here it is run by pySHACL on the very graphs comet-cn checks natively
(every example, generated claims with each injected violation, and edge cases built for the query's corners),
and the two sets of findings are compared field by field, messages included.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

import comet_cn
from comet_cn import native_checks, shacl_engines, validation
from comet_cn.native_checks import NATIVE_SHAPES, engine_shapes, native_findings
from comet_cn.resources import shapes_graph
from comet_cn.results import ValidationResult
from comet_cn.synthetic import VIOLATIONS, synthetic_claim

ROOT = Path(__file__).resolve().parents[1]
CN = Namespace("https://comet.carbon/ext/iso14068#")
EX = Namespace("https://example.org/native/")
CNSH = Namespace("https://comet.carbon/ext/iso14068/shapes#")
EVIDENCE, EX_POST, VINTAGE = CNSH.EvidenceShape, CNSH.ExPostTimingShape, CNSH.CreditVintageShape
AS_OF = validation.RuleParameters(as_of=date(2026, 12, 1))
EXAMPLES = [p for p in sorted((ROOT / "examples").rglob("*.jsonld")) if p.stat().st_size]


def _definition(shape: URIRef) -> Graph:
    """The shape's targets and SPARQL constraint, with the prefix declarations its query uses."""
    source = shapes_graph()
    graph = Graph()
    pending: list[Node] = [shape]
    seen: set[Node] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in source.predicate_objects(node):
            if node == shape and predicate == SH.property:
                continue  # checked by the engines still: only the SPARQL constraint is checked natively
            graph.add((node, predicate, value))
            if isinstance(value, BNode) or predicate in (SH.prefixes, SH.declare):
                pending.append(value)
    return graph


def _by_sparql(data: Graph, shape: URIRef) -> set[ValidationResult]:
    definition = _definition(shape)
    copy = Graph()
    copy += data
    _, report, _ = pyshacl.validate(copy, shacl_graph=definition, inference="none", allow_warnings=True)
    closure = SimpleNamespace(graph=data, inconsistencies=())
    found = validation._results(report, shapes_graph(), closure, "x")  # type: ignore[arg-type]
    return set(found)


def _natively(data: Graph, shape: URIRef) -> set[ValidationResult]:
    return set(NATIVE_SHAPES[shape](data, "x"))


def _closures(sources: list[Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Graph]:
    """The graphs comet-cn hands to the SHACL engine for each source (the claim with its entailments)."""
    seen: list[Graph] = []
    real = shacl_engines.run_shapes

    def capture(data: Graph, shapes: Graph, **options: Any) -> Any:
        copy = Graph()
        copy += data
        seen.append(copy)
        return real(data, shapes, **options)

    monkeypatch.setattr(validation, "run_shapes", capture)
    for source in sources:
        comet_cn.validate(source, parameters=AS_OF)
        yield seen[-1]


@pytest.mark.parametrize("shape", sorted(NATIVE_SHAPES))
def test_every_example_and_generated_claim_gets_the_shape_s_own_findings(
    shape: URIRef, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources: list[Any] = [*EXAMPLES]
    sources += [synthetic_claim(300 + i, violation=v) for i, v in enumerate([None, *VIOLATIONS])]
    found = 0
    for graph in _closures(sources, monkeypatch):
        expected = _by_sparql(graph, shape)
        assert _natively(graph, shape) == expected
        found += len(expected)
    # Equality of two empty sets proves little: where the corpus never breaks the rule, the edge cases below do.
    assert found or shape != EVIDENCE


def _edge_cases() -> Iterator[tuple[str, Graph]]:
    def base() -> tuple[Graph, Node]:
        g = Graph()
        claim = EX.claim
        g.add((claim, RDF.type, CN.CarbonNeutralityClaim))
        report = EX.report
        g.add((claim, CN.hasReport, report))
        for code in ("a", "b", "c"):
            g.add((report, CN.includesReportElement, CN[f"ReportElement_{code}"]))
        return g, report

    def evidence(g: Graph, holder: Node, item: Node, where: Node | None) -> Node:
        node = BNode()
        g.add((holder, CN.hasEvidence, node))
        g.add((node, CN.evidenceFor, item))
        if where is not None:
            g.add((node, CN.evidenceLocation, where))
        return node

    g, _ = base()
    yield "no evidence at all", g
    for label, where in [
        ("a link", URIRef("https://example.org/doc.pdf")),
        ("a text", Literal("annual report p. 4")),
        ("blank text", Literal("   ")),
        ("a non-breaking space", Literal("\u00a0")),
        ("an empty string", Literal("")),
        ("a typed literal", Literal("x", datatype=XSD.anyURI)),
        ("a blank node", BNode()),
        ("no location", None),
    ]:
        g, report = base()
        evidence(g, report, CN.ReportElement_a, where)
        yield f"evidence with {label}", g
    g, report = base()
    evidence(g, EX.claim, CN.ReportElement_a, Literal("on the claim, not the report"))
    yield "evidence on another node", g
    g, report = base()
    evidence(g, report, CN.ReportElement_z, Literal("for another item"))
    yield "evidence for another item", g
    g, report = base()
    g.add((report, CN.includesReportElement, URIRef("https://other.example/ReportElement_a")))
    g.add((report, CN.includesReportElement, URIRef("https://other.example/ends-with/")))
    g.add((report, CN.includesReportElement, Literal("ReportElement_q")))
    yield "the same code twice, an empty code and a literal item", g
    g, _ = base()
    holder = BNode()
    g.add((EX.claim, CN.hasManagementPlan, holder))
    g.add((holder, CN.includesPlanElement, CN.PlanElement_a))
    g.add((EX.claim, CN.includesSummaryItem, CN.SummaryItem_b))
    g.add((EX.event, CN.retiresCredit, EX.credit))
    g.add((EX.credit, CN.meetsCriterion, CN.Permanent))
    g.add((EX.credit, CN.issuedByProgramme, EX.programme))
    g.add((EX.programme, CN.meetsProgrammeCriterion, CN.ProgrammeCriterion_a))
    g.add((EX.other, CN.hasCommitment, Literal("a commitment written as text")))
    yield "every kind of holder, one of them a blank node and one a literal", g
    g, report = base()
    g.remove((EX.claim, CN.hasReport, report))
    yield "a report no claim links is not a holder", g


@pytest.mark.parametrize(("label", "graph"), list(_edge_cases()), ids=[label for label, _ in _edge_cases()])
def test_edge_cases_of_the_evidence_query_get_the_shape_s_own_findings(label: str, graph: Graph) -> None:
    assert _natively(graph, EVIDENCE) == _by_sparql(graph, EVIDENCE)


def _credit_cases() -> Iterator[tuple[str, Graph]]:
    """Credits with every kind of year and date the two credit queries filter, compare or cut."""

    def base(vintage: Node | None, issued: Node | None, retired: Node | None) -> Graph:
        g = Graph()
        g.add((EX.claim, RDF.type, CN.CarbonNeutralityClaim))
        g.add((EX.claim, CN.hasOffsettingEvent, EX.event))
        g.add((EX.claim, CN.hasReportingPeriod, EX.period))
        g.add((EX.period, CN.reportingPeriodStart, Literal("2024-01-01", datatype=XSD.date)))
        g.add((EX.period, CN.reportingPeriodEnd, Literal("2024-12-31", datatype=XSD.date)))
        g.add((EX.event, CN.retiresCredit, EX.credit))
        for prop, value in ((CN.vintageEndYear, vintage), (CN.issuanceYear, issued), (EX.none, None)):
            if value is not None:
                g.add((EX.credit, prop, value))
        if retired is not None:
            g.add((EX.event, CN.retirementDate, retired))
        return g

    def year(text: str) -> Literal:
        return Literal(text, datatype=XSD.gYear)

    def day(text: str) -> Literal:
        return Literal(text, datatype=XSD.date)

    yield "all in order", base(year("2023"), year("2024"), day("2025-03-10"))
    yield "vintage after retirement", base(year("2026"), year("2024"), day("2025-03-10"))
    yield "issued after retirement", base(year("2023"), year("2026"), day("2025-03-10"))
    yield "issued before the vintage", base(year("2023"), year("2021"), day("2025-03-10"))
    yield "zoned years", base(year("2026Z"), year("2021+01:00"), day("2025-03-10Z"))
    yield "a date-time retirement", base(year("2026"), year("2024"), Literal("2025-03-10T10:00:00"))
    yield "a year with a line break", base(Literal("2026\n"), year("2024"), day("2025-03-10"))
    yield "malformed years", base(Literal("26"), Literal("abcd"), Literal("2025"))
    yield "an IRI for a year", base(EX["2026"], year("2024"), day("2025-03-10"))
    yield "no retirement date", base(year("2026"), year("2021"), None)
    yield "a vintage too old", base(year("2018"), year("2019"), day("2025-03-10"))
    yield "a vintage exactly five years before", base(year("2019"), year("2019"), day("2025-03-10"))
    g = base(year("2018"), year("2021"), day("2025-03-10"))
    g.add((EX.event, CN.retiresCredit, EX.credit))
    g.add((EX.second, CN.retiresCredit, EX.credit))
    g.add((EX.second, CN.retirementDate, day("2017-01-01")))
    g.add((EX.second, CN.hasReportingPeriod, EX.older))
    g.add((EX.older, CN.reportingPeriodStart, day("2022-01-01")))
    g.add((EX.older, CN.reportingPeriodEnd, day("2022-12-31")))
    yield "a credit retired by two events with their own periods", g
    g = base(year("2020"), year("2021"), day("2025-03-10"))
    g.add((CNSH.parameters, CNSH.vintageMaxAgeYears, Literal(3, datatype=XSD.integer)))
    g.add((CNSH.parameters, CNSH.vintageReference, Literal("end")))
    g.add((CNSH.parameters, CNSH.vintageProperty, CN.issuanceYear))
    yield "parameters: three years from the end, by issuance", g
    g = base(year("2018"), year("2021"), day("2025-03-10"))
    g.add((CNSH.parameters, CNSH.vintageMaxAgeYears, Literal("five")))
    yield "a parameter that is no number", g
    g = base(year("2018"), year("2021"), day("2025-03-10"))
    g.set((EX.period, CN.reportingPeriodStart, Literal(" 2024-01-01")))
    g.add((CNSH.parameters, CNSH.vintageMaxAgeYears, Literal("2.5", datatype=XSD.decimal)))
    yield "a padded start and a decimal parameter", g
    g = base(year("2018"), year("2021"), day("2025-03-10"))
    g.set((EX.period, CN.reportingPeriodStart, Literal("20x4-01-01")))
    yield "a start that is no year", g


@pytest.mark.parametrize("shape", [EX_POST, VINTAGE], ids=["CN-EXPOST-01", "CN-VINT-01"])
@pytest.mark.parametrize(("label", "graph"), list(_credit_cases()), ids=[label for label, _ in _credit_cases()])
def test_edge_cases_of_the_credit_queries_get_the_shape_s_own_findings(label: str, graph: Graph, shape: URIRef) -> None:
    assert _natively(graph, shape) == _by_sparql(graph, shape)


def test_the_credit_cases_exercise_both_rules() -> None:
    """Equality of two empty sets would prove nothing: the cases above find something for each rule."""
    for shape in (EX_POST, VINTAGE):
        assert sum(len(_natively(graph, shape)) for _, graph in _credit_cases()) >= 2


def test_only_the_natively_checked_sparql_is_left_out_of_the_engines_shapes() -> None:
    bundled, engines = shapes_graph(), engine_shapes()
    for shape in NATIVE_SHAPES:
        assert (shape, SH.sparql, None) in bundled
        assert (shape, SH.sparql, None) not in engines
        assert not set(bundled.subject_predicates(shape))  # no other shape uses it, so none loses a part
        # Its property shapes stay with the engines; a shape that had none goes altogether.
        assert set(engines.objects(shape, SH.property)) == set(bundled.objects(shape, SH.property))
        if (shape, SH.property, None) not in bundled:
            assert not set(engines.predicate_objects(shape))
    left_out = {t for t in bundled if t not in engines}
    named = {t[0] for t in left_out if not isinstance(t[0], BNode)}
    assert named <= set(NATIVE_SHAPES)
    assert not {t for t in engines if t not in bundled}
    with pytest.raises(TypeError):
        engines.add((EX.a, EX.b, EX.c))


def test_a_claim_s_report_names_the_rule_the_native_check_found() -> None:
    document = synthetic_claim(7)
    for node in document["@graph"]:
        node.pop("hasEvidence", None)
    report = comet_cn.validate(document, parameters=AS_OF)
    warned = [r for r in report.warnings if r.rule_id == "CN-EVID-01"]
    assert warned and report.conforms  # a warning: bare ticks are reported, the claim still conforms
    first = warned[0]
    assert first.clause.startswith("ISO 14068-1:2023 §5.4")
    assert first.source_shape and first.source_shape.endswith("EvidenceShape")
    assert first.hint and first.message.startswith("CN-EVID-01 (§5.4, §12, §13): ")
    assert native_checks.native_findings is native_findings
