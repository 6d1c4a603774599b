"""Red team 60: each test names what a user saw before."""

from __future__ import annotations

import json
import re
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import import_records
from comet_cn.importers.model import ImportResult
from tests.conftest import ENGINES, EXAMPLES, edited, rule_messages, violated_rules, with_nodes

AS_OF = date(2026, 6, 1)
CLAIM: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))

_VERRA_HEADER = (
    "Issuance Date,Sustainable Development Goals,Vintage Start,Vintage End,ID,Name,Country/Area,Project Type,"
    "Methodology,Total Vintage Quantity,Quantity Issued,Serial Number,Additional Certifications,"
    "Retirement/Cancellation Date,Retirement Beneficiary,Retirement Reason,Retirement Details"
)
_SERIAL = "20031-970000001-970012500-VCS-VCU-1600-VER-MW-3-98816-01012024-31122024-1"


def _verra(path: Path, quantity: str, serial: str = _SERIAL) -> Path:
    row = (
        f'2025-11-20,,2024-01-01,2024-12-31,98816,Example Cookstoves Malawi,Malawi,Energy demand,VMR0006,"96,400",'
        f'"{quantity}",{serial},,2026-02-17,Example Logistics AG,Environmental Benefit,x'
    )
    path.write_text(f"{_VERRA_HEADER}\n{row}\n", encoding="utf-8")
    return path


def _tonnes(result: ImportResult) -> list[str]:
    return [str(node["tonnesCO2e"]) for node in result.nodes if "tonnesCO2e" in node]


@pytest.mark.parametrize("serial", [_SERIAL, "VCS-ODD-SERIAL-1"])
@pytest.mark.parametrize(("quantity", "said"), [("12.500", "may be 12.5 or 12500"), ("1.000", "may be 1 or 1000")])
def test_a_quantity_grouped_with_dots_is_not_taken_as_a_decimal(
    tmp_path: Path, serial: str, quantity: str, said: str
) -> None:
    # Before: "1.000" was imported as 1 t (12.500 as 12.5 t) without a word when the serial gave no range to compare.
    result = import_records("verra", _verra(tmp_path / "verra.csv", quantity, serial))
    assert not _tonnes(result)
    assert any(said in warning and "left out" in warning for warning in result.warnings), result.warnings


def test_a_fractional_unit_count_is_not_imported(tmp_path: Path) -> None:
    result = import_records("verra", _verra(tmp_path / "verra.csv", "0.5", "VCS-ODD-SERIAL-3"))
    assert not _tonnes(result)
    assert any("'0.5' is not a whole number of units" in warning for warning in result.warnings), result.warnings


@pytest.mark.parametrize("quantity", ["12,500", "12500", "12,500.00", "12500.0"])
def test_whole_quantities_as_the_registry_and_a_spreadsheet_write_them_are_read(tmp_path: Path, quantity: str) -> None:
    result = import_records("verra", _verra(tmp_path / "verra.csv", quantity))
    assert [float(t) for t in _tonnes(result)] == [12500.0], (_tonnes(result), result.warnings)
    assert not [w for w in result.warnings if "left out" in w or "not a number" in w]


# ---- a removal enhancement linked as a reduction, and the reverse ----

