"""Red team 25 regressions (and items left open from earlier rounds): each test names what a user saw before."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.loading import iter_stream
from tests.conftest import run_script

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLAIM = EXAMPLES / "conforming-claim.jsonld"


def _one_line(path: Path) -> str:
    return json.dumps(json.loads(path.read_text(encoding="utf-8")))


# ---- a stream of claims behind one stray line ----


def test_a_stream_of_claims_after_a_stray_first_line_keeps_every_claims_verdict() -> None:
    # Before: the stream was read as one Turtle document, "not valid Turtle (syntax error at line 1 column 1)",
    # and no claim of the stream got a verdict.
    claim = _one_line(CLAIM)
    stream = f"claims exported 2026-12-03\n\n{claim}\n{claim}\n".encode()
    run = run_script("cn-validate", "-", stdin=stream)
    verdicts = [line.split(": ", 1) for line in run.out.splitlines() if line.startswith("<stdin>:")]
    assert [name for name, _ in verdicts] == ["<stdin>:1", "<stdin>:3", "<stdin>:4"]
    assert [text.split(" (")[0] for _, text in verdicts[1:]] == ["CONFORMS to ISO 14068-1"] * 2
    assert run.code == 2
    assert run.err.strip() == (
        "cn-validate: error: <stdin>:1: not JSON-LD: a line of a JSON Lines file must be a JSON object or array"
    )


def test_a_document_is_still_one_input_whatever_its_second_line() -> None:
    # A JSON array whose only element is written on one line, and Turtle, stay one input each.
    claim = _one_line(CLAIM)
    array = f"[\n{claim}\n]\n".encode()
    assert list(iter_stream(io.BytesIO(array))) == [("<stdin>", array)]
    turtle = b"@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\n"
    assert list(iter_stream(io.BytesIO(turtle))) == [("<stdin>", turtle)]
    assert run_script("cn-validate", "-", stdin=array).out.startswith("<stdin>: CONFORMS")


def test_a_stray_line_before_a_line_over_the_limit_is_refused_as_over_the_limit() -> None:
    from comet_cn.loading import LoadLimits

    stream = io.BytesIO(b"header\n" + b"x" * 200 + b"\n")
    (entry,) = iter_stream(stream, limits=LoadLimits(max_bytes=64))
    assert isinstance(entry, InputError) and entry.problem == "input is over the limit of 64 bytes"


# ---- continual improvement: a residual-only state the footprint shows, lost the next period ----


def _period(year: int, *, all_residual: bool) -> dict[str, object]:
    document = json.loads((EXAMPLES / "multi-period" / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
    if all_residual:
        for node in document["@graph"]:
            if str(node.get("@id", "")).startswith("ex:emission-") and "tonnesCO2e" in node:
                node["@type"] = [node["@type"], "ResidualGHGEmission"]
    return document


def test_a_residual_only_state_shown_by_the_footprint_and_lost_the_next_period_is_found() -> None:
    # Before: only the onlyResidualEmissionsRemain flag made a period residual-only for the audit, while CN-CTYPE-01
    # already read a footprint whose every emission is residual as residual-only; the set conformed.
    from comet_cn import run_audits

    lost = run_audits([_period(2023, all_residual=True), _period(2024, all_residual=False)])
    found = [f for f in lost if f.rule_id == "CN-AUDIT-IMPROVE-03"]
    assert len(found) == 1 and "period-2023" in found[0].message and "period-2024" in found[0].message
    # Control: the same set with the 2023 footprint as the example has it, and with the state kept in 2024.
    assert not [
        f
        for f in run_audits([_period(2023, all_residual=False), _period(2024, all_residual=False)])
        if f.rule_id == "CN-AUDIT-IMPROVE-03"
    ]
    kept = run_audits([_period(2023, all_residual=True), _period(2024, all_residual=True)])
    assert not [f for f in kept if f.rule_id == "CN-AUDIT-IMPROVE-03"]


# ---- a rule satisfied by a node that is no claim (red team 25b) and other single-claim gaps (25a, 25b) ----


def _edited(path: Path, changes: dict[str, dict[str, object]], *added: dict[str, object]) -> dict[str, object]:
    """The example with some nodes' keys set (None removes a key) and nodes added."""
    document = json.loads(path.read_text(encoding="utf-8"))
    graph = document["@graph"]
    for node in graph:
        for key, value in changes.get(str(node.get("@id")), {}).items():
            if value is None:
                node.pop(key, None)
            else:
                node[key] = value
    graph.extend(added)
    return document


