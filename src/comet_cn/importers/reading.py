"""Reading registry files: bytes to text, CSV to rows keyed by normalised header, JSON with exact decimals, dates.

Registry exports are messier than their documentation: double spaces and trailing spaces in headers, an empty last
column (APX ends every line with a comma), Windows-1252 files with no charset, unescaped quotes inside quoted
fields, and one date format per registry and column. Every reader here is explicit about which one it expects.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from comet_cn.errors import InputError
from comet_cn.loading import LoadLimits, read_bytes

__all__ = [
    "MAX_BYTES",
    "Row",
    "Table",
    "dmy_date",
    "dmy_or_iso_date",
    "dmy_or_utc_date",
    "first_row",
    "header_key",
    "iso_date",
    "mdy_date",
    "number",
    "read_json",
    "read_table",
    "read_text",
    "records",
    "separator_problem",
    "slashed",
    "utc_date",
    "year",
]

#: Largest registry file read (full registry exports run to tens of megabytes).
MAX_BYTES = 256 * 1024 * 1024


def header_key(name: str) -> str:
    """A header name as matched: no outer white space, inner white space collapsed, case folded."""
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def read_text(path: Path) -> tuple[str, str | None]:
    """The file's text and, when it was not UTF-8, a warning saying how it was decoded.

    A UTF-8 BOM is dropped first, then strict UTF-8, then Windows-1252: the CAR export is Windows-1252 with no
    declared charset, and decoding it as UTF-8 with replacement would silently destroy every accented name.
    """
    name = str(path)
    if name == "-":  # cn-validate's name for standard input: a registry file is read from its path only
        raise InputError(name, "standard input is not read here: save it to a file and give the file's path")
    data = read_bytes(path, LoadLimits(max_bytes=MAX_BYTES))  # refuses folders, FIFOs and devices unopened
    if len(data) > MAX_BYTES:  # grew after it was measured
        raise InputError(name, f"file is over the limit of {MAX_BYTES} bytes")
    # UTF-32's little-endian mark starts with UTF-16's: read as UTF-16, every character gained a NUL after it
    # and the file was named "not a verra export".
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        try:
            return data.decode("utf-32"), "UTF-32 text: decoded as such"
        except UnicodeDecodeError:
            raise InputError(name, "UTF-32 text (it starts with a UTF-32 mark) that does not decode") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" and some exporters write UTF-16 with a BOM: lossless to decode, and its NUL bytes
        # are not binary data.
        try:
            return data.decode("utf-16"), "UTF-16 text: decoded as such"
        except UnicodeDecodeError:
            raise InputError(name, "UTF-16 text (it starts with a UTF-16 mark) that does not decode") from None
    if b"\x00" in data:
        raise InputError(name, "binary data, not a CSV or JSON registry file (a spreadsheet? export it as CSV)")
    # Drop a BOM before any decoding: a file saved with one can still be Windows-1252 inside, and decoded as such
    # the BOM would become "ï»¿" at the start of the first header name, which then matches nothing.
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8"), None
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
    repaired: str | None = None  # the column (as published) whose pieces an unescaped quote split and were re-joined

    def get(self, *names: str) -> str:
        """The first of ``names`` (header names as published, any case) that the file has, stripped; else ``""``."""
        for name in names:
            value = self.values.get(header_key(name))
            if value is not None:
                # No-break spaces occur in Verra text; they are white space for our purposes.
                return _excel_text(value.replace("\xa0", " ").strip())
        return ""


# A cell Excel keeps as text by a formula (="0012345"), as people re-save a registry download to stop Excel turning
# a serial into a number: its text is the value. Read as written, a serial so saved was never compared with the same
# units written plainly (red team 95a: one block retired twice, once escaped, counted twice).
_EXCEL_TEXT = re.compile(r'=\s*"((?:[^"]|"")*)"')


def _excel_text(value: str) -> str:
    """The text of a cell written as Excel's text formula ``="…"`` (doubled quotes inside it undone); any other
    value as it is."""
    if not value.startswith("="):
        return value
    match = _EXCEL_TEXT.fullmatch(value)
    return match.group(1).replace('""', '"').strip() if match else value


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

    A quote that opens a field and never closes makes the CSV reader run on into the next lines; such a record is
    read again line by line, so the rows it swallowed are not lost (``_TableReader._unbalanced``).
    """
    # The physical lines exactly as the CSV reader is fed them, so a record can be re-read from its own lines.
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines)
    try:
        header_row = next(reader)
    except StopIteration:
        return Table((), ())
    except csv.Error as error:
        raise InputError("<csv>", f"unreadable CSV header ({error})") from None
    layout = _Layout.of(header_row, text_columns)
    layout.refuse_repeated_names()
    table = _TableReader(lines, layout)
    start: int | None = reader.line_num
    while start is not None:
        start = table.read_from(start)
    header = table.layout.header
    return Table(tuple(name for name in header if name), tuple(table.rows), tuple(table.warnings))


