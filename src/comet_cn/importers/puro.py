"""Puro.earth registry API: retirement transactions with the certificate bundles they retired.

A certificate id encodes everything (``PURO_PR_{type}_{CC}_{facility}_{vintage}_{issuance UUID}_{first}-{last}``);
unit numbers restart with every issuance, so the block key keeps the UUID. CORCs are removals; there is no
adjustment field. The record envelope follows Puro's API documentation (transactions with ``transactionId``,
``type``, ``completedOn``, ``volume``, the retirement request's ``beneficiaryName``, and ``certificates`` as ids or
bundles); it has not been checked against a live export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from comet_cn.importers.attribution import beneficiary_or_none, note_period, suggest_period
from comet_cn.importers.fields import not_positive, notes, serial_range, units_named, unread_year
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import number, records, utc_date, year
from comet_cn.serials import parse_serial

__all__ = ["KEYS", "NAME", "SCHEME", "looks_like", "parse"]

NAME = "puro"
SCHEME = "puro"
KEYS = ("transactionId", "completedOn", "certificates")

REGISTRY = Organisation("puro", "Puro Registry")
PROGRAMME = Organisation("puro-standard", "Puro Standard")

#: Fields a transaction may state its status in, and the values that say it completed (case-insensitive). A
#: transaction with no status field is read by its type and completedOn alone.
_STATUS_KEYS = ("status", "transactionStatus", "state")
_COMPLETED = frozenset(
    {"completed", "complete", "success", "succeeded", "successful", "done", "settled", "finalized", "confirmed"}
)

#: Statuses of a transaction that never ran (case-insensitive, spaces, hyphens and underscores alike): it moved no
#: units, so a completed retirement of the same units (the retry of a failed one) is not contradicted by it. A
#: REVERSED or UNRETIRED one did move them and still is.
_NEVER_RAN = frozenset(
    {"failed", "failure", "pending", "rejected", "declined", "cancelled", "canceled", "expired", "error",
     "in progress", "processing", "queued", "submitted", "requested", "draft"}
)  # fmt: skip

#: Transaction types read as retirements (case-insensitive); every other type is listed as not imported.
RETIREMENT_TYPES = frozenset({"retirement"})


def looks_like(record: Mapping[str, Any]) -> bool:
    return "transactionId" in record or any(certificate.startswith("PURO_") for certificate, _, _ in _bundles(record))


def _bundles(record: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], int]]:
    """Each retired certificate range with the bundle fields that came with it (empty for a bare id), and the
    bundle's position in ``certificates`` (0 for every bare id: they share the transaction's volume)."""
    certificates = record.get("certificates")
    items = certificates if isinstance(certificates, list) else [certificates] if certificates else []
    for position, item in enumerate(items, start=1):
        if isinstance(item, Mapping):
            ids = item.get("certificates")
            for text in ids if isinstance(ids, list) else [ids]:
                if text:
                    yield str(text).strip(), item, position
        elif item:
            yield str(item).strip(), {}, 0


def _volume(value: Any) -> Decimal | None:
    return number(value if isinstance(value, (int, Decimal, str)) else None)


def _quantities(
    record: Mapping[str, Any], bundles: list[tuple[str, Mapping[str, Any], int]], where: str, warnings: list[str]
) -> list[Decimal | None]:
    """Each certificate's tonnes: a volume belongs to its bundle (or, for bare ids, to the transaction) as a whole.

    A volume shared by several certificates is never given to each of them: it is split only where their ranges'
    unit counts add up to it (one CORC is one tonne); otherwise their quantities are left unsaid, with a warning.
    """
    groups: dict[int, list[int]] = {}
    for index, (_, _, group) in enumerate(bundles):
        groups.setdefault(group, []).append(index)
    result: list[Decimal | None] = [None] * len(bundles)
    for group, members in groups.items():
        if group:
            owner, volume = "the bundle's", _volume(bundles[members[0]][1].get("volume"))
        elif len(groups) == 1:
            owner, volume = "the transaction's", _volume(record.get("volume"))
        else:
            continue  # bare ids beside bundles: the transaction's volume covers the bundles too
        if volume is None:
            continue
        if len(members) == 1:
            result[members[0]] = volume
            continue
        spans = [parse_serial(bundles[m][0], SCHEME) for m in members]
        listed = ", ".join(bundles[m][0] for m in members)
        units = [span.units for span in spans if span is not None]
        if len(units) == len(members) and sum(units) == volume:
            for member, count in zip(members, units, strict=True):
                result[member] = Decimal(count)
            warnings.append(
                f"{where}: {owner} volume {volume.normalize():f} covers {len(members)} certificates ({listed}): "
                "split by their unit counts"
            )
        else:
            warnings.append(
                f"{where}: {owner} volume {volume.normalize():f} covers {len(members)} certificates ({listed}) "
                "whose unit counts do not add up to it: it is not split, so their tonnesCO2e are left out"
            )
    stated = [_volume(bundles[members[0]][1].get("volume")) for group, members in groups.items() if group]
    total = _volume(record.get("volume"))
    if total is not None and stated and 0 not in groups and all(v is not None for v in stated):
        summed = sum((v for v in stated if v is not None), Decimal(0))
        if summed != total:
            # Two records of one retirement that disagree: neither wins (the bundles' 12450 t would be counted for a
            # transaction of 100 t), so the tonnes are left unsaid and CN-BAL-01 asks for them.
            warnings.append(
                f"{where}: the transaction's volume {total.normalize():f} is not the sum of its bundles' volumes "
                f"({summed.normalize():f}); neither is taken, so the certificates' tonnesCO2e are left out: state the "
                "tonnes the registry's retirement certificate gives"
            )
            return [None] * len(bundles)
    return result


def parse(document: Any, source: str) -> Parsed:
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for position, record in records(document, ("transactions", "data", "items"), source):
        where = f"{source}:{position}"
        # The units it names: a kept retirement sharing them with a transaction left out (an UNRETIRE) is refused.
        units = units_named([certificate for certificate, _, _ in _bundles(record)], SCHEME)
        kind = str(record.get("type") or "")
        # An exact match: a substring test would read UNRETIRE (and the like) as a retirement.
        if kind.strip().casefold() not in RETIREMENT_TYPES:
            what = f"transaction type {kind!r}: not a retirement (only RETIREMENT transactions are)"
            excluded.append(Excluded(where, what, units))
            continue
        status = next((str(record[key]) for key in _STATUS_KEYS if record.get(key) not in (None, "")), None)
        if status is not None and status.strip().casefold() not in _COMPLETED:
            # A transaction that did not complete (FAILED, PENDING, CANCELLED, REVERSED) retired nothing, whatever
            # its type and completedOn say; a status not known to mean completed is left out too (fail loudly).
            what = f"transaction status {status!r}: not a completed retirement (only a completed transaction is)"
            never_ran = " ".join(re.split(r"[\s_-]+", status.strip().casefold())) in _NEVER_RAN
            excluded.append(Excluded(where, what, () if never_ran else units))
            continue
        completed = str(record.get("completedOn") or "")
        retired_on, said = utc_date(completed)
        if retired_on is None:
            excluded.append(Excluded(where, f"completedOn {record.get('completedOn')!r} is not a date", units))
            continue
        beneficiary = beneficiary_or_none(str(record.get("beneficiaryName") or ""))
        note = str(record.get("retirementPurpose") or record.get("description") or "")
        bundles = list(_bundles(record))
        if not bundles:
            excluded.append(Excluded(where, "no certificates: nothing to say which units were retired", units))
            continue
        shared: list[str] = []  # the transaction's warnings, given once, with its first bundle
        if said:
            shared.append(f"{where}: completedOn {completed!r} {said}")
        period = note_period(note, where, shared)
        quantities = _quantities(record, bundles, where, shared)
        for index, ((certificate, bundle, _), quantity) in enumerate(zip(bundles, quantities, strict=True), start=1):
            place = where if len(bundles) == 1 else f"{where}.{index}"
            warnings: list[str] = shared if index == 1 else []
            span, problems = serial_range(certificate, SCHEME, place)
            warnings.extend(problems)
            if quantity is None:
                warnings.append(f"{place}: no volume for certificate {certificate!r}")
            elif quantity <= 0:
                warnings.append(not_positive(place, f"volume of certificate {certificate!r}", quantity))
            issuance = str(bundle.get("issuanceDate") or "")
            issued, issued_said = utc_date(issuance)
            if issued_said:
                warnings.append(f"{place}: issuanceDate {issuance!r} {issued_said}")
            fields = certificate.split("_")
            vintage = year(bundle.get("vintage")) or (year(fields[5]) if len(fields) == 8 else None)
            if vintage is None:
                written = "" if bundle.get("vintage") is None else str(bundle.get("vintage"))
                warnings.append(unread_year(place, "vintage", written, "a four-digit year", "vintageEndYear"))
            if issued is None and issuance:
                warnings.append(unread_year(place, "issuanceDate", issuance, "a date", "issuanceYear"))
            transaction = str(record.get("transactionId") or "").strip()
            retirements.append(
                Retirement(
                    where=place,
                    registry=REGISTRY,
                    retired_on=retired_on,
                    quantity=quantity,
                    serial=certificate,
                    span=span,
                    identity=(f"{transaction}#{index}" if len(bundles) > 1 else transaction) or None,
                    programme=PROGRAMME,
                    vintage_end_year=vintage,
                    issuance_year=issued.year if issued else None,
                    credit_type=Fact("RemovalCredit", "inferred: programme rule (CORCs are removal certificates)"),
                    ex_post=Fact(True, "inferred: programme rule (CORCs are issued for verified removals)"),
                    beneficiary=beneficiary,
                    period=period,
                    period_suggestion=None if period else suggest_period(note),
                    notes=notes(
                        (
                            ("transactionId", str(record.get("transactionId") or "")),
                            ("completedOn", completed if said else ""),  # kept raw when reading it needed a warning
                            ("accountHolderName", str(record.get("accountHolderName") or "")),
                            ("beneficiaryLocation", str(record.get("beneficiaryLocation") or "")),
                            ("beneficiaryType", str(record.get("beneficiaryType") or "")),
                            ("creditType", str(bundle.get("creditType") or "")),
                            ("methodologyCode", str(bundle.get("methodologyCode") or "")),
                        )
                    ),
                    warnings=tuple(warnings),
                )
            )
    return Parsed(tuple(retirements), tuple(excluded))