_REDUCTIONS = ["ex:reduction-kiln-heat-pumps", "ex:reduction-green-electricity"]
_AS_REDUCTION = "is a removal enhancement, linked as an emission reduction"
_AS_REMOVAL = "is an emission reduction, linked as a removal enhancement"


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("reasoning", ["owlrl", "none"])
@pytest.mark.parametrize("engine", ENGINES)
def test_a_removal_enhancement_linked_as_a_reduction_is_named(engine: str, reasoning: str) -> None:
    # Before: the only finding was "the emission reduction is malformed", whose fix said to type the removal as a
    # reduction (the author's mistake made official).
    swapped = edited(
        CLAIM,
        ("ex:claim-2024", "hasRemovalEnhancement", None),
        ("ex:claim-2024", "hasEmissionReduction", [*_REDUCTIONS, "ex:enhancement-woodland"]),
    )
    messages = rule_messages(swapped, engine, "CN-HIER-04", as_of=AS_OF, reasoning=reasoning)
    assert any(_AS_REDUCTION in m and "enhancement-woodland" in m for m in messages), messages
    reversed_ = edited(
        CLAIM,
        ("ex:claim-2024", "hasEmissionReduction", _REDUCTIONS[:1]),
        ("ex:claim-2024", "hasRemovalEnhancement", ["ex:enhancement-woodland", _REDUCTIONS[1]]),
    )
    messages = rule_messages(reversed_, engine, "CN-HIER-04", as_of=AS_OF, reasoning=reasoning)
    assert any(_AS_REMOVAL in m and "green-electricity" in m for m in messages), messages
    assert violated_rules(reversed_, engine, as_of=AS_OF, reasoning=reasoning) == {"CN-HIER-04"}
    assert not rule_messages(CLAIM, engine, "CN-HIER-04", as_of=AS_OF, reasoning=reasoning)


# ---- a verifier written as a relative IRI ----


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("written", ["To%20be%20determined", "N%2FA", "Not%20applicable"])
def test_a_placeholder_verifier_written_with_percent_escapes_is_a_placeholder(written: str) -> None:
    # Before: "To%20be%20determined" (as the refusal of "To be determined" suggested writing it) conformed.
    document = edited(CLAIM, ("ex:opinion-2024", "verifiedBy", written))
    messages = rule_messages(document, "pyshacl", "CN-INPUT-04", as_of=AS_OF)
    assert any("a placeholder that says nothing" in m and "verifiedBy" in m for m in messages), messages


def test_a_verifier_named_in_text_is_told_how_to_name_a_party() -> None:
    import comet_cn

    document = edited(CLAIM, ("ex:opinion-2024", "verifiedBy", "Verifier Ltd"))
    with pytest.raises(InputError) as raised:
        comet_cn.validate(document)
    said = str(raised.value)
    assert "verifiedBy refers to a node, not a text" in said and '"label": "Verifier Ltd"' in said, said
    assert "%20" not in said


# ---- the same claim in Turtle ----


def _as_turtle(tmp_path: Path, swap: Any) -> Path:
    """The example claim as Turtle, each (subject, predicate, object) passed through ``swap`` first."""
    from rdflib import Graph

    import comet_cn

    graph = Graph()
    for triple in comet_cn.load(EXAMPLES / "conforming-claim.jsonld"):
        graph.add(swap(triple))
    path = tmp_path / "claim.ttl"
    graph.serialize(destination=str(path), format="turtle")
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_years_written_as_turtle_integers_are_years(tmp_path: Path, engine: str) -> None:
    # Before: comet-cn:vintageEndYear 2022 (a Turtle integer) failed nine checks; the same claim in JSON-LD
    # ("vintageEndYear": 2022, which the context types xsd:gYear) conformed.
    from rdflib import Literal
    from rdflib.namespace import XSD

    import comet_cn

    def integer_years(triple: Any) -> Any:
        s, p, o = triple
        return (s, p, Literal(int(str(o)), datatype=XSD.integer) if getattr(o, "datatype", None) == XSD.gYear else o)

    parameters = comet_cn.RuleParameters(as_of=AS_OF)
    path = _as_turtle(tmp_path, integer_years)
    assert "vintageEndYear 2022" in path.read_text(encoding="utf-8")
    report = comet_cn.validate(path, parameters=parameters, shacl_engine=engine)  # type: ignore[arg-type]
    assert report.conforms, [r.message for r in report.violations]

    # The integer is still read as the year it is: a vintage of 2015 is too old (CN-VINT-01).
    def old_vintage(triple: Any) -> Any:
        s, p, o = integer_years(triple)
        return (s, p, Literal(2015) if str(p).endswith("#vintageEndYear") else o)

    report = comet_cn.validate(_as_turtle(tmp_path, old_vintage), parameters=parameters, shacl_engine=engine)  # type: ignore[arg-type]
    assert "CN-VINT-01" in report.rule_ids, report.rule_ids


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("written", ["9" * 2000, "1" + "0" * 40, "1e400"])
def test_a_footprint_of_absurd_size_gets_a_verdict_not_an_internal_error(
    tmp_path: Path, engine: str, written: str
) -> None:
    # Before: CN-PATH-W01's rounding of the footprint raised decimal.InvalidOperation: "internal error", exit 3.
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    import comet_cn

    footprint = URIRef("https://example.org/acme/footprint-2024")
    datatype = XSD.double if "e" in written else XSD.decimal

    def huge(triple: Any) -> Any:
        s, p, o = triple
        big = s == footprint and str(p).endswith("#tonnesCO2e")
        return (s, p, Literal(written, datatype=datatype, normalize=False) if big else o)

    report = comet_cn.validate(_as_turtle(tmp_path, huge), shacl_engine=engine)  # type: ignore[arg-type]
    assert not report.conforms and "CN-BAL-01" in report.rule_ids, report.rule_ids


