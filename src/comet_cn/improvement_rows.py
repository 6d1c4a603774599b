"""The rows of the ``continual-improvement`` query, computed subject by subject in bounded memory for the audits.

``queries/continual-improvement.rq`` joins every subject's periods with their figures and with the prior period.
A SPARQL engine holds those joins for the whole set at once (Oxigraph: about 300 MB more for a million retired
credits than for a hundred thousand). The audit instead reads five plain patterns as streams (period starts,
footprints, retired credits, the residual-only flag, footprints whose every emission is residual), writes them to a
temporary SQLite database, which keeps at most a 32 MiB cache in memory and sorts on disk, and reads them back one
subject at a time. Only one subject's periods are in Python at once.

On well-typed data (dates as starts, numbers as tonnes, booleans as the flag) the rows are the query's, value for
value (tests/test_improvement_rows.py compares them on rdflib and Oxigraph). Where SPARQL engines differ among
themselves, a choice is made and kept: a figure that is not a finite number (text, an ill-typed value, NaN, an
infinity) is left out of the maximum and the sum (SPARQL's SUM fails on text and the query then counts no
offsetting at all); decimals are added exactly before any double; starts compare only with starts of the same
kind (dates with dates, date-times with date-times, one without a time zone read as UTC, numbers with numbers,
plain text with plain text).
``cn-query continual-improvement`` still runs the query itself.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.util import from_n3

from comet_cn.store import Backend, GraphBackend

__all__ = ["CACHE_KIB", "continual_improvement_rows"]

_PREFIX = "PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>\n"
_CLAIM = "?claim comet-cn:hasSubject ?subject ; comet-cn:hasReportingPeriod ?period . "

# One plain pattern per figure, each read as a stream: (kind, pattern binding ?a and, for credits, ?b).
_PATTERNS = (
    ("start", "?period comet-cn:reportingPeriodStart ?a ."),
    ("footprint", "?claim comet-cn:hasCarbonFootprint ?f . ?f comet-cn:tonnesCO2e ?a ."),
    (
        "credit",
        "?claim comet-cn:hasOffsettingEvent ?e . ?e comet-cn:retiresCredit ?b . ?b comet-cn:tonnesCO2e ?a . "
        "OPTIONAL { ?b comet-cn:serialNumber ?s . }",
    ),
    ("residual", "?claim comet-cn:onlyResidualEmissionsRemain ?a ."),
    # Every emission of the claim's footprint residual: only residual emissions remain, as CN-CTYPE-01 reads it.
    (
        "residual",
        "?claim comet-cn:hasCarbonFootprint ?f . FILTER EXISTS { ?f comet-cn:hasEmission ?e . } "
        "FILTER NOT EXISTS { ?f comet-cn:hasEmission ?o . FILTER NOT EXISTS { ?o a comet-cn:ResidualGHGEmission . } } "
        "BIND (true AS ?a)",
    ),
)

#: SQLite's page cache for the facts, in KiB: what the database holds in memory before it writes to a file.
CACHE_KIB = 32_768

_ZERO = Decimal("0.0")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_Number = int | float | Decimal


def continual_improvement_rows(graph: Graph | Backend) -> Iterator[dict[str, object]]:
    """The rows of the ``continual-improvement`` query, as :func:`comet_cn.queries.stream_query` gives them, in the
    query's order (subject, start, period, prior period) for IRIs; read lazily, one subject at a time."""
    backend = GraphBackend(graph) if isinstance(graph, Graph) else graph
    # An empty file name: SQLite's private temporary database, in its page cache until that outgrows the
    # cache_size, then in a file it deletes on close.
    connection = sqlite3.connect("")
    try:
        connection.executescript(
            f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE; PRAGMA cache_size=-{CACHE_KIB};"
            "CREATE TABLE facts (subject TEXT, period TEXT, kind TEXT, lexical TEXT, datatype TEXT, language TEXT,"
            " credit TEXT);"
        )
        for kind, pattern in _PATTERNS:
            rows = _facts(backend, kind, pattern)
            while chunk := list(itertools.islice(rows, 50_000)):
                connection.executemany("INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?)", chunk)
        connection.commit()
        cursor = connection.execute(
            "SELECT DISTINCT subject, period, kind, lexical, datatype, language, credit FROM facts ORDER BY subject"
        )
        labels: dict[str, str] = {}
        for subject, facts in itertools.groupby(cursor, key=lambda fact: fact[0]):
            yield from _subject_rows(subject, facts, labels)
    finally:
        connection.close()


