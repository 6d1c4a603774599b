"""The cached reasoning tables decide verdicts, so a damaged, edited, planted or shared cache file is never trusted:
it is recomputed, and a failing claim keeps failing (a truncated cache once turned CN-VINT-01 into CONFORMS)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

import comet_cn
from comet_cn import reasoning
from comet_cn.compiled import CompiledOntology
from comet_cn.resources import ontology_graph
from tests.conftest import EXAMPLES

# Each case closes the ontology again (about 2 s); run in CI (the full set).
pytestmark = pytest.mark.slow

FAILING = EXAMPLES / "violations" / "cn-vint-01-old-vintage.jsonld"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder, and no closure in memory before or after the test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMET_CN_CACHE_DIR", str(cache))
    monkeypatch.delenv("COMET_CN_NO_CACHE", raising=False)
    reasoning._tables.cache_clear()
    yield cache
    reasoning._tables.cache_clear()


@pytest.fixture
def recomputed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each time the closure is computed with owlrl instead of being read from the cache."""
    calls: list[str] = []
    compile_ = reasoning._compile

    def spy(ontology: Graph, mode: reasoning.ReasoningMode) -> object:
        calls.append(mode)
        return compile_(ontology, mode)

    monkeypatch.setattr(reasoning, "_compile", spy)
    return calls


def _computed(folder: Path) -> Path:
    reasoning._tables.cache_clear()
    reasoning._tables("owlrl")
    (path,) = folder.glob("tables-owlrl-*.json")
    return path


