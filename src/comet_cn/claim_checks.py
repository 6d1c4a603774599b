"""Rules checked in Python on each claim (the catalogue's ``cnsh:EngineRule`` entries in shapes/engine-rules.ttl).

These are the checks SHACL cannot express well: that there is a claim at all (CN-INPUT-01) and every node written
as one is typed as one (CN-INPUT-03), that every term is known (CN-INPUT-02), and that credit units, read from
serial ranges, are counted once (CN-UNITS-01..03), and are not the units of the claim's own mitigation (CN-CRIT-01).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from heapq import heappop, heappush
from typing import Literal
from urllib.parse import unquote

from rdflib import Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from comet_cn.loading import JSONLD_BASE, PLAIN_DECIMAL, Loaded, turtle_base
from comet_cn.namespaces import CN, SCHEMA
from comet_cn.native_checks import INVISIBLE_CHARACTERS
from comet_cn.ontology_index import bundled_index
from comet_cn.reasoning import Closure
from comet_cn.results import Severity, ValidationResult, finding
from comet_cn.rules import CNSH
from comet_cn.serials import (
    SerialRange,
    contradicts,
    credit_range,
    find_overlaps,
    icr_serialization,
    icr_vintage,
    loose_reading,
    parse_serial,
    project_range,
    serial_reading,
    serial_vintage,
    serial_vintage_end,
    stated_range_problem,
    units_key,
    whole_serial_key,
)
from comet_cn.terms import COMET_NAMESPACES, UnknownTerm, bundled_terms, compact, describe, unknown_iris

__all__ = [
    "PARAMETERS",
    "UNITS_KEY",
    "Asserted",
    "UnknownTermsMode",
    "add_units_keys",
    "asserted_facts",
    "claim_only_properties",
    "claims_in",
    "credit_ranges",
    "drop_stated_parameters",
    "engine_findings",
    "normalised_serial",
    "stated_parameters_finding",
]

UnknownTermsMode = Literal["error", "warning"]


def claims_in(graph: Graph) -> tuple[Node, ...]:
    """The claims in ``graph`` (after reasoning, so bridged COMET and ISO-side types count), in a stable order."""
    return tuple(sorted(set(graph.subjects(RDF.type, CN.CarbonNeutralityClaim)), key=str))


@dataclass(frozen=True)
class Asserted:
    """What an input states itself, read before reasoning (which may add to the same graph)."""

    triples: int
    types: tuple[str, ...]
    unknown: tuple[UnknownTerm, ...]


def asserted_facts(loaded: Loaded) -> Asserted:
    """The facts the engine rules read from the asserted graph (its size, its types, its unknown terms)."""
    data = loaded.graph
    types = tuple(sorted({compact(str(t)) for t in data.objects(None, RDF.type) if isinstance(t, URIRef)}))
    return Asserted(len(data), types, (*loaded.unknown_terms, *unknown_iris(data, bundled_terms())))


def engine_findings(
    loaded: Loaded,
    closure: Closure,
    claims: tuple[Node, ...],
    *,
    source: str | None,
    unknown_terms: UnknownTermsMode = "error",
    asserted: Asserted | None = None,
) -> list[ValidationResult]:
    """Every finding of the engine rules on one input.

    :param asserted: the input's own facts, read before reasoning; needed when the closure was computed in the
        loaded graph itself (read from ``loaded`` otherwise).
    """
    if unknown_terms not in ("error", "warning"):
        raise ValueError("unknown_terms must be 'error' or 'warning'")
    facts = asserted if asserted is not None else asserted_facts(loaded)
    found = list(_no_claim(facts, claims, closure.mode, source))
    found.extend(_untyped_claims(closure.graph, claims, source))
    found.extend(_placeholders(closure.graph, source))
    severity = Severity.VIOLATION if unknown_terms == "error" else Severity.WARNING
    found.extend(_unknown_terms(facts, source, severity))
    found.extend(_units(closure.graph, claims, source))
    found.extend(_own_units_as_credits(closure.graph, claims, source))
    found.extend(_serial_vintages(closure.graph, claims, source))
    return found


# ---- CN-VINT-02 ----


def _serial_vintages(graph: Graph, claims: tuple[Node, ...], source: str | None) -> Iterator[ValidationResult]:
    """A credit whose stated vintageEndYear is not the vintage its registry serial names: CN-VINT-01 reads the
    stated year, so a 2012 credit stated as 2022 would pass the five-year rule on a year the registry contradicts."""
    retired = {
        credit
        for claim in claims
        for event in graph.objects(claim, CN.hasOffsettingEvent)
        for credit in graph.objects(event, CN.retiresCredit)
    }
    for credit in sorted(retired, key=str):
        serial = min(graph.objects(credit, CN.serialNumber), key=str, default=None)  # as credit_ranges reads it
        span = parse_serial(str(serial)) if serial is not None else None
        if span is not None:
            named, scheme = serial_vintage(span), span.scheme
        else:
            named, scheme = (icr_vintage(str(serial)) if serial is not None else None), "icr"
        if named is None:
            continue
        for stated in sorted({str(v) for v in graph.objects(credit, CN.vintageEndYear)}):
            year = stated.strip()[:4]
            if not year.isdigit() or int(year) == named:
                continue  # an ill-formed year is CN-VINT-01's finding
            yield finding(
                "CN-VINT-02",
                focus_node=describe(graph, credit),
                message=f"the credit states vintageEndYear {stated}, but its {scheme} serial number "
                f"{str(serial)!r} names vintage {named}; the registry's serial is the record, and the vintage rule "
                "(CN-VINT-01) would otherwise be checked on a year the registry contradicts.",
                path=str(CN.vintageEndYear),
                value=stated,
                source=source,
            )
        ended = serial_vintage_end(span) if span is not None else None
        if ended is not None:
            yield from _vintage_ended_too_early(graph, credit, str(serial), ended, source)
            yield from _retired_before_vintage_ended(graph, credit, str(serial), ended, source)


def _retired_before_vintage_ended(
    graph: Graph, credit: Node, serial: str, ended: date, source: str | None
) -> Iterator[ValidationResult]:
    """A credit retired before the last day of the vintage its Verra serial names: retired for mitigation that had
    not all happened yet (§11.2 ex-post, §11.1). CN-EXPOST-01's shape compares years, so a vintage of July 2024 to
    June 2025 retired in March 2025 passed (red team 97b)."""
    for event in sorted(graph.subjects(CN.retiresCredit, credit), key=str):
        for value in sorted(graph.objects(event, CN.retirementDate), key=str):
            retired = _plain_date(value)
            if retired is not None and retired < ended:
                yield finding(
                    "CN-EXPOST-01",
                    focus_node=describe(graph, credit),
                    message=f"the credit's Verra serial number {serial!r} names a vintage that ended on "
                    f"{ended.isoformat()}, after its retirement on {retired.isoformat()} by {describe(graph, event)}: "
                    "it was retired for mitigation that had not all happened yet; credits are ex-post (§11.2), "
                    "issued for mitigation that has occurred and then retired (§11.1).",
                    path=str(CN.serialNumber),
                    value=serial,
                    source=source,
                )


def _vintage_ended_too_early(
    graph: Graph, credit: Node, serial: str, ended: date, source: str | None
) -> Iterator[ValidationResult]:
    """A Verra serial's vintage that ended before the five-year limit, to the day: CN-VINT-01 compares years, so a
    vintage that ended in June 2019 passed for a fiscal year starting in October 2024 (limit 1 October 2019)."""
    parameters = CNSH.parameters
    if any(chosen != CN.vintageEndYear for chosen in graph.objects(parameters, CNSH.vintageProperty)):
        return  # the issuance year was chosen as the vintage: the serial's days are the mitigation's
    given = graph.objects(parameters, CNSH.vintageMaxAgeYears)
    stated = [age.toPython() for age in given if isinstance(age, RDFLiteral)]
    ages = sorted({age for age in stated if isinstance(age, int) and not isinstance(age, bool)} or {5})
    edges = [
        CN.reportingPeriodEnd if str(kind) == "end" else CN.reportingPeriodStart
        for kind in graph.objects(parameters, CNSH.vintageReference)
    ] or [CN.reportingPeriodStart]
    # The periods CN-VINT-01 measures against: the event's own and those of the claims relying on it.
    periods: set[Node] = set()
    for event in graph.subjects(CN.retiresCredit, credit):
        periods.update(graph.objects(event, CN.hasReportingPeriod))
        for claim in graph.subjects(CN.hasOffsettingEvent, event):
            periods.update(graph.objects(claim, CN.hasReportingPeriod))
    days = {_plain_date(value) for period in periods for edge in edges for value in graph.objects(period, edge)}
    for reference in sorted(day for day in days if day is not None):
        for age in ages:
            limit = _years_before(reference, age)
            if ended < limit:
                yield finding(
                    "CN-VINT-02",
                    focus_node=describe(graph, credit),
                    message=f"the credit's Verra serial number {serial!r} names a vintage that ended on "
                    f"{ended.isoformat()}, before {limit.isoformat()}, {age} years before {reference.isoformat()} (the "
                    "reference date of the claimed reporting period): the credit is older than CN-VINT-01 allows, "
                    "whatever year the credit states (§11.2).",
                    path=str(CN.serialNumber),
                    value=serial,
                    source=source,
                )


def _plain_date(value: Node) -> date | None:
    text = str(value)
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None  # a malformed or zoned date is the date rules' finding
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _years_before(day: date, years: int) -> date:
    """``day`` less ``years`` years, 29 February falling back to the 28th."""
    year = max(day.year - years, 1)
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


# ---- CN-INPUT-01 ----


def _no_claim(facts: Asserted, claims: tuple[Node, ...], mode: str, source: str | None) -> Iterator[ValidationResult]:
    if claims:
        return
    types = facts.types
    if not facts.triples:
        contents = "it holds no data in terms of the comet-cn vocabulary (it is empty, or uses only unknown terms)"
    elif not types:
        contents = f"it has {facts.triples} triple(s) but no typed node"
    else:
        shown = ", ".join(types[:12]) + (f" and {len(types) - 12} more" if len(types) > 12 else "")
        contents = f"it contains nodes of type {shown}"
    bridge = " (reasoning is off, so COMET and ISO-side types are not bridged)" if mode == "none" else ""
    yield finding(
        "CN-INPUT-01",
        focus_node=source or "<input>",
        message=f"the input holds no comet-cn:CarbonNeutralityClaim{bridge}, so there is no claim to check; "
        f"{contents}.",
        source=source,
    )


# ---- CN-INPUT-03 ----

# Types every node may have after reasoning; they say nothing of what the node is meant to be.
_GENERIC_TYPES = frozenset({OWL.Thing, OWL.NamedIndividual, RDFS.Resource})


@lru_cache(maxsize=1)
def claim_only_properties() -> frozenset[URIRef]:
    """The properties the ontology gives to claims alone (its schema:domainIncludes names CarbonNeutralityClaim and
    nothing else): a node that has one is written as a claim."""
    index = bundled_index()
    return frozenset(
        prop
        for prop in index.subjects(SCHEMA.domainIncludes, CN.CarbonNeutralityClaim)
        if index.objects(prop, SCHEMA.domainIncludes) == {CN.CarbonNeutralityClaim}
    )


@lru_cache(maxsize=1)
def _known_classes() -> frozenset[Node]:
    """Every class the ontology and its imports define."""
    index = bundled_index()
    return frozenset(
        node
        for kind in (OWL.Class, RDFS.Class)
        for node in index.subjects(RDF.type, kind)
        if node not in _GENERIC_TYPES
    )


def _untyped_claims(graph: Graph, claims: tuple[Node, ...], source: str | None) -> Iterator[ValidationResult]:
    """A node written as a claim (a property the ontology gives claims alone) that is typed as nothing the ontology
    knows: no shape targets it, so beside a typed claim it would ride on that claim's verdict, using its credits
    again. ``claimedBy`` alone does not make a claim: reasoning infers it of every claim an entity lists with
    ``hasClaim``, and an entity may list its claims of other periods, held in other files. A node of a known type
    (a report listing its reductions) is that type's concern."""
    if not claims:
        return  # CN-INPUT-01: the input holds no claim at all, and its finding lists the types it has
    typed = set(claims)
    known = _known_classes()
    used: defaultdict[Node, set[str]] = defaultdict(set)
    for prop in claim_only_properties():
        for node in graph.subjects(prop, None):
            if node not in typed:
                used[node].add(compact(str(prop)))
    for node in sorted(used, key=str):
        if used[node] <= {compact(str(CN.claimedBy))}:
            continue
        types = {t for t in graph.objects(node, RDF.type) if isinstance(t, URIRef) and t not in _GENERIC_TYPES}
        if types & known:
            continue
        shown = sorted(compact(str(t)) for t in types)
        said = f"its types: {', '.join(shown)}" if shown else "it has no type"
        yield finding(
            "CN-INPUT-03",
            focus_node=describe(graph, node),
            message=f"the node is written as a carbon-neutrality claim ({', '.join(sorted(used[node]))}) but is not "
            f"typed comet-cn:CarbonNeutralityClaim ({said}), so no rule checks it and the input's verdict would "
            "cover it unchecked.",
            value=", ".join(shown) or None,
            source=source,
        )


