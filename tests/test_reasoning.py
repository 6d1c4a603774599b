"""Reasoning: the fast compiled engine entails exactly what owlrl does, and reports say which engine ran."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

import comet_cn
from comet_cn.compiled import TRIVIAL_CLASSES, CompiledOntology
from comet_cn.loading import load
from comet_cn.reasoning import _compile, reason
from comet_cn.resources import ontology_graph
from comet_cn.synthetic import VIOLATIONS, synthetic_claim
from tests.conftest import run_script

# The owlrl reference closures are recomputed per example; run in CI (the full set).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CN = "https://comet.carbon/ext/iso14068#"
EXAMPLE = ROOT / "examples" / "conforming-claim.jsonld"


def _manifest_files() -> list[Path]:
    manifest = ROOT / "examples" / "manifest.json"
    entries = json.loads(manifest.read_text(encoding="utf-8"))["examples"] if manifest.exists() else []
    return [ROOT / "examples" / entry["file"] for entry in entries]


def _signature(closure_graph: Graph, data: Graph, *, literals: bool = False) -> set[tuple[str, str, str]]:
    """What reasoning says about the claim's own nodes, minus the trivia OWL-RL adds to every resource.

    Node-to-node edges and types by default; with ``literals``, the literal-valued triples instead.
    """
    ontology_terms = set(comet_cn.ontology_graph().subjects())
    nodes = {s for s in data.subjects()} | {o for o in data.objects() if not isinstance(o, Literal)}
    nodes -= ontology_terms  # what the ontology says about its own terms is not an inference about the claim
    found = set()
    for s, p, o in closure_graph:
        if s not in nodes or p == OWL.sameAs or (p == RDF.type and o in TRIVIAL_CLASSES):
            continue
        if isinstance(o, Literal) == literals:
            # Anonymous class expressions (owl:unionOf domains) get fresh blank-node ids when the closed ontology
            # is read back from the on-disk cache, so only their presence can be compared.
            value = o.n3() if isinstance(o, Literal) else "_:anonymous" if isinstance(o, BNode) else str(o)
            found.add((str(s), str(p), value))
    return found


def _assert_same_entailments(fast: Graph, reference: Graph, data: Graph) -> None:
    assert _signature(fast, data) == _signature(reference, data)
    # owlrl's RDFS mode also invents literal triples (its literal proxies treat true and 1 as one value, so an
    # actionOrder 1 gains "true"); the compiled engine must not add any literal triple owlrl lacks.
    assert _signature(fast, data, literals=True) <= _signature(reference, data, literals=True)


CLAIMS = [pytest.param(synthetic_claim(i), id=f"synthetic-{i}") for i in range(3)] + [
    pytest.param(synthetic_claim(10 + i, violation=name), id=f"synthetic-{name}") for i, name in enumerate(VIOLATIONS)
]


@pytest.mark.parametrize("mode", ["rdfs", "owlrl"])
@pytest.mark.parametrize("claim", CLAIMS)
def test_compiled_engine_matches_owlrl_on_generated_claims(claim: dict[str, object], mode: str) -> None:
    data = load(claim)
    fast = reason(data, mode, engine="compiled")  # type: ignore[arg-type]
    reference = reason(data, mode, engine="owlrl")  # type: ignore[arg-type]
    assert fast.engine == f"compiled-{mode}" and reference.engine in ("owlrl", "owlrl-rdfs")
    _assert_same_entailments(fast.graph, reference.graph, data)
    assert {i.focus_node for i in fast.inconsistencies} == {i.focus_node for i in reference.inconsistencies}


@pytest.mark.parametrize("path", _manifest_files(), ids=lambda p: p.name)
def test_compiled_engine_matches_owlrl_on_every_example(path: Path) -> None:
    data = load(path)
    fast = reason(data, "owlrl", engine="compiled")
    reference = reason(data, "owlrl", engine="owlrl")
    _assert_same_entailments(fast.graph, reference.graph, data)
    assert {i.focus_node for i in fast.inconsistencies} == {i.focus_node for i in reference.inconsistencies}


@pytest.mark.parametrize("path", _manifest_files(), ids=lambda p: p.name)
def test_every_engine_gives_the_same_verdict_on_every_example(path: Path) -> None:
    fast = comet_cn.validate(path, engine="auto")
    reference = comet_cn.validate(path, engine="owlrl")
    assert fast.engine == "compiled-owlrl" and reference.engine == "owlrl"
    assert fast.results == reference.results


def test_disjoint_types_are_an_inconsistency_with_both_engines() -> None:
    claim = synthetic_claim(0)
    claim["@graph"][0]["@type"] = ["CarbonNeutralityClaim", "CarbonNeutralityReport"]  # type: ignore[index]
    for engine in ("compiled", "owlrl"):
        report = comet_cn.validate(claim, engine=engine)  # type: ignore[arg-type]
        consistency = [r for r in report.results if r.rule_id == "CN-CONSIST-01"]
        assert consistency and consistency[0].focus_node.endswith("/claim"), engine
        assert not report.conforms


def test_claim_with_schema_triples_falls_back_to_owlrl() -> None:
    data = load(synthetic_claim(0))
    data.add((URIRef("https://example.org/MyClaim"), RDFS.subClassOf, URIRef(CN + "CarbonNeutralityClaim")))
    assert reason(data, "owlrl").engine == "owlrl"
    with pytest.raises(ValueError, match="not complete"):
        reason(data, "owlrl", engine="compiled")


def test_unsupported_construct_in_extra_ontology_falls_back_to_owlrl() -> None:
    extra = Graph()
    prop = URIRef("https://example.org/uniqueSerial")
    extra.add((prop, RDF.type, OWL.FunctionalProperty))
    assert reason(load(synthetic_claim(0)), "owlrl", extra_ontology=[extra]).engine == "owlrl"
    assert reason(load(synthetic_claim(0)), "owlrl").engine == "compiled-owlrl"


def test_reasoning_never_modifies_the_callers_graph() -> None:
    data = load(synthetic_claim(0))
    before = set(data)
    for engine in ("auto", "owlrl"):
        comet_cn.validate(data, engine=engine)  # type: ignore[arg-type]
    assert set(data) == before


def _cold_validate(env: dict[str, str], example: Path) -> tuple[int, str]:
    """``cn-validate`` in a new process (so nothing is cached in memory), with the cache on unless ``env`` says."""
    run = run_script("cn-validate", example, "-f", "json", env={"COMET_CN_NO_CACHE": "", **env})
    return run.code, run.out


def test_compiled_tables_are_cached_on_disk_and_a_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    failing = ROOT / "examples" / "violations" / "cn-vint-01-old-vintage.jsonld"
    env = {"COMET_CN_CACHE_DIR": str(tmp_path)}
    first = _cold_validate(env, failing)
    cached = sorted(tmp_path.glob("tables-owlrl-*.json"))
    assert len(cached) == 1 and cached[0].stat().st_size > 0
    assert _cold_validate(env, failing) == first  # read back from the cache: the same report
    assert first[0] == 1 and "CN-VINT-01" in first[1]
    cached[0].write_bytes(b"\x00 not json <<<")
    assert _cold_validate(env, failing) == first
    assert CompiledOntology.from_json(cached[0].read_bytes().split(b"\n", 1)[1])  # rewritten as valid tables
    assert _cold_validate(env, EXAMPLE)[0] == 0


@pytest.mark.parametrize("mode", ["owlrl", "rdfs"])
def test_cached_tables_read_back_as_the_tables_written(mode: str) -> None:
    tables = _compile(ontology_graph(), mode)  # type: ignore[arg-type]
    assert tables is not None and tables.reproduces(ontology_graph(), profile=mode)
    body = tables.to_json()
    assert body is not None
    read = CompiledOntology.from_json(body)
    assert read is not None and read.reproduces(ontology_graph(), profile=mode)
    for field in ("superclasses", "superproperties", "inverses", "domains", "ranges", "disjoint"):

        def named(table: dict[object, frozenset[object]]) -> dict[object, set[object]]:
            return {k: {v for v in vs if isinstance(v, URIRef)} for k, vs in table.items() if isinstance(k, URIRef)}

        assert named(getattr(read, field)) == named(getattr(tables, field))
    assert (read.symmetric, read.transitive) == (tables.symmetric, tables.transitive)
    blank_keys = sum(isinstance(k, BNode) for k in tables.superclasses)
    assert sum(isinstance(k, BNode) for k in read.superclasses) == blank_keys


def test_closure_cache_can_be_turned_off(tmp_path: Path) -> None:
    env = {"COMET_CN_CACHE_DIR": str(tmp_path), "COMET_CN_NO_CACHE": "1"}
    assert _cold_validate(env, EXAMPLE)[0] == 0
    assert not list(tmp_path.iterdir())


def test_closure_cache_is_never_written_into_the_working_folder(tmp_path: Path) -> None:
    env = {"COMET_CN_CACHE_DIR": "", "XDG_CACHE_HOME": "", "HOME": "relative-home"}
    work = tmp_path / "work"
    work.mkdir()
    run = run_script("cn-validate", "-q", EXAMPLE, cwd=work, env={"COMET_CN_NO_CACHE": "", **env})
    assert run.code == 0, run.err
    assert not list(work.iterdir())
