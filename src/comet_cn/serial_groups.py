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
from comet_cn.serials import icr_serialization, whole_serial_key
from comet_cn.store import Backend, GraphBackend

__all__ = ["NAMED", "double_counting_rows", "retirement_groups"]

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
    for serial, (event, claim, beneficiary, claimant, credit) in _rows(graph):
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
