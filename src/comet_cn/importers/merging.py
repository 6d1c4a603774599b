"""Put imported retirements into a claim document, so one check sees the claim and the registry's records together.

Merging an import into a claim is the user's statement that those retirements back that claim. So each imported
event takes the claim's reporting period when the registry gave none, and — only when the user selected the rows by
beneficiary name — the claiming entity as ``retiredOnBehalfOf``; without that selection the link is left out and
CN-RET-02 asks for it. Both links say in a comment how they were made.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from comet_cn.errors import InputError
from comet_cn.importers.building import merge_mapping
from comet_cn.importers.model import CONTEXT, PROVENANCE, ImportResult
from comet_cn.importers.reading import read_text
from comet_cn.loading import parse_json
from comet_cn.resources import CONTEXT_IRIS

__all__ = ["combine", "merge", "read_import"]

_CLAIM_TYPES = frozenset(
    {
        "CarbonNeutralityClaim",
        "comet-cn:CarbonNeutralityClaim",
        "https://comet.carbon/ext/iso14068#CarbonNeutralityClaim",
    }
)


def combine(imports: Iterable[ImportResult]) -> dict[str, Any]:
    """One JSON-LD document holding the nodes of several imports (a node imported twice appears once)."""
    nodes: dict[str, dict[str, Any]] = {}
    for result in imports:
        _add_nodes(nodes, result.nodes)
    return {"@context": CONTEXT, "@graph": list(nodes.values())}


def _add_nodes(nodes: dict[str, dict[str, Any]], extra: Iterable[Mapping[str, Any]]) -> None:
    for node in extra:
        key = str(node["@id"])
        if key in nodes:
            merge_mapping(nodes[key], node)
        else:
            nodes[key] = copy.deepcopy(dict(node))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _types(node: Mapping[str, Any]) -> set[str]:
    return {str(t) for t in _as_list(node.get("@type", node.get("type")))}


def _ref(value: Any) -> str:
    return str(value.get("@id")) if isinstance(value, Mapping) else str(value)


def _read_claim(claim: Path | Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    if isinstance(claim, Mapping):
        return copy.deepcopy(dict(claim)), "<claim>"
    text, decoded = read_text(claim)
    if decoded:
        raise InputError(str(claim), "the claim is not UTF-8 JSON-LD")
    # Parsed as the checker parses claims, so numbers reach the check exactly as they would unmerged.
    document = parse_json(text, str(claim))
    if not isinstance(document, dict):
        raise InputError(str(claim), "the claim must be one JSON-LD object (with @graph)")
    return document, str(claim)


def _uses_our_context(context: Any) -> bool:
    return any(isinstance(item, str) and item in CONTEXT_IRIS for item in _as_list(context))


def merge(
    claim: Path | Mapping[str, Any],
    imports: Sequence[ImportResult],
    *,
    event: str | None = None,
    for_claimant: bool | None = None,
) -> dict[str, Any]:
    """The claim document with the imported nodes added and linked from the claim.

    :param claim: a JSON-LD claim file (or its parsed document) that uses the comet-cn context.
    :param imports: the results of :func:`comet_cn.importers.import_records`.
    :param event: the ``@id`` (as the claim writes it) of an offsetting event the imports replace: it is unlinked
        and removed, with the credits no other event retires.
    :param for_claimant: whether the imported retirements were made for the claiming entity (each event then gets
        ``retiredOnBehalfOf`` the claim's ``claimedBy``). By default, only the imports whose rows the user selected
        by beneficiary are taken as made for it.
    :returns: a new JSON-LD document; the claim file is not changed.
    :raises InputError: the claim is not a JSON-LD comet-cn claim, holds several claims (name an ``event`` to pick
        one), or has no event ``event``.
    """
    document, name = _read_claim(claim)
    if not _uses_our_context(document.get("@context")):
        raise InputError(name, f"the claim must use the comet-cn JSON-LD context ({CONTEXT})")
    graph = document.get("@graph")
    if graph is None:
        node = {k: v for k, v in document.items() if k != "@context"}
        graph = [node]
    if not isinstance(graph, list) or not all(isinstance(n, dict) for n in graph):
        raise InputError(name, "the claim's @graph must be a list of node objects")
    nodes: dict[str, dict[str, Any]] = {}
    for position, node in enumerate(graph):
        nodes[str(node.get("@id") or node.get("id") or f"_:merge-{position}")] = node
    claims = [key for key, node in nodes.items() if _types(node) & _CLAIM_TYPES]
    if event is not None:
        claims = _replace(nodes, claims, event, name)
    if len(claims) != 1:
        found = "no claim" if not claims else f"{len(claims)} claims"
        raise InputError(name, f"the document holds {found}: imports are merged into exactly one claim")
    target = nodes[claims[0]]
    _add_nodes(nodes, (node for result in imports for node in result.nodes))
    events = [e for result in imports for e in result.events]
    target["hasOffsettingEvent"] = _dedupe([*_as_list(target.get("hasOffsettingEvent")), *events])
    entity = target.get("claimedBy")
    period = target.get("hasReportingPeriod")
    for result in imports:
        for event_id in result.events:
            confirmed = result.beneficiary is not None if for_claimant is None else for_claimant
            _link(nodes[event_id], result if confirmed else None, period, entity)
        _link_footprint(target, result)
    return {"@context": document.get("@context"), "@graph": list(nodes.values())}


def _replace(nodes: dict[str, dict[str, Any]], claims: list[str], event: str, name: str) -> list[str]:
    """Unlink and remove the event; the claims that relied on it."""
    if event not in nodes or "OffsettingEvent" not in _types(nodes[event]):
        known = sorted(k for k, n in nodes.items() if "OffsettingEvent" in _types(n))
        raise InputError(name, f"no offsetting event {event!r} in the claim (events: {', '.join(known) or 'none'})")
    users = [c for c in claims if event in {_ref(v) for v in _as_list(nodes[c].get("hasOffsettingEvent"))}]
    for key in users:
        remaining = [v for v in _as_list(nodes[key].get("hasOffsettingEvent")) if _ref(v) != event]
        nodes[key]["hasOffsettingEvent"] = remaining
    credits = {_ref(v) for v in _as_list(nodes[event].get("retiresCredit"))}
    del nodes[event]
    still_used = {_ref(v) for n in nodes.values() for v in _as_list(n.get("retiresCredit"))}
    for credit in credits - still_used:
        nodes.pop(credit, None)
    return users or claims


def _link(node: dict[str, Any], confirmed: ImportResult | None, period: Any, entity: Any) -> None:
    """The claim's period and, when the user ``confirmed`` who the retirements were for, the claiming entity."""
    comments = _as_list(node.get("comment"))
    if "hasReportingPeriod" not in node and period is not None:
        node["hasReportingPeriod"] = period
        comments.append("hasReportingPeriod: the claim's period, because the user merged this import into the claim")
    if confirmed is not None and entity is not None and "retiredOnBehalfOf" not in node:
        node["retiredOnBehalfOf"] = entity
        why = (
            f"selected these rows by the beneficiary {confirmed.beneficiary!r}"
            if confirmed.beneficiary is not None
            else "stated that these retirements were made for it"
        )
        comments.append(
            f"retiredOnBehalfOf: the claiming entity, because the user {why} and merged them into its claim"
        )
    node["comment"] = comments


def _link_footprint(claim: dict[str, Any], result: ImportResult) -> None:
    """A PACT footprint becomes the claim's footprint (and its product the subject) only where the claim has none."""
    for node in result.nodes:
        kind = node.get("@type")
        if kind == "CarbonFootprint" and "hasCarbonFootprint" not in claim:
            claim["hasCarbonFootprint"] = node["@id"]
        elif kind == "Product" and "hasSubject" not in claim:
            claim["hasSubject"] = node["@id"]


def _dedupe(values: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for value in values:
        if _ref(value) not in {_ref(s) for s in seen}:
            seen.append(value)
    return seen


def read_import(path: Path) -> ImportResult:
    """An import written earlier as JSON-LD (``cn-import -o FILE``), to merge it into a claim later.

    :raises InputError: the file is not a JSON-LD document in the comet-cn context with a ``@graph``.
    """
    text, decoded = read_text(path)
    document = parse_json(text, str(path)) if not decoded else None
    if not isinstance(document, dict) or not _uses_our_context(document.get("@context")):
        raise InputError(str(path), "not an imported JSON-LD document (cn-import -f jsonld) in the comet-cn context")
    graph = document.get("@graph")
    if not isinstance(graph, list) or not all(isinstance(n, dict) and "@id" in n for n in graph):
        raise InputError(str(path), "the imported document needs a @graph of nodes with @id")
    provenance = {str(n["@id"]): tuple(str(p) for p in _as_list(n.get(PROVENANCE))) for n in graph}
    return ImportResult(
        format="json-ld", source=path.name, nodes=tuple(graph), provenance=provenance, selected=len(graph)
    )
