#!/usr/bin/env python3
"""Regenerate the ontology documentation from the merged comet-cn ontology (the one source of truth):

- docs/vocabulary/index.html with pyLODE 3.3.4 (every class and property, with labels, definitions, clauses);
- docs/clauses.md, the ISO 14068-1 clause -> term table, built from every term's dcterms:source.

    pip install "comet-cn[docs]" && python scripts/build_vocabulary_docs.py

The output is deterministic: the same ontology gives byte-identical pages, so they can be committed and checked
for staleness (tests/test_docs.py). pyLODE 3.4.1's wheel is broken at import (it reads a pyproject.toml it does not
ship), hence the pin.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, SKOS

from comet_cn.docgen import clauses_markdown
from comet_cn.resources import ONTOLOGY_IRI, ontology_graph

ROOT = Path(__file__).resolve().parents[1]
VOCABULARY = ROOT / "docs" / "vocabulary" / "index.html"
CLAUSES = ROOT / "docs" / "clauses.md"


def documentation_graph() -> Graph:
    """The merged ontology as pyLODE should see it.

    - owl:imports are dropped: every module is merged in already, and pyLODE would try to fetch them.
    - Only the comet-cn owl:Ontology header is kept. pyLODE documents the *last* owl:Ontology or
      skos:ConceptScheme it meets, so the headers of the local COMET stand-ins and the rdf:type of our nine concept
      schemes are left out of this view (the schemes stay as named individuals; clauses.md lists their members).
    """
    merged = ontology_graph()
    main = URIRef(ONTOLOGY_IRI)
    other_headers = {s for s in merged.subjects(RDF.type, OWL.Ontology) if s != main}
    graph = Graph()
    for prefix, namespace in merged.namespaces():
        graph.bind(prefix, namespace, override=True)
    for s, p, o in merged:
        if p == OWL.imports or s in other_headers:
            continue
        if p == RDF.type and o == SKOS.ConceptScheme:
            continue
        graph.add((s, p, o))
    return graph


def build_vocabulary(destination: Path = VOCABULARY) -> None:
    from pylode import OntPub  # the docs extra: pylode==3.3.4

    # Canonical blank-node labels and sorted insertion make the input identical on every run; the fixed hash seed
    # (see main) makes pyLODE's own set iteration repeatable.
    canonical = to_canonical_graph(documentation_graph())
    graph = Graph()
    for prefix, namespace in ontology_graph().namespaces():
        graph.bind(prefix, namespace, override=True)
    for triple in sorted(canonical):
        graph.add(triple)
    html = OntPub(graph).make_html()
    destination.write_text(_sort_set_members(html), encoding="utf-8")


_CELL = re.compile(r"<td>\n(.*?)\n(\s*)</td>", re.DOTALL)
_JOIN = re.compile(r"(\n\s*<span class=\"cardinality\">(?:or|and)</span>\n)")


def _sort_set_members(html: str) -> str:
    """pyLODE lists the members of an owl:unionOf / owl:intersectionOf from a Python set of HTML elements, whose
    order changes from run to run; put them in a fixed order."""

    def sort_cell(match: re.Match[str]) -> str:
        parts = _JOIN.split(match.group(1))
        if len(parts) < 3 or "<td>" in match.group(1):
            return match.group(0)
        members, joins = parts[0::2], parts[1::2]
        if len(set(joins)) != 1:
            return match.group(0)
        body = joins[0].join(sorted(members, key=str.strip))
        return f"<td>\n{body}\n{match.group(2)}</td>"

    return _CELL.sub(sort_cell, html)


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # string hashing decides pyLODE's set order: fix it, then rerun
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        return subprocess.run([sys.executable, __file__, *sys.argv[1:]], env=env, check=False).returncode
    build_vocabulary()
    print(f"wrote {VOCABULARY.relative_to(ROOT)}")
    CLAUSES.write_text(clauses_markdown(), encoding="utf-8")
    print(f"wrote {CLAUSES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
