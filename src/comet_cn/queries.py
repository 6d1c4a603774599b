"""Audits across periods and claims: the bundled SPARQL queries, run over one or many claim graphs.

Claims are loaded and reasoned exactly as in validation, merged into one graph (blank nodes stay apart), and the
query runs over the result. Rows come back as typed Python values.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from comet_cn.errors import InputError
from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, Source, iter_sources, load
from comet_cn.reasoning import Engine, ReasoningMode, reason
from comet_cn.resources import query_files

__all__ = [
    "QUERY_FORMATS",
    "QueryInfo",
    "QueryResult",
    "format_result",
    "list_queries",
    "load_sources",
    "queries_markdown",
    "query",
    "run_query",
]

QUERY_FORMATS = ("table", "csv", "json")
_HEADER = re.compile(r"^#\s*(title|question|clause|columns):\s*(.*)$")
_COLUMN = re.compile(r"^\s*(\w+)\s*\(([^)]*)\)\s*[—-]\s*(.*)$")


@dataclass(frozen=True)
class QueryInfo:
    """A bundled query: its name and the competency question it answers."""

    name: str
    title: str
    question: str
    clause: str
    columns: tuple[tuple[str, str, str], ...]  # (name, type, meaning)
    text: str


@dataclass(frozen=True)
class QueryResult:
    """Rows of a query as typed Python values (Decimal, int, bool, date, str; None where unbound)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_dicts(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (pandas is optional; install it to use this)."""
        try:
            import pandas  # type: ignore[import-untyped,unused-ignore]
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError("QueryResult.to_dataframe() needs pandas: pip install pandas") from error
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
    return tuple(_parse_info(entry.name[: -len(".rq")], entry.read_text(encoding="utf-8")) for entry in query_files())


@lru_cache(maxsize=64)
def _prepared(text: str) -> Query:
    return prepareQuery(text)


def _resolve(name_or_path: str | Path) -> QueryInfo:
    for info in list_queries():
        if info.name == str(name_or_path):
            return info
    path = Path(name_or_path)
    if path.suffix == ".rq" or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(str(path), f"cannot read the query file ({type(error).__name__})") from None
        return _parse_info(path.stem, text)
    names = ", ".join(info.name for info in list_queries())
    raise InputError(str(name_or_path), f"no such query; use a file ending in .rq or one of: {names}")


def load_sources(
    sources: Source | Iterable[Source],
    *,
    reasoning: ReasoningMode = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
) -> Graph:
    """Load every claim (a directory means every claim file in it), merge them and reason once over the union."""
    items = [sources] if isinstance(sources, (str, Path, Graph, bytes, Mapping)) else list(sources)
    merged = Graph()
    for _, source in iter_sources(items):
        for triple in load(source, limits=limits):
            merged.add(triple)
    return reason(merged, reasoning, engine=engine).graph


def _python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) or value is None else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _binding(value: Any) -> Any:
    if isinstance(value, (URIRef, Literal, BNode)):
        return value
    if isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*://\S+$", value):
        return URIRef(value)
    return Literal(value)


def run_query(info: QueryInfo, graph: Graph, **bindings: Any) -> QueryResult:
    """Run a query over an already loaded and reasoned graph."""
    try:
        prepared = _prepared(info.text)
    except Exception as error:  # rdflib raises pyparsing errors for bad SPARQL
        raise InputError(info.name, f"not valid SPARQL: {' '.join(str(error).split())[:200]}") from None
    result = graph.query(prepared, initBindings={k: _binding(v) for k, v in bindings.items()})
    columns = tuple(str(v) for v in (result.vars or ()))
    rows = tuple(tuple(_python(row.get(column)) for column in columns) for row in _solutions(result))
    return QueryResult(name=info.name, columns=columns, rows=rows)


def _solutions(result: Any) -> Iterable[Mapping[str, Any]]:
    for row in result:
        yield row.asdict()


def query(
    name_or_path: str | Path,
    sources: Source | Iterable[Source],
    *,
    reasoning: ReasoningMode = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
    **bindings: Any,
) -> QueryResult:
    """Run a bundled query (by name) or a ``.rq`` file over one or many claims.

    :param name_or_path: a name from :func:`list_queries` or the path of a SPARQL file.
    :param sources: a claim (path, JSON-LD, Turtle, Graph), a directory of claims, or an iterable of these.
    :param reasoning: as for validation (default OWL 2 RL).
    :param bindings: values for query variables, e.g. ``subject="https://example.org/acme"``.
    :raises InputError: an unknown query, a bad query file, or a claim that cannot be loaded.
    """
    info = _resolve(name_or_path)
    return run_query(info, load_sources(sources, reasoning=reasoning, engine=engine, limits=limits), **bindings)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    return _text(value)


def format_result(result: QueryResult, fmt: str) -> str:
    """Render rows as an aligned ``table``, ``csv`` or ``json`` (a list of objects); deterministic."""
    if fmt == "json":
        rows = [{c: _json_value(v) for c, v in zip(result.columns, row, strict=True)} for row in result.rows]
        return (
            json.dumps(
                {"query": result.name, "columns": list(result.columns), "rows": rows}, indent=2, ensure_ascii=False
            )
            + "\n"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_text(v) for v in row] for row in result.rows)
        return buffer.getvalue()
    if fmt == "table":
        cells = [list(result.columns)] + [[_text(v) for v in row] for row in result.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(result.columns))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(QUERY_FORMATS)}")


def queries_markdown() -> str:
    """docs/queries.md, generated from the query files' headers."""
    lines = [
        "# Queries",
        "",
        "<!-- Generated by `python -m comet_cn.docgen queries > docs/queries.md` from the headers of queries/*.rq.",
        "     tests/test_queries.py fails when this page is stale. -->",
        "",
        "Audits that one claim graph cannot show: change over reporting periods and the same credit across claims.",
        "Run them with `cn-query NAME SOURCE...` or `comet_cn.query(NAME, sources)`; the claims are loaded and",
        "reasoned as in validation. Every query is plain SPARQL 1.1 and gives the same rows in other engines.",
        "",
        "| Query | Question | Clause |",
        "|---|---|---|",
    ]
    infos = list_queries()
    lines += [f"| [`{i.name}`](#{i.name}) | {i.question} | {i.clause} |" for i in infos]
    for info in infos:
        lines += [
            "",
            f"## {info.name}",
            "",
            f"**{info.title}.** {info.question}",
            "",
            f"Clause: {info.clause}",
            "",
            "| Column | Type | Meaning |",
            "|---|---|---|",
        ]
        lines += [f"| `{name}` | {kind} | {meaning} |" for name, kind, meaning in info.columns]
    return "\n".join(lines) + "\n"
