"""Gold Standard Impact Registry retirements export: retired and cancelled rows in one file.

The one corresponding-adjustment inference allowed anywhere: ``Article Six Authorization = Not Applicable`` means no
authorisation exists, so no adjustment can have been applied (``false``, marked inferred). Any other value of that
column is an authorisation label, not an adjustment, and leaves it unsaid.
"""

from __future__ import annotations

import re

from comet_cn.importers.attribution import (
    beneficiary_or_none,
    note_period,
    on_behalf_of,
    suggest_period,
)
from comet_cn.importers.fields import block_fields, not_offsetting, notes, units_named, unread_year
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import Row, Table, utc_date, year
from comet_cn.serials import SerialRange

__all__ = ["COLUMNS", "NAME", "REQUIRED", "SCHEME", "SIGNATURE", "TEXT_COLUMNS", "parse"]

NAME = "gold-standard"
SCHEME = "gold-standard"
COLUMNS = (
    "Vintage",
    "Credit Status",
    "Quantity",
    "GSID",
    "Project Name",
    "Project Developer",
    "Country",
    "Product Type",
    "Project Type",
    "Methodology",
    "Programme of Activities",
    "POA GSID",
    "Issuance Date",
    "Retirement Date",
    "Monitoring Period Start",
    "Monitoring Period End",
    "Serial Number",
    "Note",
    "Aeroplane Operator Name",
    "Label",
    "Use Case",
    "Using Entity",
    "Article Six Authorization",
    # the older layout, before Use Case
    "Eligible for CORSIA?",
    "Retired for CORSIA?",
    "CORSIA Authorisation",
)
SIGNATURE = ("GSID", "Serial Number")
#: Columns without which no row can be read as a retirement: a header lacking one is refused, not read
#: row by row into retirements without a date or tonnes.
REQUIRED = (*SIGNATURE, "Retirement Date", "Quantity")
TEXT_COLUMNS = ("Project Name", "Note", "Using Entity")

REGISTRY = Organisation("gold-standard", "Gold Standard Impact Registry")
PROGRAMME = Organisation("gs4gg", "Gold Standard for the Global Goals (GS4GG)")
CDM = Organisation("cdm", "Clean Development Mechanism (CDM)")


def parse(table: Table, source: str) -> Parsed:
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for row in table.rows:
        where = f"{source}:{row.line}"
        units = units_named([row.get("Serial Number")], SCHEME)  # a kept retirement sharing them is refused
        status = row.get("Credit Status")
        if status.casefold() != "retired":
            reason = "a cancellation" if status.casefold() in ("canceled", "cancelled") else "not retired"
            excluded.append(Excluded(where, f"Credit Status {status!r}: {reason}, not an offsetting event", units))
            continue
        # "Compliance", and a reworded one, or "CORSIA" or "NDC": none is an offsetting event.
        use = (
            not_offsetting("Use Case", row.get("Use Case"))
            or _not_voluntary(row.get("Use Case"))
            or _corsia(row)
            or not_offsetting("Note", row.get("Note"), free_text=True)
        )
        if use is not None:
            excluded.append(Excluded(where, use, units))
            continue
        retired_on, retired_said = utc_date(row.get("Retirement Date"))
        if retired_on is None:
            excluded.append(Excluded(where, f"Retirement Date {row.get('Retirement Date')!r} is not a date", units))
            continue
        block = block_fields(row, where, SCHEME, serial_column="Serial Number", quantity_column="Quantity")
        warnings, serial, span, quantity = block.warnings, block.serial, block.span, block.quantity
        if retired_said:
            warnings.append(f"{where}: Retirement Date {row.get('Retirement Date')!r} {retired_said}")
        issued_text = row.get("Issuance Date")
        issued, issued_said = utc_date(issued_text)
        if issued_said:
            warnings.append(f"{where}: Issuance Date {issued_text!r} {issued_said}")
        if issued is None and issued_text:
            warnings.append(unread_year(where, "Issuance Date", issued_text, "a date (YYYY-MM-DD)", "issuanceYear"))
        vintage_text = row.get("Vintage")
        vintage = year(vintage_text)
        if vintage is None:
            warnings.append(unread_year(where, "Vintage", vintage_text, "a four-digit year", "vintageEndYear"))
        note = row.get("Note")
        period = note_period(note, where, warnings)
        retirements.append(
            Retirement(
                where=where,
                registry=REGISTRY,
                retired_on=retired_on,
                quantity=quantity,
                serial=serial or None,
                span=span,
                programme=_programme(span, row.get("Product Type")),
                vintage_end_year=vintage,
                issuance_year=issued.year if issued else None,
                credit_type=_credit_type(row.get("Label")),
                corresponding_adjustment=_adjustment(row.get("Article Six Authorization")),
                ex_post=_ex_post(row.get("Product Type")),
                beneficiary=beneficiary_or_none(row.get("Using Entity")),
                beneficiary_note=on_behalf_of(note) if note else None,
                period=period,
                period_suggestion=None if period else suggest_period(note),
                notes=notes(
                    (
                        ("Vintage", "" if vintage else vintage_text),
                        ("Issuance Date", "" if issued else issued_text),
                        ("Label", row.get("Label")),
                        ("Article Six Authorization", row.get("Article Six Authorization")),
                        ("Use Case", row.get("Use Case")),
                        ("Note", note),
                        ("GSID", row.get("GSID")),
                        ("Project Name", row.get("Project Name")),
                        ("Monitoring Period Start", row.get("Monitoring Period Start")),
                        ("Monitoring Period End", row.get("Monitoring Period End")),
                    )
                ),
                warnings=tuple(warnings),
            )
        )
    return Parsed(tuple(retirements), tuple(excluded))


