"""Validate a claim against the ISO 14068-1 rules: load, reason, run the shapes, explain every result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from comet_cn.errors import CometCnError, InputError
from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, Source, describe_source, load
from comet_cn.reasoning import Closure, Engine, ReasoningMode, reason
from comet_cn.resources import CONTEXT_IRIS, ontology_graph, shapes_graph
from comet_cn.rules import CNSH, CONSISTENCY_RULE, ShapeInfo, shape_info

__all__ = ["RuleParameters", "ValidationReport", "ValidationResult", "validate"]


class _QueryCachingGraph(Graph):
    """A view of a graph whose SPARQL queries are parsed once per process.

    pySHACL sends the same SHACL-SPARQL text for every focus node and rdflib re-parses it each time, which was
    about 85 % of the cost of validating a claim. The view shares the store of the closure, so nothing is copied.
    """

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,
        initBindings: Any = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs:
            query_object = _prepared(query_object)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_VINTAGE_PROPERTIES = {
    "vintage": URIRef("https://comet.carbon/ext/iso14068#vintageEndYear"),
    "issuance": URIRef("https://comet.carbon/ext/iso14068#issuanceYear"),
}


@dataclass(frozen=True)
class RuleParameters:
    """Parameters of the rules whose reading of ISO 14068-1 is open (see docs/rules.md).

    :param vintage_max_age_years: how many years before the reference date a credit's vintage may lie (§11.2: 5).
    :param vintage_reference: which end of the claimed reporting period the age is measured from.
    :param vintage_property: which year counts as the vintage: the year the mitigation took place (``"vintage"``,
        ``comet-cn:vintageEndYear``) or the year of issuance (``"issuance"``, ``comet-cn:issuanceYear``).
    :param retirement_window_months: how long after the end of the reporting period credits may be retired.
    """

    vintage_max_age_years: int = 5
    vintage_reference: TypingLiteral["start", "end"] = "start"
    vintage_property: TypingLiteral["vintage", "issuance"] = "vintage"
    retirement_window_months: int = 12

    def __post_init__(self) -> None:
        if self.vintage_max_age_years < 0 or self.retirement_window_months < 0:
            raise ValueError("rule parameters must not be negative")
        if self.vintage_reference not in ("start", "end"):
            raise ValueError("vintage_reference must be 'start' or 'end'")
        if self.vintage_property not in _VINTAGE_PROPERTIES:
            raise ValueError("vintage_property must be 'vintage' or 'issuance'")

    def triples(self) -> list[tuple[Node, Node, Node]]:
        """The parameter node the shapes read (they fall back to the defaults when it is absent)."""
        node = CNSH.parameters
        return [
            (node, CNSH.vintageMaxAgeYears, Literal(self.vintage_max_age_years, datatype=XSD.integer)),
            (node, CNSH.vintageReference, Literal(self.vintage_reference)),
            (node, CNSH.vintageProperty, _VINTAGE_PROPERTIES[self.vintage_property]),
            (node, CNSH.retirementWindowMonths, Literal(self.retirement_window_months, datatype=XSD.integer)),
        ]


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which rule, where, what is wrong and what to change."""

    rule_id: str
    severity: str
    clause: str
    focus_node: str
    path: str | None
    value: str | None
    message: str
    hint: str
    source_shape: str | None
    pillar: str
    source: str | None = None

    def sort_key(self) -> tuple[str, ...]:
        return (
            str(_SEVERITY_ORDER.get(self.severity, 3)),
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
            if item.name != "rule_id":
                data[item.name] = getattr(self, item.name)
        return data


@dataclass(frozen=True)
class ValidationReport:
    """The verdict on one claim graph.

    :ivar conforms: True when no result has severity Violation (warnings do not break conformance).
    :ivar results: every finding, in a stable order (severity, rule id, node, path, value).
    :ivar source: the name of the input.
    :ivar reasoning: the reasoning mode asked for; ``engine`` names the implementation that ran.
    :ivar report_graph: the SHACL validation report graph from the engine (not compared).
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    source: str | None = None
    reasoning: str = "owlrl"
    engine: str = "owlrl"
    report_graph: Graph = field(default_factory=Graph, compare=False, repr=False)

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    @property
    def rule_ids(self) -> frozenset[str]:
        """Ids of the rules with at least one Violation."""
        return frozenset(r.rule_id for r in self.violations)

    def passes(self, *, strict: bool = False) -> bool:
        """True when the claim conforms, and with ``strict`` also has no warnings."""
        return self.conforms and not (strict and self.warnings)


def validate(
    source: Source,
    *,
    reasoning: ReasoningMode = "owlrl",
    extra_shapes: Iterable[Source] = (),
    extra_ontology: Iterable[Source] = (),
    parameters: RuleParameters | Mapping[str, object] | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    format: str | None = None,
    name: str | None = None,
    engine: Engine = "auto",
) -> ValidationReport:
    """Check a carbon-neutrality claim against every ISO 14068-1 rule comet-cn encodes.

    :param source: a file path, JSON-LD text or document, Turtle text, or an rdflib Graph (never modified).
    :param reasoning: ``"owlrl"`` (default), ``"rdfs"`` or ``"none"``.
    :param extra_shapes: further SHACL shapes (files, text or graphs) to run besides the bundled ones.
    :param extra_ontology: further ontology graphs to reason with, e.g. a user's own extension.
    :param parameters: overrides of the open parameters (vintage and retirement windows).
    :param limits: bounds on untrusted input.
    :param format: the input syntax when it cannot be guessed.
    :param name: what to call the input in reports (default: the path, or a placeholder for text).
    :param engine: the reasoning implementation (``"auto"``, ``"owlrl"`` or ``"compiled"``); the verdict is the same,
        only the speed differs, and ``report.engine`` names the one that ran.
    :returns: the report; ``report.conforms`` is the verdict.
    :raises InputError: the claim or an extra file cannot be used.
    """
    name = name or describe_source(source)
    data = load(source, format=format, limits=limits)
    return validate_graph(
        data,
        name=name,
        reasoning=reasoning,
        extra_shapes=[_load_support(item, "shapes", limits) for item in extra_shapes],
        extra_ontology=[_load_support(item, "ontology", limits) for item in extra_ontology],
        parameters=_parameters(parameters),
        engine=engine,
    )


def validate_graph(
    data: Graph,
    *,
    name: str | None = None,
    reasoning: ReasoningMode = "owlrl",
    extra_shapes: Iterable[Graph] = (),
    extra_ontology: Iterable[Graph] = (),
    parameters: RuleParameters | None = None,
    engine: Engine = "auto",
) -> ValidationReport:
    """Validate an already loaded claim graph (``data`` is not modified)."""
    closure = reason(data, reasoning, extra_ontology=tuple(extra_ontology), engine=engine)
    if parameters is not None and parameters != RuleParameters():
        for triple in parameters.triples():
            closure.graph.add(triple)
    extra = tuple(extra_shapes)
    shapes = _shapes_with(extra)
    _, report_graph, text = pyshacl.validate(
        _QueryCachingGraph(store=closure.graph.store, identifier=closure.graph.identifier),
        shacl_graph=shapes,
        inference="none",
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
        abort_on_first=False,
        advanced=False,
    )
    if not isinstance(report_graph, Graph):
        # pySHACL returns a failure object, not a report, when a shape cannot be run.
        problem = " ".join(str(text).split())
        if extra:
            raise InputError("--shapes", f"the shapes cannot be run: {problem}")
        raise CometCnError(f"the bundled shapes cannot be run: {problem}")
    results = _results(report_graph, shapes, closure, name)
    return ValidationReport(
        conforms=not any(r.severity == "Violation" for r in results),
        results=results,
        source=name,
        reasoning=reasoning,
        engine=closure.engine,
        report_graph=report_graph,
    )


def _parameters(value: RuleParameters | Mapping[str, object] | None) -> RuleParameters | None:
    if value is None or isinstance(value, RuleParameters):
        return value
    return RuleParameters(**value)  # type: ignore[arg-type]


def _shapes_with(extra: tuple[Graph, ...]) -> Graph:
    if not extra:
        return shapes_graph()
    merged = Graph()
    for graph in (shapes_graph(), *extra):
        for triple in graph:
            merged.add(triple)
    return merged


def _load_support(item: Source, kind: str, limits: LoadLimits) -> Graph:
    """Load a user's extra shapes or ontology; its owl:imports are never fetched, so a remote one is refused."""
    name = describe_source(item)
    graph = load(item, format=_support_format(item), limits=limits)
    bundled = _bundled_ontology_iris()
    for target in sorted(str(o) for o in graph.objects(None, OWL.imports)):
        if target not in bundled:
            raise InputError(
                name,
                f"owl:imports <{target}> is not bundled and imports are never fetched; "
                f"pass that file as another --{kind} instead",
            )
    return graph


def _support_format(item: Source) -> str | None:
    if isinstance(item, (str, Path)) and describe_source(item) == str(item):
        return None if Path(item).suffix in (".jsonld", ".json", ".nt") else "turtle"
    return None


def _bundled_ontology_iris() -> frozenset[str]:
    graph = ontology_graph()
    iris = {str(s) for s in graph.subjects(RDF.type, OWL.Ontology)}
    iris |= {str(o) for o in graph.objects(None, OWL.versionIRI)}
    return frozenset(iris | set(CONTEXT_IRIS))


def _term_text(graph: Graph, term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, BNode):
        return _describe_blank(graph, term)
    return str(term)


def _describe_blank(graph: Graph, node: BNode) -> str:
    """Name a blank node by how a named node reaches it, so reports stay readable and identical run after run."""
    for subject, predicate in sorted(graph.subject_predicates(node), key=lambda sp: (str(sp[1]), str(sp[0]))):
        if isinstance(subject, URIRef):
            return f"[{predicate} of {subject}]"
    return "[blank node]"


def _results(report: Graph, shapes: Graph, closure: Closure, name: str | None) -> tuple[ValidationResult, ...]:
    found: set[ValidationResult] = set()
    cache: dict[Node | None, ShapeInfo | None] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        if shape not in cache:
            cache[shape] = shape_info(shapes, shape) if shape is not None else None
        info = cache[shape]
        severity_node = report.value(result, SH.resultSeverity)
        severity = str(severity_node).rsplit("#", 1)[-1] if severity_node is not None else "Violation"
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        message = messages[0] if messages else (info.message if info else "")
        value = report.value(result, SH.value)
        found.add(
            ValidationResult(
                rule_id=info.rule_id if info else f"USER:{_term_text(shapes, shape)}",
                severity=severity,
                clause=info.clause if info else "",
                focus_node=_term_text(closure.graph, report.value(result, SH.focusNode)) or "",
                path=_term_text(shapes, report.value(result, SH.resultPath)),
                value=str(value) if isinstance(value, Literal) else _term_text(closure.graph, value),
                message=" ".join(message.split()),
                hint=info.hint if info else "",
                source_shape=_term_text(shapes, shape),
                pillar=info.pillar if info else "Reporting",
                source=name,
            )
        )
    for inconsistency in closure.inconsistencies:
        found.add(
            ValidationResult(
                rule_id=CONSISTENCY_RULE.rule_id,
                severity=CONSISTENCY_RULE.severity,
                clause=CONSISTENCY_RULE.clause,
                focus_node=inconsistency.focus_node or "",
                path=None,
                value=None,
                message=f"{CONSISTENCY_RULE.rule_id}: {inconsistency.message}",
                hint=CONSISTENCY_RULE.hint,
                source_shape=None,
                pillar=CONSISTENCY_RULE.pillar,
                source=name,
            )
        )
    return tuple(sorted(found, key=ValidationResult.sort_key))