def _rules(document: dict[str, object], **options: object) -> list[str]:
    """The rule ids found, the same with pySHACL and, where installed, pyshacl-turbo."""
    from comet_cn import validate

    found = [result.rule_id for result in validate(document, **options).results]  # type: ignore[arg-type]
    if _turbo():
        fast = validate(document, shacl_engine="turbo", **options)  # type: ignore[arg-type]
        assert sorted(result.rule_id for result in fast.results) == sorted(found)
    return found


MARKET = EXAMPLES / "annex-b" / "market-based-electricity-claim.jsonld"
PERIODS = EXAMPLES / "multi-period"


def _reversal_left_out(*, decoy: bool) -> dict[str, object]:
    # The 2024 claim's footprint leaves its reversal out; another footprint of the period books it.
    verifier: dict[str, object] = {
        "hasCarbonFootprint": "ex:footprint-site-b",
        "hasRemovalReversal": "ex:reversal-2024-fire",
    }
    return _edited(
        PERIODS / "acme-2024.jsonld",
        {
            "ex:footprint-2024": {
                "tonnesCO2e": "12300.0",
                "hasEmission": ["ex:emission-scope1-2024", "ex:emission-scope2-2024", "ex:emission-scope3-2024"],
            },
            "ex:verifier": verifier if decoy else {},
        },
        {
            "@id": "ex:footprint-site-b",
            "@type": "CarbonFootprint",
            "hasReportingPeriod": "ex:period-2024",
            "tonnesCO2e": "150.0",
            "hasEmission": "ex:emission-reversal-2024",
        },
    )


def test_a_reversal_left_out_of_the_claims_footprint_is_found_whatever_other_node_books_it() -> None:
    # Before: giving the booking footprint, and the reversal, to the verifier (any node) made it "claimed": CONFORMS.
    for reasoning in ("owlrl", "none"):
        assert "CN-REV-01" in _rules(_reversal_left_out(decoy=True), reasoning=reasoning)
        assert "CN-REV-01" in _rules(_reversal_left_out(decoy=False), reasoning=reasoning)
    assert "CN-REV-01" not in _rules(json.loads((PERIODS / "acme-2024.jsonld").read_text(encoding="utf-8")))


def test_instruments_on_a_claim_that_some_node_calls_its_footprint_are_still_found() -> None:
    # Before: "ex:verifier hasCarbonFootprint <the claim>" made the claim a footprint: a 2018 certificate retired for
    # a customer, stated on the claim, conformed.
    instrument = {
        "instrumentRetiredFor": "ex:customer",
        "generationPeriodStart": "2018-01-01",
        "generationPeriodEnd": "2018-12-31",
    }
    document = _edited(
        MARKET,
        {"ex:go-2024-hydro": instrument, "ex:verifier": {"hasCarbonFootprint": "ex:claim-2024"}},
        {"@id": "ex:customer", "@type": "Organization", "label": "A customer"},
    )
    for node in document["@graph"]:  # type: ignore[union-attr]
        if node.get("@id") == "ex:footprint-2024":
            instruments = node.pop("usesContractualInstrument")
        if node.get("@id") == "ex:claim-2024":
            claim = node
    claim["usesContractualInstrument"] = instruments
    # The footprint's figures copied to the claim, so that the claim taken for a footprint reports what one should.
    claim.update(tonnesCO2e="12450.0", marketBasedTonnesCO2e="12450.0", locationBasedTonnesCO2e="13380.0")
    assert "CN-ELEC-01" in _rules(document)


