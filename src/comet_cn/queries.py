"""Audits across periods and claims: the bundled SPARQL queries, run over one or many claim graphs.

Each claim is loaded and reasoned exactly as :func:`comet_cn.validate` does it (:func:`comet_cn.loading.load`, then
:func:`comet_cn.reasoning.reason`); the closures are merged into one graph (blank nodes of different claims stay
apart) and the query runs over the union. Rows come back as typed Python values::

    result = query("continual-improvement", "examples/multi-period/")
    result.columns, result.rows, result.to_dicts()
    print(format_result(result, "table"))
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Identifier, Node

from comet_cn.claim_checks import drop_stated_parameters
from comet_cn.errors import InputError
from comet_cn.iris import is_absolute_iri
from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, Source, iter_sources, load, read_bytes
from comet_cn.reasoning import Closure, Engine, reason, reasoning_mode
from comet_cn.reporting import escape_controls
from comet_cn.resources import query_files
from comet_cn.store import Backend, GraphBackend

if TYPE_CHECKING:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "QUERY_FORMATS",
    "QueryInfo",
    "QueryResult",
    "format_result",
    "format_value",
    "list_queries",
    "load_into",
    "load_sources",
    "parse_binding",
    "queried",
    "query",
    "query_info",
    "run_query",
    "stream_query",
]

#: The output formats of :func:`format_result` (and ``cn-query -f``).
QUERY_FORMATS = ("table", "csv", "json")

_HEADER = re.compile(r"^#\s*(title|question|clause|columns):\s*(.*)$")
_COLUMN = re.compile(r"^\s*(\w+)\s*\(([^)]*)\)\s*[—-]\s*(.*)$")
_IRI_SCHEMES = ("http", "https", "urn", "file", "tag", "did")


@dataclass(frozen=True)
class QueryInfo:
    """A query and the competency question it answers, parsed from the comment block that opens the file.

    :ivar name: the file name without ``.rq`` (what ``cn-query NAME`` takes).
    :ivar columns: ``(name, type, meaning)`` for every column, in order.
    :ivar text: the SPARQL text.
    """

    name: str
    title: str
    question: str
    clause: str
    columns: tuple[tuple[str, str, str], ...]
    text: str


@dataclass(frozen=True)
class QueryResult:
    """The rows of a query as typed Python values.

    Values are ``Decimal`` (xsd:decimal), ``int``, ``bool``, ``datetime.date``, ``float``, or ``str`` (IRIs, strings,
    years and any literal Python cannot represent); ``None`` where a column is unbound. Blank nodes are shown as
    ``_:b0``, ``_:b1``... in order of first appearance.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def to_dicts(self) -> list[dict[str, object]]:
        """The rows as dicts keyed by column name, in column order."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame, one column per query column.

        :raises ImportError: pandas is not installed (it is optional: ``pip install pandas``).
        """
        try:
            import pandas  # type: ignore[import-untyped,unused-ignore]
        except ImportError as error:
            raise ImportError(
                "QueryResult.to_dataframe() needs pandas, which comet-cn does not install: pip install pandas"
            ) from error
        return pandas.DataFrame(self.to_dicts(), columns=list(self.columns))


def _parse_info(name: str, text: str) -> QueryInfo:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            fields[match.group(1)] = match.group(2).strip()
        elif line.strip() and not line.startswith("#"):
            break
    columns = []
    for part in fields.get("columns", "").split(";"):
        column = _COLUMN.match(part)
        if column:
            columns.append((column.group(1), column.group(2).strip(), column.group(3).strip()))
    return QueryInfo(
        name=name,
        title=fields.get("title", name),
        question=fields.get("question", ""),
        clause=fields.get("clause", ""),
        columns=tuple(columns),
        text=text,
    )


@lru_cache(maxsize=1)
def list_queries() -> tuple[QueryInfo, ...]:
    """Every bundled query, sorted by name."""
    return tuple(
        _parse_info(entry.name[: -len(".rq")], entry.read_text(encoding="utf-8"))
        for entry in sorted(query_files(), key=lambda entry: entry.name)
    )


