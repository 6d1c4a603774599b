"""A real OWL 2 DL reasoner (HermiT, shipped inside owlready2's wheel) classifies the merged ontology:
it must be consistent and no class may be unsatisfiable. OWL 2 RL engines cannot report unsatisfiable classes.

The merged graph is written as RDF/XML without owl:imports (every module is already merged in), so HermiT never
tries to fetch anything. The test is skipped only when no Java runtime is on PATH.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from comet_cn.resources import ontology_graph

pytestmark = pytest.mark.slow
CN = "https://comet.carbon/ext/iso14068#"


class Verdict(NamedTuple):
    consistent: bool
    unsatisfiable: list[str]
    classes: int


def _classify(graph: Graph, folder: Path) -> Verdict:
    """Run HermiT on ``graph`` and report consistency, unsatisfiable classes and how many classes it loaded."""
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: install a JRE (e.g. default-jre-headless) to run HermiT")
    import owlready2  # a test dependency: missing it is an error, not a reason to skip

    merged = Graph()
    for triple in graph:
        if triple[1] != OWL.imports:
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
    unsatisfiable = sorted(str(c.iri) for c in world.inconsistent_classes())
    return Verdict(consistent, unsatisfiable, len(list(world.classes())))


def _with(*triples: tuple[URIRef, URIRef, URIRef]) -> Graph:
    graph = Graph()
    for triple in ontology_graph():
        graph.add(triple)
    for triple in triples:
        graph.add(triple)
    return graph


def test_ontology_is_consistent_with_no_unsatisfiable_class(tmp_path: Path) -> None:
    declared = len({c for c in ontology_graph().subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)})
    verdict = _classify(ontology_graph(), tmp_path)
    assert verdict.classes >= declared > 60, "HermiT did not see the whole ontology"
    assert verdict.consistent, "HermiT found the comet-cn ontology inconsistent"
    assert verdict.unsatisfiable == []


def test_hermit_would_catch_an_unsatisfiable_class(tmp_path: Path) -> None:
    """Control: a class under two disjoint classes must be reported."""
    bad = URIRef(CN + "ClaimThatIsItsOwnReport")
    broken = _with(
        (bad, RDF.type, OWL.Class),
        (bad, RDFS.subClassOf, URIRef(CN + "CarbonNeutralityClaim")),
        (bad, RDFS.subClassOf, URIRef(CN + "CarbonNeutralityReport")),
    )
    assert str(bad) in _classify(broken, tmp_path).unsatisfiable


def test_hermit_would_catch_an_inconsistent_individual(tmp_path: Path) -> None:
    """Control: one node typed as both a claim and a reporting period contradicts the disjointness axiom."""
    node = URIRef("http://example.org/claim-and-period")
    broken = _with(
        (node, RDF.type, OWL.NamedIndividual),
        (node, RDF.type, URIRef(CN + "CarbonNeutralityClaim")),
        (node, RDF.type, URIRef(CN + "ReportingPeriod")),
    )
    assert not _classify(broken, tmp_path).consistent
