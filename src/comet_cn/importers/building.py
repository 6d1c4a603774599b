"""From retirement records to JSON-LD nodes: the user's selection, de-duplication, checks, and deterministic IRIs.

One retired block becomes one ``CarbonCredit`` node; the blocks retired on one day in one registry for one
beneficiary share one ``OffsettingEvent``. IRIs are minted from the registry, the block key and the unit range, so
the same block imported twice (from two files, or twice from one) is one node, not a double retirement.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from rdflib.namespace import XSD

from comet_cn.errors import InputError
from comet_cn.importers.attribution import Period, matches_beneficiary, on_behalf_of, several_names
from comet_cn.importers.model import PROVENANCE, Excluded, Fact, ImportResult, Organisation, Parsed, Retirement
from comet_cn.namespaces import IMPORTED
from comet_cn.serials import SerialRange, find_overlaps, parse_serial, registry_block

__all__ = [
    "BASE",
    "FIELD_BENEFICIARY",
    "NOTE_BENEFICIARY",
    "SUGGESTED_BENEFICIARY",
    "Selection",
    "build",
    "decimal_text",
    "refuse_shared_units",
]

#: Every imported IRI starts here.
BASE = IMPORTED
#: How an event's comment records the beneficiary (``repr`` of the text follows): the registry's field, and a name
#: only a note gives. A merge reads them back to refuse linking another beneficiary's retirement to the claimant.
FIELD_BENEFICIARY = "beneficiary as the registry writes it: "
NOTE_BENEFICIARY = "beneficiary suggested by the registry's note: "
#: A name the record gives besides a beneficiary field (``Retirement.suggested``), recorded only when it has none.
SUGGESTED_BENEFICIARY = "beneficiary the record suggests (not its beneficiary field): "


@dataclass(frozen=True)
class Selection:
    """The rows the user wants, and what the user states that the registry does not.

    :param beneficiary: keep rows whose beneficiary is this name, compared without case, white space or punctuation
        (not as a substring). The registry's beneficiary field decides; the name a note gives after "on behalf of" is
        used only when that field names nobody, so a note never selects a row the field says is someone else's.
    :param serials: keep rows with one of these serials, or whose unit range shares units with one of them.
    :param retired_from: keep rows retired on or after this date.
    :param retired_to: keep rows retired on or before this date.
    :param corresponding_adjustment: the user's statement for every selected credit whose registry says nothing;
        a registry field that says otherwise wins, with a warning.
    """

    beneficiary: str | None = None
    serials: tuple[str, ...] = ()
    retired_from: date | None = None
    retired_to: date | None = None
    corresponding_adjustment: bool | None = None

    def __post_init__(self) -> None:
        if self.retired_from and self.retired_to and self.retired_from > self.retired_to:
            raise ValueError(f"retired_from {self.retired_from} is after retired_to {self.retired_to}")

    @property
    def filters(self) -> bool:
        return bool(self.beneficiary or self.serials or self.retired_from or self.retired_to)

    def keeps(self, retirement: Retirement, scheme: str | None) -> bool:
        if self.retired_from and retirement.retired_on < self.retired_from:
            return False
        if self.retired_to and retirement.retired_on > self.retired_to:
            return False
        if self.beneficiary is not None:
            candidates = _registry_names(retirement) or [retirement.beneficiary_note]
            if not matches_beneficiary(self.beneficiary, candidates):
                return False
        return not self.serials or any(_serial_matches(wanted, retirement, scheme) for wanted in self.serials)


def _registry_names(retirement: Retirement) -> list[str | None]:
    """The registry's beneficiary field, and the name in it when it is a sentence ("Retired on behalf of X")."""
    if not retirement.beneficiary:
        return []
    return [retirement.beneficiary, on_behalf_of(retirement.beneficiary)]


