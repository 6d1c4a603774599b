"""PACT (WBCSD Pathfinder) v3 ProductFootprint → a product subject and its carbon footprint for the PCF's period.

Every PACT emission figure is kgCO2e **per declared unit** (``declaredUnitAmount`` × ``declaredUnitOfMeasurement``,
e.g. 12.5 liter). PACT has no production volume, so tonnes for a claim need the user's quantity of product in the
period (in the declared unit of measurement): ``t = kg per declared unit × quantity ÷ (declaredUnitAmount × 1000)``,
multiplied first so an exact result stays exact. A figure or quantity beyond 10^±30 is refused as a slip.
Without it the footprint's total is left unsaid. The reference period's end is exclusive by the specification;
an end at midnight on the first of a month becomes the previous day, and a warning says so either way. A boundary
at another time (a local midnight written in UTC, ``2023-12-31T23:00:00Z``) is read as the nearest midnight.

This module implements the PACT Technical Specification v3, © WBCSD; the test fixtures are our own, not WBCSD's
examples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from comet_cn.errors import InputError
from comet_cn.importers.model import PROVENANCE, Excluded, Parsed
from comet_cn.importers.reading import iso_date, number, records
from comet_cn.namespaces import IMPORTED

__all__ = ["KEYS", "NAME", "PRODUCT_COMMENT", "REPLACES", "looks_like", "parse", "quantity_problem"]

NAME = "pact"
KEYS = ("specVersion", "pcf")

_BASE = f"{IMPORTED}pact:"
#: The key of the footprints a footprint supersedes (its ``precedingPfIds``), as IRIs.
REPLACES = "dcterms:replaces"
#: How a footprint's comment names its product (read back by a merge to make that product the claim's subject).
PRODUCT_COMMENT = "product: "

# PACT v2 names: a v2 document means something else by its figures (per one unit of measure), so it is refused.
_V2_NAMES = (
    "pCfExcludingBiogenic",
    "pCfIncludingBiogenic",
    "declaredUnit",
    "unitaryProductAmount",
    "biogenicCarbonWithdrawal",
    "assurance",
)
_EMISSIONS = (
    ("fossilGhgEmissions", "fossil GHG emissions"),
    ("landUseChangeGhgEmissions", "land use change GHG emissions"),
    ("landManagementBiogenicCO2Emissions", "land management biogenic CO2 emissions"),
    ("biogenicNonCO2Emissions", "biogenic non-CO2 emissions"),
)
# Negative numbers in PACT; a removal states its absolute value.
_REMOVALS = (
    ("landManagementBiogenicCO2Removals", "land management biogenic CO2 removals"),
    ("technologicalCO2Removals", "technological CO2 removals"),
    ("ccsTechnologicalCO2Capture", "CCS technological CO2 capture"),
)


# No figure of a footprint, nor a quantity of product, is 10^31 or 10^-31 of its unit: beyond that a number is a
# typing slip ("1E-999999"), and exact arithmetic on it overflows or writes megabytes of digits.
_EXPONENT_LIMIT = 30


def quantity_problem(value: Decimal) -> str | None:
    """Why a number cannot be a product quantity, in words that follow it ("1E+999999 is out of range …"):
    not finite, not positive, or beyond 10^±30; else ``None``."""
    if not value.is_finite():
        return "is not a number"
    if value <= 0:
        return "is not positive"
    return _out_of_range(value)


def _out_of_range(value: Decimal) -> str | None:
    if value and not -_EXPONENT_LIMIT <= value.adjusted() <= _EXPONENT_LIMIT:
        return f"is out of range (beyond 10^±{_EXPONENT_LIMIT}): check its exponent and write it as an ordinary decimal"
    return None


def _figure(pcf: Mapping[str, Any], key: str, where: str) -> Decimal | None:
    """A PACT decimal field, or ``None`` when missing or not a number.

    :raises InputError: the number is beyond 10^±30 (one line naming the footprint and the field).
    """
    raw = pcf.get(key)
    text = "" if raw is None else str(raw).strip()
    try:
        written = Decimal(text)
    except InvalidOperation:
        written = None
    if written is not None and written.is_finite():
        problem = _out_of_range(written)
        if problem is not None:
            raise InputError(where, f"{key} {text} {problem}")
    return number(text)


def looks_like(record: Mapping[str, Any]) -> bool:
    return "specVersion" in record and "pcf" in record


def parse(document: Any, source: str, quantity: Decimal | None) -> Parsed:
    nodes: list[dict[str, Any]] = []
    excluded: list[Excluded] = []
    warnings: list[str] = []
    kept: list[tuple[str, Mapping[str, Any]]] = []
    # The footprints a record left out supersedes: it is not imported, but what it says of its predecessors stands
    # (A Active, then B naming A, itself Deprecated, or without PACT's status, or exempting too much: A is not the
    # current version). Applied until nothing changes: a footprint left out as superseded passes it on to its own.
    superseded: dict[str, str] = {}

    def left_out(where: str, footprint: Mapping[str, Any], reason: str) -> None:
        excluded.append(Excluded(where, reason))
        for earlier in _preceding(footprint):
            superseded.setdefault(earlier.casefold(), f"{footprint.get('id')!r} ({where})")

    for position, footprint in records(document, ("data",), source):
        where = f"{source}:{position}"
        _check_version(footprint, where)
        written = footprint.get("status")
        status = str(written if written is not None else "").strip()
        if status.casefold() == "deprecated":  # "deprecated" or "DEPRECATED" is superseded too
            left_out(where, footprint, f"status {status!r}: a superseded footprint")
            continue
        if status.casefold() != "active":
            # PACT has two statuses; any other (or none) says nothing of whether the footprint is the current one.
            why = f"status {status!r} is neither Active nor Deprecated" if status else "it has no status"
            left_out(where, footprint, f"{why} (PACT requires one of the two): whether it is current is unknown")
            continue
        problem = _exemption_problem(footprint.get("pcf"))
        if problem is not None:
            left_out(where, footprint, problem)
            continue
        kept.append((where, footprint))
    changed = True
    while changed:
        changed = False
        for where, footprint in list(kept):
            later = superseded.get(str(footprint.get("id") or "").casefold())
            if later is not None:
                kept.remove((where, footprint))
                left_out(where, footprint, f"superseded by footprint {later}, which names it in precedingPfIds")
                changed = True
    _check_succession(kept, source)
    if quantity is not None:
        _one_product(kept, source)
    for where, footprint in kept:
        nodes.extend(_footprint(footprint, where, quantity, warnings))
    if quantity is None and nodes:
        warnings.append(
            f"{source}: no product quantity given: the footprint's tonnesCO2e is left out (PACT figures are per "
            "declared unit; give the quantity of product in the period)"
        )
    # What the records left out supersede, for a merge of several files (a later version Deprecated in another).
    replaced = tuple(sorted(_BASE + "footprint:" + quote(ident, safe="-_.") for ident in superseded))
    return Parsed((), tuple(excluded), tuple(warnings), tuple(nodes), superseded=replaced)


def _preceding(footprint: Mapping[str, Any]) -> list[str]:
    """The ids of the footprints this one supersedes (its ``precedingPfIds``)."""
    listed = footprint.get("precedingPfIds")
    return [str(p) for p in listed if p] if isinstance(listed, list) else []


def _check_succession(kept: list[tuple[str, Mapping[str, Any]]], source: str) -> None:
    """Refuse a footprint that supersedes itself, and footprints that supersede one another in a cycle (A names C in
    its precedingPfIds, C names A): each would be superseded, so the claim would be left with no footprint.

    :raises InputError: naming the footprint, or the cycle's ids.
    """
    edges: dict[str, list[str]] = {}
    for where, footprint in kept:
        ident = str(footprint.get("id") or "")
        if not ident:
            continue
        if ident in _preceding(footprint):
            raise InputError(
                where,
                f"footprint {ident!r} names itself in precedingPfIds: a footprint cannot supersede itself; remove "
                "its own id",
            )
        edges[ident] = _preceding(footprint)
    cycle = _cycle(edges)
    if cycle is not None:
        raise InputError(
            source,
            f"the footprints supersede one another in a cycle ({' -> '.join(cycle)} in precedingPfIds): none of them "
            "is the latest, so which one the claim is for cannot be told; correct precedingPfIds",
        )


def _cycle(edges: Mapping[str, list[str]]) -> list[str] | None:
    """A cycle of ids in the graph of ``edges`` (id → the ids it supersedes), first id repeated last; else ``None``."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once all it reaches is explored
    for root in edges:
        if root in state:
            continue
        path, pending = [root], [iter(edges[root])]
        state[root] = "open"
        while pending:
            step = next(pending[-1], None)
            if step is None:
                state[path.pop()] = "done"
                pending.pop()
            elif state.get(step) == "open":
                return [*path[path.index(step) :], step]
            elif step in edges and step not in state:
                state[step] = "open"
                path.append(step)
                pending.append(iter(edges[step]))
    return None


