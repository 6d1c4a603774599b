"""Where the cross-claim audits run: an rdflib graph, an embedded Oxigraph store, or a SPARQL endpoint.

Every backend answers the same SELECT text with rows of rdflib terms, so :mod:`comet_cn.queries` turns them into
Python values with one piece of code and the audits give the same findings whichever backend ran them:

* :class:`GraphBackend` - an rdflib :class:`~rdflib.Graph` in memory (today's behaviour; best for a few claims);
* :class:`OxigraphBackend` - a pyoxigraph ``Store`` in memory or on disk at a path (the ``store`` extra), loaded in
  chunks as claims stream in, so Python never holds the whole set;
* :class:`EndpointBackend` - a SPARQL 1.1 endpoint the user runs (Oxigraph server, Apache Jena Fuseki): queries are
  POSTed as ``application/sparql-query`` and read as SPARQL JSON results; data is loaded through the Graph Store
  Protocol only when a store URL is given.

All backends keep the claims in the default graph, where the bundled queries look.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from comet_cn.errors import InputError
from comet_cn.loading import PLAIN_DECIMAL
from comet_cn.namespaces import CN

__all__ = [
    "DEFAULT_ENDPOINT_TIMEOUT",
    "Backend",
    "BackendError",
    "EndpointBackend",
    "GraphBackend",
    "OxigraphBackend",
    "Selection",
    "oxigraph_available",
    "portable",
]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
# rdflib reads some lexical forms XSD does not allow ("2.0005E3" as a decimal, "yes" as a boolean) where other
# engines see an ill-typed literal; such values are written as rdflib read them, so every engine sees one value.
_VALID = {
    _XSD + "decimal": PLAIN_DECIMAL,
    _XSD + "boolean": re.compile(r"true|false|1|0"),
}


def portable(term: Node) -> Node:
    """A literal as rdflib understood it, in a lexical form every SPARQL engine reads the same way."""
    if isinstance(term, Literal) and term.datatype is not None:
        pattern = _VALID.get(str(term.datatype))
        if pattern is not None and not pattern.fullmatch(str(term)) and term.value is not None:
            if isinstance(term.value, bool):
                return Literal("true" if term.value else "false", datatype=term.datatype)
            return Literal(format(term.value, "f"), datatype=term.datatype)
    return term


#: Seconds to wait for a SPARQL endpoint's answer (connection and each read).
DEFAULT_ENDPOINT_TIMEOUT = 300.0

# Quads (Oxigraph) or N-Triples bytes (endpoint) gathered before one write: large enough to amortise a write, small
# enough that a set of any size streams through bounded memory.
_QUAD_CHUNK = 200_000
_POST_CHUNK = 8 * 1024 * 1024
# An answer larger than this is not a SPARQL result the audits can use; refusing it keeps a hostile server harmless.
_MAX_ANSWER = 2 * 1024 * 1024 * 1024


class BackendError(InputError):
    """A backend cannot be used: the ``store`` extra is missing, a store path is unusable, or an endpoint is
    unreachable, too slow or does not answer in SPARQL. One line; the command line exits 2."""


@dataclass(frozen=True)
class Selection:
    """A SELECT answer: the column names and the rows, as rdflib terms (``None`` where unbound), read lazily."""

    columns: tuple[str, ...]
    rows: Iterator[tuple[Node | None, ...]]


@runtime_checkable
class Backend(Protocol):
    """What the queries and audits need from a store of claims."""

    #: ``"rdflib"``, ``"oxigraph"`` or ``"endpoint"``.
    kind: str

    def add(self, graph: Graph) -> None:
        """Add one claim's (reasoned) graph; blank nodes of different graphs stay apart."""

    def load_file(self, path: Path) -> None:
        """Add an N-Triples file as it is (used to bulk-load generated or exported data)."""

    def select(self, text: str) -> Selection:
        """Run a SELECT query (already checked to stay off the network) over the default graph."""

    def close(self) -> None:
        """Write what is buffered and release the store."""


class _Closing:
    def __enter__(self) -> Any:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:  # pragma: no cover - overridden
        pass


class GraphBackend(_Closing):
    """An rdflib graph in memory: the reference engine, and the fastest to start for a handful of claims."""

    kind = "rdflib"

    def __init__(self, graph: Graph | None = None) -> None:
        self.graph = graph if graph is not None else Graph()

    def add(self, graph: Graph) -> None:
        for triple in graph:
            self.graph.add(triple)

    def load_file(self, path: Path) -> None:
        self.graph.parse(str(path), format="nt")

    def select(self, text: str) -> Selection:
        result = self.graph.query(text)
        columns = tuple(str(v) for v in (result.vars or ()))
        return Selection(columns, (tuple(row.asdict().get(c) for c in columns) for row in result))  # type: ignore[union-attr]


