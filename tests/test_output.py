"""Report files: written atomically, only as regular files, keeping the old file's mode, and never leaving a
temporary file behind (one left by a killed run is removed by the next write to the same path)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import comet_cn.cli
from comet_cn.errors import InputError
from comet_cn.output import atomic_output
from tests.conftest import EXAMPLES, Run


def _write(path: Path | None, text: str) -> None:
    with atomic_output(path) as stream:
        stream.write(text)


def _temporaries(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if ".cn-tmp-" in name)


def test_a_new_report_is_written_whole_with_no_temporary_left(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    _write(target, "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_report_gets_a_new_files_permissions(tmp_path: Path, umask: int) -> None:
    # It was always 0o600 (the temporary file's), whatever the umask: a report meant for colleagues was not theirs
    # to read (red team 24). Written through cn-convert's writer too.
    from comet_cn.convert import write_bytes

    previous = os.umask(umask)
    try:
        target = tmp_path / "report.json"
        _write(target, "{}\n")
        converted = tmp_path / "claim.ttl"
        write_bytes(converted, b"<urn:a> <urn:b> <urn:c> .\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(converted.stat().st_mode) == 0o666 & ~umask


def test_a_relative_path_is_written_in_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(Path("report.txt"), "ok\n")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == "ok\n"


def test_standard_output_when_no_path(capsys: pytest.CaptureFixture[str]) -> None:
    _write(None, "to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


@pytest.mark.parametrize("mode", [0o640, 0o644, 0o400])
def test_an_existing_report_keeps_its_permission_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(mode)
    _write(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == mode


def _refused(target: Path, words: str) -> None:
    with pytest.raises(InputError, match=words) as refused, atomic_output(target):
        raise AssertionError("the report must not be started")
    assert refused.value.source == str(target) and "\n" not in str(refused.value)


def test_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.txt"
    real.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "report.txt"
    link.symlink_to(real)
    _refused(link, "is a symbolic link; reports are written only to regular files")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "keep\n"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    _refused(dangling, "is a symbolic link")
    assert not (tmp_path / "nowhere.txt").exists() and _temporaries(tmp_path) == []


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    started = time.monotonic()
    _refused(fifo, "is a FIFO")
    assert time.monotonic() - started < 5 and _temporaries(tmp_path) == []


def test_a_device_is_refused() -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    _refused(Path("/dev/null"), "is a device")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, "is a folder")


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "no-such-folder" / "report.txt", "its folder does not exist")


def test_an_unwritable_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):  # root writes anywhere: make the check see what another user would
        access = os.access
        monkeypatch.setattr(os, "access", lambda p, m, **k: False if Path(p) == folder else access(p, m, **k))
    try:
        _refused(folder / "report.txt", "its folder is not writable")
    finally:
        folder.chmod(0o700)


def test_the_command_line_exits_2_with_one_line(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(comet_cn.cli, "atomic_output", atomic_output)  # as the command line will use it
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    run = cli("-o", fifo, EXAMPLES / "conforming-claim.jsonld")
    assert run.code == 2 and run.out == ""
    assert run.err == f"cn-validate: error: {fifo}: is a FIFO; reports are written only to regular files\n"


@pytest.mark.parametrize("stop", [RuntimeError("bug"), KeyboardInterrupt(), SystemExit(143)])
def test_an_interrupted_report_leaves_the_old_file_and_no_temporary(tmp_path: Path, stop: BaseException) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(type(stop)), atomic_output(target) as stream:
        stream.write("half a rep")
        stream.flush()
        assert len(_temporaries(tmp_path)) == 1
        raise stop
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _temporaries(tmp_path) == []


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from comet_cn.output import atomic_output
with atomic_output(Path(sys.argv[1])) as stream:
    stream.write("half a rep")
    stream.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_temporary_left_by_a_killed_run_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], timeout=300)
    assert done.returncode == -signal.SIGKILL
    (stale,) = _temporaries(tmp_path)
    assert stale.startswith(".report.txt.cn-tmp-")
    assert target.read_text(encoding="utf-8") == "old\n"
    _write(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n" and _temporaries(tmp_path) == []


def test_only_our_own_stale_temporaries_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.txt"
    kept = [
        ".report.txt.cn-tmp-abc",  # not the exact pattern: random part too short
        ".report.txt.cn-tmp-abcdefgh.bak",  # ... or followed by more
        ".report.txtX.cn-tmp-abcdefgh",  # another target's
        "report.txt.cn-tmp-abcdefgh",  # no leading dot
        ".other.txt.cn-tmp-abcdefgh",
    ]
    for name in kept:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".report.txt.cn-tmp-folder01").mkdir()  # the pattern, but a folder
    (tmp_path / ".report.txt.cn-tmp-linklink").symlink_to(tmp_path / ".other.txt.cn-tmp-abcdefgh")
    (tmp_path / ".report.txt.cn-tmp-stale_01").write_text("x", encoding="utf-8")
    _write(target, "new\n")
    assert ".report.txt.cn-tmp-stale_01" not in os.listdir(tmp_path)
    left = set(kept) | {".report.txt.cn-tmp-folder01", ".report.txt.cn-tmp-linklink"}
    assert set(os.listdir(tmp_path)) == left | {"report.txt"}
    # A stale file of the exact pattern that belongs to another user is left alone too.
    (tmp_path / ".report.txt.cn-tmp-theirs01").write_text("x", encoding="utf-8")
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)
    _write(target, "newer\n")
    assert (tmp_path / ".report.txt.cn-tmp-theirs01").exists()


def test_a_temporary_being_written_by_another_run_is_not_removed(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    with atomic_output(target) as outer:  # still being written (and locked) while another run writes
        outer.write("first\n")
        _write(target, "second\n")
        assert target.read_text(encoding="utf-8") == "second\n"
        assert len(_temporaries(tmp_path)) == 1
    assert target.read_text(encoding="utf-8") == "first\n" and _temporaries(tmp_path) == []
