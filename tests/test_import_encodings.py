"""A registry export re-saved by a spreadsheet: UTF-16 text is read as the same export; a header separated by
semicolons or tabs (a locale with decimal commas, Excel's "Unicode Text") is refused with what to do, never read
as a file with "no column 'Serial Number'" or guessed at (12,5 may be twelve and a half)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from comet_cn.errors import InputError
from comet_cn.importers import detect_format, import_records
from tests.conftest import ROOT

VERRA = ROOT / "tests" / "fixtures" / "imports" / "verra" / "vcus.csv"


def test_a_utf16_export_imports_as_the_utf8_one(tmp_path: Path) -> None:
    text = VERRA.read_text(encoding="utf-8")
    expected = import_records("verra", VERRA).nodes  # the file's name is in the provenance: the same name below
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        (tmp_path / codec).mkdir()
        saved = tmp_path / codec / VERRA.name
        saved.write_bytes(bom + text.encode(codec))
        assert detect_format(saved) == "verra"
        result = import_records("verra", saved)
        assert result.nodes == expected and expected
        assert any("UTF-16" in warning for warning in result.warnings)


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
