"""Red-team round 3, balance and quantification: claims that lowered the footprint the credits must cover.

Each case is a bundled conforming example with one local change, and its conforming twin differs from it only
where the rule looks. Every verdict is checked on both SHACL engines (pySHACL, the reference, and pyshacl-turbo),
with OWL 2 RL reasoning on (the default), and where inference could matter with reasoning off too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

import comet_cn
from comet_cn import RuleParameters, shacl_engines
from tests.conftest import EXAMPLES

AS_OF = RuleParameters(as_of=date(2026, 1, 15))
ENGINES = [
    "pyshacl",
    pytest.param("turbo", marks=pytest.mark.skipif(not shacl_engines.turbo_available(), reason="no pyshacl-turbo")),
]
Document = dict[str, Any]


def _load(name: str) -> Document:
    document: Document = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return document


BASE = _load("conforming-claim.jsonld")
FI = _load("financial-institution-claim.jsonld")
MARKET = _load("annex-b/market-based-electricity-claim.jsonld")
FOOTPRINT = "ex:footprint-2024"


def changed(base: Document, edit: Callable[[dict[str, Document], list[Document]], None]) -> Document:
    """A copy of ``base`` after ``edit(nodes by id, graph)``."""
    document = copy.deepcopy(base)
    graph: list[Document] = document["@graph"]
    edit({node["@id"]: node for node in graph}, graph)
    return document


def check(document: Document, engine: str, reasoning: str = "owlrl") -> comet_cn.ValidationReport:
    report = comet_cn.validate(document, shacl_engine=engine, reasoning=reasoning, parameters=AS_OF)  # type: ignore[arg-type]
    assert report.shacl_engine == ("pyshacl" if engine == "pyshacl" else "pyshacl-turbo")
    for result in report.results:
        # Every finding names its rule, clause, node and what to change.
        assert result.message.startswith(result.rule_id) and result.clause and result.focus_node and result.hint
    return report


def violated(document: Document, engine: str, reasoning: str = "owlrl") -> set[str]:
    return set(check(document, engine, reasoning).rule_ids)


def messages(document: Document, engine: str, rule_id: str) -> list[str]:
    return [r.message for r in check(document, engine).results if r.rule_id == rule_id]


# ---- CN-BAL-01: a footprint's removals are GHG removals (§3.2.4), never credits (§3.3.2 Note 3) ----


def _removals(*extra: str, total: str) -> Callable[[dict[str, Document], list[Document]], None]:
    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        nodes[FOOTPRINT]["hasRemoval"] = ["ex:removal-woodland-2024", *extra]
        nodes[FOOTPRINT]["tonnesCO2e"] = total

    return edit


def _bought_credit(nodes: dict[str, Document], graph: list[Document]) -> None:
    credit = copy.deepcopy(nodes["ex:credit-biochar"])
    credit.update({"@id": "ex:credit-bought", "serialNumber": "EXR-2023-BIOC-002001-004000"})
    graph.append(credit)
    _removals("ex:credit-bought", total="10450.0")(nodes, graph)


def _typed(iri: str, *types: str) -> Callable[[dict[str, Document], list[Document]], None]:
    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        nodes[iri]["@type"] = list(types)

    return edit


def _both(*edits: Callable[[dict[str, Document], list[Document]], None]) -> Callable[..., None]:
    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        for each in edits:
            each(nodes, graph)

    return edit


def _new_node(node: Document, *, removal: bool, total: str) -> Callable[[dict[str, Document], list[Document]], None]:
    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        graph.append(copy.deepcopy(node))
        if removal:
            _removals(node["@id"], total=total)(nodes, graph)

    return edit


SOIL = {"@id": "ex:removal-soil-2024", "@type": "GHGRemoval", "label": "Soil carbon", "tonnesCO2e": "100.0"}
UNTYPED_SOIL = {key: value for key, value in SOIL.items() if key != "@type"}

REMOVAL_CASES = {
    # c20: a retired credit listed as a removal lowers the footprint and offsets it too.
    "retired-credit": (_removals("ex:credit-biochar", total="10450.0"), "a carbon credit"),
    # ... also when the credit is typed a GHG removal as well (a class check alone would pass).
    "retired-credit-typed-removal": (
        _both(
            _typed("ex:credit-biochar", "CarbonCredit", "GHGRemoval"), _removals("ex:credit-biochar", total="10450.0")
        ),
        "a carbon credit",
    ),
    # c21: an emission reduction is no removal.
    "reduction": (_removals("ex:reduction-kiln-heat-pumps", total="10350.0"), "an emission reduction"),
    # c22: a bought credit never retired is no removal either.
    "unretired-credit": (_bought_credit, "a carbon credit"),
    "removal-enhancement": (_removals("ex:enhancement-woodland", total="12050.0"), "a removal enhancement"),
    "emission": (_removals("ex:emission-scope2", total="10550.0"), "an emission"),
    "untyped-node": (_new_node(UNTYPED_SOIL, removal=True, total="12350.0"), "not a GHG removal"),
}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(REMOVAL_CASES))
def test_a_footprint_removal_that_is_no_ghg_removal_fails(case: str, engine: str) -> None:
    edit, kind = REMOVAL_CASES[case]
    found = messages(changed(BASE, edit), engine, "CN-BAL-01")
    assert any(kind in message and "as a removal" in message for message in found), found


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_a_second_genuine_removal_conforms(engine: str, reasoning: str) -> None:
    """The twin of the untyped case: the same node typed comet-pcf:GHGRemoval (also by its ISO 14068 IRI)."""
    assert violated(changed(BASE, _new_node(SOIL, removal=True, total="12350.0")), engine, reasoning) == set()
    iso = dict(SOIL, **{"@type": "https://www.iso.org/standard/14068-1#GHGRemoval"})
    assert violated(changed(BASE, _new_node(iso, removal=True, total="12350.0")), engine, reasoning) == set()
    assert violated(changed(BASE, _new_node(UNTYPED_SOIL, removal=True, total="12350.0")), engine, reasoning) == {
        "CN-BAL-01"
    }


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_red_team_removal_cases_fail_only_cn_bal_01(engine: str) -> None:
    for case in ("reduction", "unretired-credit"):
        assert violated(changed(BASE, REMOVAL_CASES[case][0]), engine) == {"CN-BAL-01"}, case
    # A credit the claim retires that is also counted as its own removal is a credit from inside the boundary too.
    assert violated(changed(BASE, REMOVAL_CASES["retired-credit"][0]), engine) == {"CN-BAL-01", "CN-CRIT-01"}


# ---- CN-BAL-01: emissions written as an RDF list would escape every sum ----


def _as_list(prop: str, total: str | None = None) -> Callable[[dict[str, Document], list[Document]], None]:
    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        values = nodes[FOOTPRINT][prop]
        nodes[FOOTPRINT][prop] = {"@list": values if isinstance(values, list) else [values]}
        if total is not None:
            nodes[FOOTPRINT]["tonnesCO2e"] = total

    return edit


def _c23(nodes: dict[str, Document], graph: list[Document]) -> None:
    """The red team's case: three emissions in a list, the total understated to 5,000 t, 6,500 t retired."""
    nodes[FOOTPRINT]["hasEmission"] = [
        "ex:emission-reversal-2024",
        {"@list": ["ex:emission-scope1", "ex:emission-scope2", "ex:emission-scope3"]},
    ]
    nodes[FOOTPRINT]["tonnesCO2e"] = "5000.0"
    nodes["ex:retirement-2025-03"]["retiresCredit"] = ["ex:credit-cookstoves", "ex:credit-biochar"]
    graph.remove(nodes["ex:credit-wind"])


