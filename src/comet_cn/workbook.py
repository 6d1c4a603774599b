"""The claim workbook: a spreadsheet with one sheet per part of a claim, for the people who hold the data.

Each sheet holds one row per node (a claim, a credit, a period...) and one column per property. Its columns come
from the shapes (:func:`comet_cn.classdocs.requirements`: every property a rule requires of the sheet's classes)
and from the ontology (the terms whose ``schema:domainIncludes`` is one of them), so the template cannot drift from
the rules. Row 1 is the context term, row 2 what it means and which rule needs it; data starts on row 3. The reader
knows row 2 by what it says, not by its place: a row holding only that help text is skipped wherever it is, and any
other row is data (a deleted help row loses no row). Checklist
items (report §12 a-x, plan §9.1 a-m, claim summary §13 a-k, commitment §6 a-k, credit §11.2 a-e and programme
§11.3 a-i criteria) are yes/no rows of the Checklist sheet, each with the document and page that show it.

A cell holds values as written (cells are text): ids and terms in id columns, lexical forms in value columns,
several values one per line. Rare values have an explicit form, written by conversions so that nothing is lost:
``<ex:node>`` (a node in a value column), ``"text"^^xsd:decimal``, ``"text"@en`` and ``"text"`` (a literal whose
datatype or language is not the column's), one per line. Columns the template lacks are added for properties a
converted claim uses, so a claim → workbook → claim round trip gives the same graph.

openpyxl is imported only when a workbook is read or written (``pip install 'comet-cn[workbook]'``).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from comet_cn.classdocs import (
    Checklist,
    Requirement,
    checklist_properties,
    checklists,
    domain_terms,
    equivalents,
    requirements,
    superclasses,
)
from comet_cn.convert import (
    CONTEXT_IRI,
    TermDef,
    canonical,
    compact_iri,
    document_prefixes,
    expand_iri,
    read_bytes,
    vocabulary,
    write_bytes,
)
from comet_cn.errors import InputError
from comet_cn.iris import is_absolute_iri
from comet_cn.loading import DEFAULT_LIMITS, JSONLD_BASE, LoadLimits
from comet_cn.resources import ontology_graph
from comet_cn.terms import CONTEXT_NODE, MARKER

__all__ = [
    "CHECKLIST",
    "OTHER",
    "PREFIXES",
    "README",
    "SHEETS",
    "CellRef",
    "Column",
    "Sheet",
    "WorkbookClaim",
    "locate",
    "read_workbook",
    "sheet_for_types",
    "sheet_position",
    "template_bytes",
    "template_columns",
    "workbook_bytes",
    "workbook_from_document",
    "write_template",
]


@dataclass(frozen=True)
class Sheet:
    """A sheet of nodes: its name, the classes of its nodes (context terms, the first is the default type)."""

    name: str
    classes: tuple[str, ...]
    about: str
    #: columns beyond what the shapes and the ontology's domains give (a quantity term has no domain)
    extra: tuple[str, ...] = ()


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Claim",
        ("CarbonNeutralityClaim",),
        "The claim: who makes it, about which subject and period, and what it rests on.",
    ),
    Sheet(
        "Entity and subject",
        (
            "Entity",
            "FinancialInstitution",
            "Organization",
            "Product",
            "Event",
            "Subject",
            "TopManagement",
            "Stakeholder",
            "OrganizationalBoundary",
            "SystemBoundary",
        ),
        "The entity making the claim, the subject it is about (organization, product or event) and its boundary, "
        "and the other people and organizations the claim names (top management, the verifier).",
    ),
    Sheet("Period", ("ReportingPeriod", "BasePeriod"), "The reporting period of the claim; base periods of baselines."),
    Sheet("Footprint", ("CarbonFootprint",), "The carbon footprint for the period, with its emissions and removals."),
    Sheet(
        "Emissions and removals",
        (
            "GHGEmission",
            "Scope1Emission",
            "IndirectGHGEmission",
            "UnabatedGHGEmission",
            "ResidualGHGEmission",
            "GHGRemoval",
            "FinancedEmissionsAccount",
            "GHGSource",
            "GHGSink",
        ),
        "The emissions and removals a footprint lists, and a financial institution's financed emissions.",
        ("tonnesCO2e",),
    ),
    Sheet(
        "Electricity instruments",
        ("ContractualInstrument",),
        "Contractual instruments (certificates, PPAs) a market-based footprint uses (Annex B.4).",
    ),
    Sheet(
        "Reductions",
        ("GHGEmissionReduction", "GHGRemovalEnhancement", "RemovalReversal"),
        "Emission reductions and removal enhancements achieved, and reversals of removals.",
    ),
    Sheet("Plan", ("CarbonNeutralityManagementPlan",), "The carbon neutrality management plan."),
    Sheet("Pathway", ("CarbonNeutralityPathway",), "The pathway of the plan: residual-only year, science basis."),
    Sheet(
        "Targets",
        ("ShortTermTarget", "LongTermTarget", "PathwayTarget", "FinancedEmissionsTarget"),
        "The short- and long-term targets, and a financial institution's target for its financed emissions.",
        ("tonnesCO2e",),
    ),
    Sheet(
        "Actions",
        ("PlanAction",),
        "The plan's actions, each with its step of the hierarchy and its order.",
        ("tonnesCO2e",),
    ),
    Sheet("Baseline", ("Baseline",), "The baseline the plan measures against.", ("tonnesCO2e",)),
    Sheet(
        "Offsetting events",
        ("OffsettingEvent", "RetirementEvent"),
        "Retirements of credits: when, in which registry, for whom, which credits.",
    ),
    Sheet("Credits", ("CarbonCredit",), "The credits retired: serial numbers, vintage, type, quantity."),
    Sheet(
        "Programmes and registries",
        ("CreditingProgramme", "PublicRegistry"),
        "The crediting programmes that issued the credits, and the registries they were retired in.",
    ),
    Sheet("Report", ("CarbonNeutralityReport",), "The carbon neutrality report the claim is based on."),
    Sheet("Verification", ("VerificationOpinion",), "The verification opinion: standard, verifier, date."),
    Sheet("Commitment", ("CarbonNeutralityCommitment",), "The top-management commitment to carbon neutrality."),
    Sheet(
        "Standards",
        ("QuantificationStandard", "VerificationStandard"),
        "Standards other than ISO 14064-1/-3 and ISO 14067, with what they are consistent or equivalent with.",
    ),
    Sheet("Evidence", ("Evidence",), "Evidence not tied to one checklist row."),
    Sheet("Other nodes", (), "Nodes of no type above (or of no type at all)."),
)
OTHER = SHEETS[-1].name
CHECKLIST = "Checklist"
PREFIXES = "Prefixes"
README = "Read me"
_FIRST_ROW = 3  # row 1: terms, row 2: what they mean (the help row); the reader finds the help row by its text
_CHECKLIST_HEADERS = ("id", "list", "item", "meaning", "included", "evidenceLocation", "evidencePage")
#: What the help row says under each column of the Checklist and Prefixes sheets.
_CHECKLIST_NOTES = (
    "The node that ticks the item (its id); blank when only one node can.",
    "What is ticked: the property (includesReportElement, includesPlanElement, includesSummaryItem, "
    "includesCommitmentItem, meetsCriterion, meetsProgrammeCriterion).",
    "The item (a term of the context).",
    "What the item means (not read back).",
    "yes or no.",
    "Evidence: the link or document that shows the item (evidenceLocation).",
    "Evidence: the page (evidencePage).",
)
_PREFIX_HEADERS = ("prefix", "namespace")
_PREFIX_NOTES = ("A prefix: ex for ids written ex:name.", "The IRI it stands for, ending in / or #.")
#: The help text cn-init writes under a property's header, whatever the label and the status (a workbook written
#: before a label or a rule changed has an older one): "Tonnes CO2e. REQUIRED (CN-BAL-01): exactly one; ...".
_PROPERTY_NOTE = re.compile(
    r"[^\n.]{1,120}\. (?:REQUIRED|RECOMMENDED|optional|not in the template)(?: \([^()\n]*\))?: "
)
#: Columns whose values are identifiers of units: a number Excel stored there must be an exact whole number.
_NODE_KEYS = frozenset({"id", "type", "label"})  # the columns every sheet of nodes starts with
_SERIAL_COLUMNS = frozenset({"serialNumber", "issuanceBlock", "firstUnit", "lastUnit"})
_EXACT_INTEGER = 2**53  # floats (what Excel stores numbers as) hold every whole number below this, not all above
_MAX_CELLS = 2_000_000  # filled cells of a workbook; also the most cells its sheets may write, empty ones included
#: Bounds checked on the .xlsx archive before openpyxl parses any of it: a few kB of zip can unzip to gigabytes of
#: empty cells (16,000 rows of 16,000 ``<c/>`` ran for minutes), and openpyxl's read-only mode fills the gaps
#: before a row's last cell and between rows with empty values, so a far coordinate costs work too.
_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all parts of the archive, uncompressed (the zip's own record)
_MAX_ELEMENTS = 3 * _MAX_CELLS  # XML elements in all parts (cells, shared strings, styles...)
_MAX_SHEET_ROWS = 1_048_576  # the last row of a sheet in Excel
_MAX_GRID = 10_000_000  # cells as read: every row as wide as its last cell, empty ones included
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: The namespaces of Strict Open XML (ISO/IEC 29500 Strict), which openpyxl does not read: it finds no sheet in such
#: a workbook and would read it as empty.
_STRICT_NS = "http://purl.oclc.org/ooxml/"
_STRICT = (
    "a Strict Open XML Spreadsheet: the Strict format is not supported; save the workbook as a normal Excel "
    "Workbook (.xlsx)"
)
_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl (and the XML) refuse in a cell
_YES = frozenset({"yes", "y", "true", "x", "1", "✓", "✔"})
_NO = frozenset({"no", "n", "false", "0", "", "-"})
#: The key of an imported node's origin (comet_cn.importers.PROVENANCE, not imported: it would load every importer).
_PROVENANCE = "dcterms:source"


# ---- layout -----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _sheet_of_class() -> dict[str, int]:
    terms = vocabulary().terms
    found: dict[str, int] = {}
    for index, sheet in enumerate(SHEETS):
        for term in sheet.classes:
            found.setdefault(terms[term].iri, index)
    return found


def sheet_position(types: Iterable[str]) -> int:
    """The index in :data:`SHEETS` of the sheet for a node with these types (class IRIs)."""
    direct = _sheet_of_class()
    best = len(SHEETS) - 1
    for cls in types:
        if cls in direct:
            best = min(best, direct[cls])
            continue
        for parent in superclasses(cls):
            if parent in direct:
                best = min(best, direct[parent])
    return best


def sheet_for_types(types: Iterable[str]) -> str:
    """The name of the sheet a node with these types (class IRIs) goes to."""
    return SHEETS[sheet_position(types)].name


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header (a context term), whether a rule requires it, and what row 2 says."""

    term: str
    required: bool
    note: str
    comment: str = ""
    choices: tuple[str, ...] = ()
    #: The sheet's kinds of node the rules require it of, when not all of them (reversalDate: RemovalReversal).
    only: tuple[str, ...] = ()


