"""Bundled data files (ontology, shapes, queries, JSON-LD context), found through importlib.resources.

Everything is parsed at most once per process: validation and queries run many times against the same
ontology and shapes, and re-parsing them per call would dominate the cost of a small claim.
The cached graphs are shared, so they are read-only: changing one raises TypeError (a caller who once added a
triple to the shared ontology silently changed every later verdict of the process). Copy before changing.
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import rdflib
from rdflib import Graph

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

__all__ = [
    "CONTEXT_IRIS",
    "ONTOLOGY_IRI",
    "ONTOLOGY_VERSION_IRI",
    "VERSION",
    "ReadOnlyGraph",
    "context_document",
    "context_terms",
    "data_dir",
    "ontology_files",
    "ontology_graph",
    "query_files",
    "shapes_files",
    "shapes_graph",
]


def _version() -> str:
    """The one version number: pyproject.toml's, as installed (scripts/set_version.py changes it everywhere)."""
    try:
        return metadata.version("comet-cn")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout that was never installed
        return "0.0.0"


VERSION = _version()
ONTOLOGY_IRI = "https://comet.carbon/ext/iso14068"
ONTOLOGY_VERSION_IRI = f"{ONTOLOGY_IRI}/{VERSION}"

#: Versions whose versioned context IRI stays served, so claims written against them keep loading.
_RELEASED = ("0.2.0",)

#: Context IRIs the offline document loader serves. Ours is a superset of the upstream COMET context, so the
#: upstream IRI is answered with the same document.
CONTEXT_IRIS: tuple[str, ...] = (
    f"{ONTOLOGY_IRI}/context.jsonld",
    *(f"{ONTOLOGY_IRI}/{version}/context.jsonld" for version in sorted({*_RELEASED, VERSION})),
    "https://comet.carbon/comet-context.jsonld",
)

_CONTEXT_FILE = "comet-cn-context.jsonld"


def data_dir(kind: str) -> Traversable:
    """Return the bundled folder ``kind`` (``"ontology"``, ``"shapes"`` or ``"queries"``).

    In an installed wheel the folders live at ``comet_cn/data/<kind>``. In a source checkout (editable install)
    they are the top-level folders of the repository, which the wheel build maps into the package.
    """
    packaged = resources.files("comet_cn") / "data" / kind
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / kind
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"comet-cn data folder {kind!r} is missing from the installation")


def _turtle_files(kind: str) -> tuple[Traversable, ...]:
    root = data_dir(kind)
    found: list[Traversable] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append(entry)
            elif entry.name.endswith(".ttl") and entry.name != "location-mapping.ttl":
                found.append(entry)
    return tuple(sorted(found, key=lambda t: str(t)))


def ontology_files() -> tuple[Traversable, ...]:
    """The ontology modules: the comet-cn module and the local modules it imports."""
    return _turtle_files("ontology")


def shapes_files() -> tuple[Traversable, ...]:
    """The SHACL shapes files."""
    return _turtle_files("shapes")


def query_files() -> tuple[Traversable, ...]:
    """The SPARQL query files, sorted by name."""
    root = data_dir("queries")
    return tuple(sorted((e for e in root.iterdir() if e.name.endswith(".rq")), key=lambda t: t.name))


class ReadOnlyGraph(Graph):
    """A graph that refuses changes once built: the shared, cached bundled graphs are handed out as these."""

    _frozen = False

    def freeze(self) -> ReadOnlyGraph:
        self._frozen = True
        return self

    def _refuse(self) -> None:
        if self._frozen:
            raise TypeError("the bundled comet-cn graphs are shared and read-only: copy one before changing it")

    def add(self, triple: Any) -> ReadOnlyGraph:
        if self._frozen and triple in self:
            return self  # adding what is there changes nothing (pySHACL re-asserts its two system axioms)
        self._refuse()
        super().add(triple)
        return self

    def addN(self, quads: Any) -> ReadOnlyGraph:
        self._refuse()
        super().addN(quads)
        return self

    def remove(self, triple: Any) -> ReadOnlyGraph:
        self._refuse()
        super().remove(triple)
        return self

    def set(self, triple: Any) -> ReadOnlyGraph:
        self._refuse()
        super().set(triple)
        return self

    def parse(self, *args: Any, **kwargs: Any) -> ReadOnlyGraph:
        self._refuse()
        super().parse(*args, **kwargs)
        return self

    def bind(self, *args: Any, **kwargs: Any) -> None:
        self._refuse()
        super().bind(*args, **kwargs)


def files_digest(files: tuple[Traversable, ...], *extra: str) -> str:
    """SHA-256 of bundled files' names and bytes (and of ``extra`` texts): what a file generated from them is
    fingerprinted with (comet_cn.shape_needs, comet_cn.ontology_index)."""
    digest = hashlib.sha256()
    for entry in files:
        digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    for text in extra:
        digest.update(text.encode() + b"\0")
    return digest.hexdigest()


def shipped_json(name: str, fingerprint: str) -> dict[str, Any] | None:
    """The package's generated JSON file ``name``, or None when it is missing, unreadable, or was made from other
    files than those ``fingerprint`` (:func:`files_digest`) names: an edited checkout whose file was not remade."""
    try:
        data = json.loads((resources.files("comet_cn") / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint:
        return None
    return data


def _parse_all(files: tuple[Traversable, ...]) -> ReadOnlyGraph:
    from comet_cn import trusted_rdf  # the bundled files, read by Oxigraph where it is installed
    from comet_cn.rdflib_state import exclusive

    # rdflib's simplest in-memory store: these graphs hold no named graphs, and it is filled and copied in about a
    # third of the default store's time (part of every cold start).
    graph = ReadOnlyGraph(store="SimpleMemory")
    # Literals as the files write them, whatever the caller set rdflib.NORMALIZE_LITERALS to (as a claim is read):
    # with it on, sh:in ( true "1"^^xsd:boolean ) lost its second member, and the shared graph depended on the
    # setting of whoever first asked for it.
    with exclusive():
        rdflib.NORMALIZE_LITERALS = False
        for entry in files:
            data = entry.read_bytes()
            if not trusted_rdf.parse_into(graph, data, "turtle"):
                graph.parse(data=data.decode("utf-8"), format="turtle")
    return graph.freeze()


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The comet-cn ontology with all its local imports, parsed once. Read-only (TypeError): copy to change."""
    return _parse_all(ontology_files())


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """All comet-cn SHACL shapes in one graph, parsed once. Read-only (TypeError): copy to change."""
    return _parse_all(shapes_files())


@lru_cache(maxsize=1)
def _context_text() -> str:
    text: str = (data_dir("ontology") / _CONTEXT_FILE).read_text(encoding="utf-8")
    return text


def context_document() -> dict[str, Any]:
    """The comet-cn JSON-LD context document (a fresh copy, safe to change)."""
    document: dict[str, Any] = json.loads(_context_text())
    return document


@lru_cache(maxsize=1)
def context_terms() -> tuple[str, ...]:
    """The terms the bundled context defines (keywords such as ``@vocab`` left out), in its order."""
    return tuple(term for term in context_document()["@context"] if not term.startswith("@"))
