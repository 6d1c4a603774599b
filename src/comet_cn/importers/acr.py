"""American Carbon Registry (APX) retirements export; its cancellations file is recognised and imports nothing.

Dates are US month-first with a 12-hour GMT time (``2/3/2026 10:15:42 AM``): only the calendar date is kept, with
no shift into a local zone; a file re-saved day-first is read so, decided once per file (``fields.apx_day_first``).
``Account Holder`` is the account the credits left (sometimes a number), never the beneficiary. There is no
adjustment column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from comet_cn.importers.attribution import (
    beneficiary_or_none,
    note_period,
    on_behalf_of,
    suggest_period,
)
from comet_cn.importers.fields import (
    apx_day_first,
    apx_years,
    block_fields,
    cancellation,
    not_offsetting,
    notes,
    units_named,
)
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import Table, dmy_date, mdy_date

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from comet_cn.importers.reading import Row

__all__ = ["COLUMNS", "NAME", "REQUIRED", "SCHEME", "SIGNATURE", "TEXT_COLUMNS", "parse"]

NAME = "acr"
SCHEME = "acr"
COLUMNS = (
    "fiid",
    "Credit Serial Numbers",
    "Date Issued (GMT)",
    "Vintage",
    "Vintage Assignment Period Start Date",
    "Vintage Assignment Period End Date",
    "Quantity of Credits",
    "Account Holder",
    "Status Effective (GMT)",
    "Retired on Behalf of",
    "Retirement Reason",
    "Purpose of Retirement",
    "Project ID",
    "Project Name",
    "Project Type",
    "Project Methodology/Protocol",
    "Methodology/Protocol Version",
    "Project Site Location",
    "Project Site State",
    "Project Site Country",
    "ARB Eligible",
    "Ecology Eligible",
    "CORSIA Eligible",
    "Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)",
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase)",
    "CCP Approved",
    "Verified Removal",
    "Sustainable Development Goal(s)",
    "Project Website",
    "Documents",
    "Numberoffiles",
)
SIGNATURE = ("Credit Serial Numbers", "Status Effective (GMT)")
#: Columns without which no row can be read as a retirement: a header lacking one is refused, not read
#: row by row into retirements without a date or tonnes.
REQUIRED = (*SIGNATURE, "Quantity of Credits")
TEXT_COLUMNS = ("Account Holder", "Retired on Behalf of", "Purpose of Retirement", "Project Name")

REGISTRY = Organisation("acr", "ACR Registry")
PROGRAMME = Organisation("acr-standard", "ACR (American Carbon Registry) Standard")


#: The date columns besides the retirement date; they decide the file's order when its retirement dates cannot.
DATE_COLUMNS = ("Date Issued (GMT)", "Vintage Assignment Period Start Date", "Vintage Assignment Period End Date")


def parse(table: Table, source: str) -> Parsed:
    """The file's retirements and the rows that are not.

    :raises InputError: its dates are in both orders, or cannot be told apart (:func:`fields.apx_day_first`).
    """
    day_first, said = apx_day_first(table, source, "Status Effective (GMT)", DATE_COLUMNS)
    read_date = dmy_date if day_first else mdy_date
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for row in table.rows:
        where = f"{source}:{row.line}"
        units = units_named([row.get("Credit Serial Numbers")], SCHEME)  # a kept retirement sharing them is refused
        cancelled = cancellation(table, row)
        if cancelled is not None:
            excluded.append(Excluded(where, cancelled, units))
            continue
        # ACR's reasons include compliance uses ("Compliance - Washington Ecology") and NDC contributions; its
        # purpose may name the obligation met ("… CORSIA First Phase offsetting obligation 2024").
        use = not_offsetting("Retirement Reason", row.get("Retirement Reason")) or not_offsetting(
            "Purpose of Retirement", row.get("Purpose of Retirement"), free_text=True
        )
        if use is not None:
            excluded.append(Excluded(where, use, units))
            continue
        retired_on = read_date(row.get("Status Effective (GMT)"))
        if retired_on is None:
            excluded.append(
                Excluded(where, f"Status Effective (GMT) {row.get('Status Effective (GMT)')!r} is not a date", units)
            )
            continue
        block = block_fields(
            row, where, SCHEME, serial_column="Credit Serial Numbers", quantity_column="Quantity of Credits"
        )
        warnings, serial, span, quantity = block.warnings, block.serial, block.span, block.quantity
        issued, vintage = apx_years(row, where, warnings, issued_column="Date Issued (GMT)")
        vintage = _period_vintage(row, read_date, vintage, where, warnings)
        purpose = row.get("Purpose of Retirement")
        behalf = row.get("Retired on Behalf of")
        period = note_period(purpose, where, warnings)
        removal = row.get("Verified Removal").casefold() == "yes"
        named = on_behalf_of(purpose) if purpose else None
        holder = beneficiary_or_none(row.get("Account Holder"))
        # An account holder retiring for the environment, naming no one and giving no purpose, may be retiring for
        # itself (as in CAR): its name (not an account number) is recorded as the one the record suggests, so that a
        # merge into a claim of another entity is refused.
        for_itself = (
            row.get("Retirement Reason").casefold() == "environmental benefit"
            and beneficiary_or_none(behalf) is None
            and not (purpose or "").strip()
            and holder is not None
            and any(character.isalpha() for character in holder)
        )
        retirements.append(
            Retirement(
                where=where,
                registry=REGISTRY,
                retired_on=retired_on,
                quantity=quantity,
                serial=serial or None,
                span=span,
                programme=PROGRAMME,
                vintage_end_year=vintage,
                issuance_year=issued,
                credit_type=Fact("RemovalCredit", "registry field Verified Removal = Yes") if removal else None,
                ex_post=Fact(True, "inferred: programme rule (ACR issues credits after verification)"),
                beneficiary=beneficiary_or_none(behalf),
                beneficiary_note=named,
                suggested=(holder,) if for_itself and holder is not None else (),
                period=period,
                period_suggestion=None if period else suggest_period(purpose),
                notes=notes(
                    (
                        ("Account Holder", row.get("Account Holder")),
                        ("Retirement Reason", row.get("Retirement Reason")),
                        ("Purpose of Retirement", purpose),
                        ("Project ID", row.get("Project ID")),
                        ("Project Name", row.get("Project Name")),
                        ("CCP Approved", row.get("CCP Approved")),
                    )
                ),
                warnings=tuple(warnings),
            )
        )
    return Parsed(tuple(retirements), tuple(excluded), (said,) if said else ())


def _period_vintage(
    row: Row, read_date: Callable[[str], date | None], vintage: int | None, where: str, warnings: list[str]
) -> int | None:
    """The vintage year to write: ``Vintage`` (the year the serial names), or the year the vintage assignment
    period ends where ``Vintage`` is blank (none where it is written in a form that cannot be read).

    ``Vintage`` may name the year a two-year period starts (7/1/2023 to 6/30/2024 is vintage 2023): that is no
    contradiction. A ``Vintage`` outside the period's years contradicts it (Vintage 2023 for a 2017 period): the
    earlier year is written, with a warning, so that the five-year rule (CN-VINT-01) is never passed on the later.
    """
    start = read_date(row.get("Vintage Assignment Period Start Date"))
    end = read_date(row.get("Vintage Assignment Period End Date"))
    if end is None:
        return vintage
    if vintage is None:
        # Only where Vintage is blank: one written in another form ("12/31/2015") was warned about as not read,
        # and the period's year, which may be later, would pass CN-VINT-01 on it.
        return None if str(row.get("Vintage") or "").strip() else end.year
    if vintage == end.year or (start is not None and start.year <= vintage <= end.year):
        return vintage  # the year the serial names too (CN-VINT-02 compares them)
    written = min(vintage, end.year)
    warnings.append(
        f"{where}: Vintage is {vintage} but the vintage assignment period ends {end.isoformat()}; vintageEndYear is "
        f"written as {written}, the earlier, so that the five-year rule is not passed on a later year (check the "
        "registry's vintage and its period)"
    )
    return written
