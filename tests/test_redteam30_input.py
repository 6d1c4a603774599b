"""Red team 30c (the input a stranger sends): each test names what a user saw before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from comet_cn import load, validate
from tests.conftest import EXAMPLES

CLAIM = EXAMPLES / "conforming-claim.jsonld"
PERIOD = "https://example.org/acme/period-2024"
DATE = "http://www.w3.org/2001/XMLSchema#date"


# ---- a folder of claims: every RDF file is an input, none skipped ----


@pytest.mark.parametrize(("suffix", "read"), [(".trig", False), (".nq", False), (".json-ld", True), (".turtle", True)])
def test_a_claim_in_a_folder_saved_under_another_rdf_suffix_is_not_skipped(
    tmp_path: Path, cli: Any, suffix: str, read: bool
) -> None:
    # Before: a folder holding a claim saved as TriG (or .nq, .json-ld, .turtle) was checked without it: the set was
    # reported CONFORMS with one input fewer, and --audits never compared its offsetting with the other periods.
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "a.jsonld").write_bytes(CLAIM.read_bytes())
    second = folder / f"b{suffix}"
    graph = load(CLAIM)
    if suffix == ".turtle":
        second.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    elif suffix == ".trig":  # the claim in a named graph
        second.write_text("<https://example.org/g> {\n" + graph.serialize(format="nt") + "}\n", encoding="utf-8")
    elif suffix == ".nq":
        lines = graph.serialize(format="nt").splitlines()
        quads = [line[: -len(" .")] + " <https://example.org/g> ." for line in lines if line.strip()]
        second.write_text("\n".join(quads) + "\n", encoding="utf-8")
    else:
        second.write_bytes(CLAIM.read_bytes())
    (folder / "README.md").write_text("# notes, not a claim\n", encoding="utf-8")
    run = cli("-q", folder)
    assert "2 input(s)" in run.out, run.out
    if read:
        assert run.code == 0 and f"{second}: CONFORMS" in run.out
    else:
        assert run.code == 2 and f"{second}: ERROR" in run.out and "is not read here" in run.out


# ---- a comet namespace written another way is another IRI, and found ----


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize(
    "namespace",
    [
        "https://comet.carbon/ext/iso14068/#",
        "HTTPS://COMET.CARBON/ext/iso14068#",
        "https://Comet.Carbon:443/ext/iso14068#",
        "https://comet.carbon/ext/./iso14068#",
        "https://comet.carbon//ext/iso14068#",
        "https://comet.carbon/ext/iso-14068#",
        "https://comet.carbon/ext/iso14068.ttl#",
    ],
)
def test_a_period_end_in_a_namespace_written_otherwise_is_an_unknown_term(namespace: str) -> None:
    # Before: a second period end under ".../iso14068/#reportingPeriodEnd" (a slash before the "#") was another
    # property, read by no rule, and the claim conformed; with the namespace as written in the ontology it is
    # CN-CLAIM-02's finding (two period ends).
    text = load(CLAIM).serialize(format="nt")
    text += f'<{PERIOD}> <{namespace}reportingPeriodEnd> "2023-12-31"^^<{DATE}> .\n'
    report = validate(text, format="nt")
    found = [r for r in report.results if r.rule_id == "CN-INPUT-02"]
    assert found and "https://comet.carbon/ext/iso14068#reportingPeriodEnd" in found[0].message, found


def test_a_page_of_the_comet_site_named_as_a_value_is_not_a_term() -> None:
    text = load(CLAIM).serialize(format="nt")
    text += f"<{PERIOD}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://Comet.Carbon/ext/iso14068/#about> .\n"
    assert validate(text, format="nt").conforms
