"""Unknown terms (rule CN-INPUT-02): keys and values a claim uses that no rule can read.

A JSON-LD processor drops every key its context does not define, silently, so a misspelt ``retirementDat`` would
vanish and the claim be judged without it. We expand JSON-LD with a marker ``@vocab`` underneath the document's own
context: a key or type the context does not define then expands to a marker IRI instead of vanishing, which
:func:`take_marked` removes again and reports. IRIs in the comet namespaces that the ontology does not define (a
typo in Turtle, or a compact IRI in JSON-LD) are found by :func:`unknown_iris`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from comet_cn.claim_store import distinct_objects, distinct_predicates, distinct_subjects, first_met

__all__ = [
    "COMET_NAMESPACES",
    "MARKER",
    "UnknownTerm",
    "bundled_terms",
    "compact",
    "defined_terms",
    "describe",
    "take_marked",
    "unknown_iris",
]

#: Expanding with ``{"@vocab": MARKER}`` under the document's context makes undefined terms visible.
MARKER = "urn:comet-cn:undefined-term:"

#: Namespaces whose terms must be defined by the ontology: comet-cn, every COMET module and the ISO-side IRIs.
COMET_NAMESPACES: tuple[str, ...] = (
    "https://comet.carbon/ext/iso14068#",
    "https://comet.carbon/v1/",
    "https://www.iso.org/standard/14068-1#",
    "https://www.iso.org/standard/14067#",
)

# Schemes an IRI may use without "//"; any other "word:rest" in a property or type position is a compact IRI
# whose prefix the context does not define.
_OPAQUE_SCHEMES = frozenset({"urn", "tag", "mailto", "did", "uuid", "data", "geo", "info"})
_COMPACT = re.compile(r"^([A-Za-z][A-Za-z0-9_.+-]*):(?!//)")

_PREFIXES = {
    "https://comet.carbon/ext/iso14068#": "comet-cn:",
    "https://comet.carbon/ext/iso14068/shapes#": "cnsh:",
    "https://comet.carbon/v1/core#": "comet:",
    "https://comet.carbon/v1/pcf#": "comet-pcf:",
    "https://comet.carbon/v1/eac#": "comet-eac:",
    "https://comet.carbon/v1/ver#": "comet-ver:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}


def compact(iri: str | None) -> str:
    """Shorten an IRI with the well-known comet prefixes, for people to read."""
    if iri is None:
        return ""
    for namespace, prefix in _PREFIXES.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return iri


Position = Literal["key", "type", "value"]


@dataclass(frozen=True)
class UnknownTerm:
    """One unknown term.

    :ivar term: the term as written (a JSON key or value) or the IRI.
    :ivar position: ``"key"`` (a property), ``"type"`` (an ``@type`` value) or ``"value"`` (a vocabulary value).
    :ivar node: the node it was found on (an IRI, or a description of a blank node).
    :ivar where: JSON paths where it occurs (JSON-LD input), empty for other syntaxes.
    :ivar suggestion: the nearest known term, if one is close.
    :ivar reason: why it is unknown, in a few words.
    """

    term: str
    position: Position
    node: str
    where: tuple[str, ...]
    suggestion: str | None
    reason: str

    def message(self) -> str:
        """The finding's message (without the rule id prefix)."""
        what = {"key": "property", "type": "type", "value": "value"}[self.position]
        at = f" at {', '.join(self.where)}" if self.where else ""
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        return f"the {what} {self.term!r}{at} {self.reason}, so no rule reads it{hint}"


def take_marked(graph: Graph, document: Any, context_terms: Iterable[str]) -> tuple[UnknownTerm, ...]:
    """Remove the marker triples from ``graph`` and report each undefined term, with its JSON paths.

    :param document: the parsed JSON-LD document the graph came from (to give JSON paths).
    :param context_terms: the terms of the bundled context, for suggestions.
    """
    occurrences: list[tuple[str, Position, Node, tuple[Node, Node, Node]]] = []
    for predicate in distinct_predicates(graph):
        if isinstance(predicate, URIRef) and predicate.startswith(MARKER):
            occurrences += [
                (predicate[len(MARKER) :], "key", s, (s, predicate, o)) for s, o in graph.subject_objects(predicate)
            ]
    for obj in distinct_objects(graph):
        if isinstance(obj, URIRef) and obj.startswith(MARKER):
            occurrences += [
                (obj[len(MARKER) :], "type" if p == RDF.type else "value", s, (s, p, obj))
                for s, p in graph.subject_predicates(obj)
            ]
    marked = first_met(graph, (((name, position), subject) for name, position, subject, _ in occurrences))
    for *_, triple in occurrences:
        graph.remove(triple)
    known = tuple(sorted(set(context_terms)))
    found = []
    for (name, position), subject in sorted(marked.items(), key=lambda item: (item[0][0], item[0][1])):
        found.append(
            UnknownTerm(
                term=name,
                position=position,
                node=describe(graph, subject),
                where=tuple(_json_paths(document, name, position))[:3],
                suggestion=_nearest(name, known),
                reason="is not defined by the JSON-LD context",
            )
        )
    found.extend(_undefined_prefixes(graph, document))
    return tuple(found)


