"""Every fast path gives the results of the naive path: compiled reasoning vs owlrl, worker processes vs one
claim at a time, and our pipeline vs plain pyshacl with the ontology and OWL-RL inference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import SH

import comet_cn
from comet_cn.batch import validate_many
from comet_cn.resources import ontology_graph, shapes_graph
from comet_cn.synthetic import VIOLATIONS, synthetic_batch, synthetic_claim
from tests.conftest import EXAMPLES

MANIFEST = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))["examples"]
GENERATED = [synthetic_claim(100 + i, violation=name) for i, name in enumerate([None, *VIOLATIONS])]


@pytest.mark.slow
@pytest.mark.parametrize("claim", GENERATED, ids=["conforming", *VIOLATIONS])
def test_compiled_engine_gives_owlrl_results_on_generated_claims(claim: dict[str, Any]) -> None:
    fast = comet_cn.validate(claim)
    naive = comet_cn.validate(claim, engine="owlrl")
    assert fast.engine == "compiled-owlrl" and naive.engine == "owlrl"
    assert fast.results == naive.results


@pytest.mark.slow
def test_worker_processes_give_the_same_outcomes_in_order() -> None:
    claims = [(f"claim-{i}", doc) for i, (doc, _) in enumerate(synthetic_batch(16, violation_every=3))]
    alone = [comet_cn.validate(doc, name=name) for name, doc in claims]
    parallel = list(validate_many(claims, jobs=2))
    serial = list(validate_many(claims, jobs=1))
    assert [r.results for r in parallel] == [r.results for r in alone] == [r.results for r in serial]
    assert [r.source for r in parallel] == [name for name, _ in claims]


def _violating_nodes(report: Graph) -> set[str]:
    return {
        str(report.value(result, SH.focusNode))
        for result in report.subjects(None, SH.ValidationResult)
        if report.value(result, SH.resultSeverity) == SH.Violation
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "conforming-claim.jsonld",
        "violations/cn-vint-01-old-vintage.jsonld",
        "violations/cn-hier-02-offset-before-reduction.jsonld",
        "violations/cn-bal-01-credits-short.jsonld",
        "violations/cn-plan-01-missing-plan-element.jsonld",
    ],
)
def test_pipeline_matches_plain_pyshacl_with_owlrl(path: str) -> None:
    data = comet_cn.load(EXAMPLES / path)
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="owlrl", allow_warnings=True
    )
    ours = comet_cn.validate(EXAMPLES / path)
    assert ours.conforms is bool(conforms)
    assert _violating_nodes(report) == {r.focus_node for r in ours.violations}


def test_generated_batch_verdicts_match_the_injected_defects() -> None:
    for document, expected in synthetic_batch(12, violation_every=2):
        report = comet_cn.validate(document)
        assert report.rule_ids == ({expected} if expected else set())


@pytest.mark.slow
def test_examples_directory_in_parallel_matches_serial(tmp_path: Path) -> None:
    files = [EXAMPLES / e["file"] for e in MANIFEST[:10]]
    serial = [r.results for r in validate_many(files, jobs=1)]
    parallel = [r.results for r in validate_many(files, jobs=2)]
    assert serial == parallel


def test_a_users_graph_is_never_changed_and_gets_the_verdict_of_its_file() -> None:
    # Validation adds the entailments to the claim's own graph when it owns it (a fresh load); a graph a user
    # hands over must come back as it was, and both ways must give the same findings.
    from comet_cn.validation import validate_graph

    path = EXAMPLES / "violations" / "cn-bal-01-credits-short.jsonld"
    graph = comet_cn.load(path)
    before = set(graph)
    from_graph = validate_graph(graph)
    assert set(graph) == before
    from_file = comet_cn.validate(path)
    assert (
        (from_graph.conforms, from_graph.rule_ids) == (from_file.conforms, from_file.rule_ids) == (False, {"CN-BAL-01"})
    )
    assert {(r.rule_id, r.focus_node, r.path, r.value) for r in from_graph.results} == {
        (r.rule_id, r.focus_node, r.path, r.value) for r in from_file.results
    }
    closure = comet_cn.reason(graph)
    assert closure.graph is not graph and set(graph) == before


@pytest.mark.parametrize("engine", ["pyshacl", "turbo"])
def test_the_reference_engine_runs_on_a_claim_read_into_the_simple_store(engine: str) -> None:
    # A claim read for validation sits in rdflib's SimpleMemory store, which pySHACL cannot view as a dataset;
    # with reasoning off the closure is that graph merged with the ontology, with it on it is the graph itself.
    for reasoning in ("none", "owlrl"):
        report = comet_cn.validate(EXAMPLES / "conforming-claim.jsonld", reasoning=reasoning, shacl_engine=engine)  # type: ignore[arg-type]
        assert report.conforms, (engine, reasoning, report.rule_ids)


# ---- pyld is imported only when it reads a claim (a tenth of a cold start) ----


def test_the_base_written_out_is_pylds_own() -> None:
    from pyld import jsonld

    from comet_cn.loading import JSONLD_BASE

    assert JSONLD_BASE == jsonld.DEFAULT_BASE_IRI


def test_every_term_pyld_maps_in_the_bundled_context_is_one_its_json_defines() -> None:
    # The redefinition check skips pyld where a document's context defines none of the bundled context's terms, as
    # read off its JSON: sound only while pyld's mappings hold no term the JSON does not define.
    from comet_cn.resources import context_terms
    from comet_cn.terms import _bundled_mappings

    assert set(_bundled_mappings()) <= set(context_terms())


def test_a_turbo_claim_read_by_the_oxigraph_reader_imports_no_pyld(tmp_path: Path) -> None:
    import subprocess
    import sys

    pytest.importorskip("pyoxigraph")  # the Oxigraph reader (the turbo extra)
    claim = EXAMPLES / "conforming-claim.jsonld"
    script = (
        "import sys, comet_cn\n"
        f"report = comet_cn.validate(__import__('pathlib').Path({str(claim)!r}), shacl_engine='turbo')\n"
        "print(report.conforms, 'pyld' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.split() == ["True", "False"]
