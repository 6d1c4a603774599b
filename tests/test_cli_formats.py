"""cn-validate writes the dossier, SARIF and JUnit, and every format agrees with the exit code."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest

from comet_cn.ci_formats import report_schema
from tests.conftest import EXAMPLES, Run

FAILING = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"
PASSING = EXAMPLES / "conforming-claim.jsonld"


@pytest.mark.parametrize(("path", "code"), [(PASSING, 0), (FAILING, 1)])
def test_html_dossier_is_written_with_the_verdict(
    cli: Callable[..., Run], tmp_path: Path, path: Path, code: int
) -> None:
    target = tmp_path / "dossier.html"
    run = cli("-f", "html", "-o", target, path)
    assert run.code == code
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert ("DOES NOT CONFORM" in page) is (code == 1)
    if code:
        assert "CN-VINT-01" in page


def test_sarif_and_junit_name_the_failing_rule(cli: Callable[..., Run]) -> None:
    sarif = cli("-f", "sarif", FAILING)
    assert sarif.code == 1
    results = json.loads(sarif.out)["runs"][0]["results"]
    assert [r["ruleId"] for r in results if r["level"] == "error"] == ["CN-VINT-01"]
    junit = cli("-f", "junit", FAILING)
    assert junit.code == 1
    failures = ElementTree.fromstring(junit.out).iter("failure")
    assert any("CN-VINT-01" in (f.get("message") or "") + (f.text or "") for f in failures)


def test_the_json_report_carries_its_format_version_and_follows_its_schema(cli: Callable[..., Run]) -> None:
    import jsonschema

    document = cli("-f", "json", FAILING, PASSING).json()
    assert document["format_version"] == "1.2"
    jsonschema.validate(document, report_schema())


def test_a_whole_run_format_still_reports_an_unreadable_input(cli: Callable[..., Run], tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonld"
    broken.write_text("{", encoding="utf-8")
    run = cli("-f", "sarif", broken, PASSING)
    assert run.code == 2 and run.err.count("\n") == 1
    assert json.loads(run.out)["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_a_filled_workbook_and_a_yaml_claim_are_validated_directly(cli: Callable[..., Run], tmp_path: Path) -> None:
    """A finding on a workbook names the sheet, row and column to fix, in every report format."""
    from comet_cn.textform import to_yaml
    from comet_cn.workbook import workbook_from_document

    failing = json.loads(FAILING.read_text(encoding="utf-8"))
    workbook = tmp_path / "claim.xlsx"
    workbook_from_document(failing, workbook)
    run = cli("-f", "json", workbook)
    assert run.code == 1
    found = [r for r in run.json()["results"] if r["rule"] == "CN-VINT-01"]
    assert found and found[0]["location"].startswith("sheet 'Credits', row ")
    assert "cell:  sheet 'Credits'" in cli(workbook).out
    text = tmp_path / "claim.yaml"
    text.write_text(to_yaml(json.loads(PASSING.read_text(encoding="utf-8"))), encoding="utf-8")
    assert cli(text).code == 0
