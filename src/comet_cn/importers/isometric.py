"""Isometric registry API: retirement records, optionally with the credit batches that carry the serials.

A retirement has no serial, only a retirement id; serials live on credit batches, joined by ``retirement_id``.
Without its batch a retirement's serial is left unsaid (CN-REG-01 asks for it) and its identity is the retirement
id. A retirement may span several batches: batches that continue one another's unit range are joined into one
block; otherwise each batch is its own credit. Quantities are fractional tonnes, read exactly (``credit_kgs`` ÷ 1000
when given). ``retired_at`` is read as the UTC date it names. All Isometric credits are removals; there is no
adjustment field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from comet_cn.importers.attribution import beneficiary_or_none, note_period, suggest_period
from comet_cn.importers.fields import not_offsetting, notes, serial_range
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import number, records, utc_date
from comet_cn.serials import SerialRange, parse_serial

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


@dataclass(frozen=True)
class _Piece:
    """One credit of a retirement: its serial, range and quantity, with the place and identity that name it."""

    where: str
    identity: str | None
    serial: str | None
    span: SerialRange | None
    quantity: Decimal | None


def _joined(spans: Sequence[SerialRange]) -> SerialRange | None:
    """One range when the batches' ranges are of one block and continue one another without gap or overlap."""
    ordered = sorted(spans, key=lambda s: s.first)
    if len({s.block for s in ordered}) != 1:
        return None
    if any(later.first != earlier.last + 1 for earlier, later in pairwise(ordered)):
        return None
    return SerialRange(ordered[0].block, ordered[0].first, ordered[-1].last, SCHEME)


def _pieces(
    where: str, identity: str, serials: Sequence[str], quantity: Decimal | None, warnings: list[str]
) -> list[_Piece]:
    """The credits of one retirement, from the serials of the credit batches joined to it."""
    if not serials:
        warnings.append(
            f"{where}: retirement {identity!r} carries no serial; give its credit batch (credit_batches) or "
            "state the serial (CN-REG-01)"
        )
        return [_Piece(where, identity or None, None, None, quantity)]
    if len(serials) == 1:
        span, problems = serial_range(serials[0], SCHEME, where)
        warnings.extend(problems)
        return [_Piece(where, identity or None, serials[0], span, quantity)]
    read = [serial_range(serial, SCHEME, f"{where}.{index}") for index, serial in enumerate(serials, start=1)]
    spans = [span for span, _ in read if span is not None]
    joined = _joined(spans) if len(spans) == len(serials) else None
    listed = ", ".join(serials)
    if joined is not None:
        warnings.append(
            f"{where}: retirement {identity!r} spans {len(serials)} credit batches ({listed}): their ranges continue "
            f"one another, so they are imported as one block, units {joined.first}-{joined.last}"
        )
        return [_Piece(where, identity or None, " + ".join(serials), joined, quantity)]
    for _, problems in read:
        warnings.extend(problems)
    # The retirement's quantity covers all its batches: splitting it is safe only where each batch's units (one
    # tonne each, as CN-UNITS-02 counts them) add up to it; otherwise no batch may claim the whole of it.
    split = len(spans) == len(serials) and quantity is not None and sum(s.units for s in spans) == quantity
    if split:
        how = "its quantity split by their unit counts"
    elif quantity is None:
        how = "no quantity to split"
    else:
        how = (
            f"its quantity {quantity.normalize():f} t is not their unit count, so it is not split and each credit's "
            "tonnesCO2e is left out (state each batch's quantity)"
        )
    warnings.append(
        f"{where}: retirement {identity!r} spans {len(serials)} credit batches ({listed}) that are not one unit "
        f"range: one credit per batch, {how}"
    )
    return [
        _Piece(
            f"{where}.{index}",
            f"{identity}#{index}" if identity else None,
            serial,
            span,
            Decimal(span.units) if split and span is not None else None,
        )
        for index, (serial, (span, _)) in enumerate(zip(serials, read, strict=True), start=1)
    ]


def _quantity(record: Mapping[str, Any], where: str, identity: str, warnings: list[str]) -> Decimal | None:
    kgs_text = _text(record, "credit_batch_size_total.credit_kgs", "credit_kgs")
    credits_text = _text(record, "credit_batch_size_total.credits", "credits")
    kgs, credits = number(kgs_text), number(credits_text)
    quantity = kgs / Decimal(1000) if kgs is not None else credits
    if kgs is not None and credits is not None and kgs / Decimal(1000) != credits:
        warnings.append(
            f"{where}: credit_kgs {kgs_text} and credits {credits_text} disagree: the quantity is credit_kgs ÷ 1000 "
            f"= {(kgs / Decimal(1000)).normalize():f} t; check the record"
        )
    for name, text, value, other in (
        ("credit_kgs", kgs_text, kgs, "credits"),
        ("credits", credits_text, credits, "credit_kgs"),
    ):
        if text and value is None and quantity is not None:
            # The other field is read alone: what this one says ("1,250,000" kg, "3000 kg") is not compared with it.
            warnings.append(
                f"{where}: {name} {text!r} is not a number, so it cannot be compared with {other}: the quantity is "
                f"read from {other} alone as {quantity.normalize():f} t; check the record"
            )
    if quantity is None:
        written = ", ".join(repr(t) for t in (kgs_text, credits_text) if t)
        warnings.append(
            f"{where}: no quantity (credit_batch_size_total{': ' + written + ' not a number' if written else ''})"
        )
    elif quantity <= 0:
        warnings.append(
            f"{where}: retirement {identity!r} states {quantity.normalize():f} t (credit_batch_size_total): a "
            "retirement of nothing; check the record"
        )
    return quantity


