"""Hostile input: files from strangers never crash the tool, hang it, make it reach the network, or lose a verdict."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

import comet_cn
from comet_cn.errors import InputError
from comet_cn.synthetic import as_json_line, synthetic_batch
from tests.conftest import EXAMPLES, Listener, Run, run_script, script


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record (and refuse) every outgoing connection attempted in this process."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def _claim_with_context(context: object) -> str:
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    document["@context"] = context
    return json.dumps(document)


@pytest.mark.parametrize(
    "context",
    [
        "http://127.0.0.1:{port}/context.jsonld",
        "https://127.0.0.1:{port}/context.jsonld",
        ["https://comet.carbon/ext/iso14068/context.jsonld", "http://127.0.0.1:{port}/more.jsonld"],
        {"@import": "http://127.0.0.1:{port}/import.jsonld"},
        "file:///etc/passwd",
        "context.jsonld",
    ],
)
def test_remote_context_is_refused_by_the_command_line_without_any_connection(
    listener: Listener, tmp_path: Path, context: object
) -> None:
    path = tmp_path / "claim.jsonld"
    path.write_text(_claim_with_context(json.loads(json.dumps(context).replace("{port}", str(listener.port)))))
    run = run_script("cn-validate", path)
    assert run.code == 2 and "Traceback" not in run.err
    assert str(path) in run.err and ("@context" in run.err or "relative IRI" in run.err)
    assert listener.connections == 0


def test_no_socket_is_opened_while_validating_hostile_files(no_network: list[object], tmp_path: Path) -> None:
    hostile = [
        _claim_with_context("http://169.254.169.254/latest/meta-data/"),
        _claim_with_context({"@import": "https://evil.example/context.jsonld"}),
        '{"@context": {"@vocab": "http://example.org/"}, "@id": "http://example.org/a", "@type": "http://x/Y"}',
        "@prefix ex: <http://evil.example/> . ex:a <http://www.w3.org/2002/07/owl#imports> ex:b .",
    ]
    for text in hostile:
        with contextlib.suppress(InputError):
            comet_cn.validate(text)
    extra = tmp_path / "shapes.ttl"
    extra.write_text("<http://e/s> <http://www.w3.org/2002/07/owl#imports> <https://evil.example/shapes.ttl> .\n")
    with pytest.raises(InputError, match="never fetched"):
        comet_cn.validate(EXAMPLES / "conforming-claim.jsonld", extra_shapes=[extra])
    assert no_network == []


def test_remote_imports_in_extra_shapes_are_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    extra = tmp_path / "shapes.ttl"
    extra.write_text("<http://e/s> <http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/shapes.ttl> .\n")
    run = cli("--shapes", extra, EXAMPLES / "conforming-claim.jsonld")
    assert run.code == 2 and "owl:imports" in run.err and len(run.err.strip().splitlines()) == 1


def test_several_files_some_broken_each_get_their_own_verdict(cli: Callable[..., Run], tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonld"
    broken.write_text('{"@context": ')
    good = EXAMPLES / "conforming-claim.jsonld"
    bad = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"
    run = cli("-f", "json", good, broken, bad)
    assert run.code == 2  # the worst of 0, 2 and 1
    document = run.json()
    verdicts = [(i["source"], i["conforms"]) for i in document["inputs"]]
    assert verdicts == [(str(good), True), (str(broken), None), (str(bad), False)]
    assert document["summary"] == {
        "inputs": 3,
        "conforming": 1,
        "failing": 1,
        "errors": 1,
        "not_claims": 0,
        "audit_violations": 0,
        "audit_warnings": 0,
        "rules": {"CN-VINT-01": 1},
    }
    assert run.err.strip().splitlines() == [
        f"cn-validate: error: {broken}: not valid JSON (Expecting value at line 1 column 14)"
    ]
    text = cli(good, broken, bad)
    assert text.code == 2 and f"Could not be read: {broken}" in text.out
    assert cli(good, bad).code == 1 and cli(good).code == 0


def test_unreadable_file_is_an_input_error(cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    path = folder / "claim.jsonld"
    path.write_text("{}")
    os.chmod(folder, 0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        run = cli(path)
        assert run.code == 2 and str(path) in run.err
    finally:
        os.chmod(folder, 0o755)


def test_huge_nesting_and_strings_are_refused_quickly_in_bounded_memory(tmp_path: Path) -> None:
    cases = {
        "deep.jsonld": "[" * 100_000 + "]" * 100_000,
        "deep-objects.jsonld": '{"a":' * 100_000 + "1" + "}" * 100_000,
        "long-string.jsonld": json.dumps({"@id": "http://e/a", "http://e/p": "x" * 5_000_000}),
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        tracemalloc.start()
        started = time.perf_counter()
        with pytest.raises(InputError):
            comet_cn.validate(path)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < 5, name
        assert peak < 200 * 1024 * 1024, name


def test_limits_are_options(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = EXAMPLES / "conforming-claim.jsonld"
    assert cli("--max-depth", "3", path).code == 2
    assert cli("--max-string", "10", path).code == 2
    assert cli("--max-bytes", "100", path).code == 2
    assert cli("--max-depth", "50", path).code == 0


def _batch(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "batch.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for document, _ in synthetic_batch(count, violation_every=5):
            handle.write(as_json_line(document) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_run_leaves_no_half_written_report(tmp_path: Path, signum: int) -> None:
    batch = _batch(tmp_path, 60)
    out = tmp_path / "report.json"
    process = subprocess.Popen(
        [*script("cn-validate"), "-q", "-f", "json", "-o", str(out), str(batch)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(4)
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert b"Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["batch.jsonl"]


def test_output_file_is_complete_and_replaced_atomically(cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old report")
    assert cli("-f", "json", "-o", out, EXAMPLES / "conforming-claim.jsonld").code == 0
    assert json.loads(out.read_text())["conforms"] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_reports_are_byte_identical_across_processes() -> None:
    files = [
        EXAMPLES / "violations" / "cn-plan-01-missing-plan-element.jsonld",
        EXAMPLES / "violations" / "cn-rev-01-dropped-reversal.jsonld",
    ]
    for fmt in ("json", "text"):
        first = subprocess.run([*script("cn-validate"), "-f", fmt, *map(str, files)], capture_output=True)
        second = subprocess.run([*script("cn-validate"), "-f", fmt, *map(str, files)], capture_output=True)
        assert first.returncode == second.returncode == 1
        assert first.stdout == second.stdout and first.stdout


def test_standard_input_is_accepted_and_bounded() -> None:
    data = (EXAMPLES / "conforming-claim.jsonld").read_bytes()
    assert run_script("cn-validate", "-", stdin=data).code == 0
    run = run_script("cn-validate", "--max-bytes", "50", "-", stdin=data)
    assert run.code == 2 and "<stdin>" in run.err


def test_internal_errors_are_one_line_with_exit_3(cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> None:
    import comet_cn.batch

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("simulated bug\nsecond line")

    monkeypatch.setattr(comet_cn.batch, "validate", explode)
    run = cli(EXAMPLES / "conforming-claim.jsonld", EXAMPLES / "conforming-claim.jsonld")
    # A bug costs only the input it struck (each is reported, quoting none of the error text) and exits 3.
    assert run.code == 3
    assert (
        run.err.strip().splitlines()
        == [
            f"cn-validate: error: {EXAMPLES / 'conforming-claim.jsonld'}: could not be validated: internal error "
            "(RuntimeError)"
        ]
        * 2
    )


def test_python_module_invocation_has_no_traceback_for_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    path.write_bytes(b"\x00\x01binary")
    done = subprocess.run(
        [sys.executable, "-c", "from comet_cn.cli import validate_command; validate_command()", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "binary data" in done.stderr


def test_permission_denied_is_an_input_error(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret.jsonld"
    path.write_text("{}")
    original = Path.open

    def guarded(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return original(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", guarded)
    run = cli(path)
    assert run.code == 2 and run.err.strip() == f"cn-validate: error: {path}: permission denied"
