"""The rule catalogue: every rule the tool can emit, read from the files in shapes/ (one source of truth).

Shape rules are SHACL shapes annotated with ``cnsh:ruleId``; rules checked in Python on each claim
(``cnsh:EngineRule``) and cross-claim audits (``cnsh:AuditRule``) are declared in shapes/engine-rules.ttl with the
same annotations. Messages, clauses, hints, docs and the JSON report all come from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SH
from rdflib.term import Node

from comet_cn.namespaces import CNSH
from comet_cn.resources import shapes_files, shapes_graph

__all__ = [
    "CNSH",
    "PILLARS",
    "Rule",
    "RuleKind",
    "Severity",
    "ShapeInfo",
    "catalogue_of",
    "rule",
    "rule_catalogue",
    "shape_info",
]


#: The pillars findings are grouped by, in the order the text report shows them.
PILLARS: dict[str, str] = {
    "Input": "The input: a claim, in known terms",
    "Hierarchy": "Mitigation hierarchy, management plan and pathway (§4.4, §5, §9)",
    "Quantification": "Quantification, reductions, removals and the neutrality balance (§8, §10, §11.1, Annex B)",
    "Credits": "Credit quality, vintage and retirement (§11)",
    "Reporting": "Commitment, report, claim and verification (§6, §12, §13)",
    "Consistency": "Consistency of the data with the ontology",
}


class Severity(str, Enum):
    """How much a finding weighs: a Violation breaks conformance; a Warning fails only a strict run."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def rank(self) -> int:
        """Sort order: violations first."""
        return _SEVERITY_RANK[self]

    @classmethod
    def of(cls, value: object) -> Severity:
        """A severity from its name or a ``sh:`` IRI; anything unknown counts as a Violation (fail loudly)."""
        text = str(value).rsplit("#", 1)[-1]
        return next((s for s in cls if s.value == text), cls.VIOLATION)


_SEVERITY_RANK = {Severity.VIOLATION: 0, Severity.WARNING: 1, Severity.INFO: 2}


class RuleKind(str, Enum):
    """Where a rule is checked: by a SHACL shape, in Python on each claim, or over many claims (audit)."""

    SHAPE = "shape"
    ENGINE = "engine"
    AUDIT = "audit"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ShapeInfo:
    """What a shape says about the rule it encodes (read from the shape or the node shape that holds it)."""

    rule_id: str
    clause: str
    severity: Severity
    name: str
    description: str
    message: str
    hint: str
    pillar: str


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue; several shapes may share a rule id.

    :ivar kind: where it is checked (see :class:`RuleKind`).
    :ivar shapes: the IRIs of the shapes (or declaration nodes) that carry the rule id.
    :ivar locations: ``file:line`` of each declaration in shapes/ (the one hop from a rule id to its source).
    :ivar query: for an audit, the bundled query whose rows it reads.
    :ivar checked_by: for an engine rule, the Python function that checks it.
    """

    rule_id: str
    clause: str
    severity: Severity
    name: str
    description: str
    messages: tuple[str, ...]
    hint: str
    pillar: str
    shapes: tuple[str, ...]
    kind: RuleKind = RuleKind.SHAPE
    locations: tuple[str, ...] = ()
    query: str | None = None
    checked_by: str | None = None
    #: Every distinct fix of the rule's shapes (``hint`` is the lead shape's): a rule with several checks has several.
    hints: tuple[str, ...] = ()


def _text(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    values = sorted(str(value) for value in graph.objects(node, predicate))
    return values[0] if values else None


def shape_info(graph: Graph, shape: Node) -> ShapeInfo | None:
    """Rule annotations of ``shape``, taking what it lacks from the node shape that holds it via ``sh:property``.

    Returns None when neither carries a rule id (a user's own shape without comet-cn annotations).
    """
    holders = [shape, *graph.subjects(SH.property, shape)]

    def first(predicate: URIRef) -> str | None:
        for holder in holders:
            value = _text(graph, holder, predicate)
            if value is not None:
                return value
        return None

    rule_id = first(CNSH.ruleId)
    if rule_id is None:
        return None
    severity_node = next((value for holder in holders for value in graph.objects(holder, SH.severity)), SH.Violation)
    return ShapeInfo(
        rule_id=rule_id,
        clause=first(DCTERMS.source) or "",
        severity=Severity.of(severity_node),
        name=first(SH.name) or rule_id,
        description=first(SH.description) or "",
        message=first(SH.message) or "",
        hint=first(CNSH.fixHint) or "",
        pillar=_pillar_name(first(CNSH.pillar) or "Reporting"),
    )


def _pillar_name(value: str) -> str:
    return value.rsplit("#", 1)[-1]


def _kind(graph: Graph, node: Node) -> RuleKind:
    types = set(graph.objects(node, RDF.type))
    if CNSH.AuditRule in types:
        return RuleKind.AUDIT
    if CNSH.EngineRule in types:
        return RuleKind.ENGINE
    return RuleKind.SHAPE


@lru_cache(maxsize=1)
def _declared_at() -> dict[str, tuple[str, ...]]:
    """``rule id -> ("shapes/credits.ttl:17", ...)``: where each rule id is declared in the bundled files."""
    found: dict[str, list[str]] = {}
    pattern = re.compile(r'cnsh:ruleId\s+"([^"]+)"')
    for entry in shapes_files():
        for number, line in enumerate(entry.read_text(encoding="utf-8").splitlines(), start=1):
            match = pattern.search(line)
            if match:
                found.setdefault(match.group(1), []).append(f"shapes/{entry.name}:{number}")
    return {rule_id: tuple(places) for rule_id, places in found.items()}


@lru_cache(maxsize=1)
def rule_catalogue() -> tuple[Rule, ...]:
    """Every rule the tool can emit (shape, engine and audit rules), sorted by rule id."""
    return catalogue_of(shapes_graph(), locations=_declared_at())


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Rule]:
    return {entry.rule_id: entry for entry in rule_catalogue()}


def rule(rule_id: str) -> Rule:
    """The catalogue entry of ``rule_id``.

    :raises KeyError: no such rule.
    """
    return _by_id()[rule_id]


def catalogue_of(graph: Graph, *, locations: dict[str, tuple[str, ...]] | None = None) -> tuple[Rule, ...]:
    """The rules that the shapes and rule declarations in ``graph`` encode, sorted by rule id."""
    by_rule: dict[str, list[tuple[str, ShapeInfo, Node]]] = {}
    for shape in set(graph.subjects(CNSH.ruleId, None)):
        info = shape_info(graph, shape)
        if info is not None:
            by_rule.setdefault(info.rule_id, []).append((str(shape), info, shape))
    rules = []
    for rule_id, entries in sorted(by_rule.items()):
        entries.sort(key=lambda entry: (entry[1].severity != Severity.VIOLATION, entry[0]))
        lead_node = entries[0][2]
        lead = entries[0][1]
        rules.append(
            Rule(
                rule_id=rule_id,
                clause=lead.clause,
                severity=lead.severity,
                name=lead.name,
                description=lead.description,
                messages=tuple(sorted({info.message for _, info, _ in entries if info.message})),
                hint=lead.hint,
                pillar=_pillar_name(lead.pillar),
                shapes=tuple(sorted(shape for shape, _, _ in entries)),
                kind=_kind(graph, lead_node),
                locations=(locations or {}).get(rule_id, ()),
                query=_text(graph, lead_node, CNSH.query),
                checked_by=_text(graph, lead_node, CNSH.checkedBy),
                hints=tuple(sorted({info.hint for _, info, _ in entries if info.hint})),
            )
        )
    return tuple(rules)
