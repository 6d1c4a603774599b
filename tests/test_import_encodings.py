"""Registry exports as people have them: UTF-16 text is read as the same export; a header separated by semicolons or
tabs (a locale with decimal commas, Excel's "Unicode Text") is refused with what to do, never read as a file with
"no column 'Serial Number'" or guessed at (12,5 may be twelve and a half); a vintage or issuance date that cannot be
read is a warning, never dropped without a word."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import detect_format, import_records
from tests.conftest import ROOT

VERRA = ROOT / "tests" / "fixtures" / "imports" / "verra" / "vcus.csv"


@pytest.mark.parametrize(
    ("bom", "codec", "named"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
        # Red team 27b: UTF-32's little-endian mark begins with UTF-16's, so the file was read as UTF-16 with a NUL
        # after every character and named "not a verra export".
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    ],
)
def test_a_utf16_or_utf32_export_imports_as_the_utf8_one(bom: bytes, codec: str, named: str, tmp_path: Path) -> None:
    expected = import_records("verra", VERRA).nodes  # the file's name is in the provenance: the same name below
    saved = tmp_path / VERRA.name
    saved.write_bytes(bom + VERRA.read_text(encoding="utf-8").encode(codec))
    assert detect_format(saved) == "verra"
    result = import_records("verra", saved)
    assert result.nodes == expected and expected
    assert any(named in warning for warning in result.warnings)


@pytest.mark.parametrize(("mark", "called"), [(";", "semicolons"), ("\t", "tabs")])
@pytest.mark.parametrize("fmt", ["verra", "auto"])
def test_a_header_separated_otherwise_is_refused_with_what_to_do(
    tmp_path: Path, mark: str, called: str, fmt: str
) -> None:
    lines = VERRA.read_text(encoding="utf-8").splitlines()
    saved = tmp_path / "resaved.csv"
    saved.write_text("\n".join([lines[0].replace(",", mark), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"separated by {called}, not commas.*comma-separated CSV"):
        import_records(fmt, saved)


# ---- a vintage or issuance date that cannot be read is said, never dropped without a word ----

IMPORTS = ROOT / "tests" / "fixtures" / "imports"


@pytest.mark.parametrize(
    ("fmt", "fixture", "written", "bad", "said"),
    [
        (
            "acr",
            "acr/retirements.csv",
            '"2024","1/1/2024"',
            '"FY24","1/1/2024"',
            "Vintage 'FY24' is not a four-digit year",
        ),
        ("acr", "acr/retirements.csv", '"5/14/2025 3:02:11 PM"', '"14.05.2025"', "Date Issued (GMT) '14.05.2025'"),
        ("car", "car/retired.csv", '"2025","CAR-1-US-98804', '"2025/26","CAR-1-US-98804', "Vintage '2025/26'"),
        ("art-trees", "art-trees/retirements.csv", '"2023","ART-GY', '"twenty23","ART-GY', "Vintage 'twenty23'"),
        (
            "art-trees",
            "art-trees/retirements.csv",
            '"11/4/2025 2:41:09 PM"',
            '"4 Nov 2025"',
            "Date Approved '4 Nov 2025'",
        ),
        (
            "cad-trust",
            "cad-trust/units.json",
            '"unit_vintage_year": "2024"',
            '"unit_vintage_year": "24"',
            "unit_vintage_year '24'",
        ),
        (
            "puro",
            "puro/transactions.json",
            '"issuanceDate": "2025-11-03"',
            '"issuanceDate": "3/11/25"',
            "issuanceDate '3/11/25'",
        ),
    ],
)
def test_an_unreadable_vintage_or_issuance_date_is_a_warning(
    tmp_path: Path, fmt: str, fixture: str, written: str, bad: str, said: str
) -> None:
    text = (IMPORTS / fixture).read_text(encoding="utf-8", errors="surrogateescape")
    assert written in text
    changed = tmp_path / Path(fixture).name
    changed.write_text(text.replace(written, bad, 1), encoding="utf-8", errors="surrogateescape")
    warnings = import_records(fmt, changed).warnings
    assert any(said in warning and "check the record" in warning for warning in warnings), warnings
    assert not any(said in warning for warning in import_records(fmt, IMPORTS / fixture).warnings)
