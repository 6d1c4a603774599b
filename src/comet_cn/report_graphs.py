"""SHACL validation report graphs that say what comet-cn's verdict says.

The SHACL engine's own report lists only what the shapes found: the rules checked in Python (engine rules, the
shapes checked natively, a claim that states its own rule parameters) and the verdict on an input that holds no
claim are not in it, so on its own it says ``sh:conforms true`` of an empty file or of a claim a Python rule
fails. Every report graph comet-cn hands out is completed here from the findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH
from rdflib.term import Node

from comet_cn.iris import is_absolute_iri
from comet_cn.results import ValidationResult
from comet_cn.rules import CNSH

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """Text with each lone surrogate (which no UTF-8 output can hold) written as its ``\\uXXXX`` escape."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def text_literal(text: str) -> Literal:
    """A literal for text from an input; a lone surrogate, which no RDF syntax can hold, is escaped."""
    return Literal(escape_surrogates(text))


def result_node(text: str) -> URIRef | Literal:
    """A finding's node or path: an IRI where it is one, its text otherwise (a blank node's description)."""
    return URIRef(text) if is_absolute_iri(text) else text_literal(text)


def add_result(graph: Graph, report: Node, node: Node, result: ValidationResult) -> None:
    """One finding as an ``sh:ValidationResult`` of ``report``, with comet-cn's rule id, clause and fix."""
    graph.add((report, SH.result, node))
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, CNSH.ruleId, Literal(result.rule_id)))
    graph.add((node, DCTERMS.source, Literal(result.clause)))
    graph.add((node, SH.resultSeverity, SH[str(result.severity)]))
    graph.add((node, SH.focusNode, result_node(result.focus_node)))
    graph.add((node, SH.resultMessage, text_literal(result.message)))
    graph.add((node, CNSH.fixHint, Literal(result.hint)))
    if result.path:
        graph.add((node, SH.resultPath, result_node(result.path)))
    if result.value is not None:
        graph.add((node, SH.value, text_literal(result.value)))
    if result.source_shape:
        graph.add((node, SH.sourceShape, result_node(result.source_shape)))
    if result.location:  # a workbook's sheet, row and column
        graph.add((node, CNSH.cell, text_literal(result.location)))


def completed(graph: Graph, outside: Iterable[ValidationResult], verdict: bool, *, findings: bool) -> Graph:
    """The engine's report ``graph`` with the findings made outside SHACL added as results, ``sh:conforms`` false
    when there is any finding at all (``findings``; SHACL's meaning: pySHACL, allowed warnings, said true of a report
    of warnings), and ``cnsh:conformsToISO14068`` the verdict (no violation, and a claim to speak of)."""
    report = next(iter(graph.subjects(RDF.type, SH.ValidationReport)), None)
    if report is None:
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(True)))
    for result in outside:
        add_result(graph, report, BNode(), result)
    graph.set((report, SH.conforms, Literal(not findings)))
    graph.set((report, CNSH.conformsToISO14068, Literal(verdict)))
    return graph
