"""Reasoning over a claim graph merged with the comet-cn ontology.

We compute the closure ourselves instead of letting pySHACL do it, so that we decide which graph is validated,
keep the caller's graph untouched, and can read owlrl's inconsistency reports (``daml:error`` triples), which it
writes into the graph as data and would otherwise pass silently into validation.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Literal as TypingLiteral
from typing import cast

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from comet_cn.claim_store import add_triples
from comet_cn.compiled import CompiledOntology, compile_ontology, eligible_claim
from comet_cn.ontology_index import bundled_index
from comet_cn.ontology_index import fingerprint as ontology_fingerprint
from comet_cn.rdflib_state import exclusive
from comet_cn.resources import ontology_graph
from comet_cn.same_as import merge_same_as, same_as_groups, same_as_pairs
from comet_cn.terms import bundled_terms, describe

__all__ = [
    "ENGINES",
    "REASONING_MODES",
    "Closure",
    "Engine",
    "Inconsistency",
    "ReasoningMode",
    "name_blank_nodes",
    "reason",
    "reasoning_mode",
    "warm",
]

ReasoningMode = TypingLiteral["none", "rdfs", "owlrl"]
REASONING_MODES: tuple[ReasoningMode, ...] = ("none", "rdfs", "owlrl")
#: ``auto`` uses the compiled tables when they are complete for the ontology and the claim, else owlrl;
#: ``owlrl`` always runs owlrl over ontology + claim (the reference); ``compiled`` insists on the tables.
Engine = TypingLiteral["auto", "owlrl", "compiled"]
ENGINES: tuple[Engine, ...] = ("auto", "owlrl", "compiled")

_DAML = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
# Ill-typed literals are reported by the shape of the rule that reads the value, with that rule's id; owlrl's
# generic report of the same literal would only repeat it without saying which requirement is at stake.
_LEXICAL_ERROR = "Lexical value of the literal"
_IRI_IN_MESSAGE = re.compile(r"(?:https?|urn|file):[^\s,()'\"<>]+")
# Blank node labels as str() gives them: ours from comet_cn.loading, or rdflib's random ones (a Graph passed in).
_BLANK_LABEL = re.compile(r"\b(?:cn[0-9a-f]{16}b[0-9]+|N[0-9a-f]{32})\b")


@dataclass(frozen=True)
class Inconsistency:
    """An OWL 2 RL inconsistency found by the reasoner, such as a node typed with two disjoint classes."""

    message: str
    focus_node: str | None


@dataclass(frozen=True)
class Closure:
    """The graph to validate and what reasoning found.

    :ivar graph: ontology ∪ asserted data ∪ inferred triples (a new graph; error triples removed).
    :ivar mode: the reasoning mode that was asked for.
    :ivar engine: the implementation that actually ran (``"none"``, ``"owlrl-rdfs"``, ``"owlrl"``).
    :ivar inconsistencies: OWL 2 RL inconsistencies, in a stable order.
    :ivar aliases: each node the claim declared ``owl:sameAs`` another, with the node that now stands for both in
        ``graph`` (see :mod:`comet_cn.same_as`); what another input calls the same thing may be either.
    """

    graph: Graph
    mode: ReasoningMode
    engine: str
    inconsistencies: tuple[Inconsistency, ...]
    aliases: tuple[tuple[Node, Node], ...] = ()
    #: The triples about the claim's own nodes, where ``graph`` also holds the vocabulary (no reasoning, or owlrl);
    #: None on the compiled path, whose graph is the claim and its entailments only.
    claim_triples: int | None = None

    @property
    def claim_size(self) -> int:
        """The claim's own triples and those inferred about it: what --max-triples bounds, whichever path ran."""
        return len(self.graph) if self.claim_triples is None else self.claim_triples


