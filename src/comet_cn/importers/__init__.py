"""Registry retirement exports, CAD Trust units and PACT footprints as comet-cn JSON-LD, ready to check.

One call per file::

    from comet_cn.importers import import_records, merge
    result = import_records("verra", Path("vcus.csv"), beneficiary="Example Logistics AG")
    result.nodes, result.provenance, result.warnings, result.excluded
    document = merge(Path("claim.jsonld"), [result])   # the claim with the retirements linked in
    comet_cn.validate(document)
    merged = merge(Path("claim.xlsx"), [result])       # a claim workbook (or YAML, Turtle) works the same way
    comet_cn.workbook.workbook_from_document(merged, Path("merged.xlsx"))  # imported rows on the Credits sheet

What a record does not say stays unsaid: an unknown corresponding adjustment is left out (CN-CA-01 asks for it),
an Article 6 *authorisation* label is not an adjustment, a period read from free text is a warning and not a
``hasReportingPeriod``, and a beneficiary's name is never turned into an entity by the import. Every node carries
``dcterms:source`` ``"file:row"``. Rows that are not offsetting events (cancellations, compliance uses, unretired
blocks, mandatory Article 6 shares, NDC contributions) are listed in ``excluded`` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from comet_cn.errors import InputError
from comet_cn.importers import pact
from comet_cn.importers.building import Selection, build
from comet_cn.importers.detection import CSV_FORMATS, FORMATS, JSON_FORMATS, detect_csv, detect_json, problem_with
from comet_cn.importers.detection import nearest_csv as _nearest_csv
from comet_cn.importers.merging import MERGED_FORMATS, combine, merge, merged_format, read_import, render_merged
from comet_cn.importers.model import PROVENANCE, ImportResult, Parsed
from comet_cn.importers.reading import first_row, read_json, read_table, read_text, separator_problem

__all__ = [
    "FORMATS",
    "MERGED_FORMATS",
    "PROVENANCE",
    "ImportResult",
    "combine",
    "detect_format",
    "import_records",
    "merge",
    "merged_format",
    "read_import",
    "render_merged",
    "source_names",
]


def _canonical(format_name: str) -> str:
    name = format_name.strip().lower().replace("_", "-")
    aliases = {"gs": "gold-standard", "art": "art-trees", "cadt": "cad-trust", "vcs": "verra"}
    return aliases.get(name, name)


def _is_json(text: str) -> bool:
    if text.lstrip().startswith(("{", "[")):
        return True
    # A bare JSON value ("Active", 42, null) is a JSON file holding no records, not a CSV header to name columns from.
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def detect_format(path: Path | str) -> str:
    """The format of a registry file, from its header or first record (never from its name).

    :raises InputError: the file fits no known format; the message names the nearest one.
    """
    path = Path(path)  # a path given as text, as most callers have it
    text, _ = read_text(path)
    return _detect(text, str(path))


def _detect(text: str, name: str) -> str:
    if _is_json(text):
        found = detect_json(read_json(text, name))
        if found is None:
            raise InputError(name, f"JSON records of no known format (known: {', '.join(JSON_FORMATS)})")
        return found
    refused = separator_problem(text)
    if refused is not None:
        raise InputError(name, refused)
    header = first_row(text)
    found = detect_csv(header)
    if found is None:
        nearest, shared = _nearest_csv(header)
        hint = f"; nearest: {nearest} ({shared} column(s) in common)" if shared else ""
        raise InputError(name, f"a CSV header of no known format{hint}")
    return found


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: read_text reports the file itself
        return path.absolute()


def source_names(paths: Iterable[Path]) -> list[str]:
    """The name each input of one run is recorded under (in ``dcterms:source``, warnings and the IRIs of rows
    without a serial): its base name, unless another file of the run has the same base name, then the path as given.

    ``q1/verra.csv`` and ``q2/verra.csv`` stay two files, so their rows stay two credits; the same file given twice
    keeps one name (its first spelling), so its rows stay one. Pass each name as ``source`` to
    :func:`import_records`.
    """
    given = list(paths)
    files: dict[str, set[Path]] = {}
    for path in given:
        files.setdefault(path.name, set()).add(_identity(path))
    spelling: dict[Path, str] = {}
    names: list[str] = []
    for path in given:
        if len(files[path.name]) == 1:
            names.append(path.name)
        else:
            names.append(spelling.setdefault(_identity(path), str(path)))
    return names


def import_records(
    format: str,
    path: Path | str,
    *,
    beneficiary: str | None = None,
    serials: Iterable[str] | None = None,
    retired_from: date | None = None,
    retired_to: date | None = None,
    corresponding_adjustment: bool | None = None,
    quantity: Decimal | None = None,
    source: str | None = None,
) -> ImportResult:
    """Read one registry file as comet-cn JSON-LD nodes.

    :param format: one of :data:`FORMATS` (``"verra"``, ``"gold-standard"``, ``"acr"``, ``"car"``,
        ``"art-trees"``, ``"isometric"``, ``"icr"``, ``"puro"``, ``"cad-trust"``, ``"pact"``), or ``"auto"`` to
        detect it from the header; the file must fit it.
    :param path: the registry file (CSV export or JSON records).
    :param beneficiary: keep only retirements for this beneficiary (the registry's field; the name after "on
        behalf of" in its note only when that field names nobody; case and spacing ignored). A merge takes this
        selection as the user's confirmation that the retirements were made for the claiming entity.
    :param serials: keep only retirements with one of these serials, or sharing units with one of them.
    :param retired_from: keep only retirements on or after this date.
    :param retired_to: keep only retirements on or before this date.
    :param corresponding_adjustment: the user's statement for credits whose registry record says nothing (an
        explicit registry field wins over it, with a warning).
    :param quantity: PACT only: the quantity of product in the period, in the declared unit of measurement, to
        turn the per-declared-unit footprint into tonnes.
    :param source: the name the file is recorded under (default: its base name). Give each file of a run the name
        :func:`source_names` gives it: two files with one base name would otherwise mint the same IRIs for their
        rows without a serial (one credit where there are two), and :func:`combine` and :func:`merge` refuse them.
    :raises InputError: the file is missing or unreadable, does not fit the format, or the options do not apply.
    :raises ValueError: ``format`` is not a known format, or ``retired_from`` is after ``retired_to``.
    """
    name = _canonical(format)
    if name != "auto" and name not in FORMATS:
        raise ValueError(f"unknown import format {format!r} (use one of {', '.join(FORMATS)}, or auto)")
    path = Path(path)  # a path given as text, as most callers have it
    text, decoded = read_text(path)
    if name == "auto":
        name = _detect(text, str(path))
    source = path.name if source is None else " ".join(source.split())
    if not source:
        raise ValueError("the source name of an import must not be blank")
    selection = Selection(
        beneficiary=beneficiary,
        serials=tuple(serials or ()),
        retired_from=retired_from,
        retired_to=retired_to,
        corresponding_adjustment=corresponding_adjustment,
    )
    json_input = _is_json(text)
    document: Any = read_json(text, str(path)) if json_input else None
    header = None if json_input else first_row(text)
    problem = None if json_input else separator_problem(text)
    problem = problem or problem_with(name, header, document)
    if problem is not None:
        raise InputError(str(path), problem)
    if quantity is not None and name != "pact":
        raise InputError(str(path), "a product quantity applies to PACT footprints only")
    if name == "pact":
        if selection.filters or corresponding_adjustment is not None:
            raise InputError(
                str(path), "PACT footprints are not retirements: the selection and adjustment options do not apply"
            )
        if quantity is not None:
            problem = pact.quantity_problem(quantity)
            if problem is not None:
                raise InputError(str(path), f"the product quantity {quantity} {problem}")
    parsed = _parse(name, path, source, text, document, quantity)
    if decoded:
        parsed = replace(parsed, warnings=(f"{source}: {decoded}", *parsed.warnings))
    if name == "pact":
        return replace(_footprints(name, source, parsed), path=str(_identity(path)))
    scheme = (CSV_FORMATS.get(name) or JSON_FORMATS[name]).SCHEME
    return replace(build(name, source, parsed, selection, scheme=scheme), path=str(_identity(path)))


def _parse(name: str, path: Path, source: str, text: str, document: Any, quantity: Decimal | None) -> Parsed:
    """What the format module reads from the file; a value no record can hold is one line naming the file."""
    try:
        if name == "pact":
            return pact.parse(document, source, quantity)
        if name in CSV_FORMATS:
            module = CSV_FORMATS[name]
            try:
                table = read_table(text, text_columns=module.TEXT_COLUMNS)
            except InputError as error:
                raise InputError(str(path), error.problem) from None
            parsed: Parsed = module.parse(table, source)
            table_warnings = tuple(f"{source}:{warning}" for warning in table.warnings)
            return replace(parsed, warnings=table_warnings + parsed.warnings)
        json_parsed: Parsed = JSON_FORMATS[name].parse(document, source)
        return json_parsed
    except (ValueError, ArithmeticError) as error:
        # A format module warns about what it cannot read; this is the last guard, so that a value it missed is one
        # line naming the file (exit 2), not an internal error, and never a bare ValueError to the caller.
        raise InputError(str(path), f"a record cannot be read ({error}): correct it or leave it out") from None


def _footprints(name: str, source: str, parsed: Parsed) -> ImportResult:
    provenance = {str(node["@id"]): (str(node[PROVENANCE]),) for node in parsed.nodes}
    return ImportResult(
        format=name,
        source=source,
        nodes=parsed.nodes,
        provenance=provenance,
        warnings=parsed.warnings,
        excluded=tuple(str(e) for e in parsed.excluded),
        selected=sum(node.get("@type") == "CarbonFootprint" for node in parsed.nodes),
        superseded=parsed.superseded,
    )
