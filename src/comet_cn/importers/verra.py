"""Verra (VCS) VCU transactions export: one row per block, retired or not.

A retirement and a cancellation look the same in this export (one date column for both), so every event says so.
``Article 6 Authorized – …`` labels are host-country authorisations, not corresponding adjustments; the legacy export
has no adjustment column at all, so the adjustment is always left unsaid.
"""

from __future__ import annotations

import re

from comet_cn.importers.attribution import (
    beneficiary_or_none,
    note_period,
    on_behalf_of,
    suggest_period,
)
from comet_cn.importers.fields import block_fields, dashes, notes
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import Row, Table, dmy_or_iso_date, dmy_or_utc_date, year

__all__ = ["COLUMNS", "NAME", "REQUIRED", "SCHEME", "SIGNATURE", "TEXT_COLUMNS", "parse"]

NAME = "verra"
SCHEME = "verra"
COLUMNS = (
    "Issuance Date",
    "Sustainable Development Goals",
    "Vintage Start",
    "Vintage End",
    "ID",
    "Name",
    "Country/Area",
    "Project Type",
    "Methodology",
    "Total Vintage Quantity",
    "Quantity Issued",
    "Serial Number",
    "Additional Certifications",
    "Retirement/Cancellation Date",
    "Retirement Beneficiary",
    "Retirement Reason",
    "Retirement Details",
)
SIGNATURE = ("Serial Number", "Retirement/Cancellation Date")
#: Columns without which no row can be read as a retirement: a header lacking one is refused, not read
#: row by row into retirements without a date or tonnes.
REQUIRED = (*SIGNATURE, "Quantity Issued")
TEXT_COLUMNS = ("Name", "Retirement Beneficiary", "Retirement Details")

REGISTRY = Organisation("verra", "Verra Registry")
PROGRAMME = Organisation("vcs", "Verified Carbon Standard (VCS)")

# The mandatory Article 6 share retirement under a letter of authorisation: no one's claim.
_ARTICLE6_SHARE = "no owner - contributing towards global emissions reductions"
# The registry's own details for that share; they identify it even when the beneficiary is blank.
_ARTICLE6_SHARE_DETAILS = re.compile(
    r"\b2\s*%\s*retirement\s+as\s+required\s+under\s+project\b.*\bloa\s+for\s+article\s*6\b", re.IGNORECASE
)
# The label a spreadsheet puts on a total row: ``Total``, ``Totals``, ``Grand total``, ``Subtotal``, ``Sub-total``.
_TOTAL = re.compile(r"(?:grand\s+|sub\s*-?\s*)?totals?\b", re.IGNORECASE)
_TYPE_LABELS = {"carbon dioxide removals": "RemovalCredit", "ghg emissions reductions": "ReductionCredit"}


