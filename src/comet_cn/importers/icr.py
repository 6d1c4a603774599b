"""International Carbon Registry (ICR) API retirement records.

A ``serialization`` names a project-vintage class of units, not a range: a retirement is told apart by its ``id``,
and the amounts retired under one serialization are summed, never compared as ranges. ``amount`` may be fractional.
Ex post is explicit on inventory items (``type`` ``exPost``/``exAnte``) when they are supplied; otherwise it follows
ICR's rule that only activated (ex-post) credits can be retired. No adjustment field; the ``A``/``R`` letter in the
serialization is not read as a credit type (its meaning is not confirmed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from comet_cn.errors import InputError
from comet_cn.importers.attribution import (
    beneficiary_or_none,
    note_period,
    on_behalf_of,
    suggest_period,
)
from comet_cn.importers.building import duplicate_key
from comet_cn.importers.fields import not_offsetting, not_positive, notes, unread_year
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import number, records, utc_date, year
from comet_cn.serials import icr_serialization

__all__ = ["KEYS", "NAME", "SCHEME", "looks_like", "parse"]

NAME = "icr"
SCHEME = "icr"
KEYS = ("serialization", "createdAt", "amount")

REGISTRY = Organisation("icr", "International Carbon Registry (ICR)")
PROGRAMME = Organisation("icr", "International Carbon Registry (ICR) programme")


def looks_like(record: Mapping[str, Any]) -> bool:
    return "serialization" in record and "createdAt" in record


def _claimed(value: Any, where: str, warnings: list[str]) -> bool:
    """Whether the retirement is claimed (only a claimed one names its beneficiary).

    A string ``"true"``/``"false"`` is read as its value: a plain truth test would make ``"false"`` claimed. Any
    other value is neither, so the beneficiary is kept as written and a warning says so; absent means claimed.
    """
    if value is None or isinstance(value, bool):
        return value is not False
    text = str(value).strip().casefold()
    if text in ("true", "false"):
        return text == "true"
    warnings.append(
        f"{where}: isClaimed {value!r} is neither true nor false: the beneficiary is kept as written; check the record"
    )
    return True


#: The members of an object that may hold the retirements (the API's list endpoints).
_ENVELOPES = ("retirements", "data", "items")


def _refuse_other_envelope(document: Any, source: str) -> None:
    """Refuse an object that is no retirement but holds a list of records under another name (``{"results": […]}``):
    read as one record, it would be one retirement without a date, and its records would be lost unsaid.

    :raises InputError: naming the member.
    """
    if not isinstance(document, Mapping) or looks_like(document) or any(k in document for k in _ENVELOPES):
        return
    held = [k for k, v in document.items() if isinstance(v, list) and v and isinstance(v[0], Mapping)]
    wrapper = next((k for k in held if k != "inventory"), None)
    if wrapper is not None:
        raise InputError(
            source,
            f"the records are under {wrapper!r}, which is not where ICR retirements are read from: give the list "
            f"of retirements, or an object holding it under {', '.join(repr(k) for k in _ENVELOPES)}",
        )


def _owner(value: Any) -> str | None:
    """The name of the organisation that owns the retirement (``organizationOwner.fullName``), if it gives one."""
    name = value.get("fullName") if isinstance(value, Mapping) else value
    return beneficiary_or_none(name) if isinstance(name, str) else None


def _inventory(document: Any, source: str) -> dict[str, tuple[str, ...]]:
    """The inventory items' types per serialization key, every type written kept (first written first)."""
    inventory: dict[str, dict[str, None]] = defaultdict(dict)
    if isinstance(document, Mapping):
        for _, item in records(document.get("inventory", []), (), source):
            if item.get("serialization") and item.get("type"):
                written = str(item["serialization"]).strip()
                inventory[icr_serialization(written) or written][str(item["type"]).strip()] = None
    return {key: tuple(kinds) for key, kinds in inventory.items()}


def _ex_post(kinds: tuple[str, ...], where: str, serialization: str, warnings: list[str]) -> Fact | None:
    """Ex post from the inventory's type; left unstated (CN-EXPOST-01 asks for it) where the items disagree."""
    if not kinds:
        return Fact(True, "inferred: programme rule (ICR retires only activated, ex-post credits)")
    read = {kind.casefold() for kind in kinds}
    if len(read) == 1 and read <= {"expost", "exante"}:
        return Fact(read == {"expost"}, f"registry field inventory type {kinds[0]!r}")
    # Which item is right cannot be told from the file: taking the last one made the verdict follow record order.
    shown = " and ".join(repr(kind) for kind in kinds)
    warnings.append(
        f"{where}: the inventory gives serialization {serialization!r} the type{'s' if len(kinds) > 1 else ''} "
        f"{shown}: ex post left unstated; state isExPostCredit from the registry's record"
    )
    return None


