"""Command line: ``cn-convert`` (a claim from one format to another: JSON-LD, Turtle, N-Triples, the claim workbook,
YAML) and ``cn-init`` (the empty claim workbook, or a commented example claim in YAML). A thin layer over
:mod:`comet_cn.convert`, :mod:`comet_cn.workbook` and :mod:`comet_cn.textform`.

Exit codes as ``cn-validate``: 0 written; 2 usage or input error (one line on stderr, nothing written); 3 internal
error. Terms the context does not define are kept and named on stderr, one a line (``-q`` silences them).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from comet_cn import __version__
from comet_cn.cli import EXIT_OK, _run
from comet_cn.convert import FORMATS, convert, format_of, write_bytes
from comet_cn.errors import InputError
from comet_cn.loading import DEFAULT_LIMITS
from comet_cn.output import same_file
from comet_cn.reporting import escape_controls

__all__ = ["convert_command", "init_command"]

_FORMAT_NAMES = ("jsonld", "json", "turtle", "ttl", "nt", "xlsx", "yaml", "yml")


def _stdin() -> bytes:
    if sys.stdin is None:  # started with standard input closed (0<&-)
        raise InputError("<stdin>", "standard input is closed")
    data = sys.stdin.buffer.read(DEFAULT_LIMITS.max_bytes + 1)
    if len(data) > DEFAULT_LIMITS.max_bytes:
        raise InputError("<stdin>", f"input is over the limit of {DEFAULT_LIMITS.max_bytes} bytes")
    return data


def _to_stdout(result: str | bytes) -> None:
    if isinstance(result, bytes):
        if sys.stdout.isatty():
            raise click.UsageError("a workbook is binary: give OUT.xlsx, or redirect standard output to a file")
        sys.stdout.flush()
        sys.stdout.buffer.write(result)
        sys.stdout.buffer.flush()
    else:
        click.echo(result, nl=False)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("source", metavar="IN")
@click.argument("target", metavar="[OUT]", required=False, default="-")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(_FORMAT_NAMES, case_sensitive=False),
    default=None,
    help="Format of IN when its suffix does not say (required when IN is -, standard input).",
)
@click.option(
    "--to",
    "target_format",
    type=click.Choice(_FORMAT_NAMES, case_sensitive=False),
    default=None,
    help="Format of OUT when its suffix does not say (required when OUT is - or omitted: standard output).",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not name the undefined terms the claim carries.")
@click.version_option(__version__, "-V", "--version", prog_name="cn-convert")
def _convert_cli(source: str, target: str, source_format: str | None, target_format: str | None, quiet: bool) -> int:
    """Convert a claim between JSON-LD (.jsonld, .json), Turtle (.ttl), N-Triples (.nt), the claim workbook (.xlsx)
    and YAML (.yaml, .yml). Formats come from the file suffixes; the graph is kept exactly."""
    data = None
    if source == "-":
        if source_format is None:
            raise click.UsageError("reading standard input needs --from FORMAT")
        data = _stdin()
        source_path = Path("<stdin>")
    else:
        source_path = Path(source)
        format_of(source_path, source_format)  # an unknown suffix is an error before anything is read
    output = None if target == "-" else Path(target)
    if output is None and target_format is None:
        raise click.UsageError("writing to standard output needs --to FORMAT (jsonld, turtle, nt, xlsx or yaml)")
    if output is not None:
        format_of(output, target_format)
        if source != "-" and same_file(source_path, output):
            raise click.UsageError("OUT is the same file as IN: write the conversion to another file")

    def warn(line: str) -> None:
        if not quiet:
            click.echo(f"cn-convert: warning: {escape_controls(line)}", err=True)

    result = convert(
        source_path, output, source_format=source_format, target_format=target_format, data=data, warn=warn
    )
    if output is None:
        _to_stdout(result)
    return EXIT_OK


def convert_command(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``cn-convert``."""
    _run(lambda: int(_convert_cli.main(args=argv, prog_name="cn-convert", standalone_mode=False)), "cn-convert")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("target", metavar="OUT")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "yaml"], case_sensitive=False),
    default=None,
    help="xlsx: the empty claim workbook; yaml: a complete example claim with comments. Default: OUT's suffix.",
)
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.version_option(__version__, "-V", "--version", prog_name="cn-init")
def _init_cli(target: str, fmt: str | None, force: bool) -> int:
    """Start a claim: write the empty claim workbook (OUT.xlsx) or an example claim in YAML (OUT.yaml) to fill in."""
    output = None if target == "-" else Path(target)
    suffix = FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and suffix is not None and suffix != fmt.lower():
        raise click.UsageError(f"OUT ends in {output.suffix if output else ''} but --format is {fmt}")
    kind = (fmt or suffix or "").lower()
    if kind not in ("xlsx", "yaml"):
        raise click.UsageError("say what to write: OUT.xlsx, OUT.yaml, or --format xlsx|yaml")
    if output is not None and (output.exists() or output.is_symlink()) and not force:
        raise InputError(str(output), "already exists: pass --force to overwrite it")
    if kind == "xlsx":
        from comet_cn.workbook import template_bytes

        result: str | bytes = template_bytes(name=target)
    else:
        from comet_cn.textform import example_claim, to_yaml

        result = to_yaml(example_claim())
    if output is None:
        _to_stdout(result)
    else:
        write_bytes(output, result if isinstance(result, bytes) else result.encode("utf-8"))
    return EXIT_OK


def init_command(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``cn-init``."""
    _run(lambda: int(_init_cli.main(args=argv, prog_name="cn-init", standalone_mode=False)), "cn-init")
