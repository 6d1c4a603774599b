"""Red-team round 4, context and audits: what a user writing a claim from the docs and hints would notice.

1. The fix hint of CN-CLAIM-06 says to write the equivalent standard as the bare term ``ISO_14064_3`` in
   ``recognisedEquivalentOf`` (as Annex B's hints do for ``consistentWith``); the context coerced those properties
   with ``@id``, so the bare term became a relative IRI and a verified claim failed. They are now ``@vocab``, like
   ``verificationStandard`` and ``quantificationStandard``: a bare term names our individual, a compact or absolute
   IRI expands as before, and both JSON-LD readers (pyld and Oxigraph's) give the same graph.
2. CN-AUDIT-HIER-01 is documented as checking that every plan plans at least one reduction inside the boundary, but
   a plan with no action at all (or only removal enhancements) while its claim retires credits gave no audit row.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

import comet_cn
from comet_cn import RuleParameters, jsonld_fast, loading
from comet_cn.audits import BackendChoice, run_audits
from comet_cn.queries import query_info, run_query
from comet_cn.resources import context_document
from tests.conftest import EXAMPLES, ROOT, Run
from tests.test_queries import _normalise, _oxigraph_rows, _relabel

CN = "https://comet.carbon/ext/iso14068#"
CNSH = "https://comet.carbon/ext/iso14068/shapes#"
ACME = "https://example.org/acme/"
CONTEXT = "https://comet.carbon/ext/iso14068/context.jsonld"
AS_OF = RuleParameters(as_of=date(2026, 6, 1))
CLAIM: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
ORGANISATION: dict[str, Any] = json.loads(
    (EXAMPLES / "annex-b" / "organisation-claim.jsonld").read_text(encoding="utf-8")
)


def changed(document: dict[str, Any], iri: str, values: dict[str, Any], *extra: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with node ``iri`` updated (a value None drops the key) and ``extra`` nodes added."""
    result = copy.deepcopy(document)
    node = next(n for n in result["@graph"] if n["@id"] == iri)
    for key, value in values.items():
        if value is None:
            node.pop(key, None)
        else:
            node[key] = value
    result["@graph"].extend(copy.deepcopy(list(extra)))
    return result


def verdict(document: dict[str, Any]) -> tuple[bool, set[str]]:
    report = comet_cn.validate(document, parameters=AS_OF)
    return report.conforms, {r.rule_id for r in report.results if r.severity == "Violation"}


# --- 1. bare vocabulary terms in recognisedEquivalentOf and consistentWith ---------------------------------------


def equivalent_standard(value: str) -> dict[str, Any]:
    """The conforming claim verified to a custom standard declared equivalent to ``value``, as CN-CLAIM-06's hint
    says to write it."""
    standard = {"@id": "ex:isae-3410", "@type": "VerificationStandard", "label": "ISAE 3410"}
    return changed(
        CLAIM,
        "ex:opinion-2024",
        {"verificationStandard": "ex:isae-3410"},
        {**standard, "recognisedEquivalentOf": value},
    )


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("value", ["ISO_14064_3", "comet-cn:ISO_14064_3", CN + "ISO_14064_3"])
def test_a_standard_declared_equivalent_by_bare_term_or_iri_conforms(value: str) -> None:
    assert verdict(equivalent_standard(value)) == (True, set())


@pytest.mark.rule("CN-CLAIM-06")
def test_a_standard_declared_equivalent_to_another_standard_still_fails() -> None:
    assert verdict(equivalent_standard("ISO_14064_1")) == (False, {"CN-CLAIM-06"})


@pytest.mark.rule("CN-CLAIM-06")
def test_a_misspelt_bare_standard_is_an_unknown_term_and_does_not_verify() -> None:
    conforms, violated = verdict(equivalent_standard("ISO_14064_E"))
    assert not conforms and {"CN-CLAIM-06", "CN-INPUT-02"} <= violated


