"""Verra (VCS) VCU transactions export: one row per block, retired or not.

A retirement and a cancellation look the same in this export (one date column for both), so every event says so.
``Article 6 Authorized – …`` labels are host-country authorisations, not corresponding adjustments; the legacy export
has no adjustment column at all, so the adjustment is always left unsaid.
"""

from __future__ import annotations

import re

from comet_cn.errors import InputError
from comet_cn.importers.attribution import (
    beneficiary_or_none,
    note_period,
    on_behalf_of,
    suggest_period,
)
from comet_cn.importers.fields import (
    article6_share,
    block_fields,
    dashes,
    not_offsetting,
    notes,
    units_named,
    unread_year,
)
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import Row, Table, dmy_or_iso_date, dmy_or_utc_date, slashed, year

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

# The mandatory Article 6 share retirement under a letter of authorisation: no one's claim. Its beneficiary is
# "No owner - contributing towards global emissions reductions" (also written with a comma); its details, "2%
# retirement as required under Project … LoA for Article 6" in any rewording, identify it even when the beneficiary
# is blank (fields.article6_share).
_NO_OWNER = re.compile(r"\W*no\s+owner\b", re.IGNORECASE)
_WORD = re.compile(r"\w")
_CONTRIBUTING = re.compile(r"\bcontribut", re.IGNORECASE)
# The label a spreadsheet puts on a total row: ``Total``, ``Totals``, ``Grand total``, ``Subtotal``, ``Sub-total``.
_TOTAL = re.compile(r"(?:grand\s+|sub\s*-?\s*)?totals?\b", re.IGNORECASE)
_TYPE_LABELS = {"carbon dioxide removals": "RemovalCredit", "ghg emissions reductions": "ReductionCredit"}


#: The date columns read; the order of a file's slashed dates is decided once, from all of them.
DATE_COLUMNS = ("Issuance Date", "Vintage Start", "Vintage End", "Retirement/Cancellation Date")
_READS = "Verra writes YYYY-MM-DD or, in older downloads, DD/MM/YYYY"
_DATE_FORMS = "a date (YYYY-MM-DD or DD/MM/YYYY)"
_FIX = "re-export the file from the registry, or write its dates as YYYY-MM-DD; nothing imported"


#: Columns a Verra export (an export of the newer registry, or one a user added) may state a row's status in. Where
#: one is given, only a row it calls retired is a retirement: "Cancelled" there was dropped with the column.
_STATUS_COLUMNS = ("Status", "Credit Status", "Retirement Status", "Unit Status", "Transaction Type")
_RETIRED_STATUSES = frozenset({"retired", "retirement", "retire"})


def _stated_status(table: Table, row: Row) -> str | None:
    """Why a row whose status column says it is not retired is not an offsetting event, else ``None``."""
    for column in _STATUS_COLUMNS:
        if table.has(column):
            value = " ".join(row.get(column).split())
            if value and value.casefold() not in _RETIRED_STATUSES:
                return f"{column} {value!r}: not a retirement (only a row whose status says retired is)"
    return None


def parse(table: Table, source: str) -> Parsed:
    """The file's retirements and the rows that are not.

    :raises InputError: its slashed dates are month-first, or in both orders, or cannot be told apart
        (:func:`date_order`).
    """
    date_order(table, source)
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for row in table.rows:
        where = f"{source}:{row.line}"
        units = units_named([row.get("Serial Number")], SCHEME)  # a kept retirement sharing them is refused
        retired_text = row.get("Retirement/Cancellation Date")
        summary = _summary_row(row)
        if summary is not None:
            # Dated or not: a subtotal a spreadsheet added under the day's rows carries that day and their sum.
            excluded.append(Excluded(where, summary, units))
            continue
        if not retired_text:
            unretired = "no Retirement/Cancellation Date: an unretired block, not a retirement"
            excluded.append(Excluded(where, unretired, units))
            continue
        retired_on, retired_said = dmy_or_utc_date(retired_text)
        if retired_on is None:
            excluded.append(Excluded(where, f"Retirement/Cancellation Date {retired_text!r} is not a date", units))
            continue
        stated = _stated_status(table, row)
        if stated is not None:
            excluded.append(Excluded(where, stated, units))
            continue
        beneficiary_text = row.get("Retirement Beneficiary")
        details = row.get("Retirement Details")
        if _no_owner(dashes(beneficiary_text)):
            excluded.append(Excluded(where, "the mandatory Article 6 share retirement (no owner): not a claim", units))
            continue
        if article6_share(details) or article6_share(beneficiary_text):
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
        # A reason naming a cancellation, compliance, CORSIA or an NDC, or details naming a cancellation ("Cancelled
        # for NDC use by host country"): the export cannot tell these apart from retirements otherwise.
        use = not_offsetting("Retirement Reason", row.get("Retirement Reason")) or not_offsetting(
            "Retirement Details", details, free_text=True
        )
        if use is not None:
            excluded.append(Excluded(where, use, units))
            continue
        block = block_fields(row, where, SCHEME, serial_column="Serial Number", quantity_column="Quantity Issued")
        warnings, serial, span, quantity = block.warnings, block.serial, block.span, block.quantity
        if retired_said:
            warnings.append(f"{where}: Retirement/Cancellation Date {retired_text!r} {retired_said}")
        vintage_text = row.get("Vintage End")
        vintage_end = dmy_or_iso_date(vintage_text)
        vintage_year = vintage_end.year if vintage_end else year(vintage_text)
        if vintage_year is None:
            warnings.append(unread_year(where, "Vintage End", vintage_text, _DATE_FORMS, "vintageEndYear"))
        issued_text = row.get("Issuance Date")
        issued, issued_said = dmy_or_utc_date(issued_text)
        if issued_said:
            warnings.append(f"{where}: Issuance Date {issued_text!r} {issued_said}")
        if issued is None and issued_text:
            warnings.append(unread_year(where, "Issuance Date", issued_text, _DATE_FORMS, "issuanceYear"))
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
                vintage_end_year=vintage_year,
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
                            ("Vintage End", "" if vintage_end else vintage_text),
                            ("Issuance Date", "" if issued else issued_text),
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


