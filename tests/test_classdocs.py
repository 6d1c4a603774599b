"""The class pages: current with the shapes, the ontology and the examples; and what they read from the shapes is
what the shapes say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from comet_cn.classdocs import (
    _repository_examples,
    checklists,
    class_pages,
    main,
    page_classes,
    requirements,
)
from comet_cn.convert import vocabulary
from tests.conftest import ROOT

CN = "https://comet.carbon/ext/iso14068#"
GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EAC = "https://comet.carbon/v1/eac#"
PAGES = ROOT / "docs" / "classes"


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return class_pages(_repository_examples(ROOT))


def test_the_committed_class_pages_are_current(pages: dict[str, str]) -> None:
    committed = {path.name: path.read_text(encoding="utf-8") for path in PAGES.glob("*.md")}
    assert sorted(committed) == sorted(pages), "regenerate: python -m comet_cn.classdocs docs/classes"
    stale = [name for name, text in pages.items() if committed[name] != text]
    assert stale == [], "regenerate: python -m comet_cn.classdocs docs/classes"


def test_main_writes_the_pages_and_removes_stale_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Gone.md").write_text("a class that no longer exists", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    assert main([str(tmp_path)]) == 0
    assert not (tmp_path / "Gone.md").exists()
    assert (tmp_path / "index.md").read_text(encoding="utf-8") == (PAGES / "index.md").read_text(encoding="utf-8")
    assert main([]) == 2


def test_every_class_of_the_context_has_a_page_listed_in_the_index(pages: dict[str, str]) -> None:
    terms = [term for term, _ in page_classes()]
    assert {"CarbonNeutralityClaim", "CarbonCredit", "OffsettingEvent", "PlanAction", "ReportingPeriod"} <= set(terms)
    for term in terms:
        assert f"[{term}]({term}.md)" in pages["index.md"]
        assert pages[f"{term}.md"].startswith(f"# {term}\n")


def test_a_page_lists_what_the_shapes_require_with_the_rule(pages: dict[str, str]) -> None:
    credit = pages["CarbonCredit.md"]
    row = next(line for line in credit.splitlines() if line.startswith("| `vintageEndYear` |"))
    assert "exactly 1" in row and "a year" in row and "CN-VINT-01" in row and "retiresCredit" in row
    action = pages["PlanAction.md"]
    assert "this or `plannedDate`: at least one" in action and "CN-HIER-02" in action
    assert (
        "## May carry" in pages["CarbonNeutralityClaim.md"]
        and "`hasOffsettingEvent`" in pages["CarbonNeutralityClaim.md"]
    )


def test_every_required_property_of_a_class_is_on_its_page(pages: dict[str, str]) -> None:
    by_iri = {iri: term for term, iri in page_classes()}
    for requirement in requirements():
        if not requirement.required:
            continue
        for cls in requirement.classes:
            if cls in by_iri:
                assert f"| `{requirement.term}` |" in pages[f"{by_iri[cls]}.md"], (requirement.rule_id, cls)


def test_the_examples_are_nodes_of_their_class_from_the_conforming_claim(pages: dict[str, str]) -> None:
    vocab = vocabulary()
    for term, iri in page_classes():
        text = pages[f"{term}.md"]
        found = re.search(r"```json\n(.*?)```", text, re.DOTALL)
        if found is None:
            continue
        node = json.loads(found.group(1))
        types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        assert any(vocab.terms[t].iri == iri for t in types), term
    assert "examples/conforming-claim.jsonld" in pages["CarbonCredit.md"]


def test_requirements_read_cardinality_datatype_values_and_choices() -> None:
    found = {(r.rule_id, r.path): r for r in requirements()}
    vintage = found[("CN-VINT-01", CN + "vintageEndYear")]
    assert (vintage.min_count, vintage.max_count, vintage.datatype) == (1, 1, GYEAR)
    assert vintage.via == (CN + "retiresCredit",) and vintage.via_classes == (EAC + "CarbonCredit",)
    step = found[("CN-HIER-01", CN + "hierarchyStep")]
    assert set(step.values) == {
        CN + "Reduce_Inside_Boundary",
        CN + "Enhance_Removal_Inside_Boundary",
        CN + "Offset_Outside_Boundary",
    }
    assert any(r.one_of == (CN + "actionOrder", CN + "plannedDate") for r in requirements())
    reduction = found[("CN-HIER-04", RDF_TYPE)]
    assert reduction.node_classes == (CN + "GHGEmissionReduction",)
    warning = found[("CN-PLAN-W01", CN + "responsibleForDelivery")]
    assert warning.severity == "Warning" and warning.required


def test_checklists_come_from_the_ontology() -> None:
    sizes = {c.property: len(c.items) for c in checklists()}
    assert sizes == {
        "meetsCriterion": 5,
        "meetsProgrammeCriterion": 9,
        "includesPlanElement": 13,
        "includesReportElement": 24,
        "includesSummaryItem": 11,
        "includesCommitmentItem": 11,
    }
    report = next(c for c in checklists() if c.property == "includesReportElement")
    assert report.items[0] == ("ReportElement_a", "§12 a) subject and boundary")
    assert report.holders == (CN + "CarbonNeutralityReport",)
