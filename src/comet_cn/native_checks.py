"""Bundled SHACL-SPARQL constraints that comet-cn evaluates in Python, with the same findings as the shape.

The shape stays the definition of the rule: it is in the bundle, a user's own SHACL engine runs it, and the
reference path of the benchmarks runs it. Inside comet-cn its SPARQL constraint is left out of the shapes handed to
pySHACL and pyshacl-turbo and checked here instead, because per-focus-node SPARQL queries were the costliest part of
a claim in a batch (CN-EVID-01 about 4 ms of pyshacl-turbo's 12 ms, CN-VINT-01 and CN-EXPOST-01 about 1 ms
together, more in pySHACL) while direct look-ups cost a tenth of that.
tests/test_native_checks.py compares every finding with the SPARQL shape's, on the examples, generated claims and
edge cases.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import BNode, Node

from comet_cn.namespaces import CN, CNSH
from comet_cn.reasoning import name_blank_nodes
from comet_cn.resources import ReadOnlyGraph, shapes_graph
from comet_cn.results import ValidationResult
from comet_cn.rules import ShapeInfo, shape_info
from comet_cn.terms import describe

__all__ = ["NATIVE_SHAPES", "engine_shapes", "native_findings"]


# CN-EVID-01 (EvidenceShape): the shape's targets and the properties that tick an item.
_HOLDER_LINKS = (CN.hasReport, CN.hasManagementPlan, CN.hasCommitment, CN.retiresCredit, CN.issuedByProgramme)
_TICKS = (
    CN.includesReportElement,
    CN.includesPlanElement,
    CN.includesSummaryItem,
    CN.includesCommitmentItem,
    CN.meetsCriterion,
    CN.meetsProgrammeCriterion,
)
_CLAIM, _HAS_EVIDENCE, _FOR, _LOCATION = CN.CarbonNeutralityClaim, CN.hasEvidence, CN.evidenceFor, CN.evidenceLocation
_RETIRED = CN.retirementDate
# As the shape's REPLACE(STR(?item), "^.*[#/]", "") and REGEX(STR(?where), "[^\\s…]"), with Python's regular
# expressions, as rdflib (the reference engine) evaluates them.
_CODE = re.compile(r"^.*[#/]")
# "Not blank" as every shape says it: a character that is neither white space nor an invisible format character
# (soft hyphen, zero-width space and joiners, direction marks, word joiner, BOM), so that text made only of those
# names nothing.
INVISIBLE_CHARACTERS = "\\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_NOT_BLANK = re.compile(f"[^{INVISIBLE_CHARACTERS}]")


def _missing_evidence(graph: Graph) -> Iterator[tuple[Node, tuple[str, ...]]]:
    # One pass over each property, not a look-up per item: a claim ticks about a hundred items.
    located = {
        evidence
        for evidence, _, where in graph.triples((None, _LOCATION, None))
        # A blank node (a structured reference) counts: the reference engine, rdflib, gives STR() of one its
        # label where standard SPARQL would raise an error.
        if isinstance(where, BNode) or _NOT_BLANK.search(str(where))
    }
    evidence_for: dict[Node, list[Node]] = defaultdict(list)
    for evidence, _, item in graph.triples((None, _FOR, None)):
        if evidence in located:
            evidence_for[evidence].append(item)
    evidenced: set[tuple[Node, Node]] = {
        (holder, item)
        for holder, _, evidence in graph.triples((None, _HAS_EVIDENCE, None))
        for item in evidence_for.get(evidence, ())
    }
    ticked: dict[Node, set[Node]] = defaultdict(set)
    for tick in _TICKS:
        for holder, _, item in graph.triples((None, tick, None)):
            if isinstance(item, URIRef) and (holder, item) not in evidenced:
                ticked[holder].add(item)
    if not ticked:
        return
    holders: set[Node] = set(graph.subjects(RDF.type, _CLAIM))
    for link in _HOLDER_LINKS:
        holders.update(graph.objects(None, link))
    for holder, bare in ticked.items():
        if holder in holders:
            yield holder, tuple(sorted({_CODE.sub("", str(item), count=1) for item in bare}))


@dataclass(frozen=True)
class _Annotations:
    info: ShapeInfo
    template: str
    shape_text: str


@cache
def _annotations(shape: URIRef) -> _Annotations:
    shapes = shapes_graph()
    info = shape_info(shapes, shape)
    assert info is not None  # the bundled shape carries its annotations (tests/test_rules.py)
    template = shapes.value(shapes.value(shape, SH.sparql), SH.message)
    return _Annotations(info, str(template or info.message), describe(shapes, shape))


def _fill(template: str, values: dict[str, str]) -> str:
    """The message with each {?name} replaced in one pass, as the SHACL engines substitute result variables."""
    return _VARIABLE.sub(lambda match: values.get(match.group(1), match.group(0)), template)


_VARIABLE = re.compile(r"\{[?$](\w+)\}")


def _result(
    graph: Graph, notes: _Annotations, focus: Node, value: Node | str, message: str, source: str | None
) -> ValidationResult:
    info = notes.info
    return ValidationResult(
        rule_id=info.rule_id,
        severity=info.severity,
        clause=info.clause,
        focus_node=describe(graph, focus),
        path=None,
        # A Literal is a str too: its lexical form, as for the engines' sh:value; a node is described.
        value=describe(graph, value) if isinstance(value, Node) and not isinstance(value, Literal) else str(value),
        message=" ".join(name_blank_nodes(graph, message).split()),
        hint=info.hint,
        source_shape=notes.shape_text,
        pillar=info.pillar,
        source=source,
    )


def _evidence_findings(graph: Graph, source: str | None) -> Iterator[ValidationResult]:
    notes = _annotations(CNSH.EvidenceShape)
    for holder, codes in _missing_evidence(graph):
        value = ", ".join(codes)
        message = _fill(notes.template, {"count": str(len(codes)), "value": value})
        yield _result(graph, notes, holder, value, message, source)


# ---- CN-EXPOST-01 (ExPostTimingShape) and CN-VINT-01 (CreditVintageShape's SPARQL constraint) ----

# The shapes' REGEX patterns, run as rdflib runs them (re.search; "$" also matches before a final line break).
_GYEAR = re.compile(r"^[0-9]{4}(Z|[+-][0-9]{2}:[0-9]{2})?$")
_YEAR_OR_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?$")


def _credits(graph: Graph) -> set[Node]:
    """The shapes' focus nodes: every object of comet-cn:retiresCredit."""
    return set(graph.objects(None, CN.retiresCredit))


