"""Isometric registry API: retirement records, optionally with the credit batches that carry the serials.

A retirement has no serial, only a retirement id; serials live on credit batches, joined by ``retirement_id``.
Without its batch a retirement's serial is left unsaid (CN-REG-01 asks for it) and its identity is the retirement
id. Quantities are fractional tonnes, read exactly (``credit_kgs`` ÷ 1000 when given). All Isometric credits are
removals; there is no adjustment field.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from comet_cn.importers.attribution import beneficiary_or_none, find_period, suggest_period
from comet_cn.importers.fields import notes, serial_range
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import iso_date, number, records

__all__ = ["KEYS", "NAME", "SCHEME", "looks_like", "parse"]

NAME = "isometric"
SCHEME = "isometric"
KEYS = ("retirement_id", "retired_at")

REGISTRY = Organisation("isometric", "Isometric Registry")
PROGRAMME = Organisation("isometric", "Isometric Standard")


def looks_like(record: Mapping[str, Any]) -> bool:
    return "retired_at" in record and ("retirement_id" in record or str(record.get("id", "")).startswith("ret_"))


def _text(record: Mapping[str, Any], *paths: str) -> str:
    """The first present value of dotted ``paths`` (nested as the API sends it, or flattened with dots)."""
    for path in paths:
        if path in record and record[path] is not None:
            return str(record[path]).strip()
        value: Any = record
        for part in path.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None and not isinstance(value, (Mapping, list)):
            return str(value).strip()
    return ""


def parse(document: Any, source: str) -> Parsed:
    batches: dict[str, Mapping[str, Any]] = {}
    if isinstance(document, Mapping):
        for _, batch in records(document.get("credit_batches", []), (), source):
            if batch.get("retirement_id"):
                batches[str(batch["retirement_id"])] = batch
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for position, record in records(document, ("retirements", "data", "results"), source):
        where = f"{source}:{position}"
        identity = _text(record, "retirement_id", "id")
        retired_on = iso_date(_text(record, "retired_at"))
        if retired_on is None:
            excluded.append(Excluded(where, f"retired_at {_text(record, 'retired_at')!r} is not a timestamp"))
            continue
        purposes = record.get("purposes") or []
        if purposes and all(str(p) == "regulatory_requirement" for p in purposes):
            excluded.append(Excluded(where, "purpose regulatory_requirement only: a compliance use"))
            continue
        warnings: list[str] = []
        kgs = number(_text(record, "credit_batch_size_total.credit_kgs", "credit_kgs"))
        quantity = kgs / Decimal(1000) if kgs is not None else None
        if quantity is None:
            quantity = number(_text(record, "credit_batch_size_total.credits", "credits"))
        if quantity is None:
            warnings.append(f"{where}: no quantity (credit_batch_size_total)")
        joined = batches.get(identity)
        serial = str(joined.get("serial_number", "")).strip() if joined else ""
        span = None
        if serial:
            span, problems = serial_range(serial, SCHEME, where)
            warnings.extend(problems)
        else:
            warnings.append(
                f"{where}: retirement {identity!r} carries no serial; give its credit batch (credit_batches) or "
                "state the serial (CN-REG-01)"
            )
        sequestered = iso_date(_text(record, "sequestered_on"))
        note = _text(record, "notes")
        period = find_period(note)
        retirements.append(
            Retirement(
                where=where,
                registry=REGISTRY,
                retired_on=retired_on,
                quantity=quantity,
                serial=serial or None,
                span=span,
                identity=identity or None,
                programme=PROGRAMME,
                vintage_end_year=sequestered.year if sequestered else None,
                credit_type=Fact("RemovalCredit", "inferred: programme rule (Isometric credits only removals)"),
                ex_post=Fact(True, "inferred: programme rule (credits are issued for delivered removals)"),
                beneficiary=beneficiary_or_none(_text(record, "beneficiary.name", "beneficiary_name")),
                period=period,
                period_suggestion=None if period else suggest_period(note),
                notes=notes(
                    (
                        ("retirement_id", identity),
                        ("owner.name", _text(record, "owner.name", "owner_name")),
                        ("purposes", ", ".join(str(p) for p in purposes)),
                        ("notes", note),
                        ("url", _text(record, "url")),
                        ("project_id", _text(record, "project_id")),
                    )
                ),
                warnings=tuple(warnings),
            )
        )
    return Parsed(tuple(retirements), tuple(excluded))