def reasoning_mode(value: str) -> ReasoningMode:
    """``value`` as a reasoning mode.

    :raises ValueError: it is not one of :data:`REASONING_MODES`.
    """
    if value not in REASONING_MODES:
        raise ValueError(f"unknown reasoning mode {value!r}; use one of {', '.join(REASONING_MODES)}")
    return value


def reason(
    data: Graph,
    mode: ReasoningMode = "owlrl",
    *,
    extra_ontology: Iterable[Graph] = (),
    engine: Engine = "auto",
    in_place: bool = False,
) -> Closure:
    """Merge ``data`` with the comet-cn ontology (and any extra ontology graphs) and compute the closure.

    :param data: the asserted claim graph; it is not modified unless ``in_place``.
    :param in_place: the caller owns ``data`` and no longer needs it as asserted: where the compiled engine runs,
        the entailments are added to ``data`` itself, which becomes ``closure.graph`` (copying a claim was a tenth
        of the cost of validating it).
    :param mode: ``"none"`` (merge only), ``"rdfs"`` or ``"owlrl"`` (OWL 2 RL, the default).
    :param extra_ontology: further ontology graphs, e.g. a user's own extension.
    :param engine: which implementation computes the closure (see :data:`ENGINES`); ``closure.engine`` says which
        one actually ran.
    :returns: the closure; ``closure.graph`` is a new graph.
    :raises ValueError: an unknown mode or engine, or ``engine="compiled"`` where the tables are not complete.
    """
    mode = reasoning_mode(mode)
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoning engine {engine!r}; use one of {', '.join(ENGINES)}")
    extra = tuple(extra_ontology)
    if mode == "none":
        graph = _merge(ontology_graph(), *extra, data)
        _bridge_inverses(graph)
        return Closure(
            graph=graph, mode=mode, engine="none", inconsistencies=(), claim_triples=_claim_triples(graph, data)
        )
    equal = same_as_pairs(data, bundled_terms())
    aliases: tuple[tuple[Node, Node], ...] = ()
    if equal:  # one node for each set of equal individuals, as OWL 2 RL means them (see comet_cn.same_as)
        if not in_place:
            data, in_place = _merge(data), True
        aliases = tuple(sorted(merge_same_as(data, equal).items(), key=lambda pair: (str(pair[0]), str(pair[1]))))
    if engine != "owlrl":
        tables = _tables(mode) if not extra else _compile(_merge(ontology_graph(), *extra), mode)
        if tables is not None and eligible_claim(data):
            closure = _compiled_closure(tables, data, mode, in_place=in_place)
            if mode != "owlrl":  # OWL 2 RL's tables hold the inverse already
                _bridge_inverses(closure.graph)
            return replace(closure, aliases=aliases)
        if engine == "compiled":
            raise ValueError("the compiled engine is not complete for this ontology or claim; use engine='auto'")
    nodes = frozenset(data.subjects())
    graph = _merge(ontology_graph(), *extra, data)
    _owlrl_expand(graph, mode)
    if mode != "owlrl":
        _bridge_inverses(graph)
    _drop_literal_subjects(graph)
    errors = _take_errors(graph)
    return Closure(
        graph=graph,
        mode=mode,
        engine=_OWLRL_ENGINE[mode],
        inconsistencies=errors,
        aliases=aliases,
        claim_triples=_claim_triples(graph, nodes),
    )


#: The public COMET extension's inverse property: an entity's ``hasClaim`` says what the claim's ``claimedBy`` says,
#: and is read in every mode as the extension's classes are (red team 106b: with -i none or rdfs, a claim naming its
#: claimant that way was refused by CN-CLAIM-04, which hid the rules it breaks). No other inverse is read so.
_BRIDGED_INVERSES = (
    (URIRef("https://comet.carbon/ext/iso14068#hasClaim"), URIRef("https://comet.carbon/ext/iso14068#claimedBy")),
)


