"""Unknown terms (rule CN-INPUT-02): keys and values a claim uses that no rule can read.

A JSON-LD processor drops every key its context does not define, silently, so a misspelt ``retirementDat`` would
vanish and the claim be judged without it. We expand JSON-LD with a marker ``@vocab`` underneath the document's own
context: a key or type the context does not define then expands to a marker IRI instead of vanishing, which
:func:`take_marked` removes again and reports. IRIs in the comet namespaces that the ontology does not define (a
typo in Turtle, or a compact IRI in JSON-LD) are found by :func:`unknown_iris`, and so are IRIs a rule would miss
by a hair: in a near miss of a comet namespace (``http:`` for ``https:``, ``/`` for ``#``), a term the RDF, RDFS,
OWL or XSD vocabularies do not define (``rdf:typ``), and a relative IRI in Turtle used as a property or type (it
resolves to a ``file:`` IRI).

Three ways around the marker are closed as well, each read from the JSON itself so that both JSON-LD readers give
the same findings: a key shaped like a keyword but not one (``"@Type"``), which JSON-LD ignores
; a ``@vocab`` of the document's own, under which every key would expand; and a term of the bundled context
redefined to another IRI, where the rules read it: a comet term or prefix, a keyword alias, or the RDF, RDFS, OWL
or XSD prefix (all three in :func:`document_terms`). A prefix of another vocabulary (``schema``) may be redefined.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from comet_cn.claim_store import distinct_objects, distinct_predicates, distinct_subjects, first_met
from comet_cn.iris import starts_with_scheme

__all__ = [
    "COMET_NAMESPACES",
    "CONTEXT_NAMESPACES",
    "CONTEXT_NODE",
    "LOOK_ALIKE",
    "MARKER",
    "SPACED_KEY",
    "VOCAB_MARKER",
    "DocumentTerms",
    "UnknownTerm",
    "bundled_terms",
    "compact",
    "defined_terms",
    "describe",
    "document_terms",
    "iri_safe",
    "take_marked",
    "unknown_iris",
]

#: The node a finding on the document's own ``@context`` names (a term it redefines).
CONTEXT_NODE = "@context"

#: Expanding with ``{"@vocab": MARKER}`` under the document's context makes undefined terms visible.
MARKER = "urn:comet-cn:undefined-term:"

#: A document's own ``@vocab`` number ``i`` is read as ``VOCAB_MARKER + "i:"`` (see :func:`document_terms`).
VOCAB_MARKER = "urn:comet-cn:vocab-term:"

#: Namespaces of COMET extensions whose ontology is not bundled: their terms are those the bundled context defines.
#: The Responsible Steel extension's are read by CN-CLAIM-06 (hasNonConformity), so a misspelt or redefined one
#: must be found like any other.
CONTEXT_NAMESPACES: tuple[str, ...] = ("https://comet.carbon/ext/responsiblesteel#",)

#: Namespaces whose terms must be defined by the ontology (or, for :data:`CONTEXT_NAMESPACES`, by the bundled
#: context): comet-cn, every COMET module and the ISO-side IRIs.
COMET_NAMESPACES: tuple[str, ...] = (
    "https://comet.carbon/ext/iso14068#",
    "https://comet.carbon/v1/",
    "https://www.iso.org/standard/14068-1#",
    "https://www.iso.org/standard/14067#",
    *CONTEXT_NAMESPACES,
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


Position = Literal["key", "type", "value", "term", "datatype"]


@dataclass(frozen=True)
class UnknownTerm:
    """One unknown term.

    :ivar term: the term as written (a JSON key or value) or the IRI.
    :ivar position: ``"key"`` (a property), ``"type"`` (an ``@type`` value), ``"value"`` (a vocabulary value),
        ``"term"`` (a term the document's own ``@context`` defines) or ``"datatype"`` (a literal's datatype).
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
        what = {"key": "property", "type": "type", "value": "value", "term": "term", "datatype": "datatype"}[
            self.position
        ]
        at = f" at {', '.join(self.where)}" if self.where else ""
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        return f"the {what} {self.term!r}{at} {self.reason}, so no rule reads it{hint}"


