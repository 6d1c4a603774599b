"""Red team 25 regressions about rdflib's process-wide literal converters, and a UTF-32 claim without a mark.

rdflib keeps one table of literal converters for the whole process; owlrl installs its own (its xsd:gYear one
refuses a valid "2022Z"). Each test names what a user saw before.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import _toPythonMapping

import comet_cn
from comet_cn import validation
from comet_cn.errors import InputError
from comet_cn.loading import wide_text
from comet_cn.validation import validate_graph
from tests.conftest import EXAMPLES

CLAIM = EXAMPLES / "conforming-claim.jsonld"
CELSIUS = URIRef("https://example.org/dt#celsius")  # a caller's own datatype
KELVIN = URIRef("https://example.org/dt#kelvin")


@pytest.fixture(autouse=True)
def _converters_as_before() -> Iterator[None]:
    """A failing test must not leave owlrl's converters to the tests after it."""
    before = dict(_toPythonMapping)
    yield
    _toPythonMapping.clear()
    _toPythonMapping.update(before)


def _zoned_claim_nt() -> str:
    text = comet_cn.load(CLAIM).serialize(format="nt")
    zoned = text.replace(f'"2022"^^<{XSD.gYear}>', f'"2022Z"^^<{XSD.gYear}>')
    assert zoned != text
    return zoned


def _owlrl_gyear(monkeypatch: pytest.MonkeyPatch) -> None:
    from owlrl.DatatypeHandling import AltXSDToPYTHON

    monkeypatch.setitem(_toPythonMapping, XSD.gYear, AltXSDToPYTHON[XSD.gYear])  # as owlrl leaves it


# ---- 5: two threads reasoning with owlrl ----


def test_concurrent_reason_calls_leave_no_owlrl_converters(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: each run saved and restored the whole table without the lock, so the second thread saved the first
    # one's mid-run table (owlrl's) and put it back last; "2022Z"^^xsd:gYear was ill-typed for good, and
    # validate_graph then reported a false CN-VINT-01.
    import owlrl

    # As rdflib has it (a test before this one in the same process may have run owlrl directly, as a caller may).
    monkeypatch.delitem(_toPythonMapping, XSD.gYear, raising=False)
    real = owlrl.DeductiveClosure.expand
    calls = itertools.count()
    first_expanded, second_in = threading.Event(), threading.Event()
    first: list[threading.Thread] = []

    def expand(self: Any, graph: Graph, destination: Graph | None = None) -> None:
        if next(calls) == 0:  # the first thread: owlrl's converters are in the table once it has run
            real(self, graph, destination)
            first_expanded.set()
            second_in.wait(timeout=1)  # with the lock, the second thread cannot get in: go on after the timeout
        else:
            second_in.set()
            first[0].join(timeout=10)  # the first run has finished and restored what it saw
            real(self, graph, destination)

    monkeypatch.setattr(owlrl.DeductiveClosure, "expand", expand)
    small = Graph()
    small.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")))
    first.append(threading.Thread(target=comet_cn.reason, args=(small,), kwargs={"engine": "owlrl"}))
    first[0].start()
    assert first_expanded.wait(timeout=10)
    comet_cn.reason(small, engine="owlrl")
    first[0].join(timeout=10)
    assert XSD.gYear not in _toPythonMapping
    assert not Literal("2022Z", datatype=XSD.gYear).ill_typed


# ---- 6: a Graph the caller made after owlrl ran ----


def test_validate_graph_judges_a_graph_made_after_owlrl_ran_as_a_file_is(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: validate(graph) conformed and validate_graph(graph) reported CN-VINT-01 on "2022Z".
    _owlrl_gyear(monkeypatch)
    graph = Graph().parse(data=_zoned_claim_nt(), format="nt")
    assert any(getattr(o, "ill_typed", False) for o in graph.objects())  # the caller's literal, judged by owlrl's
    report = validate_graph(graph)
    assert report.conforms, [(finding.rule_id, finding.value) for finding in report.results]
    assert len(graph) == len(Graph().parse(data=_zoned_claim_nt(), format="nt"))  # the caller's graph unchanged


def test_loading_a_graph_outside_validation_retypes_with_rdflibs_converters(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: queries and audits load a Graph without the lock, so its literals were made again with the caller's
    # converters (owlrl's), and "2022Z" stayed ill-typed.
    _owlrl_gyear(monkeypatch)
    graph = Graph().parse(data=_zoned_claim_nt(), format="nt")
    copy = comet_cn.load(graph)
    years = [o for o in copy.objects() if isinstance(o, Literal) and str(o) == "2022Z"]
    assert years
    assert not any(year.ill_typed for year in years)
    from owlrl.DatatypeHandling import AltXSDToPYTHON

    assert _toPythonMapping[XSD.gYear] is AltXSDToPYTHON[XSD.gYear]  # the caller's table as it was


# ---- 7: a caller's own converters while comet-cn works ----


def _during_validate(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Run ``action`` in another thread while validate() holds the lock, and validate to the end."""
    real = validation._check

    def check(*args: Any, **kwargs: Any) -> Any:
        other = threading.Thread(target=action)
        other.start()
        other.join(timeout=10)
        return real(*args, **kwargs)

    monkeypatch.setattr(validation, "_check", check)
    assert comet_cn.validate(CLAIM).conforms


def test_a_callers_datatype_keeps_its_converter_in_other_threads_during_validate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Before: validate cleared the whole table and refilled it with rdflib's own; the caller's other threads
    # made literals of its own datatype meanwhile with no converter (value None: 90,990 of 92,412).
    monkeypatch.setitem(_toPythonMapping, CELSIUS, float)  # what rdflib.term.bind registers, at start-up
    seen: list[object] = []
    _during_validate(monkeypatch, lambda: seen.append(Literal("21.5", datatype=CELSIUS).value))
    assert seen == [21.5]
    assert _toPythonMapping[CELSIUS] is float


def test_a_converter_bound_in_another_thread_during_validate_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: validate put back the whole table it had saved on entry, erasing a bind made meanwhile.
    monkeypatch.setitem(_toPythonMapping, KELVIN, None)  # undone after the test, whatever it leaves
    del _toPythonMapping[KELVIN]
    _during_validate(monkeypatch, lambda: _toPythonMapping.__setitem__(KELVIN, float))
    assert _toPythonMapping.get(KELVIN) is float
    assert Literal("21.5", datatype=KELVIN).value == 21.5


# ---- 9: UTF-32 without a byte-order mark ----


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_utf32_without_a_mark_is_called_utf32(encoding: str) -> None:
    # Before: "UTF-16 text, not UTF-8"; UTF-16 without a mark is still called so.
    text = CLAIM.read_text(encoding="utf-8")
    assert (wide_text(text.encode(encoding)) or "").startswith("UTF-32 text")
    assert (wide_text(text.encode(encoding.replace("32", "16"))) or "").startswith("UTF-16 text")
    with pytest.raises(InputError, match="UTF-32 text, not UTF-8"):
        comet_cn.validate(text.encode(encoding))
