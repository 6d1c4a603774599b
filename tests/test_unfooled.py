"""Regression tests for the false CONFORMS verdicts found by people who did not write the tool.

Each test is one bullet of the issue "Verdicts that cannot be fooled", through the API and the command line, with
reasoning off and on. Claims are the conforming example changed in one place, or written here from scratch.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

import comet_cn
from comet_cn import RuleParameters
from comet_cn.audits import run_audits
from comet_cn.rules import CNSH
from comet_cn.serials import parse_serial, serial_vintage
from tests.conftest import EXAMPLES, Run, edited

BASE: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
REASONING = ("none", "owlrl")
CONTEXT = "https://comet.carbon/ext/iso14068/context.jsonld"


def changed(*edits: tuple[str, str, Any]) -> dict[str, Any]:
    """The conforming claim with ``(node id, key, value)`` edits; a value of None removes the key."""
    return edited(BASE, *edits)


def verdict(document: Any, reasoning: str, **options: Any) -> tuple[bool, set[str]]:
    report = comet_cn.validate(document, reasoning=reasoning, **options)  # type: ignore[arg-type]
    return report.conforms, set(report.rule_ids)


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# ---- 1. a verdict is about claims ----

NOT_CLAIMS: dict[str, Any] = {
    "empty-object": {},
    "empty-array": [],
    "context-only": {"@context": CONTEXT},
    "unrelated-json": {"name": "package", "version": "1.0.0", "dependencies": {"left-pad": "^1"}},
    "organisation-and-footprint": {
        "@context": CONTEXT,
        "@graph": [
            {"@id": "https://example.org/x/org", "@type": ["Entity", "Organization"]},
            {"@id": "https://example.org/x/fp", "@type": "CarbonFootprint", "tonnesCO2e": "10.0"},
        ],
    },
    "misspelt-claim-type": changed(("ex:claim-2024", "@type", "CarbonNeutralClaim")),
}


@pytest.mark.rule("CN-INPUT-01")
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("name", list(NOT_CLAIMS))
def test_an_input_without_a_claim_never_conforms(name: str, reasoning: str) -> None:
    report = comet_cn.validate(NOT_CLAIMS[name], reasoning=reasoning)  # type: ignore[arg-type]
    assert not report.conforms and report.claims == ()
    assert "CN-INPUT-01" in report.rule_ids


@pytest.mark.rule("CN-INPUT-01")
@pytest.mark.parametrize("reasoning", REASONING)
def test_cli_says_not_a_claim_and_counts_it(cli: Callable[..., Run], tmp_path: Path, reasoning: str) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "claim.jsonld").write_text(json.dumps(BASE), encoding="utf-8")
    write(folder, "package.json", NOT_CLAIMS["unrelated-json"])
    write(folder, "empty.json", {})
    run = cli("-i", reasoning, folder)
    assert run.code == 1
    assert "1 conform, 2 do not (2 not a claim)" in run.out
    for line in run.out.splitlines():
        if "package.json:" in line or "empty.json:" in line:
            assert "NOT A CLAIM" in line and "CONFORM" not in line
    document = cli("-f", "json", "-i", reasoning, folder).json()
    assert document["conforms"] is False and document["summary"]["not_claims"] == 2


def test_a_claim_typed_with_a_comet_iri_in_turtle_is_found() -> None:
    turtle = comet_cn.load(BASE).serialize(format="nt")
    assert comet_cn.validate(turtle, format="nt").conforms


# ---- 2. unknown terms are findings ----


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_misspelt_key_is_reported_with_its_path_and_the_nearest_term(reasoning: str) -> None:
    document = changed(("ex:opinion-2024", "verifiedBy", None), ("ex:opinion-2024", "verifeidBy", "ex:verifier"))
    report = comet_cn.validate(document, reasoning=reasoning)
    unknown = [r for r in report.violations if r.rule_id == "CN-INPUT-02"]
    assert len(unknown) == 1
    assert unknown[0].path and unknown[0].path.startswith("$.@graph[") and unknown[0].path.endswith(".verifeidBy")
    assert "'verifiedBy'" in unknown[0].message and unknown[0].focus_node == "https://example.org/acme/opinion-2024"
    demoted = comet_cn.validate(document, reasoning=reasoning, unknown_terms="warning")
    assert "CN-INPUT-02" in {r.rule_id for r in demoted.warnings} and "CN-INPUT-02" not in demoted.rule_ids


@pytest.mark.rule("CN-INPUT-02")
def test_a_misspelt_value_and_an_undefined_prefix_are_reported() -> None:
    document = changed(("ex:credit-wind", "hasCreditType", "AvoidanceCredt"), ("ex:credit-wind", "foo:bar", "x"))
    messages = [r.message for r in comet_cn.validate(document).violations if r.rule_id == "CN-INPUT-02"]
    assert any("'AvoidanceCredt'" in m and "'AvoidanceCredit'" in m for m in messages)
    assert any("'foo:bar'" in m and "prefix 'foo'" in m for m in messages)


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_misspelt_iri_in_turtle_is_reported(reasoning: str) -> None:
    nt = comet_cn.load(BASE).serialize(format="nt")
    typo = nt.replace("iso14068#retirementDate>", "iso14068#retirmentDate>")
    report = comet_cn.validate(typo, format="nt", reasoning=reasoning)
    assert {"CN-INPUT-02", "CN-RET-01"} <= report.rule_ids
    message = next(r.message for r in report.violations if r.rule_id == "CN-INPUT-02")
    assert "retirmentDate" in message and "iso14068#retirementDate" in message


# ---- 3. claim timing ----

TIMING = {
    "not-after-period": ("2024-12-31", "not after the end of its reporting period"),
    "before-retirement": ("2025-03-01", "before the retirement"),
    "before-verification": ("2025-04-20", "before its verification opinion"),
}


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("case", list(TIMING))
def test_a_claim_dated_too_early_does_not_conform(case: str, reasoning: str) -> None:
    date, words = TIMING[case]
    report = comet_cn.validate(changed(("ex:claim-2024", "claimDate", date)), reasoning=reasoning)
    assert report.rule_ids == {"CN-CLAIM-09"}
    assert any(words in r.message for r in report.violations)


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_claim_needs_a_date(reasoning: str) -> None:
    assert verdict(changed(("ex:claim-2024", "claimDate", None)), reasoning) == (False, {"CN-CLAIM-09"})


@pytest.mark.rule("CN-CLAIM-09")
def test_a_claim_about_a_period_not_yet_over_does_not_conform() -> None:
    open_period = changed(
        ("ex:period-2024", "reportingPeriodEnd", "2024-12-31"), ("ex:claim-2024", "claimDate", "2025-05-15")
    )
    early = RuleParameters(as_of=datetime.date(2024, 12, 31))
    assert verdict(open_period, "owlrl", parameters=early)[1] == {"CN-CLAIM-09"}
    assert verdict(open_period, "owlrl", parameters=RuleParameters(as_of=datetime.date(2025, 6, 1))) == (True, set())
    future = changed(
        ("ex:period-2024", "reportingPeriodEnd", "2099-12-31"), ("ex:claim-2024", "claimDate", "2100-01-02")
    )
    assert "CN-CLAIM-09" in verdict(future, "owlrl")[1]  # against today's date


@pytest.mark.rule("CN-CLAIM-09")
def test_cli_as_of_option(cli: Callable[..., Run]) -> None:
    assert cli("--as-of", "2025-01-10", EXAMPLES / "conforming-claim.jsonld").code == 1
    assert cli("--as-of", "2025-06-01", EXAMPLES / "conforming-claim.jsonld").code == 0
    assert cli("--as-of", "yesterday", EXAMPLES / "conforming-claim.jsonld").code == 2


# ---- 4. retired in the claiming entity's name ----


@pytest.mark.rule("CN-RET-02")
@pytest.mark.parametrize("reasoning", REASONING)
def test_credits_retired_for_another_company_do_not_count(reasoning: str) -> None:
    other = changed(("ex:retirement-2025-03", "retiredOnBehalfOf", "https://example.org/other/company"))
    assert verdict(other, reasoning) == (False, {"CN-RET-02"})
    missing = changed(("ex:retirement-2025-03", "retiredOnBehalfOf", None))
    assert verdict(missing, reasoning) == (False, {"CN-RET-02"})


# ---- 5. one period per claim ----


@pytest.mark.rule("CN-CLAIM-02", "CN-RET-01")
@pytest.mark.parametrize("reasoning", REASONING)
def test_an_event_for_next_year_cannot_hide_a_late_retirement(reasoning: str) -> None:
    document = changed(
        ("ex:retirement-2025-03", "hasReportingPeriod", "ex:period-2025"),
        ("ex:retirement-2025-03", "retirementDate", "2026-05-31"),  # 17 months after the claim's period
        ("ex:claim-2024", "claimDate", "2026-06-15"),
    )
    document["@graph"].append(
        {
            "@id": "ex:period-2025",
            "@type": "ReportingPeriod",
            "reportingPeriodStart": "2025-01-01",
            "reportingPeriodEnd": "2025-12-31",
        }
    )
    conforms, rules = verdict(document, reasoning)
    assert not conforms and {"CN-CLAIM-02", "CN-RET-01"} <= rules


# ---- 6. credit units counted once ----


@pytest.mark.rule("CN-UNITS-01", "CN-BAL-01")
@pytest.mark.parametrize("reasoning", REASONING)
def test_two_blocks_with_one_serial_cannot_cover_the_footprint_twice(reasoning: str) -> None:
    document = changed(
        ("ex:footprint-2024", "tonnesCO2e", "10000.0"),
        ("ex:credit-wind", "serialNumber", "EXR-2022-WIND-000001-007500"),
        ("ex:credit-wind", "tonnesCO2e", "7500.0"),
        ("ex:credit-cookstoves", "serialNumber", "EXR-2022-WIND-000001-007500"),
        ("ex:credit-cookstoves", "tonnesCO2e", "7500.0"),
        ("ex:retirement-2025-03", "retiresCredit", ["ex:credit-wind", "ex:credit-cookstoves"]),
    )
    assert verdict(document, reasoning) == (False, {"CN-UNITS-01", "CN-BAL-01"})


OVERLAPS = {
    "verra": (
        "31207-400000001-400007000-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-0",
        "31207-400006501-400013500-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-0",
        "31207-400007001-400013500-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-0",
    ),
    "acr": ("ACR-CA-47104-2023-2210-1 to 7,000", "ACR-CA-47104-2023-2210-6,001 to 13,000", None),
    "car": ("CAR-1-US-47105-6-870-OR-2024-5512-1 to 7000", "CAR-1-US-47105-6-870-OR-2024-5512-6001 to 13000", None),
}


@pytest.mark.rule("CN-UNITS-01")
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("registry", list(OVERLAPS))
def test_overlapping_ranges_in_registry_notation_are_found(registry: str, reasoning: str) -> None:
    first, overlapping, adjacent = OVERLAPS[registry]

    def claim_with(second: str) -> dict[str, Any]:
        sizes = [parse_serial(serial) for serial in (first, second)]
        assert sizes[0] is not None and sizes[1] is not None
        # The vintage each serial names (CN-VINT-02 holds the stated year to it), issued the year after.
        years = [serial_vintage(size) for size in sizes]
        assert years[0] is not None and years[1] is not None
        return changed(
            ("ex:credit-wind", "serialNumber", first),
            ("ex:credit-wind", "tonnesCO2e", f"{sizes[0].units}.0"),
            ("ex:credit-wind", "vintageEndYear", str(years[0])),
            ("ex:credit-wind", "issuanceYear", str(years[0] + 1)),
            ("ex:credit-cookstoves", "serialNumber", second),
            ("ex:credit-cookstoves", "tonnesCO2e", f"{sizes[1].units}.0"),
            ("ex:credit-cookstoves", "vintageEndYear", str(years[1])),
            ("ex:credit-cookstoves", "issuanceYear", str(years[1] + 1)),
        )

    assert verdict(claim_with(overlapping), reasoning) == (False, {"CN-UNITS-01"})
    if adjacent:
        assert verdict(claim_with(adjacent), reasoning)[0] is True


@pytest.mark.rule("CN-UNITS-01", "CN-UNITS-02")
def test_explicit_ranges_are_compared_and_block_size_is_checked() -> None:
    explicit = ("ex:credit-cookstoves", "issuanceBlock", "EXR-2022-WIND")
    document = changed(
        explicit, ("ex:credit-cookstoves", "firstUnit", 5001), ("ex:credit-cookstoves", "lastUnit", 9500)
    )
    assert verdict(document, "owlrl") == (False, {"CN-UNITS-01"})
    fine = changed(explicit, ("ex:credit-cookstoves", "firstUnit", 6001), ("ex:credit-cookstoves", "lastUnit", 10500))
    assert verdict(fine, "owlrl") == (True, set())
    assert verdict(changed(("ex:credit-wind", "tonnesCO2e", "6500.0")), "owlrl") == (False, {"CN-UNITS-02"})


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_an_overlap_across_claims_is_an_audit_finding_naming_both(tmp_path: Path) -> None:
    other = json.loads(json.dumps(BASE).replace("https://example.org/acme/", "https://example.org/beta/"))
    other["@context"][1] = {"ex": "https://example.org/beta/"}
    for node in other["@graph"]:
        if node["@id"] == "ex:credit-wind":
            node["serialNumber"] = "EXR-2022-WIND-005001-011000"
    paths = [write(tmp_path, "a.jsonld", BASE), write(tmp_path, "b.jsonld", other)]
    ranged = [f for f in run_audits(paths) if "units 5001-6000" in f.message]
    assert len(ranged) == 1 and ranged[0].rule_id == "CN-AUDIT-DOUBLE-01"
    assert "acme/claim-2024" in ranged[0].message and "beta/claim-2024" in ranged[0].message


@pytest.mark.rule("CN-AUDIT-DOUBLE-01")
def test_an_explicit_range_under_another_block_does_not_hide_the_serials_units_across_claims(tmp_path: Path) -> None:
    # Claim B states its credit's range under a block key of its own; its serial still reads as units 1-6000 of
    # claim A's wind block. CN-UNITS-01 sweeps both readings within a claim; the audit must across claims too.
    other = json.loads(json.dumps(BASE).replace("https://example.org/acme/", "https://example.org/beta/"))
    other["@context"][1] = {"ex": "https://example.org/beta/"}
    for node in other["@graph"]:
        if node["@id"] == "ex:credit-wind":
            node.update(
                serialNumber="EXR_2022_WIND_000001_006000", issuanceBlock="BETA-OWN", firstUnit=1, lastUnit=6000
            )
    paths = [write(tmp_path, "a.jsonld", BASE), write(tmp_path, "b.jsonld", other)]
    ranged = [f for f in run_audits(paths) if "units 1-6000" in f.message]
    assert len(ranged) == 1 and ranged[0].rule_id == "CN-AUDIT-DOUBLE-01"
    assert "acme/claim-2024" in ranged[0].message and "beta/claim-2024" in ranged[0].message
    # The same explicit range with a serial of other units: no finding.
    for node in other["@graph"]:
        if node["@id"] == "ex:credit-wind":
            node["serialNumber"] = "EXR_2022_WIND_006001_012000"
    paths = [write(tmp_path, "a.jsonld", BASE), write(tmp_path, "c.jsonld", other)]
    # (The copy's other credits share the example's serials: only findings on the wind credit matter here.)
    assert [f for f in run_audits(paths) if "WIND" in f.message.upper() and "beta" in f.message] == []


# ---- 7. every report format says what the exit code says ----


def test_turtle_report_agrees_with_the_exit_code(cli: Callable[..., Run]) -> None:
    failing = cli("-f", "turtle", EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld")
    graph = Graph().parse(data=failing.out, format="turtle")
    assert failing.code == 1
    assert set(graph.objects(None, CNSH.conformsToISO14068)) == {Literal(False)}
    assert set(graph.objects(None, SH.conforms)) == {Literal(False)}
    warned = cli("-f", "turtle", EXAMPLES / "unreadable-serial-claim.jsonld")
    graph = Graph().parse(data=warned.out, format="turtle")
    assert warned.code == 0
    # SHACL's sh:conforms is false for a report that lists any result; the verdict (a warning only) is true.
    assert set(graph.objects(None, SH.conforms)) == {Literal(False)}
    assert set(graph.objects(None, CNSH.conformsToISO14068)) == {Literal(True)}


def test_audit_findings_are_counted_in_the_summary(cli: Callable[..., Run]) -> None:
    run = cli("--audits", EXAMPLES / "multi-period")
    assert run.code == 1
    summary = run.out.strip().splitlines()[-1]
    assert "Audits across inputs:" in summary and "the set does not conform" in summary
    document = cli("-f", "json", "--audits", EXAMPLES / "multi-period").json()
    assert document["conforms"] is False and document["summary"]["audit_violations"] >= 1


# ---- dates written with a time zone ----


@pytest.mark.rule("CN-RET-01")
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize(
    ("retired", "period_end"),
    [("2026-03-01Z", "2024-12-31"), ("2026-03-01+02:00", "2024-12-31"), ("2026-03-01", "2024-12-31Z")],
)
def test_a_time_zone_on_a_date_does_not_hide_a_late_retirement(retired: str, period_end: str, reasoning: str) -> None:
    # A zoned date is a valid xsd:date; the rules once skipped it, and a retirement 14 months late conformed.
    late = changed(
        ("ex:retirement-2025-03", "retirementDate", retired),
        ("ex:period-2024", "reportingPeriodEnd", period_end),
        ("ex:claim-2024", "claimDate", "2026-06-15"),
        ("ex:opinion-2024", "verificationDate", "2026-06-01"),  # after every retirement (CN-CLAIM-09)
    )
    conforms, rules = verdict(late, reasoning, parameters=RuleParameters(as_of=datetime.date(2026, 12, 1)))
    assert not conforms and "CN-RET-01" in rules
    on_time = changed(
        ("ex:retirement-2025-03", "retirementDate", "2025-12-31Z"),  # the last day of the twelve months
        ("ex:period-2024", "reportingPeriodEnd", period_end),
        ("ex:claim-2024", "claimDate", "2026-06-15"),
        ("ex:opinion-2024", "verificationDate", "2026-06-01"),  # after every retirement (CN-CLAIM-09)
    )
    assert verdict(on_time, reasoning, parameters=RuleParameters(as_of=datetime.date(2026, 12, 1))) == (True, set())


@pytest.mark.rule("CN-CLAIM-02")
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_time_zone_on_a_date_does_not_hide_a_period_that_ends_before_it_starts(reasoning: str) -> None:
    document = changed(("ex:period-2024", "reportingPeriodStart", "2025-06-01Z"))
    conforms, rules = verdict(document, reasoning)
    assert not conforms and "CN-CLAIM-02" in rules


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("reasoning", REASONING)
def test_a_reversal_booked_only_in_a_footprint_no_claim_uses_is_not_booked(reasoning: str) -> None:
    unbooked = changed(
        (
            "ex:footprint-2024",
            "hasEmission",
            ["ex:emission-scope1", "ex:emission-scope2", "ex:emission-scope3"],  # the fire's 150 t left out
        ),
        ("ex:footprint-2024", "tonnesCO2e", "12300.0"),
    )
    side = {
        "@id": "ex:footprint-2024-draft",
        "@type": "CarbonFootprint",
        "tonnesCO2e": "150.0",
        "hasReportingPeriod": "ex:period-2024",
        "hasEmission": "ex:emission-reversal-2024",
    }
    unbooked["@graph"].append(side)
    conforms, rules = verdict(unbooked, reasoning)
    assert not conforms and "CN-REV-01" in rules
    booked = changed()
    booked["@graph"].append(side)  # the claimed footprint books it too: a second footprint changes nothing
    assert verdict(booked, reasoning) == (True, set())


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("reasoning", REASONING)
def test_whole_tonnes_written_as_turtle_integers_are_quantities(reasoning: str) -> None:
    # "12450" in Turtle is an xsd:integer, which XSD counts as a decimal; sh:datatype xsd:decimal alone refused it,
    # and a conforming claim failed every quantity rule.
    def in_turtle(footprint: int) -> str:
        graph = comet_cn.load(changed(("ex:footprint-2024", "tonnesCO2e", f"{footprint}.0")))
        quantity = comet_cn.ontology_graph().namespace_manager.expand_curie("comet-cn:tonnesCO2e")
        for s, o in list(graph.subject_objects(quantity)):
            assert isinstance(o, Literal)
            if o.value == o.value.to_integral_value():
                graph.remove((s, quantity, o))
                graph.add((s, quantity, Literal(int(o.value))))
        turtle = graph.serialize(format="turtle")
        assert f"tonnesCO2e {footprint} " in turtle  # written as a bare integer
        return turtle

    assert verdict(in_turtle(12450), reasoning) == (True, set())
    conforms, rules = verdict(in_turtle(13450), reasoning)  # 1,000 t more than the credits
    assert not conforms and "CN-BAL-01" in rules


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("engine", ["pyshacl", "turbo"])
def test_a_negative_emission_cannot_hide_tonnes_from_the_balance(reasoning: str, engine: str) -> None:
    # A -2,000 t "emission" lowered the footprint that the credits had to cover.
    document = changed(
        (
            "ex:footprint-2024",
            "hasEmission",
            ["ex:emission-scope1", "ex:emission-scope2", "ex:emission-scope3", "ex:emission-reversal-2024", "ex:fix"],
        ),
    )
    document["@graph"].append({"@id": "ex:fix", "@type": "GHGEmission", "tonnesCO2e": "-2000.0"})
    conforms, rules = verdict(document, reasoning, shacl_engine=engine)
    assert not conforms and rules == {"CN-BAL-01"}
    document["@graph"][-1]["tonnesCO2e"] = "0.0"  # an emission of nothing is no harm
    assert verdict(document, reasoning, shacl_engine=engine) == (True, set())


@pytest.mark.rule("CN-CLAIM-09")
@pytest.mark.parametrize("reasoning", REASONING)
@pytest.mark.parametrize("engine", ["pyshacl", "turbo"])
def test_an_opinion_dated_before_the_period_is_over_cannot_verify_it(reasoning: str, engine: str) -> None:
    opinion = next(node for node in BASE["@graph"] if "verificationDate" in node)
    # The period ends on 2024-12-31; the credits are retired the next day, so that only the period end is at stake.
    retired = ("ex:retirement-2025-03", "retirementDate", "2025-01-01")
    early = changed(retired, (opinion["@id"], "verificationDate", "2024-11-30"))
    conforms, rules = verdict(early, reasoning, shacl_engine=engine)
    assert not conforms and rules == {"CN-CLAIM-09"}
    after = changed(retired, (opinion["@id"], "verificationDate", "2025-01-01"))
    assert verdict(after, reasoning, shacl_engine=engine) == (True, set())


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ["pyshacl", "turbo"])
def test_a_sum_of_credits_is_not_rounded_up_to_cover_the_footprint(engine: str) -> None:
    # In Python's default 28-digit context 6000 + 4500 + 1950.49999999999999999999999999 rounded to 12450.5 t.
    short = changed(
        ("ex:credit-biochar", "tonnesCO2e", "1950.49999999999999999999999999"),
        ("ex:footprint-2024", "tonnesCO2e", "12450.5"),
    )
    conforms, rules = verdict(short, "owlrl", shacl_engine=engine)
    assert not conforms and "CN-BAL-01" in rules
    exact = changed(
        ("ex:credit-biochar", "tonnesCO2e", "1950.5"),
        ("ex:footprint-2024", "tonnesCO2e", "12450.5"),
    )
    conforms, rules = verdict(exact, "owlrl", shacl_engine=engine)
    assert "CN-BAL-01" not in rules
