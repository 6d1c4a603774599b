"""Load claim graphs from JSON-LD, Turtle or N-Triples, offline and within resource limits.

JSON-LD goes through pyld with a per-call document loader that serves only the bundled contexts: pyld's default
loader fetches any http(s) URL, which is an SSRF and file-read surface for files from strangers. rdflib's own JSON-LD
parser has no loader hook, so it is not used.

Literals keep their lexical form (rdflib would rewrite ``"1.25E1"^^xsd:decimal`` to ``12.5``): the shapes must see
what the file says, so that an ill-formed value is reported instead of silently repaired.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import itertools
import json
import math
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urldefrag

import rdflib
from rdflib import BNode, ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.plugins.parsers.ntriples import NTGraphSink, W3CNTriplesParser
from rdflib.term import Node

from comet_cn import jsonld_fast
from comet_cn.claim_store import distinct_objects, distinct_predicates, distinct_subjects, new_graph, subject_rank
from comet_cn.errors import InputError
from comet_cn.namespaces import CNSH, SCHEMA
from comet_cn.ontology_index import bundled_index
from comet_cn.pyld_index import fast_duplicate_checks
from comet_cn.rdflib_state import exclusive
from comet_cn.resources import CONTEXT_IRIS, context_document, context_terms, ontology_graph
from comet_cn.terms import COMET_NAMESPACES, MARKER, VOCAB_MARKER, UnknownTerm, compact, document_terms, take_marked

__all__ = [
    "CLAIM_SUFFIXES",
    "JSON_LINES_SUFFIXES",
    "NUMERIC_TYPES",
    "PLAIN_DECIMAL",
    "JsonLine",
    "LoadLimits",
    "Loaded",
    "Source",
    "check_claim_budget",
    "describe_source",
    "iter_inputs",
    "iter_sources",
    "iter_stream",
    "load",
    "load_claim",
    "parse_json",
    "read_bytes",
    "usable_numbers",
    "vocabulary_changes",
]

#: What ``load`` accepts: a path, JSON-LD text, a parsed JSON-LD document, Turtle text, or an rdflib Graph.
Source = str | Path | Mapping[str, Any] | list[Any] | Graph | bytes

CLAIM_SUFFIXES: dict[str, str] = {
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".ttl": "turtle",
    ".nt": "nt",
    ".xlsx": "workbook",
    ".yaml": "yaml",
    ".yml": "yaml",
}

#: Formats a user may try that one claim is not read from: where such a file is not Turtle or JSON-LD as well, the
#: refusal names the format, not only "not valid Turtle" at some column.
_ONE_CLAIM = "give the claim as JSON-LD (.jsonld), Turtle (.ttl) or N-Triples (.nt)"
_UNREAD_SUFFIXES: dict[str, str] = {
    ".trig": f"TriG is not read here: {_ONE_CLAIM}",
    ".nq": f"N-Quads is not read here: {_ONE_CLAIM}",
    ".rdf": f"RDF/XML is not read here: {_ONE_CLAIM}",
    ".owl": f"RDF/XML is not read here: {_ONE_CLAIM}",
    ".xml": f"XML is not read here: {_ONE_CLAIM}",
}

_SPREADSHEET = "save it as .xlsx, the claim workbook (cn-init writes the template), or give the claim as JSON-LD"
_UNREAD_SUFFIXES.update(
    {
        ".csv": "a CSV file is not a claim: import a registry export with cn-import FORMAT FILE, or give the claim "
        "as JSON-LD (.jsonld), Turtle (.ttl), N-Triples (.nt) or the claim workbook (.xlsx)",
        ".tsv": "a TSV file is not a claim: give the claim as JSON-LD (.jsonld), Turtle (.ttl), N-Triples (.nt) or "
        "the claim workbook (.xlsx)",
        ".ods": f"an OpenDocument spreadsheet is not read: {_SPREADSHEET}",
        ".xls": f"an Excel 97-2003 workbook is not read: {_SPREADSHEET}",
        ".xlsm": f"a macro-enabled workbook is not read: {_SPREADSHEET}",
        ".xlsb": f"a binary Excel workbook is not read: {_SPREADSHEET}",
    }
)

#: JSON Lines, under each of its usual names (newline-delimited JSON, line-delimited JSON): one claim a line.
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson", ".ldjson"})
_UNREAD_SUFFIXES.update(
    dict.fromkeys(
        JSON_LINES_SUFFIXES,
        "a JSON Lines file holds one claim a line: read it with iter_sources or batch.validate_many",
    )
)

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
# Python refuses to convert longer digit strings to int (CVE-2020-10735); a quantity never needs as many.
_MAX_INT_DIGITS = 4300


@dataclass(frozen=True)
class LoadLimits:
    """Bounds on untrusted input, so that a hostile file costs bounded time and memory.

    :param max_bytes: largest accepted file or text, in bytes.
    :param max_depth: deepest accepted JSON nesting (objects and arrays).
    :param max_string_chars: longest accepted JSON string or RDF literal, in characters.
    :param max_same_as: most ``owl:sameAs`` statements a claim may make: the reasoner copies every statement about
        a node to each node equal to it, to a fixpoint, so the cost explodes with the length of a chain of them (a
        chain of 10 through the nodes of the bundled example took 206 s, of 5 under 6 s).
    :param max_types_per_node: most ``rdf:type`` values one node may have.
    :param max_contexts: most ``@context`` entries a JSON-LD document may hold (each one is processed on its own);
        scoped contexts (a term definition with a ``@context`` of its own, processed again at every use) are
        refused.
    :param max_list_items: most ``rdf:List`` items (``@list`` in JSON-LD) a claim may hold; no rule reads a list.
    :param max_unknown_terms: most distinct keys and types a JSON-LD document may use that its context does not
        define (each is reported with the JSON paths where it occurs, a walk of the document each).
    """

    max_bytes: int = 50 * 1024 * 1024
    max_depth: int = 100
    max_string_chars: int = 1_000_000
    max_same_as: int = 5
    max_types_per_node: int = 100
    max_contexts: int = 10
    max_list_items: int = 10_000
    max_unknown_terms: int = 1000


DEFAULT_LIMITS = LoadLimits()


class JsonLine(bytes):
    """One line of a JSON Lines file, as bytes: always read as JSON-LD, never as Turtle or as a file name."""

    __slots__ = ()


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


def _retyped(term: Node) -> Node:
    """A typed literal of the caller's graph made again, its lexical form kept: whether it is well typed was fixed
    when the caller made it, with whatever converters rdflib had then (owlrl, run directly, leaves one that calls
    "2022Z" no year), and is now judged as for a claim read from a file."""
    if isinstance(term, Literal) and term.datatype is not None:
        return Literal(str(term), datatype=term.datatype, normalize=False)
    return term


def retyped_copy(source: Graph) -> Graph:
    """A copy of the caller's graph with its typed literals made again (see :func:`_retyped`), under the lock so
    that they are judged with rdflib's own converters whoever calls (a query or an audit takes no lock of its own).
    """
    copy = Graph()
    # Every named graph of a dataset too, as a JSON-LD document's named graphs are read (a Dataset yields quads).
    triples = (
        ((s, p, o) for s, p, o, _ in source.quads((None, None, None, None)))
        if isinstance(source, ConjunctiveGraph)
        else source.triples((None, None, None))
    )
    with exclusive():
        for s, p, o in triples:
            copy.add((s, p, _retyped(o)))
    return copy


def load(source: Source, *, format: str | None = None, limits: LoadLimits = DEFAULT_LIMITS) -> Graph:
    """Load one claim graph.

    :param source: a file as a :class:`pathlib.Path`; JSON-LD, Turtle or N-Triples text as ``str`` or ``bytes`` (a
        ``str`` is never opened as a file); a parsed JSON-LD document (dict or list); or an rdflib Graph (copied,
        never modified; a Dataset or ConjunctiveGraph with all its named graphs).
    :param format: ``"json-ld"``, ``"turtle"`` or ``"nt"``; guessed from the file suffix or the content if omitted.
    :param limits: size and nesting bounds for untrusted input.
    :returns: a new rdflib Graph.
    :raises InputError: the source is missing, unreadable, malformed, too large, or refers to a remote document.
    """
    # An undefined key is kept as its marker IRI: dropped, a later validate(graph) could not report it (CN-INPUT-02).
    return load_claim(source, format=format, limits=limits, keep_undefined=True).graph


@dataclass(frozen=True)
class Loaded:
    """A loaded input: its graph, and the terms it used that no rule can read (see :mod:`comet_cn.terms`)."""

    graph: Graph
    unknown_terms: tuple[UnknownTerm, ...] = ()
    #: For a workbook: (node, property term or None) -> the cell it came from (comet_cn.workbook.CellRef).
    cells: Mapping[tuple[str, str | None], Any] | None = None


def load_claim(
    source: Source,
    *,
    format: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    max_triples: int | None = None,
    store: str = "default",
    keep_undefined: bool = False,
    name: str | None = None,
) -> Loaded:
    """Like :func:`load`, and also report the JSON-LD keys and types that the context does not define.

    :param max_triples: refuse the input as soon as it holds more triples than this (parsing stops there).
    :param keep_undefined: keep the statements of an undefined key or type in the graph, under its marker IRI
        (:data:`comet_cn.terms.MARKER`), as :func:`load` does, so that validating the graph reports them again.
    :param store: the rdflib store a JSON-LD claim is read into. Validation reads into ``"claim"``
        (:class:`comet_cn.claim_store.ClaimMemory`), about twice as fast to fill and to walk as rdflib's default and
        cheap to ask its size, but without the named graphs pySHACL's own inference needs; the default suits any
        use.
    :param name: what to call the input in errors (default: the path, or a placeholder for text).
    """
    if not isinstance(source, (str, Path, bytes, Mapping, list, Graph)):
        raise InputError(
            "<input>",
            f"cannot read a {type(source).__name__}: give a pathlib.Path, text, bytes, a JSON-LD document or a Graph",
        )
    name = name or describe_source(source)
    budget = _Budget(name, limits, max_triples, store, keep_undefined)
    if isinstance(source, Graph):
        copy = retyped_copy(source)
        budget.check_graph(copy)
        return Loaded(copy)
    if isinstance(source, (Mapping, list)):
        _check_structure(source, name, limits, max_triples)
        return _jsonld_to_loaded(source, None, budget)
    if isinstance(source, Path):
        kind = format or _format_from_suffix(source)
        if kind == "workbook":
            from comet_cn.workbook import read_workbook  # imported here: openpyxl is an extra

            claim = read_workbook(source, limits=limits)
            return replace(_jsonld_to_loaded(claim.document, None, budget), cells=claim.cells)
        if kind == "yaml":
            from comet_cn.textform import from_yaml  # imported here: PyYAML is an extra

            return _jsonld_to_loaded(from_yaml(_read_file(source, limits), name=name, limits=limits), None, budget)
        unread = None if kind else _UNREAD_SUFFIXES.get(source.suffix.lower())
        try:
            return _load_text(_read_file(source, limits), kind, budget)
        except InputError as error:
            if unread is None or error.source != name or not error.problem.startswith(("not ", "binary")):
                raise
            # Plain Turtle under another suffix is still read; only what fails is named for the format it is.
            raise InputError(name, f"{unread} (read as Turtle or JSON-LD: {error.problem})") from None
    if isinstance(source, JsonLine):
        # Without its line break: a parser error past the end of a cut line is then on that line, not the next.
        return _load_text(_decode(source, name, limits).rstrip("\r\n"), "json-ld", budget, json_line=True)
    if isinstance(source, bytes):
        return _load_text(_decode(source, name, limits), format, budget)
    return _load_text(_check_size(source, name, limits), format, budget)


class _DuplicateKey(ValueError):
    """A key written twice in one JSON object, raised from inside the JSON parser."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys in silence: "retirementDate" written twice would be judged on one date
    # and the other never seen. Such a document is refused (RFC 8259: names SHOULD be unique).
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return document


