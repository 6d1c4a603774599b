"""The fast JSON-LD reader (Oxigraph) gives pyld's graph on every document it admits, or leaves the document to pyld.

A claim's verdict is computed from the graph, so the same graph means the same verdict; the graphs are compared
before the unknown-term markers are taken out, so an undefined key or type is seen alike too.
"""

from __future__ import annotations

import copy
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph
from rdflib.compare import isomorphic, to_isomorphic

import comet_cn
from comet_cn import jsonld_fast, loading
from comet_cn.synthetic import VIOLATIONS, synthetic_claim
from tests.conftest import EXAMPLES
from tests.test_fuzz import _mutate

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = "https://comet.carbon/ext/iso14068/context.jsonld"

# CI installs pyoxigraph (test extra): there a missing reader is a failure, not a skip.
if not jsonld_fast.available():
    if os.environ.get("CI"):
        raise RuntimeError("pyoxigraph is in the test extra but not installed")
    pytest.skip("pyoxigraph is not installed (extras turbo or store)", allow_module_level=True)

DOCUMENTS = [
    path
    for path in sorted(EXAMPLES.rglob("*.jsonld")) + sorted((ROOT / "tests" / "digest_claims").glob("*.jsonld"))
    if path.stat().st_size
]


# The documents the fuzzer can mutate: those with nodes (not the empty array among the digest claims).
MUTABLE = [d for d in (json.loads(p.read_text(encoding="utf-8")) for p in DOCUMENTS) if isinstance(d, dict)]


def _reference(document: Any, monkeypatch: pytest.MonkeyPatch) -> Graph | None:
    with monkeypatch.context() as patch:
        patch.setattr(jsonld_fast, "available", lambda: False)
        try:
            return loading._jsonld_to_graph(
                copy.deepcopy(document), None, loading._Budget("<doc>", loading.DEFAULT_LIMITS, None)
            )
        except comet_cn.InputError:
            return None


def _blank_blind(graph: Graph) -> Counter[tuple[str, ...]]:
    return Counter(tuple("_" if isinstance(term, BNode) else term.n3() for term in triple) for triple in graph)