# ---- CN-INPUT-04 ----

#: The texts the rules require, each with the rule that reads it: a placeholder there satisfies "not blank".
_REQUIRED_TEXTS = {
    CN.scienceBasedReference: "CN-PATH-03",
    CN.verifiedBy: "CN-CLAIM-06",
    CN.functionalUnit: "CN-PROD-02",
    CN.declaredUnit: "CN-PROD-02",
    CN.partialSystemRationale: "CN-PROD-03",
    CN.reportingPeriodRationale: "CN-EVENT-05",
    CN.serialNumber: "CN-REG-01",
    CN.evidenceLocation: "CN-EVID-01",
    CN.assetClass: "CN-FI-01",
    CN.dataQualityAssessment: "CN-FI-03",
    # Not required (a warning when missing), but a placeholder pretends to name who delivers the plan.
    CN.responsibleForDelivery: "CN-PLAN-W01",
}
#: The required texts that are prose, read as placeholders only as a whole ("TBD"), not for a phrase in them.
_PROSE = frozenset({CN.partialSystemRationale, CN.reportingPeriodRationale, CN.dataQualityAssessment})
#: The properties whose value, when a node, names a party by its names: a placeholder name names no one.
_NAMED_PARTIES = {
    CN.verifiedBy: "CN-CLAIM-06",
    CN.responsibleForDelivery: "CN-PLAN-W01",
    CN.claimedBy: "CN-CLAIM-04",
    CN.hasSubject: "CN-CLAIM-03",
    CN.inRegistry: "CN-REG-01",
    CN.retiredOnBehalfOf: "CN-RET-02",
}
#: The properties that name a node (a verifier given as a node, CN-CLAIM-06).
_NAMES = (
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SCHEMA.name,
    URIRef("https://schema.org/name"),
    SCHEMA.legalName,
    URIRef("https://schema.org/legalName"),
    FOAF.name,
    DCTERMS.title,
)
#: What a form says when it has no answer yet. Compared by its letters and digits alone, without case ("N/A", "n.a.",
#: "not-applicable", "[TBD]"); a text with no letter or digit ("-", "?", "…"), a mask of x's, a form's prompt in
#: brackets and a placeholder followed by a note ("TBD (to be appointed)") are ones too.
_PLACEHOLDERS = frozenset(
    {
        "na",
        "notapplicable",
        "notavailable",
        "tbd",
        "tba",
        "tbc",
        "todo",
        "tobedetermined",
        "tobeconfirmed",
        "none",
        "unknown",
        "null",
        "nil",
        "nan",
        "xxx",
        "xx",
        "x",
        "placeholder",
        "pending",
        "ka",  # German "k. A." (keine Angabe)
        "keineangabe",
        "nv",  # German "n. v." (nicht verfügbar)
        "nn",  # "N. N." (nomen nescio), a name not yet known
        "tofollow",
        "linktofollow",
        "comingsoon",
        "notyetknown",
        "notyetavailable",
        "notyetverified",
        "notyetappointed",
        "notyet",
        "pendingappointment",
        "pendingselection",
        "pendingconfirmation",
        "select",  # a form's drop-down left at "-- Select --"
        "pleaseselect",
        "selectone",
        "loremipsum",
        "http",  # a link with no address: "https://", "http://www."
        "https",
        "httpwww",
        "httpswww",
        "www",
        # "Not applicable", "to be defined" in the languages claims are written in (NFKC first: "ＴＢＤ" is "TBD").
        "nvt",
        "nietvantoepassing",
        "entfällt",
        "entfaellt",
        "nichtzutreffend",
        "nichtanwendbar",
        "noaplica",
        "noaplicable",
        "sansobjet",
        "nonapplicable",
        "àdéfinir",
        "adefinir",
        "待定",
        "不适用",
        "redacted",
        "onrequest",
        "uponrequest",
        "availableonrequest",
        "àconfirmer",
        "aconfirmer",
        "porconfirmar",
        "dadefinire",
        "ntb",  # Dutch "n.t.b." (nog te bepalen)
        "nd",  # "N/D": no data, non disponible
        "nochoffen",
        "wirdnachgereicht",
        "未定",
        "該当なし",
        "withheld",
        "seebelow",
        "seeabove",
        "seeattached",
    }
)


