"""Climate Action Reserve retired offset credits export (APX, Windows-1252, every field quoted, trailing comma).

The only export with an explicit ``Corresponding Adjustment`` column: ``Yes`` → true, ``No`` → false, blank →
unsaid. There is no beneficiary column: a third party is named only in ``Retirement Reason Details``, so that name
is a suggestion (used to select rows, never as the beneficiary), and the account holder is never taken for one: for
``Environmental Benefit`` with no one named, the event only says the holder may have retired for itself.
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

NAME = "car"
SCHEME = "car"
COLUMNS = (
    "Vintage",
    "Offset Credit Serial Numbers",
    "Quantity of Offset Credits",
    "Status Effective",
    "Project ID",
    "Project Name",
    "Project Type",
    "Reduction/Removal",
    "Reversible/Non-Reversible",
    "Protocol and Version",
    "Project Site Location",
    "Project Site State",
    "Project Site Country",
    "Activity Area Type",
    "Additional Certification(s)",
    "Eligible for CORSIA 2021-2023 Compliance Period",
    "Eligible for CORSIA 2024-2026 Compliance Period",
    "Corresponding Adjustment",
    "ICVCM CCP Eligible",
    "Account Holder",
    "Retirement Reason",
    "Retirement Reason Details",
)
SIGNATURE = ("Offset Credit Serial Numbers",)
#: Columns without which no row can be read as a retirement: a header lacking one is refused, not read
#: row by row into retirements without a date or tonnes.
REQUIRED = (*SIGNATURE, "Status Effective", "Quantity of Offset Credits")
TEXT_COLUMNS = ("Project Name", "Project Site Location", "Account Holder", "Retirement Reason Details")

REGISTRY = Organisation("car", "Climate Action Reserve registry")
CRT = Organisation("car-crt", "Climate Action Reserve (Climate Reserve Tonnes)")
ROC = Organisation("car-roc", "Climate Action Reserve registry offset credits (California compliance protocols)")

# An account holder retiring for the environment may be retiring for itself (the format notes, §5): a suggestion.
_FOR_ITSELF = ("environmental benefit",)
_TYPES = {"reduction": "ReductionCredit", "removal": "RemovalCredit"}


def parse(table: Table, source: str) -> Parsed:
    """The file's retirements and the rows that are not.

    :raises InputError: its dates are in both orders, or cannot be told apart (:func:`fields.apx_day_first`).
    """
    day_first, said = apx_day_first(table, source, "Status Effective")
    read_date = dmy_date if day_first else mdy_date
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    for row in table.rows:
        where = f"{source}:{row.line}"
        # The units the row names: a kept retirement sharing them with a row left out is refused.
        units = units_named([row.get("Offset Credit Serial Numbers")], SCHEME)
        cancelled = cancellation(table, row)
        if cancelled is not None:
            excluded.append(Excluded(where, cancelled, units))
            continue
        reason = row.get("Retirement Reason")
        # "Compliance Requirements" is the documented value; a reworded one ("California Compliance", "ARB Compliance
        # Obligation", "Washington Ecology Compliance") is still a compliance use, never an offsetting event.
        details = row.get("Retirement Reason Details")
        use = not_offsetting("Retirement Reason", reason) or not_offsetting(
            "Retirement Reason Details", details, free_text=True
        )
        if use is not None:
            excluded.append(Excluded(where, use, units))
            continue
        retired_on = read_date(row.get("Status Effective"))
        if retired_on is None:
            excluded.append(Excluded(where, f"Status Effective {row.get('Status Effective')!r} is not a date", units))
            continue
        block = block_fields(
            row,
            where,
            SCHEME,
            serial_column="Offset Credit Serial Numbers",
            quantity_column="Quantity of Offset Credits",
        )
        warnings, serial, span, quantity = block.warnings, block.serial, block.span, block.quantity
        period = note_period(details, where, warnings)
        named = on_behalf_of(details) if details else None
        holder = beneficiary_or_none(row.get("Account Holder"))
        event_notes: tuple[str, ...] = ()
        suggested: tuple[str, ...] = ()
        # Only with the details blank: details that say anything may name the beneficiary in words no reader knows
        # (a broker's client), and the holder is then no suggestion.
        if reason.casefold() in _FOR_ITSELF and not details.strip() and holder is not None:
            event_notes = (
                # The row is named: an event may group it with rows the holder did not retire for itself.
                f"beneficiary suggested by the Account Holder of {where}: {holder!r} may have retired these credits "
                f"for itself (Retirement Reason {reason!r}, no one named in the details); confirm it: --beneficiary "
                "does not select by the account holder",
            )
            # Recorded as the name the record suggests, so that a merge into a claim of another entity is refused
            # rather than linking the holder's own retirement to that claimant (as an ICR account owner is).
            suggested = (holder,)
        credit_type = _TYPES.get(row.get("Reduction/Removal").casefold())
        _, vintage = apx_years(row, where, warnings, issued_column=None)
        unit_type = serial.split("-")[1].strip().upper() if serial.count("-") > 1 else ""
        retirements.append(
            Retirement(
                where=where,
                registry=REGISTRY,
                retired_on=retired_on,
                quantity=quantity,
                serial=serial or None,
                span=span,
                programme=ROC if unit_type == "ROC" else CRT,
                vintage_end_year=vintage,
                credit_type=Fact(credit_type, "registry field Reduction/Removal") if credit_type else None,
                corresponding_adjustment=_adjustment(row.get("Corresponding Adjustment")),
                ex_post=Fact(True, "inferred: programme rule (CRTs are issued after verification)"),
                beneficiary=None,  # the export has no beneficiary column
                beneficiary_note=named,
                suggested=suggested,
                period=period,
                period_suggestion=None if period else suggest_period(details),
                event_notes=event_notes,
                notes=notes(
                    (
                        ("Account Holder", row.get("Account Holder")),
                        ("Retirement Reason", reason),
                        ("Retirement Reason Details", details),
                        ("Project ID", row.get("Project ID")),
                        ("Project Name", row.get("Project Name")),
                        ("Corresponding Adjustment", row.get("Corresponding Adjustment")),
                    )
                ),
                warnings=tuple(warnings),
            )
        )
    return Parsed(tuple(retirements), tuple(excluded), (said,) if said else ())


def _adjustment(value: str) -> Fact | None:
    answer = value.strip().casefold()
    if answer == "yes":
        return Fact(True, "registry field Corresponding Adjustment = Yes")
    if answer == "no":
        return Fact(False, "registry field Corresponding Adjustment = No")
    return None