def date_order(table: Table, source: str) -> None:
    """Decide once, from every slashed date of the file, that they are day-first; refuse the file otherwise.

    Verra writes ISO dates or day-first ``DD/MM/YYYY`` (zero-padded); never month-first. A file re-saved by a
    US spreadsheet writes ``M/D/YYYY`` instead, and then ``1/2/2026`` read day-first would be 1 February when it
    is 2 January. So one date that can only be month-first (``2/17/2026``) refuses the file, with or without dates
    that can only be day-first (``20/06/2024``; both in one file contradict each other); and so does a file whose
    only slashed dates could be either and are not zero-padded as Verra writes them (``1/2/2026``). A date that can
    only be day-first, or zero-padded slashed dates, make the file day-first, as documented.

    :raises InputError: one line naming the value, its column and line.
    """
    day_first = month_first = unsure = None
    for row in table.rows:
        for column in DATE_COLUMNS:
            value = row.get(column)
            parts = slashed(value)
            if parts is None:
                continue
            first, second, _ = parts
            seen = f"{value!r} ({column}, line {row.line})"
            if first > 12 >= second:
                day_first = day_first or seen
            elif second > 12 >= first:
                month_first = month_first or seen
            elif first != second and min(len(piece) for piece in value.split("/")[:2]) < 2:
                unsure = unsure or seen
    if month_first and day_first:
        raise InputError(
            source,
            f"its dates are written in both orders: {day_first} is day-first but {month_first} is month-first, "
            f"so a date such as 03/02/2026 cannot be read ({_READS}): {_FIX}",
        )
    if month_first:
        raise InputError(
            source,
            f"{month_first} is a month-first date (M/D/YYYY, as a US spreadsheet re-saves the file); {_READS}, and "
            f"its other slashed dates cannot be read day-first against it: {_FIX}",
        )
    if unsure and not day_first:
        raise InputError(
            source,
            f"{unsure} could be day-first or month-first and no date in the file decides it ({_READS}, zero-padded;"
            f" M/D/YYYY is a spreadsheet's re-save): {_FIX}",
        )


def _no_owner(beneficiary: str) -> bool:
    """Whether the beneficiary is "No owner", alone or followed by a contribution ("- contributing towards …").

    Matched in two searches, not as ``no owner\\b(?:\\W*$|.*\\bcontribut)``, whose backtracking made a long
    cell slow; the answer is the same.
    """
    head = _NO_OWNER.match(beneficiary)
    if head is None:
        return False
    rest = beneficiary[head.end() :]
    return _WORD.search(rest) is None or _CONTRIBUTING.search(rest) is not None


def _summary_row(row: Row) -> str | None:
    """Why a row with no serial is a total or subtotal a spreadsheet added, not a block; else ``None``.

    Such a row has a cell such as ``Total`` or ``Subtotal …``, or no ``ID`` and no ``Name``; it may carry a date
    and a quantity (the sum of the day's rows above it), which would otherwise count those tonnes twice.
    """
    if row.get("Serial Number"):
        return None
    dated = (
        f"Retirement/Cancellation Date {row.get('Retirement/Cancellation Date')!r}"
        if row.get("Retirement/Cancellation Date")
        else "no Retirement/Cancellation Date"
    )
    amount = f", Quantity Issued {row.get('Quantity Issued')!r}" if row.get("Quantity Issued") else ""
    label = next((v.strip() for v in row.values.values() if _TOTAL.match(v.strip())), None)
    if label is not None:
        return f"a total or summary row ({label!r}, no Serial Number, {dated}{amount}): not a block"
    if not row.get("ID") and not row.get("Name"):
        return f"a total or summary row (no Serial Number, ID or Name, {dated}{amount}): not a block"
    return None


def _credit_type(labels: list[str], where: str, warnings: list[str]) -> Fact | None:
    found = {(_TYPE_LABELS[label.casefold()], label) for label in labels if label.casefold() in _TYPE_LABELS}
    if len({kind for kind, _ in found}) > 1:
        warnings.append(f"{where}: labels name both removal and reduction: the credit type is left out")
        return None
    for kind, label in found:
        return Fact(kind, f"registry label {label!r}")
    return None
