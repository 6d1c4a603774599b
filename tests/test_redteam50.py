"""Red team 50 and the follow-ups carried from earlier rounds: each test names what a user saw before."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, Run, edited, rule_messages, violated_rules, with_nodes

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


@pytest.mark.rule("CN-AUDIT-ID-07")
@pytest.mark.parametrize("backend", BACKENDS)
def test_one_plan_under_a_second_subject_iri_is_an_audit_violation(tmp_path: Path, backend: str) -> None:
    # Before: the 2023 claim named its subject by a new IRI (same name, part of Acme) and kept Acme's management plan;
    # the continual-improvement audits follow a subject's periods, so offsetting that rose from 2022 to 2023 passed
    # every audit and the set conformed.
    from comet_cn.audits import run_audits

    document = json.loads((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"))
    for node in document["@graph"]:
        if node["@id"] == "ex:claim-2023":
            node["hasSubject"] = "ex:acme-ceramics"
    document["@graph"].append(
        {
            "@id": "ex:acme-ceramics",
            "@type": "Organization",
            "label": "Acme Ceramics GmbH",
            "partOfOrganization": "ex:acme",
        }
    )
    renamed = tmp_path / "acme-2023.jsonld"
    renamed.write_text(json.dumps(document), encoding="utf-8")
    found = [
        f
        for f in run_audits([MULTI / "acme-2022.jsonld", renamed, MULTI / "acme-2024.jsonld"], backend=backend)  # type: ignore[arg-type]
        if f.rule_id == "CN-AUDIT-ID-07"
    ]
    assert [f.focus_node for f in found] == ["https://example.org/acme/plan"]
    assert "carbon neutrality management plan" in found[0].message and "acme-ceramics" in found[0].message
    # The set as published, one subject IRI throughout, shares its plan across periods without a finding.
    published = sorted(MULTI.glob("acme-*.jsonld"))
    assert not [f for f in run_audits(published, backend=backend) if f.rule_id == "CN-AUDIT-ID-07"]  # type: ignore[arg-type]


def _gold_standard_row(
    tmp_path: Path, *, use_case: str = "Voluntary", note: str = "Retired for 2024 emissions"
) -> Path:
    from tests.test_import_followups import GS_HEADER, _write_csv

    row = [
        "2023", "Retired", "12500", "98817", "Example Hydro Peru", "Example Energia SAC", "Peru", "VER", "Hydro",
        "ACM0002", "", "", "2024-01-15", "2025-03-20", "2023-01-01", "2023-12-31",
        "GS1-1-PE-GS98817-12-2023-40201-1-12500", note, "", "Emission Reduction", use_case, "Acme Ceramics GmbH",
        "Not Applicable",
    ]  # fmt: skip
    return _write_csv(tmp_path / "gold-standard.csv", GS_HEADER.split(","), [row])


@pytest.mark.parametrize(
    "use_case", ["Non-voluntary", "Mandatory", "Regulatory", "Tax", "Article 6.2", "OIMP", "Domestic use", "Obligation"]
)
def test_a_gold_standard_use_case_that_is_not_voluntary_is_not_an_offsetting_event(
    tmp_path: Path, use_case: str
) -> None:
    # Before: Gold Standard's Use Case was read as a list of banned words (Compliance, CORSIA, ETS...), so a row
    # whose Use Case said "Non-voluntary", "Tax" or "Article 6.2" was imported and the claim conformed on it.
    from comet_cn.importers import import_records

    result = import_records("gold-standard", _gold_standard_row(tmp_path, use_case=use_case))
    assert result.events == ()
    (excluded,) = result.excluded
    assert f"Use Case {use_case!r}" in excluded


@pytest.mark.parametrize("use_case", ["Voluntary", " VOLUNTARY ", "", "Voluntary use"])
def test_a_voluntary_or_blank_gold_standard_use_case_is_imported(tmp_path: Path, use_case: str) -> None:
    from comet_cn.importers import import_records

    result = import_records("gold-standard", _gold_standard_row(tmp_path, use_case=use_case))
    assert len(result.events) == 1 and result.excluded == ()


@pytest.mark.parametrize(
    "note",
    [
        "Unretired at the request of the account holder",
        "Retirement reversed on 2025-04-02 (credits returned to account)",
        "Retirement voided - duplicate request",
        "Retired in error; replaced by retirement 88231",
        "Un-retired 2025-04-01",
    ],
)
def test_a_retirement_its_note_says_was_undone_is_not_an_offsetting_event(tmp_path: Path, note: str) -> None:
    # Before: a note saying the retirement was unretired, reversed, voided or made in error was imported silently,
    # and the claim conformed on units that were not retired for it.
    from comet_cn.importers import import_records

    result = import_records("gold-standard", _gold_standard_row(tmp_path, note=note))
    assert result.events == ()
    (excluded,) = result.excluded
    assert "a retirement undone" in excluded


@pytest.mark.parametrize(
    "note",
    ["Retired on behalf of Acme Ceramics GmbH to avoid emissions", "Retired for 2024 emissions. Not reversed."],
)
def test_a_note_that_undoes_nothing_keeps_its_retirement(tmp_path: Path, note: str) -> None:
    from comet_cn.importers import import_records

    result = import_records("gold-standard", _gold_standard_row(tmp_path, note=note))
    assert len(result.events) == 1 and result.excluded == ()


def _two_opinions(*, report_links_both: bool) -> dict[str, Any]:
    claim = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    second = {
        "@id": "ex:opinion-2024b",
        "@type": "VerificationOpinion",
        "verificationStandard": "ISO_14064_3",
        "verifiedBy": "ex:verifier",
        "verificationDate": "2025-04-10",
    }
    both = ["ex:opinion-2024", "ex:opinion-2024b"]
    document = edited(with_nodes(claim, second), ("ex:claim-2024", "hasVerificationOpinion", both))
    return edited(document, ("ex:report-2024", "hasVerificationOpinion", both)) if report_links_both else document


@pytest.mark.rule("CN-REPORT-01")
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize("engine", ENGINES)
def test_an_opinion_the_claim_links_beside_its_reports_is_in_the_report(engine: str, reasoning: str) -> None:
    # Before: a claim linking its report's opinion and a second one the report does not hold conformed, while the
    # same claim linking only the second was refused: the report's opinion beside it hid the second.
    as_of = date(2026, 12, 5)
    found = rule_messages(
        _two_opinions(report_links_both=False), engine, "CN-REPORT-01", as_of=as_of, reasoning=reasoning
    )
    assert len(found) == 1 and "opinion-2024b" in found[0] and "does not include" in found[0]
    assert "CN-REPORT-01" not in violated_rules(
        _two_opinions(report_links_both=True), engine, as_of=as_of, reasoning=reasoning
    )


@pytest.mark.parametrize(
    ("wanted", "written", "same"),
    [
        ("A&B Ceramics GmbH", "AB Ceramics GmbH", False),
        ("A.B. Ceramics GmbH", "A&B Ceramics GmbH", False),
        ("Acme Ceramics and Tiles GmbH", "Acme Ceramics & Tiles GmbH", True),
        ("Procter & Gamble Co.", "PROCTER&GAMBLE CO", True),
        ("Acme Ceramics GmbH", "ACME Ceramics, G.m.b.H.", True),
    ],
)
def test_an_ampersand_is_the_word_and_in_a_beneficiarys_name(wanted: str, written: str, same: bool) -> None:
    # Before: "&" was dropped as punctuation, so --beneficiary "A&B Ceramics GmbH" selected the retirements of
    # "AB Ceramics GmbH", another company, and the merge linked them to the claimant; "& Tiles" and "and Tiles"
    # did not match.
    from comet_cn.importers.attribution import matches_beneficiary

    assert matches_beneficiary(wanted, [written]) is same


def test_another_companys_retirement_is_not_selected_for_an_ampersand_name(tmp_path: Path) -> None:
    from comet_cn.importers import import_records

    path = _gold_standard_row(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Acme Ceramics GmbH", "AB Ceramics GmbH"), encoding="utf-8"
    )
    assert import_records("gold-standard", path, beneficiary="A&B Ceramics GmbH").events == ()
    assert len(import_records("gold-standard", path, beneficiary="AB Ceramics GmbH").events) == 1


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("cook_units", "twice"), [("970000001-970004500", True), ("970006001-970010500", False)])
def test_one_verra_block_written_with_and_without_its_sectoral_scope_is_one_block(
    engine: str, cook_units: str, twice: bool
) -> None:
    # Before: Verra's newer platform writes a block's serial without the sectoral scope (…-VER-MW-98816-…), the
    # older with it (…-VER-MW-3-98816-…); the two were read as two blocks, so the same units retired twice counted
    # twice and the claim conformed on them.
    claim = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    document = edited(
        claim,
        (
            "ex:credit-wind",
            "serialNumber",
            "20031-970000001-970006000-VCS-VCU-1600-VER-MW-3-98816-01012022-31122022-1",
        ),
        ("ex:credit-cookstoves", "serialNumber", f"20031-{cook_units}-VCS-VCU-1600-VER-MW-98816-01012022-31122022-0"),
    )
    found = rule_messages(document, engine, "CN-UNITS-01", as_of=date(2026, 12, 5))
    assert bool(found) is twice
    if twice:
        assert "970000001-970004500" in found[0]


@pytest.fixture
def cn_query(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    from comet_cn.cli import query_command
    from tests.conftest import in_process

    return in_process(query_command, capsys)


def test_a_store_whose_load_did_not_finish_is_not_queried_as_it_is(
    tmp_path: Path, cli: Callable[..., Run], cn_query: Callable[..., Run]
) -> None:
    # Before: a --store run stopped or failed while loading left the store emptied (or half loaded), and
    # `cn-query double-counting --store DIR` then answered "(0 rows)" with exit 0: no double counting, on nothing.
    pytest.importorskip("pyoxigraph")
    from comet_cn.store import OxigraphBackend

    store = tmp_path / "store"
    assert cli("--audits", "-q", "--store", str(store), str(MULTI)).code == 1  # the examples' own audit findings
    whole = cn_query("double-counting", "--store", str(store), "-f", "csv")
    assert whole.code == 0 and "EXR-2023-BIOC" in whole.out
    # A run interrupted while loading: emptied, one claim's graph added, never finished.
    from comet_cn.loading import load_claim

    partial = OxigraphBackend(store, clear=True)
    partial.add(load_claim(ACME_2024).graph)
    partial.close()
    stopped = cn_query("double-counting", "--store", str(store))
    assert stopped.code == 2 and "was not loaded to the end" in stopped.err and stopped.out == ""
    # Every input unreadable: the store is emptied and holds no claim.
    broken = tmp_path / "broken.jsonld"
    broken.write_text("{", encoding="utf-8")
    assert cli("--audits", "-q", "--store", str(store), str(broken)).code == 2
    empty = cn_query("double-counting", "--store", str(store))
    assert empty.code == 2 and "holds no claim" in empty.err
    # One input unreadable beside the claims: answered, with a warning that says what the store lacks.
    assert cli("--audits", "-q", "--store", str(store), str(broken), str(MULTI)).code == 2
    warned = cn_query("double-counting", "--store", str(store), "-f", "csv")
    assert warned.code == 0 and "EXR-2023-BIOC" in warned.out
    assert "1 input(s) could not be read" in warned.err and "3 claim(s)" in warned.err
    # Rebuilt by cn-query from SOURCE, then queried as it is.
    assert cn_query("double-counting", "--store", str(store), str(MULTI)).code == 0
    assert cn_query("double-counting", "--store", str(store)).code == 0


@pytest.mark.parametrize(("transaction", "counted"), [(100, None), (12450, "12450")])
def test_a_puro_transaction_and_its_bundle_that_disagree_on_the_volume_count_neither(
    tmp_path: Path, transaction: int, counted: str | None
) -> None:
    # Before: a transaction retiring 100 t whose bundle states 12450 t was imported at 12450 t, with a warning, and
    # the claim conformed on tonnes the retirement does not support.
    from comet_cn.importers import import_records

    record = {
        "transactionId": "tx-ex-0031", "type": "RETIREMENT", "completedOn": "2025-01-30T14:00:00Z",
        "volume": transaction, "beneficiaryName": "Acme Ceramics GmbH",
        "certificates": [{
            "certificates": "PURO_PR_CORC100+_SE_EX0021_2024_3a9d1c55-2b7e-4f10-8d3c-6e5f4a3b2c10_1-12450",
            "volume": 12450, "vintage": 2024, "creditType": "CORC100+", "issuanceDate": "2024-11-03",
        }],
    }  # fmt: skip
    path = tmp_path / "puro.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    result = import_records("puro", path)
    credits = [node for node in result.nodes if "CarbonCredit" in str(node.get("@type"))]
    assert [node.get("tonnesCO2e") for node in credits] == [counted]
    assert bool([w for w in result.warnings if "neither is taken" in w]) is (counted is None)


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("Acme Ceramics GmbH 2022 Scope 1 emissions", False),  # neither the retirement's year (2025) nor the vintage
        ("Offsetting Acme Ceramics GmbH FY2023 Scope 1 and 2 emissions", False),  # no FY2023 is calendar 2024
        ("Offsetting FY2024 emissions", True),  # FY2024 may be the claim's 2024
        ("Vintage 2023 credits retired for Acme", True),  # the credits' vintage
        ("Retired 2025 for Acme", True),  # the retirement's own year
    ],
)
def test_a_note_naming_another_year_leaves_the_merged_event_without_a_period(note: str, kept: bool) -> None:
    # Before: a bare year or a fiscal year in the registry's note ("… 2023 Scope 1 emissions" for a 2024 claim) only
    # gave a warning; the event took the claim's period and the credits the registry says were for 2023 counted
    # for 2024, and the claim conformed.
    import tempfile

    from comet_cn.importers import import_records
    from comet_cn.importers.merging import merge

    with tempfile.TemporaryDirectory() as folder:
        result = import_records("gold-standard", _gold_standard_row(Path(folder), note=note))
    warnings: list[str] = []
    document = merge(
        EXAMPLES / "conforming-claim.jsonld",
        [result],
        event="ex:retirement-2025-03",
        for_claimant=True,
        warnings=warnings,
    )
    (event,) = [node for node in document["@graph"] if node.get("@id") in result.events]
    assert ("hasReportingPeriod" in event) is kept
    assert any("the registry's note suggests" in warning for warning in warnings)


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", BACKENDS)
def test_claims_that_replace_each_other_exempt_nothing(tmp_path: Path, backend: str) -> None:
    # Two claims each saying it replaces the other are no reissue: their shared credits, and a third claim's use of
    # them, are reported.
    first = _restated(tmp_path, "claim-2024-a", **{"dcterms:replaces": {"@id": "ex:claim-2024-b"}})
    second = _restated(tmp_path, "claim-2024-b", **{"dcterms:replaces": {"@id": "ex:claim-2024-a"}})
    assert len(_double([first, second], backend)) == 3


UNDONE_NOTES = [
    "Stilllegung storniert",
    "Stilllegung rückgängig gemacht",
    "Retiro rescindido",
    "Retirada anulada",
    "Retrait révoqué",
    "Retirement was subsequently reversed",
    "Retirement status: reversed",
    "Transaction reversed 2025-04-02",
    "Reversed at the request of the account holder",
    "Retirement rolled back by registry",
    "Retirement nullified",
    "Erroneous retirement",
    "Retired erroneously",
    "Units returned to the seller's account",
    "Retirement corrected: credits re-credited to holding account",
]
KEPT_NOTES = [
    "Partial retirement; remaining 2,500 credits returned to the holding account",
    "Retired for 2024 emissions. This retirement is irreversible and cannot be voided.",
    "Resubmitted after request #4411 was voided (not executed); retired for 2024 emissions",
    "Retired for 2024 emissions (UN retirement reference 5512)",
    "Retired on behalf of VOID Watches AB for 2024 emissions",
    "Retired for 2024 emissions. Project reversal risk covered by buffer pool.",
    "Retirement was not reversed",
    "Retired on behalf of Acme Ceramics GmbH to avoid emissions; kiln returned to service",
]


@pytest.mark.parametrize("note", UNDONE_NOTES)
def test_a_retirement_undone_in_other_words_is_not_an_offsetting_event(note: str) -> None:
    # Red team 53b: only a few English phrasings were read; these were imported silently.
    from comet_cn.importers.fields import not_offsetting

    assert "a retirement undone" in (not_offsetting("Note", note, free_text=True) or "")


@pytest.mark.parametrize("note", KEPT_NOTES)
def test_a_note_that_undoes_nothing_is_imported(note: str) -> None:
    # Red team 53a: the rest of a block returned, a retirement that "cannot be voided", another request voided, the
    # UN, a company named VOID, a project's buffer: none undoes this retirement.
    from comet_cn.importers.fields import not_offsetting

    assert not_offsetting("Note", note, free_text=True) is None


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_a_reissue_whose_period_end_is_written_a_day_apart_is_still_the_reissue(tmp_path: Path) -> None:
    # Red team 53a: the first claim wrote its year "2024-01-01 to 2025-01-01" (the day after, as many systems write an
    # end), the reissue 2024-01-01 to 2024-12-31; CN-AUDIT-ID-05 reads one period, and so does the reissue exemption.
    first = _restated(tmp_path, "claim-2024-v1", period=("2024-01-01", "2025-01-01"))
    second = _restated(tmp_path, "claim-2024-v2", **{"dcterms:replaces": {"@id": "ex:claim-2024-v1"}})
    assert _double([first, second]) == []
    # A reissue that changes the period itself (half a year to the whole year) is not exempt.
    half = _restated(tmp_path, "claim-2024-h", period=("2024-01-01", "2024-06-30"))
    whole = _restated(tmp_path, "claim-2024-w", **{"dcterms:replaces": {"@id": "ex:claim-2024-h"}})
    assert len(_double([half, whole])) == 3


def _with_sites(first: str, second: str, *, nested: bool = False) -> dict[str, Any]:
    """The example claim with two parts of Acme (sites) that have footprints of their own for 2024."""
    claim = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    nodes: list[dict[str, Any]] = []
    for name, tonnes, whole in (("a", first, "ex:acme"), ("b", second, "ex:site-a" if nested else "ex:acme")):
        nodes.append({"@id": f"ex:site-{name}", "@type": "Organization", "partOfOrganization": whole,
                      "hasCarbonFootprint": f"ex:fp-site-{name}"})  # fmt: skip
        nodes.append({"@id": f"ex:fp-site-{name}", "@type": "CarbonFootprint", "tonnesCO2e": tonnes,
                      "hasReportingPeriod": "ex:period-2024"})  # fmt: skip
    return with_nodes(claim, *nodes)


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_parts_of_the_subject_that_together_emit_more_than_the_claims_footprint(engine: str) -> None:
    # Red team 54b: two sites of Acme with 8000 and 7000 t of their own for 2024 beside a claim footprint of 12,850 t
    # before removals conformed; one site alone above the whole was already caught.
    as_of = date(2026, 12, 5)
    found = rule_messages(_with_sites("7000.0", "6000.0"), engine, "CN-BAL-01", as_of=as_of)
    assert len(found) == 1 and "2 parts of the subject" in found[0] and re.search(r"totalling 13000(\.0)? t", found[0])
    assert "CN-BAL-01" not in violated_rules(_with_sites("6000.0", "6000.0"), engine, as_of=as_of)
    # A site inside another site that has a footprint of its own is counted in that one's.
    assert "CN-BAL-01" not in violated_rules(_with_sites("7000.0", "6000.0", nested=True), engine, as_of=as_of)


def _opinion_verified(footprint: str | list[str]) -> dict[str, Any]:
    claim = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    other = {"@id": "ex:fp-2023", "@type": "CarbonFootprint", "tonnesCO2e": "13600.0", "hasReportingPeriod": {
        "@id": "ex:period-2023", "@type": "ReportingPeriod", "reportingPeriodStart": "2023-01-01",
        "reportingPeriodEnd": "2023-12-31"}}  # fmt: skip
    return edited(with_nodes(claim, other), ("ex:opinion-2024", "hasCarbonFootprint", footprint))


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize("engine", ENGINES)
def test_an_opinion_that_verified_another_footprint_is_not_the_claims_verification(engine: str, reasoning: str) -> None:
    # Red team 54b: the claim's only opinion named the 2023 footprint (or another company's) as the one it verified,
    # and the claim conformed.
    as_of = date(2026, 12, 5)
    found = rule_messages(_opinion_verified("ex:fp-2023"), engine, "CN-CLAIM-06", as_of=as_of, reasoning=reasoning)
    assert len(found) == 1 and "fp-2023" in found[0] and "footprint-2024" in found[0]
    verified_own = _opinion_verified("ex:footprint-2024")
    assert "CN-CLAIM-06" not in violated_rules(verified_own, engine, as_of=as_of, reasoning=reasoning)
    both = _opinion_verified(["ex:footprint-2024", "ex:fp-2023"])
    assert "CN-CLAIM-06" not in violated_rules(both, engine, as_of=as_of, reasoning=reasoning)


@pytest.mark.parametrize(
    ("serial", "block"),
    [
        ("ACR-US-98803-2023-3101", "ACR-US-98803-2023-3101"),  # the registry's block id, no range
        ("ACR-US-98803-2023-3101-20001", "ACR-US-98803-2023-3101"),  # the block id and its first unit
        ("XYZ-PROJECT-7", "CAD-TRUST:XYZ-PROJECT-7"),  # no registry's grammar: the whole id, under CAD-TRUST:
    ],
)
def test_a_cad_trust_serial_without_its_range_keys_the_registrys_block(tmp_path: Path, serial: str, block: str) -> None:
    # Red team 54a: "…-2023-3101" was read as units 2023-3101 of a block CAD-TRUST:ACR-US-98803, which no registry's
    # key meets, so the same units in the ACR export and in CAD Trust counted twice and the claim conformed.
    from comet_cn.importers import import_records

    record = {
        "unitSerialId": serial, "unitStartBlock": "20001", "unitEndBlock": "32501", "unitCount": 12500,
        "unitVintageYear": 2023, "unitStatus": "Retired", "unitStatusDate": "20/03/2025",
        "unitRetirementBeneficiary": "Acme Ceramics GmbH", "unitMetric": "tCO2e",
    }  # fmt: skip
    path = tmp_path / "cad-trust.json"
    path.write_text(json.dumps({"unit": [record]}), encoding="utf-8")
    result = import_records("cad-trust", path)
    (credit,) = [node for node in result.nodes if "CarbonCredit" in str(node.get("@type"))]
    assert (credit["issuanceBlock"], str(credit["firstUnit"]), str(credit["lastUnit"])) == (block, "20001", "32500")
    assert credit["serialNumber"] == serial