def take_marked(
    graph: Graph,
    document: Any,
    context_terms: Iterable[str],
    vocabularies: tuple[str, ...] = (),
    *,
    keep: bool = False,
) -> tuple[UnknownTerm, ...]:
    """Remove the marker triples from ``graph`` and report each undefined term, with its JSON paths.

    :param document: the parsed JSON-LD document the graph came from (to give JSON paths).
    :param context_terms: the terms of the bundled context, for suggestions.
    :param vocabularies: the document's own ``@vocab`` IRIs, as :func:`document_terms` numbered them; a term
        that expanded through one is reported too, and its triples get back the IRI that ``@vocab`` gave them.
    :param keep: leave the marker triples in ``graph``, where :func:`unknown_iris` finds them again.
    """
    occurrences = _marked(graph, MARKER)
    for *_, triple in occurrences:
        if not keep:
            graph.remove(triple)
        elif any(_NOT_IRI.search(term) for term in triple if isinstance(term, URIRef)):
            # A key such as "{{notes}}" makes no IRI: kept percent-encoded, or no store or serializer takes the graph.
            graph.remove(triple)
            graph.add(tuple(iri_safe(term) if isinstance(term, URIRef) else term for term in triple))  # type: ignore[arg-type]
    known = tuple(sorted(set(context_terms)))
    found = [
        UnknownTerm(
            term=name,
            position=position,
            node=describe(graph, subject),
            where=tuple(_json_paths(document, name, position))[:3],
            suggestion=_nearest(name, known),
            reason="is not defined by the JSON-LD context",
        )
        for (name, position), subject in _first_of_each(graph, occurrences)
    ]
    if vocabularies:
        found.extend(_take_vocabulary_terms(graph, document, known, vocabularies))
    found.extend(_undefined_prefixes(graph, document))
    return tuple(found)


_Occurrence = tuple[str, Position, Node, tuple[Node, Node, Node]]


#: What an IRI may not hold (RFC 3987): white space, controls and the characters < > " { } | \ ^ `.
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def iri_safe(term: URIRef) -> URIRef:
    """``term`` with each character no IRI may hold percent-encoded (a marker IRI made from a key like "{{x}}")."""
    return URIRef(_NOT_IRI.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode("utf-8")), term))


def _marked(graph: Graph, marker: str) -> list[_Occurrence]:
    """Each use of an IRI starting with ``marker`` as a predicate (a key) or object (a type or value)."""
    occurrences: list[_Occurrence] = []
    for predicate in distinct_predicates(graph):
        if isinstance(predicate, URIRef) and predicate.startswith(marker):
            occurrences += [
                (predicate[len(marker) :], "key", s, (s, predicate, o)) for s, o in graph.subject_objects(predicate)
            ]
    for obj in distinct_objects(graph):
        if isinstance(obj, URIRef) and obj.startswith(marker):
            occurrences += [
                (obj[len(marker) :], "type" if p == RDF.type else "value", s, (s, p, obj))
                for s, p in graph.subject_predicates(obj)
            ]
    return occurrences


def _first_of_each(graph: Graph, occurrences: list[_Occurrence]) -> list[tuple[tuple[str, Position], Node]]:
    """Each (name, position) once, with the first node it occurs on, sorted by name and position."""
    marked = first_met(graph, (((name, position), subject) for name, position, subject, _ in occurrences))
    return sorted(marked.items(), key=lambda item: (item[0][0], item[0][1]))


def _take_vocabulary_terms(
    graph: Graph, document: Any, known: tuple[str, ...], vocabularies: tuple[str, ...]
) -> Iterator[UnknownTerm]:
    """Terms that only the document's own ``@vocab`` made IRIs of: reported, and given back their ``@vocab`` IRI.

    ``@vocab`` turns any key into an IRI, so under it a misspelt ``supportTransition`` would be data no rule reads,
    with nothing said. The triples are kept (with the IRI ``@vocab`` gives) for other uses of the graph, such as a
    user's extra ontology written with ``@vocab``.
    """
    occurrences = _marked(graph, VOCAB_MARKER)

    def restored(term: Node) -> Node:
        if isinstance(term, URIRef) and term.startswith(VOCAB_MARKER):
            index, _, name = term[len(VOCAB_MARKER) :].partition(":")
            return URIRef(vocabularies[int(index)] + name)
        return term

    for triple in {triple for *_, triple in occurrences}:
        graph.remove(triple)
        graph.add((restored(triple[0]), restored(triple[1]), restored(triple[2])))
    for (marked_name, position), subject in _first_of_each(graph, occurrences):
        index, _, name = marked_name.partition(":")
        yield UnknownTerm(
            term=name,
            position=position,
            node=describe(graph, restored(subject)),
            where=tuple(_json_paths(document, name, position))[:3],
            suggestion=_nearest(name, known),
            reason=f"is defined only by the @vocab {vocabularies[int(index)]!r} of the document's own @context, "
            "and @vocab defines no terms for comet-cn",
        )


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
    return isinstance(term, URIRef) and _compact_form(str(term))


def _compact_form(text: str) -> bool:
    """``prefix:rest`` without "//" after the colon, and not one of the schemes written that way (``urn:``)."""
    match = _COMPACT.match(text)
    return match is not None and match.group(1).lower() not in _OPAQUE_SCHEMES


