"""Put imported retirements into a claim document, so one check sees the claim and the registry's records together.

Merging an import into a claim is the user's statement that those retirements back that claim. So each imported
event takes the claim's reporting period when the registry gave none, and — only when the user selected the rows by
beneficiary name — the claiming entity as ``retiredOnBehalfOf``; without that selection the link is left out and
CN-RET-02 asks for it. Both links say in a comment how they were made. A retirement the registry recorded for
another beneficiary is never linked to the claimant: the merge is refused (ISO 14068-1 §11.4 e).
"""

from __future__ import annotations

import ast
import calendar
import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from comet_cn.convert import FORMATS as CLAIM_FORMATS
from comet_cn.convert import Format, claim_data, document_prefixes, expand_iri, format_of, read_document, render
from comet_cn.errors import InputError
from comet_cn.importers.attribution import on_behalf_of, same_name, several_names
from comet_cn.importers.building import (
    FIELD_BENEFICIARY,
    NOTE_BENEFICIARY,
    SUGGESTED_BENEFICIARY,
    merge_mapping,
    refuse_shared_units,
)
from comet_cn.importers.detection import detect_csv
from comet_cn.importers.model import CONTEXT, PROVENANCE, ImportResult
from comet_cn.importers.pact import PRODUCT_COMMENT, REPLACES
from comet_cn.importers.reading import first_row, read_text
from comet_cn.loading import parse_json
from comet_cn.namespaces import CN
from comet_cn.resources import CONTEXT_IRIS

__all__ = ["MERGED_FORMATS", "combine", "merge", "merged_format", "read_import", "render_merged"]

_CLAIM_TYPES = frozenset(
    {
        "CarbonNeutralityClaim",
        "comet-cn:CarbonNeutralityClaim",
        str(CN.CarbonNeutralityClaim),
    }
)


def combine(imports: Iterable[ImportResult], warnings: list[str] | None = None) -> dict[str, Any]:
    """One JSON-LD document holding the nodes of several imports (a node imported twice appears once).

    The document does not depend on the order of ``imports``: nodes are sorted as one import sorts them, and a
    node two imports give different values (a block of 6000 t in one file and 6100 t in another) keeps both values,
    sorted, so the checks report the conflict.

    :param warnings: if given, a warning is appended to it for each such conflict.
    :raises InputError: two imports of different files are recorded under one name (see ``_distinct_sources``).
    """
    imports = _distinct_sources(imports)
    nodes: dict[str, dict[str, Any]] = {}
    found: list[str] = []
    for result in imports:
        _add_nodes(nodes, result.nodes, found)
    if warnings is not None:
        warnings.extend(found)
    return {"@context": CONTEXT, "@graph": sorted(nodes.values(), key=_node_order)}


def _distinct_sources(imports: Iterable[ImportResult]) -> list[ImportResult]:
    """The imports, refused when two of different files have one ``source``: a row without a serial is minted from
    its file name and line, so ``q1/verra.csv:2`` and ``q2/verra.csv:2`` both named ``verra.csv:2`` would become one
    credit retired twice. (The same file imported twice is one import.)

    :raises InputError: naming both files and what to change.
    """
    given = list(imports)
    seen: dict[str, str] = {}
    for result in given:
        if result.path is None:
            continue
        first = seen.setdefault(result.source, result.path)
        if first != result.path:
            raise InputError(
                result.source,
                f"two different files are imported under this name ({first} and {result.path}): their rows would "
                "become one another's; import each under its own name (import_records(..., source=...), names from "
                "comet_cn.importers.source_names); nothing merged",
            )
    # A retirement in one file whose units another file says are someone else's, cancelled or unretired.
    refuse_shared_units((result.source, result.kept_units, result.withheld) for result in given)
    return given


def _node_order(node: Mapping[str, Any]) -> tuple[int, str]:
    """Events, credits, then the rest, each by ``@id``: the order one import writes its nodes in."""
    return {"OffsettingEvent": 0, "CarbonCredit": 1}.get(str(node.get("@type")), 2), str(node.get("@id"))


