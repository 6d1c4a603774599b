"""cn-import and cn-merge never write over a file they read, and -q cannot hide that a row needs a look."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Run

ROOT = Path(__file__).resolve().parents[1]
VERRA = ROOT / "tests" / "fixtures" / "imports" / "verra" / "vcus.csv"
ACME = "Acme Ceramics GmbH"


def test_cn_import_refuses_to_write_over_the_export_it_reads(tmp_path: Path, cn_import: Callable[..., Run]) -> None:
    export = tmp_path / "vcus.csv"
    shutil.copyfile(VERRA, export)
    before = export.read_bytes()
    run = cn_import("verra", export, "--beneficiary", ACME, "-o", export)
    assert run.code == 2 and "-o is one of the files read" in run.err
    assert len(run.err.strip().splitlines()) >= 1 and "Traceback" not in run.err
    assert export.read_bytes() == before  # the registry's export is untouched


def test_cn_merge_refuses_to_write_over_an_import(
    tmp_path: Path, cn_import: Callable[..., Run], cn_merge: Callable[..., Run]
) -> None:
    imported = tmp_path / "vcus.jsonld"
    assert cn_import("verra", VERRA, "--beneficiary", ACME, "-o", imported).code == 0
    before = imported.read_bytes()
    run = cn_merge(ROOT / "examples" / "conforming-claim.jsonld", imported, "-o", imported)
    assert run.code == 2 and "-o is one of the files read" in run.err
    assert imported.read_bytes() == before


def test_the_quiet_summary_still_counts_the_warnings(cn_import: Callable[..., Run], tmp_path: Path) -> None:
    loud = cn_import("verra", VERRA, "--beneficiary", ACME, "-o", tmp_path / "a.jsonld")
    warnings = [line for line in loud.err.splitlines() if line.startswith("cn-import: warning:")]
    assert warnings  # Verra's export cannot tell a retirement from a cancellation: always one warning
    quiet = cn_import("verra", VERRA, "--beneficiary", ACME, "-q", "-o", tmp_path / "b.jsonld")
    assert quiet.code == 0 and "cn-import: warning:" not in quiet.err
    excluded = int(loud.err.split(" row(s) not offsetting events")[0].rsplit(" ", 1)[1])
    assert f"{excluded} row(s) not offsetting events; {len(warnings) - excluded} warning(s)" in quiet.err
