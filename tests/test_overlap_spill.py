"""The cross-claim range sweep gives the same pairs and findings whether it runs in memory or spills to disk.

Beyond ``overlap_spill.IN_MEMORY`` ranges the sweep of CN-AUDIT-DOUBLE-01 moves to a temporary SQLite file, so
memory stays bounded on a registry's worth of retirements. These tests force the spill with a limit of one or two
and compare with the in-memory sweep, on ranges hypothesis chooses and on stores of claims.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from comet_cn import audits, overlap_spill
from comet_cn.overlap_spill import SmallestNames, overlapping_pairs
from comet_cn.serials import SerialRange, find_overlaps
from comet_cn.store import OxigraphBackend, oxigraph_available

CN = "https://comet.carbon/ext/iso14068#"


def _normal(pairs: object) -> list[tuple[object, ...]]:
    # Each pair as (smaller key, larger key, units): the sweeps may name a pair's keys in either order.
    return sorted((min(a, b), max(a, b), units) for a, b, units in pairs)  # type: ignore[attr-defined]


ranges = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.integers(min_value=0, max_value=40),
        st.integers(min_value=0, max_value=8),
        # Units past SQLite's 64-bit integers sort as numbers too.
        st.sampled_from([0, 2**70]),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(ranges)
def test_the_spilled_sweep_finds_the_pairs_of_the_sweep_in_memory(spans: list[tuple[str, int, int, int]]) -> None:
    items = [
        (
            (f"claim{i % 5}", f"credit{i}", f"serial{i}"),
            SerialRange(block, offset + first, offset + first + width, "explicit"),
        )
        for i, (block, first, width, offset) in enumerate(spans)
    ]
    expected = _normal(find_overlaps(items))
    assert _normal(overlapping_pairs(items, in_memory=0)) == expected
    assert _normal(overlapping_pairs(items, in_memory=len(items))) == expected


def test_adjacent_ranges_do_not_overlap_on_disk_either() -> None:
    items = [
        (("a", "c1", "s1"), SerialRange("X", 1, 10, "explicit")),
        (("b", "c2", "s2"), SerialRange("X", 11, 20, "explicit")),
        (("c", "c3", "s3"), SerialRange("X", 20, 20, "explicit")),
    ]
    assert _normal(overlapping_pairs(items, in_memory=0)) == [(("b", "c2", "s2"), ("c", "c3", "s3"), (20, 20))]


@pytest.mark.parametrize("limit", [0, 1, 100])
def test_smallest_names_keeps_the_smallest_name_in_memory_and_on_disk(limit: int) -> None:
    with SmallestNames(in_memory=limit) as names:
        names.offer("_:x", ("p", "https://example.org/z"))
        names.offer("_:y", ("p", "https://example.org/b"))
        names.offer("_:x", ("p", "https://example.org/a"))
        names.offer("_:x", ("q", "https://example.org/0"))
        assert names.get("_:x") == ("p", "https://example.org/a")
        assert names.get("_:y") == ("p", "https://example.org/b")
        assert names.get("_:z") is None


def _claims(count: int) -> Graph:
    """``count`` claims whose credits are blank nodes held by named events; every third claim retires units 3-4
    of the previous claim's block under a serial written differently."""
    graph = Graph()
    for index in range(count):
        claim = URIRef(f"https://example.org/claim/{index}")
        event = URIRef(f"https://example.org/event/{index}")
        graph.add((claim, RDF.type, URIRef(CN + "CarbonNeutralityClaim")))
        graph.add((claim, URIRef(CN + "hasOffsettingEvent"), event))
        for n in range(2):
            credit = BNode(f"credit{index}x{n}")
            graph.add((event, URIRef(CN + "retiresCredit"), credit))
            serial = f"EX-{index:05d}-{n}-0000001-0000010"
            if n == 0 and index % 3 == 2:
                serial = f"ex-{index - 1:05d}-0-0000003-0000004"
            graph.add((credit, URIRef(CN + "serialNumber"), Literal(serial)))
            graph.add((credit, URIRef(CN + "tonnesCO2e"), Literal("10.0", datatype=XSD.decimal)))
    return graph


def _store(graph: Graph, folder: Path) -> OxigraphBackend:
    store = OxigraphBackend(folder / "store")
    store.add(graph)
    return store


@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
def test_audit_findings_are_the_same_when_the_sweep_spills(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend == "oxigraph" and not oxigraph_available():
        pytest.skip("needs pyoxigraph")
    graph = _claims(12)
    target = _store(graph, tmp_path) if backend == "oxigraph" else graph
    try:
        in_memory = audits.audit_results(target)
        monkeypatch.setattr(overlap_spill, "IN_MEMORY", 1)
        spilled = audits.audit_results(target)
    finally:
        if isinstance(target, OxigraphBackend):
            target.close()
    overlaps = [f for f in in_memory if f.rule_id == "CN-AUDIT-DOUBLE-01"]
    assert len(overlaps) == 4  # claims 2, 5, 8 and 11
    # Blank credits are named by their event, as in memory.
    assert all(
        "[https://comet.carbon/ext/iso14068#retiresCredit of https://example.org/event/" in f.focus_node
        for f in overlaps
    )
    assert spilled == in_memory


def test_a_file_loaded_in_chunks_keeps_one_blank_node_one_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not oxigraph_available():
        pytest.skip("needs pyoxigraph")
    from comet_cn import store as store_module

    data = tmp_path / "claims.nt"
    _claims(6).serialize(data, format="nt")
    monkeypatch.setattr(store_module, "_QUAD_CHUNK", 3)  # blank credits' triples land in different chunks
    with OxigraphBackend(tmp_path / "chunked") as chunked:
        chunked.load_file(data)
        found = audits.audit_results(chunked)
        size = len(chunked)
    assert size == len(_claims(6))
    assert found == audits.audit_results(_claims(6))