def unknown_iris(graph: Graph, defined: frozenset[str]) -> tuple[UnknownTerm, ...]:
    """IRIs that look like vocabulary no rule can read, wherever they occur in ``graph``.

    Those in the comet namespaces that the ontology does not define; near misses of those namespaces
    (``http://comet.carbon/...`` for ``https://``, or ``.../iso14068/supportsTransition`` with ``/`` for ``#``),
    which would otherwise be another vocabulary no rule reads; terms of the RDF, RDFS, OWL and XSD vocabularies
    that those do not define (``rdf:typ``); and, as a property, a type or a datatype, an IRI with the ``file:``
    scheme (a relative IRI in Turtle, resolved against the file's own location). One prefix test per distinct IRI
    keeps the common case (ordinary IRIs of the user's own namespaces) cheap.
    """
    diagnoses: dict[tuple[str, bool], _Diagnosis | None] = {}

    def diagnose(term: Node, vocabulary_position: bool) -> _Diagnosis | None:
        if not isinstance(term, URIRef):
            return None
        text = str(term)  # (URIRef.startswith takes no tuple)
        if vocabulary_position and text.endswith(("/", "#")):
            # A namespace, not a term: a key that is a prefix of the context ("unit", "schema", "qudt") expands to
            # the bare namespace, which no rule reads (red team 113b: a footprint's unit "kt CO2e" went unread).
            return _NAMESPACE_DIAGNOSIS
        if not text.startswith(_WATCHED) and not text[:32].lower().startswith(_WATCHED_FOLDED):
            return None
        key = (str(term), vocabulary_position)
        if key not in diagnoses:
            diagnoses[key] = _diagnose(key[0], defined, vocabulary_position)
        return diagnoses[key]

    candidates: list[tuple[Node, str, Position, _Diagnosis]] = []
    for s in distinct_subjects(graph):
        if (found := diagnose(s, False)) is not None:
            candidates.append((s, str(s), "value", found))
    for p in distinct_predicates(graph):
        if (found := diagnose(p, True)) is not None:
            candidates += [(s, str(p), "key", found) for s in graph.subjects(p, None)]
    datatypes: set[URIRef] = set()
    for o in distinct_objects(graph):
        if isinstance(o, RDFLiteral):
            if o.datatype is not None:
                datatypes.add(o.datatype)
            continue
        if diagnose(o, True) is None:  # (a property or type is reported whenever a value is)
            continue
        for s, p in graph.subject_predicates(o):
            position: Position = "type" if p == RDF.type else "value"
            if (found := diagnose(o, position == "type")) is not None:
                candidates.append((s, str(o), position, found))
    for datatype in datatypes:
        if (found := diagnose(datatype, True)) is not None:
            candidates += [
                (s, str(datatype), "datatype", found)
                for o in distinct_objects(graph)
                if isinstance(o, RDFLiteral) and o.datatype == datatype
                for s in graph.subjects(None, o)
            ]
    reasons = {(iri, position): found for _, iri, position, found in candidates}
    first = first_met(graph, (((iri, position), s) for s, iri, position, _ in candidates))
    return tuple(
        UnknownTerm(
            term=iri,
            position=position,
            node=describe(graph, subject),
            where=(),
            suggestion=reasons[iri, position][0],
            reason=reasons[iri, position][1],
        )
        for (iri, position), subject in sorted(first.items(), key=lambda item: (item[0][0], item[0][1]))
    )


_Diagnosis = tuple[str | None, str]  # the suggestion, and why the IRI is unknown

_NAMESPACE_DIAGNOSIS: _Diagnosis = (
    None,
    "is a namespace, not a term: a key or type written as a prefix of the context alone (unit, schema, qudt) "
    "stands for the namespace itself, which no rule reads",
)

#: The W3C vocabularies whose every term rdflib knows, so that a typo in one (``rdf:typ``) is found.
_W3C_VOCABULARIES = (RDF, RDFS, OWL, XSD)
_W3C_NAMES = {str(RDF): "RDF", str(RDFS): "RDFS", str(OWL): "OWL", str(XSD): "XSD"}
#: Terms of those namespaces that rdflib's lists leave out but that are defined all the same.
_W3C_EXTRA = frozenset({str(RDF) + "li", str(XSD) + "anySimpleType", str(XSD) + "anyAtomicType"})

#: Where an IRI that may be unknown starts: one ``startswith`` per distinct IRI skips every other IRI.
_WATCHED: tuple[str, ...] = (
    MARKER,
    *COMET_NAMESPACES,
    "https://comet.carbon/",
    "http://comet.carbon/",
    "http://www.iso.org/standard/",
    "https://www.iso.org/standard/",
    *_W3C_NAMES,
    "file:",
)


#: The same, case-folded and without the "/" after the host, for IRIs written with capitals or a port.
_WATCHED_FOLDED = ("https://comet.carbon", "http://comet.carbon", "https://www.iso.org", "http://www.iso.org")


