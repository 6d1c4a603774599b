"""Red team 26 regressions: each test names what a user saw before."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.errors import InputError, SupportFileError
from tests.conftest import ENGINES, EXAMPLES, edited, run_script

CONFORMING: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = date(2026, 12, 4)


def _rules_on(document: dict[str, Any], engine: str, reasoning: str) -> set[str]:
    report = comet_cn.validate(
        document,
        parameters=comet_cn.RuleParameters(as_of=AS_OF),
        shacl_engine=engine,  # type: ignore[arg-type]
        reasoning=reasoning,
    )
    return set(report.rule_ids)


# ---- CN-PATH-04: a target's level is a year's emissions, whatever the reporting period's length ----


def _with_target(level: str, start: str | None) -> dict[str, Any]:
    """The example with its 2030 target due in 2024 at ``level`` t, over a period from ``start`` to 2024-12-31."""
    return edited(
        CONFORMING,
        ("ex:target-2030", "targetYear", "2024"),
        ("ex:target-2030", "tonnesCO2e", level),
        ("ex:period-2024", "reportingPeriodStart", start),
    )


@pytest.mark.rule("CN-PATH-04")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_a_target_is_compared_with_the_periods_footprint_a_year(engine: str, reasoning: str) -> None:
    # Before: the period's total was compared with the annual level. A six-month period at 12,450 t (about 24,700 t
    # a year) conformed to a 13,000 t target, and a two-year period at 12,450 t (about 6,200 t a year) failed a
    # 7,000 t one.
    assert _rules_on(_with_target("13000.0", "2024-01-01"), engine, reasoning) == set()
    assert _rules_on(_with_target("13000.0", "2024-07-01"), engine, reasoning) == {"CN-PATH-04"}
    assert _rules_on(_with_target("7000.0", "2024-01-01"), engine, reasoning) == {"CN-PATH-04"}
    assert _rules_on(_with_target("7000.0", "2023-01-01"), engine, reasoning) == set()


@pytest.mark.rule("CN-PATH-04")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_period_whose_first_day_cannot_be_read_is_compared_as_stated(engine: str) -> None:
    # Unknown length: the stated footprint is compared, so an unreadable start never hides a missed target.
    for start in (None, "2024-13-45x", "1 July 2024"):
        assert "CN-PATH-04" in _rules_on(_with_target("7000.0", start), engine, "owlrl")


def test_the_finding_gives_the_figure_a_year_and_the_days() -> None:
    report = comet_cn.validate(_with_target("13000.0", "2024-07-01"), parameters=comet_cn.RuleParameters(as_of=AS_OF))
    (message,) = [r.message for r in report.results if r.rule_id == "CN-PATH-04"]
    assert "footprint is 12450.0 t CO2e (24713.9 t CO2e a year over its 184 days)" in message


# ---- a claim stating something of a term of the vocabulary ----


def _with_node(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(document))
    copied["@graph"].append(node)
    return copied


@pytest.mark.rule("CN-CLAIM-06")
@pytest.mark.rule("CN-ORG-01")
@pytest.mark.parametrize(
    ("node", "named"),
    [
        # The inventory standard declared a verification standard: CN-CLAIM-06 then passed an opinion under it.
        (
            {"@id": "comet-cn:ISO_14064_1", "recognisedEquivalentOf": "ISO_14064_3"},
            "comet-cn:ISO_14064_1 comet-cn:recognisedEquivalentOf",
        ),
        # The product standard declared consistent with the organisation one: CN-ORG-01 then passed.
        ({"@id": "comet-cn:ISO_14067", "consistentWith": "ISO_14064_1"}, "comet-cn:ISO_14067 comet-cn:consistentWith"),
    ],
)
def test_a_claim_may_not_state_anything_of_a_vocabulary_term(node: dict[str, Any], named: str) -> None:
    with pytest.raises(InputError, match=f"a claim may not redefine the vocabulary \\(it states {named}\\)"):
        comet_cn.validate(_with_node(CONFORMING, node), parameters=comet_cn.RuleParameters(as_of=AS_OF))


def test_a_claim_may_repeat_what_the_ontology_states_of_a_term_and_label_it() -> None:
    restated = _with_node(CONFORMING, {"@id": "comet-cn:ISO_14064_3", "@type": "VerificationStandard"})
    assert comet_cn.validate(restated, parameters=comet_cn.RuleParameters(as_of=AS_OF)).conforms
    # A label no rule reads (red team 26e: it was refused, with a hint to -e, which refused it too).
    labelled = _with_node(CONFORMING, {"@id": "comet-cn:ISO_14064_3", "label": "ISO 14064-3:2019"})
    assert comet_cn.validate(labelled, parameters=comet_cn.RuleParameters(as_of=AS_OF)).conforms


def test_the_refusal_of_a_statement_about_a_term_does_not_send_the_user_to_an_ontology() -> None:
    node = {"@id": "comet-cn:ISO_14067", "consistentWith": "ISO_14064_1"}
    with pytest.raises(InputError, match="remove the statement, or give your own node an IRI of its own"):
        comet_cn.validate(_with_node(CONFORMING, node), parameters=comet_cn.RuleParameters(as_of=AS_OF))


# ---- a user's --shapes or --ontology changing the bundled rules ----

SHAPES_NS = "https://comet.carbon/ext/iso14068/shapes#"
LATE = EXAMPLES / "violations" / "cn-ret-01-late-retirement.jsonld"


@pytest.mark.rule("CN-RET-01")
@pytest.mark.parametrize(
    ("statement", "named"),
    [
        # Before: each of these made the late retirement conform, the second at random with the hash seed.
        (f"<{SHAPES_NS}RetirementTimingShape> sh:deactivated true .", "cnsh:RetirementTimingShape"),
        (f"<{SHAPES_NS}RetirementTimingShape> sh:severity sh:Warning .", "cnsh:RetirementTimingShape"),
        (
            '<https://comet.carbon/ext/iso14068/shapes> sh:declare [ sh:prefix "comet-cn" ; '
            'sh:namespace "urn:my-ext#"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .',
            "https://comet.carbon/ext/iso14068/shapes",
        ),
    ],
)
def test_extra_shapes_may_not_change_a_bundled_shape(tmp_path: Path, statement: str, named: str) -> None:
    path = tmp_path / "mine.ttl"
    path.write_text(f"@prefix sh: <http://www.w3.org/ns/shacl#> .\n{statement}\n", encoding="utf-8")
    with pytest.raises(
        SupportFileError, match=f"--shapes may add shapes, not change the bundled ones \\(it states {named}"
    ):
        comet_cn.validate(LATE, extra_shapes=[path], parameters=comet_cn.RuleParameters(as_of=AS_OF))
    run = run_script("cn-validate", "-s", str(path), str(LATE))
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1 and run.out == ""


def test_extra_shapes_may_use_a_bundled_shape(tmp_path: Path) -> None:
    path = tmp_path / "mine.ttl"
    path.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:my:ClaimShape> a sh:NodeShape ; sh:targetNode <urn:nothing> ;\n"
        f"    sh:node <{SHAPES_NS}RetirementTimingShape> .\n",
        encoding="utf-8",
    )
    report = comet_cn.validate(LATE, extra_shapes=[path], parameters=comet_cn.RuleParameters(as_of=AS_OF))
    assert "CN-RET-01" in report.rule_ids


@pytest.mark.rule("CN-CLAIM-07")
def test_an_extra_ontology_may_not_equate_two_terms_of_the_vocabulary(tmp_path: Path) -> None:
    # Before: the claim missing summary item k conformed once k was declared the same as item j.
    path = tmp_path / "mine.ttl"
    path.write_text(
        "<https://comet.carbon/ext/iso14068#ClaimSummaryItem_k> <http://www.w3.org/2002/07/owl#sameAs> "
        "<https://comet.carbon/ext/iso14068#ClaimSummaryItem_j> .\n",
        encoding="utf-8",
    )
    claim = EXAMPLES / "violations" / "cn-claim-07-summary-missing-item.jsonld"
    with pytest.raises(SupportFileError, match="--ontology may add terms, not change the vocabulary's"):
        comet_cn.validate(claim, extra_ontology=[path], parameters=comet_cn.RuleParameters(as_of=AS_OF))


def test_an_extra_ontology_may_extend_a_class_of_the_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "mine.ttl"
    path.write_text(
        "<urn:my:WindCredit> <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
        "<https://comet.carbon/ext/iso14068#CarbonCredit> .\n",
        encoding="utf-8",
    )
    claim = EXAMPLES / "conforming-claim.jsonld"
    assert comet_cn.validate(claim, extra_ontology=[path], parameters=comet_cn.RuleParameters(as_of=AS_OF)).conforms


# ---- a misspelt key through load() or cn-convert ----


def _misspelt() -> dict[str, Any]:
    """The major non-conformity example with its link to the non-conformity misspelt: the opinion then looks clean."""
    text = (EXAMPLES / "violations" / "cn-claim-06-opinion-with-major-non-conformity.jsonld").read_text(
        encoding="utf-8"
    )
    assert text.count('"hasNonConformity"') == 1
    document: dict[str, Any] = json.loads(text.replace('"hasNonConformity"', '"hasNonconformity"'))
    return document


@pytest.mark.rule("CN-INPUT-02")
def test_a_misspelt_key_survives_load_and_is_reported_by_validate() -> None:
    # Before: load() dropped the statement, and validate(load(...)) said CONFORMS for a claim whose verification
    # found a major non-conformity.
    report = comet_cn.validate(comet_cn.load(_misspelt()), parameters=comet_cn.RuleParameters(as_of=AS_OF))
    assert not report.conforms
    (finding,) = [r for r in report.violations if r.rule_id == "CN-INPUT-02"]
    assert "hasNonconformity" in finding.message and "did you mean 'hasNonConformity'" in finding.message


@pytest.mark.rule("CN-INPUT-02")
def test_a_misspelt_key_kept_by_cn_convert_is_reported_when_the_turtle_is_validated(tmp_path: Path) -> None:
    # cn-convert said "cn-validate reports it (CN-INPUT-02)", but the Turtle it wrote conformed.
    source = tmp_path / "claim.jsonld"
    source.write_text(json.dumps(_misspelt()), encoding="utf-8")
    turtle = tmp_path / "claim.ttl"
    converted = run_script("cn-convert", str(source), str(turtle))
    assert converted.code == 0 and "cn-validate reports it (CN-INPUT-02)" in converted.err
    run = run_script("cn-validate", "--as-of", "2026-12-04", str(turtle))
    assert run.code == 1 and "CN-INPUT-02" in run.out and "hasNonconformity" in run.out


# ---- the date of the check is today's local date ----


def _claim_ending(end: date, dated: date) -> str:
    """The conforming example moved so that its reporting period ends on ``end``, the claim (its verification and
    retirement) dated ``dated``."""
    text = (EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8")
    shift = end - date(2024, 12, 31)
    text = re.sub(r'"(20\d\d-\d\d-\d\d)"', lambda m: f'"{date.fromisoformat(m[1]) + shift}"', text)
    years = end.year - 2024
    text = re.sub(
        r'"(issuanceYear|targetYear|targetYearResidualOnly|vintageEndYear)": "(20\d\d)"',
        lambda m: f'"{m[1]}": "{int(m[2]) + years}"',
        text,
    )
    for key in ("claimDate", "verificationDate", "retirementDate"):
        text = re.sub(rf'"{key}": "[0-9-]+"', f'"{key}": "{dated}"', text)
    return text


@pytest.mark.rule("CN-CLAIM-09")
def test_without_as_of_a_claim_is_checked_against_the_local_date(tmp_path: Path) -> None:
    # Before: the shapes' NOW() gave the UTC date. East of UTC a claim dated today was refused as dated after the
    # check; west of it, a claim dated tomorrow, about a period not yet over locally, conformed.
    east = (datetime.now(timezone.utc) + timedelta(hours=14)).date()  # today in UTC+14, the earliest zone
    path = tmp_path / "claim.jsonld"
    path.write_text(_claim_ending(east - timedelta(days=1), east), encoding="utf-8")
    in_the_east = run_script("cn-validate", "-q", str(path), env={"TZ": "Etc/GMT-14"})
    assert in_the_east.code == 0, in_the_east.out
    # UTC-12 is a day or two behind UTC+14: there the period has not ended and the claim is dated in the future.
    in_the_west = run_script("cn-validate", "-q", str(path), env={"TZ": "Etc/GMT+12"})
    assert in_the_west.code == 1 and "CN-CLAIM-09" in in_the_west.out


# ---- cn-query --bind never invents rows ----


@pytest.mark.parametrize(
    ("name", "example", "binding"),
    [
        # An in-house verification bound as ISO 14064-3: the OPTIONAL kept the bound standard and said true.
        (
            "verification-status",
            "violations/cn-claim-06-not-iso-14064-3.jsonld",
            {"standard": "https://comet.carbon/ext/iso14068#ISO_14064_3"},
        ),
        # One adjusted credit of three: all three came back adjusted.
        ("credit-portfolio", "conforming-claim.jsonld", {"adjusted": True}),
    ],
)
def test_a_binding_keeps_rows_and_never_invents_them(name: str, example: str, binding: dict[str, object]) -> None:
    source = EXAMPLES / example
    everything = comet_cn.query(name, source).to_dicts()
    ((key, value),) = binding.items()
    kept = comet_cn.query(name, source, **binding).to_dicts()
    assert all(row in everything for row in kept)
    assert len(kept) <= len([row for row in everything if row.get(key) in (value, str(value))])


def test_only_result_columns_and_query_inputs_can_be_bound() -> None:
    # No credit of the example lacks a registry; bound, ?registry flipped a FILTER NOT EXISTS and all three were
    # listed as lacking one. It is no column, so binding it is refused.
    with pytest.raises(InputError, match="cannot bind 'registry': only result columns"):
        comet_cn.query(
            "untraceable-credits", EXAMPLES / "conforming-claim.jsonld", registry="https://example.org/acme/x"
        )


# ---- an rdflib Dataset as input ----


@pytest.mark.parametrize("named", [False, True])
def test_a_dataset_is_read_with_every_named_graph(named: bool) -> None:
    # Before: "ValueError: too many values to unpack" from validate, query and run_audits (exit 3 in a batch).
    from rdflib import Dataset, URIRef

    def dataset(example: Path) -> Dataset:
        data = Dataset()
        target = data.graph(URIRef("urn:example:graph")) if named else data
        for triple in comet_cn.load(example):
            target.add(triple)
        return data

    parameters = comet_cn.RuleParameters(as_of=AS_OF)
    assert comet_cn.validate(dataset(EXAMPLES / "conforming-claim.jsonld"), parameters=parameters).conforms
    late = comet_cn.validate(dataset(LATE), parameters=parameters)
    assert "CN-RET-01" in late.rule_ids
    assert comet_cn.query("neutrality-balance", dataset(EXAMPLES / "conforming-claim.jsonld")).rows


# ---- --max-triples counts the claim, not the vocabulary ----


@pytest.mark.parametrize(
    ("reasoning", "engine"), [("none", "auto"), ("rdfs", "owlrl"), ("owlrl", "auto"), ("owlrl", "owlrl")]
)
def test_the_triple_budget_counts_the_claim_whichever_reasoning_path_runs(reasoning: str, engine: str) -> None:
    # Before: without reasoning, or on owlrl, the bundled ontology's 2,450 triples counted too: the 577-triple
    # example was refused under --max-triples 1000 with -i none ("after reasoning"), accepted with -i owlrl. And
    # owlrl's RDFS closure gave isExPostCredit true a second value 1 (and actionOrder 1 a true): the example failed
    # CN-EXPOST-01, CN-HIER-02 and CN-CA-01 whenever RDFS reasoning fell back to owlrl.
    claim = EXAMPLES / "conforming-claim.jsonld"
    parameters = comet_cn.RuleParameters(as_of=AS_OF)
    report = comet_cn.validate(claim, reasoning=reasoning, engine=engine, max_triples=1000, parameters=parameters)  # type: ignore[arg-type]
    assert report.conforms
    with pytest.raises(InputError, match="--max-triples"):
        comet_cn.validate(claim, reasoning=reasoning, engine=engine, max_triples=500, parameters=parameters)  # type: ignore[arg-type]


def test_a_timeout_that_is_not_a_number_is_refused() -> None:
    run = run_script("cn-validate", "--timeout", "nan", str(EXAMPLES / "conforming-claim.jsonld"))
    assert run.code == 2 and "give a number of seconds" in run.err and run.out == ""


def test_rdfs_on_owlrl_gives_no_literal_to_a_property_that_never_had_it() -> None:
    # Red team 26e: with firstUnit 1 and tonnesCO2e 6000.0 beside isExPostCredit true, owlrl's RDFS closure gave
    # isExPostCredit a 1 and firstUnit a true (values equal in Python): false CN-EXPOST-01, CN-UNITS-02, CN-BAL-01.
    document = edited(
        CONFORMING,
        ("ex:credit-wind", "issuanceBlock", "EXR-2022-WIND"),
        ("ex:credit-wind", "firstUnit", 1),
        ("ex:credit-wind", "lastUnit", 6000),
    )
    parameters = comet_cn.RuleParameters(as_of=AS_OF)
    compiled = comet_cn.validate(document, reasoning="rdfs", parameters=parameters)
    on_owlrl = comet_cn.validate(document, reasoning="rdfs", engine="owlrl", parameters=parameters)
    assert compiled.conforms and on_owlrl.engine == "owlrl-rdfs"
    assert on_owlrl.rule_ids == compiled.rule_ids


# ---- a key that makes no IRI ----


def _with_placeholder(tmp_path: Path) -> Path:
    document = json.loads(json.dumps(CONFORMING))
    document["@graph"][0]["{{auditor_notes}}"] = "to be filled in"
    path = tmp_path / "template.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.rule("CN-INPUT-02")
def test_a_placeholder_key_is_kept_as_an_iri_every_store_and_serializer_takes(tmp_path: Path) -> None:
    # Red team 26e: kept raw, "urn:comet-cn:undefined-term:{{auditor_notes}}" stopped --audits --store with exit 3
    # (every input lost its audit), and load(...).serialize() raised.
    path = _with_placeholder(tmp_path)
    graph = comet_cn.load(path)
    assert any(str(p).endswith("undefined-term:%7B%7Bauditor_notes%7D%7D") for p in graph.predicates())
    assert graph.serialize(format="turtle") and graph.serialize(format="nt")
    report = comet_cn.validate(graph, parameters=comet_cn.RuleParameters(as_of=AS_OF))
    assert [r.rule_id for r in report.violations] == ["CN-INPUT-02"]
    store = tmp_path / "store"
    run = run_script(
        "cn-validate", "--audits", "--store", str(store), str(path), str(EXAMPLES / "conforming-claim.jsonld")
    )
    assert run.code == 1 and "internal error" not in run.err and "Summary: 2 input(s): 1 conform, 1 do not" in run.out


def test_cn_convert_writes_a_placeholder_key_as_an_iri_and_reads_it_back(tmp_path: Path) -> None:
    turtle = tmp_path / "claim.ttl"
    assert run_script("cn-convert", str(_with_placeholder(tmp_path)), str(turtle)).code == 0
    assert "undefined-term:%7B%7Bauditor_notes%7D%7D" in turtle.read_text(encoding="utf-8")
    back = tmp_path / "back.jsonld"
    assert run_script("cn-convert", str(turtle), str(back)).code == 0
    assert '"{{auditor_notes}}": "to be filled in"' in back.read_text(encoding="utf-8")


def test_a_turtle_iri_escaping_a_character_no_iri_may_hold_is_refused_alone(tmp_path: Path) -> None:
    turtle = tmp_path / "claim.ttl"
    text = comet_cn.load(EXAMPLES / "conforming-claim.jsonld").serialize(format="turtle")
    turtle.write_text(text + '\n<urn:x:\\u007Bnotes> <urn:x:p> "x" .\n', encoding="utf-8")
    run = run_script("cn-validate", "-q", str(turtle), str(EXAMPLES / "conforming-claim.jsonld"))
    assert run.code == 2 and "an IRI holds '{', which no IRI may hold" in run.err
    assert "conforming-claim.jsonld: CONFORMS" in run.out
