"""Red team 76a: one subject under two spellings of its web address (a claim copied from the year before with its
prefix changed from https:// to http://) escaped the continual-improvement audits: its periods were two series."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from tests.conftest import ENGINES, EXAMPLES, example, verdict_and_messages

AS_OF = date(2026, 12, 6)


def _acme(year: str, prefix: str = "https://example.org/acme/") -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text("utf-8"))
    document["@context"][1]["ex"] = prefix
    return document


def _series(tmp_path: Path, prefix_2023: str) -> list[Path]:
    paths = []
    for year in ("2022", "2023", "2024"):
        path = tmp_path / f"acme-{year}.jsonld"
        path.write_text(json.dumps(_acme(year, prefix_2023 if year == "2023" else "https://example.org/acme/")))
        paths.append(path)
    return paths


def _audit_rules(cli: Callable[..., Any], paths: list[Path]) -> dict[str, list[str]]:
    report = json.loads(cli("--audits", "--as-of", "2026-06-01", "-f", "json", *paths).out)
    found: dict[str, list[str]] = {}
    for result in report["results"]:
        if result["rule"].startswith("CN-AUDIT-"):
            found.setdefault(result["rule"], []).append(result["message"])
    return found


def test_a_subject_spelt_http_in_one_year_is_one_subject_named_two_ways(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    assert "CN-AUDIT-ID-02" not in _audit_rules(cli, _series(tmp_path, "https://example.org/acme/"))
    for spelling in ("http://example.org/acme/", "https://EXAMPLE.org/acme/"):
        found = _audit_rules(cli, _series(tmp_path, spelling))
        (message,) = found["CN-AUDIT-ID-02"]
        assert "another spelling of the same web address" in message and spelling + "acme " in message


def test_a_path_that_only_begins_alike_is_another_subject(cli: Callable[..., Any], tmp_path: Path) -> None:
    found = _audit_rules(cli, _series(tmp_path, "https://example.org/acme/acme-"))  # subject .../acme/acme-acme
    assert "CN-AUDIT-ID-02" not in found


def test_within_one_input_the_two_spellings_are_found_too() -> None:
    older, newer = _acme("2023"), _acme("2024")
    (claim,) = [node for node in newer["@graph"] if node.get("@id") == "ex:claim-2024"]
    claim["hasSubject"] = "http://example.org/acme/acme"
    subject = next(node for node in older["@graph"] if node.get("@id") == "ex:acme")
    newer["@graph"].append({**subject, "@id": claim["hasSubject"]})
    both = {"@context": older["@context"], "@graph": older["@graph"] + newer["@graph"]}
    report = comet_cn.validate(both)
    messages = [r.message for r in report.results if r.rule_id == "CN-AUDIT-ID-02"]
    assert not report.conforms and len(messages) == 1 and "another spelling" in messages[0]


# ---- Red team 76b: the claimant's own IRI written as the verifier's name ----


@pytest.mark.parametrize("engine", ENGINES)
def test_a_verifier_named_by_the_claimants_own_iri_as_text_is_the_claimant(engine: str) -> None:
    document = example("conforming-claim.jsonld")
    (opinion,) = [node for node in document["@graph"] if node.get("@type") == "VerificationOpinion"]
    claimant = "https://example.org/acme/acme"
    for written in ({"@value": claimant}, {"@value": f"  {claimant} "}):
        opinion["verifiedBy"] = written
        conforms, messages = verdict_and_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
        assert not conforms and len(messages) == 1 and "the name or IRI of " + claimant in messages[0]
    opinion["verifiedBy"] = {"@value": "https://example.org/verifiers/nordic-assurance"}  # another body's address
    assert verdict_and_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF) == (True, [])