def _quoted(text: str) -> str:
    """``text`` as a JSON string of printable ASCII, cut short: safe to show on a terminal."""
    quoted = json.dumps(text)
    return quoted if len(quoted) <= 60 else quoted[:56] + '..."'


class _BadNumber(ValueError):
    """A JSON number that must be refused, raised from inside the JSON parser; ``token`` is its text."""

    def __init__(self, token: str, problem: str) -> None:
        super().__init__(problem)
        self.token = token
        self.problem = problem


def _parse_constant(token: str) -> Any:
    raise _BadNumber(token, "NaN and Infinity are not JSON numbers")


def _parse_float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _BadNumber(token, "number out of range: too large for a double")
    if Decimal(token) != Decimal(repr(value)):
        # A JSON-LD processor reads the number as a double: 12500.0000000000001 t became 12500.0, and a footprint
        # just above the credits retired balanced.
        raise _BadNumber(
            token, f'the number {token} cannot be read without losing digits; write it as a string ("{token}")'
        )
    return value


def _parse_int(token: str) -> int:
    if len(token) - token.startswith("-") > _MAX_INT_DIGITS:
        raise _BadNumber(token, f"number out of range: an integer of more than {_MAX_INT_DIGITS} digits")
    return int(token)


# A JSON string or a bare token that may be a number or NaN/Infinity: to find a refused number's position.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?(?:NaN|Infinity)|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?')


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line} column {offset - text.rfind(chr(10), 0, offset)}"


def _token_position(text: str, token: str) -> str | None:
    for match in _JSON_TOKEN.finditer(text):
        if match.group() == token:
            return _position(text, match.start())
    return None


def parse_json(text: str, name: str, limits: LoadLimits = DEFAULT_LIMITS, max_triples: int | None = None) -> Any:
    """Parse JSON text, refusing nesting deeper than the limit before the recursive parser sees it, and a document
    that would make the JSON-LD processor slow (see :class:`LoadLimits`) before it sees it.

    ``NaN``, ``Infinity``, numbers too large for a double and integers of more than 4300 digits are refused (they
    are not JSON, or no quantity needs them), with their line and column.
    """
    _check_json_depth(text, name, limits.max_depth)
    try:
        document = json.loads(
            text,
            parse_constant=_parse_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
            object_pairs_hook=_unique_keys,
        )
    except _DuplicateKey as error:
        raise InputError(
            name,
            f"not usable JSON: the key {_quoted(error.key)} appears twice in one object, and a JSON-LD processor "
            "would keep only the last value without a word; keep one",
        ) from None
    except json.JSONDecodeError as error:
        problem = error.msg.removesuffix(" at")  # "Invalid control character at", "Unterminated string starting at"
        raise InputError(name, f"not valid JSON ({problem} at line {error.lineno} column {error.colno})") from None
    except _BadNumber as error:
        where = _token_position(text, error.token)
        raise InputError(name, f"not valid JSON ({error.problem}{', at ' + where if where else ''})") from None
    except RecursionError:
        raise InputError(name, f"JSON nested deeper than {limits.max_depth} levels") from None
    _check_structure(document, name, limits, max_triples)
    return document


def iter_inputs(
    inputs: Iterable[Source], *, limits: LoadLimits = DEFAULT_LIMITS
) -> Iterator[tuple[str, Source] | InputError]:
    """Expand inputs into individual claims, and yield each entry that must be refused as an :class:`InputError`.

    A directory yields its claim files (sorted); a ``.jsonl`` file one :class:`JsonLine` a line. Only what the
    user named is read: inside a directory, a symbolic link that leads out of it is refused, not followed, and so
    is a FIFO, socket or device (given directly too), which is never opened. A refused entry costs only itself.
    """
    for item in inputs:
        path = Path(item) if isinstance(item, (str, Path)) and describe_source(item) == str(item) else None
        if path is not None and path.is_dir():
            yield from _iter_folder(path, limits)
        elif path is not None and path.suffix.lower() in JSON_LINES_SUFFIXES:
            yield from _iter_json_lines(path, limits)
        else:
            yield describe_source(item), item


def iter_sources(inputs: Iterable[Source], *, limits: LoadLimits = DEFAULT_LIMITS) -> Iterator[tuple[str, Source]]:
    """Expand inputs into individual claims: a directory yields its claim files, a ``.jsonl`` file one claim a line.

    :raises InputError: a directory holds no claim file, or an entry must be refused (see :func:`iter_inputs`).
    """
    for entry in iter_inputs(inputs, limits=limits):
        if isinstance(entry, InputError):
            raise entry
        yield entry


#: Other suffixes of RDF files a folder of claims may hold: each is taken as an input, read as a file named on the
#: command line is (JSON-LD or Turtle by its content) or refused in one line naming its format. Skipped without a
#: word, a claim saved as TriG or ".turtle" had no verdict, and the audits over the folder never saw it.
_RDF_SUFFIXES = frozenset({".trig", ".nq", ".json-ld", ".turtle", ".n3", ".nquads", ".ntriples"})
#: XML files are inputs only when they are RDF (their start names the RDF namespace): minutes or settings saved as
#: XML beside the claims are not claims, and are left alone like a README.
_XML_SUFFIXES = frozenset({".rdf", ".xml", ".trix"})  # not ".owl": by convention an ontology, not a claim
_RDF_NAMESPACE = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#"


