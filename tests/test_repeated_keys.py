"""A key written twice in one object is refused, not judged on whichever value the parser kept.

JSON parsers and PyYAML keep the last of two equal keys without a word: a claim with ``"retirementDate"`` written
twice (a late date, then a timely one) was judged on the second and conformed. Such an input is now unreadable
(exit 2, one line naming the key), and costs no other input of a batch its verdict.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import comet_cn
from tests.conftest import EXAMPLES, Run

CONFORMING = (EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8")


def _with_repeated_retirement_date() -> str:
    """The conforming claim, with its first retirement date written twice: late, then the original."""
    document = json.loads(CONFORMING)
    event = next(node for node in document["@graph"] if "retirementDate" in node)
    original = json.dumps(event["retirementDate"])
    text = json.dumps(document, indent=1)
    marker = f'"retirementDate": {original}'
    assert marker in text
    return text.replace(marker, f'"retirementDate": "2030-12-31",\n  {marker}', 1)


def test_a_repeated_key_is_refused_with_its_name() -> None:
    with pytest.raises(comet_cn.InputError, match='"retirementDate" appears twice'):
        comet_cn.validate(_with_repeated_retirement_date().encode("utf-8"))


def test_the_same_key_in_two_objects_is_fine() -> None:
    assert comet_cn.validate(CONFORMING.encode("utf-8")).conforms


def test_the_command_line_says_so_in_one_line_and_exits_2(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = tmp_path / "claim.jsonld"
    path.write_text(_with_repeated_retirement_date(), encoding="utf-8")
    run = cli(str(path))
    assert run.code == 2
    assert "CONFORMS" not in run.out
    assert run.err.count("\n") == 1 and "appears twice" in run.err


def test_a_repeated_key_costs_only_its_own_line_of_a_batch(cli: Callable[..., Run], tmp_path: Path) -> None:
    good = json.dumps(json.loads(CONFORMING))
    bad = _with_repeated_retirement_date().replace("\n", "")
    path = tmp_path / "batch.jsonl"
    path.write_text(f"{good}\n{bad}\n{good}\n", encoding="utf-8")
    run = cli("--format", "json", str(path))
    assert run.code == 2
    inputs = run.json()["inputs"]
    assert [entry["conforms"] for entry in inputs] == [True, None, True]
    assert inputs[1]["error"] is not None and "appears twice" in inputs[1]["error"]


def test_a_repeated_yaml_key_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / "claim.yaml"
    path.write_text(
        "claims:\n  - id: https://example.org/c\n    type: CarbonNeutralityClaim\n"
        "    claimDate: 2025-01-01\n    claimDate: 2025-06-01\n",
        encoding="utf-8",
    )
    run = cli(str(path))
    assert run.code == 2
    assert "written twice" in run.err and "line 5" in run.err
