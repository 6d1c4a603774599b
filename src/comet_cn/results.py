"""The result datamodel: a finding (:class:`ValidationResult`) and the verdict on an input (:class:`ValidationReport`).

Both are frozen: a report handed to a caller cannot be changed behind the back of another.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from rdflib import Graph

from comet_cn.rules import Rule, Severity, rule

__all__ = ["Severity", "ValidationReport", "ValidationResult", "finding"]


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which rule, where, what is wrong and what to change."""

    rule_id: str
    severity: Severity
    clause: str
    focus_node: str
    path: str | None
    value: str | None
    message: str
    hint: str
    source_shape: str | None
    pillar: str
    source: str | None = None
    #: For a workbook input: the sheet, row and column to fix; for a node cn-import wrote: "export row" and the
    #: export's file and row.
    location: str | None = None
    #: For a cross-claim audit finding: the inputs that hold its node (a finding of a set is about several claims).
    inputs: tuple[str, ...] = ()

    @property
    def location_label(self) -> str:
        """What :attr:`location` names, for output: ``cell`` (a workbook's) or ``from`` (an export's row)."""
        return "from" if (self.location or "").startswith("export row ") else "cell"

    def sort_key(self) -> tuple[str, ...]:
        return (
            str(Severity.of(self.severity).rank),
            self.rule_id,
            self.focus_node,
            self.path or "",
            self.value or "",
            self.message,
        )

    def as_dict(self) -> dict[str, str | None]:
        """The result as a JSON-ready dict; ``rule`` is the rule id (the key of the documented JSON format)."""
        data: dict[str, str | None] = {"rule": self.rule_id}
        for item in fields(self):
            if item.name == "inputs":
                if self.inputs:  # only an audit finding has them: a claim's own finding keeps its documented keys
                    data["inputs"] = list(self.inputs)  # type: ignore[assignment]
            elif item.name != "rule_id":
                value = getattr(self, item.name)
                data[item.name] = str(value) if isinstance(value, Severity) else value
        return data


def finding(
    rule_id: str,
    *,
    focus_node: str,
    message: str,
    path: str | None = None,
    value: str | None = None,
    source: str | None = None,
    severity: Severity | None = None,
) -> ValidationResult:
    """A finding of a catalogue rule checked outside SHACL; clause, hint and pillar come from the catalogue.

    :param message: the specific message; it is prefixed with the rule id and clause when it lacks them.
    :param severity: overrides the rule's severity (only where an option demotes a rule).
    """
    entry: Rule = rule(rule_id)
    if not message.startswith(rule_id):
        message = f"{rule_id} ({_short_clause(entry.clause)}): {message}"
    return ValidationResult(
        rule_id=rule_id,
        severity=severity or entry.severity,
        clause=entry.clause,
        focus_node=focus_node,
        path=path,
        value=value,
        message=" ".join(message.split()),
        hint=entry.hint,
        source_shape=None,
        pillar=entry.pillar,
        source=source,
    )


def _short_clause(clause: str) -> str:
    return clause.removeprefix("ISO 14068-1:2023 ")


@dataclass(frozen=True)
class ValidationReport:
    """The verdict on one input.

    :ivar conforms: True when the input holds at least one claim and no result has severity Violation (warnings
        do not break conformance; an input without a claim never conforms, see CN-INPUT-01).
    :ivar results: every finding, in a stable order (severity, rule id, node, path, value).
    :ivar source: the name of the input.
    :ivar reasoning: the reasoning mode asked for; ``engine`` names the implementation that ran.
    :ivar claims: the IRIs (or blank-node descriptions) of the claims found in the input.
    :ivar report_graph: the SHACL validation report graph from the engine (not compared), completed with the
        findings made outside SHACL (the engine rules, the shapes comet-cn checks natively) and the verdict as
        ``cnsh:conformsToISO14068``: its ``sh:conforms`` is false whenever ``results`` has a finding.
    :ivar shacl_engine: the SHACL engine that ran the shapes: ``"pyshacl"`` (the reference) or ``"pyshacl-turbo"``
        (not compared: both give the same findings).
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    source: str | None = None
    reasoning: str = "owlrl"
    engine: str = "owlrl"
    claims: tuple[str, ...] = ()
    shacl_engine: str = field(default="pyshacl", compare=False)
    report_graph: Graph = field(default_factory=Graph, compare=False, repr=False)

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == Severity.VIOLATION)

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == Severity.WARNING)

    @property
    def rule_ids(self) -> frozenset[str]:
        """Ids of the rules with at least one Violation."""
        return frozenset(r.rule_id for r in self.violations)

    def passes(self, *, strict: bool = False) -> bool:
        """True when the claim conforms, and with ``strict`` also has no warnings."""
        return self.conforms and not (strict and self.warnings)
