"""Robustness, fourth round: what a user sees when standard output fails, when one input trips a bug, and when a CSV
header, a JSON Lines line, a Turtle file or a workbook is not what it seems.

Each test asserts what a user notices: the exit code, one line on standard error, and the output left intact.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from comet_cn.cli import EXIT_OUTPUT_CLOSED
from comet_cn.errors import InputError
from comet_cn.importers.reading import read_table
from tests.conftest import EXAMPLES, ROOT, Run, in_process, script

GOOD = EXAMPLES / "conforming-claim.jsonld"
VERRA = ROOT / "tests" / "fixtures" / "imports" / "verra" / "example.csv"

needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


def _one_error_line(err: str, program: str, text: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"{program}: error: "), err
    assert text in lines[0], err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


# --- 1. standard output that fails mid-write -----------------------------------------------------------------------

#: Every console script that writes to standard output, with arguments that make it write there.
COMMANDS: dict[str, list[str]] = {
    "cn-validate": ["cn-validate", str(GOOD)],
    "cn-validate-json": ["cn-validate", "-f", "json", str(GOOD)],
    "cn-query-list": ["cn-query", "--list"],
    "cn-convert": ["cn-convert", str(GOOD), "--to", "turtle"],
    "cn-convert-xlsx": ["cn-convert", str(GOOD), "--to", "xlsx"],
    "cn-init": ["cn-init", "-", "--format", "yaml"],
    "cn-import": ["cn-import", "-q", "verra", str(VERRA)],
    "cn-validate-help": ["cn-validate", "--help"],
}


def _command(key: str) -> list[str]:
    name, *args = COMMANDS[key]
    return [*script(name), *args]


def _without_import_summary(err: str) -> str:
    """Standard error without cn-import's summary of what it read, written before the output as always."""
    return "".join(line for line in err.splitlines(keepends=True) if not line.startswith("cn-import: example.csv: "))


def _run_into(command: list[str], stdout: Any, stderr: Any = subprocess.PIPE) -> tuple[int, str]:
    done = subprocess.run(command, stdout=stdout, stderr=stderr, timeout=300, check=False)
    return done.returncode, (done.stderr or b"").decode("utf-8", "replace")


@pytest.mark.parametrize("key", list(COMMANDS))
def test_a_closed_pipe_ends_the_run_quietly(key: str) -> None:
    """The reader is gone before the first byte (`| true`): no message, no traceback, and not exit 1 (a verdict)."""
    read, write = os.pipe()
    os.close(read)
    try:
        code, err = _run_into(_command(key), stdout=write)
    finally:
        os.close(write)
    assert code == EXIT_OUTPUT_CLOSED, err
    assert _without_import_summary(err) == ""


