"""Cross-claim audits as validation results, so ``cn-validate --audits`` gives one verdict on a set of claims.

Each audit reads the rows of a bundled query (see :mod:`comet_cn.queries`) and turns the rows that show a problem
into findings with a rule id, severity, clause, focus node, message and hint. The rules live here, not in the
SHACL shapes, because each needs several claims (periods) at once. Severity follows the standard's wording:
"shall" is a Violation, "should", or a "shall" that one finding cannot prove broken, a Warning.

A finding is a :class:`comet_cn.validation.ValidationResult` (``source_shape`` is ``None``), so reports list
audit findings like any other result.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, XSD
from rdflib.term import Node

from comet_cn.claim_checks import normalised_serial
from comet_cn.improvement_rows import continual_improvement_rows
from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, Source, describe_source, iter_sources, load_claim
from comet_cn.namespaces import CN
from comet_cn.overlap_spill import Key, SmallestNames, overlapping_pairs
from comet_cn.periods import one_period
from comet_cn.queries import _items, format_value, queried, query_info, stream_query
from comet_cn.reasoning import Engine, reason, reasoning_mode
from comet_cn.results import ValidationResult, finding
from comet_cn.rules import Rule, rule
from comet_cn.serial_groups import NAMED, reissue_lineage, retirement_groups
from comet_cn.serials import SerialRange, credit_range, loose_reading, project_range, serial_reading
from comet_cn.store import Backend, GraphBackend, OxigraphBackend, oxigraph_available

__all__ = [
    "AUDITS",
    "AUTO_THRESHOLD",
    "Audit",
    "AuditFinding",
    "audit_results",
    "audit_rows",
    "audits_markdown",
    "run_audits",
]

#: An audit finding has exactly the shape of a validation result (``source_shape`` is None).
AuditFinding = ValidationResult


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


def _listed(names: object, count: object) -> str:
    """The first names of a group and how many more there are, in brackets; nothing when none is known."""
    shown = [str(name) for name in names] if isinstance(names, (list, tuple)) else []
    if not shown:
        return ""
    more = count - len(shown) if isinstance(count, int) else 0
    return f" ({', '.join(shown)}{f' and {more} more' if more > 0 else ''})"


def _double_message(row: Row) -> str:
    return (
        f"CN-AUDIT-DOUBLE-01 (§11.1): credit serial {row['serial']} is retired in {row['events']} offsetting "
        f"event(s){_listed(row.get('event_names'), row['events'])}, for {row['claims']} claim(s)"
        f"{_listed(row.get('claim_names'), row['claims'])} and {row['entities']} entity(ies), on {row['blocks']} "
        "credit block(s); a credit can be used once."
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
        f"CN-AUDIT-IMPROVE-03 (§9.2): for {row['subject']}, only residual emissions remain in {row['prior_period']} "
        f"(its claim says so, or every emission of its footprint is residual) but the claim for {row['period']} "
        "says they do not; once reached, that state is to be maintained."
    )


def _instrument_message(row: Row) -> str:
    return (
        f"CN-AUDIT-ELEC-01 (Annex B.4): contractual instrument {row['instrument']} is used by the footprints of "
        f"{row['claims']} claim(s){_listed(row.get('claim_names'), row['claims'])} and retired for "
        f"{row['entities']} entity(ies); an instrument is claimed once."
    )


def _action_orders_message(row: Row) -> str:
    return (
        f"CN-AUDIT-HIER-02 (§5.2, §9.3): action {row['action']} of plan {row['plan']} is given {row['orders']} "
        f"different actionOrder values across the inputs (from {format_value(row['first'])} to "
        f"{format_value(row['last'])}): the plan was revised under one IRI, and one input's order cannot be told from "
        "another's; a revised plan should keep its actions' orders or be named anew."
    )


def _periods_message(row: Row) -> str:
    return (
        f"CN-AUDIT-ID-01 (§3.1.6, §13): claim {row['claim']} is given {row['starts']} reporting period start(s) "
        f"(from {row['first']} to {row['last']}) and {row['ends']} end(s) across the inputs, so its periods are "
        "read as one claim and the audits between them (double counting, continual improvement) cannot be done."
    )


def _blank_subject_message(row: Row) -> str:
    if str(row.get("how", "")).startswith("its subject is a blank node"):
        return (
            f"CN-AUDIT-ID-03 (§5.2, §9.2): the subject of claim {row['claim']} is a blank node, which no other input "
            "can name, so the claim's period is compared with no other period of its subject and continual "
            "improvement (CN-AUDIT-IMPROVE-01/02/03) cannot be checked."
        )
    return (
        f"CN-AUDIT-ID-03 (§5.2, §9.2): claim {row['claim']}: {row.get('how')}, so it was resolved against a base "
        "other inputs share (the JSON-LD processor's placeholder, or the folder a Turtle file was read from): another "
        "input's claim or subject written with the same relative IRI is read as this one, and double counting "
        "(CN-AUDIT-DOUBLE-01) and continual improvement between them cannot be checked."
    )


def _report_periods_message(row: Row) -> str:
    return (
        f"CN-AUDIT-ID-04 (§12 d, §13): the {row['kind']} {row['document']} is linked by the claims of "
        f"{row['periods']} reporting periods across the inputs (the earliest {row['first']}, the latest "
        f"{row['last']}); a {row['kind']} covers one period, so one period's is given for another."
    )


def _document_subjects_message(row: Row) -> str:
    return (
        f"CN-AUDIT-ID-07 (§12 a, §13): the {row['kind']} {row['document']} is linked by the claims of "
        f"{row['subjects']} subjects ({row['subject']} and {row['other']}); a {row['kind']} is one subject's, so one "
        "subject's is given for another's."
    )


def _plan_figures_message(row: Row) -> str:
    return (
        f"CN-AUDIT-ID-08 (§9.3, §12 g): {row['node']} is given different values of its {row['kind']} across the "
        f"inputs (from {format_value(row['low'])} to {format_value(row['high'])}): revised under one IRI, it cannot be "
        "told which value each claim was measured against (or, for an emission reduction, which each claim counted); "
        "a revised baseline, target, base period or reduction should be a node of its own, the change identified in "
        "the plan's revision (and, for a baseline or its base period, explained in the report)."
    )


def _same_period(row: Row) -> bool:
    """Whether two claims' periods are one: the same dates, or the same start with ends a day apart
    (:func:`comet_cn.periods.one_period`).

    A period written with an exclusive end (2024-01-01 to 2025-01-01) is the same year as one written with its last
    day (to 2024-12-31): read as a mere overlap, the second account of one year was only a warning.
    """
    if row.get("same") is True:
        return True
    return row.get("same") is False and one_period(
        row.get("start"), row.get("end"), row.get("other_start"), row.get("other_end")
    )


def _subject_period_message(row: Row) -> str:
    if _same_period(row):
        # Ends a day apart: one of them was written as the day after the period (an exclusive end).
        written = "" if row.get("same") is True else f" (written by the other as ending {row['other_end']})"
        return (
            f"CN-AUDIT-ID-05 (§12, §13): claims {row['claim']} and {row['other']} are both made for {row['subject']} "
            f"and the reporting period {row['start']} to {row['end']}{written}, and neither replaces the other; a "
            "subject has one report and one claim per period, and the audits cannot tell which of the two is its "
            "account."
        )
    return (
        f"CN-AUDIT-ID-06 (§3.1.6, §12): the reporting periods of claims {row['claim']} ({row['start']} to "
        f"{row['end']}) and {row['other']} ({row['other_start']} to {row['other_end']}), both for {row['subject']}, "
        "overlap; the months they share are counted and offset twice, and the periods should follow one another."
    )


def _alias_message(row: Row) -> str:
    return (
        f"CN-AUDIT-ID-02 (§5.2, §9.2): the subject {row['subject']} of {row['claim']} is named {row['alias']} "
        f"({'another spelling of the same web address' if row.get('spelt') is True else 'owl:sameAs'}) by "
        f"{row['other_claim']}, so its periods are read as two series and continual improvement between them cannot "
        "be checked."
    )


def _withdrawal_message(row: Row) -> str:
    # An undated claim is judged at its period's last day: said so, not "made" on a day the claim never states.
    when = "made" if row.get("dated") is not False else "undated; its period ends"
    return (
        f"CN-AUDIT-CLAIM-01 (§6, §13): claim {row['claim']} ({when} {row['claimed']}) rests on commitment "
        f"{row['commitment']}, which the inputs say was withdrawn on {row['withdrawn']}; a claim rests on a commitment "
        "top management maintains, and none other it rests on was in force."
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
        path=str(CN.hasAction),
    ),
    Audit(
        rule_id="CN-AUDIT-HIER-02",
        message=_action_orders_message,
        focus="action",
        value="last",
        path=str(CN.actionOrder),
    ),
    Audit(
        rule_id="CN-AUDIT-DOUBLE-01",
        message=_double_message,
        focus="serial",
        value="serial",
        path=str(CN.serialNumber),
    ),
    Audit(
        rule_id="CN-AUDIT-ELEC-01",
        message=_instrument_message,
        focus="instrument",
        value="claims",
        path=str(CN.usesContractualInstrument),
    ),
    Audit(
        rule_id="CN-AUDIT-CLAIM-01",
        message=_withdrawal_message,
        focus="claim",
        value="withdrawn",
        path=str(CN.hasCommitment),
    ),
    Audit(
        rule_id="CN-AUDIT-ID-01",
        message=_periods_message,
        focus="claim",
        value="starts",
        path=str(CN.hasReportingPeriod),
    ),
    Audit(
        rule_id="CN-AUDIT-ID-02",
        message=_alias_message,
        focus="claim",
        value="alias",
        path=str(CN.hasSubject),
    ),
    Audit(
        rule_id="CN-AUDIT-ID-04",
        message=_report_periods_message,
        focus="document",
        value="periods",
        path=str(CN.hasReport),
    ),
    Audit(
        rule_id="CN-AUDIT-ID-07",
        message=_document_subjects_message,
        focus="document",
        value="subjects",
        path=str(CN.hasReport),
    ),
    Audit(
        rule_id="CN-AUDIT-ID-08",
        message=_plan_figures_message,
        focus="node",
        value="high",
    ),
    Audit(
        rule_id="CN-AUDIT-ID-05",
        message=_subject_period_message,
        focus="claim",
        value="other",
        path=str(CN.hasReportingPeriod),
        keep=_same_period,
    ),
    Audit(
        rule_id="CN-AUDIT-ID-06",
        message=_subject_period_message,
        focus="claim",
        value="other",
        path=str(CN.hasReportingPeriod),
        keep=lambda row: row.get("same") is False and not _same_period(row),
    ),
    Audit(
        rule_id="CN-AUDIT-ID-03",
        message=_blank_subject_message,
        focus="claim",
        value="subject",
        path=str(CN.hasSubject),
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-01",
        message=_offset_message,
        focus="period",
        value="offset",
        path=str(CN.hasOffsettingEvent),
        keep=lambda row: row.get("offset_increased") is True,
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-02",
        message=_footprint_message,
        focus="period",
        value="footprint_change",
        path=str(CN.hasCarbonFootprint),
        keep=lambda row: _positive(row.get("footprint_change")) and row.get("prior_residual_only") is not True,
    ),
    Audit(
        rule_id="CN-AUDIT-IMPROVE-03",
        message=_residual_message,
        focus="period",
        value="residual_only",
        path=str(CN.onlyResidualEmissionsRemain),
        keep=lambda row: row.get("prior_residual_only") is True and row.get("residual_only") is False,
    ),
)


def audit_rows(name: str, graph: Graph | Backend) -> Iterable[Row]:
    """The rows of the bundled query ``name`` as the audits read them: as a stream, since on a large store an
    answer can hold a row per claim. The double-counting and continual-improvement rows are computed from plain
    patterns grouped in bounded memory (:mod:`comet_cn.serial_groups`, :mod:`comet_cn.improvement_rows`), so that
    a SPARQL engine need not hold their groups and joins for the whole set at once. The continual-improvement rows
    equal the query's; the double-counting and instrument-double-use rows add the first claims (and events) to name
    in a finding, and the double-counting rows count a blank node by where it hangs (see
    :func:`comet_cn.serial_groups.retirement_groups`) and fold a serial's compatibility forms (NFKC) too.
    """
    if name == "double-counting":
        return retirement_groups(graph)
    if name == "continual-improvement":
        return continual_improvement_rows(graph)
    if name == "instrument-double-use":
        return _instrument_rows(graph)
    if name == "subject-aliases":
        return _alias_rows(graph)
    return stream_query(query_info(name), graph)


# One subject under two spellings of its web address: a claim copied from the year before with its prefix changed
# from http:// to https:// (or the host in capitals, www., the default port, a slash added) names it by another IRI,
# with no sameAs to find, and its periods fall into two series all the same (red teams 76, 78). The claims' subject
# IRIs are read once and grouped by their address (in memory, one entry a subject, as an engine groups them); the
# claims naming an address met under several IRIs are then read in a second pass. A join on the address in SPARQL
# compared every two claims in rdflib (minutes for 2,000 claims).
_NAMED_SUBJECTS = """PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>
SELECT ?claim ?subject WHERE {
    ?claim comet-cn:hasSubject ?subject .
    FILTER (isIRI(?subject) && REGEX(STR(?subject), "^https?://", "i"))
}"""
_WEB_ADDRESS = re.compile(r"^(https?)://([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$", re.IGNORECASE | re.DOTALL)
_UNRESERVED = re.compile(r"%(2[DdEe]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])")
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_DEFAULT_PORT = {"http": "80", "https": "443"}


def _as_uri(part: str) -> str:
    """``part`` of an IRI as its URI (RFC 3987 §3.1: other characters percent-encoded in UTF-8), its escapes in
    capitals (RFC 3986 §6.2.2.1), and unreserved characters that were escaped written plainly (§6.2.2.2)."""
    part = _NON_ASCII.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group(0).encode("utf-8")), part)
    part = _ESCAPE.sub(lambda m: m.group(0).upper(), part)
    return _UNRESERVED.sub(lambda m: chr(int(m.group(1), 16)), part)


def _host(authority: str, scheme: str) -> str:
    """The authority of a web address: user information as written, the host in lower case, in ASCII (an
    internationalized name in its punycode form) and without www. or a trailing dot, the port unless the scheme's
    default (80 for http, 443 for https: https://host:80 is another address)."""
    user, at, host = authority.rpartition("@")
    port = ""
    found = re.match(r"^(.*?)(:(\d*))?$", host, re.DOTALL)
    if found is not None and not host.endswith("]"):
        host, port = found.group(1), found.group(3) or ""
    host = host.lower().rstrip(".").removeprefix("www.")
    if _NON_ASCII.search(host):
        with contextlib.suppress(UnicodeError):  # a name IDNA cannot write is compared as written
            host = host.encode("idna").decode("ascii")
    if port and port != _DEFAULT_PORT[scheme]:
        host = f"{host}:{port}"
    return f"{user}{at}{host}"


def web_address(iri: str) -> str:
    """One web address however it is spelt (RFC 3986 §6.2, RFC 3987 and common slips): without its scheme (http or
    https), the host in lower case and in ASCII, without www., a trailing dot or the scheme's default port, the rest
    as a URI (characters outside ASCII percent-encoded, escapes in capitals, unreserved characters unescaped), dot
    segments resolved, and no empty query, fragment or final slash. Anything else is returned as is."""
    match = _WEB_ADDRESS.match(iri)
    if match is None:
        return iri
    scheme = match.group(1).lower()
    host = _host(match.group(2), scheme)
    path, query, fragment = (_as_uri(match.group(i) or "") for i in (3, 4, 5))
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(segments) > 1:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    path = "/".join(segments).rstrip("/")
    query = "" if query == "?" else query
    fragment = "" if fragment == "#" else fragment
    return host + path + query + fragment


def _alias_rows(graph: Graph | Backend) -> list[Row]:
    """The subject-aliases rows (IRIs declared the same), with ``spelt`` False, and a row for each two IRIs that
    spell one web address (:func:`web_address`), with ``spelt`` True; each pair once, the smaller IRI first, ordered
    by the pair."""
    rows: list[Row] = [{**row, "spelt": False} for row in stream_query(query_info("subject-aliases"), graph)]
    backend = GraphBackend(graph) if isinstance(graph, Graph) else graph
    spellings: dict[str, set[str]] = {}
    selection = backend.select(_NAMED_SUBJECTS)
    subject_at = selection.columns.index("subject")
    for row in selection.rows:
        if row[subject_at] is not None:
            spellings.setdefault(web_address(str(row[subject_at])), set()).add(str(row[subject_at]))
    twice = {iri for iris in spellings.values() if len(iris) > 1 for iri in iris}
    spellings.clear()
    if twice:
        first: dict[str, dict[str, str]] = {}  # address -> subject IRI -> its smallest claim
        selection = backend.select(_NAMED_SUBJECTS)
        claim_at, subject_at = selection.columns.index("claim"), selection.columns.index("subject")
        for row in selection.rows:
            claim, subject = row[claim_at], row[subject_at]
            if claim is None or subject is None or str(subject) not in twice:
                continue
            named = first.setdefault(web_address(str(subject)), {})
            shown = _shown(claim)
            if str(subject) not in named or shown < named[str(subject)]:
                named[str(subject)] = shown
        for named in first.values():
            ordered = sorted(named)
            rows.extend(
                {"subject": one, "alias": other, "claim": named[one], "other_claim": named[other], "spelt": True}
                for i, one in enumerate(ordered)
                for other in ordered[i + 1 :]
            )
    return sorted(rows, key=lambda row: (str(row["subject"]), str(row["alias"])))


# The instrument-double-use query's groups, joined back to each claim using the instrument, so a finding can name
# the claims; only the instruments reported come back, a row per claim.
_INSTRUMENT_USES = r"""PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>
SELECT ?instrument ?claims ?entities ?claim WHERE { {
    {
        SELECT ?instrument (COUNT(DISTINCT ?user) AS ?claims) (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
            ?usingFootprint comet-cn:usesContractualInstrument ?instrument .
            ?user a comet-cn:CarbonNeutralityClaim ;
                comet-cn:hasCarbonFootprint ?usingFootprint .
            OPTIONAL { ?instrument comet-cn:instrumentRetiredFor ?entity . }
        }
        GROUP BY ?instrument
        HAVING (COUNT(DISTINCT ?user) > 1 || COUNT(DISTINCT ?entity) > 1)
    }
    ?footprint comet-cn:usesContractualInstrument ?instrument .
    ?claim a comet-cn:CarbonNeutralityClaim ;
        comet-cn:hasCarbonFootprint ?footprint .
} UNION {
    {
        SELECT ?certificate (MIN(STR(?serial)) AS ?instrument) (COUNT(DISTINCT ?user) AS ?claims)
               (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
            ?usingFootprint comet-cn:usesContractualInstrument ?used .
            ?user a comet-cn:CarbonNeutralityClaim ;
                comet-cn:hasCarbonFootprint ?usingFootprint .
            ?used comet-cn:serialNumber ?serial .
            OPTIONAL { ?used comet-cn:instrumentRetiredFor ?entity . }
            BIND (UCASE(REPLACE(STR(?serial), "[^A-Za-z0-9]", "")) AS ?certificate)
        }
        GROUP BY ?certificate
        HAVING (COUNT(DISTINCT ?used) > 1 && (COUNT(DISTINCT ?user) > 1 || COUNT(DISTINCT ?entity) > 1))
    }
    ?footprint comet-cn:usesContractualInstrument ?other .
    ?claim a comet-cn:CarbonNeutralityClaim ;
        comet-cn:hasCarbonFootprint ?footprint .
    ?other comet-cn:serialNumber ?otherSerial .
    FILTER (UCASE(REPLACE(STR(?otherSerial), "[^A-Za-z0-9]", "")) = ?certificate)
} }"""


def _shown(node: Node) -> str:
    # A blank node's label differs between engines (and between runs): findings name it alike on every backend.
    return "[blank node]" if isinstance(node, BNode) else str(node)


def _integer(term: Node | None) -> int:
    value = term.toPython() if isinstance(term, RDFLiteral) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _instrument_rows(graph: Graph | Backend) -> list[Row]:
    """The instrument-double-use rows with ``claim_names``: the :data:`comet_cn.serial_groups.NAMED` smallest names
    of the claims using the instrument, ordered by instrument."""
    backend = GraphBackend(graph) if isinstance(graph, Graph) else graph
    selection = backend.select(_INSTRUMENT_USES)
    at = [selection.columns.index(c) for c in ("instrument", "claims", "entities", "claim")]
    found: dict[str, tuple[Node, int, int, set[str]]] = {}
    for row in selection.rows:
        instrument, claims, entities, claim = (row[i] for i in at)
        if instrument is None:
            continue
        entry = found.setdefault(instrument.n3(), (instrument, _integer(claims), _integer(entities), set()))
        names = entry[3]
        if claim is not None:
            names.add(_shown(claim))
            if len(names) > NAMED:
                names.remove(max(names))
    return [
        {"instrument": _shown(node), "claims": claims, "entities": entities, "claim_names": sorted(names)}
        for node, claims, entities, names in sorted(found.values(), key=lambda entry: (_shown(entry[0]), entry[0]))
    ]


_REDUCING = (CN.Reduce_Inside_Boundary, CN.Enhance_Removal_Inside_Boundary)


def _orderings(graph: Graph) -> Iterator[tuple[str, str, str]]:
    """One input's offsetting actions ordered before a reduction or removal enhancement of their plan, as IRIs
    (plan, action, before): the hierarchy-audit query's first branch over that input's statements only. A blank
    node is left out: no other input, and no store, names it alike."""
    for plan, action in graph.subject_objects(CN.hasAction):
        if not (isinstance(plan, URIRef) and isinstance(action, URIRef)):
            continue
        if (action, CN.hierarchyStep, CN.Offset_Outside_Boundary) not in graph:
            continue
        for before in set(graph.objects(plan, CN.hasAction)):
            if (
                isinstance(before, URIRef)
                and any((before, CN.hierarchyStep, step) in graph for step in _REDUCING)
                and _ordered_before(graph, action, before)
            ):
                yield str(plan), str(action), str(before)


def _ordered_before(graph: Graph, action: Node, before: Node) -> bool:
    # By actionOrder when both carry one, else by plannedDate; the smallest of each, as the query's MIN.
    for predicate in (CN.actionOrder, CN.plannedDate):
        mine, theirs = list(graph.objects(action, predicate)), list(graph.objects(before, predicate))
        if mine and theirs:
            first, other = _smallest(mine), _smallest(theirs)
            return first is not None and other is not None and _less(first, other)
    return False


def _smallest(values: list[Node]) -> Node | None:
    # A value no other is before, among values all comparable with it; None where two are not comparable (SPARQL
    # engines' MIN differ there). Equal values ("4" and "04") are both smallest: either is the same order.
    for value in values:
        if all(not _less(other, value) and (_less(value, other) or _same_value(value, other)) for other in values):
            return value
    return None


def _same_value(a: Node, b: Node) -> bool:
    if a == b:
        return True
    if not (isinstance(a, RDFLiteral) and isinstance(b, RDFLiteral)):
        return False
    x, y = a.toPython(), b.toPython()
    return not isinstance(x, RDFLiteral) and type(x) is type(y) and x == y


def _less(a: Node, b: Node) -> bool:
    """``a < b`` as SPARQL's FILTER reads it: numbers with numbers, dates with dates, date-times with date-times of
    the same kind (both with a time zone or both without), strings with strings, booleans with booleans; anything
    else (an ill-typed value, a language-tagged string) is before nothing."""
    if not (isinstance(a, RDFLiteral) and isinstance(b, RDFLiteral)):
        return False
    x, y = a.toPython(), b.toPython()
    if _number(x) and _number(y):
        if isinstance(x, float) or isinstance(y, float):
            return float(x) < float(y)
        return Decimal(x) < Decimal(y)
    if isinstance(x, bool) and isinstance(y, bool):
        return x < y
    if isinstance(x, datetime) and isinstance(y, datetime):
        return (x.tzinfo is None) == (y.tzinfo is None) and x < y
    if isinstance(x, date) and isinstance(y, date) and not isinstance(x, datetime) and not isinstance(y, datetime):
        return x < y
    plain = (None, XSD.string)
    if isinstance(x, str) and isinstance(y, str) and a.language is None and b.language is None:
        return a.datatype in plain and b.datatype in plain and x < y
    return False


def _number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def audit_results(graph: Graph | Backend, *, source: str | None = None) -> list[AuditFinding]:
    """The findings of every audit over a graph of many claims already loaded and reasoned, or over a store of
    :mod:`comet_cn.store` loaded with :func:`comet_cn.queries.load_into`; every backend gives the same findings.

    Which input gave which statement is not in a merged graph: of a plan action given several orders (a plan revised
    under one IRI; CN-AUDIT-HIER-02 says so) the smallest is compared. :func:`run_audits`, which reads the inputs,
    also leaves out an ordering that no input gives by its own statements.

    :param source: what to name as the findings' input (default: none).
    :returns: findings in the stable order of validation results, each once.
    """
    return _audit_results(graph, source, None)


def _audit_results(
    graph: Graph | Backend, source: str | None, orderings: set[tuple[str, str, str]] | None
) -> list[AuditFinding]:
    """:func:`audit_results`; with ``orderings`` (what each input orders by its own statements, from
    :func:`_orderings`), a CN-AUDIT-HIER-01 ordering between IRIs that no input gives is not reported: the merged
    graph paired one input's order with another's (a plan revised under one IRI that gained an action)."""
    findings: set[AuditFinding] = set()
    by_query: dict[str, list[Audit]] = {}
    for audit in AUDITS:
        by_query.setdefault(audit.query, []).append(audit)
    for name, audits in by_query.items():
        for row in audit_rows(name, graph):
            if orderings is not None and name == "hierarchy-audit" and not _given(row, orderings):
                continue
            for audit in audits:
                if not audit.keep(row):
                    continue
                findings.add(
                    finding(
                        audit.rule_id,
                        focus_node=format_value(row.get(audit.focus)),
                        path=audit.path,
                        value=_value(row, audit.value),
                        message=audit.message(row),
                        source=source,
                    )
                )
    findings.update(_range_overlaps(graph, source))
    return sorted(findings, key=_order)


def _given(row: Row, orderings: set[tuple[str, str, str]]) -> bool:
    # A row without "before" plans no reduction; one naming a blank node (shown _:b0) cannot be matched.
    names = (row.get("plan"), row.get("action"), row.get("before"))
    if row.get("before") is None or any(not isinstance(n, str) or n.startswith("_:") for n in names):
        return True
    return names in orderings


def _order(result: AuditFinding) -> tuple[object, ...]:
    # The message breaks ties, so equal-keyed findings come out in one order on every backend.
    return (*ValidationResult.sort_key(result), result.message)


# One row per (claim, retired credit) with what a unit range is read from; a retirement no claim names (one made
# for another party, given on its own) is its event's, so a claim's credits are compared with it too, as the
# double-counting query compares identical serials. A blank node is named as
# comet_cn.terms.describe names it: the holders (?via of ?holder, IRIs only) come back as extra rows, and the
# smallest is picked in Python, because aggregates over unbound values differ between SPARQL engines.
_RANGE_ROWS = """PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?claim ?event ?credit ?serial ?block ?first ?last ?via ?holder ?claim_via ?claim_holder WHERE {
    ?event comet-cn:retiresCredit ?credit .
    OPTIONAL { ?claim rdf:type comet-cn:CarbonNeutralityClaim ; comet-cn:hasOffsettingEvent ?event . }
    OPTIONAL { ?credit comet-cn:serialNumber ?serial . }
    OPTIONAL { ?credit comet-cn:issuanceBlock ?block . }
    OPTIONAL { ?credit comet-cn:firstUnit ?first . }
    OPTIONAL { ?credit comet-cn:lastUnit ?last . }
    OPTIONAL { ?holder ?via ?credit . FILTER (isBlank(?credit) && isIRI(?holder)) }
    BIND (COALESCE(?claim, ?event) AS ?owner)
    OPTIONAL { ?claim_holder ?claim_via ?owner . FILTER (isBlank(?owner) && isIRI(?claim_holder)) }
}"""


# One row per claim's own emission reduction, removal enhancement or footprint removal that names registry units:
# swept with the credits, so that units one claim counts as its own and another input's claim retires as credits
# are found (CN-CRIT-01 finds them within one input; red team 98b).
_OWN_ROWS = """PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?claim ?node ?kind ?serial ?block ?first ?last WHERE {
    ?claim rdf:type comet-cn:CarbonNeutralityClaim .
    { ?claim comet-cn:hasEmissionReduction ?node . BIND ("emission reduction" AS ?kind) }
    UNION { ?claim comet-cn:hasRemovalEnhancement ?node . BIND ("removal enhancement" AS ?kind) }
    UNION {
        ?claim comet-cn:hasCarbonFootprint ?footprint .
        ?footprint comet-cn:hasRemoval ?node .
        BIND ("footprint removal" AS ?kind)
    }
    OPTIONAL { ?node comet-cn:serialNumber ?serial . }
    OPTIONAL { ?node comet-cn:issuanceBlock ?block . }
    OPTIONAL { ?node comet-cn:firstUnit ?first . }
    OPTIONAL { ?node comet-cn:lastUnit ?last . }
    FILTER (BOUND(?serial) || BOUND(?block))
}"""

# Marks the key of a claim's own mitigation, standing in a credit's place (a space: no IRI holds one).
_OWNED = " own:"
# Marks a credit's key on a range swept under its Verra project's key (comet_cn.serials.project_range).
_BRIDGE = " project:"  # a space: no IRI or blank node label holds one
# Marks an offsetting event that no claim names, standing in the claim's place (a space: no IRI holds one).
_UNCLAIMED = " unclaimed"
# Separates a claim's key from the key of the event that retires the range.
_EVENT = " event "
# Marks a credit's key on the loose reading of an unpadded serial (comet_cn.serials.loose_reading).
_LOOSE = " loose"


def _units_of(serial: str) -> tuple[int, int] | None:
    loose = loose_reading(serial)
    return (loose.first, loose.last) if loose is not None else None


def _node_key(node: Node) -> str:
    # Keys are stored as text when the sweep spills to disk: a blank node keeps its label behind "_:".
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _owner(key: str, names: SmallestNames) -> str:
    """Who a range is retired for, in words: a claim, or an offsetting event that no claim names."""
    key, unclaimed, _ = key.partition(_UNCLAIMED)
    if unclaimed:
        return f"offsetting event {_described(key, names)}, which no claim names"
    return f"claim {_described(key, names)}"


def _described(key: str, names: SmallestNames) -> str:
    if not key.startswith("_:"):
        return key
    name = names.get(key)
    return f"[{name[0]} of {name[1]}]" if name is not None else "[blank node]"


def _range_overlaps(graph: Graph | Backend, source: str | None) -> list[AuditFinding]:
    """CN-AUDIT-DOUBLE-01 for units that two claims share through serial ranges written differently.

    Identical serials are the double-counting query's rows; overlaps inside one claim are CN-UNITS-01's. The rows
    come from one SPARQL query on any backend and are read as a stream; ranges are swept per issuance block after
    sorting (``n log n``), on disk beyond :data:`comet_cn.overlap_spill.IN_MEMORY` of them, so a million
    retirements take seconds here in bounded memory, never all pairs.
    """
    if isinstance(graph, Graph):
        graph = GraphBackend(graph)
    # A claim and its reissue restate one set of retirements (comet_cn.serial_groups.reissue_lineage).
    reissued = {
        frozenset((_node_key(old), _node_key(new))) for old, line in reissue_lineage(graph).items() for new in line
    }
    selection = graph.select(_RANGE_ROWS)
    position = {column: index for index, column in enumerate(selection.columns)}
    at = [position[c] for c in ("claim", "event", "credit", "serial", "block", "first", "last")]
    named = [position[c] for c in ("via", "holder", "claim_via", "claim_holder")]
    own_rows = _own_rows(graph)
    # Own serials no grammar reads: compared with credits' serials as whole text (CN-CRIT-01 reads them so).
    own_whole: dict[str, list[tuple[str, str, str]]] = {}
    for claim_node, node, kind, serial, block, first, last in own_rows:
        span, _ = credit_range(serial, block, first, last)
        if span is None and serial is not None and loose_reading(serial) is None:
            own_whole.setdefault(normalised_serial(str(serial)), []).append(
                (_node_key(claim_node), f"{_node_key(node)}{_OWNED}{kind}", str(serial))
            )
    whole_hits: list[tuple[str, tuple[str, str, str], tuple[str, str, str]]] = []
    with SmallestNames() as names:

        def ranges() -> Iterator[tuple[Key, SerialRange]]:
            for row in selection.rows:
                claim, event, credit, serial, block, first, last = (row[i] for i in at)
                via, holder, claim_via, claim_holder = (row[i] for i in named)
                held = claim if claim is not None else event
                if credit is None or held is None:
                    continue
                owner = _node_key(held) if claim is not None else f"{_node_key(held)}{_UNCLAIMED}"
                if own_whole and serial is not None and (whole := normalised_serial(str(serial))) in own_whole:
                    use = (owner, _node_key(credit), str(serial))
                    whole_hits.extend((f"the units of serial {serial}", own, use) for own in own_whole[whole])
                if claim is not None and event is not None:
                    # Which retirement, too: one claim IRI given by two inputs (two companies' "@id": "claim-2023"
                    # both resolve against the same default base) with two events is two retirements.
                    owner += _EVENT + _node_key(event)
                for node, by, of in ((credit, via, holder), (held, claim_via, claim_holder)):
                    if isinstance(node, BNode) and by is not None and of is not None:
                        names.offer(_node_key(node), (str(by), str(of)))
                span, serial_text = credit_range(serial, block, first, last)
                # A retirement repeated (by holder rows, or two events of a claim) gives the same finding, kept once.
                # As CN-UNITS-01 does within a claim: a range stated under a block key of its own cannot hide the
                # units its serial reads as, and a Verra project's ranges are swept together whatever their keys.
                read = serial_reading(serial, span)
                if span is None:
                    # As CN-UNITS-01 reads it: an unpadded serial (EXR-2022-WIND-1-6000) is compared with the
                    # readable ranges of its batch, and with another unpadded one only for the same units.
                    loose = loose_reading(serial)
                    if loose is not None:
                        yield (owner, f"{_node_key(credit)}{_LOOSE}", str(serial)), loose
                for reading, text in ((span, serial_text or ""), (read, str(serial))):
                    if reading is not None:
                        yield (owner, _node_key(credit), text), reading
                        bridge = project_range(reading)
                        if bridge is not None:
                            # Marked, so that only a CAD Trust record and a Verra range are compared under it.
                            kind = "cad-trust" if reading.block.startswith("CAD-TRUST:") else "verra"
                            yield (owner, f"{_node_key(credit)}{_BRIDGE}{kind}", text), bridge

        def owned() -> Iterator[tuple[Key, SerialRange]]:
            for claim, node, kind, serial, block, first, last in own_rows:
                span, serial_text = credit_range(serial, block, first, last)
                key = f"{_node_key(node)}{_OWNED}{kind}"
                for reading, text in ((span, serial_text or ""), (serial_reading(serial, span), str(serial))):
                    if reading is not None:
                        yield (_node_key(claim), key, text), reading
                        bridge = project_range(reading)
                        if bridge is not None:
                            side = "cad-trust" if reading.block.startswith("CAD-TRUST:") else "verra"
                            yield (_node_key(claim), f"{key}{_BRIDGE}{side}", text), bridge
                if span is None:
                    loose = loose_reading(serial)
                    if loose is not None:
                        yield (_node_key(claim), f"{key}{_LOOSE}", str(serial)), loose

        def every() -> Iterator[tuple[Key, SerialRange]]:
            yield from ranges()
            yield from owned()

        found: set[AuditFinding] = set()
        for (claim_a, credit_a, serial_a), (claim_b, credit_b, serial_b), (low, high) in overlapping_pairs(every()):
            credit_a, loose_a, _ = credit_a.partition(_LOOSE)
            credit_b, loose_b, _ = credit_b.partition(_LOOSE)
            if loose_a and loose_b and _units_of(serial_a) != _units_of(serial_b):
                continue  # two loose readings share units only when they name the very same ones
            credit_a, _, kind_a = credit_a.partition(_BRIDGE)
            credit_b, _, kind_b = credit_b.partition(_BRIDGE)
            if kind_a == kind_b != "":
                continue  # a Verra project's key compares CAD Trust with Verra only (see comet_cn.serials)
            if _OWNED in credit_a or _OWNED in credit_b:
                held_text = f"unit {low}" if low == high else f"units {low}-{high}"
                own_finding = _own_units_retired(
                    (claim_a, credit_a, serial_a), (claim_b, credit_b, serial_b), held_text, reissued, names, source
                )
                if own_finding is not None:
                    found.add(own_finding)
                continue
            if claim_a == claim_b or normalised_serial(serial_a) == normalised_serial(serial_b):
                continue  # the same retirement read twice; within one input, two events of a claim are CN-UNITS-01's
            claim_a, claim_b = claim_a.partition(_EVENT)[0], claim_b.partition(_EVENT)[0]
            if frozenset((claim_a, claim_b)) in reissued:
                continue  # a claim and its reissue: the same retirements stated twice
            # The pair is written in name order, so which claim comes first does not depend on the engine's row
            # order. Names are looked up only now: every row has been read, so each blank node has its smallest.
            (name_a, text_a, _), (name_b, text_b, focus) = sorted(
                [
                    (_owner(claim_a, names), serial_a, _described(credit_a, names)),
                    (_owner(claim_b, names), serial_b, _described(credit_b, names)),
                ]
            )
            units = f"unit {low}" if low == high else f"units {low}-{high}"
            found.add(
                finding(
                    "CN-AUDIT-DOUBLE-01",
                    focus_node=focus,
                    path=str(CN.serialNumber),
                    value=text_b,
                    message=f"CN-AUDIT-DOUBLE-01 (§11.1): {units} are retired for {name_a} "
                    f"(serial {text_a}) and again for {name_b} (serial {text_b}); a credit can be used once.",
                    source=source,
                )
            )
        for held_text, own, credit_use in whole_hits:
            own_finding = _own_units_retired(own, credit_use, held_text, reissued, names, source)
            if own_finding is not None:
                found.add(own_finding)
    return list(found)


def _own_rows(graph: Backend) -> list[tuple[Node, Node, str, Node | None, Node | None, Node | None, Node | None]]:
    """The claims' own mitigation naming registry units (:data:`_OWN_ROWS`): few, so read into memory first."""
    own = graph.select(_OWN_ROWS)
    where = [{column: index for index, column in enumerate(own.columns)}[c] for c in
             ("claim", "node", "kind", "serial", "block", "first", "last")]  # fmt: skip
    rows = []
    for row in own.rows:
        claim, node, kind, serial, block, first, last = (row[i] for i in where)
        if claim is not None and node is not None:
            rows.append((claim, node, str(kind), serial, block, first, last))
    return rows


def _own_units_retired(
    first: Key,
    second: Key,
    held: str,
    reissued: set[frozenset[str]],
    names: SmallestNames,
    source: str | None,
) -> AuditFinding | None:
    """CN-AUDIT-DOUBLE-01 for units one claim counts as its own mitigation and another claim retires as credits:
    the same tonnes lower one footprint and offset another (§11.1; §8.1, mitigation transferred as credits does
    not count for the subject). Two claims' own mitigation (one removal in several periods' claims) and a claim's
    own units against its own credits or an unclaimed event (CN-CRIT-01's, within an input) are not this one's."""
    (claim_a, key_a, serial_a), (claim_b, key_b, serial_b) = first, second
    if _OWNED in key_b:
        (claim_a, key_a, serial_a), (claim_b, key_b, serial_b) = second, first
    if _OWNED in key_b or _UNCLAIMED in claim_b:
        return None
    holder = claim_b.partition(_EVENT)[0]
    if holder == claim_a or frozenset((claim_a, holder)) in reissued:
        return None
    node, _, kind = key_a.partition(_OWNED)
    return finding(
        "CN-AUDIT-DOUBLE-01",
        focus_node=_described(key_b, names),
        path=str(CN.serialNumber),
        value=serial_b,
        message=f"CN-AUDIT-DOUBLE-01 (§11.1, §8.1): {held} are counted by {_owner(claim_a, names)} as its own {kind} "
        f"{_described(node, names)} (serial {serial_a}) and retired as credits for {_owner(holder, names)} (serial "
        f"{serial_b}); the same tonnes cannot lower one footprint and offset another.",
        source=source,
    )


#: Claims above which ``run_audits(backend="auto")`` moves from rdflib to an embedded Oxigraph store (when
#: pyoxigraph is installed): rdflib starts faster, Oxigraph answers the audit queries much faster on many claims.
AUTO_THRESHOLD = 50

BackendChoice = Literal["auto", "rdflib", "oxigraph"]


def run_audits(
    sources: Source | Iterable[Source],
    *,
    reasoning: str = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
    source: str | None = "<all inputs>",
    backend: BackendChoice | Backend = "auto",
    names: Callable[[Source], str] | None = None,
) -> list[AuditFinding]:
    """Load and reason the claims as validation does, and return the cross-claim findings.

    :param sources: claims, directories of claims, or an iterable of these (see :func:`comet_cn.queries.query`).
    :param source: what the findings name as their input.
    :param backend: where the audits run: ``"rdflib"`` (a graph in memory), ``"oxigraph"`` (an embedded store in
        memory; the ``store`` extra), a backend of :mod:`comet_cn.store` (the claims are added to it), or
        ``"auto"``: rdflib for up to :data:`AUTO_THRESHOLD` claims, Oxigraph beyond when pyoxigraph is installed.
        The findings are the same whichever runs them.
    :param names: the name each input is reported under (default: its path; a caller that reads standard input or
        JSON Lines names those claims as its own report does).
    :raises InputError: a claim cannot be loaded, or the backend cannot be used.

    A file reached twice (named twice, or named and inside a folder named too) and the same claim text given twice
    are read once: one claim's retirements are not two. CN-AUDIT-HIER-01 reports an offsetting action ordered before
    a reduction only where one input's own statements order it so: a plan revised between periods under one IRI
    (renumbered, or given a new action) never has one input's order paired with another's.
    """
    if isinstance(backend, str) and backend not in ("auto", "rdflib", "oxigraph"):
        raise ValueError(f"unknown backend {backend!r}; use auto, rdflib, oxigraph or a comet_cn.store backend")
    mode = reasoning_mode(reasoning)
    orderings: set[tuple[str, str, str]] = set()
    # A workbook's cells, by input: an audit finding names the sheet and row to fix, as a claim's own finding does.
    workbooks: list[tuple[str, Mapping[tuple[str, str | None], Any]]] = []

    # Which input first gave each claim IRI, and the findings of claim IRIs that two inputs give differently.
    first_given: dict[URIRef, Source] = {}
    merged: list[AuditFinding] = []

    # The inputs that describe each claim (an audit finding is placed in them), and a serial's other spellings.
    holders: dict[URIRef, str | list[str]] = {}
    spellings: dict[str, set[RDFLiteral]] = {}
    name_of = names or describe_source

    def read() -> Iterator[Graph]:
        for item in _distinct(sources, limits):
            loaded = load_claim(item, limits=limits, keep_undefined=True)  # as load() reads it, with its cells
            if loaded.cells:
                workbooks.append((name_of(item), loaded.cells))
            closure = queried(reason(loaded.graph, mode, engine=engine, in_place=True))
            orderings.update(_orderings(closure))
            merged.extend(_claims_given_twice(closure, item, first_given, limits, source))
            _record_holders(closure, name_of(item), holders, spellings)
            yield closure

    def results(graph: Graph | Backend) -> list[AuditFinding]:
        found = _audit_results(graph, source, orderings)
        if merged:
            # A claim the claim-periods query already names (two periods under one IRI) is one finding, not two.
            named = {f.focus_node for f in found if f.rule_id == "CN-AUDIT-ID-01"}
            found = sorted({*found, *(f for f in merged if f.focus_node not in named)}, key=_order)
        return _in_cells(_in_inputs(found, graph, holders, spellings), workbooks)

    closures = read()
    if not isinstance(backend, str):
        for closure in closures:
            backend.add(closure)
        return results(backend)
    if backend == "oxigraph":
        with OxigraphBackend() as store:
            for closure in closures:
                store.add(closure)
            return results(store)
    graph = Graph()
    for count, closure in enumerate(closures, start=1):
        for triple in closure:
            graph.add(triple)
        if backend == "auto" and count >= AUTO_THRESHOLD and oxigraph_available():
            # Past the threshold the set is moved once into Oxigraph, and the rest streams straight there.
            with OxigraphBackend() as store:
                store.add(graph)
                del graph
                for rest in closures:
                    store.add(rest)
                return results(store)
    return results(graph)


#: What describes a claim (not merely names it): its reporting period, its subject, its date.
_DESCRIBING = (CN.hasReportingPeriod, CN.hasSubject, CN.claimDate)


def _described_claims(closure: Graph) -> Iterator[URIRef]:
    """The claims an input describes (its period, subject or date), not those it merely names."""
    for claim in closure.subjects(RDF.type, CN.CarbonNeutralityClaim):
        if isinstance(claim, URIRef) and any(closure.value(claim, term) is not None for term in _DESCRIBING):
            yield claim


def _claims_given_twice(
    closure: Graph,
    item: Source,
    first_given: dict[URIRef, Source],
    limits: LoadLimits,
    source: str | None,
) -> list[AuditFinding]:
    """CN-AUDIT-ID-01 for a claim IRI that an earlier input gave with other statements.

    The audits read one IRI as one claim, so two inputs reusing a claim IRI (two companies' claims built from one
    template, a claim kept under last year's IRI) merge: a credit both retire is one claim's, compared with itself,
    and no double counting is found. The same claim given twice (a file and its Turtle conversion) is the same
    graph, its numbers compared by value, and is no finding. Inputs are compared only when their IRIs meet, by
    reading both again.
    """
    # Only a claim an input describes (its period, subject or date): a claim named by another (a later claim's
    # input typing last year's claim to link it) is not given twice.
    claims = sorted(_described_claims(closure))
    found: list[AuditFinding] = []
    current: Graph | None = None
    for claim in claims:
        earlier = first_given.setdefault(claim, item)
        if earlier is item:
            continue
        if current is None:
            current = load_claim(item, limits=limits).graph
        first = load_claim(earlier, limits=limits).graph
        if _same_graph(first, current) or _same_graph(_by_value(first), _by_value(current)):
            continue
        found.append(
            finding(
                "CN-AUDIT-ID-01",
                focus_node=str(claim),
                message=(
                    f"claim {claim} is given by {describe_source(earlier)} and by {describe_source(item)} with other "
                    "statements; the audits read one IRI as one claim, so the two merge and what both retire, or "
                    "claim twice, is compared with itself and not found. Each claim needs its own IRI."
                ),
                source=source,
            )
        )
    return found


#: Above this many blank nodes, rdflib's exact isomorphism test takes minutes (red team 117c: a claim of 5,000
#: credit blocks with their evidence, given twice, hung --audits); two graphs are then compared by a refinement of
#: each blank node's neighbourhood, which tells apart any two claims a person would write.
_EXACT_BLANKS = 300


def _same_graph(first: Graph, second: Graph) -> bool:
    """Whether two claims' graphs are the same up to the names of their blank nodes.

    Cheap tests first: a different number of triples, or different triples without blank nodes, settle it (two
    different claims under one IRI almost always differ there). Only graphs alike in both are compared whole.
    """
    if len(first) != len(second):
        return False
    ground_first, blanks_first = _split_blank(first)
    ground_second, blanks_second = _split_blank(second)
    if ground_first != ground_second or len(blanks_first) != len(blanks_second):
        return False
    if len(blanks_first) <= _EXACT_BLANKS:
        return isomorphic(first, second)
    return _blank_colours(first, blanks_first) == _blank_colours(second, blanks_second)


def _split_blank(graph: Graph) -> tuple[set[tuple[Node, Node, Node]], set[BNode]]:
    ground: set[tuple[Node, Node, Node]] = set()
    blanks: set[BNode] = set()
    for triple in graph:
        named = [term for term in triple if isinstance(term, BNode)]
        if named:
            blanks.update(named)
        else:
            ground.add(triple)
    return ground, blanks


def _blank_colours(graph: Graph, blanks: set[BNode], rounds: int = 4) -> list[str]:
    """The sorted colours of a graph's blank nodes after ``rounds`` of refinement (each blank node's colour is the
    hash of its own triples, its neighbours' colours standing in for blank neighbours): equal for isomorphic
    graphs, and different for graphs that differ within ``rounds`` steps of a blank node."""
    colour = dict.fromkeys(blanks, "")
    for _ in range(rounds):
        updated: dict[BNode, str] = {}
        for node in blanks:
            out = sorted(
                f"{p.n3()} {colour[o] if isinstance(o, BNode) else o.n3()}"
                for _, p, o in graph.triples((node, None, None))
            )
            into = sorted(
                f"{colour[s] if isinstance(s, BNode) else s.n3()} {p.n3()}"
                for s, p, _ in graph.triples((None, None, node))
            )
            text = "\n".join([colour[node], *out, "<-", *into])
            updated[node] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        colour = updated
    return sorted(colour.values())


def _by_value(graph: Graph) -> Graph:
    """``graph`` with every number, boolean and date written one way, so one claim written by two tools is one graph.

    An Oxigraph export writes 2000.0 as 2000, a hand-written file +2000.00 or an xsd:integer (red team 82a): the
    same values, the same claim; a date is its day, with or without a time zone, as the period audits read it.
    Ill-typed literals and every other datatype are kept as written.
    """
    written = Graph()
    for subject, predicate, value in graph:
        written.add((subject, predicate, _value_literal(value)))
    return written


def _value_literal(term: Node) -> Node:
    if not isinstance(term, RDFLiteral) or term.datatype is None or term.ill_typed:
        return term
    value = term.value
    if isinstance(value, bool):
        return RDFLiteral(value)
    if term.datatype == XSD.date and isinstance(value, date):
        return RDFLiteral(value.isoformat(), datatype=XSD.date)  # its day: 2024-01-01Z is 2024-01-01 (red team 84a)
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        value = Decimal(repr(value))
    if isinstance(value, (int, Decimal)) and (not isinstance(value, Decimal) or value.is_finite()):
        return RDFLiteral(format(Decimal(value).normalize(), "f"), datatype=XSD.decimal)
    return term


#: Findings placed in their inputs, and inputs named a finding, at most: a set with more is named by the first.
_MOST_PLACED = 2_000
_MOST_INPUTS = 10
_MOST_CLAIMS = 1_000
#: Links that lead from one claim to another (its claimant's other claims, a claim it replaces, its subject's
#: group), not from a claim to what it states: a finding's node is held by the claims that reach it without them.
_BETWEEN_CLAIMS = frozenset(
    {
        RDF.type,
        OWL.sameAs,
        CN.claimedBy,
        CN.hasClaim,
        CN.hasSubject,
        CN.partOfOrganization,
        CN.retiredOnBehalfOf,
        CN.largerOrganizationFootprint,
        URIRef("http://purl.org/dc/terms/replaces"),
        URIRef("http://www.w3.org/ns/prov#wasRevisionOf"),
    }
)


def _record_holders(
    closure: Graph, name: str, holders: dict[URIRef, str | list[str]], spellings: dict[str, set[RDFLiteral]]
) -> None:
    """Note the claims ``closure`` describes as held by the input ``name`` (a claim IRI two inputs give is held by
    both), and each serial it writes otherwise than the audits compare it (case, spacing)."""
    for claim in _described_claims(closure):
        earlier = holders.get(claim)
        if earlier is None:
            holders[claim] = name  # one name, not a list: a set of a million claims keeps one string each
        elif isinstance(earlier, str):
            if earlier != name:
                holders[claim] = [earlier, name]
        elif name not in earlier:
            earlier.append(name)
    for serial in closure.objects(None, CN.serialNumber):
        if isinstance(serial, RDFLiteral):
            key = normalised_serial(str(serial))
            if key != str(serial):
                spellings.setdefault(key, set()).add(serial)


def _in_inputs(
    findings: list[AuditFinding],
    graph: Graph | Backend,
    holders: Mapping[URIRef, str | list[str]],
    spellings: Mapping[str, set[RDFLiteral]],
) -> list[AuditFinding]:
    """Each finding with the inputs whose claims hold its node (a period, a credit block, a serial, a claim), found
    by walking back from the node to the claims that state it: a finding of the set names no one input, and a
    SARIF log whose result names no file is refused whole by GitHub code scanning."""
    if not holders:
        return findings
    referrers = _referrers(graph)
    placed: list[AuditFinding] = []
    for number, found in enumerate(findings):
        claims = _claims_holding(found.focus_node, referrers, holders, spellings) if number < _MOST_PLACED else []
        held = {name for claim in claims for name in _names(holders[claim])}
        # Sorted, so that every backend names the same inputs (each walks in its own order).
        names = sorted(held)[:_MOST_INPUTS]
        placed.append(replace(found, inputs=tuple(names)) if names else found)
    return placed


def _names(held: str | list[str]) -> list[str]:
    return [held] if isinstance(held, str) else held


#: A step of the walk: a node, or, in a store, the blank nodes a chain of patterns reaches (a blank node's label is
#: the store's own and cannot be written in a query, so it is reached again by the pattern that found it).
_Step = Node | tuple[str, int]


def _referrers(graph: Graph | Backend) -> Callable[[_Step], list[_Step]]:
    """The subjects that state a step as a value, by any link that is not between claims."""
    if isinstance(graph, Graph):

        def in_graph(step: _Step) -> list[_Step]:
            assert not isinstance(step, tuple)  # a graph in memory holds its blank nodes: no chains
            return [s for s, p in graph.subject_predicates(step) if p not in _BETWEEN_CLAIMS]

        return in_graph
    excluded = ", ".join(term.n3() for term in sorted(_BETWEEN_CLAIMS))

    def in_store(step: _Step) -> list[_Step]:
        if isinstance(step, tuple):
            pattern, depth = step
            target = f"?v{depth}"
        else:
            pattern, depth, target = "", 0, step.n3()
        if depth >= 6:
            return []
        subject = f"?v{depth + 1}"
        chain = (
            f"{subject} ?p{depth + 1} {target} . FILTER (?p{depth + 1} NOT IN ({excluded})) "
            + (f"FILTER (isBlank({target})) " if isinstance(step, tuple) else "")
            + pattern
        )
        found: list[_Step] = []
        blank = False
        for row in graph.select(f"SELECT DISTINCT {subject} WHERE {{ {chain} }} LIMIT 1000").rows:
            node = row[0]
            if isinstance(node, BNode):
                blank = True
            elif node is not None:
                found.append(node)
        if blank:
            found.append((chain, depth + 1))
        return found

    return in_store


def _claims_holding(
    focus: str,
    referrers: Callable[[_Step], list[_Step]],
    holders: Mapping[URIRef, str | list[str]],
    spellings: Mapping[str, set[RDFLiteral]],
) -> list[URIRef]:
    """The claims (of ``holders``) from which ``focus`` is reached; a walk stops at a claim."""
    # The focus node as the findings write it: an IRI, or a literal (a serial, in each spelling the inputs use).
    starts: list[_Step] = [URIRef(focus)] if _ABSOLUTE.match(focus) and " " not in focus else []
    starts += [RDFLiteral(focus), RDFLiteral(focus, datatype=XSD.string), *sorted(spellings.get(focus, ()))]
    seen: set[_Step] = set(starts)
    frontier = starts
    claims: list[URIRef] = []
    for _ in range(8):  # claim, event, credit block, serial: a few links deep; a walk never runs the whole set
        following: list[_Step] = []
        for step in frontier:
            if isinstance(step, URIRef) and step in holders:
                claims.append(step)
                continue
            for subject in referrers(step):
                if subject not in seen and len(seen) < 5_000:
                    seen.add(subject)
                    following.append(subject)
        if len(claims) >= _MOST_CLAIMS or not following:
            break
        frontier = following
    return claims


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S")


def _in_cells(
    findings: list[AuditFinding], workbooks: Sequence[tuple[str, Mapping[tuple[str, str | None], Any]]]
) -> list[AuditFinding]:
    """Each finding with the workbook cells it is about, in every workbook of the set that holds them ("a.xlsx:
    sheet 'Credits', row 3, ..."): the findings of a set name no one input."""
    if not workbooks:
        return findings
    from comet_cn.workbook import locate_all  # imported here: only workbook inputs have cells

    located = []
    for found in findings:
        places = [
            f"{name}: {cell}"
            for name, cells in workbooks
            for cell in locate_all(cells, found.focus_node, found.path, found.value)
        ]
        located.append(replace(found, location="; ".join(places)) if places else found)
    return located


def _distinct(sources: Source | Iterable[Source], limits: LoadLimits) -> Iterator[Source]:
    """Each claim of ``sources`` once: a file by its device and inode (a link to it, or the same file named twice
    or reached through a folder, is one file), claim text by its digest."""
    seen: set[tuple[object, ...]] = set()
    for _, item in iter_sources(_items(sources), limits=limits):
        identity = _identity(item)
        if identity is not None:
            if identity in seen:
                continue
            seen.add(identity)
        yield item


def _identity(item: Source) -> tuple[object, ...] | None:
    if isinstance(item, Path):
        try:
            status = item.stat()
        except OSError:
            return ("path", os.path.realpath(item))  # reading it will say what is wrong
        return ("file", status.st_dev, status.st_ino)
    if isinstance(item, (bytes, str)):
        data = item if isinstance(item, bytes) else item.encode("utf-8", "surrogatepass")
        return ("text", hashlib.blake2b(data, digest_size=16).digest())
    return None


def audits_markdown() -> str:
    """A Markdown table of the audit rules (rule id, severity, clause, query, what it checks)."""
    lines = ["| Rule | Severity | Clause | Query | Checks |", "|---|---|---|---|---|"]
    for audit in AUDITS:
        entry = audit.rule
        clause = entry.clause.removeprefix("ISO 14068-1:2023 ")
        lines.append(f"| `{audit.rule_id}` | {entry.severity} | {clause} | `{audit.query}` | {entry.name} |")
    return "\n".join(lines) + "\n"
