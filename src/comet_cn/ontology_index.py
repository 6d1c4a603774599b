"""What a claim's check reads of the bundled ontology, shipped with it so that a cold start need not parse it.

Every claim reads a few things of the ontology: the IRIs it defines (a claim's unknown terms,
comet_cn.terms.bundled_terms), the axioms between named terms that reasoning tables read back from the on-disk cache
must reproduce to be trusted (comet_cn.reasoning), which properties hold decimals or years (comet_cn.loading), which
properties only claims have and which terms are classes (comet_cn.claim_checks). Parsing the ontology for them cost
some 20 ms, 6 % of a cold ``cn-validate`` (0.317 s against 0.299 s, measured side by side).
``python -m comet_cn.ontology_index > src/comet_cn/ontology_index.json`` writes them with a fingerprint of the
ontology files; a file made from other files than the bundled ones (an edited checkout), or missing, is not used,
and the ontology is parsed as before.
tests/test_ontology_index.py checks that the shipped file is current and that each reading equals the parsed one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from comet_cn.namespaces import SCHEMA
from comet_cn.resources import files_digest, ontology_files, ontology_graph, shipped_json

__all__ = ["INDEX_FILE", "OntologyIndex", "as_json", "bundled_index", "fingerprint", "index_of"]

Triple = tuple[URIRef, URIRef, URIRef]

INDEX_FILE = "ontology_index.json"

# The statements between named terms read for a claim: the axioms CompiledOntology.reproduces compares, the ranges
# and domains comet_cn.loading and comet_cn.claim_checks read, and which terms are classes.
_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.inverseOf,
        OWL.disjointWith,
        SCHEMA.domainIncludes,
        SCHEMA.rangeIncludes,
    }
)
_TYPES = frozenset({OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.Class, RDFS.Class})


@dataclass(frozen=True)
class OntologyIndex:
    """The IRIs an ontology says something about, and its statements between named terms that a check reads."""

    defined: frozenset[str]
    triples: tuple[Triple, ...]

    @cached_property
    def _by_predicate_object(self) -> dict[tuple[URIRef, URIRef], frozenset[URIRef]]:
        return _grouped(((p, o), s) for s, p, o in self.triples)

    @cached_property
    def _by_subject_predicate(self) -> dict[tuple[URIRef, URIRef], frozenset[URIRef]]:
        return _grouped(((s, p), o) for s, p, o in self.triples)

    def subjects(self, predicate: URIRef, value: URIRef) -> frozenset[URIRef]:
        """The named terms ``t`` with ``t predicate value``."""
        return self._by_predicate_object.get((predicate, value), frozenset())

    def objects(self, term: URIRef, predicate: URIRef) -> frozenset[URIRef]:
        """The named values ``v`` with ``term predicate v``."""
        return self._by_subject_predicate.get((term, predicate), frozenset())


def _grouped(pairs: Iterable[tuple[tuple[URIRef, URIRef], URIRef]]) -> dict[tuple[URIRef, URIRef], frozenset[URIRef]]:
    found: dict[tuple[URIRef, URIRef], set[URIRef]] = {}
    for key, term in pairs:
        found.setdefault(key, set()).add(term)
    return {key: frozenset(terms) for key, terms in found.items()}


def _selected(triples: Iterable[tuple[Node, Node, Node]]) -> tuple[Triple, ...]:
    return tuple(
        sorted(
            {
                (s, p, o)
                for s, p, o in triples
                if isinstance(s, URIRef)
                and isinstance(p, URIRef)
                and isinstance(o, URIRef)
                and (p in _PREDICATES or (p == RDF.type and o in _TYPES))
            }
        )
    )


def index_of(ontology: Graph) -> OntologyIndex:
    """The index of a parsed ontology."""
    from comet_cn.terms import defined_terms

    return OntologyIndex(defined_terms(ontology), _selected(ontology))


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """SHA-256 of the bundled ontology files' names and bytes (the reasoning tables' cache key reads it too)."""
    return files_digest(ontology_files())


@lru_cache(maxsize=1)
def bundled_index() -> OntologyIndex:
    """The index of the bundled ontology: the shipped file when it was made from these very files, otherwise the
    parsed ontology's."""
    return _shipped() or index_of(ontology_graph())


def _shipped() -> OntologyIndex | None:
    data = shipped_json(INDEX_FILE, fingerprint())
    if data is None:
        return None
    defined, rows = data.get("defined"), data.get("triples")
    if not isinstance(defined, list) or not all(isinstance(iri, str) for iri in defined):
        return None
    if not isinstance(rows, list):
        return None
    triples = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and all(isinstance(term, str) for term in row)):
            return None
        triples.append((URIRef(row[0]), URIRef(row[1]), URIRef(row[2])))
    return OntologyIndex(frozenset(defined), tuple(triples))


def as_json(index: OntologyIndex, fingerprint_: str) -> str:
    """The file's text: one IRI or axiom a line, so that a change to the ontology reads as a short diff."""
    defined = ",\n".join(json.dumps(iri) for iri in sorted(index.defined))
    triples = ",\n".join(json.dumps([str(t) for t in row]) for row in index.triples)
    return f'{{"fingerprint": {json.dumps(fingerprint_)},\n"defined": [\n{defined}\n],\n"triples": [\n{triples}\n]}}\n'


def main() -> None:
    print(as_json(index_of(ontology_graph()), fingerprint()), end="")


if __name__ == "__main__":
    main()
