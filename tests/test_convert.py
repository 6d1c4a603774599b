"""Conversions keep the graph: every example through Turtle, N-Triples and YAML and back; other RDF tools read what
cn-convert writes; cn-convert and cn-init fail in one line with exit 2; the offline-context recipe and the RDF/XML
ontology work without a network."""

from __future__ import annotations

import io
import json
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.term import Node

import comet_cn
from comet_cn.convert import ClaimData, claim_data, document_from_data, read_document, to_ntriples, to_turtle
from comet_cn.convert_cli import convert_command, init_command
from comet_cn.errors import InputError
from comet_cn.resources import ontology_files, ontology_graph
from comet_cn.textform import from_yaml, to_yaml
from tests.conftest import EXAMPLES, ROOT

MANIFEST: list[dict[str, Any]] = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))["examples"]
# Every example runs in the full set (CI: -m "slow or not slow"); the default run takes the conforming ones and those
# whose data is odd (an exponent decimal, a misspelt key, an untyped claim, a type clash), about a quarter.
_ODD = ("exponent-decimal", "misspelt-key", "claim-untyped", "reduction-typed-as-removal")
EVERY_EXAMPLE = [
    pytest.param(e, id=e["file"], marks=() if e["conforms"] or any(o in e["file"] for o in _ODD) else pytest.mark.slow)
    for e in MANIFEST
]
CONFORMING = EXAMPLES / "conforming-claim.jsonld"
EXPONENT = EXAMPLES / "violations" / "cn-bal-01-exponent-decimal.jsonld"
MISSPELT = EXAMPLES / "violations" / "cn-input-02-misspelt-key.jsonld"


def _digest(graph: Graph) -> int:
    value: int = to_isomorphic(graph).internal_hash()
    return value


def _reread(text: str, suffix: str) -> Graph:
    return comet_cn.load(document_from_data(claim_data(Path(f"claim{suffix}"), data=text.encode("utf-8"))))


@pytest.mark.parametrize("entry", EVERY_EXAMPLE)
def test_every_example_survives_turtle_ntriples_and_yaml(entry: dict[str, Any]) -> None:
    path = EXAMPLES / entry["file"]
    # What rdflib.compare.isomorphic compares, the canonical hash, with the expected graph's computed once.
    expected = _digest(comet_cn.load(path))
    data = claim_data(path)
    assert _digest(_reread(to_turtle(data), ".ttl")) == expected, "JSON-LD → Turtle → JSON-LD"
    assert _digest(_reread(to_ntriples(data), ".nt")) == expected, "JSON-LD → N-Triples → JSON-LD"
    text = to_yaml(json.loads(path.read_text(encoding="utf-8")))
    assert _digest(comet_cn.load(from_yaml(text))) == expected, "JSON-LD → YAML → JSON-LD"


def test_the_digest_is_rdflibs_isomorphism() -> None:
    first, second = comet_cn.load(CONFORMING), comet_cn.load(read_document(CONFORMING))
    assert isomorphic(first, second) and _digest(first) == _digest(second)
    second.remove((None, None, Literal("2025-05-15", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))))
    assert not isomorphic(first, second) and _digest(first) != _digest(second)


def _oxigraph_graph(text: str, fmt: Any) -> Graph:
    """What another RDF engine reads from the text, as an rdflib graph with lexical forms untouched."""
    graph = Graph()
    blanks: dict[str, BNode] = {}

    def term(value: Any) -> Node:
        if isinstance(value, pyoxigraph.BlankNode):
            return blanks.setdefault(value.value, BNode())
        if isinstance(value, pyoxigraph.Literal):
            if value.language:
                return Literal(value.value, lang=value.language)
            if value.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                return Literal(value.value)
            return Literal(value.value, datatype=URIRef(value.datatype.value), normalize=False)
        return URIRef(value.value)

    for quad in pyoxigraph.parse(text.encode("utf-8"), format=fmt):
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


