"""The text form of a claim: YAML for people who keep claims in git and review them as diffs.

One mapping per node, grouped under the names of the workbook's sheets (``Claim``, ``Credits``...), with the terms
of the bundled JSON-LD context as keys (``id`` and ``type`` name the node and its kind), and the claim's own
prefixes under ``prefixes``. It is JSON-LD in YAML clothes: :func:`from_yaml` gives a JSON-LD document in the
bundled context, and :func:`to_yaml` writes any JSON-LD claim so that reading it back gives the same graph.

Scalars are written so that they read back as written: ``claimDate: 2025-05-15`` and ``tonnesCO2e: 12450.0`` stay
plain where YAML's reading (a date, a float) gives back the same text, and are quoted where it would not
(``'2100.50'``, ``'1.25E3'``). Reading is PyYAML's SafeLoader only; anchors, aliases and repeated keys are
refused. A plain value YAML would read as a date or a number that does not exist (``2025-02-30``, an integer of
more than 4,300 digits) is read as its text, so the rules report it as they do in JSON-LD. So is a plain value
that YAML 1.1 reads as a number or boolean other than as written: ``0012345`` (octal), ``0x1F``, ``0b101``,
``1_000``, ``1:15`` (base 60), ``.inf``, ``.nan``, ``yes``/``no``/``on``/``off`` stay that text; numbers are
numbers only in plain decimal (``6000``, ``12450.0``) and booleans only ``true`` or ``false``.
PyYAML is imported only when YAML is read or written (``pip install 'comet-cn[workbook]'``).
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from types import ModuleType
from typing import Any

from comet_cn.convert import CONTEXT_IRI, canonical, document_prefixes, expand_iri, vocabulary
from comet_cn.errors import InputError
from comet_cn.loading import DEFAULT_LIMITS, LoadLimits

__all__ = ["PREFIXES_KEY", "example_claim", "from_yaml", "to_yaml"]

#: The top-level key of the claim's own prefixes; every other top-level key is a group of nodes.
PREFIXES_KEY = "prefixes"

_HEADER = """\
# An ISO 14068-1 carbon-neutrality claim in the comet-cn text form (YAML for JSON-LD in the comet-cn context).
# One mapping per node, grouped like the sheets of the claim workbook; the keys are terms of the context
# (docs/classes/ says which each kind of node must carry). id names a node, type its kind; other values name
# nodes by their id (ex:credit-1, with the prefixes below). Several values: a list.
# Dates YYYY-MM-DD, years YYYY, tonnes CO2e as plain decimals (12450.0), booleans true or false.
# Check it: cn-validate claim.yaml (or cn-convert claim.yaml claim.jsonld, then cn-validate claim.jsonld).
"""


def _yaml(name: str) -> ModuleType:
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        raise InputError(name, "the YAML text form needs PyYAML: pip install 'comet-cn[workbook]'") from None
    module: ModuleType = yaml
    return module


class _RepeatedKey(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line = line
        self.column = column


class _UnreadableValue(Exception):
    """A value PyYAML's constructors fail on with a plain Python error (not a YAMLError), where it was."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line = line
        self.column = column


#: What PyYAML's constructors raise, besides YAMLError, on a value they cannot build: ValueError for 2025-02-30 or
#: an integer of more than 4,300 digits, AttributeError for ``!!timestamp hello``, KeyError for ``!!bool maybe``.
_CONSTRUCTION_ERRORS = (ValueError, OverflowError, ArithmeticError, AttributeError, KeyError, TypeError, IndexError)

#: The scalar types read as text when PyYAML cannot build them (a date that does not exist, a huge integer), so the
#: rules judge the value as written, as they do in JSON-LD.
_TEXT_FALLBACK_TAGS = ("int", "float", "bool", "timestamp")


