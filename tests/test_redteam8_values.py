"""Red-team round 8: values written in a legal but unusual form that changed a verdict.

A date written with a time passed pySHACL's datatype check while the date rules skipped it (a retirement 18
months late conformed); the booleans "1" and "0" were not read as true and false everywhere (a declared ex-post
credit failed); a JSON or YAML number with more digits than a double holds was rounded (a footprint just above
the credits retired balanced). Each case has a twin that differs only in the value's form.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn import RuleParameters
from comet_cn.errors import InputError
from comet_cn.textform import from_yaml, to_yaml
from tests.conftest import ENGINES, EXAMPLES, checked, edited

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
FI: dict[str, Any] = json.loads((EXAMPLES / "financial-institution-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = RuleParameters(as_of=date(2026, 12, 1))
REASONING = ["owlrl", "none"]


def violated(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    return set(checked(document, engine, as_of=AS_OF.as_of, reasoning=reasoning).rule_ids)  # type: ignore[arg-type]


def ill_typed(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    """As violated; pyshacl-turbo hands a claim with an ill-typed value to pySHACL, which reports it."""
    report = comet_cn.validate(document, parameters=AS_OF, shacl_engine=engine, reasoning=reasoning)  # type: ignore[arg-type]
    assert report.shacl_engine == "pyshacl"
    return set(report.rule_ids)


# --- a date with a time is no xsd:date ----------------------------------------------------------------------------


@pytest.mark.rule("CN-RET-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_retirement_date_written_with_a_time_is_reported_not_skipped(engine: str, reasoning: str) -> None:
    assert violated(BASE, engine, reasoning) == set()
    with_time = edited(BASE, ("ex:retirement-2025-03", "retirementDate", "2025-03-10T00:00:00"))
    assert ill_typed(with_time, engine, reasoning) == {"CN-RET-01"}


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_claim_date_written_with_a_time_is_reported(engine: str) -> None:
    assert ill_typed(edited(BASE, ("ex:claim-2024", "claimDate", "2025-05-15T09:00:00")), engine) == {"CN-CLAIM-09"}
    # A time zone on a plain date is still the same calendar day.
    assert violated(edited(BASE, ("ex:claim-2024", "claimDate", "2025-05-15Z")), engine) == set()


@pytest.mark.rule("CN-RET-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_unquoted_yaml_timestamp_with_a_time_is_reported(engine: str) -> None:
    text = to_yaml(BASE).replace("retirementDate: 2025-03-20", "retirementDate: 2025-03-20 00:00:00")
    assert "retirementDate: 2025-03-20 00:00:00" in text
    document = from_yaml(text)
    assert ill_typed(document, engine) == {"CN-RET-01"}
    assert violated(from_yaml(to_yaml(BASE)), engine) == set()


# --- "1" and "0" are xsd:boolean's other lexical forms ------------------------------------------------------------


def _boolean(lexical: str) -> dict[str, str]:
    return {"@value": lexical, "@type": "http://www.w3.org/2001/XMLSchema#boolean"}


@pytest.mark.rule("CN-EXPOST-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_ex_post_credit_declared_with_1_conforms_and_with_0_does_not(engine: str, reasoning: str) -> None:
    assert violated(edited(BASE, ("ex:credit-wind", "isExPostCredit", _boolean("1"))), engine, reasoning) == set()
    assert violated(edited(BASE, ("ex:credit-wind", "isExPostCredit", _boolean("0"))), engine, reasoning) == {
        "CN-EXPOST-01"
    }


@pytest.mark.rule("CN-FI-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_investment_that_supports_the_transition_written_1_conforms(engine: str) -> None:
    account = next(n["@id"] for n in FI["@graph"] if "supportsTransition" in n)
    assert violated(FI, engine) == set()
    assert violated(edited(FI, (account, "supportsTransition", _boolean("1"))), engine) == set()
    assert violated(edited(FI, (account, "supportsTransition", _boolean("0"))), engine) == {"CN-FI-02"}


# --- numbers a double cannot hold -----------------------------------------------------------------------------------


def _with_footprint_number(number: str) -> bytes:
    text = json.dumps(edited(BASE, ("ex:footprint-2024", "tonnesCO2e", "@@")), indent=2)
    return text.replace('"@@"', number).encode("utf-8")


def test_a_json_number_that_would_lose_digits_is_refused_not_rounded() -> None:
    # 12,500 t of credits: a footprint a hair above them must not be rounded down to them.
    with pytest.raises(InputError, match=r"12500\.0000000000001 cannot be read without losing digits"):
        comet_cn.validate(_with_footprint_number("12500.0000000000001"), parameters=AS_OF)
    # The same quantity as a number a double holds exactly, and as a string, are read as written.
    assert comet_cn.validate(_with_footprint_number("12450.0"), parameters=AS_OF).conforms
    assert comet_cn.validate(_with_footprint_number('"12450.0"'), parameters=AS_OF).conforms


def test_the_refused_number_costs_only_its_own_file_on_the_command_line(tmp_path: Path, cli: Any) -> None:
    bad, good = tmp_path / "bad.jsonld", tmp_path / "good.jsonld"
    bad.write_bytes(_with_footprint_number("12500.0000000000001"))
    good.write_bytes(_with_footprint_number("12450.0"))
    run = cli("--as-of", "2026-12-01", str(bad), str(good))
    assert run.code == 2
    assert "losing digits" in run.err and "Traceback" not in run.err
    assert "1 conform" in run.out


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_yaml_float_that_would_lose_digits_is_read_as_written(engine: str) -> None:
    text = to_yaml(BASE)
    assert "tonnesCO2e: 12450.0\n" in text
    # 12,500 t of credits cover a footprint of 12,500 t, not one a hair above it.
    exact = from_yaml(text.replace("tonnesCO2e: 12450.0\n", "tonnesCO2e: 12500.0\n"))
    long = from_yaml(text.replace("tonnesCO2e: 12450.0\n", "tonnesCO2e: 12500.0000000000001\n"))
    assert violated(exact, engine) == set()
    assert violated(long, engine) == {"CN-BAL-01"}