def test_a_pipe_closed_mid_report_like_head_ends_the_run_quietly() -> None:
    """`cn-validate -f html ... | head -c 10`: the report is far larger than a pipe's buffer, so the reader leaves
    while it is being written."""
    command = [*script("cn-validate"), "-f", "html", str(GOOD), str(GOOD), str(GOOD)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert len(process.stdout.read(10)) == 10
    process.stdout.close()
    err = process.stderr.read().decode("utf-8", "replace")
    assert process.wait(timeout=300) == EXIT_OUTPUT_CLOSED, err
    assert err == ""


def test_a_closed_pipe_on_both_streams_ends_the_run_quietly() -> None:
    """`cn-validate bad good 2>&1 | head -c 1`: the error line for the bad input cannot be written either; no
    second error, no traceback (which could not be shown anyway), and the exit code says the pipe closed."""
    read, write = os.pipe()
    os.close(read)
    try:
        code, _ = _run_into(
            [*script("cn-validate"), str(ROOT / "missing.jsonld"), str(GOOD)], stdout=write, stderr=write
        )
    finally:
        os.close(write)
    assert code == EXIT_OUTPUT_CLOSED


@needs_dev_full
@pytest.mark.parametrize("key", list(COMMANDS))
def test_a_full_standard_output_is_one_line_and_exit_2(key: str) -> None:
    """`> /dev/full`: one line naming standard output and the reason, exit 2; never `internal error`, exit 3."""
    with open("/dev/full", "wb") as full:
        code, err = _run_into(_command(key), stdout=full)
    assert code == 2, err
    err = _without_import_summary(err)
    program = COMMANDS[key][0]
    line = _one_error_line(err, program, "standard output: cannot be written (No space left on device)")
    assert line == f"{program}: error: standard output: cannot be written (No space left on device)"


def test_a_closed_standard_output_is_one_line_and_exit_2() -> None:
    """`cn-validate claim >&-`: Python has no sys.stdout at all; that was an AttributeError, exit 3."""
    code, err = _run_into([*script("cn-validate"), str(GOOD)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert code == 0, err  # the control: the same run with an open standard output
    done = subprocess.run(
        [*script("cn-validate"), str(GOOD)],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=300,
        check=False,
        preexec_fn=lambda: os.close(1),  # in the child alone, before exec: the shell's >&-
    )
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    _one_error_line(err, "cn-validate", "standard output: cannot be written")


def test_a_full_standard_error_costs_no_verdict() -> None:
    """Messages that cannot be written (2>/dev/full) are dropped: the report and the exit code are intact."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [*script("cn-validate"), str(ROOT / "missing.jsonld"), str(GOOD)],
            stdout=subprocess.PIPE,
            stderr=full,
            timeout=300,
            check=False,
        )
    out = done.stdout.decode("utf-8")
    assert done.returncode == 2
    assert f"{GOOD}: CONFORMS" in out and "Summary: 2 input(s): 1 conform" in out


# --- 2. a bug in one input: exit 3, as the security page says ------------------------------------------------------


def test_a_bug_in_one_input_exits_3_and_the_security_page_says_so(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import comet_cn.batch
    from comet_cn.validation import validate

    bad = tmp_path / "bad.jsonld"
    bad.write_bytes(GOOD.read_bytes())

    def patched(source: Any, *, name: str | None = None, **options: Any) -> Any:
        if name == str(bad):
            raise ValueError("a bug")
        return validate(source, name=name, **options)

    monkeypatch.setattr(comet_cn.batch, "validate", patched)
    run = cli(bad, GOOD)
    assert run.code == 3, run.err
    assert run.err.strip().splitlines() == [
        f"cn-validate: error: {bad}: could not be validated: internal error (ValueError)"
    ]
    assert f"{GOOD}: CONFORMS" in run.out  # the other input keeps its verdict

    page = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    row = next(line for line in page.splitlines() if line.startswith("| One input trips a bug"))
    assert "exit 3" in row and "exit 2" not in row
    assert "(2 for an input that could not be\nvalidated)" not in page


# --- 3. a CSV header that names a column twice ---------------------------------------------------------------------


def _with_extra_column(tmp_path: Path, header: str, value: str) -> Path:
    import csv

    rows = list(csv.reader(io.StringIO(VERRA.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*rows[0], header])
    for row in rows[1:]:
        writer.writerow([*row, value])
    path = tmp_path / "export.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "spelt"),
    [("Quantity Issued", ""), ("quantity  ISSUED ", ", spelt 'quantity ISSUED' the second time")],
    ids=["same", "case-and-spacing"],
)
@pytest.mark.parametrize("format_name", ["verra", "auto"])
def test_a_csv_header_naming_a_column_twice_is_refused(
    cn_import: Callable[..., Run], tmp_path: Path, header: str, spelt: str, format_name: str
) -> None:
    """The second "Quantity Issued" used to win in silence: 999,999 tonnes imported instead of the registry's 12,500."""
    export = _with_extra_column(tmp_path, header, "999,999")
    out = tmp_path / "imported.jsonld"
    run = cn_import(format_name, export, "-o", out)
    assert run.code == 2, run.err
    assert run.out == "" and not out.exists()
    _one_error_line(
        run.err,
        "cn-import",
        f"{export}: the header names the column 'Quantity Issued' twice (columns 11 and 18{spelt})",
    )


def test_read_table_refuses_a_repeated_header_but_not_repeated_empty_ones() -> None:
    with pytest.raises(InputError) as refused:
        read_table("a,b,A\n1,2,3\n")
    assert "the header names the column 'a' twice (columns 1 and 3, spelt 'A' the second time)" in refused.value.problem
    # Empty names hold no data and are never read (an APX export ends every line with a comma).
    table = read_table("a,b,,\n1,2,,\n")
    assert [dict(row.values) for row in table.rows] == [{"a": "1", "b": "2"}]


# --- 4. a cut JSON Lines line is named by its own line -------------------------------------------------------------


def _json_lines(tmp_path: Path, *, last_newline: bool) -> tuple[Path, str]:
    one = json.dumps(json.loads(GOOD.read_text(encoding="utf-8")))
    path = tmp_path / "claims.jsonl"
    text = f"{one}\n\n{one[:50]}\n{one}\n" + one[:60] + ("\n" if last_newline else "")
    path.write_text(text, encoding="utf-8")
    return path, one


@pytest.mark.parametrize("last_newline", [True, False], ids=["newline", "no-newline"])
def test_a_cut_json_lines_line_is_named_by_its_line_number(
    cli: Callable[..., Run], tmp_path: Path, last_newline: bool
) -> None:
    """Line 3 (after a blank line 2) and line 5 are cut; lines 1 and 4 keep their verdicts; numbers are 1-based."""
    path, _ = _json_lines(tmp_path, last_newline=last_newline)
    run = cli("-f", "json", path)
    assert run.code == 2, run.err
    verdicts = {entry["source"]: entry["conforms"] for entry in run.json()["inputs"]}
    assert verdicts == {f"{path}:1": True, f"{path}:3": None, f"{path}:4": True, f"{path}:5": None}
    lines = run.err.strip().splitlines()
    assert [line.split(": not valid JSON")[0] for line in lines] == [
        f"cn-validate: error: {path}:3",
        f"cn-validate: error: {path}:5",
    ]


@pytest.mark.parametrize("last_newline", [True, False], ids=["newline", "no-newline"])
def test_a_cut_json_lines_line_names_no_other_line_in_its_message(
    cli: Callable[..., Run], tmp_path: Path, last_newline: bool
) -> None:
    """The message named `claims.jsonl:5` and then, in brackets, `line 1` or `line 2` (the parser's count within the
    line, the cut line's own newline included): only the column belongs there, and the problem said once."""
    path, _ = _json_lines(tmp_path, last_newline=last_newline)
    run = cli(path)
    lines = run.err.strip().splitlines()
    assert len(lines) == 2, run.err
    for line in lines:
        assert re.search(r"\(Unterminated string starting at column \d+\)$", line), line
        assert " line " not in line.split(": ", 2)[2] and " at at " not in line


# --- 5. deeply nested Turtle ---------------------------------------------------------------------------------------


def _deep_turtle(tmp_path: Path, levels: int, opener: str = "[ ex:p ", closer: str = " ]") -> Path:
    path = tmp_path / f"deep-{levels}.ttl"
    text = "@prefix ex: <http://example.org/> .\nex:a ex:p " + opener * levels + "ex:b" + closer * levels + " .\n"
    path.write_text(text, encoding="utf-8")
    return path


def test_deep_turtle_is_refused_in_one_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli(_deep_turtle(tmp_path, 5000), GOOD)
    assert run.code == 2, run.err
    assert f"{GOOD}: CONFORMS" in run.out  # the other input keeps its verdict
    _one_error_line(run.err, "cn-validate", "deep-5000.ttl: ")


@pytest.mark.parametrize(
    ("levels", "opener", "closer"),
    [(150, "[ ex:p ", " ]"), (5000, "[ ex:p ", " ]"), (5000, "( ", " )")],
    ids=["150-blank-nodes", "5000-blank-nodes", "5000-collections"],
)
def test_deep_turtle_says_it_is_nested_too_deeply_not_a_syntax_error(
    cli: Callable[..., Run], tmp_path: Path, levels: int, opener: str, closer: str
) -> None:
    """As JSON does (`JSON nested deeper than 100 levels`): rdflib's parser recursed until Python's limit, and the
    RecursionError read as `not valid Turtle (syntax error)`."""
    run = cli(_deep_turtle(tmp_path, levels, opener, closer))
    assert run.code == 2, run.err
    line = _one_error_line(run.err, "cn-validate", "Turtle nested deeper than 100 levels")
    assert "syntax error" not in line


# --- 6. a Strict Open XML workbook ---------------------------------------------------------------------------------

_STRICT = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
    "http://schemas.openxmlformats.org/drawingml/2006/main": "http://purl.oclc.org/ooxml/drawingml/main",
}


def _rewritten(source: bytes, edit: Callable[[str, str], str]) -> bytes:
    """The workbook with every XML part (content types aside) passed through ``edit(part name, text)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename.endswith((".xml", ".rels")) and info.filename != "[Content_Types].xml":
                data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
            copy.writestr(info.filename, data)
    return out.getvalue()


def _as_strict(part: str, text: str) -> str:
    """What Excel's "Strict Open XML Spreadsheet" writes: the purl.oclc.org namespaces, a strict workbook."""
    for transitional, strict in _STRICT.items():
        text = text.replace(transitional, strict)
    return text.replace("<workbook ", '<workbook conformance="strict" ', 1) if part == "xl/workbook.xml" else text


def _workbook(tmp_path: Path, name: str, edit: Callable[[str, str], str]) -> Path:
    pytest.importorskip("openpyxl")
    from comet_cn.workbook import workbook_bytes

    document = json.loads(GOOD.read_text(encoding="utf-8"))
    path = tmp_path / name
    path.write_bytes(_rewritten(workbook_bytes(document), edit))
    return path


@pytest.mark.parametrize("program", ["cn-validate", "cn-convert"])
def test_a_strict_open_xml_workbook_is_refused_not_read_as_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], program: str
) -> None:
    """It read as a workbook of no sheets: cn-validate said NOT A CLAIM (a verdict on nothing), cn-convert wrote an
    empty claim with exit 0."""
    from comet_cn.cli import validate_command
    from comet_cn.convert_cli import convert_command

    strict = _workbook(tmp_path, "claim.xlsx", _as_strict)
    if program == "cn-validate":
        run = in_process(validate_command, capsys)(strict, GOOD)
        assert f"{GOOD}: CONFORMS" in run.out and "NOT A CLAIM" not in run.out
    else:
        run = in_process(convert_command, capsys)(strict, tmp_path / "claim.jsonld")
        assert not (tmp_path / "claim.jsonld").exists()
    assert run.code == 2, run.err
    _one_error_line(
        run.err,
        program,
        f"{strict}: a Strict Open XML Spreadsheet: the Strict format is not supported; save the workbook as a "
        "normal Excel Workbook (.xlsx)",
    )


def test_the_same_workbook_saved_normally_is_read(cli: Callable[..., Run], tmp_path: Path) -> None:
    """The control: the workbook before its namespaces were made Strict conforms."""
    normal = _workbook(tmp_path, "claim.xlsx", lambda _, text: text)
    run = cli(normal)
    assert run.code == 0, run.err
    assert f"{normal}: CONFORMS" in run.out


def test_a_workbook_in_which_no_sheet_can_be_read_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    """A sheet list openpyxl cannot read (here: emptied) is no sheet at all: refused, never an empty claim."""

    def no_sheets(part: str, text: str) -> str:
        return re.sub(r"<sheets>.*</sheets>", "<sheets/>", text, flags=re.DOTALL) if part == "xl/workbook.xml" else text

    empty = _workbook(tmp_path, "claim.xlsx", no_sheets)
    run = cli(empty)
    assert run.code == 2, run.err
    assert "NOT A CLAIM" not in run.out
    _one_error_line(run.err, "cn-validate", f"{empty}: not a valid .xlsx workbook")
