"""CN-INPUT-02 cannot be side-stepped by the JSON-LD syntax itself (red team 7).

Three ways a claim could have its data dropped, or moved out of every rule's sight, without a word: a key shaped
like a keyword that is none (``"@Type"``), which every JSON-LD processor ignores; the document's own ``@vocab``,
which would turn a misspelt key into an IRI instead of an undefined term; and the document's own ``@context``
redefining a term (or prefix) of the bundled context. Each must be a CN-INPUT-02 finding naming the key, from
either JSON-LD reader, and a twin that differs only there must still conform.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import comet_cn
from comet_cn import jsonld_fast, validation
from comet_cn.loading import load_claim
from comet_cn.terms import document_terms
from tests.conftest import EXAMPLES, Run

CN = "https://comet.carbon/ext/iso14068#"
AS_OF = date(2026, 12, 1)
CONFORMING = json.loads((EXAMPLES / "conforming-claim.jsonld").read_text(encoding="utf-8"))
FINANCIAL = json.loads((EXAMPLES / "financial-institution-claim.jsonld").read_text(encoding="utf-8"))


def _report(document: dict[str, Any], **options: Any) -> comet_cn.ValidationReport:
    return comet_cn.validate(document, parameters=validation.RuleParameters(as_of=AS_OF), **options)


def _unknown(report: comet_cn.ValidationReport, *, warnings: bool = False) -> list[comet_cn.ValidationResult]:
    return [r for r in (report.warnings if warnings else report.violations) if r.rule_id == "CN-INPUT-02"]


def _edit(document: dict[str, Any], node_id: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """A copy of ``document`` with ``change`` applied to the node ``node_id`` of its graph."""
    copied = copy.deepcopy(document)
    change(next(node for node in copied["@graph"] if node.get("@id") == node_id))
    return copied


def _with_context(document: dict[str, Any], **definitions: Any) -> dict[str, Any]:
    """A copy of ``document`` whose local context (after the bundled one) also holds ``definitions``."""
    copied = copy.deepcopy(document)
    copied["@context"][1].update(definitions)
    return copied


def _renamed(old: str, new: str, value: Any = None) -> Callable[[dict[str, Any]], None]:
    def change(node: dict[str, Any]) -> None:
        kept = node.pop(old)
        node[new] = kept if value is None else value

    return change


# ---- 1. a key shaped like a keyword that is none ----

TYPE_TYPO = _edit(CONFORMING, "ex:emission-scope3", _renamed("@type", "@Type"))


@pytest.mark.rule("CN-INPUT-02")
def test_a_type_key_written_at_type_capitalised_is_reported_with_the_keyword() -> None:
    report = _report(TYPE_TYPO)
    assert not report.conforms
    found = _unknown(report)
    assert len(found) == 1
    assert found[0].path is not None and found[0].path.startswith("$.@graph[") and found[0].path.endswith(".@Type")
    assert "'@Type'" in found[0].message and "did you mean '@type'?" in found[0].message
    assert found[0].focus_node == "https://example.org/acme/emission-scope3"


def test_its_twin_with_the_keyword_spelt_right_conforms() -> None:
    twin = _edit(CONFORMING, "ex:emission-scope3", _renamed("@type", "@type"))
    report = _report(twin)
    assert report.conforms and not _unknown(report, warnings=True)


@pytest.mark.rule("CN-INPUT-02")
def test_a_keyword_look_alike_is_a_warning_when_unknown_terms_are_warnings() -> None:
    report = _report(TYPE_TYPO, unknown_terms="warning")
    assert "CN-INPUT-02" not in report.rule_ids
    assert any("'@Type'" in r.message for r in _unknown(report, warnings=True))


@pytest.mark.rule("CN-INPUT-02")
def test_the_command_line_fails_a_claim_with_an_at_type_key_and_passes_its_twin(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    typo, twin = tmp_path / "typo.jsonld", tmp_path / "twin.jsonld"
    typo.write_text(json.dumps(TYPE_TYPO), encoding="utf-8")
    twin.write_text(json.dumps(CONFORMING), encoding="utf-8")
    failed = cli("--as-of", "2026-12-01", typo)
    assert failed.code == 1 and "CN-INPUT-02" in failed.out and "'@Type'" in failed.out
    assert cli("--as-of", "2026-12-01", twin).code == 0


KEYWORD_TYPOS = {
    "@ID": (_edit(CONFORMING, "ex:board", _renamed("@id", "@ID")), "@id"),
    "@Graph": ({"@context": CONFORMING["@context"], "@Graph": CONFORMING["@graph"]}, "@graph"),
    "@vlaue": (
        _edit(
            CONFORMING, "ex:period-2024", _renamed("reportingPeriodEnd", "reportingPeriodEnd", {"@vlaue": "2024-12-31"})
        ),
        "@value",
    ),
}


@pytest.mark.rule("CN-INPUT-02")
@pytest.mark.parametrize("key", list(KEYWORD_TYPOS))
def test_every_keyword_look_alike_is_named_with_the_keyword_it_resembles(key: str) -> None:
    document, keyword = KEYWORD_TYPOS[key]
    found = [u for u in load_claim(document).unknown_terms if u.term == key]
    assert len(found) == 1 and found[0].suggestion == keyword and found[0].where[0].endswith(f".{key}")


# ---- 2. the document's own @vocab ----

VOCAB = "https://example.org/acme/terms#"
VOCAB_TYPO = _with_context(
    _edit(FINANCIAL, "ex:financed-mortgages", _renamed("supportsTransition", "supportTransition")), **{"@vocab": VOCAB}
)


@pytest.mark.rule("CN-INPUT-02")
def test_a_misspelt_key_under_the_documents_own_vocab_is_reported() -> None:
    report = _report(VOCAB_TYPO)
    assert not report.conforms
    found = _unknown(report)
    assert len(found) == 1 and found[0].path is not None and found[0].path.endswith(".supportTransition")
    assert "'supportTransition'" in found[0].message and "@vocab" in found[0].message
    assert "did you mean 'supportsTransition'?" in found[0].message


def test_its_twin_with_the_key_spelt_right_conforms_under_the_same_vocab() -> None:
    report = _report(_with_context(FINANCIAL, **{"@vocab": VOCAB}))
    assert report.conforms and not _unknown(report, warnings=True)


def test_a_term_only_the_vocab_defines_keeps_the_iri_the_vocab_gives() -> None:
    # Reported, but still in the graph as written: a user's extra ontology may be written with @vocab.
    loaded = load_claim(VOCAB_TYPO)
    assert [u.term for u in loaded.unknown_terms] == ["supportTransition"]
    assert any(str(p) == VOCAB + "supportTransition" for p in loaded.graph.predicates())
    assert not any(str(t).startswith("urn:comet-cn:") for triple in loaded.graph for t in triple)


@pytest.mark.rule("CN-INPUT-02")
def test_a_null_vocab_does_not_hide_a_misspelt_key() -> None:
    document = _with_context(
        _edit(FINANCIAL, "ex:financed-mortgages", _renamed("supportsTransition", "supportTransition")),
        **{"@vocab": None},
    )
    assert [u.term for u in load_claim(document).unknown_terms] == ["supportTransition"]


# ---- 3. a bundled term redefined by the document's own @context ----

REDEFINED = _with_context(FINANCIAL, supportsTransition={"@id": "ex:supportsTransition", "@type": "xsd:boolean"})


@pytest.mark.rule("CN-INPUT-02")
def test_a_bundled_term_redefined_to_another_iri_is_reported() -> None:
    report = _report(REDEFINED)
    assert not report.conforms
    found = _unknown(report)
    assert len(found) == 1 and found[0].path == "$.@context[1].supportsTransition"
    assert "'supportsTransition'" in found[0].message
    assert f"'{CN}supportsTransition'" in found[0].message
    assert "'https://example.org/acme/supportsTransition'" in found[0].message


def test_its_twin_restating_the_same_iri_conforms() -> None:
    twin = _with_context(FINANCIAL, supportsTransition={"@id": "comet-cn:supportsTransition", "@type": "xsd:boolean"})
    report = _report(twin)
    assert report.conforms and not _unknown(report, warnings=True)


@pytest.mark.rule("CN-INPUT-02")
def test_a_redefined_comet_cn_prefix_is_reported_and_restating_it_is_fine() -> None:
    moved = _report(_with_context(CONFORMING, **{"comet-cn": "https://other.example/terms#"}))
    assert not moved.conforms
    assert any("'comet-cn'" in r.message and "https://other.example/terms#" in r.message for r in _unknown(moved))
    same = _report(_with_context(CONFORMING, **{"comet-cn": CN}))
    assert same.conforms and not _unknown(same, warnings=True)


@pytest.mark.rule("CN-INPUT-02")
def test_a_bundled_term_redefined_to_null_or_on_a_node_is_reported() -> None:
    nulled = load_claim(_with_context(FINANCIAL, supportsTransition=None)).unknown_terms
    assert [u.term for u in nulled] == ["supportsTransition"] and "null" in nulled[0].message()
    on_node = _edit(
        FINANCIAL, "ex:financed-mortgages", lambda n: n.update({"@context": {"supportsTransition": "ex:x"}})
    )
    found = load_claim(on_node).unknown_terms
    assert [u.term for u in found] == ["supportsTransition"] and found[0].where[0].endswith(
        ".@context.supportsTransition"
    )


def test_a_local_context_defined_before_the_bundled_one_is_overridden_and_fine() -> None:
    document = copy.deepcopy(FINANCIAL)
    document["@context"].insert(0, {"supportsTransition": "https://example.org/other"})
    assert not load_claim(document).unknown_terms


# ---- both readers ----

READER_CASES = {
    "type typo": TYPE_TYPO,
    **{key: document for key, (document, _) in KEYWORD_TYPOS.items()},
    "vocab typo": VOCAB_TYPO,
    "redefined term": REDEFINED,
    "redefined term as a string": _with_context(FINANCIAL, supportsTransition="ex:supportsTransition"),
    "redefined prefix": _with_context(CONFORMING, **{"comet-cn": "https://other.example/terms#"}),
    "restated prefix": _with_context(CONFORMING, **{"comet-cn": CN}),
    "restated term as a string": _with_context(FINANCIAL, supportsTransition=CN + "supportsTransition"),
    "local prefix": _with_context(CONFORMING, acme="https://acme.example/"),
}


def _messages(document: dict[str, Any]) -> list[str]:
    return sorted(u.message() for u in load_claim(copy.deepcopy(document)).unknown_terms)


@pytest.mark.parametrize("name", list(READER_CASES))
def test_both_readers_give_the_same_findings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    document = READER_CASES[name]
    fast = _messages(document)
    with monkeypatch.context() as patch:
        patch.setattr(jsonld_fast, "available", lambda: False)
        assert _messages(document) == fast
    assert bool(fast) == (name not in {"restated prefix", "restated term as a string", "local prefix"})


def test_the_fast_reader_is_the_one_that_reads_the_plain_cases() -> None:
    # Not vacuous: string redefinitions and restatements keep the plain shape, so Oxigraph reads them.
    if not jsonld_fast.available():
        pytest.skip("pyoxigraph is not installed")
    for name in ("redefined term as a string", "redefined prefix", "restated prefix", "local prefix"):
        document = document_terms(READER_CASES[name]).document
        assert jsonld_fast.plain(document), name
