"""The rows of the ``double-counting`` query, grouped in bounded memory for the cross-claim audit.

``queries/double-counting.rq`` groups every retirement by its serial and counts distinct events, claims, entities
and credit blocks per serial. A SPARQL engine holds every group in memory at once (Oxigraph: about 1.6 GiB for
a million retirements). The audit instead reads the retirements ungrouped, as a stream, and groups them in Python
up to ``overlap_spill.IN_MEMORY`` retirements, or beyond that in a temporary SQLite file, which sorts on disk. The
rows are the query's, value for value (tests/test_serial_groups.py compares them with the query on rdflib and
Oxigraph, in memory and spilled); ``cn-query double-counting`` still runs the query itself.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph
from rdflib.term import Node

from comet_cn import overlap_spill
from comet_cn.store import Backend, GraphBackend

__all__ = ["double_counting_rows"]

# The query's pattern without its grouping: one row per (event, credit) retirement.
_RETIREMENTS = """PREFIX comet-cn: <https://comet.carbon/ext/iso14068#>
SELECT ?raw ?event ?claim ?entity ?credit WHERE {
    ?event comet-cn:retiresCredit ?credit .
    ?credit comet-cn:serialNumber ?raw .
    OPTIONAL {
        ?claim comet-cn:hasOffsettingEvent ?event .
        OPTIONAL { ?claim comet-cn:claimedBy ?claimant . }
    }
    OPTIONAL { ?event comet-cn:retiredOnBehalfOf ?beneficiary . }
    BIND (COALESCE(?beneficiary, ?claimant) AS ?entity)
}"""

# The query's key, UCASE(REPLACE(STR(?raw), "\\s", "")). rdflib and Oxigraph both read \s as any Unicode white
# space (a no-break space too), not as XPath's four characters; so does Python.
_SPACE = re.compile(r"\s")

_Retirement = tuple[str, str | None, str | None, str | None, str | None]


def _key(term: Node | None) -> str | None:
    # Distinct RDF terms give distinct keys (n3 names the kind, the datatype and the language).
    return None if term is None else term.n3()


def _retirements(graph: Graph | Backend) -> Iterator[_Retirement]:
    backend = GraphBackend(graph) if isinstance(graph, Graph) else graph
    selection = backend.select(_RETIREMENTS)
    at = [selection.columns.index(c) for c in ("raw", "event", "claim", "entity", "credit")]
    for row in selection.rows:
        raw, event, claim, entity, credit = (row[i] for i in at)
        if raw is None:
            continue
        serial = _SPACE.sub("", str(raw)).upper()
        if serial:
            yield serial, _key(event), _key(claim), _key(entity), _key(credit)


def double_counting_rows(graph: Graph | Backend) -> list[dict[str, object]]:
    """The rows of the ``double-counting`` query (serial, events, claims, entities, blocks), ordered by serial."""
    limit = overlap_spill.IN_MEMORY
    stream = _retirements(graph)
    head = list(itertools.islice(stream, limit + 1))
    if len(head) <= limit:
        groups = _grouped_in_memory(head)
    else:
        with tempfile.TemporaryDirectory(prefix="comet-cn-serials-") as folder:
            groups = list(_grouped_on_disk(itertools.chain(head, stream), Path(folder) / "serials.sqlite"))
    return [
        {"serial": serial, "events": events, "claims": claims, "entities": entities, "blocks": blocks}
        for serial, events, claims, entities, blocks in groups
        if max(events, claims, entities, blocks) > 1
    ]


def _grouped_in_memory(retirements: Iterable[_Retirement]) -> list[tuple[str, int, int, int, int]]:
    seen: dict[str, tuple[set[str], set[str], set[str], set[str]]] = {}
    for serial, *nodes in retirements:
        sets = seen.setdefault(serial, (set(), set(), set(), set()))
        for values, node in zip(sets, nodes, strict=True):
            if node is not None:
                values.add(node)
    return [(serial, *(len(values) for values in seen[serial])) for serial in sorted(seen)]  # type: ignore[misc]


def _grouped_on_disk(retirements: Iterable[_Retirement], path: Path) -> Iterator[tuple[str, int, int, int, int]]:
    connection = overlap_spill.scratch_database(
        path, "retirements (serial TEXT, event TEXT, claim TEXT, entity TEXT, credit TEXT)"
    )
    try:
        iterator = iter(retirements)
        while chunk := list(itertools.islice(iterator, 50_000)):
            connection.executemany("INSERT INTO retirements VALUES (?, ?, ?, ?, ?)", chunk)
        connection.commit()
        # COUNT(DISTINCT x) skips NULL, as SPARQL's COUNT(DISTINCT ?x) skips unbound values. Python sorts the
        # serials afterwards, by code point, as the in-memory grouping does.
        yield from sorted(
            connection.execute(
                "SELECT serial, COUNT(DISTINCT event), COUNT(DISTINCT claim), COUNT(DISTINCT entity), "
                "COUNT(DISTINCT credit) FROM retirements GROUP BY serial "
                "HAVING COUNT(DISTINCT event) > 1 OR COUNT(DISTINCT claim) > 1 OR COUNT(DISTINCT entity) > 1 "
                "OR COUNT(DISTINCT credit) > 1"
            )
        )
    finally:
        connection.close()
