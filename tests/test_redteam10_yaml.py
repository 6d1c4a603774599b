"""Red-team round 10: YAML 1.1 implicit typing changed values of the text form without a word.

PyYAML reads YAML 1.1, where ``serialNumber: 0012345`` is the octal 5349, ``firstUnit: 0010`` the unit 8,
``tonnesCO2e: 1:40:00`` the base-60 number 6000, ``0x1770`` and ``0b1011101110000`` are 6000 too, ``6_000`` loses its
underscore, ``.inf`` is infinite and ``yes``/``no``/``on``/``off`` are booleans. The text form now keeps each of
these as the text written (as it keeps a float that would lose digits), so the rules judge it as they judge that
string in JSON-LD. Each trap has a twin written plainly, which gives the verdict of the JSON-LD example.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn import RuleParameters
from comet_cn.textform import from_yaml, to_yaml
from tests.conftest import EXAMPLES, Run, edited

pytest.importorskip("yaml")

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = RuleParameters(as_of=date(2026, 12, 1))
CREDIT = "ex:credit-wind"
TEXT = to_yaml(BASE)
START = TEXT.index("- id: ex:credit-wind\n")
END = TEXT.index("\n- id:", START + 1)


def _yaml(key: str, written: str | None, *, extra: str = "") -> str:
    """The conforming example as YAML, with the wind credit's ``key`` written ``written`` (None: left out), and
    ``extra`` lines added after it."""
    block = TEXT[START:END]
    lines = block.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}: "))
    lines[index : index + 1] = ([] if written is None else [f"  {key}: {written}".rstrip()]) + (extra.splitlines())
    return TEXT[:START] + "\n".join(lines) + TEXT[END:]


def _node(document: dict[str, Any], iri: str) -> dict[str, Any]:
    return next(node for node in document["@graph"] if node.get("id", node.get("@id")) == iri)


def _rules(document: dict[str, Any]) -> set[str]:
    return set(comet_cn.validate(document, parameters=AS_OF).rule_ids)


def test_the_plain_twin_gives_the_verdict_of_the_json_ld_example() -> None:
    assert _rules(BASE) == set()
    assert _rules(from_yaml(to_yaml(BASE))) == set()
    # Plain decimal integers and decimals, and true/false, are read as before.
    plain = from_yaml(_yaml("tonnesCO2e", "6000"))
    assert _node(plain, CREDIT)["tonnesCO2e"] == "6000"
    assert _node(plain, CREDIT)["isExPostCredit"] is True
    assert _rules(plain) == set()


# --- the text as written, never a number YAML 1.1 made of it -------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "written"),
    [
        ("serialNumber", "0012345"),  # octal: 5349
        ("serialNumber", "0x1F"),  # hexadecimal: 31
        ("serialNumber", "0b101"),  # binary: 5
        ("serialNumber", "12:34:56"),  # base 60: 45296
        ("serialNumber", "1_000"),  # 1000
        ("serialNumber", "NO"),  # false
        ("serialNumber", "On"),  # true
        ("tonnesCO2e", "1:40:00"),  # base 60: 6000
        ("tonnesCO2e", "1:40:00.0"),  # base 60: 6000.0
        ("tonnesCO2e", "0x1770"),  # 6000
        ("tonnesCO2e", "0b1011101110000"),  # 6000
        ("tonnesCO2e", "013560"),  # octal: 6000
        ("tonnesCO2e", "6_000"),  # 6000
        ("tonnesCO2e", "6_000.0"),  # 6000.0
        ("tonnesCO2e", ".inf"),  # infinity, once written "inf"
        ("tonnesCO2e", ".NaN"),  # not a number, once written "nan"
        ("isExPostCredit", "yes"),
        ("isExPostCredit", "on"),
        ("isExPostCredit", "Y"),  # already text in PyYAML
        ("correspondingAdjustmentApplied", "no"),
        ("correspondingAdjustmentApplied", "OFF"),
    ],
)
def test_a_yaml_1_1_number_or_boolean_is_read_as_the_text_written(key: str, written: str) -> None:
    document = from_yaml(_yaml(key, written))
    assert _node(document, CREDIT)[key] == written
    # Quoted, the same text: the plain form no longer means anything else.
    quoted = from_yaml(_yaml(key, f"'{written}'"))
    assert quoted == document


def test_null_stays_null_and_leaves_the_key_out_as_json_ld_does() -> None:
    for written in ("~", "null", "NULL", ""):
        document = from_yaml(_yaml("serialNumber", written))
        assert "serialNumber" not in _node(document, CREDIT)
    assert from_yaml(_yaml("serialNumber", "~")) == from_yaml(_yaml("serialNumber", None))


def test_values_written_by_to_yaml_read_back_as_written() -> None:
    document = edited(
        BASE,
        (CREDIT, "serialNumber", "0012345"),
        (CREDIT, "tonnesCO2e", "1:40:00"),
        ("ex:credit-cookstoves", "serialNumber", "yes"),
    )
    text = to_yaml(document)
    assert "serialNumber: '0012345'" in text and "tonnesCO2e: '1:40:00'" in text and "serialNumber: 'yes'" in text
    back = from_yaml(text)
    assert _node(back, CREDIT)["serialNumber"] == "0012345"
    assert _node(back, CREDIT)["tonnesCO2e"] == "1:40:00"
    assert _node(back, "ex:credit-cookstoves")["serialNumber"] == "yes"


# --- verdicts: the YAML trap is judged as the same string in JSON-LD; its plain twin conforms --------------------


@pytest.mark.rule("CN-UNITS-03")
def test_an_octal_looking_serial_is_kept_and_judged_as_in_json_ld() -> None:
    trap = from_yaml(_yaml("serialNumber", "0012345"))
    assert _node(trap, CREDIT)["serialNumber"] == "0012345"  # was "5349"
    assert _rules(trap) == _rules(edited(BASE, (CREDIT, "serialNumber", "0012345")))


@pytest.mark.rule("CN-UNITS-02")
def test_unit_numbers_with_leading_zeros_are_decimal_not_octal() -> None:
    serial = _node(BASE, CREDIT)["serialNumber"]
    units = "  issuanceBlock: EXR-2022-WIND-000001\n  firstUnit: {}\n  lastUnit: {}\n"
    # Units 10 to 6009 are the 6,000 t of the credit; read as octal, 0010 was 8 and the range 6,002 units.
    trap = from_yaml(_yaml("serialNumber", serial, extra=units.format("0010", "6009")))
    twin = from_yaml(_yaml("serialNumber", serial, extra=units.format("10", "6009")))
    assert _node(trap, CREDIT)["firstUnit"] == "0010"
    expected = _rules(
        edited(
            BASE,
            (CREDIT, "issuanceBlock", "EXR-2022-WIND-000001"),
            (CREDIT, "firstUnit", "10"),
            (CREDIT, "lastUnit", "6009"),
        )
    )
    assert expected == set()
    assert _rules(twin) == expected
    assert _rules(trap) == expected


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("written", ["1:40:00", "0x1770", "6_000", ".inf"])
def test_a_quantity_yaml_1_1_reads_as_a_number_is_reported_as_in_json_ld(written: str) -> None:
    # Each was read as 6000 (or infinity) and the claim conformed; in JSON-LD none is a decimal.
    trap = from_yaml(_yaml("tonnesCO2e", written))
    assert _node(trap, CREDIT)["tonnesCO2e"] == written
    expected = _rules(edited(BASE, (CREDIT, "tonnesCO2e", written)))
    assert "CN-BAL-01" in expected
    assert _rules(trap) == expected


@pytest.mark.rule("CN-EXPOST-01")
@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_yes_is_not_true() -> None:
    trap = from_yaml(_yaml("isExPostCredit", "yes"))
    assert _node(trap, CREDIT)["isExPostCredit"] == "yes"
    assert _rules(trap) == _rules(edited(BASE, (CREDIT, "isExPostCredit", "yes"))) == {"CN-EXPOST-01"}


@pytest.mark.rule("CN-CA-01")
@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
def test_no_is_not_false() -> None:
    trap = from_yaml(_yaml("correspondingAdjustmentApplied", "no"))
    assert _node(trap, CREDIT)["correspondingAdjustmentApplied"] == "no"
    expected = _rules(edited(BASE, (CREDIT, "correspondingAdjustmentApplied", "no")))
    assert _rules(trap) == expected == {"CN-CA-01"}


@pytest.mark.rule("CN-BAL-01")
def test_the_command_line_no_longer_passes_a_base_60_quantity(cli: Any, tmp_path: Path) -> None:
    trap, twin = tmp_path / "trap.yaml", tmp_path / "twin.yaml"
    trap.write_text(_yaml("tonnesCO2e", "1:40:00"), encoding="utf-8")
    twin.write_text(_yaml("tonnesCO2e", "6000"), encoding="utf-8")
    run: Run = cli("--as-of", "2026-12-01", str(trap), str(twin))
    assert run.code == 1
    assert "1:40:00" in run.out and "1 conform, 1 do not" in run.out
    assert "Traceback" not in run.err
