"""One lock for work that touches rdflib's process-wide settings, which are restored afterwards.

pySHACL switches ``rdflib.NORMALIZE_LITERALS`` and rdflib's boolean converter for the length of every call and
resets them to rdflib's defaults afterwards, without a lock; our own parser switches literal normalisation off.
Two threads validating at once therefore changed each other's literals and flipped verdicts. Everything that
parses, reasons or validates runs under :func:`exclusive`, which also puts the caller's settings back as they were.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import rdflib
from rdflib.namespace import XSD
from rdflib.term import _toPythonMapping

__all__ = ["exclusive"]

_LOCK = threading.RLock()


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the process-wide rdflib lock (re-entrant) and restore rdflib's global settings on exit."""
    with _LOCK:
        normalize = rdflib.NORMALIZE_LITERALS
        had_boolean = XSD.boolean in _toPythonMapping
        boolean = _toPythonMapping.get(XSD.boolean)
        try:
            yield
        finally:
            rdflib.NORMALIZE_LITERALS = normalize
            if had_boolean:
                _toPythonMapping[XSD.boolean] = boolean
            else:
                _toPythonMapping.pop(XSD.boolean, None)