def oxigraph_available() -> bool:
    """Whether pyoxigraph (the ``store`` extra) can be imported."""
    try:
        import pyoxigraph  # noqa: F401
    except ImportError:
        return False
    return True


def _pyoxigraph(purpose: str) -> Any:
    try:
        import pyoxigraph
    except ImportError:
        raise BackendError(
            purpose, "needs pyoxigraph, which is the 'store' extra: pip install 'comet-cn[store]'"
        ) from None
    return pyoxigraph


class OxigraphBackend(_Closing):
    """An embedded Oxigraph store, in memory (``path=None``) or on disk at ``path``.

    Claims are converted term by term and written in chunks (``bulk_extend`` on disk), so memory stays bounded by
    the chunk, not the set. An on-disk store is reused as it is unless ``clear=True``: then it is emptied first, as
    when it is (re)built from the inputs of a run.

    :raises BackendError: pyoxigraph is not installed, or ``path`` is not an Oxigraph store and not an empty folder.
    """

    kind = "oxigraph"

    def __init__(self, path: Path | None = None, *, clear: bool = False) -> None:
        self.path = path
        self._ox = _pyoxigraph(str(path) if path is not None else "the embedded store")
        if path is None:
            self._store = self._ox.Store()
        else:
            if path.exists() and not path.is_dir():
                raise BackendError(str(path), "is a file, not an Oxigraph store folder")
            # RocksDB would happily add its files to any folder: a non-empty folder that is not a store is refused.
            if path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").exists():
                raise BackendError(str(path), "is a folder that holds files but no Oxigraph store; name a new folder")
            try:
                self._store = self._ox.Store(str(path))
            except OSError as error:
                raise BackendError(
                    str(path), f"cannot open the Oxigraph store ({' '.join(str(error).split())})"
                ) from None
            if clear:
                self._store.clear()
        self._pending: list[Any] = []
        self._blank_ids: dict[str, Any] = {}
        self._originals: dict[str, str] = {}  # stand-in IRI -> the IRI Oxigraph refused

    def _named(self, iri: str) -> Any:
        try:
            return self._ox.NamedNode(iri)
        except ValueError:
            # An IRI rdflib and pyld take but Oxigraph's stricter parser refuses ("urn:a%zz", "a:b#c#d", a port
            # that is not a number): stored under a stable stand-in and given back as written, so one input's odd
            # IRI costs no input its audit (red team 48). A store kept on disk gives later runs the stand-in.
            stand_in = _STAND_IN + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:32]
            self._originals[stand_in] = iri
            return self._ox.NamedNode(stand_in)

    def _term(self, term: Node) -> Any:
        ox = self._ox
        if isinstance(term, URIRef):
            return self._named(str(term))
        if isinstance(term, BNode):
            return self._blank(str(term))
        if isinstance(term, Literal):
            term = portable(term)
            assert isinstance(term, Literal)
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                return ox.Literal(str(term), datatype=self._named(str(term.datatype)))
            return ox.Literal(str(term))
        raise TypeError(f"cannot store {type(term).__name__}")

    def _blank(self, label: str) -> Any:
        try:
            return self._ox.BlankNode(label)
        except ValueError:
            # A label Oxigraph's syntax does not allow: the same stable stand-in for the same label.
            return self._ox.BlankNode("x" + hashlib.sha256(label.encode("utf-8")).hexdigest()[:32])

    def add(self, graph: Graph) -> None:
        quad = self._ox.Quad
        default = self._ox.DefaultGraph()
        for s, p, o in graph:
            self._pending.append(quad(self._term(s), self._term(p), self._term(o), default))
        if len(self._pending) >= _QUAD_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        if self.path is not None:
            self._store.bulk_extend(self._pending)
        else:
            self._store.extend(self._pending)
        self._pending = []

    def load_file(self, path: Path) -> None:
        self._flush()
        if self.path is None:
            self._store.load(path=str(path), format=self._ox.RdfFormat.N_TRIPLES)
            return
        # Parsed as a stream and written a chunk at a time: Oxigraph's own bulk_load of a whole file buffers up to
        # about 2 GB a thread before it writes, so its memory grew with the file (2.5 GiB for 5.5 million triples).
        # Blank node labels are kept as written, so one node split across chunks stays one node.
        quads = self._ox.parse(path=str(path), format=self._ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False)
        while chunk := list(itertools.islice(quads, _QUAD_CHUNK)):
            self._store.bulk_extend(chunk)

    def __len__(self) -> int:
        self._flush()
        return len(self._store)

    def mark_loaded(self, unread: int = 0) -> None:
        """Record in the store that a load finished, with how many claims it holds and how many inputs of that run
        could not be read (``unread``). ``cn-query --store DIR`` without a SOURCE answers only from a store so
        marked, holding a claim: a run that stopped or failed while loading leaves it emptied or half loaded, and an
        answer from it (no row of double counting) would read as one about the whole set. Kept in a named graph of
        its own, which no bundled query reads."""
        ox = self._ox
        self._flush()
        counted = self._store.query(
            f"SELECT (COUNT(DISTINCT ?claim) AS ?claims) WHERE {{ ?claim a <{CN.CarbonNeutralityClaim}> }}"
        )
        claims = next(iter(counted))[0].value
        marker = ox.NamedNode(_STATE)
        if self._store.contains_named_graph(marker):
            self._store.remove_graph(marker)
        for predicate, value in ((_STATE_CLAIMS, claims), (_STATE_UNREAD, str(unread))):
            literal = ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
            self._store.add(ox.Quad(marker, ox.NamedNode(predicate), literal, marker))

    def loaded_state(self) -> tuple[int, int] | None:
        """``(claims, unread)`` as the last finished load recorded them (:meth:`mark_loaded`), or ``None`` when no
        load of this store finished since it was emptied."""
        ox = self._ox
        self._flush()
        marker = ox.NamedNode(_STATE)
        found: dict[str, int] = {}
        for quad in self._store.quads_for_pattern(marker, None, None, marker):
            try:
                found[quad.predicate.value] = int(quad.object.value)
            except ValueError:
                return None
        if set(found) != {_STATE_CLAIMS, _STATE_UNREAD}:
            return None
        return found[_STATE_CLAIMS], found[_STATE_UNREAD]

    def select(self, text: str) -> Selection:
        self._flush()
        try:
            solutions = self._store.query(text)
        except (SyntaxError, ValueError, OSError) as error:
            raise BackendError("oxigraph", f"the query failed: {' '.join(str(error).split())[:300]}") from None
        columns = tuple(v.value for v in solutions.variables)
        return Selection(columns, self._rows(solutions, len(columns)))

    def _rows(self, solutions: Any, width: int) -> Iterator[tuple[Node | None, ...]]:
        ox = self._ox
        for solution in solutions:
            row: list[Node | None] = []
            for index in range(width):
                term = solution[index]
                if term is None:
                    row.append(None)
                elif isinstance(term, ox.NamedNode):
                    row.append(URIRef(self._originals.get(term.value, term.value)))
                elif isinstance(term, ox.BlankNode):
                    row.append(BNode(term.value))
                else:
                    datatype = term.datatype.value
                    row.append(_literal(term.value, term.language, self._originals.get(datatype, datatype)))
            yield tuple(row)

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            self._flush()
            if self.path is not None:
                self._store.flush()
            self._store = None  # dropping the store releases the folder's lock