_DATATYPE_HINTS = {
    "http://www.w3.org/2001/XMLSchema#date": "a date YYYY-MM-DD",
    "http://www.w3.org/2001/XMLSchema#gYear": "a year YYYY",
    "http://www.w3.org/2001/XMLSchema#decimal": "a plain decimal, e.g. 1250.5",
    "http://www.w3.org/2001/XMLSchema#boolean": "true or false",
    "http://www.w3.org/2001/XMLSchema#integer": "a whole number",
}


def _name(iri: str) -> str:
    return vocabulary().by_iri.get(iri) or compact_iri(iri, vocabulary().prefixes)


def _column(term: str, reqs: Sequence[Requirement], kinds: Sequence[str] = ()) -> Column:
    """The column of ``term`` on a sheet of ``kinds`` of node, from the requirements ``reqs`` of its rules."""
    vocab = vocabulary()
    definition = vocab.terms[term]
    mine = [r for r in reqs if r.term == term]
    needed = [r for r in mine if r.required]
    violations = [r for r in needed if r.severity == "Violation"]
    rules = sorted({r.rule_id for r in (needed or mine)})
    # A sheet holds several kinds of node: say which a requirement is of, when not all (a person filling the
    # Reductions sheet read "reversalDate REQUIRED" as required of every reduction; red teams 113b, 116c).
    # A kind that is a superclass of another of the sheet's (COMET's RetirementEvent of OffsettingEvent) is not
    # a kind of row of its own here.
    rows = [
        k for k in kinds if not any(o != k and vocab.terms[k].iri in superclasses(vocab.terms[o].iri) for o in kinds)
    ]
    of = [k for k in rows if any(r.applies_to(equivalents(vocab.terms[k].iri)) for r in (violations or needed))]
    only = tuple(of) if of and len(of) < len(rows) else ()
    if violations:
        status = "REQUIRED"
    elif needed:
        status = "RECOMMENDED"
    else:
        status = "optional"
    parts: list[str] = []
    lows = [r.min_count for r in needed if r.min_count]
    highs = [r.max_count for r in mine if r.max_count is not None]
    choice = next((r.one_of for r in needed if r.one_of), ())
    if choice:
        parts.append("this or " + " or ".join(_name(p) for p in choice if _name(p) != term))
    elif lows and highs and max(lows) == min(highs) == 1:
        parts.append("exactly one")
    elif lows:
        parts.append(f"at least {max(lows)}")
    elif highs:
        parts.append(f"at most {min(highs)}")
    values = tuple(dict.fromkeys(_name(v) for v in next((r.values for r in mine if r.values), ())))
    classes = next((r.node_classes for r in mine if r.node_classes), ())
    datatype = next((r.datatype for r in mine if r.datatype), None) or definition.datatype
    if len(values) == 1:
        parts.append(values[0])
    elif values:
        parts.append("one of " + ", ".join(values))
    elif classes:
        parts.append("the id of a node typed " + " or ".join(_name(c) for c in classes))
    elif definition.kind == "id":
        parts.append("the id of a node")
    elif definition.kind == "vocab":
        parts.append("a term")
    elif datatype in _DATATYPE_HINTS:
        parts.append(_DATATYPE_HINTS[datatype])
    else:
        parts.append("text")
    graph = ontology_graph()
    label = str(graph.value(URIRef(definition.iri), RDFS.label) or term)
    which = f", for {' or '.join(only)} rows" if only else ""
    needed_by = f" ({', '.join(rules)}{which})" if rules else ""
    note = f"{label[:1].upper()}{label[1:]}. {status}{needed_by}: {'; '.join(parts)}."
    comment = str(graph.value(URIRef(definition.iri), SKOS.definition) or label)
    single = any(r.max_count == 1 for r in mine)
    choices: tuple[str, ...] = ()
    if single and datatype == "http://www.w3.org/2001/XMLSchema#boolean":
        choices = ("true", "false")
    elif single and values and definition.kind == "vocab":
        choices = values
    return Column(term, status != "optional", note, comment, choices, only)


@cache
def template_columns(sheet: str) -> tuple[Column, ...]:
    """The template's columns of a sheet of nodes: id, type, label, the properties the rules require of its
    classes (in context order), then the other properties of its classes."""
    spec = next(s for s in SHEETS if s.name == sheet)
    vocab = vocabulary()
    own: set[str] = set()
    for term in spec.classes:
        own |= superclasses(vocab.terms[term].iri)
    reqs = [r for r in requirements() if r.applies_to(vocab.terms[t].iri for t in spec.classes)]
    skip = {"id", "type", "label"} | checklist_properties()
    position = vocab.position
    named = [(r, r.term) for r in reqs if r.term is not None and r.term in vocab.terms]
    required = {term for r, term in named if r.required} - skip
    optional = ({term for _, term in named} | set(domain_terms(own)) | set(spec.extra)) - skip - required
    kinds = ", ".join(spec.classes)
    columns = [
        Column("id", True, "The node's id: ex:name with a prefix of the Prefixes sheet, or a full IRI."),
        Column(
            "type",
            False,
            f"Its type: {kinds or 'any class'}"
            + (f" (blank: {spec.classes[0]})" if spec.classes else "")
            + ". Several: one per line.",
            choices=spec.classes if len(spec.classes) > 1 else (),
        ),
        Column("label", False, "optional: a name for people."),
    ]
    for group in (required, optional):
        ordered = sorted(group, key=lambda t: (position.get(t, len(position)), t))
        columns += [_column(t, reqs, spec.classes) for t in ordered]
    return tuple(columns)


# ---- cells ------------------------------------------------------------------------------------------------------

_EXPLICIT = re.compile(r'"(?:[^"\\]|\\.)*"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^([^\s"<>,;]+))?')
_BRACKETED = re.compile(r"<([^<>\s]*)>")
_BARE = re.compile(r"[^\s,;\"<>]+")


def _explicit(value: Mapping[str, Any]) -> str:
    text = json.dumps(value["@value"] if isinstance(value["@value"], str) else str(value["@value"]), ensure_ascii=False)
    if "@language" in value:
        return f"{text}@{value['@language']}"
    if "@type" in value:
        return f"{text}^^{value['@type']}"
    return text


def _decode_explicit(match: re.Match[str]) -> dict[str, Any]:
    quoted = match.group(0)
    language, datatype = match.group(1), match.group(2)
    body = quoted[: quoted.rindex('"') + 1]
    result: dict[str, Any] = {"@value": json.loads(body)}
    if language:
        result["@language"] = language
    elif datatype:
        result["@type"] = datatype
    return result


def _tokens(text: str, where: str) -> list[tuple[str, Any]]:
    """The values of an id, vocabulary or type cell, split by lines, spaces or commas, each tagged ``name`` (as
    written), ``iri`` (written ``<...>``) or ``literal`` (written ``"..."``, decoded to a value object)."""
    found: list[tuple[str, Any]] = []
    position = 0
    while position < len(text):
        if text[position] in " \t\r\n,;":
            position += 1
            continue
        explicit = _EXPLICIT.match(text, position)
        bracketed = _BRACKETED.match(text, position)
        bare = _BARE.match(text, position)
        if explicit:
            found.append(("literal", _decode_explicit(explicit)))
            position = explicit.end()
        elif bracketed:
            found.append(("iri", bracketed.group(1)))
            position = bracketed.end()
        elif bare:
            found.append(("name", bare.group(0)))
            position = bare.end()
        else:
            raise InputError(where, f"cannot read the value at character {position + 1}")
    return found


def _decode(text: str, column: str, where: str) -> list[Any]:
    """A cell's text as JSON-LD values of ``column`` (a term, a compact IRI, or a key the context lacks)."""
    text = text.strip()
    if not text:
        return []
    definition = vocabulary().terms.get(column)
    if column == "type" or (definition is not None and definition.kind in ("id", "vocab")):
        vocab = definition is not None and definition.kind == "vocab"
        return [{"@id": value} if kind == "iri" and vocab else value for kind, value in _tokens(text, where)]
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    parsed: list[Any] = []
    for line in lines:
        explicit = _EXPLICIT.fullmatch(line)
        bracketed = _BRACKETED.fullmatch(line)
        if explicit:
            parsed.append(_decode_explicit(explicit))
        elif bracketed:
            parsed.append({"@id": bracketed.group(1)})
        else:
            return [text]
    return parsed


def _literal_suffix(definition: TermDef | None) -> str:
    if definition is None or definition.kind != "literal":
        return ""
    if definition.language:
        return f"@{definition.language}"
    if definition.datatype:
        return "^^" + compact_iri(definition.datatype, vocabulary().prefixes)
    return ""


def _encode(values: Sequence[Any], column: str) -> str:
    """JSON-LD values of ``column`` as a cell's text that :func:`_decode` reads back as the same values."""
    if not values:
        return ""
    definition = vocabulary().terms.get(column)
    as_names = column == "type" or (definition is not None and definition.kind in ("id", "vocab"))
    if as_names:
        tokens = []
        for value in values:
            if isinstance(value, Mapping) and "@value" in value:
                tokens.append(_explicit(value))
            elif isinstance(value, Mapping):
                name = str(value.get("@id", ""))
                tokens.append(
                    f"<{name}>" if definition is not None and definition.kind == "vocab" else _name_token(name)
                )
            else:
                tokens.append(_name_token(_scalar(value)))
        return "\n".join(tokens)
    if len(values) == 1:
        natural = _natural(values[0])
        if natural is not None and _decode(natural, column, "") == [natural] and not _ILLEGAL.search(natural):
            return natural
    return "\n".join(_literal_token(value, definition) for value in values)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _natural(value: Any) -> str | None:
    return None if isinstance(value, Mapping) else _scalar(value)


