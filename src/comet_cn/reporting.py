"""Report formats: text grouped by the standard's pillars, stable JSON, and the SHACL report graph as Turtle.

Output is deterministic: the same input gives byte-identical text and JSON, so reports can be diffed and signed.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TextIO

from rdflib import Graph

from comet_cn.rules import PILLARS
from comet_cn.validation import ValidationReport, ValidationResult

__all__ = [
    "FORMATS",
    "InputFailure",
    "Outcome",
    "ReportWriter",
    "format_outcomes",
    "summary",
    "to_json",
    "to_text",
    "to_turtle",
]

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


class _Counts:
    def __init__(self) -> None:
        self.inputs = 0
        self.conforming = 0
        self.failing = 0
        self.errors = 0
        self.per_rule: Counter[str] = Counter()
        self.unreadable: list[str] = []
        self.any_violation_in_extra = False

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        if isinstance(outcome, InputFailure):
            self.errors += 1
            self.unreadable.append(outcome.source)
            return
        self.conforming += outcome.conforms
        self.failing += not outcome.conforms
        self.per_rule.update(r.rule_id for r in outcome.results)

    def as_dict(self) -> dict[str, object]:
        return {
            "inputs": self.inputs,
            "conforming": self.conforming,
            "failing": self.failing,
            "errors": self.errors,
            "rules": dict(sorted(self.per_rule.items())),
        }

    def conforms(self) -> bool | None:
        if self.errors:
            return None
        return self.failing == 0 and not self.any_violation_in_extra


def summary(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """Counts over a run: inputs, how many conform, fail or could not be read, and findings per rule."""
    counts = _Counts()
    for outcome in outcomes:
        counts.add(outcome)
    return counts.as_dict()


class ReportWriter:
    """Write a report for a stream of outcomes in constant memory.

    Text is written as each outcome arrives. JSON is assembled at :meth:`close` from two spool files, so the document
    can open with the overall verdict. Turtle keeps the report graphs until the end (it is not meant for huge runs).
    """

    def __init__(self, stream: TextIO, fmt: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        self._stream = stream
        self._fmt = fmt
        self._counts = _Counts()
        self._extra: list[ValidationResult] = []
        self._results_spool: IO[str] | None = None
        self._inputs_spool: IO[str] | None = None
        self._graph = Graph()
        if fmt == "json":
            # Closed in close(); spooling to disk is what keeps a 100,000-claim run in flat memory.
            self._results_spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            self._inputs_spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        elif fmt == "turtle":
            self._graph.bind("sh", "http://www.w3.org/ns/shacl#")

    def add(self, outcome: Outcome) -> None:
        """Record one input's outcome."""
        self._counts.add(outcome)
        if self._fmt == "text":
            self._stream.write("\n".join(_text_block(outcome)) + "\n")
        elif self._fmt == "json":
            assert self._results_spool is not None and self._inputs_spool is not None
            if isinstance(outcome, ValidationReport):
                for result in outcome.results:
                    self._spool(self._results_spool, result.as_dict())
            self._spool(self._inputs_spool, _input_entry(outcome))
        elif isinstance(outcome, ValidationReport):
            for triple in outcome.report_graph:
                self._graph.add(triple)

    @property
    def extra_violations(self) -> bool:
        """Whether the run-wide findings (audits) include a violation."""
        return self._counts.any_violation_in_extra

    def add_extra(self, results: Iterable[ValidationResult]) -> None:
        """Record findings that belong to the run as a whole (cross-claim audits)."""
        added = list(results)
        self._extra.extend(added)
        self._counts.per_rule.update(r.rule_id for r in added)
        self._counts.any_violation_in_extra |= any(r.severity == "Violation" for r in added)

    @staticmethod
    def _spool(spool: IO[str], entry: Mapping[str, object]) -> None:
        if spool.tell():
            spool.write(",\n")
        spool.write(_indent(json.dumps(entry, indent=2, ensure_ascii=False), 4))

    def close(self) -> None:
        """Write what only the end of the run knows (summary, overall verdict) and release the spools."""
        extra = sorted(self._extra, key=ValidationResult.sort_key)
        if self._fmt == "text":
            self._stream.write("\n".join(_text_tail(self._counts, extra)) + "\n")
        elif self._fmt == "turtle":
            self._stream.write(self._graph.serialize(format="turtle"))
        else:
            assert self._results_spool is not None and self._inputs_spool is not None
            for result in extra:
                self._spool(self._results_spool, result.as_dict())
            self._stream.write('{\n  "conforms": ' + json.dumps(self._counts.conforms()) + ',\n  "results": [')
            self._copy(self._results_spool)
            self._stream.write('],\n  "inputs": [')
            self._copy(self._inputs_spool)
            summary_text = _indent(json.dumps(self._counts.as_dict(), indent=2, ensure_ascii=False), 2).lstrip()
            self._stream.write('],\n  "summary": ' + summary_text + "\n}\n")

    def _copy(self, spool: IO[str]) -> None:
        if spool.tell():
            spool.seek(0)
            self._stream.write("\n")
            shutil.copyfileobj(spool, self._stream)
            self._stream.write("\n  ")
        spool.close()


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line for line in text.splitlines())