def _facts(backend: Backend, kind: str, pattern: str) -> Iterator[tuple[str, str, str, str, str, str, str]]:
    text = f"{_PREFIX}SELECT ?subject ?period ?a ?b ?s WHERE {{ {_CLAIM}{pattern} }}"
    selection = backend.select(text)
    at = [selection.columns.index(column) for column in ("subject", "period", "a", "b", "s")]
    for row in selection.rows:
        subject, period, value, credit, serial = (row[i] for i in at)
        if subject is None or period is None or not isinstance(value, Literal):
            continue
        yield (
            _key(subject),
            _key(period),
            kind,
            str(value),
            str(value.datatype or ""),
            value.language or "",
            "" if credit is None else _credit_key(credit, serial),
        )


# White space as the query's REPLACE(STR(?serial), "\\s", "") reads it: rdflib and Oxigraph both read \s as any
# Unicode white space, as Python does.
_SPACE = re.compile(r"\s")


def _credit_key(credit: Node, serial: Node | None) -> str:
    # As the query's ?creditKey: a blank credit block with a serial is keyed by the serial as written, so the same
    # claim given twice (new blank nodes each time) counts its credits once.
    if isinstance(credit, BNode) and isinstance(serial, (Literal, URIRef)) and _SPACE.sub("", str(serial)):
        return f"3{serial}"
    return _key(credit)


def _key(node: Node) -> str:
    # The prefix orders keys as SPARQL's ORDER BY orders terms: blank nodes, then IRIs, then literals.
    if isinstance(node, BNode):
        return f"0{node}"
    if isinstance(node, Literal):
        return f"2{node.n3()}"
    return f"1{node}"


def _value(lexical: str, datatype: str, language: str) -> object:
    return _python(Literal(lexical, lang=language or None, datatype=datatype or None))


def _python(term: object) -> object:
    # A literal Python cannot represent (an ill-typed number or date) is kept as its text, as the queries do.
    if not isinstance(term, Literal):
        return str(term)
    value = term.toPython()
    return str(term) if isinstance(value, (Literal, bytes)) or value is None else value


@dataclass(frozen=True)
class _Start:
    """A period's start: the value shown in the row, and what it is compared by (its kind and key)."""

    period: str
    value: object
    kind: str | None
    key: Any


@dataclass
class _Period:
    starts: list[_Start] = field(default_factory=list)
    footprint: _Number | None = None
    offsets: list[_Number] = field(default_factory=list)
    residual: int | None = None


def _subject_rows(
    subject: str, facts: Iterable[tuple[str, ...]], labels: dict[str, str]
) -> Iterator[dict[str, object]]:
    periods: dict[str, _Period] = {}
    for _, period, kind, lexical, datatype, language, _credit in facts:
        figures = periods.setdefault(period, _Period())
        value = _value(lexical, datatype, language)
        if kind == "start":
            figures.starts.append(_start(period, value, lexical, datatype, language))
        elif kind == "footprint" and _number(value):
            number: Any = value
            figures.footprint = number if figures.footprint is None else max(figures.footprint, number)
        elif kind == "credit" and _number(value):
            # The rows are distinct already: each (credit, quantity) of a (subject, period) is counted once.
            figures.offsets.append(value)  # type: ignore[arg-type]
        elif kind == "residual" and isinstance(value, bool):
            figures.residual = int(value) if figures.residual is None else max(figures.residual, int(value))
    starts = [start for figures in periods.values() for start in figures.starts]
    priors = {period: _priors(period, starts) for period in periods}
    rows = []
    for start in starts:
        chosen: list[str | None] = [*sorted(priors[start.period])] or [None]
        for prior in chosen:
            entry = _row(subject, start.period, start.value, prior, periods)
            rows.append(((start.kind or "", start.key), start.period, prior or "", entry))
    rows.sort(key=lambda entry: entry[:3])
    for *_, row in rows:
        for column in ("subject", "period", "prior_period"):
            row[column] = _label(row[column], labels)
        yield row