#: Characters that show nothing: white space, soft hyphens, zero-width spaces and joiners, bidi controls, the BOM.
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]+")  # the class "not blank" excludes in every shape
#: Where a placeholder's note starts: "TBD (to be appointed)", "N/A - not yet verified", "TBD: pending".
_NOTE = re.compile(r"\s*[(\[]|\s[-\u2013\u2014:]\s|:\s|,\s")


def _visible(text: str) -> bool:
    return bool(_INVISIBLE.sub("", text))


#: "To be appointed", "Not yet published": a thing promised, not given (by their letters, as _PLACEHOLDERS).
_PROMISED = re.compile(
    r"(tobe|notyet|yetto(be)?|willbe)(appointed|announced|decided|defined|named|provided|added|agreed|assigned|completed"
    r"|determined|confirmed|known|available|verified|selected|published|issued|updated|supplied|advised)"
)


#: A promise or a template's filler anywhere in the text ("Verifier to be appointed in Q3 2025", "Lorem ipsum
#: dolor"): no name says that.
_PROMISED_WORDS = re.compile(
    r"\b(?:(?:yet\s+)?to\s+be|not\s+yet)\s+(?:appointed|announced|decided|defined|named|selected|confirmed|determined"
    r"|nominated|identified)\b"
    r"|\blorem\s+ipsum\b",
    re.IGNORECASE,
)
#: Placeholders of a name, a reference, a serial or a location, not of prose (a rationale may say "pending the
#: merger", "upon request of the verifier" or "next review TBA"): a promise ("will be provided", "will be shared
#: later"), a form's instruction ("Insert reference here", "Insert pathway reference"), a placeholder after what it
#: stands for or beside it ("Reference TBD", "SBTi validation TBD in Q3", "TBD verifier"), or one with its condition
#: ("TBD after tender", "Pending the tender"; "TBD Logistics Ltd" is a name).
_PLACEHOLDER_PHRASES = re.compile(
    r"\bwill\s+be\s+(?:provided|appointed|announced|named|selected|confirmed|determined|added|published|supplied"
    r"|shared|sent|nominated|identified)\b"
    r"|^(?:insert|enter|fill\s+in)\s+(?:\w+\s+){0,3}?(?:the|your|a|an|names?|references?|dates?|links?|url|text|values?"
    r"|details|verifiers?|here)\b"
    r"|(?<=\w)\s+(?:tbd|tbc|tba)\b"
    r"|^(?:tbd|tba|tbc|to\s*do|pending)\b[\s.:;,-]*(?:after|upon|on|once|following|pending|when|by|in|until|before"
    r"|at|the|tender|appointment|selection|confirmation|procurement|verifier|verification|body|auditor|reference"
    r"|name|company|pathway)\b",
    re.IGNORECASE,
)
#: A template engine's field left unfilled: "{{verifier_name}}", "<<Verifier name>>", "[[name]]", "${verifier}".
_TEMPLATE_FIELD = re.compile(r"\{\{.*\}\}|<<.*>>|\[\[.*\]\]|\$\{.*\}")


def _says_nothing(text: str) -> bool:
    """No letter or digit ("-", "…", "()"), a placeholder word by its letters and digits ("[TBD]", "k.A.", "N.N.",
    "To be appointed"), or a mask of x's ("XXXX-XXXX")."""
    letters = "".join(character for character in text if character.isalnum()).casefold()
    return (
        not letters or letters in _PLACEHOLDERS or set(letters) in ({"x"}, {"0"}) or bool(_PROMISED.fullmatch(letters))
    )


#: What a form's prompt in square brackets or parentheses asks for ("[Name of verification body]", "[insert date]",
#: "[URL]"); a citation ("[SBTi Corporate Net-Zero Standard]", "[IEA Net Zero Roadmap — Reference scenario]") names
#: a thing.
_PROMPT_WORDS = re.compile(
    r"\b(names?|insert|enter|add|your|verifier|verification body|auditor|date|here|link|url|e\.g|placeholder"
    r"|describe|specify|fill|select|choose|tbd|tba|tbc|xxx|to be)\b",
    re.IGNORECASE,
)
#: A URI written in angle brackets: a scheme and what follows ("<https://…>", "<urn:isbn:…>", "<doi:10.…>").
_BRACKETED_URI = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]+>")


#: The placeholders that still say nothing with a note after them ("TBD (to be appointed)", "N/A - not yet
#: verified", "TBD.pdf"). Short codes are left out: "NN (Nordic Nemko) Certification", "KA - Kiwa Assurance" and
#: "X, Y & Z Verifiers" are names.
_NOTED_PLACEHOLDERS = frozenset(
    {"tbd", "tba", "tbc", "todo", "none", "unknown", "pending", "null", "nil", "placeholder", "notapplicable",
     "notavailable", "tobedetermined", "tobeconfirmed", "notyetknown", "notyetavailable", "tofollow", "comingsoon",
     "redacted", "withheld"}
)  # fmt: skip


@lru_cache(maxsize=4096)  # the same texts recur (evidence locations, names): a few regex passes each otherwise
def _placeholder(text: str, prose: bool = False) -> bool:
    """Whether ``text`` is a form's placeholder; ``prose`` (a rationale) is read only as a whole, not for phrases."""
    # NFKC: full-width and other compatibility forms are read as the letters they show ("ＴＢＤ", "Ｎ/Ａ").
    bare = unicodedata.normalize("NFKC", _INVISIBLE.sub(" ", text)).strip()
    if not bare:
        return False  # blank: the rule that reads the text says it is missing
    if _says_nothing(bare) or _TEMPLATE_FIELD.fullmatch(bare) or _PROMISED_WORDS.search(bare):
        return True
    if not prose and _PLACEHOLDER_PHRASES.search(bare):
        return True
    # A label before the placeholder ("Verifier: TBD", "Name - N/A").
    tail = re.split(r":\s+|\s[-\u2013\u2014]\s", bare)[-1]
    # Not a number after a number: "…-31122022 - 0" is a serial copied with spaces around its last hyphen (Verra's
    # flag 0), not a label and a zero (red team 97b).
    after_number = tail.isdigit() and re.search(r"[0-9]\s*[-\u2013\u2014:]\s*[0-9]+$", bare) is not None
    if tail != bare and _says_nothing(tail) and not after_number:
        return True
    # A form's prompt left in its brackets: one group in angle or curly brackets ("<verifier>", "{name}"), not a URI
    # written in them ("<https://…>", "<urn:isbn:…>"); in square brackets, one that asks for something and cites no
    # number ("[Name of verification body]", not "[SBTi Corporate Net-Zero Standard, v1.1, 2023]"). A text with
    # citations ("[1] SBTi … [p. 21]") is not one group.
    asks = bare[0] in "<{" or (_PROMPT_WORDS.search(bare) is not None and not any(c.isdigit() for c in bare))
    if asks and re.fullmatch(r"[\[<{(][^\[\]<>{}()]*[\]>})]", bare) and not _BRACKETED_URI.fullmatch(bare):
        return True
    # A placeholder followed by a note, or named as a file: the text before the note, without a file name's
    # extension, is one of the placeholders that say nothing whatever follows ("N/A" only written so).
    head = _NOTE.split(bare, maxsplit=1)[0]
    head = re.sub(r"\.[A-Za-z0-9]{2,4}$", "", head)
    if head == bare or not head:
        return False
    letters = "".join(character for character in head if character.isalnum()).casefold()
    return (
        letters in _NOTED_PLACEHOLDERS
        or bool(_PROMISED.fullmatch(letters))
        or (letters == "na" and bool(re.search(r"[/.]", head)))
    )


