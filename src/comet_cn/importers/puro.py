"""Puro.earth registry API: retirement transactions with the certificate bundles they retired.

A certificate id encodes everything (``PURO_PR_{type}_{CC}_{facility}_{vintage}_{issuance UUID}_{first}-{last}``);
unit numbers restart with every issuance, so the block key keeps the UUID. CORCs are removals; there is no
adjustment field. The record envelope follows Puro's API documentation (transactions with ``transactionId``,
``type``, ``completedOn``, ``volume``, the retirement request's ``beneficiaryName``, and ``certificates`` as ids or
bundles); it has not been checked against a live export.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from comet_cn.importers.attribution import beneficiary_or_none, find_period, suggest_period
from comet_cn.importers.fields import notes, serial_range
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import iso_date, number, records, year

__all__ = ["KEYS", "NAME", "SCHEME", "looks_like", "parse"]

NAME = "puro"
SCHEME = "puro"
KEYS = ("transactionId", "completedOn", "certificates")

REGISTRY = Organisation("puro", "Puro Registry")
PROGRAMME = Organisation("puro-standard", "Puro Standard")


def looks_like(record: Mapping[str, Any]) -> bool:
    return "transactionId" in record or any(certificate.startswith("PURO_") for certificate, _ in _bundles(record))


def _bundles(record: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each retired certificate range with the bundle fields that came with it (empty for a bare id)."""
    certificates = record.get("certificates")
    items = certificates if isinstance(certificates, list) else [certificates] if certificates else []
    for item in items:
        if isinstance(item, Mapping):
            ids = item.get("certificates")
            for text in ids if isinstance(ids, list) else [ids]:
                if text:
                    yield str(text).strip(), item
        elif item:
            yield str(item).strip(), {}


def parse(document: Any, source: str) -> Parsed:
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for position, record in records(document, ("transactions", "data", "items"), source):
        where = f"{source}:{position}"
        kind = str(record.get("type") or "")
        if "retire" not in kind.casefold():
            excluded.append(Excluded(where, f"transaction type {kind!r}: not a retirement"))
            continue
        retired_on = iso_date(str(record.get("completedOn") or ""))
        if retired_on is None:
            excluded.append(Excluded(where, f"completedOn {record.get('completedOn')!r} is not a date"))
            continue
        beneficiary = beneficiary_or_none(str(record.get("beneficiaryName") or ""))
        note = str(record.get("retirementPurpose") or record.get("description") or "")
        period = find_period(note)
        bundles = list(_bundles(record))
        if not bundles:
            excluded.append(Excluded(where, "no certificates: nothing to say which units were retired"))
            continue
        for index, (certificate, bundle) in enumerate(bundles, start=1):
            place = where if len(bundles) == 1 else f"{where}.{index}"
            warnings: list[str] = []
            span, problems = serial_range(certificate, SCHEME, place)
            warnings.extend(problems)
            # A transaction's volume covers all its bundles: it is a bundle's quantity only when there is one.
            volume = bundle.get("volume") if bundle else record.get("volume") if len(bundles) == 1 else None
            quantity = number(volume if isinstance(volume, (int, Decimal, str)) else None)
            if quantity is None:
                warnings.append(f"{place}: no volume for certificate {certificate!r}")
            issued = iso_date(str(bundle.get("issuanceDate") or ""))
            fields = certificate.split("_")
            vintage = year(bundle.get("vintage")) or (year(fields[5]) if len(fields) == 8 else None)
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
