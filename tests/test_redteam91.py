"""Red team 91: a commitment one period's input says was withdrawn before an earlier period's claim was made, read
across the inputs (CN-AUDIT-CLAIM-01, §6, §13); an organization declared part of another by text, which hid an
internal audit function verifying its own company (CN-CLAIM-06, §13)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from comet_cn.audits import run_audits
from tests.conftest import ENGINES, EXAMPLES, edited, example, rule_messages, violated_rules

AS_OF = date(2026, 12, 1)
INTERNAL_AUDIT = "violations/cn-claim-06-verified-by-the-claimants-internal-audit.jsonld"

CLAIM_2023 = "https://example.org/acme/claim-2023"  # made 2024-05-15, resting on ex:commitment through ex:plan


def _set(tmp_path: Path, withdrawn: str | None, renewed_issued: str | None = None) -> list[Path]:
    """The 2023 claim as the example gives it, and the 2024 claim with a plan and a commitment of its own, its input
    saying when the 2023 commitment (ex:commitment) was withdrawn."""
    first = tmp_path / "acme-2023.jsonld"
    first.write_text((EXAMPLES / "multi-period" / "acme-2023.jsonld").read_text(encoding="utf-8"), encoding="utf-8")
    text = (EXAMPLES / "multi-period" / "acme-2024.jsonld").read_text(encoding="utf-8")
    text = text.replace('"ex:plan"', '"ex:plan-2024"').replace('"ex:commitment"', '"ex:commitment-2024"')
    document = json.loads(text)
    if withdrawn is not None:
        document["@graph"].append({"@id": "ex:commitment", "prov:invalidatedAtTime": withdrawn})
    if renewed_issued is not None:  # the 2023 claim's plan links the renewed commitment too
        document["@graph"].append({"@id": "ex:plan", "hasCommitment": "ex:commitment-2024"})
        (renewed,) = [n for n in document["@graph"] if n["@id"] == "ex:commitment-2024"]
        renewed["dcterms:issued"] = renewed_issued
    second = tmp_path / "acme-2024.jsonld"
    second.write_text(json.dumps(document), encoding="utf-8")
    return [first, second]


@pytest.mark.rule("CN-AUDIT-CLAIM-01")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(
    ("withdrawn", "renewed_issued", "reported"),
    [("2023-06-01", None, True), ("2023-06-01T00:00:00", None, True), ("2024-05-15", None, True),
     ("2023", None, True), ("2024-05-16", None, False), ("2024", None, False), (None, None, False),
     ("2023-06-01", "2024-02-01", False), ("2023-06-01", "2024-09-01", True)],
)  # fmt: skip
def test_a_commitment_withdrawn_in_another_input_before_the_claim_was_made_is_reported(
    tmp_path: Path, backend: str, withdrawn: str | None, renewed_issued: str | None, reported: bool
) -> None:
    # Before: each claim conformed on its own and the set had no finding; only the 2024 input said that the 2023
    # claim's commitment was withdrawn (on 2023-06-01) before the claim was made (2024-05-15). A commitment renewed
    # by then that the claim's plan also links keeps it in force (as CN-CLAIM-01 reads one input); one issued after
    # the claim does not.
    findings = run_audits(_set(tmp_path, withdrawn, renewed_issued), backend=backend)  # type: ignore[arg-type]
    found = [f for f in findings if f.rule_id == "CN-AUDIT-CLAIM-01"]
    assert bool(found) is reported, [f.message for f in found]
    if reported:
        (finding,) = found
        assert finding.focus_node == CLAIM_2023
        assert "commitment https://example.org/acme/commitment," in finding.message and "2024-05-15" in finding.message


# ---- CN-CLAIM-06: the verifier's parent organization written as text ----
# Before: the claimant's internal audit function, declared part of the claimant by its name as text (or its IRI in
# quotes), verified the claim and it conformed; the same link as a node is caught.


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("parent", ["Acme Ceramics GmbH", "https://example.org/acme/acme", "ex:acme"])
def test_an_organization_declared_part_of_another_by_text_is_refused(engine: str, parent: str) -> None:
    document = edited(example(INTERNAL_AUDIT), ("ex:verifier", "partOfOrganization", {"@value": parent}))
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    messages = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert any(f'part of "{parent}", text that names no organization' in message for message in messages), messages


@pytest.mark.parametrize("engine", ENGINES)
def test_an_independent_verifier_part_of_its_own_group_by_node_conforms(engine: str) -> None:
    group = {"@id": "ex:verification-group", "@type": "Organization", "label": "Example Verification Group"}
    document = edited(example(INTERNAL_AUDIT), ("ex:verifier", "partOfOrganization", "ex:verification-group"))
    document["@graph"].append(group)
    assert violated_rules(document, engine, as_of=AS_OF) == set()