def _units(batches: Mapping[str, Sequence[str]], identity: str) -> tuple[SerialRange, ...]:
    """The units of a retirement left out, from its credit batches: a kept one sharing them is refused."""
    return tuple(span for span in (parse_serial(serial, SCHEME) for serial in batches.get(identity, ())) if span)


def parse(document: Any, source: str) -> Parsed:
    # Every batch of a retirement is kept: one retirement may take its credits from several batches.
    batches: dict[str, list[str]] = defaultdict(list)
    # A batch's status other than retired (cancelled, a buffer, pending, reserved, active) means its credits were
    # not retired for anyone: the retirement that names it is left out, never counted as an offset.
    unretired: dict[str, str] = {}
    found: list[str] = []
    if isinstance(document, Mapping):
        for position, batch in records(document.get("credit_batches", []), (), source):
            retirement_id = str(batch.get("retirement_id") or "").strip()
            if not retirement_id:
                continue
            status = str(batch.get("status") or "").strip()
            if status and status.casefold() != "retired":
                unretired.setdefault(retirement_id, status)
            serial = str(batch.get("serial_number") or "").strip()
            if not serial:
                found.append(
                    f"{source}: credit batch {position} (retirement {retirement_id!r}) has no serial_number: not joined"
                )
            elif serial not in batches[retirement_id]:
                batches[retirement_id].append(serial)
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    # ``nodes`` is the API's paginated envelope ({"page_info": …, "nodes": […], "total_count": n}).
    for position, record in records(document, ("retirements", "data", "results", "nodes"), source):
        where = f"{source}:{position}"
        identity = _text(record, "retirement_id", "id")
        written = _text(record, "retired_at")
        retired_on, said = utc_date(written)
        if retired_on is None:
            excluded.append(Excluded(where, f"retired_at {written!r} is not a timestamp", _units(batches, identity)))
            continue
        given = record.get("purposes") or []
        purposes = [str(p).strip() for p in (given if isinstance(given, list) else [given])]
        listed = ", ".join(purposes)
        # A retirement that (also) meets a regulatory requirement is a compliance use: which part of it would be
        # voluntary cannot be told, so none of it is counted as an offset.
        use = (
            f"purposes {listed!r}: a regulatory requirement among them, a compliance use, not an offsetting event"
            if "regulatory_requirement" in purposes
            else not_offsetting("notes", _text(record, "notes"), free_text=True)
        )
        if use is None and identity in unretired:
            use = f"credit batch status {unretired[identity]!r}: not retired, not an offsetting event"
        if use is not None:
            excluded.append(Excluded(where, use, _units(batches, identity)))
            continue
        warnings: list[str] = []
        if said:
            warnings.append(f"{where}: retired_at {written!r} {said}")
        quantity = _quantity(record, where, identity, warnings)
        pieces = _pieces(where, identity, batches.get(identity, []), quantity, warnings)
        sequestered_text = _text(record, "sequestered_on")
        sequestered, sequestered_said = utc_date(sequestered_text)
        if sequestered_said:
            warnings.append(f"{where}: sequestered_on {sequestered_text!r} {sequestered_said}")
        note = _text(record, "notes")
        period = note_period(note, where, warnings)
        raw = notes(
            (
                ("retirement_id", identity),
                ("retired_at", written if said else ""),  # kept raw when reading it needed a warning
                ("owner.name", _text(record, "owner.name", "owner_name")),
                ("purposes", listed),
                ("notes", note),
                ("url", _text(record, "url")),
                ("project_id", _text(record, "project_id")),
            )
        )
        for index, piece in enumerate(pieces):
            retirements.append(
                Retirement(
                    where=piece.where,
                    registry=REGISTRY,
                    retired_on=retired_on,
                    quantity=piece.quantity,
                    serial=piece.serial,
                    span=piece.span,
                    identity=piece.identity,
                    programme=PROGRAMME,
                    vintage_end_year=sequestered.year if sequestered else None,
                    credit_type=Fact("RemovalCredit", "inferred: programme rule (Isometric credits only removals)"),
                    ex_post=Fact(True, "inferred: programme rule (credits are issued for delivered removals)"),
                    beneficiary=beneficiary_or_none(_text(record, "beneficiary.name", "beneficiary_name")),
                    period=period,
                    period_suggestion=None if period else suggest_period(note),
                    notes=raw,
                    # The record's warnings are given once, with its first credit.
                    warnings=tuple(warnings) if index == 0 else (),
                )
            )
    return Parsed(tuple(retirements), tuple(excluded), tuple(found))
