"""Red team 45 and the follow-ups of red team 44: each test names what a user saw before."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.batch import validate_many
from comet_cn.errors import InputError
from comet_cn.importers import import_records, merge
from comet_cn.importers.attribution import on_behalf_of
from comet_cn.reporting import InputFailure
from tests.conftest import ENGINES, EXAMPLES, edited, rule_messages, violated_rules
from tests.test_import_beneficiaries import ACME, CLAIM, verra_row, write_verra

# ---- Imports: an Isometric retirement sharing units with one left out ----
# Before: a retirement left out (a regulatory use, a timestamp that does not read) named no units, so a kept
# retirement of the same credit batch was imported whole and the claim conformed with units used for compliance.


def _isometric(path: Path, purposes: list[str], serial: str) -> Path:
    def retirement(identity: str, uses: list[str]) -> dict[str, Any]:
        return {"retirement_id": identity, "retired_at": "2025-03-20T09:30:00Z", "purposes": uses, "notes": "",
                "beneficiary": {"name": "Acme Ceramics GmbH"}, "sequestered_on": "2023-10-30",
                "credit_batch_size_total": {"credits": 12, "credit_kgs": 12000}}  # fmt: skip

    document = {
        "retirements": [retirement("ret_A", ["corporate_targets"]), retirement("ret_B", purposes)],
        "credit_batches": [
            {"serial_number": "ISO-1-DACS-ISL-Q7R2-2023-1-12", "status": "retired", "retirement_id": "ret_A"},
            {"serial_number": serial, "status": "retired", "retirement_id": "ret_B"},
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_an_isometric_retirement_sharing_units_with_a_compliance_use_is_refused(tmp_path: Path) -> None:
    shared = _isometric(tmp_path / "iso.json", ["regulatory_requirement"], "ISO-1-DACS-ISL-Q7R2-2023-5-16")
    with pytest.raises(InputError, match=r"retires units 5-12 .*regulatory"):
        import_records("isometric", shared)
    apart = _isometric(tmp_path / "apart.json", ["regulatory_requirement"], "ISO-1-DACS-ISL-Q7R2-2023-13-24")
    result = import_records("isometric", apart)
    assert result.selected == 1 and any("regulatory" in line for line in result.excluded)


# ---- Imports: a note naming the beneficiary without "on behalf of" ----
# Before: a Verra row with a blank beneficiary field, or a CAR row (whose notes are the only place it names one),
# whose note said "in the name of Beta Foods Ltd" or "Retired for Beta Foods Ltd" was merged into Acme's claim as
# Acme's retirement, with no warning, and the claim conformed on another company's credits (§11.4 e).


@pytest.mark.parametrize(
    ("note", "named"),
    [
        (
            "Retirement of environmental credits in the name of Beta Foods Ltd for Consumption Period 2024",
            "Beta Foods Ltd",
        ),
        ("Retired for Beta Foods Ltd, Consumption Period 01/01/2024-12/31/2024", "Beta Foods Ltd"),
        ("In favour of Beta Foods Ltd, 2024 emissions", "Beta Foods Ltd"),
        ("Offsetting Beta Foods Ltd's 2024 emissions", "Beta Foods Ltd"),
        ("Retired on Beta Foods Ltd's behalf", "Beta Foods Ltd"),
        ("Im Namen von Beta Foods GmbH stillgelegt", "Beta Foods GmbH"),
        ("Retirado en nombre de Beta Foods SA", "Beta Foods SA"),
        ("Retiré au nom de Beta Foods SA pour 2024", "Beta Foods SA"),
        ("Retired for FY2024 Acme Ceramics GmbH", "Acme Ceramics GmbH"),
        # Red team 46: the claimant under a descriptor is the claimant; a party the credits were used for is not.
        ("Au nom de la société Acme Ceramics GmbH", ACME),
        ("im Namen der Firma Acme Ceramics GmbH", ACME),
        ("Retired by Example Climate Services on behalf of our client Acme Ceramics GmbH", ACME),
        ("on behalf of the company Acme Ceramics GmbH for its 2024 footprint", ACME),
        ("Retired by Example Climate Services Inc. for its customer Acme Ceramics GmbH", ACME),
        ("on behalf of Acme Ceramics GmbH (client of Example Climate Services Inc.)", ACME),
        ("Retired on behalf of Acme Ceramics GmbH, a customer of Example Broker Ltd", ACME),
        (
            "Retired on behalf of Acme Ceramics GmbH for Beta Foods Ltd's 2024 footprint",
            "Acme Ceramics GmbH for Beta Foods Ltd's 2024 footprint",
        ),
        (
            "Retired on behalf of Acme Ceramics GmbH as agent for Beta Foods Ltd, 2024",
            "Acme Ceramics GmbH as agent for Beta Foods Ltd, 2024",
        ),
        ("Acme Ceramics GmbH as agent for Beta Foods Ltd, 2024", "Beta Foods Ltd"),
        ("on behalf of Company Shop Ltd", "Company Shop Ltd"),
        # No one is named: a period, a scope, a pronoun.
        ("Retired for Consumption Period 01/01/2024-12/31/2024", None),
        ("Retired for Scope 1 and 2 emissions CY2024", None),
        ("Retired on its behalf for 2024", None),
    ],
)
def test_a_note_names_its_beneficiary_in_other_words(note: str, named: str | None) -> None:
    assert on_behalf_of(note) == named


@pytest.mark.parametrize("note", ["Retired in the name of Beta Foods Ltd", "Retired for Beta Foods Ltd"])
def test_a_retirement_a_note_names_for_another_is_not_merged_into_the_claim(tmp_path: Path, note: str) -> None:
    path = write_verra(tmp_path / "verra.csv", [verra_row(950000001, 12500, "", note)])
    result = import_records("verra", path)
    with pytest.raises(InputError, match=r"retired for 'Beta Foods Ltd', not for the claiming entity"):
        merge(CLAIM, [result], event="ex:retirement-2025-03", for_claimant=True)
    ours = write_verra(tmp_path / "ours.csv", [verra_row(950000001, 12500, "", f"Retired in the name of {ACME}")])
    merged = merge(CLAIM, [import_records("verra", ours)], event="ex:retirement-2025-03", for_claimant=True)
    assert any(node.get("retiredOnBehalfOf") == "ex:acme" for node in merged["@graph"])


# ---- Folders: claims a run skipped without a word ----
# Before: a linked folder leading out of the folder, a ".ndjson" file and an archive were skipped, and the run said
# every claim conformed (exit 0) while theirs had no verdict.


def test_a_linked_folder_leading_out_is_refused_and_json_lines_and_archives_are_listed(
    tmp_path: Path, cli: Any
) -> None:
    claim = (EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "hidden.jsonld").write_text(claim, encoding="utf-8")
    folder = tmp_path / "claims"
    (folder / "inner").mkdir(parents=True)
    (folder / "a.jsonld").write_text(claim, encoding="utf-8")
    (folder / "out").symlink_to(outside, target_is_directory=True)
    (folder / "in").symlink_to("inner", target_is_directory=True)  # stays inside: listed where it is
    one_line = json.dumps(json.loads(claim))
    (folder / "more.ndjson").write_text(one_line + "\n" + one_line + "\n", encoding="utf-8")
    (folder / "claims-2024.zip").write_bytes(b"PK\x03\x04")
    (folder / "claims-2024.tar.gz").write_bytes(b"\x1f\x8b")
    run = cli("-f", "json", folder)
    entries = {e["source"]: (e["conforms"], e["error"]) for e in run.json()["inputs"]}
    assert entries == {
        str(folder / "a.jsonld"): (True, None),
        str(folder / "out"): (None, "symbolic link out of the folder, not followed"),
        f"{folder / 'more.ndjson'}:1": (True, None),
        f"{folder / 'more.ndjson'}:2": (True, None),
        str(folder / "claims-2024.zip"): (None, "an archive (.zip), not read: extract it and give the claims it holds"),
        str(folder / "claims-2024.tar.gz"): (
            None,
            "an archive (.tar.gz), not read: extract it and give the claims it holds",
        ),
    }
    assert run.code == 2


# ---- CN-HIER-04: the baseline a reduction is measured against ----
# Before: a plan naming a second, older base period with no baseline figure (2005, beside the 2019 baseline) let
# reductions of 2010 and 2011 count, and a reduction of 50,000 t against a baseline of 18,400 t conformed.

AS_OF = date(2026, 12, 1)


def _example() -> dict[str, Any]:
    return json.loads(CLAIM.read_text(encoding="utf-8"))


def _old_base_period(achieved: tuple[str, str], *, with_baseline: bool) -> dict[str, Any]:
    document = edited(
        _example(),
        ("ex:reduction-kiln-heat-pumps", "achievementDate", achieved[0]),
        ("ex:reduction-green-electricity", "achievementDate", achieved[1]),
    )
    document["@graph"].append(
        {
            "@id": "ex:base-period-2005",
            "@type": "BasePeriod",
            "basePeriodStart": "2005-01-01",
            "basePeriodEnd": "2005-12-31",
        }
    )
    plan = next(node for node in document["@graph"] if node["@id"] == "ex:plan")
    if with_baseline:  # an old baseline kept beside the recalculated one: the latest is in effect
        document["@graph"].append(
            {
                "@id": "ex:baseline-2005",
                "@type": "Baseline",
                "tonnesCO2e": "24000.0",
                "hasBasePeriod": "ex:base-period-2005",
            }
        )
        plan["hasBaseline"] = ["ex:baseline-2019", "ex:baseline-2005"]
    else:
        plan["hasBasePeriod"] = "ex:base-period-2005"
    return document


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("with_baseline", [False, True])
def test_reductions_inside_the_baseline_do_not_count_beside_an_older_base_period(
    engine: str, with_baseline: bool
) -> None:
    old = _old_base_period(("2010-03-31", "2011-01-01"), with_baseline=with_baseline)
    messages = rule_messages(old, engine, "CN-HIER-04", as_of=AS_OF)
    assert any("the claim shows no emission reduction achieved" in m for m in messages)
    assert sum("before the plan's base period starts (2019-01-01)" in m for m in messages) == 2
    recent = _old_base_period(("2023-09-30", "2024-01-01"), with_baseline=with_baseline)
    assert "CN-HIER-04" not in violated_rules(recent, engine, as_of=AS_OF)


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_a_reduction_larger_than_the_baseline_is_refused(engine: str, reasoning: str) -> None:
    larger = edited(_example(), ("ex:reduction-kiln-heat-pumps", "tonnesCO2e", "18400.5"))
    messages = rule_messages(larger, engine, "CN-HIER-04", as_of=AS_OF, reasoning=reasoning)
    # (With the other reduction, the two together are above the baseline too: red team 48's finding, its own.)
    assert [m for m in messages if "states 18400.5 t CO2e, more than the baseline" in m]
    # The baseline itself is not more than the baseline: the two reductions together (16,900 t + 1,500 t) equal it.
    equal = edited(_example(), ("ex:reduction-kiln-heat-pumps", "tonnesCO2e", "16900.0"))
    assert "CN-HIER-04" not in violated_rules(equal, engine, as_of=AS_OF, reasoning=reasoning)


# ---- CN-HIER-02: credits retired before any reduction was achieved ----
# Before: credits retired on 2024-06-01 for reductions achieved on 2024-12-30 conformed: the claim offset first.


def _retired_then_reduced(retired: str) -> dict[str, Any]:
    return edited(
        _example(),
        ("ex:retirement-2025-03", "retirementDate", retired),
        ("ex:reduction-kiln-heat-pumps", "achievementDate", "2024-12-30"),
        ("ex:reduction-green-electricity", "achievementDate", "2024-12-30"),
    )


@pytest.mark.rule("CN-HIER-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_credits_retired_before_any_reduction_was_achieved_are_refused(engine: str, reasoning: str) -> None:
    messages = rule_messages(
        _retired_then_reduced("2024-06-01"), engine, "CN-HIER-02", as_of=AS_OF, reasoning=reasoning
    )
    assert len(messages) == 1 and "retired on 2024-06-01, before any emission reduction" in messages[0]
    after = _retired_then_reduced("2025-01-15")
    assert "CN-HIER-02" not in violated_rules(after, engine, as_of=AS_OF, reasoning=reasoning)


# ---- A claim that imports another document ----
# Before: a claim stating owl:imports of a file elsewhere was judged without it (nothing is fetched) and conformed:
# docs/security.md says such a file is refused, as an extra ontology or shapes file is.


def test_a_claim_importing_another_document_is_refused_in_one_line(tmp_path: Path, cli: Any) -> None:
    document = _example()
    document["@graph"].append({"@id": "ex:claim-file", "owl:imports": {"@id": "https://example.org/acme/more.ttl"}})
    path = tmp_path / "imports.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = cli(str(path))
    assert run.code == 2 and "CONFORMS" not in run.out
    (line,) = run.err.strip().splitlines()
    assert "imports <https://example.org/acme/more.ttl> (owl:imports), which is never fetched nor read" in line
    # Importing the bundled ontology, or a version of a COMET vocabulary (the public extension's 0.1.0), says nothing
    # about the claim that the checker does not read anyway.
    for vocabulary in ("https://comet.carbon/ext/iso14068", "https://comet.carbon/ext/iso14068/0.1.0"):
        document["@graph"][-1]["owl:imports"] = {"@id": vocabulary}
        path.write_text(json.dumps(document), encoding="utf-8")
        assert cli(str(path)).code == 0


# ---- Documents built in Python holding what JSON cannot ----
# Before: a date, a Path or an Enum among a document's values was turned into text and a function dropped, so the
# claim said something else than its author wrote; with jobs=2 a function failed as an internal error instead.


@pytest.mark.parametrize(
    ("value", "kind"), [(date(2025, 5, 15), "date"), (Path("x.pdf"), "PosixPath"), (lambda: 1, "function")]
)
def test_a_python_value_that_is_not_json_is_refused(value: Any, kind: str) -> None:
    document = edited(_example(), ("ex:claim-2024", "claimDate", value))
    with pytest.raises(InputError, match=rf"a value is a Python {kind}, not JSON"):
        comet_cn.validate(document)


def test_a_document_that_cannot_reach_a_worker_gets_the_same_outcome_as_in_process() -> None:
    unsendable = _example()
    unsendable["@graph"][0]["label"] = lambda: 1
    for jobs in (1, 2):
        outcomes = list(validate_many([("ok", _example()), ("odd", unsendable), ("ok2", _example())], jobs=jobs))
        assert [type(o).__name__ for o in outcomes] == ["ValidationReport", "InputFailure", "ValidationReport"]
        failure = outcomes[1]
        assert isinstance(failure, InputFailure) and "a value is a Python function, not JSON" in failure.message
        assert not failure.internal


@pytest.mark.rule("CN-HIER-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_reduction_of_nothing_dated_early_does_not_hide_an_early_retirement(engine: str) -> None:
    # Red team 46: a 0 t "reduction" dated before the retirement made the retirement look as if it came after one.
    document = _retired_then_reduced("2024-06-01")
    document["@graph"].append(
        {
            "@id": "ex:reduction-nothing",
            "@type": "GHGEmissionReduction",
            "tonnesCO2e": "0.0",
            "achievementDate": "2024-01-15",
        }
    )
    claim = next(node for node in document["@graph"] if node["@id"] == "ex:claim-2024")
    claim["hasEmissionReduction"] = [*claim["hasEmissionReduction"], "ex:reduction-nothing"]
    messages = rule_messages(document, engine, "CN-HIER-02", as_of=AS_OF)
    assert len(messages) == 1 and "(the first on 2024-12-30)" in messages[0]


# ---- CN-CLAIM-09: a revised plan keeps the date it was first prepared ----
# Red team 46: a plan revised after the retirements, stating the plan it revises (prepared years before), was read
# with the revision's date, and the claim was refused although the plan was in place when the credits were retired.


def _revised_plan(original_prepared: str) -> dict[str, Any]:
    document = edited(
        _example(),
        ("ex:plan", "planPreparationDate", "2025-04-10"),
        ("ex:plan", "prov:wasRevisionOf", {"@id": "ex:plan-2022"}),
    )
    document["@graph"].append(
        {"@id": "ex:plan-2022", "@type": "CarbonNeutralityManagementPlan", "planPreparationDate": original_prepared}
    )
    return document


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_revised_plan_is_read_with_the_date_it_was_first_prepared(engine: str) -> None:
    assert "CN-CLAIM-09" not in violated_rules(_revised_plan("2022-06-01"), engine, as_of=AS_OF)
    # Revising a plan first prepared after the retirement does not make it earlier.
    late = rule_messages(_revised_plan("2025-04-01"), engine, "CN-CLAIM-09", as_of=AS_OF)
    assert any("before its management plan was prepared (2025-04-01)" in m for m in late)
