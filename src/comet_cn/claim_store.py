"""The in-memory store a claim is validated in, and the questions about a whole graph its indexes answer cheaply.

Validating one claim asked a dozen questions of its whole graph (its size, the schema it may not state, the marker
and unknown IRIs, the values pyshacl-turbo accepts), each a walk of every triple at about 1.5 µs a triple; with
pyshacl-turbo that was a fifth of a claim's cost. rdflib's SimpleMemory already keeps the triples indexed by
subject, predicate and object: :class:`ClaimMemory` reads its size and its distinct predicates and objects off
those indexes. Every function here gives the same answer on any other store, by walking the graph.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import TypeVar

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

__all__ = [
    "ClaimMemory",
    "add_triples",
    "claim_graph",
    "distinct_objects",
    "distinct_predicates",
    "distinct_subjects",
    "first_met",
    "indexed_triples",
    "new_graph",
    "subject_rank",
]

# SimpleMemory's indexes are private attributes: read them only when this rdflib has them under these names, and
# otherwise fall back to its public (walking) methods.
_INDEXES = ("_SimpleMemory__spo", "_SimpleMemory__pos", "_SimpleMemory__osp")
_INDEXED = all(hasattr(SimpleMemory(), name) for name in _INDEXES)
_NO_CONTEXTS: tuple[object, ...] = ()  # a SimpleMemory triple is in no named graph


class ClaimMemory(SimpleMemory):
    """rdflib's SimpleMemory, whose size and distinct predicates and objects are read off its indexes."""

    #: The number of triples once counted, kept up to date by every add; None after a removal (counted again). A
    #: claim's size is asked about five times, and counting walks the index (about 2 % of a claim with turbo).
    _size: int | None = None
    #: The distinct objects once listed, until the next change (asked about six times a claim, twice of one graph).
    _objects: tuple[Node, ...] | None = None

    def __len__(self, context: object = None) -> int:
        if not _INDEXED:
            return super().__len__()
        if self._size is None:
            # Removing a triple leaves empty inner dictionaries behind; they count nothing.
            index: dict[Node, dict[Node, dict[Node, int]]] = getattr(self, _INDEXES[0])
            self._size = sum(len(objects) for by_predicate in index.values() for objects in by_predicate.values())
        return self._size

    def add(self, triple: tuple[Node, Node, Node], context: object, quoted: bool = False) -> None:
        if self._size is not None:
            s, p, o = triple
            index: dict[Node, dict[Node, dict[Node, int]]] = getattr(self, _INDEXES[0])
            if o not in index.get(s, {}).get(p, {}):
                self._size += 1
        self._objects = None
        super().add(triple, context, quoted)  # type: ignore[arg-type]

    def remove(self, triple_pattern: tuple[Node | None, Node | None, Node | None], context: object = None) -> None:
        self._size = self._objects = None
        super().remove(triple_pattern, context)  # type: ignore[arg-type]

    def distinct_predicates(self) -> list[Node]:
        index: dict[Node, dict[Node, dict[Node, int]]] = getattr(self, _INDEXES[1])
        return [predicate for predicate, by_object in index.items() if any(by_object.values())]

    def distinct_objects(self) -> tuple[Node, ...]:
        if self._objects is None:
            index: dict[Node, dict[Node, dict[Node, int]]] = getattr(self, _INDEXES[2])
            self._objects = tuple(obj for obj, by_subject in index.items() if any(by_subject.values()))
        return self._objects

    def triples(  # type: ignore[override]
        self, triple_pattern: tuple[Node | None, Node | None, Node | None], context: object = None
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterable[object]]]:
        # Every triple (iterating a graph: the reasoner's input, pyshacl-turbo's) read straight off the subject
        # index, as SimpleMemory does, without comparing each term of the pattern with None in Python (rdflib's
        # __eq__) and making a new empty context generator per triple. Any other pattern is SimpleMemory's.
        subject, predicate, obj = triple_pattern
        if _INDEXED and subject is None and predicate is None and obj is None:
            return self._every_triple()
        return super().triples(triple_pattern, context)  # type: ignore[arg-type]

    def _every_triple(self) -> Iterator[tuple[tuple[Node, Node, Node], Iterable[object]]]:
        index: dict[Node, dict[Node, dict[Node, int]]] = getattr(self, _INDEXES[0])
        for subject, by_predicate in index.items():
            for predicate, objects in by_predicate.items():
                for obj in objects:
                    yield (subject, predicate, obj), _NO_CONTEXTS

    def subjects_in_order(self) -> list[Node]:
        index: dict[Node, dict[Node, dict[Node, int]]] = getattr(self, _INDEXES[0])
        return [subject for subject, by_predicate in index.items() if any(by_predicate.values())]


