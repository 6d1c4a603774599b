"""Red team 98b: the subject's own removal enhancement, footprint removal or emission reduction carries its registry
serial, and a credit block written as a node of its own names the same units. CN-CRIT-01 compared nodes only, so
the tonnes counted twice (retired in the claim's own offsetting event) or were sold and still counted (§8.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.conftest import ENGINES, EXAMPLES, Run, edited, example, rule_messages, violated_rules

AS_OF = date(2026, 12, 1)
CLAIM = "residual-only-claim.jsonld"
SERIAL = "EXR-2024-WOOD-000001-000400"
OWN = [
    ("ex:enhancement-woodland", "removal enhancement"),
    ("ex:removal-woodland-2024", "footprint removal"),
    ("ex:reduction-kiln-heat-pumps", "emission reduction"),
]


def _block(iri: str, serial: str, tonnes: str = "400.0") -> dict[str, Any]:
    """A credit block like the example's biochar block, under another id and serial."""
    block = next(dict(node) for node in example(CLAIM)["@graph"] if node["@id"] == "ex:credit-biochar")
    block.update({"@id": iri, "serialNumber": serial, "tonnesCO2e": tonnes, "vintageEndYear": "2024"})
    return block


def _retired_by_the_claim(own: str, serial: str, tonnes: str = "400.0") -> dict[str, Any]:
    """The claim with ``own`` given the serial SERIAL and a 400 t block ``serial`` retired in its own event."""
    document = example(CLAIM)
    event = next(node for node in document["@graph"] if node["@id"] == "ex:retirement-2025-03")
    document = edited(
        document,
        (own, "serialNumber", SERIAL),
        ("ex:retirement-2025-03", "retiresCredit", [*event["retiresCredit"], "ex:credit-own"]),
    )
    document["@graph"].append(_block("ex:credit-own", serial, tonnes))
    return document


def _sold(serial: str, beneficiary: str = "ex:customer") -> dict[str, Any]:
    """The claim with its enhancement given SERIAL, and a block ``serial`` retired for ``beneficiary`` in an event
    the claim does not link."""
    document = edited(example(CLAIM), ("ex:enhancement-woodland", "serialNumber", SERIAL))
    document["@graph"] += [
        _block("ex:credit-sold", serial),
        {
            "@id": "ex:retirement-customer",
            "@type": "OffsettingEvent",
            "retirementDate": "2025-03-20",
            "hasReportingPeriod": "ex:period-2024",
            "inRegistry": "ex:registry",
            "retiredOnBehalfOf": beneficiary,
            "retiresCredit": ["ex:credit-sold"],
        },
        {"@id": "ex:customer", "@type": ["Entity", "Organization"], "label": "Customer Ltd"},
    ]
    return document


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("own", "kind"), OWN)
@pytest.mark.parametrize("serial", [SERIAL, "EXR-2024-WOOD-000201-000600", "exr-2024-wood-000001-000400"])
def test_a_credit_holding_the_units_of_the_claims_own_mitigation_is_counted_twice(
    engine: str, own: str, kind: str, serial: str
) -> None:
    document = _retired_by_the_claim(own, serial)
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CRIT-01"}
    (message,) = rule_messages(document, engine, "CN-CRIT-01", as_of=AS_OF)
    assert f"own {kind} https://example.org/acme/{own[3:]}" in message
    assert "credit-own" in message and "count twice" in message


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("own", "kind"), OWN)
def test_a_credit_of_other_units_of_the_same_block_conforms(engine: str, own: str, kind: str) -> None:
    # The twin: units 401-800 of the subject's own registered block were never its footprint's.
    document = _retired_by_the_claim(own, "EXR-2024-WOOD-000401-000800")
    assert violated_rules(document, engine, as_of=AS_OF) == set()


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
def test_the_enhancements_units_sold_to_a_customer_do_not_count_for_the_subject(engine: str, reasoning: str) -> None:
    document = _sold(SERIAL)
    assert violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-CRIT-01"}
    (message,) = rule_messages(document, engine, "CN-CRIT-01", as_of=AS_OF, reasoning=reasoning)
    assert "were sold as carbon credits" in message and "on behalf of https://example.org/acme/customer" in message


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("serial", "beneficiary"),
    [("EXR-2024-WOOD-000401-000800", "ex:customer"), (SERIAL, "ex:acme")],
    ids=["other units sold", "cancelled for the claimant"],
)
def test_units_not_sold_to_another_party_leave_the_claim_conforming(engine: str, serial: str, beneficiary: str) -> None:
    assert violated_rules(_sold(serial, beneficiary), engine, as_of=AS_OF) == set()


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("claimant", ["ex:customer", "ex:acme"])
@pytest.mark.parametrize("beneficiary", [None, "ex:acme"])
@pytest.mark.parametrize("itself", [False, True], ids=["a block of its units", "the enhancement itself"])
def test_units_another_claim_of_the_input_offsets_with_count_for_both(
    engine: str, claimant: str, beneficiary: str | None, itself: bool
) -> None:
    # Red team 100a: the group's own removal units, cancelled for it, offset its headquarters' claim too (the same
    # claimant); before, an event of another claim by the claimant, or for it, was the subject's own cancellation.
    document = _sold(SERIAL)
    event = next(node for node in document["@graph"] if node["@id"] == "ex:retirement-customer")
    event.pop("retiredOnBehalfOf")
    if beneficiary is not None:
        event["retiredOnBehalfOf"] = beneficiary
    if itself:
        event["retiresCredit"] = ["ex:enhancement-woodland"]
    other = {"@id": "ex:claim-other", "@type": "CarbonNeutralityClaim", "claimedBy": claimant}
    document["@graph"].append({**other, "hasOffsettingEvent": "ex:retirement-customer"})
    messages = rule_messages(document, engine, "CN-CRIT-01", as_of=AS_OF)
    assert any(
        "claim https://example.org/acme/claim-2024 counts its own removal enhancement" in message
        and "for claim https://example.org/acme/claim-other of the input" in message
        for message in messages
    ), messages


