"""The rule catalogue, read from the SHACL shapes: one source of truth for messages, clauses, hints and docs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, SH
from rdflib.term import Node

from comet_cn.resources import shapes_graph

__all__ = ["CNSH", "CONSISTENCY_RULE", "PILLARS", "Rule", "ShapeInfo", "rule_catalogue", "shape_info"]

CNSH = Namespace("https://comet.carbon/ext/iso14068/shapes#")

#: The standard's four pillars, in the order the text report shows them, plus engine-made consistency findings.
PILLARS: dict[str, str] = {
    "Hierarchy": "Mitigation hierarchy, management plan and pathway (§4.4, §5, §9)",
    "Quantification": "Quantification, reductions, removals and the neutrality balance (§8, §10, §11.1, Annex B)",
    "Credits": "Credit quality, vintage and retirement (§11)",
    "Reporting": "Commitment, report, claim and verification (§6, §12, §13)",
    "Consistency": "Consistency of the data with the ontology",
}

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ShapeInfo:
    """What a shape says about the rule it encodes (read from the shape or the node shape that holds it)."""

    rule_id: str
    clause: str
    severity: str
    name: str
    description: str
    message: str
    hint: str
    pillar: str


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue; several shapes may share a rule id."""

    rule_id: str
    clause: str
    severity: str
    name: str
    description: str
    messages: tuple[str, ...]
    hint: str
    pillar: str
    shapes: tuple[str, ...]


CONSISTENCY_RULE = Rule(
    rule_id="CN-CONSIST-01",
    clause="ISO 14068-1:2023 §3 (terms and definitions)",
    severity="Violation",
    name="Data consistent with the ontology",
    description=(
        "The claim data must not contradict the comet-cn ontology, for example by typing one node with two "
        "classes the ontology declares disjoint (a claim that is also its own report). Found by OWL 2 RL reasoning."
    ),
    messages=(),
    hint="Give each node the one type that describes it, and link related artefacts instead of merging them.",
    pillar="Consistency",
    shapes=(),
)


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
        severity=_SEVERITIES.get(URIRef(str(severity_node)), "Violation"),
        name=first(SH.name) or rule_id,
        description=first(SH.description) or "",
        message=first(SH.message) or "",
        hint=first(CNSH.fixHint) or "",
        pillar=_pillar_name(first(CNSH.pillar) or "Reporting"),
    )


def _pillar_name(value: str) -> str:
    return value.rsplit("#", 1)[-1]


@lru_cache(maxsize=1)
def rule_catalogue() -> tuple[Rule, ...]:
    """Every rule of the bundled shapes, sorted by rule id, plus the engine-made consistency rule."""
    return (*catalogue_of(shapes_graph()), CONSISTENCY_RULE)


def catalogue_of(graph: Graph) -> tuple[Rule, ...]:
    """The rules that the shapes in ``graph`` encode, sorted by rule id."""
    by_rule: dict[str, list[tuple[str, ShapeInfo]]] = {}
    for shape in set(graph.subjects(CNSH.ruleId, None)):
        info = shape_info(graph, shape)
        if info is not None:
            by_rule.setdefault(info.rule_id, []).append((str(shape), info))
    rules = []
    for rule_id, entries in sorted(by_rule.items()):
        entries.sort(key=lambda entry: (entry[1].severity != "Violation", entry[0]))
        lead = entries[0][1]
        rules.append(
            Rule(
                rule_id=rule_id,
                clause=lead.clause,
                severity=lead.severity,
                name=lead.name,
                description=lead.description,
                messages=tuple(sorted({info.message for _, info in entries if info.message})),
                hint=lead.hint,
                pillar=_pillar_name(lead.pillar),
                shapes=tuple(sorted(shape for shape, _ in entries)),
            )
        )
    return tuple(rules)