def test_a_market_based_result_or_a_market_based_baseline_asks_for_the_location_based_result() -> None:
    # Digest §8.1 / B.4: where the market-based method is used for the quantification or the plan, the report gives
    # both results. Before: only a declared method or instruments on the footprint asked for them.
    result_only = _edited(CLAIM, {"ex:footprint-2024": {"marketBasedTonnesCO2e": "12450.0"}})
    assert "CN-ELEC-01" in _rules(result_only)
    both = _edited(
        CLAIM, {"ex:footprint-2024": {"marketBasedTonnesCO2e": "12450.0", "locationBasedTonnesCO2e": "13380.0"}}
    )
    assert "CN-ELEC-01" not in _rules(both)
    # A footprint that names the location-based method may disclose the market-based result alone.
    disclosed = _edited(
        CLAIM,
        {
            "ex:footprint-2024": {
                "marketBasedTonnesCO2e": "12450.0",
                "electricityAccountingMethod": "LocationBasedMethod",
            }
        },
    )
    assert "CN-ELEC-01" not in _rules(disclosed)


def _actions(changes: dict[str, dict[str, object]]) -> dict[str, object]:
    return _edited(CLAIM, changes)


def test_a_removal_ordered_first_beside_reductions_with_only_dates_cannot_be_put_in_order() -> None:
    # Before: the removal's actionOrder 1 was compared with nothing, and the plan conformed.
    unordered = _actions(
        {
            "ex:action-woodland": {"actionOrder": 1, "plannedDate": None},
            "ex:action-green-electricity": {"actionOrder": None},
            "ex:action-heat-pumps": {"actionOrder": None},
        }
    )
    assert _rules(unordered).count("CN-HIER-02") == 2
    # Control: every action dated only (removals are not compared by date), as the rule says.
    dated = _actions(
        {
            "ex:action-woodland": {"actionOrder": None},
            "ex:action-green-electricity": {"actionOrder": None},
            "ex:action-heat-pumps": {"actionOrder": None},
            "ex:action-offset": {"actionOrder": None},
        }
    )
    assert "CN-HIER-02" not in _rules(dated)


def test_offsetting_at_the_same_action_order_as_a_reduction_is_not_after_it() -> None:
    tie = _actions({"ex:action-offset": {"actionOrder": 3}})  # the woodland removal is 3, the latest before it
    assert "CN-HIER-02" in _rules(tie)
    assert "CN-HIER-02" not in _rules(_actions({"ex:action-offset": {"actionOrder": 5}}))


def _turbo() -> bool:
    from importlib.util import find_spec

    return find_spec("pyshacl_turbo") is not None


def test_a_subject_named_by_one_iri_in_every_claim_is_no_alias_whatever_identifier_it_is_the_same_as() -> None:
    # Before: the 2024 claim used the entity's LEI (declared the same as ex:acme) twice, as claimedBy and as the
    # beneficiary, so the LEI outranked the hasSubject IRI: a false CN-AUDIT-ID-02 and a series split in two.
    from comet_cn import run_audits

    lei = "https://lei.info/5299000J2N45DDNE4Y28"
    latest = _edited(
        PERIODS / "acme-2024.jsonld",
        {
            "ex:claim-2024": {"claimedBy": lei},
            "ex:acme": {"http://www.w3.org/2002/07/owl#sameAs": {"@id": lei}},
            "ex:retirement-2025-03": {"retiredOnBehalfOf": lei},
        },
    )
    earlier = [json.loads((PERIODS / f"acme-{year}.jsonld").read_text(encoding="utf-8")) for year in (2022, 2023)]
    found = run_audits([*earlier, latest])
    assert "CN-AUDIT-ID-02" not in [f.rule_id for f in found]
    assert {f.rule_id for f in found} == {f.rule_id for f in run_audits(PERIODS)}  # as the example set's own


# ---- robustness: strangers' files (red teams 25c and 25d) ----


def test_a_context_chaining_thousands_of_prefixes_gets_a_verdict_not_a_crash(tmp_path: Path) -> None:
    # Before: "q2": "q1:a", "q3": "q2:a", ... passed for absolute IRIs and went to Oxigraph, whose context
    # processing overflowed the stack: "Segmentation fault", exit 139, and no verdict for any input of the run.
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    chain = {"q0": "urn:example:chain#", **{f"q{i}": f"q{i - 1}:a" for i in range(1, 8000)}}
    document["@context"] = [document["@context"][0], {**document["@context"][1], **chain}]
    document["@graph"].append({"@id": "q7999:node", "@type": "Entity"})
    chained = tmp_path / "chained.jsonld"
    chained.write_text(json.dumps(document), encoding="utf-8")
    run = run_script("cn-validate", chained, CLAIM)
    assert run.code == 0, run.err
    assert run.out.count("CONFORMS to ISO 14068-1") == 2