LIST_CASES = {
    "understated-total": _c23,
    "emissions-list-with-the-right-total": _as_list("hasEmission"),
    "removals-list": _as_list("hasRemoval"),
    "empty-emissions-list": lambda nodes, graph: nodes[FOOTPRINT].update({"hasEmission": {"@list": []}}),
}


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(LIST_CASES))
def test_a_footprint_listing_its_components_as_an_rdf_list_fails(case: str, engine: str) -> None:
    found = messages(changed(BASE, LIST_CASES[case]), engine, "CN-BAL-01")
    assert any("as an ordered list" in message for message in found), found


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_same_components_as_a_plain_array_conform(engine: str) -> None:
    assert violated(BASE, engine) == set()
    # The list also hides the reversal's emission from CN-REV-01; CN-BAL-01 names the list itself.
    assert "CN-BAL-01" in violated(changed(BASE, _as_list("hasEmission")), engine)


# ---- CN-FI-01: a financial institution's footprint includes its financed emissions (Annex B.3.3) ----


def _footprint(total: str) -> Callable[[dict[str, Document], list[Document]], None]:
    return lambda nodes, graph: nodes[FOOTPRINT].update({"tonnesCO2e": total})


def _account(iri: str, tonnes: str) -> Document:
    return {"@id": iri, "@type": "FinancedEmissionsAccount", "assetClass": "business loans", "tonnesCO2e": tonnes,
            "supportsTransition": True, "dataQualityAssessment": "PCAF score 2"}  # fmt: skip


