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

from rdflib import Graph, Namespace
from rdflib.term import Node

from comet_cn.claim_checks import claims_in, credit_ranges, normalised_serial
from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, Source
from comet_cn.queries import format_value, load_sources, query_info, run_query
from comet_cn.reasoning import Engine
from comet_cn.results import ValidationResult, finding
from comet_cn.rules import Rule, rule
from comet_cn.serials import SerialRange, find_overlaps
from comet_cn.terms import describe

__all__ = ["AUDITS", "Audit", "AuditFinding", "audit_results", "audits_markdown", "run_audits"]

#: An audit finding has exactly the shape of a validation result (``source_shape`` is None).
AuditFinding = ValidationResult

_CN = "https://comet.carbon/ext/iso14068#"
_CNS = Namespace(_CN)

Row = Mapping[str, object]


def _always(row: Row) -> bool:
    return True


@dataclass(frozen=True)
class Audit:
    """How a cross-claim rule reads its query's rows; its name, clause, severity and hint are in the catalogue
    (shapes/engine-rules.ttl), where ``cnsh:query`` also names the query.

    :ivar focus: the column naming the focus node of a finding.
    :ivar value: the column giving the finding's value, if any.
    :ivar path: the property the finding is about (an IRI), if any.
    :ivar keep: which rows of the query are findings (default: every row).
    """

    rule_id: str
    message: Callable[[Row], str]
    focus: str
    value: str | None = None
    path: str | None = None
    keep: Callable[[Row], bool] = _always

    @property
    def rule(self) -> Rule:
        return rule(self.rule_id)

    @property
    def query(self) -> str:
        name = self.rule.query
        assert name is not None, f"{self.rule_id} names no query in shapes/engine-rules.ttl"
        return name


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
        message=_hierarchy_message,
        focus="plan",
        value="action",
        path=_CN + "hasAction",
    ),
    Audit(
        rule_id="CN-AUDIT-DOUBLE-01",
        message=_double_message,
        focus="serial",
        value="serial",
        path=_CN + "serialNumber",
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-01",
        message=_offset_message,
        focus="period",
        value="offset",
        path=_CN + "hasOffsettingEvent",
        keep=lambda row: row.get("offset_increased") is True,
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-02",
        message=_footprint_message,
        focus="period",
        value="footprint_change",
        path=_CN + "hasCarbonFootprint",
        keep=lambda row: _positive(row.get("footprint_change")) and row.get("prior_residual_only") is not True,
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-03",
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
                finding(
                    audit.rule_id,
                    focus_node=format_value(row.get(audit.focus)),
                    path=audit.path,
                    value=_value(row, audit.value),
                    message=audit.message(row),
                    source=source,
                )
            )
    findings.extend(_range_overlaps(graph, source))
    return sorted(findings, key=ValidationResult.sort_key)


def _range_overlaps(graph: Graph, source: str | None) -> list[AuditFinding]:
    """CN-AUDIT-DOUBLE-01 for units that two claims share through serial ranges written differently.

    Identical serials are the double-counting query's rows; overlaps inside one claim are CN-UNITS-01's.
    """
    items: list[tuple[tuple[Node, Node, str], SerialRange]] = []
    for claim in claims_in(graph):
        for event in graph.objects(claim, _CNS.hasOffsettingEvent):
            for credit in graph.objects(event, _CNS.retiresCredit):
                span, serial = credit_ranges(graph, credit)
                if span is not None:
                    items.append(((claim, credit, serial or ""), span))
    findings = []
    for (claim_a, _, serial_a), (claim_b, credit_b, serial_b), (low, high) in find_overlaps(items):
        if claim_a == claim_b or normalised_serial(serial_a) == normalised_serial(serial_b):
            continue
        units = f"unit {low}" if low == high else f"units {low}-{high}"
        findings.append(
            finding(
                "CN-AUDIT-DOUBLE-01",
                focus_node=describe(graph, credit_b),
                path=_CN + "serialNumber",
                value=serial_b,
                message=f"CN-AUDIT-DOUBLE-01 (§11.1): {units} are retired for claim {describe(graph, claim_a)} "
                f"(serial {serial_a}) and again for claim {describe(graph, claim_b)} (serial {serial_b}); a credit "
                "can be used once.",
                source=source,
            )
        )
    return findings


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
    for audit in AUDITS:
        entry = audit.rule
        clause = entry.clause.removeprefix("ISO 14068-1:2023 ")
        lines.append(f"| `{audit.rule_id}` | {entry.severity} | {clause} | `{audit.query}` | {entry.name} |")
    return "\n".join(lines) + "\n"