# ---- The dossier words the --unknown-terms sentence itself (a library caller passes the option's value) ----


@pytest.mark.parametrize(("mode", "stated"), [("warning", True), ("error", False)])
def test_a_library_caller_gets_the_dossiers_reading_sentence_from_the_options_value(mode: str, stated: bool) -> None:
    import comet_cn
    from comet_cn.dossier import render_dossier

    document = example("conforming-claim.jsonld")
    report = comet_cn.validate(document, unknown_terms=mode)  # type: ignore[arg-type]
    page = render_dossier([(report, None)], unknown_terms=mode)  # type: ignore[arg-type]
    sentence = "Reading changed from the defaults, which the verdict depends on: --unknown-terms warning"
    assert (sentence in page) is stated


# ---- Red team 99a: an own reduction with two serials; units retired for no one named ----


def _two_batches(retired: str, event: str) -> dict[str, Any]:
    """The enhancement issued in two batches of 200 t, and a block of ``retired`` retired in ``event``: the claim's
    own event, or one for the customer that the claim does not link."""
    first, second = "EXR-2024-WOOD-000001-000200", "EXR-2024-WOOD-000201-000400"
    document = _sold(retired) if event == "sold" else _retired_by_the_claim("ex:enhancement-woodland", retired, "200.0")
    return edited(document, ("ex:enhancement-woodland", "serialNumber", [first, second]))


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("event", ["sold", "own"])
@pytest.mark.parametrize("batch", ["EXR-2024-WOOD-000001-000200", "EXR-2024-WOOD-000201-000400"])
def test_each_serial_of_the_claims_own_mitigation_is_compared(engine: str, event: str, batch: str) -> None:
    # Before: only the serial that sorts first was read, so the second batch sold or retired again passed.
    assert violated_rules(_two_batches(batch, event), engine, as_of=AS_OF) == {"CN-CRIT-01"}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("event", ["sold", "own"])
def test_units_beyond_both_batches_conform(engine: str, event: str) -> None:
    assert violated_rules(_two_batches("EXR-2024-WOOD-000401-000600", event), engine, as_of=AS_OF) == set()


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("itself", [False, True], ids=["a block of its units", "the enhancement itself"])
def test_the_claims_own_units_retired_for_no_one_named_fail(engine: str, itself: bool) -> None:
    document = _sold(SERIAL)
    event = next(node for node in document["@graph"] if node["@id"] == "ex:retirement-customer")
    del event["retiredOnBehalfOf"]
    if itself:
        event["retiresCredit"] = ["ex:enhancement-woodland"]
    assert "CN-CRIT-01" in violated_rules(document, engine, as_of=AS_OF)
    messages = rule_messages(document, engine, "CN-CRIT-01", as_of=AS_OF)
    assert any("on behalf of no one named" in message and "State the beneficiary" in message for message in messages)


