"""Serial numbers as unit ranges: every registry grammar, overlap versus adjacency, and the sweep over many blocks.

All serials here are made up (project ids 471xx, invented batch numbers); none is copied from a registry.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comet_cn.serials import (
    SCHEMES,
    SerialRange,
    cad_trust_range,
    explicit_range,
    find_overlaps,
    icr_serialization,
    loose_reading,
    parse_serial,
    project_range,
    registry_block,
    serial_vintage,
)

# One made-up serial template per grammar: (scheme, template for units a..b, expected block key).
TEMPLATES: dict[str, tuple[str, Callable[[int, int], str], str]] = {
    "verra": (
        "verra",
        lambda a, b: f"31207-{a}-{b}-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-0",
        "31207-VCS-VCU-1234-VER-KE-47101-01072023-30062024",
    ),
    "verra-apx": (
        "verra",
        lambda a, b: f"804-{a}-{b}-VCU-017-APX-BR-1-4712-01012012-31122012-0",
        "804-VCU-017-APX-BR-4712-01012012-31122012",
    ),
    "verra-no-scope": (
        "verra",
        lambda a, b: f"40522-{a}-{b}-VCS-VCU-611-VER-PE-47103-01012025-31122025-1",
        "40522-VCS-VCU-611-VER-PE-47103-01012025-31122025",
    ),
    "gold-standard": (
        "gold-standard",
        lambda a, b: f"GS1-1-KE-GS47102-16-2024-51007-{a}-{b}",
        "GS1-1-KE-GS47102-16-2024-51007",
    ),
    "gold-standard-cdm": (
        "gold-standard",
        lambda a, b: f"IN-5-{a}-2-2-0-4815 - IN-5-{b}-2-2-0-4815",
        "CDM:IN-5-2-2-0-4815",
    ),
    "acr": ("acr", lambda a, b: f"ACR-CA-47104-2023-2210-{a} to {b}", "ACR-CA-47104-2023-2210"),
    "acr-hyphen": ("acr", lambda a, b: f"ACR-CA-47104-2023-2210-{a}-{b}", "ACR-CA-47104-2023-2210"),
    "car": ("car", lambda a, b: f"CAR-1-US-47105-6-870-OR-2024-5512-{a} to {b}", "CAR-1-US-47105-6-870-OR-2024-5512"),
    "car-roc": (
        "car",
        lambda a, b: f"CAR-ROC-US-47110-4-312-CA-2023-880-{a} to {b}",
        "CAR-ROC-US-47110-4-312-CA-2023-880",
    ),
    "art-trees": ("art-trees", lambda a, b: f"ART-EC-47106-2022-3-{a} to {b}", "ART-EC-47106-2022-3"),
    "art-fcpf": ("art-trees", lambda a, b: f"FCPF-CI-47107-2021-2-{a} to {b}", "FCPF-CI-47107-2021-2"),
    "isometric": ("isometric", lambda a, b: f"ISO-2-DACS-ISL-Q7R2-2025-{a}-{b}", "ISO-2-DACS-ISL-Q7R2-2025"),
    "puro": (
        "puro",
        lambda a, b: f"PURO_PR_CORC50_FI_EX4711_2024_5b8e0d7c-3f21-4a6d-b0e9-7c1d2e3f4a5b_{a}-{b}",
        "PURO_PR_CORC50_FI_EX4711_2024_5B8E0D7C-3F21-4A6D-B0E9-7C1D2E3F4A5B",
    ),
    "cad-trust": ("cad-trust", lambda a, b: f"GS47108-2024-{a}-{b}", "CAD-TRUST:GS47108-2024"),
    "generic": ("generic", lambda a, b: f"EXR-2024-SOLAR-{a:06d}-{b:06d}", "EXR-2024-SOLAR"),
}


def _parse(name: str, first: int, last: int) -> SerialRange | None:
    scheme, template, _ = TEMPLATES[name]
    # CAD Trust serial ids do not name their registry, so that grammar is only used when asked for.
    return parse_serial(template(first, last), scheme if scheme == "cad-trust" else None)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_each_scheme_reads_block_first_and_last(name: str) -> None:
    scheme, _, block = TEMPLATES[name]
    parsed = _parse(name, 1, 7000)
    assert parsed == SerialRange(block, 1, 7000, scheme)
    assert parsed.units == 7000


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_adjacent_pieces_do_not_overlap_but_overlapping_ones_do(name: str) -> None:
    piece_1, piece_2, late = _parse(name, 1, 7000), _parse(name, 7001, 13500), _parse(name, 6501, 13500)
    assert piece_1 is not None and piece_2 is not None and late is not None
    assert piece_1.overlap(piece_2) is None
    assert piece_1.overlap(late) == (6501, 7000)
    assert late.overlap(piece_1) == (6501, 7000)
    assert find_overlaps([("a", piece_1), ("b", piece_2)]) == []
    assert find_overlaps([("a", piece_1), ("b", piece_2), ("c", late)]) == [
        ("a", "c", (6501, 7000)),
        ("b", "c", (7001, 13500)),
    ]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_explicit_scheme_reads_what_detection_reads(name: str) -> None:
    scheme, template, _ = TEMPLATES[name]
    assert parse_serial(template(5, 80), scheme) == _parse(name, 5, 80)


def test_every_scheme_is_listed() -> None:
    assert set(SCHEMES) == {entry[0] for entry in TEMPLATES.values()} | {"icr", "explicit"}


def test_verra_unit_numbers_beyond_a_billion_and_block_id_kept() -> None:
    parsed = parse_serial("31207-2400000001-2400012500-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-0")
    assert parsed is not None
    assert (parsed.first, parsed.last, parsed.units) == (2400000001, 2400012500, 12500)
    other_block = parse_serial("31208-2400000001-2400012500-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-0")
    assert other_block is not None and parsed.overlap(other_block) is None


@pytest.mark.parametrize(
    "serial",
    [
        "31207-1-7000-VCS-VCU-1234-VER-KE-14-47101-32012023-30062024-0",  # no 32nd of January
        "31207-1-7000-VCS-VCU-1234-VER-KE-14-47101-01072024-30062023-0",  # vintage ends before it starts
        "31207-1-7000-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-7",  # flag is 0 or 1
        "31207-1-7000-VCS-1234-VER-KE-14-47101-01072023-30062024-0",  # no VCU field
        "31207-1-7000-VCU-01072023-30062024-0",  # too short
    ],
)
def test_verra_lookalikes_are_refused(serial: str) -> None:
    assert parse_serial(serial) is None


def test_cdm_single_unit_and_mismatched_halves() -> None:
    assert parse_serial("IN-5-77-2-2-0-4815") == SerialRange("CDM:IN-5-2-2-0-4815", 77, 77, "gold-standard")
    assert parse_serial("IN-5-1-2-2-0-4815 - IN-5-70-2-2-0-4816") is None  # two projects
    assert parse_serial("IN-5-70-2-2-0-4815 - IN-5-1-2-2-0-4815") is None  # backwards


def test_cad_trust_exclusive_end_block_is_converted() -> None:
    piece = cad_trust_range("GS47108-2024-1-7000", "1", "7001")
    assert (piece.block, piece.first, piece.last, piece.units) == ("CAD-TRUST:GS47108-2024", 1, 7000, 7000)
    next_piece = cad_trust_range("GS47108-2024-7001-13500", 7001, 13501)
    # Read inclusively, 7001 would be in both blocks.
    assert piece.overlap(next_piece) is None
    assert next_piece == parse_serial("gs47108-2024-7001-13500", "cad-trust")


@pytest.mark.parametrize(
    ("serial", "start", "end"),
    [
        ("GS47108-2024-1-7000", "1", "7000"),  # end block read as inclusive: serial and blocks disagree
        ("GS47108-2024-1-7000", "1", "1"),  # empty range
        ("GS47108-2024-1-7000", "A1", "7001"),  # v1-style alphanumeric block
        ("GS47108-2024-1-7000", True, 7001),
        ("GS47108-2024", "1", "7001"),  # no range in the serial id
    ],
)
def test_cad_trust_inconsistent_records_raise(serial: str, start: str | int, end: str | int) -> None:
    with pytest.raises(ValueError):
        cad_trust_range(serial, start, end)


def test_cad_trust_is_never_guessed() -> None:
    assert parse_serial("GS47108-2024-500001-507000") is None


@pytest.mark.parametrize(
    ("serial", "first", "last"),
    [
        ("ACR-CA-47104-2023-2210-1 to 7,000", 1, 7000),
        ("ACR-CA-47104-2023-2210-20,001 to 1,021,500", 20001, 1021500),
        ("31207-400,000,001-400,007,000-VCS-VCU-1234-VER-KE-14-47101-01072023-30062024-0", 400000001, 400007000),
    ],
)
def test_thousands_separators(serial: str, first: int, last: int) -> None:
    parsed = parse_serial(serial)
    assert parsed is not None and (parsed.first, parsed.last) == (first, last)


@pytest.mark.parametrize(
    "serial",
    [
        "ACR-CA-47104-2023-2210-1 to 7,00",  # misgrouped
        "ACR-CA-47104-2023-2210-1 to 70,00,0",
        "ACR-CA-47104-2023-2210-1 to 07,000",
        "ACR-CA-47104-2023-2210-1 to 7.000",  # a decimal point is not a thousands separator here
    ],
)
def test_malformed_thousands_separators_are_refused(serial: str) -> None:
    assert parse_serial(serial) is None


@pytest.mark.parametrize(
    "variant",
    [
        "acr-ca-47104-2023-2210-1 to 7000",
        "  ACR-CA-47104-2023-2210-1   TO   7000\n",
        "ACR - CA - 47104 - 2023 - 2210 - 1 To 7000",
        "ACR-CA-47104-2023-2210-1to7000",
        "ACR\u2013CA\u201347104\u20132023\u20132210\u20131\u00a0to\u00a07000",  # en dashes, no-break spaces
        "ACR-CA-47104-2023-2210-1-7000",
        "\ufeffACR-CA-47104-2023-2210-1\u200b-7000\u00ad",  # a byte-order mark, a zero-width space, a soft hyphen
        "Serial No.: ACR-CA-47104-2023-2210-1 to 7000",  # a label copied from a certificate
        "S/N ACR-CA-47104-2023-2210-1-7000",
    ],
)
def test_case_white_space_and_dashes_do_not_change_the_block(variant: str) -> None:
    assert parse_serial(variant) == SerialRange("ACR-CA-47104-2023-2210", 1, 7000, "acr")


@pytest.mark.parametrize(
    "variant",
    ["EXR/2024/SOLAR/000001/007000", "exr 2024 solar 000001 007000", "EXR.2024.SOLAR.000001.007000"],
)
def test_a_generic_serial_may_use_one_other_separator_throughout(variant: str) -> None:
    assert parse_serial(variant) == parse_serial("EXR-2024-SOLAR-000001-007000")


def test_only_a_separated_label_is_dropped() -> None:
    assert parse_serial("SERIALX-2024-SOLAR-000001-007000") == SerialRange("SERIALX-2024-SOLAR", 1, 7000, "generic")


@pytest.mark.parametrize("variant", ["EXR-2024-SOLAR-000001 to 007000", "exr_2024_solar_000001TO007000"])
def test_a_generic_range_may_be_written_with_to(variant: str) -> None:
    assert parse_serial(variant) == SerialRange("EXR-2024-SOLAR", 1, 7000, "generic")


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        ("EXR-2024-SOLAR-1001-5500", SerialRange("EXR-2024-SOLAR", 1001, 5500, "generic")),
        ("EXR-2024-SOLAR-2020-2024", SerialRange("EXR-2024-SOLAR", 2020, 2024, "generic")),  # maybe years
        ("EXR-2024-SOLAR-000001-007000", None),  # readable: its range is the strict one
        ("ACR-CA-47104-2023-2210-1-7000x", None),  # names its registry: never read loosely
        ("EXR-2024-SOLAR-5500-1001", None),  # first after last
        (None, None),
    ],
)
def test_the_loose_reading_of_an_unpadded_serial(serial: str | None, expected: SerialRange | None) -> None:
    assert loose_reading(serial) == expected


@pytest.mark.parametrize(
    "serial",
    [
        "EXR 2024/SOLAR 000001 007000",  # two kinds, and the range joined by a space alone
        "EXR/2024-SOLAR/000001/007000",  # a slash beside hyphens may end a range with its vintage ("…-0500/2022")
        "EXR BIOC 0001-0500/2022",  # red team 38: a range and its vintage, not units 500 to 2022
        "EXR-2024-SOLAR-3101 20001",  # a space inside a number is not a range
        "ACR/CA/47104/2023/2210/1/7000",  # names ACR: read by its grammar only, which wants hyphens
        "EXR/2020/2024",  # years, not padded units
    ],
)
def test_mixed_or_registry_serials_with_other_separators_stay_unread(serial: str) -> None:
    assert parse_serial(serial) is None


@pytest.mark.parametrize(
    "serial",
    [
        "EXR 2024 SOLAR 000001-007000",  # red team 37: spaces before the range, as copied from a PDF
        "EXR/2024-SOLAR/000001-007000",
        "EXR-2024-SOLAR: 000001-007000",
        "EXR-2024-SOLAR-000001..007000",
    ],
)
def test_a_generic_serial_mixing_separators_before_its_range_is_read(serial: str) -> None:
    # Before: unread, so the same units retired in two claims in two spellings were not compared.
    assert parse_serial(serial) == SerialRange("EXR-2024-SOLAR", 1, 7000, "generic")


def test_puro_and_generic_tolerate_case_and_spacing() -> None:
    spaced = "puro_pr_corc50_fi_ex4711_2024_5B8E0D7C-3F21-4A6D-B0E9-7C1D2E3F4A5B _ 1 - 7000"
    assert parse_serial(spaced) == _parse("puro", 1, 7000)
    assert parse_serial(" exr-2024-solar - 000001-007000 ") == _parse("generic", 1, 7000)


@pytest.mark.parametrize(
    "name",
    ["acr", "car", "art-trees", "gold-standard", "isometric", "puro", "cad-trust", "generic", "verra"],
)
def test_single_unit_serials(name: str) -> None:
    parsed = _parse(name, 4242, 4242)
    assert parsed is not None and parsed.units == 1
    wide = _parse(name, 4000, 4500)
    assert wide is not None and parsed.overlap(wide) == (4242, 4242)


@pytest.mark.parametrize(
    "serial",
    [
        "",
        "   ",
        "hello world",
        "not-a-serial",
        "ACR-CA-47104-2023-2210",  # no units
        "ACR-CA-47104-2023-2210-7000 to 1",  # first > last
        "ACR-CA-47104-2023-2210-1 to 7000 to 9000",
        "ACR-CA-47104-2023-2210 1 to 7000",  # a space is not a field separator
        "ACR-CA-47104-23-2210-1 to 7000",  # two-digit vintage
        "ACR-CA-47104-2023-1 to 7000",  # batch missing: not read as a shorter serial
        "ACR-CA-47104-2023-2210-1 to -7000",
        "GS1-1-KE-GS47102-16-2024-7000-1",  # first > last
        "GS1-1-KE-GS47102-16-2024-1-7000",  # batch missing
        "CAR-1-US-47105-6-870-OR-2024-1 to 7000",  # batch missing
        "ART-EC-47106-2022-3-9 to 8",
        "ISO-2-DACS-ISL-Q7R2-1-7000",  # vintage missing
        "PURO_PR_CORC50_FI_EX4711_2024_not-a-uuid_1-7000",
        "PURO_PR_CORC50_FI_EX4711_2024_5b8e0d7c-3f21-4a6d-b0e9-7c1d2e3f4a5b_7000-1",
        "EXR-2024-SOLAR-007000-000001",  # generic, first > last
        "EXR-2024-SOLAR-0001-07000",  # generic, widths differ
        "EXR-2024-SOLAR-001-007",  # generic, narrower than 4
        "PROJECT-2020-2024",  # a year range, not units
        "EXR-20240101-20241231",  # dates, not units
        "0001-000001-000100",  # no prefix letters
        "ICR-KEN-3-47109-1-A-0001-2023",  # ICR: names no units even where it looks padded
        "ACR-CA-47104-2023-2210-000001-007000-X",
        "A" * 600 + "-000001-000100",  # far too long for a serial
    ],
)
def test_garbage_empty_and_backwards_serials_give_none(serial: str) -> None:
    assert parse_serial(serial) is None


def test_a_malformed_registry_serial_does_not_fall_back_to_generic() -> None:
    # Reads as generic by shape, but it names ACR, whose grammar it fails: no guessed range.
    assert parse_serial("ACR-CA-47104-000001-007000") is None
    assert parse_serial("ACR-CA-47104-000001-007000", "generic") is not None


def test_unknown_scheme_and_explicit_scheme_raise() -> None:
    with pytest.raises(ValueError):
        parse_serial("EXR-2024-SOLAR-000001-007000", "verra-2")
    with pytest.raises(ValueError):
        parse_serial("EXR-2024-SOLAR-000001-007000", "explicit")


def test_icr_serialization_is_a_class_of_units_not_a_range() -> None:
    assert parse_serial("ICR-KEN-3-47109-1-A-0-2023") is None
    assert parse_serial("ICR-KEN-3-47109-1-A-0-2023", "icr") is None
    assert icr_serialization(" icr-ken-3-47109-1-a-0-2023 ") == "ICR-KEN-3-47109-1-A-0-2023"
    assert icr_serialization("ICR-KEN-3-47109-1-X-0-2023") is None  # no A/R field
    assert icr_serialization("ACR-CA-47104-2023-2210-1 to 7000") is None


def test_registries_never_share_a_block() -> None:
    same_text = "GS47108-2024-000001-007000"
    generic, cad = parse_serial(same_text, "generic"), parse_serial(same_text, "cad-trust")
    assert generic is not None and cad is not None
    assert generic.overlap(cad) is None
    blocks = {r.block for name in TEMPLATES if (r := _parse(name, 1, 10)) is not None}
    assert len(blocks) == len({entry[2] for entry in TEMPLATES.values()})


def test_explicit_range_is_normalised_and_lines_up_with_a_generic_serial() -> None:
    stated = explicit_range(" exr-2024-solar ", 6501, 13500)
    assert stated == SerialRange("EXR-2024-SOLAR", 6501, 13500, "explicit")
    # Spaces used throughout separate fields, as in a generic serial (EXAMPLE BATCH 7 000001 000009).
    assert explicit_range("Example batch 7", 1, 1).block == "EXAMPLE-BATCH-7"
    assert explicit_range("EXR - 2024 - SOLAR", 1, 1).block == "EXR-2024-SOLAR"
    parsed = _parse("generic", 1, 7000)
    assert parsed is not None and stated.overlap(parsed) == (6501, 7000)


@pytest.mark.parametrize(("block", "first", "last"), [("B", 7000, 1), ("B", -1, 5), ("B", -5, -1), ("  ", 1, 5)])
def test_explicit_range_refuses_impossible_ranges(block: str, first: int, last: int) -> None:
    with pytest.raises(ValueError):
        explicit_range(block, first, last)


@pytest.mark.parametrize("block", [None, 123, " - / "])
def test_explicit_range_refuses_a_block_that_is_no_text_or_only_separators(block: Any) -> None:
    # A ValueError, which the importers turn into one warning per record (never a TypeError that ends the run).
    with pytest.raises(ValueError):
        explicit_range(block, 1, 5)


def test_explicit_range_refuses_non_integers() -> None:
    with pytest.raises(TypeError):
        explicit_range("B", True, 5)
    with pytest.raises(TypeError):
        explicit_range("B", "1", 5)  # type: ignore[arg-type]


def test_find_overlaps_across_several_items_and_blocks() -> None:
    items = [
        ("north", explicit_range("B1", 1, 7000)),
        ("other-block", explicit_range("B2", 1, 100000)),
        ("south", explicit_range("B1", 7001, 13500)),
        ("audit", explicit_range("B1", 6000, 8000)),
        ("tail", explicit_range("B1", 13500, 13500)),
        ("all", explicit_range("B1", 1, 20000)),
    ]
    assert find_overlaps(items) == [
        ("north", "audit", (6000, 7000)),
        ("north", "all", (1, 7000)),
        ("south", "audit", (7001, 8000)),
        ("south", "tail", (13500, 13500)),
        ("south", "all", (7001, 13500)),
        ("audit", "all", (6000, 8000)),
        ("tail", "all", (13500, 13500)),
    ]


def test_find_overlaps_reports_the_same_block_listed_twice() -> None:
    piece = explicit_range("B1", 1, 10)
    assert find_overlaps([(1, piece), (2, piece)]) == [(1, 2, (1, 10))]
    assert find_overlaps([]) == []


def test_find_overlaps_handles_a_hundred_thousand_adjacent_pieces() -> None:
    # 100,000 pieces in 10 blocks, shuffled by interleaving: none overlaps. All-pairs would be 5 * 10^9 checks.
    items: list[tuple[int | str, SerialRange]] = [
        (i, explicit_range(f"B{i % 10}", (i // 10) * 50 + 1, (i // 10) * 50 + 50)) for i in range(100_000)
    ]
    items.reverse()
    assert find_overlaps(items) == []
    items.append(("late", explicit_range("B3", 25, 75)))
    # Input order: piece 13 (units 51-100) comes before piece 3 (units 1-50) because the list was reversed.
    assert find_overlaps(items) == [(13, "late", (51, 75)), (3, "late", (25, 50))]


@st.composite
def _pieces(draw: st.DrawFn) -> tuple[int, list[int]]:
    start = draw(st.integers(min_value=0, max_value=10**12))
    cuts = draw(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=30, unique=True))
    return start, sorted(cuts)


@settings(max_examples=200, deadline=None)
@given(_pieces())
def test_adjacent_pieces_of_a_range_never_overlap_and_shared_units_always_do(drawn: tuple[int, list[int]]) -> None:
    start, cuts = drawn
    bounds = [start, *(start + cut for cut in cuts)]
    pieces = [parse_serial(f"ACR-CA-47104-2023-2210-{a:,} to {b - 1:,}") for a, b in pairwise(bounds)]
    ranges = [piece for piece in pieces if piece is not None]
    assert len(ranges) == len(pieces)
    assert sum(r.units for r in ranges) == bounds[-1] - bounds[0]
    assert find_overlaps(enumerate(ranges)) == []
    # A piece stretched by one unit into its neighbour always shares exactly that unit.
    for index, (left, right) in enumerate(pairwise(ranges)):
        stretched = explicit_range(left.block, left.first, left.last + 1)
        assert stretched.overlap(right) == (right.first, right.first)
        assert find_overlaps([("s", stretched), ("r", right)]) == [("s", "r", (right.first, right.first))], index


_small_ranges = st.lists(
    st.tuples(st.sampled_from(["B1", "B2"]), st.integers(0, 60), st.integers(0, 20)),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(_small_ranges)
def test_find_overlaps_agrees_with_comparing_all_pairs(raw: list[tuple[str, int, int]]) -> None:
    ranges = [explicit_range(block, first, first + length) for block, first, length in raw]
    expected = [
        (i, j, overlap)
        for i, a in enumerate(ranges)
        for j, b in enumerate(ranges)
        if i < j and (overlap := a.overlap(b)) is not None
    ]
    assert find_overlaps(enumerate(ranges)) == expected


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("31207-VCS-VCU-1234-VER-KE-47101-01072023-30062024", "VERRA-PROJECT-47101"),
        ("031207-VCS-VCU-1234-VER-KE-14-047101-01072023-30062024-0", "VERRA-PROJECT-47101"),
        ("804-VCU-017-APX-BR-1-4712-01012012-31122012", "VERRA-PROJECT-4712"),
        ("CAD-TRUST:VCS47101-2023", "VERRA-PROJECT-47101"),
        ("CAD-TRUST:VCS-47101-2023", "VERRA-PROJECT-47101"),
        ("CAD-TRUST:VCU-047101", "VERRA-PROJECT-47101"),
        ("CAD-TRUST:47101-2023", "VERRA-PROJECT-47101"),
        ("CAD-TRUST:47101", None),  # a bare number with no vintage names no registry's project
        # A Gold Standard project and vintage (its batches number their units alike; CAD Trust names no batch).
        ("CAD-TRUST:GS47101-2023", "GS-PROJECT-47101-2023"),
        ("GS1-1-IN-GS47101-12-2023-40201", "GS-PROJECT-47101-2023"),
        ("EXR-2024-SOLAR", None),
        ("ACR-CA-47104-2023-2210", None),
    ],
)
def test_the_project_key_a_cad_trust_record_is_compared_under(block: str, expected: str | None) -> None:
    bridge = project_range(SerialRange(block, 5, 9, "explicit"))
    assert (bridge.block if bridge is not None else None) == expected
    assert bridge is None or (bridge.first, bridge.last) == (5, 9)


def test_a_verra_label_flag_does_not_make_the_same_units_another_block() -> None:
    """The flag says whether the block carries a label, which can be added after issuance (red team 15)."""
    unlabelled = parse_serial("20011-950000001-950012500-VCS-VCU-1600-VER-RW-3-98801-01012023-31122023-0")
    labelled_serial = "20011-950006001-950012500-VCS-VCU-1600-VER-RW-3-98801-01012023-31122023-1"
    labelled = parse_serial(labelled_serial)
    assert unlabelled is not None and labelled is not None
    assert unlabelled.block == labelled.block
    assert find_overlaps([("a", unlabelled), ("b", labelled)]) == [("a", "b", (950006001, 950012500))]
    assert serial_vintage(labelled) == 2023
    # The registry's own block key (the serial without its unit fields, flag included) is what cn-import states as
    # issuanceBlock; stated so, it lines up with the serials of either flag.
    assert registry_block(labelled, labelled_serial) == "20011-VCS-VCU-1600-VER-RW-3-98801-01012023-31122023-1"
    stated = explicit_range(registry_block(labelled, labelled_serial), 950006001, 950012500)
    assert stated.block == unlabelled.block
    bridged, read = project_range(stated), project_range(labelled)
    assert bridged is not None and read is not None
    assert (bridged.block, bridged.first, bridged.last) == (read.block, read.first, read.last)
