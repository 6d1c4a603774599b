"""The dossier (comet_cn.dossier) and its charts (comet_cn.svgcharts).

The page of every example is opened in headless Chromium, driven over the DevTools protocol on 127.0.0.1: it makes
no network request, logs no console error, runs no script, and shows the verdict, every rule with a finding and
every chart. Chromium is the Debian package (``apt-get install chromium``); without it those tests are skipped.

``UPDATE_DOSSIER_PNG=1 python -m pytest tests/test_dossier.py -k screenshot`` rewrites docs/dossier.png.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

import comet_cn
from comet_cn.dossier import Status, applicable_rules, render_dossier, rule_statuses
from comet_cn.reporting import InputFailure
from comet_cn.results import ValidationReport, finding
from comet_cn.rules import RuleKind, rule_catalogue
from comet_cn.svgcharts import BarSeries, LineSeries, VerticalMarker, bar_chart, format_number, line_chart, nice_ticks
from tests.conftest import EXAMPLES, ROOT

MANIFEST: list[dict[str, Any]] = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))["examples"]
MULTI_PERIOD = sorted((EXAMPLES / "multi-period").glob("*.jsonld"))
SCREENSHOT = ROOT / "docs" / "dossier.png"


def _item(path: Path) -> tuple[ValidationReport, Graph]:
    return comet_cn.validate(path, name=str(path.relative_to(ROOT))), comet_cn.load(path)


# ---- the charts ----------------------------------------------------------------------------------------------------


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    assert nice_ticks(0, 15336) == (0.0, 5000.0, 10000.0, 15000.0, 20000.0)
    assert nice_ticks(-50, 200) == (-50.0, 0.0, 50.0, 100.0, 150.0, 200.0)
    assert nice_ticks(0, 0.3) == (0.0, 0.1, 0.2, 0.3)
    assert nice_ticks(5, 5)[0] <= 5 <= nice_ticks(5, 5)[-1]


def test_numbers_are_written_for_people() -> None:
    assert [format_number(v) for v in (12450.0, 0.25, -50, 1234567.891, 0)] == [
        "12,450",
        "0.25",
        "-50",
        "1,234,568",
        "0",
    ]


def test_charts_are_well_formed_svg_that_loads_nothing_and_escapes_its_text() -> None:
    hostile = '<script>alert("x")</script> & "quotes"'
    line = line_chart(
        "c1",
        hostile,
        [
            LineSeries(hostile, ((2022, 14200), (2023, 13600))),
            LineSeries("Target", ((2030, 7000),), 1, "diamond", False),
        ],
        markers=[VerticalMarker(2040, "residual only")],
    )
    bars = bar_chart("c2", "Bars", ["2022", hostile], [BarSeries("A", (1.0, None)), BarSeries("B", (2.0, 3.0), 1)])
    stacked = bar_chart("c3", "Stack", ["2021"], [BarSeries("A", (1.0,)), BarSeries("B", (2.0,), 1)], stacked=True)
    for svg in (line, bars, stacked):
        root = ET.fromstring(svg)  # well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "<script" not in svg and "href" not in svg and "url(" not in svg
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert hostile not in line and "&lt;script&gt;" in line
    # The description states the data in words, so the chart reads without the picture.
    assert "14,200" in ET.fromstring(line).findtext("{http://www.w3.org/2000/svg}desc", "")


def test_bar_heights_are_proportional_to_the_values() -> None:
    svg = bar_chart("c", "Bars", ["a", "b"], [BarSeries("S", (1000.0, 4000.0))])
    heights = [
        float(h)
        for h in re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)" fill="#0072B2"><title>', svg)
    ]
    assert len(heights) == 2 and heights[1] == pytest.approx(4 * heights[0], rel=0.01)


def test_a_series_must_give_one_value_per_category() -> None:
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        bar_chart("c", "Bars", ["a", "b", "c"], [BarSeries("S", (1.0, 2.0))])


# ---- statuses and applicability ------------------------------------------------------------------------------------


def test_an_organisation_claim_meets_every_rule_that_concerns_it_and_annex_b_event_rules_do_not_apply() -> None:
    report, graph = _item(EXAMPLES / "conforming-claim.jsonld")
    statuses = rule_statuses(report, graph)
    assert set(statuses) == {r.rule_id for r in rule_catalogue() if r.kind != RuleKind.AUDIT}
    not_applicable = {rule_id for rule_id, status in statuses.items() if status == Status.NOT_APPLICABLE}
    assert {"CN-EVENT-01", "CN-EVENT-05", "CN-FI-01", "CN-FI-02", "CN-PROD-01", "CN-ELEC-01"} <= not_applicable
    assert statuses["CN-ORG-01"] == Status.MET  # the subject is an organization
    assert statuses["CN-VINT-01"] == statuses["CN-BAL-01"] == statuses["CN-UNITS-01"] == Status.MET


@pytest.mark.parametrize(
    ("example", "applies", "does_not_apply"),
    [
        ("annex-b/event-claim.jsonld", {"CN-EVENT-01", "CN-EVENT-02", "CN-PROD-01"}, {"CN-ORG-01", "CN-EVENT-04"}),
        ("annex-b/recurring-event-claim.jsonld", {"CN-EVENT-04", "CN-EVENT-05"}, {"CN-ORG-01"}),
        ("annex-b/product-claim.jsonld", {"CN-PROD-01", "CN-PROD-04"}, {"CN-EVENT-01", "CN-ORG-01"}),
        ("annex-b/market-based-electricity-claim.jsonld", {"CN-ELEC-01", "CN-ELEC-02"}, {"CN-FI-01"}),
        ("annex-b/subsidiary-claim.jsonld", {"CN-ORG-W01"}, {"CN-PROD-01"}),
        ("financial-institution-claim.jsonld", {"CN-FI-01", "CN-FI-02"}, {"CN-EVENT-01"}),
    ],
)
def test_annex_b_and_financial_rules_apply_by_the_kind_of_claim(
    example: str, applies: set[str], does_not_apply: set[str]
) -> None:
    found = applicable_rules(comet_cn.load(EXAMPLES / example))
    assert applies <= found
    assert not does_not_apply & found


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_a_rule_with_a_finding_is_never_judged_not_to_apply(entry: dict[str, Any]) -> None:
    """Applicability is computed from the graph alone; every rule that fires on an example must be among it."""
    report, graph = _item(EXAMPLES / entry["file"])
    if not report.claims:
        assert applicable_rules(graph) == frozenset()
        return
    fired = {r.rule_id for r in report.results}
    assert fired <= applicable_rules(graph)


def test_an_input_without_a_claim_has_only_its_findings_and_never_conforms() -> None:
    report, graph = _item(EXAMPLES / "violations" / "cn-input-01-claim-untyped.jsonld")
    statuses = rule_statuses(report, graph)
    assert statuses["CN-INPUT-01"] == Status.VIOLATED
    assert {s for rule_id, s in statuses.items() if rule_id != "CN-INPUT-01"} == {Status.NOT_APPLICABLE}
    page = render_dossier([(report, graph)])
    assert "NOT A CLAIM" in page and "CONFORMS to" not in page


def test_a_rule_with_only_warnings_is_a_warning_and_without_a_graph_rules_without_findings_count_as_met() -> None:
    report, _ = _item(EXAMPLES / "plan-without-responsible-person.jsonld")
    statuses = rule_statuses(report, None)
    assert statuses["CN-PLAN-W01"] == Status.WARNING
    assert Status.NOT_APPLICABLE not in statuses.values()


# ---- the page as text ----------------------------------------------------------------------------------------------


def test_the_page_is_the_same_byte_for_byte_and_names_the_facts_and_the_balance() -> None:
    report, graph = _item(EXAMPLES / "conforming-claim.jsonld")
    page = render_dossier([(report, graph)])
    assert page == render_dossier([_item(EXAMPLES / "conforming-claim.jsonld")])
    for fact in (
        "Acme Ceramics GmbH",  # the entity and subject
        "2024-01-01 to 2024-12-31",  # the period
        "12,450 t",  # the footprint
        "Woodland sequestration",  # a part of it
        "EXR-2022-WIND-000001-006000",  # a serial
        "EXR-2022-WIND units 1&#8211;6000",  # read as a unit range
        "Example public registry",
        "2025-03-20",  # the retirement date
        "not applied",  # a corresponding adjustment
        "The credits cover the footprint",
        "https://example.org/acme/evidence/report.pdf</a>, page 24",  # the evidence of §12 x
    ):
        assert fact in page, fact
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<link" not in page.lower()
    assert "default-src 'none'" in page and "@media print" in page


def test_every_text_from_the_input_is_escaped() -> None:
    hostile = '<img src=x onerror=alert(1)>"&'
    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    for node in document["@graph"]:
        if node["@id"] == "ex:acme":
            node["label"] = hostile
        for evidence in node.get("hasEvidence", []):
            evidence["evidenceLocation"] = "javascript:alert(1)"
    text = json.dumps(document)
    report = comet_cn.validate(text, name=hostile)
    page = render_dossier([(report, comet_cn.load(text))], title=hostile)
    assert hostile not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;&amp;" in page
    assert 'href="javascript' not in page  # only http(s) evidence locations become links


def test_a_failed_input_and_audits_are_shown() -> None:
    items = [_item(path) for path in MULTI_PERIOD]
    audits = comet_cn.run_audits(MULTI_PERIOD)
    failure = InputFailure("broken.jsonld", "not valid JSON (Expecting value at line 1 column 9)")
    page = render_dossier([*items, (failure, None)], audits=audits)
    assert "INCOMPLETE: 1 of 4 input(s) could not be read" in page
    assert "not valid JSON" in page and 'id="audits"' in page
    assert 'data-rule="CN-AUDIT-DOUBLE-01" data-status="violated"' in page
    assert 'data-rule="CN-AUDIT-IMPROVE-01" data-status="violated"' in page
    assert 'data-rule="CN-AUDIT-IMPROVE-02" data-status="met"' in page
    # Without audits there is no audit section; an empty list means they ran and found nothing.
    assert 'id="audits"' not in render_dossier(items)
    assert 'data-rule="CN-AUDIT-HIER-01" data-status="met"' in render_dossier(items[:1], audits=[])


def test_the_charts_show_the_figures_of_the_continual_improvement_and_portfolio_queries() -> None:
    items = [_item(path) for path in MULTI_PERIOD]
    page = render_dossier(items)
    rows = comet_cn.query("continual-improvement", MULTI_PERIOD).to_dicts()
    for row in rows:
        offset = format_number(row["offset"])  # type: ignore[arg-type]
        footprint = format_number(row["footprint"])  # type: ignore[arg-type]
        assert f"<td>{footprint}</td><td>{offset}</td>" in page
    assert "117.6 % of the footprint (rose)" in page  # 2023: offsetting rose, CN-AUDIT-IMPROVE-01
    portfolio = comet_cn.query("credit-portfolio", MULTI_PERIOD).to_dicts()
    total = sum(row["tonnes"] for row in portfolio)  # type: ignore[misc]
    stacked = re.search(r'<svg[^>]*id="portfolio".*?</svg>', page, re.S)
    assert stacked is not None
    heights = sum(
        float(v.replace(",", "")) for v in re.findall(r'font-weight="bold">([\d,.]+)</text>', stacked.group())
    )
    assert heights == pytest.approx(float(total))


def test_a_report_without_its_graph_still_gives_verdict_requirements_and_findings() -> None:
    report = comet_cn.validate(EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld")
    page = render_dossier([(report, None)])
    assert "DOES NOT CONFORM" in page and 'data-rule="CN-VINT-01" data-status="violated"' in page
    assert "The claim graph was not given" in page


def test_a_finding_of_a_users_own_shape_is_listed_with_its_status() -> None:
    report, graph = _item(EXAMPLES / "conforming-claim.jsonld")
    extra = finding("CN-VINT-01", focus_node="https://example.org/x", message="x")
    user = type(extra)(**{**extra.__dict__, "rule_id": "USER:my-shape", "clause": "", "hint": ""})
    report = ValidationReport(conforms=False, results=(user,), source="x", claims=report.claims)
    assert rule_statuses(report, graph)["USER:my-shape"] == Status.VIOLATED
    assert 'data-rule="USER:my-shape" data-status="violated"' in render_dossier([(report, graph)])


# ---- in the browser ------------------------------------------------------------------------------------------------


class DevTools:
    """A minimal client of the Chrome DevTools protocol over a websocket (RFC 6455), standard library only."""

    def __init__(self, port: int, path: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        assert b" 101 " in response.split(b"\r\n", 1)[0], response
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def _frame(self) -> str:
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack(">Q", self._read(8))
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 9:  # ping
                self._send(payload, opcode=10)
                continue
            if opcode == 8:
                raise ConnectionError("DevTools closed the connection")
            message += payload
            if first & 0x80:
                return message.decode("utf-8")

    def _send(self, payload: bytes, opcode: int = 1) -> None:
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
        while True:
            message = json.loads(self._frame())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == event for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(event)
            self.events.append(json.loads(self._frame()))

    def close(self) -> None:
        self.sock.close()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# Offline by construction: no name resolves (the loopback address aside), and no background service of the browser
# (updates, safe browsing, metrics) starts, so the only requests a test can see are those of the page itself.
_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--hide-scrollbars",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


class Browser:
    """One headless Chromium; :meth:`open` loads a page and reports what it requested, logged and shows."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.process = subprocess.Popen(
            [executable, *_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not active.exists() or len(active.read_text().splitlines()) < 2:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()
                raise RuntimeError("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        self.port = int(active.read_text().splitlines()[0])
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", "/json/list")
        pages = [t for t in json.loads(connection.getresponse().read()) if t["type"] == "page"]
        url = pages[0]["webSocketDebuggerUrl"]
        self.tools = DevTools(self.port, "/" + url.split("/", 3)[3])
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.tools.call(f"{domain}.enable")

    def open(self, page: Path) -> dict[str, Any]:
        tools = self.tools
        tools.events.clear()
        tools.call("Emulation.setEmulatedMedia", media="screen")
        tools.call("Page.navigate", url=page.as_uri())
        tools.wait_for("Page.loadEventFired")
        state = tools.call(
            "Runtime.evaluate",
            returnByValue=True,
            expression="""JSON.stringify({
                verdict: document.querySelector('#verdict').dataset.verdict,
                text: document.body.innerText,
                rules: [...document.querySelectorAll('tr[data-rule]')].map(r => [r.dataset.rule, r.dataset.status]),
                findings: [...document.querySelectorAll('.finding[data-rule]')].map(f => f.dataset.rule),
                charts: [...document.querySelectorAll('svg.chart')].map(s => [s.id, s.getBBox().width > 0]),
                scripts: document.scripts.length,
                resources: performance.getEntriesByType('resource').map(e => e.name),
            })""",
        )
        tools.call("Runtime.evaluate", expression="0")  # a round trip, so late events of the load are in
        result: dict[str, Any] = json.loads(state["result"]["value"])
        document = page.as_uri()
        result["requests"] = [
            e["params"]["request"]["url"]
            for e in tools.events
            if e["method"] == "Network.requestWillBeSent" and e["params"]["request"]["url"] != document
        ]
        result["errors"] = [
            e["params"]
            for e in tools.events
            if (e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
            or e["method"] == "Runtime.exceptionThrown"
            or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
        ]
        return result

    def print_state(self) -> dict[str, Any]:
        """How the page looks when printed: the print stylesheet applies and a PDF comes out."""
        self.tools.call("Emulation.setEmulatedMedia", media="print")
        nav = self.tools.call(
            "Runtime.evaluate", returnByValue=True, expression="getComputedStyle(document.querySelector('nav')).display"
        )
        pdf = self.tools.call("Page.printToPDF", printBackground=True)
        self.tools.call("Emulation.setEmulatedMedia", media="screen")
        return {"nav": nav["result"]["value"], "pdf": base64.b64decode(pdf["data"])}

    def screenshot(self, width: int, height: int) -> bytes:
        self.tools.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False
        )
        shot = self.tools.call("Page.captureScreenshot", format="png")
        self.tools.call("Emulation.clearDeviceMetricsOverride")
        return base64.b64decode(shot["data"])

    def close(self) -> None:
        self.tools.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium): the dossier is not opened in a browser")
    # Chromium's helper processes may still write to the profile after the browser exits: a leftover file there is
    # no failure of the dossier (seen as "Directory not empty" at teardown on a loaded machine).
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        opened = Browser(executable, Path(profile))
        try:
            yield opened
        finally:
            opened.close()


def test_the_browser_probe_sees_requests_scripts_and_console_errors(browser: Browser, tmp_path: Path) -> None:
    """The probe itself: a page that does request something (a closed loopback port) and logs an error is caught."""
    page = tmp_path / "noisy.html"
    page.write_text(
        '<!DOCTYPE html><p id="verdict" data-verdict="X">x</p><img src="http://127.0.0.1:9/x.png">'
        '<script>console.error("boom")</script>',
        encoding="utf-8",
    )
    state = browser.open(page)
    assert state["requests"] == ["http://127.0.0.1:9/x.png"]
    assert state["scripts"] == 1
    assert any(e.get("args", [{}])[0].get("value") == "boom" for e in state["errors"])


def _expected_verdict(report: ValidationReport) -> str:
    if not report.claims:
        return "NOT A CLAIM"
    return "CONFORMS" if report.conforms else "DOES NOT CONFORM"


@pytest.mark.slow
@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: e["file"])
def test_every_examples_dossier_opens_offline_without_errors_and_shows_verdict_rules_and_charts(
    browser: Browser, tmp_path: Path, entry: dict[str, Any]
) -> None:
    report, graph = _item(EXAMPLES / entry["file"])
    page = tmp_path / "dossier.html"
    page.write_text(render_dossier([(report, graph)]), encoding="utf-8")
    state = browser.open(page)
    assert state["requests"] == [] and state["resources"] == []
    assert state["errors"] == []
    assert state["scripts"] == 0
    assert state["verdict"] == _expected_verdict(report)
    shown = dict(state["rules"])
    for result in report.results:
        assert result.rule_id in state["findings"]
        assert shown[result.rule_id] == ("violated" if result.rule_id in report.rule_ids else "warning")
    assert {r.rule_id for r in rule_catalogue() if r.kind != RuleKind.AUDIT} <= set(shown)
    charts = dict(state["charts"])
    assert {"pathway-1", "offsetting-1", "portfolio"} <= set(charts) and all(charts.values())
    if report.claims:
        assert "input-1-balance-chart-1" in charts