@lru_cache(maxsize=1)
def _unique_key_loader(yaml: ModuleType) -> type:
    """PyYAML's SafeLoader, refusing a key written twice in one mapping (YAML requires keys to be unique; PyYAML
    keeps the last in silence, so "retirementDate" written twice would be judged on one of the two dates)."""

    class UniqueKeyLoader(yaml.SafeLoader):  # type: ignore[misc,name-defined]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    mark = key_node.start_mark
                    raise _RepeatedKey(mark.line + 1, mark.column + 1)
                if key is not None:
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except _CONSTRUCTION_ERRORS:
                mark = node.start_mark
                raise _UnreadableValue(mark.line + 1, mark.column + 1) from None

    def as_text_if_unreadable(tag: str) -> None:
        build: Callable[[Any, Any], Any] = UniqueKeyLoader.yaml_constructors[f"tag:yaml.org,2002:{tag}"]

        def construct(loader: Any, node: Any) -> Any:
            try:
                return build(loader, node)
            except _CONSTRUCTION_ERRORS:
                return loader.construct_scalar(node)

        UniqueKeyLoader.add_constructor(f"tag:yaml.org,2002:{tag}", construct)

    for tag in _TEXT_FALLBACK_TAGS:
        as_text_if_unreadable(tag)
    build_float: Callable[[Any, Any], Any] = UniqueKeyLoader.yaml_constructors["tag:yaml.org,2002:float"]

    def exact_float(loader: Any, node: Any) -> Any:
        # A float that would lose digits (12500.0000000000001 read as 12500.0) is kept as the text written, so a
        # footprint just above the credits retired is not rounded down to them. So is a float YAML 1.1 reads in a
        # form other than a plain decimal (1_000.5, 1:15.5 in base 60, .inf, .nan): the rules judge that text as
        # they do in JSON-LD, where none of them is a decimal.
        text = loader.construct_scalar(node)
        if not (isinstance(text, str) and _DECIMAL_TEXT.fullmatch(text)):
            return text
        value = build_float(loader, node)
        exact = isinstance(value, float) and math.isfinite(value) and Decimal(text) == Decimal(repr(value))
        return value if exact else text

    UniqueKeyLoader.add_constructor("tag:yaml.org,2002:float", exact_float)
    build_int: Callable[[Any, Any], Any] = UniqueKeyLoader.yaml_constructors["tag:yaml.org,2002:int"]

    def decimal_int(loader: Any, node: Any) -> Any:
        # YAML 1.1 reads 0012345 as octal (5349), 0x1F and 0b101 in base 16 and 2, 1_000 without its underscores
        # and 1:15 in base 60 (75): a serial number, a unit number or a quantity changed without a word. As for a
        # float above, the text written is kept instead, and the rules judge it as they judge that text in JSON-LD
        # ("0012345" stays that serial; "0001" is the unit 1; "1:15" is no decimal). Only a plain decimal integer
        # is read as a number.
        text = loader.construct_scalar(node)
        return build_int(loader, node) if isinstance(text, str) and _DECIMAL_INT.fullmatch(text) else text

    def plain_bool(loader: Any, node: Any) -> Any:
        # YAML 1.1 reads yes/no/on/off (any case) as booleans, so "NO" or "On" written as text would become false
        # or true. Only the JSON forms true and false (and True, TRUE, False, FALSE, which YAML 1.2 reads the
        # same) are booleans; any other word is kept as written, as JSON-LD keeps "yes", and the rules report a
        # boolean property given a word other than true or false.
        text = loader.construct_scalar(node)
        return _BOOLEAN_TEXT.get(text, text) if isinstance(text, str) else text

    UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", decimal_int)
    UniqueKeyLoader.add_constructor("tag:yaml.org,2002:bool", plain_bool)
    # ~, null and an empty value stay YAML's null, as null is in JSON: the key is left out, as JSON-LD leaves out
    # a null value.
    return UniqueKeyLoader


