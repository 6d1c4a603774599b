"""Red team 116a: an ACR or ART TREES retirement whose beneficiary field is blank and whose purpose names another
company's emissions ("Example Logistics AG 2024 Scope 3 emissions", ACR's own example wording; "the 2024 Scope 3
emissions of Example Logistics AG") was merged into Acme's claim by cn-merge --for-claimant and covered its
footprint. The note names the party as surely as "Retired for Example Logistics AG" did, which was refused.
A beneficiary field "Example Broker AG, on behalf of Acme Ceramics GmbH" was warned about as a shared retirement
that a merge would refuse, though it is Acme's alone and the merge (rightly) linked it."""

from __future__ import annotations

from pathlib import Path

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import import_records
from comet_cn.importers.attribution import on_behalf_of
from comet_cn.importers.merging import merge
from tests.registry_headers import ACR_HEADER
from tests.test_import_followups import ART_HEADER
from tests.test_redteam30_credits import CLAIM, _write_apx

ANOTHER_COMPANYS = {
    "Example Logistics AG 2024 Scope 3 emissions": "Example Logistics AG",
    "Offsetting the 2024 Scope 3 emissions of Example Logistics AG": "Example Logistics AG",
    "Example Logistics AG 2024 emissions": "Example Logistics AG",
    '"Beta Foods Ltd flights 2024"': "Beta Foods Ltd",
    "Emissionen der Beta Foods GmbH 2024": "Beta Foods GmbH",
    "compensation des émissions de la société Beta Foods SA": "Beta Foods SA",
}
NAMES_NO_ONE = [
    "Scope 3 business travel emissions 2024",
    "Corporate travel emissions",
    "Offsetting 2024 emissions",
    "the emissions of the Hamburg plant",
    "emissions of FY2024",
    "VCS 2024 emissions",
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