def query_info(name_or_path: str | Path) -> QueryInfo:
    """A bundled query by name, or a SPARQL file by path.

    :raises InputError: no bundled query has that name and it is not a readable file.
    """
    for info in list_queries():
        if info.name == str(name_or_path):
            return info
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.exists():
        try:  # read_bytes refuses a FIFO (which would block) or a device such as /dev/zero (which never ends)
            data = read_bytes(path)
        except InputError as error:
            raise InputError(str(path), f"cannot read the query file ({error.problem})") from None
        if len(data) > DEFAULT_LIMITS.max_bytes:
            raise InputError(str(path), f"query file is over the limit of {DEFAULT_LIMITS.max_bytes} bytes")
        try:
            text = data.decode("utf-8-sig")  # a byte order mark, as Windows editors write, is not SPARQL
        except UnicodeDecodeError:
            raise InputError(str(path), "cannot read the query file (not UTF-8)") from None
        return _parse_info(path.stem, text)
    names = ", ".join(info.name for info in list_queries())
    raise InputError(str(name_or_path), f"no such query; use a file ending in .rq or one of: {names}")


@lru_cache(maxsize=64)
def _prepared(text: str) -> Query:
    # Imported here: rdflib's SPARQL parser is a large part of a cold start, and validating a claim needs none.
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


# Dataset IRIs rdflib would only look up, never fetch; a file: IRI is local only without a host (or localhost).
_LOCAL_SCHEMES = ("urn", "tag")
_LOCAL_FILE = re.compile(r"^file:(?:///|//localhost/|/(?!/))", re.IGNORECASE)
_NETWORK = "queries never reach the network"


def _local(iri: object) -> bool:
    text = str(iri)
    return text.split(":", 1)[0].lower() in _LOCAL_SCHEMES or bool(_LOCAL_FILE.match(text))


