"""A folder of claims: every claim file in it gets a verdict, or is named as unreadable; none is skipped in silence.

The red team found two silent skips, each exiting 0 with claims never checked: a file whose suffix was written in
upper case (``BAD.JSONLD``, which the command line accepts when named directly), and a sub-folder that could not
be listed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from comet_cn import loading
from tests.conftest import EXAMPLES, Run

FAILING = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"
CONFORMING = EXAMPLES / "conforming-claim.jsonld"


def test_a_suffix_in_upper_case_is_a_claim_file(cli: Callable[..., Run], tmp_path: Path) -> None:
    shutil.copy(CONFORMING, tmp_path / "ok.jsonld")
    shutil.copy(FAILING, tmp_path / "BAD.JSONLD")
    shutil.copy(FAILING, tmp_path / "late.Json")
    run = cli("--format", "json", str(tmp_path))
    assert run.code == 1
    verdicts = {Path(entry["source"]).name: entry["conforms"] for entry in run.json()["inputs"]}
    assert verdicts == {"ok.jsonld": True, "BAD.JSONLD": False, "late.Json": False}


def test_a_folder_that_cannot_be_listed_is_named_not_skipped(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(CONFORMING, tmp_path / "ok.jsonld")
    locked = tmp_path / "locked"
    locked.mkdir()
    shutil.copy(FAILING, locked / "bad.jsonld")
    listing = os.scandir

    def scandir(path: Any = ".") -> Any:  # as for a folder without read permission (root may read anything)
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = cli("--format", "json", str(tmp_path))
    assert run.code == 2  # an input could not be read: never exit 0
    inputs = {entry["source"]: entry for entry in run.json()["inputs"]}
    assert inputs[str(tmp_path / "ok.jsonld")]["conforms"] is True
    assert "cannot list the folder (permission denied)" in inputs[str(locked)]["error"]


def test_a_folder_without_claims_lists_every_kind_it_looked_for(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a claim", encoding="utf-8")
    [refusal] = list(loading.iter_inputs([tmp_path]))
    assert isinstance(refusal, loading.InputError)
    assert "*.xlsx" in refusal.problem and "*.yaml" in refusal.problem and "*.jsonl" in refusal.problem


def test_a_compressed_claim_file_in_a_folder_is_refused_not_skipped(cli: Callable[..., Run], tmp_path: Path) -> None:
    # "2024.jsonl.gz" beside the claims was skipped as not a claim: its claims had no verdict, and the run exit 0.
    import gzip

    shutil.copy(CONFORMING, tmp_path / "ok.jsonld")
    (tmp_path / "batch.jsonl.gz").write_bytes(gzip.compress(FAILING.read_bytes()))
    (tmp_path / "late.JSONLD.bz2").write_bytes(b"BZh9")
    (tmp_path / "README.md").write_text("notes, not a claim")
    # An archive's names cannot be seen without opening it: "claims-2024.tar.gz" may hold claims, so every archive
    # is refused too (red team 45), "logs" or not.
    (tmp_path / "logs.tar.gz").write_bytes(gzip.compress(b"not a claim either"))
    run = cli("--format", "json", str(tmp_path))
    assert run.code == 2
    inputs = {Path(entry["source"]).name: entry for entry in run.json()["inputs"]}
    assert sorted(inputs) == ["batch.jsonl.gz", "late.JSONLD.bz2", "logs.tar.gz", "ok.jsonld"]
    assert "an archive (.tar.gz)" in inputs["logs.tar.gz"]["error"]
    assert inputs["ok.jsonld"]["conforms"] is True
    assert "compressed" in run.err and "batch.jsonl.gz" in run.err and "late.JSONLD.bz2" in run.err


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_an_empty_json_lines_file_is_refused_not_a_conforming_report(
    cli: Callable[..., Run], tmp_path: Path, content: bytes
) -> None:
    # Before: a registry export that failed and left an empty claims.jsonl gave "conforms": true and exit 0.
    path = tmp_path / "claims.jsonl"
    path.write_bytes(content)
    run = cli("-f", "json", path)
    assert run.code == 2 and run.json()["conforms"] is not True
    assert "empty input" in run.err
    shutil.copy(CONFORMING, tmp_path / "ok.jsonld")
    run = cli("-f", "json", tmp_path)  # in a folder, it is named too, and the claim beside it keeps its verdict
    assert run.code == 2
    assert {Path(entry["source"]).name: entry["conforms"] for entry in run.json()["inputs"]} == {
        "claims.jsonl": None,
        "ok.jsonld": True,
    }


def test_a_claim_saved_as_owl_in_a_folder_gets_its_verdict(cli: Callable[..., Run], tmp_path: Path) -> None:
    # Before: skipped without a word as an ontology: the folder conformed with a failing claim in it.
    shutil.copy(CONFORMING, tmp_path / "ok.jsonld")
    loading.load(FAILING).serialize(tmp_path / "late.owl", format="turtle")
    ontology = "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<urn:o> a owl:Ontology .\n"
    (tmp_path / "ours.owl").write_text(ontology + "<urn:c> a <urn:CarbonNeutralityClaim> .\n", encoding="utf-8")
    run = cli("--format", "json", str(tmp_path))
    assert run.code == 1
    verdicts = {Path(entry["source"]).name: entry["conforms"] for entry in run.json()["inputs"]}
    assert verdicts == {"ok.jsonld": True, "late.owl": False}  # the ontology beside them is not an input
