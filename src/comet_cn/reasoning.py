"""Reasoning over a claim graph merged with the comet-cn ontology.

We compute the closure ourselves instead of letting pySHACL do it, so that we decide which graph is validated,
keep the caller's graph untouched, and can read owlrl's inconsistency reports (``daml:error`` triples), which it
writes into the graph as data and would otherwise pass silently into validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal as TypingLiteral
from typing import cast

import owlrl
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF

from comet_cn.resources import ontology_graph

__all__ = ["REASONING_MODES", "Closure", "Inconsistency", "ReasoningMode", "reason"]

ReasoningMode = TypingLiteral["none", "rdfs", "owlrl"]
REASONING_MODES: tuple[ReasoningMode, ...] = ("none", "rdfs", "owlrl")

_DAML = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
# Ill-typed literals are reported by the shape of the rule that reads the value, with that rule's id; owlrl's
# generic report of the same literal would only repeat it without saying which requirement is at stake.
_LEXICAL_ERROR = "Lexical value of the literal"
_IRI_IN_MESSAGE = re.compile(r"(?:https?|urn|file):[^\s,()'\"<>]+")


@dataclass(frozen=True)
class Inconsistency:
    """An OWL 2 RL inconsistency found by the reasoner, such as a node typed with two disjoint classes."""

    message: str
    focus_node: str | None


@dataclass(frozen=True)
class Closure:
    """The graph to validate and what reasoning found.

    :ivar graph: ontology ∪ asserted data ∪ inferred triples (a new graph; error triples removed).
    :ivar mode: the reasoning mode that was asked for.
    :ivar engine: the implementation that actually ran (``"none"``, ``"owlrl-rdfs"``, ``"owlrl"``).
    :ivar inconsistencies: OWL 2 RL inconsistencies, in a stable order.
    """

    graph: Graph
    mode: ReasoningMode
    engine: str
    inconsistencies: tuple[Inconsistency, ...]


def reason(
    data: Graph,
    mode: ReasoningMode = "owlrl",
    *,
    extra_ontology: Iterable[Graph] = (),
) -> Closure:
    """Merge ``data`` with the comet-cn ontology (and any extra ontology graphs) and compute the closure.

    :param data: the asserted claim graph; it is not modified.
    :param mode: ``"none"`` (merge only), ``"rdfs"`` or ``"owlrl"`` (OWL 2 RL, the default).
    :param extra_ontology: further ontology graphs, e.g. a user's own extension.
    :returns: the closure; ``closure.graph`` is a new graph.
    :raises ValueError: ``mode`` is not one of :data:`REASONING_MODES`.
    """
    if mode not in REASONING_MODES:
        raise ValueError(f"unknown reasoning mode {mode!r}; use one of {', '.join(REASONING_MODES)}")
    graph = Graph()
    for source in (ontology_graph(), *extra_ontology, data):
        for triple in source:
            graph.add(triple)
    if mode == "none":
        return Closure(graph=graph, mode=mode, engine="none", inconsistencies=())
    semantics = owlrl.RDFS_Semantics if mode == "rdfs" else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    engine = "owlrl-rdfs" if mode == "rdfs" else "owlrl"
    return Closure(graph=graph, mode=mode, engine=engine, inconsistencies=_take_errors(graph))


def _take_errors(graph: Graph) -> tuple[Inconsistency, ...]:
    """Remove owlrl's error reports from ``graph`` and return them as inconsistencies."""
    found: set[Inconsistency] = set()
    for report in list(graph.subjects(RDF.type, _DAML.ErrorMessage)):
        for message in graph.objects(report, _DAML.error):
            text = str(cast(Literal, message))
            if not text.startswith(_LEXICAL_ERROR):
                iris = _IRI_IN_MESSAGE.findall(text)
                found.add(Inconsistency(message=" ".join(text.split()), focus_node=iris[-1] if iris else None))
        graph.remove((report, None, None))
    return tuple(sorted(found, key=lambda item: (item.focus_node or "", item.message)))