@dataclass(frozen=True)
class _Layout:
    """The header as matched (keys), as published (names, for messages), and which columns are free text."""

    header: tuple[str, ...]
    names: tuple[str, ...]
    text_keys: frozenset[str]

    @classmethod
    def of(cls, header_row: Sequence[str], text_columns: Sequence[str]) -> _Layout:
        return cls(
            tuple(header_key(name) for name in header_row),
            tuple(" ".join(name.split()) for name in header_row),
            frozenset(header_key(name) for name in text_columns),
        )

    def refuse_repeated_names(self) -> None:
        """Refuse a header that names a column twice (as matched: case and spacing ignored): each row would keep
        only the last of its values without a word, and which one the registry meant cannot be told."""
        first: dict[str, int] = {}
        for index, key in enumerate(self.header):
            if not key:
                continue  # an empty name holds no data (the APX trailing comma) and is never read
            if key not in first:
                first[key] = index
                continue
            earlier, name = first[key], self.names[first[key]]
            spelt = "" if self.names[index] == name else f", spelt {self.names[index]!r} the second time"
            raise InputError(
                "<csv>",
                f"the header names the column {name!r} twice (columns {earlier + 1} and {index + 1}{spelt}): only "
                "one value of each row could be kept, and which the registry meant cannot be told; remove or rename "
                "one",
            )

    @property
    def width(self) -> int:
        return len(self.header)

    @property
    def optional_tail(self) -> bool:
        """An empty last header is the APX trailing comma; it holds no data, so a row may omit it."""
        return self.width > 0 and self.header[-1] == ""

    def fits(self, count: int) -> bool:
        return count == self.width or (self.optional_tail and count == self.width - 1)

    def name(self, index: int) -> str:
        return self.names[index] if index < len(self.names) else f"field {index + 1}"


