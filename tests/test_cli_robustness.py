"""One bad input, one signal or one full disk costs one line and exit 2, never the other inputs' verdicts.

Each test is what a user sees: the exit code, one line on standard error, the good input's verdict still in the
report, no temporary file left, no worker process outliving the run.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from comet_cn import batch, loading, output, stopping
from comet_cn.errors import InputError
from comet_cn.reporting import InputFailure
from comet_cn.textform import example_claim, from_yaml, to_yaml
from tests.conftest import EXAMPLES, ROOT, Run, script

GOOD = EXAMPLES / "conforming-claim.jsonld"
VERRA = ROOT / "tests" / "fixtures" / "imports" / "verra" / "vcus.csv"
ACME = "Acme Ceramics GmbH"


def _one_error_line(run: Run, program: str, *needles: str) -> str:
    lines = [line for line in run.err.splitlines() if line.startswith(f"{program}: ")]
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err + run.out and f"{program}: internal error" not in run.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if output.TEMPORARY_MARK in p.name)


# --- YAML values PyYAML cannot build (item: ValueError is not a YAMLError) ---------------------------------------


def _yaml_claim(claim_date: str) -> str:
    text = to_yaml(example_claim())
    changed, count = re.subn(r"(?m)^(\s*claimDate:) .*$", rf"\1 {claim_date}", text)
    assert count == 1
    return changed


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2025-02-30", "2025-02-30"),  # a date that does not exist: ValueError in PyYAML
        ("2025-02-30 10:00:00", "2025-02-30 10:00:00"),
        ("9" * 5000, "9" * 5000),  # more than Python's 4,300 digits: ValueError in PyYAML
        ("!!timestamp hello", "hello"),  # AttributeError in PyYAML
        ("!!bool maybe", "maybe"),  # KeyError in PyYAML
        ("!!int twelve", "twelve"),
    ],
)
def test_a_yaml_value_pyyaml_cannot_build_is_read_as_its_text(value: str, text: str) -> None:
    document = from_yaml(_yaml_claim(value))
    claims = [node for node in document["@graph"] if node.get("type") == "CarbonNeutralityClaim"]
    assert [claim["claimDate"] for claim in claims] == [text]


def test_a_huge_integer_in_a_yaml_list_is_its_text() -> None:
    document = from_yaml(f"Claim:\n- id: ex:a\n  label: [{'7' * 5000}, 2025-13-01]\n")
    assert document["@graph"][0]["label"] == ["7" * 5000, "2025-13-01"]


def test_a_yaml_constructor_failure_is_one_line_with_its_position(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml  # type: ignore[import-untyped]

    from comet_cn.textform import _unique_key_loader

    def boom(loader: Any, node: Any) -> Any:
        raise ValueError("a message that quotes the input")

    loader: Any = _unique_key_loader(yaml)
    monkeypatch.setitem(loader.yaml_constructors, "!boom", boom)
    with pytest.raises(InputError) as caught:
        from_yaml("Claim:\n- id: ex:a\n  label: !boom x\n", name="c.yaml")
    assert caught.value.problem == "not usable YAML: a value at line 3 column 10 cannot be read"


def test_a_date_that_does_not_exist_in_yaml_is_a_violation_not_a_crash(cli: Callable[..., Run], tmp_path: Path) -> None:
    typo = tmp_path / "typo.yaml"
    typo.write_text(_yaml_claim("2025-02-30"), encoding="utf-8")
    run = cli("-f", "json", "--as-of", "2026-01-01", typo, GOOD)
    assert run.code == 1, run.err
    report = run.json()
    assert [entry["conforms"] for entry in report["inputs"]] == [False, True]
    assert [entry["error"] for entry in report["inputs"]] == [None, None]
    assert any(r["value"] == "2025-02-30" for r in report["results"] if r["source"] == str(typo))


def test_cn_convert_reads_a_date_that_does_not_exist_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from comet_cn.convert_cli import convert_command
    from tests.conftest import in_process

    typo = tmp_path / "typo.yaml"
    typo.write_text(_yaml_claim("2025-02-30"), encoding="utf-8")
    run = in_process(convert_command, capsys)("-q", typo, tmp_path / "typo.jsonld")
    assert run.code == 0, run.err
    assert '"2025-02-30"' in (tmp_path / "typo.jsonld").read_text(encoding="utf-8")


# --- Reports that read the claims again (html, junit, --audits) ----------------------------------------------------


@pytest.fixture
def unloadable(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make the loader raise a ValueError (a loader bug, not an InputError) for files of one name."""

    def make(name: str) -> None:
        real = loading._read_file

        def read(path: Path, limits: loading.LoadLimits) -> str:
            if path.name == name:
                raise ValueError("day is out of range for month")
            return real(path, limits)

        monkeypatch.setattr(loading, "_read_file", read)

    return make