@pytest.mark.parametrize("example", [CONFORMING, EXPONENT, EXAMPLES / "annex-b" / "event-claim.jsonld"], ids=str)
def test_turtle_and_ntriples_are_read_by_another_rdf_engine_as_the_same_graph(example: Path) -> None:
    data = claim_data(example)
    expected = comet_cn.load(example)
    assert isomorphic(_oxigraph_graph(to_turtle(data), pyoxigraph.RdfFormat.TURTLE), expected)
    assert isomorphic(_oxigraph_graph(to_ntriples(data), pyoxigraph.RdfFormat.N_TRIPLES), expected)


def test_turtle_binds_prefixes_and_keeps_lexical_forms() -> None:
    text = to_turtle(claim_data(EXPONENT))
    assert "@prefix ex: <https://example.org/acme/> ." in text
    assert "@prefix comet-cn: <https://comet.carbon/ext/iso14068#> ." in text
    assert '"2.0005E3"^^xsd:decimal' in text  # a JSON number, reported by CN-BAL-01: not repaired into a double
    assert "ex:credit-wind" in text
    graph = Graph().parse(data=text, format="turtle")
    assert len(graph) == len(comet_cn.load(EXPONENT))


def test_canonical_json_ld_keeps_order_and_nests_evidence() -> None:
    document = read_document(CONFORMING)
    assert document["@context"] == [
        "https://comet.carbon/ext/iso14068/context.jsonld",
        {"ex": "https://example.org/acme/"},
    ]
    ids = [node["@id"] for node in document["@graph"]]
    assert ids[0] == "ex:claim-2024"
    assert ids.index("ex:credit-wind") < ids.index("ex:credit-cookstoves") < ids.index("ex:credit-biochar")
    claim = document["@graph"][0]
    assert claim["onlyResidualEmissionsRemain"] is False and claim["claimDate"] == "2025-05-15"
    assert claim["hasEvidence"][0] == {
        "evidenceFor": "ClaimSummaryItem_a",
        "evidenceLocation": "https://example.org/acme/evidence/claim-summary.pdf",
        "evidencePage": "1",
    }


def test_yaml_is_readable_and_reads_back_exactly() -> None:
    text = to_yaml(json.loads(CONFORMING.read_text(encoding="utf-8")))
    assert text.startswith("# An ISO 14068-1 carbon-neutrality claim")
    assert "\nClaim:\n- id: ex:claim-2024\n  type: CarbonNeutralityClaim\n" in text
    assert "  claimDate: 2025-05-15\n" in text  # plain where YAML reads back the same text
    assert "  tonnesCO2e: 12450.0\n" in text
    assert "  onlyResidualEmissionsRemain: false\n" in text
    assert "# Rules require: " in text


def test_yaml_quotes_what_it_would_otherwise_read_differently() -> None:
    document = {
        "@context": "https://comet.carbon/ext/iso14068/context.jsonld",
        "@graph": [
            {"@id": "https://example.org/c", "@type": "CarbonCredit", "tonnesCO2e": "2100.50", "serialNumber": "yes"}
        ],
    }
    text = to_yaml(document)
    assert "tonnesCO2e: '2100.50'" in text and "serialNumber: 'yes'" in text
    assert isomorphic(comet_cn.load(from_yaml(text)), comet_cn.load(document))