def _ex_post_problems(graph: Graph, credit: Node) -> Iterator[tuple[Node, str]]:
    retired = [later for event in graph.subjects(CN.retiresCredit, credit) for later in graph.objects(event, _RETIRED)]
    vintages = list(graph.objects(credit, CN.vintageEndYear))
    issuances = list(graph.objects(credit, CN.issuanceYear))
    rows = [(value, later, "vintage") for later in retired for value in vintages]
    rows += [(value, later, "issued-late") for later in retired for value in issuances]
    rows += [(value, later, "issued-early") for value in issuances for later in vintages]
    for value, later, kind in rows:
        if not (_GYEAR.search(str(value)) and _YEAR_OR_DATE.search(str(later))):
            continue
        year, later_year = str(value)[:4], str(later)[:4]
        if kind == "vintage" and year > later_year:
            yield (
                value,
                (
                    f"has vintage {year}, later than its retirement on {later}: it is not for mitigation that has "
                    "already taken place"
                ),
            )
        elif kind == "issued-late" and year > later_year:
            yield (
                value,
                f"was issued in {year}, after its retirement on {later}: a credit is issued first, then retired",
            )
        elif kind == "issued-early" and year < later_year:
            yield (
                value,
                (
                    f"was issued in {year}, before the mitigation it stands for took place (vintage {later_year}): "
                    "it is a forward (ex-ante) credit"
                ),
            )


def _ex_post_findings(graph: Graph, source: str | None) -> Iterator[ValidationResult]:
    notes = _annotations(CNSH.ExPostTimingShape)
    for credit in _credits(graph):
        for value, problem in _ex_post_problems(graph, credit):
            yield _result(graph, notes, credit, value, _fill(notes.template, {"problem": problem}), source)


@dataclass(frozen=True)
class _VintageParameters:
    ages: list[Node]
    references: list[str]
    properties: list[Node]

    @classmethod
    def of(cls, graph: Graph) -> _VintageParameters:
        # COALESCE(?parameter, default) of the query: every stated value, or the default when there is none.
        parameters = CNSH.parameters
        return cls(
            list(graph.objects(parameters, CNSH.vintageMaxAgeYears)) or [Literal(5)],
            [str(r) for r in graph.objects(parameters, CNSH.vintageReference)] or ["start"],
            list(graph.objects(parameters, CNSH.vintageProperty)) or [CN.vintageEndYear],
        )


