"""What a claim's check reads of the bundled ontology comes from a shipped index, equal to the parsed ontology's.

A cold ``cn-validate`` no longer parses the ontology (6 % of its time): the IRIs it defines, its axioms between
named terms, its decimal and year properties, its claim-only properties and its classes are read from
``comet_cn/ontology_index.json``. Were the index stale or wrong, unknown terms would go unnamed or cached reasoning
tables be trusted wrongly: each reading is compared here with the parsed ontology's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from comet_cn import claim_checks, loading, ontology_index, terms
from comet_cn.namespaces import CN
from comet_cn.resources import ontology_graph

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = "http://schema.org/"


@pytest.fixture
def fresh_index():
    """Clear the per-process caches that hold what was read of the index, before and after a test."""
    cached = (
        ontology_index.bundled_index,
        terms.bundled_terms,
        claim_checks.claim_only_properties,
        claim_checks._known_classes,
        loading._decimal_properties,
        loading._year_properties,
    )
    for function in cached:
        function.cache_clear()
    yield
    for function in cached:
        function.cache_clear()


def test_the_shipped_index_is_the_index_of_the_bundled_ontology() -> None:
    # Made by `python -m comet_cn.ontology_index > src/comet_cn/ontology_index.json` after any change to the
    # ontology; a stale index is never used (its fingerprint differs), but then every cold start parses it.
    shipped = (resources.files("comet_cn") / ontology_index.INDEX_FILE).read_text(encoding="utf-8")
    assert shipped == ontology_index.as_json(ontology_index.index_of(ontology_graph()), ontology_index.fingerprint())
    assert ontology_index._shipped() == ontology_index.index_of(ontology_graph())


def test_each_reading_of_the_index_equals_the_parsed_ontologys(fresh_index: None) -> None:
    graph = ontology_graph()
    named = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert {str(s) for s in named} <= terms.bundled_terms()
    assert loading._decimal_properties() == {p for p in graph.subjects(RDFS.range, XSD.decimal) if p in named}
    assert loading._year_properties() == {
        p for p in graph.subjects(URIRef(SCHEMA + "rangeIncludes"), XSD.gYear) if p in named
    }
    domain = URIRef(SCHEMA + "domainIncludes")
    claim_only = {
        p
        for p in graph.subjects(domain, CN.CarbonNeutralityClaim)
        if isinstance(p, URIRef) and set(graph.objects(p, domain)) == {CN.CarbonNeutralityClaim}
    }
    assert claim_checks.claim_only_properties() == claim_only and CN.claimedBy in claim_only
    classes = {c for kind in (OWL.Class, RDFS.Class) for c in graph.subjects(RDF.type, kind) if isinstance(c, URIRef)}
    assert claim_checks._known_classes() == classes - {OWL.Thing, OWL.NamedIndividual, RDFS.Resource}
    assert CN.CarbonNeutralityClaim in claim_checks._known_classes()


def test_an_index_made_from_other_files_is_not_used(monkeypatch: pytest.MonkeyPatch, fresh_index: None) -> None:
    # An edited checkout whose index was not remade: the ontology is parsed instead, and nothing is read wrongly.
    monkeypatch.setattr(ontology_index, "fingerprint", lambda: "0" * 64)
    assert ontology_index._shipped() is None
    assert ontology_index.bundled_index() == ontology_index.index_of(ontology_graph())


def test_a_claim_checked_in_a_fresh_process_never_parses_the_ontology(tmp_path: Path) -> None:
    # What the index is for: the conforming example, checked with the cached reasoning tables, conforms without the
    # ontology being parsed (6 % of a cold start). A check that needs it (a claim restating a term) still parses it.
    # The first process computes the tables from the parsed ontology and caches them; the second reads them back.
    script = (
        "import comet_cn, pathlib; from comet_cn import resources\n"
        f"report = comet_cn.validate(pathlib.Path({str(ROOT / 'examples' / 'conforming-claim.jsonld')!r}))\n"
        "assert report.conforms, report.rule_ids\n"
        "print(resources.ontology_graph.cache_info().misses)\n"
        "bad = '@prefix cn: <https://comet.carbon/ext/iso14068#> . cn:Real cn:isCarbonNeutral true .'\n"
        "try:\n"
        "    comet_cn.validate(bad, format='turtle')\n"
        "except comet_cn.InputError:\n"
        "    pass\n"
        "print(resources.ontology_graph.cache_info().misses)\n"
    )
    environment = {**os.environ, "COMET_CN_CACHE_DIR": str(tmp_path / "cache")}
    environment.pop("COMET_CN_NO_CACHE", None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300, env=environment
        )
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert [run.stdout.split() for run in runs] == [["1", "1"], ["0", "1"]]