def _diagnose(iri: str, defined: frozenset[str], vocabulary_position: bool) -> _Diagnosis | None:
    """Why ``iri`` is unknown, with a suggestion, or None when it is fine.

    :param vocabulary_position: whether ``iri`` is a property, a type or a datatype (where only vocabulary
        belongs), rather than a node or a value (where a document or web page of the same site may be named).
    """
    if iri.startswith(MARKER):
        # A key or type the JSON-LD context did not define, kept as a marker IRI (by comet_cn.load() or cn-convert).
        return _nearest(unquote(iri[len(MARKER) :]), _context_term_names()), (
            "is a key or type the JSON-LD context does not define (kept as a marker IRI)"
        )
    if iri.startswith(COMET_NAMESPACES):
        if iri in defined:
            return None
        miss = _near_miss(iri, defined)  # .../v1/core/Organization for .../v1/core#Organization
        return miss[0] if miss and miss[0] in defined else _nearest(iri, _same_namespace(iri, defined)), (
            "is in a comet namespace but not defined by the ontology"
        )
    for namespace, name in _W3C_NAMES.items():
        if iri.startswith(namespace):
            return _w3c_diagnosis(iri, namespace, name)
    if iri.startswith("file:"):
        if not vocabulary_position:
            return None  # a relative node IRI: fine, the node is merely named after the file
        return _local_terms(defined).get(_local_name(iri)), (
            "is a relative IRI (resolved against the input's own location to a file: IRI), not a vocabulary term"
        )
    found = _near_miss(iri, defined)
    if found is None:
        return _written_otherwise(iri, defined, vocabulary_position)
    intended, namespace, near, scheme_only = found
    if intended in defined:
        suggestion: str | None = intended
    else:
        if not vocabulary_position and not (scheme_only and intended != namespace):
            return None  # a page of the same site, say, named as a value: no term was meant
        suggestion = _nearest(intended, _same_namespace(intended, defined))
    return suggestion, f"is in {near!r}, a near miss of the comet namespace {namespace!r}"


def _written_otherwise(iri: str, defined: frozenset[str], vocabulary_position: bool) -> _Diagnosis | None:
    """A property, type or datatype in a comet namespace written another way: the scheme or host in capitals, a
    port, ``//`` or ``./`` in the path, a ``/`` before the ``#``, a file suffix (``iso14068.ttl#``), a hyphen
    (``iso-14068#``), a version segment (``iso14068/0.2.0#``) or ``%23`` for the ``#``. Every one is another IRI,
    which no rule reads."""
    if not vocabulary_position:
        return None
    if "#" not in iri:
        if "%23" not in iri.lower():
            return None
        at = iri.lower().index("%23")  # the "#" percent-encoded: another IRI, which no rule reads
        base, local = iri[:at], iri[at + 3 :]
    else:
        base, _, local = iri.partition("#")
    try:
        parts = urlsplit(base)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    path = re.sub(r"/+", "/", parts.path.replace("/./", "/")).rstrip("/")
    path = re.sub(r"\.(ttl|owl|rdf|jsonld|json|n3|nt|xml)$", "", path, flags=re.IGNORECASE)
    path = path.replace("-", "").replace("_", "").lower()
    folded = _folded_namespaces(defined)
    namespace = folded.get(f"https://{host}{path}#")
    if namespace is None:
        # A version segment before the "#" (.../iso14068/0.2.0#, the ontology's version IRI): not its namespace.
        namespace = folded.get(f"https://{host}{re.sub(r'/v?[0-9]+([.][0-9]+)*$', '', path)}#")
    if namespace is None or namespace + local == iri:
        return None
    intended = namespace + local
    suggestion = intended if intended in defined else _nearest(intended, _same_namespace(intended, defined))
    return suggestion, f"is written otherwise than the comet namespace {namespace!r} (another IRI)"


@lru_cache(maxsize=4)
def _folded_namespaces(defined: frozenset[str]) -> dict[str, str]:
    """Each comet namespace ending in ``#`` by its folded form (https, the path in lower case without hyphens or
    underscores), and an ISO standard's also without its part number (``.../standard/14068#`` for
    ``.../standard/14068-1#``, red team 106b): the forms :func:`_written_otherwise` compares a written IRI's with."""
    folded: dict[str, str] = {}
    for namespace in sorted(_hash_namespaces(defined)):
        parts = urlsplit(namespace[:-1])
        path = parts.path.rstrip("/")
        for form in (path, re.sub(r"-[0-9]+$", "", path)):
            key = f"https://{(parts.hostname or '').lower()}{form.replace('-', '').replace('_', '').lower()}#"
            folded.setdefault(key, namespace)
    return folded


@lru_cache(maxsize=4)
def _hash_namespaces(defined: frozenset[str]) -> frozenset[str]:
    """The comet namespaces that end in ``#``, the ontology's modules (``.../v1/core#``) among them."""
    hashed = {ns for ns in COMET_NAMESPACES if ns.endswith("#")}
    return frozenset(
        hashed | {t.split("#", 1)[0] + "#" for t in defined if "#" in t and t.startswith(COMET_NAMESPACES)}
    )


@lru_cache(maxsize=1024)
def _w3c_diagnosis(iri: str, namespace: str, name: str) -> _Diagnosis | None:
    local = iri[len(namespace) :]
    vocabulary = next(v for v in _W3C_VOCABULARIES if str(v) == namespace)
    if not local or iri in _W3C_EXTRA or URIRef(iri) in vocabulary:
        return None
    terms = tuple(sorted(str(term)[len(namespace) :] for term in dir(vocabulary)))
    nearest = _nearest(local, terms)
    return (namespace + nearest if nearest else None), f"is in the {name} namespace but not a term {name} defines"