#: Compression suffixes: a claim file compressed ("2024.jsonl.gz") is listed and refused in one line. Skipped as
#: "not a claim", its claims had no verdict while the run over the folder said nothing and could exit 0.
_COMPRESSED_SUFFIXES = frozenset({".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4", ".br"})
#: Archives hold files whose names cannot be seen without opening them ("claims-2024.zip", "more.tar.gz"): every
#: one in a folder of claims is listed and refused, since skipping it would leave any claim inside without a verdict.
_ARCHIVE_SUFFIXES = frozenset({".zip", ".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".7z", ".rar"})
#: What a folder lists and refuses unread: a compressed file or an archive (the Spark listing of other file systems
#: refuses the same).
PACKED_SUFFIXES = _COMPRESSED_SUFFIXES | _ARCHIVE_SUFFIXES


def _is_claim_file(path: Path) -> bool:
    # As for a file named on the command line, the suffix's case does not matter ("CLAIM.JSONLD" is a claim).
    suffix = path.suffix.lower()
    if suffix == ".owl":
        return _names_claim(path)
    if suffix in _ARCHIVE_SUFFIXES:
        return True
    if suffix in _COMPRESSED_SUFFIXES:
        inner = Path(path.stem).suffix.lower()
        return (
            inner in CLAIM_SUFFIXES
            or inner in _RDF_SUFFIXES
            or inner in _XML_SUFFIXES
            or inner in JSON_LINES_SUFFIXES
            or inner in _ARCHIVE_SUFFIXES
        )
    if suffix in _XML_SUFFIXES:
        return _names_rdf(path)
    return suffix in CLAIM_SUFFIXES or suffix in _RDF_SUFFIXES or suffix in JSON_LINES_SUFFIXES


def _names_claim(path: Path) -> bool:
    """Whether a ``.owl`` file in a folder is a claim: it names a claim type and declares no ontology. An ontology
    beside the claims is left alone; a claim saved as ``.owl`` was skipped without a word and had no verdict."""
    start = _start_of(path)
    return start is None or (
        b"NeutralityClaim" in start and b"owl:Ontology" not in start and b"owl#Ontology" not in start
    )


def _names_rdf(path: Path) -> bool:
    start = _start_of(path)
    return start is None or _RDF_NAMESPACE in start


def _start_of(path: Path) -> bytes | None:
    """A folder entry's first 64 KiB, to tell by content whether it is an input; ``None``: list it unread.

    A link, a FIFO or a device is not opened here (a link may lead out of the folder, a FIFO would block): it is
    listed, and the listing says what it is; so is a file that cannot be read, whose reading then says why.
    """
    try:
        if path.is_symlink() or not stat.S_ISREG(path.stat().st_mode):
            return None
        with open(path, "rb") as stream:
            return stream.read(65536)
    except OSError:
        return None


def _claim_files(folder: Path) -> tuple[list[Path], list[InputError]]:
    """The claim files under ``folder`` and a refusal for each folder in it that cannot be listed (silently
    skipping one would leave its claims without a verdict). Linked folders are not descended into: one that leads
    out of the folder is refused (its claims are not the folder's, and skipped silently they had no verdict), one
    that stays inside is listed where it really is."""
    files: list[Path] = []
    unlisted: list[InputError] = []
    root = os.path.realpath(folder)

    def refuse(error: OSError) -> None:
        unlisted.append(InputError(str(error.filename or folder), f"cannot list the folder ({_os_problem(error)})"))

    for parent, folders, names in os.walk(folder, onerror=refuse, followlinks=False):
        files += [Path(parent) / name for name in names if _is_claim_file(Path(parent) / name)]
        for name in folders:
            linked = Path(parent) / name
            if linked.is_symlink() and os.path.commonpath([root, os.path.realpath(linked)]) != root:
                unlisted.append(InputError(str(linked), "symbolic link out of the folder, not followed"))
    return sorted(files), sorted(unlisted, key=str)


def _iter_folder(folder: Path, limits: LoadLimits) -> Iterator[tuple[str, Source] | InputError]:
    root = os.path.realpath(folder)
    files, unlisted = _claim_files(folder)
    yield from unlisted
    found = bool(unlisted)
    # A linked file is followed only while it stays inside the folder.
    for entry in files:
        name = str(entry)
        if entry.is_symlink():
            target = os.path.realpath(entry)
            if os.path.commonpath([root, target]) != root:
                found = True
                yield InputError(name, "symbolic link out of the folder, not followed")
                continue
        try:
            mode = entry.stat().st_mode
        except OSError as error:
            found = True
            yield InputError(name, _os_problem(error))
            continue
        found = True
        if stat.S_ISDIR(mode):
            # Listed as a file a moment ago (a folder, or a link to one, is listed apart): replaced by a folder
            # since. Skipped without a word, its claim (and the folder's) had no verdict and the run exit 0.
            yield InputError(name, "became a folder while the run listed it: run again on the final folder")
        elif not stat.S_ISREG(mode):
            yield InputError(name, _not_regular(mode))
        elif entry.suffix.lower() in _ARCHIVE_SUFFIXES or Path(entry.stem).suffix.lower() in _ARCHIVE_SUFFIXES:
            shown = entry.suffix if entry.suffix.lower() in _ARCHIVE_SUFFIXES else "".join(entry.suffixes[-2:])
            yield InputError(name, f"an archive ({shown}), not read: extract it and give the claims it holds")
        elif entry.suffix.lower() in _COMPRESSED_SUFFIXES:
            yield InputError(name, f"compressed ({entry.suffix}), not read: decompress it, claims are read as text")
        elif entry.suffix.lower() in JSON_LINES_SUFFIXES:
            yield from _iter_json_lines(entry, limits)
        else:
            yield name, entry
    if not found:
        kinds = ", ".join(f"*{suffix}" for suffix in (*CLAIM_SUFFIXES, ".jsonl", ".ndjson"))
        yield InputError(str(folder), f"directory holds no claim files ({kinds})")


def _not_regular(mode: int) -> str:
    kind = (
        "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a file"
    )
    return f"{kind}, not a regular file: not opened"


def _bounded_lines(stream: BinaryIO, limits: LoadLimits) -> Iterator[bytes | None]:
    """Each line of ``stream``, read at most ``limits.max_bytes`` + 1 bytes at a time so that no line is held whole
    when it is over the limit: such a line is skipped to its end and given as None."""
    while line := stream.readline(limits.max_bytes + 1):
        if len(line) > limits.max_bytes and not line.endswith(b"\n"):
            yield None
            # Only when asked for the next line: a caller that stops here (an endless stream) reads no further.
            while line and not line.endswith(b"\n"):
                line = stream.readline(limits.max_bytes + 1)
        else:
            yield line


def _json_line_entries(
    lines: Iterable[tuple[int, bytes | None]], name: str, limits: LoadLimits
) -> Iterator[tuple[str, Source] | InputError]:
    """Numbered lines as inputs: each non-blank line a :class:`JsonLine` named ``name:N``, a line over the limit
    refused alone."""
    for number, line in lines:
        if line is None:
            yield InputError(f"{name}:{number}", f"line is over the limit of {limits.max_bytes} bytes")
        elif line.strip():
            yield f"{name}:{number}", JsonLine(line)


def _iter_json_lines(path: Path, limits: LoadLimits) -> Iterator[tuple[str, Source] | InputError]:
    """Each non-blank line as a :class:`JsonLine` named ``path:N``; a line that is too long is refused alone."""
    name = str(path)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            yield InputError(name, _not_regular(mode))
            return
        handle = path.open("rb")
    except OSError as error:
        yield InputError(name, _os_problem(error))
        return
    with handle:
        given = False
        try:
            for entry in _json_line_entries(enumerate(_bounded_lines(handle, limits), 1), name, limits):
                given = True
                yield entry
        except OSError as error:
            yield InputError(name, _os_problem(error))
            return
        if not given:
            # No line, no verdict: an export that failed and left an empty file was a report with no input in
            # it, which "conforms" (exit 0) and passed a pipeline's gate. As an empty claim file is, it is refused.
            yield InputError(name, "empty input: the JSON Lines file holds no claim line")


def iter_stream(
    stream: BinaryIO, name: str = "<stdin>", *, limits: LoadLimits = DEFAULT_LIMITS
) -> Iterator[tuple[str, Source] | InputError]:
    """A stream (standard input) as one claim, or as JSON Lines (one claim a line, ``name:N``) when its first
    non-blank line is a whole JSON object and more follows, or its second is after one line that is not JSON: a
    pipeline's stream of claims then gets a verdict per claim, each line within the size limit, instead of being one
    unreadable input."""
    lines = enumerate(_bounded_lines(stream, limits), 1)
    start = next(((number, line) for number, line in lines if line is None or line.strip()), None)
    if start is None:
        yield name, b""
        return
    number, first = start
    if first is None:
        yield InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
        return
    if first.endswith(b"\n") and _one_json_object(first):
        second = next(((n, line) for n, line in lines if line is None or line.strip()), None)
        if second is None:
            yield name, first
            return
        yield f"{name}:{number}", JsonLine(first)
        yield from _json_line_entries(itertools.chain([second], lines), name, limits)
        return
    if first.endswith(b"\n") and first.lstrip()[:1] not in (b"[", b"{"):
        # A stream of claims behind one stray line (a header, a log line): the claims keep their verdicts and the
        # stray line is refused alone. A JSON document's first line opens it, and no line of Turtle is a whole
        # JSON object, so neither is read this way.
        held = [first]
        for following in lines:
            line = following[1]
            if line is None:
                yield InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
                return
            if line.strip():
                if _one_json_object(line):
                    yield f"{name}:{number}", JsonLine(first)
                    yield from _json_line_entries(itertools.chain([following], lines), name, limits)
                    return
                held.append(line)
                break
            held.append(line)
        first = b"".join(held)
    data = first + stream.read(limits.max_bytes + 1 - len(first))
    if len(data) > limits.max_bytes:
        yield InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
        return
    yield name, data


def _one_json_object(line: bytes) -> bool:
    """Whether a line is a whole JSON-LD document: an object, or an array of objects (JSON-LD's other top-level
    form, which a JSON Lines file may hold a line as well; a stream of them was read as one unreadable document)."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)
    )


def read_bytes(path: Path, limits: LoadLimits = DEFAULT_LIMITS) -> bytes:
    """A file's bytes (at most ``limits.max_bytes`` + 1), refusing, in one line and without opening it, what is
    missing, a directory, a FIFO, socket or device (which would block or never end) or over the size limit.

    The one way comet-cn reads a file the user named: claims, workbooks and registry exports alike.
    """
    name = str(path)
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise InputError(name, "is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise InputError(name, _not_regular(status.st_mode))
        size = status.st_size
        if size > limits.max_bytes:
            raise InputError(name, f"file is {size} bytes, over the limit of {limits.max_bytes} bytes")
        with path.open("rb") as handle:
            return handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise InputError(name, _os_problem(error)) from None


def _read_file(path: Path, limits: LoadLimits) -> str:
    return _decode(read_bytes(path, limits), str(path), limits)


def _os_problem(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or type(error).__name__


def wide_text(data: bytes) -> str | None:
    """What to say of text written two or four bytes a character (UTF-16 or UTF-32, as Windows PowerShell's ``>``
    writes), which holds zero bytes and would otherwise be called binary data; None for anything else."""
    encoding = next(
        (
            name
            for marks, name in (
                ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),  # before UTF-16: its mark starts the same
                ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16"),
            )
            if data.startswith(marks)
        ),
        None,
    )
    head = data[:64]
    units = head[: len(head) // 4 * 4]
    # Without a mark: UTF-32 (of the BMP) has zeros in the two high bytes of every four, little- or big-endian,
    # where UTF-16 text, one zero byte a character, has characters (it was called UTF-16 too).
    layouts = ((units[2::4] + units[3::4], units[0::4]), (units[0::4] + units[1::4], units[3::4]))
    if encoding is None and units and any(high.count(0) == len(high) and 0 not in low for high, low in layouts):
        encoding = "UTF-32"
    if encoding is None and len(head) >= 4 and len(head) // 2 in (head[1::2].count(0), head[0::2].count(0)):
        encoding = "UTF-16"  # ASCII text with a zero byte beside every character, and no byte-order mark
    return None if encoding is None else f"{encoding} text, not UTF-8: save the claim as UTF-8 and run again"


def _decode(data: bytes, name: str, limits: LoadLimits) -> str:
    if len(data) > limits.max_bytes:
        raise InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
    if b"\x00" in data:
        raise InputError(name, wide_text(data) or "binary data, not a claim (JSON-LD, Turtle or N-Triples text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(name, f"not UTF-8 text (at byte {error.start + 1})") from None


def _check_size(text: str, name: str, limits: LoadLimits) -> str:
    if len(text) > limits.max_bytes:
        raise InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
    return text


def _format_from_suffix(path: Path) -> str | None:
    return CLAIM_SUFFIXES.get(path.suffix.lower())


def _load_text(text: str, format: str | None, budget: _Budget, *, json_line: bool = False) -> Loaded:
    name = budget.name
    if not text.strip():
        raise InputError(name, "empty input")
    looks_like_json = text.lstrip().startswith(("{", "["))
    if format is None:
        format = "json-ld" if looks_like_json else "turtle"
    if format == "json-ld":
        if json_line and not looks_like_json:
            raise InputError(name, "not JSON-LD: a line of a JSON Lines file must be a JSON object or array")
        if json_line:
            try:
                return _jsonld_to_loaded(parse_json(text, name, budget.limits, budget.max_triples), text, budget)
            except InputError as error:
                # The name says which line of the file (file.jsonl:N); the parser's "line 1" is that line itself.
                raise InputError(name, _LINE_ONE.sub("at column ", error.problem)) from None
        if not looks_like_json:
            raise InputError(name, "not JSON-LD: expected a JSON object or array (is it Turtle? use a .ttl suffix)")
        return _jsonld_to_loaded(parse_json(text, name, budget.limits, budget.max_triples), text, budget)
    if format in ("turtle", "nt"):
        if looks_like_json:
            raise InputError(name, f"not valid {_FORMAT_NAMES[format]}: the content is JSON (use a .jsonld suffix)")
        return Loaded(_parse_rdf_text(text, format, budget))
    raise InputError(name, f"unknown format {format!r} (use json-ld, turtle or nt)")


_FORMAT_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD"}
#: The most prefix declarations a Turtle input may make (a claim makes a few dozen).
MAX_PREFIXES = 1000
_PREFIX_DECLARATION = re.compile(r"(?:@prefix|\bPREFIX)\s+[^\s:]*:", re.IGNORECASE)
#: A position on the only line of a JSON Lines entry.
_LINE_ONE = re.compile(r"\bat line 1 column ")


class _Budget:
    """The bounds one load works within: it stops a parse at the triple limit and checks the finished graph."""

    def __init__(
        self, name: str, limits: LoadLimits, max_triples: int | None, store: str = "default", keep: bool = False
    ) -> None:
        self.name = name
        self.limits = limits
        self.max_triples = max_triples
        self.store = store
        self.keep_undefined = keep

    def too_many(self) -> InputError:
        return InputError(self.name, f"the claim has over {self.max_triples} triples, the most allowed (--max-triples)")

    def check_count(self, count: int) -> None:
        if self.max_triples is not None and count > self.max_triples:
            raise self.too_many()

    def check_graph(self, graph: Graph) -> None:
        self.check_count(len(graph))
        items = sum(1 for _ in graph.triples((None, RDF.first, None)))
        if items > self.limits.max_list_items:
            raise InputError(self.name, f"lists hold {items} items, over the limit of {self.limits.max_list_items}")
        types: Counter[Node] = Counter(graph.subjects(RDF.type, None))
        if types:
            count = types.most_common(1)[0][1]
            if count > self.limits.max_types_per_node:
                raise InputError(
                    self.name, f"a node has {count} types, over the limit of {self.limits.max_types_per_node}"
                )


class _TooMany(Exception):
    """Raised from inside a parser when the graph grows past the triple limit, to stop the parse there."""


class _CappedGraph(Graph):
    """A graph that refuses to grow past a number of triples, so a huge file stops parsing at the limit."""

    def __init__(self, cap: int | None) -> None:
        super().__init__()
        self._cap = cap

    def add(self, triple: Any) -> _CappedGraph:
        super().add(triple)
        if self._cap is not None and len(self) > self._cap:
            raise _TooMany
        return self

    def uncap(self) -> None:
        self._cap = None

    def absolutize(self, uri: str, defrag: int = 1) -> URIRef:
        # rdflib's Turtle parser passes the base it is given through here, and rdflib reads the working folder even
        # for an absolute one: with that folder removed, every Turtle claim was "not valid Turtle".
        if _ABSOLUTE.match(uri):
            return URIRef(urldefrag(uri)[0] if defrag else uri)
        return super().absolutize(uri, defrag)


#: An absolute IRI: a scheme, then a colon (RFC 3986).
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class _CountingParser(W3CNTriplesParser):
    """rdflib's N-Triples parser, counting lines so that an error can say where it is."""

    __slots__ = ("lines",)
    lines: int

    def readline(self) -> str | None:
        line = super().readline()
        self.lines += line is not None
        return line


# A line of N-Triples that states a triple: neither blank nor a comment.
_TRIPLE_LINE = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)


#: What an IRI may not hold (RFC 3987): white space, controls and the characters < > " { } | \ ^ `.
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def _refuse_bad_iris(graph: Graph, name: str) -> None:
    """Refuse an IRI holding a character no IRI may hold, for this input alone.

    rdflib takes Turtle's \\u escapes for them ("<urn:x:\\u007B>") and pyld an "@id" as written; the Oxigraph
    store and rdflib's own serializers then refuse the graph, and every input lost its audit.
    """
    for term in (*distinct_subjects(graph), *distinct_predicates(graph), *distinct_objects(graph)):
        if isinstance(term, URIRef) and (found := _NOT_IRI.search(term)) is not None:
            raise InputError(name, f"an IRI holds {found[0]!r}, which no IRI may hold (RFC 3987)")
        if isinstance(term, Literal):
            # A literal's datatype IRI and language tag reach the Oxigraph store too (red team 48): accepted by
            # rdflib and pyld, "urn:a{b" or "en-a-b" made it refuse the whole set, and every input lost its audit.
            if term.datatype is not None and (found := _NOT_IRI.search(term.datatype)) is not None:
                raise InputError(name, f"a literal's datatype IRI holds {found[0]!r}, which no IRI may hold (RFC 3987)")
            if term.language is not None and not well_formed_language_tag(term.language):
                raise InputError(name, "a literal has a language tag that is not valid (BCP 47)")


# RFC 5646's well-formed tags: language, script, region, variants, extensions (a singleton other than x, then
# subtags of 2-8 characters), private use; and the grandfathered tags it lists.
_ALNUM = "[a-z0-9]"
_LANGUAGE_TAG = re.compile(
    rf"(?:[a-z]{{2,3}}(?:-[a-z]{{3}}){{0,3}}|[a-z]{{4,8}})"
    rf"(?:-[a-z]{{4}})?(?:-(?:[a-z]{{2}}|[0-9]{{3}}))?"
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"
    rf"(?:-[0-9a-wyz](?:-{_ALNUM}{{2,8}})+)*"
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?"
    rf"|x(?:-{_ALNUM}{{1,8}})+",
    re.IGNORECASE | re.ASCII,
)
_GRANDFATHERED = frozenset(
    [
        "en-gb-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-be-fr",
        "sgn-be-nl",
        "sgn-ch-de",
        "art-lojban",
        "cel-gaulish",
        "no-bok",
        "no-nyn",
        "zh-guoyu",
        "zh-hakka",
        "zh-min",
        "zh-min-nan",
        "zh-xiang",
    ]
)


def well_formed_language_tag(tag: str) -> bool:
    """Whether ``tag`` is a well-formed BCP 47 language tag (RFC 5646 §2.1), as RDF stores check it."""
    return _LANGUAGE_TAG.fullmatch(tag) is not None or tag.lower() in _GRANDFATHERED


#: Characters an N-Triples line may hold beyond the longest literal: its subject, predicate and datatype IRIs.
_NT_LINE_ROOM = 16_384


def _parse_rdf_text(text: str, format: str, budget: _Budget) -> Graph:
    name = budget.name
    if format == "nt" and budget.max_triples is not None:
        # One triple a line: a file over the limit is refused before rdflib spends a minute parsing it.
        budget.check_count(sum(1 for _ in _TRIPLE_LINE.finditer(text)))
    if format == "nt":
        # rdflib re-reads a growing line 2 KB at a time, so a line's cost grows with its square: one IRI of 5 million
        # characters took 79 s. A line holds one triple, so one longer than the longest literal and some room for
        # its subject and predicate cannot be read within the limits anyway.
        longest = budget.limits.max_string_chars + _NT_LINE_ROOM
        if any(len(line) > longest for line in text.split("\n")):
            raise InputError(name, f"a line is longer than {longest} characters (the longest literal and its IRIs)")
    if format == "turtle":
        _check_turtle_depth(text, name, budget.limits.max_depth)
        # rdflib binds each prefix into a trie at a cost that grows with the prefixes before it: 200,000 of them in
        # 6.5 MB ran for many minutes. A claim declares a few dozen.
        declared = sum(1 for _ in _PREFIX_DECLARATION.finditer(text))
        if declared > MAX_PREFIXES:
            raise InputError(name, f"declares {declared} prefixes, over the limit of {MAX_PREFIXES}")
    graph = _CappedGraph(budget.max_triples)
    # rdflib rewrites literal lexical forms while parsing unless NORMALIZE_LITERALS is off. It is a module global,
    # so it is switched off only for the duration of our own parse, under the process-wide rdflib lock.
    with exclusive():
        rdflib.NORMALIZE_LITERALS = False
        parser = _CountingParser(NTGraphSink(graph))
        parser.lines = 0
        try:
            if format == "nt":
                parser.parse(io.StringIO(text))
            else:
                base = turtle_base()
                graph.parse(data=text, format=format, publicID=base)
        except _TooMany:
            raise budget.too_many() from None
        except RecursionError:  # rdflib recurses once a level: past what _check_turtle_depth counts (a bug), say so
            raise InputError(
                name,
                f"{_FORMAT_NAMES[format]} nested too deeply to be read (the limit is {budget.limits.max_depth} levels)",
            ) from None
        except Exception as error:  # rdflib raises many unrelated types for syntax errors
            if _TOO_MANY_DIGITS in str(error) or _TOO_MANY_DIGITS in str(error.__context__):
                # Valid Turtle, but an integer longer than Python converts: no quantity has thousands of digits.
                raise InputError(name, "an integer of more than 4300 digits, which no quantity has") from None
            # rdflib's messages quote the input, which must not reach a terminal or a report: say only where.
            where = _syntax_position(error, text) if format == "turtle" else f"line {parser.lines}"
            hint = ""
            if "\n" not in text.strip() and name == "<text>":  # a str given to the library, never a file read
                hint = " (a str is read as claim text, never as a file name: pass a pathlib.Path to read a file)"
            raise InputError(
                name, f"not valid {_FORMAT_NAMES[format]} (syntax error{' at ' + where if where else ''}){hint}"
            ) from None
    for _, _, obj in graph:
        if isinstance(obj, Literal) and len(obj) > budget.limits.max_string_chars:
            raise InputError(name, f"a literal is longer than {budget.limits.max_string_chars} characters")
    _refuse_bad_iris(graph, name)
    if format != "nt":
        # Turtle's <> (or <#>) with no @base is the document itself: as a value (verifiedBy <>) it names no node; as
        # a subject it is the common idiom for the document's own metadata (<> dcterms:title "..."), and is read.
        _refuse_empty_references(graph, name, (URIRef(base), URIRef(base + "#")), as_subject=False)
    budget.check_graph(graph)
    graph.uncap()  # the caller's graph, which may grow
    return _relabelled(graph, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())


def _syntax_position(error: BaseException, text: str) -> str | None:
    """Line and column of a Turtle syntax error (rdflib's BadSyntax knows the offset into the text)."""
    offset = getattr(error, "_i", None)
    parsed = getattr(error, "_str", None)
    if not isinstance(offset, int) or not isinstance(parsed, bytes):
        return None
    source = parsed.decode("utf-8", "replace")
    if offset < 0:  # rdflib's "EOF found": the text ends inside a statement (red team 82c: it read as line 1)
        offset = len(source.rstrip())
    offset = max(0, min(offset, len(source)))
    return _position(source, offset)


# What can hold a bracket that opens no level: a comment, an IRI, a string (long ones first); then the brackets.
_TURTLE_TOKEN = re.compile(
    r"#[^\n\r]*"
    r"|<[^>\n]*>"
    r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r"|\\[()\[\]]"  # an escaped bracket in a prefixed name (ex:fn\() nests nothing
    r"|[\[\]()]",
    re.DOTALL,
)


def _check_turtle_depth(text: str, name: str, max_depth: int) -> None:
    """Measure the nesting of blank nodes ``[ ]`` and collections ``( )`` outside comments, IRIs and strings, without
    recursion: rdflib's Turtle parser recurses once a level and meets Python's recursion limit at about 130 levels,
    which it reports as a syntax error."""
    if text.count("[") + text.count("(") <= max_depth:
        return  # the common case, measured at C speed: not enough brackets to nest that deep
    depth = 0
    for match in _TURTLE_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "("):
            depth += 1
            if depth > max_depth:
                raise InputError(name, f"Turtle nested deeper than {max_depth} levels")
        elif token in ("]", ")"):
            depth -= 1