def _accounts(*accounts: Document, total: str) -> Callable[[dict[str, Document], list[Document]], None]:
    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        graph.extend(copy.deepcopy(account) for account in accounts)
        nodes[FOOTPRINT]["hasFinancedEmissions"] = ["ex:financed-mortgages", *(a["@id"] for a in accounts)]
        nodes[FOOTPRINT]["tonnesCO2e"] = total

    return edit


@pytest.mark.rule("CN-FI-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_fi_example_counts_its_financed_emissions_and_conforms(engine: str) -> None:
    # 12,850 t emitted + 3,200 t financed - 400 t removed = 15,650 t, covered by 15,650 t of credits.
    assert violated(FI, engine) == set()
    # c32: a footprint leaving out its financed emissions (here 30,000 t of mortgages).
    c32 = changed(FI, lambda nodes, graph: nodes["ex:financed-mortgages"].update({"tonnesCO2e": "30000.0"}))
    found = messages(c32, engine, "CN-FI-01")
    assert violated(c32, engine) == {"CN-FI-01"}
    assert any("42450" in message and "financed emissions are not included" in message for message in found)
    # The example as it was before: the total of its emissions and removals only.
    assert violated(changed(FI, _footprint("12450.0")), engine) == {"CN-FI-01"}


@pytest.mark.rule("CN-FI-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_financed_emissions_are_summed_exactly_and_a_node_counts_once(engine: str) -> None:
    tenth, fifth = _account("ex:financed-a", "0.1"), _account("ex:financed-b", "0.2")
    # 15,650 + 0.1 + 0.2 = 15,650.3 exactly: a float sum would give 15650.300000000001.
    assert violated(changed(FI, _accounts(tenth, fifth, total="15650.3")), engine) == {"CN-BAL-01"}
    assert violated(changed(FI, _accounts(tenth, fifth, total="15650.2")), engine) >= {"CN-FI-01"}

    def also_an_emission(nodes: dict[str, Document], graph: list[Document]) -> None:
        nodes[FOOTPRINT]["hasEmission"].append("ex:financed-mortgages")

    assert violated(changed(FI, also_an_emission), engine) == set()


@pytest.mark.rule("CN-FI-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_financed_total_exactly_covered_conforms(engine: str) -> None:
    more_credits = changed(FI, _accounts(_account("ex:financed-a", "0.1"), total="15650.1"))
    credit = next(node for node in more_credits["@graph"] if node["@id"] == "ex:credit-biochar")
    credit.update({"tonnesCO2e": "2001.0", "serialNumber": "EXR-2023-BIOC-000001-002001"})
    assert violated(more_credits, engine) == set()


# ---- CN-ELEC-01: the balanced total is the result of the electricity method the footprint uses ----


def _results(market: str | None, location: str | None, method: str | None = "MarketBasedMethod") -> Callable[..., None]:
    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        for key, value in (
            ("marketBasedTonnesCO2e", market),
            ("locationBasedTonnesCO2e", location),
            ("electricityAccountingMethod", method),
        ):
            if value is None:
                nodes[FOOTPRINT].pop(key, None)
            else:
                nodes[FOOTPRINT][key] = value

    return edit


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("market", "location", "method", "fails"),
    [
        ("12450.0", "13380.0", "MarketBasedMethod", False),  # the example: location-based above is a disclosure
        ("20000.0", "21000.0", "MarketBasedMethod", True),  # c33
        ("12450.1", "13380.0", "MarketBasedMethod", True),
        ("12000.0", "13380.0", "MarketBasedMethod", False),  # a larger total is conservative
        ("12000.0", "12450.0", "LocationBasedMethod", False),
        ("12000.0", "12450.1", "LocationBasedMethod", True),
        ("12000.0", "13380.0", None, False),  # no method named: the total reaches the smaller result
        ("12450.1", "13380.0", None, True),  # ... and here it reaches neither
    ],
)
def test_the_footprint_total_is_not_below_its_own_method_result(
    market: str, location: str, method: str | None, fails: bool, engine: str
) -> None:
    found = messages(changed(MARKET, _results(market, location, method)), engine, "CN-ELEC-01")
    assert bool(found) is fails, found
    if fails:
        assert all("less than its own" in message for message in found)


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_c33_fails_only_cn_elec_01(engine: str) -> None:
    assert violated(MARKET, engine) == set()
    assert violated(changed(MARKET, _results("20000.0", "21000.0")), engine) == {"CN-ELEC-01"}


# ---- CN-REV-01: each reversal adds its own emission to the reversal period's footprint (§10.2) ----

REVERSAL = "ex:reversal-2024-fire"


def _second_reversal(booked_as: str | None, total: str = "12450.0", tonnes: str = "150.0") -> Callable[..., None]:
    """A second reversal in October, booked as ``booked_as`` (None: a new emission of its own, of ``tonnes``)."""

    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        storm = copy.deepcopy(nodes[REVERSAL])
        storm.update({"@id": "ex:reversal-2024-storm", "reversalDate": "2024-10-02", "tonnesCO2e": tonnes})
        if booked_as is None:
            graph.append({"@id": "ex:emission-storm", "@type": "GHGEmission", "tonnesCO2e": tonnes})
            nodes[FOOTPRINT]["hasEmission"].append("ex:emission-storm")
            storm["reclassifiedAs"] = "ex:emission-storm"
        else:
            storm["reclassifiedAs"] = booked_as
        graph.append(storm)
        nodes["ex:claim-2024"]["hasRemovalReversal"] = [REVERSAL, "ex:reversal-2024-storm"]
        nodes[FOOTPRINT]["tonnesCO2e"] = total

    return edit


def _rebooked(emission: str) -> Callable[..., None]:
    """c41/c41d: the reversal points at an emission the footprint already counts; its own 150 t is never added."""

    def edit(nodes: dict[str, Document], graph: list[Document]) -> None:
        nodes[REVERSAL]["reclassifiedAs"] = emission
        nodes[FOOTPRINT]["hasEmission"].remove("ex:emission-reversal-2024")
        graph.remove(nodes["ex:emission-reversal-2024"])
        nodes[FOOTPRINT]["tonnesCO2e"] = "12300.0"

    return edit


def _shared_booking(nodes: dict[str, Document], graph: list[Document]) -> None:
    """150 t and 50 t reversals booked together as one 200 t emission (the credits, 12,500 t, still cover it)."""
    _second_reversal("ex:emission-reversal-2024", total="12500.0", tonnes="50.0")(nodes, graph)
    nodes["ex:emission-reversal-2024"]["tonnesCO2e"] = "200.0"


REVERSAL_CASES: dict[str, tuple[Callable[..., None], bool]] = {
    "c42-two-reversals-share-one-150-t-emission": (_second_reversal("ex:emission-reversal-2024"), True),
    "second-reversal-booked-as-its-own-emission": (_second_reversal(None, total="12500.0", tonnes="50.0"), False),
    "two-reversals-booked-together-as-one-emission": (_shared_booking, False),
    "c41-rebooked-as-existing-scope1-emission": (_rebooked("ex:emission-scope1"), True),
    "c41d-rebooked-as-existing-scope3-emission": (_rebooked("ex:emission-scope3"), True),
    "booked-at-more-than-reversed": (
        _both(
            lambda nodes, graph: nodes["ex:emission-reversal-2024"].update({"tonnesCO2e": "160.0"}),
            _footprint("12460.0"),
        ),
        True,
    ),
    "reversal-without-quantity": (lambda nodes, graph: nodes[REVERSAL].pop("tonnesCO2e"), True),
}


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(REVERSAL_CASES))
def test_a_reversal_is_booked_as_an_emission_of_its_own(case: str, engine: str) -> None:
    edit, fails = REVERSAL_CASES[case]
    assert violated(changed(BASE, edit), engine) == ({"CN-REV-01"} if fails else set())


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_shared_booking_names_both_reversals_and_the_sum(engine: str) -> None:
    report = check(changed(BASE, _second_reversal("ex:emission-reversal-2024")), engine)
    focus = {r.focus_node for r in report.results if r.rule_id == "CN-REV-01"}
    assert focus == {"https://example.org/acme/reversal-2024-fire", "https://example.org/acme/reversal-2024-storm"}
    assert all("total 300" in r.message for r in report.results if r.rule_id == "CN-REV-01")


# ---- the ontology: direct and indirect emissions are GHG emissions (false failure c41b, c41c) ----


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
@pytest.mark.parametrize(
    "rdf_type",
    ["Scope1Emission", "IndirectGHGEmission", "GHGEmission", "https://www.iso.org/standard/14068-1#DirectGHGEmission"],
)
def test_a_reversal_booked_as_a_scope_typed_emission_conforms(rdf_type: str, reasoning: str, engine: str) -> None:
    booked = changed(BASE, _typed("ex:emission-reversal-2024", rdf_type))
    assert violated(booked, engine, reasoning) == set()
    # Its twin with a type that is no emission at all still fails.
    assert violated(changed(BASE, _typed("ex:emission-reversal-2024", "GHGRemoval")), engine, reasoning) >= {
        "CN-REV-01"
    }