def test_yaml_written_by_hand_with_numbers_and_dates_reads_as_their_text() -> None:
    text = """
prefixes:
  ex: https://example.org/acme/
Credits:
- id: ex:c
  type: CarbonCredit
  vintageEndYear: 2022
  tonnesCO2e: 1250.5
  isExPostCredit: true
Period:
  id: ex:p
  type: ReportingPeriod
  reportingPeriodStart: 2024-01-01
"""
    nodes = {n["id"]: n for n in from_yaml(text)["@graph"]}
    assert nodes["ex:c"]["vintageEndYear"] == "2022" and nodes["ex:c"]["tonnesCO2e"] == "1250.5"
    assert nodes["ex:c"]["isExPostCredit"] is True
    assert nodes["ex:p"]["reportingPeriodStart"] == "2024-01-01"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Claim: [\n",
            "not valid YAML (while parsing a flow node expected the node content, but found '<stream end>' "
            "at line 2 column 1)",
        ),
        # What YAML found, not only where (red team 116c: "syntax error" named no cause).
        ("Claim:\n\t- id: ex:c\n", "found character '\\t' that cannot start any token at line 2 column 1"),
        ("Claim: []\n---\nCredits: []\n", "expected a single document in the stream but found another document"),
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("- just\n- a list\n", "expected a mapping of groups of nodes"),
        ("Claim:\n- 5\n", "every entry must be a node"),
        ("prefixes: [1]\n", "prefixes: expected a mapping"),
        ("", "empty input"),
        ("Claim:\n- id: !!binary aGk=\n", "is not a claim value"),
    ],
)
def test_yaml_that_is_not_the_text_form_is_one_line(text: str, problem: str) -> None:
    with pytest.raises(InputError) as error:
        from_yaml(text, name="claim.yaml")
    assert problem in str(error.value) and "\n" not in str(error.value)


def test_undefined_terms_are_kept_through_yaml_and_turtle() -> None:
    """A misspelt key is not dropped on the way, so cn-validate still reports it after a conversion."""
    yaml_claim = from_yaml(to_yaml(json.loads(MISSPELT.read_text(encoding="utf-8"))))
    assert "CN-INPUT-02" in comet_cn.validate(yaml_claim, reasoning="none").rule_ids
    turtle = to_turtle(claim_data(MISSPELT))
    assert "urn:comet-cn:undefined-term:retirementDat" in turtle
    back = document_from_data(claim_data(Path("c.ttl"), data=turtle.encode()))
    assert "CN-INPUT-02" in comet_cn.validate(back, reasoning="none").rule_ids


def test_a_claim_data_without_prefixes_writes_full_iris() -> None:
    graph = Graph()
    graph.add(
        (URIRef("https://example.org/x"), URIRef("https://comet.carbon/ext/iso14068#claimDate"), Literal("2025-01-01"))
    )
    document = document_from_data(ClaimData(graph))
    assert document["@context"] == "https://comet.carbon/ext/iso14068/context.jsonld"
    assert document["@graph"] == [{"@id": "https://example.org/x", "claimDate": {"@value": "2025-01-01"}}]


# ---- the command line ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run cn-convert or cn-init in-process through its entry point (exit-code mapping included)."""

    def call(entry: Callable[[list[str]], None], *args: str | Path, stdin: bytes | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        with pytest.raises(SystemExit) as stop:
            entry([str(a) for a in args])
        captured = capsys.readouterr()
        code = stop.value.code
        return Run(code if isinstance(code, int) else 3, captured.out, captured.err)

    return call


def _one_line_error(result: Run, program: str) -> None:
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(f"{program}: error: ") and result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_cn_convert_goes_through_every_format_and_back(run: Callable[..., Run], tmp_path: Path) -> None:
    expected = comet_cn.load(CONFORMING)
    current = CONFORMING
    for suffix in (".xlsx", ".yaml", ".ttl", ".nt", ".yml", ".json"):
        target = tmp_path / f"claim{suffix}"
        result = run(convert_command, current, target)
        assert result.code == 0, result.err
        assert result.out == "" and result.err == ""
        current = target
    assert isomorphic(comet_cn.load(current), expected)


def test_cn_convert_writes_to_standard_output_with_to(run: Callable[..., Run]) -> None:
    result = run(convert_command, CONFORMING, "--to", "turtle")
    assert result.code == 0 and result.out.startswith("@prefix ")
    result = run(convert_command, CONFORMING, "-", "--to", "jsonld")
    assert json.loads(result.out)["@graph"][0]["@id"] == "ex:claim-2024"


def test_cn_convert_reads_standard_input_with_from(run: Callable[..., Run]) -> None:
    result = run(convert_command, "-", "--from", "jsonld", "--to", "yaml", stdin=CONFORMING.read_bytes())
    assert result.code == 0 and "Claim:" in result.out


def test_cn_convert_writes_a_workbook_to_standard_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with pytest.raises(SystemExit) as stop:
        convert_command([str(CONFORMING), "--to", "xlsx"])
    assert stop.value.code == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"PK")
    assert openpyxl.load_workbook(io.BytesIO(data))["Claim"]["A3"].value == "ex:claim-2024"


