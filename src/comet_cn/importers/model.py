"""What every importer reads a file into: retired blocks in one canonical shape, and the import's result.

A format module turns its rows into :class:`Retirement` records and says which rows it left out and why; the common
code (:mod:`comet_cn.importers.building`) selects, de-duplicates and writes them as JSON-LD nodes. Each value that
matters to a rule carries its basis, so that a report can tell a registry's statement from our inference.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from comet_cn.importers.attribution import Period
from comet_cn.resources import CONTEXT_IRIS
from comet_cn.serials import SerialRange

__all__ = [
    "CONTEXT",
    "PROVENANCE",
    "Excluded",
    "Fact",
    "ImportResult",
    "Organisation",
    "Parsed",
    "Retirement",
]

#: The context every imported document uses.
CONTEXT = CONTEXT_IRIS[0]
#: The key of each node's provenance ("file:row"): the context defines the ``dcterms`` prefix but no term for it.
PROVENANCE = "dcterms:source"


@dataclass(frozen=True)
class Organisation:
    """A registry or crediting programme: a stable slug for its IRI, and its name."""

    slug: str
    label: str


@dataclass(frozen=True)
class Fact:
    """A value and why we hold it: ``"registry field …"``, ``"inferred: …"`` or ``"stated by the user"``."""

    value: bool | str
    basis: str

    @property
    def inferred(self) -> bool:
        return self.basis.startswith("inferred")


@dataclass(frozen=True)
class Retirement:
    """One retired block (one row or record) as the registry states it.

    :param where: ``"file:row"`` (CSV: the line on which the record starts; JSON: the record's position, from 1).
    :param registry: the registry (its slug also scopes the minted IRIs).
    :param in_registry: whether the record names the registry (when not, the event's ``inRegistry`` is left out).
    :param span: the unit range, inclusive, when the serial grammar or the record gives one.
    :param identity: the registry's id of the retirement, for formats whose retirements have no unit range.
    :param beneficiary: the beneficiary as written; ``None`` when the registry's value names nobody.
    :param beneficiary_note: a name read from a free-text note (a suggestion, used only to select rows).
    :param suggested: names the record gives besides a beneficiary field (ICR's ``organizationOwner``, the
        beneficiary an unclaimed retirement still carries): never used to select rows, but recorded on the event so
        that a merge refuses to link it to a claimant of another name.
    :param period: a period the record states in a structured form (firm); ``period_suggestion`` is free text read.
    :param notes: raw fields kept for the reader on the credit, as ``"Column (as written): 'value'"``.
    :param event_notes: notes about the retirement itself (kept on the offsetting event).
    """

    where: str
    registry: Organisation
    retired_on: date
    quantity: Decimal | None
    serial: str | None = None
    span: SerialRange | None = None
    identity: str | None = None
    in_registry: bool = True
    programme: Organisation | None = None
    vintage_end_year: int | None = None
    issuance_year: int | None = None
    credit_type: Fact | None = None
    corresponding_adjustment: Fact | None = None
    ex_post: Fact | None = None
    beneficiary: str | None = None
    beneficiary_note: str | None = None
    suggested: tuple[str, ...] = ()
    period: Period | None = None
    period_suggestion: str | None = None
    notes: tuple[str, ...] = ()
    event_notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Excluded:
    """A record that is not an offsetting event (a cancellation, a compliance use, …) and why.

    :param spans: the units the record names, where its serials read as ranges: a kept retirement that shares units
        with it is refused (a unit is retired, cancelled or used once; one of the two records does not stand).
    """

    where: str
    reason: str
    spans: tuple[SerialRange, ...] = ()

    def __str__(self) -> str:
        return f"{self.where}: not imported: {self.reason}"


@dataclass(frozen=True)
class Parsed:
    """What a format module read from one file."""

    retirements: tuple[Retirement, ...]
    excluded: tuple[Excluded, ...] = ()
    warnings: tuple[str, ...] = ()
    #: Nodes written directly (PACT footprints have no retirements).
    nodes: tuple[Mapping[str, Any], ...] = ()
    #: The import IRIs (case-folded) of footprints that records left out supersede (PACT's precedingPfIds).
    superseded: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    """The JSON-LD nodes imported from one file, where each came from, and what the user should look at.

    :param format: the format name (``"verra"``, ``"gold-standard"``, …).
    :param source: the file name used in provenance.
    :param nodes: the ``@graph`` nodes, in our context's terms.
    :param provenance: node ``@id`` → the ``"file:row"`` places it was read from.
    :param warnings: one line each: period suggestions, repaired rows, quantity and range mismatches, duplicates.
    :param excluded: rows that are not offsetting events, with the reason (``"file:row: not imported: …"``).
    :param beneficiary: the beneficiary the user selected rows by; a merge takes it as the user's confirmation
        that these retirements were made for the claiming entity.
    :param path: the file read (resolved), when known: two imports with one ``source`` but other files are refused
        by a merge, since their rows without a serial would share IRIs.
    """

    format: str
    source: str
    nodes: tuple[Mapping[str, Any], ...]
    provenance: Mapping[str, tuple[str, ...]]
    warnings: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    beneficiary: str | None = None
    selected: int = field(default=0)
    path: str | None = None
    #: ``(where, units)`` of each imported retirement with a unit range, and the records left out that name units
    #: (a merge of several files refuses a kept retirement sharing units with one: building.refuse_shared_units).
    kept_units: tuple[tuple[str, SerialRange], ...] = ()
    withheld: tuple[Excluded, ...] = ()
    #: The footprints (import IRIs, case-folded) that records left out supersede: a merge never links one of them.
    superseded: tuple[str, ...] = ()

    @property
    def events(self) -> tuple[str, ...]:
        """The ``@id`` of every imported offsetting event."""
        return tuple(str(node["@id"]) for node in self.nodes if node.get("@type") == "OffsettingEvent")

    def node(self, node_id: str) -> dict[str, Any]:
        """A copy of the node with this ``@id``.

        :raises KeyError: no such node.
        """
        for node in self.nodes:
            if node.get("@id") == node_id:
                return copy.deepcopy(dict(node))
        raise KeyError(node_id)

    def document(self) -> dict[str, Any]:
        """A JSON-LD document holding the imported nodes (a copy: changing it does not change the result)."""
        return {"@context": CONTEXT, "@graph": [copy.deepcopy(dict(node)) for node in self.nodes]}
