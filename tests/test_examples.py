"""Every bundled example gives the verdict examples/manifest.json promises, through the API and the CLI,
with reasoning off and on: each violating example fails exactly its rule, so no rule is hidden by inference."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.rules import rule_catalogue
from tests.conftest import EXAMPLES, Run

MANIFEST: list[dict[str, Any]] = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))["examples"]
# The rdfs mode sits between the other two; it runs in the full set (CI).
REASONING = ("none", pytest.param("rdfs", marks=pytest.mark.slow), "owlrl")


def _expected(entry: dict[str, Any], reasoning: str) -> dict[str, Any]:
    """What the manifest promises for ``reasoning`` (some findings need OWL reasoning to be visible at all)."""
    return entry["without_owl"] if reasoning != "owlrl" and "without_owl" in entry else entry


@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_api_verdict_matches_manifest(entry: dict[str, Any], reasoning: str) -> None:
    expected = _expected(entry, reasoning)
    report = comet_cn.validate(EXAMPLES / entry["file"], reasoning=reasoning)  # type: ignore[arg-type]
    assert report.conforms is expected["conforms"]
    assert sorted(report.rule_ids) == expected["rules"]
    assert sorted({r.rule_id for r in report.warnings}) == entry.get("warnings", [])
    for result in report.results:
        # Every finding a user sees names the rule, the clause, the node and what to change.
        assert result.rule_id and result.clause and result.focus_node and result.message and result.hint
        assert result.message.startswith(result.rule_id)


@pytest.mark.parametrize("reasoning", ["none", pytest.param("owlrl", marks=pytest.mark.slow)])
@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_cli_verdict_matches_manifest(cli: Callable[..., Run], entry: dict[str, Any], reasoning: str) -> None:
    expected = _expected(entry, reasoning)
    run = cli("-f", "json", "-i", reasoning, EXAMPLES / entry["file"])
    assert run.code == (0 if expected["conforms"] else 1), run.err
    document = run.json()
    assert document["conforms"] is expected["conforms"]
    violated = sorted({r["rule"] for r in document["results"] if r["severity"] == "Violation"})
    assert violated == expected["rules"]
    for result in document["results"]:
        assert {"rule", "clause", "severity", "focus_node", "path", "message", "hint"} <= set(result)


def test_every_rule_has_a_violating_example_and_every_example_is_listed() -> None:
    # Audit rules need several claims at once; tests/test_audits.py gives each a failing set of claims.
    rules = {rule.rule_id for rule in rule_catalogue() if rule.kind != "audit"}
    violated = {rule for entry in MANIFEST for rule in entry["rules"]}
    warned = {rule for entry in MANIFEST for rule in entry.get("warnings", [])}
    assert rules == violated | warned, "rules without a failing example, or examples naming unknown rules"
    listed = {entry["file"] for entry in MANIFEST}
    on_disk = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.jsonld") if "multi-period" not in p.parts}
    assert listed == on_disk


def _graph_nodes(path: Path) -> dict[str, dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return {node["@id"]: node for node in document["@graph"]}


@pytest.mark.parametrize("entry", [e for e in MANIFEST if not e["conforms"]], ids=lambda e: e["file"])
def test_violating_examples_differ_from_a_conforming_one_only_where_the_rule_looks(entry: dict[str, Any]) -> None:
    """Each violating example is a conforming example with a small, local change (a few nodes at most)."""
    # Bases: the conforming examples at the top and in the violating example's own folder (annex-b/ has its own).
    folder = entry["file"].rpartition("/")[0]
    bases = [
        EXAMPLES / e["file"]
        for e in MANIFEST
        if e["conforms"] and ("/" not in e["file"] or e["file"].rpartition("/")[0] == folder != "violations")
    ]
    changed = min(
        sum(1 for iri in set(a) | set(b) if a.get(iri) != b.get(iri))
        for a, b in ((_graph_nodes(EXAMPLES / entry["file"]), _graph_nodes(base)) for base in bases)
    )
    assert 1 <= changed <= 5


def test_conforming_example_text_report_is_short_and_positive(cli: Callable[..., Run]) -> None:
    run = cli(EXAMPLES / "conforming-claim.jsonld")
    assert run.code == 0
    assert "CONFORMS" in run.out and "DOES NOT" not in run.out


def test_text_report_groups_by_pillar_and_names_rule_clause_node_and_fix(cli: Callable[..., Run]) -> None:
    run = cli(EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld")
    assert run.code == 1
    assert "Credit quality, vintage and retirement" in run.out
    assert "CN-VINT-01" in run.out and "§11.2" in run.out
    assert "https://example.org/acme/credit-cookstoves" in run.out
    assert "fix:" in run.out