def claim_graph() -> Graph:
    """An empty graph on a :class:`ClaimMemory`, with no prefixes bound (nothing serialises it with prefixes)."""
    return Graph(store=ClaimMemory(), bind_namespaces="none")


def new_graph(store: str) -> Graph:
    """An empty graph on ``store``: an rdflib store's plugin name, or ``"claim"`` for a :class:`ClaimMemory`."""
    return claim_graph() if store == "claim" else Graph(store=store)


def add_triples(graph: Graph, triples: Iterable[tuple[Node, Node, Node]]) -> None:
    """Add rdflib terms made by comet-cn straight into the store, without Graph.add's checks of each one.

    A claim and its entailments are about a thousand triples: on a :class:`ClaimMemory` its three indexes are filled
    here in one loop, about half the cost of a store method call per triple; any other store gets its own add.
    """
    store = _indexed(graph)
    if store is None:
        add = graph.store.add
        for triple in triples:
            add(triple, graph)
        return
    spo, pos, osp = (getattr(store, name) for name in _INDEXES)
    added = 0
    for s, p, o in triples:
        # As SimpleMemory.add: spo[s][p][o] = pos[p][o][s] = osp[o][s][p] = 1.
        by_p = spo.get(s)
        if by_p is None:
            by_p = spo[s] = {}
        by_o = by_p.get(p)
        if by_o is None:
            by_o = by_p[p] = {}
        if o in by_o:
            continue  # already held: its other two index entries are too
        added += 1
        by_o[o] = 1
        by_o = pos.get(p)
        if by_o is None:
            by_o = pos[p] = {}
        by_s = by_o.get(o)
        if by_s is None:
            by_s = by_o[o] = {}
        by_s[s] = 1
        by_s = osp.get(o)
        if by_s is None:
            by_s = osp[o] = {}
        by_p = by_s.get(s)
        if by_p is None:
            by_p = by_s[s] = {}
        by_p[p] = 1
    if store._size is not None:
        store._size += added
    if added:
        store._objects = None


def _indexed(graph: Graph) -> ClaimMemory | None:
    store = graph.store
    return store if _INDEXED and isinstance(store, ClaimMemory) else None


def indexed_triples(graph: Graph) -> dict[Node, dict[Node, dict[Node, int]]] | None:
    """A claim store's triples by subject, predicate and object (its own index: read it, never change it), or None
    for any other store."""
    store = _indexed(graph)
    return None if store is None else getattr(store, _INDEXES[0])


def distinct_predicates(graph: Graph) -> Sequence[Node]:
    """Every predicate of ``graph``, once each."""
    store = _indexed(graph)
    if store is not None:
        return store.distinct_predicates()
    return list(dict.fromkeys(p for _, p, _ in graph))


def distinct_objects(graph: Graph) -> Sequence[Node]:
    """Every object of ``graph``, once each."""
    store = _indexed(graph)
    if store is not None:
        return store.distinct_objects()
    return list(dict.fromkeys(o for _, _, o in graph))


def subject_rank(graph: Graph) -> dict[Node, int]:
    """Each subject's place in the order a walk of ``graph`` meets it: the first subject a walk would find among
    several is the one of lowest rank, so findings name the same node as when they were found by walking."""
    store = _indexed(graph)
    subjects: Iterable[Node] = store.subjects_in_order() if store is not None else dict.fromkeys(s for s, _, _ in graph)
    return {subject: rank for rank, subject in enumerate(subjects)}


def distinct_subjects(graph: Graph) -> list[Node]:
    """Every subject of ``graph``, once each, in the order a walk meets them."""
    return list(subject_rank(graph))


_Key = TypeVar("_Key", bound=Hashable)


def first_met(graph: Graph, found: Iterable[tuple[_Key, Node]]) -> dict[_Key, Node]:
    """For each key, the subject found with it that a walk of ``graph`` meets first: what a finding names, the same
    whether it was found by walking or off the indexes. Keys keep the order of ``found`` among equal ranks."""
    rank = subject_rank(graph)
    first: dict[_Key, Node] = {}
    for key, subject in sorted(found, key=lambda item: rank.get(item[1], -1)):
        first.setdefault(key, subject)
    return first
