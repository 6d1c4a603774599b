"""The merged ontology as RDF/XML, for OWL tools that do not read Turtle (owlready2, older OWL API tools).

``python -m comet_cn.ontology_export > ontology/comet-cn.owl`` writes what :func:`comet_cn.resources.ontology_graph`
returns, every module included and nothing left out (the ``owl:imports`` statements too). The file is not a
Turtle module, so the package never loads it (:func:`comet_cn.resources.ontology_files` reads ``*.ttl`` only).

owlready2 takes the first ontology header of a file as the file's ontology and fetches that ontology's imports. The
file therefore starts with the header of a module that imports nothing (the local COMET core module): owlready2
loads the whole merged vocabulary from the one file without a network request. Tools that follow the
``owl:imports`` of ``comet-cn`` itself resolve them offline with ``ontology/catalog-v001.xml``.

The output is reproducible: triples are written in a sorted order and blank nodes get labels computed from the
graph (:func:`rdflib.compare.to_canonical_graph`), so regenerating an unchanged ontology changes no byte.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from comet_cn.resources import ontology_graph

__all__ = ["FIRST_HEADER", "main", "ontology_rdfxml"]

#: The ontology header written first: a module without imports, so owlready2 loads the file offline.
FIRST_HEADER = URIRef("https://comet.carbon/v1/core")

_PREFIXES = {
    "comet": "https://comet.carbon/v1/core#",
    "comet-pcf": "https://comet.carbon/v1/pcf#",
    "comet-eac": "https://comet.carbon/v1/eac#",
    "comet-ver": "https://comet.carbon/v1/ver#",
    "comet-mkt": "https://comet.carbon/v1/market#",
    "comet-sc": "https://comet.carbon/v1/supplychain#",
    "comet-cn": "https://comet.carbon/ext/iso14068#",
    "iso14068": "https://www.iso.org/standard/14068-1#",
    "iso14067": "https://www.iso.org/standard/14067#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "vann": "http://purl.org/vocab/vann/",
    "owl": str(OWL),
}


def _key(term: Node) -> tuple[int, str]:
    kind = 0 if isinstance(term, URIRef) else 1 if isinstance(term, BNode) else 2
    if isinstance(term, Literal):
        return (kind, f"{term}\x00{term.datatype or ''}\x00{term.language or ''}")
    return (kind, str(term))


class _OrderedGraph(Graph):
    """A graph that lists its subjects in a fixed order: rdflib's RDF/XML writer follows ``subjects()``, which a
    plain graph yields in hash order (a different file every run)."""

    def __init__(self, order: Sequence[Node]) -> None:
        super().__init__(bind_namespaces="core")
        self._order = list(order)

    def subjects(  # type: ignore[override]
        self, predicate: Any = None, object: Any = None, unique: bool = False
    ) -> Iterator[Any]:
        if predicate is None and object is None:
            yield from self._order
        else:
            yield from super().subjects(predicate, object, unique)


def export_graph() -> Graph:
    """The merged ontology, its subjects and triples in the order the RDF/XML file lists them."""
    canonical = to_canonical_graph(ontology_graph())
    if (FIRST_HEADER, RDF.type, OWL.Ontology) not in canonical:
        raise RuntimeError(f"{FIRST_HEADER} is no longer an ontology header: update FIRST_HEADER")
    subjects = sorted(set(canonical.subjects()), key=lambda s: (s != FIRST_HEADER, _key(s)))
    graph = _OrderedGraph(subjects)
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace)
    for subject in subjects:
        for predicate, obj in sorted(canonical.predicate_objects(subject), key=lambda po: (_key(po[0]), _key(po[1]))):
            graph.add((subject, predicate, obj))
    return graph


def ontology_rdfxml() -> str:
    """The merged ontology (every module, the imports statements included) as RDF/XML text."""
    text: str = export_graph().serialize(format="xml")
    return text if text.endswith("\n") else text + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m comet_cn.ontology_export`` prints the merged ontology as RDF/XML."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args:
        print("usage: python -m comet_cn.ontology_export > ontology/comet-cn.owl", file=sys.stderr)
        return 2
    sys.stdout.write(ontology_rdfxml())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
