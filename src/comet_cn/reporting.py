"""Report formats: text grouped by the standard's pillars, stable JSON, and the SHACL report graph as Turtle.

Output is deterministic: the same input gives byte-identical text and JSON, so reports can be diffed and signed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TextIO

from rdflib import BNode, Graph, Literal
from rdflib.namespace import DCTERMS, RDF, SH

from comet_cn import __version__
from comet_cn.report_graphs import add_result, escape_surrogates, text_literal
from comet_cn.results import Severity
from comet_cn.rules import CNSH, PILLARS
from comet_cn.terms import compact
from comet_cn.validation import RuleParameters, ValidationReport, ValidationResult

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


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be validated at all (missing, unreadable, malformed); ``message`` is one line."""

    source: str
    message: str
    internal: bool = False  # our own fault (a bug, a dead worker), not the input's: the run exits 3


Outcome = ValidationReport | InputFailure


class _Counts:
    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.strict_failing = 0  # conforming inputs that fail --strict on their warnings
        self.inputs = 0
        self.conforming = 0
        self.failing = 0
        self.errors = 0
        self.not_claims = 0
        self.per_rule: Counter[str] = Counter()
        self.unreadable: list[str] = []
        self.audit_violations = 0
        self.audit_warnings = 0

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        if isinstance(outcome, InputFailure):
            self.errors += 1
            self.unreadable.append(outcome.source)
            return
        self.conforming += outcome.conforms
        self.failing += not outcome.conforms
        self.strict_failing += self.strict and outcome.conforms and bool(outcome.warnings)
        self.not_claims += not outcome.claims
        self.per_rule.update(r.rule_id for r in outcome.results)

    def add_audits(self, results: Sequence[ValidationResult]) -> None:
        self.per_rule.update(r.rule_id for r in results)
        self.audit_violations += sum(r.severity == Severity.VIOLATION for r in results)
        self.audit_warnings += sum(r.severity == Severity.WARNING for r in results)

    def as_dict(self) -> dict[str, object]:
        return {
            "inputs": self.inputs,
            "conforming": self.conforming,
            "failing": self.failing,
            "errors": self.errors,
            "not_claims": self.not_claims,
            "audit_violations": self.audit_violations,
            "audit_warnings": self.audit_warnings,
            "rules": dict(sorted(self.per_rule.items())),
            # Only with --strict: how many conforming inputs fail it on their warnings (the exit code counts them).
            **({"strict_failing": self.strict_failing} if self.strict else {}),
        }

    def conforms(self) -> bool | None:
        if self.errors:
            return None
        return self.failing == 0 and not self.audit_violations


def summary(outcomes: Sequence[Outcome]) -> dict[str, object]:
    """Counts over a run: inputs, how many conform, fail or could not be read, and findings per rule."""
    counts = _Counts()
    for outcome in outcomes:
        counts.add(outcome)
    return counts.as_dict()


#: The version of the JSON report's format (its schema, comet_cn/schemas/report.schema.json).
REPORT_FORMAT_VERSION = "1.2"


def checked_with(
    parameters: RuleParameters,
    unknown_terms: str = "error",
    *,
    extra_shapes: Sequence[str] = (),
    extra_ontology: Sequence[str] = (),
) -> dict[str, object]:
    """How a run checked its inputs, for the JSON report's ``checked`` (format 1.2): the tool and its version, the
    date of the check, each rule setting changed from its default, how unknown terms were read and the shapes and
    ontology files added to the bundled ones. A verdict under a vintage limit of 30 years, with a misspelt key's
    content unread (``--unknown-terms warning``), or under a user's own shapes, is not one under the defaults, and
    an archived report has to say so (red teams 98a, 106a).

    :param extra_shapes: the extra shapes files as the user named them (``--shapes``), in order.
    :param extra_ontology: the extra ontology files as the user named them (``--ontology``), in order."""
    default = RuleParameters()
    changed = {
        name: {"value": getattr(parameters, name), "default": getattr(default, name)}
        for name in _SETTINGS
        if getattr(parameters, name) != getattr(default, name)
    }
    return {
        "tool": "comet-cn",
        "version": __version__,
        "as_of": parameters.as_of.isoformat() if parameters.as_of is not None else None,
        "settings_changed": changed,
        "unknown_terms": unknown_terms,
        "extra_shapes": list(extra_shapes),
        "extra_ontology": list(extra_ontology),
    }


#: The rule settings (RuleParameters fields) a report states when changed; the date of the check is stated apart.
_SETTINGS = (
    "vintage_max_age_years",
    "vintage_reference",
    "vintage_property",
    "retirement_window_months",
    "instrument_vintage_window_months",
)


