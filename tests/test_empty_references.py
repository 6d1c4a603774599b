"""An empty reference ("") names no node: refused, never read as a value.

JSON-LD resolves ``""`` against the document's base, and pyld supplies ``http://example.org/base/`` when there is
none, so a blank form field such as ``"verifiedBy": ""`` passed as a verifier and the claim conformed (red team 4).
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
from tests.conftest import EXAMPLES, edited

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))


@pytest.mark.parametrize("value", ["", "."])
def test_an_empty_reference_is_refused_naming_the_key(value: str) -> None:
    with pytest.raises(InputError, match='"verifiedBy" is an empty reference'):
        comet_cn.validate(edited(BASE, ("ex:opinion-2024", "verifiedBy", value)))


def test_an_empty_node_id_is_refused() -> None:
    document = json.loads(json.dumps(BASE))
    document["@graph"][0]["@id"] = ""
    with pytest.raises(InputError, match='empty "@id"'):
        comet_cn.validate(document)


def test_the_cli_gives_one_line_and_exit_2_and_the_other_input_its_verdict(cli: Any, tmp_path: Path) -> None:
    blank = tmp_path / "blank-verifier.jsonld"
    blank.write_text(json.dumps(edited(BASE, ("ex:opinion-2024", "verifiedBy", ""))), encoding="utf-8")
    good = EXAMPLES / "conforming-claim.jsonld"
    run = cli("--as-of", "2026-01-15", blank, good)
    assert run.code == 2
    assert f"{good}: CONFORMS" in run.out
    assert run.err.strip().splitlines() == [
        f'cn-validate: error: {blank}: "verifiedBy" is an empty reference (""), which names no node: give the IRI of '
        "what it refers to, or leave the key out"
    ]


def test_a_named_verifier_still_conforms() -> None:
    assert comet_cn.validate(BASE, parameters=RuleParameters(as_of=date(2026, 1, 15))).conforms
