"""Telling an absolute IRI from a word in text a user wrote: one pattern for every reader that must.

Workbook prefixes, query bindings and report values once each had their own copy, and the copies had drifted
(one took ``"urn:"`` as an IRI, one a lone surrogate).
"""

from __future__ import annotations

import re

__all__ = ["SCHEME", "is_absolute_iri", "starts_with_scheme"]

#: An IRI scheme and its colon (RFC 3987 §2.2).
SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*:"
# Characters RFC 3987 leaves out of an IRI, and lone surrogates, which no RDF syntax can hold.
_ABSOLUTE = re.compile(SCHEME + r'[^\s<>"{}|\\^`\ud800-\udfff]+')
_SCHEMED = re.compile(SCHEME + r"\S*")


def is_absolute_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI: a scheme, then at least one character an IRI may hold."""
    return _ABSOLUTE.fullmatch(text) is not None


def starts_with_scheme(text: str) -> bool:
    """Whether ``text`` is one word that begins with a scheme (an IRI or a compact IRI such as ``ex:a``)."""
    return _SCHEMED.fullmatch(text) is not None