def _check_json_depth(text: str, name: str, max_depth: int) -> None:
    """Measure bracket nesting outside strings without recursion, before json.loads can hit the recursion limit."""
    # Strings are cut out by one regular expression and only the brackets left are walked: a character loop in
    # Python cost about 1 ms a claim. An unterminated string stays in; json.loads refuses that text anyway.
    outside = _JSON_STRING.sub("", text)
    if outside.count("[") + outside.count("{") <= max_depth:
        return
    depth = 0
    for match in _JSON_BRACKET.finditer(outside):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                raise InputError(name, f"JSON nested deeper than {max_depth} levels")
        else:
            depth -= 1


_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


#: The values a JSON document holds (Decimal: json.loads(..., parse_float=Decimal) keeps decimals exact).
_JSON_SCALARS = (int, float, bool, Decimal, type(None))


def _check_structure(document: Any, name: str, limits: LoadLimits, max_triples: int | None = None) -> None:
    """Walk a parsed JSON document without recursion and refuse what would make the JSON-LD processor slow.

    pyld's cost grows with the product of a scoped context's size and its uses, and with the square of the values
    of one property of one node; it cannot be stopped once started, so the document is measured first.
    """
    stack: list[tuple[Any, int, bool]] = [(document, 1, False)]
    contexts = 0
    values = 0
    max_values = 2 * max_triples if max_triples is not None else None  # a triple takes at most two JSON values
    while stack:
        node, depth, in_context = stack.pop()
        if isinstance(node, (dict, list)) and depth > limits.max_depth:
            raise InputError(name, f"JSON nested deeper than {limits.max_depth} levels")
        if isinstance(node, dict):
            if "@context" in node:
                declared = node["@context"]
                if declared is None or (isinstance(declared, list) and None in declared):
                    # A null context clears the comet-cn context (and the marker that reports unknown keys), so every
                    # key under it would be dropped by the JSON-LD processor without a word.
                    raise InputError(
                        name,
                        "a @context of null clears the comet-cn context, so the keys under it would be dropped "
                        "without a word: remove it",
                    )
                if in_context:
                    raise InputError(
                        name, "a term definition has a @context of its own (a scoped context): not accepted"
                    )
                contexts += 1
                if contexts > limits.max_contexts:
                    raise InputError(name, f"the document holds over {limits.max_contexts} @context entries")
            if not in_context:
                _check_node(node, name, limits)
            for key, child in node.items():
                if not isinstance(key, str):
                    raise InputError(name, f"a key is {type(key).__name__} {key!r:.40}, not a JSON string")
                if len(key) > limits.max_string_chars:
                    raise InputError(name, f"a JSON string is longer than {limits.max_string_chars} characters")
                stack.append((child, depth + 1, in_context or key == "@context"))
        elif isinstance(node, list):
            stack.extend((child, depth + 1, in_context) for child in node)
        else:
            if isinstance(node, str):
                if len(node) > limits.max_string_chars:
                    raise InputError(name, f"a JSON string is longer than {limits.max_string_chars} characters")
            elif not isinstance(node, _JSON_SCALARS):
                # A document built in Python may hold what JSON cannot (a date, a Path, an Enum, a function): turned
                # into text, or dropped, it changed what the claim says; with -j it failed as an internal error.
                raise InputError(
                    name,
                    f"a value is a Python {type(node).__name__}, not JSON: give text, a number, true/false or null",
                )
            values += not in_context
            if max_values is not None and values > max_values:
                raise InputError(
                    name,
                    f"the document holds over {max_values} values, more than {max_triples} triples (--max-triples)",
                )