def parse(document: Any, source: str) -> Parsed:
    inventory = _inventory(document, source)
    _refuse_other_envelope(document, source)
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    keyed: list[tuple[str, Retirement]] = []
    for position, record in records(document, _ENVELOPES, source):
        where = f"{source}:{position}"
        created = str(record.get("createdAt") or "")
        retired_on, said = utc_date(created)
        if retired_on is None:
            excluded.append(Excluded(where, f"createdAt {created!r} is not a timestamp"))
            continue
        reason = str(record.get("reason") or "")
        comment = str(record.get("comment") or "")
        # A reason naming compliance, CORSIA or an NDC offsets nothing, as every registry's reason field is read;
        # nor does a retirement whose comment names the obligation it meets.
        use = not_offsetting("reason", reason) or not_offsetting("comment", comment, free_text=True)
        if use is not None:
            excluded.append(Excluded(where, use))
            continue
        warnings: list[str] = []
        if said:
            warnings.append(f"{where}: createdAt {created!r} {said}")
        serialization = str(record.get("serialization") or "").strip()
        key = icr_serialization(serialization) if serialization else None
        if serialization and key is None:
            warnings.append(f"{where}: serialization {serialization!r} is not in ICR's form")
        amount = record.get("amount")
        quantity = number(amount if isinstance(amount, (int, Decimal, str)) else None)
        if quantity is None:
            shown = str(amount) if isinstance(amount, Decimal) else amount  # as written, not as Python's Decimal
            warnings.append(f"{where}: amount {shown!r} is not a number")
        elif quantity <= 0:
            warnings.append(not_positive(where, "amount", quantity))
        vintage_value = record.get("vintage")
        vintage = year(vintage_value if isinstance(vintage_value, (str, int, Decimal)) else None)
        vintage_text = "" if vintage_value is None else str(vintage_value)
        if vintage is None:
            warnings.append(unread_year(where, "vintage", vintage_text, "a four-digit year", "vintageEndYear"))
        claimed = _claimed(record.get("isClaimed"), where, warnings)
        written = beneficiary_or_none(str(record.get("beneficiary") or ""))
        beneficiary = written if claimed else None
        owner = _owner(record.get("organizationOwner"))
        if written is not None and not claimed:
            warnings.append(
                f"{where}: isClaimed false, yet the record writes the beneficiary {written!r}: not taken as its "
                "beneficiary (--beneficiary does not select it), but kept, so a merge into another party's claim is "
                "refused; check the record"
            )
        period = note_period(f"{reason} {comment}", where, warnings)
        project = record.get("project") if isinstance(record.get("project"), Mapping) else {}
        ex_post = _ex_post(inventory.get(key or serialization, ()), where, serialization, warnings)
        retirements.append(
            Retirement(
                where=where,
                registry=REGISTRY,
                retired_on=retired_on,
                quantity=quantity,
                serial=serialization or None,
                identity=str(record.get("id") or "").strip() or None,
                programme=PROGRAMME,
                vintage_end_year=vintage,
                ex_post=ex_post,
                beneficiary=beneficiary,
                beneficiary_note=on_behalf_of(comment) if comment else None,
                # Without a beneficiary, the one the record still writes and the account owner are whom it may be
                # for: never selected by, but a merge checks them against the claimant.
                suggested=() if beneficiary else tuple(dict.fromkeys(n for n in (written, owner) if n)),
                period=period,
                period_suggestion=None if period else suggest_period(f"{reason} {comment}"),
                notes=notes(
                    (
                        ("id", str(record.get("id") or "")),
                        ("vintage", "" if vintage else vintage_text),
                        ("createdAt", created if said else ""),  # kept raw when reading it needed a warning
                        ("isClaimed", str(record.get("isClaimed", "")).lower()),
                        ("organizationOwner.fullName", owner or ""),
                        ("reason", reason),
                        ("comment", comment),
                        ("project.fullName", str((project or {}).get("fullName") or "")),
                    )
                ),
                warnings=tuple(warnings),
            )
        )
        if quantity is not None and key is not None:
            keyed.append((key, retirements[-1]))
    # Totalled after de-duplication: the same record twice is one retirement (the import keeps it once).
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    seen: set[tuple[object, ...]] = set()
    for key, retirement in keyed:
        if duplicate_key(retirement) in seen:
            continue
        seen.add(duplicate_key(retirement))
        totals[key] += retirement.quantity or Decimal(0)
        counts[key] += 1
    summary = tuple(
        f"{source}: {counts[key]} retirements of serialization {key} total {totals[key].normalize():f} t; check the "
        "total against the serialization's supply (it names no unit range). In one claim, CN-UNITS-01 compares "
        "these serials as whole strings and reports them as the same units"
        for key in sorted(totals)
        if counts[key] > 1
    )
    return Parsed(tuple(retirements), tuple(excluded), summary)