class _TableReader:
    """Rows and warnings of one CSV text, read from its physical lines."""

    def __init__(self, lines: list[str], layout: _Layout) -> None:
        self.lines = lines
        self.layout = layout
        self.rows: list[Row] = []
        self.warnings: list[str] = []
        self._quotes: _Quotes | None = None  # made once a quote has run on
        self._restart = False

    def read_from(self, start: int) -> int | None:
        """Read records from physical line index ``start`` on; the index to restart from when one ran on, else None.

        After the first run-on, the records the quote map says run on are handled without the CSV reader, and the
        reader is given only the lines up to the next of them: read again from each following line, a file whose
        every row opens a quote would otherwise be read to its end once per row (quadratic).
        """
        stop = len(self.lines)
        if self._restart and self._quotes is None:
            self._quotes = _Quotes(self.lines)
        self._restart = True
        if self._quotes is not None:
            start, stop = self._run_ons(start, self._quotes)
            if start >= len(self.lines):
                return None
        reader = csv.reader(self.lines[start:stop])
        header, width, rows = self.layout.header, self.layout.width, self.rows
        consumed = 0
        try:
            for record in reader:
                begin, consumed = start + consumed, reader.line_num
                end = start + consumed
                if end - begin == 1 and len(record) == width:  # the common case, kept fast
                    if any(value.strip() for value in record):
                        values = {name: value for name, value in zip(header, record, strict=True) if name}
                        rows.append(Row(begin + 1, values))
                    continue
                if not any(value.strip() for value in record):
                    continue
                if end - begin > 1 and self._ran_on(begin, end, len(record)):
                    self._unbalanced(begin, end)
                    return begin + 1
                self._record(record, begin)
        except csv.Error:  # among others, a stray quote that swallows more than the field size limit
            begin = start + consumed
            self._unbalanced(begin, None)
            return begin + 1
        return stop if stop < len(self.lines) else None

    def _run_ons(self, start: int, quotes: _Quotes) -> tuple[int, int]:
        """Warn about the records from ``start`` on that run on (each line after one is read as a record of its own);
        the first line that does not, and the line before which the next one starts."""
        while start < len(self.lines):
            end = quotes.end(start)
            if end - start == 1 or not self._ran_on(start, end, quotes.count(start, end)):
                break
            self._unbalanced(start, end)
            start += 1
        stop = start
        while stop < len(self.lines):
            end = quotes.end(stop)
            if end - stop > 1 and self._ran_on(stop, end, quotes.count(stop, end)):
                break
            stop = end
        return start, stop

    def _ran_on(self, begin: int, end: int, count: int) -> bool:
        """Whether a record over several lines is a stray quote that swallowed rows rather than a quoted line break.

        A wrong field count says so; with the right count, a swallowed line still reads as a row of its own (a note's
        continuation line does not: it holds the note's tail and the fields after the note).
        """
        if not self.layout.fits(count):
            return True
        least = self.layout.width - 1 if self.layout.optional_tail else self.layout.width
        for index in range(begin + 1, end):
            try:
                fields = _parse_line(_strip_eol(self.lines[index]))
            except csv.Error:
                continue
            if len(fields) >= least:
                return True
        return False

    def _record(self, record: list[str], begin: int) -> None:
        """Keep one single-line record, repairing or refusing (loudly) a wrong field count."""
        line, layout = begin + 1, self.layout
        count, width = len(record), layout.width
        repaired = None
        if count > width:
            fixed = _rejoin(record, _strip_eol(self.lines[begin]), layout)
            if isinstance(fixed, str):
                self.warnings.append(
                    f"{line}: {count} fields where the header has {width}; {fixed}: the row cannot be read safely"
                    " and is skipped"
                )
                return
            record, repaired = fixed
        elif count < width and not layout.fits(count):
            if _scan(_strip_eol(self.lines[begin]))[1]:  # the last line of the file opens a quote it never closes
                self._unbalanced(begin, begin + 1)
                return
            self.warnings.append(f"{line}: {count} fields where the header has {width}; missing ones are blank")
        values = {name: value for name, value in zip(layout.header, record, strict=False) if name}
        self.rows.append(Row(line, values, repaired))

    def _unbalanced(self, begin: int, end: int | None) -> None:
        """Re-read line ``begin`` alone after a quote in it ran on to line ``end`` (exclusive; None: unknown).

        The lines after it are read again as records of their own by the caller. This line's open field is taken to
        end at its next comma (the quote read as a character); the row is kept when that gives the header's field
        count, and skipped otherwise. Either way a warning names the line and the column.
        """
        line, layout = begin + 1, self.layout
        text = _strip_eol(self.lines[begin])
        fields, open_quote = _scan(text)
        if not open_quote:  # no stray quote here: a field over the size limit, say
            try:
                record = _parse_line(text)
            except csv.Error as error:
                raise InputError("<csv>", f"unreadable CSV at line {line} ({error})") from None
            self._record(record, begin)
            return
        column = len(fields) - 1
        name = layout.name(column)
        if end is None:
            swallowed = "runs on past the CSV field size limit (the lines after it are re-read as rows of their own)"
        elif end - begin == 2:
            swallowed = f"ran on into line {end} (re-read as a row of its own)"
        elif end - begin > 2:
            swallowed = f"ran on into lines {line + 1}-{end} (re-read as rows of their own)"
        else:
            swallowed = "is never closed"
        where = f"{line}: an unbalanced quote in {name!r} {swallowed}"
        comma = text.find(",", fields[-1].start)
        closed = text + '"' if comma < 0 else f'{text[:comma]}"{text[comma:]}'
        if not _scan(closed)[1]:
            record = _parse_line(closed)
            if layout.fits(len(record)):
                self.warnings.append(f"{where}; this row was read with {name!r} ending at its next comma: check it")
                values = {name: value for name, value in zip(layout.header, record, strict=False) if name}
                self.rows.append(Row(line, values))
                return
        self.warnings.append(f"{where}; this row cannot be read safely and is skipped")