def _iri_valued_terms() -> frozenset[str]:
    """The bundled context's terms whose string values are IRIs (``"@type": "@id"`` or ``"@vocab"``)."""
    definitions = context_document().get("@context", {})
    return frozenset(
        term
        for term, definition in definitions.items()
        if isinstance(definition, dict) and definition.get("@type") in ("@id", "@vocab")
    )


_IRI_VALUED = _iri_valued_terms()


def _term_meant(text: str) -> str | None:
    """The bundled context's term a value written as free text stands for, when its words begin with the term's:
    "ISO 14064-3:2019" is ISO_14064_3. None when no term of at least two words matches."""
    words = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() + "_"
    found = [term for term in context_terms() if "_" in term and words.startswith(term.upper() + "_")]
    return max(found, key=len) if found else None


# str.isspace's characters exactly, found in C: a per-character generator was a tenth of loading a claim.
_WHITE_SPACE = re.compile(r"\s")


#: Python's refusal of an integer longer than sys.get_int_max_str_digits() (4300 by default).
_TOO_MANY_DIGITS = "for integer string conversion"


def _vocabulary_hint(subject: Node) -> str:
    """What to do about a claim stating vocabulary: a COMET or comet-cn term's is built in, so it is left out."""
    if isinstance(subject, URIRef) and str(subject).startswith(COMET_NAMESPACES):
        return "the COMET ontology and the comet-cn extension are built in: leave their definitions out of the claim"
    return "pass your own ontology with -e"


