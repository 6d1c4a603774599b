"""What a node of each class must and may carry, read from the shapes and the ontology; one page per class.

:func:`requirements` reads every property constraint of the shapes (path, cardinality, datatype, values, rule) and
the classes it applies to: a shape's ``sh:targetClass``, and for ``sh:targetObjectsOf P`` the classes P ranges over.
The claim workbook (:mod:`comet_cn.workbook`) takes its columns from it, and the class pages from it and from the
terms whose ``schema:domainIncludes`` is the class, so neither can drift from the rules.

Run ``python -m comet_cn.classdocs docs/classes``; tests/test_classdocs.py fails when the committed pages are stale.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from comet_cn.convert import compact_iri, vocabulary
from comet_cn.namespaces import CN, SCHEMA
from comet_cn.resources import ontology_graph, shapes_graph
from comet_cn.rules import CNSH, rule_catalogue

__all__ = [
    "SCHEMA",
    "Checklist",
    "Requirement",
    "checklist_properties",
    "checklists",
    "class_pages",
    "domain_terms",
    "equivalents",
    "main",
    "page_classes",
    "range_of",
    "requirements",
    "superclasses",
]


@dataclass(frozen=True)
class Requirement:
    """One property constraint of a rule's shape, on the nodes of the classes the shape checks.

    :ivar classes: the classes whose nodes (subclasses included) the shape checks (``sh:targetClass``).
    :ivar via: the properties whose objects the shape checks (``sh:targetObjectsOf``); :attr:`via_classes` are the
        classes those objects are meant to have (the properties' ranges).
    :ivar path: the property IRI constrained (``rdf:type`` for a shape's own ``sh:class``).
    :ivar min_count: the fewest values a node must have (0: checked only when present).
    :ivar one_of: for a choice (``sh:or`` of property shapes), every path of which one is required.
    :ivar values: the values allowed (``sh:in``), as IRIs or lexical forms.
    :ivar node_classes: the classes a value must have (``sh:class``, or each branch of an ``sh:or``).
    """

    rule_id: str
    severity: str
    shape: str
    classes: tuple[str, ...]
    via: tuple[str, ...]
    path: str
    min_count: int = 0
    max_count: int | None = None
    datatype: str | None = None
    values: tuple[str, ...] = ()
    node_classes: tuple[str, ...] = ()
    pattern: str | None = None
    one_of: tuple[str, ...] = ()

    @property
    def via_classes(self) -> tuple[str, ...]:
        """The classes the ``via`` properties range over."""
        return tuple(sorted({cls for prop in self.via for cls in range_of(prop)}))

    def applies_to(self, classes: Iterable[str]) -> bool:
        """Whether the shape checks nodes of these classes: as instances of a target class (or of a subclass), or
        as the class a ``via`` property ranges over (a subclass used elsewhere is not the value of that property)."""
        own: set[str] = set()
        same: set[str] = set()
        for cls in classes:
            own |= superclasses(cls)
            same |= equivalents(cls)
        return bool(own & set(self.classes)) or bool(same & set(self.via_classes))

    @property
    def required(self) -> bool:
        """Whether a node must carry the property (alone, or as one of a choice)."""
        return self.min_count > 0 or bool(self.one_of)

    @property
    def term(self) -> str | None:
        """The context term of the property (``type`` for rdf:type), or None when the context has none."""
        if self.path == str(RDF.type):
            return "type"
        return vocabulary().by_iri.get(self.path)


def range_of(prop: str) -> tuple[str, ...]:
    """The classes a property's values belong to (``schema:rangeIncludes`` and ``rdfs:range``)."""
    graph = ontology_graph()
    found = [*graph.objects(URIRef(prop), SCHEMA.rangeIncludes), *graph.objects(URIRef(prop), RDFS.range)]
    return tuple(sorted({str(c) for c in found if isinstance(c, URIRef)}))


@lru_cache(maxsize=512)
def superclasses(cls: str) -> frozenset[str]:
    """The class, its named superclasses and the named classes equivalent to any of them (transitively)."""
    graph = ontology_graph()
    seen = {cls}
    stack = [URIRef(cls)]
    while stack:
        current = stack.pop()
        linked = [
            *graph.objects(current, RDFS.subClassOf),
            *graph.objects(current, OWL.equivalentClass),
            *graph.subjects(OWL.equivalentClass, current),
        ]
        for other in linked:
            if isinstance(other, URIRef) and str(other) not in seen:
                seen.add(str(other))
                stack.append(other)
    return frozenset(seen)


@lru_cache(maxsize=512)
def equivalents(cls: str) -> frozenset[str]:
    """The class and the named classes equivalent to it (transitively)."""
    graph = ontology_graph()
    seen = {cls}
    stack = [URIRef(cls)]
    while stack:
        current = stack.pop()
        for other in (*graph.objects(current, OWL.equivalentClass), *graph.subjects(OWL.equivalentClass, current)):
            if isinstance(other, URIRef) and str(other) not in seen:
                seen.add(str(other))
                stack.append(other)
    return frozenset(seen)


def _items(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _int(graph: Graph, node: Node, predicate: URIRef) -> int | None:
    value = graph.value(node, predicate)
    return int(value) if isinstance(value, Literal) else None


def _classes_of(graph: Graph, node: Node) -> tuple[str, ...]:
    """``sh:class`` of a shape, or the ``sh:class`` of each branch of its ``sh:or``."""
    direct = [str(c) for c in graph.objects(node, SH["class"])]
    for branch in _items(graph, graph.value(node, SH["or"])):
        direct += [str(c) for c in graph.objects(branch, SH["class"])]
    return tuple(direct)


def _values_of(graph: Graph, node: Node) -> tuple[str, ...]:
    """``sh:in`` of a shape, or of the branches of its ``sh:or``."""
    values = [str(v) for v in _items(graph, graph.value(node, SH["in"]))]
    for branch in _items(graph, graph.value(node, SH["or"])):
        values += [str(v) for v in _items(graph, graph.value(branch, SH["in"]))]
    return tuple(values)


@lru_cache(maxsize=1)
def requirements() -> tuple[Requirement, ...]:
    """Every property constraint of the shapes, with the rule it belongs to and the classes it applies to."""
    graph = shapes_graph()
    found: list[Requirement] = []
    for shape in sorted(set(graph.subjects(CNSH.ruleId, None)), key=str):
        rule_id = str(graph.value(shape, CNSH.ruleId))
        severity = str(graph.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        via = tuple(sorted(str(p) for p in graph.objects(shape, SH.targetObjectsOf)))
        classes = tuple(sorted(str(c) for c in graph.objects(shape, SH.targetClass)))
        common = {"rule_id": rule_id, "shape": str(shape), "classes": classes, "via": via}
        if graph.value(shape, SH["class"]) is not None:
            found.append(
                Requirement(
                    severity=severity,
                    path=str(RDF.type),
                    min_count=1,
                    node_classes=_classes_of(graph, shape),
                    **common,  # type: ignore[arg-type]
                )
            )
        choice = _items(graph, graph.value(shape, SH["or"]))
        paths = tuple(str(graph.value(branch, SH.path)) for branch in choice if graph.value(branch, SH.path))
        for alternative in paths:
            found.append(Requirement(severity=severity, path=alternative, one_of=paths, **common))  # type: ignore[arg-type]
        property_shapes = sorted(graph.objects(shape, SH.property), key=lambda n: str(graph.value(n, SH.path)))
        for node in property_shapes:
            path = graph.value(node, SH.path)
            if not isinstance(path, URIRef):
                continue  # a complex path: no single property to name
            qualified = graph.value(node, SH.qualifiedValueShape)
            minimum = _int(graph, node, SH.minCount) or (
                _int(graph, node, SH.qualifiedMinCount) if qualified is not None else None
            )
            datatype = graph.value(node, SH.datatype)
            pattern = graph.value(node, SH.pattern)
            found.append(
                Requirement(
                    severity=str(graph.value(node, SH.severity) or severity).rsplit("#", 1)[-1],
                    path=str(path),
                    min_count=minimum or 0,
                    max_count=_int(graph, node, SH.maxCount),
                    datatype=str(datatype) if datatype is not None else None,
                    values=_values_of(graph, node) + (_values_of(graph, qualified) if qualified else ()),
                    node_classes=_classes_of(graph, node) + (_classes_of(graph, qualified) if qualified else ()),
                    pattern=str(pattern) if pattern is not None else None,
                    **common,  # type: ignore[arg-type]
                )
            )
    return tuple(found)


def domain_terms(classes: Iterable[str]) -> tuple[str, ...]:
    """Context terms of the properties whose ``schema:domainIncludes`` (or ``rdfs:domain``) is one of ``classes``."""
    graph = ontology_graph()
    wanted = {URIRef(c) for c in classes}
    terms = {
        term.term
        for term in vocabulary().terms.values()
        if any(
            d in wanted
            for d in (
                *graph.objects(URIRef(term.iri), SCHEMA.domainIncludes),
                *graph.objects(URIRef(term.iri), RDFS.domain),
            )
        )
    }
    position = vocabulary().position
    return tuple(sorted(terms, key=lambda t: position.get(t, len(position))))


@dataclass(frozen=True)
class Checklist:
    """A list of items a node ticks (report elements a-x, plan elements a-m, credit criteria...).

    :ivar property: the context term that ticks an item (``includesReportElement``).
    :ivar holders: the classes of the nodes that tick them.
    :ivar items: each item as (context term, what it means).
    """

    property: str
    holders: tuple[str, ...]
    items: tuple[tuple[str, str], ...]
    title: str


@lru_cache(maxsize=1)
def checklists() -> tuple[Checklist, ...]:
    """The checklists: the item classes evidence can be for (``comet-cn:evidenceFor``), and who ticks them."""
    graph = ontology_graph()
    vocab = vocabulary()
    found: list[Checklist] = []
    for item_class in range_of(str(CN.evidenceFor)):
        individuals = [i for i in graph.subjects(RDF.type, URIRef(item_class)) if isinstance(i, URIRef)]
        individuals.sort(key=lambda i: (str(graph.value(i, SKOS.notation) or ""), str(i)))
        items = tuple(
            (vocab.by_iri.get(str(i), compact_iri(str(i), vocab.prefixes)), _meaning(graph, i)) for i in individuals
        )
        for term in vocab.terms.values():
            if term.iri != str(CN.evidenceFor) and item_class in range_of(term.iri):
                holders = tuple(sorted(str(d) for d in graph.objects(URIRef(term.iri), SCHEMA.domainIncludes)))
                title = str(graph.value(URIRef(item_class), RDFS.label) or item_class)
                found.append(Checklist(term.term, holders, items, title))
    position = vocab.position
    return tuple(sorted(found, key=lambda c: position.get(c.property, len(position))))


def _meaning(graph: Graph, item: URIRef) -> str:
    label = str(graph.value(item, RDFS.label) or graph.value(item, SKOS.prefLabel) or item)
    if label.startswith("§"):
        return label
    source = str(graph.value(item, DCTERMS.source) or "").replace("ISO 14068-1:2023 ", "")
    return f"{source}) {label}" if source else label


def checklist_properties() -> frozenset[str]:
    """The terms kept in the workbook's Checklist sheet rather than in columns: the ticking terms, and hasEvidence."""
    return frozenset({c.property for c in checklists()} | {"hasEvidence"})


# ---- class pages ------------------------------------------------------------------------------------------------

_DATATYPES = {
    str(XSD.date): "a date, `YYYY-MM-DD`",
    str(XSD.gYear): "a year, `YYYY`",
    str(XSD.decimal): 'a plain decimal as a string, e.g. `"1250.5"`',
    str(XSD.boolean): "`true` or `false`",
    str(XSD.integer): "a whole number",
    str(XSD.string): "text",
}


def page_classes() -> tuple[tuple[str, str], ...]:
    """(term, class IRI) for every class of the ontology the context names, once per class, in context order."""
    graph = ontology_graph()
    declared = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    vocab = vocabulary()
    seen: dict[str, str] = {}
    for term in vocab.terms.values():
        if term.kind == "literal" and term.iri in declared and term.iri not in seen.values():
            seen[term.term] = term.iri
    return tuple(seen.items())


def _short(iri: str) -> str:
    return compact_iri(iri, vocabulary().prefixes)


def _name(iri: str) -> str:
    """A value as a reader writes it: its context term, else its compact IRI."""
    return vocabulary().by_iri.get(iri) or _short(iri)


def _cardinality(req: Requirement) -> str:
    if req.one_of:
        others = ", ".join(f"`{_name(p)}`" for p in req.one_of if p != req.path)
        return f"this or {others}: at least one"
    low, high = req.min_count, req.max_count
    if low and high is not None:
        return "exactly 1" if low == high == 1 else f"{low} to {high}"
    if low:
        return f"at least {low}"
    return f"at most {high}" if high is not None else "any number"


def _values(req: Requirement) -> str:
    parts: list[str] = []
    values = list(dict.fromkeys(_name(v) for v in req.values))
    if len(values) == 1:
        parts.append(f"`{values[0]}`")
    elif values:
        parts.append("one of " + ", ".join(f"`{v}`" for v in values))
    if req.node_classes:
        parts.append("a node typed " + " or ".join(f"`{_name(c)}`" for c in req.node_classes))
    if req.datatype and not values:
        parts.append(_DATATYPES.get(req.datatype, f"`{_short(req.datatype)}`"))
    if req.pattern and req.datatype not in (str(XSD.gYear), str(XSD.decimal)):
        parts.append(f"matching `{req.pattern}`")
    return _cell("; ".join(parts)) or "-"


def _anchor(rule_id: str) -> str:
    rule = next((r for r in rule_catalogue() if r.rule_id == rule_id), None)
    text = f"{rule_id}: {rule.name if rule else ''}".lower()
    return "".join(c for c in text.replace(" ", "-") if c.isalnum() or c in "-_")


def _when(req: Requirement, own: frozenset[str]) -> str:
    if req.via and not own & set(req.classes):
        return "when it is the value of " + " or ".join(f"`{_name(p)}`" for p in req.via)
    return "always"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _definition(iri: str) -> str:
    graph = ontology_graph()
    return str(graph.value(URIRef(iri), SKOS.definition) or graph.value(URIRef(iri), RDFS.comment) or "")


def _is_value_class(iri: str) -> bool:
    """A class whose members are named values (report elements, credit types...), not nodes of a claim."""
    return str(SKOS.Concept) in superclasses(iri)


def _sheet(iri: str) -> str:
    from comet_cn.workbook import sheet_for_types

    return "(values, not nodes)" if _is_value_class(iri) else sheet_for_types([iri])


def _requirements_for(cls: str) -> list[Requirement]:
    return [req for req in requirements() if req.applies_to([cls])]


def _example(term: str, iri: str, examples: Sequence[tuple[str, Mapping[str, Any]]]) -> tuple[str, str] | None:
    """The first node of the class in the examples given, with long lists shortened, and the file it is from."""
    vocab = vocabulary()
    names = {t for t, d in vocab.terms.items() if d.iri == iri}
    for file, document in examples:
        for node in document.get("@graph", []):
            types = node.get("@type", [])
            types = types if isinstance(types, list) else [types]
            if names & set(types):
                return file, json.dumps(_shorten(node), indent=2, ensure_ascii=False)
    return None


def _shorten(value: Any) -> Any:
    if isinstance(value, list):
        return [_shorten(v) for v in value[:3]]
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    return value


def _class_page(term: str, iri: str, examples: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    graph = ontology_graph()
    vocab = vocabulary()
    label = str(graph.value(URIRef(iri), RDFS.label) or term)
    aliases = [t for t, d in vocab.terms.items() if d.iri == iri and t != term]
    own = superclasses(iri)
    parents = sorted(_short(c) for c in own if c != iri and not c.startswith("https://www.iso.org/"))
    equivalents = sorted(
        _short(str(c)) for c in graph.objects(URIRef(iri), OWL.equivalentClass) if isinstance(c, URIRef)
    )
    lines = [
        f"# {term}",
        "",
        "<!-- Generated by `python -m comet_cn.classdocs docs/classes` from shapes/ and ontology/. Do not edit by",
        "     hand. tests/test_classdocs.py fails when this page is stale. -->",
        "",
        f"**{label}** · IRI `{_short(iri)}` (<{iri}>) · workbook sheet: {_sheet(iri)}"
        + (f" · also written {', '.join(f'`{a}`' for a in aliases)}" if aliases else ""),
        "",
    ]
    if _definition(iri):
        lines += [f"> {_cell(_definition(iri))}", ""]
    if _is_value_class(iri):
        lines += ["Its members are named values (a `skos:Concept` each), written by their term.", ""]
    elif parents:
        lines += [
            f"A kind of {', '.join(f'`{p}`' for p in parents)}: what the rules ask of those, they ask of it too.",
            "",
        ]
    if equivalents:
        lines += [f"The same class as {', '.join(f'`{e}`' for e in equivalents)}.", ""]
    reqs = _requirements_for(iri)
    must = [r for r in reqs if r.required]
    checked = [r for r in reqs if not r.required]
    header = ["| Property | How many | Values | Rule | When |", "|---|---|---|---|---|"]

    def row(req: Requirement) -> str:
        rule = f"[{req.rule_id}](../rules.md#{_anchor(req.rule_id)})" + (
            " (warning)" if req.severity == "Warning" else ""
        )
        name = req.term or _short(req.path)
        return f"| `{name}` | {_cardinality(req)} | {_values(req)} | {rule} | {_when(req, own)} |"

    if not _is_value_class(iri):
        lines += ["## Must carry", ""]
        lines += (
            [*header, *sorted({row(r) for r in must}, key=_row_key)] if must else ["Nothing: no rule requires a value."]
        )
        lines.append("")
    if checked:
        lines += ["## Checked when present", "", *header, *sorted({row(r) for r in checked}, key=_row_key), ""]
    ticks = [c for c in checklists() if own & set(c.holders)]
    if ticks:
        lines += ["## Checklists", ""]
        for checklist in ticks:
            items = ", ".join(f"`{t}`" for t, _ in checklist.items)
            lines.append(
                f"- `{checklist.property}` ({checklist.title}): {items}. In the workbook, rows of the Checklist"
                " sheet, each with its evidence (`hasEvidence` → `evidenceFor`, `evidenceLocation`, `evidencePage`)."
            )
        lines.append("")
    named = {r.term for r in reqs} | {c.property for c in ticks}
    may = [t for t in domain_terms(own) if t not in named]
    if may:
        lines += ["## May carry", "", "| Property | Meaning |", "|---|---|"]
        lines += [f"| `{t}` | {_cell(_definition(vocab.terms[t].iri)) or '-'} |" for t in may]
        lines.append("")
    rule_ids = sorted({r.rule_id for r in reqs} | _sparql_rules(iri))
    if rule_ids:
        names = {r.rule_id: r.name for r in rule_catalogue()}
        lines += ["## Rules that check it", ""]
        lines += [f"- [{rid}](../rules.md#{_anchor(rid)}): {names.get(rid, '')}" for rid in rule_ids]
        lines.append("")
    members = sorted(
        (i for i in graph.subjects(RDF.type, URIRef(iri)) if isinstance(i, URIRef)),
        key=lambda i: (str(graph.value(i, SKOS.notation) or ""), str(i)),
    )
    if members:
        lines += ["## Values", "", "| Value | Meaning |", "|---|---|"]
        lines += [f"| `{_name(str(i))}` | {_cell(_meaning(graph, i))} |" for i in members]
        lines.append("")
    example = _example(term, iri, examples)
    if example:
        file, text = example
        lines += [
            "## Example",
            "",
            f"From [examples/{file}](../../examples/{file}) (lists shortened to their first three values):",
            "",
            "```json",
            text,
            "```",
            "",
        ]
    return "\n".join(lines)


def _row_key(row: str) -> tuple[str, str]:
    return (row.split("|")[1], row)


def _sparql_rules(cls: str) -> set[str]:
    """Rules whose shapes target the class but check it in SPARQL only (no property constraint to list)."""
    graph = shapes_graph()
    own, same = superclasses(cls), equivalents(cls)
    found = set()
    for shape in graph.subjects(CNSH.ruleId, None):
        targets = {str(c) for c in graph.objects(shape, SH.targetClass)}
        ranges = {c for prop in graph.objects(shape, SH.targetObjectsOf) for c in range_of(str(prop))}
        if targets & own or ranges & same:
            found.add(str(graph.value(shape, CNSH.ruleId)))
    return found


def class_pages(examples: Sequence[tuple[str, Mapping[str, Any]]] = ()) -> dict[str, str]:
    """The class pages, file name -> Markdown: ``<Term>.md`` per class and ``index.md``.

    :param examples: (file name under examples/, parsed JSON-LD) to take each class's example from, first first.
    """
    graph = ontology_graph()
    pages = {f"{term}.md": _class_page(term, iri, examples) for term, iri in page_classes()}
    lines = [
        "# Classes",
        "",
        "<!-- Generated by `python -m comet_cn.classdocs docs/classes`. Do not edit by hand. -->",
        "",
        "What a node of each class must carry (from the shapes in shapes/: property, how many values, which values,",
        "which rule) and may carry (the other terms the ontology gives the class), with an example. The claim",
        "workbook ([../workbook.md](../workbook.md)) has a column for every property listed under *Must carry*.",
        "",
        "| Class | Workbook sheet | Rules | What it is |",
        "|---|---|---|---|",
    ]
    for term, iri in page_classes():
        rules = len({r.rule_id for r in _requirements_for(iri)} | _sparql_rules(iri))
        label = str(graph.value(URIRef(iri), RDFS.label) or term)
        lines.append(f"| [{term}]({term}.md) | {_sheet(iri)} | {rules or '-'} | {_cell(label)} |")
    pages["index.md"] = "\n".join(lines) + "\n"
    return pages


def _repository_examples(root: Path) -> list[tuple[str, Mapping[str, Any]]]:
    """The conforming examples of a checkout, the main conforming claim first (the wheel has no examples)."""
    manifest = root / "examples" / "manifest.json"
    if not manifest.is_file():
        return []
    entries = json.loads(manifest.read_text(encoding="utf-8"))["examples"]
    files = [e["file"] for e in entries if e.get("conforms") and not e.get("warnings")]
    files.sort(key=lambda f: f != "conforming-claim.jsonld")
    return [(f, json.loads((root / "examples" / f).read_text(encoding="utf-8"))) for f in files]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m comet_cn.classdocs OUTDIR`` writes the class pages into OUTDIR (run from a checkout)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m comet_cn.classdocs OUTDIR", file=sys.stderr)
        return 2
    folder = Path(args[0])
    folder.mkdir(parents=True, exist_ok=True)
    pages = class_pages(_repository_examples(Path.cwd()))
    for stale in folder.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