def _not_voluntary(use_case: str) -> str | None:
    """Why a row whose Use Case is neither Voluntary nor blank is left out, else ``None``: the field is closed
    (Voluntary or Compliance), so any other value ("Non-voluntary", "Mandatory", "Tax", "Article 6.2") is a use that
    may not be the claimant's voluntary offsetting, and fails loudly rather than counting."""
    words = " ".join(re.sub(r"[^\w]+", " ", use_case.casefold()).split())
    if not words or words == "voluntary" or (words.startswith("voluntary ") and "non" not in words.split()):
        return None
    return f"Use Case {' '.join(use_case.split())!r}: not Voluntary, so not taken as an offsetting event"


# The older export layout has no Use Case: its CORSIA columns say whether a row was retired for CORSIA.
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"", "no", "n", "false"})
_CORSIA_USE = "a CORSIA use (an aeroplane operator's obligation), not an offsetting event"


def _corsia(row: Row) -> str | None:
    """Why a row retired for CORSIA is not an offsetting event (``Retired for CORSIA?`` yes, or an aeroplane
    operator named), else ``None``; a ``Retired for CORSIA?`` that is neither yes nor no leaves the row out too."""
    retired = row.get("Retired for CORSIA?")
    if retired.casefold() in _YES:
        return f"Retired for CORSIA? {retired!r}: {_CORSIA_USE}"
    if retired.casefold() not in _NO:
        return f"Retired for CORSIA? {retired!r} is neither Yes nor No: it may be a CORSIA use, so it is not imported"
    operator = row.get("Aeroplane Operator Name")
    if operator:
        return f"Aeroplane Operator Name {operator!r}: {_CORSIA_USE}"
    return None


def _programme(span: SerialRange | None, product: str) -> Organisation:
    """CDM for a CDM serial; where the serial does not settle it (unread), CDM for Product Type CER, else GS4GG."""
    if span is not None:
        return CDM if span.block.startswith("CDM:") else PROGRAMME
    return CDM if product.strip().upper() == "CER" else PROGRAMME


def _credit_type(label: str) -> Fact | None:
    parts = {part.strip().casefold() for part in label.split(",")}
    removal, reduction = "emission removal" in parts, "emission reduction" in parts
    if removal == reduction:
        return None
    kind = "RemovalCredit" if removal else "ReductionCredit"
    return Fact(kind, f"registry label {label!r}")


def _adjustment(authorisation: str) -> Fact | None:
    if authorisation.casefold() == "not applicable":
        return Fact(
            False,
            "inferred: GS Article Six Authorization = Not Applicable (no authorisation, so no adjustment can have "
            "been applied; the registry does not state it)",
        )
    return None  # an authorisation label, or blank: not an adjustment either way


def _ex_post(product: str) -> Fact | None:
    kind = product.strip().upper()
    if kind in ("VER", "CER"):
        return Fact(True, f"inferred: programme rule (Product Type {kind} is issued after verification)")
    if kind == "PER":
        return Fact(False, "registry field Product Type 'PER' (planned emission reductions, ex ante)")
    return None