def _refuse_network(algebra: CompValue, source: str) -> None:
    """Refuse a query that would make rdflib open a connection: any ``SERVICE`` (rdflib sends it over HTTP, also
    when ``SILENT`` or inside ``OPTIONAL``, ``UNION``, ``EXISTS`` or a subquery) and ``FROM``/``FROM NAMED`` with
    an IRI it would fetch (it loads those over HTTP when the query runs over a dataset).

    The parsed algebra is walked, not the text, so no spelling (case, comments, prefixed names, escapes) gets past.
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    stack: list[object] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise InputError(source, f"SERVICE is not allowed: {_NETWORK}")
            if node.name == "Graph":
                # The claims are read into one graph with no named graphs: rdflib raises on a GRAPH pattern there
                # (an internal error), and over a dataset it would load a GRAPH <iri> from the web.
                raise InputError(
                    source, "GRAPH is not allowed: the claims are one graph with no named graphs; remove the GRAPH"
                )
            if node.name == "DatasetClause":
                for key, keyword in (("default", "FROM"), ("named", "FROM NAMED")):
                    iri = dict.get(node, key)  # CompValue.get returns the key itself when it is missing
                    if iri is not None and not _local(iri):
                        raise InputError(source, f"{keyword} <{str(iri)[:200]}> is not allowed: {_NETWORK}")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def _checked(info: QueryInfo, source: str) -> Query:
    """The query parsed, once it is known to be a SELECT query that stays off the network."""
    try:
        prepared = _prepared(info.text)
    except Exception as error:  # rdflib raises pyparsing errors for bad SPARQL
        raise InputError(source, f"not valid SPARQL: {' '.join(str(error).split())[:200]}") from None
    _refuse_network(prepared.algebra, source)
    if prepared.algebra.name != "SelectQuery":
        raise InputError(source, "only SELECT queries can be run (the rows are the answer)")
    return prepared


def _items(sources: Source | Iterable[Source]) -> list[Source]:
    if isinstance(sources, (str, Path, Graph, bytes, Mapping)):
        return [sources]
    return list(sources)


def load_sources(
    sources: Source | Iterable[Source],
    *,
    reasoning: str = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
) -> Graph:
    """Load and reason every claim as validation does, and merge the closures into one graph.

    :param sources: a claim (path, JSON-LD text or document, Turtle text, rdflib Graph), a directory (every claim
        file in it: ``*.jsonld``, ``*.json``, ``*.ttl``, ``*.nt``, and ``*.jsonl`` one claim a line), or an
        iterable of these. A list of dicts is read as several JSON-LD documents, not as one.
    :raises InputError: a source cannot be loaded, or a directory holds no claim file.
    :raises ValueError: an unknown reasoning mode or engine.
    """
    mode = reasoning_mode(reasoning)
    merged = Graph()
    for _, source in iter_sources(_items(sources)):
        for triple in queried(reason(load(source, limits=limits), mode, engine=engine, in_place=True)):
            merged.add(triple)
    return merged


def queried(closure: Closure) -> Graph:
    """A claim's closure as the queries and audits read it, with every other input's (changed in place).

    The rule parameters a claim states are dropped: one input must not set the parameters the queries read for
    all. Each IRI the claim declared ``owl:sameAs`` another, which reasoning merged into one node, is stated again
    as the same as that node: another input may name the thing (a subject) by the IRI that was merged away, and
    CN-AUDIT-ID-02 reads the pair to say so.
    """
    graph = closure.graph
    drop_stated_parameters(graph)
    for alias, node in closure.aliases:
        if isinstance(alias, URIRef):  # a blank node is nothing another input can name
            graph.add((alias, OWL.sameAs, node))
    return graph


def load_into(
    backend: Backend,
    sources: Source | Iterable[Source],
    *,
    reasoning: str = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
) -> int:
    """Load and reason every claim as :func:`load_sources` does, adding each closure to ``backend`` as it comes, so
    only one claim at a time is held in Python.

    :returns: how many claims were added.
    :raises InputError: a source cannot be loaded (also :class:`comet_cn.store.BackendError` when the store fails).
    """
    mode = reasoning_mode(reasoning)
    count = 0
    for _, source in iter_sources(_items(sources)):
        backend.add(queried(reason(load(source, limits=limits), mode, engine=engine, in_place=True)))
        count += 1
    return count


def _python(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (Literal, bytes)) or value is None:
            return str(term)  # a literal Python cannot represent, such as a year or an ill-typed value
        return cast(object, value)
    return str(term)


def _binding(value: object) -> Identifier:
    if isinstance(value, (URIRef, Literal, BNode)):
        return value
    if isinstance(value, str) and is_absolute_iri(value) and value.split(":", 1)[0].lower() in _IRI_SCHEMES:
        return URIRef(value)
    return Literal(value)


def parse_binding(text: str) -> object:
    """A command-line value as the Python value :func:`query` binds: ``true``/``false`` a bool, ``12`` an int,
    ``12.5`` a Decimal, ``2024-01-31`` a date, anything else (IRIs included) the string itself."""
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)", text):  # every xsd:decimal form: 12.5, .5, 45.
        return Decimal(text)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _same(row_value: object, bound: object) -> bool:
    if isinstance(row_value, bool) or isinstance(bound, bool):
        return isinstance(row_value, bool) and isinstance(bound, bool) and row_value == bound
    if isinstance(row_value, Decimal) and isinstance(bound, float):
        return float(row_value) == bound
    return row_value == bound


#: The suffix of a query's input variables: bound before the query runs, where every other binding filters rows.
_INPUT_SUFFIX = "Parameter"


def _variables(text: str) -> set[str]:
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", text))


def _rows(result: Any, columns: tuple[str, ...]) -> Iterator[tuple[Node | None, ...]]:
    for row in result:
        values = row.asdict()
        yield tuple(values.get(column) for column in columns)


def run_query(info: QueryInfo, graph: Graph | Backend, **bindings: object) -> QueryResult:
    """Run a query over a graph already loaded and reasoned (see :func:`load_sources`), or over a backend of
    :mod:`comet_cn.store` loaded with :func:`load_into`.

    :param bindings: values for query variables: ``Decimal``, ``int``, ``bool``, ``date`` and ``str`` become typed
        literals, a ``str`` that is an IRI (http, https, urn, file, tag, did) becomes an IRI. A binding keeps only
        the rows whose column equals it, on every backend. A variable named ``...Parameter`` is the query's input
        (retirement-timing's ``windowParameter``): it is bound before the query runs, on rdflib only.
    :raises InputError: the text is not a SPARQL SELECT query, it would reach the network (``SERVICE``, ``FROM``
        a web IRI), or a binding names no variable of the query, or neither a result column nor an input.
    """
    columns, rows = _stream(info, graph, bindings)
    return QueryResult(name=info.name, columns=columns, rows=tuple(rows))


def stream_query(info: QueryInfo, graph: Graph | Backend, **bindings: object) -> Iterator[dict[str, object]]:
    """The rows of :func:`run_query` as dicts, read one at a time: for large stores, where holding every row of an
    answer would make memory grow with the set. Errors in the query or its bindings are raised at the first row.
    """
    columns, rows = _stream(info, graph, bindings)
    for row in rows:
        yield dict(zip(columns, row, strict=True))


def _stream(
    info: QueryInfo, graph: Graph | Backend, bindings: dict[str, object]
) -> tuple[tuple[str, ...], Iterator[tuple[object, ...]]]:
    prepared = _checked(info, info.name)
    known = _variables(info.text)
    for key in bindings:
        if key not in known:
            raise InputError(info.name, f"cannot bind {key!r}: the query has no variable ?{key}")
    for key, value in bindings.items():
        if key.endswith(_INPUT_SUFFIX):
            _check_input(info, key, value)
    terms = {key: _binding(value) for key, value in bindings.items()}
    # A binding keeps the rows whose column has that value. Only a query's input (a variable named ...Parameter, such
    # as retirement-timing's windowParameter) is bound before the query runs: bound so, any other variable would keep
    # its value where an OPTIONAL fails, or flip a FILTER NOT EXISTS, and so invent rows.
    inputs = {key: term for key, term in terms.items() if key.endswith(_INPUT_SUFFIX)}
    if isinstance(graph, GraphBackend):
        graph = graph.graph
    raw_rows: Iterable[tuple[Node | None, ...]]
    if isinstance(graph, Graph):
        columns, raw_rows = _evaluated(info, graph, prepared, inputs)
    else:
        selection = graph.select(info.text)
        columns = selection.columns
        raw_rows = selection.rows
        missing = [name for name, _, _ in info.columns if name not in columns]
        if missing:
            # An endpoint answering with other columns (another query's, a proxy's canned answer): read as rows,
            # a column it lacks failed deep in an audit's message (exit 3) instead of saying what the answer is.
            from comet_cn.store import BackendError

            raise BackendError(
                str(getattr(graph, "query_url", graph.kind)),
                f"the answer to query {info.name} lacks its column(s) {', '.join(missing)}: not this query's result",
            )
        if inputs:
            key = sorted(inputs)[0]
            raise InputError(info.name, f"cannot bind {key!r} on a {graph.kind} store: only result columns there")
    for key in terms:
        if key not in columns and key not in inputs:
            raise InputError(
                info.name, f"cannot bind {key!r}: only result columns (and ...Parameter inputs) can be bound"
            )
    wanted = {columns.index(key): _python(term) for key, term in terms.items() if key in columns}
    return columns, _typed_rows(raw_rows, wanted)


def _evaluated(
    info: QueryInfo, graph: Graph, prepared: Query, inputs: dict[str, Identifier]
) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
    """The columns and rows of a query over an rdflib graph, evaluated under the SPARQL guards cn-validate and
    cn-query use: a SUM over an ill-typed quantity is an error to SPARQL (the sum unbound), never a TypeError, and
    the library gives what the command line gives whatever another thread is doing."""
    from comet_cn.sparql_guards import engines_guarded  # imported here: it imports pySHACL

    with engines_guarded():
        try:
            result = graph.query(prepared, initBindings=inputs)
            columns = tuple(str(v) for v in (result.vars or ()))
            return columns, list(_rows(result, columns))
        except Exception as error:
            if info in list_queries():
                raise  # a bug of ours: the caller's internal error
            # A query of the user's that fails as it runs (STRLANG with a bad tag): rdflib's message may quote it.
            raise InputError(info.name, f"the query failed while running ({type(error).__name__})") from None


def _check_input(info: QueryInfo, key: str, value: object) -> None:
    """Refuse an input of another kind than the query's default for it (``COALESCE(?windowParameter, 12)``: a whole
    number of months, not negative): bound as it is, "abc" or 1.5 gave rows with a nonsense deadline and exit 0."""
    match = re.search(rf"COALESCE\s*\(\s*[?$]{re.escape(key)}\s*,\s*([^)\s]+)\s*\)", info.text)
    if match is None:
        return
    default = parse_binding(match.group(1))
    if isinstance(value, Literal):  # a library caller may bind an rdflib term
        value = value.toPython()
    if isinstance(default, bool):
        fits, kind = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        fits = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        kind = "a whole number, not negative"
    else:
        fits, kind = type(value) is type(default), f"a value like {match.group(1)}"
    if not fits:
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        raise InputError(info.name, f"cannot bind {key!r} to {shown}: it takes {kind} (default {match.group(1)})")


def _typed_rows(raw_rows: Iterable[tuple[Node | None, ...]], wanted: dict[int, object]) -> Iterator[tuple[object, ...]]:
    blanks: dict[BNode, str] = {}
    for raw in raw_rows:
        row: list[object] = []
        for term in raw:
            if isinstance(term, BNode):
                row.append(blanks.setdefault(term, f"_:b{len(blanks)}"))
            else:
                row.append(_python(term))
        if all(_same(row[index], value) for index, value in wanted.items()):
            yield tuple(row)


def query(
    name_or_path: str | Path,
    sources: Source | Iterable[Source],
    *,
    reasoning: str = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
    backend: Backend | None = None,
    **bindings: object,
) -> QueryResult:
    """Run a bundled query (by name) or a ``.rq`` file over one or many claims.

    :param name_or_path: a name from :func:`list_queries` or the path of a SPARQL SELECT file.
    :param sources: a claim (path, JSON-LD text or document, Turtle text, rdflib Graph), a directory of claims, or
        an iterable of these.
    :param reasoning: ``"owlrl"`` (default), ``"rdfs"`` or ``"none"``, as for validation.
    :param bindings: values for query variables, e.g. ``subject="https://example.org/acme"`` (see
        :func:`run_query`).
    :param backend: run over this store (see :mod:`comet_cn.store`) instead of an rdflib graph: the sources are
        loaded into it first; with no sources (``[]``) it is queried as it is.
    :raises InputError: an unknown query, a bad query file or binding, a query that would reach the network, or a
        claim that cannot be loaded.
    :raises ValueError: an unknown reasoning mode or engine.
    """
    info = query_info(name_or_path)
    _checked(info, str(name_or_path))  # a bad or unsafe query is refused before any claim is loaded
    if backend is not None:
        if _items(sources):
            load_into(backend, sources, reasoning=reasoning, engine=engine, limits=limits)
        return run_query(info, backend, **bindings)
    return run_query(info, load_sources(sources, reasoning=reasoning, engine=engine, limits=limits), **bindings)


def format_value(value: object) -> str:
    """One value as :func:`format_result` writes it in tables and CSV (``None`` as the empty string)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    return str(value)


