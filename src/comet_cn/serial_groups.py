"""The rows of the ``double-counting`` query, grouped in bounded memory for the cross-claim audit.

``queries/double-counting.rq`` groups every retirement by its serial and counts distinct events, claims, entities
and credit blocks per serial. A SPARQL engine holds every group in memory at once (Oxigraph: about 1.6 GiB for
a million retirements). The audit instead reads the retirements ungrouped, as a stream, and groups them in Python
up to ``overlap_spill.IN_MEMORY`` retirements, or beyond that in a temporary SQLite file, which sorts on disk.

Serials are compared whole as :func:`comet_cn.serials.whole_serial_key` folds them (white space, invisible format
characters, dash variants, case, NFKC). The query folds all of that but NFKC, which SPARQL cannot do, so it alone
keeps a full-width or other compatibility form apart. Otherwise :func:`double_counting_rows` gives the query's
rows, value for value (tests/test_serial_groups.py compares them on rdflib and Oxigraph, in memory and spilled);
``cn-query double-counting`` still runs the query itself.

CN-AUDIT-DOUBLE-01 reads :func:`retirement_groups`, which count as the query does but name a blank node by where
it hangs, since a blank node has no name another input can repeat: a blank credit block by its offsetting event (two
blocks with one serial under one event are one block given twice), a blank offsetting event by its claim, a blank
beneficiary by its event and a blank claimant by its claim. So the same claim given twice (its JSON-LD and its
Turtle conversion, each read with blank nodes of its own) is counted once. Within one input, a serial listed twice
under one event or one claim is CN-UNITS-01's finding. The groups also name the first claims and events.

A claim and its reissue given together (the newer one ``dcterms:replaces`` or ``prov:wasRevisionOf`` the older, for
the same subject and the same reporting period dates) are one claim stated twice: a retirement of the older claim
that a newer one of its line restates (the same serial) is not counted again (:func:`reissue_lineage`). Anything
else of the older claim still counts, so a credit it shares with a third claim is reported.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from comet_cn import overlap_spill
from comet_cn.namespaces import CN
from comet_cn.periods import one_period
from comet_cn.serials import icr_serialization, whole_serial_key
from comet_cn.store import Backend, GraphBackend

__all__ = ["NAMED", "double_counting_rows", "reissue_lineage", "retirement_groups"]

#: How many claims and offsetting events a CN-AUDIT-DOUBLE-01 finding names (the smallest names); counts give the rest.
NAMED = 3

# The query's pattern without its grouping: one row per (event, credit) retirement; the query's ?entity is
# COALESCE(?beneficiary, ?claimant).
_RETIREMENTS = """PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>
SELECT ?raw ?event ?claim ?beneficiary ?claimant ?credit WHERE {
    ?event comet-cn:retiresCredit ?credit .
    ?credit comet-cn:serialNumber ?raw .
    OPTIONAL {
        ?claim comet-cn:hasOffsettingEvent ?event .
        OPTIONAL { ?claim comet-cn:claimedBy ?claimant . }
    }
    OPTIONAL { ?event comet-cn:retiredOnBehalfOf ?beneficiary . }
}"""

_COLUMNS = ("raw", "event", "claim", "beneficiary", "claimant", "credit")

# (serial, event, claim, entity, credit) keys, then the names of the claim and the event (None where unbound).
_Retirement = tuple[str, str | None, str | None, str | None, str | None, str | None, str | None]
_Group = tuple[str, int, int, int, int]


# Pairs of claims where the newer replaces the older, with the days each one's periods start and end on.
_REISSUES = """PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?new ?old ?claim ?start ?end WHERE {
    VALUES ?replaces { dcterms:replaces prov:wasRevisionOf }
    ?new ?replaces ?old ;
        rdf:type comet-cn:CarbonNeutralityClaim ;
        comet-cn:hasSubject ?subject .
    ?old rdf:type comet-cn:CarbonNeutralityClaim ;
        comet-cn:hasSubject ?subject .
    FILTER (?new != ?old)
    VALUES ?side { 0 1 }
    BIND (IF(?side = 0, ?new, ?old) AS ?claim)
    OPTIONAL {
        ?claim comet-cn:hasReportingPeriod ?period .
        OPTIONAL { ?period comet-cn:reportingPeriodStart ?start . }
        OPTIONAL { ?period comet-cn:reportingPeriodEnd ?end . }
    }
}"""


def reissue_lineage(graph: Graph | Backend) -> dict[Node, frozenset[Node]]:
    """Each claim that another claim given together reissues, with every newer claim of its line.

    A reissue replaces (``dcterms:replaces``) or revises (``prov:wasRevisionOf``) the older claim, names the same
    subject and states the same reporting period days (the first ten characters of each start and end): a claim
    that "replaces" one for another period, or states no period, is not its reissue, and what they share is
    reported as any two claims' would be. Chains are followed: a claim's line holds its reissue's reissues too.
    """
    backend = GraphBackend(graph) if isinstance(graph, Graph) else graph
    selection = backend.select(_REISSUES)
    at = [selection.columns.index(c) for c in ("new", "old", "claim", "start", "end")]
    periods: dict[tuple[Node, Node], dict[Node, set[tuple[str | None, str | None]]]] = {}
    for row in selection.rows:
        new, old, claim, start, end = (row[i] for i in at)
        if new is None or old is None or claim is None:
            continue
        days = periods.setdefault((new, old), {new: set(), old: set()})
        days[claim].add((None if start is None else str(start)[:10], None if end is None else str(end)[:10]))
    newer: dict[Node, set[Node]] = {}
    for (new, old), days in periods.items():
        if _same_periods(days[new], days[old]):
            newer.setdefault(old, set()).add(new)
    # The transitive closure: a few claims a line, so a fixed point is cheap.
    changed = True
    while changed:
        changed = False
        for line in newer.values():
            more = set().union(*(newer.get(claim, set()) for claim in line)) - line
            if more:
                line |= more
                changed = True
    # A claim its own line reaches (A replaces B and B replaces A) has no newer claim: neither is the reissue, so a
    # cycle exempts nothing, and a credit both and a third claim use is still reported.
    return {old: frozenset(line) for old, line in newer.items() if old not in line}


def _same_periods(first: set[tuple[str | None, str | None]], second: set[tuple[str | None, str | None]]) -> bool:
    """Whether two claims state the same reporting period: the same days, or, as CN-AUDIT-ID-05 reads one period,
    one period each with the same first day and last days a day apart (one written with the day after it as its
    end)."""
    if not first or not second or any(None in day for day in (*first, *second)):
        return False
    if first == second:
        return True
    if len(first) != 1 or len(second) != 1:
        return False
    ((start_a, end_a),), ((start_b, end_b),) = first, second
    return one_period(start_a, end_a, start_b, end_b)


def _key(term: Node | None) -> str | None:
    # Distinct RDF terms give distinct keys (n3 names the kind, the datatype and the language).
    return None if term is None else term.n3()


def _rows(graph: Graph | Backend) -> Iterator[tuple[str, tuple[Node | None, ...]]]:
    backend = GraphBackend(graph) if isinstance(graph, Graph) else graph
    selection = backend.select(_RETIREMENTS)
    at = [selection.columns.index(c) for c in _COLUMNS]
    for row in selection.rows:
        raw, *nodes = (row[i] for i in at)
        if raw is None:
            continue
        serial = whole_serial_key(str(raw))
        if serial:
            yield serial, tuple(nodes)


def _as_queried(graph: Graph | Backend) -> Iterator[_Retirement]:
    for serial, (event, claim, beneficiary, claimant, credit) in _rows(graph):
        entity = beneficiary if beneficiary is not None else claimant
        yield serial, _key(event), _key(claim), _key(entity), _key(credit), None, None


def _anchored(node: Node | None, anchor: str | None, role: str) -> str | None:
    # A blank node hanging from a named one is keyed by it: " {role}" holds a space, which no n3 key of an IRI or
    # blank node holds, so such a key never equals a node's.
    if isinstance(node, BNode) and anchor is not None:
        return f"{anchor} {role}"
    return _key(node)


def _named(node: Node | None, holder: str | None = None) -> str | None:
    # As comet_cn.terms.describe names a blank node: by how a named node reaches it.
    if node is None:
        return None
    if not isinstance(node, BNode):
        return str(node)
    return f"[{CN.hasOffsettingEvent} of {holder}]" if holder is not None else "[blank node]"


def _as_audited(graph: Graph | Backend) -> Iterator[_Retirement]:
    lineage = reissue_lineage(graph)
    # What the newer claims of a line retire, by serial: read in a first pass only when a set holds a reissue.
    newer = set().union(*lineage.values()) if lineage else set()
    restated = {(claim, serial) for serial, (_, claim, *_) in _rows(graph) if claim in newer} if newer else set()
    for serial, (event, claim, beneficiary, claimant, credit) in _rows(graph):
        if claim in lineage and any((line, serial) in restated for line in lineage[claim]):
            continue  # the older claim's retirement, restated by its reissue: one retirement, not two
        claim_key = _key(claim)
        event_key = _anchored(event, claim_key, "event")
        if beneficiary is not None:
            entity = _anchored(beneficiary, event_key, "beneficiary")
        else:
            entity = _anchored(claimant, claim_key, "claimant")
        credit_key = _anchored(credit, event_key, "credit")
        event_name = _named(event, str(claim) if isinstance(claim, URIRef) else None)
        if icr_serialization(serial) is not None:
            # An ICR serialization names a project-vintage class of units, not units: two retirements of one
            # class are two purchases, and the retirement (its credit node; the importer names it by the
            # registry's retirement id) is what may not be used twice.
            serial = f"{serial} (retirement {credit if isinstance(credit, URIRef) else credit_key})"
        yield serial, event_key, claim_key, entity, credit_key, _named(claim), event_name


def double_counting_rows(graph: Graph | Backend) -> list[dict[str, object]]:
    """The rows of the ``double-counting`` query (serial, events, claims, entities, blocks), ordered by serial."""
    return [row for row, _ in _grouped(_as_queried(graph))]


def retirement_groups(graph: Graph | Backend) -> list[dict[str, object]]:
    """CN-AUDIT-DOUBLE-01's rows: the query's columns, counted with blank nodes named by where they hang, and
    ``claim_names`` and ``event_names``: the :data:`NAMED` smallest names of its claims and offsetting events."""
    return [
        {**row, "claim_names": claims, "event_names": events} for row, (claims, events) in _grouped(_as_audited(graph))
    ]


_Names = tuple[tuple[str, ...], tuple[str, ...]]


def _grouped(stream: Iterator[_Retirement]) -> list[tuple[dict[str, object], _Names]]:
    limit = overlap_spill.IN_MEMORY
    head = list(itertools.islice(stream, limit + 1))
    if len(head) <= limit:
        groups = _grouped_in_memory(head)
    else:
        with tempfile.TemporaryDirectory(prefix="comet-cn-serials-") as folder:
            groups = list(_grouped_on_disk(itertools.chain(head, stream), Path(folder) / "serials.sqlite"))
    return [
        ({"serial": serial, "events": events, "claims": claims, "entities": entities, "blocks": blocks}, names)
        for (serial, events, claims, entities, blocks), names in groups
        if max(events, claims, entities, blocks) > 1
    ]


def _grouped_in_memory(retirements: Iterable[_Retirement]) -> list[tuple[_Group, _Names]]:
    seen: dict[str, tuple[set[str], ...]] = {}
    for serial, *nodes in retirements:
        sets = seen.setdefault(serial, (set(), set(), set(), set(), set(), set()))
        for values, node in zip(sets, nodes, strict=True):
            if node is not None:
                values.add(node)
    groups = []
    for serial in sorted(seen):
        events, claims, entities, blocks, claim_names, event_names = seen[serial]
        names = (tuple(sorted(claim_names)[:NAMED]), tuple(sorted(event_names)[:NAMED]))
        groups.append(((serial, len(events), len(claims), len(entities), len(blocks)), names))
    return groups


def _grouped_on_disk(retirements: Iterable[_Retirement], path: Path) -> Iterator[tuple[_Group, _Names]]:
    connection = overlap_spill.scratch_database(
        path,
        "retirements (serial TEXT, event TEXT, claim TEXT, entity TEXT, credit TEXT, claim_name TEXT, event_name TEXT)",
    )
    try:
        iterator = iter(retirements)
        while chunk := list(itertools.islice(iterator, 50_000)):
            connection.executemany("INSERT INTO retirements VALUES (?, ?, ?, ?, ?, ?, ?)", chunk)
        connection.commit()
        # COUNT(DISTINCT x) skips NULL, as SPARQL's COUNT(DISTINCT ?x) skips unbound values. Python sorts the
        # serials afterwards, by code point, as the in-memory grouping does.
        groups = sorted(
            connection.execute(
                "SELECT serial, COUNT(DISTINCT event), COUNT(DISTINCT claim), COUNT(DISTINCT entity), "
                "COUNT(DISTINCT credit) FROM retirements GROUP BY serial "
                "HAVING COUNT(DISTINCT event) > 1 OR COUNT(DISTINCT claim) > 1 OR COUNT(DISTINCT entity) > 1 "
                "OR COUNT(DISTINCT credit) > 1"
            )
        )
        # The smallest names of each group's claims and events, ranked on disk (SQLite's text order is code-point
        # order, as Python's); only a reported group's are kept.
        names: dict[str, tuple[list[str], list[str]]] = {group[0]: ([], []) for group in groups}
        ranked = connection.execute(
            "SELECT serial, kind, name FROM (SELECT serial, kind, name, ROW_NUMBER() OVER "
            "(PARTITION BY serial, kind ORDER BY name) AS rank FROM (SELECT DISTINCT serial, 0 AS kind, claim_name "
            "AS name FROM retirements WHERE claim_name IS NOT NULL UNION SELECT DISTINCT serial, 1, event_name "
            "FROM retirements WHERE event_name IS NOT NULL)) WHERE rank <= ?",
            (NAMED,),
        )
        for serial, kind, name in ranked:
            if serial in names:
                names[serial][kind].append(name)
        for group in groups:
            claims, events = names[group[0]]
            yield tuple(group), (tuple(sorted(claims)), tuple(sorted(events)))
    finally:
        connection.close()