@pytest.mark.parametrize(
    "options",
    [("-f", "junit"), ("-f", "html"), ("--audits",), ("--audits", "-f", "json"), ("--audits", "-f", "html")],
    ids=["junit", "html", "audits-text", "audits-json", "audits-html"],
)
def test_a_broken_input_costs_only_itself_in_whole_run_reports(
    cli: Callable[..., Run], tmp_path: Path, unloadable: Callable[[str], None], options: tuple[str, ...]
) -> None:
    bad = tmp_path / "bad.jsonld"
    bad.write_bytes(GOOD.read_bytes())
    unloadable("bad.jsonld")
    out = tmp_path / "report.out"
    run = cli(*options, "-o", out, bad, GOOD)
    assert run.code == 3, run.err  # an internal error in one input: that input's failure, and the run exits 3
    _one_error_line(run, "cn-validate", str(bad), "could not be validated: internal error (ValueError)")
    report = out.read_text(encoding="utf-8")
    assert str(GOOD) in report
    if "json" in options:
        verdicts = {entry["source"]: entry["conforms"] for entry in json.loads(report)["inputs"]}
        assert verdicts == {str(bad): None, str(GOOD): True}
    elif "html" not in options and "junit" not in options:
        assert f"{GOOD}: CONFORMS" in report and "Summary:" in report
    assert _leftovers(tmp_path) == []


def test_an_input_that_cannot_be_read_again_is_its_own_error_line(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read for its verdict, then not again (changed on disk, or a loader bug): its own line, the report is written."""
    import comet_cn.cli

    changing = tmp_path / "changing.jsonld"
    changing.write_bytes(GOOD.read_bytes())
    real = loading.load

    def load_again(source: Any, **options: Any) -> Any:
        if source == changing:
            raise ValueError("changed")
        return real(source, **options)

    monkeypatch.setattr(comet_cn.cli, "load", load_again)
    out = tmp_path / "report.xml"
    run = cli("-f", "junit", "-o", out, changing, GOOD)
    assert run.code == 3, run.err
    _one_error_line(
        run, "cn-validate", str(changing), "could not be read again after its validation: internal error (ValueError)"
    )
    assert out.read_text(encoding="utf-8").count("<testsuite ") == 2


# --- SIGHUP ---------------------------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the worker processes")
def test_a_hangup_leaves_no_temporary_file_and_no_worker(tmp_path: Path) -> None:
    claims = sorted((EXAMPLES / "violations").glob("*.jsonld"))
    out = tmp_path / "o.json"
    process = subprocess.Popen(
        [*script("cn-validate"), "-q", "-j", "2", "-f", "json", "-o", str(out), *map(str, claims)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # A suite started under nohup passes SIGHUP on as ignored, and an ignored hangup rightly stops nothing (the
        # next test): the child gets the default disposition a terminal session has.
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            workers = _children(process.pid)
        assert len(workers) >= 2, "the workers never started"
        assert _leftovers(tmp_path), "the report was not being written yet"
        process.send_signal(signal.SIGHUP)
        _, err = process.communicate(timeout=60)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert process.returncode == 128 + signal.SIGHUP
        assert b"Traceback" not in err
        assert [pid for pid in workers if _alive(pid)] == []
        assert list(tmp_path.iterdir()) == []
    finally:
        for pid in [process.pid, *workers]:  # only the processes this test started
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait()


def test_a_hangup_ignored_by_the_caller_stays_ignored() -> None:
    """Under nohup a hangup must not stop the run: the handler is installed only where SIGHUP is not ignored."""
    from comet_cn.cli import _outcome_of

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        assert _outcome_of(lambda: 0, "cn-validate") == 0
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


# --- -j ---------------------------------------------------------------------------------------------------------------


def test_too_many_jobs_is_a_usage_error(cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    monkeypatch.setattr(batch, "_Workers", lambda workers, *rest: started.append(workers))
    run = cli("-j", "100000", GOOD)
    assert run.code == 2 and run.out == ""
    _one_error_line(run, "cn-validate", "-j 100000 is too many worker processes", f"at most {batch.max_jobs()}")
    assert started == []


def test_no_more_workers_start_than_there_are_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []

    class Counted(batch._Workers):
        def __init__(self, workers: int, *rest: Any) -> None:
            sizes.append(workers)
            super().__init__(workers, *rest)

    monkeypatch.setattr(batch, "_Workers", Counted)
    failure = InputFailure("<gone>", "file not found")
    outcomes = list(batch.validate_many([failure, GOOD, GOOD], jobs=8, reasoning="none"))
    assert sizes == [2]
    assert [getattr(o, "conforms", None) for o in outcomes] == [None, True, True]


# --- A full disk ----------------------------------------------------------------------------------------------------


@contextmanager
def _full_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every report's temporary file writes to /dev/full (ENOSPC from the kernel), under its real temporary name."""
    real = output._temporary

    def temporary(path: Path) -> tuple[int, str]:
        descriptor, name = real(path)
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, descriptor)
        os.close(full)
        return descriptor, name

    monkeypatch.setattr(output, "_temporary", temporary)
    yield


needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


@needs_dev_full
def test_a_full_disk_is_one_line_and_exit_2(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.json"  # a new file: an existing one would have its mode copied onto /dev/full
    with _full_disk(monkeypatch):
        run = cli("-f", "json", "-o", out, GOOD)
    assert run.code == 2, run.err
    _one_error_line(run, "cn-validate", str(out), "cannot write the report (No space left on device)")
    assert list(tmp_path.iterdir()) == []


@needs_dev_full
def test_a_full_disk_for_cn_query_and_cn_merge(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cn_import: Callable[..., Run],
    cn_merge: Callable[..., Run],
) -> None:
    from comet_cn.cli import query_command
    from tests.conftest import in_process

    imported = tmp_path / "imports" / "vcus.jsonld"
    imported.parent.mkdir()
    assert cn_import("verra", VERRA, "--beneficiary", ACME, "-o", imported).code == 0
    out = tmp_path / "out"
    out.mkdir()
    with _full_disk(monkeypatch):
        query = in_process(query_command, capsys)("-i", "none", "-o", out / "q.txt", "double-counting", GOOD)
        merged = cn_merge(GOOD, imported, "-o", out / "merged.jsonld")
    for run, program, name in ((query, "cn-query", "q.txt"), (merged, "cn-merge", "merged.jsonld")):
        assert run.code == 2, run.err
        _one_error_line(run, program, str(out / name), "cannot write the report (No space left on device)")
    assert list(out.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_from_the_kernel_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A real write failure from the kernel (EFBIG past RLIMIT_FSIZE), in a process of its own."""
    import resource

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50, 50))

    out = tmp_path / "report.json"
    done = subprocess.run(
        [*script("cn-validate"), "-i", "none", "-f", "json", "-o", str(out), str(GOOD)],
        capture_output=True,
        preexec_fn=limited,
        env={**os.environ, "COMET_CN_NO_CACHE": "1"},
        timeout=300,
    )
    run = Run(done.returncode, done.stdout.decode(), done.stderr.decode())
    assert run.code == 2, run.err
    _one_error_line(run, "cn-validate", str(out), "cannot write the report (File too large)")
    assert list(tmp_path.iterdir()) == []


def test_a_one_line_file_gets_no_hint_meant_for_library_text(cli: Callable[..., Run], tmp_path: Path) -> None:
    """The hint that a str is read as text, not a file name, is for library callers; a file the CLI read must not
    get it (robustness red team)."""
    path = tmp_path / "claim.ttl"
    path.write_text('<urn:a> <urn:b> "x .\n', encoding="utf-8")
    run = cli(str(path))
    assert run.code == 2 and "syntax error" in run.err
    assert "pathlib.Path" not in run.err + run.out
    with pytest.raises(InputError, match=r"pathlib\.Path"):
        loading.load('<urn:a> <urn:b> "x .', format="turtle")


# A stop signal used to be raised wherever Python happened to be. These put it exactly where it was lost: in a fork
# hook (printed as "Exception ignored", and the run went on) and between creating the pool's manager thread and
# starting it (shutting down then failed: exit 3). Each must end the run with the signal's code and leave nothing.
_CUT = {
    "fork-hook": (
        "os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGHUP))",
        128 + signal.SIGHUP,
    ),
    "pool-start": (
        "from concurrent.futures import process\n"
        "start = process._ExecutorManagerThread.start\n"
        "def cut(self):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return start(self)\n"
        "process._ExecutorManagerThread.start = cut",
        128 + signal.SIGTERM,
    ),
}


@pytest.mark.skipif(not hasattr(signal, "SIGHUP") or not hasattr(os, "register_at_fork"), reason="POSIX signals")
@pytest.mark.parametrize("where", sorted(_CUT))
def test_a_stop_signal_while_the_workers_start_ends_the_run_with_its_code(tmp_path: Path, where: str) -> None:
    setup, code = _CUT[where]
    out = tmp_path / "o.json"
    program = "\n".join(
        [
            "import os, signal, sys",
            setup,
            "from comet_cn.cli import validate_command",
            f"sys.argv = ['cn-validate', '-q', '-j', '2', '-f', 'json', '-o', {str(out)!r}, *sys.argv[1:]]",
            "validate_command()",
        ]
    )
    run = subprocess.run(
        [sys.executable, "-c", program, str(GOOD), str(EXAMPLES / "residual-only-claim.jsonld")],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL),
    )
    assert run.returncode == code, run.stderr
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr
    assert list(tmp_path.iterdir()) == []  # no report, complete or half-written


def test_a_stop_signal_inside_a_held_section_is_raised_as_it_ends() -> None:
    program = (
        "import os, signal\n"
        "from comet_cn import stopping\n"
        "stopping.install()\n"
        "with stopping.held():\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    print('finished the section', flush=True)\n"
        "print('went on')\n"
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert run.returncode == 128 + signal.SIGTERM
    assert run.stdout == "finished the section\n"


def test_a_closed_standard_input_is_one_input_error_and_the_others_keep_their_verdicts(tmp_path: Path) -> None:
    # Started with standard input closed (0<&-), Python has no sys.stdin: reading "-" was an internal error that
    # cost every other input its verdict.
    validate = subprocess.run(
        [*script("cn-validate"), "-f", "json", "-", str(GOOD)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    assert validate.returncode == 2, validate.stderr
    assert validate.stderr.strip() == "cn-validate: error: <stdin>: standard input is closed"
    report = json.loads(validate.stdout)
    assert report["summary"]["conforming"] == 1 and report["summary"]["errors"] == 1
    convert = subprocess.run(
        [*script("cn-convert"), "--from", "jsonld", "-", str(tmp_path / "x.ttl")],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(0),
    )
    assert convert.returncode == 2
    assert convert.stderr.strip() == "cn-convert: error: <stdin>: standard input is closed"
    assert list(tmp_path.iterdir()) == []


def test_a_command_run_in_process_gives_the_callers_stop_handlers_back(cli: Callable[..., Run]) -> None:
    # A pipeline (or this suite) calling the entry point kept comet-cn's handler after the command returned: a
    # SIGTERM meant for its later, unrelated work became SystemExit(143) inside whatever it was doing then.
    def callers_handler(signum: int, frame: object) -> None:
        raise AssertionError("not called")

    previous = signal.signal(signal.SIGTERM, callers_handler)
    try:
        assert cli("-q", GOOD).code == 0
        assert signal.getsignal(signal.SIGTERM) is callers_handler
        if hasattr(signal, "SIGHUP"):
            assert signal.getsignal(signal.SIGHUP) is not stopping.on_stop_signal
    finally:
        signal.signal(signal.SIGTERM, previous)