def _near_miss(iri: str, defined: frozenset[str]) -> tuple[str, str, str, bool] | None:
    """The IRI in a comet namespace that ``iri`` misspells (``http:`` for ``https:``, or ``/`` for the ``#`` of a
    namespace), that namespace, the near miss ``iri`` is in and whether only its scheme is wrong; or None when
    ``iri`` is no near miss."""
    for near, namespace, scheme_only in _near_namespaces(defined):
        if iri.startswith(near):
            local = iri[len(near) :]
            if not scheme_only and ("/" in local or "#" in local or not local):
                continue  # a deeper path (.../iso14068/shapes#X, .../0.2.0/context.jsonld): not a term of it
            return namespace + local, namespace, near, scheme_only
    return None


@lru_cache(maxsize=4)
def _near_namespaces(defined: frozenset[str]) -> tuple[tuple[str, str, bool], ...]:
    """Each near miss of a comet namespace, with the namespace and whether only the scheme differs: the ``http:``
    forms of every one, and for each namespace ending in ``#`` (those of the ontology's terms too, such as
    ``.../v1/core#``) its forms with ``/``. Longest first, so that the most specific one applies."""
    hashed = sorted(_hash_namespaces(defined))
    near: dict[str, tuple[str, bool]] = {}
    for namespace in (*COMET_NAMESPACES, *hashed):
        near["http://" + namespace.removeprefix("https://")] = (namespace, True)
    for namespace in hashed:
        slash = namespace[:-1] + "/"
        near[slash] = (namespace, False)
        near["http://" + slash.removeprefix("https://")] = (namespace, False)
    return tuple(
        (prefix, namespace, scheme_only)
        for prefix, (namespace, scheme_only) in sorted(near.items(), key=lambda item: -len(item[0]))
    )


@lru_cache(maxsize=4)
def _local_terms(defined: frozenset[str]) -> dict[str, str]:
    """Each local name of a comet term with its IRI, comet-cn's first (for a relative IRI that meant one)."""
    terms: dict[str, str] = {}
    for namespace in COMET_NAMESPACES:
        for term in sorted(defined):
            if term.startswith(namespace):
                terms.setdefault(_local_name(term), term)
    return terms


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[1] if "#" in iri else iri.rsplit("/", 1)[-1]


def defined_terms(ontology: Graph) -> frozenset[str]:
    """Every IRI the ontology says something about."""
    return frozenset(str(s) for s in ontology.subjects() if isinstance(s, URIRef))


@lru_cache(maxsize=1)
def bundled_terms() -> frozenset[str]:
    """Every IRI the bundled ontology says something about, and every term of :data:`CONTEXT_NAMESPACES` the
    bundled context defines; read once per process."""
    from comet_cn.ontology_index import bundled_index  # the ontology's IRIs without parsing it

    return bundled_index().defined | _context_namespace_terms()


def _context_namespace_terms() -> frozenset[str]:
    """The IRIs in :data:`CONTEXT_NAMESPACES` that the bundled context maps a term to (``comet-rs:NonConformity``).

    Read from the context's JSON with its own prefixes: the bundled context uses only ``prefix:name`` and full IRIs.
    """
    from comet_cn.resources import context_document

    entries = context_document()["@context"]
    prefixes = {term: iri for term, iri in entries.items() if isinstance(iri, str) and iri.endswith(("#", "/"))}
    found = set()
    for value in entries.values():
        iri = value.get("@id") if isinstance(value, Mapping) else value
        if not isinstance(iri, str):
            continue
        prefix, colon, rest = iri.partition(":")
        if colon and prefix in prefixes:
            iri = prefixes[prefix] + rest
        if iri.startswith(CONTEXT_NAMESPACES) and iri not in CONTEXT_NAMESPACES:
            found.add(iri)
    return frozenset(found)


def _same_namespace(iri: str, defined: frozenset[str]) -> tuple[str, ...]:
    namespace = iri.rsplit("#", 1)[0] if "#" in iri else iri.rsplit("/", 1)[0]
    return _candidates(namespace, defined)


@lru_cache(maxsize=16)
def _candidates(namespace: str, defined: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(term for term in defined if term.startswith(namespace)))


@lru_cache(maxsize=1)
def _context_term_names() -> tuple[str, ...]:
    from comet_cn.resources import context_terms  # the bundled context, read once per process

    return tuple(sorted(set(context_terms())))


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


# ---- Read from the JSON itself: keyword look-alikes, the document's own @vocab, redefined bundled terms ----

#: The keywords of JSON-LD 1.1 syntax. Any other key of the form "@" + letters is ignored by JSON-LD processors
#: (the standard reserves them), so "@Type" would drop a node's type without a word.
JSONLD_KEYWORDS = frozenset(
    {
        "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included", "@index",
        "@json", "@language", "@list", "@nest", "@none", "@prefix", "@propagate", "@protected", "@reverse", "@set",
        "@type", "@value", "@version", "@vocab",
    }
)  # fmt: skip
_KEYWORD_FORM = re.compile(r"@[A-Za-z]+")
_WHITE_SPACE = re.compile(r"\s")  # the characters of str.isspace, found in C