_DECIMAL_TEXT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_BOOLEAN_TEXT = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def _scalar_text(value: Any) -> Any:
    """A scalar YAML read as a number or date, as the text it was written as (JSON-LD reads the text)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _dumper(yaml: ModuleType) -> Any:
    class Dumper(yaml.SafeDumper):  # type: ignore[misc, name-defined]
        def ignore_aliases(self, data: Any) -> bool:
            return True  # never write anchors: the reader refuses them

    plain_tags = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}

    def represent_str(dumper: Any, value: str) -> Any:
        tag = dumper.resolve(yaml.ScalarNode, value, (True, False))
        if tag in plain_tags:
            try:
                same = _scalar_text(yaml.safe_load(value)) == value
            except Exception:
                same = False
            if same:  # a date or number that reads back as the same text: no quotes needed
                return dumper.represent_scalar(tag, value)
        return dumper.represent_str(value)

    Dumper.add_representer(str, represent_str)
    return Dumper


def _for_yaml(value: Any) -> Any:
    """Node objects with ``id``/``type`` (the context's aliases) in place of ``@id``/``@type``."""
    if isinstance(value, list):
        return [_for_yaml(v) for v in value]
    if isinstance(value, dict):
        if "@value" in value:
            return dict(value)
        return {{"@id": "id", "@type": "type"}.get(k, k): _for_yaml(v) for k, v in value.items()}
    return value


def to_yaml(document: Mapping[str, Any] | list[Any]) -> str:
    """A JSON-LD claim (any context) as the YAML text form, with a comment above each group of nodes."""
    from comet_cn.workbook import SHEETS, sheet_for_types, template_columns

    yaml = _yaml("<yaml>")
    dumper = _dumper(yaml)
    data = canonical(document)
    prefixes = document_prefixes(data)
    vocab = vocabulary()
    groups: dict[str, list[Any]] = {spec.name: [] for spec in SHEETS}
    all_prefixes = {**vocab.prefixes, **prefixes}
    for node in data["@graph"]:
        types = node.get("@type", [])
        types = types if isinstance(types, list) else [types]
        iris = [vocab.terms[t].iri if t in vocab.terms else expand_iri(t, all_prefixes) for t in types]
        groups[sheet_for_types(iris)].append(_for_yaml(node))

    def dump(value: Any) -> str:
        text: str = yaml.dump(value, Dumper=dumper, sort_keys=False, allow_unicode=True, width=110)
        return text

    parts = [_HEADER]
    if prefixes:
        parts.append("\n" + dump({PREFIXES_KEY: dict(sorted(prefixes.items()))}))
    for spec in SHEETS:
        if not groups[spec.name]:
            continue
        required: dict[tuple[str, ...], list[str]] = {}
        for column in template_columns(spec.name):
            if column.required and column.term not in ("id", "type"):
                required.setdefault(column.only, []).append(column.term)
        parts.append(f"\n# {spec.about}\n")
        if required:
            # Which kind of node each is required of, when not every kind of the group (red team 116c).
            said = [
                (f"of {' or '.join(kinds)} nodes: " if kinds else "") + ", ".join(terms)
                for kinds, terms in sorted(required.items(), key=lambda item: (bool(item[0]), item[0]))
            ]
            note = f"Rules require: {'; '.join(said)} (docs/classes/)."
            parts.append("".join(f"# {line}\n" for line in textwrap.wrap(note, 110)))
        parts.append(dump({spec.name: groups[spec.name]}))
    return "".join(parts)


def from_yaml(text: str, *, name: str = "<yaml>", limits: LoadLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The YAML text form as a JSON-LD document in the bundled context.

    :raises InputError: not YAML, anchors or aliases, too large or deep, or not the text form's structure.
    """
    yaml = _yaml(name)
    if len(text) > limits.max_bytes:
        raise InputError(name, f"input is over the limit of {limits.max_bytes} bytes")
    try:
        data = yaml.load(text, Loader=_unique_key_loader(yaml))
    except _RepeatedKey as error:
        where = f" at line {error.line} column {error.column}"
        raise InputError(
            name,
            f"not usable YAML: a key is written twice in one mapping{where}, and only the last value would be kept "
            "without a word; keep one",
        ) from None
    except _UnreadableValue as error:
        raise InputError(
            name, f"not usable YAML: a value at line {error.line} column {error.column} cannot be read"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        # What YAML found (a tab, a second document), in one short line: PyYAML's own words name no input text
        # beyond a character or token kind.
        found = " ".join(f"{getattr(error, 'context', '') or ''} {getattr(error, 'problem', '') or ''}".split())
        found = found[:160] if found else "syntax error"
        raise InputError(name, f"not valid YAML ({found}{where})") from None
    except RecursionError:
        raise InputError(name, f"YAML nested deeper than {limits.max_depth} levels") from None
    if data is None:
        raise InputError(name, "empty input")
    if not isinstance(data, dict):
        raise InputError(name, "not the comet-cn text form: expected a mapping of groups of nodes")
    data = _plain(data, name, limits)
    prefixes = data.pop(PREFIXES_KEY, {}) or {}
    if not isinstance(prefixes, dict) or not all(isinstance(v, str) for v in prefixes.values()):
        raise InputError(name, f"{PREFIXES_KEY}: expected a mapping of prefix names to namespace IRIs")
    nodes: list[Any] = []
    for group, members in data.items():
        members = members if isinstance(members, list) else [members]
        for member in members:
            if not isinstance(member, dict):
                raise InputError(name, f"group {group!r}: every entry must be a node (a mapping of terms)")
            nodes.append(member)
    context: Any = [CONTEXT_IRI, prefixes] if prefixes else CONTEXT_IRI
    return {"@context": context, "@graph": nodes}


def _plain(data: Any, name: str, limits: LoadLimits) -> Any:
    """``data`` with numbers and dates as their text, refusing aliases (shared objects) and deep nesting."""
    seen: set[int] = set()

    def walk(value: Any, depth: int) -> Any:
        if depth > limits.max_depth:
            raise InputError(name, f"YAML nested deeper than {limits.max_depth} levels")
        if isinstance(value, (dict, list)):
            if id(value) in seen:
                raise InputError(name, "YAML anchors and aliases (& and *) are not accepted")
            seen.add(id(value))
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                if item is None:
                    continue
                label = ("true" if key else "false") if isinstance(key, bool) else str(_checked(key, name, limits))
                result[label] = walk(item, depth + 1)
            return result
        if isinstance(value, list):
            return [walk(item, depth + 1) for item in value if item is not None]
        return _checked(value, name, limits)

    return walk(data, 1)


def _checked(value: Any, name: str, limits: LoadLimits) -> Any:
    try:
        text = _scalar_text(value)
    except TypeError as error:
        raise InputError(name, f"a YAML value of type {error} is not a claim value") from None
    if isinstance(text, str) and len(text) > limits.max_string_chars:
        raise InputError(name, f"a string is longer than {limits.max_string_chars} characters")
    return text


def example_claim() -> dict[str, Any]:
    """A complete conforming claim (Acme, 2024) as JSON-LD with ``ex:`` ids, for ``cn-init --format yaml``."""
    from comet_cn.synthetic import synthetic_claim

    text = json.dumps(synthetic_claim(4))
    for old, new in (
        ("https://example.org/synthetic/4/", "https://example.org/acme/"),
        ("https://example.org/registry", "https://example.org/acme/registry"),
        ("https://example.org/programme", "https://example.org/acme/programme"),
    ):
        text = text.replace(old, new)
    document: dict[str, Any] = json.loads(text)
    document["@context"] = [CONTEXT_IRI, {"ex": "https://example.org/acme/"}]
    return document
