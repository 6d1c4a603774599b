"""Carbon-credit serial numbers read as unit ranges, so that double counting shows even when ranges are written apart.

A registry serial names a block of units cut from one issuance batch: the batch (the *block key*) plus the first and
last unit. Two serials count the same tonnes when their keys are equal and their unit ranges intersect; comparing
whole strings misses a block retired as ``1 to 7000`` in one file and ``6501 to 13500`` in another.

Every grammar here is deliberately narrow: a serial that does not clearly fit returns ``None`` (the caller then
compares whole strings and warns) rather than a guessed range, because a wrong range can hide a double retirement
or invent one. Block keys are upper-cased, stripped of white space and of the unit numbers; where the serial text
does not itself name its registry the key is prefixed with the family (``CAD-TRUST:``, ``CDM:``), so that blocks of
different registries never compare equal. See docs/serials.md for each grammar with an example.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypeVar

__all__ = [
    "SCHEMES",
    "SerialRange",
    "cad_trust_range",
    "contradicts",
    "credit_range",
    "explicit_range",
    "find_overlaps",
    "icr_serialization",
    "icr_vintage",
    "loose_reading",
    "parse_serial",
    "project_range",
    "registry_block",
    "serial_reading",
    "serial_vintage",
    "serial_vintage_end",
    "stated_range_problem",
    "units_key",
    "whole_serial_key",
]

#: Every value of ``SerialRange.scheme``: the grammar that read a serial, or "explicit" for a range stated in data.
SCHEMES: tuple[str, ...] = (
    "verra",
    "gold-standard",
    "acr",
    "car",
    "art-trees",
    "isometric",
    "puro",
    "icr",
    "cad-trust",
    "generic",
    "explicit",
)

K = TypeVar("K")

# Longer text is not a serial; refusing it early keeps hostile input cheap.
_MAX_CHARS = 500


@dataclass(frozen=True, order=True)
class SerialRange:
    """Units ``first``..``last`` (both inclusive) of the issuance batch identified by ``block``.

    :param block: normalised key of the issuance batch: everything that identifies it except the unit numbers.
    :param first: first unit, inclusive.
    :param last: last unit, inclusive (exclusive-end formats are converted before they get here).
    :param scheme: the grammar that read the serial (one of ``SCHEMES``).
    """

    block: str
    first: int
    last: int
    scheme: str

    def __post_init__(self) -> None:
        for name, value in (("first", self.first), ("last", self.last)):
            # bool is an int subclass; True as a unit number is a bug in the caller, not unit 1.
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} unit must be an integer, not {type(value).__name__}")
        if not isinstance(self.block, str) or not self.block:
            raise ValueError("block key must be a non-empty string")
        if self.first < 0:
            raise ValueError(f"first unit {self.first} is negative")
        if self.first > self.last:
            raise ValueError(f"first unit {self.first} is after last unit {self.last}")
        if self.scheme not in SCHEMES:
            raise ValueError(f"unknown serial scheme {self.scheme!r}")

    @property
    def units(self) -> int:
        """How many units the range holds."""
        return self.last - self.first + 1

    def overlap(self, other: SerialRange) -> tuple[int, int] | None:
        """The units both ranges hold, as ``(first, last)``; ``None`` for different blocks or disjoint ranges."""
        if self.block != other.block:
            return None
        first = max(self.first, other.first)
        last = min(self.last, other.last)
        return (first, last) if first <= last else None


def parse_serial(text: str, scheme: str | None = None) -> SerialRange | None:
    """Read a serial number as a unit range.

    :param text: the serial as written (case, white space, thousands separators and dash variants are tolerated).
    :param scheme: read it with this grammar only; by default the registry is recognised from the serial itself,
        and ``"cad-trust"`` is never guessed (a CAD Trust serial id does not say it is one).
    :returns: the range, or ``None`` when no known grammar reads it (the caller then compares whole strings and
        warns). An ICR serialization also gives ``None``: it names a class of units, not a range (see
        ``icr_serialization``).
    :raises ValueError: ``scheme`` is not a grammar name.
    """
    if scheme is not None and scheme not in _GRAMMARS:
        if scheme == "explicit":
            raise ValueError("explicit ranges are stated in data, not parsed: use explicit_range")
        raise ValueError(f"unknown serial scheme {scheme!r} (use one of {', '.join(_GRAMMARS)})")
    if not isinstance(text, str) or len(text) > _MAX_CHARS:
        return None
    return _parse(str(text), scheme)  # str(): an rdflib Literal is a str that compares unequal to its text


# A claim's checks read each credit's serial more than once (CN-UNITS-01..03, CN-VINT-02, the balance's units keys);
# the readings are immutable, so one per serial is shared. Bounded, so a long batch does not grow it.
@lru_cache(maxsize=16_384)
def _parse(text: str, scheme: str | None) -> SerialRange | None:
    serial = _normalise(text)
    if not serial:
        return None
    if scheme is not None:
        return _GRAMMARS[scheme](serial)
    labelled = _REGISTRY_LABEL.match(serial)
    if labelled is not None and _claimed_scheme(serial[labelled.end() :]) is not None:
        # "VERRA 20031-…-VCU-…", "VCU: …": the registry's name copied before the serial, which is still its grammar's.
        serial = serial[labelled.end() :]
    while (named := _NAME_LABEL.match(serial)) is not None:
        rest = _LABEL.sub("", serial[named.end() :])
        if _claimed_scheme(rest) is None and _kyoto(rest) is None and _generic(rest) is None:
            break
        # "Example registry: EXR-2020-WIND-010001-020000": a name and a colon copied before a serial that reads on
        # its own (one label or several: "Registry: Serial No.: …"); kept, the same units retired twice would hide
        # behind two blocks.
        serial = rest
    claimed = _claimed_scheme(serial)
    if claimed is not None:
        # The serial names its registry: a malformed one must not fall through to the looser generic grammar. No
        # registry writes a "." in its serials: dots typed for its dashes are the same serial (red team 109a).
        return _GRAMMARS[claimed](serial) or (_GRAMMARS[claimed](_dashed(serial)) if "." in serial else None)
    return _kyoto(serial) or _generic(serial)


def _dashed(text: str) -> str:
    """``text`` with each run of dots a dash: ``ACR.CA.47104.2022.2210`` for ``ACR-CA-47104-2022-2210``."""
    return _DOTS.sub("-", text).strip("-")


_DOTS = re.compile(r"\.+")


def explicit_range(block: str, first: int, last: int) -> SerialRange:
    """A range stated in data (``comet-cn:issuanceBlock``, ``firstUnit``, ``lastUnit``), both ends inclusive.

    The block is normalised like a parsed key (case, white space and dashes), so it lines up with a ``generic``
    serial of the same prefix, or with any parsed key written out in full.

    :raises ValueError: the block is empty, a unit is negative, or ``first > last``.
    :raises TypeError: a unit is not an integer.
    """
    key = "".join(_fold(block).split()) if isinstance(block, str) else ""  # no block: SerialRange says so
    scheme = _claimed_scheme(key) if key else None
    if scheme is not None and "." in key:
        key = _dashed(key)  # a registry's block with dots typed for its dashes, as its serials (red team 109a)
        scheme = _claimed_scheme(key)
    if key and scheme is None:
        # A registry's own key (Puro's underscores) is kept as written; any other is read as a generic prefix.
        key = _block_key(block)
    elif scheme in _NUMBERED_KEYS:
        # Read as that registry reads its serials' keys, so a stated block lines up with a serial's however padded.
        parsed = _GRAMMARS[scheme](f"{key}-1-1")
        key = parsed.block if parsed is not None else key
    return SerialRange(_without_label_flag(key), first, last, "explicit")


def _block_key(block: str) -> str:
    """A stated block that names no registry, folded so that it lines up with a generic serial of the same units
    however its fields are separated: each run of white space, ``-``, ``_``, ``/``, ``.``, ``|``, ``\\`` or ``,`` is
    one ``-`` (the generic grammar reads a serial's ``_``, and a ``/`` or ``.`` used throughout, as ``-``; the others
    are how people type a block by hand). So ``EXR 2022 WIND``, ``EXR / 2022 / WIND``, ``EXR|2022|WIND``,
    ``EXR, 2022, WIND`` and ``exr.2022.wind`` are all the block of the serial ``EXR-2022-WIND-000001-006000``. A
    ``:`` is kept: it ends a family prefix (``CAD-TRUST:``, ``CDM:``) that the importers write."""
    return _BLOCK_SEPARATORS.sub("-", _fold(block)).strip("-")


_BLOCK_SEPARATORS = re.compile(r"[\s/._|\\,-]+")


def _without_label_flag(key: str) -> str:
    """A Verra block key as the registry writes it (the serial without its unit fields, ending in the label flag)
    without that flag or the sectoral scope: the key the Verra grammar reads, so a stated block lines up with serials
    of either flag, written with or without the scope."""
    fields = key.split("-")
    if fields[-1] in ("0", "1"):
        fields = fields[:-1]
    if not _verra_key(fields):
        return key
    return "-".join([fields[0], *_without_scope(fields[1:-3]), *fields[-3:]])


def _verra_key(fields: list[str]) -> bool:
    """Whether the fields (label flag left out) are a Verra block key: block id, a middle holding ``VCU``, project
    id, and the vintage's first and last days."""
    return (
        len(fields) >= 5
        and "VCU" in fields[1:-3]
        and _DIGITS.fullmatch(fields[-3]) is not None
        and _VERRA_DATE.fullmatch(fields[-2]) is not None
        and _VERRA_DATE.fullmatch(fields[-1]) is not None
    )