def _bridge_inverses(graph: Graph) -> None:
    """Add, in ``graph``, each bridged property's inverse statement, both ways round.

    With ``-i none`` the claim's own owl:sameAs individuals are not merged: a claimant's alias listing the claim
    (``ex:acme-gmbh owl:sameAs ex:acme ; hasClaim ex:claim``) is the claimant already named, not a second one
    (red team 107a), so a statement whose subject is an alias of one the node already has is not added.
    """
    same = {node: group for group in same_as_groups(graph.subject_objects(OWL.sameAs)) for node in group}

    def known(node: Node, predicate: Node, value: Node) -> bool:
        group = same.get(value, {value})
        return any(other in group for other in graph.objects(node, predicate))

    for forward, backward in _BRIDGED_INVERSES:
        found = [(o, backward, s) for s, o in graph.subject_objects(forward)]
        found += [(o, forward, s) for s, o in graph.subject_objects(backward)]
        add_triples(graph, [(s, p, o) for s, p, o in found if not isinstance(s, Literal) and not known(s, p, o)])


#: What OWL 2 RL states of every individual, and the compiled tables leave out: not counted as the claim's size.
_TRIVIAL_TYPES = frozenset({OWL.Thing, RDFS.Resource})


def _claim_triples(graph: Graph, nodes: Graph | frozenset[Node]) -> int:
    """The triples of ``graph`` about the claim's own nodes (the subjects of its data), as the compiled path counts
    them: without ``x owl:sameAs x`` and ``x rdf:type owl:Thing``, which OWL 2 RL adds for every individual."""
    subjects = frozenset(nodes.subjects()) if isinstance(nodes, Graph) else nodes
    return sum(
        1
        for subject in subjects
        for _, predicate, value in graph.triples((subject, None, None))
        if not (predicate == OWL.sameAs and value == subject)
        and not (predicate == RDF.type and value in _TRIVIAL_TYPES)
    )


def warm(mode: ReasoningMode = "owlrl", *, ontology: bool = True) -> None:
    """Parse the shapes (and the ontology) and compile the reasoning tables now (before forking workers, say).

    :param ontology: False leaves the ontology to be parsed when first needed: an ordinary claim read with the
        cached tables never needs it, and a single claim in this process then starts some 6 % faster.
    """
    from comet_cn.resources import shapes_graph

    shapes_graph()
    if ontology:
        ontology_graph()
    if mode != "none":
        _tables(mode)


_OWLRL_ENGINE = {"rdfs": "owlrl-rdfs", "owlrl": "owlrl"}


def _merge(*graphs: Graph) -> Graph:
    merged = Graph()
    for source in graphs:
        for triple in source:
            merged.add(triple)
    return merged


def _drop_literal_subjects(graph: Graph) -> None:
    """owlrl's datatype handling can leave triples about literals, which are not RDF and break other tools."""
    for triple in [t for t in graph if isinstance(t[0], Literal)]:
        graph.remove(triple)


def _owlrl_expand(graph: Graph, mode: ReasoningMode) -> None:
    import owlrl  # imported here: a run that finds the closure cached and compiled reasoning needs none of it

    semantics = owlrl.RDFS_Semantics if mode == "rdfs" else owlrl.OWLRL_Semantics
    asserted = _literals_by_subject(graph) if mode == "rdfs" else {}
    # Under the lock: owlrl registers converters of its own (they change verdicts) in rdflib's process-wide table,
    # and they must neither outlive its run nor be seen by another thread's work; exclusive() takes them back.
    with exclusive():
        owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    if mode == "rdfs":
        # owlrl's RDFS closure stands literals in with proxies that confuse values equal in Python (true and 1, 6000.0
        # and 6000): a credit's isExPostCredit true gained a 1, and an actionOrder 1 a true (false CN-EXPOST-01,
        # CN-HIER-02). RDFS gives a subject a literal only under a property it asserted that very literal with, or a
        # super-property of one, so any other literal is such a stand-in.
        invented = [
            (s, p, o)
            for s, p, o in graph.triples((None, None, None))
            if isinstance(o, Literal)
            and not any(q == p or (q, RDFS.subPropertyOf, p) in graph for q in asserted.get((s, o), ()))
        ]
        for triple in invented:
            graph.remove(triple)


