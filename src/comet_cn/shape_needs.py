"""Which SHACL-SPARQL shapes can find nothing in a claim, so that the fast engine need not run them.

A SHACL-SPARQL constraint reports one result per row its SELECT returns. If the query's main group pattern holds a
triple pattern with a fixed predicate (say ``?claim comet-cn:eventRecurrence ?r``), outside OPTIONAL, MINUS, FILTER,
UNION and any aggregate, then no row exists unless the data has a triple with that predicate: on a claim without
one, the shape cannot report anything. pyshacl-turbo evaluates each of the 120-odd constraints for every focus node
(about 80 µs each); on an ordinary organization claim about a third of them ask for terms it does not use (events,
products, instruments, reversals), and skipping them saves about a sixth of the engine's time, with the same
report. Anything the analysis does not know (a path with ``*``, ``GRAPH``, an aggregate without ``GROUP BY``, which
yields a row even on no data) needs nothing, and the shape always runs.

The same analysis lists every predicate the engine shapes can read at all (:func:`read_predicates`): a triple with
any other predicate is matched by no pattern of any shape, so it is not handed to the engine. Half an ordinary
claim's triples are its evidence references, which only a check made in Python reads (comet_cn.native_checks).
A query with a variable predicate or a negated path could read any triple: then everything is handed over.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH
from rdflib.term import Node

from comet_cn.claim_store import distinct_predicates
from comet_cn.namespaces import CNSH

#: ("p", predicate): some triple has this predicate; ("t", class): some node has this rdf:type.
Need = tuple[str, URIRef]

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: What a shape may state besides its SPARQL constraints and still be skipped whole: its targets and its words.
_INERT = frozenset(
    {RDF.type, SH.sparql, SH.message, SH.severity, SH.name, SH.description, SH.deactivated, RDFS.label,
     RDFS.comment, DCTERMS.source, CNSH.ruleId, CNSH.fixHint, CNSH.pillar, CNSH.knownLimit, CNSH.rfcNote,
     *_TARGETS}
)  # fmt: skip


@dataclass(frozen=True)
class ShapeNeeds:
    """A shape that may be skipped: each of its SPARQL constraints finds nothing unless all its needs are met."""

    shape: URIRef
    needs: tuple[frozenset[Need], ...]

    def idle_in(self, present: frozenset[Need]) -> bool:
        """True when no constraint of the shape can find anything in data holding only ``present``."""
        return all(not needs <= present for needs in self.needs)


def _path_needs(path: object) -> frozenset[Need]:
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(path, URIRef):
        return frozenset({("p", path)})
    if isinstance(path, SequencePath):
        return frozenset().union(*(_path_needs(step) for step in path.args))
    if isinstance(path, InvPath):
        return _path_needs(path.arg)
    if isinstance(path, MulPath):
        return _path_needs(path.path) if path.mod == "+" else frozenset()  # "*" and "?" match zero steps
    if isinstance(path, AlternativePath):
        return frozenset.intersection(*(_path_needs(branch) for branch in path.args))
    return frozenset()  # a negated path, or anything else: nothing known


def pattern_needs(node: object) -> frozenset[Need]:
    """What data any solution of a SPARQL algebra ``node`` needs (rdflib's algebra of a parsed query)."""
    # Imported here: rdflib's SPARQL machinery is a large part of a cold start, and only the analysis needs it.
    from rdflib.paths import Path
    from rdflib.plugins.sparql.parserutils import CompValue

    if not isinstance(node, CompValue):
        return frozenset()
    kind = node.name
    if kind == "BGP":
        found: set[Need] = set()
        for _, predicate, obj in node.triples:
            if predicate == RDF.type and isinstance(obj, URIRef):
                found.add(("t", obj))
            elif isinstance(predicate, (URIRef, Path)):
                found |= _path_needs(predicate)
        return frozenset(found)
    if kind == "Join":
        return pattern_needs(node.p1) | pattern_needs(node.p2)
    if kind in ("LeftJoin", "Minus"):  # OPTIONAL's and MINUS's right side may match nothing
        return pattern_needs(node.p1)
    if kind == "Union":
        return pattern_needs(node.p1) & pattern_needs(node.p2)
    if kind == "Group":
        # Without GROUP BY, an aggregate makes one row of no data at all (COUNT(*) = 0).
        return pattern_needs(node.p) if node.expr else frozenset()
    if kind in ("Filter", "Extend", "Project", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet",
                "AggregateJoin", "SelectQuery"):  # fmt: skip
        return pattern_needs(node.p)
    return frozenset()  # VALUES, GRAPH, SERVICE, or a form not listed: nothing known


def query_needs(text: str, prefixes: Iterable[tuple[str, str]] = ()) -> frozenset[Need]:
    """What data any row of the SELECT query ``text`` needs, with ``prefixes`` declared (its ``sh:prefixes``)."""
    from rdflib.plugins.sparql import prepareQuery

    declared = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in prefixes)
    return pattern_needs(prepareQuery(declared + text).algebra)


