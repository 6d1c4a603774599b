"""The work budget: a claim never runs until killed. Each costly shape of input is refused quickly with one line
naming the limit (exit 2), and with worker processes a claim over the time limit is stopped and reported alone."""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

import comet_cn.batch
from comet_cn.batch import validate_many
from comet_cn.errors import InputError
from comet_cn.loading import LoadLimits, load
from comet_cn.reporting import InputFailure
from comet_cn.validation import ValidationReport, validate, validate_graph
from tests.conftest import EXAMPLES, Run

CLAIM = EXAMPLES / "conforming-claim.jsonld"
OWL_NS = str(OWL)
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
# Every refusal below used to take minutes (docs/security.md has the numbers); a generous bound for slow machines.
QUICK = 30.0


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(CLAIM.read_text(encoding="utf-8"))
    return document


def _refused(cli: Callable[..., Run], path: Path, *needles: str, options: tuple[str, ...] = ()) -> None:
    started = time.monotonic()
    run = cli(*options, path)
    elapsed = time.monotonic() - started
    assert run.code == 2, run.out
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"cn-validate: error: {path}: "), run.err
    assert all(needle in lines[0] for needle in needles), lines[0]
    assert elapsed < QUICK, f"{path.name} took {elapsed:.1f} s"


def _write(tmp_path: Path, name: str, document: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    return path


def test_a_chain_of_same_as_is_refused_before_reasoning(cli: Callable[..., Run], tmp_path: Path) -> None:
    document = _document()
    document["@graph"][0][OWL_NS + "sameAs"] = {"@id": "ex:n0"}
    document["@graph"] += [{"@id": f"ex:n{i}", OWL_NS + "sameAs": {"@id": f"ex:n{i + 1}"}} for i in range(300)]
    path = _write(tmp_path, "same-as.jsonld", document)  # about the size of the tester's 34 KB claim
    _refused(cli, path, "301 owl:sameAs statements, over the limit of 5")


def test_a_few_same_as_are_still_accepted(tmp_path: Path) -> None:
    document = _document()
    document["@graph"].append({"@id": "ex:acme", OWL_NS + "sameAs": {"@id": "https://lei.example/ACME"}})
    assert validate(document).claims  # validated, not refused
    with pytest.raises(InputError, match="over the limit of 0"):
        validate(document, limits=LoadLimits(max_same_as=0))


def test_a_transitive_property_of_the_claims_own_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    document = _document()
    linked = "https://example.org/acme/linked"
    document["@graph"].append({"@id": linked, "@type": OWL_NS + "TransitiveProperty"})
    document["@graph"] += [{"@id": f"ex:t{i}", linked: {"@id": f"ex:t{i + 1}"}} for i in range(2000)]
    _refused(
        cli, _write(tmp_path, "transitive.jsonld", document), "may not redefine the vocabulary", "TransitiveProperty"
    )


SCHEMA = [
    ("rdfs:subClassOf", f"<{RDFS_NS}subClassOf> <https://comet.carbon/ext/iso14068#CarbonNeutralityClaim>"),
    ("rdfs:subPropertyOf", f"<{RDFS_NS}subPropertyOf> <https://comet.carbon/ext/iso14068#retiresCredit>"),
    ("rdfs:domain", f"<{RDFS_NS}domain> <https://comet.carbon/ext/iso14068#CarbonCredit>"),
    ("rdfs:range", f"<{RDFS_NS}range> <https://comet.carbon/ext/iso14068#CarbonCredit>"),
    ("owl:equivalentClass", f"<{OWL_NS}equivalentClass> <https://comet.carbon/ext/iso14068#CarbonCredit>"),
    ("owl:equivalentProperty", f"<{OWL_NS}equivalentProperty> <https://comet.carbon/ext/iso14068#retiresCredit>"),
    ("owl:inverseOf", f"<{OWL_NS}inverseOf> <https://comet.carbon/ext/iso14068#retiresCredit>"),
    ("owl:propertyChainAxiom", f"<{OWL_NS}propertyChainAxiom> ( <http://e/p> <http://e/q> )"),
    ("owl:onProperty", f"<{OWL_NS}onProperty> <http://e/p>"),
    ("owl:unionOf", f"<{OWL_NS}unionOf> ( <http://e/A> <http://e/B> )"),
    ("owl:intersectionOf", f"<{OWL_NS}intersectionOf> ( <http://e/A> <http://e/B> )"),
    ("owl:disjointWith", f"<{OWL_NS}disjointWith> <http://e/B>"),
    ("owl:TransitiveProperty", f"a <{OWL_NS}TransitiveProperty>"),
    ("owl:SymmetricProperty", f"a <{OWL_NS}SymmetricProperty>"),
    ("owl:FunctionalProperty", f"a <{OWL_NS}FunctionalProperty>"),
    ("owl:InverseFunctionalProperty", f"a <{OWL_NS}InverseFunctionalProperty>"),
    ("owl:Restriction", f"a <{OWL_NS}Restriction>"),
]


@pytest.mark.parametrize(("stated", "statement"), SCHEMA, ids=[s for s, _ in SCHEMA])
def test_schema_statements_in_a_claim_are_refused(
    cli: Callable[..., Run], tmp_path: Path, stated: str, statement: str
) -> None:
    turtle = load(CLAIM).serialize(format="turtle") + f"\n<http://e/X> {statement} .\n"
    path = _write(tmp_path, "schema.ttl", turtle)
    needle = f"it states rdf:type {stated}" if statement.startswith("a ") else f"it states {stated}"
    _refused(cli, path, needle, "pass your own ontology with -e")


def test_the_library_refuses_schema_in_a_graph_too() -> None:
    graph = load(CLAIM)
    graph.add((URIRef("http://e/X"), URIRef(RDFS_NS + "subClassOf"), URIRef("http://e/Y")))
    with pytest.raises(InputError, match="may not redefine the vocabulary"):
        validate_graph(graph)
    with pytest.raises(InputError, match="may not redefine the vocabulary"):
        validate(graph)
    # The user's own ontology may say anything: it is trusted, and passed as such.
    extra = Graph()
    extra.add((URIRef("http://e/X"), URIRef(RDFS_NS + "subClassOf"), URIRef("http://e/Y")))
    assert validate(CLAIM, extra_ontology=[extra]).conforms


def test_a_node_with_fifty_thousand_types_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    document = _document()
    document["@graph"][1]["@type"] = ["Entity", "Organization", *(f"https://example.org/T{i}" for i in range(50_000))]
    _refused(cli, _write(tmp_path, "types.jsonld", document), "50002 types, over the limit of 100")
    turtle = "".join(f"<http://e/a> a <http://e/T{i}> .\n" for i in range(101))
    _refused(cli, _write(tmp_path, "types.ttl", turtle), "101 types, over the limit of 100")


def _nested(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": "ex:leaf", "http://example.org/p": "x"}
    for i in range(levels):
        node = {"@context": {f"t{i}": f"http://example.org/t{i}"}, "@id": f"ex:n{i}", f"t{i}": node}
    return node


def test_many_contexts_and_scoped_contexts_are_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    document = _document()
    document["@graph"].append(_nested(90))
    _refused(cli, _write(tmp_path, "nested.jsonld", document), "over 10 @context entries")
    document = _document()
    document["@graph"] += [
        {"@context": {f"k{i}": f"http://e/k{i}"}, "@id": f"ex:c{i}", f"k{i}": "v"} for i in range(11)
    ]
    _refused(cli, _write(tmp_path, "many.jsonld", document), "over 10 @context entries")
    document = _document()
    scoped = {"@id": "http://e/s", "@context": {f"x{j}": f"http://e/x{j}" for j in range(3000)}}
    document["@context"].append({"s": scoped})
    document["@graph"] += [{"@id": f"ex:q{k}", "s": {"@id": f"ex:r{k}", f"x{k}": "v"}} for k in range(3000)]
    _refused(cli, _write(tmp_path, "scoped.jsonld", document), "scoped context")
    document = _document()
    document["@graph"].append(_nested(9))
    assert validate(document).claims  # a few embedded contexts are fine


def test_a_long_list_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    document = _document()
    document["@graph"].append({"@id": "ex:listy", "http://example.org/items": {"@list": list(range(100_000))}})
    _refused(cli, _write(tmp_path, "list.jsonld", document), "100000 items, over the limit of 10000")
    turtle = "<http://e/a> <http://e/items> ( " + " ".join(str(i) for i in range(10_001)) + " ) .\n"
    _refused(cli, _write(tmp_path, "list.ttl", turtle), "10001 items, over the limit of 10000")


def test_over_a_million_triples_of_n_triples_are_refused_before_parsing(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    path = tmp_path / "million.nt"
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(f"<a:{i}> <a:p> <a:{i + 1}> .\n" for i in range(1_000_001))
    _refused(cli, path, "over 1000000 triples", "--max-triples")


def test_parsing_stops_at_the_triple_limit(cli: Callable[..., Run], tmp_path: Path) -> None:
    turtle = "".join(f"<http://e/a{i}> <http://e/p> {i} .\n" for i in range(5000))
    _refused(cli, _write(tmp_path, "many.ttl", turtle), "over 1000 triples", options=("--max-triples", "1000"))
    document = {"@graph": [{"@id": f"http://e/a{i}", "http://e/p": i} for i in range(5000)]}
    _refused(cli, _write(tmp_path, "many.jsonld", document), "values", options=("--max-triples", "1000"))
    assert cli("--max-triples", "1000", CLAIM).code == 0


def test_thousands_of_undefined_terms_are_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    document = _document()
    document["@graph"][1].update({f"unknownKey{i}": "v" for i in range(1001)})
    _refused(cli, _write(tmp_path, "unknown.jsonld", document), "1001 terms its context does not define")


# The time limit: enforced by killing the worker process of the input that runs over it.

needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patched validate reaches workers only by fork"
)


def _slow(monkeypatch: pytest.MonkeyPatch, *slow: str) -> None:
    """Make validating the inputs named in ``slow`` hang (as a pathological claim would); the others are real."""

    def patched(source: Any, *, name: str | None = None, **options: Any) -> ValidationReport:
        if name in slow:
            time.sleep(600)
        return validate(source, name=name, **options)

    monkeypatch.setattr(comet_cn.batch, "validate", patched)


def _stream(names: list[str]) -> Iterator[tuple[str, Path]]:
    yield from ((name, CLAIM) for name in names)


@needs_fork
def test_an_input_over_the_time_limit_has_its_worker_killed_and_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    names = [f"claim-{i}" for i in range(6)]
    _slow(monkeypatch, "claim-1", "claim-2")  # two at once: one is killed in the pool, one when retried alone
    started = time.monotonic()
    outcomes = list(validate_many(_stream(names), jobs=2, timeout=2))
    assert time.monotonic() - started < 60
    assert [o.source for o in outcomes] == names
    for outcome in outcomes:
        if outcome.source in ("claim-1", "claim-2"):
            assert isinstance(outcome, InputFailure) and not outcome.internal
            assert outcome.message == "took longer than the limit of 2 s (--timeout); its worker was stopped"
        else:
            assert isinstance(outcome, ValidationReport) and outcome.conforms


@needs_fork
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_time_limit_on_the_command_line(
    cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
) -> None:
    slow = tmp_path / "slow.jsonld"
    slow.write_bytes(CLAIM.read_bytes())
    _slow(monkeypatch, str(slow))
    run = cli("-f", "json", "-j", jobs, "--timeout", "1.5", CLAIM, slow, CLAIM)
    assert run.code == 2
    assert [(e["source"], e["conforms"]) for e in run.json()["inputs"]] == [
        (str(CLAIM), True),
        (str(slow), None),
        (str(CLAIM), True),
    ]
    assert run.err.strip().splitlines() == [
        f"cn-validate: error: {slow}: took longer than the limit of 1.5 s (--timeout); its worker was stopped"
    ]


def test_no_time_limit_in_process_unless_asked() -> None:
    with pytest.raises(ValueError, match="positive"):
        list(validate_many([CLAIM], timeout=0))
    (outcome,) = validate_many([CLAIM], jobs=1)
    assert isinstance(outcome, ValidationReport) and outcome.conforms