# ---- Red team 99b: a 52- or 53-week fiscal year is a year for CN-PATH-04 ----


def _fiscal_year(start: str, end: str, level: str) -> dict[str, Any]:
    """The conforming claim over ``start``-``end`` (its reductions inside it), with a 2024 target of ``level``
    against its footprint of 12,450 t."""
    return edited(
        example("conforming-claim.jsonld"),
        ("ex:period-2024", "reportingPeriodStart", start),
        ("ex:period-2024", "reportingPeriodEnd", end),
        ("ex:target-2030", "targetYear", "2024"),
        ("ex:target-2030", "tonnesCO2e", level),
        ("ex:enhancement-woodland", "achievementDate", end),
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("start", "end"), [("2023-12-31", "2024-12-28"), ("2023-12-24", "2024-12-28")])
def test_a_target_met_exactly_in_a_52_or_53_week_year_conforms(engine: str, start: str, end: str) -> None:
    # Before: the 364-day year's footprint was compared at 365.25/364 of itself, and the target it met was missed.
    assert violated_rules(_fiscal_year(start, end, "12450.0"), engine, as_of=AS_OF) == set()


@pytest.mark.rule("CN-PATH-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_target_missed_in_a_53_week_year_is_missed(engine: str) -> None:
    # Before: the 371-day year's footprint was compared at 365.25/371 of itself, 12,257 t under a 12,300 t target.
    document = _fiscal_year("2023-12-24", "2024-12-28", "12300.0")
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-PATH-04"}


# ---- Red team 97a: a claim resting on an opinion that a reissued opinion replaces ----


def _with_reissue(link: str, claim_links: str = "ex:opinion-2024") -> dict[str, Any]:
    """The conforming claim and a reissued opinion that replaces its opinion (``link`` on the newer one, or
    dcterms:isReplacedBy on the older), the claim and its report linking ``claim_links``."""
    document = example("conforming-claim.jsonld")
    old = next(node for node in document["@graph"] if node["@id"] == "ex:opinion-2024")
    newer = {**old, "@id": "ex:opinion-2024-reissued", "verificationDate": "2025-05-10"}
    if link == "dcterms:isReplacedBy":
        old[link] = {"@id": "ex:opinion-2024-reissued"}
    else:
        newer[link] = {"@id": "ex:opinion-2024"}
    document["@graph"].append(newer)
    return edited(
        document,
        ("ex:claim-2024", "hasVerificationOpinion", claim_links),
        ("ex:report-2024", "hasVerificationOpinion", claim_links),
    )


LINKS = ["dcterms:replaces", "prov:wasRevisionOf", "dcterms:isReplacedBy"]


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize("link", LINKS)
def test_a_claim_resting_on_a_replaced_opinion_is_refused(engine: str, reasoning: str, link: str) -> None:
    # Before: it conformed, though the verifier had reissued the opinion (on a restated footprint, say).
    document = _with_reissue(link)
    assert violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-CLAIM-06"}
    (message,) = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF, reasoning=reasoning)
    assert "opinion-2024, which opinion https://example.org/acme/opinion-2024-reissued replaces" in message


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("link", LINKS)
def test_a_claim_resting_on_the_reissued_opinion_conforms(engine: str, link: str) -> None:
    assert violated_rules(_with_reissue(link, "ex:opinion-2024-reissued"), engine, as_of=AS_OF) == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_two_opinions_that_each_replace_the_other_say_nothing_of_which_stands(engine: str) -> None:
    document = _with_reissue("dcterms:replaces")
    old = next(node for node in document["@graph"] if node["@id"] == "ex:opinion-2024")
    old["dcterms:replaces"] = {"@id": "ex:opinion-2024-reissued"}
    assert violated_rules(document, engine, as_of=AS_OF) == set()


# ---- Red team 98a: the JSON report records how the run checked its inputs ----