@dataclass(frozen=True)
class DocumentTerms:
    """What :func:`document_terms` reads from a JSON-LD document before it is expanded.

    :ivar document: the document to expand: the same object, or a copy whose own ``@vocab`` entries are markers.
    :ivar vocabularies: the ``@vocab`` IRIs the markers stand for, in their order (for :func:`take_marked`).
    :ivar unknown: keys shaped like keywords that are none, and bundled terms the document redefines.
    :ivar foreign_contexts: every ``@context`` (or ``@import``) string that is not a bundled context's IRI: refused
        before pyld sees it, since pyld looks a string up in its process-wide cache of contexts first, where the
        JSON text of a context read earlier (the bundled one's, another input's) is a key.
    """

    document: Any
    vocabularies: tuple[str, ...]
    unknown: tuple[UnknownTerm, ...]
    foreign_contexts: tuple[str, ...] = ()


def document_terms(document: Any) -> DocumentTerms:
    """Read from the JSON of ``document`` (not from its graph, so that both JSON-LD readers give the same
    findings) what the marker ``@vocab`` cannot catch: keys shaped like JSON-LD keywords that are none (every
    processor drops them), the document's own ``@vocab`` (which would catch a misspelt key first, see
    :func:`_mark_vocabularies`) and terms of the bundled context that its own ``@context`` redefines."""
    contexts, look_alikes, spaced = _scan(document)
    marked, vocabularies = _mark_vocabularies(document, contexts)
    unknown = (
        *_keyword_look_alikes(document, look_alikes),
        *_spaced_keys(document, spaced),
        *_redefinitions(document, contexts),
    )
    return DocumentTerms(marked, vocabularies, unknown, tuple(_foreign_contexts(contexts)))


def _foreign_contexts(contexts: list[_Context]) -> Iterator[str]:
    from comet_cn.resources import CONTEXT_IRIS

    for _, context in contexts:
        for entry in context if isinstance(context, list) else [context]:
            if isinstance(entry, Mapping):
                entry = entry.get("@import")
            if isinstance(entry, str) and entry not in CONTEXT_IRIS:
                yield entry


_Context = tuple[str, Any]  # a @context value and its JSON path


def _scan(document: Any) -> tuple[list[_Context], dict[str, Mapping[str, Any]], dict[str, Mapping[str, Any]]]:
    """One walk of ``document``: every ``@context`` (at the top, on nodes, scoped in term definitions) with its
    path, each key shaped like a keyword that is none, and each key holding white space that no context in its
    scope defines, with the first node (breadth first) that has it."""
    contexts: list[_Context] = []
    look_alikes: dict[str, Mapping[str, Any]] = {}
    spaced: dict[str, Mapping[str, Any]] = {}
    # Each entry carries the terms the contexts in scope define: a node's own @context holds for it and below.
    queue: deque[tuple[Any, str, frozenset[str]]] = deque([(document, "$", frozenset())])
    while queue:  # breadth first, in document order, as _json_paths
        node, path, defined = queue.popleft()
        if isinstance(node, Mapping):
            if "@context" in node:
                defined = _in_scope(node["@context"], defined)
            for key, value in node.items():
                if not isinstance(key, str):
                    continue
                if key == "@context":
                    contexts.extend(_context_and_scoped(value, f"{path}.@context"))
                    continue
                if key[:1] == "@":
                    if key not in JSONLD_KEYWORDS and _KEYWORD_FORM.fullmatch(key):
                        look_alikes.setdefault(key, node)
                    if key == "@value":
                        continue  # a JSON literal's keys are data, not terms
                if key not in defined and _WHITE_SPACE.search(key):
                    spaced.setdefault(key, node)
                if isinstance(value, (Mapping, list)):
                    queue.append((value, f"{path}.{key}", defined))
        elif isinstance(node, list):
            queue.extend(
                (item, f"{path}[{i}]", defined) for i, item in enumerate(node) if isinstance(item, (Mapping, list))
            )
    return contexts, look_alikes, spaced


def _in_scope(context: Any, defined: frozenset[str]) -> frozenset[str]:
    """The terms defined once ``context`` applies over ``defined``: its own added, all dropped by a null context."""
    terms = set(defined)
    for entry in context if isinstance(context, list) else [context]:
        if entry is None:
            terms.clear()
        elif isinstance(entry, Mapping):
            terms.update(term for term in entry if isinstance(term, str))
    return frozenset(terms)


def _context_and_scoped(context: Any, path: str) -> Iterator[_Context]:
    yield path, context
    for at, entry in _definitions(context, path):
        for term, definition in entry.items():
            if isinstance(definition, Mapping) and "@context" in definition:
                yield from _context_and_scoped(definition["@context"], f"{at}.{term}.@context")


