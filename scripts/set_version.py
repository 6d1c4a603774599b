#!/usr/bin/env python3
"""Set the one version number everywhere it is written: ``python scripts/set_version.py 0.3.0``.

pyproject.toml holds the version; the package reads it from there (comet_cn.resources.VERSION). Data files cannot
read it, so this rewrites them: every ontology module's owl:versionInfo and versionIRI, the Protégé catalog and the
Jena location mapping, the shapes graph's owl:versionInfo and the ontology licence's attribution line.
tests/test_project.py fails when any of them disagrees with pyproject.toml.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def current() -> str:
    match = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), flags=re.M)
    if match is None:
        raise SystemExit("pyproject.toml has no version")
    return match.group(1)


def files() -> list[Path]:
    ontology = ROOT / "ontology"
    return [
        ROOT / "pyproject.toml",
        ROOT / "LICENSE-ontology",
        ROOT / "shapes" / "00-declarations.ttl",
        ontology / "catalog-v001.xml",
        ontology / "location-mapping.ttl",
        *sorted(ontology.glob("*.ttl")),
        *sorted((ontology / "imports").glob("*.ttl")),
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", argv[0]):
        print("usage: python scripts/set_version.py MAJOR.MINOR.PATCH", file=sys.stderr)
        return 2
    old, new = current(), argv[0]
    # Only version-shaped places change: "old" as a whole version, in an IRI path segment or a quoted literal.
    pattern = re.compile(rf'(?<=[/"\s]){re.escape(old)}(?=(-local)?[>"/\s,])')
    for path in dict.fromkeys(files()):
        text = path.read_text(encoding="utf-8")
        updated = pattern.sub(new, text)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            print(f"{path.relative_to(ROOT)}: {old} -> {new}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