def _product_and_unit(footprint: Mapping[str, Any], where: str) -> str:
    """What one quantity of product is a quantity of: the footprint's product ids and its declared unit."""
    pcf = footprint["pcf"]
    products = sorted(_product_ids(footprint, where)) or [str(footprint.get("id") or "?")]
    return f"{', '.join(products)} per {pcf.get('declaredUnitAmount')} {pcf.get('declaredUnitOfMeasurement')}"


_JSON_KINDS = {str: "a string", dict: "an object", bool: "true or false", int: "a number", Decimal: "a number"}


def _product_ids(footprint: Mapping[str, Any], where: str) -> list[str]:
    """The footprint's productIds, an array of ids by the specification.

    :raises InputError: productIds is not an array (a bare string would be read a letter at a time as many products).
    """
    listed = footprint.get("productIds")
    if listed is None:
        return []
    if not isinstance(listed, list):
        raise InputError(
            where,
            f"productIds is {_JSON_KINDS.get(type(listed), 'a value')} {str(listed)[:60]!r}, not an array of ids as "
            "PACT gives it: "
            'write it as a list, e.g. ["urn:…"]',
        )
    return [str(p) for p in listed if p]


def _one_product(footprints: list[tuple[str, Mapping[str, Any]]], source: str) -> None:
    """Refuse one quantity for footprints of several products or declared units: it would be the quantity of each.

    :raises InputError: naming the products and units.
    """
    kinds = sorted({_product_and_unit(footprint, where) for where, footprint in footprints})
    if len(kinds) > 1:
        raise InputError(
            source,
            f"one product quantity cannot apply to footprints of {len(kinds)} products or declared units "
            f"({'; '.join(kinds)}): import each footprint on its own, with its own quantity (--quantity)",
        )


