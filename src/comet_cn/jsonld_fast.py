"""A second reader for JSON-LD claims: Oxigraph's JSON-LD parser, for documents in the plain shape it reads as pyld.

pyld, the reference, is about 40 % of the cost of validating a claim in a batch (18 ms of 43); Oxigraph's parser
(Rust, in pyoxigraph) reads the same claim in 2 ms. It is used only when pyoxigraph is installed (the ``turbo`` or
``store`` extra) and only for a document :func:`plain` admits: the bundled context (and plain prefix definitions)
at the top and nowhere else, only the keywords ``@id``, ``@type``, ``@value``, ``@graph`` and ``@list``, no
numbers but whole ones of ordinary size, no explicit language, and IRIs without spaces or the characters IRIs may
not hold. Anything else, and any document Oxigraph refuses, is read by pyld. tests/test_jsonld_fast.py proves that
both readers give the same graph on every example, every digest claim, generated claims with each injected defect
and crafted documents at each edge of the gate.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from comet_cn.claim_store import add_triples, new_graph
from comet_cn.iris import SCHEME
from comet_cn.resources import CONTEXT_IRIS, context_document
from comet_cn.terms import MARKER

__all__ = ["available", "plain", "read"]

_KEYWORDS = frozenset({"@id", "@type", "@value", "@graph", "@list"})
# The JSON value each keyword takes in the plain shape.
_SHAPES: dict[str, type | tuple[type, ...]] = {
    "@id": str,
    "@type": (str, list),
    "@value": (str, bool, int),
    "@graph": (list, dict),
    "@list": list,
}
# Oxigraph drops, without a word, every triple with an IRI it finds invalid (a "%" not followed by two hex digits,
# a bracket, a second "#", "user@@host", a port that is no number...), where pyld keeps it: a dropped credit once
# turned a failing claim into a conforming one. So only IRIs of a strict, plain ASCII shape are left to Oxigraph
# (a scheme; an authority that is a registered name without user or port; then path, query and fragment
# characters and valid percent escapes); any other goes to pyld.
_CHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_STRICT_IRI = re.compile(
    rf"{SCHEME}"
    rf"(?://(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{{2}})+(?:/{_CHAR}*)*|(?!//)(?:{_CHAR}|/)*)"
    rf"(?:\?(?:{_CHAR}|[/?])*)?"
    rf"(?:#(?:{_CHAR}|[/?])*)?"
)
# A term (a key or a vocabulary value without a colon): a defined one, or one the marker @vocab makes a valid IRI.
_TERM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_BLANK_ID = re.compile(r"_:[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_XSD_STRING = str(XSD.string)
_LARGEST = 2**53  # JSON numbers beyond this are not exact in every reader


@lru_cache(maxsize=1)
def available() -> bool:
    """True when pyoxigraph with its JSON-LD parser is installed."""
    if importlib.util.find_spec("pyoxigraph") is None:
        return False
    import pyoxigraph

    return hasattr(pyoxigraph.RdfFormat, "JSON_LD")


@lru_cache(maxsize=1)
def _context() -> tuple[dict[str, Any], frozenset[str], frozenset[str]]:
    """The bundled context's definitions, the terms whose values are node IRIs (``@id`` typed) and those whose values
    are vocabulary terms (``@vocab`` typed)."""
    definitions: dict[str, Any] = context_document()["@context"]
    ids = {"@id", "id"}
    vocabulary = {"@type", "type"}
    for term, definition in definitions.items():
        if isinstance(definition, Mapping):
            if definition.get("@type") == "@id":
                ids.add(term)
            elif definition.get("@type") == "@vocab":
                vocabulary.add(term)
    return definitions, frozenset(ids), frozenset(vocabulary)


def plain(document: Any) -> bool:
    """True when ``document`` keeps to the shape both readers were shown to read alike (see the module)."""
    if not isinstance(document, dict) or not _plain_context(document.get("@context")):
        return False
    definitions, ids, vocabulary = _context()
    prefixes = {**_bundled_prefixes(), **_document_prefixes(document["@context"])}

    def safe(text: str, kind: str) -> bool:
        """An IRI, compact IRI, blank node id or term that Oxigraph reads as pyld does (kind "id", "vocabulary"
        or "key")."""
        if not text.isascii():
            return False
        prefix, colon, rest = text.partition(":")
        if not colon:
            return kind != "id" and (text in definitions or _TERM.fullmatch(text) is not None)
        if prefix == "_":
            return kind == "id" and _BLANK_ID.fullmatch(text) is not None
        if prefix in prefixes and not rest.startswith("//"):
            text = prefixes[prefix] + rest
        return _STRICT_IRI.fullmatch(text) is not None

    stack: list[tuple[Any, str]] = [({k: v for k, v in document.items() if k != "@context"}, "")]
    while stack:
        value, kind = stack.pop()
        if isinstance(value, dict):
            if "@value" in value and not _plain_value(value):
                return False
            for key, item in value.items():
                if not isinstance(key, str):
                    return False
                if key.startswith("@") and key not in _KEYWORDS:
                    return False
                if not key.startswith("@") and not safe(key, "key"):
                    return False
                if key in _SHAPES and not isinstance(item, _SHAPES[key]):
                    return False  # e.g. "@graph": "text", which pyld refuses and Oxigraph ignores
                if key == "@type" and isinstance(item, list) and not all(isinstance(t, str) for t in item):
                    return False
                if key == "@list" and any(isinstance(i, list) or (isinstance(i, dict) and "@list" in i) for i in item):
                    return False  # a list of lists, which Oxigraph drops
                stack.append((item, "id" if key in ids else "vocabulary" if key in vocabulary else ""))
        elif isinstance(value, list):
            stack.extend((item, kind) for item in value)
        elif isinstance(value, str):
            # pyld resolves a relative IRI against a base, Oxigraph drops it: only absolute or compact ones here.
            if kind and not safe(value, kind):
                return False
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if abs(value) >= _LARGEST:
                return False
        else:  # a fractional number, null or anything else: pyld reads it
            return False
    return True


def _plain_value(value: dict[str, Any]) -> bool:
    """A value object both readers write alike: pyld rewrites an xsd:double's lexical form ("1.5" as "1.5E0") and
    a typed number's, Oxigraph keeps them as written."""
    if not set(value) <= {"@value", "@type"}:
        return False
    datatype = value.get("@type")
    if datatype is None:
        return True
    # rdf:langString needs a language, and pyld and Oxigraph treat one without it differently.
    return (
        isinstance(value["@value"], str)
        and isinstance(datatype, str)
        and not datatype.casefold().endswith(("double", "langstring"))
    )


