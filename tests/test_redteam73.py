"""Red team 73b: an audit finding is placed in the inputs that hold its node, in every format that names files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES


def _series(tmp_path: Path) -> Path:
    folder = tmp_path / "series"
    shutil.copytree(EXAMPLES / "multi-period", folder)
    return folder


def test_every_sarif_result_of_an_audit_names_the_files_that_hold_its_node(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    # Before: audit results carried only a logical location, and GitHub code scanning refuses a whole log when one
    # result names no file: one double-counted credit kept every other finding out of code scanning.
    run = cli("--audits", "--as-of", "2026-06-01", "-f", "sarif", _series(tmp_path))
    results = json.loads(run.out)["runs"][0]["results"]
    audits = [r for r in results if r["ruleId"].startswith("CN-AUDIT-")]
    assert audits and all(r["locations"] for r in results)
    assert all("physicalLocation" in place for r in results for place in r["locations"])
    (double,) = [r for r in audits if r["ruleId"] == "CN-AUDIT-DOUBLE-01"]
    files = [Path(p["physicalLocation"]["artifactLocation"]["uri"]).name for p in double["locations"]]
    assert files == ["acme-2023.jsonld", "acme-2024.jsonld"]  # the two claims that retire the same biochar


def test_json_and_text_name_an_audit_findings_inputs(cli: Callable[..., Any], tmp_path: Path) -> None:
    series = _series(tmp_path)
    as_json = json.loads(cli("--audits", "--as-of", "2026-06-01", "-f", "json", series).out)
    audits = [r for r in as_json["results"] if r["rule"] == "CN-AUDIT-IMPROVE-01"]
    assert audits and all(r["inputs"] and all(Path(i).name.startswith("acme-") for i in r["inputs"]) for r in audits)
    # A claim's own finding keeps its documented keys.
    assert all("inputs" not in r for r in as_json["results"] if not r["rule"].startswith("CN-AUDIT-"))
    text = cli("--audits", "--as-of", "2026-06-01", series).out
    assert "    in:    " in text and "acme-2023.jsonld, " in text
