"""Which format a file is, from its header or its first record, never from its name.

A file whose header fits no known format fails with one line naming the nearest one, and a file given as one format
but written in another says which it looks like: a wrong guess would read the wrong columns without a word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from comet_cn.importers import acr, art_trees, cad_trust, car, gold_standard, icr, isometric, pact, puro, verra
from comet_cn.importers.reading import header_key

__all__ = ["CSV_FORMATS", "FORMATS", "JSON_FORMATS", "detect_csv", "detect_json", "problem_with"]

#: CSV formats in the order their signatures are tried (the ACR and ART headers share a column).
CSV_FORMATS = {
    verra.NAME: verra,
    gold_standard.NAME: gold_standard,
    car.NAME: car,
    acr.NAME: acr,
    art_trees.NAME: art_trees,
}
JSON_FORMATS = {
    isometric.NAME: isometric,
    icr.NAME: icr,
    puro.NAME: puro,
    cad_trust.NAME: cad_trust,
    pact.NAME: pact,
}
FORMATS: tuple[str, ...] = (*CSV_FORMATS, *JSON_FORMATS)

#: Field names of Verra's new (S&P Global) registry platform, seen in its JSON API (import-formats.md §2). Its CSV
#: layout is not verified, so a header of these is not read as Verra's; but it is nearest to Verra, not to Gold
#: Standard (with which it shares only a ``quantity``).
_VERRA_PLATFORM = (
    "serialNo",
    "retiredDate",
    "block_start",
    "block_end",
    "beneficialOwner",
    "retirementReasonDetails",
    "corrAdjustmentName",
    "hcloaName",
)
_PLATFORM_FIELDS = {verra.NAME: _VERRA_PLATFORM}


def detect_csv(header: Sequence[str]) -> str | None:
    """The CSV format whose signature columns the (normalised) header has."""
    present = set(header)
    for name, module in CSV_FORMATS.items():
        if all(header_key(column) in present for column in module.SIGNATURE):
            return name
    return None


def _first_record(document: Any) -> Mapping[str, Any] | None:
    items: Any = document
    if isinstance(document, Mapping):
        for key in ("unit", "units", "data", "retirements", "transactions", "items", "results", "nodes"):
            if isinstance(document.get(key), list):
                items = document[key]
                break
            held = document.get(key)
            if isinstance(held, Mapping) and len(document) == 1:
                return held  # a response body holding one record, as reading.records reads it
        else:
            return document
    if isinstance(items, list) and items and isinstance(items[0], Mapping):
        return items[0]
    return None


def detect_json(document: Any) -> str | None:
    """The JSON format whose fields the first record has."""
    record = _first_record(document)
    if record is None:
        return None
    for name, module in JSON_FORMATS.items():
        if module.looks_like(record):
            return name
    return None


def nearest_csv(header: Sequence[str]) -> tuple[str, int]:
    """The CSV format sharing most columns with the header, and how many it shares."""
    present = set(header)
    scored = [
        (sum(header_key(c) in present for c in (*module.COLUMNS, *_PLATFORM_FIELDS.get(name, ()))), name)
        for name, module in CSV_FORMATS.items()
    ]
    shared, name = max(scored)
    return name, shared


def _platform_hint(format_name: str, header: Sequence[str]) -> str:
    present = set(header)
    seen = [field for field in _PLATFORM_FIELDS.get(format_name, ()) if header_key(field) in present]
    if not seen:
        return ""
    return (
        f"; its header has field names of {format_name}'s new registry platform ({', '.join(seen)}), whose export"
        " layout is not verified, so it is not read"
    )


def problem_with(format_name: str, header: Sequence[str] | None, document: Any) -> str | None:
    """Why the file is not ``format_name`` (``None`` when it is): missing columns, or another format's look."""
    if format_name in CSV_FORMATS:
        if header is None:
            found = detect_json(document)
            return f"is JSON, not a {format_name} CSV export" + (f"; it looks like {found}" if found else "")
        module = CSV_FORMATS[format_name]
        missing = [column for column in module.SIGNATURE if header_key(column) not in set(header)]
        if not missing:
            # The format's own header without a column every retirement needs: read on, each row would lose it.
            lacking = [column for column in module.REQUIRED if header_key(column) not in set(header)]
            if lacking:
                named = ", ".join(repr(m) for m in lacking)
                return f"{format_name} export has no column {named}, which every row needs"
            return None
        found = detect_csv(header)
        hint = f"; its header looks like {found}" if found else _platform_hint(format_name, header)
        return f"is not a {format_name} export: no column {', '.join(repr(m) for m in missing)}{hint}"
    if header is not None:
        found = detect_csv(header)
        return f"is CSV, not {format_name} JSON records" + (f"; it looks like {found}" if found else "")
    record = _first_record(document)
    if record is None:
        return None  # no records: nothing to misread
    if JSON_FORMATS[format_name].looks_like(record):
        return None
    found = detect_json(document)
    keys = ", ".join(JSON_FORMATS[format_name].KEYS)
    return f"is not {format_name} records (expected fields such as {keys})" + (
        f"; it looks like {found}" if found else ""
    )
