"""The project's namespaces, spelt once: every module names comet-cn terms through these."""

from __future__ import annotations

from rdflib import Namespace

__all__ = ["CN", "CNSH", "COMET", "IMPORTED", "SCHEMA"]

#: The comet-cn vocabulary: ISO 14068-1's classes and properties (ontology/comet-cn.ttl).
CN = Namespace("https://comet.carbon/ext/iso14068#")
#: The shapes' own terms: rule ids, clauses, fix hints, run parameters.
CNSH = Namespace("https://comet.carbon/ext/iso14068/shapes#")
#: The public COMET core vocabulary that comet-cn extends.
COMET = Namespace("https://comet.carbon/v1/core#")
#: schema.org, whose domainIncludes and rangeIncludes the ontology uses for its properties' holders and values.
SCHEMA = Namespace("http://schema.org/")
#: Where every IRI cn-import writes starts (outside the comet namespaces, which hold only ontology terms); each such
#: node keeps its export's file and row as dcterms:source.
IMPORTED = "urn:comet-cn:import:"