def _same(document: Any, monkeypatch: pytest.MonkeyPatch, *, exact: bool = True) -> bool | None:
    """None when the fast reader leaves the document to pyld; else whether both readers give the same graph."""
    if not jsonld_fast.plain(document):
        return None
    fast = jsonld_fast.read(copy.deepcopy(document), "default", loading._blank)
    if fast is None:
        return None
    reference = _reference(document, monkeypatch)
    assert reference is not None, "the fast reader read a document pyld refuses"
    graph = fast
    # Blank nodes carry the loader's labels, which messages scrub (loading.BLANK_LABEL).
    assert all(loading.BLANK_LABEL.fullmatch(str(t)) for triple in graph for t in triple if isinstance(t, BNode))
    # rdflib's isomorphism test can take exponential time on odd blank-node structures: the fuzzer compares the
    # triples with each blank node written as "_" instead, as a multiset (every literal and IRI must still match).
    same = isomorphic(graph, reference) if exact else _blank_blind(graph) == _blank_blind(reference)
    if not same:  # say which triples differ
        ours, theirs = set(to_isomorphic(graph)), set(to_isomorphic(reference))
        print("fast only:", sorted(ours - theirs)[:5], "pyld only:", sorted(theirs - ours)[:5])
    return same


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_and_digest_claim_reads_alike(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert _same(document, monkeypatch) is not False


def test_the_fast_reader_reads_the_examples() -> None:
    # Not a vacuous gate: the bundled claims are read by it.
    admitted = [p for p in DOCUMENTS if jsonld_fast.plain(json.loads(p.read_text(encoding="utf-8")))]
    assert len(admitted) >= len(DOCUMENTS) * 3 // 4


@pytest.mark.parametrize("violation", [None, *VIOLATIONS])
def test_generated_claims_with_each_defect_read_alike(violation: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    document = synthetic_claim(7, violation=violation)
    assert _same(document, monkeypatch) is True


EDGES: dict[str, Any] = {
    "undefined key and type": {"@id": "ex:a", "@type": ["CarbonNeutralityClaim", "Claimm"], "retirementDat": "x"},
    "undefined vocabulary value": {"@id": "ex:a", "hierarchyStep": "Offset_Outsid_Boundary"},
    "undefined prefix": {"@id": "foo:a", "foo:key": "v", "@type": "foo:Type"},
    "relative node id": {"@id": "acme", "label": "Acme"},
    "relative linked id": {"@id": "ex:a", "hasOffsettingEvent": "retirement-1"},
    "blank node ids": {"@id": "_:x", "hasOffsettingEvent": {"@id": "_:y", "retirementDate": "2025-01-01"}},
    "nested nodes": {"@id": "ex:a", "hasOffsettingEvent": [{"retiresCredit": [{"serialNumber": "A"}, {}]}]},
    "a list": {"@id": "ex:a", "ex:seq": {"@list": [1, "two", {"@id": "ex:three"}]}},
    "typed values": {"@id": "ex:a", "ex:d": {"@value": "2024-01-01", "@type": "xsd:date"}, "ex:n": {"@value": "x"}},
    "numbers and booleans": {"@id": "ex:a", "ex:i": [0, -1, 2**52, True, False], "actionOrder": 3},
    "text": {"@id": "ex:a", "label": "é中\U0001f600 \u2028 line\nbreak \\ C:\\files", "comment": ""},
    "absolute keys": {"@id": "https://example.org/x", "https://comet.carbon/ext/iso14068#retirementDate": "2025-01-01"},
    "a graph": {"@graph": [{"@id": "ex:a", "label": "A"}, {"@id": "ex:a", "comment": "again"}]},
    "an empty graph": {"@graph": []},
    "nothing": {},
    "iri-looking text": {"@id": "ex:a", "label": "https://example.org/not-a-link"},
    "odd iris": {"@id": "ex:a b", "hasSubject": "ex:<b>"},
    "a named graph": {"@id": "ex:g", "@graph": [{"@id": "ex:a", "label": "A"}]},
}


@pytest.mark.parametrize("name", list(EDGES))
def test_documents_at_each_edge_read_alike_or_go_to_pyld(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    document = {"@context": [CONTEXT, {"ex": "https://example.org/acme/"}], **EDGES[name]}
    assert _same(document, monkeypatch) is not False


# IRIs Oxigraph finds invalid and drops without a word, where pyld keeps them; and lists of lists, and a
# language-less rdf:langString. Each must go to pyld (or be read alike) wherever it is written.
ODD_IRIS = [
    "ex:%zz",
    "ex:%",
    "ex:a%2",
    "urn:x%ZZ",
    "ex:a#b#c",
    "ex:a[1]",
    "https://ex.org/a[1]",
    "http://[::1/x",
    "https://example.org:port/x",
    "https://example.org:99999/x",
    "https://user@@host/x",
    "https://exa%mple.org/x",
    "ex:a?%",
    "ex:\u00ad",
    "ex:\ue000",
    "https://ex.org/\u200b",
    "1ex:a",
    "comet-cn:a#b",
]
POSITIONS = {
    "subject": lambda iri: {"@id": iri, "label": "x"},
    "object": lambda iri: {"@id": "ex:a", "hasOffsettingEvent": iri},
    "type": lambda iri: {"@id": "ex:a", "@type": iri},
    "key": lambda iri: {"@id": "ex:a", iri: "v"},
    "datatype": lambda iri: {"@id": "ex:a", "label": {"@value": "v", "@type": iri}},
}


@pytest.mark.parametrize("position", list(POSITIONS))
@pytest.mark.parametrize("iri", ODD_IRIS)
def test_an_iri_oxigraph_would_drop_goes_to_pyld(iri: str, position: str, monkeypatch: pytest.MonkeyPatch) -> None:
    document = {"@context": [CONTEXT, {"ex": "https://example.org/acme/"}], **POSITIONS[position](iri)}
    assert _same(document, monkeypatch) is not False


@pytest.mark.parametrize(
    "extra",
    [
        {"ex": "https://example.org/%zz/"},  # a prefix whose IRI Oxigraph drops
        {"ex": "https://example.org/a#b#"},
    ],
)
def test_a_prefix_oxigraph_would_drop_goes_to_pyld(extra: dict[str, str]) -> None:
    assert not jsonld_fast.plain({"@context": [CONTEXT, extra], "@id": "ex:a", "label": "x"})


def test_lists_of_lists_and_bare_lang_strings_go_to_pyld() -> None:
    base = {"@context": [CONTEXT, {"ex": "https://example.org/acme/"}], "@id": "ex:a"}
    assert not jsonld_fast.plain({**base, "ex:seq": {"@list": [{"@list": [1]}, 2]}})
    assert not jsonld_fast.plain({**base, "ex:seq": {"@list": [[1], 2]}})
    assert not jsonld_fast.plain({**base, "label": {"@value": "x", "@type": "rdf:langString"}})


def test_a_credit_with_an_odd_iri_still_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The red team's case: an extra retired credit of 2009 vintage, whose IRI has a bad percent escape, vanished
    in the fast reader and the claim conformed. Both readers must see it: CN-VINT-01."""
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    nodes = document["@graph"]
    event = next(n for n in nodes if "ex:credit-biochar" in n.get("retiresCredit", []))
    credit = copy.deepcopy(next(n for n in nodes if n.get("@id") == "ex:credit-biochar"))
    credit.update({"@id": "ex:credit-old%zz", "vintageEndYear": "2009", "serialNumber": "EXR-2009-OLD-000001-000100"})
    event["retiresCredit"].append("ex:credit-old%zz")
    nodes.append(credit)
    fast = comet_cn.validate(copy.deepcopy(document), shacl_engine="turbo")
    assert not fast.conforms and "CN-VINT-01" in fast.rule_ids
    monkeypatch.setattr(jsonld_fast, "available", lambda: False)
    assert "CN-VINT-01" in comet_cn.validate(document).rule_ids


@pytest.mark.parametrize(
    "document",
    [
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": 1.5},  # a fraction: the readers write doubles differently
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": 2**60},  # beyond exact JSON numbers
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": None},
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": {"@value": "x", "@language": "EN"}},
        {"@context": CONTEXT, "@id": "ex:a", "@reverse": {"ex:x": {"@id": "ex:b"}}},
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": {"@context": {"y": "ex:y"}, "y": 1}},
        {"@context": [CONTEXT, {"@vocab": "https://example.org/"}], "@id": "ex:a"},
        {"@context": "https://example.org/other-context.jsonld", "@id": "ex:a"},
        [{"@context": CONTEXT, "@id": "ex:a"}],
        {"@context": CONTEXT, "@graph": "text"},
        {"@context": CONTEXT, "@id": "acme"},
        {"@context": CONTEXT, "@id": "ex:a", "hasOffsettingEvent": "retirement-1"},
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": {"@value": "x", "ex:y": 1}},
        {"@context": CONTEXT, "@id": "ex:a", "@type": [1]},
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": {"@value": "1.5", "@type": "xsd:double"}},
        {"@context": CONTEXT, "@id": "ex:a", "ex:x": {"@value": 5, "@type": "xsd:integer"}},
    ],
    ids=[
        "fraction",
        "huge-int",
        "null",
        "language",
        "reverse",
        "scoped-context",
        "vocab",
        "remote-context",
        "array",
        "graph-text",
        "relative-id",
        "relative-link",
        "value-with-property",
        "numeric-type",
        "typed-double",
        "typed-number",
    ],
)
def test_documents_outside_the_plain_shape_go_to_pyld(document: Any) -> None:
    assert not jsonld_fast.plain(document)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],  # monkeypatch: restored
)
@given(data=st.data())
def test_mutated_examples_read_alike_or_go_to_pyld(data: st.DataObject, monkeypatch: pytest.MonkeyPatch) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from(MUTABLE)))
    _mutate(data, document)
    assert _same(document, monkeypatch, exact=False) is not False


def test_validation_uses_the_fast_reader_and_gives_the_reference_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    original = jsonld_fast.read

    def counted(document: dict[str, Any], store: str, label: Any) -> Any:
        result = original(document, store, label)
        read.append(result is not None)
        return result

    monkeypatch.setattr(jsonld_fast, "read", counted)
    claim = EXAMPLES / "violations" / "cn-bal-01-credits-short.jsonld"
    fast = comet_cn.validate(claim)
    assert read == [True]
    monkeypatch.setattr(jsonld_fast, "available", lambda: False)
    reference = comet_cn.validate(claim)
    assert read == [True]
    assert {(r.rule_id, r.focus_node, r.path, r.value, r.message) for r in fast.results} == {
        (r.rule_id, r.focus_node, r.path, r.value, r.message) for r in reference.results
    }


def test_the_terms_kept_between_claims_stay_bounded_over_a_long_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stream of claims must not grow the process: the reader's table of earlier terms empties past its bound,
    # and a claim read after it emptied still reads as pyld reads it.
    cleared = False
    for index in range(1_000):  # some 30 new terms a claim: past the bound at least once
        before = len(jsonld_fast._IRIS) + len(jsonld_fast._LITERALS)
        assert jsonld_fast.read(synthetic_claim(index), "default", loading._blank) is not None
        after = len(jsonld_fast._IRIS) + len(jsonld_fast._LITERALS)
        cleared = cleared or after < before
        assert after <= jsonld_fast._MOST_TERMS + 200
    assert cleared
    assert _same(synthetic_claim(1_000), monkeypatch)