def _check_node(node: dict[Any, Any], name: str, limits: LoadLimits) -> None:
    for key in ("@type", "type"):  # "type" is the bundled context's alias of @type
        types = node.get(key)
        if isinstance(types, list) and len(types) > limits.max_types_per_node:
            raise InputError(name, f"a node has {len(types)} types, over the limit of {limits.max_types_per_node}")
    for key in ("@id", "id", "@type", "type", *(key for key in node if key in _IRI_VALUED)):
        named = node.get(key)
        for iri in named if isinstance(named, list) else [named]:
            if isinstance(iri, str) and _WHITE_SPACE.search(iri):
                # No IRI holds white space: a JSON-LD processor drops such a node's statements without a word.
                term = _term_meant(iri)
                if term:
                    fix = f"write the term {term}"
                elif key.startswith("@") or key in ("id", "type"):
                    fix = "remove the space (or write it as %20)"
                else:
                    # A name where a node is meant ("verifiedBy": "Verifier Ltd"): %20 would make the name an IRI
                    # no one is known by (and "To%20be%20determined" a verifier), so say how a party is named.
                    fix = (
                        f"{key} refers to a node, not a text: give the node an IRI and its name as a label "
                        f'({{"@id": "ex:verifier", "label": {json.dumps(iri)}}}) and refer to the IRI'
                    )
                raise InputError(
                    name,
                    f"the {key.lstrip('@')} {_quoted(iri)} holds white space, which no IRI can, so its statements "
                    f"would be dropped without a word: {fix}",
                )
    items = node.get("@list")
    if isinstance(items, list) and len(items) > limits.max_list_items:
        raise InputError(name, f"a list has {len(items)} items, over the limit of {limits.max_list_items}")


class _OfflineLoader:
    """A pyld document loader that serves the bundled contexts and refuses every other URL."""

    def __init__(self, name: str) -> None:
        self._name = name
        self.refused: str | None = None

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if url in CONTEXT_IRIS:
            return {"contextUrl": None, "documentUrl": url, "document": context_document()}
        self.refused = url
        raise InputError(self._name, _REMOTE_CONTEXT)


_REMOTE_CONTEXT = "unknown remote @context: only the bundled comet-cn contexts are allowed, and nothing is fetched"


def _jsonld_to_loaded(document: Any, text: str | None, budget: _Budget) -> Loaded:
    # The document's own @vocab would catch a misspelt key before the marker underneath does: it is read as a
    # numbered marker instead, and take_marked reports the terms it expands (and gives them back their IRI).
    read = document_terms(document)
    if read.foreign_contexts:
        raise InputError(budget.name, _REMOTE_CONTEXT + _url_position(text, read.foreign_contexts[0]))
    graph = _jsonld_to_graph(read.document, text, budget)
    budget.check_graph(graph)  # before the unknown terms are looked up: each costs a walk of the document
    marked = {
        str(t)
        for t in (*distinct_predicates(graph), *distinct_objects(graph))
        if isinstance(t, URIRef) and str(t).startswith((MARKER, VOCAB_MARKER))
    }
    if len(marked) > budget.limits.max_unknown_terms:
        raise InputError(
            budget.name,
            f"the document uses {len(marked)} terms its context does not define, over the limit of "
            f"{budget.limits.max_unknown_terms}",
        )
    unknown = take_marked(graph, document, context_terms(), read.vocabularies, keep=budget.keep_undefined)
    _refuse_bad_iris(graph, budget.name)
    # Read from the JSON, whichever reader made the graph: keys like "@Type" that JSON-LD ignores, and bundled
    # terms the document's own @context redefines.
    return Loaded(graph, (*unknown, *read.unknown))


def _jsonld_to_graph(document: Any, text: str | None, budget: _Budget) -> Graph:
    if jsonld_fast.available() and jsonld_fast.plain(document):
        fast = jsonld_fast.read(document, budget.store, _blank)  # pyld's graph, in a ninth of the time
        if fast is not None:
            return fast  # the caller checks its size, as for pyld's
    name = budget.name
    loader = _OfflineLoader(name)
    try:
        # The marker @vocab lies under the document's own context: a key or type it does not define expands to a
        # marker IRI instead of being dropped in silence, and comet_cn.terms reports it.
        from pyld import jsonld  # here: a tenth of a cold start, and the Oxigraph reader needs none of it

        with fast_duplicate_checks():  # linear in the claim's size (see comet_cn.pyld_index)
            dataset = jsonld.to_rdf(document, {"documentLoader": loader, "expandContext": {"@vocab": MARKER}})
    except InputError as error:
        raise InputError(name, error.problem + _url_position(text, loader.refused)) from None
    except Exception as error:  # pyld wraps loader errors and reports syntax errors as JsonLdError
        if loader.refused is not None:
            raise InputError(name, _REMOTE_CONTEXT + _url_position(text, loader.refused)) from None
        raise InputError(name, f"not valid JSON-LD ({_jsonld_problem(error)})") from None
    budget.check_count(sum(len(triples) for triples in dataset.values()))
    graph = _dataset_to_graph(dataset, name, budget.store)
    _refuse_empty_references(graph, name)
    return graph


#: What pyld resolves a relative reference against when the document gives no base of its own (its
#: ``jsonld.DEFAULT_BASE_IRI``, written out so that pyld is imported only when it reads a claim;
#: tests/test_fast_paths.py checks the two agree): "" (or "." or "#") is this very IRI, and "N/A" reads as
#: JSONLD_BASE + "N/A".
JSONLD_BASE: str = "http://example.org/base/"
_EMPTY_REFERENCES = (URIRef(JSONLD_BASE), URIRef(JSONLD_BASE + "#"))


def _refuse_empty_references(
    graph: Graph, name: str, empty: tuple[URIRef, ...] = _EMPTY_REFERENCES, *, as_subject: bool = True
) -> None:
    """A reference written "" (or "." or "#") names no node (it is read as the document's base IRI): a blank form
    field, say ``"verifiedBy": ""`` or Turtle's ``<>``, would otherwise pass as a verifier. Refused, as a value
    that cannot be checked. ``empty`` is what such a reference resolves to in this input."""
    for reference in empty:
        predicate = next(graph.predicates(None, reference), None)
        if predicate is not None:
            key = re.sub(r"^.*[#/]", "", str(predicate))
            raise InputError(
                name,
                f'"{key}" is an empty reference ("", "." or "#" in JSON-LD, <> in Turtle: the document itself), '
                "which names no node: give the IRI of what it refers to, or leave the key out",
            )
        if as_subject and (reference, None, None) in graph:
            raise InputError(
                name,
                'a node has an empty "@id" ("", "." or "#" in JSON-LD, <> in Turtle: the document itself), which '
                "names no node: give it an IRI",
            )