def _check_version(footprint: Mapping[str, Any], where: str) -> None:
    version = str(footprint.get("specVersion", ""))
    pcf = footprint.get("pcf")
    if not isinstance(pcf, Mapping):
        raise InputError(where, "the ProductFootprint has no pcf object")
    if not version.startswith("3."):
        raise InputError(where, f"PACT specVersion {version!r}: only v3 footprints are read (v2 figures differ)")
    mixed = sorted(name for name in _V2_NAMES if name in pcf)
    if mixed:
        raise InputError(where, f"specVersion {version} but PACT v2 field names ({', '.join(mixed)}): refused")


def _footprint(
    footprint: Mapping[str, Any], where: str, quantity: Decimal | None, warnings: list[str]
) -> list[dict[str, Any]]:
    pcf: Mapping[str, Any] = footprint["pcf"]
    ident = str(footprint.get("id") or where)
    amount = _figure(pcf, "declaredUnitAmount", where)
    raw_unit = pcf.get("declaredUnitOfMeasurement")
    unit = raw_unit.strip() if isinstance(raw_unit, str) else ""
    if amount is None or amount <= 0:
        raise InputError(where, f"declaredUnitAmount {pcf.get('declaredUnitAmount')!r} is not a positive number")
    if not unit:
        # Every figure is per declared unit: without its unit of measurement no figure can be read.
        raise InputError(
            where, f"declaredUnitOfMeasurement {raw_unit!r} names no unit (liter, kilogram, piece, …): add it"
        )
    total = _figure(pcf, "pcfExcludingBiogenicUptake", where)
    if total is None:
        raise InputError(where, "pcfExcludingBiogenicUptake is missing or not a number")
    _check_sums(pcf, total, where, warnings)
    exempted = _exempted(pcf, where, warnings)
    product_ids = _product_ids(footprint, where)
    product_id = product_ids[0] if product_ids else _BASE + "product:" + quote(ident, safe="-_.")
    footprint_id = _BASE + "footprint:" + quote(ident, safe="-_.")
    product: dict[str, Any] = {"@id": product_id, "@type": "Product", PROVENANCE: where}
    if len(product_ids) > 1:
        # Every entry of productIds identifies the product (a GTIN, a company's own URN): one product, many names.
        product["owl:sameAs"] = [{"@id": other} for other in product_ids[1:]]
    if footprint.get("productNameCompany"):
        product["label"] = str(footprint["productNameCompany"])
    product["comment"] = [
        f"{key} (as written): {footprint[key]!r}"
        for key in ("productDescription", "companyName", "productIds", "companyIds")
        if footprint.get(key)
    ]
    node: dict[str, Any] = {
        "@id": footprint_id,
        "@type": "CarbonFootprint",
        "declaredUnit": f"{_plain(amount)} {unit}",
        # PACT product footprints are cradle-to-gate by the specification's definition.
        "lifeCycleScope": "PartialLifeCycle",
    }
    preceding = _preceding(footprint)
    if preceding:
        # The footprints this one supersedes: a merge never links one of them while this one is imported.
        node[REPLACES] = [{"@id": _BASE + "footprint:" + quote(p, safe="-_.")} for p in preceding]
    standards = [str(s) for s in pcf.get("crossSectoralStandards") or []]
    if "ISO14067" in standards:
        node["quantificationStandard"] = "ISO_14067"
    nodes: list[dict[str, Any]] = [product]
    period = _period(pcf, where, warnings)
    if period is not None:
        start, end = period
        period_id = f"{_BASE}period:{start.isoformat()}:{end.isoformat()}"
        node["hasReportingPeriod"] = period_id
        nodes.append(
            {
                "@id": period_id,
                "@type": "ReportingPeriod",
                "reportingPeriodStart": start.isoformat(),
                "reportingPeriodEnd": end.isoformat(),
                "comment": ["the PACT reference period (the period the PCF data represent), end made inclusive"],
                PROVENANCE: where,
            }
        )
    comments = [
        f"pcfExcludingBiogenicUptake (as written): {pcf.get('pcfExcludingBiogenicUptake')!r} kgCO2e per declared unit",
        *(f"{PRODUCT_COMMENT}{name}" for name in (product_ids or [product_id])),
    ]
    if quantity is not None:
        tonnes = _tonnes(total, quantity, amount)
        if total and not tonnes:
            raise InputError(
                where, f"pcfExcludingBiogenicUptake × {_plain(quantity)} {unit} ÷ {_plain(amount)} rounds to 0 t"
            )
        node["tonnesCO2e"] = _plain(tonnes)
        comments.append(
            f"tonnesCO2e = pcfExcludingBiogenicUptake × {_plain(quantity)} {unit} ÷ {_plain(amount)} ÷ 1000"
        )
        parts = _parts(pcf, footprint_id, quantity, amount, where, warnings)
        emissions = [p["@id"] for p in parts if p["@type"] == "GHGEmission"]
        removals = [p["@id"] for p in parts if p["@type"] == "GHGRemoval"]
        if emissions:
            node["hasEmission"] = emissions
        if removals:
            node["hasRemoval"] = removals
        nodes.extend(parts)
    comments.extend(
        f"{key} (as written): {value!r}"
        for key, value in (
            ("id", footprint.get("id")),
            ("precedingPfIds", preceding),
            ("specVersion", footprint.get("specVersion")),
            ("crossSectoralStandards", standards),
            ("verification", pcf.get("verification")),
            ("exemptedEmissionsPercent", exempted),
            ("exemptedEmissionsDescription", pcf.get("exemptedEmissionsDescription")),
        )
        if value
    )
    node["comment"] = comments
    node[PROVENANCE] = where
    return [node, *nodes]