def test_a_symbolic_link_loop_among_the_inputs_costs_only_itself_its_verdict_with_an_output_file(
    tmp_path: Path,
) -> None:
    # Before: with -o, "internal error: RuntimeError: Symlink loop", exit 3, no report, the good claim's verdict lost.
    (tmp_path / "a.jsonld").symlink_to(tmp_path / "b.jsonld")
    (tmp_path / "b.jsonld").symlink_to(tmp_path / "a.jsonld")
    report = tmp_path / "report.txt"
    run = run_script("cn-validate", "-o", report, CLAIM, tmp_path / "a.jsonld")
    assert run.code == 2
    assert run.err.strip().endswith("a.jsonld: Too many levels of symbolic links")
    assert "conforming-claim.jsonld: CONFORMS" in report.read_text(encoding="utf-8")


def test_bidirectional_controls_in_a_node_name_are_shown_escaped() -> None:
    # Before: U+202E in a credit's IRI was printed raw, and the IRI read on screen as another one.
    from comet_cn.reporting import escape_controls

    spoofed = "https://example.org/acme/credit-\u202e2202-egatniv"
    assert escape_controls(spoofed) == "https://example.org/acme/credit-\\u202e2202-egatniv"
    assert escape_controls("Acme Ceramics GmbH \u00e9") == "Acme Ceramics GmbH \u00e9"  # other text stays as is


# ---- the dossier's balance is CN-BAL-01's (red team 25d) ----


def _balance_text(document: dict[str, object]) -> str:
    import re

    from comet_cn import load, validate
    from comet_cn.dossier import render_dossier

    page = render_dossier([(validate(document), load(document))])
    start = page.index("Balance</h3>")
    return " ".join(re.sub("<[^>]+>", " ", page[start : page.index("Balance: footprint", start)]).split())


def test_the_dossier_balance_counts_a_duplicated_block_once_and_reads_no_exponent_and_rounds_nothing() -> None:
    # Before: the page counted the same serial on two nodes twice and said "The credits cover the footprint" beside
    # CN-BAL-01; read "2.0005E3" as 2,000 t; and showed a stated 12500.4 as 12,500 beside "short by 0.4".
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    credits = {n["@id"]: n for n in document["@graph"] if n.get("@type") == "CarbonCredit"}
    first, second, *_ = credits
    credits[second]["serialNumber"] = credits[first]["serialNumber"]
    credits[second]["tonnesCO2e"] = credits[first]["tonnesCO2e"]
    assert "CN-BAL-01" in _rules(document)
    text = _balance_text(document)
    assert "The credits fall short of the footprint" in text and "cover the footprint" not in text

    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    next(n for n in document["@graph"] if n.get("@id") == first)["tonnesCO2e"] = "6.0005E3"
    text = _balance_text(document)
    assert "1 credit block(s) state no readable quantity" in text and "cover the footprint" not in text

    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    footprint = next(n for n in document["@graph"] if n.get("@id") == "ex:footprint-2024")
    footprint["tonnesCO2e"] = "12500.4"
    assert "Carbon footprint for the period 12,500.4" in _balance_text(document)


# ---- every report format names a workbook finding's cell, and --strict's verdict (red team 25d) ----


