"""Duplicate checks in constant time for pyld's node map, so loading a claim is linear in its size.

pyld's ``JsonLdProcessor.has_value`` compares a new value with every value a property already holds. Building the
node map adds each value of a property that way, so a node with n values of one property (an offsetting event
retiring 10,000 credits) cost n²/2 comparisons: 80 % of loading such a claim. :func:`indexed_has_value` gives the
same answers from a set of keys per value list, kept in step as the list grows. It is swapped in only for the
length of one conversion, under the process-wide rdflib lock, and the original is put back afterwards.
tests/test_loading.py checks that both give the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from comet_cn.rdflib_state import exclusive

__all__ = ["fast_duplicate_checks", "value_key"]

_MISSING = object()


def _primitive_key(value: object) -> Hashable | None:
    # pyld compares primitives with ==, except that a boolean equals only a boolean (True is not 1).
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if value is None:
        return ("null",)
    return None


def value_key(value: object) -> Hashable | None:
    """A key equal for two values exactly when pyld's ``compare_values`` says they are equal; None when the value
    cannot be keyed (a JSON literal whose value is an object or array), which is then compared one by one."""
    if not isinstance(value, dict):
        return _primitive_key(value)
    if "@value" in value:
        inner = _primitive_key(value["@value"])
        extra = (value.get("@type"), value.get("@language"), value.get("@index"))
        if inner is None or not all(isinstance(part, (str, type(None))) for part in extra):
            return None
        return ("value", *extra, inner)
    identifier = value.get("@id")
    if identifier is not None:
        return ("id", identifier) if isinstance(identifier, str) else None
    # Equal to nothing but itself (pyld's identity check); the list keeps the object alive, so its id is stable.
    return ("object", id(value))


class _Index:
    """The keys of one value list, brought up to date with the list before each use."""

    def __init__(self, values: list[Any]) -> None:
        self.values = values
        self.keys: set[Hashable] = set()
        self.unkeyed: list[Any] = []
        self.count = 0
        self.first: object = _MISSING

    def sync(self) -> None:
        values = self.values
        if len(values) < self.count or (self.count and values[0] is not self.first):
            self.keys.clear()  # changed other than by appending: start again
            self.unkeyed.clear()
            self.count = 0
        for value in values[self.count :]:
            key = value_key(value)
            if key is None:
                self.unkeyed.append(value)
            else:
                self.keys.add(key)
        self.count = len(values)
        self.first = values[0] if values else _MISSING

    def holds(self, value: object, compare: Callable[[object, object], bool]) -> bool:
        self.sync()
        key = value_key(value)
        if key is not None:
            return key in self.keys
        return any(compare(value, other) for other in self.unkeyed)


def _indexed_has_value(indexes: dict[int, _Index], original: Callable[..., bool]) -> Callable[..., bool]:
    from pyld import jsonld

    compare = jsonld.JsonLdProcessor.compare_values

    def has_value(subject: Any, property: Any, value: Any) -> bool:
        held = subject.get(property, _MISSING) if isinstance(subject, dict) else _MISSING
        if isinstance(held, dict) and "@list" in held:
            held = held["@list"]
        if not isinstance(held, list) or isinstance(value, list):
            return original(subject, property, value)
        index = indexes.get(id(held))
        if index is None or index.values is not held:
            index = indexes[id(held)] = _Index(held)
        return index.holds(value, compare)

    return has_value


@contextmanager
def fast_duplicate_checks() -> Iterator[None]:
    """Run the enclosed pyld calls with :func:`value_key`-indexed duplicate checks."""
    # Imported here: pyld (with lxml.html and asyncio) is a tenth of a cold start, and a claim the Oxigraph reader
    # takes (comet_cn.jsonld_fast) never needs it.
    from pyld import jsonld

    with exclusive():
        processor = jsonld.JsonLdProcessor
        original = processor.__dict__["has_value"]
        indexes: dict[int, _Index] = {}  # keyed by id(list); each entry holds its list, so ids are not reused
        processor.has_value = staticmethod(_indexed_has_value(indexes, original.__func__))
        try:
            yield
        finally:
            processor.has_value = original
            indexes.clear()