def _name_token(name: str) -> str:
    return name if _BARE.fullmatch(name) and not name.startswith('"') else f"<{name}>"


def _literal_token(value: Any, definition: TermDef | None) -> str:
    if isinstance(value, Mapping) and "@value" in value:
        return _explicit(value)
    if isinstance(value, Mapping):
        return f"<{value.get('@id', '')}>"
    return json.dumps(_scalar(value), ensure_ascii=False) + _literal_suffix(definition)


# ---- the cells of a finding -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellRef:
    """Where a value lives in a workbook: the sheet, the row (1-based, as the spreadsheet shows it) and the column
    (its header: a context term, or ``id`` for the node's row), with the column's letter."""

    sheet: str
    row: int
    column: str
    letter: str = ""

    def __str__(self) -> str:
        where = f"{self.letter}{self.row}" if self.letter else f"row {self.row}"
        return f"sheet {self.sheet!r}, row {self.row}, column {self.column} ({where})"


@dataclass(frozen=True)
class WorkbookClaim:
    """A workbook read: the claim as JSON-LD in the bundled context, and where each node and value came from.

    :ivar cells: (node IRI or blank-node label, property term or None for the node's row) -> cell. A checklist
        row is also found under (holder, item term), e.g. (report, ``"ReportElement_h"``).
    """

    document: dict[str, Any]
    cells: Mapping[tuple[str, str | None], CellRef]


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _value_keys(text: str) -> set[str]:
    """The forms a value is matched by: as written, and as a number when it is one (12450 = 12450.0)."""
    keys = {text}
    if _NUMBER.fullmatch(text):
        with contextlib.suppress(ArithmeticError, ValueError):  # an exponent past the decimal context's range
            keys.add("#" + str(Decimal(text).normalize()))
    return keys


class _Cells(Mapping[tuple[str, str | None], CellRef]):
    """The cells of a workbook read (see :attr:`WorkbookClaim.cells`), with the values each node's cells hold: a
    finding that names no property is placed at the one cell of its node's row holding the finding's value."""

    def __init__(
        self,
        cells: Mapping[tuple[str, str | None], CellRef],
        held: Mapping[str, Sequence[tuple[frozenset[str], CellRef]]],
    ) -> None:
        self._cells = dict(cells)
        self._held = {node: tuple(entries) for node, entries in held.items()}

    def __getitem__(self, key: tuple[str, str | None]) -> CellRef:
        return self._cells[key]

    def __iter__(self) -> Iterator[tuple[str, str | None]]:
        return iter(self._cells)

    def __len__(self) -> int:
        return len(self._cells)

    def holding(self, node: str, value: str) -> CellRef | None:
        """The one cell of the node's rows that holds the value (None when none or several do)."""
        keys = _value_keys(value)
        found = {cell for held, cell in self._held.get(node, ()) if keys & held}
        return found.pop() if len(found) == 1 else None

    def anywhere(self, value: str) -> tuple[CellRef, ...]:
        """Every cell, of any node, that holds the value: a finding across claims may name a value (a credit's
        serial) rather than a node of this workbook."""
        keys = _value_keys(value)
        found = {cell for entries in self._held.values() for held, cell in entries if keys & held}
        return tuple(sorted(found, key=lambda cell: (cell.sheet, cell.row, cell.letter, cell.column)))


def locate(
    cells: Mapping[tuple[str, str | None], CellRef], focus_node: str, path: str | None, value: str | None = None
) -> CellRef | None:
    """The cell a finding is about: its node's cell for the property ``path`` (an IRI, a compact IRI or a term),
    the checklist row of ``value`` when that is a checklist item, else (a finding of a rule that names no property)
    the one cell of the node's row that holds ``value``, else the node's row; None for a node not read from the
    workbook."""
    vocab = vocabulary()
    for candidate in (value, path):
        if candidate is None:
            continue
        term = vocab.by_iri.get(expand_iri(candidate, vocab.prefixes), candidate)
        found = cells.get((focus_node, term))
        if found is not None:
            return found
    if value is not None and isinstance(cells, _Cells):
        held = cells.holding(focus_node, value)
        if held is not None:
            return held
    return cells.get((focus_node, None))


def locate_all(
    cells: Mapping[tuple[str, str | None], CellRef], focus_node: str, path: str | None, value: str | None = None
) -> tuple[CellRef, ...]:
    """The cells an audit finding is about in one workbook of the set: as :func:`locate` for a node read from it,
    else every cell holding the finding's value (the focus is a value, such as a serial, or a node of another
    input whose value this workbook holds too)."""
    cell = locate(cells, focus_node, path, value)
    if cell is not None:
        return (cell,)
    if not isinstance(cells, _Cells):
        return ()
    return tuple(dict.fromkeys(found for wanted in (value, focus_node) if wanted for found in cells.anywhere(wanted)))


# ---- writing ----------------------------------------------------------------------------------------------------


def _openpyxl(name: str) -> ModuleType:
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError:
        raise InputError(name, "the claim workbook needs openpyxl: pip install 'comet-cn[workbook]'") from None
    module: ModuleType = openpyxl
    return module


def write_template(path: Path) -> None:
    """Write the empty claim workbook (template) to ``path``."""
    write_bytes(path, template_bytes(name=str(path)))


def template_bytes(*, name: str = "<template>") -> bytes:
    """The empty claim workbook, as the bytes of an .xlsx file."""
    return _workbook(None, name)


def workbook_from_document(document: Mapping[str, Any] | list[Any], path: Path) -> None:
    """Write a filled workbook for a JSON-LD claim (any JSON-LD; the graph is kept exactly)."""
    write_bytes(path, workbook_bytes(document, name=str(path)))


def workbook_bytes(document: Mapping[str, Any] | list[Any], *, name: str = "<workbook>") -> bytes:
    """A filled workbook for a JSON-LD claim, as the bytes of an .xlsx file."""
    return _workbook(canonical(document), name)


@dataclass
class _Row:
    sheet: str
    node: dict[str, Any]


@dataclass
class _CheckRow:
    holder: str
    checklist: str
    item: str
    meaning: str
    included: bool | None
    location: list[Any]
    page: list[Any]


def _types_of(node: Mapping[str, Any], prefixes: Mapping[str, str]) -> list[str]:
    vocab = vocabulary()
    raw = node.get("@type", [])
    names = raw if isinstance(raw, list) else [raw]
    found = []
    for name in names:
        if not isinstance(name, str):
            continue
        if name in vocab.terms:
            found.append(vocab.terms[name].iri)
        elif ":" not in name:
            found.append(MARKER + name)
        else:
            found.append(expand_iri(name, prefixes))
    return found


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _layout(document: Mapping[str, Any]) -> tuple[list[_Row], list[_CheckRow], dict[str, str]]:
    """Rows of the node sheets and of the checklist for a canonical document."""
    own = document_prefixes(document)
    prefixes = {**vocabulary().prefixes, **own}
    nodes = [dict(n) for n in document.get("@graph", [])]
    used = {str(n.get("@id")) for n in nodes}
    counter = iter(range(1, 1 << 30))

    def fresh() -> str:
        while True:
            label = f"_:b{next(counter)}"
            if label not in used:
                used.add(label)
                return label

    checks: list[_CheckRow] = []
    for node in nodes:
        checks += _take_checklists(node, prefixes)
    rows: list[_Row] = []
    queue = list(nodes)
    while queue:
        node = queue.pop(0)
        for key, value in list(node.items()):
            if key.startswith("@"):
                continue
            values = _as_list(value)
            for index, item in enumerate(values):
                if isinstance(item, dict) and "@value" not in item and set(item) != {"@id"}:
                    nested = dict(item)
                    nested["@id"] = nested.get("@id") or fresh()
                    queue.append(nested)
                    definition = vocabulary().terms.get(key)
                    named = definition is not None and definition.kind in ("id", "vocab")
                    values[index] = nested["@id"] if named else {"@id": nested["@id"]}
            node[key] = values
        rows.append(_Row(sheet_for_types(_types_of(node, prefixes)), node))
    return rows, checks, own


def _take_checklists(node: dict[str, Any], prefixes: Mapping[str, str]) -> list[_CheckRow]:
    """Move the node's ticked items and their evidence into checklist rows (what cannot move stays)."""
    holder = str(node.get("@id"))
    own: set[str] = set()
    for cls in _types_of(node, prefixes):
        own |= superclasses(cls)
    rows: list[_CheckRow] = []
    for checklist in checklists():
        if checklist.property not in node and not own & set(checklist.holders):
            continue
        ticked = _as_list(node.pop(checklist.property, []))
        names = [v for v in ticked if isinstance(v, str)]
        rest = [v for v in ticked if not isinstance(v, str)]
        if rest:
            node[checklist.property] = rest
        official = [term for term, _ in checklist.items]
        meanings = dict(checklist.items)
        for item in [*official, *(n for n in names if n not in official)]:
            rows.append(_CheckRow(holder, checklist.property, item, meanings.get(item, ""), item in names, [], []))
    if not rows or "hasEvidence" not in node:
        return rows
    by_item = {row.item: row for row in rows}
    kept = []
    for evidence in _as_list(node.pop("hasEvidence")):
        row = by_item.get(str(evidence.get("evidenceFor"))) if isinstance(evidence, dict) else None
        if (
            row is not None
            and isinstance(evidence, dict)
            and set(evidence) <= {"evidenceFor", "evidenceLocation", "evidencePage"}
            and not row.location
            and not row.page
            and not isinstance(evidence.get("evidenceLocation"), list)
            and not isinstance(evidence.get("evidencePage"), list)
            and ("evidenceLocation" in evidence or "evidencePage" in evidence)
        ):
            row.location = [evidence["evidenceLocation"]] if "evidenceLocation" in evidence else []
            row.page = [evidence["evidencePage"]] if "evidencePage" in evidence else []
        else:
            kept.append(evidence)
    if kept:
        node["hasEvidence"] = kept
    return rows


