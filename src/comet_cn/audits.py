"""Cross-claim audits as validation results, so ``cn-validate --audits`` gives one verdict on a set of claims.

Each audit reads the rows of a bundled query (see :mod:`comet_cn.queries`) and turns the rows that show a problem
into findings with a rule id, severity, clause, focus node, message and hint. The rules live here, not in the
SHACL shapes, because each needs several claims (periods) at once. Severity follows the standard's wording:
"shall" is a Violation, "should", or a "shall" that one finding cannot prove broken, a Warning.

A finding is a :class:`comet_cn.validation.ValidationResult` (``source_shape`` is ``None``), so reports list
audit findings like any other result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph

from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, Source
from comet_cn.queries import format_value, load_sources, query_info, run_query
from comet_cn.reasoning import Engine
from comet_cn.validation import ValidationResult

__all__ = ["AUDITS", "Audit", "AuditFinding", "audit_results", "audits_markdown", "run_audits"]

#: An audit finding has exactly the shape of a validation result (``source_shape`` is None).
AuditFinding = ValidationResult

_CN = "https://comet.carbon/ext/iso14068#"

Row = Mapping[str, object]


def _always(row: Row) -> bool:
    return True


@dataclass(frozen=True)
class Audit:
    """A cross-claim rule: the query whose rows are its findings, and how a finding is explained.

    :ivar focus: the column naming the focus node of a finding.
    :ivar value: the column giving the finding's value, if any.
    :ivar path: the property the finding is about (an IRI), if any.
    :ivar keep: which rows of the query are findings (default: every row).
    """

    rule_id: str
    query: str
    name: str
    clause: str
    severity: str
    pillar: str
    hint: str
    message: Callable[[Row], str]
    focus: str
    value: str | None = None
    path: str | None = None
    keep: Callable[[Row], bool] = _always


def _hierarchy_message(row: Row) -> str:
    before = f" before {row['before']}" if row.get("before") else ""
    return f"CN-AUDIT-HIER-01 (§4.4, §5.2): {row['reason']}: {row['action']}{before}."


def _double_message(row: Row) -> str:
    return (
        f"CN-AUDIT-DOUBLE-01 (§11.1): credit serial {row['serial']} is retired in {row['events']} offsetting "
        f"event(s), for {row['claims']} claim(s) and {row['entities']} entity(ies), on {row['blocks']} credit "
        "block(s); a credit can be used once."
    )


def _offset_message(row: Row) -> str:
    return (
        f"CN-AUDIT-IMPROVE-01 (§5.2): offsetting for {row['subject']} rose to {format_value(row['offset'])} t CO2e "
        f"in {row['period']} from {format_value(row['prior_offset'])} t CO2e in {row['prior_period']}."
    )


def _footprint_message(row: Row) -> str:
    return (
        f"CN-AUDIT-IMPROVE-02 (§9.2): the footprint of {row['subject']} rose by "
        f"{format_value(row['footprint_change'])} t CO2e in {row['period']} against {row['prior_period']}, before "
        "only residual emissions remain."
    )


def _residual_message(row: Row) -> str:
    return (
        f"CN-AUDIT-IMPROVE-03 (§9.2): for {row['subject']}, the claim for {row['prior_period']} says only residual "
        f"emissions remain but the claim for {row['period']} does not; once reached, that state is to be maintained."
    )


def _value(row: Row, column: str | None) -> str | None:
    if column is None or row.get(column) is None:
        return None
    return format_value(row[column])


def _positive(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and value > 0


AUDITS: tuple[Audit, ...] = (
    Audit(
        rule_id="CN-AUDIT-HIER-01",
        query="hierarchy-audit",
        name="Offsetting comes last in every plan",
        clause="ISO 14068-1:2023 §4.4, §5.2",
        severity="Violation",
        pillar="Hierarchy",
        hint="Order the plan so every offsetting action follows the reductions and removal enhancements "
        "(actionOrder, else plannedDate), and plan at least one reduction inside the boundary.",
        message=_hierarchy_message,
        focus="plan",
        value="action",
        path=_CN + "hasAction",
    ),
    Audit(
        rule_id="CN-AUDIT-DOUBLE-01",
        query="double-counting",
        name="A credit is retired once",
        clause="ISO 14068-1:2023 §11.1",
        severity="Violation",
        pillar="Credits",
        hint="Retire each credit once, for one claim and one entity; replace the reused credits with credits "
        "retired for this claim only.",
        message=_double_message,
        focus="serial",
        value="serial",
        path=_CN + "serialNumber",
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-01",
        query="continual-improvement",
        name="Offsetting falls over time",
        clause="ISO 14068-1:2023 §5.2",
        severity="Violation",
        pillar="Hierarchy",
        hint="Reduce reliance on offsetting period by period: cut emissions inside the boundary rather than "
        "retiring more credits than in the prior period.",
        message=_offset_message,
        focus="period",
        value="offset",
        path=_CN + "hasOffsettingEvent",
        keep=lambda row: row.get("offset_increased") is True,
    ),
    Audit(
        # §9.2 allows non-linear progress (steps and plateaus), so one rise does not prove the plan fails to show
        # continual improvement: a Warning for the verifier to look at, not a Violation.
        rule_id="CN-AUDIT-IMPROVE-02",
        query="continual-improvement",
        name="The footprint improves until only residual emissions remain",
        clause="ISO 14068-1:2023 §9.2",
        severity="Warning",
        pillar="Hierarchy",
        hint="Explain the rise in the report (e.g. growth, a boundary change, a recalculated baseline) and show "
        "how the plan brings the footprint back onto the pathway.",
        message=_footprint_message,
        focus="period",
        value="footprint_change",
        path=_CN + "hasCarbonFootprint",
        keep=lambda row: _positive(row.get("footprint_change")) and row.get("prior_residual_only") is not True,
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-03",
        query="continual-improvement",
        name="The residual-only state is maintained",
        clause="ISO 14068-1:2023 §9.2",
        severity="Violation",
        pillar="Hierarchy",
        hint="Bring emissions back to the residual level, or correct onlyResidualEmissionsRemain of the earlier "
        "claim if it was not true.",
        message=_residual_message,
        focus="period",
        value="residual_only",
        path=_CN + "onlyResidualEmissionsRemain",
        keep=lambda row: row.get("prior_residual_only") is True and row.get("residual_only") is False,
    ),
)


def audit_results(graph: Graph, *, source: str | None = None) -> list[AuditFinding]:
    """The findings of every audit over a graph of many claims already loaded and reasoned.

    :param source: what to name as the findings' input (default: none).
    :returns: findings in the stable order of validation results.
    """
    findings: list[AuditFinding] = []
    rows: dict[str, list[dict[str, object]]] = {}
    for audit in AUDITS:
        if audit.query not in rows:
            rows[audit.query] = run_query(query_info(audit.query), graph).to_dicts()
        for row in rows[audit.query]:
            if not audit.keep(row):
                continue
            findings.append(
                ValidationResult(
                    rule_id=audit.rule_id,
                    severity=audit.severity,
                    clause=audit.clause,
                    focus_node=format_value(row.get(audit.focus)),
                    path=audit.path,
                    value=_value(row, audit.value),
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
    reasoning: str = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
    source: str | None = "<all inputs>",
) -> list[AuditFinding]:
    """Load and reason the claims as validation does, and return the cross-claim findings.

    :param sources: claims, directories of claims, or an iterable of these (see :func:`comet_cn.queries.query`).
    :param source: what the findings name as their input.
    :raises InputError: a claim cannot be loaded.
    """
    graph = load_sources(sources, reasoning=reasoning, engine=engine, limits=limits)
    return audit_results(graph, source=source)


def audits_markdown() -> str:
    """A Markdown table of the audit rules (rule id, severity, clause, query, what it checks)."""
    lines = ["| Rule | Severity | Clause | Query | Checks |", "|---|---|---|---|---|"]
    lines += [
        f"| `{a.rule_id}` | {a.severity} | {a.clause.removeprefix('ISO 14068-1:2023 ')} | `{a.query}` | {a.name} |"
        for a in AUDITS
    ]
    return "\n".join(lines) + "\n"
