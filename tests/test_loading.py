"""Loading claims: formats, offline JSON-LD, preserved lexical forms, and one-line errors for bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from comet_cn.errors import InputError
from comet_cn.loading import LoadLimits, iter_sources, iter_stream, load
from tests.conftest import Listener

EX = "http://example.org/"
INLINE = {"q": {"@id": EX + "q", "@type": str(XSD.decimal)}, "d": {"@id": EX + "d", "@type": str(XSD.date)}}


def _doc(**values: object) -> dict[str, object]:
    return {"@context": INLINE, "@id": EX + "a", **values}


def _objects(graph: Graph, predicate: str) -> list[Literal]:
    return sorted((o for o in graph.objects(URIRef(EX + "a"), URIRef(EX + predicate))), key=str)  # type: ignore[misc]


def test_jsonld_dict_string_and_file_give_the_same_graph(tmp_path: Path) -> None:
    document = _doc(q="12.5", d="2025-01-31")
    path = tmp_path / "claim.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    graphs = [load(document), load(json.dumps(document)), load(path)]
    assert all(len(g) == 2 for g in graphs)
    assert all(set(g) == set(graphs[0]) for g in graphs)


def test_json_number_keeps_its_exponent_form_so_shapes_can_flag_it() -> None:
    # JSON-LD turns the JSON number 12.5 typed xsd:decimal into "1.25E1": keep it visible, do not repair it.
    graph = load(_doc(q=12.5))
    assert [str(o) for o in _objects(graph, "q")] == ["1.25E1"]
    assert [str(o) for o in _objects(load(_doc(q="12.5")), "q")] == ["12.5"]


def test_turtle_keeps_lexical_forms_too() -> None:
    graph = load(f'<{EX}a> <{EX}q> "1.25E1"^^<{XSD.decimal}> .\n', format="turtle")
    assert [str(o) for o in _objects(graph, "q")] == ["1.25E1"]


def test_ill_typed_values_load_and_stay_ill_typed() -> None:
    graph = load(_doc(d="2025-13-40"))
    (value,) = _objects(graph, "d")
    assert str(value) == "2025-13-40" and value.ill_typed


def test_graph_source_is_copied_not_modified() -> None:
    original = Graph()
    original.add((URIRef(EX + "a"), URIRef(EX + "p"), Literal("x")))
    copy = load(original)
    copy.add((URIRef(EX + "b"), URIRef(EX + "p"), Literal("y")))
    assert len(original) == 1


@pytest.mark.parametrize(
    "context",
    [
        "http://127.0.0.1:{port}/context.jsonld",
        "https://127.0.0.1:{port}/context.jsonld",
        ["http://127.0.0.1:{port}/a.jsonld", {"x": "http://example.org/x"}],
        {"@import": "http://127.0.0.1:{port}/import.jsonld"},
    ],
)
def test_remote_context_is_refused_without_a_connection(listener: Listener, context: object) -> None:
    text = json.dumps({"@context": context, "@id": EX + "a"}).replace("{port}", str(listener.port))
    with pytest.raises(InputError, match="unknown remote @context"):
        load(text)
    assert listener.connections == 0


@pytest.mark.parametrize("context", ["file:///etc/passwd", "context.jsonld", "../context.jsonld"])
def test_file_and_relative_contexts_are_refused(context: str, tmp_path: Path) -> None:
    path = tmp_path / "claim.jsonld"
    path.write_text(json.dumps({"@context": context, "@id": EX + "a"}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_bundled_contexts_are_served_offline() -> None:
    from comet_cn.resources import CONTEXT_IRIS

    for iri in CONTEXT_IRIS:
        graph = load({"@context": iri, "@id": EX + "a", "@type": "CarbonNeutralityClaim"})
        assert (URIRef(EX + "a"), None, URIRef("https://comet.carbon/ext/iso14068#CarbonNeutralityClaim")) in graph


@pytest.mark.parametrize(
    ("content", "name", "problem"),
    [
        (b"", "empty.jsonld", "empty input"),
        (b'{"@id": ', "truncated.jsonld", "not valid JSON"),
        (b"this is not turtle", "broken.ttl", "not valid Turtle"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image.jsonld", "binary data"),
        (b'{"@id": "http://example.org/a"}', "claim.ttl", "content is JSON"),
        (b"<http://e/a> <http://e/p> <http://e/o> .", "claim.jsonld", "not JSON-LD"),
        (b"\xff\xfe\xfa", "latin.ttl", "not UTF-8"),
    ],
)
def test_bad_files_give_one_line_naming_file_and_problem(
    tmp_path: Path, content: bytes, name: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load(tmp_path / "absent.jsonld")
    with pytest.raises(InputError, match="is a directory"):
        load(tmp_path)


def test_limits_bound_size_depth_and_strings(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputError, match="nested deeper than 100"):
        load(deep)
    with pytest.raises(InputError, match="longer than"):
        load(_doc(q="1" * 2_000_000))
    path = tmp_path / "big.jsonld"
    path.write_text(json.dumps(_doc(q="1")), encoding="utf-8")
    with pytest.raises(InputError, match="over the limit"):
        load(path, limits=LoadLimits(max_bytes=10))
    assert len(load(_doc(q="1"), limits=LoadLimits(max_depth=5))) == 1


def test_directory_and_json_lines_expand_to_claims(tmp_path: Path) -> None:
    (tmp_path / "a.jsonld").write_text(json.dumps(_doc(q="1")), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    lines = tmp_path / "batch.jsonl"
    lines.write_text(json.dumps(_doc(q="2")) + "\n\n" + json.dumps(_doc(q="3")) + "\n", encoding="utf-8")
    names = [name for name, _ in iter_sources([tmp_path])]
    assert names == [str(tmp_path / "a.jsonld"), f"{lines}:1", f"{lines}:3"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no claim files"):
        list(iter_sources([empty]))


def test_a_string_is_text_never_a_file_name(tmp_path: Path) -> None:
    """``validate("/etc/hostname")`` read the file: a str is claim text, a file is a pathlib.Path."""
    path = tmp_path / "claim.jsonld"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(str(path))
    assert "pathlib.Path" in str(caught.value) and "\n" not in str(caught.value)
    for wrong in (None, 42, 4.2, object()):
        with pytest.raises(InputError):
            load(wrong)  # type: ignore[arg-type]


class _EndlessLine(io.RawIOBase):
    """A stream of one line with no end in sight (``yes | tr -d '\\n'``; it stops after 10 MB so that a reader that
    goes on fails this test rather than hangs it), counting the bytes it hands out."""

    def __init__(self) -> None:
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.given >= 10_000_000:
            return 0
        buffer[:] = b"x" * len(buffer)
        self.given += len(buffer)
        return len(buffer)


def test_a_stream_of_json_lines_gives_one_input_a_line_and_refuses_a_long_one_alone() -> None:
    limits = LoadLimits(max_bytes=64)
    stream = io.BytesIO(b'\n{"a": 1}\n\n' + b'{"b": "' + b"y" * 100 + b'"}\n{"c": 3}\n')
    entries = list(iter_stream(stream, limits=limits))
    assert [e.source if isinstance(e, InputError) else e[0] for e in entries] == ["<stdin>:2", "<stdin>:4", "<stdin>:5"]
    assert isinstance(entries[1], InputError) and "over the limit of 64 bytes" in entries[1].problem
    assert [bytes(e[1]) for e in (entries[0], entries[2]) if not isinstance(e, InputError)] == [
        b'{"a": 1}\n',
        b'{"c": 3}\n',
    ]


def test_a_stream_with_no_end_is_refused_after_the_limit_not_read_forever() -> None:
    endless = _EndlessLine()
    (entry,) = iter_stream(io.BufferedReader(endless), limits=LoadLimits(max_bytes=1000))
    assert isinstance(entry, InputError) and entry.problem == "input is over the limit of 1000 bytes"
    assert endless.given < 100_000


def test_one_json_object_on_one_line_is_one_claim_not_json_lines() -> None:
    assert list(iter_stream(io.BytesIO(b'{"a": 1}\n\n'))) == [("<stdin>", b'{"a": 1}\n')]


@pytest.mark.parametrize(
    ("suffix", "named"), [(".trig", "TriG"), (".nq", "N-Quads"), (".rdf", "RDF/XML"), (".OWL", "RDF/XML")]
)
def test_an_rdf_format_not_read_is_named_not_only_called_bad_turtle(tmp_path: Path, suffix: str, named: str) -> None:
    # A user exporting their claim as TriG or RDF/XML got "not valid Turtle (syntax error at line 1 column 9)".
    path = tmp_path / f"claim{suffix}"
    path.write_text("<urn:g> { <urn:a> <urn:b> <urn:c> . }\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"{named} is not read here: give the claim as JSON-LD"):
        load(path)


def test_turtle_under_an_rdf_suffix_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "claim.owl"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert len(load(path)) == 1


def test_an_n_triples_line_too_long_for_any_triple_is_refused_before_parsing(tmp_path: Path) -> None:
    # Red team 27b: rdflib reads a long N-Triples line in time growing with its square (an IRI of 5 million
    # characters: 79 s); a line longer than the longest literal plus room for its IRIs is refused unread.
    limits = LoadLimits(max_string_chars=1000)
    fine = tmp_path / "fine.nt"
    fine.write_text(f'<urn:x:s> <urn:x:p> "{"a" * 1000}" .\n', encoding="utf-8")
    assert len(load(fine, limits=limits)) == 1
    long_iri = tmp_path / "long.nt"
    long_iri.write_text(f"<urn:x:{'a' * 40_000}> <urn:x:p> <urn:x:o> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="a line is longer than 17384 characters"):
        load(long_iri, limits=limits)
