"""Red team 24: what outsiders' claims and sets of claims got wrong, one regression test each."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn.audits import run_audits
from comet_cn.errors import InputError
from comet_cn.workbook import read_workbook
from tests.conftest import (
    ENGINES,
    EXAMPLES,
    conforming_workbook,
    edited,
    rule_messages,
    run_script,
    violated_rules,
    with_nodes,
    workbook_data,
)

MULTI = EXAMPLES / "multi-period"
CONFORMING: dict[str, Any] = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
AS_OF = date(2026, 12, 1)
SHAPES = Path(__file__).resolve().parents[1] / "shapes"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


# --- the audits: one subject named by an identifier declared the same in one period only ------------------------


def _with_entity(year: str, tmp_path: Path, **entity: Any) -> Path:
    """The multi-period example's claim for ``year``, its entity node (ex:acme) given ``entity``'s entries."""
    document = json.loads((MULTI / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
    for node in document["@graph"]:
        if node.get("@id") == "ex:acme":
            node.update(entity)
    path = tmp_path / f"acme-{year}.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.rule("CN-AUDIT-IMPROVE-01")
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_an_identifier_declared_the_same_in_one_period_does_not_split_the_series(
    reasoning: str, tmp_path: Path
) -> None:
    # 2023's claim also gives the entity's did:web identifier. Reasoning merged the pair under "did:…", which sorts
    # first, so 2022's ex:acme and 2023's subject were two series: the rise in offsetting went unfound, and the set
    # conformed. The name the claim itself uses now stands for both.
    plain = [MULTI / "acme-2022.jsonld", MULTI / "acme-2023.jsonld"]
    assert [f.rule_id for f in run_audits(plain, reasoning=reasoning)] == ["CN-AUDIT-IMPROVE-01"]
    alias = _with_entity("2023", tmp_path, **{SAME_AS: {"@id": "did:web:acme.example"}})
    findings = run_audits([MULTI / "acme-2022.jsonld", alias], reasoning=reasoning)
    assert [f.rule_id for f in findings] == ["CN-AUDIT-IMPROVE-01"]
    assert "offsetting for https://example.org/acme/acme rose" in findings[0].message


@pytest.mark.rule("CN-AUDIT-ID-02")
def test_a_subject_named_by_its_alias_in_another_period_is_an_audit_violation(tmp_path: Path) -> None:
    # 2023's claim names its subject by the register IRI and declares ex:acme the same: one subject, two names
    # across the inputs, and no series to compare. The set is said not to conform, with the two names.
    document = json.loads((MULTI / "acme-2023.jsonld").read_text(encoding="utf-8"))
    register = "urn:lei:5299000ACME000000001"
    text = json.dumps(document).replace('"ex:acme"', f'"{register}"')
    renamed = json.loads(text)
    renamed["@graph"].append({"@id": register, SAME_AS: {"@id": "ex:acme"}})
    path = tmp_path / "acme-2023.jsonld"
    path.write_text(json.dumps(renamed), encoding="utf-8")
    findings = run_audits([MULTI / "acme-2022.jsonld", path])
    # The management plan both periods link is then linked by two subject IRIs: CN-AUDIT-ID-07 says so too (since
    # red team 50a), as it does for any document one subject's two names share.
    assert sorted(f.rule_id for f in findings) == ["CN-AUDIT-ID-02", "CN-AUDIT-ID-07"]
    (alias,) = [f for f in findings if f.rule_id == "CN-AUDIT-ID-02"]
    assert register in alias.message and "https://example.org/acme/acme" in alias.message
    assert [f.focus_node for f in findings if f.rule_id == "CN-AUDIT-ID-07"] == ["https://example.org/acme/plan"]


@pytest.mark.rule("CN-AUDIT-IMPROVE-01")
def test_an_identifier_described_more_than_the_subject_does_not_rename_it(tmp_path: Path) -> None:
    # Each period's claim names ex:acme and gives a different identifier declared the same, described with more
    # statements (types, labels) than ex:acme itself: each was merged under its identifier, the two periods were
    # two series, and the rise in offsetting went unfound. The node the claims refer to now stands.
    paths = []
    for year, identifier in (("2022", "urn:lei:5299000ACME000000001"), ("2023", "did:web:acme.example")):
        document = json.loads((MULTI / f"acme-{year}.jsonld").read_text(encoding="utf-8"))
        for node in document["@graph"]:
            if node.get("@id") == "ex:acme":
                node[SAME_AS] = {"@id": identifier}
        described = {"@id": identifier, "@type": ["Entity", "Organization"]}
        described["label"] = [f"Acme Ceramics GmbH ({n})" for n in range(5)]
        document["@graph"].append(described)
        path = tmp_path / f"acme-{year}.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    assert [f.rule_id for f in run_audits(paths)] == ["CN-AUDIT-IMPROVE-01"]


@pytest.mark.rule("CN-AUDIT-ID-02")
def test_two_names_declared_the_same_as_one_identifier_are_one_subject_named_twice(tmp_path: Path) -> None:
    # 2022 names the subject ex:acme-gmbh, 2023 ex:acme, each declared the same as one LEI: no direct sameAs between
    # the two names, and the set conformed.
    lei = "urn:lei:5299000ACME000000001"
    paths = []
    for year, name in (("2022", "ex:acme-gmbh"), ("2023", "ex:acme")):
        text = (MULTI / f"acme-{year}.jsonld").read_text(encoding="utf-8").replace('"ex:acme"', f'"{name}"')
        document = json.loads(text)
        document["@graph"].append({"@id": name, SAME_AS: {"@id": lei}})
        path = tmp_path / f"acme-{year}.jsonld"
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    findings = run_audits(paths)
    # The shared management plan is CN-AUDIT-ID-07's too (linked by both names, since red team 50a).
    assert sorted(f.rule_id for f in findings) == ["CN-AUDIT-ID-02", "CN-AUDIT-ID-07"]
    (alias,) = [f for f in findings if f.rule_id == "CN-AUDIT-ID-02"]
    assert "acme-gmbh" in alias.message


# --- a decimal written with a leading point is a decimal everywhere (CN-BAL-01) ------------------------------------


@pytest.mark.rule("CN-BAL-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_a_footprint_total_with_a_leading_point_is_compared_with_its_emissions(engine: str, reasoning: str) -> None:
    # ".45" is an xsd:decimal, accepted as the footprint's total, but the comparison with the emissions (12,850 t)
    # read only "0.45"-like forms and skipped it: a 12,450 t footprint given as .45 t conformed.
    for total in (".45", "0.45"):
        document = edited(CONFORMING, ("ex:footprint-2024", "tonnesCO2e", total))
        assert "CN-BAL-01" in violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning), total
        messages = rule_messages(document, engine, "CN-BAL-01", as_of=AS_OF, reasoning=reasoning)
        assert any("less than its emissions minus its removals" in m for m in messages), messages
    # Written "12450." (no fraction digits, also a decimal), it is the conforming footprint.
    same = edited(CONFORMING, ("ex:footprint-2024", "tonnesCO2e", "12450."))
    assert violated_rules(same, engine, as_of=AS_OF, reasoning=reasoning) == set()


_REGEX = re.compile(r'(?:sh:pattern|REGEX\(STR\(\?\w+\),)\s*"([^"]+)"')


def test_every_decimal_pattern_in_the_shapes_takes_every_decimal_form() -> None:
    # One narrow copy of the decimal pattern was enough to skip a comparison without a word.
    decimal_patterns = {
        pattern.replace("\\\\", "\\")
        for path in SHAPES.glob("*.ttl")
        for pattern in _REGEX.findall(path.read_text(encoding="utf-8"))
        if "[.]" in pattern or "\\." in pattern
    }
    assert decimal_patterns
    for pattern in decimal_patterns:
        forms = ["12", "12.5", ".45", "45.", "+.5"] + (["-.5", "-12.5"] if "+-" in pattern else [])
        for form in forms:
            assert re.search(pattern, form), (pattern, form)


# --- CN-HIER-02: an offsetting action ordered one way and the reductions another were never compared -------------

_ACTIONS = ("ex:action-heat-pumps", "ex:action-green-electricity", "ex:action-woodland")


def _plan(offset: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    """The conforming claim with the offsetting action's order and date set to ``offset`` and the other actions'
    to ``others`` (a key with None removes it; an order is numbered on from 1 for the other actions)."""
    edits: list[tuple[str, str, Any]] = []
    for number, action in enumerate(_ACTIONS, start=1):
        order = others.get("actionOrder")
        edits.append((action, "actionOrder", None if order is None else number + order - 1))
        edits.append((action, "plannedDate", others.get("plannedDate")))
    edits += [("ex:action-offset", key, offset.get(key)) for key in ("actionOrder", "plannedDate")]
    return edited(CONFORMING, *edits)


@pytest.mark.rule("CN-HIER-02")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_an_offset_ordered_one_way_and_reductions_another_is_a_violation(engine: str, reasoning: str) -> None:
    def rules(document: dict[str, Any]) -> set[str]:
        return violated_rules(document, engine, as_of=AS_OF, reasoning=reasoning)

    # Offsetting is action 1, the reductions only dated: the order was never established, and the plan passed.
    first = _plan({"actionOrder": 1}, {"plannedDate": "2024-01-01"})
    assert rules(first) == {"CN-HIER-02"}
    messages = rule_messages(first, engine, "CN-HIER-02", as_of=AS_OF, reasoning=reasoning)
    assert any("cannot be put in order" in m and "action-offset" in m for m in messages), messages
    # The other way round: the offset only dated, the reductions only numbered.
    assert rules(_plan({"plannedDate": "2025-03-31"}, {"actionOrder": 1})) == {"CN-HIER-02"}
    # Ordered the same way, offsetting last, whichever way: conforms.
    assert rules(_plan({"actionOrder": 4}, {"actionOrder": 1})) == set()
    assert rules(_plan({"plannedDate": "2025-03-31"}, {"plannedDate": "2024-01-01"})) == set()
    # The offset carries both, so it compares with either: conforms.
    assert rules(_plan({"actionOrder": 4, "plannedDate": "2025-03-31"}, {"plannedDate": "2024-01-01"})) == set()


# --- a workbook's stored numbers are read as Excel shows them -----------------------------------------------------


def _emission_rows(book: Any) -> dict[str, int]:
    sheet = book["Emissions and removals"]
    return {row[0].value: row[0].row for row in sheet.iter_rows(min_row=3) if row[0].value}


def _as_excel_stores(book: Any, *numbers: tuple[float, str]) -> bytes:
    """The workbook saved, each number (written by openpyxl at 15 digits) stored as Excel stores it: the shortest
    text that reads back as the same double, such as 12451.399999999998."""
    data = workbook_data(book)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            for stored, written in numbers:
                part = part.replace(f"<v>{written}</v>".encode(), f"<v>{stored!r}</v>".encode())
            target.writestr(item, part)
    return out.getvalue()


@pytest.mark.rule("CN-BAL-01")
def test_a_footprint_summed_in_the_workbook_is_read_as_excel_shows_it() -> None:
    # The emissions typed as numbers, and the footprint the stored result of their SUM: Excel keeps the double
    # 12451.399999999998 and shows 12451.4. It was read as the double, and the footprint fell short of its own
    # emissions minus removals (12451.4): a false violation.
    book = conforming_workbook()
    sheet, rows = book["Emissions and removals"], _emission_rows(book)
    typed = {"ex:emission-scope1": 8200.3, "ex:emission-scope2": 1900.4, "ex:emission-scope3": 2600.7}
    for node, value in typed.items():
        sheet.cell(row=rows[node], column=4, value=value)
    total = 8200.3 + 1900.4 + 2600.7 + 150.0 - 400.0
    assert repr(total) == "12451.399999999998"
    book["Footprint"]["D3"] = total
    document = read_workbook(Path("claim.xlsx"), data=_as_excel_stores(book, (total, "12451.4"))).document
    footprint = next(n for n in document["@graph"] if n.get("@id") == "ex:footprint-2024")
    assert footprint["tonnesCO2e"] == "12451.4"
    assert comet_cn.validate(document, parameters=comet_cn.RuleParameters(as_of=AS_OF)).conforms


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (9e-05, "0.00009"),
        (1.5e-10, "0.00000000015"),
        (0.1 + 0.2, "0.3"),
        (2.0, "2"),
        (1234.5, "1234.5"),
        (1234567890123456.0, "1234567890123456"),  # a whole number a double holds exactly keeps every digit
    ],
)
def test_a_stored_number_is_read_in_plain_decimal_notation(stored: float, shown: str) -> None:
    # 0.00009 was read as "9e-05", which no rule reads as a plain decimal; 0.1 + 0.2 as 0.30000000000000004.
    book = conforming_workbook()
    book["Reductions"]["E3"] = stored
    data = _as_excel_stores(book, (stored, format(stored, ".15g")))
    document = read_workbook(Path("claim.xlsx"), data=data).document
    reduction = next(n for n in document["@graph"] if n.get("@id") == "ex:reduction-kiln-heat-pumps")
    assert reduction["tonnesCO2e"] == shown


def test_a_workbook_missing_a_sheets_part_is_refused_naming_the_sheet() -> None:
    # openpyxl skipped the sheet without a word: the claim was judged with no footprint ("must link exactly one
    # carbon footprint"), a verdict on a damaged file.
    book = conforming_workbook()
    footprint = f"xl/worksheets/sheet{book.sheetnames.index('Footprint') + 1}.xml"  # as openpyxl names the parts
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_data(book))) as source, zipfile.ZipFile(out, "w") as target:
        parts = source.namelist()
        assert footprint in parts
        for part in parts:
            if part != footprint:
                target.writestr(part, source.read(part))
    with pytest.raises(InputError) as refused:
        read_workbook(Path("claim.xlsx"), data=out.getvalue())
    message = str(refused.value)
    assert "'Footprint' is listed but its part" in message and "damaged" in message and "\n" not in message


# --- a broken --shapes file stops the run in one line, exit 2 ------------------------------------------------------

_SHAPE_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cn: <https://comet.carbon/ext/iso14068#> .
<https://example.org/s#S> a sh:NodeShape ; sh:targetClass cn:CarbonNeutralityClaim ;
"""
BROKEN_SHAPES = {
    # A count that is no integer: pySHACL cannot load the constraint.
    "min-count": 'sh:property [ sh:path cn:claimDate ; sh:minCount "one" ] .',
    # A SPARQL constraint that uses a prefix it never declares (no sh:prefixes).
    "unbound-prefix": 'sh:sparql [ sh:select "SELECT $this WHERE { $this cn:claimDate ?d . }" ] .',
    # A SPARQL constraint that is no query.
    "syntax": 'sh:sparql [ sh:select "SELECT $this WHERE {" ] .',
    # A regular expression that does not compile.
    "regex": 'sh:property [ sh:path cn:claimDate ; sh:pattern "[" ] .',
}


