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
        started = time.process_time()
        with pytest.raises(InputError):
            comet_cn.validate(path)
        elapsed = time.process_time() - started
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
        # A suite run in the background passes SIGINT on as ignored; the child gets a terminal's default.
        preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL),
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


# Inputs are the files the user named: nothing else is read, and nothing that could block is opened.


def test_a_link_out_of_a_folder_is_refused_not_followed(cli: Callable[..., Run], tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    secret = outside / "secret.jsonld"
    secret.write_bytes((EXAMPLES / "conforming-claim.jsonld").read_bytes())
    folder = tmp_path / "claims"
    (folder / "sub").mkdir(parents=True)
    good = folder / "a.jsonld"
    good.write_bytes(secret.read_bytes())
    (folder / "b-out.jsonld").symlink_to(secret)
    (folder / "sub" / "c-up.jsonld").symlink_to("../../elsewhere/secret.jsonld")
    (folder / "d-in.jsonld").symlink_to("a.jsonld")  # a link that stays inside is followed
    run = cli("-f", "json", folder)
    entries = [(e["source"], e["conforms"], e["error"]) for e in run.json()["inputs"]]
    refused = "symbolic link out of the folder, not followed"
    assert entries == [
        (str(good), True, None),
        (str(folder / "b-out.jsonld"), None, refused),
        (str(folder / "d-in.jsonld"), True, None),
        (str(folder / "sub" / "c-up.jsonld"), None, refused),
    ]
    assert run.code == 2
    assert cli(folder / "b-out.jsonld").code == 0  # a link the user names is the user's choice


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_and_devices_are_refused_without_being_opened(tmp_path: Path) -> None:
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "a.jsonld").write_bytes((EXAMPLES / "conforming-claim.jsonld").read_bytes())
    _fifo(folder / "b.jsonld")
    _fifo(folder / "c.jsonl")
    direct = _fifo(tmp_path / "direct.ttl")
    lines = _fifo(tmp_path / "direct.jsonl")
    started = time.monotonic()
    # Opening a FIFO for reading blocks until a writer comes: a run that opened one would hit this timeout.
    done = subprocess.run(
        [*script("cn-validate"), "-f", "json", str(folder), str(direct), str(lines), "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 120
    entries = [(e["source"], e["error"]) for e in json.loads(done.stdout)["inputs"]]
    assert entries == [
        (str(folder / "a.jsonld"), None),
        (str(folder / "b.jsonld"), "a FIFO, not a regular file: not opened"),
        (str(folder / "c.jsonl"), "a FIFO, not a regular file: not opened"),
        (str(direct), "a FIFO, not a regular file: not opened"),
        (str(lines), "a FIFO, not a regular file: not opened"),
        ("/dev/zero", "a device, not a regular file: not opened"),
    ]
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_the_last_line_of_json_lines_is_never_opened_as_a_path(cli: Callable[..., Run], tmp_path: Path) -> None:
    claim = EXAMPLES / "conforming-claim.jsonld"
    batch = tmp_path / "claims.jsonl"
    batch.write_text(json.dumps(json.loads(claim.read_text(encoding="utf-8"))) + "\n" + str(claim), encoding="utf-8")
    run = cli("-f", "json", batch)
    entries = [(e["source"], e["conforms"], e["error"]) for e in run.json()["inputs"]]
    assert entries[0] == (f"{batch}:1", True, None)
    assert entries[1][:2] == (f"{batch}:2", None) and "JSON Lines" in entries[1][2]
    assert run.code == 2


SECRET_BYTES = "Sekr1tTok3n"


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "broken.ttl",
            f"@prefix ex: <http://e/> .\nex:a ex:b {SECRET_BYTES} .",
            "not valid Turtle (syntax error at line 2",
        ),
        ("prefix.ttl", f"@prefix ex: <http://e/> .\n\n  {SECRET_BYTES}:a ex:b ex:c .", "at line 3 column 3"),
        ("tag.ttl", f'<http://e/a> <http://e/b> "x"@{SECRET_BYTES}-!! .', "not valid Turtle"),
        (
            "broken.nt",
            f"<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> {SECRET_BYTES} .",
            "line 2",
        ),
        ("type.jsonld", json.dumps({"@id": "http://e/a", "@type": {SECRET_BYTES: 1}}), "(invalid type value)"),
        ("id.jsonld", json.dumps({"@context": {SECRET_BYTES: {"@id": 5}}, "@id": "http://e/a"}), "not valid JSON-LD"),
        ("remote.jsonld", json.dumps({"@context": f"https://{SECRET_BYTES}.example/"}), "(at line 1 column 14)"),
    ],
)
def test_error_messages_quote_no_input_bytes(
    cli: Callable[..., Run], tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    run = cli(path)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1
    assert SECRET_BYTES not in run.err + run.out and problem in run.err, run.err


# Reports are byte-identical run after run, and a blank node at fault is named by where it sits.


def _blank_node_claims(tmp_path: Path) -> list[Path]:
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    nodes = {n["@id"]: n for n in document["@graph"]}
    # The reporting period as a blank node that is also typed a claim: an inconsistency whose node is blank.
    period = nodes["ex:period-2024"]
    document["@graph"].remove(period)
    del period["@id"]
    period["@type"] = ["ReportingPeriod", "CarbonNeutralityClaim"]
    nodes["ex:claim-2024"]["hasReportingPeriod"] = period
    # The plan's actions as blank nodes, the offsetting one first: CN-HIER-02 names two blank nodes in its message.
    actions = []
    for action_id in nodes["ex:plan"]["hasAction"]:
        action = nodes[action_id]
        document["@graph"].remove(action)
        del action["@id"]
        actions.append(action)
    actions[-1]["actionOrder"] = 0
    nodes["ex:plan"]["hasAction"] = actions
    path = tmp_path / "blank.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    turtle = tmp_path / "blank.ttl"
    turtle.write_text(comet_cn.load(path).serialize(format="turtle"), encoding="utf-8")
    return [path, turtle]


def test_reports_on_blank_nodes_are_byte_identical_and_name_the_node_at_fault(tmp_path: Path) -> None:
    files = [str(p) for p in _blank_node_claims(tmp_path)]
    for fmt in ("json", "text"):
        first = subprocess.run([*script("cn-validate"), "-f", fmt, *files], capture_output=True)
        second = subprocess.run([*script("cn-validate"), "-f", fmt, *files], capture_output=True)
        assert first.returncode == second.returncode == 1
        assert first.stdout == second.stdout and first.stdout
    report = comet_cn.validate(Path(files[0]))
    period = "[https://comet.carbon/ext/iso14068#hasReportingPeriod of https://example.org/acme/claim-2024]"
    consistency = [r for r in report.results if r.rule_id == "CN-CONSIST-01"]
    assert [r.focus_node for r in consistency] == [period]
    assert consistency[0].message.endswith(f"have a common individual {period}")
    order = next(r for r in report.results if r.rule_id == "CN-HIER-02")
    action = "[https://comet.carbon/ext/iso14068#hasAction of https://example.org/acme/plan]"
    assert f"offsetting action {action} is not ordered after" in order.message
    assert comet_cn.validate(Path(files[0]), engine="owlrl").results == report.results
