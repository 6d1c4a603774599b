"""Read comet-cn's own RDF files (the bundled ontology and shapes, the checked closure cache) with Oxigraph's parser.

A cold ``cn-validate`` spent about a third of its time in rdflib's Turtle and N-Triples parsers, reading the same
bundled files every run. Oxigraph's parser (Rust, in pyoxigraph: the ``turbo`` and ``store`` extras) reads them in
a small fraction of that. Only files comet-cn ships or has itself written and checked are read this way, never a
user's input; the terms are made exactly as rdflib's parsers make them, and tests/test_trusted_rdf.py proves that
both parsers give the same graph, prefixes included, for every bundled file. Without pyoxigraph, or on any error,
the caller parses with rdflib.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["available", "parse_into"]

_XSD_STRING = str(XSD.string)
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@lru_cache(maxsize=1)
def available() -> bool:
    """True when pyoxigraph is installed."""
    return importlib.util.find_spec("pyoxigraph") is not None


def parse_into(graph: Graph, data: bytes, format: str) -> bool:
    """Add the triples of ``data`` (``"turtle"`` or ``"nt"``) to ``graph`` and bind its prefixes, as
    ``graph.parse`` does; False, with ``graph`` unchanged, when pyoxigraph is missing or cannot read ``data``."""
    if not available():
        return False
    import pyoxigraph

    kind = pyoxigraph.RdfFormat.TURTLE if format == "turtle" else pyoxigraph.RdfFormat.N_TRIPLES
    try:
        parser = pyoxigraph.parse(data, format=kind)
        quads = list(parser)
    except Exception:  # rdflib then parses it, and reports what is wrong
        return False
    if any(not isinstance(quad.graph_name, pyoxigraph.DefaultGraph) for quad in quads):
        return False
    blanks: dict[str, BNode] = {}  # fresh rdflib labels, as rdflib's parser gives: unique across files
    iris: dict[str, URIRef] = {}

    def term(node: Any) -> Any:
        kind = type(node)
        if kind is pyoxigraph.NamedNode:
            found = iris.get(node.value)
            if found is None:
                found = iris[node.value] = URIRef(node.value)
            return found
        if kind is pyoxigraph.BlankNode:
            blank = blanks.get(node.value)
            if blank is None:
                blank = blanks[node.value] = BNode()
            return blank
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        if datatype == _XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(datatype))

    triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in quads]
    add = graph.store.add
    for triple in triples:
        add(triple, graph)
    for prefix, namespace in getattr(parser, "prefixes", {}).items():
        graph.bind(prefix, namespace)
    return True
