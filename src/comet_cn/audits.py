"""Cross-claim audits as validation results, so `cn-validate --audits` gives one verdict on a set of claims.

Each audit is a bundled query whose rows are findings; the rule ids, clauses and hints live here because the
checks need several claims at once and so cannot be SHACL shapes over one claim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph

from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, Source
from comet_cn.queries import list_queries, load_sources, run_query
from comet_cn.reasoning import Engine, ReasoningMode
from comet_cn.validation import ValidationResult

__all__ = ["AUDITS", "Audit", "audit_results", "run_audits"]


@dataclass(frozen=True)
class Audit:
    """A cross-claim rule: which query finds it and how a finding is explained."""

    rule_id: str
    query: str
    clause: str
    severity: str
    pillar: str
    hint: str
    message: Callable[[dict[str, Any]], str]
    focus: str
    keep: Callable[[dict[str, Any]], bool] = lambda row: True


AUDITS: tuple[Audit, ...] = (
    Audit(
        rule_id="CN-AUDIT-HIER-01",
        query="hierarchy-audit",
        clause="ISO 14068-1:2023 §4.4, §5.2",
        severity="Violation",
        pillar="Hierarchy",
        hint="Order the plan so offsetting follows every reduction and removal enhancement, and plan reductions.",
        message=lambda r: (
            f"CN-AUDIT-HIER-01 (§5.2): {r['reason']}: {r['action']}" + (f" before {r['before']}" if r["before"] else "")
        ),
        focus="plan",
    ),
    Audit(
        rule_id="CN-AUDIT-DOUBLE-01",
        query="double-counting",
        clause="ISO 14068-1:2023 §11.1",
        severity="Violation",
        pillar="Credits",
        hint="Retire each credit once, for one claim and one entity; replace the reused credits with new ones.",
        message=lambda r: (
            f"CN-AUDIT-DOUBLE-01 (§11.1): credit serial {r['serial']} is retired {r['events']} times, "
            f"for {r['claims']} claim(s) and {r['entities']} entity(ies)."
        ),
        focus="serial",
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-01",
        query="continual-improvement",
        clause="ISO 14068-1:2023 §5.2, §9.2",
        severity="Violation",
        pillar="Hierarchy",
        hint="Reduce reliance on offsetting period by period: cut emissions inside the boundary rather than "
        "retiring more credits than in the prior period.",
        message=lambda r: (
            f"CN-AUDIT-IMPROVE-01 (§5.2): offsetting rose to {r['offset']} t CO2e in {r['period']} "
            f"from {r['prior_offset']} t CO2e in {r['prior_period']}."
        ),
        focus="period",
        keep=lambda row: bool(row["offset_increased"]),
    ),
)


def audit_results(graph: Graph, *, source: str | None = None) -> list[ValidationResult]:
    """Findings of every audit over an already loaded and reasoned graph of many claims."""
    infos = {info.name: info for info in list_queries()}
    findings = []
    for audit in AUDITS:
        for row in run_query(infos[audit.query], graph).to_dicts():
            if audit.keep(row):
                findings.append(
                    ValidationResult(
                        rule_id=audit.rule_id,
                        severity=audit.severity,
                        clause=audit.clause,
                        focus_node=str(row[audit.focus]),
                        path=None,
                        value=None,
                        message=audit.message(row),
                        hint=audit.hint,
                        source_shape=None,
                        pillar=audit.pillar,
                        source=source,
                    )
                )
    return sorted(findings, key=ValidationResult.sort_key)


def run_audits(
    sources: Source | Iterable[Source],
    *,
    reasoning: ReasoningMode = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
) -> list[ValidationResult]:
    """Load the claims together and return the cross-claim findings (double counting, rising offsetting...)."""
    graph = load_sources(sources, reasoning=reasoning, engine=engine, limits=limits)
    return audit_results(graph, source="<all inputs>")
