"""Red-team round 17: inputs that switched rules off or vanished without a word.

Each case is a violating example that stayed violating only while the input did not play a trick, checked next to
the same example without the trick.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.queries import query
from tests.conftest import ENGINES, EXAMPLES, with_nodes

VIOLATIONS = EXAMPLES / "violations"
AS_OF = date(2026, 12, 1)
CNSH = "https://comet.carbon/ext/iso14068/shapes#"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((VIOLATIONS / name).read_text(encoding="utf-8"))
    return document


def _parameter(name: str, value: int) -> dict[str, Any]:
    return {"@id": CNSH + "parameters", CNSH + name: {"@value": str(value), "@type": XSD_INTEGER}}


def _checked(document: dict[str, Any], engine: str) -> comet_cn.ValidationReport:
    parameters = comet_cn.RuleParameters(as_of=AS_OF)
    return comet_cn.validate(document, parameters=parameters, shacl_engine=engine)  # type: ignore[arg-type]


# ---- the rule parameters are the checker's, never the claim's ----


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("example", "rule", "parameter", "loose"),
    [
        ("cn-vint-01-old-vintage.jsonld", "CN-VINT-01", "vintageMaxAgeYears", 100),
        ("cn-ret-01-late-retirement.jsonld", "CN-RET-01", "retirementWindowMonths", 600),
    ],
)
def test_a_claim_cannot_loosen_the_rule_it_is_checked_by(
    engine: str, example: str, rule: str, parameter: str, loose: int
) -> None:
    claim = _example(example)
    assert rule in _checked(claim, engine).rule_ids
    report = _checked(with_nodes(claim, _parameter(parameter, loose)), engine)
    assert not report.conforms and rule in {r.rule_id for r in report.violations}
    [warning] = [r for r in report.warnings if r.rule_id == "CN-INPUT-02"]
    assert "cnsh:parameters" in warning.focus_node and "ignored" in warning.message


def test_one_input_cannot_set_the_parameters_a_query_reads_for_all(tmp_path: Path) -> None:
    late = VIOLATIONS / "cn-ret-01-late-retirement.jsonld"
    alone = query("retirement-timing", late)
    other = tmp_path / "parameters.jsonld"
    other.write_text(json.dumps({"@graph": [_parameter("retirementWindowMonths", 600)]}), encoding="utf-8")
    together = query("retirement-timing", [late, other])
    assert alone.rows and together.rows == alone.rows


# ---- owl:sameAs may not equate a vocabulary term with anything ----

CN = "https://comet.carbon/ext/iso14068#"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


@pytest.mark.parametrize(
    ("example", "trick"),
    [
        # One criterion met standing for another that is not (the example lacks Additional).
        ("cn-crit-01-not-additional.jsonld", {"@id": CN + "Real", OWL_SAME_AS: {"@id": CN + "Additional"}}),
        # An in-house procedure declared to be ISO 14064-3.
        (
            "cn-crit-01-not-additional.jsonld",
            {"@id": "https://example.org/acme/in-house-review", OWL_SAME_AS: {"@id": CN + "ISO_14064_3"}},
        ),
    ],
)
def test_a_claim_may_not_declare_a_vocabulary_term_the_same_as_another(
    example: str, trick: dict[str, Any], tmp_path: Path, cli: Any
) -> None:
    claim = _example(example)
    assert not _checked(claim, "pyshacl").conforms
    path = tmp_path / "trick.jsonld"
    path.write_text(json.dumps(with_nodes(claim, trick)), encoding="utf-8")
    run = cli(str(path))
    assert run.code == 2 and run.out == ""
    [line] = run.err.strip().splitlines()
    assert "may not redefine the vocabulary" in line and "owl:sameAs naming" in line


# ---- statements a JSON-LD processor would drop without a word are refused ----

CONFORMING: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
MAJOR = {"nonConformitySeverity": "major", "label": "footprint misstated"}


def _refused(document: dict[str, Any], tmp_path: Path, cli: Any) -> str:
    path = tmp_path / "claim.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = cli(str(path))
    assert run.code == 2 and run.out == "", run.out
    [line] = run.err.strip().splitlines()
    return str(line)


@pytest.mark.parametrize("context", [None, [None], [CONFORMING["@context"][0], None]])
def test_a_null_context_that_would_hide_a_node_s_statements_is_refused(context: Any, tmp_path: Path, cli: Any) -> None:
    major = {"@id": "https://example.org/acme/opinion-2024", "hasNonConformity": MAJOR}
    assert "CN-CLAIM-06" in _checked(with_nodes(CONFORMING, major), "pyshacl").rule_ids
    line = _refused(with_nodes(CONFORMING, {"@context": context, **major}), tmp_path, cli)
    assert "a @context of null clears the comet-cn context" in line


@pytest.mark.parametrize(
    ("node", "shown"),
    [
        ({"@id": "ex:opinion-2024", "hasNonConformity": {"@id": "ex:nc 1", **MAJOR}}, 'the id "ex:nc 1"'),
        ({"@id": "ex:claim-2024", "hasOffsettingEvent": ["ex:retirement 2025"]}, 'hasOffsettingEvent "ex:retirement'),
        ({"@id": "ex:x", "@type": "Carbon Credit"}, 'the type "Carbon Credit"'),
    ],
)
def test_an_iri_with_white_space_is_refused_not_dropped(
    node: dict[str, Any], shown: str, tmp_path: Path, cli: Any
) -> None:
    line = _refused(with_nodes(CONFORMING, node), tmp_path, cli)
    assert shown in line and "holds white space" in line


# ---- CN-CLAIM-06: only a severity that is "minor" passes ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_severity_that_only_ends_in_minor_is_not_minor(engine: str) -> None:
    def rated(severity: Any) -> dict[str, Any]:
        opinion = {"@id": "ex:opinion-2024", "hasNonConformity": {"nonConformitySeverity": severity, "label": "x"}}
        return with_nodes(CONFORMING, opinion)

    assert "CN-CLAIM-06" not in _checked(rated(" minor "), engine).rule_ids
    assert "CN-CLAIM-06" not in _checked(rated({"@id": "https://example.org/severity#minor"}), engine).rule_ids
    assert "CN-CLAIM-06" in _checked(rated("major/minor"), engine).rule_ids
    assert "CN-CLAIM-06" in _checked(rated("not minor"), engine).rule_ids


# ---- odd arguments from Python get a plain error, not a traceback from deep inside ----


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"limits": None}, TypeError, "limits must be a comet_cn.LoadLimits"),
        ({"max_triples": -5}, ValueError, "max_triples must be a positive whole number"),
        ({"parameters": {"vintage_max_age_years": True}}, ValueError, "must be whole numbers"),
        ({"parameters": {"retirement_window_months": 1.5}}, ValueError, "must be whole numbers"),
    ],
)
def test_odd_arguments_are_refused_in_words(options: dict[str, Any], error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        comet_cn.validate(EXAMPLES / "conforming-claim.jsonld", **options)