def _shared(retirement: Retirement) -> tuple[str, list[str]] | None:
    """The beneficiary text (the field, else the note's name, as rows are selected) when it lists several parties,
    and the parties: a retirement shared by them is no one party's, so it is kept under the whole text. A field
    that is a sentence is read for the party it names: "Example Broker AG, on behalf of Acme Ceramics GmbH" is Acme's
    alone (a merge into Acme's claim links it), not a list of two (red team 116a)."""
    names = _registry_names(retirement)
    for text in (names[1:] if len(names) > 1 and names[1] else names) or [retirement.beneficiary_note]:
        parties = several_names(text) if text else []
        if parties:
            return text or "", parties
    return None


def _shared_warning(retirement: Retirement, shared: tuple[str, list[str]], selected: bool) -> str:
    text, parties = shared
    what = "" if selected else "not selected: "
    return (
        f"{retirement.where}: {what}the beneficiary {text!r} lists {len(parties)} parties (a shared retirement): its "
        "quantity is not any one party's, so --beneficiary does not select it for one of them and a merge into one "
        "party's claim is refused; have the registry retire each party's share for it"
    )


def _conflict(retirement: Retirement) -> bool:
    """Whether the note names someone other than the registry's beneficiary field."""
    names = _registry_names(retirement)
    note = retirement.beneficiary_note
    return bool(names) and note is not None and not any(matches_beneficiary(note, [name]) for name in names)


def _conflict_warning(retirement: Retirement, outcome: str) -> str:
    return (
        f"{retirement.where}: the beneficiary field says {retirement.beneficiary!r} but the note names "
        f"{retirement.beneficiary_note!r}: {outcome}"
    )


def _fold(serial: str) -> str:
    return "".join(serial.split()).upper()


def _serial_matches(wanted: str, retirement: Retirement, scheme: str | None) -> bool:
    if retirement.serial is not None and _fold(wanted) == _fold(retirement.serial):
        return True
    if retirement.identity is not None and wanted.strip() == retirement.identity:
        return True
    if retirement.span is None:
        return False
    span = (parse_serial(wanted, scheme) if scheme else None) or parse_serial(wanted)
    return span is not None and span.overlap(retirement.span) is not None


