"""Audit backends: the same findings from rdflib, Oxigraph in memory, Oxigraph on disk and an Oxigraph server started
here; a bad endpoint or a missing extra is one line and exit 2."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from comet_cn.audits import AuditFinding, audit_results, run_audits
from comet_cn.errors import InputError
from comet_cn.queries import load_sources, query, query_info, run_query
from comet_cn.store import EndpointBackend, GraphBackend, OxigraphBackend
from comet_cn.synthetic import synthetic_claim
from tests.conftest import EXAMPLES, Run

pytest.importorskip("pyoxigraph")

MANIFEST = [EXAMPLES / e["file"] for e in json.loads((EXAMPLES / "manifest.json").read_text())["examples"]]
MULTI = EXAMPLES / "multi-period"


def _claims_with_double_counting() -> list[dict[str, Any]]:
    """Six generated claims; claim 1 retires claim 0's first serial again, claim 3 part of claim 2's first block."""
    claims = [synthetic_claim(i) for i in range(6)]

    def first_credit(document: dict[str, Any]) -> dict[str, Any]:
        return next(n for n in document["@graph"] if n.get("@type") == "CarbonCredit")

    first_credit(claims[1])["serialNumber"] = first_credit(claims[0])["serialNumber"]
    block, _, _ = first_credit(claims[2])["serialNumber"].rsplit("-", 2)
    first_credit(claims[3])["serialNumber"] = f"{block.lower()}-0000002-0000009"
    return claims


@pytest.fixture(scope="module")
def data_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("claims")
    for index, document in enumerate(_claims_with_double_counting()):
        (folder / f"generated-{index}.jsonld").write_text(json.dumps(document), encoding="utf-8")
    for path in [*MANIFEST, *sorted(MULTI.glob("*.jsonld"))]:
        shutil.copy(path, folder / f"{path.parent.name}-{path.name}")
    return folder


@pytest.fixture(scope="module")
def reference(data_set: Path) -> tuple[Graph, list[AuditFinding]]:
    graph = load_sources(data_set, reasoning="rdfs")
    return graph, audit_results(graph)


def test_the_reference_finds_the_injected_double_counting(reference: tuple[Graph, list[AuditFinding]]) -> None:
    findings = reference[1]
    double = [f for f in findings if f.rule_id == "CN-AUDIT-DOUBLE-01"]
    assert any("EX-000000-0000001" in f.focus_node and "2 claim(s)" in f.message for f in double)
    assert any("units 2-9 are retired" in f.message and "synthetic/2/claim" in f.message for f in double)
    assert {f.rule_id for f in findings} >= {"CN-AUDIT-DOUBLE-01", "CN-AUDIT-HIER-01", "CN-AUDIT-IMPROVE-01"}


def test_oxigraph_in_memory_and_on_disk_give_the_same_findings(
    reference: tuple[Graph, list[AuditFinding]], tmp_path: Path
) -> None:
    graph, expected = reference
    with OxigraphBackend() as memory:
        memory.add(graph)
        assert audit_results(memory) == expected
    with OxigraphBackend(tmp_path / "store") as disk:
        disk.add(graph)
    with OxigraphBackend(tmp_path / "store") as reopened:  # what was written is on disk, not only in memory
        assert audit_results(reopened) == expected
    assert audit_results(GraphBackend(graph)) == expected


def test_run_audits_gives_the_same_findings_on_every_backend(data_set: Path, tmp_path: Path) -> None:
    expected = run_audits(data_set, reasoning="rdfs", backend="rdflib")
    assert run_audits(data_set, reasoning="rdfs", backend="oxigraph") == expected
    assert run_audits(data_set, reasoning="rdfs", backend="auto") == expected
    with OxigraphBackend(tmp_path / "s", clear=True) as store:
        assert run_audits(data_set, reasoning="rdfs", backend=store) == expected


def test_a_store_is_emptied_before_it_is_loaded_again(data_set: Path, tmp_path: Path) -> None:
    # Loading twice would give blank-node credit blocks twice and so invent double counting.
    expected = run_audits(MULTI, backend="rdflib")
    for _ in range(2):
        with OxigraphBackend(tmp_path / "s", clear=True) as store:
            assert run_audits(MULTI, backend=store) == expected


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="no Oxigraph store"):
        OxigraphBackend(tmp_path, clear=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_bindings_filter_columns_on_a_store(reference: tuple[Graph, list[AuditFinding]]) -> None:
    graph = reference[0]
    info = query_info("continual-improvement")
    subject = "https://example.org/acme/acme"
    with OxigraphBackend() as store:
        store.add(graph)
        assert run_query(info, store, subject=subject).to_dicts() != []
        ours = [(r["period"], r["offset_increased"]) for r in run_query(info, store, subject=subject).to_dicts()]
        with pytest.raises(InputError, match="only result columns"):
            run_query(info, store, claim="https://example.org/x")
    assert ours == [(r["period"], r["offset_increased"]) for r in run_query(info, graph, subject=subject).to_dicts()]


# --- an Oxigraph server on the loopback address ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("oxigraph")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the oxigraph binary (test extra: pip install 'oxigraph>=0.5') is missing")
        pytest.skip("the oxigraph binary is not installed")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "server"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(base + "/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the Oxigraph server did not start within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.slow
def test_an_oxigraph_server_gives_the_same_findings(
    oxigraph_server: str, reference: tuple[Graph, list[AuditFinding]], data_set: Path
) -> None:
    expected = reference[1]
    endpoint = EndpointBackend(oxigraph_server + "/query", store_url=oxigraph_server + "/store")
    with endpoint:
        # The same findings; run_audits read the inputs, so it also names those holding each node (red team 73b).
        found = run_audits(data_set, reasoning="rdfs", backend=endpoint, source=None)
        assert [replace(f, inputs=()) for f in found] == expected and any(f.inputs for f in found)
    # Read-only: a second client only queries what the server holds.
    assert audit_results(EndpointBackend(oxigraph_server + "/query")) == expected
    rows = query("double-counting", [], backend=EndpointBackend(oxigraph_server + "/query"))
    assert rows.rows == run_query(query_info("double-counting"), reference[0]).rows


@pytest.mark.slow
def test_cn_query_and_cn_validate_against_a_server(oxigraph_server: str, cli: Callable[..., Run]) -> None:
    from comet_cn.cli import query_command

    run = cli("--audits", "-f", "json", "--endpoint", oxigraph_server + "/query", "--load-endpoint",
              oxigraph_server + "/store", MULTI)  # fmt: skip
    assert run.code == 1
    assert {r["rule"] for r in run.json()["results"]} == {"CN-AUDIT-DOUBLE-01", "CN-AUDIT-IMPROVE-01"}
    with pytest.raises(SystemExit) as stop:
        query_command(["continual-improvement", "-f", "json", "--endpoint", oxigraph_server + "/query"])
    assert stop.value.code == 0


# --- the command line ------------------------------------------------------------------------------------------


def test_cn_validate_store_gives_the_verdict_of_rdflib(cli: Callable[..., Run], tmp_path: Path) -> None:
    plain = cli("--audits", "-f", "json", MULTI)
    stored = cli("--audits", "-f", "json", "--store", tmp_path / "s", MULTI)
    assert (stored.code, stored.json()["results"]) == (plain.code, plain.json()["results"])
    assert (tmp_path / "s" / "CURRENT").exists()


def test_cn_query_builds_a_store_then_queries_it_as_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from comet_cn.cli import query_command

    outputs = []
    for args in (["--store", str(tmp_path / "s"), str(MULTI)], ["--store", str(tmp_path / "s")], [str(MULTI)]):
        with pytest.raises(SystemExit) as stop:
            query_command(["continual-improvement", "-f", "csv", *args])
        assert stop.value.code == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2] and "period-2023" in outputs[0]


class _Garbage(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # the name http.server calls
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>not SPARQL</html>")

    def log_message(self, *args: object) -> None:
        pass


def _serving(server: HTTPServer, path: str = "") -> Iterator[str]:
    """The server's URL (with ``path``) while it serves in a thread; shut down afterwards."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def garbage_server() -> Iterator[str]:
    yield from _serving(HTTPServer(("127.0.0.1", 0), _Garbage), "/sparql")


