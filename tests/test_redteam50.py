"""Red team 50 and the follow-ups carried from earlier rounds: each test names what a user saw before."""

from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import EXAMPLES, Run

MULTI = EXAMPLES / "multi-period"
ACME_2024 = MULTI / "acme-2024.jsonld"


def _restated(
    tmp_path: Path,
    name: str,
    *,
    period: tuple[str, str] = ("2024-01-01", "2024-12-31"),
    renames: dict[str, str] | None = None,
    serials: dict[str, str] | None = None,
    **claim: Any,
) -> Path:
    """Acme's 2024 claim under a new claim IRI (and period IRI), with the renames, serial edits and claim keys given."""
    text = ACME_2024.read_text(encoding="utf-8")
    for old, new in {"ex:claim-2024": f"ex:{name}", "ex:period-2024": f"ex:{name}-period", **(renames or {})}.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    for old, new in (serials or {}).items():
        text = text.replace(f'"{old}"', f'"{new}"')
    document: dict[str, Any] = json.loads(text)
    for node in document["@graph"]:
        if node["@id"] == f"ex:{name}-period":
            node["reportingPeriodStart"], node["reportingPeriodEnd"] = period
        if node["@id"] == f"ex:{name}":
            node.update(claim)
    path = tmp_path / f"{name}.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _double(paths: list[Path], backend: str = "rdflib") -> list[str]:
    from comet_cn.audits import run_audits

    return [f.message for f in run_audits(paths, backend=backend) if f.rule_id == "CN-AUDIT-DOUBLE-01"]  # type: ignore[arg-type]


BACKENDS = ["rdflib", "oxigraph"]


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("relation", ["dcterms:replaces", "prov:wasRevisionOf"])
def test_a_claim_and_its_reissue_given_together_share_their_credits(
    tmp_path: Path, relation: str, backend: str
) -> None:
    # Before: the reissued 2024 claim and the claim it replaces, audited together, gave three CN-AUDIT-DOUBLE-01
    # violations, one per credit the reissue restates: a verifier auditing every version of a claim saw double counting.
    same_events = _restated(tmp_path, "claim-2024-r1", **{relation: {"@id": "ex:claim-2024"}})
    assert _double([ACME_2024, same_events], backend) == []
    # The reissue restates the retirement under IRIs of its own, one range written as two.
    own_names = _restated(
        tmp_path,
        "claim-2024-r2",
        renames={"ex:retirement-2025-03": "ex:retirement-2025-03-r", "ex:credit-2024-wind": "ex:credit-2024-wind-r"},
        serials={"EXR-2022-WIND-000001-006000": "EXR-2022-WIND-00001-06000"},
        **{relation: {"@id": "ex:claim-2024"}},
    )
    assert _double([ACME_2024, own_names], backend) == []


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_reissue_chain_is_one_claim(tmp_path: Path, backend: str) -> None:
    first = _restated(tmp_path, "claim-2024-r1", **{"dcterms:replaces": {"@id": "ex:claim-2024"}})
    second = _restated(tmp_path, "claim-2024-r2", **{"dcterms:replaces": {"@id": "ex:claim-2024-r1"}})
    assert _double([ACME_2024, first, second], backend) == []


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_replacing_a_claim_for_another_period_does_not_hide_a_credit_used_twice(tmp_path: Path, backend: str) -> None:
    # A 2025 claim that says it replaces the 2024 one is not its reissue: reusing 2024's credits is double counting.
    later = _restated(
        tmp_path, "claim-2025", period=("2025-01-01", "2025-12-31"), **{"dcterms:replaces": {"@id": "ex:claim-2024"}}
    )
    assert len(_double([ACME_2024, later], backend)) == 3


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_reissue_does_not_hide_a_credit_another_claim_uses(tmp_path: Path, backend: str) -> None:
    reissue = _restated(tmp_path, "claim-2024-r1", **{"dcterms:replaces": {"@id": "ex:claim-2024"}})
    # Another company's claim names the wind credit's units under its own event and credit IRIs.
    other = _restated(
        tmp_path,
        "other-claim",
        renames={
            "ex:retirement-2025-03": "ex:other-retirement",
            "ex:credit-2024-wind": "ex:other-credit",
            "ex:acme": "ex:other-company",
        },
    )
    found = _double([ACME_2024, reissue, other], backend)
    assert found and all("other-claim" in message or "other-retirement" in message for message in found)
    assert any("EXR-2022-WIND" in message for message in found)
    # The older claim's credit that its reissue no longer names still counts against a third claim's use.
    dropped = _restated(
        tmp_path,
        "claim-2024-r2",
        serials={"EXR-2022-WIND-000001-006000": "EXR-2022-WIND-000001-005999"},
        **{"dcterms:replaces": {"@id": "ex:claim-2024"}},
    )
    found = _double([ACME_2024, dropped, other], backend)
    assert any("EXR-2022-WIND-000001-006000" in message and "other" in message for message in found)


@pytest.mark.parametrize("name", ["claims.ndjson", "claims.ldjson", "Claims.NDJSON", "claims.jsonl"])
def test_sarif_names_the_file_and_line_of_every_json_lines_suffix(
    tmp_path: Path, name: str, cli: Callable[..., Run]
) -> None:
    # Before: a finding in line 2 of a .ndjson or .ldjson input pointed code scanning at "claims.ndjson%3A2", a file
    # that does not exist, so the alert was shown on no file; only .jsonl gave the file and the line.
    lines = tmp_path / name
    claim = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    failing = json.loads((EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld").read_text(encoding="utf-8"))
    lines.write_text(json.dumps(claim) + "\n" + json.dumps(failing) + "\n", encoding="utf-8")
    report = tmp_path / "report.sarif"
    assert cli("-f", "sarif", "-o", str(report), str(lines)).code == 1
    run = json.loads(report.read_text(encoding="utf-8"))["runs"][0]
    assert [artifact["location"]["uri"] for artifact in run["artifacts"]] == [str(lines)]
    located = [result["locations"][0]["physicalLocation"] for result in run["results"]]
    assert located and all(place["region"] == {"startLine": 2} for place in located)
