r"""CN-AUDIT-DOUBLE-01's rows, grouped in Python or on disk, equal the ``double-counting`` query's, row for row.

The audit groups retirements by serial itself (comet_cn.serial_groups) so that a million of them need not be held
as SPARQL groups; ``cn-query double-counting`` runs the query. Both must agree on every backend and on both sides
of the in-memory limit, including the query's own quirks: any white space is removed (a no-break space too, as
both engines read ``\s``), case is folded, an empty serial is dropped, and unbound claims or beneficiaries are not
counted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from comet_cn import overlap_spill
from comet_cn.queries import query_info, run_query
from comet_cn.serial_groups import double_counting_rows
from comet_cn.store import OxigraphBackend, oxigraph_available

CN = "https://comet.carbon/ext/iso14068#"
EX = "https://example.org/"


def _p(name: str) -> URIRef:
    return URIRef(CN + name)


def _retire(graph: Graph, event: URIRef | BNode, serial: Literal, credit: URIRef | BNode | None = None) -> None:
    credit = credit if credit is not None else BNode()
    graph.add((event, _p("retiresCredit"), credit))
    graph.add((credit, _p("serialNumber"), serial))


def _graph() -> Graph:
    graph = Graph()
    claim_a, claim_b = URIRef(EX + "claim-a"), URIRef(EX + "claim-b")
    events = [URIRef(EX + f"event-{n}") for n in range(6)]
    graph.add((claim_a, _p("claimedBy"), URIRef(EX + "acme")))
    graph.add((claim_b, _p("claimedBy"), URIRef(EX + "globex")))
    for event in events[:3]:
        graph.add((claim_a, _p("hasOffsettingEvent"), event))
    graph.add((claim_b, _p("hasOffsettingEvent"), events[3]))
    graph.add((events[2], _p("retiredOnBehalfOf"), Literal("Initech")))  # a beneficiary written as text
    # events[4] and events[5] belong to no claim: claim and entity unbound.
    _retire(graph, events[0], Literal("EXR-1-0001-0010"))
    _retire(graph, events[1], Literal("exr-1-0001-0010 "))  # case and a space: the same serial, another event
    _retire(graph, events[3], Literal("EXR-2-0001-0010"))
    _retire(graph, events[3], Literal("EXR-\t2-0001-0010\n"))  # tab and newline: the same, another block
    _retire(graph, events[0], Literal("EXR-3\u00a0-0001"))  # a no-break space is white space to both engines
    _retire(graph, events[2], Literal("EXR-3-0001"))
    _retire(graph, events[4], Literal("EXR-4-0001"))
    _retire(graph, events[5], Literal("EXR-4-0001"))
    shared = URIRef(EX + "credit-shared")
    _retire(graph, events[2], Literal("EXR-5-0001"), shared)
    _retire(graph, events[3], Literal("EXR-5-0001"), shared)  # one block, two claims and two entities
    _retire(graph, events[0], Literal("   "))  # an empty serial: not a serial at all
    _retire(graph, events[1], Literal("   "))
    _retire(graph, events[0], Literal("EXR-6-0001", datatype=XSD.string))
    _retire(graph, events[0], Literal("EXR-7-0001"))  # once: no row
    return graph


def _expected(graph: Graph) -> list[dict[str, object]]:
    return run_query(query_info("double-counting"), graph).to_dicts()


@pytest.mark.parametrize("limit", [None, 0, 1, 3])
def test_rows_equal_the_query_on_rdflib(limit: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = _graph()
    expected = _expected(graph)
    assert {row["serial"] for row in expected} == {
        "EXR-1-0001-0010",
        "EXR-2-0001-0010",
        "EXR-3-0001",
        "EXR-4-0001",
        "EXR-5-0001",
    }
    if limit is not None:
        monkeypatch.setattr(overlap_spill, "IN_MEMORY", limit)
    assert double_counting_rows(graph) == expected


@pytest.mark.parametrize("limit", [None, 1])
def test_rows_equal_the_query_on_oxigraph(limit: int | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not oxigraph_available():
        pytest.skip("needs pyoxigraph")
    graph = _graph()
    with OxigraphBackend(tmp_path / "store") as store:
        store.add(graph)
        expected = run_query(query_info("double-counting"), store).to_dicts()
        if limit is not None:
            monkeypatch.setattr(overlap_spill, "IN_MEMORY", limit)
        assert double_counting_rows(store) == expected == _expected(graph)


def test_no_retirement_twice_gives_no_row(monkeypatch: pytest.MonkeyPatch) -> None:
    graph = Graph()
    for n in range(4):
        _retire(graph, URIRef(EX + f"event-{n}"), Literal(f"EXR-{n}-0001"))
    monkeypatch.setattr(overlap_spill, "IN_MEMORY", 1)
    assert double_counting_rows(graph) == [] == _expected(graph)
