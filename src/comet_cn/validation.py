"""Validate a claim against the ISO 14068-1 rules: load, reason, run the shapes, explain every result."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SH, XSD
from rdflib.term import Node

from comet_cn.claim_checks import (
    UnknownTermsMode,
    add_units_keys,
    asserted_facts,
    claims_in,
    drop_stated_parameters,
    engine_findings,
    stated_parameters_finding,
)
from comet_cn.errors import CometCnError, InputError, SupportFileError
from comet_cn.loading import (
    DEFAULT_LIMITS,
    Loaded,
    LoadLimits,
    Source,
    bundled_ontology_iris,
    check_claim_budget,
    describe_source,
    load,
    load_claim,
    retyped_copy,
    usable_numbers,
    vocabulary_changes,
)
from comet_cn.namespaces import CN, IMPORTED
from comet_cn.native_checks import engine_shapes, native_findings
from comet_cn.rdflib_state import exclusive
from comet_cn.reasoning import Closure, Engine, ReasoningMode, name_blank_nodes, reason
from comet_cn.report_graphs import completed
from comet_cn.resources import shapes_graph
from comet_cn.results import Severity, ValidationReport, ValidationResult, finding
from comet_cn.rules import CNSH, ShapeInfo, shape_info
from comet_cn.shacl_engines import ShaclEngine, run_shapes
from comet_cn.terms import COMET_NAMESPACES, compact, describe

__all__ = ["RuleParameters", "Severity", "ValidationReport", "ValidationResult", "validate", "validate_graph"]


#: The default work budget: triples of one claim after reasoning. The largest bundled example has a few thousand.
DEFAULT_MAX_TRIPLES = 1_000_000

_VINTAGE_PROPERTIES = {
    "vintage": CN.vintageEndYear,
    "issuance": CN.issuanceYear,
}


@dataclass(frozen=True)
class RuleParameters:
    """Parameters of the rules whose reading of ISO 14068-1 is open (see docs/rules.md).

    :param vintage_max_age_years: how many years before the reference date a credit's vintage may lie (§11.2: 5).
    :param vintage_reference: which end of the claimed reporting period the age is measured from.
    :param vintage_property: which year counts as the vintage: the year the mitigation took place (``"vintage"``,
        ``comet-cn:vintageEndYear``) or the year of issuance (``"issuance"``, ``comet-cn:issuanceYear``).
    :param retirement_window_months: how long after the end of the reporting period credits may be retired.
    :param as_of: the date the check is made (default: today's local date, read when the parameters are applied);
        a claim about a period that has not ended by then, or dated after it, does not conform (CN-CLAIM-09).
    :param instrument_vintage_window_months: months before and after the reporting period within which a
        contractual instrument's electricity must have been generated (Annex B.4, CN-ELEC-03).
    """

    vintage_max_age_years: int = 5
    vintage_reference: TypingLiteral["start", "end"] = "start"
    vintage_property: TypingLiteral["vintage", "issuance"] = "vintage"
    retirement_window_months: int = 12
    as_of: date | None = None
    instrument_vintage_window_months: int = 12

    def __post_init__(self) -> None:
        counts = (self.vintage_max_age_years, self.retirement_window_months, self.instrument_vintage_window_months)
        if any(isinstance(count, bool) or not isinstance(count, int) for count in counts):
            # True would be taken as 1 year or month without a word.
            raise ValueError("rule parameters counting years or months must be whole numbers")
        if min(counts) < 0:
            raise ValueError("rule parameters must not be negative")
        if self.vintage_reference not in ("start", "end"):
            raise ValueError("vintage_reference must be 'start' or 'end'")
        if self.vintage_property not in _VINTAGE_PROPERTIES:
            raise ValueError("vintage_property must be 'vintage' or 'issuance'")
        if self.as_of is not None and not isinstance(self.as_of, date):
            raise ValueError("as_of must be a datetime.date")

    def triples(self) -> list[tuple[Node, Node, Node]]:
        """The parameter node the shapes read (they fall back to the defaults when it is absent)."""
        node = CNSH.parameters
        return [
            (node, CNSH.vintageMaxAgeYears, Literal(self.vintage_max_age_years, datatype=XSD.integer)),
            (node, CNSH.vintageReference, Literal(self.vintage_reference)),
            (node, CNSH.vintageProperty, _VINTAGE_PROPERTIES[self.vintage_property]),
            (node, CNSH.retirementWindowMonths, Literal(self.retirement_window_months, datatype=XSD.integer)),
            (
                node,
                CNSH.instrumentVintageWindowMonths,
                Literal(self.instrument_vintage_window_months, datatype=XSD.integer),
            ),
            # Without a date, today's local date: the shapes' NOW() is UTC, a day off in much of the world.
            (node, CNSH.asOfDate, Literal((self.as_of or date.today()).isoformat(), datatype=XSD.date)),
        ]


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
    unknown_terms: UnknownTermsMode = "error",
    max_triples: int = DEFAULT_MAX_TRIPLES,
    shacl_engine: ShaclEngine = "pyshacl",
) -> ValidationReport:
    """Check a carbon-neutrality claim against every ISO 14068-1 rule comet-cn encodes.

    :param source: a file as a :class:`pathlib.Path`; JSON-LD or Turtle text as ``str`` or ``bytes`` (a ``str`` is
        never opened as a file); a parsed JSON-LD document; or an rdflib Graph (never modified).
    :param reasoning: ``"owlrl"`` (default), ``"rdfs"`` or ``"none"``.
    :param extra_shapes: further SHACL shapes (files, text or graphs) to run besides the bundled ones.
    :param extra_ontology: further ontology graphs to reason with, e.g. a user's own extension.
    :param parameters: overrides of the open parameters (vintage and retirement windows, the date of the check).
    :param limits: bounds on untrusted input.
    :param format: the input syntax when it cannot be guessed.
    :param name: what to call the input in reports (default: the path, or a placeholder for text).
    :param engine: the reasoning implementation (``"auto"``, ``"owlrl"`` or ``"compiled"``); the verdict is the same,
        only the speed differs, and ``report.engine`` names the one that ran.
    :param unknown_terms: ``"error"`` (default) makes an undefined term a Violation of CN-INPUT-02, ``"warning"``
        a Warning.
    :param max_triples: the most triples the claim may have, as parsed and after reasoning (its work budget);
        parsing stops as soon as the claim is over it.
    :param shacl_engine: ``"pyshacl"`` (default, the reference), or ``"turbo"``/``"auto"`` to run the bundled shapes
        with pyshacl-turbo where it is installed and can run them (see :mod:`comet_cn.shacl_engines`);
        ``report.shacl_engine`` names the engine that produced the report.
    :returns: the report; ``report.conforms`` is the verdict.
    :raises InputError: the claim or an extra file cannot be used, or the claim is over its work budget (too many
        triples, ``owl:sameAs`` statements or types of one node, or schema statements of its own: see
        :func:`comet_cn.loading.check_claim_budget`).
    """
    name = name or describe_source(source)
    if not isinstance(limits, LoadLimits):
        raise TypeError("limits must be a comet_cn.LoadLimits")
    if isinstance(max_triples, bool) or not isinstance(max_triples, int) or max_triples < 1:
        raise ValueError("max_triples must be a positive whole number")
    with exclusive():
        loaded = load_claim(source, format=format, limits=limits, max_triples=max_triples, store="claim", name=name)
        return _check(
            loaded,
            name=name,
            reasoning=reasoning,
            extra_shapes=[_load_support(item, "shapes", limits) for item in extra_shapes],
            extra_ontology=[_load_support(item, "ontology", limits) for item in extra_ontology],
            parameters=_parameters(parameters),
            engine=engine,
            unknown_terms=unknown_terms,
            max_triples=max_triples,
            limits=limits,
            shacl_engine=shacl_engine,
            owned=True,
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
    unknown_terms: UnknownTermsMode = "error",
    max_triples: int = DEFAULT_MAX_TRIPLES,
    limits: LoadLimits = DEFAULT_LIMITS,
    shacl_engine: ShaclEngine = "pyshacl",
) -> ValidationReport:
    """Validate an already loaded claim graph (``data`` is not modified); ``limits`` bound its work budget."""
    with exclusive():
        # Its literals made again, as validate() does: made after owlrl ran, "2022Z" was an ill-typed year.
        return _check(
            Loaded(retyped_copy(data)),
            name=name,
            reasoning=reasoning,
            extra_shapes=extra_shapes,
            extra_ontology=extra_ontology,
            parameters=parameters,
            engine=engine,
            unknown_terms=unknown_terms,
            max_triples=max_triples,
            limits=limits,
            shacl_engine=shacl_engine,
            owned=True,
        )


def _check(
    loaded: Loaded,
    *,
    name: str | None,
    reasoning: ReasoningMode,
    extra_shapes: Iterable[Graph],
    extra_ontology: Iterable[Graph],
    parameters: RuleParameters | None,
    engine: Engine,
    unknown_terms: UnknownTermsMode,
    max_triples: int,
    limits: LoadLimits,
    shacl_engine: ShaclEngine = "pyshacl",
    owned: bool = False,
) -> ValidationReport:
    data = loaded.graph
    # The work budget is checked before reasoning (what the claim states) and after it (what it entails).
    if len(data) > max_triples:
        raise InputError(
            name or "<input>", f"the claim has {len(data)} triples, over the limit of {max_triples} (--max-triples)"
        )
    check_claim_budget(data, name or "<input>", limits)
    data = usable_numbers(data)
    # The closure may be computed in the graph itself when it is ours (a fresh load, or usable_numbers' copy);
    # what the engine rules read from the asserted graph is read first.
    in_place = owned or data is not loaded.graph
    asserted = asserted_facts(loaded)
    closure = reason(data, reasoning, extra_ontology=tuple(extra_ontology), engine=engine, in_place=in_place)
    # The claim and what is inferred of it, not the vocabulary some reasoning paths merge in: the same count whichever
    # path runs (it was 577 triples with the compiled tables, about 3,000 without reasoning or with owlrl).
    if closure.claim_size > max_triples:
        after = " after reasoning" if closure.engine != "none" else ""
        raise InputError(
            name or "<input>",
            f"the claim has {closure.claim_size} triples{after}, over the limit of {max_triples} (--max-triples)",
        )
    stated = drop_stated_parameters(closure.graph)  # the checker's options set them, never the claim
    for triple in (parameters or RuleParameters()).triples():  # always: the date of the check is today's, locally
        closure.graph.add(triple)
    add_units_keys(closure.graph)  # the balance counts blocks holding the same units once (CN-BAL-01)
    extra = tuple(extra_shapes)
    shapes = _shapes_with(extra)
    try:
        report_graph, text, shacl_engine_name = run_shapes(
            closure.graph, shapes, engine=shacl_engine, bundled_only=not extra
        )
    except RecursionError:
        # rdflib evaluates a property path (p*) one recursion a node: a chain of about 1,000 linked nodes (replaced
        # opinions, seeAlso links) passes Python's limit on pySHACL. The input's shape, not a bug: one line, exit 2
        # (red team 102a), and the limit is not raised, since it is the process's and threads share it.
        raise InputError(
            name or "<input>",
            "a chain of linked nodes in the claim is too long for the SHACL engine to follow (about 1,000 nodes "
            "deep); shorten the chain, or check it with --shacl-engine turbo",
        ) from None
    except (CometCnError, MemoryError):
        raise
    except Exception as error:
        if not extra:
            raise
        # Without object addresses ("<SPARQLResult object at 0x7f...>"): the same failure reads the same each run.
        said = re.sub(r"<([\w.]+) object at 0x[0-9a-f]+>", r"\1", " ".join(str(error).split("\n", 1)[0].split()))
        said = said[:300]
        if not _shapes_fault(error):
            # The user's shapes load, but one of them failed on this claim's data (rdflib failing on YEAR() of an
            # invalid date): this input's error, not every input's, so the others keep their verdicts.
            raise InputError(
                name or "<input>", f"the --shapes cannot be run on this claim: {type(error).__name__}: {said}"
            ) from None
        # A shape of the user's own that pySHACL cannot load or parse (a SPARQL syntax error, an unbound prefix, a
        # malformed sh:minCount or regex) fails for every claim alike: one line naming the shapes, not an internal
        # error charged to each claim.
        raise SupportFileError("--shapes", f"the shapes cannot be run: {type(error).__name__}: {said}") from None
    if not isinstance(report_graph, Graph):
        # pySHACL returns a failure object, not a report, when a shape cannot be run.
        problem = " ".join(str(text).split())
        if extra:
            raise SupportFileError("--shapes", f"the shapes cannot be run: {problem}")
        raise CometCnError(f"the bundled shapes cannot be run: {problem}")
    claims = claims_in(closure.graph)
    outside = set(native_findings(closure.graph, name))  # the findings the SHACL report does not hold
    outside.update(
        engine_findings(loaded, closure, claims, source=name, unknown_terms=unknown_terms, asserted=asserted)
    )
    if stated:
        outside.add(stated_parameters_finding(stated, name))
    outside.update(_audits_within(closure.graph, claims, name))
    from_shapes = set(_results(report_graph, shapes, closure, name))
    # What the SHACL report graph does not hold: the findings made outside SHACL, and the reasoner's (CN-CONSIST-01).
    outside |= {result for result in from_shapes if result.rule_id == "CN-CONSIST-01"}
    found = from_shapes | outside
    if loaded.cells:
        found = {_located(result, loaded.cells) for result in found}
        outside = {_located(result, loaded.cells) for result in outside}
    elif any(result.focus_node.startswith(IMPORTED) for result in found):
        found = {_imported_row(result, closure.graph) for result in found}
        outside = {_imported_row(result, closure.graph) for result in outside}
    results = tuple(sorted(found, key=ValidationResult.sort_key))
    conforms = bool(claims) and not any(r.severity == Severity.VIOLATION for r in results)
    completed(report_graph, sorted(outside, key=ValidationResult.sort_key), conforms, findings=bool(results))
    return ValidationReport(
        conforms=conforms,
        results=results,
        source=name,
        reasoning=reasoning,
        engine=closure.engine,
        shacl_engine=shacl_engine_name,
        claims=tuple(describe(closure.graph, claim) for claim in claims),
        report_graph=report_graph,
    )


#: The cross-claim audits that also run inside one input holding several claims (a series of periods in one file,
#: which otherwise conformed with offsetting rising from one period to the next, one guarantee of origin used by two
#: periods, one report for two periods or two subjects, two claims for one subject and period, or one subject under
#: two spellings of its web address, unless --audits was given). Double counting of credits inside one input is
#: CN-UNITS-01's, and the hierarchy within a claim CN-HIER-02's.
_WITHIN_INPUT = frozenset(
    {"CN-AUDIT-IMPROVE-01", "CN-AUDIT-IMPROVE-02", "CN-AUDIT-IMPROVE-03", "CN-AUDIT-ELEC-01", "CN-AUDIT-ID-02",
     "CN-AUDIT-ID-04", "CN-AUDIT-ID-05", "CN-AUDIT-ID-06", "CN-AUDIT-ID-07"}
)  # fmt: skip


def _audits_within(graph: Graph, claims: tuple[Node, ...], name: str | None) -> list[ValidationResult]:
    """The continual-improvement and instrument audits over the claims of one input, when it holds several."""
    if len(claims) < 2:
        return []
    from comet_cn.audits import audit_results  # imported here: most inputs hold one claim
    from comet_cn.sparql_guards import engines_guarded

    with engines_guarded():
        return [found for found in audit_results(graph, source=name) if found.rule_id in _WITHIN_INPUT]


def _shapes_fault(error: Exception) -> bool:
    """Whether an error of pySHACL's is the shapes' own (they cannot be loaded or parsed), which every claim meets."""
    from pyparsing import ParseBaseException
    from pyshacl.errors import ConstraintLoadError, ShapeLoadError

    if isinstance(error, (ConstraintLoadError, ShapeLoadError, ParseBaseException, re.error)):
        return True
    return type(error) is Exception and str(error).startswith("Unknown namespace prefix")


def _located(result: ValidationResult, cells: Mapping[tuple[str, str | None], Any]) -> ValidationResult:
    """The finding with the workbook cell to fix (sheet, row, column), where the workbook has one."""
    from comet_cn.workbook import locate  # imported here: only workbook inputs have cells

    cell = locate(cells, result.focus_node, result.path, result.value)
    return replace(result, location=str(cell)) if cell is not None else result


def _imported_row(result: ValidationResult, graph: Graph) -> ValidationResult:
    """The finding with the export's file and row a node cn-import wrote came from (its ``dcterms:source``): its IRI
    is a hash the user cannot look up in the export."""
    if result.location is not None or not result.focus_node.startswith(IMPORTED):
        return result
    rows = sorted(str(o) for o in graph.objects(URIRef(result.focus_node), DCTERMS.source) if isinstance(o, Literal))
    if not rows:
        return result
    shown = ", ".join(rows[:3]) + (f" and {len(rows) - 3} more" if len(rows) > 3 else "")
    return replace(result, location=f"export row {shown}")


def _parameters(value: RuleParameters | Mapping[str, object] | None) -> RuleParameters | None:
    if value is None or isinstance(value, RuleParameters):
        return value
    return RuleParameters(**value)  # type: ignore[arg-type]


def _shapes_with(extra: tuple[Graph, ...]) -> Graph:
    if not extra:
        return engine_shapes()  # read-only: pySHACL only re-asserts the two RDFS facts the shapes state
    merged = Graph()
    for graph in (engine_shapes(), *extra):
        for triple in graph:
            merged.add(triple)
    # pySHACL adds every owl:Ontology's sh:declare to the prefixes of a query whose sh:prefixes is no ontology: the
    # bundled comet-cn: and a user's cn: for the same namespace, and rdflib keeps one prefix per namespace, the last
    # in set order, so the user's shape failed or ran at random. Each shape names its own sh:prefixes, as SHACL
    # asks, so the ontology typing is dropped from the merged copy only.
    merged.remove((None, RDF.type, OWL.Ontology))
    return merged


def _load_support(item: Source, kind: str, limits: LoadLimits) -> Graph:
    """Load a user's extra shapes or ontology; its owl:imports are never fetched, so a remote one is refused."""
    name = describe_source(item)
    try:
        graph = load(item, format=_support_format(item), limits=limits)
    except InputError as error:
        raise SupportFileError(error.source, error.problem) from None
    bundled = bundled_ontology_iris()
    for target in sorted(str(o) for o in graph.objects(None, OWL.imports)):
        if target not in bundled:
            raise SupportFileError(
                name,
                f"owl:imports <{target}> is not bundled and imports are never fetched; "
                f"pass that file as another --{kind} instead",
            )
    _refuse_changes(graph, kind, name)
    return graph


def _refuse_changes(graph: Graph, kind: str, name: str) -> None:
    """A user's shapes may add checks and a user's ontology terms, but neither may change the bundled ones.

    One line in a --shapes file (``cnsh:RetirementTimingShape sh:deactivated true``, or another ``sh:severity``) took a
    rule away without a word in the report, and a second prefix declared on the bundled shapes made verdicts follow
    the hash seed; ``comet-cn:ClaimSummaryItem_k owl:sameAs comet-cn:ClaimSummaryItem_j`` in an ontology ticked an item
    of the claim's summary with another.

    :raises SupportFileError: the file states something of a bundled shape, or of a term of the vocabulary.
    """
    if kind == "shapes":
        bundled = _bundled_shape_nodes()
        source = shapes_graph()
        changed = sorted(
            f"{compact(str(subject))} {str(predicate).replace(str(SH), 'sh:')}"
            for subject in set(graph.subjects())
            if isinstance(subject, URIRef) and subject in bundled
            for predicate, value in graph.predicate_objects(subject)
            if (subject, predicate, value) not in source
        )
        if changed:
            raise SupportFileError(
                name,
                f"--shapes may add shapes, not change the bundled ones (it states {changed[0]}): give your shape an "
                "IRI of its own (the bundled shapes always run)",
            )
        return
    changes = sorted(vocabulary_changes(graph), key=lambda change: change[1])
    if changes:
        subject, first = changes[0]
        hint = (
            "the COMET ontology and the comet-cn extension are built in: leave them out of --ontology"
            if isinstance(subject, URIRef) and str(subject).startswith(COMET_NAMESPACES)
            else "give your term an IRI of its own"
        )
        raise SupportFileError(
            name, f"--ontology may add terms, not change the vocabulary's (it states {first}): {hint}"
        )


@lru_cache(maxsize=1)
def _bundled_shape_nodes() -> frozenset[Node]:
    """The named nodes the bundled shapes state something of: their shapes and their prefix declarations."""
    return frozenset(node for node in shapes_graph().subjects() if isinstance(node, URIRef))


def _support_format(item: Source) -> str | None:
    if isinstance(item, (str, Path)) and describe_source(item) == str(item):
        return None if Path(item).suffix in (".jsonld", ".json", ".nt") else "turtle"
    return None


def _term_text(graph: Graph, term: Node | None) -> str | None:
    if term is None:
        return None
    return describe(graph, term)


def _results(report: Graph, shapes: Graph, closure: Closure, name: str | None) -> tuple[ValidationResult, ...]:
    found: set[ValidationResult] = set()
    cache: dict[Node | None, ShapeInfo | None] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        if shape not in cache:
            cache[shape] = shape_info(shapes, shape) if shape is not None else None
        info = cache[shape]
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        message = name_blank_nodes(closure.graph, messages[0] if messages else (info.message if info else ""))
        value = report.value(result, SH.value)
        found.add(
            ValidationResult(
                rule_id=info.rule_id if info else f"USER:{_term_text(shapes, shape)}",
                severity=Severity.of(report.value(result, SH.resultSeverity) or SH.Violation),
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
            finding(
                "CN-CONSIST-01",
                focus_node=inconsistency.focus_node or "",
                message=f"CN-CONSIST-01: {inconsistency.message}",
                source=name,
            )
        )
    return tuple(sorted(found, key=ValidationResult.sort_key))
