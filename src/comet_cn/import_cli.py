"""Command line: ``cn-import`` (registry files → comet-cn JSON-LD, optionally merged into a claim) and ``cn-merge``
(imports written earlier → into a claim). A thin layer over :mod:`comet_cn.importers`.

The claim may be JSON-LD, the claim workbook or its YAML text form (or Turtle); the result is written in the form
``-f`` names, else the one the suffix of ``-o`` names (as cn-convert chooses), else JSON-LD.

Exit codes as ``cn-validate``: 0 written; 2 usage or input error, including a selection that matches no retirement
(one line on stderr, nothing written); 3 internal error. Warnings and rows left out go to stderr, one a line.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from comet_cn import __version__
from comet_cn.cli import EXIT_OK, _run
from comet_cn.convert import write_bytes
from comet_cn.errors import InputError
from comet_cn.importers import (
    MERGED_FORMATS,
    ImportResult,
    combine,
    import_records,
    merge,
    merged_format,
    read_import,
    render_merged,
    source_names,
)
from comet_cn.importers.pact import quantity_problem
from comet_cn.output import atomic_output, same_file
from comet_cn.reporting import escape_controls

__all__ = ["import_command", "merge_command", "serialise"]

OUTPUT_FORMATS: tuple[str, ...] = MERGED_FORMATS


def serialise(document: dict[str, Any], fmt: str) -> str:
    """A JSON-LD document as JSON-LD text, Turtle, N-Triples or YAML (a workbook is bytes: see ``render_merged``)."""
    result = render_merged(document, merged_format(None, fmt))
    if isinstance(result, bytes):
        raise ValueError("a workbook is binary: use comet_cn.importers.render_merged")
    return result


def _write(
    document: dict[str, Any], fmt: str | None, output: Path | None, claim: Path | None, inputs: Sequence[Path] = ()
) -> None:
    """Write the document in the form chosen from ``-f`` or the output's suffix, atomically; never over an input."""
    if output is not None and claim is not None and same_file(claim, output):
        raise click.UsageError("-o is the claim itself: write the merged claim to another file")
    if output is not None and any(same_file(source, output) for source in inputs):
        # Writing over the export (or an import) would destroy the only copy of what was read.
        raise click.UsageError("-o is one of the files read: write to another file")
    kind = merged_format(output, fmt)
    result = render_merged(document, kind)
    if isinstance(result, bytes):
        if output is not None:
            write_bytes(output, result)
            return
        if sys.stdout.isatty():
            raise click.UsageError("a workbook is binary: give -o FILE.xlsx, or redirect standard output to a file")
        sys.stdout.flush()
        sys.stdout.buffer.write(result)
        sys.stdout.buffer.flush()
        return
    with atomic_output(output) as stream:
        stream.write(result)


def _date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


# A thousands separator only where the grouping is right ("12,500", "1,250.5"); "12,5" is a decimal comma, not 125.
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")


def _quantity(value: str | None) -> Decimal | None:
    if value is None:
        return None
    text = value.strip()
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise click.BadParameter(
                f"{value!r} is not a number: a comma is read only as a thousands separator (12,500); write a "
                "decimal with a point (12.5)",
                param_hint="--quantity",
            )
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number", param_hint="--quantity") from None
    if not number.is_finite() or number <= 0:
        raise click.BadParameter(f"{value!r} is not a positive number", param_hint="--quantity")
    problem = quantity_problem(number)
    if problem is not None:  # 1E-999999 or 1E+999999: a slip, whose exact tonnes would be 0 or megabytes long
        raise click.BadParameter(f"{value.strip()!r} {problem}", param_hint="--quantity")
    return number


def _one_quantity(results: Sequence[ImportResult]) -> None:
    """Refuse one --quantity for footprints, from several files, of different products or declared units."""
    products = {str(n["@id"]) for r in results for n in r.nodes if n.get("@type") == "Product"}
    units = {str(n.get("declaredUnit")) for r in results for n in r.nodes if n.get("@type") == "CarbonFootprint"}
    if len(products) > 1 or len(units) > 1:
        raise InputError(
            ", ".join(r.source for r in results),
            f"one --quantity cannot apply to footprints of several products or declared units "
            f"({', '.join(sorted(products))}; per {', '.join(sorted(units))}): import each on its own, with its own "
            "--quantity; nothing written",
        )


def _say(results: Sequence[ImportResult], quiet: bool) -> None:
    for result in results:
        if not quiet:
            for line in (*result.excluded, *result.warnings):
                click.echo(f"cn-import: warning: {escape_controls(line)}", err=True)
        events = len(result.events)
        # The count of warnings stays in the summary, so -q cannot hide that a row needs a look.
        warned = f"; {len(result.warnings)} warning(s)" if result.warnings else ""
        click.echo(
            f"cn-import: {result.source}: {result.selected} record(s) imported as {len(result.nodes)} node(s), "
            f"{events} offsetting event(s); {len(result.excluded)} row(s) not offsetting events{warned}",
            err=True,
        )


def _say_conflicts(conflicts: Sequence[str], quiet: bool, program: str) -> None:
    """The merge's warnings (values two files, or a file and the claim, give one node differently, each kept; a
    period the registry's note suggests, overridden by the claim's): each said, a count with -q."""
    if not quiet:
        for line in conflicts:
            click.echo(f"{program}: warning: {escape_controls(line)}", err=True)
    if conflicts:
        click.echo(f"{program}: {len(conflicts)} warning(s) from the merge: check each before validating", err=True)


