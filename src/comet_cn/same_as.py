"""Merge the nodes a claim declares to be the same (``owl:sameAs``) into one node, before reasoning.

OWL 2 RL copies every statement across an ``owl:sameAs`` pair (its eq-rep rules), so a subject written under two
IRIs had two subjects, and a claim whose footprint was published under a second IRI had two footprints: each failed
an "exactly one" rule although the claim names one. Replacing each set of equal nodes by one of them gives the same
entailments about the claim without the copies, and leaves a claim the compiled reasoning tables can take.

Only the claim's own individuals are merged: a ``sameAs`` that involves a class, a property or a term of the
vocabulary (``RemovalCredit owl:sameAs AvoidanceCredit``) redefines the vocabulary and is left for owlrl, as before
(:func:`comet_cn.compiled.eligible_claim` sends such a claim there).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from comet_cn.namespaces import CN

#: The claim's subject: the name a claim gives it is the one its other periods' claims use too.
_HAS_SUBJECT = CN.hasSubject

__all__ = ["merge_same_as", "same_as_groups", "same_as_pairs"]


def same_as_pairs(graph: Graph, vocabulary: Collection[str] = ()) -> list[tuple[Node, Node]]:
    """The ``owl:sameAs`` statements of ``graph`` between two different individuals of the claim's own (neither a
    class, a property nor one of the ``vocabulary`` IRIs)."""
    stated = list(graph.subject_objects(OWL.sameAs))
    if not stated:
        return []  # most claims: no walk over every triple for the schema terms below
    schema = set(graph.objects(None, RDF.type)) | set(graph.predicates())
    pairs = []
    for a, b in stated:
        if a == b or isinstance(a, Literal) or isinstance(b, Literal):
            continue
        if a in schema or b in schema or str(a) in vocabulary or str(b) in vocabulary:
            continue  # the vocabulary redefined: owlrl's business
        pairs.append((a, b))
    return pairs


def same_as_groups(pairs: Iterable[tuple[Node, Node]]) -> list[set[Node]]:
    """The sets of nodes that ``pairs`` of equal nodes join, each node in one set."""
    parent: dict[Node, Node] = {}

    def root(node: Node) -> Node:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    for a, b in pairs:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[Node, set[Node]] = {}
    for node in parent:
        groups.setdefault(root(node), set()).add(node)
    return list(groups.values())


def _representative(nodes: set[Node], graph: Graph) -> Node:
    # An IRI before a blank node: it names the node in findings, and in the audits across inputs. Then the name a
    # claim gives its subject (hasSubject), however often an identifier declared the same is used elsewhere (as
    # claimedBy and retiredOnBehalfOf): the claim's other periods name the subject so. Then the name the claim refers
    # to most (the objects of its statements: hasSubject, claimedBy, retiredOnBehalfOf), then the one
    # it describes most: an identifier declared the same in passing (an LEI, a did:web), however well described,
    # must not replace the IRI by which the claim, and the claim's other periods, name the subject, or the audits
    # read one subject as two. Then the smallest, so that the choice is reproducible. sameAs statements count for
    # neither.
    def referred(node: Node) -> int:
        return sum(p != OWL.sameAs for _, p, _ in graph.triples((None, None, node)))

    def described(node: Node) -> int:
        return sum(p != OWL.sameAs for _, p, _ in graph.triples((node, None, None)))

    def subject(node: Node) -> bool:
        return (None, _HAS_SUBJECT, node) in graph

    return min(
        nodes,
        key=lambda node: (isinstance(node, BNode), not subject(node), -referred(node), -described(node), str(node)),
    )


def merge_same_as(graph: Graph, pairs: list[tuple[Node, Node]]) -> dict[Node, Node]:
    """Replace, in ``graph`` itself, every node of each set of equal nodes by one of them, and drop the ``sameAs``
    statements between them.

    :returns: each replaced node with the node that now stands for it.
    """
    replaced: dict[Node, Node] = {}
    for members in same_as_groups(pairs):
        keep = _representative(members, graph)
        replaced.update((node, keep) for node in members if node != keep)
    if not replaced:
        return replaced

    def new(node: Node) -> Node:
        return replaced.get(node, node)

    touched = {t for node in replaced for t in graph.triples((node, None, None))}
    touched |= {t for node in replaced for t in graph.triples((None, None, node))}
    for triple in touched:
        graph.remove(triple)
    for s, p, o in touched:
        s, o = new(s), new(o)
        if p == OWL.sameAs and s == o:
            continue
        graph.add((s, p, o))
    return replaced