def test_cn_convert_names_undefined_terms_on_stderr(run: Callable[..., Run], tmp_path: Path) -> None:
    result = run(convert_command, MISSPELT, tmp_path / "claim.ttl")
    assert result.code == 0
    assert "cn-convert: warning: 'retirementDat' is not defined by the comet-cn context" in result.err
    assert run(convert_command, "-q", MISSPELT, tmp_path / "claim.yaml").err == ""


@pytest.mark.parametrize(
    ("make", "args", "problem"),
    [
        (None, ("missing.jsonld", "out.ttl"), "missing.jsonld: file not found"),
        (None, ("{conforming}", "out.txt"), "out.txt: unknown file suffix '.txt'"),
        ("claim.txt", ("{input}", "out.ttl"), "claim.txt: unknown file suffix '.txt'"),
        ("claim.xlsx", ("{input}", "out.ttl"), "claim.xlsx: not a valid .xlsx workbook"),
        ("claim.yaml", ("{input}", "out.ttl"), "claim.yaml: not valid YAML"),
        ("claim.ttl", ("{input}", "out.jsonld"), "claim.ttl: not valid Turtle"),
        (None, ("{conforming}",), "writing to standard output needs --to FORMAT"),
        (None, ("-", "out.ttl"), "reading standard input needs --from FORMAT"),
        (None, ("{conforming}", "{conforming}"), "OUT is the same file as IN"),
        (None, ("{conforming}", "out.ttl", "--to", "csv"), "Invalid value for '--to'"),
    ],
)
def test_cn_convert_fails_in_one_line_with_exit_2(
    run: Callable[..., Run], tmp_path: Path, make: str | None, args: tuple[str, ...], problem: str
) -> None:
    source = tmp_path / (make or "unused")
    if make is not None:
        source.write_bytes(b"PK\x03\x04 not really a workbook" if make.endswith(".xlsx") else b"a: [\n")

    def argument(text: str) -> str:
        if "{" in text:
            return text.format(input=source, conforming=CONFORMING)
        return str(tmp_path / text) if text.startswith(("out", "missing")) else text

    arguments = [argument(a) for a in args]
    result = run(convert_command, *arguments)
    _one_line_error(result, "cn-convert")
    assert problem in result.err
    assert not (tmp_path / "out.ttl").exists()


def test_cn_init_writes_the_template_and_an_example_yaml(run: Callable[..., Run], tmp_path: Path) -> None:
    template = tmp_path / "claim.xlsx"
    assert run(init_command, template).code == 0
    assert "Claim" in openpyxl.load_workbook(template).sheetnames
    example = tmp_path / "claim.yaml"
    assert run(init_command, "--format", "yaml", example).code == 0
    text = example.read_text(encoding="utf-8")
    assert text.startswith("# ") and "\n# The claim: " in text
    report = comet_cn.validate(from_yaml(text))
    assert report.conforms, [r.message for r in report.results]
    result = run(init_command, "--format", "yaml", "-")
    assert result.code == 0 and result.out == text


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("claim.xlsx",), "already exists: pass --force"),
        (("claim.txt",), "say what to write"),
        (("--format", "yaml", "claim.xlsx"), "but --format is yaml"),
    ],
)
def test_cn_init_fails_in_one_line_with_exit_2(
    run: Callable[..., Run], tmp_path: Path, args: tuple[str, ...], problem: str
) -> None:
    (tmp_path / "claim.xlsx").write_bytes(b"a claim someone filled in")
    result = run(init_command, *(str(tmp_path / a) if a.startswith("claim") else a for a in args))
    _one_line_error(result, "cn-init")
    assert problem in result.err
    assert (tmp_path / "claim.xlsx").read_bytes() == b"a claim someone filled in"
    assert run(init_command, "--force", tmp_path / "claim.xlsx").code == 0