class _Quotes:
    """Where each record would end and how many fields it would have, read from every start line in one pass.

    Per physical line: from a record's start, whether it ends inside an open quote and its field count; from inside
    a quoted field, whether it ends outside and how many separators follow the closing quote. A record opening a
    quote at line ``b`` ends at the first later line that ends outside one.
    """

    def __init__(self, lines: list[str]) -> None:
        size = len(lines)
        self.opens = [False] * size
        self.fields = [1] * size
        closes = [False] * size
        separators = [0] * (size + 1)  # prefix sums of the separators each line adds from inside a quote
        for index, raw in enumerate(lines):
            text = _strip_eol(raw)
            if '"' not in text:  # the common line: no quote to open or close
                self.fields[index] = text.count(",") + 1
                separators[index + 1] = separators[index]
                continue
            found, open_quote = _scan(text)
            self.opens[index], self.fields[index] = open_quote, len(found)
            shut, added = _from_inside(text)
            closes[index] = shut
            separators[index + 1] = separators[index] + added
        self.separators = separators
        # The first line at or after each index that, entered inside a quote, ends outside it (``size``: none).
        self.next_close = [size] * (size + 1)
        for index in range(size - 1, -1, -1):
            self.next_close[index] = index if closes[index] else self.next_close[index + 1]

    def end(self, begin: int) -> int:
        """The line index after the record starting at ``begin``."""
        if not self.opens[begin]:
            return begin + 1
        return min(self.next_close[begin + 1] + 1, len(self.opens))

    def count(self, begin: int, end: int) -> int:
        """The field count of the record on lines ``begin`` to ``end`` (exclusive)."""
        return self.fields[begin] + self.separators[end] - self.separators[begin + 1]


def _from_inside(text: str) -> tuple[bool, int]:
    """One physical line entered inside a quoted field: whether it ends outside a quote, and the separators after
    the field's closing quote (the CSV reader's rules, as :func:`_scan`)."""
    position = 0
    while True:
        quote = text.find('"', position)
        if quote < 0:
            return False, 0
        if text.startswith('""', quote):
            position = quote + 2
            continue
        break
    comma = text.find(",", quote + 1)
    if comma < 0:
        return True, 0
    found, open_quote = _scan(text[comma + 1 :])
    return not open_quote, len(found)


@dataclass(frozen=True)
class _Field:
    """Where a field of a physical line starts, and the quote damage it shows."""

    start: int
    quoted: bool  # opened with a quote
    broken: bool  # quoted, and its closing quote is followed by text, not a comma: an undoubled inner quote
    stray: bool  # not quoted, yet holds a quote character


def _scan(line: str) -> tuple[list[_Field], bool]:
    """Split one physical line the way Python's CSV reader does (default dialect, not strict).

    Returns the fields and whether the line ends inside an open quote. The reader's values lose where a quote was
    (``"Example "Green" Logistics"`` reads as ``Example Green" Logistics``); the raw line keeps it.
    """
    fields: list[_Field] = []
    start, size = 0, len(line)
    while True:
        quoted = start < size and line[start] == '"'
        broken = False
        position = start + 1 if quoted else start
        if quoted:
            while True:
                quote = line.find('"', position)
                if quote < 0:
                    fields.append(_Field(start, True, False, False))
                    return fields, True
                if line.startswith('""', quote):  # a doubled quote is a quote character
                    position = quote + 2
                    continue
                position = quote + 1
                broken = position < size and line[position] != ","
                break
        comma = line.find(",", position)
        stop = size if comma < 0 else comma
        fields.append(_Field(start, quoted, broken, not quoted and '"' in line[start:stop]))
        if comma < 0:
            return fields, False
        start = comma + 1


