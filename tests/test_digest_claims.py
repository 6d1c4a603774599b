"""Claims written from the ISO 14068-1 requirements, not from the project's examples.

Each file in tests/digest_claims/ tests one thing; expected.json gives the verdict the standard requires
("conforms": true, false or "error") and, where known, the rule ids that must fire. Entries marked
"or_error" are documents that hold no checkable claim: they must never conform, and an input error is as good.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from tests.conftest import Run

DATA = Path(__file__).resolve().parent / "digest_claims"
CASES: list[dict[str, Any]] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
MODES = ("none", "owlrl")
CN_VALIDATE = shutil.which("cn-validate") or str(Path(sys.executable).with_name("cn-validate"))


def _cases(slow: str) -> list[Any]:
    """Every file in both modes; ``slow`` names the mode left to the full set (CI), to keep the default run short."""
    return [
        pytest.param(case, mode, id=f"{case['file']}-{mode}", marks=[pytest.mark.slow] if mode == slow else [])
        for case in CASES
        for mode in MODES
    ]


def test_every_file_has_an_expectation() -> None:
    files = {p.name for p in DATA.iterdir() if p.name != "expected.json"}
    assert files == {case["file"] for case in CASES}


@pytest.mark.parametrize(("case", "mode"), _cases(slow="none"))
def test_cli(cli: Callable[..., Run], case: dict[str, Any], mode: str) -> None:
    # In-process through the real entry point (exit-code mapping included); test_installed_command runs the script.
    run = cli("-f", "json", "-i", mode, DATA / case["file"])
    expected = case["conforms"]
    allowed = {True: {0}, False: {1, 2} if case.get("or_error") else {1}, "error": {2}}[expected]
    assert run.code in allowed, f"{case['why']}\nexit {run.code}\n{run.out[-3000:]}{run.err}"
    if run.code == 2:
        return
    report = json.loads(run.out)
    assert report["conforms"] is expected
    fired = {r["rule"] for r in report["results"] if r["severity"] == "Violation"}
    assert set(case.get("rules", ())) <= fired, case["why"]


@pytest.mark.slow
def test_installed_command_gives_the_same_exit_codes() -> None:
    """The installed cn-validate script, as a user runs it, on every file at once."""
    files = [str(DATA / case["file"]) for case in CASES]
    run = subprocess.run([CN_VALIDATE, "-f", "json", *files], capture_output=True, text=True, timeout=900)
    report = json.loads(run.stdout)
    by_source = {entry["source"]: entry for entry in report["inputs"]}
    for case in CASES:
        entry = by_source[str(DATA / case["file"])]
        if case["conforms"] == "error" or (entry["error"] and case.get("or_error")):
            assert entry["error"], case["file"]
        else:
            assert entry["conforms"] is case["conforms"], case["file"]


@pytest.mark.parametrize(("case", "mode"), _cases(slow="owlrl"))
def test_api(case: dict[str, Any], mode: str) -> None:
    path = DATA / case["file"]
    expected = case["conforms"]
    if expected == "error":
        with pytest.raises(comet_cn.InputError):
            comet_cn.validate(path, reasoning=mode)  # type: ignore[arg-type]
        return
    try:
        report = comet_cn.validate(path, reasoning=mode)  # type: ignore[arg-type]
    except comet_cn.InputError:
        if case.get("or_error"):
            return
        raise
    assert report.conforms is expected, case["why"]
    assert set(case.get("rules", ())) <= report.rule_ids, case["why"]