def _without_scope(middle: list[str]) -> list[str]:
    """A Verra serial's middle fields without the sectoral scope: the number after the two-letter country
    (``…-VER-MW-3`` is ``…-VER-MW``). One block is exported with and without it (the scope was dropped on Verra's newer
    platform), and its block id, project and vintage already name it, so its units compare alike either way."""
    if len(middle) >= 2 and _DIGITS.fullmatch(middle[-1]) and _CC2.fullmatch(middle[-2]):
        return middle[:-1]
    return middle


def registry_block(span: SerialRange, serial: str | None) -> str:
    """The block key as the registry's documentation writes it: for Verra, the serial without its two unit fields,
    label flag included (``…-31122024-1``); otherwise the parsed block. What cn-import states as
    ``comet-cn:issuanceBlock`` and names credits by; comparisons use ``span.block``, which leaves the flag out."""
    if span.scheme == "verra" and serial is not None:
        fields = _normalise(serial).split("-")
        if len(fields) >= 11 and fields[-1] in ("0", "1"):
            # As written, sectoral scope included (the compared key leaves it out), block and project ids unpadded.
            return "-".join([str(int(fields[0])), *fields[3:-4], str(int(fields[-4])), *fields[-3:]])
    return span.block


def credit_range(
    serial: object | None, block: object | None, first: object | None, last: object | None
) -> tuple[SerialRange | None, str | None]:
    """A credit's unit range and serial text: the explicit ``issuanceBlock``/``firstUnit``/``lastUnit`` when all
    three are given and well-formed, else the range read from its serial number (None if none is readable).

    The one reading of a credit's units for CN-UNITS-01..03 (in a claim) and CN-AUDIT-DOUBLE-01 (across claims).
    """
    if (
        block is not None
        and first is not None
        and last is not None
        and not stated_range_problem([block], [first], [last])
    ):
        try:
            return explicit_range(str(block), int(str(first)), int(str(last))), str(serial or block)
        except ValueError:
            pass  # an ill-formed explicit range: the serial (if any) is read instead
    if serial is None:
        return None, None
    return parse_serial(str(serial)), str(serial)