def _rejoin(record: list[str], line: str, layout: _Layout) -> tuple[list[str], str] | str:
    """Undo the split an undoubled inner quote causes, when the damaged column is a free-text column.

    Returns the repaired record and the damaged column's name, or why the row cannot be repaired. The damaged field
    is the first quoted one whose closing quote is followed by text (``"Example "Green" Logistics, Inc"``: the
    reader cuts it at the comma), or, when that quote happened to be followed by a comma (``"Size 12", big"``), the
    quoted field just before the first unquoted field holding a quote. The overflow pieces are the next fields: the
    last one ends with the exporter's own closing quote, and no damage may follow (two repairs would be a guess).
    """
    fields, open_quote = _scan(line)
    if open_quote or len(fields) != len(record):
        return "its quotes do not pair up"
    damaged = None
    for index, current in enumerate(fields):
        if current.broken:
            damaged = index
            break
        if current.stray and index > 0 and fields[index - 1].quoted:
            damaged = index - 1
            break
    if damaged is None:
        return "no unescaped quote explains the extra fields"
    name = layout.name(damaged)
    if damaged >= layout.width or layout.header[damaged] not in layout.text_keys:
        return f"an unescaped quote split {name!r}, which is not a free-text column"
    last = damaged + len(record) - layout.width
    pieces = fields[damaged + 1 : last + 1]
    tail_end = fields[last + 1].start - 1 if last + 1 < len(fields) else len(line)
    if (
        any(piece.quoted for piece in pieces)
        or not line[fields[last].start : tail_end].rstrip().endswith('"')
        or any(after.broken or after.stray for after in fields[last + 1 :])
    ):
        return f"an unescaped quote split {name!r}, but where its text ends is unclear"
    # The text between the exporter's own quotes, taken from the raw line: the reader's pieces have lost the first
    # inner quote and kept the closing one (``Example Green" Logistics, Inc"``), and a name read from that is cut.
    # The exporter does not double quotes, so nothing inside is unescaped.
    raw = line[fields[damaged].start : tail_end].rstrip()
    return [*record[:damaged], raw[1:-1], *record[last + 1 :]], name


def _strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


def _parse_line(text: str) -> list[str]:
    """One physical line (no line ending) as the CSV reader reads it; an empty line is one empty field."""
    return next(csv.reader([text]), None) or [""]


class _RepeatedKey(Exception):
    """An object of the document gives one key twice (raised from the parser's hook, told by :func:`read_json`)."""

    def __init__(self, key: str, first: Any, second: Any) -> None:
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members, refusing a repeated key: the parser would keep the last value without a word."""
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise _RepeatedKey(key, members[key], value)
        members[key] = value
    return members


def _shown(value: Any) -> str:
    """A JSON value as the file writes it (a Decimal as its digits), short enough for one line."""
    text = json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def read_json(text: str, name: str) -> Any:
    """Parse JSON keeping every fractional number exact (``12.5`` as ``Decimal``, never a float).

    :raises InputError: not JSON, or an object gives a key twice (``"amount": 7.25, "amount": 725``): which value
        the registry meant cannot be told, as with a CSV header naming a column twice.
    """
    try:
        return json.loads(text, parse_float=Decimal, object_pairs_hook=_unique_keys)
    except _RepeatedKey as repeated:
        raise InputError(
            name,
            f"an object gives the key {repeated.key!r} twice ({_shown(repeated.first)} and {_shown(repeated.second)}):"
            " only one value could be kept, and which the registry meant cannot be told; remove one",
        ) from None
    except json.JSONDecodeError as error:
        raise InputError(name, f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise InputError(name, "JSON nested too deeply") from None
    except (ValueError, ArithmeticError):
        # The parser's own errors are JSONDecodeError: this is an integer of more digits than Python converts
        # (thousands), or an exponent beyond what a Decimal holds (1e999999999999999999999). Their own messages name
        # interpreter internals, not the file: say what is wrong, and where.
        raise InputError(name, _unreadable_number(text)) from None


_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _unreadable_number(text: str) -> str:
    """Where the first number that cannot be read is, and why (only called once parsing has failed on one)."""
    for match in _NUMBER.finditer(text):
        token = match[0]
        try:
            Decimal(token)
            if "." not in token and "e" not in token.casefold():
                int(token)
        except ValueError:
            why = f"is too long to read ({len(token.lstrip('-'))} digits)"
        except ArithmeticError:
            why = "is too large to read: its exponent is out of range"
        else:
            continue
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - text.rfind("\n", 0, match.start())
        return f"the number at line {line} column {column} {why}"
    return "a number in it is too long to read"


# ---- numbers ----

# A spreadsheet re-save writes a whole count with decimals ("12,500.00"): the grouping is still checked.
_INTEGER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def number(text: str | int | Decimal | None, *, thousands: bool = False) -> Decimal | None:
    """A quantity as an exact decimal; ``None`` when blank, not a number, or 100 digits or more before the point.

    :param thousands: the column is documented as an integer written with ``,`` thousands separators
        (``"1,454,054"``, or ``"12,500.00"`` as a spreadsheet re-saves it); the separator is accepted only where the
        grouping is right.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, Decimal)):
        result = Decimal(text)
    else:
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
    if not result.is_finite():
        return None
    # No quantity runs to 100 digits (the world emits some 10^11 t a year), and writing such a number out in full
    # fails past a few thousand digits, or takes minutes for an exponent like 1e999999.
    return None if result and result.adjusted() >= 100 else result