def _exemption_problem(pcf: object) -> str | None:
    """Why a footprint's exemption leaves it unusable: PACT allows 0 to 5 % of emissions exempted; beyond that (or a
    share that is not a number) the figures leave out an unknown or large part of the emissions."""
    raw = pcf.get("exemptedEmissionsPercent") if isinstance(pcf, Mapping) else None
    if raw is None or raw == "":
        return None
    try:
        share = Decimal(str(raw).strip())
    except InvalidOperation:
        return f"exemptedEmissionsPercent {raw!r} is not a number: the share of emissions left out is unknown"
    if not share.is_finite() or share < 0 or share > 5:
        return (
            f"exemptedEmissionsPercent {raw!r} is outside PACT's 0 to 5: the footprint leaves out an unknown or large "
            "share of its emissions, and a claim cannot rest on it"
        )
    return None


def _exempted(pcf: Mapping[str, Any], where: str, warnings: list[str]) -> object:
    """``exemptedEmissionsPercent`` as written, warned about when it leaves emissions out of the figures.

    PACT lets a footprint exempt up to 5 % of its emissions (``exemptedEmissionsDescription`` says which): the figures
    then leave them out, and an exclusion is justified in the claim's report (ISO 14068-1 §8.2 d) or added back.
    """
    raw = pcf.get("exemptedEmissionsPercent")
    if raw is None or raw == "":
        return None
    # A share that is not a number or outside 0 to 5 left the footprint out already (_exemption_problem).
    share = Decimal(str(raw).strip())
    if share > 0:
        warnings.append(
            f"{where}: the footprint exempts {_plain(share)} % of its emissions (exemptedEmissionsPercent; "
            f"{pcf.get('exemptedEmissionsDescription') or 'no description'}): its figures leave them out; justify "
            "the exclusion in the claim's report (ISO 14068-1 §8.2 d) or add them"
        )
    return raw


