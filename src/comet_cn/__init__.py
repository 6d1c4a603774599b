"""comet-cn: machine-checkable ISO 14068-1:2023 carbon-neutrality claims.

The one entry point per job::

    import comet_cn
    report = comet_cn.validate(Path("claim.jsonld"))   # -> ValidationReport (a str is claim text)
    report.conforms, report.results
    result = comet_cn.query("double-counting", Path("claims/"))   # -> QueryResult

The bundled ontology, shapes and JSON-LD context are available as :func:`ontology_graph`, :func:`shapes_graph`
and :func:`context_document`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from comet_cn.errors import CometCnError, InputError
from comet_cn.loading import LoadLimits, load
from comet_cn.reasoning import Closure, reason
from comet_cn.resources import context_document, ontology_graph, shapes_graph
from comet_cn.results import Severity
from comet_cn.rules import Rule, rule_catalogue
from comet_cn.validation import RuleParameters, ValidationReport, ValidationResult, validate

if TYPE_CHECKING:
    from comet_cn.audits import run_audits
    from comet_cn.queries import QueryResult, list_queries, query

# The audits and queries are loaded on first use (PEP 562): they bring rdflib's SPARQL engine, which validating a
# claim does not need and which is a large part of a cold start.
_LAZY = {
    "run_audits": "comet_cn.audits",
    "QueryResult": "comet_cn.queries",
    "list_queries": "comet_cn.queries",
    "query": "comet_cn.queries",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'comet_cn' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


try:
    __version__ = version("comet-cn")
except PackageNotFoundError:  # running from a checkout without installation
    __version__ = "0.0.0+unknown"

__all__ = [
    "Closure",
    "CometCnError",
    "InputError",
    "LoadLimits",
    "QueryResult",
    "Rule",
    "RuleParameters",
    "Severity",
    "ValidationReport",
    "ValidationResult",
    "__version__",
    "context_document",
    "list_queries",
    "load",
    "ontology_graph",
    "query",
    "reason",
    "rule_catalogue",
    "run_audits",
    "shapes_graph",
    "validate",
]