#: A serial with a part masked or left to fill in ("EXR-2022-WIND-XXXXXX-XXXXXX", "VCS-1234-TBD"): it names no units.
_SERIAL_PLACEHOLDER = re.compile(
    r"(?:^|[-/ ._:])(?:tbd|tbc|tba|n/a|pending|n{4,})(?:$|[-/ ._:])|[xX]{4,}(?:$|[-/ ._:])|[*?#]{2,}",
    re.IGNORECASE,
)


def _masked_serial(text: str) -> bool:
    return bool(_SERIAL_PLACEHOLDER.search(unicodedata.normalize("NFKC", text)))


#: Where evidence is kept that only its writer can open: a file on a computer, localhost, a blank page.
_LOCAL_LOCATION = re.compile(
    r"^\s*(?:file:|about:blank|data:|smb:|afp:|nfs:|~/|/(?:home|users|mnt|tmp|var|private|media)/|//(?!www\.)"
    r"|https?://(?:localhost(?:\.localdomain)?|127\.\d+\.\d+\.\d+|0\.0\.0\.0|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+"
    r"|172\.(?:1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\])(?:[:/]|$)|[A-Za-z]:[\\/]|\\\\)",
    re.IGNORECASE,
)


def _written(value: Node, graph: Graph | None = None) -> str:
    """A literal's text; for a reference written as a relative IRI (``"verifiedBy": "N/A"`` reads as an IRI), what
    was written; anything else (a node ``graph`` names, whose names are read instead), nothing to compare."""
    if isinstance(value, RDFLiteral):
        return str(value)
    if isinstance(value, URIRef):
        if graph is not None and _named(graph, value):
            return ""  # a party with a name ("http://example.org/verifiers/na", "NA Assurance Ltd") is that name
        text = str(value)
        for base in _relative_bases():
            if text.startswith(base):
                # Percent-decoded: "To%20be%20determined" (a space written in an IRI) is the placeholder it shows.
                return unquote(text[len(base) :])
    return ""


def _relative_bases() -> tuple[str, ...]:
    """What a relative reference is resolved against: the JSON-LD base (and its root, for "/TBD" or "../TBD"), and
    the folder a Turtle claim without @base is read in (<TBD>)."""
    root = re.sub(r"^([a-z][a-z0-9+.-]*://[^/]*/).*$", r"\1", JSONLD_BASE, flags=re.IGNORECASE)
    return tuple(dict.fromkeys((JSONLD_BASE, root, turtle_base())))


def _named(graph: Graph, node: Node) -> bool:
    return any(True for by in _NAMES for _ in graph.objects(node, by))


#: What the last segment of an absolute IRI must say, letters only, to be a placeholder (``ex:TBD``, or "TBD" under
#: the claim's own @base). Only these: a short code ("na", "nn", "NIL", "NV") is a country, a language or a unit
#: there, not "not applicable".
_TAIL_PLACEHOLDERS = frozenset(
    {"tbd", "tbc", "tba", "tobedetermined", "tobeconfirmed", "tobeannounced", "tobedefined", "todo", "placeholder"}
)


def _iri_tail(graph: Graph, value: URIRef) -> str:
    """The fragment or last path segment of an absolute IRI nothing describes, percent-decoded, when it is one of
    :data:`_TAIL_PLACEHOLDERS`; otherwise (a vocabulary term, a described node, any other segment) nothing."""
    text = str(value)
    if text.startswith(COMET_NAMESPACES) or not re.match(r"(?i)(https?|file):", text):
        return ""
    if any(True for _ in graph.predicate_objects(value)):
        return ""  # a node the claim describes (typed, named in any vocabulary): it is read as a node
    tail = unquote(text.rsplit("#", 1)[-1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1])
    letters = "".join(character for character in tail if character.isalnum()).casefold()
    return tail if letters in _TAIL_PLACEHOLDERS else ""


def _last_segment(written: str) -> str:
    """The last segment of a relative reference ("verifier/TBD" names "TBD"), or the reference itself."""
    return written.rstrip("/").rsplit("/", 1)[-1] if "/" in written.rstrip("/") else written


def _placeholders(graph: Graph, source: str | None) -> Iterator[ValidationResult]:
    """A text a rule requires, given as a placeholder ("N/A", "TBD", "none", "-"): it passes a check that the text
    is not blank, but says nothing (a pathway "based on" "N/A", a claim verified by "TBD")."""
    for prop, reader in _REQUIRED_TEXTS.items():
        # Compared once a property, not once a value (an attribute of the namespace is a call each time).
        location, serial, prose = prop == CN.evidenceLocation, prop == CN.serialNumber, prop in _PROSE
        for node, value in graph.subject_objects(prop):
            written = _written(value, graph) or (str(value) if location else "")
            relative = not location and isinstance(value, URIRef) and bool(written)
            segment = _last_segment(written) if relative else written
            if not written and not location and isinstance(value, URIRef):
                written = segment = _iri_tail(graph, value)
            if (
                _placeholder(written, prose)
                or (segment != written and _placeholder(segment))
                or (serial and _masked_serial(written))
            ):
                what = "a placeholder that says nothing"
            elif location and _LOCAL_LOCATION.search(unicodedata.normalize("NFKC", written)):
                what = "a place on one computer (a local file, localhost, about:blank), which no reader can open"
            else:
                continue
            yield finding(
                "CN-INPUT-04",
                focus_node=describe(graph, node),
                message=f"{compact(str(prop))} is {written!r}, {what}: the rule that reads it ({reader}) needs the "
                "actual text.",
                path=str(prop),
                value=str(value),
                source=source,
            )
    # A list as a comet-cn value: an empty one ({"@list": []}, rdf:nil) names nothing, yet it is an IRI, so a check
    # that a verifier, a science-based reference or a responsible body is given passes on it; a non-empty one is one
    # node, its head, which every rule reads without finding what it looks for, or saying why.
    empty = "is an empty list, which names nothing: give the value itself (or leave the property out)."
    ordered = "is given as an ordered list (@list), which the rules read as one node, not as its members: give the "
    ordered += "values as a set: a plain JSON array (in Turtle, objects separated by commas, not in parentheses)."
    heads = [(RDF.nil, empty)] + [(head, ordered) for head in sorted(set(graph.subjects(RDF.first, None)), key=str)]
    for head, what in heads:
        for holder, link in sorted(set(graph.subject_predicates(head)), key=str):
            if isinstance(link, URIRef) and str(link).startswith(str(CN)):
                yield finding(
                    "CN-INPUT-04",
                    focus_node=describe(graph, holder),
                    message=f"{compact(str(link))} {what}",
                    path=str(link),
                    value=str(RDF.nil) if head == RDF.nil else None,
                    source=source,
                )
    # A verifier (or the plan's responsible body) given as a node names someone only by its names: every name a
    # placeholder names no one.
    for prop, reader in _NAMED_PARTIES.items():
        for node, party in graph.subject_objects(prop):
            if isinstance(party, RDFLiteral) or _written(party, graph):
                continue
            names = [name for by in _NAMES for name in graph.objects(party, by) if isinstance(name, RDFLiteral)]
            # A blank name is no name: "TBD" beside an empty second label still names no one.
            if names and all(_placeholder(str(name)) or not _visible(str(name)) for name in names):
                yield finding(
                    "CN-INPUT-04",
                    focus_node=describe(graph, node),
                    message=f"{compact(str(prop))} {describe(graph, party)} is named {str(names[0])!r}, a placeholder "
                    f"that says nothing: the rule that reads it ({reader}) needs to know who it is.",
                    path=str(prop),
                    value=str(names[0]),
                    source=source,
                )


# ---- CN-INPUT-02 ----


def _unknown_terms(facts: Asserted, source: str | None, severity: Severity) -> Iterator[ValidationResult]:
    for term in facts.unknown:
        yield finding(
            "CN-INPUT-02",
            focus_node=term.node,
            message=term.message(),
            value=term.term,
            path=term.where[0] if term.where else None,
            source=source,
            severity=severity,
        )


# ---- CN-UNITS-01..03 ----