def _input_entry(outcome: Outcome) -> dict[str, object]:
    if isinstance(outcome, InputFailure):
        return {"source": outcome.source, "conforms": None, "error": outcome.message}
    return {
        "source": outcome.source,
        "conforms": outcome.conforms,
        "error": None,
        "reasoning": outcome.reasoning,
        "violations": len(outcome.violations),
        "warnings": len(outcome.warnings),
    }


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


def _text_block(outcome: Outcome) -> list[str]:
    if isinstance(outcome, InputFailure):
        return [f"{outcome.source}: ERROR {outcome.message}"]
    verdict = "CONFORMS" if outcome.conforms else "DOES NOT CONFORM"
    counts = f"{len(outcome.violations)} violation(s), {len(outcome.warnings)} warning(s)"
    lines = [f"{outcome.source}: {verdict} to ISO 14068-1 ({counts}; reasoning: {outcome.reasoning})"]
    if outcome.results:
        lines.extend(_grouped(outcome.results))
        lines.append("")
    return lines


def _text_tail(counts: _Counts, extra: Sequence[ValidationResult]) -> list[str]:
    lines: list[str] = []
    if extra:
        lines.append("\nAudits across all inputs")
        lines.extend(_grouped(extra))
        lines.append("")
    per_rule = ", ".join(f"{rule} ×{n}" for rule, n in sorted(counts.per_rule.items())) or "none"
    lines.append(
        f"Summary: {counts.inputs} input(s): {counts.conforming} conform, {counts.failing} do not, "
        f"{counts.errors} could not be read. Findings per rule: {per_rule}."
    )
    if counts.unreadable:
        lines.append("Could not be read: " + ", ".join(counts.unreadable))
    return lines


def _render(outcomes: Sequence[Outcome], fmt: str, extra_results: Iterable[ValidationResult]) -> str:
    buffer = io.StringIO()
    writer = ReportWriter(buffer, fmt)
    for outcome in outcomes:
        writer.add(outcome)
    writer.add_extra(extra_results)
    writer.close()
    return buffer.getvalue()


def to_json(outcomes: Sequence[Outcome], *, extra_results: Iterable[ValidationResult] = ()) -> str:
    """The documented JSON format (docs/cli.md): ``conforms``, ``results``, ``inputs``, ``summary``."""
    return _render(outcomes, "json", extra_results)


def to_text(outcomes: Sequence[Outcome], *, extra_results: Iterable[ValidationResult] = ()) -> str:
    """A report for people: one block per input, findings grouped by the standard's four pillars."""
    return _render(outcomes, "text", extra_results)


def to_turtle(outcomes: Sequence[Outcome]) -> str:
    """The SHACL validation report graph(s) as Turtle (inputs that could not be read have none)."""
    return _render(outcomes, "turtle", ())


def format_outcomes(outcomes: Sequence[Outcome], fmt: str, *, extra_results: Iterable[ValidationResult] = ()) -> str:
    """Render a run in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return to_json(outcomes, extra_results=extra_results)
    if fmt == "turtle":
        return to_turtle(outcomes)
    if fmt == "text":
        return to_text(outcomes, extra_results=extra_results)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