_output_format = click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="Output form: JSON-LD in the comet-cn context, Turtle, N-Triples, the claim workbook or YAML. "
    "Default: the suffix of -o (.jsonld, .ttl, .nt, .xlsx, .yaml), else jsonld.",
)
_output = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
_replace = click.option(
    "--replace",
    "replace_event",
    metavar="EVENT_ID",
    default=None,
    help="With a claim: the @id of an offsetting event, or of the carbon footprint, of the claim that the imports "
    "replace.",
)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("format_name", metavar="FORMAT")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option("--beneficiary", metavar="NAME", default=None, help="Keep only retirements for this beneficiary.")
@click.option(
    "--serial",
    "serials",
    multiple=True,
    metavar="SERIAL",
    help="Keep only this block, or blocks sharing units with it.",
)
@click.option(
    "--retired-from",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Keep only retirements on or after this date.",
)
@click.option(
    "--retired-to",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Keep only retirements on or before this date.",
)
@click.option(
    "--corresponding-adjustment",
    type=click.Choice(["yes", "no"]),
    default=None,
    help="State it for credits whose registry record does not (a registry field wins).",
)
@click.option("--quantity", metavar="AMOUNT", default=None, help="PACT: quantity of product in the period.")
@click.option(
    "--into",
    "claim",
    type=click.Path(path_type=Path),
    default=None,
    metavar="CLAIM",
    help="Merge the imports into this claim (JSON-LD, .xlsx workbook or .yaml) and write the merged claim.",
)
@_replace
@_output_format
@_output
@click.option("-q", "--quiet", is_flag=True, help="Only the summary line per file on stderr, no warnings.")
@click.version_option(__version__, "-V", "--version", prog_name="cn-import")
def _import_cli(
    format_name: str,
    files: tuple[Path, ...],
    beneficiary: str | None,
    serials: tuple[str, ...],
    retired_from: datetime | None,
    retired_to: datetime | None,
    corresponding_adjustment: str | None,
    quantity: str | None,
    claim: Path | None,
    replace_event: str | None,
    fmt: str | None,
    output: Path | None,
    quiet: bool,
) -> int:
    """Read registry retirement exports, CAD Trust units or PACT footprints (FORMAT: one of
    verra, gold-standard, acr, car, art-trees, isometric, icr, puro, cad-trust, pact, or auto) as comet-cn
    JSON-LD; with --into, merged into a claim so that cn-validate checks both together.

    The PACT importer implements WBCSD's PACT Technical Specifications: see the NOTICE file shipped with
    comet-cn (and docs/import/pact.md) for WBCSD's notice."""
    if replace_event is not None and claim is None:
        raise click.UsageError("--replace needs --into CLAIM")
    adjustment = None if corresponding_adjustment is None else corresponding_adjustment == "yes"
    results: list[ImportResult] = []
    # q1/verra.csv and q2/verra.csv are two files: each keeps its own rows, and its warnings say which it is.
    for file, source in zip(files, source_names(files), strict=True):
        try:
            results.append(
                import_records(
                    format_name,
                    file,
                    beneficiary=beneficiary,
                    serials=serials,
                    retired_from=_date(retired_from),
                    retired_to=_date(retired_to),
                    corresponding_adjustment=adjustment,
                    quantity=_quantity(quantity),
                    source=source,
                )
            )
        except ValueError as error:  # an unknown format name, or dates in the wrong order
            raise click.UsageError(str(error)) from None
    if quantity is not None:
        _one_quantity(results)
    _say(results, quiet)
    if not any(result.selected for result in results):
        filtered = beneficiary or serials or retired_from or retired_to
        problem = "no record matches the selection" if filtered else "no retirement or footprint to import"
        raise InputError(", ".join(str(f) for f in files), f"{problem}: nothing written")
    conflicts: list[str] = []
    if claim is None:
        document = combine(results, conflicts)
    else:
        document = merge(claim, results, event=replace_event, warnings=conflicts)
    _say_conflicts(conflicts, quiet, "cn-import")
    if claim is not None and not quiet and any(r.events and r.beneficiary is None for r in results):
        click.echo(
            "cn-import: warning: the imported events do not name who the credits were retired for: select the rows "
            "with --beneficiary to confirm they are the claiming entity's (CN-RET-02)",
            err=True,
        )
    _write(document, fmt, output, claim, files)
    return EXIT_OK


def import_command(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``cn-import``."""
    _run(lambda: int(_import_cli.main(args=argv, prog_name="cn-import", standalone_mode=False)), "cn-import")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("claim", type=click.Path(path_type=Path), metavar="CLAIM")
@click.argument("imports", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="IMPORTED.jsonld...")
@_replace
@click.option(
    "--for-claimant",
    is_flag=True,
    help="The imported retirements were made for the claiming entity: link each event to it (retiredOnBehalfOf). "
    "An event the registry records for another beneficiary is refused (exit 2), not linked.",
)
@_output_format
@_output
@click.version_option(__version__, "-V", "--version", prog_name="cn-merge")
def _merge_cli(
    claim: Path,
    imports: tuple[Path, ...],
    replace_event: str | None,
    for_claimant: bool,
    fmt: str | None,
    output: Path | None,
) -> int:
    """Merge documents written by cn-import into a claim (JSON-LD, the claim workbook .xlsx or YAML), linking
    their offsetting events from it. Write it as a workbook with -o merged.xlsx: imported retirements become rows of
    its Offsetting events and Credits sheets, so cn-validate merged.xlsx names their sheet and row."""
    results = [read_import(path) for path in imports]
    conflicts: list[str] = []
    document = merge(claim, results, event=replace_event, for_claimant=for_claimant or None, warnings=conflicts)
    _say_conflicts(conflicts, False, "cn-merge")
    _write(document, fmt, output, claim, imports)
    return EXIT_OK


def merge_command(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``cn-merge``."""
    _run(lambda: int(_merge_cli.main(args=argv, prog_name="cn-merge", standalone_mode=False)), "cn-merge")