def stated_range_problem(blocks: Sequence[object], firsts: Sequence[object], lasts: Sequence[object]) -> str | None:
    """Why a credit's explicit range (its ``issuanceBlock``, ``firstUnit`` and ``lastUnit`` values) cannot be read,
    or None when none is stated or it reads as one range.

    :func:`credit_range` falls back to the serial number when the stated range is ill-formed; a claim must not
    gain by that (a range written backwards, 4500 to 1, read as no range hid a second retirement of its units),
    so CN-UNITS-02 reports each of these.
    """
    given = {"issuanceBlock": blocks, "firstUnit": firsts, "lastUnit": lasts}
    if not any(given.values()):
        return None
    for name, values in given.items():
        if len(values) > 1:
            shown = ", ".join(sorted(repr(str(v)) for v in values))
            return f"{name} has {len(values)} values ({shown}), so the units it names are ambiguous"
    missing = [name for name, values in given.items() if not values]
    if missing:
        return f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing, so the range is incomplete"
    block, first, last = (str(values[0]) for values in given.values())
    if not block.strip():
        return "issuanceBlock is blank"
    for name, value in (("firstUnit", first), ("lastUnit", last)):
        if not _WHOLE.fullmatch(value):
            return f"{name} {value!r} is not a whole number of units"
    if int(first) > int(last):
        return f"firstUnit {first} is after lastUnit {last}, so the range holds no unit"
    return None


#: A unit number as stated in data: digits only (``int`` would also take "+5", " 5" and "1_000").
_WHOLE = re.compile(r"[0-9]+")


def serial_reading(serial: object | None, span: SerialRange | None) -> SerialRange | None:
    """The range a credit's serial reads as, when the credit's range is explicit and the serial names another one.

    ``credit_range`` lets an explicit ``issuanceBlock``/``firstUnit``/``lastUnit`` win over the serial; CN-UNITS-01
    sweeps the serial's own reading for overlaps too, so that stating the range under another block key cannot
    hide the serial's units from a second retirement of them, and CN-UNITS-02 reports the reading when it
    ``contradicts`` the stated range. ``None`` when the range is not explicit, the serial is unreadable, or both
    name the same units of the same block key.
    """
    if span is None or span.scheme != "explicit" or serial is None:
        return None
    read = parse_serial(str(serial))
    if read is None or (read.block, read.first, read.last) == (span.block, span.first, span.last):
        return None
    return read


#: Where a registry's serial grammar writes the vintage year in the block key (field index of the key split on
#: "-", Puro's on "_"). Verra writes the vintage's first and last days instead (read below), and an ICR
#: serialization its last field (:func:`icr_vintage`); CAD Trust and the generic grammar write none.
_VINTAGE_FIELD = {"gold-standard": 5, "acr": 3, "car": 7, "art-trees": 3, "puro": 5, "isometric": 5}


def serial_vintage(span: SerialRange) -> int | None:
    """The vintage year a registry serial names (Verra: the year of the vintage's last day), else ``None``.

    Read from the block key of :func:`parse_serial`'s result, so only for a serial a registry grammar read; a
    CDM unit hosted by Gold Standard (``CDM:`` key) and an explicit range name none.
    """
    if span.scheme == "verra":
        end = serial_vintage_end(span)
        return end.year if end is not None else None
    fields = span.block.split("_" if span.scheme == "puro" else "-")
    index = _VINTAGE_FIELD.get(span.scheme)
    if index is None or span.block.startswith("CDM:") or len(fields) <= index:
        return None
    return int(fields[index]) if _YEAR.fullmatch(fields[index]) else None


def serial_vintage_end(span: SerialRange) -> date | None:
    """The last day of the vintage a Verra serial names (``…-01012019-30062019-0`` → 2019-06-30), else ``None``:
    the other grammars name a year only."""
    fields = span.block.split("-")
    if span.scheme != "verra" or len(fields) < 3:
        return None
    return _ddmmyyyy(fields[-1])


def icr_vintage(text: str) -> int | None:
    """The vintage year an ICR serialization names (its last field), else ``None``."""
    key = icr_serialization(text)
    return int(key.rsplit("-", 1)[1]) if key is not None else None


