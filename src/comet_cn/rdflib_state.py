"""One lock for work that touches rdflib's process-wide settings, which are restored afterwards.

pySHACL switches ``rdflib.NORMALIZE_LITERALS`` and rdflib's boolean converter for the length of every call and
resets them to rdflib's defaults afterwards, without a lock, and owlrl registers converters of its own; our own
parser switches literal normalisation off.
Two threads validating at once therefore changed each other's literals and flipped verdicts. Everything that
parses, reasons or validates runs under :func:`exclusive`, which reads with rdflib's own converters whatever the
caller registered before (owlrl run directly leaves one that refuses ``"2030Z"``), and puts the caller's settings
back as they were.

Only the converters of the standard datatypes (XSD, RDF and OWL ones, which owlrl and pySHACL change) are swapped
and restored, never the whole table: a datatype of the caller's own, or one another thread binds meanwhile, keeps
its converter throughout (clearing the table once made such literals ill-typed in the caller's other threads).
"""

from __future__ import annotations

import decimal
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import rdflib
from rdflib.namespace import OWL, RDF, XSD
from rdflib.term import XSDToPython, _toPythonMapping

__all__ = ["converters_kept", "exclusive"]

_LOCK = threading.RLock()

# A process forked while another thread holds the lock (validate_many's worker pool started while a second thread
# validates) would inherit it held by a thread it does not have, and wait on it for ever, and would inherit rdflib's
# settings half switched. A fork waits for the lock and takes it; both processes then let it go.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_LOCK.acquire, after_in_parent=_LOCK.release, after_in_child=_LOCK.release)
_MISSING = object()
_STANDARD = (str(XSD), str(RDF), str(OWL))


def _standard(datatype: object) -> bool:
    """A datatype whose converter comet-cn's verdicts depend on (owlrl's table adds XSD, RDF and OWL ones)."""
    return datatype is None or str(datatype).startswith(_STANDARD)


# rdflib's own table, copied at import: owlrl's "restore" only overwrites the keys rdflib has, so it never
# takes back the converters it added (gYear among them).
_RDFLIB_CONVERTERS = {key: value for key, value in XSDToPython.items() if _standard(key)}


def _standard_converters() -> dict[Any, Any]:
    # items() copied in one step: another thread may bind a datatype meanwhile.
    return {key: value for key, value in tuple(_toPythonMapping.items()) if _standard(key)}


def _set_standard_converters(wanted: Mapping[Any, Any]) -> None:
    """Make the standard datatypes' converters ``wanted``, writing only the keys that differ."""
    now = _standard_converters()
    for key in now.keys() - wanted.keys():
        _toPythonMapping.pop(key, None)
    for key, value in wanted.items():
        if now.get(key, _MISSING) is not value:
            _toPythonMapping[key] = value


_owlrl_locked = False


def _lock_owlrl() -> None:
    """Make owlrl take the lock too, once it is imported (by anyone).

    owlrl's closure swaps rdflib's converters for its own and back, without any lock: a caller's thread running
    owlrl while comet-cn validated retyped comet-cn's literals mid-run (a year "2021Z" became ill-typed) and flipped
    verdicts. Its ``expand`` and its two switches now hold the lock: such a closure waits for a validation, and a
    validation for it; comet-cn's own owlrl calls, already under the lock, re-enter it.
    """
    global _owlrl_locked
    if _owlrl_locked:
        return
    closure = getattr(sys.modules.get("owlrl"), "DeductiveClosure", None)
    handling = sys.modules.get("owlrl.DatatypeHandling")
    if closure is None or handling is None:
        return  # not imported, or being imported: next time
    with _LOCK:
        for owner, name in (
            (closure, "expand"),
            (handling, "use_Alt_lexical_conversions"),
            (handling, "use_RDFLib_lexical_conversions"),
        ):
            original = getattr(owner, name, None)
            if callable(original) and not getattr(original, "_comet_cn_locked", False):
                setattr(owner, name, _locked(original))
        _owlrl_locked = True


_pyshacl_locked = False


def _lock_pyshacl() -> None:
    """Make pySHACL's entry points take the lock too, once pySHACL is imported (by anyone).

    ``pyshacl.validate`` sets ``rdflib.NORMALIZE_LITERALS`` off and swaps the boolean converter for its run, without
    any lock: a caller's thread running pySHACL on its own data while comet-cn parsed a Turtle claim changed how
    the claim's numbers were read (``2.0E3`` became ``2000``), and flipped its verdict about four times in five.
    Wrapped, such a run waits for a validation and a validation for it; comet-cn's own call re-enters the lock.
    """
    global _pyshacl_locked
    if _pyshacl_locked:
        return
    package, entrypoints = sys.modules.get("pyshacl"), sys.modules.get("pyshacl.entrypoints")
    if package is None or entrypoints is None or not hasattr(package, "validate"):
        return  # not imported, or being imported: next time
    with _LOCK:
        for owner in (entrypoints, package):
            for name in ("validate", "validate_each", "shacl_rules"):
                original = getattr(owner, name, None)
                if callable(original) and not getattr(original, "_comet_cn_locked", False):
                    setattr(owner, name, _locked(original))
        _pyshacl_locked = True


def _locked(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return function(*args, **kwargs)

    run._comet_cn_locked = True  # type: ignore[attr-defined]
    return run


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the process-wide rdflib lock (re-entrant) and restore rdflib's global settings on exit.

    Inside, the standard datatypes have rdflib's own converters; on exit they have the caller's again, whatever
    owlrl or pySHACL did meanwhile. Other datatypes' converters are neither changed nor restored.
    """
    _lock_owlrl()
    _lock_pyshacl()
    with _LOCK, decimal.localcontext(decimal.Context()):
        # A fresh decimal context for the thread: a caller's own (its traps on Inexact or Rounded, its precision)
        # raised inside rdflib's arithmetic and lost every verdict.
        normalize = rdflib.NORMALIZE_LITERALS
        saved = _standard_converters()
        try:
            _set_standard_converters(_RDFLIB_CONVERTERS)
            yield
        finally:
            rdflib.NORMALIZE_LITERALS = normalize
            _set_standard_converters(saved)


@contextmanager
def converters_kept() -> Iterator[None]:
    """Put the standard datatypes' converters back as they were on exit, whoever changed them, under the lock.

    Not only pySHACL's boolean: owlrl registers converters of its own (one refuses a year with a time zone,
    ``"2022Z"``), and left them in place after closing the ontology, so a claim's verdict depended on whether
    the ontology had been closed earlier in the same process.
    """
    with _LOCK:
        saved = _standard_converters()
        try:
            yield
        finally:
            _set_standard_converters(saved)
