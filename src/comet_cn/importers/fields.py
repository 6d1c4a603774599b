"""Small readers shared by the format modules: serial ranges, notes, dashes in labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from comet_cn.importers.reading import Row, mdy_date, number, year
from comet_cn.serials import SerialRange, parse_serial

__all__ = [
    "BlockFields",
    "apx_years",
    "block_fields",
    "dashes",
    "not_positive",
    "notes",
    "serial_range",
    "unread_year",
]

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def dashes(text: str) -> str:
    """Typographic dashes as ``-``: Verra writes both ``Article 6 Authorized – NDC Use`` and ``… - …``."""
    return text.translate(_DASHES)


def serial_range(serial: str, scheme: str, where: str) -> tuple[SerialRange | None, list[str]]:
    """The serial's unit range by the registry's own grammar, and a warning when it cannot be read."""
    if not serial:
        return None, [f"{where}: no serial number (CN-REG-01 will ask for it)"]
    span = parse_serial(serial, scheme)
    if span is None:
        return None, [
            f"{where}: serial {serial!r} does not fit the {scheme} grammar, so it is compared only as a whole "
            "string (CN-UNITS-03)"
        ]
    return span, []


def not_positive(where: str, field: str, quantity: Decimal) -> str:
    """The one warning every importer gives for a retired quantity of zero or less (kept, so CN-BAL-01 sees it)."""
    return (
        f"{where}: {field} {quantity.normalize():f} is not a positive quantity: it is kept as written (CN-BAL-01 "
        "counts it); check the record"
    )


def unread_year(where: str, column: str, text: str, expected: str, term: str) -> str:
    """The warning for a vintage or issuance value that gives no year: it is reported, never dropped silently.

    :param expected: how the registry writes the column (``"a year"``, ``"YYYY-MM-DD or DD/MM/YYYY"``).
    :param term: what the year would have become (``vintageEndYear``, ``issuanceYear``).
    """
    asks = "CN-VINT-01 asks for it" + (" with --vintage-year issuance" if term == "issuanceYear" else "")
    if not text.strip():
        return f"{where}: {column} is blank: the credit has no {term} ({asks}); check the record"
    return (
        f"{where}: {column} {text!r} is not {expected}: it is not read, so the credit has no {term} ({asks}); "
        "check the record"
    )


def apx_years(row: Row, where: str, warnings: list[str], *, issued_column: str | None) -> tuple[int | None, int | None]:
    """The issuance year (from ``issued_column``, M/D/YYYY as APX writes it) and the ``Vintage`` of an APX export
    row (ACR, CAR, ART TREES), each value that gives no year warned about in ``warnings``."""
    issued = None
    if issued_column is not None:
        issued_text = row.get(issued_column)
        issued_on = mdy_date(issued_text)
        issued = issued_on.year if issued_on else None
        if issued is None and issued_text:
            warnings.append(unread_year(where, issued_column, issued_text, "a date (M/D/YYYY)", "issuanceYear"))
    vintage = year(row.get("Vintage"))
    if vintage is None:
        warnings.append(unread_year(where, "Vintage", row.get("Vintage"), "a four-digit year", "vintageEndYear"))
    return issued, vintage


def notes(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Raw fields worth keeping for the reader, as ``Column: value``; blank ones are dropped."""
    return tuple(f"{column} (as written): {value!r}" for column, value in pairs if value.strip())


@dataclass(frozen=True)
class BlockFields:
    """What every CSV export says of a retired block: its serial, unit range and quantity, with the warnings."""

    serial: str
    span: SerialRange | None
    quantity: Decimal | None
    warnings: list[str]


def block_fields(row: Row, where: str, scheme: str, *, serial_column: str, quantity_column: str) -> BlockFields:
    """Read a row's serial and quantity columns the same way for every registry (thousands separators allowed)."""
    warnings: list[str] = []
    if row.repaired:
        warnings.append(f"{where}: an unescaped quote split {row.repaired!r}; the pieces were re-joined")
    serial = row.get(serial_column)
    span, problems = serial_range(serial, scheme, where)
    warnings.extend(problems)
    quantity = number(row.get(quantity_column), thousands=True)
    if quantity is None:
        warnings.append(f"{where}: {quantity_column} {row.get(quantity_column)!r} is not a number")
    elif quantity <= 0:
        warnings.append(not_positive(where, quantity_column, quantity))
    return BlockFields(serial, span, quantity, warnings)