@pytest.mark.parametrize(
    ("options", "changed", "unknown_terms"),
    [
        ((), {}, "error"),
        (("--vintage-max-age", "30", "--unknown-terms", "warning"), {"vintage_max_age_years": [30, 5]}, "warning"),
    ],
)
def test_a_json_report_states_the_date_the_settings_and_the_reading(
    cli: Callable[..., Run], options: tuple[str, ...], changed: dict[str, list[int]], unknown_terms: str
) -> None:
    import jsonschema

    from comet_cn import __version__
    from comet_cn.ci_formats import report_schema

    run = cli(EXAMPLES / "conforming-claim.jsonld", "--as-of", "2026-12-01", "-f", "json", *options)
    document = run.json()
    jsonschema.validate(document, report_schema())
    checked = document["checked"]
    assert (checked["tool"], checked["version"], checked["as_of"]) == ("comet-cn", __version__, "2026-12-01")
    assert {name: [v["value"], v["default"]] for name, v in checked["settings_changed"].items()} == changed
    assert checked["unknown_terms"] == unknown_terms


# ---- Red team 101a: replacements written as text, an old opinion linked beside its reissue, mistaken ones ----


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text", ["https://example.org/acme/opinion-2024", "ex:opinion-2024"])
def test_an_opinion_replacement_written_as_text_is_refused(engine: str, text: str) -> None:
    # Before: the string was read as a literal and dropped, so the claim still resting on the replaced opinion passed.
    document = _with_reissue("dcterms:replaces")
    newer = next(node for node in document["@graph"] if node["@id"] == "ex:opinion-2024-reissued")
    newer["dcterms:replaces"] = text
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CLAIM-06"}
    (message,) = rule_messages(document, engine, "CN-CLAIM-06", as_of=AS_OF)
    assert f'as "{text}", text that names no opinion' in message


@pytest.mark.rule("CN-CLAIM-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("value", "violated"),
    [("https://example.org/acme/commitment-2019", {"CN-CLAIM-01"}), ({"@id": "ex:commitment-2019"}, set())],
    ids=["as text", "as a node"],
)
def test_a_commitment_replacement_is_read_from_a_node(engine: str, value: Any, violated: set[str]) -> None:
    document = edited(example("conforming-claim.jsonld"), ("ex:commitment", "dcterms:replaces", value))
    assert violated_rules(document, engine, as_of=AS_OF) == violated


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("change", ["major non-conformity", "another footprint"])
def test_a_replaced_opinion_linked_beside_its_reissue_is_not_read(engine: str, change: str) -> None:
    # Before: the claim and report linking both read the old opinion's resolved non-conformity, or the footprint it
    # verified before the restatement, as the claim's.
    document = _with_reissue("dcterms:replaces")
    old = next(node for node in document["@graph"] if node["@id"] == "ex:opinion-2024")
    if change == "major non-conformity":
        old["hasNonConformity"] = {"@type": "NonConformity", "nonConformitySeverity": "major", "label": "Scope 3"}
    else:
        first = {"@id": "ex:footprint-2024-as-first-stated", "@type": "CarbonFootprint", "tonnesCO2e": "11900.0"}
        old["hasCarbonFootprint"] = first
    both = ["ex:opinion-2024", "ex:opinion-2024-reissued"]
    linked_once = edited(document, ("ex:claim-2024", "hasVerificationOpinion", "ex:opinion-2024"))
    document = edited(
        document, ("ex:claim-2024", "hasVerificationOpinion", both), ("ex:report-2024", "hasVerificationOpinion", both)
    )
    assert violated_rules(document, engine, as_of=AS_OF) == set()
    # The twin: the old opinion linked alone is read, and refused.
    assert "CN-CLAIM-06" in violated_rules(linked_once, engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("key", "value"),
    [("hasSubject", {"@id": "ex:other-company"}), ("hasReportingPeriod", {"@id": "ex:period-2025"})],
    ids=["another subject", "a later period"],
)
def test_an_opinion_of_another_subject_or_a_later_period_replaces_nothing_of_this_claim(
    engine: str, key: str, value: dict[str, str]
) -> None:
    document = _with_reissue("dcterms:replaces")
    newer = next(node for node in document["@graph"] if node["@id"] == "ex:opinion-2024-reissued")
    newer[key] = value
    document["@graph"] += [
        {"@id": "ex:other-company", "@type": "Organization", "label": "Other Company Ltd"},
        {
            "@id": "ex:period-2025",
            "@type": "ReportingPeriod",
            "reportingPeriodStart": "2025-01-01",
            "reportingPeriodEnd": "2025-12-31",
        },
    ]
    assert violated_rules(document, engine, as_of=AS_OF) == set()