def _literals_by_subject(graph: Graph) -> dict[tuple[Node, Literal], set[Node]]:
    """The properties each subject asserts each literal with (the literal as a term, not a value)."""
    found: dict[tuple[Node, Literal], set[Node]] = {}
    for s, p, o in graph.triples((None, None, None)):
        if isinstance(o, Literal):
            found.setdefault((s, o), set()).add(p)
    return found


def _compile(ontology: Graph, mode: ReasoningMode) -> CompiledOntology | None:
    closed = _merge(ontology)
    _owlrl_expand(closed, mode)
    _take_errors(closed)
    _drop_literal_subjects(closed)
    return compile_ontology(closed, profile=mode)


@lru_cache(maxsize=2)
def _tables(mode: ReasoningMode) -> CompiledOntology | None:
    """The bundled ontology closed and compiled once per process and mode.

    Closing the ontology with owlrl takes about a second, most of a short run's time, so the compiled tables are
    also kept on disk (see :func:`_tables_cache_file`) and later processes only read them back.
    """
    cache = _tables_cache_file(mode)
    cached = _read_cached_tables(cache, mode) if cache else None
    if cached is not None:
        return cached
    tables = _compile(ontology_graph(), mode)
    if tables is not None and cache:
        _write_cached_tables(cache, tables)
    return tables