def _one_line_exit_2(run: Run, expected: str) -> None:
    assert run.code == 2, run.err
    assert run.err.count("\n") == 1 and "Traceback" not in run.err and expected in run.err


def test_an_endpoint_that_answers_garbage_is_one_line_and_exit_2(garbage_server: str, cli: Callable[..., Run]) -> None:
    _one_line_exit_2(cli("--audits", "--endpoint", garbage_server, MULTI), "not SPARQL JSON results")


def test_a_refused_connection_is_one_line_and_exit_2(cli: Callable[..., Run]) -> None:
    closed = f"http://127.0.0.1:{_free_port()}/query"
    _one_line_exit_2(cli("--audits", "--endpoint", closed, MULTI), "cannot reach the endpoint")


def test_a_silent_endpoint_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        with pytest.raises(InputError, match=r"no answer within 0\.5 s"):
            audit_results(EndpointBackend(url, timeout=0.5))


def test_only_http_endpoints_and_explicit_loading(cli: Callable[..., Run], tmp_path: Path) -> None:
    _one_line_exit_2(cli("--audits", "--endpoint", "file:///etc/passwd", MULTI), "http:// or https://")
    _one_line_exit_2(cli("--audits", "--load-endpoint", "http://127.0.0.1:9/store", MULTI), "needs --endpoint")
    _one_line_exit_2(cli("--store", tmp_path / "s", MULTI), "add --audits")