def _add_nodes(nodes: dict[str, dict[str, Any]], extra: Iterable[Mapping[str, Any]], warnings: list[str]) -> None:
    for node in extra:
        key = str(node["@id"])
        if key not in nodes:
            nodes[key] = copy.deepcopy(dict(node))
            continue
        target = nodes[key]
        earlier, later = _as_list(target.get(PROVENANCE)), _as_list(node.get(PROVENANCE))
        shared = {*map(str, later)} & {*map(str, earlier)}
        repeated = "CarbonCredit" in _types(node) and bool(earlier) and bool(later) and not shared
        said = len(warnings)
        before = {name: target.get(name) for name in node}
        for name in merge_mapping(target, copy.deepcopy(dict(node))):
            # Said in one order (by value) whichever file came first.
            (one, here), (other, there) = sorted(
                [(before[name], before.get(PROVENANCE)), (node[name], node.get(PROVENANCE))],
                key=lambda pair: _value_text(pair[0]),
            )
            warnings.append(
                f"{key}: {name} is {one!r} in {_places(here)} but {other!r} in {_places(there)}: both values kept "
                "(a rule that allows one value reports the node, not every rule does; check the registry records)"
            )
        if repeated and len(warnings) == said:
            # The same units in two files that agree (two downloads that overlap): counted once, and the user is told
            # so (a disagreement is said above, naming both files). Said in one order whichever file came first.
            first, second = sorted([_places(earlier), _places(later)])
            warnings.append(
                f"{key}: the same credit is in {first} and {second}: kept once (two exports that overlap; if they "
                "are two retirements of these units, one of them does not stand)"
            )


def _value_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _places(provenance: Any) -> str:
    places = [str(p) for p in _as_list(provenance)]
    return ", ".join(places) if places else "the claim"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _types(node: Mapping[str, Any]) -> set[str]:
    return {str(t) for t in _as_list(node.get("@type", node.get("type")))}


def _ref(value: Any) -> str:
    return str(value.get("@id")) if isinstance(value, Mapping) else str(value)