@lru_cache(maxsize=1)
def _bundled_prefixes() -> dict[str, str]:
    """The bundled context's terms that expand a compact IRI (``comet-cn:`` and the like) to their IRIs."""
    definitions, _, _ = _context()
    found = {}
    for term, definition in definitions.items():
        iri = definition.get("@id") if isinstance(definition, Mapping) else definition
        if isinstance(iri, str) and not term.startswith("@"):
            found[term] = iri
    return found


def _document_prefixes(context: Any) -> dict[str, str]:
    entries = context if isinstance(context, list) else [context]
    return {k: v for entry in entries if isinstance(entry, dict) for k, v in entry.items() if isinstance(v, str)}


#: The longest chain of compact IRIs in a context ("b": "a:x", "c": "b:y") the fast reader takes.
_MAX_CHAIN = 8


def _longest_chain(entries: list[Any]) -> int:
    """How many links the longest chain of prefixes defined by another prefix of the context has."""
    targets = {
        prefix: iri.split(":", 1)[0]
        for entry in entries
        if isinstance(entry, dict)
        for prefix, iri in entry.items()
        if isinstance(prefix, str) and isinstance(iri, str) and ":" in iri
    }
    longest = 0
    for start in targets:
        links, seen, at = 0, {start}, targets[start]
        while at in targets and at not in seen and links <= _MAX_CHAIN:
            seen.add(at)
            links, at = links + 1, targets[at]
        longest = max(longest, links)
        if longest > _MAX_CHAIN:
            break
    return longest