def credit_ranges(graph: Graph, credit: Node) -> tuple[SerialRange | None, str | None]:
    """The unit range of a credit block (stated explicitly, else read from its serial) and its serial text.

    A stated range with more than one value for a field is not used (:func:`stated_range_problem` reports it), and
    of several serials the smallest is read: ``graph.value`` would pick one by the store's order, and the verdict
    must not depend on it.
    """
    serial = min(graph.objects(credit, CN.serialNumber), key=str, default=None)
    block, first, last = (values[0] if len(values) == 1 else None for values in _stated_range(graph, credit))
    return credit_range(serial, block, first, last)


def _stated_range(graph: Graph, credit: Node) -> list[list[Node]]:
    """Every value the credit states for issuanceBlock, firstUnit and lastUnit (the one reading of both uses)."""
    return [list(graph.objects(credit, field)) for field in (CN.issuanceBlock, CN.firstUnit, CN.lastUnit)]


def stated_range_findings(graph: Graph, credit: Node, source: str | None) -> Iterator[ValidationResult]:
    """CN-UNITS-02 for a credit block whose explicit range cannot be read (missing a field, two values, not whole
    numbers, written backwards): its size and units are unknown, and reading its serial instead would let the
    claim choose which units it counts."""
    problem = stated_range_problem(*_stated_range(graph, credit))
    if problem is not None:
        yield finding(
            "CN-UNITS-02",
            focus_node=describe(graph, credit),
            message=f"the credit block's stated unit range cannot be read: {problem}; state issuanceBlock, "
            "firstUnit and lastUnit once each, as the registry shows the retired units (firstUnit no greater than "
            "lastUnit), or leave all three out so that the serial number is read.",
            path=str(CN.firstUnit),
            source=source,
        )


def normalised_serial(serial: str) -> str:
    """A serial as registries compare it, whole: see :func:`comet_cn.serials.whole_serial_key`."""
    return whole_serial_key(serial)


#: One use of a credit block: (owner, credit), the owner a claim, or an offsetting event that no claim links.
_Use = tuple[Node, Node]


def _units(graph: Graph, claims: tuple[Node, ...], source: str | None) -> Iterator[ValidationResult]:
    # Every (claim, credit) use in the input: a credit is used once (§11.1), within a claim and across the claims
    # of one input alike, so two claims of one file cannot both count one retirement.
    uses: list[_Use] = []
    # The offsetting events through which each use retires its credit, to name them in findings.
    via: dict[_Use, list[Node]] = {}
    linked: set[Node] = set()
    for claim in claims:
        events = sorted(set(graph.objects(claim, CN.hasOffsettingEvent)), key=str)
        linked.update(events)
        retired_by: dict[Node, list[Node]] = defaultdict(list)
        for event in events:
            for credit in set(graph.objects(event, CN.retiresCredit)):
                retired_by[credit].append(event)
        for credit in sorted(retired_by, key=str):
            uses.append((claim, credit))
            via[(claim, credit)] = retired_by[credit]
            if len(retired_by[credit]) > 1:
                name = describe(graph, credit)
                names = " and ".join(describe(graph, e) for e in sorted(retired_by[credit], key=str))
                yield finding(
                    "CN-UNITS-01",
                    focus_node=name,
                    message=f"the credit block {name} is retired by {len(retired_by[credit])} offsetting events of "
                    f"the claim ({names}), so its units would count more than once.",
                    path=str(CN.retiresCredit),
                    source=source,
                )
    if not uses:
        return
    claim_uses = list(uses)
    # An offsetting event that no claim links still retires its units, for another party or for no claim of the
    # input: units a claim uses must not be retired there too (§11.1: not credits already used by another party;
    # §11.3 g: a serial is retired once). Such uses are compared with the claims' uses, never with one another.
    for event in sorted(set(graph.subjects(CN.retiresCredit, None)) - linked, key=str):
        for credit in sorted(set(graph.objects(event, CN.retiresCredit)), key=str):
            uses.append((event, credit))
            via[(event, credit)] = [event]
    owners = frozenset(claims)
    yield from _shared_credits(graph, uses, owners, via, source)
    spans: dict[Node, SerialRange] = {}
    serials: dict[Node, str] = {}
    keys: dict[Node, str] = {}
    # A serial that reads as other units than the credit's explicit range: its reading is swept for overlaps
    # too, so an explicit range cannot hide the serial's units from a second retirement of them.
    read_too: dict[Node, SerialRange] = {}
    claimed_credits = {credit for _, credit in claim_uses}
    for credit in sorted({credit for _, credit in uses}, key=str):
        span, serial = credit_ranges(graph, credit)
        if serial is not None:
            serials[credit] = serial
        key = units_key(span, serial)
        if key is not None:
            keys[credit] = key
        read = serial_reading(graph.value(credit, CN.serialNumber), span)
        if span is not None:
            spans[credit] = span
        if read is not None:
            read_too[credit] = read
        if credit not in claimed_credits:
            continue  # another party's block: its size and format are not this claim's findings
        unreadable = list(stated_range_findings(graph, credit, source))
        yield from unreadable
        if span is not None and read is not None and contradicts(read, span):
            yield _disagreement(graph, credit, span, read, serial, source)
        elif span is not None:
            yield from _tonnes(graph, credit, span, source)
        elif serial is not None and not unreadable:
            name = describe(graph, credit)
            yield finding(
                "CN-UNITS-03",
                focus_node=name,
                message=f"the serial number {serial!r} is in no format comet-cn reads, so it is compared as a "
                "whole string, and by its last two numbers only with credits of a batch it names; its unit range "
                "should be stated with issuanceBlock, firstUnit and lastUnit.",
                path=str(CN.serialNumber),
                value=serial,
                source=source,
                severity=Severity.WARNING,
            )
    reported: set[frozenset[Node]] = set()
    pairs: list[tuple[_Use, _Use, str]] = []
    # Ranges sharing units; then credits with one units key where one of them has no range (the same units
    # written so that no grammar reads them, e.g. unpadded), which the sweep cannot see.
    ranged = [(use, spans[use[1]]) for use in uses if use[1] in spans]
    ranged += [(use, read_too[use[1]]) for use in uses if use[1] in read_too]
    # An unpadded serial of a batch that another credit names readably: its numbers are compared with that batch's
    # ranges (a loose reading, so only there), since two credits of one batch may hold the same units.
    readable = {span.block for _, span in ranged}
    for use in uses:
        if use[1] not in spans:
            loose = loose_reading(serials.get(use[1]))
            if loose is not None and loose.block in readable:
                ranged.append((use, loose))
    # Each item is keyed by (use, range swept, range as read). Verra numbers units registry-wide, so a CAD Trust
    # record of a Verra project is swept with that project's Verra ranges too, whatever the two block keys.
    items = [((use, span, span), span) for use, span in ranged]
    items += [((use, bridge, span), bridge) for use, span in ranged if (bridge := project_range(span)) is not None]
    for (first, swept, read_a), (second, _, read_b), (low, high) in find_overlaps(items):
        if swept is not read_a and _cad_trust(read_a) == _cad_trust(read_b):
            continue  # a project's key compares CAD Trust with Verra only: a Verra block's own numbering may differ
        pairs.append((first, second, _units_text(swept.block, low, high)))
    by_key: dict[str, list[_Use]] = defaultdict(list)
    for use in uses:
        if use[1] in keys:
            by_key[keys[use[1]]].append(use)
    for key, group in sorted(by_key.items()):
        parts = key.split(" ")
        what = _units_text(parts[0], int(parts[1]), int(parts[2])) if len(parts) == 3 else f"the units of {key!r}"
        per_owner: dict[Node, list[_Use]] = defaultdict(list)
        for use in group:
            per_owner[use[0]].append(use)
        # Each use against its owner's first, and each owner's first against the group's: linear in the group.
        # The claims' uses come first in ``uses``, so the group's first is a claim's whenever a claim has one.
        candidates = [(same[0], other) for same in per_owner.values() for other in same[1:]]
        candidates += [(group[0], same[0]) for same in per_owner.values() if same[0] is not group[0]]
        for first, other in candidates:
            if not (first[1] in spans and other[1] in spans):  # two ranges: find_overlaps has the pair
                pairs.append((first, other, what))

    def order(pair: tuple[_Use, _Use, str]) -> int:
        (owner_a, _), (owner_b, _), _ = pair
        return 0 if owner_a == owner_b else 1 if owner_a in owners and owner_b in owners else 2

    # Within a claim first, so a pair of blocks used by two claims is named once, as the claim's own double count;
    # then across claims; then against events no claim links.
    pairs.sort(key=order)
    for use_a, use_b, what in pairs:
        if use_a[0] not in owners and use_b[0] not in owners:
            continue  # two retirements no claim counts: not this input's claims' double count
        if use_b[0] in owners and use_a[0] not in owners:
            use_a, use_b = use_b, use_a  # the claim's block first; the focus is the block the claim must replace
        (claim_a, credit_a), (owner_b, credit_b) = use_a, use_b
        pair = frozenset((credit_a, credit_b))
        if credit_a == credit_b or pair in reported:
            continue  # one block used by two claims, or by a claim and another event, is _shared_credits' finding
        reported.add(pair)
        name_a, name_b = describe(graph, credit_a), describe(graph, credit_b)
        serial_a, serial_b = serials.get(credit_a, "?"), serials.get(credit_b, "?")
        if owner_b not in owners:
            yield finding(
                "CN-UNITS-01",
                focus_node=name_a,
                message=f"{what} are retired twice: by {name_a} (serial {serial_a}) "
                f"{_retired_in(graph, use_a, owners, via)}, and by {name_b} (serial {serial_b}) "
                f"{_retired_in(graph, use_b, owners, via)}; a credit is used once and not when already used by "
                "another party, so the claim cannot count them.",
                path=str(CN.serialNumber),
                value=serials.get(credit_a),
                source=source,
            )
            continue
        where = (
            ""
            if claim_a == owner_b
            else f" for claims {describe(graph, claim_a)} and {describe(graph, owner_b)} of one input"
        )
        yield finding(
            "CN-UNITS-01",
            focus_node=name_b,
            message=f"{what} are retired by both {name_a} (serial {serial_a}) and {name_b} "
            f"(serial {serial_b}){where}, so they would count twice.",
            path=str(CN.serialNumber),
            value=serials.get(credit_b),
            source=source,
        )