def test_the_reproducer_conforms_through_the_cli(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "bare-equivalent.jsonld"
    path.write_text(json.dumps(equivalent_standard("ISO_14064_3")), encoding="utf-8")
    run = cli("--as-of", "2026-06-01", "-f", "json", path)
    assert run.code == 0 and run.json()["conforms"] is True


def consistent_standard(value: str) -> dict[str, Any]:
    """The organisation claim whose value-chain standard is declared consistent with ``value``."""
    return changed(ORGANISATION, "ex:ghg-protocol-scope3", {"consistentWith": value})


@pytest.mark.rule("CN-ORG-01")
@pytest.mark.parametrize("value", ["ISO_14064_1", "comet-cn:ISO_14064_1"])
def test_a_quantification_standard_declared_consistent_by_bare_term_conforms(value: str) -> None:
    assert verdict(consistent_standard(value)) == (True, set())


@pytest.mark.rule("CN-ORG-01")
def test_a_standard_consistent_only_with_the_product_standard_still_fails() -> None:
    assert verdict(consistent_standard("ISO_14067")) == (False, {"CN-ORG-01"})


#: Properties whose values the hints and descriptions name by bare terms, with the individual each names.
BARE_VALUES = {"recognisedEquivalentOf": "ISO_14064_3", "consistentWith": "ISO_14067"}


@pytest.mark.parametrize(("term", "individual"), sorted(BARE_VALUES.items()))
def test_both_readers_read_a_bare_individual_as_the_comet_cn_individual(
    term: str, individual: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = {
        "@context": [CONTEXT, {"ex": "https://example.org/x/"}],
        "@graph": [
            {"@id": "ex:bare", term: individual},
            {"@id": "ex:compact", term: "comet-cn:" + individual},
            {"@id": "ex:absolute", term: "https://example.org/x/standard"},
            {"@id": "ex:prefixed", term: "ex:standard"},
        ],
    }
    predicate = URIRef(CN + term)
    expected = {
        (URIRef("https://example.org/x/bare"), predicate, URIRef(CN + individual)),
        (URIRef("https://example.org/x/compact"), predicate, URIRef(CN + individual)),
        (URIRef("https://example.org/x/absolute"), predicate, URIRef("https://example.org/x/standard")),
        (URIRef("https://example.org/x/prefixed"), predicate, URIRef("https://example.org/x/standard")),
    }
    with monkeypatch.context() as patch:
        patch.setattr(jsonld_fast, "available", lambda: False)
        reference = loading._jsonld_to_graph(
            copy.deepcopy(document), None, loading._Budget("<doc>", loading.DEFAULT_LIMITS, None)
        )
    assert set(reference) == expected
    if not jsonld_fast.available():
        pytest.skip("pyoxigraph is not installed (extras turbo or store)")
    assert jsonld_fast.plain(document)
    fast = jsonld_fast.read(copy.deepcopy(document), "default", loading._blank)
    assert fast is not None and set(fast) == expected


def _hint_pairs() -> list[tuple[str, str, str]]:
    """(shapes file, property term, bare value) for every "property Value" a hint, description or message writes,
    where the value is a context term for a comet-cn individual (not a compact IRI)."""
    context = context_document()["@context"]
    properties = sorted(
        (t for t, d in context.items() if isinstance(d, dict) and d.get("@type") in ("@id", "@vocab")),
        key=len,
        reverse=True,
    )
    pattern = re.compile(rf"\b(?:comet-cn:)?({'|'.join(properties)})\s+(?:to\s+)?([A-Za-z][A-Za-z0-9_]*)\b(?![:\-])")
    pairs = set()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for predicate in (URIRef(CNSH + "fixHint"), SH.description, SH.message):
            for text in graph.objects(None, predicate):
                for match in pattern.finditer(str(text)):
                    term, value = match.groups()
                    if isinstance(context.get(value), str) and context[value].startswith("comet-cn:"):
                        pairs.add((path.name, term, value))
    return sorted(pairs)


def test_the_hints_are_read_for_bare_terms() -> None:
    # Not vacuous: the rules name several individuals by bare terms (hierarchyStep, quantificationStandard...).
    pairs = _hint_pairs()
    assert len(pairs) >= 5 and {term for _, term, _ in pairs} >= {"consistentWith", "quantificationStandard"}


@pytest.mark.parametrize(("shapes", "term", "value"), _hint_pairs())
def test_every_bare_term_the_rules_tell_users_to_write_loads_as_our_individual(
    shapes: str, term: str, value: str
) -> None:
    graph = loading.load({"@context": CONTEXT, "@id": "https://example.org/x/node", term: value})
    assert set(graph.objects(URIRef("https://example.org/x/node"), URIRef(CN + term))) == {URIRef(CN + value)}


# --- 2. CN-AUDIT-HIER-01: a plan with no reduction inside the boundary --------------------------------------------

NO_REDUCTION = "the plan has no reduction action inside the boundary"
OFFSET_NO_REDUCTION = "offsetting with no reduction action in the plan"


def plan_with_actions(*actions: str) -> dict[str, Any]:
    """The conforming claim (which retires credits) whose plan keeps only ``actions``."""
    return changed(CLAIM, "ex:plan", {"hasAction": list(actions) or None})


def audit(
    document: dict[str, Any], tmp_path: Path, backend: BackendChoice = "rdflib"
) -> list[tuple[str, str, str | None]]:
    path = tmp_path / "claim.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return [(f.rule_id, f.focus_node, f.value) for f in run_audits(path, backend=backend)]


@pytest.mark.rule("CN-AUDIT-HIER-01")
@pytest.mark.parametrize(
    "actions",
    [(), ("ex:action-woodland",)],
    ids=["no-action", "removal-only"],
)
def test_a_plan_without_any_reduction_or_offsetting_action_is_an_audit_finding(
    actions: tuple[str, ...], tmp_path: Path
) -> None:
    expected = [("CN-AUDIT-HIER-01", ACME + "plan", ACME + "plan")]
    document = plan_with_actions(*actions)
    assert audit(document, tmp_path) == expected
    pytest.importorskip("pyoxigraph")
    assert audit(document, tmp_path, "oxigraph") == expected


@pytest.mark.rule("CN-AUDIT-HIER-01")
def test_a_plan_offsetting_without_reduction_is_still_one_finding_per_offsetting_action(tmp_path: Path) -> None:
    document = plan_with_actions("ex:action-woodland", "ex:action-offset")
    assert audit(document, tmp_path) == [("CN-AUDIT-HIER-01", ACME + "plan", ACME + "action-offset")]


@pytest.mark.rule("CN-AUDIT-HIER-01")
def test_a_plan_with_a_reduction_and_no_offsetting_action_is_no_finding(tmp_path: Path) -> None:
    assert audit(plan_with_actions("ex:action-heat-pumps"), tmp_path) == []
    assert audit(CLAIM, tmp_path) == []


@pytest.mark.rule("CN-AUDIT-HIER-01")
def test_cn_validate_audits_reports_the_plan_without_actions(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "plan-without-any-actions.jsonld"
    path.write_text(json.dumps(plan_with_actions()), encoding="utf-8")
    run = cli("--audits", "--as-of", "2026-06-01", "-f", "json", path)
    assert run.code == 1
    document = run.json()
    assert document["conforms"] is False
    found = [r for r in document["results"] if r["rule"] == "CN-AUDIT-HIER-01"]
    assert [(r["focus_node"], r["severity"]) for r in found] == [(ACME + "plan", "Violation")]
    assert NO_REDUCTION in found[0]["message"]


_EDGES = """
@prefix cn: <https://comet.carbon/ext/iso14068#> .
@prefix : <https://example.org/edges/> .
# Plans without a reduction inside the boundary: typed and empty; named by a claim only; removal only; offsetting
# after a removal only (one row per offsetting action).
:typed-empty a cn:CarbonNeutralityManagementPlan .
:claim cn:hasManagementPlan :named-only .
:removal-only cn:hasAction :r1 . :r1 cn:hierarchyStep cn:Enhance_Removal_Inside_Boundary .
:offsets cn:hasAction :o1 , :o2 , :o3 . :o1 cn:hierarchyStep cn:Enhance_Removal_Inside_Boundary .
:o2 cn:hierarchyStep cn:Offset_Outside_Boundary . :o3 cn:hierarchyStep cn:Offset_Outside_Boundary .
# Plans with a reduction: no row, whether they offset or not, however they are found.
:claim cn:hasManagementPlan :reduces .
:reduces a cn:CarbonNeutralityManagementPlan ; cn:hasAction :d1 . :d1 cn:hierarchyStep cn:Reduce_Inside_Boundary .
:reduces-offsets cn:hasAction :e1 , :e2 . :e1 cn:hierarchyStep cn:Reduce_Inside_Boundary .
:e2 cn:hierarchyStep cn:Offset_Outside_Boundary .
"""


@pytest.mark.rule("CN-AUDIT-HIER-01")
def test_hierarchy_audit_rows_for_plans_without_reduction_agree_on_rdflib_and_oxigraph() -> None:
    e = "https://example.org/edges/"
    graph = Graph().parse(data=_EDGES, format="turtle")
    result = run_query(query_info("hierarchy-audit"), graph)
    assert [(r["plan"], r["action"], r["before"], r["reason"]) for r in result.to_dicts()] == [
        (e + "named-only", e + "named-only", None, NO_REDUCTION),
        (e + "offsets", e + "o2", None, OFFSET_NO_REDUCTION),
        (e + "offsets", e + "o3", None, OFFSET_NO_REDUCTION),
        (e + "removal-only", e + "removal-only", None, NO_REDUCTION),
        (e + "typed-empty", e + "typed-empty", None, NO_REDUCTION),
    ]
    expected = _relabel([tuple(_normalise(v) for v in row) for row in result.rows])
    assert _oxigraph_rows(query_info("hierarchy-audit").text, graph, result.columns) == expected


def test_the_query_header_says_what_the_rule_checks() -> None:
    info = query_info("hierarchy-audit")
    assert "no reduction inside the boundary" in info.question
    assert "the plan itself" in dict((c[0], c[2]) for c in info.columns)["action"]