# ---- Red team 102a: the own units' index, an own range that cannot be read, a chain too long for pySHACL ----


def test_the_own_units_sweep_finds_exactly_the_overlapping_blocks() -> None:
    # Against the pairwise reading it replaced: random ranges of two blocks, some touching, some nested.
    import random

    from rdflib import Graph, Literal, URIRef

    from comet_cn.claim_checks import _RetiredUnits, _shared_units, _Units
    from comet_cn.namespaces import CN
    from comet_cn.serials import explicit_range

    randomness = random.Random(14068)
    graph = Graph()
    for index in range(300):
        credit, event = URIRef(f"urn:credit:{index}"), URIRef(f"urn:event:{index % 7}")
        first = randomness.randint(1, 5000)
        graph.add((event, CN.retiresCredit, credit))
        graph.add((credit, CN.issuanceBlock, Literal(randomness.choice(["EXR-A", "EXR-B"]))))
        graph.add((credit, CN.firstUnit, Literal(str(first))))
        graph.add((credit, CN.lastUnit, Literal(str(first + randomness.randint(0, 300)))))
    retired = _RetiredUnits(graph)
    own = []
    for _ in range(120):
        first = randomness.randint(1, 5400)
        span = explicit_range(randomness.choice(["EXR-A", "EXR-B", "EXR-C"]), first, first + randomness.randint(0, 50))
        own.append(_Units((span,), f"{span.block} {span.first} {span.last}", None))
    for units, positions in zip(own, retired.sharing(own), strict=True):
        pairwise = {i for i, (_, _, held) in enumerate(retired.entries) if _shared_units(units, held) is not None}
        assert {p for p in positions if _shared_units(units, retired.entries[p][2]) is not None} == pairwise


def _own_range_unread(engine: str, first: Any, last: str) -> None:
    # Before: skipped, so its units (inside the claim's own wind credit block, units 1-6000) counted twice.
    document = edited(
        example("conforming-claim.jsonld"),
        ("ex:reduction-kiln-heat-pumps", "issuanceBlock", "EXR-2022-WIND"),
        ("ex:reduction-kiln-heat-pumps", "firstUnit", first),
        ("ex:reduction-kiln-heat-pumps", "lastUnit", last),
    )
    assert violated_rules(document, engine, as_of=AS_OF) == {"CN-CRIT-01"}
    (message,) = rule_messages(document, engine, "CN-CRIT-01", as_of=AS_OF)
    assert "states a unit range that cannot be read" in message


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("first", "last"), [("3500", "3001"), (["3001", "3002"], "3500")])
def test_an_own_reduction_whose_stated_range_cannot_be_read_fails(engine: str, first: Any, last: str) -> None:
    _own_range_unread(engine, first, last)


@pytest.mark.rule("CN-CRIT-01")
@pytest.mark.parametrize(("first", "last"), [("3,001", "3,500"), ("3001.0", "3500")])
def test_an_own_reduction_whose_range_is_no_integer_fails(first: str, last: str) -> None:
    # Not xsd:integer's lexical form: such a claim runs on pySHACL whichever engine is asked for.
    _own_range_unread("pyshacl", first, last)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("block", "violated"), [("EXR-2022-WIND", {"CN-CRIT-01"}), ("EXR-2023-KILN", set())])
def test_an_own_reductions_readable_range_is_compared(engine: str, block: str, violated: set[str]) -> None:
    document = edited(
        example("conforming-claim.jsonld"),
        ("ex:reduction-kiln-heat-pumps", "issuanceBlock", block),
        ("ex:reduction-kiln-heat-pumps", "firstUnit", "3001"),
        ("ex:reduction-kiln-heat-pumps", "lastUnit", "3500"),
    )
    assert violated_rules(document, engine, as_of=AS_OF) == violated


