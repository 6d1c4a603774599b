"""The claim store answers as a walk of the graph does: its size, its distinct terms, and the findings built on them.

Validation reads every claim into :class:`comet_cn.claim_store.ClaimMemory` and asks its indexes instead of walking
every triple; any other store is walked. A wrong answer here would hide an unknown term or a schema statement, so
each question is asked of both stores on every example, every digest claim and generated claims with each defect,
and the answers must be identical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

import comet_cn
from comet_cn import claim_store, loading, terms
from comet_cn.compiled import eligible_claim
from comet_cn.shacl_engines import ordinary_values
from comet_cn.synthetic import VIOLATIONS, synthetic_claim
from comet_cn.terms import bundled_terms
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [
    path
    for path in sorted(EXAMPLES.rglob("*.jsonld")) + sorted((ROOT / "tests" / "digest_claims").glob("*.jsonld"))
    if path.stat().st_size
]
EX = "https://example.org/"


def _both(source: Any) -> tuple[Graph, Graph]:
    """The claim read into the claim store, and the same triples in rdflib's default store."""
    indexed = loading.load_claim(source, store="claim").graph
    walked = Graph()
    for triple in indexed:
        walked.add(triple)
    assert isinstance(indexed.store, claim_store.ClaimMemory)
    return indexed, walked


def _answers(graph: Graph) -> dict[str, Any]:
    budget: str | None = None
    try:
        loading.check_claim_budget(graph, "<claim>")
    except comet_cn.InputError as error:
        budget = error.problem
    return {
        "len": len(graph),
        "predicates": sorted(claim_store.distinct_predicates(graph)),
        "objects": sorted(claim_store.distinct_objects(graph), key=lambda t: (type(t).__name__, t.n3())),
        "unknown": terms.unknown_iris(graph, bundled_terms()),
        "budget": budget,
        "eligible": eligible_claim(graph),
        "ordinary": ordinary_values(graph),
        "usable": sorted(t.n3() for triple in loading.usable_numbers(graph) for t in triple),
    }


CASES = [pytest.param(path, id=path.name) for path in DOCUMENTS] + [
    pytest.param(synthetic_claim(3, violation=violation), id=f"generated-{violation}") for violation in VIOLATIONS
]


@pytest.mark.parametrize("source", CASES)
def test_the_indexes_answer_as_a_walk(source: Any) -> None:
    indexed, walked = _both(source)
    assert _answers(indexed) == _answers(walked)


@pytest.mark.parametrize("source", CASES)
def test_iterating_the_claim_store_gives_every_triple_once(source: Any) -> None:
    # ClaimMemory reads a whole-graph iteration off its subject index (the reasoner and pyshacl-turbo iterate it).
    indexed, walked = _both(source)
    listed = list(indexed)
    assert len(listed) == len(set(listed)) == len(walked)
    assert set(listed) == set(walked)
    every = list(indexed.store.triples((None, None, None)))
    assert all(list(contexts) == [] for _, contexts in every)


def test_iterating_after_removals_and_pattern_look_ups_are_unchanged() -> None:
    graph = claim_store.claim_graph()
    a, b = URIRef(EX + "a"), URIRef(EX + "b")
    for n in range(3):
        graph.add((a, RDF.value, Literal(n)))
    graph.add((b, RDF.type, a))
    graph.remove((a, RDF.value, Literal(1)))
    assert sorted(graph) == sorted([(a, RDF.value, Literal(0)), (a, RDF.value, Literal(2)), (b, RDF.type, a)])
    assert set(graph.triples((a, None, None))) == {(a, RDF.value, Literal(0)), (a, RDF.value, Literal(2))}
    assert list(graph.triples((None, RDF.type, None))) == [(b, RDF.type, a)]
    assert list(graph.triples((None, None, a))) == [(b, RDF.type, a)]
    graph.remove((None, None, None))
    assert list(graph) == [] and len(graph) == 0