def _tonnes(kilograms_per_declared_unit: Decimal, quantity: Decimal, amount: Decimal) -> Decimal:
    """kgCO2e per declared unit × quantity ÷ (declared unit amount × 1000): multiplied first, so that an exact
    result stays exact (0.3 × 1000 ÷ 3000 is 0.1, where 1000 ÷ 3 first would give 0.0999…)."""
    return kilograms_per_declared_unit * quantity / (amount * 1000)


def _parts(
    pcf: Mapping[str, Any],
    footprint_id: str,
    quantity: Decimal,
    amount: Decimal,
    where: str,
    warnings: list[str],
) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for names, node_type in ((_EMISSIONS, "GHGEmission"), (_REMOVALS, "GHGRemoval")):
        for key, label in names:
            value = _figure(pcf, key, where)
            if value is None or value == 0:
                continue
            if node_type == "GHGRemoval" and value > 0:
                warnings.append(
                    f"{where}: {key} {_plain(value)} is positive, but PACT writes removals as negative numbers: read "
                    "as a removal of its absolute value; check the sign"
                )
            elif node_type == "GHGEmission" and value < 0:
                # Its absolute value would add tonnes the footprint's total does not have: kept as written, so the
                # parts still add up to the total and CN-BAL-01 reports the negative emission.
                warnings.append(
                    f"{where}: {key} {_plain(value)} is negative, but an emission is zero or more (PACT states "
                    "removals in their own fields): kept as written, a negative emission (CN-BAL-01 reports it); "
                    "check the sign"
                )
            parts.append(
                {
                    "@id": f"{footprint_id}:{key}",
                    "@type": node_type,
                    "label": label,
                    # A removal is stated as its size (PACT writes it negative); an emission as written.
                    "tonnesCO2e": _plain(_tonnes(abs(value) if node_type == "GHGRemoval" else value, quantity, amount)),
                    PROVENANCE: where,
                }
            )
    return parts