def _read_claim(claim: Path | Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    if isinstance(claim, Mapping):
        return copy.deepcopy(dict(claim)), "<claim>"
    if CLAIM_FORMATS.get(claim.suffix.lower(), "jsonld") != "jsonld":
        # A workbook, YAML or Turtle claim, read as cn-validate reads it, as canonical JSON-LD in our context.
        return read_document(claim), str(claim)
    if claim.is_dir():
        raise InputError(str(claim), "is a directory, not a claim file")
    try:
        text, decoded = read_text(claim)
    except InputError as error:
        if error.problem.startswith("binary data"):  # read_text's words are for registry files
            raise InputError(str(claim), "binary data, not a JSON-LD claim (a claim workbook ends in .xlsx)") from None
        raise
    if decoded:
        raise InputError(str(claim), "the claim is not UTF-8 JSON-LD")
    # Parsed as the checker parses claims, so numbers reach the check exactly as they would unmerged.
    document = parse_json(text, str(claim))
    if not isinstance(document, dict):
        raise InputError(str(claim), "the claim must be one JSON-LD object (with @graph)")
    return document, str(claim)


def _uses_our_context(context: Any) -> bool:
    return any(isinstance(item, str) and item in CONTEXT_IRIS for item in _as_list(context))


def merge(
    claim: Path | str | Mapping[str, Any],
    imports: Sequence[ImportResult],
    *,
    event: str | None = None,
    for_claimant: bool | None = None,
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """The claim document with the imported nodes added and linked from the claim.

    :param claim: a claim file's path (JSON-LD in the comet-cn context, or by its suffix the claim workbook
        ``.xlsx``, YAML ``.yaml``/``.yml``, Turtle ``.ttl`` or N-Triples ``.nt``), or a parsed JSON-LD document.
    :param imports: the results of :func:`comet_cn.importers.import_records`.
    :param event: the ``@id`` (as the claim writes it) of an offsetting event the imports replace: it is unlinked
        and removed, with the credits no other event retires.
    :param for_claimant: whether the imported retirements were made for the claiming entity (each event then gets
        ``retiredOnBehalfOf`` the claim's ``claimedBy``). By default, only the imports whose rows the user selected
        by beneficiary are taken as made for it.
    :param warnings: if given, a warning is appended to it for each node that the claim or another import states
        otherwise (both values are kept, and a rule that allows one value reports the node), and for each event
        given the claim's period although the registry's note suggests another.
    :returns: a new JSON-LD document; the claim file is not changed.
    :raises InputError: the claim file is missing or unreadable, is not a comet-cn claim, holds several claims
        (name an ``event`` to pick one), or has no event ``event``; or an event to be linked to the claiming entity
        is one the registry records for another beneficiary (or the entity has no label to compare it with); or two
        imports of different files are recorded under one name.
    """
    document, name = _read_claim(Path(claim) if isinstance(claim, str) else claim)
    if not _uses_our_context(document.get("@context")):
        raise InputError(name, f"the claim must use the comet-cn JSON-LD context ({CONTEXT})")
    graph = document.get("@graph")
    if graph is None:
        node = {k: v for k, v in document.items() if k != "@context"}
        graph = [node]
    if not isinstance(graph, list) or not all(isinstance(n, dict) for n in graph):
        raise InputError(name, "the claim's @graph must be a list of node objects")
    nodes: dict[str, dict[str, Any]] = {}
    for position, node in enumerate(graph):
        nodes[str(node.get("@id") or node.get("id") or f"_:merge-{position}")] = node
    claims = [key for key, node in nodes.items() if _types(node) & _CLAIM_TYPES]
    # The nodes (the claim, its report) whose footprint is replaced: each links the imported one instead.
    holders = [k for k, n in nodes.items() if event in {_ref(v) for v in _as_list(n.get("hasCarbonFootprint"))}]
    if event is not None:
        claims = _replace(nodes, claims, event, name)
    if len(claims) != 1:
        found = "no claim" if not claims else f"{len(claims)} claims"
        raise InputError(name, f"the document holds {found}: imports are merged into exactly one claim")
    target = nodes[claims[0]]
    imports = _distinct_sources(imports)
    footprint = _footprint_to_link(target, imports, document_prefixes(document), name)
    if footprint is not None:
        _check_subject(nodes, target, footprint, document_prefixes(document), name)
    conflicts: list[str] = []
    _add_nodes(nodes, (node for result in imports for node in result.nodes), conflicts)
    if warnings is not None:
        warnings.extend(conflicts)
    events = [e for result in imports for e in result.events]
    target["hasOffsettingEvent"] = _dedupe([*_as_list(target.get("hasOffsettingEvent")), *events])
    entity = target.get("claimedBy")
    period = target.get("hasReportingPeriod")
    for result in imports:
        for event_id in result.events:
            confirmed = result.beneficiary is not None if for_claimant is None else for_claimant
            if confirmed and entity is not None and "retiredOnBehalfOf" not in nodes[event_id]:
                _check_beneficiary(nodes, event_id, entity, document_prefixes(document), result.source)
                lei = _check_lei(nodes, event_id, entity, document_prefixes(document), result.source)
                if lei is not None and warnings is not None:
                    warnings.append(lei)
            suggested = _link(nodes[event_id], result if confirmed else None, period, entity)
            dates = _period_dates(nodes, period)
            suggested = [text for text in suggested if not _within(text, dates)]
            own = _own_years(nodes, nodes[event_id])
            if any(_outside(text, dates, own) for text in suggested):
                # The note names dates beyond the claim's period ("CY2023" for a 2024 claim): linked to the claim's
                # period anyway, the event conformed and the credits counted for both. Fail loudly: the event is
                # left without a period, which the rules report, until the user states it. A bare year ("2025")
                # may be the retirement's own or its credits' vintage, and a fiscal year may be the claim's period
                # (its dates are not known): those keep the warning.
                _unlink_period(nodes[event_id])
                if warnings is not None:
                    warnings.append(
                        f"{event_id}: the registry's note suggests {'; '.join(suggested)}, not the claim's period "
                        f"{_ref(period)}: the event is left without a period; check which period the credits were "
                        "retired for, and state the event's hasReportingPeriod"
                    )
            elif suggested and warnings is not None:
                warnings.append(
                    f"{event_id}: the registry's note suggests {'; '.join(suggested)}, but the event is given the "
                    f"claim's period {_ref(period)}: check which period the credits were retired for, and state the "
                    "event's hasReportingPeriod if it is another"
                )
    if footprint is not None:
        _link_footprint(target, footprint)
        for key in holders:
            nodes[key].setdefault("hasCarbonFootprint", footprint["@id"])
    return {"@context": document.get("@context"), "@graph": list(nodes.values())}


# What --replace may name, the link from the claim to it, and the links to the nodes removed with it.
_REPLACEABLE = {
    "OffsettingEvent": ("hasOffsettingEvent", ("retiresCredit",)),
    "CarbonFootprint": ("hasCarbonFootprint", ("hasEmission", "hasRemoval")),
}


def _replace(nodes: dict[str, dict[str, Any]], claims: list[str], event: str, name: str) -> list[str]:
    """Unlink and remove the offsetting event or carbon footprint ``event``, with the nodes (credits; emissions and
    removals) nothing else links; the claims that relied on it."""
    kind = next((k for k in _REPLACEABLE if event in nodes and k in _types(nodes[event])), None)
    if kind is None:
        events = sorted(k for k, n in nodes.items() if "OffsettingEvent" in _types(n))
        footprints = sorted(k for k, n in nodes.items() if "CarbonFootprint" in _types(n))
        raise InputError(
            name,
            f"no offsetting event {event!r} in the claim (events: {', '.join(events) or 'none'}), nor a carbon "
            f"footprint of that @id (footprints: {', '.join(footprints) or 'none'})",
        )
    link, parts = _REPLACEABLE[kind]
    users = [c for c in claims if event in {_ref(v) for v in _as_list(nodes[c].get(link))}]
    # A footprint is also linked from the report; every link to it goes with it.
    linking = (
        users
        if kind == "OffsettingEvent"
        else [k for k, n in nodes.items() if event in {_ref(v) for v in _as_list(n.get(link))}]
    )
    for key in linking:
        remaining = [v for v in _as_list(nodes[key].get(link)) if _ref(v) != event]
        if remaining or link == "hasOffsettingEvent":
            nodes[key][link] = remaining
        else:
            del nodes[key][link]  # a claim has one footprint: the import's is linked in its place
    owned = {_ref(v) for part in parts for v in _as_list(nodes[event].get(part))}
    del nodes[event]
    if kind == "OffsettingEvent":
        still_used = {_ref(v) for n in nodes.values() for part in parts for v in _as_list(n.get(part))}
    else:  # an emission may also be named elsewhere (a reversal's reclassifiedAs): such a one stays
        still_used = {
            _ref(v) for n in nodes.values() for key, value in n.items() if key != "@id" for v in _as_list(value)
        }
    for node in owned - still_used:
        nodes.pop(node, None)
    return users or claims


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _recorded(comments: Iterable[Any], prefix: str, source: str) -> list[str]:
    """The names an imported event's comments record after ``prefix`` (written as ``repr`` by the import).

    :raises InputError: a recorded name cannot be read (an edited import file): the beneficiary check cannot be
        skipped for it, so nothing is written.
    """
    names: list[str] = []
    for comment in comments:
        text = comment.get("@value") if isinstance(comment, Mapping) else comment
        if not isinstance(text, str) or not text.startswith(prefix):
            continue
        quoted = _QUOTED.match(text, len(prefix))
        if quoted is not None:
            try:
                value = ast.literal_eval(quoted.group())
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                raise InputError(
                    source,
                    f"an event's comment {text[:80]!r} records a name that cannot be read (an edited import file?): "
                    "import the registry file again; nothing written",
                ) from None
            if isinstance(value, str) and value.strip():
                names.append(value)
    return names


def _entity_node(nodes: Mapping[str, Mapping[str, Any]], ref: str, prefixes: Mapping[str, str]) -> Mapping[str, Any]:
    """The node a ``claimedBy`` reference names, written as the node's ``@id`` is or in the other (compact) form."""
    if ref in nodes:
        return nodes[ref]
    wanted = expand_iri(ref, prefixes)
    return next((node for key, node in nodes.items() if expand_iri(key, prefixes) == wanted), {})


def _names(nodes: Mapping[str, Mapping[str, Any]], entity: Any, prefixes: Mapping[str, str]) -> list[str]:
    """The names the claim gives its claiming entity (or entities): ``label``, ``prefLabel`` and ``altLabel``."""
    names: list[str] = []
    for value in _as_list(entity):
        embedded = isinstance(value, Mapping) and len(value) > 1
        node = value if embedded else _entity_node(nodes, _ref(value), prefixes)
        for key in ("label", "prefLabel", "altLabel", "rdfs:label", "skos:prefLabel", "skos:altLabel"):
            for name in _as_list(node.get(key)):
                text = name.get("@value") if isinstance(name, Mapping) else name
                if isinstance(text, str) and text.strip():
                    names.append(text)
    return names


def _check_beneficiary(
    nodes: Mapping[str, Mapping[str, Any]], event_id: str, entity: Any, prefixes: Mapping[str, str], source: str
) -> None:
    """Refuse to make the claiming entity the beneficiary of an event the registry records for someone else.

    The registry's beneficiary field decides (with the name a sentence in it gives, "Retired on behalf of X"); a
    name read from a note counts only when the field names nobody, as when rows are selected. Names are compared
    without case, spacing or punctuation; an event whose registry names nobody is linked as before.

    :raises InputError: the recorded beneficiary is none of the entity's names, or the entity has no name.
    """
    event = nodes[event_id]
    comments = _as_list(event.get("comment"))
    field = _recorded(comments, FIELD_BENEFICIARY, source)
    if field:
        # One event holds one beneficiary's rows; each name it records must be the claimant's.
        recorded = [[name, *filter(None, [on_behalf_of(name)])] for name in field]
    else:  # a note's name; else one the record suggests (ICR's account owner): someone else's is refused too
        notes = _recorded(comments, NOTE_BENEFICIARY, source) or _recorded(comments, SUGGESTED_BENEFICIARY, source)
        recorded = [[name] for name in notes]
    if not recorded:
        return
    names = _names(nodes, entity, prefixes)
    for candidates in recorded:
        if any(same_name(candidate, name) for candidate in candidates for name in names):
            continue
        who = ", ".join(_ref(e) for e in _as_list(entity))
        credits = [_ref(c) for c in _as_list(event.get("retiresCredit"))]
        serials = [str(s) for c in credits for s in _as_list(nodes.get(c, {}).get("serialNumber"))] or credits
        more = f" (and {len(serials) - 1} more)" if len(serials) > 1 else ""
        rows = ", ".join(str(p) for p in _as_list(event.get(PROVENANCE))) or event_id
        retired = f"credit {serials[0] if serials else event_id}{more} ({rows}) is retired for {candidates[0]!r}"
        if not names:
            raise InputError(
                source,
                f"{retired} and the claiming entity {who} has no label to compare it with: give the entity its name "
                "(label) in the claim; nothing written",
            )
        named = " / ".join(repr(n) for n in names)
        parties = several_names(candidates[0])
        if parties:
            raise InputError(
                source,
                f"{retired}, a retirement shared by {len(parties)} parties: its quantity is not the claiming entity "
                f"{who}'s ({named}) alone, so it cannot back this claim (ISO 14068-1 §11.4 e); nothing written: have "
                "the registry retire the claimant's share for it",
            )
        raise InputError(
            source,
            f"{retired}, not for the claiming entity {who} ({named}): it cannot back this claim (ISO 14068-1 "
            "§11.4 e); nothing written: import only the claimant's rows (cn-import --beneficiary), or, if "
            f"{candidates[0]!r} is the claimant under another name, add that name to {who} as altLabel",
        )


# CAD Trust records the beneficiary's legal-entity id (import-formats: "match it to the claimant's LEI"); the import
# keeps it as a comment, and a claim states its entity's as schema.org's leiCode.
_RECORDED_LEI = "unit_retirement_beneficiary_id (LEI) (as written): "
_LEI_KEYS = ("schema:leiCode", "leiCode", "http://schema.org/leiCode", "https://schema.org/leiCode")


def _leis(nodes: Mapping[str, Mapping[str, Any]], entity: Any, prefixes: Mapping[str, str]) -> set[str]:
    found: set[str] = set()
    for value in _as_list(entity):
        node = value if isinstance(value, Mapping) and len(value) > 1 else _entity_node(nodes, _ref(value), prefixes)
        for key in _LEI_KEYS:
            for code in _as_list(node.get(key)):
                text = code.get("@value") if isinstance(code, Mapping) else code
                if isinstance(text, str) and text.strip():
                    found.add("".join(text.split()).upper())
    return found


def _check_lei(
    nodes: Mapping[str, Mapping[str, Any]], event_id: str, entity: Any, prefixes: Mapping[str, str], source: str
) -> str | None:
    """Refuse to link an event whose record names another legal entity (LEI) than the claiming entity's.

    :returns: a warning when the record names an LEI and the claim states none for its entity to compare.
    :raises InputError: the recorded LEI is none of the claiming entity's.
    """
    event = nodes[event_id]
    # The import keeps a record's raw fields on the credits it retires.
    holders = [event, *(nodes.get(_ref(credit), {}) for credit in _as_list(event.get("retiresCredit")))]
    comments = [comment for holder in holders for comment in _as_list(holder.get("comment"))]
    recorded = ["".join(lei.split()).upper() for lei in _recorded(comments, _RECORDED_LEI, source)]
    if not recorded:
        return None
    who = ", ".join(_ref(e) for e in _as_list(entity))
    own = _leis(nodes, entity, prefixes)
    if not own:
        return (
            f"{event_id}: the registry records the beneficiary's legal-entity id (LEI) {recorded[0]}, and the claim "
            f"states none for its claiming entity {who} to compare it with: state it (schema:leiCode) and merge again"
        )
    other = next((lei for lei in recorded if lei not in own), None)
    if other is None:
        return None
    rows = ", ".join(str(p) for p in _as_list(event.get(PROVENANCE))) or event_id
    raise InputError(
        source,
        f"the retirement {rows} is recorded for the legal entity (LEI) {other}, not the claiming entity {who} "
        f"(LEI {' / '.join(sorted(own))}): it cannot back this claim (ISO 14068-1 §11.4 e); nothing written",
    )


_SUGGESTED_PERIOD = "period suggested by the registry's note: "
_ISO_DATE = re.compile(r"(?:19|20)\d{2}-\d{2}-\d{2}")


def _period_dates(nodes: Mapping[str, Mapping[str, Any]], period: Any) -> tuple[str, str] | None:
    """The first and last day of the claim's period ``period`` (``YYYY-MM-DD``), where its node states them."""
    node = nodes.get(_ref(period)) if period is not None else None
    if node is None:
        return None
    values = [node.get(key) for key in ("reportingPeriodStart", "reportingPeriodEnd")]
    days = [_ISO_DATE.match(str(v.get("@value") if isinstance(v, Mapping) else v or "")) for v in values]
    if days[0] is None or days[1] is None:
        return None
    return days[0][0], days[1][0]


def _within(suggestion: str, period: tuple[str, str] | None) -> bool:
    """Whether a suggested period is the claim's period itself (then there is nothing to say): the same two dates
    (month first where written with slashes, as the firm form is), or the calendar year the claim's period is."""
    return period is not None and _span(suggestion, bare_year=True) == period


def _outside(suggestion: str, period: tuple[str, str] | None, own: frozenset[str] = frozenset()) -> bool:
    """Whether a suggested period cannot be the claim's: known dates (two dates, a calendar year, a quarter) that
    reach beyond the claim's period; a bare year that is not the claim's, nor the year of the retirement or of its
    credits' vintage (``own``: "2023" in the note of a 2025 retirement of 2022 credits, for a 2024 claim); or a
    fiscal year that cannot be the claim's period whether it is named by the year it starts or ends in."""
    if period is None:
        return False
    said = suggestion.split(", from ")[0]
    bare = re.fullmatch(r"the year ((?:19|20)\d{2})", said)
    if bare is not None and bare[1] not in own:
        return not (period[0][:4] <= bare[1] <= period[1][:4])
    # The year the note says the emissions are of: a period, even when it is the vintage's or the retirement's year
    # ("Offsetting 2023 emissions" on 2023 credits retired in 2025, for a 2024 claim).
    emissions = re.fullmatch(r"the emissions of the year ((?:19|20)\d{2})", said)
    if emissions is not None:
        return not (period[0][:4] <= emissions[1] <= period[1][:4])
    fiscal = re.fullmatch(r"fiscal year ((?:19|20)\d{2})\b.*", said)
    if fiscal is not None:
        year = int(fiscal[1])
        # FY2023 starts in 2022 or 2023 (named by the year it ends or starts in) and ends in 2023 or 2024.
        return not (str(year - 1) <= period[0][:4] <= str(year) and str(year) <= period[1][:4] <= str(year + 1))
    span = _span(suggestion, bare_year=False)
    return span is not None and not (period[0] <= span[0] and span[1] <= period[1])


def _own_years(nodes: Mapping[str, Mapping[str, Any]], event: Mapping[str, Any]) -> frozenset[str]:
    """The years a bare year in an event's note may name without naming a period: the retirement's, and the vintage
    of each credit it retires."""
    years: set[str] = set()
    retired = event.get("retirementDate")
    retired = retired.get("@value") if isinstance(retired, Mapping) else retired
    if isinstance(retired, str) and re.match(r"\d{4}", retired):
        years.add(retired[:4])
    for credit in _as_list(event.get("retiresCredit")):
        node = nodes.get(_ref(credit), {})
        for key in ("vintageEndYear", "vintageStartYear"):
            value = node.get(key)
            value = value.get("@value") if isinstance(value, Mapping) else value
            if value is not None and re.match(r"\d{4}", str(value)):
                years.add(str(value)[:4])
    return frozenset(years)


def _span(suggestion: str, *, bare_year: bool) -> tuple[str, str] | None:
    """The first and last day of a suggested period whose dates are known, as ISO dates; ``None`` otherwise. A bare
    year ("the year 2025", perhaps the retirement's own) counts only where ``bare_year`` says so."""
    said = suggestion.split(", from ")[0]
    dates = re.fullmatch(r"the dates (\S+) to (\S+)(?: as written)?", said)
    if dates is not None:
        start, end = (_iso(day) for day in dates.groups())
        return (start, end) if start is not None and end is not None else None
    year = re.fullmatch(r"(calendar year|the year|the emissions of the year) ((?:19|20)\d{2})", said)
    if year is not None and (bare_year or year[1] == "calendar year"):
        return f"{year[2]}-01-01", f"{year[2]}-12-31"
    quarter = re.fullmatch(r"quarter ([1-4]) of ((?:19|20)\d{2})", said)
    if quarter is not None:
        first, last = 3 * int(quarter[1]) - 2, 3 * int(quarter[1])
        days = calendar.monthrange(int(quarter[2]), last)[1]
        return f"{quarter[2]}-{first:02d}-01", f"{quarter[2]}-{last:02d}-{days:02d}"
    return None


def _iso(day: str) -> str | None:
    if _ISO_DATE.fullmatch(day):
        return day
    parts = day.split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    return f"{int(parts[2]):04d}-{int(parts[0]):02d}-{int(parts[1]):02d}"


_PERIOD_LINKED = "hasReportingPeriod: the claim's period, because the user merged this import into the claim"


def _unlink_period(node: dict[str, Any]) -> None:
    """Take back the claim's period :func:`_link` gave the event, and say why in its comment."""
    node.pop("hasReportingPeriod", None)
    node["comment"] = [
        "hasReportingPeriod: not given; the registry's note suggests another period than the claim's"
        if text == _PERIOD_LINKED
        else text
        for text in _as_list(node.get("comment"))
    ]


def _link(node: dict[str, Any], confirmed: ImportResult | None, period: Any, entity: Any) -> list[str]:
    """The claim's period and, when the user ``confirmed`` who the retirements were for, the claiming entity.

    :returns: the periods the registry's note suggested, where the event is given the claim's period instead.
    """
    comments = _as_list(node.get("comment"))
    suggested: list[str] = []
    if "hasReportingPeriod" not in node and period is not None:
        node["hasReportingPeriod"] = period
        comments.append(_PERIOD_LINKED)
        suggested = [
            text[len(_SUGGESTED_PERIOD) :].split(" (not a hasReportingPeriod")[0]
            for text in comments
            if isinstance(text, str) and text.startswith(_SUGGESTED_PERIOD)
        ]
    if confirmed is not None and entity is not None and "retiredOnBehalfOf" not in node:
        node["retiredOnBehalfOf"] = entity
        why = (
            f"selected these rows by the beneficiary {confirmed.beneficiary!r}"
            if confirmed.beneficiary is not None
            else "stated that these retirements were made for it"
        )
        comments.append(
            f"retiredOnBehalfOf: the claiming entity, because the user {why} and merged them into its claim"
        )
    node["comment"] = comments
    return suggested


def _footprint_to_link(
    claim: Mapping[str, Any], imports: Sequence[ImportResult], prefixes: Mapping[str, str], name: str
) -> Mapping[str, Any] | None:
    """The imported PACT footprint the claim is to be checked against, whatever the order of files and records.

    A footprint another imported one supersedes (names in ``precedingPfIds``) is never it. One left is linked.

    :raises InputError: several are left (which one the claim is for cannot be told), or the claim already has a
        footprint and the import's would sit in it unchecked.
    """
    found: dict[str, Mapping[str, Any]] = {}
    for result in imports:
        for node in result.nodes:
            if "CarbonFootprint" in _types(node):
                found.setdefault(str(node["@id"]), node)
    # Compared without case: PACT's ids are UUIDs, which one system writes in capitals and another not.
    superseded = {_ref(v).casefold() for node in found.values() for v in _as_list(node.get(REPLACES))}
    left_out = {iri.casefold() for result in imports for iri in result.superseded}
    latest = sorted(key for key in found if key.casefold() not in superseded | left_out)
    if found and not latest and any(key.casefold() in left_out for key in found):
        raise InputError(
            name,
            f"every imported footprint is superseded ({', '.join(sorted(found))}): a later version that was not "
            "imported (Deprecated, or left out for the reason the import gave) names it in precedingPfIds; import "
            "the current version; nothing written",
        )
    if found and not latest:
        # A footprint naming itself, or footprints of several files naming one another: linking none would leave
        # the claim without a footprint (and --replace would already have removed its own).
        raise InputError(
            name,
            f"every imported footprint is superseded by another ({', '.join(sorted(found))}): their precedingPfIds "
            "form a cycle, so which one the claim is for cannot be told; correct precedingPfIds; nothing written",
        )
    if not latest:
        return None
    current = [_ref(v) for v in _as_list(claim.get("hasCarbonFootprint"))]
    if current:
        same = {expand_iri(ref, prefixes) for ref in current} == {expand_iri(key, prefixes) for key in latest}
        if same:
            return None  # the claim's own footprint imported again: its values are merged, the link stands
        raise InputError(
            name,
            f"the claim already has the footprint {', '.join(current)}: the imported footprint {', '.join(latest)} "
            f"would sit beside it unchecked; to check the claim against the import, give --replace {current[0]} "
            "(or remove the claim's hasCarbonFootprint first); nothing written",
        )
    if len(latest) > 1:
        raise InputError(
            name,
            f"the imports hold {len(latest)} footprints, none superseded by another ({', '.join(latest)}): a claim is "
            "checked against one, and which cannot be told; import only the claim's footprint (a later version "
            "names the earlier in precedingPfIds); nothing written",
        )
    return found[latest[0]]


def _products(footprint: Mapping[str, Any]) -> list[str]:
    """The product an imported PACT footprint is of, as its comment records it."""
    return [
        text[len(PRODUCT_COMMENT) :]
        for text in (c.get("@value") if isinstance(c, Mapping) else c for c in _as_list(footprint.get("comment")))
        if isinstance(text, str) and text.startswith(PRODUCT_COMMENT)
    ]


_SAME_AS_KEYS = ("owl:sameAs", "http://www.w3.org/2002/07/owl#sameAs")


def _check_subject(
    nodes: Mapping[str, Mapping[str, Any]],
    claim: Mapping[str, Any],
    footprint: Mapping[str, Any],
    prefixes: Mapping[str, str],
    name: str,
) -> None:
    """Refuse a product's footprint for a claim about another subject: no rule could tell it is not the subject's.

    :raises InputError: the claim's subject is neither the product nor declared owl:sameAs it.
    """
    products = {expand_iri(product, prefixes) for product in _products(footprint)}
    subjects = [_ref(value) for value in _as_list(claim.get("hasSubject"))]
    if not products or not subjects:
        return
    # owl:sameAs stated either way round between the claim's subject and the product (a node reference: a string
    # value of owl:sameAs is a literal, which links nothing).
    same = {
        frozenset({expand_iri(ref, prefixes), expand_iri(_ref(value), prefixes)})
        for ref, node in nodes.items()
        for key in _SAME_AS_KEYS
        for value in _as_list(node.get(key))
        if isinstance(value, Mapping) and "@id" in value
    }
    for subject in (expand_iri(subject, prefixes) for subject in subjects):
        if subject in products or any(frozenset({subject, product}) in same for product in products):
            return
    product = sorted(products)[0]
    raise InputError(
        name,
        f"the claim is about {subjects[0]}, but the imported footprint is of the product {product}: an organisation's "
        "footprint covers all its emissions (ISO 14064-1), and a product's claim is checked against that product's; "
        f"make the claim's hasSubject {product} (or state the subject owl:sameAs it) if it is that product; "
        "nothing written",
    )


def _link_footprint(claim: dict[str, Any], footprint: Mapping[str, Any]) -> None:
    """The footprint becomes the claim's footprint, and its product the subject where the claim has none."""
    claim["hasCarbonFootprint"] = footprint["@id"]
    products = _products(footprint)
    if products and "hasSubject" not in claim:
        claim["hasSubject"] = products[0]


def _dedupe(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if _ref(value) not in {_ref(s) for s in seen}:
            seen.append(value)
    return seen


def read_import(path: Path | str) -> ImportResult:
    """An import written earlier as JSON-LD (``cn-import -o FILE``), to merge it into a claim later.

    :raises InputError: the file is not a JSON-LD document in the comet-cn context whose ``@graph`` nodes each have
        an ``@id`` and the ``dcterms:source`` cn-import writes, or it holds a claim (the claim goes first).
    """
    path = Path(path)  # a path given as text, as most callers have it
    name = str(path)
    try:
        text, decoded = read_text(path)
    except InputError as error:
        if error.problem.startswith("binary data"):  # a workbook or other binary file given as an import
            raise InputError(name, f"binary data, {_NOT_AN_IMPORT}") from None
        raise
    if not text.lstrip().startswith(("{", "[")):
        found = detect_csv(first_row(text))
        hint = f"run cn-import {found} {path.name} -o FILE.jsonld first" if found else "run cn-import on it first"
        raise InputError(name, f"{_NOT_AN_IMPORT}: {hint}")
    document = parse_json(text, name) if not decoded else None
    if not isinstance(document, dict) or not _uses_our_context(document.get("@context")):
        raise InputError(name, f"{_NOT_AN_IMPORT} in the comet-cn context")
    graph = document.get("@graph")
    if not isinstance(graph, list) or not all(isinstance(n, dict) and "@id" in n for n in graph):
        raise InputError(name, "the imported document needs a @graph of nodes with @id")
    for node in graph:
        if _types(node) & _CLAIM_TYPES:
            raise InputError(name, f"holds a claim ({node['@id']}), {_NOT_AN_IMPORT}: give the claim first")
        # Every node cn-import writes says where it was read from; without it a finding could not be traced back.
        if PROVENANCE not in node:
            raise InputError(name, f"node {node['@id']} has no {PROVENANCE}: {_NOT_AN_IMPORT}")
    provenance = {str(n["@id"]): tuple(str(p) for p in _as_list(n.get(PROVENANCE))) for n in graph}
    return ImportResult(
        format="json-ld", source=path.name, nodes=tuple(graph), provenance=provenance, selected=len(graph)
    )


_NOT_AN_IMPORT = "not a document written by cn-import (-f jsonld)"

#: The forms a merged claim is written in (those of cn-convert).
MERGED_FORMATS: tuple[Format, ...] = ("jsonld", "turtle", "nt", "xlsx", "yaml")


def merged_format(output: Path | None, given: str | None = None) -> Format:
    """The form to write a merged claim in, chosen as cn-convert chooses: ``given`` (jsonld, turtle, ttl, nt, xlsx,
    yaml), else the suffix of ``output``; JSON-LD for standard output or a suffix that names no form.

    :raises InputError: ``given`` is no known form.
    """
    if given is not None:
        return format_of(output or "-", given)
    if output is not None and output.suffix.lower() in CLAIM_FORMATS:
        return CLAIM_FORMATS[output.suffix.lower()]
    return "jsonld"


def render_merged(document: Mapping[str, Any], fmt: Format) -> str | bytes:
    """A merged (or imported) document in ``fmt``: text, or the bytes of a claim workbook for ``"xlsx"``.

    JSON-LD is written as the merge made it; the other forms go through :mod:`comet_cn.convert`, which keeps every
    triple and lexical form, so the written claim validates as the document would.
    """
    if fmt == "jsonld":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return render(claim_data(document), fmt)