# ---- offline: the context recipe and the RDF/XML ontology ------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError("the network is switched off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


def test_the_rdflib_recipe_of_the_offline_context_page_works_offline(
    no_network: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (ROOT / "docs" / "offline-context.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", page, re.DOTALL)
    assert snippet is not None
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {}
    exec(compile(snippet.group(1), "docs/offline-context.md", "exec"), namespace)
    assert isomorphic(namespace["graph"], comet_cn.load(CONFORMING))


def test_the_rdfxml_ontology_is_the_merged_ontology() -> None:
    committed = Graph().parse(ROOT / "ontology" / "comet-cn.owl", format="xml")
    assert isomorphic(committed, ontology_graph()), "stale: python -m comet_cn.ontology_export > ontology/comet-cn.owl"


def test_owlready2_loads_the_rdfxml_ontology_offline(no_network: None) -> None:
    owlready2 = pytest.importorskip("owlready2")
    world = owlready2.World()
    ontology = world.get_ontology((ROOT / "ontology" / "comet-cn.owl").as_uri()).load()
    claim = ontology.get_namespace("https://comet.carbon/ext/iso14068#").CarbonNeutralityClaim
    assert claim is not None and claim.iri == "https://comet.carbon/ext/iso14068#CarbonNeutralityClaim"
    assert len(list(world.classes())) > 60


def test_the_package_never_loads_the_rdfxml_file_as_a_module() -> None:
    names = [entry.name for entry in ontology_files()]
    assert names and all(name.endswith(".ttl") for name in names)
    assert "comet-cn.owl" not in names


ODD = {
    "@context": ["https://comet.carbon/ext/iso14068/context.jsonld", {"ex": "https://example.org/acme/"}],
    "@graph": [
        {
            "@id": "ex:credit",
            "@type": ["CarbonCredit", "ex:MyCredit"],
            "label": [{"@value": "two\nlines"}, {"@value": "Zwei", "@language": "de"}],
            "serialNumber": [" padded ", "", "null", "1:30", "2025-05-15T10:00:00Z", "<x>", "#not a comment"],
            "tonnesCO2e": [{"@value": "5", "@type": "xsd:integer"}, "2100.50", "1.25E3"],
            "actionOrder": "007",
            "isExPostCredit": "1",
            "issuanceBlock": {"@id": "ex:block"},
            "hasEvidence": {"@id": "_:shared"},
            "retirementDat": "2024-01-01",
        },
        {"@id": "_:shared", "evidenceFor": "Real", "http://example.org/other#p": {"@list": ["a", "b"]}},
        {"@id": "ex:other", "hasEvidence": {"@id": "_:shared"}},
    ],
}


def test_odd_values_survive_yaml_turtle_ntriples_and_json_ld() -> None:
    expected = comet_cn.load(ODD)
    data = claim_data(ODD)
    assert isomorphic(comet_cn.load(from_yaml(to_yaml(ODD))), expected)
    assert isomorphic(_reread(to_turtle(data), ".ttl"), expected)
    assert isomorphic(_reread(to_ntriples(data), ".nt"), expected)
    assert isomorphic(comet_cn.load(document_from_data(data)), expected)
    assert isomorphic(_oxigraph_graph(to_turtle(data), pyoxigraph.RdfFormat.TURTLE), Graph() + data.graph)


def test_without_pyyaml_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(InputError, match=r"pip install 'comet-cn\[workbook\]'"):
        from_yaml("Claim: []")


def test_the_modules_import_without_the_workbook_extra() -> None:
    code = (
        "import sys; sys.modules['openpyxl'] = None; sys.modules['yaml'] = None\n"
        "import comet_cn.convert, comet_cn.convert_cli, comet_cn.workbook, comet_cn.textform, comet_cn.classdocs\n"
        "from pathlib import Path\n"
        "print(comet_cn.convert.read_document(Path('examples/conforming-claim.jsonld'))['@graph'][0]['@id'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ex:claim-2024"
