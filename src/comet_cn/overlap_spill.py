"""Overlapping unit ranges among any number of retirements, in bounded memory.

The cross-claim audit (CN-AUDIT-DOUBLE-01) sweeps every retired range of every claim. Up to ``in_memory`` ranges
are swept in memory with :func:`comet_cn.serials.find_overlaps`; beyond that, ranges are written to a temporary
SQLite file and read back sorted (SQLite sorts on disk), and only the ranges that may still reach the current one
are held. Memory then depends on how deeply ranges overlap, not on how many there are, and the pairs found are
the same either way (tests/test_overlap_spill.py runs both on the same ranges).
"""

from __future__ import annotations

import heapq
import itertools
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from comet_cn.serials import SerialRange, find_overlaps

__all__ = ["IN_MEMORY", "Key", "SmallestNames", "overlapping_pairs", "scratch_database"]

#: What identifies a retired range for the caller (claim, credit, serial text): strings, so they can be stored.
Key = tuple[str, str, str]

#: Ranges (or retirements, for comet_cn.serial_groups) handled in memory before the work moves to a temporary file:
#: about 30 MB of Python objects, and no file at all for the sets of a few claims that most runs audit.
IN_MEMORY = 50_000


def overlapping_pairs(
    items: Iterable[tuple[Key, SerialRange]], *, in_memory: int | None = None
) -> Iterator[tuple[Key, Key, tuple[int, int]]]:
    """Every pair of ranges that share units, as ``(key_a, key_b, (first, last))``, in no particular order.

    Adjacent ranges (``last + 1 = first``) are not reported; a pair given twice (a range listed twice) may come
    out twice. The first ``in_memory`` items (default :data:`IN_MEMORY`) are held; if there are more, all are
    spilled to disk.
    """
    in_memory = IN_MEMORY if in_memory is None else in_memory
    iterator = iter(items)
    head = list(itertools.islice(iterator, in_memory + 1))
    if len(head) <= in_memory:
        yield from find_overlaps(head)
        return
    with tempfile.TemporaryDirectory(prefix="comet-cn-ranges-") as folder:
        yield from _spilled(itertools.chain(head, iterator), Path(folder) / "ranges.sqlite")


def _unit_key(unit: int) -> str:
    # Unit numbers can exceed SQLite's 64-bit integers: a length prefix makes the text sort as the number does.
    digits = str(unit)
    return f"{len(digits):04d}{digits}"


def scratch_database(path: Path, table: str) -> sqlite3.Connection:
    """A SQLite file at ``path`` holding one new ``table`` (its SQL definition), for work too large for memory.

    A scratch file: nothing to recover after a crash, so no journal and no syncing; sorts and groupings beyond a
    32 MiB cache spill to disk.
    """
    connection = sqlite3.connect(path)
    connection.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE; PRAGMA cache_size=-32768;"
        f"CREATE TABLE {table};"
    )
    return connection


def _spilled(items: Iterable[tuple[Key, SerialRange]], path: Path) -> Iterator[tuple[Key, Key, tuple[int, int]]]:
    connection = scratch_database(
        path, "ranges (block TEXT, first TEXT, last TEXT, claim TEXT, credit TEXT, serial TEXT)"
    )
    try:
        rows = ((span.block, _unit_key(span.first), _unit_key(span.last), *key) for key, span in items)
        while chunk := list(itertools.islice(rows, 50_000)):
            connection.executemany("INSERT INTO ranges VALUES (?, ?, ?, ?, ?, ?)", chunk)
        connection.commit()
        cursor = connection.execute(
            "SELECT block, first, last, claim, credit, serial FROM ranges ORDER BY block, first, last"
        )
        block: str | None = None
        # Ranges of this block that started earlier and may still reach the current one, smallest last unit on
        # top; a counter breaks ties so keys are never compared.
        active: list[tuple[int, int, Key]] = []
        order = itertools.count()
        for row_block, first_text, last_text, claim, credit, serial in cursor:
            first, last, key = int(first_text[4:]), int(last_text[4:]), (claim, credit, serial)
            if row_block != block:
                block, active = row_block, []
            while active and active[0][0] < first:
                heapq.heappop(active)
            for other_last, _, other in active:
                # Sorted by first unit, so the shared units start at this range's first unit.
                yield other, key, (first, min(last, other_last))
            heapq.heappush(active, (last, next(order), key))
    finally:
        connection.close()


class SmallestNames:
    """For each node, the smallest name offered for it: a dict up to ``in_memory`` nodes, then a temporary SQLite
    table, so that naming every blank credit of a large set stays in bounded memory. Close it (or use ``with``)."""

    def __init__(self, *, in_memory: int | None = None) -> None:
        self._limit = IN_MEMORY if in_memory is None else in_memory
        self._names: dict[str, tuple[str, str]] = {}
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> SmallestNames:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def offer(self, node: str, name: tuple[str, str]) -> None:
        if self._db is not None:
            self._db.execute(_OFFER, (node, *name))
            return
        known = self._names.get(node)
        if known is None or name < known:
            self._names[node] = name
            if len(self._names) > self._limit:
                self._spill()

    def get(self, node: str) -> tuple[str, str] | None:
        if self._db is None:
            return self._names.get(node)
        row = self._db.execute("SELECT via, holder FROM names WHERE node = ?", (node,)).fetchone()
        return None if row is None else (row[0], row[1])

    def _spill(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="comet-cn-names-")
        self._db = scratch_database(
            Path(self._folder.name) / "names.sqlite", "names (node TEXT PRIMARY KEY, via TEXT, holder TEXT)"
        )
        self._db.executemany("INSERT INTO names VALUES (?, ?, ?)", ((n, *v) for n, v in self._names.items()))
        self._names = {}

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


# Keeps the smaller (via, holder) pair, compared as Python compares the tuples (SQLite's text order is the same
# code-point order for valid UTF-8).
_OFFER = (
    "INSERT INTO names VALUES (?, ?, ?) ON CONFLICT (node) DO UPDATE SET via = excluded.via, holder = excluded.holder "
    "WHERE (excluded.via, excluded.holder) < (names.via, names.holder)"
)