def turtle_base() -> str:
    """The base a Turtle claim's relative IRIs are resolved against when it declares none: the working folder,
    as rdflib does, but stated (rdflib failed with "not valid Turtle" when the working folder had been removed)."""
    try:
        return Path.cwd().as_uri().rstrip("/") + "/"
    except OSError:
        from rdflib.plugins.parsers import notation3

        # The parser also names blank nodes after the working folder, read once a process (they are renamed
        # after reading anyway): a name of its own form where there is no folder to read.
        if notation3.runNamespaceValue is None:
            notation3.runNamespaceValue = "file:///run-" + hashlib.sha256(os.urandom(16)).hexdigest()[:16] + "#"
        return "file:///"


def _url_position(text: str | None, url: str | None) -> str:
    """Where a refused context IRI is written (the message names its place, never the IRI itself)."""
    if text is None or url is None:
        return ""
    offset = text.find(json.dumps(url, ensure_ascii=False))
    return f" (at {_position(text, offset)})" if offset >= 0 else ""


def _jsonld_problem(error: BaseException) -> str:
    """The JSON-LD error code of the innermost pyld error (a fixed phrase of the JSON-LD standard).

    pyld's messages and details quote the input, which must not reach a terminal or a report.
    """
    seen: list[BaseException] = [error]
    while True:
        cause = getattr(seen[-1], "cause", None) or seen[-1].__cause__
        if not isinstance(cause, BaseException) or cause in seen:
            break
        seen.append(cause)
    for inner in reversed(seen):
        code = getattr(inner, "code", None)
        if isinstance(code, str) and re.fullmatch(r"[A-Za-z@ -]{1,60}", code):
            return code
    if any("relative IRI" in str(inner) for inner in seen):  # pyld's own ValueError, without a code
        return "a relative IRI, such as a relative @context, cannot be resolved: there is no base IRI"
    return "the JSON-LD processor cannot expand it"


def _dataset_to_graph(dataset: Mapping[str, list[dict[str, Any]]], name: str, store: str) -> Graph:
    graph = new_graph(store)
    salt = _dataset_digest(dataset)
    blank_nodes: dict[str, BNode] = {}

    def node(term: Mapping[str, Any]) -> URIRef | BNode:
        value = term["value"]
        if term["type"] == "blank node":
            if value not in blank_nodes:
                blank_nodes[value] = _blank(salt, len(blank_nodes))
            return blank_nodes[value]
        return URIRef(value)

    for triples in dataset.values():
        for triple in triples:
            obj = triple["object"]
            if obj["type"] == "literal":
                datatype = obj.get("datatype")
                if datatype == _RDF_LANG_STRING or obj.get("language"):
                    try:
                        term: Any = Literal(obj["value"], lang=obj.get("language"))
                    except ValueError:  # rdflib refuses a tag that is not BCP 47 syntax
                        raise InputError(name, "a literal has a language tag that is not valid (BCP 47)") from None
                elif datatype in (None, str(XSD.string)):
                    term = Literal(obj["value"])
                else:
                    term = Literal(obj["value"], datatype=URIRef(datatype), normalize=False)
            else:
                term = node(obj)
            graph.add((node(triple["subject"]), URIRef(triple["predicate"]["value"]), term))
    return graph


# Blank nodes get labels made from a digest of the document and their order in it, not random ones: the same file
# gives the same labels in every run (messages that show one stay byte-identical), and two different files, such
# as a claim and an extra ontology merged for reasoning, cannot share a label by chance.
BLANK_LABEL = re.compile(r"\bcn[0-9a-f]{16}b[0-9]+\b|\bN[0-9a-f]{32}\b")


def _blank(salt: str, index: int) -> BNode:
    return BNode(f"cn{salt}b{index}")


def _dataset_digest(dataset: Mapping[str, list[dict[str, Any]]]) -> str:
    digest = hashlib.sha256()
    for graph_name in sorted(dataset):
        for triple in dataset[graph_name]:
            for part in ("subject", "predicate", "object"):
                term = triple[part]
                text = f"{term['type']}\x1f{term['value']}\x1f{term.get('datatype', '')}\x1f{term.get('language', '')}"
                digest.update(text.encode("utf-8", "surrogatepass") + b"\x1e")
    return digest.hexdigest()[:16]


def _relabelled(graph: Graph, digest: str) -> Graph:
    """The graph with its blank nodes labelled in order of first appearance (see :data:`BLANK_LABEL`)."""
    mapping: dict[BNode, BNode] = {}

    def label(term: Any) -> Any:
        if isinstance(term, BNode):
            if term not in mapping:
                mapping[term] = _blank(digest[:16], len(mapping))
            return mapping[term]
        return term

    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    result = Graph()
    for s, p, o in graph:
        result.add((label(s), p, label(o)))
    return result


_VOCABULARY_PREDICATES = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.propertyChainAxiom,
        OWL.propertyDisjointWith,
        OWL.disjointWith,
        OWL.disjointUnionOf,
        OWL.unionOf,
        OWL.intersectionOf,
        OWL.complementOf,
        OWL.oneOf,
        OWL.onProperty,
        OWL.onProperties,
        OWL.onClass,
        OWL.onDataRange,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.hasSelf,
        OWL.cardinality,
        OWL.minCardinality,
        OWL.maxCardinality,
        OWL.qualifiedCardinality,
        OWL.minQualifiedCardinality,
        OWL.maxQualifiedCardinality,
        OWL.hasKey,
        OWL.members,
        OWL.distinctMembers,
        OWL.sourceIndividual,
        OWL.assertionProperty,
        OWL.targetIndividual,
        OWL.targetValue,
        OWL.withRestrictions,
        OWL.onDatatype,
        OWL.datatypeComplementOf,
    }
)
_VOCABULARY_TYPES = frozenset(
    {
        OWL.Class,
        RDFS.Class,
        RDFS.Datatype,
        OWL.Restriction,
        RDF.Property,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.AsymmetricProperty,
        OWL.ReflexiveProperty,
        OWL.IrreflexiveProperty,
        OWL.AllDisjointClasses,
        OWL.AllDisjointProperties,
        OWL.AllDifferent,
        OWL.NegativePropertyAssertion,
    }
)
_SHORT = {str(RDF): "rdf:", str(RDFS): "rdfs:", str(OWL): "owl:"}


def _short(iri: Node) -> str:
    text = str(iri)
    for namespace, prefix in _SHORT.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


#: Namespaces whose terms a claim uses but may not equate with anything (besides the bundled ontology's terms).
_RESERVED_NAMESPACES = (
    "https://comet.carbon/ext/iso14068/shapes#",
    str(RDF),
    str(RDFS),
    str(OWL),
    str(XSD),
)


def _vocabulary_term(iri: str) -> bool:
    from comet_cn.terms import bundled_terms  # read once per process

    return iri.startswith(_RESERVED_NAMESPACES) or iri in bundled_terms()


def vocabulary_changes(graph: Graph) -> list[tuple[Node, str]]:
    """What ``graph`` states that would change a term of the vocabulary, as (subject, statement named) pairs.

    An ``owl:sameAs``/``owl:differentFrom`` naming a term (``comet-cn:Real owl:sameAs comet-cn:Additional`` would make
    one criterion met stand for another: OWL 2 RL copies statements across it), and any statement about a term beyond
    what the bundled ontology states of it (``comet-cn:ISO_14064_1 comet-cn:recognisedEquivalentOf
    comet-cn:ISO_14064_3`` would make the inventory standard a verification standard, CN-CLAIM-06). A claim may state
    neither, nor may an extra ontology, which adds terms of its own.
    """
    found: list[tuple[Node, str]] = [
        (subject, f"{_short(predicate)} naming {_name(term)}")
        for predicate in (OWL.sameAs, OWL.differentFrom)
        for subject, other in graph.subject_objects(predicate)
        for term in (subject, other)
        if isinstance(term, URIRef) and _vocabulary_term(str(term))
    ]
    for subject in distinct_subjects(graph):
        # The run's parameters node stated in a claim is dropped with a warning where the rules read it (CN-INPUT-02).
        if not isinstance(subject, URIRef) or not _vocabulary_term(str(subject)) or subject == CNSH.parameters:
            continue
        ontology = ontology_graph()  # only here: most claims state nothing of a term, and parsing it is a cold cost
        found += [
            (subject, f"{_name(subject)} {_name(predicate)}")
            for predicate, value in graph.predicate_objects(subject)
            if predicate not in (OWL.sameAs, OWL.differentFrom, *_ANNOTATIONS)
            and (subject, predicate, value) not in ontology
        ]
    return found


#: Annotations no rule reads of a vocabulary term: a claim may label ISO 14064-3 "ISO 14064-3:2019".
_ANNOTATIONS = (
    RDFS.label,
    RDFS.comment,
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
    URIRef("http://www.w3.org/2004/02/skos/core#altLabel"),
    URIRef("http://www.w3.org/2004/02/skos/core#note"),
)


def _name(iri: Node) -> str:
    """An IRI as people read it: rdf:, rdfs:, owl: or a comet prefix where one fits."""
    short = _short(iri)
    return short if short != str(iri) else compact(str(iri))


_COMET_VOCABULARIES = "https://comet.carbon/"


@lru_cache(maxsize=1)
def bundled_ontology_iris() -> frozenset[str]:
    """The bundled ontology's IRIs (and version IRIs) and contexts': what a claim or an extra ontology or shapes
    file may import, since it is read anyway (imports are never fetched)."""
    graph = ontology_graph()
    iris = {str(s) for s in graph.subjects(RDF.type, OWL.Ontology)} | {
        str(o) for o in graph.objects(None, OWL.versionIRI)
    }
    return frozenset(iris | set(CONTEXT_IRIS))


