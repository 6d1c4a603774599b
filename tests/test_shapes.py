"""Our shapes are valid SHACL, and every shape a user can meet explains itself."""

from __future__ import annotations

import re

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, SH

from comet_cn.resources import shapes_files, shapes_graph
from comet_cn.rules import CNSH, PILLARS, rule_catalogue


def test_shapes_pass_meta_shacl() -> None:
    shapes = Graph() + shapes_graph()  # pySHACL adds system triples to the graph it is given; ours is read-only
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True, allow_warnings=True)
    assert conforms, text


def _node_shapes(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(CNSH.ruleId, None) if isinstance(s, URIRef)}


@pytest.mark.parametrize(
    "predicate",
    [CNSH.ruleId, DCTERMS.source, SH.severity, SH.name, SH.description, SH.message, CNSH.fixHint, CNSH.pillar],
)
def test_every_rule_shape_is_fully_annotated(predicate: URIRef) -> None:
    graph = shapes_graph()
    shapes = _node_shapes(graph)
    assert len(shapes) >= 35
    assert [str(s) for s in shapes if graph.value(s, predicate) is None] == []


def test_every_constraint_message_opens_with_its_rule_id() -> None:
    graph = shapes_graph()
    for shape in _node_shapes(graph):
        rule = str(graph.value(shape, CNSH.ruleId))
        parts = [*graph.objects(shape, SH.property), *graph.objects(shape, SH.sparql)]
        messages = [str(m) for part in [shape, *parts] for m in graph.objects(part, SH.message)]
        assert messages and all(m.startswith(rule) for m in messages), shape


def test_rule_catalogue_is_consistent() -> None:
    rules = rule_catalogue()
    ids = [rule.rule_id for rule in rules]
    assert len(ids) == len(set(ids)) >= 30
    for rule in rules:
        assert rule.pillar in PILLARS and rule.clause and rule.hint and rule.name
        assert rule.severity in ("Violation", "Warning")
        if rule.severity == "Warning":
            assert "should" in " ".join(rule.messages)


def test_shapes_are_core_and_sparql_only() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in shapes_files())
    for advanced in (r"sh:rule\b", r"sh:SPARQLTarget", r"sh:js", r"sh:target\s", r"\bdash:"):
        assert not re.search(r"(?<![\w-])" + advanced, text), advanced
    assert "VALUES" not in text  # forbidden in SHACL-SPARQL constraints (pre-binding)


def _mixed_chains(node: object) -> list[list[str]]:
    """Additive or multiplicative chains where a ``-`` or ``/`` is followed by another operator (``a - b + c``)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list[list[str]] = []
    if isinstance(node, CompValue):
        if node.name in ("AdditiveExpression", "MultiplicativeExpression"):
            ops = list(node.get("op") or [])
            if len(ops) > 1 and any(op in ("-", "/") for op in ops[:-1]):
                found.append(ops)
        children: list[object] = list(node.values())
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        children = list(node)  # type: ignore[call-overload]
    else:
        children = []
    for child in children:
        found.extend(_mixed_chains(child))
    return found


def test_shape_arithmetic_is_parenthesised_so_every_engine_groups_it_alike() -> None:
    """SPARQL groups ``a - b + c`` from the left; pyshacl-turbo 0.6 was seen grouping it from the right, which moved
    CN-RET-01's deadline. Mixed chains are written with parentheses so no engine can read them differently."""
    from rdflib.plugins.sparql.parser import parseQuery

    graph = shapes_graph()
    header = "".join(
        f"PREFIX {graph.value(d, SH.prefix)}: <{graph.value(d, SH.namespace)}>\n"
        for d in graph.objects(None, SH.declare)
    )
    checked = 0
    for shape, text in graph.subject_objects(SH.select):
        assert not _mixed_chains(parseQuery(header + str(text))), f"unparenthesised arithmetic in {shape}"
        checked += 1
    assert checked > 10
    assert _mixed_chains(parseQuery("SELECT ?x WHERE { BIND (1 - 2 + 3 AS ?x) }"))
    assert not _mixed_chains(parseQuery("SELECT ?x WHERE { BIND ((1 - 2) + 3 AS ?x) }"))
