"""Red-team round 4, second part: claims written from the digest that the electricity, event, blank-text and
reduction-timing rules let through.

Each case is a conforming example with a small change where the rule looks, next to a twin that differs only there
and conforms. Both are checked on both SHACL engines with reasoning on (the default, OWL 2 RL); the violating
examples added to examples/violations/ are checked without reasoning and with RDFS as well; so are the Annex B
twins, which stay in this file (see NEW_EXAMPLES).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from comet_cn import RuleParameters
from comet_cn.validation import ValidationReport
from tests.conftest import ENGINES, EXAMPLES, checked, edited, with_nodes


def _example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return document


BASE = _example("conforming-claim.jsonld")
EVENT = _example("annex-b/event-claim.jsonld")
PRODUCT = _example("annex-b/product-claim.jsonld")
B2B = _example("annex-b/product-b2b-partial-claim.jsonld")
MULTI = EXAMPLES / "multi-period"
AS_OF = RuleParameters(as_of=date(2026, 1, 15))

CLAIM = "ex:claim-2024"
FOOTPRINT = "ex:footprint-2024"
ACME = "https://example.org/acme/"


def check(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> ValidationReport:
    return checked(document, engine, as_of=AS_OF.as_of, reasoning=reasoning)  # type: ignore[arg-type]


def violated(document: dict[str, Any], engine: str, reasoning: str = "owlrl") -> set[str]:
    """The ids of the rules with a Violation (warnings are left out)."""
    return set(check(document, engine, reasoning).rule_ids)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_bases_conform(engine: str) -> None:
    for document in (BASE, EVENT, PRODUCT, B2B):
        assert violated(document, engine) == set()


# --- CN-ELEC-01: counting contractual instruments is the market-based method (Annex B.4, §8.1) --------------------


GUARANTEE = {
    "@id": "ex:go-2024-hydro",
    "@type": "ContractualInstrument",
    "label": "Guarantees of origin for 6,200 MWh of run-of-river hydro electricity",
    "instrumentRetiredFor": "ex:acme",
    "generationPeriodStart": "2024-01-01",
    "generationPeriodEnd": "2024-12-31",
    "generationMarket": "AT",
    "consumptionMarket": "DE",
    "interconnectedMarkets": True,
}


def _with_instrument(*edits: tuple[str, str, Any]) -> dict[str, Any]:
    """The conforming claim whose footprint counts a guarantee of origin, with further edits to the footprint."""
    return with_nodes(edited(BASE, (FOOTPRINT, "usesContractualInstrument", "ex:go-2024-hydro"), *edits), GUARANTEE)


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_instruments_without_a_method_or_results_fail_and_the_twin_reporting_both_conforms(engine: str) -> None:
    # The red team's case: a guarantee of origin, no electricityAccountingMethod, no market- or location-based total.
    report = check(_with_instrument(), engine)
    assert set(report.rule_ids) == {"CN-ELEC-01"}
    assert {r.focus_node for r in report.violations} == {ACME + "footprint-2024"}
    assert sorted(r.message.split(" result ")[0].rsplit(" ", 1)[1] for r in report.violations) == [
        "location-based",
        "market-based",
    ]
    assert all("counts contractual instruments" in r.message for r in report.violations)
    both = _with_instrument(
        (FOOTPRINT, "marketBasedTonnesCO2e", "12450.0"), (FOOTPRINT, "locationBasedTonnesCO2e", "14100.0")
    )
    assert violated(both, engine) == set()


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_instruments_with_only_the_market_based_result_fail_on_the_location_based_one(engine: str) -> None:
    report = check(_with_instrument((FOOTPRINT, "marketBasedTonnesCO2e", "12450.0")), engine)
    assert set(report.rule_ids) == {"CN-ELEC-01"}
    (finding,) = report.violations
    assert "location-based result" in finding.message


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_instruments_on_a_footprint_declared_location_based_still_need_both_results(engine: str) -> None:
    # A footprint that counts instruments uses the market-based method whatever method it names (B.4, §8.1).
    declared = _with_instrument((FOOTPRINT, "electricityAccountingMethod", "LocationBasedMethod"))
    assert violated(declared, engine) == {"CN-ELEC-01"}
    reported = _with_instrument(
        (FOOTPRINT, "electricityAccountingMethod", "LocationBasedMethod"),
        (FOOTPRINT, "marketBasedTonnesCO2e", "12000.0"),
        (FOOTPRINT, "locationBasedTonnesCO2e", "12450.0"),
    )
    assert violated(reported, engine) == set()


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_with_instruments_and_no_method_the_total_reaches_the_market_based_result(engine: str) -> None:
    # Without instruments, a footprint naming no method need only reach its smallest result (12,000 t here); with
    # them, the market-based result is the one the total is balanced against.
    results = ((FOOTPRINT, "marketBasedTonnesCO2e", "13000.0"), (FOOTPRINT, "locationBasedTonnesCO2e", "12000.0"))
    assert violated(edited(BASE, *results), engine) == set()
    report = check(_with_instrument(*results), engine)
    assert set(report.rule_ids) == {"CN-ELEC-01"}
    (finding,) = report.violations
    assert "less than its own market-based result of 13000.0" in finding.message
    twin = ((FOOTPRINT, "marketBasedTonnesCO2e", "12450.0"), (FOOTPRINT, "locationBasedTonnesCO2e", "12000.0"))
    assert violated(_with_instrument(*twin), engine) == set()


# --- CN-EVENT-01..05: a subject with an event's own facts is an event, whatever its type (Annex B.2.2) ------------


def _event(*edits: tuple[str, str, Any]) -> dict[str, Any]:
    """The event claim with its summit typed only comet:Product, and further edits."""
    return edited(EVENT, ("ex:summit-2024", "@type", "Product"), *edits)


@pytest.mark.rule("CN-EVENT-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_event_typed_product_with_its_plan_after_the_start_fails_and_the_twin_conforms(engine: str) -> None:
    # The red team's case: the summit is typed Product but has eventRecurrence and eventStartDate; the plan was
    # prepared on 2024-10-01, after the summit began on 2024-09-18.
    report = check(_event(("ex:plan", "planPreparationDate", "2024-10-01")), engine)
    assert set(report.rule_ids) == {"CN-EVENT-03"}
    (finding,) = report.violations
    assert finding.focus_node == ACME + "claim-2024"
    assert finding.value == ACME + "summit-2024"
    assert violated(_event(), engine) == set()
    # The plan prepared on the first day of the event is not prepared before it.
    assert violated(_event(("ex:plan", "planPreparationDate", "2024-09-18")), engine) == {"CN-EVENT-03"}
    assert violated(_event(("ex:plan", "planPreparationDate", "2024-09-17")), engine) == set()


@pytest.mark.rule("CN-EVENT-01", "CN-EVENT-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_an_event_typed_product_gets_the_other_event_rules_too(engine: str) -> None:
    # With a start date but no recurrence, it is an event that does not say whether it is one-off or recurring.
    assert violated(_event(("ex:summit-2024", "eventRecurrence", None)), engine) == {"CN-EVENT-02"}
    # With a recurrence but no start date, it is an event whose plan cannot be shown to precede it.
    assert violated(_event(("ex:summit-2024", "eventStartDate", None)), engine) == {"CN-EVENT-03"}
    # Its boundary must cover all four phases.
    three = ["EventPhase_Planning", "EventPhase_Preparation", "EventPhase_Event"]
    assert violated(_event(("ex:summit-2024-boundary", "coversEventPhase", three)), engine) == {"CN-EVENT-01"}
    # Two recurrences on an event typed Product are reported as on an event typed Event.
    both = _event(("ex:summit-2024", "eventRecurrence", ["OneOffEvent", "RecurringEvent"]))
    assert "CN-EVENT-02" in violated(both, engine)


@pytest.mark.rule("CN-EVENT-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_recurring_event_typed_product_needs_its_reference_event(engine: str) -> None:
    recurring = _example("annex-b/recurring-event-claim.jsonld")
    subject = next(n["hasSubject"] for n in recurring["@graph"] if n["@id"] == CLAIM)
    as_product = edited(recurring, (subject, "@type", "Product"))
    assert violated(as_product, engine) == set()
    baseline = next(n["@id"] for n in recurring["@graph"] if "referenceEvent" in n)
    assert violated(edited(as_product, (baseline, "referenceEvent", None)), engine) == {"CN-EVENT-04"}


@pytest.mark.rule("CN-EVENT-03")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_product_without_event_facts_is_not_checked_as_an_event(engine: str) -> None:
    # The plain product claim has no plan preparation date: it is not an event, so CN-EVENT-03 does not apply.
    assert "planPreparationDate" not in next(n for n in PRODUCT["@graph"] if n["@id"] == "ex:plan")
    assert violated(PRODUCT, engine) == set()


# --- Blank text: a required text that is empty or only whitespace states nothing (Annex B.2, §13 k, §9.1, ...) -----


BLANK_TEXTS = [
    # (document, node, key, rule): each text is required by the rule and is replaced by blanks.
    pytest.param(PRODUCT, FOOTPRINT, "functionalUnit", "CN-PROD-02", id="functionalUnit"),
    pytest.param(B2B, FOOTPRINT, "declaredUnit", "CN-PROD-02", id="declaredUnit"),
    pytest.param(B2B, FOOTPRINT, "partialSystemRationale", "CN-PROD-03", id="partialSystemRationale"),
    pytest.param(BASE, "ex:opinion-2024", "verifiedBy", "CN-CLAIM-06", id="verifiedBy"),
    pytest.param(BASE, "ex:pathway", "scienceBasedReference", "CN-PATH-03", id="scienceBasedReference"),
]


@pytest.mark.rule("CN-PROD-02", "CN-PROD-03", "CN-CLAIM-06", "CN-PATH-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("document", "node", "key", "rule"), BLANK_TEXTS)
def test_a_blank_required_text_fails_and_its_twin_with_text_conforms(
    document: dict[str, Any], node: str, key: str, rule: str, engine: str
) -> None:
    for blank in ("", "   ", "\t\n", "\u00a0"):
        assert violated(edited(document, (node, key, {"@value": blank})), engine) == {rule}, repr(blank)
    assert violated(edited(document, (node, key, {"@value": " a text "})), engine) == set()


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_verifier_given_as_a_node_or_a_name_conforms(engine: str) -> None:
    # The verifier may be a node (IRI or blank node) or a name: only a blank name is no verifier.
    assert violated(edited(BASE, ("ex:opinion-2024", "verifiedBy", {"label": "Verifier GmbH"})), engine) == set()
    assert violated(edited(BASE, ("ex:opinion-2024", "verifiedBy", {"@value": "Verifier GmbH"})), engine) == set()
    report = check(edited(BASE, ("ex:opinion-2024", "verifiedBy", {"@value": ""})), engine)
    (finding,) = report.violations
    assert finding.focus_node == ACME + "opinion-2024"
    assert "who verified the claim" in finding.message


@pytest.mark.rule("CN-PLAN-W01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_blank_name_responsible_for_the_plan_is_warned_about(engine: str) -> None:
    report = check(edited(BASE, ("ex:plan", "responsibleForDelivery", {"@value": "  "})), engine)
    assert report.conforms and {r.rule_id for r in report.warnings} == {"CN-PLAN-W01"}
    named = check(edited(BASE, ("ex:plan", "responsibleForDelivery", {"@value": "Chief Financial Officer"})), engine)
    assert named.conforms and "CN-PLAN-W01" not in {r.rule_id for r in named.warnings}


@pytest.mark.rule("CN-REG-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_blank_serial_number_is_no_serial_number(engine: str) -> None:
    credit = next(n["@id"] for n in BASE["@graph"] if "serialNumber" in n)
    assert violated(edited(BASE, (credit, "serialNumber", "   ")), engine) == {"CN-REG-01"}


@pytest.mark.rule("CN-ELEC-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_blank_market_is_no_market(engine: str) -> None:
    both = ((FOOTPRINT, "marketBasedTonnesCO2e", "12450.0"), (FOOTPRINT, "locationBasedTonnesCO2e", "14100.0"))
    blank = with_nodes(
        edited(BASE, (FOOTPRINT, "usesContractualInstrument", "ex:go-2024-hydro"), *both),
        dict(GUARANTEE, generationMarket=" ", consumptionMarket=" "),
    )
    assert violated(blank, engine) == {"CN-ELEC-04"}


# --- CN-HIER-04: a reduction achieved after the period does not count for its claim (§10.1, §12 q) -----------------


def _green_electricity_on(day: str) -> dict[str, Any]:
    # The base links two reductions: the kiln heat pumps (2023-09-30) and green electricity (2024-01-01).
    return edited(BASE, ("ex:reduction-green-electricity", "achievementDate", day))


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_reduction_achieved_after_the_period_fails_even_beside_one_that_counts(engine: str) -> None:
    report = check(_green_electricity_on("2025-02-01"), engine)
    assert set(report.rule_ids) == {"CN-HIER-04"}
    # Red team 81a: the plan's 1,500 t for 2024 were then not achieved by the period's end either (the claim lists
    # the 2023 reduction, so it is compared cumulatively): a finding of its own.
    (shortfall,) = [r for r in report.violations if "earlier periods' included" in r.message]
    (finding,) = [r for r in report.violations if r is not shortfall]
    assert finding.focus_node == ACME + "claim-2024"
    assert finding.value == ACME + "reduction-green-electricity"
    assert "2025-02-01" in finding.message and "cannot count for this claim" in finding.message
    # The last day of the period counts; the next day does not.
    assert violated(_green_electricity_on("2024-12-31"), engine) == set()
    assert violated(_green_electricity_on("2025-01-01"), engine) == {"CN-HIER-04"}


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_reduction_achieved_after_the_claim_date_fails(engine: str) -> None:
    # Red team 3, c45: the 2,100 t reduction is achieved in September 2025, after the claim of May 2025; the other one
    # is tiny but achieved in the period. The tiny one alone satisfies "a reduction before the claim"; the late one
    # is still reported.
    late = edited(
        BASE,
        ("ex:reduction-kiln-heat-pumps", "achievementDate", "2025-09-30"),
        ("ex:reduction-green-electricity", "tonnesCO2e", "0.001"),
    )
    report = check(late, engine)
    assert set(report.rule_ids) == {"CN-HIER-04"}
    # Red team 79b: 0.001 t achieved in the period is also short of the plan's 1,500 t for it (§10.1).
    short = [r for r in report.violations if "the plan's reduction actions dated" in r.message]
    assert len(short) == 1
    assert [r.value for r in report.violations if r not in short] == [ACME + "reduction-kiln-heat-pumps"]


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_the_multi_period_claims_link_only_reductions_already_achieved(engine: str) -> None:
    # The 2022 claim (made 2023-05-15) used to list the kiln heat pumps, achieved 2023-09-30; they now count from the
    # 2023 claim on, which lists them with the date every file gives them.
    for name in sorted(p.name for p in MULTI.glob("*.jsonld")):
        assert violated(_example("multi-period/" + name), engine) == set(), name
    claim_2022 = _example("multi-period/acme-2022.jsonld")
    kiln = {"@id": "ex:reduction-kiln-heat-pumps", "@type": "GHGEmissionReduction", "tonnesCO2e": "2100.0"}
    both = ["ex:reduction-kiln-heat-pumps", "ex:reduction-green-electricity"]
    relinked = with_nodes(
        edited(claim_2022, ("ex:claim-2022", "hasEmissionReduction", both)), dict(kiln, achievementDate="2023-09-30")
    )
    assert violated(relinked, engine) == {"CN-HIER-04"}
    for later in ("multi-period/acme-2023.jsonld", "multi-period/acme-2024.jsonld"):
        node = next(n for n in _example(later)["@graph"] if n["@id"] == "ex:reduction-kiln-heat-pumps")
        assert node["achievementDate"] == "2023-09-30"


# --- The violating examples added to examples/ (listed in examples/manifest.json) ---------------------------------


ANNEX_B_CASES = {
    "instrument without method or results": (
        _with_instrument(),
        _with_instrument(
            (FOOTPRINT, "marketBasedTonnesCO2e", "12450.0"), (FOOTPRINT, "locationBasedTonnesCO2e", "14100.0")
        ),
        {"CN-ELEC-01"},
    ),
    "event typed product, plan after start": (
        _event(("ex:plan", "planPreparationDate", "2024-10-01")),
        _event(),
        {"CN-EVENT-03"},
    ),
    "blank functional unit": (
        edited(PRODUCT, (FOOTPRINT, "functionalUnit", "   ")),
        PRODUCT,
        {"CN-PROD-02"},
    ),
}


@pytest.mark.rule("CN-ELEC-01", "CN-EVENT-03", "CN-PROD-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "rdfs"])
@pytest.mark.parametrize("case", sorted(ANNEX_B_CASES))
def test_the_annex_b_twins_without_owl_reasoning(case: str, reasoning: str, engine: str) -> None:
    violating, conforming, rules = ANNEX_B_CASES[case]
    assert violated(violating, engine, reasoning) == rules
    assert violated(conforming, engine, reasoning) == set()


# The Annex B cases (CN-ELEC-01, CN-EVENT-03, CN-PROD-02) have their twins above only: examples/violations/ holds no
# claim with an Annex B finding and examples/annex-b/ one violating example per rule (tests/test_annex_b.py).
NEW_EXAMPLES = {
    "violations/cn-claim-06-verifier-blank.jsonld": ({"CN-CLAIM-06"}, BASE),
    "violations/cn-hier-04-reduction-achieved-after-period.jsonld": ({"CN-HIER-04"}, BASE),
}


@pytest.mark.rule("CN-CLAIM-06", "CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(NEW_EXAMPLES))
def test_the_new_violating_examples_fail_only_their_rule(name: str, engine: str) -> None:
    rules, base_document = NEW_EXAMPLES[name]
    document = _example(name)
    for reasoning in ("owlrl", "none", "rdfs"):
        assert violated(document, engine, reasoning) == rules, reasoning
    base = {n["@id"]: n for n in base_document["@graph"]}
    nodes = {n["@id"]: n for n in document["@graph"]}
    assert 1 <= sum(1 for iri in set(base) | set(nodes) if base.get(iri) != nodes.get(iri)) <= 5


def test_the_new_examples_are_in_the_manifest() -> None:
    manifest = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))["examples"]
    listed = {e["file"]: set(e["rules"]) for e in manifest if not e["conforms"]}
    for name, (rules, _) in NEW_EXAMPLES.items():
        assert listed[name] == rules
        assert (EXAMPLES / Path(name)).is_file()
