"""Which SHACL engine runs the shapes over a claim's closure: pySHACL, the reference, or pyshacl-turbo.

pySHACL is the reference and the default. pyshacl-turbo (a Rust engine with pySHACL's API, the optional extra
``comet-cn[turbo]``) runs the same shapes about ten times faster. It is used only where it has been shown to give
the reference's findings: on the bundled shapes alone (never on a user's extra shapes), and only when it runs to
the end, and only on claims whose numbers, dates and booleans are well-formed and of an ordinary size
(:func:`ordinary_values`); anything else falls back to pySHACL, and the report names the engine that ran.
The parity tests
(tests/test_shacl_engines.py) compare both engines on every example, every digest claim and generated claims with
each kind of injected violation, and tests/test_shapes.py keeps the shapes free of the one construct where the two
engines were seen to differ (an unparenthesised ``a - b + c``, which pyshacl-turbo 0.6 groups from the right).
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from typing import Literal as TypingLiteral

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

from comet_cn.claim_store import distinct_objects, indexed_triples
from comet_cn.loading import NUMERIC_TYPES, PLAIN_DECIMAL
from comet_cn.shape_needs import bundled_plan

__all__ = [
    "REFERENCE",
    "SHACL_ENGINES",
    "TURBO_MAX_TRIPLES",
    "ShaclEngine",
    "ordinary_values",
    "run_shapes",
    "turbo_available",
]

ShaclEngine = TypingLiteral["pyshacl", "turbo", "auto"]
#: ``pyshacl``: the reference; ``turbo``: pyshacl-turbo where it can run, else the reference; ``auto``: the same as
#: ``turbo`` when pyshacl-turbo is installed, else the reference.
SHACL_ENGINES: tuple[str, ...] = ("pyshacl", "turbo", "auto")
REFERENCE = "pyshacl"
TURBO = "pyshacl-turbo"


_DATES = frozenset({XSD.date, XSD.dateTime})
# rdflib gives these no Python value: they are read from their lexical form.
_YEARS_LEXICAL = {XSD.gYear: re.compile(r"[1-9][0-9]{3}"), XSD.gYearMonth: re.compile(r"[1-9][0-9]{3}-[0-9]{2}")}
_DIGITS = 18  # a quantity, year or order of more digits than this is no ordinary value
_PLAIN_INTEGER = re.compile(r"[+-]?[0-9]+")
_FLOATING = frozenset({XSD.double, XSD.float})


def _ordinary(value: Literal) -> bool:
    datatype = value.datatype
    if datatype in _YEARS_LEXICAL:
        return _YEARS_LEXICAL[datatype].fullmatch(str(value)) is not None
    if datatype == XSD.boolean:
        return not value.ill_typed
    if datatype not in NUMERIC_TYPES and datatype not in _DATES:
        return True
    python = value.value
    if value.ill_typed or python is None:
        return False
    if datatype in NUMERIC_TYPES and datatype not in _FLOATING:
        plain = PLAIN_DECIMAL if datatype == XSD.decimal else _PLAIN_INTEGER
        if plain.fullmatch(str(value)) is None:
            return False
    if datatype == XSD.dateTime:
        # The shapes take dates only; pyshacl-turbo compares a date-time with a date where pySHACL does not (a period
        # ending "2024-12-31T00:00:00" drew two more rules), so such a claim goes to the reference.
        return False
    if datatype in _DATES:
        return isinstance(python, (date, datetime)) and 1000 <= python.year <= 9999
    number = python if isinstance(python, Decimal) else Decimal(python)
    return number.is_finite() and len(number.as_tuple().digits) <= _DIGITS and abs(number) < 10**_DIGITS


@lru_cache(maxsize=1)
def _typed_properties() -> tuple[tuple[URIRef, frozenset[URIRef]], ...]:
    """Each property the bundled shapes give a datatype (``sh:datatype`` on a property shape), with its datatypes."""
    from comet_cn.resources import shapes_graph

    shapes = shapes_graph()
    typed: dict[URIRef, set[URIRef]] = {}
    for shape, datatype in shapes.subject_objects(SH.datatype):
        for path in shapes.objects(shape, SH.path):
            if isinstance(path, URIRef) and isinstance(datatype, URIRef):
                typed.setdefault(path, set()).add(datatype)
    return tuple(sorted((path, frozenset(datatypes)) for path, datatypes in typed.items()))


def ordinary_values(graph: Graph) -> bool:
    """True when every number, date, year and boolean in ``graph`` is well-formed and of an ordinary size, and
    every value of a property the shapes give a datatype has that datatype.

    Only then may pyshacl-turbo run: on an ill-typed value, a number of thousands of digits or a five-digit year
    it was seen to pass claims pySHACL fails (a retirement dated 12024, a footprint of 10^3000 t), and on a
    date-time it reported rules pySHACL does not, so such a claim goes to the reference, which reports it. A value
    of another datatype (a period end written as a plain string, a year as an integer) fails its datatype check on
    both engines, but the two compare it differently in the rules that read it (red team 21): the reference runs.
    """
    for prop, datatypes in _typed_properties():
        for value in graph.objects(None, prop):
            if not isinstance(value, Literal) or value.datatype not in datatypes:
                return False
    return all(
        _ordinary(value)
        for value in distinct_objects(graph)
        if isinstance(value, Literal) and value.datatype is not None
    )


#: pyshacl-turbo 0.6's cost grows with the square of a claim's size (6,000 credits, 216,000 triples: 24 s; pySHACL
#: 60 s, linearly): beyond this size a claim goes to pySHACL, which is then as fast or faster.
TURBO_MAX_TRIPLES = 200_000


def turbo_available() -> bool:
    """True when pyshacl-turbo is installed (the ``turbo`` extra)."""
    return importlib.util.find_spec("pyshacl_turbo") is not None


@lru_cache(maxsize=1)
def _compiled_turbo() -> Any:
    """The bundled shapes compiled once per process for pyshacl-turbo (about 20 ms; reused for every claim)."""
    import pyshacl_turbo

    from comet_cn.native_checks import engine_shapes

    # The shared read-only graph itself, not a copy (a copy cost about a tenth of a cold start): pyshacl-turbo 0.6
    # only reads it, and were it ever to write to it, the TypeError would send the claim to pySHACL (run_shapes).
    return pyshacl_turbo.compile_shapes(engine_shapes())  # type: ignore[no-untyped-call]


def _turbo_input(data: Graph, reads: frozenset[URIRef] | None = None) -> Any:
    """``data`` as pyshacl-turbo's term input, read straight off a claim store's index.

    pyshacl-turbo converts a graph by walking it and testing each term's class (about a tenth of a claim's cost);
    a claim's store hands over its triples already grouped by subject and predicate, so each term is converted once.
    Any other graph is left to pyshacl-turbo's own conversion.

    :param reads: the predicates the shapes to run can read (comet_cn.shape_needs), or None for all: a triple with
        any other predicate is left out, as no shape could match it (half an ordinary claim: its evidence).
    """
    grouped = indexed_triples(data)
    if grouped is None:
        return data
    from pyshacl_turbo.rdf import Input

    records: list[tuple[int, str, str | None, str | None]] = []
    quads: list[tuple[int, int, int, None]] = []
    index: dict[Any, int] = {}
    nodes: dict[str, Any] = {}

    def intern(term: Any) -> int:
        found = index.get(term)
        if found is not None:
            return found
        kind = type(term)
        if kind is URIRef:
            record: tuple[int, str, str | None, str | None] = (0, str(term), None, None)
        elif kind is Literal:
            language = term.language
            datatype = term.datatype
            record = (2, str(term), str(datatype) if datatype and not language else None, language)
        elif kind is BNode:
            nodes[str(term)] = term
            record = (1, str(term), None, None)
        else:
            raise TypeError(f"not an RDF term of rdflib's own classes: {kind.__name__}")
        found = index[term] = len(records)
        records.append(record)
        return found

    for subject, by_predicate in grouped.items():
        for predicate, objects in by_predicate.items():
            if objects and (reads is None or predicate in reads):  # a removal leaves empty entries behind
                s, p = intern(subject), intern(predicate)
                quads.extend((s, p, intern(obj), None) for obj in objects)
    return Input((records, quads), "terms", None, nodes, dict(data.namespaces()))


class _QueryCachingGraph(Graph):
    """A view of a graph whose SPARQL queries are parsed once per process.

    pySHACL sends the same SHACL-SPARQL text for every focus node and rdflib re-parses it each time, which was
    about 85 % of the cost of validating a claim. The view shares the store of the closure, so nothing is copied.
    """

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,
        initBindings: Any = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs:
            query_object = _prepared(query_object)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


@lru_cache(maxsize=512)
def _prepared(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def _run_reference(data: Graph, shapes: Graph) -> tuple[object, object]:
    # Imported here: pySHACL and rdflib's SPARQL engine are a large part of a cold start, and the fast engine
    # needs neither.
    import pyshacl

    from comet_cn.sparql_guards import engines_guarded

    if not data.store.context_aware:
        # pySHACL works on a dataset view of the graph, which rdflib builds only over a store with named graphs
        # (a claim read for the fast engine is in a simpler store): run it on a copy.
        copy = Graph()
        copy += data
        data = copy
    with engines_guarded():
        _, report, text = pyshacl.validate(
            _QueryCachingGraph(store=data.store, identifier=data.identifier),
            shacl_graph=shapes,
            inference="none",
            inplace=True,
            allow_warnings=True,
            allow_infos=True,
            abort_on_first=False,
            advanced=False,
        )
    return report, text


def run_shapes(data: Graph, shapes: Graph, *, engine: ShaclEngine, bundled_only: bool) -> tuple[object, object, str]:
    """Run ``shapes`` over ``data`` (the closure, modified in place by neither engine's inference: none is asked).

    :param bundled_only: True when ``shapes`` are exactly the bundled shapes; only then may pyshacl-turbo run.
    :returns: (report graph or pySHACL's failure object, pySHACL's text, the name of the engine that ran).
    """
    if engine not in SHACL_ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; use one of {', '.join(SHACL_ENGINES)}")
    fits = len(data) <= TURBO_MAX_TRIPLES
    if engine != "pyshacl" and bundled_only and fits and turbo_available() and ordinary_values(data):
        try:
            # Shapes that cannot find anything in this claim are left out (comet_cn.shape_needs): the same report.
            plan = bundled_plan()
            run = None if plan is None else plan.shapes_for(data)
            _, report, text = _compiled_turbo().validate(
                _turbo_input(data, None if plan is None else plan.reads_for(run)),
                allow_warnings=True,
                allow_infos=True,
                use_shapes=run,
            )
        except Exception:
            pass
        else:
            if isinstance(report, Graph):
                return report, text, TURBO
    report, text = _run_reference(data, shapes)
    return report, text, REFERENCE
