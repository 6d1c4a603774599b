"""Generated documentation is current: docs/rules.md is what the shapes say."""

from __future__ import annotations

import json
from pathlib import Path

from comet_cn.docgen import rules_markdown
from comet_cn.rules import rule_catalogue

ROOT = Path(__file__).resolve().parents[1]


def test_rules_page_is_generated_from_the_current_shapes() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    manifest = json.loads((ROOT / "examples" / "manifest.json").read_text(encoding="utf-8"))["examples"]
    assert page == rules_markdown(manifest=manifest), (
        "docs/rules.md is stale: run python -m comet_cn.docgen rules > docs/rules.md"
    )


def test_rules_page_lists_every_rule_and_the_rfc_departures() -> None:
    page = rules_markdown()
    for rule in rule_catalogue():  # every rule the tool can emit: shape, engine and audit rules
        assert f"### {rule.rule_id}:" in page
        assert rule.locations, rule.rule_id  # one hop from the id to its declaration in shapes/
    assert "Where we depart from the COMET RFC page" in page
    assert "too broad" in page  # the residual-credit rule the RFC states too broadly (digest section 15)


def test_clauses_page_is_generated_from_the_current_ontology() -> None:
    from comet_cn.docgen import clauses_markdown

    page = (ROOT / "docs" / "clauses.md").read_text(encoding="utf-8")
    assert page == clauses_markdown(), "docs/clauses.md is stale: run python -m comet_cn.docgen clauses"
    for clause in ("| §11.2 |", "| §12 w |", "| §9.1 h |", "| §13 k |", "| §6 j |", "| §4.10 |"):
        assert clause in page


def test_vocabulary_reference_covers_every_comet_cn_class_and_property() -> None:
    """pyLODE documents classes and properties; named individuals are listed in clauses.md instead."""
    from rdflib.namespace import OWL, RDF

    from comet_cn.resources import ontology_graph

    graph = ontology_graph()
    html = (ROOT / "docs" / "vocabulary" / "index.html").read_text(encoding="utf-8")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {str(s).rsplit("#", 1)[-1] for k in kinds for s in graph.subjects(RDF.type, k) if "iso14068#" in str(s)}
    assert len(terms) > 80
    missing = sorted(t for t in terms if t not in html)
    assert missing == [], "docs/vocabulary is stale: run python scripts/build_vocabulary_docs.py"


def test_the_merged_shapes_file_is_current_and_holds_every_shape() -> None:
    """bundle/comet-cn-shapes.ttl is for people who bundle the shapes without the package."""
    import rdflib
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from comet_cn.docgen import shapes_bundle
    from comet_cn.rdflib_state import exclusive
    from comet_cn.resources import shapes_graph

    path = ROOT / "bundle" / "comet-cn-shapes.ttl"
    assert path.read_text(encoding="utf-8") == shapes_bundle(), "regenerate: python -m comet_cn.docgen bundle"
    # Literals as written, as the package reads its shapes (rdflib's default would turn "1"^^xsd:boolean into true).
    with exclusive():
        rdflib.NORMALIZE_LITERALS = False
        bundled = Graph().parse(path, format="turtle")
    assert isomorphic(bundled, shapes_graph())
