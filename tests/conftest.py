"""Shared helpers: run the command line in-process and as the installed script."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from comet_cn.shacl_engines import turbo_available as _turbo_available

if TYPE_CHECKING:
    from comet_cn.validation import ValidationReport

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

#: Both SHACL engines, for tests that must give the same verdict on each (pyshacl-turbo only where installed).
ENGINES = [
    "pyshacl",
    pytest.param("turbo", marks=pytest.mark.skipif(not _turbo_available(), reason="pyshacl-turbo not installed")),
]


#: The engine name a report gives for each of ENGINES.
ENGINE_NAMES = {"pyshacl": "pyshacl", "turbo": "pyshacl-turbo"}


def checked(document: dict[str, Any], engine: str, *, as_of: date, reasoning: str = "owlrl") -> ValidationReport:
    """``document`` validated on ``engine`` as of ``as_of``; the report must say that engine ran."""
    import comet_cn

    parameters = comet_cn.RuleParameters(as_of=as_of)
    report = comet_cn.validate(document, parameters=parameters, shacl_engine=engine, reasoning=reasoning)  # type: ignore[arg-type]
    assert report.shacl_engine == ENGINE_NAMES[engine]
    return report


def violated_rules(document: dict[str, Any], engine: str, *, as_of: date, reasoning: str = "owlrl") -> set[str]:
    """The ids of the rules ``document`` violates on ``engine`` (warnings are left out)."""
    return set(checked(document, engine, as_of=as_of, reasoning=reasoning).rule_ids)


def rule_messages(
    document: dict[str, Any], engine: str, rule: str, *, as_of: date, reasoning: str = "owlrl"
) -> list[str]:
    """The messages of ``rule``'s findings on ``document``."""
    report = checked(document, engine, as_of=as_of, reasoning=reasoning)
    return [result.message for result in report.results if result.rule_id == rule]


def verdict_and_messages(document: dict[str, Any], engine: str, rule: str, *, as_of: date) -> tuple[bool, list[str]]:
    """The verdict on ``document`` (engine, as of a date, with reasoning) and the messages of ``rule``'s findings."""
    report = checked(document, engine, as_of=as_of)
    return report.conforms, [result.message for result in report.results if result.rule_id == rule]


def example(name: str) -> dict[str, Any]:
    """A bundled example claim (a path under examples/), parsed: a fresh copy to edit."""
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text("utf-8"))
    return document


def violations_by_rule(document: Any, engine: str = "pyshacl", reasoning: str = "owlrl") -> dict[str, list[str]]:
    """The messages of each rule ``document`` violates (a claim, text, a path or a parsed document), on ``engine``
    with ``reasoning``; the report's verdict must agree (it conforms exactly when nothing is violated)."""
    import comet_cn

    report = comet_cn.validate(document, shacl_engine=engine, reasoning=reasoning)  # type: ignore[arg-type]
    found: dict[str, list[str]] = {}
    for result in report.results:
        if result.severity == "Violation":
            found.setdefault(result.rule_id, []).append(result.message)
    assert report.conforms == (not found) or not report.claims
    return found


