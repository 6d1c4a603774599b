"""The fast engine leaves out shapes that cannot find anything in a claim, and the report stays the same.

comet_cn.shape_needs reads, for each SHACL-SPARQL shape, the terms every row of its query needs; a claim using
none of some shape's terms is validated without that shape. Speed must never change a verdict: each claim is
validated with and without the plan and the findings compared.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

import comet_cn
from comet_cn import shacl_engines, shape_needs
from comet_cn.native_checks import engine_shapes
from comet_cn.synthetic import VIOLATIONS, synthetic_claim
from comet_cn.validation import RuleParameters, ValidationReport

ROOT = Path(__file__).resolve().parents[1]
AS_OF = RuleParameters(as_of=date(2026, 12, 1))
EX = "https://example.org/"
P = "PREFIX ex: <https://example.org/>\n"


def _needs(where: str) -> set[str]:
    return {f"{kind}:{term.removeprefix(EX)}" for kind, term in shape_needs.query_needs(P + where)}


@pytest.mark.parametrize(
    ("query", "needs"),
    [
        ("SELECT $this WHERE { $this ex:a ?x . ?x ex:b ?y }", {"p:a", "p:b"}),
        ("SELECT $this WHERE { $this a ex:Event ; ex:a ?x }", {"t:Event", "p:a"}),
        # What may match nothing is no need: OPTIONAL, MINUS, a filter's NOT EXISTS, a path of zero steps.
        ("SELECT $this WHERE { $this ex:a ?x OPTIONAL { ?x ex:b ?y } }", {"p:a"}),
        ("SELECT $this WHERE { $this ex:a ?x MINUS { ?x ex:b ?y } }", {"p:a"}),
        ("SELECT $this WHERE { $this ex:a ?x FILTER NOT EXISTS { ?x ex:b ?y } }", {"p:a"}),
        ("SELECT $this WHERE { $this ex:a* ?x . ?x ex:c/ex:d ?y }", {"p:c", "p:d"}),
        ("SELECT $this WHERE { $this (ex:a|ex:b) ?x }", set()),
        ("SELECT $this WHERE { $this ex:a+ ?x . ?x ^ex:b ?z }", {"p:a", "p:b"}),
        # A UNION needs what both branches need.
        ("SELECT $this WHERE { { $this ex:a ?x ; ex:c ?z } UNION { $this ex:b ?x ; ex:c ?z } }", {"p:c"}),
        # An aggregate without GROUP BY makes one row of no data at all: nothing is needed.
        ("SELECT $this (COUNT(?x) AS ?n) WHERE { $this ex:a ?x } HAVING (COUNT(?x) = 0)", set()),
        ("SELECT $this (SUM(?x) AS ?s) WHERE { $this ex:a ?x } GROUP BY $this", {"p:a"}),
        ("SELECT $this WHERE { { SELECT $this (COUNT(?x) AS ?n) WHERE { $this ex:a ?x } } }", set()),
        ("SELECT $this WHERE { VALUES ?p { ex:a } $this ?p ?x }", set()),
        ("SELECT $this WHERE { GRAPH ?g { $this ex:a ?x } }", set()),
    ],
)
def test_a_query_needs_only_what_every_row_of_it_matches(query: str, needs: set[str]) -> None:
    assert _needs(query) == needs


def test_the_shipped_plan_is_the_plan_of_the_bundled_shapes() -> None:
    # Made by `python -m comet_cn.shape_needs > src/comet_cn/shape_needs.json` after any change to the shapes; a
    # stale plan is never used (its fingerprint differs), but then every claim runs every shape.
    shipped = json.loads((resources.files("comet_cn") / shape_needs.PLAN_FILE).read_text(encoding="utf-8"))
    plan = shape_needs.analyse(engine_shapes())
    assert plan is not None
    assert shipped == json.loads(json.dumps(plan.as_dict(shape_needs.fingerprint()), sort_keys=True))
    assert shape_needs.bundled_plan() == plan


def test_a_plan_made_from_other_shapes_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shape_needs, "fingerprint", lambda: "0" * 64)
    shape_needs.bundled_plan.cache_clear()
    try:
        assert shape_needs.bundled_plan() is None
    finally:
        monkeypatch.undo()
        shape_needs.bundled_plan.cache_clear()
    assert shape_needs.bundled_plan() is not None


def test_a_shape_is_left_out_only_while_the_claim_lacks_what_it_needs() -> None:
    plan = shape_needs.bundled_plan()
    assert plan is not None
    event_shape = URIRef("https://comet.carbon/ext/iso14068/shapes#EventInPeriodShape")
    assert event_shape in {candidate.shape for candidate in plan.candidates}
    data = Graph()
    data.add((URIRef(EX + "claim"), RDF.type, URIRef(EX + "Thing")))
    run = plan.shapes_for(data)
    assert run is not None and event_shape not in run and len(run) < len(plan.tops)
    (needs,) = next(c.needs for c in plan.candidates if c.shape == event_shape)
    assert ("p", URIRef("https://comet.carbon/ext/iso14068#eventStartDate")) in needs
    for kind, term in needs:
        data.add((URIRef(EX + "x"), term, URIRef(EX + "y")) if kind == "p" else (URIRef(EX + "x"), RDF.type, term))
    run = plan.shapes_for(data)
    assert run is not None and event_shape in run


def _findings(report: ValidationReport) -> set[tuple[str, str, str | None, str | None, str | None, str]]:
    return {(r.rule_id, r.severity.value, r.focus_node, r.path, r.value, r.message) for r in report.results}


def _with_and_without_plan(source: object, monkeypatch: pytest.MonkeyPatch) -> tuple[ValidationReport, ...]:
    planned = comet_cn.validate(source, parameters=AS_OF, shacl_engine="turbo")  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        patch.setattr(shacl_engines, "bundled_plan", lambda: None)
        whole = comet_cn.validate(source, parameters=AS_OF, shacl_engine="turbo")  # type: ignore[arg-type]
    assert planned.shacl_engine == whole.shacl_engine
    return planned, whole


SAMPLES = sorted(p for p in (ROOT / "examples").rglob("*.jsonld") if p.stat().st_size)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_every_example_gets_the_same_findings_with_the_plan(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planned, whole = _with_and_without_plan(path, monkeypatch)
    assert (planned.conforms, _findings(planned)) == (whole.conforms, _findings(whole))


@pytest.mark.parametrize("violation", [None, *VIOLATIONS])
def test_generated_claims_get_the_same_findings_with_the_plan(
    violation: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = synthetic_claim(7, violation=violation)
    planned, whole = _with_and_without_plan(document, monkeypatch)
    assert (planned.conforms, _findings(planned)) == (whole.conforms, _findings(whole))
    assert planned.conforms is (violation is None)


# ---- Predicates no shape reads are not handed to the engine ----


def _reads(query: str) -> set[str] | None:
    found = shape_needs._query_predicates(P + query, ())
    return None if found is None else {str(term).removeprefix(EX) for term in found if str(term).startswith(EX)}


@pytest.mark.parametrize(
    ("query", "reads"),
    [
        ("SELECT $this WHERE { $this ex:a ?x }", {"a"}),
        # Everywhere in the query: FILTER EXISTS (left as parsed by rdflib), OPTIONAL, sub-queries, paths.
        (
            "SELECT $this WHERE { $this ex:a ?x FILTER EXISTS { ?x ex:b ?y ; ex:c/^ex:d* ?z, ?w } "
            "OPTIONAL { SELECT $this WHERE { $this ex:e ?q } } }",
            {"a", "b", "c", "d", "e"},
        ),
        # A predicate that could be any: nothing is known.
        ("SELECT $this WHERE { $this ex:a ?x FILTER NOT EXISTS { ?x ?p ?y } }", None),
        ("SELECT $this WHERE { BIND (ex:a AS ?p) $this ?p ?x }", None),
        ("SELECT $this WHERE { $this (!(ex:a|ex:b))* ?x }", None),
        ("SELECT $this WHERE { $this ex:a/!ex:b ?x }", None),
    ],
)
def test_the_predicates_a_query_reads(query: str, reads: set[str] | None) -> None:
    assert _reads(query) == reads


def test_every_bundled_shape_names_what_it_reads_but_the_two_that_walk_any_link() -> None:
    plan = shape_needs.bundled_plan()
    assert plan is not None and plan.reads is not None
    shapes = "https://comet.carbon/ext/iso14068/shapes#"
    assert plan.walkers == {URIRef(shapes + "ClaimNonConformityShape"), URIRef(shapes + "OpinionPanelReviewShape")}
    # Both are left out of a claim without their terms, so an ordinary claim's evidence is not handed over.
    assert plan.walkers <= {candidate.shape for candidate in plan.candidates}
    claim = comet_cn.load(synthetic_claim(3))
    run = plan.shapes_for(claim)
    assert plan.reads_for(run) == plan.reads
    assert plan.reads_for(None) is None  # every shape, the walkers among them: every triple


def test_a_non_conformity_reached_only_through_evidence_is_still_found() -> None:
    # ClaimNonConformityShape walks any link from the claim; an evidence reference is read by no other shape. Were
    # the evidence left out of what the engine sees, a major non-conformity hung on it would pass.
    document = json.loads((ROOT / "examples" / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    (claim,) = [node for node in document["@graph"] if node.get("@type") == "CarbonNeutralityClaim"]
    claim["hasEvidence"][0]["hasNonConformity"] = {"@type": "NonConformity", "nonConformitySeverity": "major"}
    for engine in ("pyshacl", "turbo"):
        report = comet_cn.validate(document, parameters=AS_OF, shacl_engine=engine)  # type: ignore[arg-type]
        assert "CN-CLAIM-06" in report.rule_ids, (engine, report.rule_ids)