@pytest.fixture(scope="module")
def genuine_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    """The name and bytes of a cache file as comet-cn writes it, computed once for the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMET_CN_CACHE_DIR", str(tmp_path_factory.mktemp("genuine") / "cache"))
        patch.delenv("COMET_CN_NO_CACHE", raising=False)
        path = _computed(Path(os.environ["COMET_CN_CACHE_DIR"]))
        reasoning._tables.cache_clear()
        return path.name, path.read_bytes()


@pytest.fixture
def genuine(folder: Path, genuine_file: tuple[str, bytes]) -> Path:
    """A genuine cache file in a private cache folder."""
    folder.mkdir(mode=0o700)
    path = folder / genuine_file[0]
    path.write_bytes(genuine_file[1])
    path.chmod(0o600)
    return path


def _still_fails() -> None:
    reasoning._tables.cache_clear()
    report = comet_cn.validate(FAILING)
    assert report.engine == "compiled-owlrl"
    assert not report.conforms and "CN-VINT-01" in report.rule_ids


def _split(path: Path) -> tuple[bytes, bytes]:
    header, body = path.read_bytes().split(b"\n", 1)
    return header + b"\n", body


def _with_digest(key: str, body: bytes) -> bytes:
    return f"# comet-cn tables {key} sha256={hashlib.sha256(body).hexdigest()}\n".encode() + body


def _truncated(path: Path) -> None:
    header, body = _split(path)
    path.write_bytes(header + body[: len(body) // 2])


def _without_a_stated_superclass(body: bytes) -> bytes:
    """The tables with the superclasses of one class the ontology gives a named superclass taken out."""
    tables = json.loads(body)
    stated = {f"<{s}>" for s, o in ontology_graph().subject_objects(RDFS.subClassOf) if isinstance(o, URIRef)}
    del tables["superclasses"][next(name for name in sorted(tables["superclasses"]) if name in stated)]
    return json.dumps(tables).encode()


def _one_removed(path: Path) -> None:
    header, body = _split(path)
    path.write_bytes(header + _without_a_stated_superclass(body))


def _one_removed_with_its_own_digest(path: Path) -> None:
    # A digest anyone can compute: what stops this file is that the tables no longer reproduce the ontology.
    _, body = _split(path)
    path.write_bytes(_with_digest(path.stem, _without_a_stated_superclass(body)))


def _one_added(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b'{"superclasses": {}}\n')


def _foreign_under_copied_header(path: Path) -> None:
    header, _ = _split(path)
    path.write_bytes(header + b'{"format": 1}')


def _foreign_with_its_own_digest(path: Path) -> None:
    # Well-formed tables of nothing: what stops this file is that they are not the tables of the ontology.
    empty = {"format": 1, "symmetric": [], "transitive": []}
    empty |= {name: {} for name in ("superclasses", "superproperties", "inverses", "domains", "ranges", "disjoint")}
    path.write_bytes(_with_digest(path.stem, json.dumps(empty).encode()))


def _another_key(path: Path) -> None:
    _, body = _split(path)
    path.write_bytes(_with_digest(path.stem.replace("owlrl", "rdfs"), body))


def _old_format(path: Path) -> None:
    _, body = _split(path)  # a file with no header
    path.write_bytes(body)


def _writable_by_others(path: Path) -> None:
    path.chmod(0o666)


def _symbolic_link(path: Path) -> None:
    elsewhere = path.parent.parent / "elsewhere.json"
    shutil.move(path, elsewhere)
    path.symlink_to(elsewhere)


TAMPERING: dict[str, Callable[[Path], None]] = {
    "truncated-at-a-line": _truncated,
    "one-superclass-removed": _one_removed,
    "one-superclass-removed-with-its-own-digest": _one_removed_with_its_own_digest,
    "content-added": _one_added,
    "foreign-content-under-a-copied-header": _foreign_under_copied_header,
    "foreign-content-with-its-own-digest": _foreign_with_its_own_digest,
    "header-of-another-key": _another_key,
    "no-header": _old_format,
    "file-writable-by-others": _writable_by_others,
    "symbolic-link": _symbolic_link,
}


def test_a_genuine_cache_is_private_and_read_back(folder: Path, recomputed: list[str]) -> None:
    path = _computed(folder)
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0  # created 0700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(f"# comet-cn tables {path.stem} sha256=".encode())
    assert CompiledOntology.from_json(_split(path)[1]) is not None
    recomputed.clear()
    _still_fails()
    assert recomputed == []  # read from the file


@pytest.mark.parametrize("tamper", sorted(TAMPERING))
def test_a_tampered_cache_file_is_ignored_and_rebuilt(genuine: Path, recomputed: list[str], tamper: str) -> None:
    path = genuine
    assert reasoning._read_cached_tables(path, "owlrl") is not None
    TAMPERING[tamper](path)
    assert reasoning._read_cached_tables(path, "owlrl") is None
    recomputed.clear()
    _still_fails()
    assert recomputed == ["owlrl"]
    assert not path.is_symlink() and reasoning._read_cached_tables(path, "owlrl") is not None  # replaced by a good one


def test_a_file_owned_by_someone_else_is_ignored(
    genuine: Path, recomputed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = genuine
    private = reasoning._private

    def foreign_files(status: os.stat_result) -> bool:  # as if every file were another user's, folders ours
        return not stat.S_ISREG(status.st_mode) and private(status)

    monkeypatch.setattr(reasoning, "_private", foreign_files)
    assert reasoning._read_cached_tables(path, "owlrl") is None
    recomputed.clear()
    _still_fails()
    assert recomputed == ["owlrl"]


@pytest.mark.parametrize("mode", [0o770, 0o777, 0o1777])
def test_a_folder_writable_by_others_is_neither_read_nor_written(
    folder: Path, genuine: Path, recomputed: list[str], mode: int
) -> None:
    path = genuine
    folder.chmod(mode)
    planted = path.read_bytes()
    recomputed.clear()
    _still_fails()
    assert recomputed == ["owlrl"]  # a genuine-looking file there could have been put there by anyone
    assert path.read_bytes() == planted and os.listdir(folder) == [path.name]  # and nothing is written into it


def test_a_folder_owned_by_someone_else_is_neither_read_nor_written(
    folder: Path, recomputed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder.mkdir(mode=0o700)
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)
    recomputed.clear()
    _still_fails()
    assert recomputed == ["owlrl"] and os.listdir(folder) == []


def test_a_new_cache_folder_is_created_private(folder: Path) -> None:
    old = os.umask(0)  # the most permissive umask: the folder must still be 0700
    try:
        _computed(folder)
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