def _tables_cache_file(mode: ReasoningMode) -> Path | None:
    """Where the compiled tables for ``mode`` are cached, keyed by everything they depend on.

    ``COMET_CN_CACHE_DIR`` chooses the folder (default: the user cache folder); ``COMET_CN_NO_CACHE=1`` turns the
    cache off. The file is JSON, data only: nothing in it is executed. It is trusted only as far as
    :func:`_read_cached_tables` can check it.
    """
    if os.environ.get("COMET_CN_NO_CACHE", "") not in ("", "0"):
        return None
    folder = os.environ.get("COMET_CN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "comet-cn"
    )
    if not os.path.isabs(folder):
        return None  # no home folder (expanduser left "~") or a relative setting: never write into the cwd
    digest = hashlib.sha256()
    digest.update(ontology_fingerprint().encode())  # the ontology files, read once a process
    for package in ("comet-cn", "owlrl", "rdflib"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    # The code that builds the tables, so an edited checkout never reads tables an older edit wrote.
    digest.update(_COMPILER_SOURCE)
    return Path(folder) / f"tables-{mode}-{digest.hexdigest()[:32]}.json"


def _compiler_source() -> bytes:
    import comet_cn.compiled

    try:
        return Path(comet_cn.compiled.__file__ or "").read_bytes()
    except OSError:  # pragma: no cover - a frozen or zipped install: the version above still keys the cache
        return b""


_COMPILER_SOURCE = _compiler_source()

# The first line of a cache file: its own key (the file name without .json) and the SHA-256 of every byte after it.
_CACHE_HEADER = re.compile(rb"# comet-cn tables (\S+) sha256=([0-9a-f]{64})\n")


def _private(status: os.stat_result) -> bool:
    """Owned by this user and writable by no one else: nobody but the user can have put the content there."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # pragma: no cover - Windows has no owner ids; its profile folders are private already
        return True
    return status.st_uid == getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _private_folder(folder: Path) -> bool:
    try:
        status = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and _private(status)


def _read_cached_tables(path: Path, mode: ReasoningMode) -> CompiledOntology | None:
    """The cached tables, or None unless every check passes; a file that fails one is recomputed, never trusted.

    Cached tables decide verdicts (a truncated cache once turned a failing claim into a conforming one), so they are
    read only from a private folder, from a private regular file, whose header names this very cache key and whose
    digest matches the content, and which reproduce every axiom the ontology states between named terms.
    """
    if not _private_folder(path.parent):
        return None
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode) or not _private(status):
            return None
        data = handle.read()
    header, newline, body = data.partition(b"\n")
    match = _CACHE_HEADER.fullmatch(header + newline)
    if match is None or match.group(1).decode() != path.stem:
        return None
    if hashlib.sha256(body).hexdigest() != match.group(2).decode():
        return None
    tables = CompiledOntology.from_json(body)
    if tables is None or not tables.reproduces(bundled_index().triples, profile=mode):
        return None  # well formed but not the tables of this ontology
    return tables


def _write_cached_tables(path: Path, tables: CompiledOntology) -> None:
    """Write the tables with their header, atomically, and only into a folder that :func:`_read_cached_tables`
    would read from: a shared or foreign folder is left alone and only costs speed."""
    body = tables.to_json()
    if body is None:
        return  # tables that name a literal are not cached: they are rebuilt, which only costs speed
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return  # a read-only home only costs speed
    if not _private_folder(path.parent):
        return
    header = f"# comet-cn tables {path.stem} sha256={hashlib.sha256(body).hexdigest()}\n".encode()
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tables-", suffix=".json")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(header + body)
        os.replace(temporary, path)
    except OSError:  # a full disk: leave no partial file behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _compiled_closure(tables: CompiledOntology, data: Graph, mode: ReasoningMode, *, in_place: bool) -> Closure:
    # The claim's types are fully materialised (every superclass is asserted), so the shapes need no class
    # hierarchy from the ontology and the validated graph is the claim and its entailments only.
    inferred, clashes = tables.expand(data)
    graph = data if in_place else _merge(data)
    add_triples(graph, inferred)  # rdflib terms made by the tables: without Graph.add's checks
    found = {_inconsistency(graph, m) for m in clashes}
    ordered = tuple(sorted(found, key=lambda item: (item.focus_node or "", item.message)))
    return Closure(graph=graph, mode=mode, engine=f"compiled-{mode}", inconsistencies=ordered)


def name_blank_nodes(graph: Graph, text: str) -> str:
    """``text`` with each blank node label of ``graph`` in it replaced by how a named node reaches that node.

    A label means nothing to a reader, and rdflib's are random, so a message that showed one would differ run by
    run; :func:`comet_cn.terms.describe` names the node by where it sits instead.
    """

    def named(match: re.Match[str]) -> str:
        node = BNode(match.group())
        if (node, None, None) in graph or (None, None, node) in graph:
            return describe(graph, node)
        return match.group()

    return _BLANK_LABEL.sub(named, text)


def _inconsistency(graph: Graph, message: str) -> Inconsistency:
    """An inconsistency found in ``graph``; its node is the last one the message names (the individual at fault,
    a blank node included: "Disjoint classes A and B have a common individual x")."""
    mentions = [*_IRI_IN_MESSAGE.finditer(message), *_BLANK_LABEL.finditer(message)]
    last = max(mentions, key=lambda match: match.start(), default=None)
    focus = None
    if last is not None:
        focus = name_blank_nodes(graph, last.group()) if _BLANK_LABEL.fullmatch(last.group()) else last.group()
    return Inconsistency(message=" ".join(name_blank_nodes(graph, message).split()), focus_node=focus)


def _take_errors(graph: Graph) -> tuple[Inconsistency, ...]:
    """Remove owlrl's error reports from ``graph`` and return them as inconsistencies."""
    found: set[Inconsistency] = set()
    for report in list(graph.subjects(RDF.type, _DAML.ErrorMessage)):
        for message in graph.objects(report, _DAML.error):
            text = str(cast(Literal, message))
            if not text.startswith(_LEXICAL_ERROR):
                found.add(_inconsistency(graph, text))
        graph.remove((report, None, None))
    return tuple(sorted(found, key=lambda item: (item.focus_node or "", item.message)))