def _vintage_rows(graph: Graph, credit: Node, chosen: _VintageParameters) -> Iterator[tuple[Node, Literal, Node]]:
    ages, references, properties = chosen.ages, chosen.references, chosen.properties
    for event in graph.subjects(CN.retiresCredit, credit):
        periods = set(graph.objects(event, CN.hasReportingPeriod))
        for claim in graph.subjects(CN.hasOffsettingEvent, event):
            periods.update(graph.objects(claim, CN.hasReportingPeriod))
        for period in periods:
            for start in graph.objects(period, CN.reportingPeriodStart):
                for end in graph.objects(period, CN.reportingPeriodEnd):
                    for age in ages:
                        if not isinstance(age, Literal):
                            continue
                        for reference_kind in references:
                            reference = end if reference_kind == "end" else start
                            for vintage_property in properties:
                                for value in graph.objects(credit, vintage_property):
                                    if _too_old(value, reference, age):
                                        yield value, age, reference


def _too_old(value: Node, reference: Node, age: Literal) -> bool:
    """FILTER (xsd:integer(SUBSTR(STR(?value), 1, 4)) < (xsd:integer(SUBSTR(STR(?reference), 1, 4)) - ?maxAge)),
    with rdflib's own cast (Python's int) and numeric datatypes: an error there drops the row, as in the query."""
    if not _GYEAR.search(str(value)) or age.datatype not in _NUMERIC:
        return False
    try:
        return bool(int(str(value)[:4]) < int(str(reference)[:4]) - age.toPython())
    except (ValueError, TypeError):
        return False


# The datatypes rdflib's SPARQL numeric() accepts (not imported: the fast path never loads rdflib's SPARQL engine).
_NUMERIC = frozenset(
    XSD[name]
    for name in [
        "float",
        "double",
        "decimal",
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "nonNegativeInteger",
        "positiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "long",
        "int",
        "short",
        "byte",
    ]
)


def _vintage_findings(graph: Graph, source: str | None) -> Iterator[ValidationResult]:
    notes = _annotations(CNSH.CreditVintageShape)
    chosen = _VintageParameters.of(graph)
    for credit in _credits(graph):
        for value, age, reference in _vintage_rows(graph, credit, chosen):
            message = _fill(notes.template, {"value": str(value), "maxAge": str(age), "reference": str(reference)})
            yield _result(graph, notes, credit, value, message, source)


#: The bundled shapes checked here instead of by the SHACL engine, with the function that checks each.
NATIVE_SHAPES: dict[URIRef, Callable[[Graph, str | None], Iterator[ValidationResult]]] = {
    CNSH.EvidenceShape: _evidence_findings,
    CNSH.ExPostTimingShape: _ex_post_findings,
    CNSH.CreditVintageShape: _vintage_findings,
}


def native_findings(graph: Graph, source: str | None) -> list[ValidationResult]:
    """The findings of every natively checked shape on ``graph`` (the claim's closure, as the engines see it)."""
    return [result for check in NATIVE_SHAPES.values() for result in check(graph, source)]


@lru_cache(maxsize=1)
def engine_shapes() -> Graph:
    """The bundled shapes for the SHACL engines: the natively checked shapes lose their SPARQL constraint, and one
    left with no other constraint (no ``sh:property``) goes altogether. Read-only."""
    source = shapes_graph()
    gone: set[Node] = set()  # nodes whose every triple goes
    cut: set[tuple[Node, Node, Node]] = set()

    def drop(node: Node) -> None:
        # The node and the blank nodes it holds (its constraint, lists); named nodes may be shared.
        pending = [node]
        while pending:
            current = pending.pop()
            if current not in gone:
                gone.add(current)
                pending.extend(o for o in source.objects(current, None) if isinstance(o, BNode))

    for shape in NATIVE_SHAPES:
        for constraint in source.objects(shape, SH.sparql):
            cut.add((shape, SH.sparql, constraint))
            drop(constraint)
        if (shape, SH.property, None) not in source:
            drop(shape)
    graph = ReadOnlyGraph(store="SimpleMemory")  # as the bundled graphs: no named graphs, quick to fill
    for prefix, namespace in source.namespaces():
        graph.bind(prefix, namespace, override=True)
    add = graph.store.add  # the store's own add: Graph.add's checks of each term cost more than the copy itself
    for triple in source:
        if triple[0] not in gone and triple not in cut:
            add(triple, graph)
    return graph.freeze()