def _query_predicates(text: str, prefixes: Iterable[tuple[str, str]]) -> frozenset[URIRef] | None:
    """Every predicate a triple pattern or path of the query ``text`` names, anywhere in it (FILTER EXISTS, OPTIONAL,
    sub-queries), with any other IRI it names; None when a pattern could match any predicate (a variable in the
    predicate's place or a negated path)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery

    def predicate_iris(predicate: object) -> list[URIRef] | None:
        if isinstance(predicate, URIRef):
            return [predicate]
        if isinstance(predicate, (SequencePath, AlternativePath)):
            parts = [predicate_iris(step) for step in predicate.args]
        elif isinstance(predicate, (InvPath, MulPath)):
            parts = [predicate_iris(predicate.arg if isinstance(predicate, InvPath) else predicate.path)]
        else:  # a variable, a negated path (matching every predicate but some), or a path not listed
            return None
        return None if any(part is None for part in parts) else [iri for part in parts for iri in part or ()]

    declared = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in prefixes)
    found: set[URIRef] = set()
    pending: list[object] = [prepareQuery(declared + text).algebra]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, URIRef):
            found.add(item)
        elif isinstance(item, dict):  # rdflib's CompValue: a node of the algebra, with its parts as values
            # Triple patterns: (s, p, o) in a BGP; flat runs s p o s p o … where rdflib leaves a FILTER EXISTS's
            # pattern as parsed.
            for run in item.get("triples") or ():
                terms = list(run)
                for predicate in terms[1::3]:
                    iris = predicate_iris(predicate)
                    if iris is None:
                        return None
                    found.update(iris)
            pending.extend(value for key, value in item.items() if key != "triples")
        elif isinstance(item, (list, tuple, set, frozenset)):
            pending.extend(item)
    return frozenset(found)


def read_predicates(shapes: Graph) -> tuple[frozenset[URIRef], frozenset[URIRef]] | None:
    """What the SHACL engine can read of a claim when running ``shapes``: (every IRI the shapes state, their paths,
    targets and classes among them, with ``rdf:type``, ``rdfs:subClassOf`` and each IRI their SPARQL queries name;
    the shapes with a query that could match any predicate, a negated path such as ``(!(rdf:type))*``). A triple
    whose predicate is not in the first set can be read only by those shapes. None when such a query is not a
    named shape with a target (it cannot be left out by name), or a SPARQL form the analysis does not read is used.
    """
    if any((None, form, None) in shapes for form in (SH.ask, SH.construct, SH.target)):
        return None
    found: set[URIRef] = {RDF.type, RDFS.subClassOf}
    found.update(term for triple in shapes for term in triple if isinstance(term, URIRef))
    walkers: set[URIRef] = set()
    targeted = {shape for target in _TARGETS for shape in shapes.subjects(target, None)}
    for constraint, select in shapes.subject_objects(SH.select):
        named = _query_predicates(str(select), _prefixes(shapes, constraint))
        if named is not None:
            found |= named
            continue
        holders = set(shapes.subjects(SH.sparql, constraint))
        if not holders or any(
            not isinstance(holder, URIRef) or holder not in targeted or (None, None, holder) in shapes
            for holder in holders
        ):
            return None
        walkers.update(holder for holder in holders if isinstance(holder, URIRef))
    return frozenset(found), frozenset(walkers)


def _prefixes(shapes: Graph, constraint: Node) -> list[tuple[str, str]]:
    found = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                found.append((str(prefix), str(namespace)))
    return found


def skippable(shapes: Graph) -> tuple[ShapeNeeds, ...]:
    """The shapes of ``shapes`` that are only SPARQL constraints each needing some data, never referenced by another
    shape (a shape another one names through sh:node or sh:property is run from there, and stays)."""
    found = []
    for shape in sorted({s for s in shapes.subjects(SH.sparql, None) if isinstance(s, URIRef)}):
        if (None, None, shape) in shapes or any(p not in _INERT for p in shapes.predicates(shape, None)):
            continue
        needs: list[frozenset[Need]] = []
        for constraint in shapes.objects(shape, SH.sparql):
            select = shapes.value(constraint, SH.select)
            if select is None or (constraint, SH.deactivated, None) in shapes:
                needs = []
                break
            needs.append(query_needs(str(select), _prefixes(shapes, constraint)))
        if needs and all(needs):
            found.append(ShapeNeeds(shape, tuple(needs)))
    return tuple(found)


def top_shapes(shapes: Graph) -> tuple[URIRef, ...] | None:
    """Every shape with a target (what an engine validates), or None when one of them is a blank node, which
    cannot be named to the engine."""
    tops = {shape for target in _TARGETS for shape in shapes.subjects(target, None)}
    if any(not isinstance(shape, URIRef) for shape in tops):
        return None
    return tuple(sorted(shape for shape in tops if isinstance(shape, URIRef)))


def present(data: Graph) -> frozenset[Need]:
    """The needs ``data`` meets: its predicates and its nodes' classes."""
    found: set[Need] = {("p", p) for p in distinct_predicates(data) if isinstance(p, URIRef)}
    found.update(("t", c) for c in data.objects(None, RDF.type) if isinstance(c, URIRef))
    return frozenset(found)


