"""Loading stays linear in a claim's size: pyld's duplicate checks are indexed, with the same answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from rdflib.compare import to_isomorphic

from comet_cn import jsonld_fast, pyld_index
from comet_cn.loading import load
from comet_cn.pyld_index import fast_duplicate_checks, value_key
from comet_cn.synthetic import synthetic_claim

ROOT = Path(__file__).resolve().parents[1]

# Pairs pyld's compare_values finds equal or not; value_key must agree on every one.
PAIRS: list[tuple[Any, Any]] = [
    (1, 1),
    (1, 1.0),
    (1, True),
    (True, True),
    (False, 0),
    ("a", "a"),
    ("a", "b"),
    (None, None),
    ({"@id": "x"}, {"@id": "x", "@type": ["T"]}),
    ({"@id": "x"}, {"@id": "y"}),
    ({"@value": "1", "@type": "xsd:integer"}, {"@value": "1", "@type": "xsd:integer"}),
    ({"@value": "1", "@type": "xsd:integer"}, {"@value": "1", "@type": "xsd:decimal"}),
    ({"@value": "a", "@language": "en"}, {"@value": "a", "@language": "de"}),
    ({"@value": 1}, {"@value": True}),
    ({"@value": 1}, {"@value": 1.0}),
    ({"@value": "a", "@index": "i"}, {"@value": "a"}),
    ({"@value": "x"}, {"@id": "x"}),
    ({"@value": "x"}, "x"),
    ({"@id": "x"}, "x"),
    ({"@type": ["T"]}, {"@type": ["T"]}),
]


@pytest.mark.parametrize(("left", "right"), PAIRS, ids=repr)
def test_keys_are_equal_exactly_when_pyld_finds_the_values_equal(left: Any, right: Any) -> None:
    equal = jsonld.JsonLdProcessor.compare_values(left, right)
    assert (value_key(left) == value_key(right)) == equal
    assert value_key(left) == value_key(left)  # every value equals itself, objects without @id too


def test_json_literals_are_compared_one_by_one() -> None:
    literal = {"@value": {"a": [1]}, "@type": "@json"}
    assert value_key(literal) is None
    subject: dict[str, Any] = {"p": [{"@value": {"a": [1]}, "@type": "@json"}]}
    with fast_duplicate_checks():
        assert jsonld.JsonLdProcessor.has_value(subject, "p", literal)
        assert not jsonld.JsonLdProcessor.has_value(subject, "p", {"@value": {"a": [2]}, "@type": "@json"})


def test_the_index_follows_a_list_changed_behind_its_back() -> None:
    subject: dict[str, Any] = {"p": [{"@id": "a"}]}
    with fast_duplicate_checks():
        assert jsonld.JsonLdProcessor.has_value(subject, "p", {"@id": "a"})
        subject["p"].append({"@id": "b"})
        assert jsonld.JsonLdProcessor.has_value(subject, "p", {"@id": "b"})
        subject["p"][:] = [{"@id": "c"}]
        assert not jsonld.JsonLdProcessor.has_value(subject, "p", {"@id": "a"})
        assert jsonld.JsonLdProcessor.has_value(subject, "p", {"@id": "c"})
    assert jsonld.JsonLdProcessor.__dict__["has_value"] is ORIGINAL


ORIGINAL = jsonld.JsonLdProcessor.__dict__["has_value"]


def _plain(source: object, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The graph pyld gives with its own duplicate checks."""
    with monkeypatch.context() as patch:
        patch.setattr(pyld_index, "fast_duplicate_checks", _unchanged)
        patch.setattr("comet_cn.loading.fast_duplicate_checks", _unchanged)
        return load(source)


class _unchanged:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


SOURCES = [
    *sorted((ROOT / "examples").rglob("*.jsonld")),
    synthetic_claim(7, credits=300, emissions=20),
    synthetic_claim(8, violation="old-vintage"),
]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name if isinstance(s, Path) else "synthetic")
def test_loading_gives_the_same_graph_as_pyld_alone(source: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonld_fast, "available", lambda: False)  # the indexed pyld, not Oxigraph's reader
    fast = load(source)  # type: ignore[arg-type]
    plain = _plain(source, monkeypatch)
    assert set(fast) == set(plain)  # blank-node labels included: the node map is built in the same order
    assert to_isomorphic(fast) == to_isomorphic(plain)


def test_a_claim_with_thousands_of_credits_needs_few_comparisons(monkeypatch: pytest.MonkeyPatch) -> None:
    """The duplicate checks no longer compare each new value with every earlier one (n²/2 for n credits)."""
    calls = 0
    original = jsonld.JsonLdProcessor.compare_values

    def counted(left: Any, right: Any) -> bool:
        nonlocal calls
        calls += 1
        return bool(original(left, right))

    monkeypatch.setattr(jsonld.JsonLdProcessor, "compare_values", staticmethod(counted))
    load(synthetic_claim(9, credits=2000, emissions=40))
    assert calls < 20_000  # pyld alone: about 2,000,000