# ---- CN-CRIT-01, by registry units ----


@dataclass(frozen=True)
class _Units:
    """The units a node's registry record names: its ranges (stated, and the serial's own reading) and its key."""

    spans: tuple[SerialRange, ...]
    key: str | None
    serial: str | None


def _units_of(graph: Graph, node: Node) -> _Units | None:
    span, serial = credit_ranges(graph, node)
    spans = tuple(s for s in (span, serial_reading(graph.value(node, CN.serialNumber), span)) if s is not None)
    key = units_key(span, serial)
    return _Units(spans, key, serial) if spans or key is not None else None


def _own_units(graph: Graph, node: Node) -> list[_Units]:
    """Every registry record of the claim's own mitigation: its stated range or first serial, then each other serial
    it gives (a project's units issued in two batches; red team 99a: only the first serial was compared, so the
    second batch sold, or retired again, passed). A credit block has one serial (CN-REG-01)."""
    first = _units_of(graph, node)
    found = [first] if first is not None else []
    for serial in sorted({str(value) for value in graph.objects(node, CN.serialNumber)}):
        if first is not None and serial == first.serial:
            continue
        span = parse_serial(serial)
        key = units_key(span, serial)
        if span is not None or key is not None:
            found.append(_Units((span,) if span is not None else (), key, serial))
    return found


def _shared_units(a: _Units, b: _Units) -> str | None:
    """The units two registry records both name, as words, or None: ranges of one block that intersect (of one
    Verra project, for a CAD Trust record against a Verra one, as CN-UNITS-01 reads them), or one units key."""
    for one in a.spans:
        for other in b.spans:
            if one.block == other.block and one.first <= other.last and other.first <= one.last:
                return _units_text(one.block, max(one.first, other.first), min(one.last, other.last))
            bridge_a, bridge_b = project_range(one), project_range(other)
            if (
                bridge_a is not None
                and bridge_b is not None
                and bridge_a.block == bridge_b.block
                and _cad_trust(one) != _cad_trust(other)
                and one.first <= other.last
                and other.first <= one.last
            ):
                return _units_text(bridge_a.block, max(one.first, other.first), min(one.last, other.last))
    if a.key is not None and a.key == b.key:
        return f"the units of {a.serial!r}" if a.serial is not None else f"the units of {a.key!r}"
    return None


def _own_mitigation(graph: Graph, claim: Node) -> Iterator[tuple[Node, str]]:
    """The claim's own mitigation (CreditFromOutsideShape's three kinds), with its kind in words."""
    for reduction in sorted(set(graph.objects(claim, CN.hasEmissionReduction)), key=str):
        yield reduction, "emission reduction"
    for enhancement in sorted(set(graph.objects(claim, CN.hasRemovalEnhancement)), key=str):
        yield enhancement, "removal enhancement"
    for footprint in sorted(set(graph.objects(claim, CN.hasCarbonFootprint)), key=str):
        for removal in sorted(set(graph.objects(footprint, CN.hasRemoval)), key=str):
            yield removal, "footprint removal"


def _own_units_as_credits(graph: Graph, claims: tuple[Node, ...], source: str | None) -> Iterator[ValidationResult]:
    """The claim's own reductions, removal enhancements and footprint removals whose registry serial (or stated
    range) names units that a credit block retires: CN-CRIT-01's two shapes compare nodes, so a credit block
    written as a node of its own, with the same serial, escaped them (red team 98b).

    Retired in the claim's own offsetting event, the tonnes lower the footprint and offset it again (§3.3.2 Note 3,
    §11.1); retired on behalf of another party, in an event the claim does not link, they were sold and do not count
    for the subject (§8.1). An event retiring them for the claimant is the subject cancelling its own project's
    units, which CN-CRIT-01 allows (OwnMitigationIsCreditShape's known limit); one naming no beneficiary fails (who
    holds the tonnes is unknown), and one that another claim of the input offsets with fails whoever it names.
    """
    retired: _RetiredUnits | None = None
    for claim in claims:
        mitigation = list(_own_mitigation(graph, claim))
        events = set(graph.objects(claim, CN.hasOffsettingEvent))
        claimants = _parties_of(graph, claim)
        # The node itself retired in an event the claim does not link: OwnMitigationSoldAsCreditShape's finding
        # when the event names another party; this one's when it names no one, or when another claim of the input
        # offsets with it.
        for node, kind in mitigation:
            for event in sorted(set(graph.subjects(CN.retiresCredit, node)) - events, key=str):
                serial = min((str(value) for value in graph.objects(node, CN.serialNumber)), default=None)
                buyers = _beneficiaries(graph, event, claimants)
                users = sorted(set(graph.subjects(CN.hasOffsettingEvent, event)), key=str)
                if users and not buyers:
                    yield _offsets_another_claim(graph, claim, node, kind, serial, event, users, "", source)
                elif buyers is None:
                    yield _retired_for_no_one(graph, claim, node, kind, serial, event, "", source)
        for node, kind in mitigation:
            yield from _unreadable_own_units(graph, node, kind, source)
        own = [(node, kind, units) for node, kind in mitigation for units in _own_units(graph, node)]
        if not own:
            continue  # the usual claim: its mitigation names no registry units
        if retired is None:
            retired = _RetiredUnits(graph)
        reported: set[tuple[Node, Node, Node]] = set()
        sharing = retired.sharing([units for _, _, units in own])
        for (node, kind, units), positions in zip(own, sharing, strict=True):
            for event, credit, held in (retired.entries[position] for position in sorted(positions)):
                if credit == node:
                    continue  # the node itself retired: the shapes' finding, or the one above
                shared = _shared_units(units, held)
                if shared is None or (node, credit, event) in reported:
                    continue
                reported.add((node, credit, event))
                own_text = f"its own {kind} {describe(graph, node)} (serial {units.serial or '?'})"
                credit_text = f"credit {describe(graph, credit)} (serial {held.serial or '?'})"
                event_text = f"offsetting event {describe(graph, event)}"
                users = sorted(set(graph.subjects(CN.hasOffsettingEvent, event)), key=str)
                buyers = _beneficiaries(graph, event, claimants)
                if event in events:
                    yield finding(
                        "CN-CRIT-01",
                        focus_node=describe(graph, credit),
                        message=f"CN-CRIT-01 (§11.2, §3.3.2): {credit_text}, retired in {event_text} of claim "
                        f"{describe(graph, claim)}, holds {shared}, which the claim also counts as {own_text}; "
                        "credits offset emissions with mitigation from outside the subject's boundary, so these "
                        "tonnes would count twice.",
                        path=str(CN.serialNumber),
                        value=held.serial,
                        source=source,
                    )
                elif users:
                    held_text = f" as {credit_text}, holding {shared}"
                    yield _offsets_another_claim(
                        graph, claim, node, kind, units.serial, event, users, held_text, source
                    )
                elif buyers is None:
                    held_text = f" as {credit_text}, holding {shared}"
                    yield _retired_for_no_one(graph, claim, node, kind, units.serial, event, held_text, source)
                elif buyers:
                    to = " and ".join(describe(graph, buyer) for buyer in buyers)
                    yield finding(
                        "CN-CRIT-01",
                        focus_node=describe(graph, node),
                        message=f"CN-CRIT-01 (§8.1, Annex A): claim {describe(graph, claim)} counts {own_text}, but "
                        f"{shared} were sold as carbon credits: {credit_text} is retired in {event_text} on behalf "
                        f"of {to}; in-boundary reductions and removal enhancements transferred to another entity "
                        "as credits do not count for the subject.",
                        path=str(CN.serialNumber),
                        value=units.serial,
                        source=source,
                    )


