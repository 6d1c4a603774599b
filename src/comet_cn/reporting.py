"""Report formats: text grouped by the standard's pillars, stable JSON, and the SHACL report graph as Turtle.

Output is deterministic: the same input gives byte-identical text and JSON, so reports can be diffed and signed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph

from comet_cn.rules import PILLARS
from comet_cn.validation import ValidationReport, ValidationResult

__all__ = ["FORMATS", "InputFailure", "Outcome", "format_outcomes", "summary", "to_json", "to_text", "to_turtle"]

FORMATS = ("text", "json", "turtle")

_PREFIXES = {
    "https://comet.carbon/ext/iso14068#": "comet-cn:",
    "https://comet.carbon/ext/iso14068/shapes#": "cnsh:",
    "https://comet.carbon/v1/core#": "comet:",
    "https://comet.carbon/v1/pcf#": "comet-pcf:",
    "https://comet.carbon/v1/eac#": "comet-eac:",
    "https://comet.carbon/v1/ver#": "comet-ver:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
}


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be validated at all (missing, unreadable, malformed); ``message`` is one line."""

    source: str
    message: str


Outcome = ValidationReport | InputFailure


def compact(iri: str | None) -> str:
    """Shorten an IRI with the well-known comet prefixes, for people to read."""
    if iri is None:
        return ""
    for namespace, prefix in _PREFIXES.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return iri


def summary(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """Counts over a run: inputs, how many conform, fail or could not be read, and findings per rule."""
    reports = [o for o in outcomes if isinstance(o, ValidationReport)]
    per_rule = Counter(r.rule_id for report in reports for r in report.results)
    return {
        "inputs": len(outcomes),
        "conforming": sum(1 for r in reports if r.conforms),
        "failing": sum(1 for r in reports if not r.conforms),
        "errors": len(outcomes) - len(reports),
        "rules": dict(sorted(per_rule.items())),
    }


def to_json(outcomes: Sequence[Outcome], *, extra_results: Iterable[ValidationResult] = ()) -> str:
    """The documented JSON format (docs/cli.md): top-level ``conforms``, ``results``, ``inputs``, ``summary``."""
    extra = sorted(extra_results, key=ValidationResult.sort_key)
    results = [r.as_dict() for o in outcomes if isinstance(o, ValidationReport) for r in o.results]
    results += [r.as_dict() for r in extra]
    inputs: list[dict[str, object]] = []
    for outcome in outcomes:
        if isinstance(outcome, InputFailure):
            inputs.append({"source": outcome.source, "conforms": None, "error": outcome.message})
        else:
            inputs.append(
                {
                    "source": outcome.source,
                    "conforms": outcome.conforms,
                    "error": None,
                    "reasoning": outcome.reasoning,
                    "violations": len(outcome.violations),
                    "warnings": len(outcome.warnings),
                }
            )
    document = {
        "conforms": _overall(outcomes, extra),
        "results": results,
        "inputs": inputs,
        "summary": summary(outcomes),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _overall(outcomes: Sequence[Outcome], extra: Sequence[ValidationResult]) -> bool | None:
    if any(isinstance(o, InputFailure) for o in outcomes):
        return None
    return all(o.conforms for o in outcomes if isinstance(o, ValidationReport)) and not any(
        r.severity == "Violation" for r in extra
    )


def _result_lines(result: ValidationResult) -> list[str]:
    lines = [f"  {result.severity.upper()} {result.rule_id}  {result.clause}", f"    node:  {result.focus_node}"]
    if result.path or result.value:
        where = f"    path:  {compact(result.path)}" if result.path else "   "
        lines.append(where + (f"   value: {compact(result.value)}" if result.value is not None else ""))
    lines.append(f"    what:  {result.message}")
    if result.hint:
        lines.append(f"    fix:   {result.hint}")
    return lines


def _grouped(results: Sequence[ValidationResult]) -> list[str]:
    lines: list[str] = []
    for pillar, title in [*PILLARS.items(), ("Other", "Other rules (extra shapes)")]:
        members = [r for r in results if (r.pillar if r.pillar in PILLARS else "Other") == pillar]
        if members:
            lines.append(f"\n{title}")
            for result in members:
                lines.extend(_result_lines(result))
    return lines


def to_text(outcomes: Sequence[Outcome], *, extra_results: Iterable[ValidationResult] = ()) -> str:
    """A report for people: one block per input, findings grouped by the standard's four pillars."""
    lines: list[str] = []
    for outcome in outcomes:
        if isinstance(outcome, InputFailure):
            lines.append(f"{outcome.source}: ERROR {outcome.message}")
            continue
        verdict = "CONFORMS" if outcome.conforms else "DOES NOT CONFORM"
        counts = f"{len(outcome.violations)} violation(s), {len(outcome.warnings)} warning(s)"
        lines.append(f"{outcome.source}: {verdict} to ISO 14068-1 ({counts}; reasoning: {outcome.reasoning})")
        lines.extend(_grouped(outcome.results))
        lines.append("")
    extra = sorted(extra_results, key=ValidationResult.sort_key)
    if extra:
        lines.append("Audits across all inputs")
        lines.extend(_grouped(extra))
        lines.append("")
    totals = summary(outcomes)
    rules = totals["rules"]
    assert isinstance(rules, dict)
    per_rule = ", ".join(f"{rule} ×{n}" for rule, n in rules.items()) or "none"
    lines.append(
        f"Summary: {totals['inputs']} input(s): {totals['conforming']} conform, {totals['failing']} do not, "
        f"{totals['errors']} could not be read. Findings per rule: {per_rule}."
    )
    failed = [o.source for o in outcomes if isinstance(o, InputFailure)]
    if failed:
        lines.append("Could not be read: " + ", ".join(failed))
    return "\n".join(lines).rstrip("\n") + "\n"


def to_turtle(outcomes: Sequence[Outcome]) -> str:
    """The SHACL validation report graph(s) as Turtle (inputs that could not be read have none)."""
    merged = Graph()
    merged.bind("sh", "http://www.w3.org/ns/shacl#")
    for outcome in outcomes:
        if isinstance(outcome, ValidationReport):
            for triple in outcome.report_graph:
                merged.add(triple)
    return merged.serialize(format="turtle")


def format_outcomes(
    outcomes: Sequence[Outcome], fmt: str, *, extra_results: Iterable[ValidationResult] = ()
) -> str:
    """Render a run in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return to_json(outcomes, extra_results=extra_results)
    if fmt == "turtle":
        return to_turtle(outcomes)
    if fmt == "text":
        return to_text(outcomes, extra_results=extra_results)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
