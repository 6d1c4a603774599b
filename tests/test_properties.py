"""Property-based tests: whatever a mutation does to a claim, the validator never raises and is deterministic."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import comet_cn
from comet_cn.errors import InputError
from comet_cn.loading import load
from tests.conftest import EXAMPLES

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
NODES = len(BASE["@graph"])

junk = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["@id", "@value", "@type", "x"]), st.text(max_size=10), max_size=2),
)

mutation = st.one_of(
    st.tuples(st.just("drop-node"), st.integers(0, NODES - 1), st.none()),
    st.tuples(st.just("duplicate-node"), st.integers(0, NODES - 1), st.none()),
    st.tuples(st.just("drop-key"), st.integers(0, NODES - 1), st.integers(0, 30)),
    st.tuples(st.just("alter-value"), st.integers(0, NODES - 1), st.tuples(st.integers(0, 30), junk)),
)


def _apply(document: dict[str, Any], mutations: list[tuple[str, int, Any]]) -> dict[str, Any]:
    mutated = copy.deepcopy(document)
    graph = mutated["@graph"]
    for kind, index, detail in mutations:
        if not graph:
            break
        node = graph[index % len(graph)]
        keys = [k for k in node if k != "@id"]
        if kind == "drop-node":
            graph.remove(node)
        elif kind == "duplicate-node":
            graph.append(copy.deepcopy(node))
        elif kind == "drop-key" and keys:
            node.pop(keys[detail % len(keys)])
        elif kind == "alter-value" and keys:
            node[keys[detail[0] % len(keys)]] = detail[1]
    return mutated


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutated_claims_never_crash_and_get_the_same_verdict_twice(mutations: list[tuple[str, int, Any]]) -> None:
    document = _apply(BASE, mutations)
    try:
        first = comet_cn.validate(document)
    except InputError:
        return  # e.g. a value JSON-LD itself rejects: reported as bad input, which is allowed
    second = comet_cn.validate(document)
    assert first.results == second.results
    assert first.conforms == (not first.violations)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_loader_fuzz_bytes(data: bytes) -> None:
    try:
        load(data)
    except InputError as error:
        assert "\n" not in str(error)


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), st.text(max_size=20)),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["@id", "@type", "@context", "@value", "@graph", "@list", "a", "label"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_loader_fuzz_json_ld(document: Any) -> None:
    try:
        load(json.dumps(document))
    except InputError as error:
        assert "\n" not in str(error)


_TURTLE_PIECES = [
    "<",
    ">",
    "@prefix",
    "ex:",
    "a",
    ":",
    ";",
    ".",
    ",",
    '"',
    "'",
    "^^",
    "_:b",
    " ",
    "\n",
    "x",
    "1",
    "#",
    "[",
    "]",
    "(",
    ")",
    "<http://e/a>",
    "true",
    "1.5E3",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_TURTLE_PIECES), max_size=40).map("".join))
def test_loader_fuzz_turtle_like_text(text: str) -> None:
    try:
        load(text, format="turtle")
    except InputError as error:
        assert "\n" not in str(error)
