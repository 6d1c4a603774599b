"""Load claim graphs from JSON-LD, Turtle or N-Triples, offline and within resource limits.

JSON-LD goes through pyld with a per-call document loader that serves only the bundled contexts: pyld's default
loader fetches any http(s) URL, which is an SSRF and file-read surface for files from strangers. rdflib's own JSON-LD
parser has no loader hook, so it is not used.

Literals keep their lexical form (rdflib would rewrite ``"1.25E1"^^xsd:decimal`` to ``12.5``): the shapes must see
what the file says, so that an ill-formed value is reported instead of silently repaired.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from pyld import jsonld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from comet_cn.errors import InputError
from comet_cn.rdflib_state import exclusive
from comet_cn.resources import CONTEXT_IRIS, context_document
from comet_cn.terms import MARKER, UnknownTerm, take_marked

__all__ = [
    "CLAIM_SUFFIXES",
    "LoadLimits",
    "Loaded",
    "Source",
    "describe_source",
    "iter_sources",
    "load",
    "load_claim",
    "parse_json",
]

#: What ``load`` accepts: a path, JSON-LD text, a parsed JSON-LD document, Turtle text, or an rdflib Graph.
Source = str | Path | Mapping[str, Any] | list[Any] | Graph | bytes

CLAIM_SUFFIXES: dict[str, str] = {
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".ttl": "turtle",
    ".nt": "nt",
}

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class LoadLimits:
    """Bounds on untrusted input, so that a hostile file costs bounded time and memory.

    :param max_bytes: largest accepted file or text, in bytes.
    :param max_depth: deepest accepted JSON nesting (objects and arrays).
    :param max_string_chars: longest accepted JSON string or RDF literal, in characters.
    """

    max_bytes: int = 50 * 1024 * 1024
    max_depth: int = 100
    max_string_chars: int = 1_000_000


DEFAULT_LIMITS = LoadLimits()


def describe_source(source: Source) -> str:
    """A short human name for a source, used in messages and reports."""
    if isinstance(source, Path):
        return str(source)
    if isinstance(source, str):
        return "<text>"
    if isinstance(source, Graph):
        return "<graph>"
    if isinstance(source, bytes):
        return "<bytes>"
    return "<json-ld>"


def load(source: Source, *, format: str | None = None, limits: LoadLimits = DEFAULT_LIMITS) -> Graph:
    """Load one claim graph.

    :param source: a file as a :class:`pathlib.Path`; JSON-LD, Turtle or N-Triples text as ``str`` or ``bytes`` (a
        ``str`` is never opened as a file); a parsed JSON-LD document (dict or list); or an rdflib Graph (copied,
        never modified).
    :param format: ``"json-ld"``, ``"turtle"`` or ``"nt"``; guessed from the file suffix or the content if omitted.
    :param limits: size and nesting bounds for untrusted input.
    :returns: a new rdflib Graph.
    :raises InputError: the source is missing, unreadable, malformed, too large, or refers to a remote document.
    """
    return load_claim(source, format=format, limits=limits).graph


@dataclass(frozen=True)
class Loaded:
    """A loaded input: its graph, and the terms it used that no rule can read (see :mod:`comet_cn.terms`)."""

    graph: Graph
    unknown_terms: tuple[UnknownTerm, ...] = ()


def load_claim(source: Source, *, format: str | None = None, limits: LoadLimits = DEFAULT_LIMITS) -> Loaded:
    """Like :func:`load`, and also report the JSON-LD keys and types that the context does not define."""
    if not isinstance(source, (str, Path, bytes, Mapping, list, Graph)):
        raise InputError(
            "<input>",
            f"cannot read a {type(source).__name__}: give a pathlib.Path, text, bytes, a JSON-LD document or a Graph",
        )
    name = describe_source(source)
    if isinstance(source, Graph):
        copy = Graph()
        for triple in source:
            copy.add(triple)
        return Loaded(copy)
    if isinstance(source, (Mapping, list)):
        _check_structure(source, name, limits)
        return _jsonld_to_loaded(source, name)
    if isinstance(source, Path):
        return _load_text(_read_file(source, limits), name, format or _format_from_suffix(source), limits)
    if isinstance(source, bytes):
        return _load_text(_decode(source, name, limits), name, format, limits)
    return _load_text(_check_size(source, name, limits), name, format, limits)


def parse_json(text: str, name: str, limits: LoadLimits = DEFAULT_LIMITS) -> Any:
    """Parse JSON text, refusing nesting deeper than the limit before the recursive parser sees it."""
    _check_json_depth(text, name, limits.max_depth)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(name, f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise InputError(name, f"JSON nested deeper than {limits.max_depth} levels") from None
    _check_structure(document, name, limits)
    return document


def iter_sources(inputs: Iterable[Source]) -> Iterator[tuple[str, Source]]:
    """Expand inputs into individual claims: a directory yields its claim files, a ``.jsonl`` file one claim a line.

    :raises InputError: a directory holds no claim file.
    """
    for item in inputs:
        path = Path(item) if isinstance(item, (str, Path)) and describe_source(item) == str(item) else None
        if path is not None and path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _is_claim_file(p))
            if not files:
                raise InputError(str(path), "directory holds no claim files (*.jsonld, *.json, *.ttl, *.nt, *.jsonl)")
            for file in files:
                yield from iter_sources([file])
        elif path is not None and path.suffix == ".jsonl":
            yield from _iter_json_lines(path)
        else:
            yield describe_source(item), item


def _is_claim_file(path: Path) -> bool:
    return path.suffix in CLAIM_SUFFIXES or path.suffix == ".jsonl"


def _iter_json_lines(path: Path) -> Iterator[tuple[str, Source]]:
    try:
        handle = path.open("r", encoding="utf-8")
    except OSError as error:
        raise InputError(str(path), _os_problem(error)) from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield f"{path}:{number}", line


def _read_file(path: Path, limits: LoadLimits) -> str:
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(name, "is a directory, not a claim file")
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise InputError(name, f"file is {size} bytes, over the limit of {limits.max_bytes} bytes")
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise InputError(name, _os_problem(error)) from None
    return _decode(data, name, limits)


def _os_problem(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or type(error).__name__


def _decode(data: bytes, name: str, limits: LoadLimits) -> str:
    if len(data) > limits.max_bytes:
        raise InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
    if b"\x00" in data:
        raise InputError(name, "binary data, not a claim (JSON-LD, Turtle or N-Triples text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(name, "not UTF-8 text") from None


def _check_size(text: str, name: str, limits: LoadLimits) -> str:
    if len(text) > limits.max_bytes:
        raise InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
    return text


def _format_from_suffix(path: Path) -> str | None:
    return CLAIM_SUFFIXES.get(path.suffix.lower())


def _load_text(text: str, name: str, format: str | None, limits: LoadLimits) -> Loaded:
    if not text.strip():
        raise InputError(name, "empty input")
    looks_like_json = text.lstrip().startswith(("{", "["))
    if format is None:
        format = "json-ld" if looks_like_json else "turtle"
    if format == "json-ld":
        if not looks_like_json:
            raise InputError(name, "not JSON-LD: expected a JSON object or array (is it Turtle? use a .ttl suffix)")
        return _jsonld_to_loaded(parse_json(text, name, limits), name)
    if format in ("turtle", "nt"):
        if looks_like_json:
            raise InputError(name, f"not valid {_FORMAT_NAMES[format]}: the content is JSON (use a .jsonld suffix)")
        return Loaded(_parse_rdf_text(text, name, format, limits))
    raise InputError(name, f"unknown format {format!r} (use json-ld, turtle or nt)")


_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD"}


def _parse_rdf_text(text: str, name: str, format: str, limits: LoadLimits) -> Graph:
    graph = Graph()
    # rdflib rewrites literal lexical forms while parsing unless NORMALIZE_LITERALS is off. It is a module global,
    # so it is switched off only for the duration of our own parse, under the process-wide rdflib lock.
    with exclusive():
        rdflib.NORMALIZE_LITERALS = False
        try:
            graph.parse(data=text, format=format)
        except Exception as error:  # rdflib raises many unrelated types for syntax errors
            hint = ""
            if "\n" not in text.strip():
                hint = " (a str is read as claim text, never as a file name: pass a pathlib.Path to read a file)"
            raise InputError(name, f"not valid {_FORMAT_NAMES[format]}: {_first_line(error)}{hint}") from None
    for _, _, obj in graph:
        if isinstance(obj, Literal) and len(obj) > limits.max_string_chars:
            raise InputError(name, f"a literal is longer than {limits.max_string_chars} characters")
    return graph


def _first_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:300] if text else type(error).__name__


def _check_json_depth(text: str, name: str, max_depth: int) -> None:
    """Measure bracket nesting outside strings without recursion, before json.loads can hit the recursion limit."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                raise InputError(name, f"JSON nested deeper than {max_depth} levels")
        elif char in "]}":
            depth -= 1


