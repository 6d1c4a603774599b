"""A fast OWL 2 RL engine for claim data: close the ontology once, then apply its compiled entailments per claim.

owlrl re-derives the whole ontology for every claim, and its cost grows with ontology + data. The ontology does not
change between claims, so we close it once with owlrl and read off what it entails for instance data: superclasses,
superproperties, inverse, symmetric and transitive properties, domains, ranges and disjoint classes. Applying those
tables to a claim is a small fixpoint over the claim's own triples.

This is complete only for ontologies made of those constructs. :func:`compile_ontology` returns None when the closed
ontology uses anything else that acts on instances (restrictions, functional properties, property chains, keys,
intersections, enumerations, sameAs...), and a claim that carries schema triples of its own is not eligible either;
in both cases the caller runs owlrl instead. tests/test_reasoning.py proves parity with owlrl.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from comet_cn.claim_store import distinct_predicates

__all__ = ["CompiledOntology", "compile_ontology", "eligible_claim"]

# Vocabulary whose presence in instance data would change the schema: such a claim goes to owlrl.
_SCHEMA_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.sameAs,
        OWL.differentFrom,
        OWL.disjointWith,
        OWL.propertyDisjointWith,
        OWL.unionOf,
        OWL.intersectionOf,
        OWL.oneOf,
        OWL.complementOf,
        OWL.onProperty,
        OWL.hasValue,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasKey,
        OWL.propertyChainAxiom,
        OWL.members,
        OWL.distinctMembers,
        OWL.sourceIndividual,
        OWL.assertionProperty,
    }
)
_SCHEMA_TYPES = frozenset(
    {
        OWL.Class,
        RDFS.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        RDF.Property,
        OWL.Restriction,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.IrreflexiveProperty,
        OWL.ReflexiveProperty,
        OWL.AllDisjointClasses,
        OWL.AllDifferent,
        OWL.NegativePropertyAssertion,
        OWL.AllDisjointProperties,
    }
)
# Constructs that act on instances in ways the tables do not model.
_UNSUPPORTED_TYPES = frozenset(
    {
        OWL.Restriction,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.AsymmetricProperty,
        OWL.IrreflexiveProperty,
        OWL.ReflexiveProperty,
        OWL.NegativePropertyAssertion,
        OWL.AllDisjointProperties,
        OWL.AllDifferent,
    }
)
_UNSUPPORTED_PREDICATES = frozenset(
    {
        OWL.hasKey,
        OWL.propertyChainAxiom,
        OWL.intersectionOf,
        OWL.oneOf,
        OWL.complementOf,
        OWL.sameAs,
        OWL.differentFrom,
        OWL.propertyDisjointWith,
        OWL.hasValue,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
    }
)
# Classes every resource belongs to under OWL-RL; they carry no information for the shapes.
TRIVIAL_CLASSES = frozenset({OWL.Thing, RDFS.Resource, OWL.NamedIndividual})


@dataclass(frozen=True)
class CompiledOntology:
    """What a closed ontology entails for instance data, as lookup tables.

    ``closed`` is the closed ontology the tables were read from, or None for tables read back from the cache.
    """

    closed: Graph | None
    superclasses: dict[Node, frozenset[Node]]
    superproperties: dict[Node, frozenset[Node]]
    inverses: dict[Node, frozenset[Node]]
    symmetric: frozenset[Node]
    transitive: frozenset[Node]
    domains: dict[Node, frozenset[Node]]
    ranges: dict[Node, frozenset[Node]]
    disjoint: dict[Node, frozenset[Node]]

    def expand(self, data: Graph) -> tuple[set[tuple[Node, Node, Node]], list[str]]:
        """The triples OWL 2 RL adds to ``data`` given this ontology, and the disjointness clashes found."""
        known = set(data)
        new: set[tuple[Node, Node, Node]] = set()
        pending = list(known)
        # Looked up once: this loop runs for every triple of every claim, and rdflib compares terms in Python.
        rdf_type = RDF.type
        is_type = frozenset({rdf_type}).__contains__  # a hash look-up, not URIRef.__eq__ on every predicate
        superclasses, superproperties = self.superclasses.get, self.superproperties.get
        domains, ranges, inverses = self.domains.get, self.ranges.get, self.inverses.get
        symmetric, transitive = self.symmetric, self.transitive
        while pending:
            produced: list[tuple[Node, Node, Node]] = []
            for s, p, o in pending:
                if is_type(p):
                    produced.extend((s, rdf_type, c) for c in superclasses(o, ()))
                    continue
                for q in superproperties(p, (p,)):
                    produced.append((s, q, o))
                    produced.extend((s, rdf_type, c) for c in domains(q, ()))
                    if not isinstance(o, Literal):
                        produced.extend((o, rdf_type, c) for c in ranges(q, ()))
                        produced.extend((o, inverse, s) for inverse in inverses(q, ()))
                        if q in symmetric:
                            produced.append((o, q, s))
                        if q in transitive:
                            produced.extend((s, q, z) for z in _objects(known, new, o, q))
                            produced.extend((x, q, o) for x in _subjects(known, new, s, q))
            pending = []
            for triple in produced:
                if triple not in known and triple not in new:
                    new.add(triple)
                    pending.append(triple)
        return new, self._clashes(known | new)

    def _clashes(self, triples: Iterable[tuple[Node, Node, Node]]) -> list[str]:
        types: dict[Node, set[Node]] = defaultdict(set)
        is_type = frozenset({RDF.type}).__contains__
        for s, p, o in triples:
            if is_type(p):
                types[s].add(o)
        messages = []
        for node, classes in types.items():
            for first in classes:
                for second in self.disjoint.get(first, ()):
                    if second in classes and str(first) < str(second):
                        messages.append(f"Disjoint classes {first} and {second} have a common individual {node}")
        return sorted(messages)

    def to_json(self) -> bytes | None:
        """The tables as JSON (IRIs as ``<iri>``, blank nodes as ``_:label``), or None if one holds anything else."""

        def name(node: Node) -> str:
            if isinstance(node, URIRef):
                return f"<{node}>"
            if isinstance(node, BNode):
                return f"_:{node}"
            raise TypeError(node)

        def table(mapping: dict[Node, frozenset[Node]]) -> dict[str, list[str]]:
            return {name(k): sorted(name(v) for v in values) for k, values in mapping.items()}

        try:
            document = {
                "format": _TABLES_FORMAT,
                **{field: table(getattr(self, field)) for field in _TABLE_FIELDS},
                **{field: sorted(name(n) for n in getattr(self, field)) for field in _SET_FIELDS},
            }
        except TypeError:
            return None
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, body: bytes) -> CompiledOntology | None:
        """Tables written by :meth:`to_json`, or None for anything that is not exactly that."""
        blanks: dict[str, BNode] = {}

        def node(text: object) -> Node:
            if isinstance(text, str) and len(text) > 2 and text[0] == "<" and text[-1] == ">":
                return URIRef(text[1:-1])
            if isinstance(text, str) and text.startswith("_:") and len(text) > 2:
                return blanks.setdefault(text, BNode())  # fresh per process, as a parsed closure's were
            raise ValueError(text)

        def nodes(values: object) -> frozenset[Node]:
            if not isinstance(values, list):
                raise ValueError(values)
            return frozenset(node(v) for v in values)

        try:
            document = json.loads(body)
            if not isinstance(document, dict) or set(document) != {"format", *_TABLE_FIELDS, *_SET_FIELDS}:
                return None
            if document["format"] != _TABLES_FORMAT:
                return None
            tables: dict[str, object] = {}
            for field in _TABLE_FIELDS:
                mapping = document[field]
                if not isinstance(mapping, dict):
                    return None
                tables[field] = {node(k): nodes(v) for k, v in mapping.items()}
            for field in _SET_FIELDS:
                tables[field] = nodes(document[field])
        except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors too
            return None
        return cls(closed=None, **tables)  # type: ignore[arg-type]

    def reproduces(self, ontology: Iterable[tuple[Node, Node, Node]], *, profile: str = "owlrl") -> bool:
        """True when every axiom the ontology (a graph, or its triples) states between named terms is in the tables.

        Tables read from a cache decide verdicts; this is what tells tables of this ontology from any others.
        """
        is_named = URIRef.__instancecheck__
        rdfs_only = profile == "rdfs"
        for s, p, o in ontology:
            if not (is_named(s) and is_named(o)):
                continue
            if p == RDFS.subClassOf:
                found = o in TRIVIAL_CLASSES or o in self.superclasses.get(s, ())
            elif p == RDFS.subPropertyOf:
                found = o in self.superproperties.get(s, ())
            elif p == RDFS.domain:
                found = o in TRIVIAL_CLASSES or o in self.domains.get(s, ())
            elif p == RDFS.range:
                found = o in TRIVIAL_CLASSES or o in self.ranges.get(s, ())
            elif rdfs_only:
                continue
            elif p == OWL.inverseOf:
                found = o in self.inverses.get(s, ()) and s in self.inverses.get(o, ())
            elif p == OWL.disjointWith:
                found = o in self.disjoint.get(s, ())
            elif p == RDF.type and o == OWL.SymmetricProperty:
                found = s in self.symmetric
            elif p == RDF.type and o == OWL.TransitiveProperty:
                found = s in self.transitive
            else:
                continue
            if not found:
                return False
        return True


# Bumped whenever the tables or their JSON change, so a cache written by another version is never read.
_TABLES_FORMAT = 1
_TABLE_FIELDS = ("superclasses", "superproperties", "inverses", "domains", "ranges", "disjoint")
_SET_FIELDS = ("symmetric", "transitive")


def _objects(known: set[tuple[Node, Node, Node]], new: set[tuple[Node, Node, Node]], s: Node, p: Node) -> list[Node]:
    return [o for (a, b, o) in known | new if a == s and b == p]


def _subjects(known: set[tuple[Node, Node, Node]], new: set[tuple[Node, Node, Node]], o: Node, p: Node) -> list[Node]:
    return [s for (s, b, c) in known | new if c == o and b == p]


def eligible_claim(data: Graph) -> bool:
    """True when ``data`` holds instance triples only (no schema statements that would change the tables)."""
    return not any(p in _SCHEMA_PREDICATES for p in distinct_predicates(data)) and not any(
        (None, RDF.type, kind) in data for kind in _SCHEMA_TYPES
    )


def _closure_of(graph: Graph, node: Node, predicate: URIRef) -> frozenset[Node]:
    return frozenset({node, *graph.objects(node, predicate)})


def compile_ontology(closed: Graph, *, profile: str = "owlrl") -> CompiledOntology | None:
    """Read instance-level entailments off an ontology already closed under OWL 2 RL (or RDFS).

    :param profile: ``"owlrl"``, or ``"rdfs"`` for RDFS entailment only (subclasses, subproperties, domains, ranges).
    :returns: the tables, or None when the ontology uses a construct the tables cannot reproduce.
    """
    if profile == "rdfs":
        return _rdfs_tables(closed)
    for construct in _UNSUPPORTED_TYPES:
        if (None, RDF.type, construct) in closed:
            return None
    for predicate in _UNSUPPORTED_PREDICATES:
        # owlrl adds reflexive sameAs for every resource; only a real equality would matter.
        pairs = closed.subject_objects(predicate)
        if predicate == OWL.sameAs:
            if any(s != o for s, o in pairs):
                return None
        elif next(iter(pairs), None) is not None:
            return None

    classes = set(closed.subjects(RDFS.subClassOf, None)) | set(closed.objects(None, RDFS.subClassOf))
    superclasses = {c: _closure_of(closed, c, RDFS.subClassOf) - TRIVIAL_CLASSES for c in classes}
    properties = set(closed.subjects(RDFS.subPropertyOf, None)) | set(closed.objects(None, RDFS.subPropertyOf))
    superproperties = {p: _closure_of(closed, p, RDFS.subPropertyOf) for p in properties}

    inverses: dict[Node, set[Node]] = defaultdict(set)
    for a, b in closed.subject_objects(OWL.inverseOf):
        inverses[a].add(b)
        inverses[b].add(a)
    disjoint: dict[Node, set[Node]] = defaultdict(set)
    for a, b in closed.subject_objects(OWL.disjointWith):
        disjoint[a].add(b)
        disjoint[b].add(a)
    for group in closed.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in closed.objects(group, OWL.members):
            listed = list(Collection(closed, members)) if isinstance(members, (BNode, URIRef)) else []
            for first in listed:
                disjoint[first].update(m for m in listed if m != first)

    def by_property(predicate: URIRef) -> dict[Node, frozenset[Node]]:
        table: dict[Node, set[Node]] = defaultdict(set)
        for prop, value in closed.subject_objects(predicate):
            if value not in TRIVIAL_CLASSES and not isinstance(value, Literal):
                table[prop].add(value)
        return {k: frozenset(v) for k, v in table.items()}

    return CompiledOntology(
        closed=closed,
        superclasses=superclasses,
        superproperties=superproperties,
        inverses={k: frozenset(v) for k, v in inverses.items()},
        symmetric=frozenset(closed.subjects(RDF.type, OWL.SymmetricProperty)),
        transitive=frozenset(closed.subjects(RDF.type, OWL.TransitiveProperty)),
        domains=by_property(RDFS.domain),
        ranges=by_property(RDFS.range),
        disjoint={k: frozenset(v) for k, v in disjoint.items()},
    )


def _rdfs_tables(closed: Graph) -> CompiledOntology:
    tables = compile_ontology(_without_owl_constructs(closed))
    assert tables is not None  # nothing unsupported is left
    return CompiledOntology(
        closed=closed,
        superclasses=tables.superclasses,
        superproperties=tables.superproperties,
        inverses={},
        symmetric=frozenset(),
        transitive=frozenset(),
        domains=tables.domains,
        ranges=tables.ranges,
        disjoint={},
    )


def _without_owl_constructs(closed: Graph) -> Graph:
    """The RDFS part of a graph: RDFS entailment ignores every OWL construct."""
    kept = Graph()
    for s, p, o in closed:
        if p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
            kept.add((s, p, o))
    return kept