def _check_sums(pcf: Mapping[str, Any], total: Decimal, where: str, warnings: list[str]) -> None:
    """The specification's identities: the excluding total is the sum of its parts; including adds the uptake."""
    parts = [_figure(pcf, key, where) for key, _ in (*_EMISSIONS, *_REMOVALS)]
    for (key, _), part in zip((*_EMISSIONS, *_REMOVALS), parts, strict=True):
        if part is None and pcf.get(key) not in (None, ""):
            # A part that cannot be read is not zero: left out, the parts no longer say what the total is made of.
            raise InputError(where, f"{key} {pcf.get(key)!r} is not a number: correct it (or leave the field out)")
    present = [p for p in parts if p is not None]
    if present and sum(present, Decimal(0)) != total:
        warnings.append(
            f"{where}: pcfExcludingBiogenicUptake {_plain(total)} is not the sum of its parts "
            f"({_plain(sum(present, Decimal(0)))})"
        )
    including = _figure(pcf, "pcfIncludingBiogenicUptake", where)
    uptake = _figure(pcf, "biogenicCO2Uptake", where)
    if including is not None and uptake is not None and total + uptake != including:
        warnings.append(
            f"{where}: pcfIncludingBiogenicUptake {_plain(including)} is not pcfExcludingBiogenicUptake plus "
            f"biogenicCO2Uptake ({_plain(total + uptake)})"
        )


# The time of a boundary's timestamp, as written (its offset not applied).
_TIME = re.compile(r"[Tt ]([0-9]{2}):([0-9]{2})")


def _boundary(text: str, key: str, where: str, warnings: list[str]) -> tuple[date | None, bool]:
    """A reference period's boundary as a day, and whether it falls at midnight. A period is whole days; PACT
    writes its boundaries as UTC instants, so a company's local midnight is written as 23:00 the day before in
    CET (``2023-12-31T23:00:00Z`` starts 2024 in Berlin): a time from noon on is read as the next midnight (any
    zone is within 14 hours), and a time before noon as that day's, with a warning (red team 94a: the whole year
    2024 written so was read as from 2023-12-31, and the claim for 2024 refused)."""
    day = iso_date(text)
    match = _TIME.search(text.strip(), 10)
    if day is None or match is None:
        return day, day is not None
    minutes = int(match[1]) * 60 + int(match[2])
    if minutes == 0:
        return day, True
    if minutes >= 12 * 60:
        rounded = day + timedelta(days=1)
        warnings.append(f"{where}: {key} {text} read as the nearest midnight, {rounded.isoformat()} (a local midnight)")
        return rounded, True
    warnings.append(f"{where}: {key} {text} read as the nearest midnight, {day.isoformat()} (a local midnight)")
    return day, True


def _period(pcf: Mapping[str, Any], where: str, warnings: list[str]) -> tuple[date, date] | None:
    start_text = str(pcf.get("referencePeriodStart", ""))
    end_text = str(pcf.get("referencePeriodEnd", ""))
    start, _ = _boundary(start_text, "referencePeriodStart", where, warnings)
    end, midnight = _boundary(end_text, "referencePeriodEnd", where, warnings)
    if start is None or end is None:
        warnings.append(f"{where}: no readable reference period: the footprint's period is left out")
        return None
    if midnight and end.day == 1:
        end = end - timedelta(days=1)
        warnings.append(f"{where}: referencePeriodEnd {end_text} is exclusive: the period ends on {end.isoformat()}")
    else:
        warnings.append(f"{where}: referencePeriodEnd {end_text} read as the inclusive end date {end.isoformat()}")
    if end < start:
        warnings.append(f"{where}: the reference period ends before it starts: the period is left out")
        return None
    return start, end


def _plain(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
