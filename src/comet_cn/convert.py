"""Convert a claim between JSON-LD, Turtle, N-Triples, the claim workbook (.xlsx) and its YAML text form.

Every format is read into one :class:`ClaimData` (the claim's RDF graph, its own prefixes and the order its nodes
were written in) and written from it, so a conversion never changes the graph: JSON-LD → workbook → JSON-LD gives
the same triples, lexical forms included (``"2.0005E3"`` stays an ill-formed decimal for the rules to report).

Keys and types the context does not define (CN-INPUT-02) are kept, not dropped as a JSON-LD processor would drop
them: they expand to marker IRIs (:data:`comet_cn.terms.MARKER`) and are written back as the key that was written,
so ``cn-validate`` still reports them after a conversion.

The canonical JSON-LD (:func:`document_from_graph`) uses the bundled context: one node object per node, grouped
like the workbook's sheets, context terms as keys, a blank node referenced once nested where it is used.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from pyld import jsonld
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from comet_cn.errors import InputError
from comet_cn.loading import DEFAULT_LIMITS, LoadLimits, load_claim, parse_json, read_bytes, wide_text
from comet_cn.output import new_file_mode
from comet_cn.resources import CONTEXT_IRIS, context_document
from comet_cn.terms import LOOK_ALIKE, MARKER, SPACED_KEY, document_terms, iri_safe

__all__ = [
    "CONTEXT_IRI",
    "FORMATS",
    "ClaimData",
    "TermDef",
    "Vocabulary",
    "canonical",
    "claim_data",
    "compact_iri",
    "convert",
    "document_from_data",
    "document_from_graph",
    "document_prefixes",
    "expand_iri",
    "format_of",
    "literal_value",
    "read_bytes",
    "read_document",
    "render",
    "to_ntriples",
    "to_turtle",
    "undefined_terms",
    "vocabulary",
    "write_bytes",
]

#: The context IRI a converted document names (the unversioned one, served offline).
CONTEXT_IRI = CONTEXT_IRIS[0]

Format = Literal["jsonld", "turtle", "nt", "xlsx", "yaml"]

#: File suffixes and the format each one means.
FORMATS: dict[str, Format] = {
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".ttl": "turtle",
    ".nt": "nt",
    ".xlsx": "xlsx",
    ".yaml": "yaml",
    ".yml": "yaml",
}

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = str(XSD.string)
# A prefix name that JSON-LD and Turtle both accept.
_PREFIX_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class TermDef:
    """A term of the bundled context: its IRI and how its values are read.

    :ivar kind: ``"id"`` (values are node ids), ``"vocab"`` (values are terms or IRIs) or ``"literal"``.
    :ivar datatype: the datatype IRI a string value gets, if any.
    :ivar language: the language a string value gets, if any.
    """

    term: str
    iri: str
    kind: Literal["id", "vocab", "literal"]
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    """The bundled context, indexed both ways."""

    terms: Mapping[str, TermDef]
    prefixes: Mapping[str, str]
    #: IRI -> the first term (in context order) that names it.
    by_iri: Mapping[str, str]
    #: term -> its position in the context, to order keys and columns as the context does.
    position: Mapping[str, int]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The bundled JSON-LD context as term definitions, prefixes and a reverse index."""
    context: dict[str, Any] = context_document()["@context"]
    prefixes = {
        key: value
        for key, value in context.items()
        if isinstance(value, str) and not key.startswith("@") and value.endswith(("#", "/")) and "://" in value
    }
    terms: dict[str, TermDef] = {}
    for key, value in context.items():
        if key.startswith("@") or key in prefixes or value in ("@id", "@type"):
            continue
        if isinstance(value, str):
            terms[key] = TermDef(key, expand_iri(value, prefixes), "literal")
            continue
        coercion = value.get("@type")
        kind: Literal["id", "vocab", "literal"] = (
            "id" if coercion == "@id" else "vocab" if coercion == "@vocab" else "literal"
        )
        datatype = expand_iri(coercion, prefixes) if kind == "literal" and coercion else None
        terms[key] = TermDef(key, expand_iri(value["@id"], prefixes), kind, datatype, value.get("@language"))
    by_iri: dict[str, str] = {}
    for term in terms.values():
        by_iri.setdefault(term.iri, term.term)
    position = {key: index for index, key in enumerate(context)}
    return Vocabulary(terms, prefixes, by_iri, position)


