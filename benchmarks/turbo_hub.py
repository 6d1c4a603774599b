#!/usr/bin/env python3
"""Why pyshacl-turbo is not linear in a claim's credits: a minimal reproduction, printed as ratios.

A claim names every credit it retires from one node (``claim comet-cn:retiresCredit credit``), so a claim with
10,000 credits has one subject with 10,000 values of one property. This script times one SHACL Core shape in
pyshacl-turbo on graphs of N and 4N credits, in two layouts of the same number of triples:

- ``hub``: one subject holds every ``has`` value (a claim's layout);
- ``spread``: each credit has its own subject holding its one ``has`` value.

Each time is net of a shape that targets nothing (the engine reading the graph), and the shapes are the three ways
our shapes meet the hub: the credits as the objects of ``has``, the claim as the subject of ``has``, and the
claim's ``has`` values with ``sh:class``. A linear engine gives about 4× in every cell; pySHACL gives about 4×.

    python benchmarks/turbo_hub.py            # N = 2,000
    python benchmarks/turbo_hub.py --size 500 # a shorter run
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef

PREFIX = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
SHAPES = {
    "objects of the hub": "<urn:s> a sh:NodeShape ; sh:targetObjectsOf <urn:has> ; "
    "sh:property [ sh:path <urn:kind> ; sh:minCount 1 ] .",
    "the hub's values": "<urn:s> a sh:NodeShape ; sh:targetSubjectsOf <urn:has> ; "
    "sh:property [ sh:path <urn:has> ; sh:minCount 1 ] .",
    "sh:class on the values": "<urn:s> a sh:NodeShape ; sh:targetSubjectsOf <urn:has> ; "
    "sh:property [ sh:path <urn:has> ; sh:class <urn:Credit> ] .",
}
NOTHING = "<urn:s> a sh:NodeShape ; sh:targetNode <urn:nothing> ; sh:nodeKind sh:IRI ."


def _graph(credits: int, layout: str) -> Graph:
    graph = Graph()
    for i in range(credits):
        credit = URIRef(f"urn:credit{i}")
        graph.add((credit, RDF.type, URIRef("urn:Credit")))
        graph.add((credit, URIRef("urn:kind"), URIRef("urn:Removal")))
        for k in range(30):  # about a generated credit's triples
            graph.add((credit, URIRef(f"urn:p{k}"), Literal(f"{i}-{k}")))
        holder = URIRef("urn:claim") if layout == "hub" else URIRef(f"urn:claim{i}")
        graph.add((holder, URIRef("urn:has"), credit))
    return graph


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2_000, help="N credits; the large graph has 4N")
    args = parser.parse_args()
    import pyshacl_turbo

    def compiled(text: str) -> Any:
        return pyshacl_turbo.compile_shapes(Graph().parse(data=PREFIX + text, format="turtle"))  # type: ignore[no-untyped-call]

    nothing = compiled(NOTHING)
    shapes = {name: compiled(text) for name, text in SHAPES.items()}
    print(f"pyshacl-turbo {pyshacl_turbo.__version__ if hasattr(pyshacl_turbo, '__version__') else ''}".strip())
    print(f"| shape | layout | {args.size} credits | {4 * args.size} credits | ratio (linear ≈ 4×) |")
    print("|---|---|---|---|---|")
    for layout in ("spread", "hub"):
        graphs = [_graph(n, layout) for n in (args.size, 4 * args.size)]
        base = [_best(partial(nothing.validate, g)) for g in graphs]
        for name, shape in shapes.items():
            net = [max(_best(partial(shape.validate, g)) - b, 1e-4) for g, b in zip(graphs, base, strict=True)]
            print(f"| {name} | {layout} | {net[0]:.3f} s | {net[1]:.3f} s | {net[1] / net[0]:.1f}× |", flush=True)


if __name__ == "__main__":
    main()
