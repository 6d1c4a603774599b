"""comet-cn's own RDF files read by Oxigraph give the graph rdflib's parsers give, prefixes included.

The bundled ontology and shapes, and the closure cache once its checks pass, are read with Oxigraph's parser for
a faster start (comet_cn.trusted_rdf). Every verdict is computed from these graphs, so each bundled file must
give exactly rdflib's graph (blank nodes aside, which both label afresh), and without pyoxigraph rdflib reads them.
"""

from __future__ import annotations

import os

import pytest
import rdflib
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from comet_cn import resources, trusted_rdf

if not trusted_rdf.available():
    if os.environ.get("CI"):
        raise RuntimeError("pyoxigraph is in the test extra but not installed")
    pytest.skip("pyoxigraph is not installed (extras turbo or store)", allow_module_level=True)

FILES = [*resources.ontology_files(), *resources.shapes_files()]


def _by_rdflib(data: bytes, format: str) -> Graph:
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format=format)
    return graph


@pytest.mark.parametrize("entry", FILES, ids=lambda entry: entry.name)
def test_each_bundled_file_reads_as_rdflib_reads_it(entry: resources.Traversable) -> None:
    data = entry.read_bytes()
    fast = Graph()
    assert trusted_rdf.parse_into(fast, data, "turtle")
    reference = _by_rdflib(data, "turtle")
    assert len(fast) == len(reference) > 0
    assert isomorphic(fast, reference)
    assert dict(fast.namespaces()) == dict(reference.namespaces())


def test_without_pyoxigraph_rdflib_reads_the_bundled_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trusted_rdf, "available", lambda: False)
    assert not trusted_rdf.parse_into(Graph(), b"<urn:a> <urn:b> <urn:c> .", "nt")
    graph = resources._parse_all(resources.shapes_files())
    assert isomorphic(graph, resources.shapes_graph())


def test_a_file_oxigraph_cannot_read_leaves_the_graph_unchanged() -> None:
    graph = Graph()
    assert not trusted_rdf.parse_into(graph, b"<urn:a> <urn:b> .", "nt")
    assert len(graph) == 0


@pytest.mark.parametrize("normalize", [True, False])
def test_the_bundled_graphs_keep_literals_as_written_whatever_the_callers_setting(normalize: bool) -> None:
    # Before: parsed with rdflib.NORMALIZE_LITERALS on (rdflib's default), sh:in ( true "1"^^xsd:boolean ) lost its
    # second member, so the shared shapes graph depended on the setting of whoever asked for it first.
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = normalize
    try:
        graph = resources._parse_all(resources.shapes_files())
        assert rdflib.NORMALIZE_LITERALS is normalize  # the caller's setting is put back
    finally:
        rdflib.NORMALIZE_LITERALS = saved
    assert Literal("1", datatype=XSD.boolean, normalize=False) in set(graph.objects())