def _undefined_prefixes(graph: Graph, document: Any) -> Iterator[UnknownTerm]:
    """Properties and types written as compact IRIs whose prefix the context does not define (``ex:foo``)."""
    candidates: list[tuple[Node, str, Position]] = [
        (subject, str(predicate), "key")
        for predicate in distinct_predicates(graph)
        if _undefined_prefix(predicate)
        for subject in graph.subjects(predicate, None)
    ]
    candidates += [
        (subject, str(kind), "type")
        for kind in set(graph.objects(None, RDF.type))
        if _undefined_prefix(kind)
        for subject in graph.subjects(RDF.type, kind)
    ]
    candidates.sort(key=lambda item: (item[1], item[2]))
    for (term, position), subject in first_met(graph, (((t, p), s) for s, t, p in candidates)).items():
        yield UnknownTerm(
            term=term,
            position=position,
            node=describe(graph, subject),
            where=tuple(_json_paths(document, term, position))[:3],
            suggestion=None,
            reason=f"uses the prefix {term.split(':', 1)[0]!r}, which the context does not define",
        )


def _undefined_prefix(term: Node) -> bool:
    match = _COMPACT.match(str(term)) if isinstance(term, URIRef) else None
    return match is not None and match.group(1).lower() not in _OPAQUE_SCHEMES


def unknown_iris(graph: Graph, defined: frozenset[str]) -> tuple[UnknownTerm, ...]:
    """IRIs in the comet namespaces that the ontology does not define, wherever they occur in ``graph``."""

    def unknown(term: Node) -> bool:
        return isinstance(term, URIRef) and str(term).startswith(COMET_NAMESPACES) and str(term) not in defined

    candidates: list[tuple[Node, str, Position]] = [
        (s, str(s), "value") for s in distinct_subjects(graph) if unknown(s)
    ]
    candidates += [
        (s, str(p), "key") for p in distinct_predicates(graph) if unknown(p) for s in graph.subjects(p, None)
    ]
    candidates += [
        (s, str(o), "type" if p == RDF.type else "value")
        for o in distinct_objects(graph)
        if unknown(o)
        for s, p in graph.subject_predicates(o)
    ]
    found = first_met(graph, (((iri, position), s) for s, iri, position in candidates))
    return tuple(
        UnknownTerm(
            term=iri,
            position=position,
            node=describe(graph, subject),
            where=(),
            suggestion=_nearest(iri, _same_namespace(iri, defined)),
            reason="is in a comet namespace but not defined by the ontology",
        )
        for (iri, position), subject in sorted(found.items(), key=lambda item: (item[0][0], item[0][1]))
    )


def defined_terms(ontology: Graph) -> frozenset[str]:
    """Every IRI the ontology says something about."""
    return frozenset(str(s) for s in ontology.subjects() if isinstance(s, URIRef))


@lru_cache(maxsize=1)
def bundled_terms() -> frozenset[str]:
    """Every IRI the bundled ontology says something about, read once per process."""
    from comet_cn.resources import ontology_graph

    return defined_terms(ontology_graph())


def _same_namespace(iri: str, defined: frozenset[str]) -> tuple[str, ...]:
    namespace = iri.rsplit("#", 1)[0] if "#" in iri else iri.rsplit("/", 1)[0]
    return _candidates(namespace, defined)


@lru_cache(maxsize=16)
def _candidates(namespace: str, defined: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(term for term in defined if term.startswith(namespace)))


def _nearest(name: str, known: tuple[str, ...]) -> str | None:
    if name in known:
        return None
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    if not matches:
        lowered = {term.lower(): term for term in known}
        matches = [lowered[name.lower()]] if name.lower() in lowered else []
    return matches[0] if matches else None


def describe(graph: Graph, node: Node) -> str:
    """An IRI as is; a blank node by how a named node reaches it, so messages stay readable and stable."""
    if not isinstance(node, BNode):
        return str(node)
    for subject, predicate in sorted(graph.subject_predicates(node), key=lambda sp: (str(sp[1]), str(sp[0]))):
        if isinstance(subject, URIRef):
            return f"[{predicate} of {subject}]"
    return "[blank node]"


def _json_paths(document: Any, name: str, position: Position) -> Iterator[str]:
    """JSON paths (``$.@graph[3].retirementDat``) where ``name`` occurs as a key, an ``@type`` or a value."""
    stack: list[tuple[Any, str]] = [(document, "$")]
    while stack:
        node, path = stack.pop(0)
        if isinstance(node, Mapping):
            for key, value in node.items():
                child = f"{path}.{key}"
                if key == "@context":
                    continue
                if position == "key" and key == name:
                    yield child
                if position == "type" and key == "@type" and (value == name or _contains(value, name)):
                    yield child
                if position == "value" and key != "@type" and (value == name or _contains(value, name)):
                    yield child
                stack.append((value, child))
        elif isinstance(node, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(node))


def _contains(value: Any, name: str) -> bool:
    return isinstance(value, list) and name in value