# ---- dates: one explicit format per registry and column, never a guess between day-first and month-first ----

# A date, then nothing or a time of day: "2023-01-01 - 2024-12-31" (a vintage written as a range) or "2024-12-31 to
# 2025-06-30" is no date, and was read as its first one without a word.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9]{1,2}:[0-9]{2}.*)?")
_SLASHED = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?:\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*([AaPp][Mm])?)?"
)


def iso_date(text: str) -> date | None:
    """``YYYY-MM-DD``, optionally followed by a time (``2026-04-09T18:21:22.047712Z``): the calendar date as written.

    The time zone is not applied: shifting a GMT timestamp into a local zone can move the day. A registry timestamp
    that may carry another offset is read with :func:`utc_date`.
    """
    match = _ISO_DATE.fullmatch(text.strip())
    if match is None:
        return None
    return _date(int(match[1]), int(match[2]), int(match[3]))


# ISO 8601 / RFC 3339 timestamp with an optional UTC offset (``Z``, ``+09:00``, ``+0900``, ``+09``). A regular
# expression, not ``datetime.fromisoformat``: on Python 3.10 that refuses ``Z``.
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]+)?)?\s*([Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)


def utc_date(text: str) -> tuple[date | None, str | None]:
    """The UTC calendar date of an ISO 8601 date or timestamp, and what the user must be told about it.

    Registry timestamps (ICR ``createdAt``, Puro ``completedOn``, Isometric ``retired_at``) are UTC; one written with
    another offset is converted first (``2026-01-01T01:00:00+09:00`` is 2025-12-31), and the note says so when that
    moves the day. A timestamp with no offset is taken as UTC. A time that cannot be read leaves the date as written,
    and the note says so. The note follows the value in a message: ``createdAt '…' {note}``.

    Not for dates meant in local time (a PACT reference period's ``2026-01-01T00:00:00+01:00`` ends a local year):
    :func:`iso_date` keeps the date as written.
    """
    value = text.strip()
    match = _TIMESTAMP.fullmatch(value)
    written = iso_date(value)
    unread = "has a time that is not read: the date as written is used"
    if match is None or written is None:
        return written, unread if written is not None and len(value) > 10 else None
    if match[4] is not None and (int(match[4]) > 23 or int(match[5]) > 59):
        return written, unread
    if match[7] is None or match[7] in "Zz":
        return written, None
    offset = match[7].replace(":", "")
    hours, minutes = int(offset[1:3]), int(offset[3:5] or 0)
    if hours > 23 or minutes > 59:
        return written, unread
    clock = datetime(written.year, written.month, written.day, int(match[4]), int(match[5]), tzinfo=timezone.utc)
    shift = timedelta(hours=hours, minutes=minutes)
    try:
        day = (clock - shift if offset[0] == "+" else clock + shift).date()
    except OverflowError:  # the shift leaves the years a date can have (9999-12-31T23:00-05:00)
        return written, "cannot be converted to UTC: the date as written is used"
    return day, None if day == written else f"is not in UTC: its UTC date {day.isoformat()} is used"


def mdy_date(text: str) -> date | None:
    """US month-first ``M/D/YYYY`` or ``MM/DD/YYYY``, optionally with ``h:mm:ss AM/PM`` (APX registries); or an ISO
    date, which a spreadsheet in an ISO-date locale writes on a re-save (``2025-03-20 10:15:42``) and which cannot
    be read two ways."""
    if _ISO_DATE.fullmatch(text.strip()):
        return iso_date(text)
    match = _SLASHED.fullmatch(text.strip())
    if match is None:
        return None
    return _date(int(match[3]), int(match[1]), int(match[2]))


def dmy_date(text: str) -> date | None:
    """Day-first ``D/M/YYYY`` or ``DD/MM/YYYY``, optionally with a time: an APX export a day-first spreadsheet
    re-saved (``13/02/2026 10:15``), read so only once the file's order is decided (:func:`fields.apx_day_first`);
    or an ISO date, as :func:`mdy_date` reads it."""
    if _ISO_DATE.fullmatch(text.strip()):
        return iso_date(text)
    match = _SLASHED.fullmatch(text.strip())
    if match is None:
        return None
    return _date(int(match[3]), int(match[2]), int(match[1]))


def slashed(text: str, *, timed: bool = False) -> tuple[int, int, int] | None:
    """The three numbers of a slashed date (``20/06/2024``, ``6/20/2024``) as written; else ``None``.

    For deciding a file's order from all its dates (:mod:`comet_cn.importers.verra`), not for reading one.

    :param timed: a date followed by a time (``2/3/2026 10:15:42 AM``, as APX writes) counts too.
    """
    match = _SLASHED.fullmatch(text.strip())
    if match is None or (match[4] is not None and not timed):
        return None
    return int(match[1]), int(match[2]), int(match[3])


def dmy_or_iso_date(text: str) -> date | None:
    """ISO ``YYYY-MM-DD`` or day-first ``DD/MM/YYYY`` (Verra's older downloads, CAD Trust), decided per value."""
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        return iso_date(value)
    match = _SLASHED.fullmatch(value)
    if match is None or match[4] is not None:
        return None
    return _date(int(match[3]), int(match[2]), int(match[1]))


def dmy_or_utc_date(text: str) -> tuple[date | None, str | None]:
    """Day-first ``DD/MM/YYYY`` as written, or an ISO date or timestamp read by :func:`utc_date` (its UTC date).

    Verra and CAD Trust write plain dates; a timestamp with an offset in them gets the rule every other importer
    follows (``2026-01-01T01:00:00+09:00`` is 2025-12-31, with a note), so one event cannot fall in different years
    depending on the registry that wrote it.
    """
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        return utc_date(value)
    return dmy_or_iso_date(value), None


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
            if isinstance(document.get(key), Mapping) and len(document) == 1:
                # A response body holding one record ({"data": {...}}, PACT's GetFootprint): that record.
                items = [document[key]]
                break
        else:
            items = [document]
    if not isinstance(items, list):
        raise InputError(name, "expected a JSON array of records or an object holding one")
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise InputError(name, f"record {position} is not a JSON object")
        yield position, item


def separator_problem(text: str) -> str | None:
    """Why CSV text cannot be read as comma-separated, when its header is one field holding semicolons or tabs.

    A spreadsheet saved in a locale with decimal commas separates fields with semicolons (and may write 12,5 for
    12.5); Excel's "Unicode Text" uses tabs. Guessing the separator could misread every quantity, so the file is
    refused with what to do instead of "no column 'Serial Number'".
    """
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return None
    if len(header) != 1:
        return None
    for mark, called in ((";", "semicolons"), ("\t", "tabs")):
        if header[0].count(mark) >= 1:
            return (
                f"the header is separated by {called}, not commas (a spreadsheet's own save?): export the "
                "registry's CSV again, or save it as comma-separated CSV (UTF-8) with points as decimal separators"
            )
    return None


def first_row(text: str) -> tuple[str, ...]:
    """The normalised header of CSV text (empty names dropped), read without reading the rest."""
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return ()
    return tuple(key for key in (header_key(name) for name in header) if key)
