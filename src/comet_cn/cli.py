"""Command line: ``cn-validate``. Parses arguments, calls the library, formats output, maps outcomes to exit codes.

Exit codes: 0 every input conforms; 1 some input does not conform (or has warnings, with --strict);
2 usage or input error (one line on stderr, no traceback), a full disk on standard output included; 3 internal error;
141 (128 + SIGPIPE) standard output's reader went away (``| head``), with nothing on stderr.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import stat
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rdflib import Graph

from comet_cn import __version__, stopping
from comet_cn.batch import DEFAULT_TIMEOUT, JOBS_PER_CORE, max_jobs, validate_many
from comet_cn.errors import InputError
from comet_cn.loading import LoadLimits, Source, iter_inputs, iter_stream, load
from comet_cn.output import OutputClosed, atomic_output, guarded_standard_streams, inside_folder, same_file
from comet_cn.queries import QUERY_FORMATS, format_result, list_queries, parse_binding, query
from comet_cn.reporting import FORMATS, InputFailure, Outcome, ReportWriter, checked_with, escape_controls
from comet_cn.results import Severity
from comet_cn.store import DEFAULT_ENDPOINT_TIMEOUT, Backend, EndpointBackend, OxigraphBackend
from comet_cn.validation import DEFAULT_MAX_TRIPLES, RuleParameters, ValidationReport

EXIT_OK, EXIT_NONCONFORMANT, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: Standard output's reader went away: 128 + SIGPIPE, the status a shell shows for a tool a closed pipe stopped.
EXIT_OUTPUT_CLOSED = 128 + 13


_NOISY_LOGGERS = ("rdflib", "pyshacl")
# pySHACL's validate() logs through a logger of its own, outside the "pyshacl" tree, and sets its level on every
# call: it is switched off instead (a broken --shapes file printed its error twice before the one line).
_SELF_LEVELLED_LOGGERS = ("pyshacl-validate",)


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Silence the libraries' logs and warnings for one command, and put them back afterwards.

    rdflib logs a full traceback for every ill-typed literal and warns about odd booleans; the shapes report those
    values as violations, so the noise would only bury the one-line messages users need. A program that runs the
    command in-process (a test, a notebook) keeps its own logging and warning settings.
    """
    levels = {name: logging.getLogger(name).level for name in _NOISY_LOGGERS}
    disabled = {name: logging.getLogger(name).disabled for name in _SELF_LEVELLED_LOGGERS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in _NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        for name in _SELF_LEVELLED_LOGGERS:
            logging.getLogger(name).disabled = True
        try:
            yield
        finally:
            for name, level in levels.items():
                logging.getLogger(name).setLevel(level)
            for name, was in disabled.items():
                logging.getLogger(name).disabled = was


def _expand(inputs: Sequence[str], limits: LoadLimits) -> Iterator[tuple[str, Source] | InputFailure]:
    """Each input as claims, lazily: directories and JSON Lines files are read as the run goes; an entry that
    must be refused (a link out of its folder, a FIFO, a bad line) is that entry's failure, and the rest go on."""
    for item in inputs:
        try:
            stdin = item == "-"
            if stdin and sys.stdin is None:  # started with standard input closed (0<&-)
                raise InputError("<stdin>", "standard input is closed")
            entries = (
                iter_stream(sys.stdin.buffer, limits=limits) if stdin else iter_inputs([Path(item)], limits=limits)
            )
            for entry in entries:
                yield InputFailure(entry.source, entry.problem) if isinstance(entry, InputError) else entry
        except InputError as error:
            yield InputFailure(error.source, error.problem)


class _Progress:
    """A one-line counter on standard error, shown only when it is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.done = 0
        self.failing = 0
        self._last = 0.0

    def update(self, outcome: Outcome) -> None:
        self.done += 1
        self.failing += not (isinstance(outcome, ValidationReport) and outcome.conforms)
        now = time.monotonic()
        if self.enabled and now - self._last > 0.2:
            self._last = now
            click.echo(
                f"\rchecked {self.done} claim(s), {self.failing} not conforming or unreadable", nl=False, err=True
            )

    def finish(self) -> None:
        if self.enabled and self.done:
            click.echo("\r" + " " * 70 + "\r", nl=False, err=True)


def _exit_code(outcomes: Sequence[Outcome], strict: bool) -> int:
    code = EXIT_OK
    for outcome in outcomes:
        if isinstance(outcome, InputFailure):
            code = max(code, EXIT_INTERNAL if outcome.internal else EXIT_INPUT)
        elif not outcome.passes(strict=strict):
            code = max(code, EXIT_NONCONFORMANT)
    return code


def _run(action: Callable[[], int], program: str) -> None:
    with _quiet_libraries():
        code = _outcome_of(action, program)
    sys.exit(code)


def _outcome_of(action: Callable[[], int], program: str) -> int:
    # SIGTERM and SIGHUP end the run as SystemExit, so that `finally` blocks clean up; the caller's handlers return
    try:
        with stopping.installed(), guarded_standard_streams():
            return _handled(action, program)
    except OutputClosed:
        return EXIT_OUTPUT_CLOSED
    except InputError as error:  # what a handler wrote to standard output could not be flushed
        with suppress(OSError):
            click.echo(f"{program}: error: {error}", err=True)
        return EXIT_INPUT


def _handled(action: Callable[[], int], program: str) -> int:
    """The command's exit code; whatever it raises is one line on standard error, never a traceback."""
    try:
        code = action()
        sys.stdout.flush()  # a report still buffered fails here, in one line, not as the interpreter exits
    except OutputClosed:  # a closed pipe (| head) is the reader's choice: nothing to say, and nowhere to say it
        code = EXIT_OUTPUT_CLOSED
    except InputError as error:
        click.echo(f"{program}: error: {error}", err=True)
        code = EXIT_INPUT
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.ClickException as error:
        click.echo(f"{program}: error: {' '.join(error.format_message().split())}", err=True)
        code = EXIT_INPUT
    except (click.Abort, KeyboardInterrupt):
        click.echo(f"{program}: interrupted; no report written", err=True)
        code = 130
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else EXIT_INTERNAL
    except Exception as error:  # the promise is one line and exit 3, never a traceback
        click.echo(f"{program}: internal error: {type(error).__name__}: {' '.join(str(error).split())}", err=True)
        code = EXIT_INTERNAL
    return code


#: The open parameters' defaults are the library's (RuleParameters), written once.
_DEFAULTS = RuleParameters()


def _store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--store``, ``--endpoint``, ``--load-endpoint`` and ``--endpoint-timeout``: where the audits run."""
    options = (
        click.option(
            "--store",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            metavar="DIR",
            help="Run in an on-disk Oxigraph store in DIR (the 'store' extra), emptied and loaded with the inputs.",
        ),
        click.option(
            "--endpoint",
            default=None,
            metavar="URL",
            help="Run against this SPARQL endpoint (read-only unless --load-endpoint is given).",
        ),
        click.option(
            "--load-endpoint",
            default=None,
            metavar="URL",
            help="Load the inputs into the endpoint first, through this Graph Store Protocol URL (adds to the "
            "default graph).",
        ),
        click.option(
            "--endpoint-timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=DEFAULT_ENDPOINT_TIMEOUT,
            show_default=True,
            metavar="SECONDS",
            help="How long to wait for the endpoint's answer.",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _finished_store(store: Path) -> OxigraphBackend:
    """The on-disk store to query as it is, refused unless its last load finished and left a claim in it."""
    backend = OxigraphBackend(store)
    state = backend.loaded_state()
    if state is None or state[0] == 0:
        backend.close()
        why = (
            "holds no claim: the run that built it could read none of its inputs"
            if state is not None
            else "was not loaded to the end (the run that built it stopped or failed while loading)"
        )
        raise InputError(str(store), f"{why}; give SOURCE to rebuild it")
    if state[1]:
        click.echo(
            f"cn-query: warning: {store}: built by a run where {state[1]} input(s) could not be read; the answer "
            f"covers the {state[0]} claim(s) it holds",
            err=True,
        )
    return backend


def _backend(store: Path | None, endpoint: str | None, load_url: str | None, timeout: float) -> Backend | None:
    """The backend the options name, or None for the default."""
    if store is not None and endpoint is not None:
        raise click.UsageError("give --store or --endpoint, not both")
    if load_url is not None and endpoint is None:
        raise click.UsageError("--load-endpoint needs --endpoint (the URL to query)")
    if store is not None:
        return OxigraphBackend(store, clear=True)
    if endpoint is not None:
        return EndpointBackend(endpoint, store_url=load_url, timeout=timeout)
    return None


_reasoning_option = click.option(
    "-i",
    "--reasoning",
    type=click.Choice(["none", "rdfs", "owlrl"]),
    default="owlrl",
    show_default=True,
    help="Inference before validation (OWL 2 RL by default).",
)
#: Formats written from the whole run at its end: the outcomes (for html and junit, the claim graphs too) are kept.
WHOLE_RUN_FORMATS = ("html", "sarif", "junit")

_format_option = click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, *WHOLE_RUN_FORMATS]),
    default="text",
    show_default=True,
    help="Report format (html: the dossier; sarif and junit: for CI systems).",
)


def _output_path(ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``-o -`` is standard output, as ``-`` is standard input among the inputs; ``-o ''`` names no file."""
    if value is None or value == "-":
        return None
    if not value:
        raise click.BadParameter("give a file name, or - for standard output", ctx=ctx, param=param)
    return Path(value)


def _seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A number of seconds: NaN passes a range check (it compares false with everything), so it is refused here."""
    if value is not None and math.isnan(value):
        raise click.BadParameter("give a number of seconds (0: no limit)", ctx=ctx, param=param)
    return value


_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    callback=_output_path,
    help="Write the report to this file (atomically) instead of standard output (-).",
)


def _refuse_output_among(output: Path | None, inputs: Iterable[str], what: str, result: str) -> None:
    """Refuse an output that is one of the inputs, or lies in an input folder: the report would replace the claim
    it is about (the only copy of what was checked), or be read as a claim by the next run over that folder."""
    if output is None:
        return
    for item in inputs:
        if item == "-":
            if _stdin_is(output):
                raise click.UsageError(f"-o is standard input's file: write the {result} to another file")
            continue
        if same_file(Path(item), output):
            raise click.UsageError(f"-o is one of the {what}: write the {result} to another file")
        if inside_folder(output, Path(item)):
            raise click.UsageError(
                f"-o is inside the input folder {escape_controls(item)}: write the {result} outside it"
            )


def _stdin_is(output: Path) -> bool:
    # `cn-validate - -o claim.jsonld < claim.jsonld` would replace the claim with its report.
    try:
        given, target = os.fstat(sys.stdin.fileno()), output.stat()
    except (OSError, ValueError, AttributeError):  # no standard input, or no such file yet
        return False
    return stat.S_ISREG(given.st_mode) and (given.st_dev, given.st_ino) == (target.st_dev, target.st_ino)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, required=True, metavar="FILE... | -")
@_format_option
@_output_option
@click.option("-s", "--shapes", "shapes", multiple=True, metavar="FILE", help="Extra SHACL shapes (repeatable).")
@click.option("-e", "--ontology", "ontology", multiple=True, metavar="FILE", help="Extra ontology (repeatable).")
@_reasoning_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--vintage-max-age",
    type=click.IntRange(min=0),
    default=_DEFAULTS.vintage_max_age_years,
    show_default=True,
    help="Years a credit's vintage may lie before the reference date (§11.2).",
)
@click.option(
    "--vintage-reference",
    type=click.Choice(["start", "end"]),
    default=_DEFAULTS.vintage_reference,
    show_default=True,
    help="Measure vintage age from the start or the end of the claimed reporting period.",
)
@click.option(
    "--vintage-year",
    "vintage_property",
    type=click.Choice(["vintage", "issuance"]),
    default=_DEFAULTS.vintage_property,
    show_default=True,
    help="Which year is the vintage: the mitigation year or the issuance year.",
)
@click.option(
    "--retirement-window",
    type=click.IntRange(min=0),
    default=_DEFAULTS.retirement_window_months,
    show_default=True,
    help="Months after the reporting period within which credits must be retired (§11.2).",
)
@click.option(
    "--instrument-window",
    type=click.IntRange(min=0),
    default=_DEFAULTS.instrument_vintage_window_months,
    show_default=True,
    help="Months before and after the reporting period within which a contractual instrument's electricity must "
    "have been generated (Annex B.4, CN-ELEC-03).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=LoadLimits().max_bytes,
    show_default=True,
    help="Largest accepted input, in bytes.",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=1),
    default=LoadLimits().max_depth,
    show_default=True,
    help="Deepest accepted JSON nesting.",
)
@click.option(
    "--max-string",
    type=click.IntRange(min=1),
    default=LoadLimits().max_string_chars,
    show_default=True,
    help="Longest accepted string or literal, in characters.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help=f"Worker processes for many inputs, at most {JOBS_PER_CORE} per core; 0 uses every core.",
)
@click.option(
    "--unknown-terms",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Whether a term the vocabulary does not define (CN-INPUT-02) is a violation or only a warning.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="The date of the check (default: today's local date): claims about periods not over by then do not conform.",
)
@click.option(
    "--max-triples",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_TRIPLES,
    show_default=True,
    help="Work budget: the most triples one claim may have, as parsed and after reasoning.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    callback=_seconds,
    metavar="SECONDS",
    help=f"Time limit per claim: one that runs longer is stopped and reported (exit 2). Default {DEFAULT_TIMEOUT:g} "
    "with -j 2 or more; none with -j 1, where a limit given runs each claim in a worker process. 0: no limit.",
)
@click.option(
    "--shacl-engine",
    type=click.Choice(["pyshacl", "turbo"]),
    default="pyshacl",
    show_default=True,
    help="pyshacl: the reference. turbo: pyshacl-turbo (extra comet-cn[turbo]), several times faster, where it is "
    "installed and can run the bundled shapes; else the reference. The JSON report names the engine that ran.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress line on a terminal.")
@click.option("--audits", is_flag=True, help="Also run the cross-claim audits over all inputs together.")
@_store_options
@click.version_option(__version__, "-V", "--version", prog_name="cn-validate")
def _validate_cli(
    inputs: tuple[str, ...],
    fmt: str,
    output: Path | None,
    shapes: tuple[str, ...],
    ontology: tuple[str, ...],
    reasoning: str,
    strict: bool,
    vintage_max_age: int,
    vintage_reference: str,
    vintage_property: str,
    retirement_window: int,
    instrument_window: int,
    max_bytes: int,
    max_depth: int,
    max_string: int,
    jobs: int,
    unknown_terms: str,
    as_of: datetime | None,
    max_triples: int,
    timeout: float | None,
    shacl_engine: str,
    quiet: bool,
    audits: bool,
    store: Path | None,
    endpoint: str | None,
    load_endpoint: str | None,
    endpoint_timeout: float,
) -> int:
    """Check ISO 14068-1 carbon-neutrality claims (JSON-LD, Turtle or N-Triples files, directories of them,
    JSON Lines with one claim a line, or - for standard input)."""
    limits = LoadLimits(max_bytes=max_bytes, max_depth=max_depth, max_string_chars=max_string)
    parameters = RuleParameters(
        vintage_max_age_years=vintage_max_age,
        vintage_reference=vintage_reference,  # type: ignore[arg-type]
        vintage_property=vintage_property,  # type: ignore[arg-type]
        retirement_window_months=retirement_window,
        instrument_vintage_window_months=instrument_window,
        # Today is the local date, read once: every input of the run is checked against the same day.
        as_of=as_of.date() if as_of is not None else date.today(),
    )
    options: dict[str, Any] = {
        "reasoning": reasoning,
        "extra_shapes": [Path(s) for s in shapes],
        "extra_ontology": [Path(o) for o in ontology],
        "parameters": parameters,
        "limits": limits,
        "unknown_terms": unknown_terms,
        "max_triples": max_triples,
        "shacl_engine": shacl_engine,
    }
    if jobs > max_jobs():
        raise click.UsageError(
            f"-j {jobs} is too many worker processes: at most {max_jobs()} ({JOBS_PER_CORE} per core); "
            "-j 0 gives one per core"
        )
    if not audits and (store or endpoint or load_endpoint):
        raise click.UsageError("--store, --endpoint and --load-endpoint choose where --audits run: add --audits")
    if inputs.count("-") > 1:  # standard input is read once: the second "-" was an "empty input" failure
        raise click.UsageError("- (standard input) is given more than once: give it once")
    _refuse_output_among(output, inputs, "inputs", "report")
    _refuse_output_among(output, [*shapes, *ontology], "--shapes or --ontology files", "report")
    # Checked before any claim is validated, so a bad option costs nothing.
    backend = _backend(store, endpoint, load_endpoint, endpoint_timeout) if audits else None
    progress = _Progress(enabled=sys.stderr.isatty() and not quiet)
    failures: list[InputFailure] = []
    worst = EXIT_OK
    extra_violations = False
    with atomic_output(output) as stream:
        writer = (
            ReportWriter(
                stream,
                fmt,
                silent_lone_failure=output is None,
                strict=strict,
                checked=checked_with(
                    parameters,
                    unknown_terms,
                    extra_shapes=[str(s) for s in shapes],
                    extra_ontology=[str(o) for o in ontology],
                ),
            )
            if fmt in FORMATS
            else None
        )
        kept: list[Outcome] = []
        # html and junit read each claim's graph again, and the audits read every claim again: the inputs are
        # expanded once when standard input is among them (it can be read only once) or the format needs it.
        again = fmt in ("html", "junit") or (audits and "-" in inputs)
        items = list(_expand(inputs, limits)) if again else None
        # The limit is enforced by killing a worker process, so without workers (-j 1) there is none unless asked.
        limit = (DEFAULT_TIMEOUT if jobs != 1 else None) if timeout is None else (timeout or None)
        # Each input as handed to validation, to tell at the second read (page, JUnit, audits) that it changed.
        seen = _Seen()
        listed = iter(items) if items is not None else _expand(inputs, limits)
        outcomes = validate_many(
            seen.record(listed) if audits or items is not None else listed,
            jobs=jobs,
            keep_graph=fmt == "turtle",
            timeout=limit,
            **options,
        )
        for outcome in outcomes:
            progress.update(outcome)
            if writer is not None:
                writer.add(outcome)
            else:
                kept.append(outcome)
            worst = max(worst, _exit_code([outcome], strict))
            if isinstance(outcome, InputFailure):
                failures.append(outcome)
        progress.finish()
        extra = None
        if audits:
            readable: list[Source] = []
            named: dict[int, str] = {}  # an audit finding names its inputs as this report does (<stdin>, a.jsonl:3)
            for item in _readable(inputs, limits, {failure.source for failure in failures}, items, seen):
                if isinstance(item, InputFailure):  # read for its verdict, but not again: reported on its own
                    failures.append(item)
                    worst = max(worst, _exit_code([item], strict))
                else:
                    readable.append(item[1])
                    named[id(item[1])] = item[0]
            # Imported here: the audits and rdflib's SPARQL engine are a large part of a cold start.
            from comet_cn.audits import audit_results, run_audits
            from comet_cn.sparql_guards import engines_guarded

            with engines_guarded():  # the audit queries sum quantities too: an ill-typed one is not a crash
                if backend is None:
                    extra = run_audits(readable, reasoning=reasoning, limits=limits, names=_namer(named))
                elif isinstance(backend, EndpointBackend) and backend.store_url is None:
                    with closing(backend):  # the user's endpoint already holds the claims: it is only read
                        extra = audit_results(backend, source="<all inputs>")
                else:
                    with closing(backend):
                        extra = run_audits(
                            readable, reasoning=reasoning, limits=limits, backend=backend, names=_namer(named)
                        )
                        if isinstance(backend, OxigraphBackend):
                            # Only now is the store whole: cn-query reads it as it is only once this is recorded.
                            backend.mark_loaded(unread=len(failures))
            extra_violations = any(Severity.of(r.severity) == Severity.VIOLATION for r in extra)
        if writer is not None:
            writer.add_extra(extra or ())
            writer.close()
        else:
            graphs: list[Graph | None] = []
            failed = {failure.source for failure in failures}  # the audits may have found one unreadable already
            for index, (item, outcome) in enumerate(zip(items, kept, strict=True) if items is not None else ()):
                graph = None if isinstance(item, tuple) and item[0] in failed else _graph(item, outcome, limits)
                if isinstance(graph, Graph) and isinstance(item, tuple) and _mark(item[1]) != seen.marks.get(item[0]):
                    graph = InputFailure(item[0], "changed while it was checked: run again on the final file")
                if isinstance(graph, InputFailure):  # read for its verdict, but not again: reported on its own
                    failures.append(graph)
                    worst = max(worst, _exit_code([graph], strict))
                    # The page and the JUnit report show this input's error, never the verdict of a file read before
                    # it changed beside facts read after.
                    kept[index] = graph
                    graph = None
                graphs.append(graph)
            if fmt == "html":
                from comet_cn.dossier import render_dossier  # imported when asked for: it adds to every start

                page = render_dossier(
                    list(zip(kept, graphs, strict=True)),
                    audits=extra,
                    parameters=parameters,
                    unknown_terms="warning" if unknown_terms == "warning" else "error",
                    strict=strict,
                )
                stream.write(page)
            elif fmt == "junit":
                from comet_cn.ci_formats import to_junit

                stream.write(to_junit(kept, extra, graphs=graphs, strict=strict))
            else:
                from comet_cn.ci_formats import to_sarif

                stream.write(to_sarif(kept, extra or ()))
    for failure in failures:
        click.echo(
            f"cn-validate: error: {escape_controls(failure.source)}: {escape_controls(failure.message)}", err=True
        )
    if audits and worst < EXIT_NONCONFORMANT and extra_violations:
        worst = EXIT_NONCONFORMANT
    return worst


class _Seen:
    """Each input as it was handed to validation, by name: the audits read the inputs again, and a claim that
    appeared, changed or went away meanwhile would be audited without a verdict, or given one and left out."""

    def __init__(self) -> None:
        self.marks: dict[str, object] = {}

    def record(self, items: Iterable[tuple[str, Source] | InputFailure]) -> Iterator[tuple[str, Source] | InputFailure]:
        for item in items:
            if not isinstance(item, InputFailure):
                self.marks[item[0]] = _mark(item[1])
            yield item


def _mark(source: Source) -> object:
    """What tells two reads of an input apart: a file's size, time and inode; a line's or stream's own bytes."""
    if isinstance(source, Path):
        try:
            status = source.stat()
        except OSError:
            return None  # gone: reading it again says so
        return status.st_size, status.st_mtime_ns, status.st_ino
    if isinstance(source, bytes):
        return hashlib.blake2b(source, digest_size=16).digest()
    return None


def _load_again(name: str, source: Source, limits: LoadLimits) -> Graph | InputFailure:
    """An input's claim graph, loaded once more after its validation; whatever goes wrong is that input's failure
    (it was read a moment ago, so it has changed since, or the loader has a bug), never the run's."""
    try:
        return load(source, limits=limits)
    except InputError as error:
        return InputFailure(name, f"could not be read again after its validation: {error.problem}")
    except Exception as error:  # the message may quote the input: only the type, as for a validation
        return InputFailure(
            name,
            f"could not be read again after its validation: internal error ({type(error).__name__})",
            internal=True,
        )


def _graph(
    item: tuple[str, Source] | InputFailure, outcome: Outcome, limits: LoadLimits
) -> Graph | InputFailure | None:
    """An input's claim graph as loaded, for the dossier's facts and for which rules concern it (html, junit); None
    for an input already reported as unreadable, which is not read again."""
    if isinstance(item, InputFailure) or isinstance(outcome, InputFailure):
        return None
    return _load_again(item[0], item[1], limits)


def _namer(named: dict[int, str]) -> Callable[[Source], str]:
    """The name each audited claim has in this run's report (by the object read, as the audits are given it)."""
    from comet_cn.loading import describe_source

    return lambda source: named.get(id(source), describe_source(source))


def _readable(
    inputs: Sequence[str],
    limits: LoadLimits,
    skip: set[str],
    expanded: Sequence[tuple[str, Source] | InputFailure] | None,
    seen: _Seen,
) -> Iterator[tuple[str, Source] | InputFailure]:
    """The claims of the run that can be read, for the audits: those in ``skip`` (already reported as errors) are
    not read again; one that cannot be read now is its own failure, and the audits go on without it. ``expanded``
    is the run's inputs as already expanded, which holds standard input's claims (it cannot be read twice).

    Only what was validated is audited: a claim that appeared in a folder or a JSON Lines file during the run, or
    changed since its verdict, is a failure of its own (never audited without a verdict), and one that went away
    is one too (its credits would otherwise leave the double-counting audit without a word)."""
    again: set[str] = set()
    for item in expanded if expanded is not None else _expand(inputs, limits):
        name = item.source if isinstance(item, InputFailure) else item[0]
        if name in skip:
            continue
        again.add(name)
        if isinstance(item, InputFailure):
            yield item
            continue
        if name not in seen.marks:
            yield InputFailure(name, "appeared while the run was checking: run again to check and audit it")
            continue
        loaded = _load_again(name, item[1], limits)
        if isinstance(loaded, InputFailure):
            yield loaded
        elif _mark(item[1]) != seen.marks[name]:
            yield InputFailure(name, "changed while it was checked: run again on the final file")
        else:
            yield item
    for name in sorted(seen.marks.keys() - again - skip):
        yield InputFailure(name, "went away while it was checked: run again to audit the claims as they are")


def validate_command(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``cn-validate``."""
    _run(lambda: int(_validate_cli.main(args=argv, prog_name="cn-validate", standalone_mode=False)), "cn-validate")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("name", required=False, metavar="NAME|FILE.rq")
@click.argument("sources", nargs=-1, metavar="SOURCE...")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True, help="Output format."
)
@_output_option
@_reasoning_option
@click.option(
    "-b",
    "--bind",
    "bindings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query variable before running it (repeatable); IRIs are recognised by their scheme.",
)
@click.option("--list", "list_only", is_flag=True, help="List the bundled queries, one a line: name, then question.")
@_store_options
@click.version_option(__version__, "-V", "--version", prog_name="cn-query")
def _query_cli(
    name: str | None,
    sources: tuple[str, ...],
    fmt: str,
    output: Path | None,
    reasoning: str,
    bindings: tuple[str, ...],
    list_only: bool,
    store: Path | None,
    endpoint: str | None,
    load_endpoint: str | None,
    endpoint_timeout: float,
) -> int:
    """Run an audit query over one or more claims (files, directories of claims, JSON Lines)."""
    if list_only:
        click.echo("\n".join(f"{info.name}\t{info.question}" for info in list_queries()))
        return EXIT_OK
    # A store or an endpoint can be queried as it is; an rdflib graph is built from the sources each time.
    queried_as_is = (store is not None or endpoint is not None) and not sources
    if name is None or not (sources or queried_as_is):
        raise click.UsageError("give a query NAME (see --list) or FILE.rq, and at least one SOURCE")
    if endpoint is not None and sources and load_endpoint is None:
        raise click.UsageError("SOURCE with --endpoint needs --load-endpoint URL (the endpoint is only read otherwise)")
    if store is not None and queried_as_is and not store.is_dir():
        raise InputError(str(store), "no store there yet; give SOURCE to build it")
    values: dict[str, object] = {}
    for binding in bindings:
        key, sep, value = binding.partition("=")
        if not sep or not key.isidentifier():
            raise click.UsageError(f"--bind takes NAME=VALUE, not {binding!r}")
        if key in values:  # the last one silently won: a row is never both
            raise click.UsageError(f"--bind gives {key} more than once: bind a variable to one value")
        values[key] = parse_binding(value)
    for source in sources:
        if not Path(source).exists():
            raise InputError(source, "file not found")
    _refuse_output_among(output, [*sources, *([name] if name is not None else [])], "files read", "result")
    if store is not None and queried_as_is:
        backend: Backend | None = _finished_store(store)  # queried as it is, never emptied
    else:
        backend = _backend(store, endpoint, load_endpoint, endpoint_timeout)
    from comet_cn.sparql_guards import engines_guarded

    with engines_guarded():  # an ill-typed quantity in a SUM is an error to SPARQL, not a crash
        if backend is None:
            result = query(name, [Path(s) for s in sources], reasoning=reasoning, **values)  # type: ignore[arg-type]
        else:
            with closing(backend):
                result = query(name, [Path(s) for s in sources], reasoning=reasoning, backend=backend, **values)  # type: ignore[arg-type]
                if sources and isinstance(backend, OxigraphBackend):
                    backend.mark_loaded()  # rebuilt from SOURCE to the end: later runs may query it as it is
    with atomic_output(output) as stream:
        stream.write(format_result(result, fmt))
    return EXIT_OK


def query_command(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``cn-query``."""
    _run(lambda: int(_query_cli.main(args=argv, prog_name="cn-query", standalone_mode=False) or 0), "cn-query")