@dataclass(frozen=True)
class Plan:
    """Which of the engine's shapes to name, and which of them may be left out of a claim that lacks their data."""

    tops: tuple[URIRef, ...]
    candidates: tuple[ShapeNeeds, ...]
    #: Every predicate the shapes read (:func:`read_predicates`), or None: read them all.
    reads: frozenset[URIRef] | None = None
    #: The shapes that may read any predicate: while one of them runs, the engine is handed every triple.
    walkers: frozenset[URIRef] = frozenset()

    def shapes_for(self, data: Graph) -> list[URIRef] | None:
        """The shapes to run on ``data``, or None to run them all (nothing to skip)."""
        have = present(data)
        idle = {candidate.shape for candidate in self.candidates if candidate.idle_in(have)}
        if not idle:
            return None
        return [shape for shape in self.tops if shape not in idle]

    def reads_for(self, run: list[URIRef] | None) -> frozenset[URIRef] | None:
        """The predicates to hand the engine when it runs ``run`` (None: every shape), or None for all of them."""
        if self.reads is None or (self.walkers and (run is None or not self.walkers.isdisjoint(run))):
            return None
        return self.reads

    def as_dict(self, fingerprint: str) -> dict[str, Any]:
        return {
            "fingerprint": fingerprint,
            "reads": None if self.reads is None else sorted(str(p) for p in self.reads),
            "walkers": sorted(str(shape) for shape in self.walkers),
            "tops": [str(shape) for shape in self.tops],
            "skippable": [
                {"shape": str(c.shape), "needs": [sorted([kind, str(term)] for kind, term in n) for n in c.needs]}
                for c in self.candidates
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plan:
        return cls(
            tuple(URIRef(shape) for shape in data["tops"]),
            tuple(
                ShapeNeeds(
                    URIRef(item["shape"]),
                    tuple(frozenset((kind, URIRef(term)) for kind, term in needs) for needs in item["needs"]),
                )
                for item in data["skippable"]
            ),
            None if data.get("reads") is None else frozenset(URIRef(p) for p in data["reads"]),
            frozenset(URIRef(shape) for shape in data.get("walkers", ())),
        )


def analyse(shapes: Graph) -> Plan | None:
    """The plan for ``shapes`` (parses every SPARQL constraint: seconds), or None when they cannot be named."""
    tops = top_shapes(shapes)
    if tops is None:
        return None
    read = read_predicates(shapes)
    return Plan(tops, skippable(shapes), *((None, frozenset()) if read is None else read))


def fingerprint() -> str:
    """What the bundled engine shapes are made of: the shapes files and the shapes checked in Python instead."""
    from comet_cn.native_checks import NATIVE_SHAPES
    from comet_cn.resources import files_digest, shapes_files

    return files_digest(shapes_files(), *sorted(str(shape) for shape in NATIVE_SHAPES))


#: Made by ``python -m comet_cn.shape_needs`` from the bundled shapes (rdflib takes seconds to parse their 120-odd
#: queries, too long for a cold start); tests/test_shape_needs.py checks it is current.
PLAN_FILE = "shape_needs.json"


@lru_cache(maxsize=1)
def bundled_plan() -> Plan | None:
    """The plan for the bundled engine shapes, or None (run every shape) when the shipped plan was made from other
    shapes than these (an edited checkout) or is missing."""
    from comet_cn.resources import shipped_json

    data = shipped_json(PLAN_FILE, fingerprint())
    return None if data is None else Plan.from_dict(data)


def main() -> None:
    from comet_cn.native_checks import engine_shapes

    plan = analyse(engine_shapes())
    if plan is None:
        raise SystemExit("the engine shapes include a target-bearing blank node: no plan")
    print(json.dumps(plan.as_dict(fingerprint()), indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
