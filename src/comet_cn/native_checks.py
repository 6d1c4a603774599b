"""Bundled SHACL-SPARQL constraints that comet-cn evaluates in Python, with the same findings as the shape.

The shape stays the definition of the rule: it is in the bundle, a user's own SHACL engine runs it, and the
reference path of the benchmarks runs it. Inside comet-cn it is left out of the shapes handed to pySHACL and
pyshacl-turbo and checked here instead, because as a per-focus-node SPARQL query it was the costliest shape in a
batch (about 4 ms of pyshacl-turbo's 12 ms a claim, more in pySHACL) while a direct look-up costs a tenth of that.
tests/test_native_checks.py compares every finding with the SPARQL shape's, on the examples, generated claims and
edge cases.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import BNode, Node

from comet_cn.reasoning import name_blank_nodes
from comet_cn.resources import ReadOnlyGraph, shapes_graph
from comet_cn.results import ValidationResult
from comet_cn.rules import ShapeInfo, shape_info
from comet_cn.terms import describe

__all__ = ["NATIVE_SHAPES", "engine_shapes", "native_findings"]

CN = Namespace("https://comet.carbon/ext/iso14068#")
CNSH = Namespace("https://comet.carbon/ext/iso14068/shapes#")

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
# As the shape's REPLACE(STR(?item), "^.*[#/]", "") and REGEX(STR(?where), "\\S"), with Python's regular
# expressions, as rdflib (the reference engine) evaluates them.
_CODE = re.compile(r"^.*[#/]")
_NOT_BLANK = re.compile(r"\S")


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


def _evidence_findings(graph: Graph, source: str | None) -> Iterator[ValidationResult]:
    notes = _annotations(CNSH.EvidenceShape)
    info = notes.info
    for holder, codes in _missing_evidence(graph):
        value = ", ".join(codes)
        message = notes.template.replace("{?count}", str(len(codes))).replace("{?value}", value)
        yield ValidationResult(
            rule_id=info.rule_id,
            severity=info.severity,
            clause=info.clause,
            focus_node=describe(graph, holder),
            path=None,
            value=value,
            message=" ".join(name_blank_nodes(graph, message).split()),
            hint=info.hint,
            source_shape=notes.shape_text,
            pillar=info.pillar,
            source=source,
        )


#: The bundled shapes checked here instead of by the SHACL engine, with the function that checks each.
NATIVE_SHAPES: dict[URIRef, Callable[[Graph, str | None], Iterator[ValidationResult]]] = {
    CNSH.EvidenceShape: _evidence_findings,
}


def native_findings(graph: Graph, source: str | None) -> list[ValidationResult]:
    """The findings of every natively checked shape on ``graph`` (the claim's closure, as the engines see it)."""
    return [result for check in NATIVE_SHAPES.values() for result in check(graph, source)]


@lru_cache(maxsize=1)
def engine_shapes() -> Graph:
    """The bundled shapes without the natively checked ones (and the nodes only they hold). Read-only."""
    source = shapes_graph()
    dropped: set[Node] = set()
    pending: list[Node] = list(NATIVE_SHAPES)
    while pending:
        node = pending.pop()
        if node in dropped:
            continue
        dropped.add(node)
        # Only the blank nodes a dropped shape holds (its constraint, lists): named nodes may be shared.
        pending.extend(o for o in source.objects(node, None) if isinstance(o, BNode))
    graph = ReadOnlyGraph()
    for prefix, namespace in source.namespaces():
        graph.bind(prefix, namespace, override=True)
    for triple in source:
        if triple[0] not in dropped:
            graph.add(triple)
    return graph.freeze()