def test_a_batch_dossier_with_audits_opens_offline_and_prints(browser: Browser, tmp_path: Path) -> None:
    items = [_item(path) for path in MULTI_PERIOD]
    page = tmp_path / "batch.html"
    page.write_text(render_dossier(items, audits=comet_cn.run_audits(MULTI_PERIOD)), encoding="utf-8")
    state = browser.open(page)
    assert state["requests"] == [] and state["errors"] == [] and state["scripts"] == 0
    assert state["verdict"] == "DOES NOT CONFORM"  # each claim conforms; the audits do not
    assert ("CN-AUDIT-DOUBLE-01", "violated") in [tuple(rule) for rule in state["rules"]]
    assert {"pathway-1", "offsetting-1", "portfolio"} <= dict(state["charts"]).keys()
    printed = browser.print_state()
    assert printed["nav"] == "none" and printed["pdf"].startswith(b"%PDF")


def test_screenshot_of_the_conforming_claims_dossier(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "dossier.html"
    page.write_text(render_dossier([_item(EXAMPLES / "conforming-claim.jsonld")]), encoding="utf-8")
    state = browser.open(page)
    assert state["verdict"] == "CONFORMS"
    png = browser.screenshot(1100, 1500)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1100, 1500)
    if os.environ.get("UPDATE_DOSSIER_PNG"):
        SCREENSHOT.write_bytes(png)
    assert SCREENSHOT.read_bytes().startswith(b"\x89PNG"), "docs/dossier.png is missing: set UPDATE_DOSSIER_PNG=1"
