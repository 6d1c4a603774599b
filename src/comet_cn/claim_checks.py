"""Rules checked in Python on each claim (the catalogue's ``cnsh:EngineRule`` entries in shapes/engine-rules.ttl).

These are the checks SHACL cannot express well: that there is a claim at all (CN-INPUT-01), that every term is
known (CN-INPUT-02), and that credit units, read from serial ranges, are counted once (CN-UNITS-01..03).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from comet_cn.loading import PLAIN_DECIMAL, Loaded
from comet_cn.reasoning import Closure
from comet_cn.resources import ontology_graph
from comet_cn.results import Severity, ValidationResult, finding
from comet_cn.serials import SerialRange, credit_range, find_overlaps, icr_serialization
from comet_cn.terms import compact, defined_terms, describe, unknown_iris

__all__ = ["UnknownTermsMode", "claims_in", "credit_ranges", "engine_findings", "normalised_serial"]

UnknownTermsMode = Literal["error", "warning"]

CN = Namespace("https://comet.carbon/ext/iso14068#")


def claims_in(graph: Graph) -> tuple[Node, ...]:
    """The claims in ``graph`` (after reasoning, so bridged COMET and ISO-side types count), in a stable order."""
    return tuple(sorted(set(graph.subjects(RDF.type, CN.CarbonNeutralityClaim)), key=str))


def engine_findings(
    loaded: Loaded,
    closure: Closure,
    claims: tuple[Node, ...],
    *,
    source: str | None,
    unknown_terms: UnknownTermsMode = "error",
) -> list[ValidationResult]:
    """Every finding of the engine rules on one input."""
    if unknown_terms not in ("error", "warning"):
        raise ValueError("unknown_terms must be 'error' or 'warning'")
    found = list(_no_claim(loaded.graph, claims, closure.mode, source))
    severity = Severity.VIOLATION if unknown_terms == "error" else Severity.WARNING
    found.extend(_unknown_terms(loaded, source, severity))
    found.extend(_units(closure.graph, claims, source))
    return found


# ---- CN-INPUT-01 ----


def _no_claim(data: Graph, claims: tuple[Node, ...], mode: str, source: str | None) -> Iterator[ValidationResult]:
    if claims:
        return
    types = sorted({compact(str(t)) for t in data.objects(None, RDF.type) if isinstance(t, URIRef)})
    if not len(data):
        contents = "it holds no data in terms of the comet-cn vocabulary (it is empty, or uses only unknown terms)"
    elif not types:
        contents = f"it has {len(data)} triple(s) but no typed node"
    else:
        shown = ", ".join(types[:12]) + (f" and {len(types) - 12} more" if len(types) > 12 else "")
        contents = f"it contains nodes of type {shown}"
    bridge = " (reasoning is off, so COMET and ISO-side types are not bridged)" if mode == "none" else ""
    yield finding(
        "CN-INPUT-01",
        focus_node=source or "<input>",
        message=f"the input holds no comet-cn:CarbonNeutralityClaim{bridge}, so there is no claim to check; "
        f"{contents}.",
        source=source,
    )


# ---- CN-INPUT-02 ----


@lru_cache(maxsize=1)
def _defined() -> frozenset[str]:
    return defined_terms(ontology_graph())


def _unknown_terms(loaded: Loaded, source: str | None, severity: Severity) -> Iterator[ValidationResult]:
    for term in (*loaded.unknown_terms, *unknown_iris(loaded.graph, _defined())):
        yield finding(
            "CN-INPUT-02",
            focus_node=term.node,
            message=term.message(),
            value=term.term,
            path=term.where[0] if term.where else None,
            source=source,
            severity=severity,
        )


# ---- CN-UNITS-01..03 ----


def credit_ranges(graph: Graph, credit: Node) -> tuple[SerialRange | None, str | None]:
    """The unit range of a credit block (stated explicitly, else read from its serial) and its serial text."""
    return credit_range(
        graph.value(credit, CN.serialNumber),
        graph.value(credit, CN.issuanceBlock),
        graph.value(credit, CN.firstUnit),
        graph.value(credit, CN.lastUnit),
    )


def normalised_serial(serial: str) -> str:
    """A serial as registries compare it: white space removed, upper case."""
    return "".join(serial.split()).upper()


def _units(graph: Graph, claims: tuple[Node, ...], source: str | None) -> Iterator[ValidationResult]:
    for claim in claims:
        events = sorted(set(graph.objects(claim, CN.hasOffsettingEvent)), key=str)
        retired_by: dict[Node, list[Node]] = defaultdict(list)
        for event in events:
            for credit in set(graph.objects(event, CN.retiresCredit)):
                retired_by[credit].append(event)
        ranged: list[tuple[Node, SerialRange]] = []
        by_text: dict[str, list[Node]] = defaultdict(list)
        serials: dict[Node, str] = {}
        for credit in sorted(retired_by, key=str):
            name = describe(graph, credit)
            if len(retired_by[credit]) > 1:
                names = " and ".join(describe(graph, e) for e in sorted(retired_by[credit], key=str))
                yield finding(
                    "CN-UNITS-01",
                    focus_node=name,
                    message=f"the credit block {name} is retired by {len(retired_by[credit])} offsetting events of "
                    f"the claim ({names}), so its units would count more than once.",
                    path=str(CN.retiresCredit),
                    source=source,
                )
            span, serial = credit_ranges(graph, credit)
            if serial is not None:
                serials[credit] = serial
            if span is not None:
                ranged.append((credit, span))
                yield from _tonnes(graph, credit, span, source)
            elif serial is not None:
                # An ICR serialization names a batch, not units: two retirements from one batch share it, so it
                # cannot show a double count (the importer tells them apart by retirement id).
                if icr_serialization(serial) is None:
                    by_text[normalised_serial(serial)].append(credit)
                yield finding(
                    "CN-UNITS-03",
                    focus_node=name,
                    message=f"the serial number {serial!r} is in no format comet-cn reads, so it is compared only "
                    "as a whole string; its unit range should be stated with issuanceBlock, firstUnit and lastUnit.",
                    path=str(CN.serialNumber),
                    value=serial,
                    source=source,
                    severity=Severity.WARNING,
                )
        for text, credits in sorted(by_text.items()):
            for other in credits[1:]:
                yield finding(
                    "CN-UNITS-01",
                    focus_node=describe(graph, other),
                    message=f"the serial number {text!r} is carried by {describe(graph, credits[0])} and "
                    f"{describe(graph, other)}, so the same units would count twice.",
                    path=str(CN.serialNumber),
                    value=text,
                    source=source,
                )
        for first, second, (low, high) in find_overlaps(ranged):
            span = dict(ranged)[first]
            units = f"unit {low}" if low == high else f"units {low}-{high}"
            yield finding(
                "CN-UNITS-01",
                focus_node=describe(graph, second),
                message=f"{units} of issuance block {span.block} are retired by both {describe(graph, first)} "
                f"(serial {serials.get(first, '?')}) and {describe(graph, second)} "
                f"(serial {serials.get(second, '?')}), so they would count twice.",
                path=str(CN.serialNumber),
                value=serials.get(second),
                source=source,
            )


def _tonnes(graph: Graph, credit: Node, span: SerialRange, source: str | None) -> Iterator[ValidationResult]:
    stated = graph.value(credit, CN.tonnesCO2e)
    if stated is None or not PLAIN_DECIMAL.fullmatch(str(stated)):
        return  # a missing or ill-formed quantity is CN-BAL-01's finding
    if Decimal(str(stated)) != span.units:
        yield finding(
            "CN-UNITS-02",
            focus_node=describe(graph, credit),
            message=f"the credit block's serial range has {span.units} unit(s) (one tonne each) but it states "
            f"{stated} t CO2e.",
            path=str(CN.tonnesCO2e),
            value=str(stated),
            source=source,
        )