@pytest.mark.parametrize("broken", sorted(BROKEN_SHAPES))
def test_a_broken_shapes_file_is_one_line_and_exit_2(broken: str, tmp_path: Path, cli: Any) -> None:
    # Each claim was "could not be validated: internal error (Exception)", exit 3, as if the claim were at fault.
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(_SHAPE_HEAD + BROKEN_SHAPES[broken], encoding="utf-8")
    claim = EXAMPLES / "conforming-claim.jsonld"
    run = cli("-s", shapes, claim, claim)
    assert run.code == 2, run
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and "--shapes: the shapes cannot be run" in lines[0], run.err
    assert "internal error" not in run.err and "CONFORMS" not in run.out


def test_a_broken_shapes_file_prints_nothing_but_its_line(tmp_path: Path) -> None:
    # pySHACL's own logger printed the error twice more (two lines each) before the one line, in every worker.
    shapes = tmp_path / "mine.ttl"
    shapes.write_text(_SHAPE_HEAD + BROKEN_SHAPES["min-count"], encoding="utf-8")
    claim = EXAMPLES / "conforming-claim.jsonld"
    run = run_script("cn-validate", "-j", "2", "-s", shapes, claim, claim)
    assert run.code == 2
    assert [line for line in run.err.splitlines() if line.strip()] == [
        "cn-validate: error: --shapes: the shapes cannot be run: ConstraintLoadError: MinCountConstraintComponent "
        "sh:minCount must be a literal with datatype xsd:integer."
    ]