def _start(period: str, value: object, lexical: str, datatype: str, language: str) -> _Start:
    # What SPARQL's < compares: dates with dates, date-times with date-times (one without a time zone read as
    # UTC, as rdflib does; Oxigraph leaves the two within 14 hours of each other unordered), numbers with
    # numbers, and plain text with plain text. Anything else (an ill-typed date, a language-tagged string) is
    # never before or after another start.
    if isinstance(value, datetime):
        return _Start(period, value, "datetime", value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    if isinstance(value, date):
        return _Start(period, value, "date", value)
    if _number(value):
        return _Start(period, value, "number", Decimal(value))  # type: ignore[arg-type]
    if isinstance(value, str) and not language and datatype in ("", _XSD_STRING):
        return _Start(period, value, "text", value)
    return _Start(period, value, None, lexical)


def _priors(period: str, starts: list[_Start]) -> set[str]:
    """The subject's periods with a start before one of ``period``'s starts and no start of the subject between:
    those whose start is the latest of its kind before it (starts of one kind are totally ordered)."""
    ordered: dict[str, list[Any]] = {}
    for start in starts:
        if start.kind is not None:
            ordered.setdefault(start.kind, []).append(start.key)
    for kind, keys in ordered.items():
        ordered[kind] = sorted(set(keys))
    found: set[str] = set()
    for later in starts:
        if later.period != period or later.kind is None:
            continue
        keys = ordered[later.kind]
        at = bisect.bisect_left(keys, later.key)
        if at:
            latest = keys[at - 1]
            found.update(start.period for start in starts if start.kind == later.kind and start.key == latest)
    return found


def _number(value: object) -> bool:
    # A finite number only: NaN and the infinities are left out of the figures with text and ill-typed values.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return math.isfinite(value)


def _row(subject: str, period: str, start: object, prior: str | None, periods: dict[str, _Period]) -> dict[str, Any]:
    figures = periods[period]
    before = periods[prior] if prior is not None else None
    footprint = figures.footprint
    offset = _sum(figures.offsets)
    prior_footprint = before.footprint if before is not None else None
    prior_offset = _sum(before.offsets) if before is not None else None
    share_increased = (
        footprint is not None
        and prior_footprint is not None
        and prior_offset is not None
        and footprint > 0 < prior_footprint
        and _greater(_times(offset, prior_footprint), _times(prior_offset, footprint))
    )
    return {
        "subject": subject,
        "period": period,
        "start": start,
        "footprint": footprint,
        "offset": offset,
        "share": _share(offset, footprint),
        "prior_period": prior,
        "prior_offset": prior_offset,
        "prior_share": _share(prior_offset, prior_footprint) if prior_offset is not None else None,
        "offset_increased": prior_offset is not None and _greater(offset, prior_offset),
        "share_increased": share_increased,
        "footprint_change": _minus(footprint, prior_footprint),
        "residual_only": None if figures.residual is None else figures.residual == 1,
        "prior_residual_only": None if before is None or before.residual is None else before.residual == 1,
    }


def _sum(values: list[_Number]) -> _Number:
    # SPARQL's numeric promotion: integers stay integers, a decimal makes a decimal, a double makes a double. The
    # exact values are added first, then the doubles (engines add in no fixed order; this is rdflib's result).
    if not values:
        return _ZERO
    exact = [value for value in values if not isinstance(value, float)]
    total: _Number = sum(exact) if all(isinstance(value, int) for value in exact) else sum(map(Decimal, exact))
    doubles = [value for value in values if isinstance(value, float)]
    return float(total) + math.fsum(doubles) if doubles else total


def _promote(a: _Number, b: _Number) -> tuple[Any, Any]:
    if isinstance(a, float) or isinstance(b, float):
        return float(a), float(b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(a), Decimal(b)
    return a, b


def _greater(a: _Number, b: _Number) -> bool:
    x, y = _promote(a, b)
    return bool(x > y)


def _times(a: _Number, b: _Number) -> _Number:
    x, y = _promote(a, b)
    return x * y  # type: ignore[no-any-return]


def _minus(a: _Number | None, b: _Number | None) -> _Number | None:
    if a is None or b is None:
        return None
    x, y = _promote(a, b)
    return x - y  # type: ignore[no-any-return]


def _share(offset: _Number, footprint: _Number | None) -> _Number | None:
    # ROUND(offset / footprint * 10000) / 10000, with fn:round's halves rounded up; a zero offset is 0.0.
    if footprint is None or not footprint > 0:
        return None
    if offset == 0:
        return _ZERO
    x, y = _promote(offset, footprint)
    if isinstance(x, float):
        scaled_double = x / y * 10000
        whole = math.floor(scaled_double)  # fn:round: halves up; the fraction of a double is exact, x + 0.5 is not
        return float(whole + (1 if scaled_double - whole >= 0.5 else 0)) / 10000
    scaled = Decimal(x) / Decimal(y) * 10000
    return (scaled + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR) / Decimal(10000)


def _label(key: str | None, labels: dict[str, str]) -> object:
    # IRIs as text, blank nodes numbered in order of first appearance, as comet_cn.queries labels them.
    if key is None or key == "":
        return None
    if key.startswith("0"):
        return labels.setdefault(key, f"_:b{len(labels)}")
    if key.startswith("2"):
        return _python(from_n3(key[1:]))
    return key[1:]
