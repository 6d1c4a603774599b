"""Red team 116a: an ACR or ART TREES retirement whose beneficiary field is blank and whose purpose names another
company's emissions ("Example Logistics AG 2024 Scope 3 emissions", ACR's own example wording; "the 2024 Scope 3
emissions of Example Logistics AG") was merged into Acme's claim by cn-merge --for-claimant and covered its
footprint. The note names the party as surely as "Retired for Example Logistics AG" did, which was refused.
A beneficiary field "Example Broker AG, on behalf of Acme Ceramics GmbH" was warned about as a shared retirement
that a merge would refuse, though it is Acme's alone and the merge (rightly) linked it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import import_records
from comet_cn.importers.attribution import on_behalf_of
from comet_cn.importers.merging import merge
from tests.conftest import ENGINES, example, rule_messages
from tests.registry_headers import ACR_HEADER
from tests.test_import_followups import ART_HEADER
from tests.test_redteam30_credits import CLAIM, _write_apx

AS_OF = date(2026, 12, 1)
ANOTHER_COMPANYS = {
    "Example Logistics AG 2024 Scope 3 emissions": "Example Logistics AG",
    "Offsetting the 2024 Scope 3 emissions of Example Logistics AG": "Example Logistics AG",
    "Example Logistics AG 2024 emissions": "Example Logistics AG",
    '"Beta Foods Ltd flights 2024"': "Beta Foods Ltd",
    "Emissionen der Beta Foods GmbH 2024": "Beta Foods GmbH",
    "compensation des émissions de la société Beta Foods SA": "Beta Foods SA",
    # Red team 117b: the same with a possessive, a dash, a colon, brackets, the name last, a date first, an
    # elision, a year before "der"/"de", legal forms of more words, all in lower case.
    "Example Logistics AG's 2024 Scope 3 emissions": "Example Logistics AG",
    "Example Logistics AG’s 2024 emissions": "Example Logistics AG",
    "Example Logistics AG – 2024 Scope 1-3 emissions": "Example Logistics AG",
    "Example Logistics AG: 2024 Scope 3 emissions": "Example Logistics AG",
    "Example Logistics AG (2024 Scope 3 emissions)": "Example Logistics AG",
    "2024 Scope 3 emissions - Example Logistics AG": "Example Logistics AG",
    "Scope 1-3 emissions 2024 of Example Logistics AG": "Example Logistics AG",
    "31/12/2024: Example Logistics AG Scope 3 emissions": "Example Logistics AG",
    "Offset of Example Logistics AG 2024 emissions": "Example Logistics AG",
    "Compensation des émissions 2024 d'Example Logistique SA": "Example Logistique SA",
    "Kompensation der CO2-Emissionen 2024 der Example Logistik GmbH": "Example Logistik GmbH",
    "Compensación de las emisiones 2024 de Example Logística SL": "Example Logística SL",
    "Example Shipping Co., Ltd. 2024 emissions": "Example Shipping Co., Ltd.",
    "2024 emissions of Example Shipping S.A. de C.V.": "Example Shipping S.A. de C.V.",
    "Example Shipping A/S 2024 emissions": "Example Shipping A/S",
    "Example Shipping Sp. z o.o. 2024 emissions": "Example Shipping Sp. z o.o.",
    "Example Shipping GmbH & Co. KG 2024 emissions": "Example Shipping GmbH & Co. KG",
    "Offsetting Example Shipping Co., Ltd. 2024 emissions": "Example Shipping Co., Ltd.",
    "the 2024 scope 3 emissions of example logistics ag": "Example Logistics Ag",
    "Acme Ceramics GmbH 2024 emissions from Example Logistics AG freight": "Acme Ceramics GmbH",
}
NAMES_NO_ONE = [
    "Scope 3 business travel emissions 2024",
    "Corporate travel emissions",
    "Offsetting 2024 emissions",
    "the emissions of the Hamburg plant",
    "emissions of FY2024",
    "VCS 2024 emissions",
    # A company named far from what was offset: the project developer or the broker, not the beneficiary.
    "Credits purchased from Example Wind Ltd, project 98807",
    "Retired via Example Carbon Retail LLC",
]


# Red team 118a: two companies near what was offset are a shared retirement (the whole note, no one party's);
# a broker, developer, verifier or parent named with "via", "from", "by", "subsidiary of" is not whose it was.
ANOTHER_COMPANYS.update(
    {
        note: note
        for note in (
            "2024 emissions of Acme Ceramics GmbH (50%) and Example Logistics AG (50%)",
            "2024 emissions: Acme Ceramics GmbH, Example Logistics AG",
            "Acme Ceramics GmbH emissions 2024; Example Logistics AG emissions 2024",
            "Acme Ceramics GmbH - 2024 Scope 3 emissions of Example Logistics AG",
        )
    }
)
ANOTHER_COMPANYS["Verified by Example Verification AG: Acme Ceramics GmbH 2024 emissions"] = "Acme Ceramics GmbH"
NAMES_NO_ONE += [
    "Purchased via Example Broker Ltd to offset 2024 emissions",
    "Credits from Example Wind Ltd retired against 2024 emissions",
    "Acme EcoTile product emissions 2024, retired via Example Broker Ltd",
]


@pytest.mark.parametrize(("note", "name"), ANOTHER_COMPANYS.items())
def test_a_note_naming_whose_emissions_were_offset_names_the_party(note: str, name: str) -> None:
    assert on_behalf_of(note) == name


@pytest.mark.parametrize("note", NAMES_NO_ONE)
def test_a_note_naming_no_company_names_no_one(note: str) -> None:
    assert on_behalf_of(note) is None


def _acr(path: Path, beneficiary: str, purpose: str) -> Path:
    row = [
        "98861", "ACR-US-98861-2023-3101-1 to 12500", "5/14/2024 3:02:11 PM", "2023", "1/1/2023", "12/31/2023",
        "12500", "Example Carbon Retail LLC", "3/20/2025 10:15:42 AM", beneficiary, "On Behalf of Third Party",
        purpose, "ACR98861", "Example Landfill Gas Project", "Landfill Gas", "LFG", "Version 2.0", "Example County",
        "OHIO", "US", "No", "No", "No", "", "", "", "", "13: Climate Action", "", "View", "4",
    ]  # fmt: skip
    return _write_apx(path, ACR_HEADER, [row])


def _art(path: Path, purpose: str) -> Path:
    row = [
        "2023", "ART-GY-98862-2023-7-1 to 12500", "12500", "03/20/2025", "", "", "", "ART98862",
        "Example Jurisdictional REDD+ Programme", "Forest Carbon",
        "ART - The REDD+ Environmental Excellence Standard (TREES)", "Version 2.0", "Example Region", "GUYANA",
        "11/4/2024 2:41:09 PM", "Example Forest Finance Ltd", "", "Offsetting", purpose,
    ]  # fmt: skip
    return _write_apx(path, ART_HEADER, [row])


@pytest.mark.parametrize("registry", ["acr", "art-trees"])
@pytest.mark.parametrize(
    "purpose",
    ["Example Logistics AG 2024 Scope 3 emissions", "Offsetting the 2024 Scope 3 emissions of Example Logistics AG"],
)
def test_a_blank_beneficiary_with_another_companys_emissions_in_the_purpose_is_not_merged(
    tmp_path: Path, registry: str, purpose: str
) -> None:
    path = _acr(tmp_path / "acr.csv", "", purpose) if registry == "acr" else _art(tmp_path / "art.csv", purpose)
    imported = import_records(registry, path)
    with pytest.raises(InputError, match="is retired for 'Example Logistics AG', not for the claiming entity"):
        merge(CLAIM, [imported], for_claimant=True)


@pytest.mark.parametrize(
    "purpose", ["2024 Scope 3 emissions of Acme Ceramics Co., Ltd.", "Acme Ceramics Co., Ltd.'s 2024 emissions"]
)
def test_the_claimants_name_of_several_legal_forms_merges(tmp_path: Path, purpose: str) -> None:
    # Red team 117b: "Acme Ceramics Co., Ltd." in the note was read as "Acme Ceramics Co", and the merge refused.
    import json

    claim = json.loads(CLAIM.read_text(encoding="utf-8"))
    for node in claim["@graph"]:
        if node.get("@id") == "ex:acme":
            node["label"] = "Acme Ceramics Co., Ltd."
    imported = import_records("acr", _acr(tmp_path / "acr.csv", "", purpose), corresponding_adjustment=False)
    assert merge(claim, [imported], for_claimant=True)


@pytest.mark.parametrize("registry", ["acr", "art-trees"])
def test_the_claimants_own_emissions_in_the_purpose_still_merge(tmp_path: Path, registry: str) -> None:
    purpose = "Acme Ceramics GmbH 2024 Scope 3 emissions"
    path = _acr(tmp_path / "acr.csv", "", purpose) if registry == "acr" else _art(tmp_path / "art.csv", purpose)
    assert merge(CLAIM, [import_records(registry, path, corresponding_adjustment=False)], for_claimant=True)


def test_a_broker_retiring_on_behalf_of_the_claimant_is_no_shared_retirement(tmp_path: Path) -> None:
    path = _acr(tmp_path / "acr.csv", "Example Broker AG, on behalf of Acme Ceramics GmbH", "")
    imported = import_records("acr", path, corresponding_adjustment=False)
    assert not any("shared retirement" in w for w in imported.warnings), imported.warnings
    assert merge(CLAIM, [imported], for_claimant=True)
    # The other way round, the broker's client is someone else: still refused.
    other = import_records("acr", _acr(tmp_path / "b.csv", "Acme Ceramics GmbH, on behalf of Example Logistics AG", ""))
    with pytest.raises(InputError, match="Example Logistics AG"):
        merge(CLAIM, [other], for_claimant=True)


# ---- Red team 116b: a market-based baseline stating its location-based total ----
# (Annex B.4: one method, used consistently; a switch of method recalculates the baseline.)


def _baseline(total: str, method: str | None, *, footprint_method: str | None = "MarketBasedMethod") -> dict:
    """The bundled market-based claim whose 2019 baseline reports 17,300 t market-based and 18,400 t
    location-based, states ``total`` and names ``method`` (None: no method); the footprint names
    ``footprint_method`` (None: none, its guarantee of origin then makes it market-based)."""
    document = example("annex-b/market-based-electricity-claim.jsonld")
    for node in document["@graph"]:
        if node.get("@id") == "ex:baseline-2019":
            node.update(tonnesCO2e=total, marketBasedTonnesCO2e="17300.0", locationBasedTonnesCO2e="18400.0")
            node.pop("electricityAccountingMethod", None)
            if method is not None:
                node["electricityAccountingMethod"] = method
        if node.get("@id") == "ex:footprint-2024":
            node.pop("electricityAccountingMethod", None)
            if footprint_method is not None:
                node["electricityAccountingMethod"] = footprint_method
    return document


@pytest.mark.rule("CN-ELEC-05")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
@pytest.mark.parametrize("method", ["MarketBasedMethod", None])
def test_a_market_based_baseline_stating_its_location_based_total_is_refused(
    engine: str, reasoning: str, method: str | None
) -> None:
    # Before: conformed, and a target of 17,500 t passed CN-PATH-01 against the 18,400 t it should not have had.
    messages = rule_messages(_baseline("18400.0", method), engine, "CN-ELEC-05", as_of=AS_OF, reasoning=reasoning)
    assert any("states 18400.0 t CO2e, more than its own market-based result of 17300.0" in m for m in messages), (
        messages
    )


@pytest.mark.rule("CN-ELEC-05")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("total", "method", "footprint_method"),
    [
        ("17300.0", "MarketBasedMethod", "MarketBasedMethod"),  # the market-based result: right
        ("17300.0", None, "MarketBasedMethod"),
        ("17300.0", None, None),  # the footprint's guarantee of origin makes both market-based
        ("18400.0", "LocationBasedMethod", "LocationBasedMethod"),  # location-based throughout
        ("17000.0", "MarketBasedMethod", "MarketBasedMethod"),  # smaller: CN-ELEC-01's concern, not this one
    ],
)
def test_a_baseline_stating_its_own_methods_result_stands(
    engine: str, total: str, method: str | None, footprint_method: str | None
) -> None:
    document = _baseline(total, method, footprint_method=footprint_method)
    assert not rule_messages(document, engine, "CN-ELEC-05", as_of=AS_OF)


@pytest.mark.rule("CN-ELEC-05")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_baseline_naming_no_method_against_a_footprint_named_market_based(engine: str) -> None:
    # No method and no instruments on the baseline: it counts by the claim's footprint's method.
    messages = rule_messages(_baseline("18400.0", None), engine, "CN-ELEC-05", as_of=AS_OF)
    assert any("more than its own market-based result" in m for m in messages), messages


# ---- Red team 116c: the YAML claim as a person writes it ----


def test_the_template_says_which_rows_a_column_is_required_of() -> None:
    from comet_cn.workbook import template_columns

    notes = {column.term: column.note for column in template_columns("Reductions")}
    # Before: "Reversal date. REQUIRED (CN-REV-01): …" read as required of every reduction.
    assert "REQUIRED (CN-REV-01, for RemovalReversal rows)" in notes["reversalDate"], notes["reversalDate"]
    assert "for GHGEmissionReduction or GHGRemovalEnhancement rows" in notes["achievementDate"]
    assert "rows)" not in notes["tonnesCO2e"]  # required of every kind of the sheet
    offsetting = {column.term: column.note for column in template_columns("Offsetting events")}
    assert "rows)" not in offsetting["retirementDate"]  # COMET's RetirementEvent is OffsettingEvent's superclass


def test_the_yaml_comment_says_which_nodes_a_term_is_required_of() -> None:
    from comet_cn.textform import example_claim, to_yaml

    text = " ".join(line.lstrip("# ") for line in to_yaml(example_claim()).splitlines() if line.startswith("#"))
    assert "of RemovalReversal nodes: reclassifiedAs, reversalDate" in text, text
    assert "Rules require: tonnesCO2e;" in text


@pytest.mark.rule("CN-EXPOST-01")
def test_a_yaml_yes_for_a_boolean_is_named_as_text() -> None:
    from comet_cn.textform import example_claim, from_yaml, to_yaml

    # The ill-typed boolean sends either engine to pySHACL (the turbo engine hands such literals over).
    text = to_yaml(example_claim()).replace("isExPostCredit: true", "isExPostCredit: yes", 1)
    messages = rule_messages(from_yaml(text), "pyshacl", "CN-EXPOST-01", as_of=AS_OF)
    assert any("not a boolean: a word such as yes is text" in m for m in messages), messages


# ---- Red team 117a: removals and reversals ----


def _fire(removal: str = "400.0", booked: tuple[str, ...] = ("150.0",)) -> dict:
    """The bundled claim with its woodland removal stating ``removal`` and its 150 t fire reversal booked as one
    emission of its own per figure in ``booked``."""
    document = example("conforming-claim.jsonld")
    graph = document["@graph"]
    ids = [f"ex:emission-reversal-2024-{i}" for i in range(len(booked))]
    for node in graph:
        if node.get("@id") == "ex:removal-woodland-2024":
            node["tonnesCO2e"] = removal
        if node.get("@id") == "ex:footprint-2024":
            node["hasEmission"] = [e for e in node["hasEmission"] if e != "ex:emission-reversal-2024"] + ids
        if node.get("@id") == "ex:reversal-2024-fire":
            node["reclassifiedAs"] = ids
    graph[:] = [n for n in graph if n.get("@id") != "ex:emission-reversal-2024"]
    graph += [{"@id": i, "@type": "GHGEmission", "tonnesCO2e": t} for i, t in zip(ids, booked, strict=True)]
    return document


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_a_negative_removal_is_refused(engine: str, reasoning: str) -> None:
    # Before: -400 t conformed (the footprint's total rose to match), and a reversal of it escaped CN-REV-01.
    messages = rule_messages(_fire(removal="-400.0"), engine, "CN-BAL-01", as_of=AS_OF, reasoning=reasoning)
    assert any("a removal of the footprint states a negative quantity" in m for m in messages), messages
    assert not rule_messages(_fire(removal="400.0"), engine, "CN-BAL-01", as_of=AS_OF, reasoning=reasoning)


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_one_reversal_booked_as_two_emissions_of_its_own_in_full_stands(engine: str, reasoning: str) -> None:
    # Before: each 75 t emission was compared with the whole 150 t reversal and refused.
    assert not rule_messages(_fire(booked=("75.0", "75.0")), engine, "CN-REV-01", as_of=AS_OF, reasoning=reasoning)
    assert not rule_messages(_fire(booked=("150.0",)), engine, "CN-REV-01", as_of=AS_OF, reasoning=reasoning)


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("booked", [("100.0", "40.0"), ("100.0", "60.0")])
def test_a_reversal_split_over_emissions_short_or_over_is_refused(engine: str, booked: tuple[str, ...]) -> None:
    messages = rule_messages(_fire(booked=booked), engine, "CN-REV-01", as_of=AS_OF)
    total = sum(float(t) for t in booked)
    assert any(f"booked as emissions that together state {total:g}" in m for m in messages), messages


# ---- Red team 117c: --audits hung on a claim with many blank nodes given twice, changed ----


def _evidenced(tmp_path: Path, name: str, pages: int, changed: int | None = None) -> Path:
    """The bundled claim whose footprint gives ``pages`` pieces of evidence (blank nodes), one page number of which
    (``changed``) is another."""
    import json

    document = example("conforming-claim.jsonld")
    for node in document["@graph"]:
        if node.get("@id") == "ex:footprint-2024":
            node["hasEvidence"] = [
                {
                    "evidenceFor": "ReportElement_h",
                    "evidenceLocation": "https://example.org/acme/evidence/inventory.pdf",
                    "evidencePage": str(page + (1000 if page == changed else 0)),
                }
                for page in range(pages)
            ]
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.rule("CN-AUDIT-ID-01")
@pytest.mark.parametrize("pages", [20, 400])  # rdflib's exact test, and the refinement above 300 blank nodes
def test_one_claim_iri_given_with_one_blank_node_changed_is_found(tmp_path: Path, pages: int) -> None:
    from comet_cn.audits import run_audits

    first = _evidenced(tmp_path, "a.jsonld", pages)
    second = _evidenced(tmp_path, "b.jsonld", pages, changed=7)
    assert [f.rule_id for f in run_audits([first, second])] == ["CN-AUDIT-ID-01"]


@pytest.mark.rule("CN-AUDIT-ID-01")
@pytest.mark.parametrize("pages", [20, 400])
def test_one_claim_given_as_json_ld_and_as_turtle_is_one_claim(tmp_path: Path, pages: int) -> None:
    from comet_cn.audits import run_audits
    from comet_cn.convert import claim_data, to_turtle

    first = _evidenced(tmp_path, "a.jsonld", pages)
    turtle = tmp_path / "a.ttl"
    turtle.write_text(to_turtle(claim_data(first)), encoding="utf-8")
    assert run_audits([first, turtle]) == []