class _RetiredUnits:
    """Every retired credit block of a graph with the units it names, for comparing with a claim's own records:
    those sharing a units key, and those whose ranges intersect, found in one sweep per block key (and Verra or
    Gold Standard project, for CAD Trust records). The work is near linear in the records plus the pairs that do
    share units (red team 102a: 5,000 own serials against 10,000 blocks of one issuance took minutes compared
    pairwise)."""

    def __init__(self, graph: Graph) -> None:
        pairs = sorted(graph.subject_objects(CN.retiresCredit), key=lambda pair: (str(pair[1]), str(pair[0])))
        readings: dict[Node, _Units | None] = {}
        self.entries: list[tuple[Node, Node, _Units]] = []
        self._keys: dict[str, list[int]] = defaultdict(list)
        self._spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for event, credit in pairs:
            if credit not in readings:
                readings[credit] = _units_of(graph, credit)
            held = readings[credit]
            if held is None:
                continue
            position = len(self.entries)
            self.entries.append((event, credit, held))
            if held.key is not None:
                self._keys[held.key].append(position)
            for block, first, last in _blocks(held):
                self._spans[block].append((first, last, position))

    def sharing(self, own: Sequence[_Units]) -> list[set[int]]:
        """For each of ``own``, the positions in :attr:`entries` of the retirements that may share its units."""
        found: list[set[int]] = [set(self._keys.get(units.key or "", ())) for units in own]
        queries: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for index, units in enumerate(own):
            for block, first, last in _blocks(units):
                if block in self._spans:
                    queries[block].append((first, last, index))
        for block, asked in queries.items():
            # One sweep by first unit: each range meets the ranges of the other side still open at its start.
            items = sorted(
                [(first, 0, last, index) for first, last, index in asked]
                + [(first, 1, last, position) for first, last, position in self._spans[block]]
            )
            open_own: list[tuple[int, int]] = []
            open_held: list[tuple[int, int]] = []
            for first, side, last, ident in items:
                while open_own and open_own[0][0] < first:
                    heappop(open_own)
                while open_held and open_held[0][0] < first:
                    heappop(open_held)
                if side == 0:
                    found[ident].update(position for _, position in open_held)
                    heappush(open_own, (last, ident))
                else:
                    for _, index in open_own:
                        found[index].add(ident)
                    heappush(open_held, (last, ident))
        return found


def _blocks(units: _Units) -> Iterator[tuple[str, int, int]]:
    """The (block key, first, last) ranges a record names, under its own block keys and its project's."""
    for span in units.spans:
        yield f"block {span.block}", span.first, span.last
        bridge = project_range(span)
        if bridge is not None:
            yield f"project {bridge.block}", span.first, span.last


def _unreadable_own_units(graph: Graph, node: Node, kind: str, source: str | None) -> Iterator[ValidationResult]:
    """The claim's own mitigation naming its units so that they cannot be compared with the credits retired (red
    team 102a: a range written backwards, "3,001" or "3001 " was skipped, and the same units retired as a credit
    passed): a stated range that cannot be read fails, as a credit block's does (CN-UNITS-02); a serial no grammar
    reads, with no stated range, is compared as whole text only, a warning, as a credit's is (CN-UNITS-03)."""
    name = describe(graph, node)
    problem = stated_range_problem(*_stated_range(graph, node))
    if problem is not None:
        yield finding(
            "CN-CRIT-01",
            focus_node=name,
            message=f"CN-CRIT-01 (§3.3.2, §8.1): the claim's own {kind} {name} states a unit range that cannot be "
            f"read: {problem}; its units cannot be compared with the credits retired, so the same tonnes could be "
            "retired as credits too. State issuanceBlock, firstUnit and lastUnit once each (firstUnit no greater "
            "than lastUnit), or leave all three out so that its serial number is read.",
            path=str(CN.firstUnit),
            source=source,
        )
        return
    span, _ = credit_ranges(graph, node)
    if span is not None and span.scheme == "explicit":
        return
    for serial in sorted({str(value) for value in graph.objects(node, CN.serialNumber)}):
        if parse_serial(serial) is None and not icr_serialization(serial) and _visible(serial):
            yield finding(
                "CN-UNITS-03",
                focus_node=name,
                message=f"the serial number {serial!r} of the claim's own {kind} {name} is in "
                "no format comet-cn reads, so it is compared with the credits retired as a whole string only; its "
                "unit range should be stated with issuanceBlock, firstUnit and lastUnit.",
                path=str(CN.serialNumber),
                value=serial,
                source=source,
                severity=Severity.WARNING,
            )


def _retired_for_no_one(
    graph: Graph,
    claim: Node,
    node: Node,
    kind: str,
    serial: str | None,
    event: Node,
    held: str,
    source: str | None,
) -> ValidationResult:
    """CN-CRIT-01: the claim's own mitigation retired in an event that names no beneficiary (and no claim of the
    input links): sold, it does not count for the subject; cancelled by the subject, the event says so. Unknown,
    so it fails (red team 99a: an imported registry export leaves the beneficiary out until the user confirms it)."""
    return finding(
        "CN-CRIT-01",
        focus_node=describe(graph, node),
        message=f"CN-CRIT-01 (§8.1, §8.2 e): claim {describe(graph, claim)} counts its own {kind} "
        f"{describe(graph, node)}{f' (serial {serial})' if serial else ''}, but offsetting event "
        f"{describe(graph, event)} retires it{held} on behalf of no one named, and no claim of the input links the "
        "event: units sold to another entity do not count for the subject. State the beneficiary "
        "(comet-cn:retiredOnBehalfOf): the claimant if the subject cancelled its own units.",
        path=str(CN.retiresCredit),
        value=serial,
        source=source,
    )


def _offsets_another_claim(
    graph: Graph,
    claim: Node,
    node: Node,
    kind: str,
    serial: str | None,
    event: Node,
    users: list[Node],
    held: str,
    source: str | None,
) -> ValidationResult:
    """CN-CRIT-01: the claim's own mitigation retired as credits that another claim of the input offsets with,
    whoever the beneficiary (red team 100a: a group's own removals, cancelled for it, offsetting its headquarters'
    claim too): the same tonnes would count for both claims."""
    names = " and ".join(describe(graph, user) for user in users)
    return finding(
        "CN-CRIT-01",
        focus_node=describe(graph, node),
        message=f"CN-CRIT-01 (§8.1, §11.1): claim {describe(graph, claim)} counts its own {kind} "
        f"{describe(graph, node)}{f' (serial {serial})' if serial else ''}, but offsetting event "
        f"{describe(graph, event)} retires it{held} for claim {names} of the input; the same tonnes would count "
        "for both claims, and mitigation transferred as credits does not count for the subject.",
        path=str(CN.serialNumber) if serial else str(CN.retiresCredit),
        value=serial,
        source=source,
    )


def _beneficiaries(graph: Graph, event: Node, claimants: set[Node]) -> list[Node] | None:
    """Whom an offsetting event retired credits for, other than the claimant; ``None`` when it names no one."""
    named = set(graph.objects(event, CN.retiredOnBehalfOf))
    return sorted(named - claimants, key=str) if named else None


def _parties_of(graph: Graph, claim: Node) -> set[Node]:
    """The claim's claiming entities and the nodes ``owl:sameAs`` them (either way)."""
    parties = set(graph.objects(claim, CN.claimedBy))
    for party in list(parties):
        parties.update(graph.objects(party, OWL.sameAs))
        parties.update(graph.subjects(OWL.sameAs, party))
    return parties