def _workbook(document: Mapping[str, Any] | None, name: str) -> bytes:
    openpyxl = _openpyxl(name)
    from openpyxl.comments import Comment  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    rows, checks, prefixes = _layout(document) if document is not None else ([], _template_checks(), {})
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = README
    _readme(readme)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    note_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")

    def put(sheet: Any, row: int, column: int, text: str) -> None:
        cell = sheet.cell(row=row, column=column, value=text)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        cell.number_format = "@"

    def header(sheet: Any, columns: Sequence[Column]) -> None:
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            put(sheet, 1, index, column.term)
            put(sheet, 2, index, column.note)
            top, note = sheet.cell(row=1, column=index), sheet.cell(row=2, column=index)
            top.font = bold
            top.fill = required_fill if column.required else header_fill
            note.alignment = wrap
            note.fill = note_fill
            note.font = Font(italic=True, size=9)
            if column.comment:
                top.comment = Comment(column.comment, "comet-cn", width=320, height=160)
            dimension = sheet.column_dimensions[letter]
            dimension.width = min(max(len(column.term) + 4, 16), 42)
            dimension.number_format = "@"
            if column.choices:
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
                )
                sheet.add_data_validation(validation)
                validation.add(f"{letter}{_FIRST_ROW}:{letter}2000")
        sheet.row_dimensions[2].height = 75
        sheet.freeze_panes = sheet.cell(row=_FIRST_ROW, column=2)

    for spec in SHEETS:
        sheet = book.create_sheet(spec.name)
        mine = [row.node for row in rows if row.sheet == spec.name]
        columns = list(template_columns(spec.name)) if spec.name != OTHER else list(template_columns(OTHER))
        known = {c.term for c in columns}
        position = vocabulary().position
        extra = sorted(
            {key for node in mine for key in node if not key.startswith("@") and key not in known},
            key=lambda k: (position.get(k, len(position)), k),
        )
        columns += [_extra_column(key) for key in extra]
        header(sheet, columns)
        for offset, node in enumerate(mine):
            for index, column in enumerate(columns, start=1):
                key = {"id": "@id", "type": "@type"}.get(column.term, column.term)
                if key in node:
                    text = _encode(_as_list(node[key]), column.term)
                    if text:
                        put(sheet, _FIRST_ROW + offset, index, text)
    check = book.create_sheet(CHECKLIST)
    header(
        check,
        [
            Column(h, h == "included", n, choices=("yes", "no") if h == "included" else ())
            for h, n in zip(_CHECKLIST_HEADERS, _CHECKLIST_NOTES, strict=True)
        ],
    )
    for offset, entry in enumerate(checks):
        cells = (
            entry.holder if not entry.holder.startswith("#") else "",
            entry.checklist,
            entry.item,
            entry.meaning,
            "" if entry.included is None else ("yes" if entry.included else "no"),
            _encode(entry.location, "evidenceLocation"),
            _encode(entry.page, "evidencePage"),
        )
        for index, text in enumerate(cells, start=1):
            if text:
                put(check, _FIRST_ROW + offset, index, text)
    check.column_dimensions["D"].width = 60
    table = book.create_sheet(PREFIXES)
    header(table, [Column(h, True, n) for h, n in zip(_PREFIX_HEADERS, _PREFIX_NOTES, strict=True)])
    table.column_dimensions["B"].width = 50
    entries = prefixes if document is not None else {"ex": "https://example.org/your-organization/"}
    for offset, (prefix, namespace) in enumerate(sorted(entries.items())):
        put(table, _FIRST_ROW + offset, 1, prefix)
        put(table, _FIRST_ROW + offset, 2, namespace)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _extra_column(key: str) -> Column:
    vocab = vocabulary()
    if key in vocab.terms:
        base = _column(key, ())
        return Column(key, False, base.note.replace("optional", "not in the template", 1), base.comment)
    if key == _PROVENANCE:
        # Imported rows (cn-import, cn-merge) keep the registry export's file and row: what to check a finding against.
        return Column(
            key,
            False,
            "Where the row was imported from: the registry export's file:row (cn-import). Kept as written; no rule "
            "reads it.",
        )
    return Column(key, False, "Not a term of the context: kept as written; cn-validate reports it (CN-INPUT-02).")


def _template_checks() -> list[_CheckRow]:
    return [
        _CheckRow("#", checklist.property, term, meaning, None, [], [])
        for checklist in sorted(checklists(), key=lambda c: sheet_position(c.holders))
        for term, meaning in checklist.items
    ]


def _readme(sheet: Any) -> None:
    lines = [
        "comet-cn claim workbook: an ISO 14068-1 carbon-neutrality claim",
        "",
        "One sheet per part of a claim; in each, one row per node (a claim, a credit, a period...).",
        "Row 1 names each column's property (a term of the comet-cn JSON-LD context); row 2 says whether a rule "
        "requires it (REQUIRED, with the rule id; orange headers) and what to write. Data starts on row 3.",
        "id names the node, e.g. ex:credit-1 (the prefix ex is declared in the Prefixes sheet); other cells name "
        "nodes by their id. type is the kind of node: blank means the sheet's first type.",
        "Several values in one cell: one per line (Alt+Enter); ids may also be separated by spaces or commas.",
        "Dates YYYY-MM-DD, years YYYY, tonnes CO2e as plain decimals (1250.5), booleans true or false. Cells are "
        "text: what you type is kept as written, and a malformed value is reported, not repaired.",
        "The Checklist sheet ticks the items of the report (§12 a-x), plan (§9.1 a-m), claim summary (§13 a-k) and "
        "commitment (§6 a-k) and the criteria of credits (§11.2 a-e) and programmes (§11.3 a-i): yes or no, with "
        "the document and page that show it.",
        "A column you add is read too when its header is a term of the context; any other header is reported "
        "(CN-INPUT-02), as a misspelt key would be.",
        'Written by conversions, rarely by hand: <ex:node> names a node in a text column; "text"^^xsd:decimal, '
        '"text"@en and "text" give a value an explicit datatype or language (one per line).',
        "",
        "Check it: cn-validate claim.xlsx, or cn-convert claim.xlsx claim.jsonld and cn-validate claim.jsonld. "
        "Findings name the sheet, row and column to fix. docs/workbook.md explains the sheets.",
        "",
        "Sheets:",
        *(f"{spec.name}: {spec.about}" for spec in SHEETS),
        f"{CHECKLIST}: yes/no items with their evidence.",
        f"{PREFIXES}: the prefixes ids use.",
    ]
    for index, line in enumerate(lines, start=1):
        sheet.cell(row=index, column=1, value=line)
    from openpyxl.styles import Font

    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