def expand_iri(value: str, prefixes: Mapping[str, str]) -> str:
    """``prefix:suffix`` with a known prefix as an absolute IRI; anything else as it is."""
    prefix, colon, suffix = value.partition(":")
    if colon and prefix in prefixes and not suffix.startswith("//"):
        return prefixes[prefix] + suffix
    return value


def compact_iri(iri: str, prefixes: Mapping[str, str]) -> str:
    """An IRI as ``prefix:suffix`` with the longest matching prefix, or as it is when none matches."""
    best: tuple[int, str] | None = None
    for prefix, namespace in prefixes.items():
        suffix = iri[len(namespace) :]
        if (
            iri.startswith(namespace)
            and suffix
            and not suffix.startswith("//")
            and (best is None or len(namespace) > best[0])
        ):
            best = (len(namespace), f"{prefix}:{suffix}")
    return best[1] if best else iri


@dataclass(frozen=True)
class ClaimData:
    """A claim as read from any format, ready to be written in any other.

    :ivar graph: the claim's triples; keys and types the context does not define are kept as marker IRIs.
    :ivar prefixes: the prefixes the claim declared itself (``ex:`` and the like), beyond the bundled context's.
    :ivar order: node IRIs in the order the source wrote them, so a conversion keeps the author's order.
    """

    graph: Graph
    prefixes: Mapping[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()


# ---- reading -------------------------------------------------------------------------------------------------


def format_of(path: Path | str, given: str | None = None) -> Format:
    """The format named by ``given`` (jsonld, json, turtle, ttl, nt, xlsx, yaml, yml) or by the file's suffix.

    :raises InputError: neither says a known format.
    """
    if given is not None:
        key = "." + given.lower().lstrip(".")
        if key == ".turtle":
            return "turtle"
        if key in FORMATS:
            return FORMATS[key]
        raise InputError(str(path), f"unknown format {given!r} (use jsonld, turtle, nt, xlsx or yaml)")
    suffix = Path(path).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    known = ", ".join(FORMATS)
    raise InputError(str(path), f"unknown file suffix {suffix or '(none)'!r}: use one of {known}")


def claim_data(
    source: Path | Mapping[str, Any] | list[Any],
    *,
    format: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    data: bytes | None = None,
) -> ClaimData:
    """Read a claim from a file (format from ``format`` or the suffix) or a JSON-LD document.

    :param data: the file's content when it was read already (standard input); ``source`` then only names it.
    :raises InputError: the file is missing, unreadable, of an unknown format or malformed.
    """
    if not isinstance(source, Path):
        return _document_data(source, "<json-ld>", limits)
    name = str(source)
    kind = format_of(source, format)
    if kind == "xlsx":
        from comet_cn.workbook import read_workbook

        return _document_data(read_workbook(source, data=data, limits=limits).document, name, limits)
    raw = data if data is not None else read_bytes(source, limits)
    text = _decode(raw, name)
    if kind == "yaml":
        from comet_cn.textform import from_yaml

        return _document_data(from_yaml(text, name=name, limits=limits), name, limits)
    if kind == "jsonld":
        return _document_data(parse_json(text, name, limits), name, limits)
    try:
        graph = load_claim(text, format=kind, limits=limits).graph
    except InputError as error:
        raise InputError(name, error.problem) from None
    return ClaimData(graph, _turtle_prefixes(text, graph))  # RDF has no order: nodes are sorted by id


def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw:
        raise InputError(name, wide_text(raw) or "binary data, not a claim in a text format")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(name, f"not UTF-8 text (at byte {error.start + 1})") from None


def read_document(path: Path, *, format: str | None = None, limits: LoadLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    """A claim file of any format as canonical JSON-LD in the bundled context."""
    return document_from_data(claim_data(path, format=format, limits=limits))


def canonical(document: Mapping[str, Any] | list[Any]) -> dict[str, Any]:
    """Any JSON-LD claim as canonical JSON-LD in the bundled context (the same graph)."""
    return document_from_data(_document_data(document, "<json-ld>", DEFAULT_LIMITS))


def _document_data(document: Mapping[str, Any] | list[Any], name: str, limits: LoadLimits) -> ClaimData:
    try:
        text = json.dumps(document, ensure_ascii=False)
    except (TypeError, ValueError):
        raise InputError(name, "not a JSON-LD document (it holds values JSON cannot)") from None
    parse_json(text, name, limits)  # the size, depth and structure limits of validation, before pyld runs
    _refuse_dropped_keys(document, name)
    try:
        graph = _graph_with_markers(document)
    except Exception:
        try:  # validation's loader says what is wrong in one line (a remote context, a JSON-LD error...)
            load_claim(document, limits=limits)
        except InputError as error:
            raise InputError(name, error.problem) from None
        raise InputError(name, "not valid JSON-LD (the JSON-LD processor cannot expand it)") from None
    prefixes = document_prefixes(document)
    return ClaimData(graph, prefixes, _id_order(document, {**vocabulary().prefixes, **prefixes}))


def _refuse_dropped_keys(document: Any, name: str) -> None:
    """A key (or workbook header) that JSON-LD drops with its value cannot be kept, and a converted claim would then
    pass the rules its value breaks: one holding white space that no context defines, or one shaped like a keyword
    that is none (``@Type``)."""
    for term in document_terms(document).unknown:
        if term.reason not in (SPACED_KEY, LOOK_ALIKE):
            continue
        why = (
            "holds white space and the context does not define it"
            if term.reason == SPACED_KEY
            else ("looks like a JSON-LD keyword but is none")
        )
        hint = f" (did you mean {term.suggestion!r}?)" if term.suggestion else ""
        raise InputError(
            name,
            f"the key or column header {term.term!r} {why}, so its values would be lost: rename it to a term of the "
            f"context{hint}",
        )


class _OfflineLoader:
    """Serves the bundled contexts and nothing else (as :mod:`comet_cn.loading` does)."""

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        if url in CONTEXT_IRIS:
            return {"contextUrl": None, "documentUrl": url, "document": context_document()}
        raise ValueError("only the bundled comet-cn contexts are served")


def _graph_with_markers(document: Any) -> Graph:
    """The document's graph with the marker triples of undefined terms kept (loading removes them)."""
    dataset = jsonld.to_rdf(document, {"documentLoader": _OfflineLoader(), "expandContext": {"@vocab": MARKER}})
    graph = Graph()
    blanks: dict[str, BNode] = {}

    def node(term: Mapping[str, Any]) -> Any:
        if term["type"] == "blank node":
            return blanks.setdefault(term["value"], BNode())
        # A marker made from a key such as "{{notes}}" is no IRI until encoded (the loader encodes it alike).
        return iri_safe(URIRef(term["value"])) if term["value"].startswith(MARKER) else URIRef(term["value"])

    for triples in dataset.values():
        for triple in triples:
            obj = triple["object"]
            value: Node
            if obj["type"] == "literal":
                datatype = obj.get("datatype")
                if datatype == _RDF_LANG_STRING or obj.get("language"):
                    value = RdfLiteral(obj["value"], lang=obj.get("language"))
                elif datatype in (None, _XSD_STRING):
                    value = RdfLiteral(obj["value"])
                else:  # the lexical form as written, never normalised (see comet_cn.loading)
                    value = RdfLiteral(obj["value"], datatype=URIRef(datatype), normalize=False)
            else:
                value = node(obj)
            graph.add((node(triple["subject"]), node(triple["predicate"]), value))
    return graph


def document_prefixes(document: Any) -> dict[str, str]:
    """The prefixes a JSON-LD document defines in its own (local) context."""
    found: dict[str, str] = {}
    contexts = document.get("@context") if isinstance(document, Mapping) else None
    entries = contexts if isinstance(contexts, list) else [contexts]
    terms = vocabulary().terms
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        for key, value in entry.items():
            iri = value.get("@id") if isinstance(value, Mapping) else value
            if (
                isinstance(key, str)
                and isinstance(iri, str)
                and _PREFIX_NAME.match(key)
                and key not in terms
                and iri.endswith(("/", "#"))
                and ":" in iri
            ):
                found[key] = iri
    return found


_TURTLE_PREFIX = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][A-Za-z0-9_.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)


def _turtle_prefixes(text: str, graph: Graph) -> dict[str, str]:
    """The prefixes a Turtle file declares that its IRIs use and the bundled context does not already have."""
    known = set(vocabulary().prefixes.values())
    terms = vocabulary().terms
    used = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    found: dict[str, str] = {}
    for match in _TURTLE_PREFIX.finditer(text):
        prefix, namespace = match.group(1), match.group(2)
        if (
            prefix
            and prefix not in terms
            and namespace not in known
            and namespace.endswith(("/", "#"))
            and any(iri.startswith(namespace) for iri in used)
        ):
            found.setdefault(prefix, namespace)
    return found


def _id_order(document: Any, prefixes: Mapping[str, str]) -> tuple[str, ...]:
    """Node ids in the order a JSON-LD document writes them, expanded."""
    seen: dict[str, None] = {}
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if "@value" not in item:
                for key in ("@id", "id"):
                    value = item.get(key)
                    if isinstance(value, str) and not value.startswith("_:"):
                        seen.setdefault(expand_iri(value, prefixes), None)
            stack.extend(value for key, value in reversed(list(item.items())) if key != "@context")
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return tuple(seen)


def undefined_terms(data: ClaimData) -> tuple[str, ...]:
    """The keys, types and values the claim uses that the context does not define (reported as CN-INPUT-02)."""
    names: dict[str, None] = {}
    for _, predicate, obj in data.graph:
        for term in (predicate, obj):
            if isinstance(term, URIRef) and str(term).startswith(MARKER):
                names.setdefault(unquote(str(term)[len(MARKER) :]), None)
    return tuple(names)


# ---- the canonical JSON-LD document ----------------------------------------------------------------------------


def document_from_data(data: ClaimData) -> dict[str, Any]:
    """Canonical JSON-LD for ``data``."""
    return document_from_graph(data.graph, data.prefixes, data.order)


def document_from_graph(
    graph: Graph, prefixes: Mapping[str, str] | None = None, order: Sequence[str] = ()
) -> dict[str, Any]:
    """A graph as JSON-LD in the bundled context: one node object per node, grouped like the workbook's sheets.

    :param prefixes: the claim's own prefixes (``{"ex": "https://example.org/acme/"}``), used for its IRIs.
    :param order: node IRIs in the order to keep within each group.
    """
    own = dict(prefixes or {})
    writer = _Writer(graph, {**vocabulary().prefixes, **own})
    nodes = [writer.node_object(node) for node in writer.ordered_roots(order)]
    context: Any = [CONTEXT_IRI, dict(sorted(own.items()))] if own else CONTEXT_IRI
    return {"@context": context, "@graph": nodes}


class _Writer:
    """Turns the nodes of one graph into JSON-LD node objects in the bundled context."""

    def __init__(self, graph: Graph, prefixes: Mapping[str, str]) -> None:
        self.graph = graph
        self.prefixes = prefixes
        self.vocabulary = vocabulary()
        self.labels: dict[BNode, str] = {}
        subjects = {s for s in graph.subjects() if isinstance(s, (URIRef, BNode))}
        incoming: dict[BNode, int] = {}
        for _, _, obj in graph:
            if isinstance(obj, BNode):
                incoming[obj] = incoming.get(obj, 0) + 1
        candidates = {node for node in subjects if isinstance(node, BNode) and incoming.get(node) == 1}
        roots = [node for node in subjects if node not in candidates]
        # A blank node used once is nested where it is used, unless a cycle of such nodes leaves none reachable.
        reached: set[Node] = set()
        stack: list[Node] = list(roots)
        while stack:
            current = stack.pop()
            for obj in graph.objects(current, None):
                if obj in candidates and obj not in reached:
                    reached.add(obj)
                    stack.append(obj)
        self.nested = reached
        self.roots = [*roots, *(node for node in candidates if node not in reached)]

    def ordered_roots(self, order: Sequence[str]) -> list[Node]:
        """The nodes that are not nested, grouped by workbook sheet, in ``order`` within a group."""
        from comet_cn.workbook import sheet_position

        rank = {iri: index for index, iri in enumerate(order)}

        def key(node: Node) -> tuple[int, int, str]:
            types = [str(t) for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef)]
            return (sheet_position(types), rank.get(str(node), len(rank)), self.sort_name(node))

        return sorted(self.roots, key=key)

    def sort_name(self, node: Node) -> str:
        if isinstance(node, BNode):
            return "~" + "".join(sorted(f"{p} {o}" for p, o in self.graph.predicate_objects(node)))
        return str(node)

    def label(self, node: Node) -> str:
        if isinstance(node, BNode):
            if node not in self.labels:
                self.labels[node] = f"_:b{len(self.labels) + 1}"
            return self.labels[node]
        return compact_iri(str(node), self.prefixes)

    def key(self, predicate: URIRef) -> str:
        return self.vocab_value(predicate)  # a property is written as a vocabulary term is

    def vocab_value(self, node: Node) -> str:
        if isinstance(node, BNode):
            return self.label(node)
        text = str(node)
        term = self.vocabulary.by_iri.get(text)
        if term is not None:
            return term
        marked = _marker_name(text, self.vocabulary)
        return marked if marked is not None else compact_iri(text, self.prefixes)

    def node_object(self, node: Node, nested: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if not nested:
            result["@id"] = self.label(node)
        types = [self.vocab_value(t) for t in self.graph.objects(node, RDF.type) if not isinstance(t, RdfLiteral)]
        if types:
            result["@type"] = types[0] if len(types) == 1 else types
        properties: dict[str, list[Any]] = {}
        for predicate, obj in self.graph.predicate_objects(node):
            if predicate == RDF.type and not isinstance(obj, RdfLiteral):
                continue
            assert isinstance(predicate, URIRef)
            key = self.key(predicate)
            properties.setdefault(key, []).append(self.value(key, obj))
        position = self.vocabulary.position
        for key in sorted(properties, key=lambda k: (position.get(k, len(position)), k)):
            values = properties[key]
            result[key] = values[0] if len(values) == 1 else values
        return result

    def value(self, key: str, obj: Node) -> Any:
        term = self.vocabulary.terms.get(key)
        if isinstance(obj, RdfLiteral):
            return literal_value(obj, term, self.prefixes)
        if isinstance(obj, BNode) and obj in self.nested:
            nested = self.node_object(obj, nested=True)
            return nested if nested else {"@id": self.label(obj)}
        if term is not None and term.kind == "id":
            return self.label(obj)
        if term is not None and term.kind == "vocab":
            return self.vocab_value(obj)
        return {"@id": self.label(obj)}


def _marker_name(iri: str, vocab: Vocabulary) -> str | None:
    """The undefined key or type a marker IRI stands for, when writing it back expands to the same marker."""
    if not iri.startswith(MARKER):
        return None
    name = unquote(iri[len(MARKER) :])
    if name and ":" not in name and not name.startswith("@") and name not in vocab.terms and name not in ("id", "type"):
        return name
    return None


def literal_value(literal: RdfLiteral, term: TermDef | None, prefixes: Mapping[str, str]) -> Any:
    """A literal as the JSON value that gives it back under ``term``: a plain string where the term's coercion
    matches, a JSON boolean or integer where that is what was written canonically, else a value object."""
    text = str(literal)
    datatype = str(literal.datatype) if literal.datatype is not None else None
    language = literal.language
    if term is not None and term.kind == "literal":
        if datatype is not None and datatype != _XSD_STRING and datatype == term.datatype:
            if datatype == str(XSD.boolean) and text in ("true", "false"):
                return text == "true"
            if datatype == str(XSD.integer) and re.fullmatch(r"-?(0|[1-9][0-9]{0,14})", text):
                return int(text)
            return text
        if term.datatype is None and language is not None and term.language == language:
            return text
        if term.datatype is None and term.language is None and language is None and datatype in (None, _XSD_STRING):
            return text
    elif term is None and language is None and datatype in (None, _XSD_STRING):
        return text
    result: dict[str, Any] = {"@value": text}
    if language is not None:
        result["@language"] = language
    elif datatype is not None and datatype != _XSD_STRING:
        result["@type"] = compact_iri(datatype, prefixes)
    return result


# ---- Turtle and N-Triples --------------------------------------------------------------------------------------


def to_turtle(data: ClaimData) -> str:
    """Turtle any RDF tool reads: prefixes bound, literals in their lexical form with their datatype spelled out.

    rdflib's serialiser writes numbers and booleans in short form from their value, which would turn the ill-formed
    decimal ``"2.0005E3"`` into a double and ``"1"^^xsd:boolean`` into an integer; this writer never does.
    """
    prefixes = {**vocabulary().prefixes, **data.prefixes}
    graph = data.graph
    writer = _Writer(graph, prefixes)
    used: set[str] = set()
    labels: dict[BNode, str] = {}

    def term(node: Node, depth: int) -> str:
        if isinstance(node, BNode):
            if node in writer.nested:
                return "[\n" + body(node, depth + 1) + "\n" + "    " * depth + "]"
            return labels.setdefault(node, f"_:b{len(labels) + 1}")
        if isinstance(node, RdfLiteral):
            return _turtle_literal(node, prefixes, used)
        return _turtle_iri(str(node), prefixes, used)

    def body(subject: Node, depth: int) -> str:
        by_predicate: dict[Node, list[Node]] = {}
        for predicate, obj in graph.predicate_objects(subject):
            by_predicate.setdefault(predicate, []).append(obj)
        lines = []
        for predicate, objects in by_predicate.items():
            verb = "a" if predicate == RDF.type else term(predicate, depth)
            lines.append("    " * depth + f"{verb} " + ", ".join(term(o, depth) for o in objects))
        return " ;\n".join(lines)

    blocks = [term(node, 0) + "\n" + body(node, 1) + " .\n" for node in writer.ordered_roots(data.order)]
    header = "".join(f"@prefix {p}: <{_iri_escape(n)}> .\n" for p, n in sorted(prefixes.items()) if p in used)
    return header + ("\n" if header else "") + "\n".join(blocks)


_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def _turtle_iri(iri: str, prefixes: Mapping[str, str], used: set[str]) -> str:
    compacted = compact_iri(iri, prefixes)
    if compacted != iri:
        prefix, _, local = compacted.partition(":")
        if _LOCAL.match(local) and _PREFIX_NAME.match(prefix) and not prefix.endswith("."):
            used.add(prefix)
            return compacted
    return f"<{_iri_escape(iri)}>"


def _iri_escape(iri: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if c in '<>"{}|^`\\' or ord(c) <= 0x20 else c for c in iri)


_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _turtle_string(text: str) -> str:
    return (
        '"'
        + "".join(_STRING_ESCAPES.get(c, f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in text)
        + '"'
    )


def _turtle_literal(literal: RdfLiteral, prefixes: Mapping[str, str], used: set[str]) -> str:
    text = _turtle_string(str(literal))
    if literal.language:
        return f"{text}@{literal.language}"
    if literal.datatype is not None and str(literal.datatype) != _XSD_STRING:
        return f"{text}^^{_turtle_iri(str(literal.datatype), prefixes, used)}"
    return text


def to_ntriples(data: ClaimData) -> str:
    """N-Triples, one triple a line, literals in their lexical form."""
    labels: dict[BNode, str] = {}

    def term(node: Node) -> str:
        if isinstance(node, BNode):
            return labels.setdefault(node, f"_:b{len(labels) + 1}")
        if isinstance(node, RdfLiteral):
            return _turtle_literal(node, {}, set())
        return f"<{_iri_escape(str(node))}>"

    lines = sorted(f"{term(s)} {term(p)} {term(o)} ." for s, p, o in _sorted_triples(data.graph))
    return "\n".join(lines) + ("\n" if lines else "")


def _sorted_triples(graph: Graph) -> Iterable[tuple[Node, Node, Node]]:
    # Blank nodes are labelled in the order of a sorted walk, so the same graph gives the same text.
    return sorted(graph, key=lambda t: tuple((isinstance(x, BNode), "" if isinstance(x, BNode) else str(x)) for x in t))


# ---- writing --------------------------------------------------------------------------------------------------


def render(data: ClaimData, fmt: Format) -> str | bytes:
    """The claim in ``fmt``: text for JSON-LD, Turtle, N-Triples and YAML, bytes for a workbook."""
    if fmt == "jsonld":
        return json.dumps(document_from_data(data), indent=2, ensure_ascii=False) + "\n"
    if fmt == "turtle":
        return to_turtle(data)
    if fmt == "nt":
        return to_ntriples(data)
    if fmt == "yaml":
        from comet_cn.textform import to_yaml

        return to_yaml(document_from_data(data))
    from comet_cn.workbook import workbook_bytes

    return workbook_bytes(document_from_data(data))


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, renamed when complete.

    :raises InputError: ``path`` is a folder, link or special file, or its folder cannot take the file.
    """
    shown = str(path)
    target = Path(os.path.abspath(path))
    # The file's permission bits: an existing file keeps its own, a new one gets a new file's (the umask's).
    permissions = new_file_mode()
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        pass
    except OSError as error:  # a file where a folder of the path should be, a name too long, no permission
        raise InputError(shown, f"cannot write ({error.strerror})") from None
    else:
        if not stat.S_ISREG(mode):
            raise InputError(shown, "is not a regular file; output is written only to regular files")
        permissions = stat.S_IMODE(mode) & 0o777
    if not target.parent.is_dir():
        raise InputError(shown, "cannot write: its folder does not exist")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.cn-tmp-", dir=target.parent)
    except OSError as error:
        raise InputError(shown, f"cannot write ({error.strerror})") from None
    done = False
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), permissions)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        done = True
    except OSError as error:
        raise InputError(shown, f"cannot write ({error.strerror})") from None
    finally:
        if not done:
            with suppress(OSError):
                os.unlink(temporary)


def convert(
    source: Path,
    target: Path | None,
    *,
    source_format: str | None = None,
    target_format: str | None = None,
    data: bytes | None = None,
    warn: Callable[[str], None] | None = None,
) -> str | bytes:
    """Convert ``source`` into ``target`` (or return the result when ``target`` is None).

    :param warn: called with a line for each undefined term the claim carries (kept, and reported on validation).
    """
    claim = claim_data(source, format=source_format, data=data)
    kind = format_of(target if target is not None else "-", target_format)
    if warn is not None:
        for name in undefined_terms(claim):
            where = "an IRI in the marker namespace" if kind in ("turtle", "nt") else "as written"
            warn(f"{name!r} is not defined by the comet-cn context: kept {where}; cn-validate reports it (CN-INPUT-02)")
    result = render(claim, kind)
    if target is not None:
        write_bytes(target, result if isinstance(result, bytes) else result.encode("utf-8"))
    return result