def loose_reading(serial: object | None) -> SerialRange | None:
    """A serial no grammar reads, read as ``{prefix}-{first}-{last}`` without the generic grammar's zero padding
    (``EXR-2022-WIND-1001-5500``), or ``None``; never for a serial that names its registry or an ICR one.

    Too loose to compare with any range (``…-2020-2024`` may be years), it is compared only with ranges of a block
    that another credit of the same input names readably: there, two credits of one batch with intersecting
    numbers may retire the same units, and CN-UNITS-01 asks for the range to be stated rather than count both.
    """
    if not isinstance(serial, str) or len(serial) > _MAX_CHARS or parse_serial(serial) is not None:
        return None
    normalised = _normalise(serial)
    if _claimed_scheme(normalised) is not None or icr_serialization(serial):
        return None
    return _unpadded(normalised)


_VERRA_DATE = re.compile(r"[0-9]{8}", re.ASCII)
# A CAD Trust serial id of a Verra project, however the mirror spells it: VCS98801-2023, VCS-98801-2023,
# VCU-98801 (a Verra prefix, with or without the vintage), or the bare project number with its vintage, 98801-2023
# (CAD Trust writes no registry into the id itself).
_CAD_TRUST_VERRA = re.compile(
    r"CAD-TRUST:(?:(?:VCS|VCU|VERRA)-?0*([0-9]+)(?:-[0-9]{4})?|0*([0-9]+)-[0-9]{4})", re.ASCII
)
# A CAD Trust serial id of a Gold Standard project and vintage (GS98842-2023, GS-98842-2023).
_CAD_TRUST_GS = re.compile(r"CAD-TRUST:GS-?0*([0-9]+)-([0-9]{4})", re.ASCII)


def project_range(span: SerialRange) -> SerialRange | None:
    """The same units under a key naming their Verra project, for a Verra block key or a CAD Trust key whose serial
    id names a Verra project (``CAD-TRUST:VCS98816-2023``), or their Gold Standard project and vintage, for a Gold
    Standard block key or a CAD Trust key naming one (``CAD-TRUST:GS98842-2023``); else ``None``.

    CAD Trust records Verra units with Verra's own numbers under a serial id of its own, so a CAD Trust range and a
    Verra range of one project that share numbers are the same units. CN-UNITS-01 and CN-AUDIT-DOUBLE-01 sweep this
    key beside the block key and keep only such CAD Trust-against-Verra pairs: two Verra blocks are compared by
    their block keys, since a block's own numbering (APX-era serials start at 1) may repeat another's. A Gold
    Standard record is bridged to its project and vintage: CAD Trust's id names no batch, so a CAD Trust range and
    a Gold Standard batch of that project and vintage sharing numbers are read as the same units.
    """
    gold = _CAD_TRUST_GS.fullmatch(span.block)
    if gold is not None:
        return SerialRange(f"GS-PROJECT-{int(gold.group(1))}-{gold.group(2)}", span.first, span.last, span.scheme)
    fields = span.block.split("-")
    if len(fields) == len(_GS_KEY) and _fields_match(fields, _GS_KEY):
        # The batch is left out: CAD Trust's id names none, so its record is compared with every batch of the
        # project's vintage (CAD Trust against Gold Standard only; two batches may number their units alike).
        return SerialRange(f"GS-PROJECT-{int(fields[3][2:])}-{fields[5]}", span.first, span.last, span.scheme)
    cad_trust = _CAD_TRUST_VERRA.fullmatch(span.block)
    if cad_trust is not None:
        project = str(int(cad_trust.group(1) or cad_trust.group(2)))
    else:
        fields = span.block.split("-")
        if fields[-1] in ("0", "1"):
            fields = fields[:-1]  # a key stated with the label flag (as comet-cn wrote Verra keys before 0.3)
        if not _verra_key(fields):
            return None
        project = str(int(fields[-3]))
    return SerialRange(f"VERRA-PROJECT-{project}", span.first, span.last, span.scheme)


def contradicts(read: SerialRange, stated: SerialRange) -> bool:
    """Whether a serial's reading and a stated range of one credit cannot both be true (CN-UNITS-02).

    They contradict when they hold different numbers of units (``…-000001-002000`` against units 1-5000: a credit
    is one tonne, §3.3.2, so the block's size is unknown), or other units of the same block key. The same number
    of units under another block key is no contradiction: a block key may be spelt in more than one way (an
    importer's ``CAD-TRUST:`` prefix, a Verra block id), and ``serial_reading`` keeps both readings in the sweep.
    """
    if read.units != stated.units:
        return True
    return read.block == stated.block and read.first != stated.first


def units_key(span: SerialRange | None, serial: str | None) -> str | None:
    """A key two credit blocks share only when they certainly hold the same units, else ``None`` (nothing to key).

    A range keys as ``"{block} {first} {last}"``. A serial no grammar reads keys as its folded text, without white
    space (a key with no space, so never equal to a range's), except where it reads as ``{prefix}-{first}-{last}``
    without the generic grammar's zero padding (``EXR-2022-WIND-1-6000``): that reading is too loose to compare
    ranges (``…-2020-2024`` may be years), but equal numbers as integers under one prefix are the same units, so it
    keys like the padded range. An ICR serialization names a class of units that many retirements share: no key.
    Used for CN-UNITS-01 (with ``find_overlaps`` for partial overlaps) and to count each block once in the balance.
    """
    if span is not None:
        return f"{span.block} {span.first} {span.last}"
    if serial is None or not isinstance(serial, str) or len(serial) > _MAX_CHARS or icr_serialization(serial):
        return None
    normalised = _normalise(serial)
    folded = "".join(normalised.split())
    if not folded:
        return None
    if _claimed_scheme(normalised) is not None:
        # It names a registry whose grammar refused it: compare the text only, never guess its fields.
        return folded
    loose = _unpadded(normalised)
    if loose is not None:
        return f"{loose.block} {loose.first} {loose.last}"
    return folded.replace("_", "-")


