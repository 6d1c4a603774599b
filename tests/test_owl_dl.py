"""A real OWL 2 DL reasoner (HermiT, shipped inside owlready2's wheel) classifies the merged ontology:
it must be consistent and no class may be unsatisfiable. OWL 2 RL engines cannot report unsatisfiable classes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from comet_cn.resources import ontology_graph

pytestmark = pytest.mark.slow
CN = "https://comet.carbon/ext/iso14068#"


def _classify(graph: Graph, folder: Path) -> tuple[list[str], bool]:
    """(unsatisfiable class IRIs, consistent?) according to HermiT."""
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: install default-jre-headless to run HermiT")
    owlready2 = pytest.importorskip("owlready2")
    merged = Graph()
    for triple in graph:
        if triple[1] != OWL.imports:  # everything is merged already; HermiT must never try to fetch an import
            merged.add(triple)
    path = folder / "merged.owl"
    merged.serialize(destination=str(path), format="xml")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load()
    consistent = True
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        consistent = False
    return sorted(str(c.iri) for c in world.inconsistent_classes()), consistent


def test_ontology_is_consistent_with_no_unsatisfiable_class(tmp_path: Path) -> None:
    unsatisfiable, consistent = _classify(ontology_graph(), tmp_path)
    assert consistent, "HermiT found the comet-cn ontology inconsistent"
    assert unsatisfiable == []


def test_hermit_would_catch_an_unsatisfiable_class(tmp_path: Path) -> None:
    """Control: the check is real. A class under two disjoint classes must be reported."""
    broken = Graph()
    for triple in ontology_graph():
        broken.add(triple)
    bad = URIRef(CN + "ClaimThatIsItsOwnReport")
    broken.add((bad, RDF.type, OWL.Class))
    broken.add((bad, RDFS.subClassOf, URIRef(CN + "CarbonNeutralityClaim")))
    broken.add((bad, RDFS.subClassOf, URIRef(CN + "CarbonNeutralityReport")))
    unsatisfiable, _ = _classify(broken, tmp_path)
    assert str(bad) in unsatisfiable
