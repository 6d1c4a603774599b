"""One lock for work that touches rdflib's process-wide settings, which are restored afterwards.

pySHACL switches ``rdflib.NORMALIZE_LITERALS`` and rdflib's boolean converter for the length of every call and
resets them to rdflib's defaults afterwards, without a lock, and owlrl registers converters of its own; our own
parser switches literal normalisation off.
Two threads validating at once therefore changed each other's literals and flipped verdicts. Everything that
parses, reasons or validates runs under :func:`exclusive`, which also puts the caller's settings back as they were.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import rdflib
from rdflib.term import _toPythonMapping

__all__ = ["converters_kept", "exclusive"]

_LOCK = threading.RLock()


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the process-wide rdflib lock (re-entrant) and restore rdflib's global settings on exit."""
    with _LOCK:
        normalize = rdflib.NORMALIZE_LITERALS
        try:
            with converters_kept():
                yield
        finally:
            rdflib.NORMALIZE_LITERALS = normalize


@contextmanager
def converters_kept() -> Iterator[None]:
    """Put rdflib's literal converters back as they were on exit, whoever changed them.

    Not only pySHACL's boolean: owlrl registers converters of its own (one refuses a year with a time zone,
    ``"2022Z"``), and left them in place after closing the ontology, so a claim's verdict depended on whether
    the ontology had been closed earlier in the same process. Hold the lock (:func:`exclusive`) around it.
    """
    saved = dict(_toPythonMapping)
    try:
        yield
    finally:
        if _toPythonMapping != saved:
            _toPythonMapping.clear()
            _toPythonMapping.update(saved)
