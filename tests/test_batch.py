"""Batch validation from the command line: many files, directories, JSON Lines, workers, progress, summary."""

from __future__ import annotations

import os
import pty
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from comet_cn.synthetic import VIOLATIONS, as_json_line, synthetic_batch
from tests.conftest import EXAMPLES, Run, run_script, script


def _jsonl(tmp_path: Path, count: int) -> tuple[Path, list[str | None]]:
    path = tmp_path / "claims.jsonl"
    expected = []
    with path.open("w", encoding="utf-8") as handle:
        for document, rule in synthetic_batch(count, violation_every=3):
            handle.write(as_json_line(document) + "\n")
            expected.append(rule)
    return path, expected


def test_json_lines_give_one_verdict_per_line_with_counts_per_rule(cli: Callable[..., Run], tmp_path: Path) -> None:
    path, expected = _jsonl(tmp_path, 9)
    run = cli("-f", "json", "-j", "2", path)
    document = run.json()
    assert run.code == 1
    assert [i["source"] for i in document["inputs"]] == [f"{path}:{n}" for n in range(1, 10)]
    assert [i["conforms"] for i in document["inputs"]] == [rule is None for rule in expected]
    wanted = {rule: expected.count(rule) for rule in set(expected) if rule}
    assert {k: v for k, v in document["summary"]["rules"].items()} == wanted
    assert set(wanted) <= set(VIOLATIONS.values())


def test_directory_input_and_jobs_give_the_same_report(cli: Callable[..., Run]) -> None:
    folder = EXAMPLES / "multi-period"
    one = cli("-f", "json", "-j", "1", folder)
    two = cli("-f", "json", "-j", "2", folder)
    assert one.code == two.code == 0 and one.out == two.out
    assert len(one.json()["inputs"]) == 3


def test_text_summary_counts_findings_per_rule(cli: Callable[..., Run]) -> None:
    run = cli(EXAMPLES / "violations" / "cn-plan-01-missing-plan-element.jsonld", EXAMPLES / "conforming-claim.jsonld")
    assert "Summary: 2 input(s): 1 conform, 1 do not, 0 could not be read. Findings per rule: CN-PLAN-01 ×1." in run.out


@pytest.mark.slow
def test_progress_line_on_a_terminal_and_none_when_piped(tmp_path: Path) -> None:
    path, _ = _jsonl(tmp_path, 6)
    piped = subprocess.run([*script("cn-validate"), "-f", "json", path], capture_output=True, text=True)
    assert piped.stderr == "" and piped.returncode == 1
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run([*script("cn-validate"), "-f", "json", path], stdout=subprocess.PIPE, stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert done.returncode == 1
    assert b"checked" in shown and b"claim(s)" in shown


def test_json_lines_on_standard_input_get_a_verdict_each() -> None:
    """Red team 13: a pipeline's stream of claims on ``-`` was one unreadable input (exit 2, no verdict at all)."""
    lines = [as_json_line(document) for document, _ in synthetic_batch(4, violation_every=2)]
    stream = (lines[0] + "\n\n" + lines[1] + "\n" + '{"broken": \n' + lines[2] + "\n" + lines[3] + "\n").encode()
    run = run_script("cn-validate", "-j", "2", "-", stdin=stream)
    verdicts = [line.split(": ", 1) for line in run.out.splitlines() if line.startswith("<stdin>:")]
    assert [name for name, _ in verdicts] == ["<stdin>:1", "<stdin>:3", "<stdin>:4", "<stdin>:5", "<stdin>:6"]
    assert [text.split(" (")[0] for _, text in verdicts] == [
        "DOES NOT CONFORM to ISO 14068-1",
        "CONFORMS to ISO 14068-1",
        "ERROR not valid JSON",
        "DOES NOT CONFORM to ISO 14068-1",
        "CONFORMS to ISO 14068-1",
    ]
    assert (
        run.code == 2
        and run.err.strip() == "cn-validate: error: <stdin>:4: not valid JSON (Expecting value at column 12)"
    )
    # One claim, pretty-printed or on one line, is still one input.
    claim = (EXAMPLES / "conforming-claim.jsonld").read_bytes()
    assert run_script("cn-validate", "-", stdin=claim).out.startswith("<stdin>: CONFORMS")
    one_line = lines[1].encode() + b"\n"
    assert run_script("cn-validate", "-", stdin=one_line).out.startswith("<stdin>: CONFORMS")