def one_instrument_two_claims(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (the market-based example) with a 2025 copy of its claim and footprint beside them, both
    counting the same guarantee of origin."""
    copies = []
    for node in document["@graph"]:
        if node["@id"] in ("ex:claim-2024", "ex:footprint-2024"):
            copy = json.loads(json.dumps(node).replace("ex:footprint-2024", "ex:footprint-2025"))
            copy["@id"] = node["@id"].replace("2024", "2025")
            copies.append(copy)
    return with_nodes(document, *copies)


def with_nodes(document: dict[str, Any], *nodes: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with ``nodes`` added to its graph."""
    copied: dict[str, Any] = json.loads(json.dumps(document))
    copied["@graph"].extend(json.loads(json.dumps(list(nodes))))
    return copied


def edited(document: dict[str, Any], *edits: tuple[str, str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with ``(node id, key, value)`` edits; a value of None removes the key."""
    copied: dict[str, Any] = json.loads(json.dumps(document))
    nodes = {node["@id"]: node for node in copied["@graph"]}
    for iri, key, value in edits:
        if value is None:
            nodes[iri].pop(key, None)
        else:
            nodes[iri][key] = value
    return copied


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never write outside a temporary folder: the closure cache (and any subprocess's) goes to one."""
    saved = {name: os.environ.get(name) for name in ("COMET_CN_CACHE_DIR", "XDG_CACHE_HOME")}
    os.environ["COMET_CN_CACHE_DIR"] = str(tmp_path_factory.mktemp("comet-cn-cache"))
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``@pytest.mark.rule("CN-VINT-01")`` makes ``pytest -k CN-VINT-01`` select the test (one hop from a rule)."""
    for item in items:
        for marker in item.iter_markers("rule"):
            item.extra_keyword_matches.update(str(rule_id) for rule_id in marker.args)


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def in_process(entry: Callable[[list[str]], None], capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run a command's entry point in-process (exit-code mapping included) and capture what it prints."""

    def run(*args: str | Path) -> Run:
        with pytest.raises(SystemExit) as stop:
            entry([str(a) for a in args])
        captured = capsys.readouterr()
        code = stop.value.code
        return Run(code if isinstance(code, int) else 3, captured.out, captured.err)

    return run


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``cn-validate`` in-process through its real entry point."""
    from comet_cn.cli import validate_command

    return in_process(validate_command, capsys)


@pytest.fixture
def cn_import(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``cn-import`` in-process through its entry point."""
    from comet_cn.import_cli import import_command

    return in_process(import_command, capsys)


@pytest.fixture
def cn_merge(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``cn-merge`` in-process through its entry point."""
    from comet_cn.import_cli import merge_command

    return in_process(merge_command, capsys)


def script(name: str) -> list[str]:
    """The installed console script, or its module entry when the script is not on PATH."""
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if Path(found).exists():
        return [found]
    entry = {"cn-validate": "validate_command", "cn-query": "query_command"}[name]
    return [sys.executable, "-c", f"from comet_cn.cli import {entry}; {entry}()"]


def run_script(
    name: str,
    *args: str | Path,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    """Run an installed console script; ``env`` overrides variables of the test's own environment."""
    environment = {**os.environ, **env} if env is not None else None
    done = subprocess.run(
        [*script(name), *(str(a) for a in args)],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=environment,
        timeout=300,
    )
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))


class Listener:
    """A TCP listener on loopback that counts connection attempts: proof that no request was made."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def conforming_workbook() -> Any:
    """The conforming example claim as an openpyxl workbook in the template's layout, to edit in a test."""
    import io

    import openpyxl

    from comet_cn.workbook import workbook_bytes

    document = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(document)))


def workbook_data(book: Any) -> bytes:
    """An openpyxl workbook saved as .xlsx bytes."""
    import io

    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def own_documents(document: dict[str, Any], claim: dict[str, Any], suffix: str) -> None:
    """Give ``claim`` (a copy of the example claim for another subject, in ``document``) its own report, verification
    opinion, carbon footprint and management plan, copies of the example's: one subject's documents are not another's
    (CN-AUDIT-ID-07)."""
    nodes = {node["@id"]: node for node in document["@graph"]}
    for key, iri in (("hasReport", "ex:report-2024"), ("hasVerificationOpinion", "ex:opinion-2024"),
                     ("hasCarbonFootprint", "ex:footprint-2024"), ("hasManagementPlan", "ex:plan")):  # fmt: skip
        copy = json.loads(json.dumps(nodes[iri]))
        copy["@id"] = iri + suffix
        if key == "hasReport":  # the report names the opinion and footprint too: its own copies
            for linked, target in (
                ("hasVerificationOpinion", "ex:opinion-2024"),
                ("hasCarbonFootprint", "ex:footprint-2024"),
            ):
                if copy.get(linked) == target:
                    copy[linked] = target + suffix
        document["@graph"].append(copy)
        claim[key] = copy["@id"]


def written(folder: Path, documents: dict[str, Any]) -> list[Path]:
    """Each document written as JSON into ``folder`` under its name, in order: the files of a set of claims."""
    paths = []
    for name, document in documents.items():
        path = folder / name
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    return paths