# ---- cn-import pact (red team 61b) ----

_A = "aaaaaaaa-0000-4000-8000-000000000001"
_B = "bbbbbbbb-0000-4000-8000-000000000002"


def _product_footprint(ident: str, status: object, kilograms: str = "830", **extra: Any) -> dict[str, Any]:
    footprint: dict[str, Any] = {
        "id": ident,
        "specVersion": "3.0.0",
        "version": 1,
        "created": "2025-03-01T08:00:00Z",
        "companyName": "Acme Ceramics GmbH",
        "productIds": ["urn:example:product:terra"],
        "pcf": {
            "declaredUnitOfMeasurement": "kilogram",
            "declaredUnitAmount": "1000",
            "referencePeriodStart": "2024-01-01T00:00:00Z",
            "referencePeriodEnd": "2025-01-01T00:00:00Z",
            "pcfExcludingBiogenicUptake": kilograms,
            "fossilGhgEmissions": kilograms,
        },
        **extra,
    }
    if status is not None:
        footprint["status"] = status
    return footprint


def _pact_file(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "pact.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _footprints(result: ImportResult) -> list[str]:
    return [str(n["@id"]) for n in result.nodes if n.get("@type") == "CarbonFootprint"]


def test_a_footprint_a_deprecated_successor_names_is_not_imported(tmp_path: Path) -> None:
    # Before: A (Active) was imported and the merged claim conformed on its figure, though B (Deprecated, so itself
    # replaced) names A in precedingPfIds: A is two versions old.
    later = _product_footprint(_B, "Deprecated", "900", precedingPfIds=[_A.upper()])
    result = import_records("pact", _pact_file(tmp_path, {"data": [_product_footprint(_A, "Active"), later]}))
    assert not _footprints(result)
    said = result.excluded
    assert any(":1: not imported: superseded by footprint" in text and _B in text for text in said), said


@pytest.mark.parametrize("status", ["Retracted", "", None])
def test_a_footprint_without_one_of_pact_s_two_statuses_is_not_imported(tmp_path: Path, status: object) -> None:
    # Before: any status but Deprecated (or none) was imported as current without a word.
    result = import_records("pact", _pact_file(tmp_path, [_product_footprint(_A, status)]))
    assert not _footprints(result)
    assert any("Active nor Deprecated" in text or "no status" in text for text in result.excluded), result.excluded


def test_a_part_of_the_footprint_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    # Before: fossilGhgEmissions "1,830" was dropped without a word; the claim then "listed no emission".
    footprint = _product_footprint(_A, "Active")
    footprint["pcf"]["fossilGhgEmissions"] = "1,830"
    with pytest.raises(InputError, match=r"fossilGhgEmissions '1,830' is not a number"):
        import_records("pact", _pact_file(tmp_path, [footprint]), quantity=Decimal(15000000))


def test_a_get_footprint_response_holding_one_footprint_is_read(tmp_path: Path) -> None:
    # Before: {"data": {...}} (PACT's GetFootprint response) was "not pact records".
    result = import_records("pact", _pact_file(tmp_path, {"data": _product_footprint(_A, "Active")}))
    (footprint,) = _footprints(result)
    assert footprint.endswith(f"footprint:{_A}"), footprint


def test_a_successor_naming_its_predecessor_in_capitals_supersedes_it(tmp_path: Path, cn_import: Any) -> None:
    # Before: a UUID written in capitals in precedingPfIds did not match, and the merge refused two footprints.
    from comet_cn.importers.merging import merge

    later = _product_footprint(_B, "Active", "900", precedingPfIds=[_A.upper()])
    result = import_records(
        "pact", _pact_file(tmp_path, {"data": [_product_footprint(_A, "Active"), later]}), quantity=Decimal(15000000)
    )
    claim = edited(
        CLAIM,
        ("ex:claim-2024", "hasCarbonFootprint", None),
        ("ex:claim-2024", "hasSubject", "urn:example:product:terra"),
    )
    merged = merge(claim, [result])
    linked = next(n for n in merged["@graph"] if n["@id"] == "ex:claim-2024")["hasCarbonFootprint"]
    assert _B in json.dumps(linked) and _A not in json.dumps(linked), linked


def test_a_turtle_integer_too_long_to_convert_is_named_not_called_a_syntax_error(tmp_path: Path) -> None:
    # Before: valid Turtle holding a 5,000-digit integer was "not valid Turtle (syntax error)".
    import comet_cn

    path = tmp_path / "claim.ttl"
    path.write_text(
        "@prefix cn: <https://comet.carbon/ext/iso14068#> .\n"
        f"<https://example.org/c> a cn:CarbonNeutralityClaim ; cn:tonnesCO2e {'9' * 5000} .\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="an integer of more than 4300 digits"):
        comet_cn.validate(path)


def test_an_ordered_list_in_turtle_is_told_how_turtle_writes_a_set(tmp_path: Path) -> None:
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection

    import comet_cn

    graph = comet_cn.load(EXAMPLES / "conforming-claim.jsonld")
    claim = URIRef("https://example.org/acme/claim-2024")
    link = URIRef("https://comet.carbon/ext/iso14068#hasOffsettingEvent")
    events = list(graph.objects(claim, link))
    graph.remove((claim, link, None))
    head = BNode()
    Collection(graph, head, events)
    graph.add((claim, link, head))
    path = tmp_path / "claim.ttl"
    graph.serialize(destination=str(path), format="turtle")
    report = comet_cn.validate(path)
    said = [r.message for r in report.results if r.rule_id == "CN-INPUT-04"]
    assert any("in Turtle, objects separated by commas" in m for m in said), said


# ---- red team 62a: this session's fixes attacked ----


@pytest.mark.parametrize("written", ["/TBD", "../n%2Fa", "verifier/TBD"])
def test_a_placeholder_verifier_resolved_outside_the_base_is_a_placeholder(written: str) -> None:
    document = edited(CLAIM, ("ex:opinion-2024", "verifiedBy", written))
    messages = rule_messages(document, "pyshacl", "CN-INPUT-04", as_of=AS_OF)
    assert any("a placeholder that says nothing" in m and "verifiedBy" in m for m in messages), messages


def test_a_placeholder_verifier_written_as_a_relative_turtle_iri_is_a_placeholder(tmp_path: Path) -> None:
    from rdflib import URIRef

    import comet_cn

    verified_by = URIRef("https://comet.carbon/ext/iso14068#verifiedBy")
    opinion = URIRef("https://example.org/acme/opinion-2024")

    def relative(triple: Any) -> Any:
        s, p, o = triple
        return (s, p, URIRef("REL-TBD") if (s, p) == (opinion, verified_by) else o)

    path = _as_turtle(tmp_path, relative)
    text = path.read_text(encoding="utf-8").replace("<REL-TBD>", "<TBD>")
    path.write_text(text, encoding="utf-8")
    report = comet_cn.validate(path, parameters=comet_cn.RuleParameters(as_of=AS_OF))
    said = [r.message for r in report.results if r.rule_id == "CN-INPUT-04"]
    assert any("'TBD', a placeholder" in m for m in said), said


@pytest.mark.parametrize(
    "successor",
    [
        {"status": "Active", "exempt": "40"},  # left out for its exemption, it still supersedes A
        {"status": None},  # left out for having no status
    ],
)
def test_a_footprint_superseded_by_a_successor_left_out_for_another_reason_is_not_imported(
    tmp_path: Path, successor: dict[str, Any]
) -> None:
    later = _product_footprint(_B, successor["status"], "900", precedingPfIds=[_A])
    if "exempt" in successor:
        later["pcf"]["exemptedEmissionsPercent"] = successor["exempt"]
    result = import_records("pact", _pact_file(tmp_path, [_product_footprint(_A, "Active"), later]))
    assert not _footprints(result), result.excluded


def test_a_chain_passes_supersession_on(tmp_path: Path) -> None:
    # A Active <- B still marked Active <- C Deprecated: B is superseded, and so is A.
    chain = [
        _product_footprint(_A, "Active"),
        _product_footprint(_B, "Active", "900", precedingPfIds=[_A]),
        _product_footprint("cccccccc-0000-4000-8000-000000000003", "Deprecated", "950", precedingPfIds=[_B]),
    ]
    result = import_records("pact", _pact_file(tmp_path, chain))
    assert not _footprints(result), result.excluded


def test_a_deprecated_successor_in_another_file_keeps_the_merge_from_linking_its_predecessor(tmp_path: Path) -> None:
    from comet_cn.importers.merging import merge

    march, april = tmp_path / "march.json", tmp_path / "april.json"
    march.write_text(json.dumps([_product_footprint(_A, "Active")]), encoding="utf-8")
    april.write_text(json.dumps([_product_footprint(_B, "Deprecated", "900", precedingPfIds=[_A])]), encoding="utf-8")
    first, second = import_records("pact", march), import_records("pact", april)
    claim = edited(
        CLAIM,
        ("ex:claim-2024", "hasCarbonFootprint", None),
        ("ex:claim-2024", "hasSubject", "urn:example:product:terra"),
    )
    with pytest.raises(InputError, match="a later version that was not imported"):
        merge(claim, [first, second])


@pytest.mark.parametrize("quantity", ["１.０００", "١.٠٠٠", "1.0_00", "1.000e0", "1_000"])
def test_a_quantity_in_digits_no_registry_writes_is_left_out(tmp_path: Path, quantity: str) -> None:
    result = import_records("verra", _verra(tmp_path / "verra.csv", quantity, "VCS-ODD-SERIAL-1"))
    assert not _tonnes(result), result.warnings
    assert any("left out" in w for w in result.warnings), result.warnings


# ---- red team 62b: an interrupted batch ----


def _slow_after_first(name: str, source: Any, options: dict[str, Any], keep_graph: bool) -> Any:
    from comet_cn import batch

    if name != "first":
        time.sleep(120)  # a worker that will not finish in any useful time (as one stuck on a lock)
    return batch.__dict__["_real_validate_one"](name, source, options, keep_graph)


def test_an_abandoned_batch_stops_its_workers_instead_of_waiting_for_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: Ctrl-C during a -j 2 run could hang for good, the pool's shutdown waiting on a worker that never ended.
    import multiprocessing

    from comet_cn import batch
    from comet_cn.synthetic import synthetic_claim

    monkeypatch.setitem(batch.__dict__, "_real_validate_one", batch._validate_one)
    monkeypatch.setattr(batch, "_validate_one", _slow_after_first)  # the workers are forked with it
    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the workers see the patched function only when forked")
    outcomes = batch.validate_many(
        [("first", synthetic_claim(0)), ("second", synthetic_claim(1)), ("third", synthetic_claim(2))], jobs=2
    )
    first = next(outcomes)
    assert getattr(first, "source", None) == "first", first
    started = time.monotonic()
    outcomes.close()
    assert time.monotonic() - started < 60
    assert not multiprocessing.active_children()
    # Nor its manager thread: one still running at exit raced the interpreter's exit hook for the pool's wake-up
    # pipe and printed "OSError: [Errno 9] Bad file descriptor" under the run's one error line (CI, stop 42).
    import threading

    assert not [t for t in threading.enumerate() if "ExecutorManagerThread" in type(t).__name__ and t.is_alive()]


def test_a_pathway_chart_states_its_years_as_years() -> None:
    # Before: the dossier's chart description read "Footprint per reporting period: 2,024 12,450".
    from comet_cn.svgcharts import LineSeries, line_chart

    svg = line_chart("p", "Pathway", [LineSeries("Footprint per reporting period", ((2024, 12450),))])
    assert "Footprint per reporting period: 2024: 12,450" in svg and "2,024" not in svg


# ---- red team 63b: removal enhancements short of the plan (§10.2) ----

_SHORT_OF_PLAN = "the plan's removal enhancements dated in this reporting period add up to"


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_removal_enhancements_short_of_the_plan_s_are_a_violation(engine: str) -> None:
    # Before: 40 t achieved against the plan's 400 t for March 2024 (or none at all) conformed.
    short = edited(CLAIM, ("ex:enhancement-woodland", "tonnesCO2e", "40.0"))
    messages = rule_messages(short, engine, "CN-HIER-04", as_of=AS_OF)
    assert any(_SHORT_OF_PLAN in m and re.search(r"400(\.0)? t, .* 40(\.0)? t", m) for m in messages), messages
    # Achieved after the period it is claimed in: none achieved by its end.
    late = edited(CLAIM, ("ex:enhancement-woodland", "achievementDate", "2025-02-01"))
    assert any(_SHORT_OF_PLAN in m for m in rule_messages(late, engine, "CN-HIER-04", as_of=AS_OF))
    # The plan's action dated in the next period is that period's claim's to meet.
    later = edited(short, ("ex:action-woodland", "plannedDate", "2025-03-31"))
    assert not [m for m in rule_messages(later, engine, "CN-HIER-04", as_of=AS_OF) if _SHORT_OF_PLAN in m]
    assert not rule_messages(CLAIM, engine, "CN-HIER-04", as_of=AS_OF)


# ---- red team 63a: the ISO 14067 IRIs the COMET mapping names ----


@pytest.mark.rule("CN-INPUT-02")
def test_a_node_also_typed_with_an_iso_14067_term_is_not_an_unknown_type() -> None:
    # Before: iso14067:CarbonFootprintOfAProduct, which the COMET extension maps PCFResult to, was "not defined".
    typed = edited(
        CLAIM,
        (
            "ex:footprint-2024",
            "@type",
            ["CarbonFootprint", "https://www.iso.org/standard/14067#CarbonFootprintOfAProduct"],
        ),
    )
    assert not rule_messages(typed, "pyshacl", "CN-INPUT-02", as_of=AS_OF)
    misspelt = edited(
        CLAIM, ("ex:footprint-2024", "@type", ["CarbonFootprint", "https://www.iso.org/standard/14067#CarbonFootprint"])
    )
    assert rule_messages(misspelt, "pyshacl", "CN-INPUT-02", as_of=AS_OF)


def test_the_comet_ontology_given_in_a_claim_or_with_e_is_said_to_be_built_in(tmp_path: Path) -> None:
    # Before: the claim's refusal sent the user to -e, which refused the same ontology with "give your term an IRI".
    import comet_cn
    from comet_cn.errors import SupportFileError

    ontology = tmp_path / "comet-ext.ttl"
    ontology.write_text(
        "@prefix cn: <https://comet.carbon/ext/iso14068#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        'cn:BasePeriod a owl:Class ; dcterms:source "COMET v0.1.0" .\n',
        encoding="utf-8",
    )
    claim = _as_turtle(tmp_path, lambda triple: triple)
    claim.write_text(claim.read_text(encoding="utf-8") + "\n" + ontology.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError, match="built in: leave their definitions out of the claim"):
        comet_cn.validate(claim)
    with pytest.raises(SupportFileError, match="built in: leave them out of --ontology"):
        comet_cn.validate(EXAMPLES / "conforming-claim.jsonld", extra_ontology=[comet_cn.load(ontology)])


# ---- red team 64a: the newest checks attacked ----


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize("iri", ["http://example.org/verifiers/na", "http://example.org/auditors/pending"])
def test_a_named_verifier_whose_iri_ends_like_a_placeholder_is_not_one(iri: str) -> None:
    # Before (this session): every IRI on the JSON-LD base's host was read as a relative reference, so a verifier
    # node labelled "NA Assurance Ltd" was "'verifiers/na', a placeholder".
    text = json.dumps(CLAIM).replace('"ex:verifier"', json.dumps(iri))
    assert not rule_messages(json.loads(text), "pyshacl", "CN-INPUT-04", as_of=AS_OF)


@pytest.mark.rule("CN-INPUT-04")
def test_a_placeholder_verifier_under_the_claim_s_own_base_or_prefix_is_a_placeholder() -> None:
    with_base = json.loads(json.dumps(CLAIM))
    with_base["@context"] = [*with_base["@context"], {"@base": "https://example.org/acme/"}]
    for document in (
        edited(with_base, ("ex:opinion-2024", "verifiedBy", "TBD")),
        edited(CLAIM, ("ex:opinion-2024", "verifiedBy", "ex:TBD")),
    ):
        messages = rule_messages(document, "pyshacl", "CN-INPUT-04", as_of=AS_OF)
        assert any("'TBD', a placeholder" in m for m in messages), messages


@pytest.mark.rule("CN-HIER-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_negative_removal_enhancement_is_malformed_not_netted(engine: str) -> None:
    # Before: +400 t and -360 t enhancements met the plan's 400 t; a loss of removals is a RemovalReversal.
    loss = {"@id": "ex:enhancement-loss", "@type": "GHGRemovalEnhancement", "tonnesCO2e": "-360.0",
            "achievementDate": "2024-10-01"}  # fmt: skip
    document = with_nodes(
        edited(CLAIM, ("ex:claim-2024", "hasRemovalEnhancement", ["ex:enhancement-woodland", "ex:enhancement-loss"])),
        loss,
    )
    messages = rule_messages(document, engine, "CN-HIER-04", as_of=AS_OF)
    assert any("a loss of removals is a RemovalReversal" in m for m in messages), messages


@pytest.mark.rule("CN-HIER-04")
def test_an_action_two_plans_share_is_planned_once() -> None:
    # Before: the shared woodland action was summed once a plan (800 t planned against 400 t achieved).
    copy = {"@id": "ex:plan-copy", "@type": "CarbonNeutralityManagementPlan", "hasAction": "ex:action-woodland"}
    document = with_nodes(edited(CLAIM, ("ex:claim-2024", "hasManagementPlan", ["ex:plan", "ex:plan-copy"])), copy)
    assert not [m for m in rule_messages(document, "pyshacl", "CN-HIER-04", as_of=AS_OF) if _SHORT_OF_PLAN in m]


@pytest.mark.rule("CN-INPUT-04")
@pytest.mark.parametrize(
    ("key", "holder", "iri"),
    [
        ("scienceBasedReference", "ex:pathway", "https://climateactiontracker.org/countries/na/"),
        ("verifiedBy", "ex:opinion-2024", "https://www.dnv.no/nn/"),
        ("responsibleForDelivery", "ex:plan", "https://www.acme-corp.example/org/divisions/na"),
    ],
)
def test_an_iri_ending_in_a_short_code_is_not_a_placeholder(key: str, holder: str, iri: str) -> None:
    # Red team 65a: the last segment of an absolute IRI is a placeholder only when it says so ("TBD"): "na" is
    # Namibia or North America there, "nn" a language.
    document = edited(CLAIM, (holder, key, {"@id": iri}))
    assert not rule_messages(document, "pyshacl", "CN-INPUT-04", as_of=AS_OF)