def cad_trust_range(serial_id: str, start_block: str | int, end_block: str | int) -> SerialRange:
    """A CAD Trust v2 unit record's range, from ``unit_serial_id``, ``unit_start_block`` and ``unit_end_block``.

    The data dictionary defines the end block as exclusive, unlike every registry: read inclusively, each pair of
    adjacent CAD Trust blocks would share one unit. So ``last = end_block - 1``, and the serial id, which writes the
    inclusive range, must agree.

    :raises ValueError: a block is not a whole number, the end is not after the start, or the serial id is not
        ``{issuance}-{first}-{last}`` with ``first = start_block`` and ``last = end_block - 1`` (report the record;
        ``explicit_range`` can still state its units).
    """
    start = _block_number(start_block, "unit_start_block")
    end = _block_number(end_block, "unit_end_block")
    if end <= start:
        raise ValueError(f"unit_end_block {end} is not after unit_start_block {start} (the end is exclusive)")
    parsed = parse_serial(serial_id, "cad-trust")
    if parsed is None:
        raise ValueError(f"CAD Trust serial id {serial_id!r} does not end in its unit range")
    if (parsed.first, parsed.last) != (start, end - 1):
        raise ValueError(
            f"CAD Trust serial id {serial_id!r} says units {parsed.first}-{parsed.last}, "
            f"but the blocks say {start}-{end - 1} (end block {end} exclusive)"
        )
    return parsed


def icr_serialization(text: str) -> str | None:
    """The block key of an ICR ``serialization`` (``ICR-{alpha-3}-…-{A|R}-…-{vintage}``), else ``None``.

    It names a project-vintage class of units with no unit numbers, so ICR retirements are told apart by their
    retirement id and checked by summing amounts per key, never by range or by string equality.
    """
    if not isinstance(text, str) or len(text) > _MAX_CHARS:
        return None
    fields = _normalise(text).split("-")
    if (
        len(fields) >= 5
        and fields[0] == "ICR"
        and _CC3.fullmatch(fields[1])
        and _YEAR.fullmatch(fields[-1])
        and any(field in ("A", "R") for field in fields[2:-1])
        and all(_ALNUM.fullmatch(field) for field in fields)
    ):
        return "-".join(fields)
    return None


def find_overlaps(items: Iterable[tuple[K, SerialRange]]) -> list[tuple[K, K, tuple[int, int]]]:
    """Every pair of items whose ranges share units, as ``(key_a, key_b, (first, last))``.

    ``key_a`` is the item given first; pairs are ordered by the input positions of ``key_a``, then ``key_b``.
    Adjacent ranges (``last + 1 = first``) are not reported. Ranges are sorted and swept per block, so the cost is
    ``n log n`` plus the number of pairs reported, never all pairs.
    """
    keys: list[K] = []
    by_block: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for index, (key, serial) in enumerate(items):
        keys.append(key)
        by_block[serial.block].append((serial.first, serial.last, index))
    found: list[tuple[int, int, int, int]] = []
    for ranges in by_block.values():
        ranges.sort()
        # Ranges that started earlier and may still reach the current one, smallest last unit on top.
        active: list[tuple[int, int]] = []
        for first, last, index in ranges:
            while active and active[0][0] < first:
                heapq.heappop(active)
            for other_last, other in active:
                # Sorted by first unit, so the shared units start at this range's first unit.
                found.append((min(index, other), max(index, other), first, min(last, other_last)))
            heapq.heappush(active, (last, index))
    found.sort()
    return [(keys[a], keys[b], (first, last)) for a, b, first, last in found]


# --- normalisation ----------------------------------------------------------------------------------------------

# Serials copied from PDFs and web pages carry typographic dashes; NFKC leaves most of them alone.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_AROUND_SEPARATOR = re.compile(r" ?([-_]) ?")
_TO = re.compile(r"(?<=[0-9]) ?TO ?(?=[0-9])")
# A thousands separator only where the grouping is right: "7,000" yes, "7,00" or "07,000" no.
_NUMBER = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_ALNUM = re.compile(r"[A-Z0-9]+", re.ASCII)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}", re.ASCII)
_CC2 = re.compile(r"[A-Z]{2}", re.ASCII)
_CC3 = re.compile(r"[A-Z]{3}", re.ASCII)
_GS_ID = re.compile(r"GS[0-9]+", re.ASCII)
_SEPARATORS = re.compile(r"[-_]")
_ANY_SEPARATOR = re.compile(r"[-_/. ]")
# A label copied along with the serial from a certificate or a statement ("Serial No.: …", "S/N …").
_LABEL = re.compile(r"^(?:SERIAL(?: ?(?:NUMBER|NO\.?|NR\.?|#))?|S/N)(?: ?: ?| )(?=[A-Z0-9])", re.ASCII)
# A registry's or unit type's name copied before a serial ("Verra 20031-…", "VCU: …", "Gold Standard GS1-…"); only
# dropped when what follows names its registry itself, so a generic prefix ("ART 2023 BIOC 001001-…") is kept.
_REGISTRY_LABEL = re.compile(
    r"^(?:VERRA|VCS|VCUS?|VERIFIED CARBON STANDARD|GOLD STANDARD|GS|VERS?|ACR|AMERICAN CARBON REGISTRY|CAR|"
    r"CRTS?|CLIMATE ACTION RESERVE|ART(?: TREES)?|TREES|ISOMETRIC|PURO(?:\.EARTH)?|CORCS?|ICR)(?: REGISTRY)?"
    r"(?: SERIAL(?: ?(?:NUMBER|NO\.?|NR\.?|#))?)?(?: ?: ?| )(?=[A-Z0-9])",
    re.ASCII,
)
# Any other name (letters, no digits) ending in a colon before a serial ("Example public registry: …", "EXR: …").
# Digits only in a word of their own after the first ("Example Registry 2:"), so that a serial's own prefix before a
# colon ("EXR-2023-BIOC: 001001-003000") is never taken for a name.
_NAME_LABEL = re.compile(r"^[A-Z][A-Z_.&'()/-]*(?: [A-Z0-9_.&'()/-]+)*: ?(?=[A-Z0-9])", re.ASCII)
_UUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", re.ASCII)


