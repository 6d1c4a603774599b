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

from comet_cn.audits import run_audits
from comet_cn.errors import CometCnError, InputError
from comet_cn.loading import LoadLimits, load
from comet_cn.queries import QueryResult, list_queries, query
from comet_cn.reasoning import Closure, reason
from comet_cn.resources import context_document, ontology_graph, shapes_graph
from comet_cn.results import Severity
from comet_cn.rules import Rule, rule_catalogue
from comet_cn.validation import RuleParameters, ValidationReport, ValidationResult, validate

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