#: The prefix of a stand-in for an IRI Oxigraph refuses (see ``OxigraphBackend._named``).
_STAND_IN = "urn:comet-cn:stored-iri:"
# Where an on-disk store records that a load finished (OxigraphBackend.mark_loaded): a named graph and its two facts.
_STATE = "urn:comet-cn:store-state"
_STATE_CLAIMS = "urn:comet-cn:store-state:claims"
_STATE_UNREAD = "urn:comet-cn:store-state:unread"


def _literal(value: str, language: str | None, datatype: str | None) -> Literal:
    """A result literal as rdflib's own engine gives it: xsd:string as a plain literal, so values compare equal."""
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def _checked_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BackendError(url, f"{what} must be an http:// or https:// URL")
    return url


# Proxies configured in the environment are honoured, except for the loopback address (a local server is never
# reached through a proxy).
_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: only the URLs the user named are reached (a redirect led to another host, dropping
    the query, or to ftp://). The endpoint's 3xx answer is reported as such."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in _LOOPBACK:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    return urllib.request.build_opener(_NoRedirect())


class EndpointBackend(_Closing):
    """A SPARQL 1.1 endpoint: ``query_url`` answers queries; ``store_url`` (Graph Store Protocol), if given, takes
    data to load (added to the default graph: load into an empty dataset, or blank-node credits count twice).

    :raises BackendError: a URL is not http(s); later, when the endpoint cannot be reached, times out, answers an
        HTTP error or answers something that is not SPARQL JSON results.
    """

    kind = "endpoint"

    def __init__(
        self, query_url: str, *, store_url: str | None = None, timeout: float = DEFAULT_ENDPOINT_TIMEOUT
    ) -> None:
        self.query_url = _checked_url(query_url, "the SPARQL endpoint")
        self.store_url = _checked_url(store_url, "the store (Graph Store Protocol) URL") if store_url else None
        self.timeout = timeout
        self._buffer: list[bytes] = []
        self._buffered = 0

    def _open(self, url: str, body: bytes, content_type: str, accept: str) -> Any:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": content_type, "Accept": accept}
        )
        try:
            return _opener(url).open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                # Not followed (_NoRedirect): the user names the URL that is reached.
                target = " ".join(str(error.headers.get("Location", "")).split())[:200]
                raise BackendError(
                    url,
                    f"the endpoint redirects (HTTP {error.code}) to {target!r}, which is not followed: name that URL",
                ) from None
            detail = " ".join(error.read(300).decode("utf-8", "replace").split())
            raise BackendError(url, f"the endpoint answered HTTP {error.code}: {detail[:200]}") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise BackendError(url, f"no answer within {self.timeout:g} s") from None
            raise BackendError(url, f"cannot reach the endpoint ({' '.join(str(reason).split())})") from None
        except TimeoutError:
            raise BackendError(url, f"no answer within {self.timeout:g} s") from None
        except (OSError, ValueError) as error:
            raise BackendError(url, f"cannot reach the endpoint ({' '.join(str(error).split())})") from None

    def add(self, graph: Graph) -> None:
        if self.store_url is None:
            raise BackendError(self.query_url, "no store URL to load data into (the endpoint is only queried)")
        # One claim's triples go in one request, so its blank-node labels name the same nodes.
        if any(portable(o) is not o for o in graph.objects()):
            fixed = Graph()
            for s, p, o in graph:
                fixed.add((s, p, portable(o)))
            graph = fixed
        data = graph.serialize(format="nt", encoding="utf-8")
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= _POST_CHUNK:
            self._post()

    def load_file(self, path: Path) -> None:
        if self.store_url is None:
            raise BackendError(self.query_url, "no store URL to load data into (the endpoint is only queried)")
        self._post()
        self._send(path.read_bytes())

    def _post(self) -> None:
        if self._buffer:
            body = b"".join(self._buffer)
            self._buffer, self._buffered = [], 0
            self._send(body)

    def _send(self, body: bytes) -> None:
        assert self.store_url is not None
        url = self.store_url if urllib.parse.urlsplit(self.store_url).query else self.store_url + "?default"
        with self._open(url, body, "application/n-triples", "*/*") as answer:
            answer.read(65536)

    def select(self, text: str) -> Selection:
        self._post()
        with self._open(
            self.query_url, text.encode("utf-8"), "application/sparql-query", "application/sparql-results+json"
        ) as answer:
            try:
                raw = self._read_whole(answer)
            except TimeoutError:
                raise BackendError(self.query_url, f"no answer within {self.timeout:g} s") from None
            except OSError as error:
                raise BackendError(self.query_url, f"the answer broke off ({error})") from None
            kind = answer.headers.get("Content-Type", "none")
        if len(raw) > _MAX_ANSWER:
            raise BackendError(self.query_url, f"the answer is larger than {_MAX_ANSWER} bytes")
        try:
            document = json.loads(raw)
            columns = tuple(str(v) for v in document["head"]["vars"])
            bindings = document["results"]["bindings"]
            if not isinstance(bindings, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise BackendError(
                self.query_url, f"the answer is not SPARQL JSON results (Content-Type {kind}); is it a SPARQL endpoint?"
            ) from None
        return Selection(columns, self._rows(bindings, columns))

    def _read_whole(self, answer: Any) -> bytes:
        """The answer's body (up to one byte over the limit), within the time limit as a whole: the socket's
        timeout bounds each read only, so an endpoint sending a byte a second held the run for as long as it
        liked."""
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        while size <= _MAX_ANSWER:
            if time.monotonic() > deadline:
                raise BackendError(self.query_url, f"no whole answer within {self.timeout:g} s")
            chunk = answer.read1(min(65536, _MAX_ANSWER + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)

    def _rows(self, bindings: Iterable[Any], columns: tuple[str, ...]) -> Iterator[tuple[Node | None, ...]]:
        for binding in bindings:
            if not isinstance(binding, dict):
                raise BackendError(self.query_url, "the answer is not SPARQL JSON results (a row is not an object)")
            yield tuple(self._term(binding.get(column)) for column in columns)

    def _term(self, value: Any) -> Node | None:
        if value is None:
            return None
        try:
            kind, text = value["type"], value["value"]
            if kind == "uri":
                return URIRef(text)
            if kind == "bnode":
                return BNode(text)
            if kind in ("literal", "typed-literal"):
                return _literal(text, value.get("xml:lang"), value.get("datatype"))
        except (KeyError, TypeError):
            pass
        raise BackendError(self.query_url, "the answer is not SPARQL JSON results (a value has no type)")

    def close(self) -> None:
        self._post()