def _fold(text: str) -> str:
    """NFKC (no-break and full-width characters), no invisible format characters (a zero-width space or joiner, a
    byte-order mark, a soft hyphen, copied along from web pages and spreadsheets), plain hyphens, upper case."""
    folded = unicodedata.normalize("NFKC", text)
    if not folded.isascii():
        folded = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return folded.translate(_DASHES).upper()


def whole_serial_key(text: str) -> str:
    """A serial as it is compared whole (a serial no grammar reads, across claims: CN-AUDIT-DOUBLE-01): folded as
    every grammar folds it (NFKC, no invisible format characters, plain hyphens, upper case), with no white space.
    A copy carrying a zero-width space, an en dash or full-width letters is the same serial; a label (``Serial
    No.:``) is kept, as written."""
    return "".join(_fold(text).split())


def _normalise(text: str) -> str:
    """Fold and tidy white space: none around ``-`` and ``_``, one space either side of a range's ``TO``; drop a
    leading label (``Serial``, ``Serial No.:``, ``S/N``).

    Any other white space survives, and no grammar accepts it: "3101 20001" is not "310120001".
    """
    spaced = _LABEL.sub("", " ".join(_fold(text).split()))
    # A full stop, comma or semicolon copied from the sentence around it ends no serial (red team 109a).
    return _TO.sub(" TO ", _AROUND_SEPARATOR.sub(r"\1", spaced)).rstrip(".,; ")


def _number(text: str) -> int | None:
    return int(text.replace(",", "")) if _NUMBER.fullmatch(text) else None