class ReportWriter:
    """Write a report for a stream of outcomes in constant memory.

    Text is written as each outcome arrives. JSON is assembled at :meth:`close` from two spool files, so the document
    can open with the overall verdict. Turtle keeps the report graphs until the end (it is not meant for huge runs).
    """

    def __init__(
        self,
        stream: TextIO,
        fmt: str,
        *,
        silent_lone_failure: bool = False,
        strict: bool = False,
        checked: Mapping[str, object] | None = None,
    ) -> None:
        """:param checked: how the run checked its inputs (:func:`checked_with`), written into the JSON report.
        :param silent_lone_failure: in text, write nothing when the run's one input could not be read (the
        command's one-line error says it all; a summary of one unreadable input only repeats it three times).
        :param strict: the run fails on warnings too (``cn-validate --strict``): a conforming claim with warnings
        still conforms to ISO 14068-1 (warnings are the standard's "should"), and the report says it fails the run.
        """
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
        self._stream = stream
        self._fmt = fmt
        self._counts = _Counts(strict)
        self._strict = strict
        self._checked = dict(checked) if checked is not None else None
        self._extra: list[ValidationResult] = []
        self._results_spool: IO[str] | None = None
        self._inputs_spool: IO[str] | None = None
        self._graph = Graph()
        self._reports = 0
        self._silent_lone_failure = silent_lone_failure and fmt == "text"
        self._held: InputFailure | None = None  # a first failure, written once a second input shows it is not alone
        if fmt == "json":
            # Closed in close(); spooling to disk is what keeps a 100,000-claim run in flat memory.
            self._results_spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            self._inputs_spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        elif fmt == "turtle":
            self._graph.bind("sh", str(SH))
            self._graph.bind("cnsh", str(CNSH))
            self._graph.bind("dcterms", str(DCTERMS))

    def add(self, outcome: Outcome) -> None:
        """Record one input's outcome."""
        self._counts.add(outcome)
        if self._fmt == "text":
            self._release()
            if self._silent_lone_failure and self._counts.inputs == 1 and isinstance(outcome, InputFailure):
                self._held = outcome
            else:
                self._stream.write("\n".join(_text_block(outcome, strict=self._strict)) + "\n")
        elif self._fmt == "json":
            assert self._results_spool is not None and self._inputs_spool is not None
            if isinstance(outcome, ValidationReport):
                for result in outcome.results:
                    self._spool(self._results_spool, result.as_dict())
            self._spool(self._inputs_spool, _input_entry(outcome))
        else:
            self._add_turtle(outcome.source or "<input>", outcome)

    def _add_turtle(self, source: str, outcome: Outcome | Sequence[ValidationResult]) -> None:
        """One sh:ValidationReport per input, built from our findings so it lists every rule (engine rules too).

        ``sh:conforms`` keeps its SHACL meaning (no result at all); ``cnsh:conformsToISO14068`` is the verdict the
        exit code gives (no violation, and a claim to speak of).
        """
        self._reports += 1
        report = BNode(f"report{self._reports}")
        graph = self._graph
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, CNSH.input, text_literal(source)))
        if isinstance(outcome, InputFailure):
            # SHACL asks for exactly one sh:conforms: an input that could not be read was not shown to conform, and
            # a reader of the file must not take the batch's only sh:conforms true for it. No ISO verdict is given.
            graph.add((report, SH.conforms, Literal(False)))
            graph.add((report, CNSH.error, text_literal(outcome.message)))
            return
        results = outcome.results if isinstance(outcome, ValidationReport) else tuple(outcome)
        verdict = (
            outcome.conforms
            if isinstance(outcome, ValidationReport)
            else not any(r.severity == Severity.VIOLATION for r in results)
        )
        graph.add((report, SH.conforms, Literal(not results)))
        graph.add((report, CNSH.conformsToISO14068, Literal(verdict)))
        for index, result in enumerate(results, start=1):
            add_result(graph, report, BNode(f"report{self._reports}result{index}"), result)

    @property
    def extra_violations(self) -> bool:
        """Whether the run-wide findings (audits) include a violation."""
        return self._counts.audit_violations > 0

    def add_extra(self, results: Iterable[ValidationResult]) -> None:
        """Record findings that belong to the run as a whole (cross-claim audits)."""
        added = list(results)
        self._extra.extend(added)
        self._counts.add_audits(added)

    @staticmethod
    def _spool(spool: IO[str], entry: Mapping[str, object]) -> None:
        if spool.tell():
            spool.write(",\n")
        spool.write(_indent(_json(entry), 4))

    def close(self) -> None:
        """Write what only the end of the run knows (summary, overall verdict) and release the spools."""
        extra = sorted(self._extra, key=ValidationResult.sort_key)
        if self._fmt == "text":
            if self._held is not None and not extra and self._counts.inputs == 1:
                return
            self._release()
            self._stream.write("\n".join(_text_tail(self._counts, extra)) + "\n")
        elif self._fmt == "turtle":
            if extra:
                self._add_turtle("<audits across all inputs>", extra)
            self._stream.write(self._graph.serialize(format="turtle"))
        else:
            assert self._results_spool is not None and self._inputs_spool is not None
            for result in extra:
                self._spool(self._results_spool, result.as_dict())
            head = f'{{\n  "format_version": "{REPORT_FORMAT_VERSION}",\n  "conforms": '
            self._stream.write(head + json.dumps(self._counts.conforms()))
            if self._checked is not None:
                self._stream.write(',\n  "checked": ' + _indent(_json(self._checked), 2).lstrip())
            if self._strict:  # the run's outcome under --strict beside the ISO verdict, as the exit code reads it
                passes = self._counts.conforms() is True and not self._counts.strict_failing
                self._stream.write(',\n  "strict": true,\n  "passes": ' + json.dumps(passes))
            self._stream.write(',\n  "results": [')
            self._copy(self._results_spool)
            self._stream.write('],\n  "inputs": [')
            self._copy(self._inputs_spool)
            summary_text = _indent(_json(self._counts.as_dict()), 2).lstrip()
            self._stream.write('],\n  "summary": ' + summary_text + "\n}\n")

    def _release(self) -> None:
        if self._held is not None:
            self._stream.write("\n".join(_text_block(self._held)) + "\n")
            self._held = None

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
        "shacl_engine": outcome.shacl_engine,
        "claims": list(outcome.claims),
        "violations": len(outcome.violations),
        "warnings": len(outcome.warnings),
    }