def _definitions(context: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objects of term definitions in one ``@context`` value, each with its JSON path."""
    if isinstance(context, list):
        for index, entry in enumerate(context):
            if isinstance(entry, dict):
                yield f"{path}[{index}]", entry
    elif isinstance(context, dict):
        yield path, context


def _mark_vocabularies(document: Any, contexts: list[_Context]) -> tuple[Any, tuple[str, ...]]:
    """``document`` with each ``@vocab`` of its own contexts replaced by a marker, and the IRIs they had.

    A ``@vocab`` catches every key no term defines, misspelt ones too, so none would reach the marker underneath.
    An absolute ``@vocab`` IRI becomes ``VOCAB_MARKER + "i:"`` (:func:`take_marked` reports the terms it expands and
    gives them back their IRI); any other (null, relative or compact) becomes :data:`MARKER` itself, since with it
    a key no term defines is dropped or is no comet-cn term either. The document is copied only when it has one.
    """
    if not any("@vocab" in entry for at, context in contexts for _, entry in _definitions(context, at)):
        return document, ()
    copied = copy.deepcopy(document)
    vocabularies: list[str] = []
    for at, context in _scan(copied)[0]:
        for _, entry in _definitions(context, at):
            if "@vocab" not in entry:
                continue
            vocabulary = entry["@vocab"]
            if isinstance(vocabulary, str) and starts_with_scheme(vocabulary) and not _compact_form(vocabulary):
                entry["@vocab"] = f"{VOCAB_MARKER}{len(vocabularies)}:"
                vocabularies.append(vocabulary)
            else:
                entry["@vocab"] = MARKER
    return copied, tuple(vocabularies)


def _keyword_look_alikes(document: Any, look_alikes: dict[str, Mapping[str, Any]]) -> Iterator[UnknownTerm]:
    """Keys such as ``@Type``, ``@ID`` or ``@vlaue``: JSON-LD ignores them, so the type, id or value is lost."""
    keywords = tuple(sorted(JSONLD_KEYWORDS))
    for key in sorted(look_alikes):
        identifier = look_alikes[key].get("@id", look_alikes[key].get("id"))
        yield UnknownTerm(
            term=key,
            position="key",
            node=_expanded(identifier, document) if isinstance(identifier, str) else "[blank node]",
            where=tuple(_json_paths(document, key, "key"))[:3],
            suggestion=_nearest(key, keywords),
            reason=LOOK_ALIKE,
        )


#: Why a key shaped like a JSON-LD keyword is unknown (see :func:`_keyword_look_alikes`).
LOOK_ALIKE = "looks like a JSON-LD keyword but is none (keywords are case-sensitive), and JSON-LD ignores it"

#: Why a key holding white space is unknown (see :func:`_spaced_keys`).
SPACED_KEY = "holds white space, which no IRI can, so JSON-LD drops it and its value"


def _spaced_keys(document: Any, spaced: dict[str, Mapping[str, Any]]) -> Iterator[UnknownTerm]:
    """Keys such as ``"electricity method"`` (a workbook header, say) that no context in their scope defines.

    The marker ``@vocab`` cannot catch them: the IRI it would make holds white space, which no IRI can, so every
    JSON-LD processor drops the key and its value without a word. A term a context defines may hold white space,
    but only where that context applies: a node's own ``@context`` does not reach its siblings.
    """
    if not spaced:
        return
    known = tuple(sorted(term for term in _bundled_mappings() if not term.startswith("@")))
    for key in sorted(spaced):
        identifier = spaced[key].get("@id", spaced[key].get("id"))
        joined = re.sub(r"\s+", "", key).lstrip("@")
        yield UnknownTerm(
            term=key,
            position="key",
            node=_expanded(identifier, document) if isinstance(identifier, str) else "[blank node]",
            where=tuple(_json_paths(document, key, "key"))[:3],
            suggestion=joined if joined in known else _nearest(joined, known),
            reason=SPACED_KEY,
        )


def _expanded(identifier: str, document: Any) -> str:
    """A node's ``@id`` as an IRI where its prefix is a plain one of the bundled or top-level context (for the
    message only: the node may be hard to find in a long document)."""
    prefix, colon, rest = identifier.partition(":")
    if not colon or rest.startswith("//"):
        return identifier
    prefixes = {term: iri for term, (iri, _) in _bundled_mappings().items() if iri}
    top = document.get("@context") if isinstance(document, Mapping) else None
    for _, entry in _definitions(top, "$"):
        prefixes.update((term, iri) for term, iri in entry.items() if isinstance(iri, str))
    return prefixes[prefix] + rest if prefix in prefixes else identifier


def _redefinitions(document: Any, contexts: list[_Context]) -> Iterator[UnknownTerm]:
    """Terms of the bundled context (``supportsTransition``, or a prefix such as ``comet-cn``) that the document's
    own ``@context`` maps to another IRI (or to null): its data would then be out of every rule's sight.

    Only the IRI is compared: re-stating a bundled term with the same IRI is fine. Only terms the rules read count
    (see :func:`_read_by_rules`): ``"schema": "https://schema.org/"`` for the user's own annotations is fine too.
    """
    # The terms the bundled context defines, read off its JSON: the common case (only local prefixes) is settled
    # without pyld, whose import and processing of the bundled context are a tenth of a cold start.
    defined = _defined_terms()
    top = document.get("@context") if isinstance(document, Mapping) else None
    reported: set[str] = set()
    for at, context in contexts:
        if not any(term in defined for _, entry in _definitions(context, at) for term in entry):
            continue
        bundled = _read_by_rules()
        if not any(term in bundled for _, entry in _definitions(context, at) for term in entry):
            continue  # bundled terms the rules do not read (a prefix for the user's own annotations)
        # A context other than the top one applies on top of it (a node's, or one scoped in a term definition).
        chain = [] if at == "$.@context" or top is None else _entries(top)
        active = _process_context([*chain, *_entries(context)])
        if active is None:
            continue  # the reader reports the error in the context
        bundled_seen = _bundled_applies(chain)
        for index, entry in enumerate(_entries(context)):
            bundled_seen = _bundled_applies([entry], bundled_seen)
            if not bundled_seen or not isinstance(entry, Mapping):
                continue
            path = at if not isinstance(context, list) else f"{at}[{index}]"
            for term in entry:
                if term not in bundled or term in reported:
                    continue
                now = active.get(term, (None, False))
                if now == bundled[term]:
                    continue
                reported.add(term)
                iri, reverse = now
                to = "null (JSON-LD then drops the key)" if iri is None else f"{iri!r}"
                to += " (as a reverse property)" if reverse else ""
                yield UnknownTerm(
                    term=term,
                    position="term",
                    node=CONTEXT_NODE,
                    where=(f"{path}.{term}", *tuple(_json_paths(document, term, "key"))[:2]),
                    suggestion=None,
                    reason=f"(comet-cn's {bundled[term][0]!r}) is redefined by the document's own @context to {to}",
                )


@lru_cache(maxsize=1)
def _defined_terms() -> frozenset[str]:
    """The terms the bundled context's JSON defines (pyld's mappings of it hold no others: tests/test_fast_paths.py)."""
    from comet_cn.resources import context_terms

    return frozenset(context_terms())


@lru_cache(maxsize=1)
def _read_by_rules() -> dict[str, tuple[str | None, bool]]:
    """The terms of the bundled context whose redefinition changes what comet-cn's rules read: an alias of a keyword
    (``type``), a term or prefix in the comet namespaces (``supportsTransition``, ``comet-cn``, ``comet``) and the
    prefixes of the RDF, RDFS, OWL and XSD vocabularies (types, ``owl:sameAs``, datatypes). A prefix of another
    vocabulary (``schema``, ``dcterms``, ``skos``) only serves the user's own annotations, and may be redefined."""
    return {
        term: (iri, reverse)
        for term, (iri, reverse) in _bundled_mappings().items()
        if iri is not None and (iri.startswith(("@", *COMET_NAMESPACES)) or iri in _W3C_NAMES)
    }