def test_an_own_serial_no_grammar_reads_is_a_warning() -> None:
    import comet_cn

    document = edited(
        example("conforming-claim.jsonld"), ("ex:reduction-kiln-heat-pumps", "serialNumber", "EXR-2022-WIND-3500-3001")
    )
    report = comet_cn.validate(document, parameters=comet_cn.RuleParameters(as_of=AS_OF))
    assert report.conforms
    assert [(r.rule_id, r.severity.value) for r in report.warnings] == [("CN-UNITS-03", "Warning")]


def test_a_chain_too_long_for_pyshacl_is_one_line_and_exit_2(tmp_path: Any, cli: Callable[..., Run]) -> None:
    # Before: RecursionError in rdflib's path evaluation, "internal error", exit 3.
    document = example("conforming-claim.jsonld")
    links = [{"@id": f"ex:note-{i}", "rdfs:seeAlso": {"@id": f"ex:note-{i + 1}"}} for i in range(1200)]
    document["@graph"][0]["rdfs:seeAlso"] = {"@id": "ex:note-0"}
    document["@graph"] += links
    path = tmp_path / "chain.jsonld"
    path.write_text(__import__("json").dumps(document), encoding="utf-8")
    run = cli(path, EXAMPLES / "conforming-claim.jsonld", "--as-of", "2026-12-01", "--shacl-engine", "pyshacl")
    assert run.code == 2
    assert "a chain of linked nodes in the claim is too long" in run.err
    assert "Traceback" not in run.err and "conforming-claim.jsonld: CONFORMS" in run.out


# ---- The audits: own units of one input's claim retired as credits by another input's claim ----


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
@pytest.mark.parametrize("backend", ["rdflib", "oxigraph"])
@pytest.mark.parametrize(
    ("own_serial", "serial", "found"),
    [
        (SERIAL, "EXR-2024-WOOD-000201-000400", True),
        (SERIAL, "EXR-2024-WOOD-000401-000600", False),
        # Red team 103a: a serial no grammar reads, compared whole; an unpadded one, read loosely.
        ("ACME-WOODLAND-LOT-7", "acme-woodland-lot-7", True),
        ("ACME-WOODLAND-LOT-7", "ACME-WOODLAND-LOT-8", False),
        ("EXR-2024-WOOD-1-400", "EXR-2024-WOOD-000001-000400", True),
    ],
)
def test_the_audits_find_own_units_retired_as_credits_by_another_inputs_claim(
    tmp_path: Any, backend: str, own_serial: str, serial: str, found: bool
) -> None:
    import json

    from comet_cn.audits import run_audits

    own = edited(example(CLAIM), ("ex:enhancement-woodland", "serialNumber", own_serial))
    other = example("conforming-claim.jsonld")
    other["@context"][1]["ex"] = "https://example.org/beta/"
    other = edited(
        other,
        ("ex:credit-biochar", "serialNumber", serial),
        ("ex:credit-wind", "serialNumber", "EXR-2022-BETA-000001-006000"),
        ("ex:credit-cookstoves", "serialNumber", "EXR-2021-BETA-000001-004500"),
    )
    paths = []
    for name, document in (("acme.jsonld", own), ("beta.jsonld", other)):
        (tmp_path / name).write_text(json.dumps(document), encoding="utf-8")
        paths.append(tmp_path / name)
    messages = [r.message for r in run_audits(paths, backend=backend) if r.rule_id == "CN-AUDIT-DOUBLE-01"]
    expected = (
        "are counted by claim https://example.org/acme/claim-2024 as its own removal enhancement "
        "https://example.org/acme/enhancement-woodland"
    )
    other_claim = "retired as credits for claim https://example.org/beta/claim-2024"
    assert any(expected in m and other_claim in m for m in messages) is found, messages
    if not found:
        assert messages == []


# ---- Red team 103b: a claim based on a report that a corrected report replaces ----


