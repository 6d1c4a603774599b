"""Bad input and bad usage: one line on stderr naming the file and the problem, exit 2, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run, run_script


def _one_line_error(run: Run, *needles: str) -> None:
    assert run.code == 2, run
    lines = run.err.strip().splitlines()
    assert lines and all(line.startswith("cn-validate: error: ") for line in lines), run.err
    assert "Traceback" not in run.err + run.out
    # One unreadable input is one line in all: no report repeating it on standard output.
    assert len(lines) == 1 and run.out == "", run
    for needle in needles:
        assert needle in run.err


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("truncated.jsonld", b'{"@context": {}, "@id": ', "not valid JSON"),
        ("notjson.jsonld", b"hello world", "not JSON-LD"),
        ("broken.ttl", b"@prefix ex: <http://e/> . ex:a ex:b", "not valid Turtle"),
        ("empty.jsonld", b"", "empty input"),
        ("binary.jsonld", bytes(range(256)), "binary data"),
        ("wrong.ttl", b'{"@id": "http://e/a"}', "content is JSON"),
        ("remote.jsonld", b'{"@context": "https://evil.example/ctx.jsonld", "@id": "http://e/a"}', "remote @context"),
    ],
)
def test_bad_file(cli: Callable[..., Run], tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    _one_line_error(cli(path), str(path), problem)


def test_missing_file_and_empty_directory(cli: Callable[..., Run], tmp_path: Path) -> None:
    _one_line_error(cli(tmp_path / "nope.jsonld"), "nope.jsonld", "file not found")
    _one_line_error(cli(tmp_path), "no claim files")


def test_usage_errors_are_one_line(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "x.jsonld"
    path.write_text("{}", encoding="utf-8")
    run = cli("--format", "xml", path)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1 and "Traceback" not in run.err
    run = cli()
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1


def test_too_deep_and_too_large(cli: Callable[..., Run], tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonld"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _one_line_error(cli(deep), "nested deeper than")
    big = tmp_path / "big.jsonld"
    big.write_text('{"@id": "http://e/a"}', encoding="utf-8")
    _one_line_error(cli("--max-bytes", "5", big), "over the limit")


def test_remote_import_in_extra_ontology_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "<http://e/ont> a <http://www.w3.org/2002/07/owl#Ontology> ; "
        "<http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/evil.ttl> .\n",
        encoding="utf-8",
    )
    claim = tmp_path / "c.ttl"
    claim.write_text("<http://e/a> <http://e/p> <http://e/b> .\n", encoding="utf-8")
    _one_line_error(cli("--ontology", extra, claim), "owl:imports", "never fetched")


@pytest.mark.slow
def test_installed_script_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("not turtle at all", encoding="utf-8")
    run = run_script("cn-validate", path)
    assert run.code == 2 and "Traceback" not in run.err and str(path) in run.err
    assert run_script("cn-validate", "--help").code == 0


def test_an_unreadable_input_among_others_is_still_in_the_report(cli: Callable[..., Run], tmp_path: Path) -> None:
    """The lone-failure silence is for one input only: in a batch the report must still name what was not read."""
    empty = tmp_path / "empty.jsonld"
    empty.write_bytes(b"")
    run = cli(empty, empty.with_name("nope.jsonld"))
    assert run.code == 2
    assert f"{empty}: ERROR empty input" in run.out
    assert "Summary: 2 input(s): 0 conform, 0 do not, 2 could not be read." in run.out
    assert len(run.err.strip().splitlines()) == 2


def test_a_report_is_never_written_over_an_input(cli: Callable[..., Run], tmp_path: Path) -> None:
    """Red team 13: ``-o`` naming the claim replaced the claim with its own report (exit 0)."""
    claim = tmp_path / "claim.jsonld"
    original = (ROOT / "examples" / "conforming-claim.jsonld").read_bytes()
    claim.write_bytes(original)
    (tmp_path / "same.jsonld").hardlink_to(claim)
    (tmp_path / "link.jsonld").symlink_to(claim)
    for target in (claim, tmp_path / "same.jsonld", tmp_path / "link.jsonld"):
        run = cli("-o", target, claim)
        assert (
            run.code == 2
            and run.err.strip() == "cn-validate: error: -o is one of the inputs: write the report to another file"
        )
        assert claim.read_bytes() == original
    assert cli("-o", tmp_path / "report.txt", claim).code == 0


def test_a_report_is_never_written_over_a_shapes_or_ontology_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    """Red team 27b: ``-o`` naming the ``-s`` or ``-e`` file replaced the user's shapes with the report (exit 0)."""
    extra = tmp_path / "extra.ttl"
    original = b"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<urn:ex:extra> a owl:Ontology .\n"
    extra.write_bytes(original)
    for option in ("-s", "-e"):
        run = cli(option, extra, "-o", extra, ROOT / "examples" / "conforming-claim.jsonld")
        assert run.code == 2 and run.err.strip() == (
            "cn-validate: error: -o is one of the --shapes or --ontology files: write the report to another file"
        )
        assert extra.read_bytes() == original


def test_a_query_result_is_never_written_over_a_source(tmp_path: Path) -> None:
    claim = tmp_path / "claim.jsonld"
    original = (ROOT / "examples" / "conforming-claim.jsonld").read_bytes()
    claim.write_bytes(original)
    run = run_script("cn-query", "double-counting", claim, "-o", claim)
    assert run.code == 2 and "-o is one of the files read" in run.err and len(run.err.strip().splitlines()) == 1
    assert claim.read_bytes() == original


def test_a_query_variable_bound_twice_is_refused() -> None:
    # Red team 27b: -b claim=A -b claim=B kept B without a word.
    claim = ROOT / "examples" / "conforming-claim.jsonld"
    run = run_script("cn-query", "-b", "claim=urn:x:a", "-b", "claim=urn:x:b", "neutrality-balance", claim)
    assert run.code == 2 and run.err.strip() == (
        "cn-query: error: --bind gives claim more than once: bind a variable to one value"
    )


def test_a_report_is_never_written_over_the_file_on_standard_input(tmp_path: Path) -> None:
    # Red team 27b: `cn-validate - -o claim.jsonld < claim.jsonld` replaced the claim with its report.
    import subprocess

    from tests.conftest import script

    claim = tmp_path / "claim.jsonld"
    original = (ROOT / "examples" / "conforming-claim.jsonld").read_bytes()
    claim.write_bytes(original)
    with claim.open("rb") as given:
        run = subprocess.run(
            [*script("cn-validate"), "-", "-o", str(claim)], stdin=given, capture_output=True, text=True, timeout=120
        )
    assert run.returncode == 2
    assert run.stderr.strip() == "cn-validate: error: -o is standard input's file: write the report to another file"
    assert claim.read_bytes() == original