def decimal_text(value: Decimal) -> str:
    """A plain decimal with no exponent and no needless zeros: ``Decimal("1.25E3")`` → ``"1250"``."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _iri(*parts: str) -> str:
    return BASE + ":".join(quote(part, safe="-_.+~") for part in parts)


def registry_iri(registry: Organisation) -> str:
    return _iri("registry", registry.slug)


def programme_iri(programme: Organisation) -> str:
    return _iri("programme", programme.slug)


def credit_iri(retirement: Retirement) -> str:
    slug = retirement.registry.slug
    if retirement.span is not None:
        span = retirement.span
        return _iri(slug, "credit", registry_block(span, retirement.serial), f"{span.first}-{span.last}")
    if retirement.identity is not None:
        return _iri(slug, "retirement", retirement.identity)
    if retirement.serial is not None:
        return _iri(slug, "serial", _fold(retirement.serial))
    return _iri(slug, "row", retirement.where)


def _event_key(retirement: Retirement) -> tuple[str, date, str, Period | None]:
    # A name read from a note counts too: CAR rows of one day for different third parties are different events.
    # A name only suggested keeps its rows apart from those the registry says are that party's.
    suggested = f"suggested: {', '.join(retirement.suggested)}" if retirement.suggested else ""
    named = retirement.beneficiary or retirement.beneficiary_note or suggested
    who = " ".join(named.casefold().split())
    return retirement.registry.slug, retirement.retired_on, who, retirement.period


def duplicate_key(retirement: Retirement) -> tuple[str, tuple[str, date, str, Period | None]]:
    """What two retirements share when one is a duplicate import of the other (:func:`build` keeps one of them)."""
    return credit_iri(retirement), _event_key(retirement)


def _event_iri(key: tuple[str, date, str, Period | None]) -> str:
    slug, retired_on, who, period = key
    digest = hashlib.sha256(f"{who}\n{period}".encode()).hexdigest()[:12]
    return _iri(slug, "event", retired_on.isoformat(), digest)


def period_iri(period: Period) -> str:
    return _iri("period", period.start.isoformat(), period.end.isoformat())


def build(
    format_name: str,
    source: str,
    parsed: Parsed,
    selection: Selection,
    *,
    scheme: str | None = None,
) -> ImportResult:
    """The import result of one file: the selected retirements as nodes, with every warning found on the way."""
    warnings: list[str] = list(parsed.warnings)
    chosen = [r for r in parsed.retirements if selection.keeps(r, scheme)]
    if selection.filters and len(chosen) < len(parsed.retirements):
        warnings.append(
            f"{source}: {len(parsed.retirements) - len(chosen)} of {len(parsed.retirements)} retirement(s) not "
            "selected (beneficiary, serial or retirement date)"
        )
    if selection.beneficiary:  # rows the note alone would have selected: say why they were not
        kept = {id(r) for r in chosen}
        for retirement in parsed.retirements:
            if (
                id(retirement) not in kept
                and _conflict(retirement)
                and matches_beneficiary(selection.beneficiary, [retirement.beneficiary_note])
            ):
                warnings.append(
                    _conflict_warning(
                        retirement, "not selected by the note's name (a note does not override the field)"
                    )
                )
        for retirement in parsed.retirements:  # a shared retirement naming the selected party: say why not
            shared = _shared(retirement) if id(retirement) not in kept else None
            if shared and matches_beneficiary(selection.beneficiary, shared[1]):
                warnings.append(_shared_warning(retirement, shared, selected=False))
    if not chosen:
        warnings.append(f"{source}: no retirement selected: nothing imported")
    kept_units = tuple((r.where, r.span) for r in chosen if r.span is not None)
    withheld = _withheld(parsed, chosen)
    refuse_shared_units([(source, kept_units, withheld)])
    nodes: dict[str, dict[str, Any]] = {}
    provenance: dict[str, list[str]] = defaultdict(list)
    events: dict[tuple[str, date, str, Period | None], list[Retirement]] = defaultdict(list)
    seen: dict[str, Retirement] = {}
    for retirement in chosen:
        warnings.extend(retirement.warnings)
        if _conflict(retirement):
            warnings.append(_conflict_warning(retirement, "the field is taken as the beneficiary; check who it is"))
        shared = _shared(retirement)
        if shared:
            warnings.append(_shared_warning(retirement, shared, selected=True))
        if retirement.period_suggestion:
            warnings.append(
                f"{retirement.where}: the registry's note suggests a period ({retirement.period_suggestion}); it is "
                "not recorded as hasReportingPeriod (merged into a claim, the event gets the claim's period only if "
                "it is this one)"
            )
        credit_id = credit_iri(retirement)
        earlier = seen.get(credit_id)
        if earlier is not None:
            if duplicate_key(earlier) == duplicate_key(retirement):
                differ = _differences(nodes[credit_id], _credit(retirement, selection, []))
                if not differ:
                    warnings.append(
                        f"{retirement.where}: the same block, date and beneficiary as {earlier.where}: a duplicate "
                        "import, kept once"
                    )
                    continue
                # The same retirement written twice with different values: which is right cannot be told, so the
                # credit keeps both and the checks report it (CN-UNITS-02, one value per property).
                merge_mapping(nodes[credit_id], differ)
                said = "; ".join(f"{key} {nodes[credit_id][key]!r}" for key in sorted(differ))
                warnings.append(
                    f"{retirement.where}: the same block, date and beneficiary as {earlier.where}, but the two rows "
                    f"disagree ({said}): both values kept, check the registry record"
                )
            else:
                warnings.append(
                    f"{retirement.where}: block {retirement.serial or credit_id} is also retired at {earlier.where} "
                    "(another date or beneficiary): the same units are retired twice"
                )
        else:
            seen[credit_id] = retirement
            nodes[credit_id] = _credit(retirement, selection, warnings)
        provenance[credit_id].append(retirement.where)
        events[_event_key(retirement)].append(retirement)
    warnings.extend(_range_checks(seen.values()))
    for credit_id, places in provenance.items():
        if len(places) > 1:  # one block retired twice: the node names both rows
            nodes[credit_id][PROVENANCE] = list(places)
    for key, members in events.items():
        event_id = _event_iri(key)
        nodes[event_id] = _event(members)
        provenance[event_id].extend(r.where for r in members)
        period = members[0].period
        if period is not None:
            nodes.setdefault(period_iri(period), _period(period, source))
            provenance[period_iri(period)].extend(r.where for r in members)
    for retirement in seen.values():
        if retirement.in_registry:
            iri = registry_iri(retirement.registry)
            _organisation(nodes, provenance, iri, "PublicRegistry", retirement.registry, source)
        if retirement.programme is not None:
            iri = programme_iri(retirement.programme)
            _organisation(nodes, provenance, iri, "CreditingProgramme", retirement.programme, source)
    # Stable order: events, credits, then the registry, programme and period nodes they point to.
    order = {"OffsettingEvent": 0, "CarbonCredit": 1}
    ordered = sorted(nodes.values(), key=lambda n: (order.get(str(n["@type"]), 2), str(n["@id"])))
    return ImportResult(
        format=format_name,
        source=source,
        nodes=tuple(ordered),
        provenance={key: tuple(value) for key, value in provenance.items()},
        warnings=tuple(warnings),
        excluded=tuple(str(e) for e in parsed.excluded),
        beneficiary=selection.beneficiary,
        selected=len(chosen),
        kept_units=kept_units,
        withheld=withheld,
    )


def _withheld(parsed: Parsed, chosen: Sequence[Retirement]) -> tuple[Excluded, ...]:
    """The records left out that name units: those not imported (a cancellation, a compliance use, an UNRETIRE)
    and the retirements the selection left out (another beneficiary's, another date's)."""
    kept = {id(r) for r in chosen}
    unselected = (
        Excluded(
            r.where,
            f"not selected: retired on {r.retired_on.isoformat()} for "
            + (repr(r.beneficiary or r.beneficiary_note) if r.beneficiary or r.beneficiary_note else "no one named"),
            (r.span,),
        )
        for r in parsed.retirements
        if id(r) not in kept and r.span is not None
    )
    return (*(e for e in parsed.excluded if e.spans), *unselected)


def refuse_shared_units(
    imports: Iterable[tuple[str, Sequence[tuple[str, SerialRange]], Sequence[Excluded]]],
) -> None:
    """Refuse retirements that share units with a record left out, in the same file or another one.

    A unit is retired, cancelled or used once: a retirement kept for the claim whose units another record says were
    retired for someone else, used for compliance, cancelled, unretired or never retired is contradicted, and
    importing it quietly would give the claim credits that are not its own (§11.1). Which record stands cannot be
    told from the export, so nothing is imported until the user leaves out the one that does not.

    :param imports: ``(source, kept (where, units), records left out)`` per file.
    :raises InputError: naming the kept retirement, the other record and why that one was left out.
    """
    given = list(imports)
    kept: list[tuple[tuple[str, str, str] | Excluded, SerialRange]] = [
        ((source, where, span.block), span) for source, kept_units, _ in given for where, span in kept_units
    ]
    left_out = [(other, units) for _, _, withheld in given for other in withheld for units in other.spans]
    # One n log n sweep over both (a large export); kept come first, so a mixed pair names the kept one first.
    for first, second, (low, high) in find_overlaps([*kept, *left_out]):
        if isinstance(first, tuple) and isinstance(second, Excluded):
            source, where, block = first
            raise InputError(
                source,
                f"{where} retires units {low}-{high} of block {block} that {second.where} "
                f"also names ({second.reason}): a unit is retired, cancelled or used once, so one of the two "
                "records does not stand; check both with the registry and import without the one that does "
                "not (nothing imported)",
            )


def _differences(node: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """The data values of ``other`` that ``node`` states otherwise (comments and provenance aside)."""
    return {
        key: value
        for key, value in other.items()
        if key not in ("comment", PROVENANCE) and key in node and node[key] != value
    }


def _organisation(
    nodes: dict[str, dict[str, Any]],
    provenance: dict[str, list[str]],
    iri: str,
    node_type: str,
    org: Organisation,
    source: str,
) -> None:
    if iri not in nodes:
        nodes[iri] = {"@id": iri, "@type": node_type, "label": org.label, PROVENANCE: source}
        provenance[iri].append(source)


def _credit(retirement: Retirement, selection: Selection, warnings: list[str]) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": credit_iri(retirement), "@type": "CarbonCredit"}
    comments: list[str] = []
    if retirement.serial is not None:
        node["serialNumber"] = retirement.serial
    if retirement.span is not None:
        node["issuanceBlock"] = registry_block(retirement.span, retirement.serial)
        node["firstUnit"] = str(retirement.span.first)
        node["lastUnit"] = str(retirement.span.last)
    if retirement.quantity is not None:
        node["tonnesCO2e"] = decimal_text(retirement.quantity)
    if retirement.vintage_end_year is not None:
        node["vintageEndYear"] = str(retirement.vintage_end_year)
    if retirement.issuance_year is not None:
        node["issuanceYear"] = str(retirement.issuance_year)
    if retirement.programme is not None:
        node["issuedByProgramme"] = programme_iri(retirement.programme)
    if retirement.credit_type is not None:
        node["hasCreditType"] = retirement.credit_type.value
        comments.append(f"credit type {retirement.credit_type.value}: {retirement.credit_type.basis}")
    adjustment = _adjustment(retirement, selection, warnings)
    if adjustment is not None:
        node["correspondingAdjustmentApplied"] = adjustment.value
        comments.append(f"corresponding adjustment {str(adjustment.value).lower()}: {adjustment.basis}")
    else:
        comments.append("corresponding adjustment: not stated by the registry record (left out)")
    if retirement.ex_post is not None:
        node["isExPostCredit"] = retirement.ex_post.value
        comments.append(f"ex post {str(retirement.ex_post.value).lower()}: {retirement.ex_post.basis}")
    comments.extend(retirement.notes)
    node["comment"] = comments
    node[PROVENANCE] = retirement.where
    return node


def _adjustment(retirement: Retirement, selection: Selection, warnings: list[str]) -> Fact | None:
    """The registry's statement; the user's where the registry says nothing or only infers."""
    registry = retirement.corresponding_adjustment
    stated = selection.corresponding_adjustment
    if stated is None:
        return registry
    user = Fact(stated, "stated by the user")
    if registry is None or registry.inferred:
        return user
    if registry.value != stated:
        warnings.append(
            f"{retirement.where}: the registry says corresponding adjustment {str(registry.value).lower()} "
            f"({registry.basis}); the user's statement {str(stated).lower()} is not applied to it"
        )
    return registry


def _event(members: Sequence[Retirement]) -> dict[str, Any]:
    first = members[0]
    node: dict[str, Any] = {
        "@id": _event_iri(_event_key(first)),
        "@type": "OffsettingEvent",
        "retirementDate": first.retired_on.isoformat(),
    }
    if first.in_registry:
        node["inRegistry"] = registry_iri(first.registry)
    node["retiresCredit"] = sorted({credit_iri(r) for r in members})
    if first.period is not None:
        node["hasReportingPeriod"] = period_iri(first.period)
    comments: list[str] = []
    if first.beneficiary is not None:
        comments.append(
            f"{FIELD_BENEFICIARY}{first.beneficiary!r} (retiredOnBehalfOf is left out until "
            "the user confirms who that is)"
        )
    else:
        comments.append("the registry names no beneficiary (retiredOnBehalfOf is left out)")
        comments.extend(f"{SUGGESTED_BENEFICIARY}{text!r}" for text in _unique(s for r in members for s in r.suggested))
    named = (first.beneficiary or "").casefold()
    for text in _unique(r.beneficiary_note for r in members if (r.beneficiary_note or "").casefold() != named):
        comments.append(f"{NOTE_BENEFICIARY}{text!r}")
    comments.extend(_unique(note for r in members for note in r.event_notes))
    for text in _unique(r.period_suggestion for r in members):
        comments.append(f"period suggested by the registry's note: {text} (not a hasReportingPeriod until confirmed)")
    node["comment"] = comments
    places = [r.where for r in members]
    node[PROVENANCE] = places[0] if len(places) == 1 else places
    return node


def _period(period: Period, source: str) -> dict[str, Any]:
    return {
        "@id": period_iri(period),
        "@type": "ReportingPeriod",
        "reportingPeriodStart": period.start.isoformat(),
        "reportingPeriodEnd": period.end.isoformat(),
        "comment": ["the period a registry note states in its structured 'Consumption Period' form"],
        PROVENANCE: source,
    }


def _unique(values: Iterable[str | None]) -> list[str]:
    return sorted({v for v in values if v})


def _range_checks(retirements: Iterable[Retirement]) -> list[str]:
    """Units against quantity for each block, and blocks of the import that share units."""
    found: list[str] = []
    ranged: list[tuple[Retirement, SerialRange]] = []
    for retirement in retirements:
        span = retirement.span
        if span is None:
            continue
        ranged.append((retirement, span))
        if retirement.quantity is not None and retirement.quantity != span.units:
            found.append(
                f"{retirement.where}: the serial range holds {span.units} units but the quantity is "
                f"{decimal_text(retirement.quantity)}: both kept (CN-UNITS-02 will report it)"
            )
    for first, second, (low, high) in find_overlaps(ranged):
        found.append(
            f"{second.where}: units {low}-{high} of block {second.span.block if second.span else '?'} are also "
            f"retired at {first.where}: a double retirement, not adjacent pieces"
        )
    return found


def warn_unreadable(retirement: Retirement) -> str:
    """The warning for a serial that no grammar reads (compared only as a whole string)."""
    return (
        f"{retirement.where}: serial {retirement.serial!r} is not read as a unit range, so it is compared only as a "
        "whole string (CN-UNITS-03)"
    )


def merge_mapping(target: dict[str, Any], extra: Mapping[str, Any]) -> list[str]:
    """Merge one node into another with the same ``@id``: values are united, whichever node comes first.

    A property with one value in each node that differ (one block read as 6000 t from one file and 6100 t from
    another) keeps both, so the checks see the conflict (CN-UNITS-02, the maximum counts of the shapes) instead of
    the first file's value winning. Values united from two nodes are sorted, so the result does not depend on the
    order the nodes come in.

    :returns: the properties whose single values disagreed (now holding both), for a warning.
    """
    conflicts: list[str] = []
    for key, value in extra.items():
        if key not in target:
            target[key] = value
            continue
        current = target[key]
        if _same(key, current, value):
            continue
        had = current if isinstance(current, list) else [current]
        unique: list[Any] = list(had)
        for item in value if isinstance(value, list) else [value]:
            if not any(_same(key, item, kept) for kept in unique):
                unique.append(item)
        single = not (isinstance(current, list) and isinstance(value, list))
        if key not in _MULTI and single and len(unique) > len(had):
            conflicts.append(key)
        target[key] = sorted(unique, key=_value_order)
    return conflicts


def _same(key: str, one: Any, other: Any) -> bool:
    """Whether two JSON-LD values of ``key`` are one RDF value: equal, or a whole number written as a JSON number in
    one file and as text in another ("firstUnit": 1 and "1") where the context types ``key`` xsd:integer, which
    both read as "1"^^xsd:integer. Re-merging an import into a claim converted from the workbook said each unit
    range differed, "both values kept", when nothing did (red team 77b)."""
    if one == other:
        return True
    from comet_cn.convert import vocabulary  # the bundled context's terms, read once

    term = vocabulary().terms.get(key)
    if term is None or term.datatype != str(XSD.integer):
        return False
    texts = [str(v) if type(v) is int else v if isinstance(v, str) else None for v in (one, other)]
    return texts[0] is not None and texts[0] == texts[1]


def _value_order(value: Any) -> str:
    """A total order on JSON values (strings, numbers, booleans, objects), for united values."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


# Properties that may have several values, so two imports of one node unite them.
_MULTI = frozenset({"retiresCredit", "hasOffsettingEvent", "comment", PROVENANCE})