def test_sarif_junit_and_turtle_name_the_workbook_cell_of_a_finding(tmp_path: Path) -> None:
    # Before: text, JSON and HTML named "sheet 'Credits', row N"; SARIF, JUnit and Turtle named no cell at all.
    from rdflib import Graph, Namespace

    from comet_cn.workbook import workbook_from_document

    failing = json.loads((EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld").read_text(encoding="utf-8"))
    workbook = tmp_path / "claim.xlsx"
    workbook_from_document(failing, workbook)
    sarif = json.loads(run_script("cn-validate", "-f", "sarif", workbook).out)
    cells = [r["properties"].get("cell", "") for r in sarif["runs"][0]["results"] if r["ruleId"] == "CN-VINT-01"]
    assert cells and all(cell.startswith("sheet 'Credits', row ") for cell in cells)
    assert "cell:  sheet 'Credits', row " in run_script("cn-validate", "-f", "junit", workbook).out
    report = Graph().parse(data=run_script("cn-validate", "-f", "turtle", workbook).out, format="turtle")
    cnsh = Namespace("https://comet.carbon/ext/iso14068/shapes#")
    assert any(str(cell).startswith("sheet 'Credits', row ") for cell in report.objects(None, cnsh.cell))


def test_junit_under_strict_fails_the_rules_with_warnings_as_the_exit_code_does() -> None:
    # Before: --strict exited 1 on a warning while the JUnit report had no failure, so a CI gate reading it passed.
    warned = EXAMPLES / "annex-b" / "cn-org-w01-subsidiary-without-group-context.jsonld"
    plain = run_script("cn-validate", "-f", "junit", warned)
    strict = run_script("cn-validate", "--strict", "-f", "junit", warned)
    assert plain.code == 0 and 'failures="0"' in plain.out.split("<testsuite ", 2)[1].split(">", 1)[0]
    assert strict.code == 1 and 'failures="1"' in strict.out.split("<testsuite ", 2)[1].split(">", 1)[0]
    assert 'type="Warning"' in strict.out


# ---- a user's --shapes: one claim's failure is its own, and its prefixes hold (red team 25c) ----

_USER_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cn: <https://comet.carbon/ext/iso14068#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:example:old-claim> a sh:NodeShape ;
  sh:targetClass cn:CarbonNeutralityClaim ;
  sh:sparql [
    sh:message "claim made before 2000" ;
    sh:prefixes <urn:example:prefixes> ;
    sh:select \"\"\"SELECT $this WHERE { $this cn:claimDate ?d . FILTER (YEAR(?d) < 2000) }\"\"\" ;
  ] .
<urn:example:prefixes> sh:declare [ sh:prefix "cn" ; sh:namespace "https://comet.carbon/ext/iso14068#"^^xsd:anyURI ] .
"""


def test_a_users_shapes_declaring_their_own_prefix_for_the_namespace_run_whatever_the_hash_seed(
    tmp_path: Path,
) -> None:
    # Before: the bundled comet-cn: and the user's cn: for one namespace were both added to the query, rdflib kept
    # the last in set order, and the run stopped ("Unknown namespace prefix : cn", exit 2) for some hash seeds.
    import os

    shapes = tmp_path / "mine.ttl"
    shapes.write_text(_USER_SHAPES, encoding="utf-8")
    for seed in ("1", "2", "5"):
        run = run_script("cn-validate", "-q", "-s", shapes, CLAIM, env={**os.environ, "PYTHONHASHSEED": seed})
        assert run.code == 0 and not run.err, (seed, run.err)


def test_a_users_shape_failing_on_one_claims_data_costs_only_that_claim_its_verdict(tmp_path: Path) -> None:
    # Before: rdflib failed on YEAR() of the invalid "2025-13-40", the whole run stopped with "--shapes: the shapes
    # cannot be run", exit 2, and the other claims got no verdict.
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(_USER_SHAPES, encoding="utf-8")
    hostile = tmp_path / "hostile.jsonld"
    hostile.write_text(json.dumps(_edited(CLAIM, {"ex:claim-2024": {"claimDate": "2025-13-40"}})), encoding="utf-8")
    failing = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"
    run = run_script("cn-validate", "-s", shapes, CLAIM, hostile, failing)
    assert run.code == 2
    assert (
        "conforming-claim.jsonld: CONFORMS" in run.out and "cn-vint-01-old-vintage.jsonld: DOES NOT CONFORM" in run.out
    )
    assert (
        run.err.strip().startswith("cn-validate: error: ")
        and "hostile.jsonld: the --shapes cannot be run on this claim" in run.err
    )
    assert " at 0x" not in run.err


def test_a_turtle_file_with_thousands_of_prefixes_is_refused_quickly(tmp_path: Path) -> None:
    # Before: 200,000 @prefix lines (6.5 MB, under --max-bytes) ran for minutes, and the claim after it waited;
    # these 50,000 took minutes too. Refused before rdflib binds any of them.
    prefixes = tmp_path / "prefixes.ttl"
    prefixes.write_text(
        "".join(f"@prefix p{i}: <https://example.org/ns{i}#> .\n" for i in range(50_000))
        + "<urn:a> <urn:b> <urn:c> .\n",
        encoding="utf-8",
    )
    run = run_script("cn-validate", prefixes, CLAIM)
    assert run.code == 2 and "conforming-claim.jsonld: CONFORMS" in run.out
    assert run.err.strip() == f"cn-validate: error: {prefixes}: declares 50000 prefixes, over the limit of 1000"


# ---- the dossier and JUnit never show a file that changed after its verdict (red team 25d) ----


@pytest.mark.parametrize("replacement", ["broken", "another claim"])
def test_a_claim_changed_between_its_validation_and_the_dossier_is_an_error_on_the_page(
    replacement: str, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: the page read the file again after its verdict: broken, it said CONFORMS with exit 2; swapped for a
    # failing claim, it said CONFORMS beside "The credits fall short of the footprint".
    import time

    import comet_cn.cli as cli_module

    claim = tmp_path / "claim.jsonld"
    claim.write_bytes(CLAIM.read_bytes())
    validated = cli_module.validate_many

    def then_changed(*args: Any, **kwargs: Any) -> Any:
        yield from validated(*args, **kwargs)
        time.sleep(0.01)  # a modification time the file system tells apart
        if replacement == "broken":
            claim.write_text("{", encoding="utf-8")
        else:
            claim.write_bytes((EXAMPLES / "violations" / "cn-bal-01-credits-short.jsonld").read_bytes())

    monkeypatch.setattr(cli_module, "validate_many", then_changed)
    page = tmp_path / "d.html"
    run = cli("-q", "-f", "html", "-o", page, claim)
    assert run.code == 2
    text = page.read_text(encoding="utf-8")
    assert 'data-verdict="CONFORMS"' not in text and "The credits fall short" not in text
    assert "ERROR" in text or "INCOMPLETE" in text


# ---- an event's phases in the reporting period (red team 25a) ----

EVENT = EXAMPLES / "annex-b" / "event-claim.jsonld"  # a one-off summit on 2024-09-18, plan of 2024-02-01, period 2024


def test_a_one_off_events_plan_prepared_before_the_period_leaves_its_planning_out() -> None:
    # Digest B.2.2: the boundary covers planning, preparation, the event and the post-event phase.
    assert "CN-EVENT-01" in _rules(_edited(EVENT, {"ex:plan": {"planPreparationDate": "2023-06-01"}}))
    assert "CN-EVENT-01" not in _rules(_edited(EVENT, {"ex:plan": {"planPreparationDate": "2024-01-01"}}))
    # A recurring event's plan serves the events to come: its date is not compared.
    recurring = EXAMPLES / "annex-b" / "recurring-event-claim.jsonld"
    assert "CN-EVENT-01" not in _rules(_edited(recurring, {"ex:plan": {"planPreparationDate": "2023-06-01"}}))


# ---- red team 25e: this session's own changes reviewed ----


def test_a_plan_ordered_by_dates_with_some_orders_too_is_not_called_unorderable() -> None:
    # The first version of RemovalOrderComparableShape refused a plan whose every action is dated, when only the
    # removal (or only the reductions) also gave an actionOrder: more information made it fail.
    removal_dated_only = _actions({"ex:action-woodland": {"actionOrder": None}})
    assert "CN-HIER-02" not in _rules(removal_dated_only)
    reductions_dated_only = _actions(
        {"ex:action-green-electricity": {"actionOrder": None}, "ex:action-heat-pumps": {"actionOrder": None}}
    )
    assert "CN-HIER-02" not in _rules(reductions_dated_only)


def _with_credit_copy(serial: str | None, tonnes: str) -> dict[str, object]:
    """The conforming claim with the second credit's node replaced by a copy of the first with ``serial``."""
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    credits = [n for n in document["@graph"] if n.get("@type") == "CarbonCredit"]
    first, second = credits[0], credits[1]
    second.update({k: v for k, v in first.items() if k != "@id"})
    second["tonnesCO2e"] = tonnes
    if serial is not None:
        second["serialNumber"] = serial
    return document


def test_the_dossier_keys_and_sizes_blocks_as_cn_bal_01_does() -> None:
    # 25e: the page kept "serial as written" (the rule upper-cases it and drops white space) and the first node by
    # IRI (the rule takes the largest quantity of a block), so it contradicted CN-BAL-01 either way.
    first_serial = next(
        n for n in json.loads(CLAIM.read_text(encoding="utf-8"))["@graph"] if n.get("@type") == "CarbonCredit"
    )["serialNumber"]
    # The first block again under its serial in lower case: one block for the rule, so 8,000 t against 12,450 t.
    same_units = _with_credit_copy(first_serial.lower(), "4500.0")
    assert "CN-BAL-01" in _rules(same_units)
    text = _balance_text(same_units)
    assert "The credits fall short of the footprint by 4,450 t CO2e" in text
    # The same serial twice, the copy larger: the rule counts the larger, 10,450 + 2,000 t, and is satisfied.
    larger_copy = _with_credit_copy(None, "10450.0")
    assert "CN-BAL-01" not in _rules(larger_copy)
    assert "The credits cover the footprint" in _balance_text(larger_copy)


def test_a_reversal_no_claim_links_is_not_booked_by_a_second_reports_footprint() -> None:
    # 25e: the claim's footprint left the reversal out, a second report's footprint booked it, and the claim does
    # not link the reversal: a footprint "a claim or report links" sufficed. Where a claim covers the date, only a
    # claim's footprint counts.
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    for node in document["@graph"]:
        if node.get("@id") == "ex:claim-2024":
            node.pop("hasRemovalReversal")
        if node.get("@id") == "ex:footprint-2024":
            node["tonnesCO2e"] = "12300.0"
            node["hasEmission"] = [e for e in node["hasEmission"] if e != "ex:emission-reversal-2024"]
    second = {"@id": "ex:other-report", "@type": "CarbonNeutralityReport", "hasCarbonFootprint": "ex:fp-other"}
    booking = {
        "@id": "ex:fp-other",
        "@type": "CarbonFootprint",
        "tonnesCO2e": "150.0",
        "hasReportingPeriod": "ex:period-2024",
        "hasEmission": ["ex:emission-reversal-2024"],
    }
    document["@graph"].extend([second, booking])
    assert "CN-REV-01" in _rules(document)


def _icr(first_tonnes: str, second_tonnes: str) -> dict[str, object]:
    """The conforming claim with its first two credits two retirements of one ICR class (serialization)."""
    document = json.loads(CLAIM.read_text(encoding="utf-8"))
    credits = [n for n in document["@graph"] if n.get("@type") == "CarbonCredit"][:2]
    for credit, tonnes in zip(credits, (first_tonnes, second_tonnes), strict=True):
        credit.update(serialNumber="ICR-ISL-12-98806-3-R-0-2022", vintageEndYear="2022", tonnesCO2e=tonnes)
    return document


def test_two_retirements_of_one_icr_class_both_count_towards_the_balance() -> None:
    # 25e: an ICR serialization names a class many retirements share; the balance keyed blocks by the serial alone,
    # so 6,000 and 4,500 t of one class counted 6,000 t: a false CN-BAL-01 for a claim built from an ICR export.
    assert "CN-BAL-01" not in _rules(_icr("6000.0", "4500.0"))
    assert "The credits cover the footprint" in _balance_text(_icr("6000.0", "4500.0"))
    # One retirement listed twice (the same class and quantity) still counts once.
    assert "CN-BAL-01" in _rules(_icr("6000.0", "6000.0"))


def test_a_market_based_baseline_may_count_its_base_years_instruments() -> None:
    # 25e: Annex B.4 asks a baseline recalculated for the market-based method; it counts the base year's
    # instruments, which InstrumentOnFootprintShape called instruments on no footprint.
    go_2019 = {
        "@id": "ex:go-2019",
        "@type": "ContractualInstrument",
        "instrumentRetiredFor": "ex:acme",
        "generationPeriodStart": "2019-01-01",
        "generationPeriodEnd": "2019-12-31",
        "generationMarket": "DE",
        "consumptionMarket": "DE",
    }
    on_baseline = _edited(MARKET, {"ex:baseline-2019": {"usesContractualInstrument": "ex:go-2019"}}, go_2019)
    assert "CN-ELEC-01" not in _rules(on_baseline)
    # The same instrument on a node that is neither a footprint nor a baseline is still found.
    elsewhere = _edited(MARKET, {"ex:verifier": {"usesContractualInstrument": "ex:go-2019"}}, go_2019)
    assert "CN-ELEC-01" in _rules(elsewhere)