def _cad_trust(span: SerialRange) -> bool:
    return span.block.startswith("CAD-TRUST:")


def _units_text(block: str, low: int, high: int) -> str:
    units = f"{'unit' if low == high else 'units'} {low}{'' if low == high else f'-{high}'}"
    # comet_cn.serials.project_range's keys
    if block.startswith("VERRA-PROJECT-"):
        return f"{units} of Verra project {block.removeprefix('VERRA-PROJECT-')}"
    if block.startswith("GS-PROJECT-"):
        project, _, vintage = block.removeprefix("GS-PROJECT-").partition("-")
        return f"{units} of Gold Standard project GS{project}, vintage {vintage} (a CAD Trust record names no batch)"
    return f"{units} of issuance block {block}"


def _retired_in(graph: Graph, use: _Use, owners: frozenset[Node], via: dict[_Use, list[Node]]) -> str:
    """Where a use retires its block: "in offsetting event E of claim C", or an event no claim links and for whom."""
    owner, _ = use
    events = " and ".join(describe(graph, event) for event in via.get(use, [owner]))
    if owner in owners:
        return f"in offsetting event {events} of claim {describe(graph, owner)}"
    return f"in offsetting event {events}{_on_behalf_of(graph, owner)}, which no claim of the input links"


def _on_behalf_of(graph: Graph, event: Node) -> str:
    names = []
    for entity in sorted(set(graph.objects(event, CN.retiredOnBehalfOf)), key=str):
        label = graph.value(entity, RDFS.label)
        names.append(describe(graph, entity) + (f" ({label})" if label is not None else ""))
    return f" on behalf of {' and '.join(names)}" if names else ""


def _shared_credits(
    graph: Graph,
    uses: list[_Use],
    claims: frozenset[Node],
    via: dict[_Use, list[Node]],
    source: str | None,
) -> Iterator[ValidationResult]:
    owners_of: dict[Node, list[Node]] = defaultdict(list)
    for owner, credit in uses:
        owners_of[credit].append(owner)
    for credit, owners in sorted(owners_of.items(), key=lambda item: str(item[0])):
        claimed = [owner for owner in owners if owner in claims]
        if not claimed:
            continue
        name = describe(graph, credit)
        if len(claimed) > 1:
            names = " and ".join(describe(graph, claim) for claim in claimed)
            yield finding(
                "CN-UNITS-01",
                focus_node=name,
                message=f"the credit block {name} is retired for {len(claimed)} claims of the input ({names}); "
                "a credit is used once, so its units would count for each of them.",
                path=str(CN.retiresCredit),
                source=source,
            )
        others = [owner for owner in owners if owner not in claims]
        if others:
            claim = claimed[0]
            again = " and ".join(
                f"in offsetting event {describe(graph, event)}{_on_behalf_of(graph, event)}" for event in others
            )
            yield finding(
                "CN-UNITS-01",
                focus_node=name,
                message=f"the credit block {name} is retired twice: {_retired_in(graph, (claim, credit), claims, via)} "
                f"and again {again}, which no claim of the input links; a credit is used once and not when already "
                "used by another party, so the claim cannot count its units.",
                path=str(CN.retiresCredit),
                source=source,
            )


#: Where CN-BAL-01 finds which credit blocks hold the same units, so that it counts them once (see add_units_keys).
UNITS_KEY = CNSH.unitsKey


def add_units_keys(graph: Graph) -> None:
    """Give every retired credit block of ``graph`` (a closure) its ``cnsh:unitsKey``, replacing any stated.

    The key is :func:`comet_cn.serials.units_key`, the reading CN-UNITS-01 uses, so blocks CN-UNITS-01 finds to be
    the same units however their serials are written (padding, ``_``, a Verra block id ``031207``) share a key and
    the balance counts one of them; an ICR block is keyed by its class and quantity (:func:`balance_key`). A block
    with no key (no serial) gets none, and the balance keys it by its serial as written, as before. A key from the
    input is dropped first: a claim could otherwise give two copies of one block different keys.
    """
    graph.remove((None, UNITS_KEY, None))
    for credit in set(graph.objects(None, CN.retiresCredit)):
        key = balance_key(graph, credit)
        if key is not None:
            graph.add((credit, UNITS_KEY, RDFLiteral(key)))


def balance_key(graph: Graph, credit: Node) -> str | None:
    """The key CN-BAL-01 counts a credit block once by (see :func:`add_units_keys`), or None (then its serial).

    An ICR serialization names a class of units many retirements share, so two blocks of one class are two
    retirements unless they state the same quantity and retirement date: keyed by class, quantity and the dates of
    the events retiring them, two retirements of 6,000 and 4,500 t count 10,500 t, where the serial alone counted
    6,000 (a false CN-BAL-01 for an ICR export's claim), and two of 6,250 t on 20 and 21 March count 12,500 t (red
    team 49); a retirement listed twice still counts once, and two of the same size on the same day once too (the
    checker cannot tell them from one listed twice, so the balance is the smaller).
    """
    span, serial = credit_ranges(graph, credit)
    key = units_key(span, serial)
    if key is None and serial is not None and icr_serialization(str(serial)):
        folded = "".join(str(serial).split()).upper()
        tonnes = min((str(value) for value in graph.objects(credit, CN.tonnesCO2e)), default=None)
        dates = sorted(
            {
                str(day)
                for event in graph.subjects(CN.retiresCredit, credit)
                for day in graph.objects(event, CN.retirementDate)
            }
        )
        key = " ".join([folded, *([tonnes] if tonnes is not None else []), *dates])
    return key


#: The node the shapes read the rule parameters from (docs/rules.md, "Open parameters").
PARAMETERS = CNSH.parameters


def drop_stated_parameters(graph: Graph) -> int:
    """Remove from ``graph`` (a closure) every statement about the rule-parameter node, and return how many.

    The parameters are the checker's options, never the claim's: a claim stating ``cnsh:vintageMaxAgeYears 100``
    would otherwise loosen the rule it is checked by (and, merged with others for the audits, theirs).
    """
    stated = list(graph.triples((PARAMETERS, None, None)))
    for triple in stated:
        graph.remove(triple)
    return len(stated)


def stated_parameters_finding(count: int, source: str | None) -> ValidationResult:
    """CN-INPUT-02, a warning: the input stated rule parameters, which were ignored."""
    return finding(
        "CN-INPUT-02",
        focus_node="cnsh:parameters",
        message=f"the input states {count} rule parameter statement(s) on cnsh:parameters; the rules' parameters "
        "are the checker's options (cn-validate --vintage-max-age, --retirement-window, ...; parameters= in "
        "Python), never the claim's, so they were ignored and the options used.",
        source=source,
        severity=Severity.WARNING,
    )


def _tonnes(graph: Graph, credit: Node, span: SerialRange, source: str | None) -> Iterator[ValidationResult]:
    stated = graph.value(credit, CN.tonnesCO2e)
    if stated is None or not PLAIN_DECIMAL.fullmatch(str(stated)):
        return  # a missing or ill-formed quantity is CN-BAL-01's finding
    if Decimal(str(stated)) != span.units:
        yield finding(
            "CN-UNITS-02",
            focus_node=describe(graph, credit),
            message=f"the credit block's serial range has {span.units} unit(s) (one tonne each) but it states "
            f"{stated} t CO2e.",
            path=str(CN.tonnesCO2e),
            value=str(stated),
            source=source,
        )


def _disagreement(
    graph: Graph, credit: Node, span: SerialRange, read: SerialRange, serial: str | None, source: str | None
) -> ValidationResult:
    stated = graph.value(credit, CN.tonnesCO2e)
    tonnes = f", and it states {stated} t CO2e" if stated is not None else ""
    return finding(
        "CN-UNITS-02",
        focus_node=describe(graph, credit),
        message=f"the credit block's serial number {serial!r} reads as units {read.first}-{read.last} "
        f"({read.units} unit(s), one tonne each) but its issuanceBlock, firstUnit and lastUnit state units "
        f"{span.first}-{span.last} of issuance block {span.block} ({span.units} unit(s)){tonnes}; the serial and "
        "the stated range must name the same units, or the block's size is unknown.",
        path=str(CN.firstUnit),
        value=serial,
        source=source,
    )
