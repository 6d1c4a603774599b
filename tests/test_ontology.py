"""The comet-cn ontology: compatible with the COMET v0.1.0 extension, documented, OWL 2 DL-ready, offline."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from comet_cn.resources import CONTEXT_IRIS, context_document, data_dir, ontology_files, ontology_graph

DATA = Path(__file__).parent / "data"
CN = "https://comet.carbon/ext/iso14068#"
ONTOLOGY = URIRef("https://comet.carbon/ext/iso14068")
VANN = "http://purl.org/vocab/vann/"
SCHEMA = "http://schema.org/"
BUILT_IN = (str(RDF), str(RDFS), str(OWL))


def _rows(name: str) -> list[tuple[str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]  # type: ignore[misc]


def _module(name: str) -> Graph:
    graph = Graph()
    graph.parse(data=(data_dir("ontology") / name).read_text(encoding="utf-8"), format="turtle")
    return graph


def _cn_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(CN)}


@pytest.mark.parametrize(("iri", "rdf_type"), _rows("upstream_declarations.tsv"))
def test_every_upstream_declaration_keeps_its_iri_and_type(iri: str, rdf_type: str) -> None:
    assert (URIRef(iri), RDF.type, URIRef(rdf_type)) in ontology_graph()


def test_all_eighteen_bridges_are_equivalences() -> None:
    bridges = _rows("upstream_bridges.tsv")
    assert len(bridges) == 18
    for comet, iso in bridges:
        assert (URIRef(comet), OWL.equivalentClass, URIRef(iso)) in ontology_graph(), (comet, iso)


def test_ten_principles_numbered_4_2_to_4_11() -> None:
    graph = ontology_graph()
    principles = set(graph.subjects(RDF.type, URIRef(CN + "Principle")))
    notations = sorted((str(graph.value(p, SKOS.notation)) for p in principles), key=lambda n: int(n.split(".")[1]))
    assert notations == [f"4.{n}" for n in range(2, 12)]


@pytest.mark.parametrize(
    ("scheme", "count"),
    [
        ("CreditingProgrammeCriteria", 9),
        ("ManagementPlanElements", 13),
        ("ReportElements", 24),
        ("ClaimSummaryItems", 11),
        ("CommitmentItems", 11),
        ("CreditCriteria", 5),
        ("Principles", 10),
    ],
)
def test_concept_schemes_have_every_clause_letter(scheme: str, count: int) -> None:
    graph = ontology_graph()
    members = list(graph.subjects(SKOS.inScheme, URIRef(CN + scheme)))
    assert len(members) == count
    notations = [str(graph.value(m, SKOS.notation)) for m in members]
    assert len(set(notations)) == count
    if scheme != "Principles":
        assert sorted(notations) == list("abcdefghijklmnopqrstuvwx"[:count])
    for member in members:
        assert (member, RDF.type, SKOS.Concept) in graph


def test_every_comet_cn_term_has_one_label_one_definition_a_clause_and_is_defined_here() -> None:
    graph = ontology_graph()
    terms = _cn_terms(graph)
    assert len(terms) > 150
    problems = []
    for term in sorted(terms):
        labels = list(graph.objects(term, RDFS.label))
        definitions = list(graph.objects(term, SKOS.definition))
        sources = [str(s) for s in graph.objects(term, DCTERMS.source)]
        if len(labels) != 1 or len(definitions) != 1:
            problems.append(f"{term}: {len(labels)} labels, {len(definitions)} definitions")
        if not sources or not all(s.startswith("ISO 14068-1:2023") for s in sources):
            problems.append(f"{term}: no ISO 14068-1 clause source")
        if (term, RDFS.isDefinedBy, ONTOLOGY) not in graph:
            problems.append(f"{term}: not rdfs:isDefinedBy the ontology")
        if any(isinstance(label, Literal) and label.language != "en" for label in labels):
            problems.append(f"{term}: label not tagged @en")
    assert problems == []


def test_labels_are_unique_among_comet_cn_terms() -> None:
    graph = ontology_graph()
    labels = Counter(str(graph.value(term, RDFS.label)).lower() for term in _cn_terms(graph))
    assert [label for label, n in labels.items() if n > 1] == []


@pytest.mark.parametrize("path", ontology_files(), ids=lambda p: p.name)
def test_every_property_used_is_declared_in_its_module(path: Any) -> None:
    """OWL 2 DL needs every annotation property declared; rdflib built-ins aside, nothing may be left undeclared."""
    graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    declared = {
        s
        for kind in (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, kind)
    }
    undeclared = {
        str(p)
        for p in graph.predicates()
        if not str(p).startswith(BUILT_IN) and p not in declared and not str(p).startswith(CN)
    }
    assert undeclared == set()


def test_no_object_property_has_a_domain_or_range_and_no_date_ranges() -> None:
    """The range trap: rdfs:domain/range type values under inference and make sh:class checks pass vacuously."""
    graph = ontology_graph()
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    assert [str(p) for p in object_properties if graph.value(p, RDFS.range) or graph.value(p, RDFS.domain)] == []
    outside_datatype_map = {XSD.date, XSD.gYear}
    assert [str(p) for p, r in graph.subject_objects(RDFS.range) if r in outside_datatype_map] == []
    assert len(list(graph.subject_objects(URIRef(SCHEMA + "rangeIncludes")))) > 40


def test_ontology_header_is_complete() -> None:
    graph = _module("comet-cn.ttl")
    header = {p: graph.value(ONTOLOGY, p) for p in (OWL.versionIRI, OWL.versionInfo, OWL.priorVersion)}
    assert header[OWL.versionIRI] == URIRef("https://comet.carbon/ext/iso14068/0.2.0")
    assert str(header[OWL.versionInfo]) == "0.2.0"
    assert header[OWL.priorVersion] == URIRef("https://comet.carbon/ext/iso14068/0.1.0")
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.created):
        assert graph.value(ONTOLOGY, predicate) is not None, predicate
    assert str(graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "comet-cn"
    assert str(graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == CN


def _catalog() -> dict[str, str]:
    root = ElementTree.fromstring((data_dir("ontology") / "catalog-v001.xml").read_text(encoding="utf-8"))
    return {e.get("name", ""): e.get("uri", "") for e in root.iter() if e.tag.endswith("uri")}


def test_every_import_resolves_through_the_catalog_alone() -> None:
    catalog = _catalog()
    for path in ontology_files():
        graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        for target in graph.objects(None, OWL.imports):
            assert str(target) in catalog, f"{path.name}: owl:imports <{target}> is not in the catalog"
            imported = _module(catalog[str(target)])
            names = set(imported.subjects(RDF.type, OWL.Ontology)) | set(imported.objects(None, OWL.versionIRI))
            assert target in names, f"catalog maps <{target}> to a file that is another ontology"


def test_catalog_maps_every_ontology_and_version_iri_and_jena_agrees() -> None:
    catalog = _catalog()
    for iri, relative in catalog.items():
        graph = _module(relative)
        names = {str(n) for n in graph.subjects(RDF.type, OWL.Ontology)} | {
            str(n) for n in graph.objects(None, OWL.versionIRI)
        }
        assert iri in names, (iri, relative)
    for path in ontology_files():
        graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        for name in [*graph.subjects(RDF.type, OWL.Ontology), *graph.objects(None, OWL.versionIRI)]:
            assert str(name) in catalog, f"{path.name}: <{name}> missing from the catalog"
    mapping = (data_dir("ontology") / "location-mapping.ttl").read_text(encoding="utf-8")
    jena = Graph().parse(data=mapping, format="turtle")
    lm = "http://jena.hpl.hp.com/2004/08/location-mapping#"
    pairs = {
        str(jena.value(entry, URIRef(lm + "name"))): str(jena.value(entry, URIRef(lm + "altName")))
        for entry in jena.objects(None, URIRef(lm + "mapping"))
    }
    assert pairs == catalog


def _refuse(url: str, options: Any = None) -> Any:
    raise AssertionError(f"tried to load {url}")


def _expand_term(context: dict[str, Any], term: str) -> str:
    document = {"@context": context, "@id": "http://example.org/x", term: {"@id": "http://example.org/y"}}
    expanded = jsonld.expand(document, {"documentLoader": _refuse})
    return next(key for key in expanded[0] if key != "@id")


def test_every_upstream_context_term_expands_to_the_same_iri() -> None:
    upstream = json.loads((DATA / "upstream_context_terms.json").read_text(encoding="utf-8"))
    ours = context_document()["@context"]
    for prefix, namespace in upstream["prefixes"].items():
        assert ours[prefix] == namespace
    mismatches = {
        term: (iri, _expand_term(ours, term))
        for term, iri in upstream["terms"].items()
        if _expand_term(ours, term) != iri
    }
    assert mismatches == {}


def test_context_defines_every_comet_cn_term_and_types_quantities_as_decimals() -> None:
    ours = context_document()["@context"]
    missing = sorted(str(t)[len(CN) :] for t in _cn_terms(ontology_graph()) if str(t)[len(CN) :] not in ours)
    assert missing == []
    assert ours["tonnesCO2e"] == {"@id": "comet-cn:tonnesCO2e", "@type": "xsd:decimal"}
    assert ours["hierarchyStep"]["@type"] == "@vocab"
    assert len(CONTEXT_IRIS) == 3


def test_topbraid_headers_name_each_file() -> None:
    for path in ontology_files():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# baseURI: https://"), path.name