def check_claim_budget(graph: Graph, name: str, limits: LoadLimits = DEFAULT_LIMITS) -> None:
    """Refuse a claim that would make reasoning costly or change the vocabulary the rules are written against.

    A claim may not state schema (subclasses, domains, property characteristics, restrictions...): one transitive
    property of its own with a chain of 2,000 links costs owlrl minutes, and a subclass axiom could make any node a
    claim. Nor may it equate a term of the vocabulary with anything (``owl:sameAs``/``owl:differentFrom`` naming
    one): ``comet-cn:Real owl:sameAs comet-cn:Additional`` would make one criterion met stand for another. A user's
    own vocabulary belongs in an extra ontology (``--ontology``), which is trusted. ``owl:sameAs`` between the
    claim's own nodes is instance data, but each statement multiplies the work, so it is capped
    (``limits.max_same_as``).

    :raises InputError: the claim states schema, or more ``owl:sameAs`` than the limit.
    """
    # Read off the graph's indexes, not a walk of every triple; the statement named is the one a walk meets first.
    stated: list[tuple[Node, str]] = [
        (subject, _short(predicate))
        for predicate in distinct_predicates(graph)
        if predicate in _VOCABULARY_PREDICATES
        for subject in graph.subjects(predicate, None)
    ]
    stated += [
        (subject, f"rdf:type {_short(kind)}")
        for kind in _VOCABULARY_TYPES
        for subject in graph.subjects(RDF.type, kind)
    ]
    if stated:
        rank = subject_rank(graph)
        subject, first = min(stated, key=lambda item: (rank.get(item[0], -1), item[1]))
        raise InputError(
            name, f"a claim may not redefine the vocabulary (it states {first}): {_vocabulary_hint(subject)}"
        )
    # owl:sameAs is instance data, except where it names a term of the vocabulary; nor may a claim state anything
    # else of a term beyond what the bundled ontology states (see vocabulary_changes). An extra ontology may not
    # either, so the hint is not -e.
    changes = vocabulary_changes(graph)
    if changes:
        rank = subject_rank(graph)
        first = min(changes, key=lambda item: (rank.get(item[0], -1), item[1]))[1]
        raise InputError(
            name,
            f"a claim may not redefine the vocabulary (it states {first}): remove the statement, or give your own "
            "node an IRI of its own",
        )
    # A claim that imports another document says part of it is elsewhere; imports are never fetched, so judged
    # without that part it could conform on less than it claims to be. The bundled ontology is read anyway.
    # COMET's own vocabularies (any version, the public extension's 0.1.0 too) say nothing about the claim: allowed.
    imported = sorted(
        target
        for target in {str(o) for o in graph.objects(None, OWL.imports)}
        if not target.startswith(_COMET_VOCABULARIES)
    )
    if imported:  # compared only now: reading the ontology's own IRIs means parsing it (a cold cost)
        imported = [target for target in imported if target not in bundled_ontology_iris()]
    if imported:
        raise InputError(
            name,
            f"the claim imports <{imported[0]}> (owl:imports), which is never fetched nor read: put what the claim "
            "needs from it in the claim itself, or pass an ontology with -e",
        )
    same_as = sum(1 for _ in graph.triples((None, OWL.sameAs, None)))
    if same_as > limits.max_same_as:
        raise InputError(name, f"the claim has {same_as} owl:sameAs statements, over the limit of {limits.max_same_as}")


#: XSD's lexical form of a decimal. rdflib also reads exponent forms ("1.5E3") as decimals, which XSD, other SPARQL
#: engines and pyshacl-turbo do not.
PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
#: The XSD numeric datatypes the rules compare and sum.
# Numbers rdflib's SPARQL engine cannot compare or add without raising (NaN, infinities, exponents far beyond any
# quantity): XSD's decimal has no such values at all, and a double NaN is no quantity either.
NUMERIC_TYPES = frozenset(
    {
        XSD.decimal,
        XSD.float,
        XSD.double,
        XSD.integer,
        XSD.long,
        XSD.int,
        XSD.short,
        XSD.byte,
        XSD.nonNegativeInteger,
        XSD.nonPositiveInteger,
        XSD.negativeInteger,
        XSD.positiveInteger,
        XSD.unsignedLong,
        XSD.unsignedInt,
        XSD.unsignedShort,
        XSD.unsignedByte,
    }
)
_HUGE = 10**1000


def _unusable(value: object) -> bool:
    if isinstance(value, Decimal):
        return not value.is_finite() or value.adjusted() > 1000
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _HUGE


# A date with a time zone ("2026-03-01Z", "2026-03-01+02:00") is a valid xsd:date, but the rules read a date's
# year, month and day from its lexical form, and one with a zone slipped past every date rule (a retirement 14
# months late conformed). The zone does not change the calendar day written, which is what the clauses count.
_ZONED_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})")


_INTEGER_TYPES = NUMERIC_TYPES - {XSD.decimal, XSD.float, XSD.double}


@lru_cache(maxsize=1)
def _decimal_properties() -> frozenset[URIRef]:
    """Properties the ontology gives the range xsd:decimal (the quantities in tonnes, among others)."""
    return bundled_index().subjects(RDFS.range, XSD.decimal)


@lru_cache(maxsize=1)
def _year_properties() -> frozenset[URIRef]:
    """Properties whose values are years (xsd:gYear): the bundled context types them so, the ontology names it."""
    return bundled_index().subjects(SCHEMA.rangeIncludes, XSD.gYear)


_YEAR_LEXICAL = re.compile(r"[0-9]{4}")

# The datatypes _usable may replace a value of (numbers and dates); any other literal is kept as it is.
_REVISED_TYPES = NUMERIC_TYPES | {XSD.date, XSD.boolean}
# xsd:date's lexical space. rdflib also reads "2026-06-30T00:00:00" as a valid date, so pySHACL's sh:datatype
# passed it while the rules, which compare YYYY-MM-DD, skipped it: a retirement 18 months late conformed.
_DATE_LEXICAL = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?")


def _usable(predicate: Node, value: Literal) -> Literal | None:
    """The literal the rules should read in place of ``value``, or None when ``value`` is fine as it is."""
    original = value
    if value.datatype in _INTEGER_TYPES and _YEAR_LEXICAL.fullmatch(str(value)) and predicate in _year_properties():
        # A year written as a Turtle integer (comet-cn:vintageEndYear 2022) is the year a JSON-LD author's 2022 is
        # (the context types it xsd:gYear): without this, one claim conformed in JSON-LD and failed in Turtle.
        return Literal(str(value), datatype=XSD.gYear)
    if value.datatype in _INTEGER_TYPES and predicate in _decimal_properties() and not value.ill_typed:
        # An integer is a decimal in XSD, but sh:datatype xsd:decimal refuses one: "12450" written in Turtle (an
        # xsd:integer) failed every quantity rule. Same value, same lexical form, the datatype the ontology names.
        value = Literal(str(value), datatype=XSD.decimal, normalize=False)
    if value.datatype in NUMERIC_TYPES and _unusable(value.value):
        return _ill_typed(value)
    if value.datatype == XSD.date and not value.ill_typed and _DATE_LEXICAL.fullmatch(str(value)) is None:
        return _ill_typed(value)
    if value.datatype == XSD.boolean and str(value) in ("1", "0"):
        # "1" and "0" are xsd:boolean's other lexical forms: the rules compare with true and false.
        return Literal(str(value) == "1")
    if value.datatype == XSD.date and not value.ill_typed:
        zoned = _ZONED_DATE.fullmatch(str(value))
        if zoned is not None:
            return Literal(zoned.group(1), datatype=XSD.date)
    return None if value is original else value


def _ill_typed(value: Literal) -> Literal:
    """``value`` with its lexical form and datatype, but ill-typed: every rule that reads it reports it."""
    replacement = Literal(str(value), datatype=value.datatype, normalize=False)
    replacement._value = None  # rdflib has no public way to make a literal ill-typed
    replacement._ill_typed = True
    return replacement


def usable_numbers(graph: Graph) -> Graph:
    """``graph``, or a copy of it in which numbers no quantity can be are ill-typed, integers given where the
    ontology asks for a decimal are decimals, dates lose their time zone (and are ill-typed unless written
    YYYY-MM-DD), and the booleans "1" and "0" are written true and false.

    A NaN, an infinite decimal or a number beyond 10^1000 keeps its lexical form (so the rule that reads it reports
    it as it does any ill-typed value) but has no numeric value, so SPARQL comparisons and sums treat it as an error
    instead of raising. A date written with a time zone becomes the plain date of the same calendar day. The graph
    given is never modified.
    """
    replaced = [
        ((s, p, o), new)
        for o in distinct_objects(graph)
        if isinstance(o, Literal) and o.datatype in _REVISED_TYPES
        for s, p in graph.subject_predicates(o)
        if (new := _usable(p, o)) is not None
    ]
    if not replaced:
        return graph
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    for (s, p, o), new in replaced:
        copy.remove((s, p, o))
        copy.add((s, p, new))
    return copy