def _plain_context(context: Any) -> bool:
    entries = context if isinstance(context, list) else [context]
    if not entries:
        return False
    # A prefix whose IRI starts with another of the context's prefixes ("q2": "q1:a") is a compact IRI, not an
    # absolute one, however IRI-like: Oxigraph expands a chain of them recursively, and a long chain overflowed its
    # stack (a crash, no verdict). pyld reads any chain longer than a few links.
    if _longest_chain(entries) > _MAX_CHAIN:
        return False
    for entry in entries:
        if isinstance(entry, str):
            if entry not in CONTEXT_IRIS:
                return False
        elif isinstance(entry, dict):
            for prefix, iri in entry.items():
                if not isinstance(prefix, str) or prefix.startswith("@") or ":" in prefix or not prefix:
                    return False
                if not isinstance(iri, str) or not iri.isascii() or _STRICT_IRI.fullmatch(iri) is None:
                    return False
        else:
            return False
    return True


def read(document: dict[str, Any], store: str, label: Callable[[str, int], BNode]) -> Graph | None:
    """The graph of a :func:`plain` document, or None when Oxigraph refuses it.

    Keys and types the context does not define become marker IRIs, as with pyld (see :mod:`comet_cn.terms`).
    Blank nodes are labelled by ``label`` (the loader's) from a digest of the document and their order in it.
    """
    try:
        import pyoxigraph
    except ImportError:  # uninstalled since available() looked: pyld reads it
        return None

    definitions, _, _ = _context()
    entries = document["@context"] if isinstance(document["@context"], list) else [document["@context"]]
    inline = dict(document)
    inline["@context"] = [{"@vocab": MARKER}, *(definitions if entry in CONTEXT_IRIS else entry for entry in entries)]
    text = json.dumps(inline).encode("utf-8")
    try:
        quads = list(pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.JSON_LD))
    except Exception:  # a syntax or JSON-LD error: pyld reads it and names the problem
        return None
    if any(not isinstance(quad.graph_name, pyoxigraph.DefaultGraph) for quad in quads):
        return None  # named graphs: the pyld reader merges them; leave it to pyld
    # The same document always gives the same labels, and two documents (a claim and an extra ontology merged for
    # reasoning) cannot share one by chance: a digest of the document as parsed, cheaper than one of its triples.
    salt = hashlib.sha256(text).hexdigest()[:16]
    blanks: dict[str, BNode] = {}
    iris, literals = _terms()

    def iri(node: Any) -> URIRef:
        value = node.value
        found = iris.get(value)
        if found is None:
            found = iris[value] = URIRef(value)
        return found

    def term(node: Any) -> Any:
        kind = type(node)
        if kind is pyoxigraph.NamedNode:
            return iri(node)
        if kind is pyoxigraph.BlankNode:
            value = node.value
            found_blank = blanks.get(value)
            if found_blank is None:
                found_blank = blanks[value] = label(salt, len(blanks))
            return found_blank
        key = (node.value, node.datatype.value, node.language)
        found_literal = literals.get(key)
        if found_literal is None:
            found_literal = literals[key] = _literal(*key)
        return found_literal

    graph = new_graph(store)
    # The terms are rdflib's own, made here: straight into the store, without Graph.add's checks of each one.
    add_triples(graph, ((term(quad.subject), iri(quad.predicate), term(quad.object)) for quad in quads))
    return graph


def _literal(value: str, datatype: str, language: str | None) -> Literal:
    if language:
        return Literal(value, lang=language)
    if datatype == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype), normalize=False)


# A bound on the terms kept between claims (a few MB). The terms claims share (vocabulary, units, dates) are a
# few hundred, so a small bound keeps the gain; 200,000 held about 50 MB more after some 7,000 claims of a stream.
_MOST_TERMS = 20_000
_IRIS: dict[str, URIRef] = {}
_LITERALS: dict[tuple[str, str, str | None], Literal] = {}


def _terms() -> tuple[dict[str, URIRef], dict[tuple[str, str, str | None], Literal]]:
    """The IRIs and literals made for earlier claims in this process, to reuse: claims of one batch share most of
    their terms (types, properties, units, dates), and rdflib's checks of an IRI or a typed value are most of the
    cost of making one. rdflib terms are immutable, so sharing them between claims and threads is safe; the
    tables are emptied when they grow past a bound."""
    if len(_IRIS) + len(_LITERALS) > _MOST_TERMS:
        _IRIS.clear()
        _LITERALS.clear()
    return _IRIS, _LITERALS
