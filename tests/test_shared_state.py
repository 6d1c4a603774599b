"""Nothing shared is mutable from outside: the bundled graphs are read-only, so one caller cannot change the
verdicts every later caller gets (a single added triple once made the owlrl engine fail the conforming example)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF

import comet_cn
from comet_cn.resources import ontology_graph, shapes_graph
from tests.conftest import EXAMPLES, Run

CLAIM = URIRef("https://comet.carbon/ext/iso14068#CarbonNeutralityClaim")


@pytest.mark.parametrize("bundled", [ontology_graph, shapes_graph], ids=["ontology", "shapes"])
def test_bundled_graphs_refuse_changes(bundled: object) -> None:
    graph = bundled()  # type: ignore[operator]
    size = len(graph)
    with pytest.raises(TypeError, match="read-only"):
        graph.add((CLAIM, OWL.disjointWith, URIRef("https://comet.carbon/ext/iso14068#CarbonNeutralityReport")))
    with pytest.raises(TypeError, match="read-only"):
        graph.remove((None, RDF.type, None))
    with pytest.raises(TypeError, match="read-only"):
        graph.parse(data="<urn:a> <urn:b> <urn:c> .", format="nt")
    assert len(graph) == size


def test_a_copy_can_be_changed_and_verdicts_stay() -> None:
    copy = comet_cn.ontology_graph() + comet_cn.ontology_graph()  # a new, writable graph
    copy.add((CLAIM, RDF.type, Literal("changed")))
    for engine in ("auto", "owlrl"):
        assert comet_cn.validate(EXAMPLES / "conforming-claim.jsonld", engine=engine).conforms  # type: ignore[arg-type]


def test_the_read_only_shapes_still_work_in_plain_pyshacl() -> None:
    """Bundlers pass comet_cn.shapes_graph() to pySHACL, which re-asserts two RDFS facts: that is no change."""
    import pyshacl

    data = comet_cn.load(EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld")
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="rdfs")
    assert conforms is False


def test_running_the_command_in_process_leaves_logging_and_warnings_as_they_were(
    cli: Callable[..., Run],
) -> None:
    import logging
    import warnings

    rdflib_logger = logging.getLogger("rdflib")
    before = (rdflib_logger.level, list(warnings.filters))
    assert cli(EXAMPLES / "conforming-claim.jsonld").code == 0
    assert (rdflib_logger.level, list(warnings.filters)) == before


def test_closing_the_ontology_leaves_rdflibs_literal_converters_as_they_were() -> None:
    """owlrl registers converters of its own (one refuses a zoned year, "2022Z") and left them in place, so a
    claim's verdict depended on whether the ontology had been closed earlier in the process (red team)."""
    from rdflib.term import _toPythonMapping

    from comet_cn import reasoning
    from comet_cn.resources import ontology_graph

    before = dict(_toPythonMapping)
    reasoning._compile(ontology_graph(), "owlrl")
    assert dict(_toPythonMapping) == before


def test_a_caller_running_owlrl_first_does_not_make_zoned_years_ill_typed() -> None:
    """pySHACL with ``inference="owlrl"`` run by the caller leaves owlrl's xsd:gYear converter in rdflib, which
    refuses "2022Z"; a valid zoned vintage then read as ill-typed, a false violation that depended on what the
    process had done before. The caller's converters are theirs again afterwards."""
    import json

    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import XSD
    from rdflib.term import XSDToPython, _toPythonMapping

    data = Graph().parse(data='<urn:a> <urn:b> "2022"^^<http://www.w3.org/2001/XMLSchema#gYear> .', format="nt")
    pyshacl.validate(data, inference="owlrl")
    try:
        assert XSD.gYear in _toPythonMapping  # what owlrl leaves behind, the situation under test
        left = dict(_toPythonMapping)
        document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
        text = json.dumps(document).replace('"vintageEndYear": "2022"', '"vintageEndYear": "2022Z"')
        assert '"2022Z"' in text
        for engine in ("auto", "owlrl"):
            report = comet_cn.validate(json.loads(text), engine=engine)  # type: ignore[arg-type]
            assert report.conforms, [finding.message for finding in report.results]
        assert dict(_toPythonMapping) == left
    finally:  # rdflib's own table again, for the tests after this one
        _toPythonMapping.clear()
        _toPythonMapping.update(XSDToPython)


def test_a_graph_the_caller_made_after_running_owlrl_is_judged_as_a_file_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a literal is well typed is fixed when it is made: a caller who ran owlrl, then parsed a claim with
    rdflib and passed the Graph, had "2022Z" judged ill-typed (a false CN-VINT-01) although the same claim read from
    a file conformed (red team 24)."""
    from owlrl.DatatypeHandling import AltXSDToPYTHON
    from rdflib import Graph
    from rdflib.namespace import XSD
    from rdflib.term import _toPythonMapping

    turtle = comet_cn.load(EXAMPLES / "conforming-claim.jsonld").serialize(format="nt")
    zoned = turtle.replace(
        '"2022"^^<http://www.w3.org/2001/XMLSchema#gYear>', '"2022Z"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    )
    assert zoned != turtle
    monkeypatch.setitem(_toPythonMapping, XSD.gYear, AltXSDToPYTHON[XSD.gYear])  # as owlrl leaves it
    graph = Graph().parse(data=zoned, format="nt")
    assert any(getattr(o, "ill_typed", False) for o in graph.objects())  # the caller's literal, judged by owlrl's
    report = comet_cn.validate(graph)
    assert report.conforms, [finding.message for finding in report.results]