def _check_structure(document: Any, name: str, limits: LoadLimits) -> None:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limits.max_depth:
                raise InputError(name, f"JSON nested deeper than {limits.max_depth} levels")
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
            if isinstance(node, dict):
                stack.extend((key, depth + 1) for key in node)
        elif isinstance(node, str) and len(node) > limits.max_string_chars:
            raise InputError(name, f"a JSON string is longer than {limits.max_string_chars} characters")


class _OfflineLoader:
    """A pyld document loader that serves the bundled contexts and refuses every other URL."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.refused: str | None = None

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if url in CONTEXT_IRIS:
            return {"contextUrl": None, "documentUrl": url, "document": context_document()}
        self.refused = url
        raise InputError(self._name, f"unknown remote @context {url!r}: only the bundled comet-cn contexts are allowed")


def _jsonld_to_loaded(document: Any, name: str) -> Loaded:
    graph = _jsonld_to_graph(document, name)
    terms = [term for term in context_document().get("@context", {}) if not term.startswith("@")]
    unknown = take_marked(graph, document, terms)
    return Loaded(graph, unknown)


def _jsonld_to_graph(document: Any, name: str) -> Graph:
    loader = _OfflineLoader(name)
    try:
        # The marker @vocab lies under the document's own context: a key or type it does not define expands to a
        # marker IRI instead of being dropped in silence, and comet_cn.terms reports it.
        dataset = jsonld.to_rdf(document, {"documentLoader": loader, "expandContext": {"@vocab": MARKER}})
    except InputError:
        raise
    except Exception as error:  # pyld wraps loader errors and reports syntax errors as JsonLdError
        if loader.refused is not None:
            raise InputError(
                name, f"unknown remote @context {loader.refused!r}: only the bundled comet-cn contexts are allowed"
            ) from None
        raise InputError(name, f"not valid JSON-LD: {_jsonld_problem(error)}") from None
    return _dataset_to_graph(dataset)


def _jsonld_problem(error: BaseException) -> str:
    """The innermost pyld error, which says what is wrong; the outer ones only say which step failed."""
    seen: list[BaseException] = [error]
    while True:
        cause = getattr(seen[-1], "cause", None) or seen[-1].__cause__
        if not isinstance(cause, BaseException) or cause in seen:
            break
        seen.append(cause)
    inner = seen[-1]
    first = inner.args[0] if inner.args else None
    message = first if isinstance(first, str) else (str(inner) or type(inner).__name__)
    code = getattr(inner, "code", None)
    text = " ".join(str(message).split())[:300]
    return f"{text} ({code})" if code else text


def _dataset_to_graph(dataset: Mapping[str, list[dict[str, Any]]]) -> Graph:
    graph = Graph()
    blank_nodes: dict[str, BNode] = {}

    def node(term: Mapping[str, Any]) -> URIRef | BNode:
        value = term["value"]
        if term["type"] == "blank node":
            if value not in blank_nodes:
                blank_nodes[value] = BNode()
            return blank_nodes[value]
        return URIRef(value)

    for triples in dataset.values():
        for triple in triples:
            obj = triple["object"]
            if obj["type"] == "literal":
                datatype = obj.get("datatype")
                if datatype == _RDF_LANG_STRING or obj.get("language"):
                    term: Any = Literal(obj["value"], lang=obj.get("language"))
                elif datatype in (None, str(XSD.string)):
                    term = Literal(obj["value"])
                else:
                    term = Literal(obj["value"], datatype=URIRef(datatype), normalize=False)
            else:
                term = node(obj)
            graph.add((node(triple["subject"]), URIRef(triple["predicate"]["value"]), term))
    return graph