def _json_value(value: object) -> object:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    return format_value(value)


def _csv_cell(text: str) -> str:
    # Tabs and line breaks are CSV's to quote; everything between them is escaped as cn-validate escapes it.
    return _BETWEEN_BREAKS.sub(lambda match: escape_controls(match.group()), text)


_BETWEEN_BREAKS = re.compile(r"[^\t\n\r]+")


def format_result(result: QueryResult, fmt: str) -> str:
    """Render a result as an aligned ``table``, ``csv`` or ``json``; the same result always gives the same text.

    Decimals are written without exponent or trailing zeros (``14200.0`` as ``14200``). In JSON, decimals and dates
    are strings (no precision is lost), integers and booleans are JSON numbers and booleans, unbound is ``null``.

    :raises ValueError: an unknown format.
    """
    if fmt == "json":
        rows = [{c: _json_value(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]
        document = {"query": result.name, "columns": list(result.columns), "rows": rows}
        text = json.dumps(document, indent=2, ensure_ascii=False)
        # A lone surrogate (a claim's "\ud800" escape) cannot be written as UTF-8; as a JSON escape it is the same.
        return re.sub("[\ud800-\udfff]", lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_csv_cell(format_value(v)) for v in row] for row in result.rows)
        return buffer.getvalue()
    if fmt == "table":
        # A claim's text is escaped as cn-validate escapes it: a terminal escape or a line break in a literal would
        # drive the reader's terminal or forge a row.
        cells = [list(result.columns)] + [[escape_controls(format_value(v)) for v in row] for row in result.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(result.columns))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(QUERY_FORMATS)}")
