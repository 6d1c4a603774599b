"""ART TREES registry (APX) retirements export. Note the double space in ``Program  Country``.

The registry hosts two programmes; which one issued a block comes from ``Crediting Program and Standard``, not
from the registry. A ``Retirement Reason`` naming the host country's NDC marks a contribution (the units count
toward the host country's target), which is not an offsetting event. No adjustment or credit-type column.
"""

from __future__ import annotations

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

__all__ = ["COLUMNS", "NAME", "REQUIRED", "SCHEME", "SIGNATURE", "TEXT_COLUMNS", "parse"]

NAME = "art-trees"
SCHEME = "art-trees"
COLUMNS = (
    "Vintage",
    "Credit Serial Numbers",
    "Quantity of Credits",
    "Status Effective",
    "Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)",
    "Eligible for CORSIA 2024-2026 Compliance Period (First Phase)",
    "CCP Approved",
    "Program ID",
    "Program Name",
    "Program Type",
    "Crediting Program and Standard",
    "Standard Version",
    "Program Jurisdiction(s)",
    "Program Country",
    "Date Approved",
    "Account Holder",
    "Retired on Behalf of",
    "Retirement Reason",
    "Purpose of Retirement",
)
SIGNATURE = ("Credit Serial Numbers", "Program ID")
#: Columns without which no row can be read as a retirement: a header lacking one is refused, not read
#: row by row into retirements without a date or tonnes.
REQUIRED = (*SIGNATURE, "Status Effective", "Quantity of Credits")
TEXT_COLUMNS = ("Program Name", "Account Holder", "Retired on Behalf of", "Purpose of Retirement")

REGISTRY = Organisation("art-trees", "ART Registry")
ART = Organisation("art-trees", "ART - The REDD+ Environmental Excellence Standard (TREES)")
FCPF = Organisation("fcpf", "FCPF - Carbon Fund Methodological Framework")

# The registry writes "Host Country NDC"; a reworded or combined reason ("host-country NDC", "… AND Host Country
# Nationally Determined Contribution") is still a contribution, and "CORSIA Compliance" a compliance use: the
# shared fields.not_offsetting reads them all.


def parse(table: Table, source: str) -> Parsed:
    """The file's retirements and the rows that are not.

    :raises InputError: its dates are in both orders, or cannot be told apart (:func:`fields.apx_day_first`).
    """
    day_first, said = apx_day_first(table, source, "Status Effective", ("Date Approved",))
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
        reason = row.get("Retirement Reason")
        purpose = row.get("Purpose of Retirement")
        use = not_offsetting("Retirement Reason", reason) or not_offsetting(
            "Purpose of Retirement", purpose, free_text=True
        )
        if use is not None:
            excluded.append(Excluded(where, use, units))
            continue
        retired_on = read_date(row.get("Status Effective"))
        if retired_on is None:
            excluded.append(Excluded(where, f"Status Effective {row.get('Status Effective')!r} is not a date", units))
            continue
        block = block_fields(
            row, where, SCHEME, serial_column="Credit Serial Numbers", quantity_column="Quantity of Credits"
        )
        warnings, serial, span, quantity = block.warnings, block.serial, block.span, block.quantity
        standard = row.get("Crediting Program and Standard")
        programme = _programme(standard, serial)
        if programme is None:
            warnings.append(f"{where}: Crediting Program and Standard {standard!r} names no known programme")
        approved, vintage = apx_years(row, where, warnings, issued_column="Date Approved")
        period = note_period(purpose, where, warnings)
        retirements.append(
            Retirement(
                where=where,
                registry=REGISTRY,
                retired_on=retired_on,
                quantity=quantity,
                serial=serial or None,
                span=span,
                programme=programme,
                vintage_end_year=vintage,
                issuance_year=approved,
                credit_type=Fact("AvoidanceCredit", "inferred: jurisdictional REDD+ credits are for avoided emissions")
                if programme is ART
                else None,
                ex_post=Fact(True, "inferred: programme rule (credits are issued after verification)"),
                beneficiary=beneficiary_or_none(row.get("Retired on Behalf of")),
                beneficiary_note=on_behalf_of(purpose) if purpose else None,
                period=period,
                period_suggestion=None if period else suggest_period(purpose),
                notes=notes(
                    (
                        ("Account Holder", row.get("Account Holder")),
                        ("Retirement Reason", reason),
                        ("Purpose of Retirement", purpose),
                        ("Program ID", row.get("Program ID")),
                        ("Program Name", row.get("Program Name")),
                        ("Crediting Program and Standard", standard),
                    )
                ),
                warnings=tuple(warnings),
            )
        )
    return Parsed(tuple(retirements), tuple(excluded), (said,) if said else ())


def _programme(standard: str, serial: str) -> Organisation | None:
    head = (standard or serial).strip().upper()
    if head.startswith("ART"):
        return ART
    if head.startswith("FCPF"):
        return FCPF
    return None