def _block_number(value: str | int, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    if isinstance(value, int):
        number: int | None = value
    else:
        number = _number(value.strip()) if isinstance(value, str) else None
    if number is None or number < 0:
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return number


def _fields_match(fields: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> bool:
    return len(fields) == len(patterns) and all(p.fullmatch(f) for p, f in zip(patterns, fields, strict=True))


def _canonical(fields: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> str:
    """The key of matched fields, a number field without leading zeros: registries number projects and batches as
    integers, so "03101" copied from a certificate is batch 3101, and its units are the same units."""
    return "-".join(str(int(f)) if p is _DIGITS else f for p, f in zip(patterns, fields, strict=True))


def _split_range(serial: str) -> tuple[list[str], int, int] | None:
    """Split ``{key fields}-{first} TO {last}`` or ``{key fields}-{first}-{last}`` into key fields and units."""
    if serial.count(" TO ") == 1:
        head, last_text = serial.split(" TO ")
        fields = head.split("-")
        first_text = fields.pop()
    else:
        fields = serial.split("-")
        if len(fields) < 3:
            return None
        last_text = fields.pop()
        first_text = fields.pop()
    if any(" " in field for field in fields):
        return None
    first, last = _number(first_text), _number(last_text)
    if first is None or last is None or first > last:
        return None
    return fields, first, last


def _claimed_scheme(serial: str) -> str | None:
    """The registry a serial names in its own text, if any."""
    if serial.startswith("PURO_"):
        return "puro"
    # "_" counts as a separator here, so "ACR_CA_…" is not read as a generic serial of another registry's key; so do
    # the generic grammar's other separators ("ACR/CA/…" names ACR too).
    fields = _ANY_SEPARATOR.split(serial)
    head = fields[0]
    named = {"ACR": "acr", "CAR": "car", "ART": "art-trees", "FCPF": "art-trees", "ISO": "isometric", "ICR": "icr"}
    if head in named:
        return named[head]
    if _GS_ID.fullmatch(head):
        return "gold-standard"
    if "VCU" in fields:
        return "verra"
    return None


# --- grammars ---------------------------------------------------------------------------------------------------


def _ddmmyyyy(text: str) -> date | None:
    if len(text) != 8 or not _DIGITS.fullmatch(text):
        return None
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def _verra(serial: str) -> SerialRange | None:
    """``{block}-{first}-{last}-{middle…}-{project}-{DDMMYYYY}-{DDMMYYYY}-{flag}``, read from both ends.

    The middle varies by platform and era (``VCS-VCU-…-VER-{CC}-{scope}``, without the scope, or APX's
    ``VCU-…-APX-…``), so it is only required to hold the ``VCU`` field; the ends are checked field by field.
    """
    if " " in serial:
        return None
    fields = serial.split("-")
    if not 11 <= len(fields) <= 14:
        return None
    block_id, first_text, last_text = fields[:3]
    middle = fields[3:-4]
    project, start, end, flag = fields[-4:]
    if "VCU" not in middle or not all(_ALNUM.fullmatch(field) for field in middle):
        return None
    if not (_DIGITS.fullmatch(block_id) and _DIGITS.fullmatch(project) and flag in ("0", "1")):
        return None
    start_date, end_date = _ddmmyyyy(start), _ddmmyyyy(end)
    if start_date is None or end_date is None or start_date > end_date:
        return None
    first, last = _number(first_text), _number(last_text)
    if first is None or last is None or first > last:
        return None
    # Block and project ids are integers (the export's ID column): "031207" is block 31207, not another block. The
    # label flag is left out of the key: it says whether the block carries a label (Additional Certifications), which
    # can change after issuance, so one block's units exported before and after a label was added are the same units.
    # The sectoral scope is left out too (_without_scope): one block is exported with and without it.
    key = [str(int(block_id)), *_without_scope(middle), str(int(project)), start, end]
    return SerialRange("-".join(key), first, last, "verra")


_GS_KEY = (_GS_ID, _DIGITS, _CC2, _GS_ID, _DIGITS, _YEAR, _DIGITS)


def _gold_standard(serial: str) -> SerialRange | None:
    """``GS1-1-{CC}-GS{id}-{type}-{vintage}-{batch}-{first}-{last}``, or a CDM range the registry hosts."""
    split = _split_range(serial)
    if split is not None and _fields_match(split[0], _GS_KEY):
        return SerialRange(_canonical(split[0], _GS_KEY), split[1], split[2], "gold-standard")
    return _kyoto(serial)


# A Kyoto unit serial as the Gold Standard registry prints it: party, unit type, unit number, original and
# applicable commitment period, LULUCF activity, project.
_KYOTO = (_CC2, re.compile(r"[0-9]{1,2}"), _DIGITS, re.compile(r"[0-9]"), re.compile(r"[0-9]"), _DIGITS, _DIGITS)


def _kyoto(serial: str) -> SerialRange | None:
    """One CDM unit serial (a single unit) or two joined by `` - `` (first and last unit of the range)."""
    if " " in serial:
        return None
    fields = serial.split("-")
    halves = [fields[:7], fields[7:]] if len(fields) == 14 else [fields]
    if not all(_fields_match(half, _KYOTO) for half in halves):
        return None
    keys = {"-".join(half[:2] + half[3:]) for half in halves}
    first, last = int(halves[0][2]), int(halves[-1][2])
    if len(keys) != 1 or first > last:
        return None
    # Kyoto unit numbers are unique across registries, so the key is marked CDM, not Gold Standard.
    return SerialRange("CDM:" + keys.pop(), first, last, "gold-standard")


def _keyed(scheme: str, patterns: Sequence[re.Pattern[str]]) -> Callable[[str], SerialRange | None]:
    """A grammar of fixed key fields followed by a ``first to last`` or ``first-last`` range."""

    def parse(serial: str) -> SerialRange | None:
        split = _split_range(serial)
        if split is None or not _fields_match(split[0], patterns):
            return None
        return SerialRange(_canonical(split[0], patterns), split[1], split[2], scheme)

    return parse


_acr = _keyed("acr", (re.compile("ACR"), _CC2, _DIGITS, _YEAR, _DIGITS))
# CAR: registry, unit type (1 = CRT, ROC), country, project, project type, developer, state, vintage, batch.
_car = _keyed(
    "car",
    (re.compile("CAR"), _ALNUM, _CC2, _DIGITS, _DIGITS, _DIGITS, re.compile(r"[A-Z]{2,3}"), _YEAR, _DIGITS),
)
_art_trees = _keyed("art-trees", (re.compile("ART|FCPF"), _CC2, _DIGITS, _YEAR, _DIGITS))
_isometric = _keyed("isometric", (re.compile("ISO"), _DIGITS, _ALNUM, _CC3, _ALNUM, _YEAR))

_PURO_KEY = (
    re.compile("PURO"),
    re.compile("PR"),
    re.compile(r"[A-Z0-9+]+"),
    _CC2,
    re.compile(r"[A-Z0-9]{6}"),
    _YEAR,
    _UUID,
)


def _puro(serial: str) -> SerialRange | None:
    """``PURO_PR_{type}_{CC}_{facility}_{vintage}_{issuance UUID}_{first}-{last}``.

    Unit numbers restart with every issuance, so the key keeps the UUID.
    """
    fields = serial.split("_")
    if len(fields) != 8 or not _fields_match(fields[:7], _PURO_KEY):
        return None
    split = _split_range("X-" + fields[7])  # reuse the range reader on the last field alone
    if split is None or split[0] != ["X"]:
        return None
    return SerialRange("_".join(fields[:7]), split[1], split[2], "puro")


def _cad_trust(serial: str) -> SerialRange | None:
    """A CAD Trust ``unit_serial_id``: ``{issuance fields}-{first}-{last}``, inclusive as written."""
    split = _split_range(serial)
    if split is None or not all(_ALNUM.fullmatch(field) for field in split[0]):
        return None
    # The id does not name its registry, and its fields are not any registry's own key.
    return SerialRange("CAD-TRUST:" + "-".join(split[0]), split[1], split[2], "cad-trust")


def _icr(serial: str) -> SerialRange | None:
    """ICR serializations name no units: there is never a range to return (see ``icr_serialization``)."""
    return None


_GENERIC_PREFIX = re.compile(r"[A-Z0-9.]+", re.ASCII)
# A serial copied from a PDF or typed by hand may mix separators before its range ("EXR 2023 BIOC 001001-003000",
# "EXR-2023-BIOC: 001001-003000", "EXR/2023/BIOC 001001-003000"): unread, the same units retired twice in two
# spellings would go unseen ("EXR.2023.BIOC.001001-003000" too). The range is still the two numbers at its end,
# joined by "-", "_" or "..", never by a space alone ("3101 20001" is not a range) nor by "/", which also ends a range
# with its vintage ("0001-0500/2022").
_MIXED = re.compile(
    r"(?P<prefix>[A-Z0-9.]+(?:(?:[-_/ ]|: ?)[A-Z0-9.]+)*?)(?:[-_/ .]|: ?)"
    r"(?P<first>[0-9]+)(?:[-_]|\.\.)(?P<last>[0-9]+)",
    re.ASCII,
)
_PREFIX_SEPARATOR = re.compile(r"[-_/ ]|: ?")


def _generic_fields(serial: str) -> tuple[str, str, str] | None:
    """``{prefix}-{first}-{last}`` split on ``-`` or ``_`` (one serial is written both ways), the prefix re-joined
    with ``-`` and holding a letter; the numbers are checked by the caller.

    A serial with neither ``-`` nor ``_`` may use one other separator throughout, ``/``, ``.`` or a space
    (``EXR/2023/BIOC/000001/002000``): the same credit listed twice in two spellings must not count twice. So may
    one that mixes separators before its two numbers (``EXR 2023 BIOC 000001-002000``, ``_MIXED``).
    """
    if serial.count(" TO ") == 1:
        # {prefix}-{first} to {last}, as registries write ranges; with dots, slashes or spaces between the prefix
        # fields too (EXR.2022.WIND.000001 to 006000), then read as a serial of mixed separators (red team 109a).
        serial = serial.replace(" TO ", "-")
    if _SEPARATORS.search(serial) is None:
        others = {c for c in "/. " if c in serial}
        fields = serial.split(others.pop()) if len(others) == 1 else []
    else:
        fields = [] if " " in serial else _SEPARATORS.split(serial)
    uniform = _checked_fields(fields[:-2], *fields[-2:]) if len(fields) >= 3 else None
    if uniform is not None or (mixed := _MIXED.fullmatch(serial)) is None:
        return uniform
    return _checked_fields(_PREFIX_SEPARATOR.split(mixed["prefix"]), mixed["first"], mixed["last"])


def _checked_fields(prefix: list[str], first_text: str, last_text: str) -> tuple[str, str, str] | None:
    """The prefix re-joined with ``-`` and the two numbers, if the prefix has a letter and the numbers are digits.

    A ``.`` inside a prefix field separates fields too: ``EXR.2022.WIND-000101-000200`` and
    ``EXR.2022.WIND 000101-000200`` are the block ``EXR-2022-WIND``, as ``EXR.2022.WIND.000101.000200`` and a stated
    issuanceBlock ``exr.2022.wind`` are (red team 108b: kept, the dots made another block, and the same units
    retired twice in two spellings conformed)."""
    if not all(_GENERIC_PREFIX.fullmatch(field) for field in prefix) or not any(c.isalpha() for c in "".join(prefix)):
        return None
    if not (_DIGITS.fullmatch(first_text) and _DIGITS.fullmatch(last_text)):
        return None
    return "-".join(part for field in prefix for part in field.split(".") if part), first_text, last_text


def _generic(serial: str) -> SerialRange | None:
    """``{prefix}-{first}-{last}`` with two zero-padded numbers of one width (4 or more) and a prefix with a letter.

    The leading zero on the first number is what tells a padded unit range from a year range such as
    ``…-2020-2024`` or from dates, which would otherwise read as units. Fields may be separated by ``_`` too.
    """
    split = _generic_fields(serial)
    if split is None:
        return None
    prefix, first_text, last_text = split
    if not (len(first_text) == len(last_text) >= 4 and first_text.startswith("0")):
        return None
    first, last = int(first_text), int(last_text)
    if first > last:
        return None
    return SerialRange(prefix, first, last, "generic")


def _unpadded(serial: str) -> SerialRange | None:
    """The generic shape without the padding rule, for ``units_key`` only: never used to compare ranges."""
    split = _generic_fields(serial)
    if split is None:
        return None
    prefix, first_text, last_text = split
    first, last = int(first_text), int(last_text)
    return SerialRange(prefix, first, last, "generic") if first <= last else None


#: Registries whose keys number projects and batches as integers (see ``_canonical``).
_NUMBERED_KEYS = frozenset({"gold-standard", "acr", "car", "art-trees", "isometric"})

_GRAMMARS: dict[str, Callable[[str], SerialRange | None]] = {
    "verra": _verra,
    "gold-standard": _gold_standard,
    "acr": _acr,
    "car": _car,
    "art-trees": _art_trees,
    "isometric": _isometric,
    "puro": _puro,
    "icr": _icr,
    "cad-trust": _cad_trust,
    "generic": _generic,
}
