"""Guards around rdflib's SPARQL engine and pySHACL for the length of one validation or one run of the audits.

Imported only where SPARQL runs in rdflib (pySHACL, the audit queries): the fast SHACL engine needs none of it,
and importing rdflib's SPARQL engine and pySHACL is a large part of a cold start.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from pyshacl.constraints.constraint_component import ConstraintComponent
from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.plugins.sparql import aggregates, operators
from rdflib.plugins.sparql.sparql import SPARQLError, SPARQLTypeError
from rdflib.term import Node

from comet_cn.rdflib_state import exclusive

__all__ = ["engines_guarded"]

_PRECISION = 1100  # digits: a usable quantity is below 10^1000 (comet_cn.loading.usable_numbers)


class _Unbound:
    """A SPARQL aggregate that is an error, as SPARQL 1.1 says, when a value is not a number (or cannot be
    compared): the variable is left unbound. rdflib raises instead (``SUM`` of ``"abc"^^xsd:decimal`` is a
    TypeError, of an IRI an AttributeError), which cost the claim its verdict."""

    failed = False

    def update(self, row: Any, aggregator: Any) -> None:
        if not self.failed:
            try:
                super().update(row, aggregator)  # type: ignore[misc]
            except (SPARQLTypeError, TypeError, AttributeError, ArithmeticError):
                self.failed = True

    def set_value(self, bindings: Any) -> None:
        if not self.failed:
            super().set_value(bindings)  # type: ignore[misc]


class _Sum(_Unbound, aggregates.Sum):
    pass


class _Average(_Unbound, aggregates.Average):
    pass


class _Minimum(_Unbound, aggregates.Minimum):
    pass


class _Maximum(_Unbound, aggregates.Maximum):
    pass


_GUARDED_AGGREGATES: dict[str, type[aggregates.Accumulator]] = {
    "Aggregate_Sum": _Sum,
    "Aggregate_Avg": _Average,
    "Aggregate_Min": _Minimum,
    "Aggregate_Max": _Maximum,
}


def _finite_cast(expression: Any, context: Any) -> Node:
    """rdflib's xsd:decimal/xsd:double cast, except that "NaN" or "Infinity" is an error, as for any other word:
    rdflib casts them to numbers whose comparison raises (decimal.InvalidOperation) instead of being false."""
    result = operators.default_cast(expression, context)
    value = result.value if isinstance(result, Literal) else None
    if (isinstance(value, Decimal) and not value.is_finite()) or (isinstance(value, float) and value != value):
        raise SPARQLError("not a number")
    return result


_CASTS = (XSD.decimal, XSD.double, XSD.float)
_FORMAT_MESSAGE: Callable[[ConstraintComponent, Any, Any], Any] = (
    ConstraintComponent._format_sparql_based_result_message
)


def _escaped(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return None if value is None else str(value).replace("\\", "\\\\")


def _format_message(self: ConstraintComponent, message: Any, bound_vars: Any) -> Any:
    """pySHACL's {?value} substitution, with the values taken literally: it passes them to re.sub as the
    replacement, so a backslash in an IRI or a literal (``C:\\files``) raised re.error and lost the verdict."""
    if isinstance(bound_vars, (tuple, list)):
        bound_vars = [_escaped(item) for item in bound_vars]
    elif isinstance(bound_vars, dict):
        bound_vars = _escaped(bound_vars)
    return _FORMAT_MESSAGE(self, message, bound_vars)


@contextmanager
def engines_guarded() -> Iterator[None]:
    """Swap rdflib's numeric aggregates for :class:`_Unbound` ones, its numeric casts for :func:`_finite_cast` and
    pySHACL's message formatting for :func:`_format_message` for the length of one validation (or one run of the
    audit queries, or one query), under the process-wide rdflib lock, and put the originals back afterwards. Code
    that takes the lock (all of comet-cn's) never sees a change; rdflib queries of the caller's own, run in another
    thread meanwhile without the lock, do."""
    with exclusive(), decimal.localcontext() as context:
        # rdflib sums decimals in Python's default context, 28 digits: 6000 + 4500 + 1950.49999999999999999999999999
        # rounded up to 12450.5 and covered a footprint it falls short of. Exact to well past any quantity.
        context.prec = _PRECISION
        classes = aggregates.Aggregator.accumulator_classes
        saved = dict(classes)
        casts = {iri: operators._CUSTOM_FUNCTIONS.get(iri) for iri in _CASTS}
        classes.update(_GUARDED_AGGREGATES)
        for iri in _CASTS:
            operators.register_custom_function(iri, _finite_cast, override=True, raw=True)
        ConstraintComponent._format_sparql_based_result_message = _format_message  # type: ignore[method-assign]
        try:
            yield
        finally:
            ConstraintComponent._format_sparql_based_result_message = _FORMAT_MESSAGE  # type: ignore[method-assign]
            classes.clear()
            classes.update(saved)
            for iri, original in casts.items():
                if original is None:
                    operators.unregister_custom_function(iri)
                else:
                    function, raw = original
                    operators.register_custom_function(iri, function, override=True, raw=raw)
