"""One reading of "is this text an absolute IRI?" for the workbook's prefixes, query bindings and report values."""

from __future__ import annotations

import pytest

from comet_cn.iris import is_absolute_iri, starts_with_scheme


@pytest.mark.parametrize(
    "text", ["https://example.org/ns#", "urn:uuid:0b4d", "ex:credit-1", "did:example:123", "http://例え.jp/名前"]
)
def test_absolute_iris(text: str) -> None:
    assert is_absolute_iri(text) and starts_with_scheme(text)


@pytest.mark.parametrize(
    "text",
    [
        "urn:",  # a scheme and nothing else
        "https://example.org/a b",
        "example.org/ns#",  # no scheme
        "1http://example.org/",
        "https://example.org/<a>",
        'https://example.org/"a"',
        "https://example.org/\ud800",  # a lone surrogate, which no RDF syntax can hold
        "https://example.org/\n",
        "",
    ],
)
def test_not_absolute_iris(text: str) -> None:
    assert not is_absolute_iri(text)


def test_a_vocabulary_with_characters_an_iri_may_not_hold_still_starts_with_a_scheme() -> None:
    # JSON-LD @vocab values are marked by whether they begin with a scheme; pyld judges the rest.
    assert starts_with_scheme("https://example.org/{x}") and not is_absolute_iri("https://example.org/{x}")
    assert not starts_with_scheme("vocab") and not starts_with_scheme("https://example.org/ a")