def _entries(context: Any) -> list[Any]:
    return list(context) if isinstance(context, list) else [context]


def _bundled_applies(entries: list[Any], seen: bool = False) -> bool:
    """Whether the bundled context is in force after ``entries`` (a null context clears it)."""
    from comet_cn.resources import CONTEXT_IRIS

    for entry in entries:
        if entry is None:
            seen = False
        elif isinstance(entry, str) and entry in CONTEXT_IRIS:
            seen = True
    return seen


@lru_cache(maxsize=1)
def _bundled_mappings() -> dict[str, tuple[str | None, bool]]:
    """Each term of the bundled context with the IRI it expands to and whether it is a reverse property."""
    found = _process_context([_bundled_iri()])
    if found is None:  # pragma: no cover - the bundled context is valid (tests/test_context.py)
        raise RuntimeError("the bundled JSON-LD context cannot be processed")
    return found


def _bundled_iri() -> str:
    from comet_cn.resources import CONTEXT_IRIS

    return CONTEXT_IRIS[0]


def _process_context(entries: list[Any]) -> dict[str, tuple[str | None, bool]] | None:
    """The term mappings pyld makes of ``entries`` (the bundled context's IRIs served offline, any other IRI
    refused), or None when it refuses them."""
    from pyld import jsonld

    from comet_cn.loading import _OfflineLoader  # imported here: loading imports this module

    processor = jsonld.JsonLdProcessor()
    options = {"documentLoader": _OfflineLoader("@context"), "processingMode": "json-ld-1.1", "base": ""}
    try:
        # pyld's own processing, so that the IRIs are exactly those its reader (and Oxigraph's, the same) gives.
        active = processor.process_context(processor._get_initial_context(options), entries, options)
    except Exception:  # any refusal: the reader itself reports it
        return None
    return {
        term: (mapping.get("@id"), bool(mapping.get("reverse")))
        for term, mapping in active.get("mappings", {}).items()
        if isinstance(mapping, Mapping)
    }
