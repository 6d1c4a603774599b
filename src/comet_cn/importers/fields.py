"""Small readers shared by the format modules: serial ranges, notes, dashes in labels, uses that offset nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from comet_cn.importers.reading import Row, Table, mdy_date, number, year
from comet_cn.serials import SerialRange, parse_serial

__all__ = [
    "BlockFields",
    "apx_years",
    "article6_share",
    "block_fields",
    "cancellation",
    "dashes",
    "not_offsetting",
    "not_positive",
    "notes",
    "serial_range",
    "unread_year",
]

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def dashes(text: str) -> str:
    """Typographic dashes as ``-``: Verra writes both ``Article 6 Authorized – NDC Use`` and ``… - …``."""
    return text.translate(_DASHES)


# Uses of retired units that are not offsetting events (format notes §1.3), matched as words in any case and
# wording: a registry rewords its reasons ("Compliance - Washington Ecology", "ARB Compliance Obligation"), and a
# reworded compliance, CORSIA or NDC use offsets nothing either. The first that fits names the kind.
_CANCELLATION = re.compile(r"\bcancel(?:s|l?ed|l?ing|l?ations?)?\b")
_ARTICLE6_SHARE = re.compile(
    r"\bshare\s+of\s+proceeds\b"
    r"|\barticle\s*6\b.*\b(?:share|loa|letter\s+of\s+authori[sz]ation|mandatory)\b"
    r"|\b(?:share|loa|letter\s+of\s+authori[sz]ation|mandatory)\b.*\barticle\s*6\b"
)
_NOT_OFFSETTING: tuple[tuple[re.Pattern[str], str], ...] = (
    (_CANCELLATION, "a cancellation"),
    (_ARTICLE6_SHARE, "the mandatory Article 6 share retirement"),
    (
        re.compile(r"\bndcs?\b|\bnationally\s+determined\s+contributions?\b"),
        "a contribution toward the host country's NDC",
    ),
    (re.compile(r"\bcorsia\b"), "a CORSIA use (an aeroplane operator's obligation)"),
    (re.compile(r"\bcompliance\b"), "a compliance use"),
)


_STANDARD = re.compile(r"\b(?:in\s+)?(?:compliance|compliant)\s+with\s+(?:the\s+)?(?:iso|pas|ghg\s+protocol)\b")


def _plain_words(text: str) -> str:
    """Folded words: any dash or punctuation between words is a space ("host-country NDC", "Article-6")."""
    return " ".join(re.sub(r"[^\w%]+", " ", dashes(text).casefold()).split())


def not_offsetting(column: str, value: str, *, free_text: bool = False) -> str | None:
    """Why a retirement whose ``column`` says ``value`` is not an offsetting event, else ``None``.

    A reason or use field (``free_text`` false) leaves a retirement out when it names a cancellation, an Article 6
    share (of proceeds), an NDC (nationally determined contribution), CORSIA or compliance, by word in any case. A
    free-text note (``free_text``), which may say "in compliance with ISO 14068-1", is read only for a cancellation
    or an Article 6 share. One wording serves every importer: ``Retirement Reason 'California Compliance': a
    compliance use, not an offsetting event``.
    """
    # "in compliance with ISO 14068-1" states conformance to a standard, not a compliance use.
    words = _STANDARD.sub(" ", _plain_words(value)).strip()
    if not words:
        return None
    for pattern, kind in _NOT_OFFSETTING[:2] if free_text else _NOT_OFFSETTING:
        if pattern.search(words):
            return f"{column} {' '.join(value.split())!r}: {kind}, not an offsetting event"
    return None


# An APX cancellations file (ACR, CAR, ART TREES) has one of these columns; each registry has been seen with both.
_CANCELLATION_COLUMNS = ("Cancellation Type", "Cancellation Reason")


def cancellation(table: Table, row: Row) -> str | None:
    """Why a row of an APX cancellations file is not an offsetting event (the file has a ``Cancellation Type`` or
    ``Cancellation Reason`` column: conversions to compliance credits, never retirements), else ``None``."""
    for column in _CANCELLATION_COLUMNS:
        if table.has(column):
            kind = " ".join(row.get(column).split()) or "blank"
            return f"a cancellation ({column} {kind!r}), not an offsetting event"
    return None


def article6_share(text: str) -> bool:
    """Whether a note names the mandatory Article 6 share retirement (or a share of proceeds), in any wording."""
    return bool(_ARTICLE6_SHARE.search(_plain_words(text)))


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
