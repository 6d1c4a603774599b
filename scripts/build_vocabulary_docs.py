#!/usr/bin/env python3
"""Regenerate docs/vocabulary/index.html (pyLODE 3.3.4) from the merged comet-cn ontology.

    pip install "comet-cn[docs]" && python scripts/build_vocabulary_docs.py

pyLODE 3.4.1's wheel is broken at import (it reads a pyproject.toml it does not ship), hence the pin.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from rdflib.namespace import OWL

from comet_cn.resources import ontology_graph

OUT = Path(__file__).resolve().parents[1] / "docs" / "vocabulary" / "index.html"


def main() -> int:
    merged = ontology_graph()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "comet-cn.ttl"
        # Imports are merged already; leaving them in would make pyLODE try to fetch them.
        graph = type(merged)()
        for triple in merged:
            if triple[1] != OWL.imports:
                graph.add(triple)
        graph.serialize(destination=str(source), format="turtle")
        subprocess.run([sys.executable, "-m", "pylode", str(source), "-o", str(OUT)], check=True)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