def test_a_store_without_the_extra_names_it(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pyoxigraph(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyoxigraph":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyoxigraph)
    _one_line_exit_2(cli("--audits", "--store", tmp_path / "s", MULTI), "comet-cn[store]")
    assert run_audits(MULTI, backend="auto") == run_audits(MULTI, backend="rdflib")


# ---- Red team 49: endpoints that drip, redirect or answer another query ----


class _Hostile(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # the name http.server calls
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/drip"):
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            try:
                for _ in range(20):  # a byte every 0.3 s: each read is quick, the whole answer is not
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.3)
                self.wfile.write(b'{"head": {"vars": []}, "results": {"bindings": []}}')
            except OSError:
                pass  # the client gave up, as it should
        elif self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://localhost:1/elsewhere")
            self.end_headers()
        else:  # another query's columns
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(json.dumps({"head": {"vars": ["serial"]}, "results": {"bindings": []}}).encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_server() -> Iterator[str]:
    yield from _serving(ThreadingHTTPServer(("127.0.0.1", 0), _Hostile))


def test_an_endpoint_that_drips_its_answer_is_stopped_at_the_time_limit(hostile_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"no whole answer within 1 s"):
        audit_results(EndpointBackend(f"{hostile_server}/drip", timeout=1))
    assert time.monotonic() - started < 5  # the drip lasts 6 s


def test_an_endpoint_that_redirects_is_not_followed(hostile_server: str) -> None:
    with pytest.raises(InputError, match=r"redirects \(HTTP 302\) to 'http://localhost:1/elsewhere', which is not"):
        audit_results(EndpointBackend(f"{hostile_server}/redirect", timeout=5))


def test_an_answer_with_another_querys_columns_is_one_line_and_exit_2(
    hostile_server: str, cli: Callable[..., Run]
) -> None:
    # Before: KeyError deep in an audit's message, exit 3.
    _one_line_exit_2(cli("--audits", "--endpoint", f"{hostile_server}/other", MULTI), "lacks its column(s)")
