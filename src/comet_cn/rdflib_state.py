"""One lock for work that touches rdflib's process-wide settings, which are restored afterwards.

pySHACL switches ``rdflib.NORMALIZE_LITERALS`` and rdflib's boolean converter for the length of every call and
resets them to rdflib's defaults afterwards, without a lock, and owlrl registers converters of its own; our own
parser switches literal normalisation off.
Two threads validating at once therefore changed each other's literals and flipped verdicts. Everything that
parses, reasons or validates runs under :func:`exclusive`, which reads with rdflib's own converters whatever the
caller registered before (owlrl run directly leaves one that refuses ``"2030Z"``), and puts the caller's settings
back as they were.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import rdflib
from rdflib.term import XSDToPython, _toPythonMapping

__all__ = ["converters_kept", "exclusive"]

_LOCK = threading.RLock()
# rdflib's own table, copied at import: owlrl's "restore" only overwrites the keys rdflib has, so it never
# takes back the converters it added (gYear among them).
_RDFLIB_CONVERTERS = dict(XSDToPython)


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the process-wide rdflib lock (re-entrant) and restore rdflib's global settings on exit."""
    with _LOCK:
        normalize = rdflib.NORMALIZE_LITERALS
        try:
            with converters_kept():
                if _toPythonMapping != _RDFLIB_CONVERTERS:
                    _toPythonMapping.clear()
                    _toPythonMapping.update(_RDFLIB_CONVERTERS)
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