def test_size_counts_removals_and_duplicates() -> None:
    graph = claim_store.claim_graph()
    a, b = URIRef(EX + "a"), URIRef(EX + "b")
    for n in range(5):
        graph.add((a, RDF.value, Literal(n)))
    graph.add((a, RDF.value, Literal(0)))  # already there
    graph.add((b, RDF.type, a))
    assert len(graph) == 6
    graph.remove((a, RDF.value, None))
    assert len(graph) == 1
    assert claim_store.distinct_predicates(graph) == [RDF.type]
    assert list(claim_store.distinct_objects(graph)) == [a]
    assert list(claim_store.subject_rank(graph)) == [b]


def test_size_and_objects_stay_right_when_asked_between_adds_and_removals() -> None:
    # The size is counted once and kept by each add, the objects listed once until a change: asked between every
    # kind of change, they must still be what a walk finds (a wrong size would misjudge --max-triples and
    # pyshacl-turbo's limit).
    graph = claim_store.claim_graph()
    a, b = URIRef(EX + "a"), URIRef(EX + "b")
    changes = [
        lambda: graph.add((a, RDF.value, Literal(0))),
        lambda: graph.add((a, RDF.value, Literal(0))),  # a duplicate: no change
        lambda: claim_store.add_triples(graph, [(a, RDF.value, Literal(1)), (a, RDF.value, Literal(0))]),
        lambda: claim_store.add_triples(graph, [(b, RDF.type, a), (b, RDF.type, a)]),
        lambda: graph.set((a, RDF.value, Literal(7))),  # a removal and an add
        lambda: graph.remove((b, None, None)),
        lambda: graph.addN([(a, RDF.type, b, graph), (a, RDF.type, b, graph)]),
        lambda: graph.remove((None, None, None)),
        lambda: claim_store.add_triples(graph, [(b, RDF.value, Literal(2))]),
    ]
    sizes = []
    for change in changes:
        change()
        sizes.append(len(graph))
        assert len(graph) == len(list(graph.triples((None, None, None))))
        objects = claim_store.distinct_objects(graph)
        assert len(objects) == len(set(objects)) and set(objects) == {o for _, _, o in graph}
    assert sizes == [1, 1, 2, 3, 2, 1, 2, 0, 1]


def _document(extra: dict[str, Any]) -> dict[str, Any]:
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    document["@graph"].append({"@id": EX + "extra", **extra})
    return document


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"retirementDat": "2025-01-01"}, "retirementDat"),  # an undefined key
        ({"@type": "CarbonNeutralClaim"}, "CarbonNeutralClaim"),  # an undefined type
        ({"zz:thing": "x"}, "zz:thing"),  # a prefix the context does not define
        ({"@type": "comet-cn:CarbonNeutralClaimm"}, "https://comet.carbon/ext/iso14068#CarbonNeutralClaimm"),
    ],
)
def test_an_unknown_term_is_still_found_and_named_on_its_node(extra: dict[str, Any], expected: str) -> None:
    report = comet_cn.validate(_document(extra), shacl_engine="turbo")
    found = [r for r in report.violations if r.rule_id == "CN-INPUT-02"]
    assert any(expected in r.message and r.focus_node == EX + "extra" for r in found), found
    assert not report.conforms


def test_a_schema_statement_is_still_refused() -> None:
    document = _document({"rdfs:subClassOf": {"@id": "comet-cn:CarbonNeutralityClaim"}})
    document["@context"] = [*document["@context"], {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}]
    with pytest.raises(comet_cn.InputError, match="rdfs:subClassOf"):
        comet_cn.validate(document)


def test_an_integer_quantity_is_still_read_as_a_decimal() -> None:
    graph = claim_store.claim_graph()
    quantity = URIRef("https://comet.carbon/ext/iso14068#tonnesCO2e")
    graph.add((URIRef(EX + "e"), quantity, Literal("12", datatype=XSD.integer)))
    fixed = loading.usable_numbers(graph)
    assert (URIRef(EX + "e"), quantity, Literal("12", datatype=XSD.decimal)) in fixed