@pytest.mark.rule("CN-CLAIM-05")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("link", "text", "violated"),
    [
        ("dcterms:replaces", False, {"CN-CLAIM-05"}),
        ("prov:wasRevisionOf", False, {"CN-CLAIM-05"}),
        ("dcterms:isReplacedBy", False, {"CN-CLAIM-05"}),
        ("dcterms:replaces", True, {"CN-CLAIM-05"}),
    ],
)
def test_a_claim_based_on_a_replaced_report_is_refused(engine: str, link: str, text: bool, violated: set[str]) -> None:
    # Before: it conformed, though the corrected report stated a larger footprint than the credits retired cover.
    document = example("conforming-claim.jsonld")
    old = next(node for node in document["@graph"] if node["@id"] == "ex:report-2024")
    corrected = {**json_copy(old), "@id": "ex:report-2024-corrected"}
    reference: Any = "https://example.org/acme/report-2024" if text else {"@id": "ex:report-2024"}
    if link == "dcterms:isReplacedBy":
        old[link] = {"@id": "ex:report-2024-corrected"}
    else:
        corrected[link] = reference
    document["@graph"].append(corrected)
    assert violated_rules(document, engine, as_of=AS_OF) == violated


@pytest.mark.parametrize("engine", ENGINES)
def test_a_claim_based_on_the_corrected_report_conforms(engine: str) -> None:
    document = example("conforming-claim.jsonld")
    old = next(node for node in document["@graph"] if node["@id"] == "ex:report-2024")
    draft = {**json_copy(old), "@id": "ex:report-2024-draft"}
    old["dcterms:replaces"] = {"@id": "ex:report-2024-draft"}
    document["@graph"].append(draft)
    assert violated_rules(document, engine, as_of=AS_OF) == set()


def json_copy(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value))


# ---- Red team 104b: an event typed only as a product, known by its end date or its boundary's phases ----


@pytest.mark.rule("CN-EVENT-02")
@pytest.mark.rule("CN-EVENT-03")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("end_date", [True, False], ids=["its end date", "its boundary's phases"])
def test_an_event_typed_a_product_is_known_by_its_end_date_or_phases(engine: str, end_date: bool) -> None:
    # Before: typed Product, with no recurrence and no start date, it was no event: CN-EVENT-02/03 were skipped.
    document = edited(
        example("annex-b/event-claim.jsonld"),
        ("ex:summit-2024", "@type", "Product"),
        ("ex:summit-2024", "eventRecurrence", None),
        ("ex:summit-2024", "eventStartDate", None),
        ("ex:summit-2024", "eventEndDate", "2024-09-20" if end_date else None),
    )
    assert {"CN-EVENT-02", "CN-EVENT-03"} <= violated_rules(document, engine, as_of=AS_OF)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_event_typed_a_product_with_its_facts_conforms(engine: str) -> None:
    document = edited(example("annex-b/event-claim.jsonld"), ("ex:summit-2024", "@type", "Product"))
    assert violated_rules(document, engine, as_of=AS_OF) == set()


# ---- Red team 104a: a correction naming the subject and more; a draft report the claim is not based on ----


@pytest.mark.rule("CN-CLAIM-05")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize("subjects", [["ex:acme", "ex:acme-site-2"], ["ex:acme-gmbh"]], ids=["and a site", "alias"])
def test_a_correction_naming_the_claims_subject_replaces_its_report(
    engine: str, reasoning: str, subjects: list[str]
) -> None:
    document = example("conforming-claim.jsonld")
    old = next(node for node in document["@graph"] if node["@id"] == "ex:report-2024")
    corrected = {**json_copy(old), "@id": "ex:report-2024-v2", "dcterms:replaces": {"@id": "ex:report-2024"}}
    corrected["hasSubject"] = subjects
    document["@graph"] += [
        corrected,
        {"@id": "ex:acme-site-2", "@type": "Organization", "partOfOrganization": "ex:acme"},
        # Two aliases of one identifier: the same subject, read without reasoning too.
        {"@id": "ex:acme-gmbh", "owl:sameAs": {"@id": "https://example.org/lei/ACME"}},
        {"@id": "ex:acme", "owl:sameAs": {"@id": "https://example.org/lei/ACME"}},
    ]
    assert violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-CLAIM-05"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_draft_report_the_claim_is_not_based_on_need_not_be_complete(engine: str) -> None:
    # Before: CN-REPORT-01 and 24 x CN-REPORT-02 on a draft that the published report replaced.
    document = example("conforming-claim.jsonld")
    document["@graph"].append(
        {
            "@id": "ex:report-2024-draft",
            "@type": "CarbonNeutralityReport",
            "label": "draft",
            "dcterms:isReplacedBy": {"@id": "ex:report-2024"},
        }
    )
    assert violated_rules(document, engine, as_of=AS_OF) == set()