# The bidirectional controls too (U+061C, U+200E/F, U+202A-E, U+2066-9): shown raw, they reorder a node's name on
# screen, so that one IRI reads as another.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
# A lone surrogate (from a JSON "\ud800" escape, or a file name that is not UTF-8) cannot be written as UTF-8.


def escape_controls(text: str | None) -> str:
    """Text from an input (file names, IRIs, literals) with control characters escaped, so that a newline or a
    terminal escape in a name can neither forge a verdict line nor drive the terminal. Lone surrogates are escaped
    too (``\\udcff``), so the text is always valid UTF-8."""
    if text is None:
        return ""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def _json(value: object) -> str:
    """Indented JSON, non-ASCII kept as is, lone surrogates written as JSON escapes (valid UTF-8, same string)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return escape_surrogates(text)


def _result_lines(result: ValidationResult) -> list[str]:
    lines = [
        f"  {str(result.severity).upper()} {result.rule_id}  {result.clause}",
        f"    node:  {escape_controls(result.focus_node)}",
    ]
    if result.location:
        lines.append(f"    {result.location_label + ':':<6} {escape_controls(result.location)}")
    if result.inputs:
        lines.append(f"    in:    {escape_controls(', '.join(result.inputs))}")
    if result.path:
        value = f"   value: {escape_controls(compact(result.value))}" if result.value is not None else ""
        lines.append(f"    path:  {escape_controls(compact(result.path))}{value}")
    elif result.value is not None:
        lines.append(f"    value: {escape_controls(compact(result.value))}")
    lines.append(f"    what:  {escape_controls(result.message)}")
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


def _text_block(outcome: Outcome, *, strict: bool = False) -> list[str]:
    if isinstance(outcome, InputFailure):
        return [f"{escape_controls(outcome.source)}: ERROR {escape_controls(outcome.message)}"]
    counts = f"{len(outcome.violations)} violation(s), {len(outcome.warnings)} warning(s)"
    if not outcome.claims:
        # "Conforms" is a statement about a claim; an input without one gets no such word either way.
        verdict = "NOT A CLAIM: no carbon-neutrality claim found"
    else:
        verdict = ("CONFORMS" if outcome.conforms else "DOES NOT CONFORM") + " to ISO 14068-1"
        if strict and outcome.conforms and outcome.warnings:
            verdict += ", but FAILS --strict on its warnings"
    # The SHACL engine is named only when it is not the reference, so the usual line stays as it was.
    engine = "" if outcome.shacl_engine == "pyshacl" else f"; shapes: {outcome.shacl_engine}"
    lines = [f"{escape_controls(outcome.source)}: {verdict} ({counts}; reasoning: {outcome.reasoning}{engine})"]
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
    not_claims = f" ({counts.not_claims} not a claim)" if counts.not_claims else ""
    audits = ""
    if extra:
        audits = (
            f" Audits across inputs: {counts.audit_violations} violation(s), {counts.audit_warnings} warning(s)"
            + ("; the set does not conform." if counts.audit_violations else ".")
        )
    lines.append(
        f"Summary: {counts.inputs} input(s): {counts.conforming} conform, {counts.failing} do not{not_claims}, "
        f"{counts.errors} could not be read.{audits} Findings per rule: {per_rule}."
    )
    if counts.strict_failing:
        lines.append(f"With --strict: {counts.strict_failing} conforming input(s) fail on their warnings.")
    if counts.unreadable:
        lines.append("Could not be read: " + ", ".join(escape_controls(name) for name in counts.unreadable))
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


def to_turtle(outcomes: Sequence[Outcome], *, extra_results: Iterable[ValidationResult] = ()) -> str:
    """One SHACL validation report per input (and one for the audits), as Turtle."""
    return _render(outcomes, "turtle", extra_results)


def format_outcomes(outcomes: Sequence[Outcome], fmt: str, *, extra_results: Iterable[ValidationResult] = ()) -> str:
    """Render a run in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return to_json(outcomes, extra_results=extra_results)
    if fmt == "turtle":
        return to_turtle(outcomes, extra_results=extra_results)
    if fmt == "text":
        return to_text(outcomes, extra_results=extra_results)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
