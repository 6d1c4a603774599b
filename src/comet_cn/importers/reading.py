"""Reading registry files: bytes to text, CSV to rows keyed by normalised header, JSON with exact decimals, dates.

Registry exports are messier than their documentation: double spaces and trailing spaces in headers, an empty last
column (APX ends every line with a comma), Windows-1252 files with no charset, unescaped quotes inside quoted
fields, and one date format per registry and column. Every reader here is explicit about which one it expects.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from comet_cn.errors import InputError
from comet_cn.loading import LoadLimits, read_bytes

__all__ = [
    "MAX_BYTES",
    "Row",
    "Table",
    "dmy_or_iso_date",
    "first_row",
    "header_key",
    "iso_date",
    "mdy_date",
    "number",
    "read_json",
    "read_table",
    "read_text",
    "records",
    "year",
]

#: Largest registry file read (full registry exports run to tens of megabytes).
MAX_BYTES = 256 * 1024 * 1024


def header_key(name: str) -> str:
    """A header name as matched: no outer white space, inner white space collapsed, case folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def read_text(path: Path) -> tuple[str, str | None]:
    """The file's text and, when it was not UTF-8, a warning saying how it was decoded.

    Strict UTF-8 first (a BOM is dropped), then Windows-1252: the CAR export is Windows-1252 with no declared
    charset, and decoding it as UTF-8 with replacement would silently destroy every accented name.
    """
    name = str(path)
    data = read_bytes(path, LoadLimits(max_bytes=MAX_BYTES))  # refuses folders, FIFOs and devices unopened
    if len(data) > MAX_BYTES:  # grew after it was measured
        raise InputError(name, f"file is over the limit of {MAX_BYTES} bytes")
    if b"\x00" in data:
        raise InputError(name, "binary data, not a CSV or JSON registry file (a spreadsheet? export it as CSV)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8: decoded as Windows-1252"
    except UnicodeDecodeError:
        raise InputError(name, "neither UTF-8 nor Windows-1252 text") from None


@dataclass(frozen=True)
class Row:
    """One CSV record: its values by normalised header, and the line on which it starts (the header is line 1)."""

    line: int
    values: Mapping[str, str]
    repaired: str | None = None

    def get(self, *names: str) -> str:
        """The first of ``names`` (header names as published, any case) that the file has, stripped; else ``""``."""
        for name in names:
            value = self.values.get(header_key(name))
            if value is not None:
                # No-break spaces occur in Verra text; they are white space for our purposes.
                return value.replace("\xa0", " ").strip()
        return ""


@dataclass(frozen=True)
class Table:
    """A CSV file read by header names."""

    header: tuple[str, ...]
    rows: tuple[Row, ...]
    warnings: tuple[str, ...] = field(default=())

    def has(self, *names: str) -> bool:
        return all(header_key(name) in self.header for name in names)


def read_table(text: str, *, text_columns: Sequence[str] = ()) -> Table:
    """Read CSV text into rows keyed by normalised header name.

    :param text_columns: free-text columns, in header order; a record with more fields than the header (an APX
        export does not double a quote inside a quoted field, so ``"on behalf of "X, Inc.""`` splits) has its
        overflow re-joined into the damaged column when that is one of these, and a warning says so.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header_row = next(reader)
    except StopIteration:
        return Table((), ())
    except csv.Error as error:
        raise InputError("<csv>", f"unreadable CSV header ({error})") from None
    header = tuple(header_key(name) for name in header_row)
    # An empty last header is the APX trailing comma; it holds no data.
    width = len(header)
    optional_tail = width > 0 and header[-1] == ""
    text_keys = {header_key(name) for name in text_columns}
    rows: list[Row] = []
    warnings: list[str] = []
    start = 2
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not any(value.strip() for value in record):
                continue
            repaired = None
            if len(record) > width:
                fixed = _rejoin(record, header, text_keys)
                if fixed is None:
                    warnings.append(
                        f"{line}: {len(record)} fields where the header has {width}; the row cannot be read safely"
                        " and is skipped"
                    )
                    continue
                record, repaired = fixed
            elif len(record) < width and not (optional_tail and len(record) == width - 1):
                warnings.append(f"{line}: {len(record)} fields where the header has {width}; missing ones are blank")
            values = {name: value for name, value in zip(header, record, strict=False) if name}
            rows.append(Row(line, values, repaired))
    except csv.Error as error:  # among others, a stray quote that swallows the rest of the file into one field
        raise InputError("<csv>", f"unreadable CSV at line {reader.line_num} ({error})") from None
    return Table(tuple(name for name in header if name), tuple(rows), tuple(warnings))


def _rejoin(record: list[str], header: tuple[str, ...], text_keys: set[str]) -> tuple[list[str], str] | None:
    """Undo the split an undoubled inner quote causes, when the damaged column is a free-text column.

    Python's CSV reader closes the quoted field at the inner quote, so the field is cut at the next comma and the
    rest (still holding the stray quote characters) becomes extra fields: the first field after the damage that
    contains a quote marks where the overflow starts.
    """
    extra = len(record) - len(header)
    for index in range(1, len(record)):
        if '"' in record[index]:
            damaged = index - 1
            if damaged >= len(header) or header[damaged] not in text_keys:
                return None
            joined = ",".join(record[damaged : damaged + extra + 1])
            return [*record[:damaged], joined, *record[damaged + extra + 1 :]], header[damaged]
    return None


def read_json(text: str, name: str) -> Any:
    """Parse JSON keeping every fractional number exact (``12.5`` as ``Decimal``, never a float)."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InputError(name, f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise InputError(name, "JSON nested too deeply") from None


# ---- numbers ----

_INTEGER = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+|[+-]?[0-9]+")


def number(text: str | int | Decimal | None, *, thousands: bool = False) -> Decimal | None:
    """A quantity as an exact decimal; ``None`` when blank or not a number.

    :param thousands: the column is documented as an integer written with ``,`` thousands separators
        (``"1,454,054"``); the separator is accepted only where the grouping is right.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    value = text.strip().replace("\xa0", "")
    if not value:
        return None
    if thousands and "," in value:
        if not _INTEGER.fullmatch(value):
            return None
        value = value.replace(",", "")
    try:
        result = Decimal(value)
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


# ---- dates: one explicit format per registry and column, never a guess between day-first and month-first ----

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ].*)?")
_SLASHED = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?:\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*([AaPp][Mm])?)?"
)


def iso_date(text: str) -> date | None:
    """``YYYY-MM-DD``, optionally followed by a time (``2026-04-09T18:21:22.047712Z``): the calendar date as written.

    The time zone is not applied: shifting a GMT timestamp into a local zone can move the day.
    """
    match = _ISO_DATE.fullmatch(text.strip())
    if match is None:
        return None
    return _date(int(match[1]), int(match[2]), int(match[3]))


def mdy_date(text: str) -> date | None:
    """US month-first ``M/D/YYYY`` or ``MM/DD/YYYY``, optionally with ``h:mm:ss AM/PM`` (APX registries)."""
    match = _SLASHED.fullmatch(text.strip())
    if match is None:
        return None
    return _date(int(match[3]), int(match[1]), int(match[2]))


def dmy_or_iso_date(text: str) -> date | None:
    """ISO ``YYYY-MM-DD`` or day-first ``DD/MM/YYYY`` (Verra's older downloads, CAD Trust), decided per value."""
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        return iso_date(value)
    match = _SLASHED.fullmatch(value)
    if match is None or match[4] is not None:
        return None
    return _date(int(match[3]), int(match[2]), int(match[1]))


def _date(year_: int, month: int, day: int) -> date | None:
    try:
        return date(year_, month, day)
    except ValueError:
        return None


_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def year(value: str | int | Decimal | None) -> int | None:
    """A four-digit year (``2024``, ``"2024"``, ``"2024.0"`` as pandas writes it); else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if _YEAR.fullmatch(text) else None


def records(document: Any, keys: Sequence[str], name: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The records of a JSON document: a list of objects, one object, or an object whose ``keys`` member holds them.

    Yields ``(position, record)`` with positions from 1, in document order.
    """
    items: Any = document
    if isinstance(document, Mapping):
        for key in keys:
            if isinstance(document.get(key), list):
                items = document[key]
                break
        else:
            items = [document]
    if not isinstance(items, list):
        raise InputError(name, "expected a JSON array of records or an object holding one")
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise InputError(name, f"record {position} is not a JSON object")
        yield position, item


def first_row(text: str) -> tuple[str, ...]:
    """The normalised header of CSV text (empty names dropped), read without reading the rest."""
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return ()
    return tuple(key for key in (header_key(name) for name in header) if key)