# ---- reading ----------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell's value as the text a person typed (Excel may have stored a number or a date instead)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def _number_text(value: float) -> str:
    """A stored number as Excel shows it: to 15 significant digits, the precision Excel keeps, in plain decimal
    notation. The stored double of a SUM that shows 12451.4 is 12451.399999999998, and 0.00009 is 9e-05 in
    Python's notation: read as such, a footprint summed in the sheet fell short of its own emissions, and a value
    per unit was "not a plain decimal"."""
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) <= 2**53:  # a whole number a double holds exactly: every digit is its own
        return str(int(value))
    text = format(Decimal(format(value, ".15g")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rows(sheet: Any, budget: list[int], name: str) -> Iterator[tuple[int, list[str], tuple[Any, ...]]]:
    """A sheet's rows: the row's number, its cells as text (:func:`_text`) and as openpyxl read them."""
    # Read-only mode trusts the sheet's <dimension> record and drops the rows and columns outside it; a stale one
    # (written by another tool, or by hand) would hide rows that Excel shows. _check_archive made sure that the
    # sheet's rows are in order and its size is bounded, so every row of the XML is read.
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        texts = [_text(v) for v in values]
        budget[0] -= sum(1 for t in texts if t)
        if budget[0] < 0:
            raise InputError(name, f"the workbook holds over {_MAX_CELLS} filled cells")
        yield number, texts, values


@dataclass
class _ArrayFormula:
    """An array formula over several cells, each of which stores its part of the result: the range as written, its
    corners (column and row numbers) and how many of its cells have shown no stored result yet."""

    ref: str
    first_column: int
    first_row: int
    last_column: int
    last_row: int
    unstored: int

    def holds(self, column: int, row: int) -> bool:
        return self.first_column <= column <= self.last_column and self.first_row <= row <= self.last_row


class _PartScan:
    """What openpyxl's read-only mode will make of one XML part, counted with the same XML parser (expat) before
    it parses anything: elements, cells and rows against the workbook's bounds, and rows or cells out of order,
    which read-only mode skips without a word (it walks rows and columns forward only)."""

    _ROW = _SHEET_NS + "}row"
    _FORMULA = _SHEET_NS + "}f"
    _VALUE = _SHEET_NS + "}v"
    _MERGED = _SHEET_NS + "}mergeCell"
    _CALC = _SHEET_NS + "}calcPr"  # in the workbook part (same namespace)

    def __init__(self, where: str, budget: list[int], name: str) -> None:
        self.where, self.budget, self.name = where, budget, name
        self.depth = 0
        self.row_depth = -1  # the depth of the open <row>'s cells, -1 outside one
        self.row = 0  # openpyxl's row counter: the last row's number
        self.column = 0  # its column counter: the last cell's column
        self.rows_seen = False
        # The open cell: its reference and type, whether it holds a formula, whether it has a value element
        # (value_seen) and whether that holds text (valued).
        self.cell_ref: str | None = None
        self.cell_type: str | None = None
        self.formula = self.valued = self.value_seen = self.in_value = False
        self.uncached: str | None = None  # the first formula cell with no stored result
        self.merged: str | None = None  # the first merged range
        self.error: str | None = None  # the first cell holding a spreadsheet error (#N/A, #REF!), and the error
        self.error_text = ""
        self.arrays: list[_ArrayFormula] = []  # array formulas over several cells
        self.formula_cell: str | None = None  # the first cell holding a formula (with its stored result)
        self.in_formula = False
        self.formula_text = ""
        self.total: str | None = None  # the first cell summing the cells above it in its column, and its formula
        self.recalculate = False  # the workbook part asks to be recalculated when opened (fullCalcOnLoad)

    def unreadable(self) -> str | None:
        """What makes cells of this part read as empty though they show a value, and what to do, in words; None when
        nothing does."""
        resave = "open and save the workbook in a spreadsheet program (which stores the results), or type the value"
        if self.uncached is not None:
            return f"cell {self.uncached} holds a formula with no stored result, which would read as empty: {resave}"
        unstored = next((array.ref for array in self.arrays if array.unstored > 0), None)
        if unstored is not None:
            return (
                f"cells {unstored} hold an array formula whose results are not all stored, and those missing would "
                f"read as empty: {resave}"
            )
        if self.error is not None:
            # Read as the text "#N/A", it would be reported as a misspelt term or a malformed value.
            return f"cell {self.error}, not a value: correct the formula or type the value"
        if self.merged is not None:
            # A merged range holds its value in its first cell only; the others, which show it, read as empty.
            return (
                f"cells {self.merged} are merged, and only the first of them holds a value (the others read as "
                "empty): unmerge them and fill in each cell"
            )
        return None

    def refuse(self, problem: str) -> None:
        raise InputError(self.name, f"{self.where}: {problem}")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        # budget: elements, cells, grid left (kept in a list: this runs for every element, so it is kept lean)
        budget = self.budget
        budget[0] -= 1
        if budget[0] < 0:
            raise InputError(self.name, f"the workbook holds over {_MAX_ELEMENTS} XML elements")
        self.depth += 1
        if self.depth == self.row_depth:
            self.cell(attrs.get("r"))  # openpyxl reads every child of a row as a cell
            self.cell_ref, self.cell_type = attrs.get("r"), attrs.get("t")
            self.formula = self.valued = self.value_seen = False
            self.error_text = self.formula_text = ""
        elif self.depth == self.row_depth + 1 and self.row_depth > 0:
            if tag == self._FORMULA:
                self.formula = self.in_formula = True
                if attrs.get("t") == "array":
                    self.array(attrs.get("ref"))
            self.in_value = tag == self._VALUE
            self.value_seen |= self.in_value
        elif tag == self._ROW:
            self.open_row(attrs.get("r"))
        elif tag == self._MERGED and self.merged is None:
            self.merged = attrs.get("ref") or "?"
        elif tag == self._CALC and attrs.get("fullCalcOnLoad", "").strip().lower() in ("1", "true"):
            self.recalculate = True
        elif self.depth == 1 and (tag.startswith(_STRICT_NS) or attrs.get("conformance") == "strict"):
            raise InputError(self.name, _STRICT)

    def open_row(self, label: str | None) -> None:
        if self.row_depth >= 0:
            self.refuse(f"a row inside row {self.row}")
        number = self.row + 1
        if label is not None:
            try:
                number = int(float(label.strip()))
            except (ValueError, OverflowError):
                return  # openpyxl refuses it too: the workbook cannot be read
        if number <= self.row or number < 1:
            where = f"row {number} comes after row {self.row}" if self.rows_seen else f"a row numbered {number}"
            self.refuse(f"{where} in the file; rows must be in order (save the workbook again from a spreadsheet)")
        if number > _MAX_SHEET_ROWS:
            self.refuse(f"row {number} is beyond the last row of a sheet ({_MAX_SHEET_ROWS})")
        self.row, self.column, self.row_depth, self.rows_seen = number, 0, self.depth + 1, True

    def cell(self, coordinate: str | None) -> None:
        budget = self.budget
        budget[1] -= 1
        if budget[1] < 0:
            raise InputError(self.name, f"the workbook holds over {_MAX_CELLS} cells (empty ones included)")
        column = self.column + 1
        match = _COORDINATE.fullmatch(coordinate) if coordinate else None
        if match:
            column = _column_number(match.group(1))
            if int(match.group(2)) != self.row:
                self.refuse(f"cell {coordinate} is written in row {self.row}; save the workbook again")
            if column <= self.column:
                self.refuse(f"cell {coordinate} comes after column {_letter(self.column)} of its row in the file")
        self.column = column

    def text(self, data: str) -> None:
        if self.in_formula:
            self.formula_text += data
        if self.in_value:
            if data.strip():
                self.valued = True
            if self.cell_type == "e":
                self.error_text += data

    def array(self, ref: str | None) -> None:
        """An array formula's range: each of its cells must hold a stored result (see :meth:`end`)."""
        ends = [_COORDINATE.fullmatch(part) for part in (ref or "").split(":")]
        if len(ends) == 2 and all(ends):
            (first_column, first_row), (last_column, last_row) = (
                (_column_number(match.group(1)), int(match.group(2))) for match in ends if match
            )
            area = (last_column - first_column + 1) * (last_row - first_row + 1)
            if area > 1:
                self.arrays.append(_ArrayFormula(str(ref), first_column, first_row, last_column, last_row, area))

    def end(self, tag: str) -> None:
        self.in_value = self.in_formula = False
        if self.depth == self.row_depth:
            if self.formula_text and self.total is None and _sums_above(self.formula_text, self.column, self.row):
                where = self.cell_ref or f"{_letter(self.column)}{self.row}"
                self.total = f"{where} (={self.formula_text.strip()[:40]})"
            # openpyxl reads a formula's stored result, and a workbook written by a program that does not
            # calculate (openpyxl itself, pandas) stores none: the cell would read as empty, its value lost. A text
            # result may be empty (<v></v>), but is there.
            stored = self.valued or (self.cell_type == "str" and self.value_seen)
            if self.cell_type == "e" and self.valued and self.error is None:
                where = self.cell_ref or f"column {_letter(self.column)} of row {self.row}"
                self.error = f"{where} holds the spreadsheet error {self.error_text.strip()[:20]}"
            if self.formula and not stored:
                self.uncached = self.uncached or self.cell_ref or f"column {_letter(self.column)} of row {self.row}"
            if self.formula and self.formula_cell is None:
                self.formula_cell = self.cell_ref or f"column {_letter(self.column)} of row {self.row}"
            if stored:
                for array in self.arrays:
                    if array.holds(self.column, self.row):
                        array.unstored -= 1
        if self.depth + 1 == self.row_depth:
            self.row_depth = -1
            # the row as read: as wide as its last cell, the gaps filled with empty values
            self.budget[2] -= max(self.column, 1)
            if self.budget[2] < 0:
                raise InputError(self.name, f"the workbook's sheets span over {_MAX_GRID} cells (rows x columns)")
        self.depth -= 1

    def refuse_dtd(self, *_: Any) -> None:
        self.refuse("declares a DTD, which the parts of an .xlsx workbook may not")


@dataclass(frozen=True)
class _Listed:
    """A sheet the workbook lists (a ``<sheet>`` of its workbook part), and where its relationship leads.

    ``link`` is the sheet's r:id ("" when it has none); ``part`` and ``kind`` (the relationship's type, such as
    ".../worksheet" or ".../chartsheet") are None when no relationship has that id.
    """

    title: str
    link: str
    part: str | None
    kind: str | None


def _listed_sheets(archive: Any) -> list[_Listed]:
    """The sheets the workbook lists, in its order (best effort: [] when its relationships cannot be read)."""
    import posixpath
    import xml.etree.ElementTree as ET

    rels_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    doc_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

    def small(part: str) -> Any:
        info = archive.getinfo(part)
        if info.file_size > 1_000_000:
            raise ValueError(part)
        # expat without a DTD (refused in every part before this runs) expands no entity
        return ET.fromstring(archive.read(info))

    def target(base: str, ref: str) -> str:
        return ref.lstrip("/") if ref.startswith("/") else posixpath.normpath(posixpath.join(base, ref))

    try:
        book = next(
            target("", str(rel.get("Target")))
            for rel in small("_rels/.rels").iter(rels_ns + "Relationship")
            if str(rel.get("Type", "")).endswith("/officeDocument")
        )
        folder, base = posixpath.split(book)
        links = {
            str(rel.get("Id")): (target(folder, str(rel.get("Target"))), str(rel.get("Type", "")))
            for rel in small(posixpath.join(folder, "_rels", base + ".rels")).iter(rels_ns + "Relationship")
        }
        listed = []
        for sheet in small(book).iter("{" + _SHEET_NS + "}sheet"):
            link = str(sheet.get(doc_ns + "id") or "")
            part, kind = links.get(link, (None, None)) if link else (None, None)
            listed.append(_Listed(str(sheet.get("name")), link, part, kind))
        return listed
    except Exception:  # the workbook is malformed: openpyxl says so
        return []


def _sheet_parts(archive: Any) -> dict[str, str]:
    """Part name -> sheet title, from the package's relationships (best effort: {} when they cannot be read)."""
    return {sheet.part: sheet.title for sheet in _listed_sheets(archive) if sheet.part is not None}


def _unreadable_sheet(archive: Any) -> str | None:
    """Why a sheet of the template that the workbook lists cannot be read, naming it; None when each can be.

    openpyxl skips, without a word, a listed sheet with no r:id, or whose part is not in the archive, and reads a
    chartsheet as a sheet without rows: the claim's footprint sheet read as empty, and the claim was judged without
    it. A sheet of the user's own is not read, so only the template's sheets are checked; an r:id that names no
    relationship is named for any sheet (openpyxl refuses the whole workbook, naming none).
    """
    damaged = "the file is damaged; open and save it in a spreadsheet program, or write the sheet again"
    present = set(archive.namelist())
    seen: set[str] = set()
    for sheet in _listed_sheets(archive):
        title = repr(sheet.title)
        if sheet.link and sheet.part is None:
            return f"sheet {title} is listed but its link {sheet.link!r} names no part: {damaged}"
        if sheet.title not in _READ_SHEETS:
            continue
        if sheet.title in seen:
            return f"sheet {title} is listed twice, and only one of them would be read: {damaged}"
        seen.add(sheet.title)
        if not sheet.link:
            return f"sheet {title} is listed without a link to its part (no r:id): {damaged}"
        if sheet.part not in present:
            return f"sheet {title} is listed but its part {sheet.part} is missing: {damaged}"
        kind = str(sheet.kind).rsplit("/", 1)[-1]
        if kind != "worksheet":
            return (
                f"sheet {title} is a {kind or 'part of no type'}, not a worksheet, and holds no rows: write the "
                f"template's rows on a worksheet named {title}, and give the {kind or 'part'} another name"
            )
    return None


#: The first bytes of an OLE compound file: an .xls workbook, or an .xlsx workbook encrypted with a password.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_READ_SHEETS = frozenset({*(spec.name for spec in SHEETS), CHECKLIST, PREFIXES})


def _check_archive(raw: bytes, name: str) -> None:
    """Bound the work of reading a workbook before openpyxl parses any of it (see :data:`_MAX_UNZIPPED_BYTES`)."""
    import pyexpat
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip archive: openpyxl refuses it with the usual line
    with archive:
        infos = archive.infolist()
        # The zip's record of each part's size bounds what can be read: zipfile stops there, and a part that
        # unzips to more fails its checksum.
        if sum(info.file_size for info in infos) > _MAX_UNZIPPED_BYTES:
            raise InputError(name, f"the workbook unzips to over {_MAX_UNZIPPED_BYTES} bytes")
        titles: dict[str, str] | None = None
        budget = [_MAX_ELEMENTS, _MAX_CELLS, _MAX_GRID]
        recalculate = False  # the workbook asks to be recalculated when opened
        formulas: list[tuple[str, str]] = []  # (part, first formula cell) of each part holding a formula
        totals: list[tuple[str, str]] = []  # (part, first cell summing the cells above it) of each such part
        for info in infos:
            if info.is_dir():
                continue
            scan = _PartScan(f"part {info.filename}", budget, name)
            parser = pyexpat.ParserCreate(namespace_separator="}")
            parser.StartDoctypeDeclHandler = scan.refuse_dtd
            parser.StartElementHandler = scan.start
            parser.EndElementHandler = scan.end
            parser.CharacterDataHandler = scan.text
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(1 << 16):
                        try:
                            parser.Parse(chunk, False)
                        except InputError as error:
                            if titles is None:
                                titles = _sheet_parts(archive)
                            if info.filename in titles and error.problem.startswith(scan.where):
                                where = f"sheet {titles[info.filename]!r}"
                                raise InputError(name, where + error.problem[len(scan.where) :]) from None
                            raise
                    parser.Parse(b"", True)
            except (pyexpat.ExpatError, zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                continue  # not XML (an image...), or damaged: openpyxl refuses the parts it needs
            recalculate |= scan.recalculate
            if scan.formula_cell is not None:
                formulas.append((info.filename, scan.formula_cell))
            if scan.total is not None:
                totals.append((info.filename, scan.total))
            problem = scan.unreadable()
            if problem is not None:
                if titles is None:
                    titles = _sheet_parts(archive)
                title = titles.get(info.filename)
                if title not in _READ_SHEETS:  # a sheet of the user's own is not read: its cells do not matter
                    continue
                raise InputError(name, f"sheet {title!r} {problem}")
        problem = _unreadable_sheet(archive)
        if problem is not None:
            raise InputError(name, problem)
        for part, cell in totals:
            titles = titles if titles is not None else _sheet_parts(archive)
            title = titles.get(part)
            if title in _READ_SHEETS and title != CHECKLIST:
                raise InputError(
                    name,
                    f"sheet {title!r} cell {cell} sums the cells above it: its row is a total, and each row is one "
                    "node (a total would be read as one more, with the sum for its quantity): delete the row; the "
                    "checker sums the rows itself",
                )
        if recalculate and formulas:
            # The results a formula stores are those of the program that saved them; a workbook that asks to be
            # recalculated when opened may show others, and the claim would be judged on numbers no one sees.
            titles = titles if titles is not None else _sheet_parts(archive)
            for part, cell in formulas:
                title = titles.get(part)
                if title in _READ_SHEETS:
                    raise InputError(
                        name,
                        f"sheet {title!r} cell {cell} holds a formula, and the workbook asks to be recalculated when "
                        "opened (fullCalcOnLoad), so the result it stores may not be what a spreadsheet shows: open "
                        "and save the workbook in a spreadsheet program, or type the value",
                    )


def read_workbook(path: Path, *, data: bytes | None = None, limits: LoadLimits = DEFAULT_LIMITS) -> WorkbookClaim:
    """Read a claim workbook (the template's layout) as JSON-LD, with where each node and value came from.

    :param data: the file's content when it was read already; ``path`` then only names it.
    :raises InputError: the file is missing, not a workbook, or a cell cannot be read (one line, naming the cell).
    """
    name = str(path)
    openpyxl = _openpyxl(name)
    raw = data if data is not None else read_bytes(path, limits)
    if len(raw) > limits.max_bytes:
        raise InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
    _check_archive(raw, name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl errors alike: the file is not a workbook
        kind = "not a zip archive" if type(error).__name__ == "BadZipFile" else "a part is missing or malformed"
        if raw.startswith(_OLE_MAGIC):  # the old binary format, or an .xlsx encrypted with a password
            kind = "an .xls workbook or a password-protected one: save it as an .xlsx workbook without a password"
        raise InputError(name, f"not a valid .xlsx workbook ({kind})") from None
    if not book.sheetnames:  # every workbook has a sheet: none found is one openpyxl cannot read, not an empty one
        book.close()
        raise InputError(name, "not a valid .xlsx workbook (no sheet can be read)")
    try:
        return _read(book, name, limits)
    except InputError:
        raise
    except Exception:  # a workbook whose parts openpyxl reads but cannot iterate
        raise InputError(name, "not a valid .xlsx workbook (a sheet cannot be read)") from None
    finally:
        book.close()


def _read(book: Any, name: str, limits: LoadLimits) -> WorkbookClaim:
    budget = [_MAX_CELLS]
    vocab = vocabulary()
    own: dict[str, str] = {}
    rows: dict[str, int] = {}
    if PREFIXES in book.sheetnames:
        for number, texts, _ in _rows(book[PREFIXES], budget, name):
            if (
                number == 1
                or not any(t.strip() for t in texts)
                or _help_row(texts, _PREFIX_NOTES, PREFIXES, number, name)
            ):
                continue
            prefix, namespace = [*texts, "", ""][:2]
            prefix, namespace = prefix.strip().rstrip(":"), namespace.strip()
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", prefix) or not namespace.endswith(("/", "#")):
                raise InputError(
                    name, f"sheet {PREFIXES!r} row {number}: a prefix (letters) and a namespace ending in / or #"
                )
            if not is_absolute_iri(namespace):  # else one line from the JSON-LD processor with no row in it
                raise InputError(
                    name,
                    f"sheet {PREFIXES!r} row {number}: the namespace {namespace!r} is not a full IRI: write it with "
                    "its scheme (https://…) and no spaces, quotes or angle brackets",
                )
            if own.get(prefix, namespace) != namespace:  # the later row would silently rename every id
                raise InputError(
                    name,
                    f"sheet {PREFIXES!r} rows {rows[prefix]} and {number} give the prefix {prefix!r} two namespaces: "
                    "keep one",
                )
            rows.setdefault(prefix, number)
            own[prefix] = namespace
    prefixes = {**vocab.prefixes, **own}
    nodes: dict[str, dict[str, Any]] = {}
    cells: dict[tuple[str, str | None], CellRef] = {}
    if PREFIXES in book.sheetnames:
        # A finding on the document's own context (a prefix that redefines a term the rules read) is fixed here.
        cells.update(
            ((CONTEXT_NODE, prefix), CellRef(PREFIXES, number, _PREFIX_HEADERS[0], "A"))
            for prefix, number in rows.items()
        )
    held: dict[str, list[tuple[frozenset[str], CellRef]]] = {}
    layout = {spec.name: spec for spec in SHEETS}
    for title in book.sheetnames:
        if title in (README, CHECKLIST, PREFIXES) or not hasattr(book[title], "iter_rows"):
            continue  # a chart sheet holds no cells
        if title in layout:
            _read_nodes(book[title], layout[title], name, budget, prefixes, nodes, cells, held, limits)
        else:
            _check_own_sheet(book[title], name, budget)
    if CHECKLIST in book.sheetnames:
        _read_checklist(book[CHECKLIST], name, budget, prefixes, nodes, cells, limits)
    graph = [_compact(node) for node in nodes.values()]
    context: Any = [CONTEXT_IRI, dict(sorted(own.items()))] if own else CONTEXT_IRI
    return WorkbookClaim({"@context": context, "@graph": graph}, _Cells(_as_read(cells), _as_read(held)))


def _as_read(keyed: Mapping[Any, Any]) -> dict[Any, Any]:
    """``keyed`` with each node named as the claim is read: an id without a prefix (``credit-1``) is a relative IRI,
    which the JSON-LD processor resolves against its placeholder base, so a finding on that node names it so and is
    placed at its cells only under that name."""

    def node(name: str) -> str:
        if name == CONTEXT_NODE or name.startswith("_:") or is_absolute_iri(name):
            return name
        return urljoin(JSONLD_BASE, name)

    return {((node(key[0]), *key[1:]) if isinstance(key, tuple) else node(key)): value for key, value in keyed.items()}


def _check_own_sheet(sheet: Any, name: str, budget: list[int]) -> None:
    """Refuse a sheet the template does not have that is laid out like one of its sheets: a renamed sheet ("Credit",
    "credits", "Credits (2)", a copy made by Excel), whose rows would otherwise be skipped or read without the
    sheet's default type. Laid out so is a sheet whose row 1 starts with id or with prefix, or any of whose first
    rows (a title above the headers) has, within its first cells (a numbering column before them), id (in any case)
    beside two more of the template's column headers, or prefix beside namespace: red team 109b's copied events
    sheet with a title row was skipped, and the credits it retired again with it. Any other sheet of the user's own
    (notes, a chart, a table of their own) is skipped."""
    import difflib

    title = sheet.title
    head = ""
    for number, texts, _ in _rows(sheet, budget, name):
        if number > _HEADER_SEARCH_ROWS:
            break
        head = _template_header(number, texts)
        if head:
            break
    if not head:
        return
    names = [spec.name for spec in SHEETS] + [CHECKLIST] if head == "id" else [PREFIXES]
    folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(title.casefold(), list(folded), n=1, cutoff=0.6)
    hint = f" (did you mean {folded[close[0]]!r}?)" if close else ""
    raise InputError(
        name,
        f"sheet {title!r} is not a sheet of the template{hint}: name it as the template does, or move its rows to a "
        f"sheet of the template ({OTHER!r} for nodes of other types)",
    )


#: How far down a sheet of the user's own a header row of the template's is looked for (a title row or a few above).
_HEADER_SEARCH_ROWS = 10


def _template_header(number: int, texts: list[str]) -> str:
    """``"id"`` or ``"prefix"`` when row ``number`` of a sheet is a header row of the template's, else ``""``."""
    cells = [text.strip() for text in texts[: _HEADER_SEARCH_COLUMNS + 8]]
    first = cells[0] if cells else ""
    if number == 1 and first in ("id", _PREFIX_HEADERS[0]):
        return first
    folded = [cell.casefold() for cell in cells]
    for index, cell in enumerate(folded[:_HEADER_SEARCH_COLUMNS]):
        rest = folded[index + 1 :]
        if cell == "id" and sum(1 for other in rest if other in _template_headers()) >= 2:
            return "id"
        if cell == _PREFIX_HEADERS[0] and rest[:1] == [_PREFIX_HEADERS[1]]:
            return _PREFIX_HEADERS[0]
    return ""


#: A numbering column or two may stand before the id column of a copied sheet.
_HEADER_SEARCH_COLUMNS = 3


@cache
def _template_headers() -> frozenset[str]:
    """Every column header of the template's sheets of nodes and of its checklist, case-folded."""
    headers = {column.term for spec in SHEETS for column in template_columns(spec.name)} | set(_CHECKLIST_HEADERS)
    return frozenset(header.casefold() for header in headers) - {"id"}


@cache
def _help_forms() -> tuple[frozenset[str], tuple[str, ...]]:
    """The help texts cn-init writes whatever the column, and the starts of those whose end names types or rules
    ("The node's id: ", "Its type: "...), which a workbook written by an older version may word otherwise."""
    notes = [column.note for spec in SHEETS for column in template_columns(spec.name) if column.term in _NODE_KEYS]
    notes += [_extra_column(_PROVENANCE).note, _extra_column("").note, *_CHECKLIST_NOTES, *_PREFIX_NOTES]
    leads = {note.partition(": ")[0] + ": " for note in notes if ": " in note}
    return frozenset(notes), tuple(sorted(lead for lead in leads if " " in lead.strip()))


def _is_help(text: str, note: str) -> bool:
    """Whether a cell holds help text cn-init writes: ``note`` (what it writes under the cell's header today), or
    what it writes under any header, in this version or an older one (a header renamed since keeps its help)."""
    text = text.strip()
    if not text:
        return False
    texts, leads = _help_forms()
    return text == note or text in texts or text.startswith(leads) or _PROPERTY_NOTE.match(text) is not None


def _help_row(texts: Sequence[str], notes: Sequence[str], title: str, number: int, name: str) -> bool:
    """Whether a row is a help row (the row cn-init writes under the headers, found by what it says wherever it
    is: deleted, it leaves no gap; sorted among the data, it is still skipped).

    :raises InputError: the row holds both help text and values (data typed over the help row): skipping it would
        lose the values, reading it would read the help text as values.
    """
    help_at = value_at = 0
    for index, text in enumerate(texts):
        if not text.strip():
            continue
        if _is_help(text, notes[index] if index < len(notes) else ""):
            help_at = help_at or index + 1
        else:
            value_at = value_at or index + 1
        if help_at and value_at:
            raise InputError(
                name,
                f"sheet {title!r} row {number} holds both the help text cn-init writes under the headers (cell "
                f"{_letter(help_at)}{number}) and values (cell {_letter(value_at)}{number}): give the values a row "
                "of their own, or clear the help text",
            )
    return bool(help_at)


def _column_notes(spec: Sheet, headers: Sequence[str]) -> list[str]:
    """The help text cn-init writes under each of a sheet's headers."""
    notes = {column.term: column.note for column in template_columns(spec.name)}
    return [notes[h] if h in notes else _extra_column(h).note if h else "" for h in headers]


def _compact(node: dict[str, Any]) -> dict[str, Any]:
    return {key: (value[0] if isinstance(value, list) and len(value) == 1 else value) for key, value in node.items()}


def _column_number(letters: str) -> int:
    """A column's number from its letters (A is 1)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    letter: str = get_column_letter(index)
    return letter


def _check_length(text: str, where: str, limits: LoadLimits) -> None:
    if len(text) > limits.max_string_chars:
        raise InputError(where, f"a cell is longer than {limits.max_string_chars} characters")


def _check_headers(headers: Sequence[str], title: str, name: str) -> None:
    """Refuse a header row that names a column twice, or a later column ``id`` or an ``@`` keyword: read, its values
    went to one key with the other column's (a copied ``id`` column made the claim "not valid JSON-LD (colliding
    keywords)", naming no sheet)."""
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        if header.startswith("@") or (header == "id" and index > 0):
            raise InputError(
                name,
                f"sheet {title!r} cell {_letter(index + 1)}1: the column {header!r} is the node's id, which is column "
                "A: rename the column or delete it",
            )
        if header in seen:
            raise InputError(
                name,
                f"sheet {title!r} cell {_letter(index + 1)}1: the column {header!r} appears twice "
                f"({_letter(seen[header] + 1)} and {_letter(index + 1)}): write the values in one column, one per "
                "line, and delete the other",
            )
        seen[header] = index


def _read_nodes(
    sheet: Any,
    spec: Sheet,
    name: str,
    budget: list[int],
    prefixes: Mapping[str, str],
    nodes: dict[str, dict[str, Any]],
    cells: dict[tuple[str, str | None], CellRef],
    held: dict[str, list[tuple[frozenset[str], CellRef]]],
    limits: LoadLimits,
) -> None:
    title = sheet.title
    headers: list[str] = []
    notes: list[str] = []
    first_rows: dict[str, int] = {}  # each id's first row on this sheet
    for number, texts, raw in _rows(sheet, budget, name):
        if number == 1:
            headers = [t.strip() for t in texts]
            if not headers or headers[0] != "id":
                raise InputError(name, f"sheet {title!r}: row 1 must start with the column id")
            _check_headers(headers, title, name)
            notes = _column_notes(spec, headers)
            continue
        if not any(t.strip() for t in texts) or _help_row(texts, notes, title, number, name):
            continue
        for index, text in enumerate(texts):
            if text.strip() and (index >= len(headers) or not headers[index]):
                raise InputError(name, f"sheet {title!r} cell {_letter(index + 1)}{number}: a value under no header")
        identifier = texts[0].strip()
        _refuse_total_row(texts, title, number, name)
        if identifier == "id":
            # Row 1's headers again: a second table pasted below the first. Read as a node named "id" whose values
            # are the header names, it drew findings that did not say why.
            raise InputError(
                name,
                f"sheet {title!r} cell A{number}: row {number} repeats the headers (a second table on the sheet): "
                "move its rows under the first table's, without the header row",
            )
        if identifier:
            ids = _tokens(identifier, f"sheet {title!r} cell A{number}")
            if len(ids) != 1 or ids[0][0] == "literal":
                raise InputError(name, f"sheet {title!r} cell A{number}: the id must be one name")
            identifier = str(ids[0][1])
        else:
            identifier = f"_:{re.sub(r'[^A-Za-z0-9]+', '-', title)}-row{number}"
        key = identifier if identifier.startswith("_:") else expand_iri(identifier, prefixes)
        # Two rows of one sheet with one id would be one node with both rows' values (two quantities, say), and each
        # finding would name the first row: the second is a mistake, named here.
        first = first_rows.setdefault(key, number)
        if first != number:
            raise InputError(
                name,
                f"sheet {title!r} cell A{number}: the id {identifier} is also the id of row {first}; each row is one "
                f"node: give this row an id of its own, or write its values on row {first}",
            )
        node = nodes.setdefault(key, {"@id": identifier})
        cells.setdefault((key, None), CellRef(title, number, "id", "A"))
        typed = False
        for index, header in enumerate(headers[1:], start=1):
            text = texts[index] if index < len(texts) else ""
            letter = _letter(index + 1)
            cells.setdefault((key, header), CellRef(title, number, header, letter))
            where = f"sheet {title!r} cell {letter}{number}"
            if header in _SERIAL_COLUMNS and index < len(raw) and type(raw[index]) in (int, float):
                text = _serial_text(raw[index], header, name, where)
            elif header in _SERIAL_COLUMNS and index < len(raw) and isinstance(raw[index], (date, time)):
                # Excel turns "3-12" or "2024-03-12" typed in a General cell into a date: read as its text, a
                # serial the checker cannot parse, so the credit's units were never compared (only a warning).
                raise InputError(
                    name,
                    f"{where}: {header} is stored as a date ({text}): the spreadsheet turned what was typed into a "
                    "date; format the cell as Text and type the value again as the registry writes it",
                )
            elif index < len(raw) and isinstance(raw[index], datetime) and _date_column(header):
                # A date column's cell holding a date and a time (a retirement's timestamp pasted from a registry,
                # formatted dd/mm/yyyy hh:mm): its calendar date, as the importers read registry timestamps.
                text = raw[index].date().isoformat()
            _check_length(text, f"{name}: {where}", limits)
            try:
                values = _decode(text, header, where)
            except InputError as error:
                raise InputError(name, f"{where}: {error.problem}") from None
            if not values:
                continue
            if header != "type":
                held.setdefault(key, []).append(
                    (_held_keys(values, header, prefixes), CellRef(title, number, header, letter))
                )
            if header == "type":
                if any(not isinstance(v, str) for v in values):
                    raise InputError(name, f"{where}: a type is a class name, not a literal")
                typed = True
            node.setdefault("@type" if header == "type" else header, []).extend(values)
        if not typed and spec.classes and "@type" not in node:
            node["@type"] = [spec.classes[0]]


# A spreadsheet user's habit: a totals row under the credits or the emissions. Read, it is one more node with the
# sum for its quantity (a credit of that many tonnes, never retired), and the findings it draws do not say why.
_TOTAL_WORD = re.compile(
    # English, and the words of the languages the workbook is filled in most (German, French, Spanish, Italian,
    # Dutch, Portuguese) and the sign.
    r"(?:grand |sub-? ?)?(?:totals?|sum|summe|gesamtsumme|gesamt|insgesamt|somme|suma|totale|totaal|soma|σ|∑)"
    # Then what it totals: the unit, in brackets or not ("Total (t CO2e)"), the things, the year ("2024").
    r"(?: (?:of|for|all|retired|credits?|offsets?|removals?|emissions?|tonnes|t|t ?co2-?e|co2-?e|(?:19|20)[0-9]{2}"
    r"|\((?:t|tonnes|kg|t ?co2-?e|kg ?co2-?e|tonnes co2-?e)\)))*:?",
    re.IGNORECASE,
)


# An aggregate of a range (a spreadsheet's own totals row is SUM or SUBTOTAL of the column above it).
_AGGREGATE = re.compile(r"\s*=?\s*(?:_xlfn\.)?(?:SUM|SUBTOTAL|AGGREGATE|SUMIFS?|SUMPRODUCT)\s*\(", re.IGNORECASE)
_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)\s*:\s*\$?([A-Za-z]{1,3})\$?([0-9]+)")


def _sums_above(formula: str, column: int, row: int) -> bool:
    """Whether a cell's formula sums a range of its own column above it: the cell is a totals row, whatever its
    row says in words (a bare =SUM(D3:D9) under the credits' quantities)."""
    if not _AGGREGATE.match(formula):
        return False
    for match in _RANGE.finditer(formula):
        first, last = _column_number(match.group(1)), _column_number(match.group(3))
        if first == last == column and max(int(match.group(2)), int(match.group(4))) < row:
            return True
    return False


def _refuse_total_row(texts: Sequence[str], title: str, number: int, name: str) -> None:
    """Refuse a row that says it is a total ("Total", "Sum:", "Grand total"), in its id cell or, with no id, in
    any cell: each row of a sheet is one node, and the checker sums the rows itself."""
    identifier = texts[0].strip()
    cells = [(0, identifier)] if identifier else list(enumerate(t.strip() for t in texts))
    for index, text in cells:
        if text and _TOTAL_WORD.fullmatch(text):
            raise InputError(
                name,
                f"sheet {title!r} cell {_letter(index + 1)}{number}: row {number} is a total ({text!r}), and each "
                "row is one node (a total would be read as one more, with the sum for its quantity): delete the "
                "row; the checker sums the rows itself",
            )


def _date_column(column: str) -> bool:
    """Whether a column's term takes an xsd:date."""
    definition = vocabulary().terms.get(column)
    return definition is not None and definition.datatype == str(XSD.date)


def _serial_text(number: float, column: str, name: str, where: str) -> str:
    """The text of a serial number, block or unit stored as a number (a spreadsheet's numbers are floats, whatever
    the file's digits say): the whole number it is, when a float holds it exactly; else digits are lost (Excel keeps
    15) and the cell is refused."""
    whole = float(number).is_integer()
    if whole and abs(number) < _EXACT_INTEGER:
        return str(int(number))
    problem = "has lost digits" if whole else "is not a whole number"
    raise InputError(
        name,
        f"{where}: {column} is stored as the number {number!r}, which {problem}: format the cell as Text and type "
        "the value again as the registry writes it",
    )


def _held_keys(values: Sequence[Any], column: str, prefixes: Mapping[str, str]) -> frozenset[str]:
    """The forms of a cell's values a finding's value is matched against: as written, as a full IRI (a node or a
    term), and as a number."""
    vocab = vocabulary()
    definition = vocab.terms.get(column)
    names = definition is not None and definition.kind in ("id", "vocab")
    keys: set[str] = set()
    for value in values:
        if isinstance(value, Mapping):
            text = str(value.get("@value", value.get("@id", "")))
            names_it = "@id" in value
        else:
            text, names_it = str(value), names
        keys |= _value_keys(text)
        if names_it:
            keys.add(vocab.terms[text].iri if text in vocab.terms else expand_iri(text, prefixes))
    return frozenset(keys)


def _read_checklist(
    sheet: Any,
    name: str,
    budget: list[int],
    prefixes: Mapping[str, str],
    nodes: dict[str, dict[str, Any]],
    cells: dict[tuple[str, str | None], CellRef],
    limits: LoadLimits,
) -> None:
    by_item = {term: checklist for checklist in checklists() for term, _ in checklist.items}
    by_property = {checklist.property: checklist for checklist in checklists()}
    # (node, list, item) -> the first row that answers it and its answer: a later row may repeat it, not contradict it.
    answered: dict[tuple[str, str, str], tuple[int, bool]] = {}
    # The columns by their headers, as on the other sheets: read by position, a column inserted before "included"
    # (a reviewer's "yes" on every row) was read as the answers, and a blank one made every item "no" (red team 93a).
    columns: dict[str, int] | None = None
    included_letter = "E"
    for number, texts, _ in _rows(sheet, budget, name):
        if columns is None:
            columns = _checklist_columns(texts, number, name)
            included_letter = _letter(columns["included"] + 1)
            continue
        padded = [*texts, *([""] * (max(columns.values()) + 1))]
        # The row in the template's column order; a column of the user's own (a reviewer's notes) is not read.
        canonical = [padded[columns[header]] if header in columns else "" for header in _CHECKLIST_HEADERS]
        if _help_row(canonical, _CHECKLIST_NOTES, CHECKLIST, number, name):
            continue
        holder, prop, item, _, included, location, page = (text.strip() for text in canonical)
        where = f"sheet {CHECKLIST!r} row {number}"
        for text in (location, page):
            _check_length(text, f"{name}: {where}", limits)
        answer = included.lower()
        if answer not in _YES | _NO:
            raise InputError(name, f"{where}: included must be yes or no")
        ticked = answer in _YES
        if item:
            _same_answer(answered, holder, prop, item, ticked, number, by_item, nodes, prefixes, name)
        if not (ticked or location or page):
            if holder and item:
                # An item answered "no" for a named node: a finding that it is missing points at this row to tick.
                key = holder if holder.startswith("_:") else expand_iri(holder, prefixes)
                cells.setdefault((key, item), CellRef(CHECKLIST, number, "included", included_letter))
            continue
        if not item:
            raise InputError(name, f"{where}: name the item (column item) that is ticked or has evidence")
        checklist = by_property.get(prop) if prop else by_item.get(item)
        if checklist is None and not prop:
            raise InputError(name, f"{where}: name the list (column list) the item {item!r} belongs to")
        prop = prop or (checklist.property if checklist else "")
        if not holder:
            holder = _only_holder(checklist.holders if checklist else (), nodes, prefixes, name, where, item)
        key = holder if holder.startswith("_:") else expand_iri(holder, prefixes)
        node = nodes.setdefault(key, {"@id": holder})
        cells.setdefault((key, prop), CellRef(CHECKLIST, number, "included", included_letter))
        cells.setdefault((key, item), CellRef(CHECKLIST, number, "included", included_letter))
        if ticked:
            node.setdefault(prop, []).append(item)
        if location or page:
            evidence: dict[str, Any] = {"evidenceFor": item}
            for column, text in (("evidenceLocation", location), ("evidencePage", page)):
                values = _decode(text, column, where)
                if values:
                    evidence[column] = values[0] if len(values) == 1 else values
            node.setdefault("hasEvidence", []).append(evidence)


def _checklist_columns(texts: list[str], number: int, name: str) -> dict[str, int]:
    """Where each column of the Checklist sheet is, from its header row; every column it reads is there once
    ("meaning" is not read back and may go)."""
    where = f"sheet {CHECKLIST!r} row {number}"
    if number != 1:
        raise InputError(name, f"{where}: row 1 must hold the column headers ({', '.join(_CHECKLIST_HEADERS)})")
    found: dict[str, int] = {}
    for index, text in enumerate(texts):
        header = text.strip()
        if header in _CHECKLIST_HEADERS:
            if header in found:
                raise InputError(
                    name,
                    f"{where}: the column {header!r} appears twice ({_letter(found[header] + 1)} "
                    f"and {_letter(index + 1)}); keep one",
                )
            found[header] = index
    missing = [h for h in _CHECKLIST_HEADERS if h != "meaning" and h not in found]
    if missing:
        raise InputError(
            name,
            f"{where}: no column headed {', '.join(repr(h) for h in missing)}; the sheet's headers "
            f"are {', '.join(_CHECKLIST_HEADERS)}",
        )
    return found


def _same_answer(
    answered: dict[tuple[str, str, str], tuple[int, bool]],
    holder: str,
    prop: str,
    item: str,
    ticked: bool,
    number: int,
    by_item: Mapping[str, Checklist],
    nodes: Mapping[str, Mapping[str, Any]],
    prefixes: Mapping[str, str],
    name: str,
) -> None:
    """Refuse a row that answers an item another row already answered otherwise ("yes" on one row, "no" on another).

    Either answer would otherwise win by its place in the sheet, and a "yes" that wins conforms. A row whose blank
    id fits several nodes names none of them, so it is compared with no other row.
    """
    checklist = by_item.get(item)
    prop = prop or (checklist.property if checklist else "")
    if not holder:
        found = _holders(checklist.holders if checklist else (), nodes, prefixes)
        if len(found) != 1:
            return
        holder = found[0]
    key = (holder if holder.startswith("_:") else expand_iri(holder, prefixes), prop, item)
    first = answered.setdefault(key, (number, ticked))
    if first[1] != ticked:
        said = {True: "yes", False: "no"}
        raise InputError(
            name,
            f"sheet {CHECKLIST!r} rows {first[0]} and {number} answer item {item!r} ({prop or 'no list named'}) of "
            f"{holder} {said[first[1]]} and {said[ticked]}: keep one answer",
        )


def _holders(holders: Sequence[str], nodes: Mapping[str, Mapping[str, Any]], prefixes: Mapping[str, str]) -> list[str]:
    """The ids of the workbook's nodes of a holder class."""
    wanted = set(holders)
    found = []
    for node in nodes.values():
        own: set[str] = set()
        for cls in _types_of({"@type": node.get("@type", [])}, prefixes):
            own |= superclasses(cls)
        if own & wanted:
            found.append(str(node["@id"]))
    return found


def _only_holder(
    holders: Sequence[str],
    nodes: Mapping[str, Mapping[str, Any]],
    prefixes: Mapping[str, str],
    name: str,
    where: str,
    item: str,
) -> str:
    """The one node of a holder class in the workbook, for a checklist row that leaves the holder blank."""
    found = _holders(holders, nodes, prefixes)
    if len(found) != 1:
        problem = "no node" if not found else f"{len(found)} nodes"
        raise InputError(name, f"{where}: {problem} can tick {item!r}; write the node's id in column id")
    return found[0]
