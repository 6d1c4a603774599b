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


@pytest.mark.parametrize("value", ["", ".", "#"])
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
        f'cn-validate: error: {blank}: "verifiedBy" is an empty reference ("", "." or "#" in JSON-LD, <> in Turtle: '
        "the document itself), which names no node: give the IRI of what it refers to, or leave the key out"
    ]


def test_a_named_verifier_still_conforms() -> None:
    assert comet_cn.validate(BASE, parameters=RuleParameters(as_of=date(2026, 1, 15))).conforms


@pytest.mark.parametrize("reference", ["<>", "<#>", "<.>"])
def test_turtles_empty_reference_is_refused_as_jsons_is(reference: str, tmp_path: Path) -> None:
    # Before (red team 28c): JSON-LD's "" was refused, but the same claim in Turtle with "verifiedBy <>" conformed,
    # the verifier being the file's own (or the working folder's) address; "#" in JSON-LD conformed too.
    from comet_cn.convert import claim_data, to_turtle

    source = tmp_path / "claim.jsonld"
    source.write_text(json.dumps(BASE), encoding="utf-8")
    text = to_turtle(claim_data(source))
    assert text.count("comet-cn:verifiedBy ex:verifier") == 1
    claim = tmp_path / "claim.ttl"
    claim.write_text(
        text.replace("comet-cn:verifiedBy ex:verifier", f"comet-cn:verifiedBy {reference}"), encoding="utf-8"
    )
    with pytest.raises(InputError, match='"verifiedBy" is an empty reference'):
        comet_cn.validate(claim)
    # A document that states its own @base names a node with <>: that is an IRI like any other.
    based = tmp_path / "based.ttl"
    based.write_text(
        "@base <https://example.org/acme/verifier> .\n" + claim.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert "CN-CLAIM-06" not in comet_cn.validate(based, parameters=RuleParameters(as_of=date(2026, 1, 15))).rule_ids


def test_a_turtle_claim_is_read_from_a_working_folder_that_was_removed(tmp_path: Path) -> None:
    # Before: rdflib resolved relative IRIs against the working folder, and with that folder removed every Turtle
    # claim was "not valid Turtle (syntax error)".

    from comet_cn.convert import claim_data, to_turtle

    claim = tmp_path / "claim.ttl"
    claim.write_text(to_turtle(claim_data(EXAMPLES / "conforming-claim.jsonld")), encoding="utf-8")
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        "import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
        "from comet_cn.cli import validate_command; validate_command(['-q', '--as-of', '2026-01-15', sys.argv[2]])"
    )
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", script, str(gone), str(claim)], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert b"CONFORMS" in done.stdout


def test_turtles_document_metadata_on_its_own_address_is_read(tmp_path: Path) -> None:
    # Red team 29c: "<> dcterms:title ..." (the document's own metadata, a common Turtle idiom) was refused with the
    # empty references; only <> as a value names no node.
    from comet_cn.convert import claim_data, to_turtle

    claim = tmp_path / "claim.ttl"
    text = to_turtle(claim_data(EXAMPLES / "conforming-claim.jsonld"))
    claim.write_text(text + '\n<> <http://purl.org/dc/terms/title> "Acme claim for 2024" .\n', encoding="utf-8")
    assert comet_cn.validate(claim, parameters=RuleParameters(as_of=date(2026, 1, 15))).conforms