# --- a claim saved as UTF-16 is told so, not called binary data -------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "said"), [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")]
)
def test_a_claim_saved_as_utf16_is_told_to_save_it_as_utf8(encoding: str, said: str, tmp_path: Path, cli: Any) -> None:
    # Windows PowerShell's ">" writes UTF-16: the claim was "binary data, not a claim".
    claim = tmp_path / "claim.jsonld"
    claim.write_bytes((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8").encode(encoding))
    run = cli(claim)
    assert run.code == 2
    assert f"{said} text, not UTF-8: save the claim as UTF-8" in run.err and "binary" not in run.err
    binary = tmp_path / "image.jsonld"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\x02")
    assert "binary data" in cli(binary).err


def test_standard_input_given_twice_is_a_usage_error(cli: Any) -> None:
    # The second "-" read nothing: "<stdin>: ERROR empty input", beside the first one's verdict under the same name.
    run = cli("-", "-")
    assert run.code == 2 and "given more than once" in run.err and "CONFORMS" not in run.out


# --- red team 24d: a rule satisfied by another claim of the same file, or by a link on the wrong node -----------


def _second_claim(*nodes: dict[str, Any]) -> dict[str, Any]:
    """The conforming claim with a second claim of the same entity and period in the file (its own subject and
    footprint), and further ``nodes``."""
    other = {
        "@id": "ex:claim-tiles",
        "@type": "CarbonNeutralityClaim",
        "claimedBy": "ex:acme",
        "hasSubject": {"@id": "ex:tiles", "@type": "Product", "label": "Terra tiles"},
        "hasReportingPeriod": "ex:period-2024",
        "hasManagementPlan": "ex:plan",
        "hasCarbonFootprint": "ex:footprint-tiles",
    }
    return with_nodes(CONFORMING, other, *nodes)


@pytest.mark.rule("CN-REV-01")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_reversal_booked_in_another_claims_footprint_is_not_booked(engine: str) -> None:
    # The organisation's claim links its woodland reversal (150 t, August 2024); the emission it became sat in the
    # product claim's footprint of the same file, and the organisation's footprint left it out: conformed.
    tiles = {"@id": "ex:footprint-tiles", "@type": "CarbonFootprint", "hasReportingPeriod": "ex:period-2024"}
    own = ["ex:emission-scope1", "ex:emission-scope2", "ex:emission-scope3"]
    moved = edited(
        _second_claim({**tiles, "tonnesCO2e": "150.0", "hasEmission": "ex:emission-reversal-2024"}),
        ("ex:footprint-2024", "hasEmission", own),
        ("ex:footprint-2024", "tonnesCO2e", "12300.0"),
    )
    assert "CN-REV-01" in violated_rules(moved, engine, as_of=AS_OF)
    # Booked in the organisation's own footprint too (the product's may count it as well): no CN-REV-01.
    both = _second_claim({**tiles, "tonnesCO2e": "150.0", "hasEmission": "ex:emission-reversal-2024"})
    assert "CN-REV-01" not in violated_rules(both, engine, as_of=AS_OF)


@pytest.mark.rule("CN-PLAN-02")
@pytest.mark.parametrize("engine", ENGINES)
def test_a_one_off_event_sharing_the_plan_does_not_exempt_the_other_claims_baseline(engine: str) -> None:
    # The organisation and a one-off event share the entity's plan; its baseline states no base period. Only a
    # one-off event's plan may rest on an estimate: the event's claim exempted the organisation's too.
    event = {
        "@id": "ex:claim-fair",
        "@type": "CarbonNeutralityClaim",
        "claimedBy": "ex:acme",
        "hasSubject": {"@id": "ex:fair", "@type": "Event", "eventRecurrence": "OneOffEvent"},
        "hasReportingPeriod": "ex:period-2024",
        "hasManagementPlan": "ex:plan",
    }
    shared = edited(with_nodes(CONFORMING, event), ("ex:baseline-2019", "hasBasePeriod", None))
    assert "CN-PLAN-02" in violated_rules(shared, engine, as_of=AS_OF)
    alone = edited(CONFORMING, ("ex:baseline-2019", "hasBasePeriod", None))
    assert "CN-PLAN-02" in violated_rules(alone, engine, as_of=AS_OF)  # the control: the organisation alone


ELECTRICITY: dict[str, Any] = json.loads(
    (EXAMPLES / "annex-b" / "market-based-electricity-claim.jsonld").read_text(encoding="utf-8")
)


@pytest.mark.rule("CN-ELEC-01")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reasoning", ["none", "owlrl"])
def test_instruments_stated_on_the_claim_are_a_violation(engine: str, reasoning: str) -> None:
    # Stated on the claim, not its footprint, the guarantees of origin were read by neither CN-ELEC-02 (retired
    # for whom) nor CN-ELEC-03 (vintage): a 2018 certificate for 2024, or one retired for a customer, conformed.
    footprint = next(n for n in ELECTRICITY["@graph"] if "usesContractualInstrument" in n)
    claim = next(n for n in ELECTRICITY["@graph"] if n.get("@type") == "CarbonNeutralityClaim")
    instruments = footprint["usesContractualInstrument"]
    moved = edited(
        ELECTRICITY,
        (footprint["@id"], "usesContractualInstrument", None),
        (claim["@id"], "usesContractualInstrument", instruments),
    )
    assert violated_rules(ELECTRICITY, engine, as_of=AS_OF, reasoning=reasoning) == set()
    assert "CN-ELEC-01" in violated_rules(moved, engine, as_of=AS_OF, reasoning=reasoning)
    messages = rule_messages(moved, engine, "CN-ELEC-01", as_of=AS_OF, reasoning=reasoning)
    assert any("is no carbon footprint a claim links" in m for m in messages), messages