def parse(table: Table, source: str) -> Parsed:
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for row in table.rows:
        where = f"{source}:{row.line}"
        retired_text = row.get("Retirement/Cancellation Date")
        if not retired_text:
            summary = _summary_row(row)
            excluded.append(
                Excluded(where, summary or "no Retirement/Cancellation Date: an unretired block, not a retirement")
            )
            continue
        retired_on, retired_said = dmy_or_utc_date(retired_text)
        if retired_on is None:
            excluded.append(Excluded(where, f"Retirement/Cancellation Date {retired_text!r} is not a date"))
            continue
        beneficiary_text = row.get("Retirement Beneficiary")
        details = row.get("Retirement Details")
        if dashes(beneficiary_text).casefold().startswith(_ARTICLE6_SHARE):
            excluded.append(Excluded(where, "the mandatory Article 6 share retirement (no owner): not a claim"))
            continue
        if _ARTICLE6_SHARE_DETAILS.search(" ".join(details.split())):
            # Excluded even if a beneficiary is named: the share is the registry's, and the reason says what was seen.
            named = beneficiary_or_none(beneficiary_text)
            also = f"; Retirement Beneficiary {named!r}" if named else ""
            said = " ".join(details.split())
            excluded.append(
                Excluded(
                    where, f"the mandatory Article 6 share retirement (Retirement Details {said!r}{also}): not a claim"
                )
            )
            continue
        block = block_fields(row, where, SCHEME, serial_column="Serial Number", quantity_column="Quantity Issued")
        warnings, serial, span, quantity = block.warnings, block.serial, block.span, block.quantity
        if retired_said:
            warnings.append(f"{where}: Retirement/Cancellation Date {retired_text!r} {retired_said}")
        vintage_end = dmy_or_iso_date(row.get("Vintage End"))
        issued, issued_said = dmy_or_utc_date(row.get("Issuance Date"))
        if issued_said:
            warnings.append(f"{where}: Issuance Date {row.get('Issuance Date')!r} {issued_said}")
        labels = [dashes(label).strip() for label in row.get("Additional Certifications").split(";") if label.strip()]
        credit_type = _credit_type(labels, where, warnings)
        authorisations = [label for label in labels if label.casefold().startswith("article 6 authorized")]
        note_text = " ".join(t for t in (details, beneficiary_text) if t)
        period = note_period(note_text, where, warnings)
        retirements.append(
            Retirement(
                where=where,
                registry=REGISTRY,
                retired_on=retired_on,
                quantity=quantity,
                serial=serial or None,
                span=span,
                programme=PROGRAMME,
                vintage_end_year=vintage_end.year if vintage_end else year(row.get("Vintage End")),
                issuance_year=issued.year if issued else None,
                credit_type=credit_type,
                ex_post=Fact(True, "inferred: programme rule (VCUs are issued after verification)"),
                beneficiary=beneficiary_or_none(beneficiary_text),
                beneficiary_note=on_behalf_of(details) if details else None,
                period=period,
                period_suggestion=None if period else suggest_period(note_text),
                event_notes=(
                    "retirement_or_cancellation: Verra's export does not tell a retirement from a cancellation",
                ),
                notes=(
                    *(
                        f"Article 6 authorisation label {label!r}: an authorisation, not a corresponding adjustment"
                        for label in authorisations
                    ),
                    *notes(
                        (
                            # kept raw when reading it needed a warning
                            ("Retirement/Cancellation Date", retired_text if retired_said else ""),
                            ("Additional Certifications", row.get("Additional Certifications")),
                            ("Retirement Reason", row.get("Retirement Reason")),
                            ("Retirement Details", details),
                            ("ID", row.get("ID")),
                            ("Name", row.get("Name")),
                        )
                    ),
                ),
                warnings=tuple(warnings),
            )
        )
    notice = (
        (f"{source}: Verra's export does not tell a retirement from a cancellation: check that each event is one",)
        if retirements
        else ()
    )
    return Parsed(tuple(retirements), tuple(excluded), notice)


def _summary_row(row: Row) -> str | None:
    """Why a row with no serial and no date is a total or subtotal a spreadsheet added, not a block; else ``None``."""
    if row.get("Serial Number"):
        return None
    label = next((v.strip() for v in row.values.values() if _TOTAL.match(v.strip())), None)
    if label is not None:
        return f"a total or summary row ({label!r}, no Serial Number, no Retirement/Cancellation Date): not a block"
    if not row.get("ID") and not row.get("Name"):
        return "a total or summary row (no Serial Number, ID or Name, no Retirement/Cancellation Date): not a block"
    return None


def _credit_type(labels: list[str], where: str, warnings: list[str]) -> Fact | None:
    found = {(_TYPE_LABELS[label.casefold()], label) for label in labels if label.casefold() in _TYPE_LABELS}
    if len({kind for kind, _ in found}) > 1:
        warnings.append(f"{where}: labels name both removal and reduction: the credit type is left out")
        return None
    for kind, label in found:
        return Fact(kind, f"registry label {label!r}")
    return None
