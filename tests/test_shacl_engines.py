"""The optional SHACL engine (pyshacl-turbo) gives the reference's verdicts and findings, or is not used.

Speed must never change a verdict: every example, every digest claim and generated claims with each kind of
injected violation are validated by both engines and compared finding by finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import comet_cn
from comet_cn import shacl_engines
from comet_cn.synthetic import VIOLATIONS, synthetic_claim
from comet_cn.validation import RuleParameters, ValidationReport
from tests.conftest import Run

ROOT = Path(__file__).resolve().parents[1]
AS_OF = RuleParameters(as_of=date(2026, 12, 1))

# CI installs the turbo extra: there a missing engine is a failure, not a skip.
if not shacl_engines.turbo_available():
    if os.environ.get("CI"):
        raise RuntimeError("pyshacl-turbo is in the test extra but not installed")
    pytest.skip("pyshacl-turbo is not installed (extra comet-cn[turbo])", allow_module_level=True)

EXAMPLES = [
    path
    for path in sorted((ROOT / "examples").rglob("*.jsonld"))
    + sorted((ROOT / "tests" / "digest_claims").glob("*.jsonld"))
    if path.stat().st_size  # the empty file is an input error before any engine runs
]


def _findings(report: ValidationReport) -> set[tuple[str, str, str | None, str | None, str | None]]:
    # Messages are left out: the engines write a sum such as 439.0 as "439.0" and "439" respectively.
    return {(r.rule_id, r.severity.value, r.focus_node, r.path, r.value) for r in report.results}


def _both(source: object) -> tuple[ValidationReport, ValidationReport]:
    reference = comet_cn.validate(source, parameters=AS_OF)  # type: ignore[arg-type]
    fast = comet_cn.validate(source, parameters=AS_OF, shacl_engine="turbo")  # type: ignore[arg-type]
    assert reference.shacl_engine == "pyshacl"
    return reference, fast


def test_the_bundled_shapes_compile_for_the_fast_engine() -> None:
    # A shape it cannot compile (a sub-SELECT that does not project ?this) sends every claim to the reference
    # engine without a word: the verdicts stay right, but the batch runs at the reference's speed.
    pytest.importorskip("pyshacl_turbo")
    shacl_engines._compiled_turbo.cache_clear()
    assert shacl_engines._compiled_turbo() is not None
    assert comet_cn.validate(ROOT / "examples" / "conforming-claim.jsonld", shacl_engine="turbo").shacl_engine == (
        "pyshacl-turbo"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_and_digest_claim_gets_the_reference_findings(path: Path) -> None:
    reference, fast = _both(path)
    assert fast.conforms == reference.conforms
    assert _findings(fast) == _findings(reference)


@pytest.mark.parametrize("violation", [None, *VIOLATIONS])
def test_generated_claims_with_each_injected_violation_get_the_reference_findings(violation: str | None) -> None:
    for index in range(3):
        reference, fast = _both(synthetic_claim(100 + index, violation=violation))
        assert fast.shacl_engine == "pyshacl-turbo"  # ordinary values: the fast engine ran
        assert fast.conforms == reference.conforms == (violation is None)
        assert _findings(fast) == _findings(reference)


def _with(key: str, value: object) -> dict[str, object]:
    document = json.loads((ROOT / "examples" / "conforming-claim.jsonld").read_text(encoding="utf-8"))
    node = next(n for n in document["@graph"] if key in n)
    node[key] = value
    return document  # type: ignore[no-any-return]


# Values on which pyshacl-turbo 0.6 was seen to pass a claim pySHACL fails: such claims go to the reference.
OUTLANDISH = [
    ("tonnesCO2e", "9" * 3000),
    ("tonnesCO2e", "1e999999"),
    ("tonnesCO2e", "NaN"),
    ("retirementDate", "12024-05-14"),
    ("retirementDate", "2024-02-30"),
    ("reportingPeriodEnd", "2024-13-45"),
    ("vintageEndYear", "99999999999999999999999"),
    ("vintageEndYear", "twenty"),
    ("correspondingAdjustmentApplied", "maybe"),
    ("actionOrder", 1.5),
]


@pytest.mark.parametrize(("key", "value"), OUTLANDISH, ids=lambda v: str(v)[:20])
def test_outlandish_values_go_to_the_reference_and_fail_there(key: str, value: object) -> None:
    reference, fast = _both(_with(key, value))
    assert fast.shacl_engine == "pyshacl"
    assert not fast.conforms and fast.rule_ids == reference.rule_ids


def test_ordinary_values_are_told_from_outlandish_ones() -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD

    def graph(lexical: str, datatype: URIRef) -> Graph:
        g = Graph()
        g.add((URIRef("urn:x:s"), URIRef("urn:x:p"), Literal(lexical, datatype=datatype, normalize=False)))
        return g

    for lexical, datatype in [
        ("1250.5", XSD.decimal),
        ("2024-05-14", XSD.date),
        ("2019", XSD.gYear),
        ("true", XSD.boolean),
    ]:
        assert shacl_engines.ordinary_values(graph(lexical, datatype))
    for lexical, datatype in [
        ("9" * 19, XSD.decimal),
        ("1.5E3", XSD.decimal),
        ("0999-01-01", XSD.date),
        ("20245", XSD.gYear),
        ("yes", XSD.boolean),
    ]:
        assert not shacl_engines.ordinary_values(graph(lexical, datatype)), lexical


def test_a_users_extra_shapes_run_on_the_reference_engine() -> None:
    extra = """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix comet-cn: <https://comet.carbon/ext/iso14068#> .
        <urn:x:NeedsLabel> a sh:NodeShape ; sh:targetClass comet-cn:CarbonNeutralityClaim ;
            sh:property [ sh:path <urn:x:label> ; sh:minCount 1 ] .
    """
    report = comet_cn.validate(
        ROOT / "examples" / "conforming-claim.jsonld", extra_shapes=[extra], shacl_engine="turbo", parameters=AS_OF
    )
    assert report.shacl_engine == "pyshacl"
    assert not report.conforms


def test_without_the_engine_or_when_it_fails_the_reference_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    claim = ROOT / "examples" / "violations" / "cn-bal-01-credits-short.jsonld"
    monkeypatch.setattr(shacl_engines, "turbo_available", lambda: False)
    missing = comet_cn.validate(claim, shacl_engine="turbo", parameters=AS_OF)
    assert missing.shacl_engine == "pyshacl" and missing.rule_ids == {"CN-BAL-01"}
    monkeypatch.undo()

    class Broken:
        def validate(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError("cannot run a constraint")

    monkeypatch.setattr(shacl_engines, "_compiled_turbo", lambda: Broken())
    failed = comet_cn.validate(claim, shacl_engine="turbo", parameters=AS_OF)
    assert failed.shacl_engine == "pyshacl" and failed.rule_ids == {"CN-BAL-01"}


def test_a_claim_too_large_for_the_fast_engine_runs_on_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    claim = synthetic_claim(300, violation="old-vintage")
    assert comet_cn.validate(claim, shacl_engine="turbo", parameters=AS_OF).shacl_engine == "pyshacl-turbo"
    monkeypatch.setattr(shacl_engines, "TURBO_MAX_TRIPLES", 100)  # its cost grows with the square of the size
    large = comet_cn.validate(claim, shacl_engine="turbo", parameters=AS_OF)
    assert large.shacl_engine == "pyshacl" and large.rule_ids == {"CN-VINT-01"}


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        comet_cn.validate(ROOT / "examples" / "conforming-claim.jsonld", shacl_engine="fast")  # type: ignore[arg-type]


def test_the_cli_names_the_engine_in_its_reports(cli: Callable[..., Run]) -> None:
    claim = ROOT / "examples" / "violations" / "cn-bal-01-credits-short.jsonld"
    as_json = cli("--shacl-engine", "turbo", "--as-of", "2026-12-01", "-f", "json", claim)
    assert as_json.code == 1, as_json.err
    assert as_json.json()["inputs"][0]["shacl_engine"] == "pyshacl-turbo"
    as_text = cli("--shacl-engine", "turbo", "--as-of", "2026-12-01", claim)
    assert "DOES NOT CONFORM" in as_text.out and "shapes: pyshacl-turbo" in as_text.out
    reference = cli("--as-of", "2026-12-01", claim)
    assert reference.code == 1 and "shapes:" not in reference.out


def test_a_batch_on_two_workers_uses_the_engine_in_each_worker() -> None:
    from comet_cn.batch import validate_many

    docs = [synthetic_claim(200 + i, violation="old-vintage" if i % 2 else None) for i in range(6)]
    reference = list(validate_many(docs, jobs=2, parameters=AS_OF))
    fast = list(validate_many(docs, jobs=2, parameters=AS_OF, shacl_engine="turbo"))
    assert [r.shacl_engine for r in fast] == ["pyshacl-turbo"] * 6  # type: ignore[union-attr]
    assert [(r.conforms, r.rule_ids) for r in fast] == [(r.conforms, r.rule_ids) for r in reference]  # type: ignore[union-attr]


_FRESH = """
import sys
from datetime import date
from pathlib import Path
import comet_cn
from comet_cn import shacl_engines
from comet_cn.validation import RuleParameters
if sys.argv[2] == "broken":
    shacl_engines._compiled_turbo = lambda: None  # the fast engine fails: the reference must still be importable
report = comet_cn.validate(Path(sys.argv[1]), shacl_engine="turbo", parameters=RuleParameters(as_of=date(2026, 12, 1)))
loaded = sorted(m for m in ("pyshacl", "rdflib.plugins.sparql") if m in sys.modules)
print(report.shacl_engine, sorted(report.rule_ids), loaded)
"""


@pytest.mark.parametrize("engine", ["working", "broken"])
def test_a_fresh_process_on_the_fast_engine_loads_no_reference_machinery_unless_it_falls_back(engine: str) -> None:
    # pySHACL and rdflib's SPARQL engine are a large part of a cold start; the fast path needs neither, and the
    # fallback must still find them when it runs. (owlrl is loaded only to close the ontology when nothing is cached.)
    claim = ROOT / "examples" / "violations" / "cn-bal-01-credits-short.jsonld"
    run = subprocess.run(
        [sys.executable, "-c", _FRESH, str(claim), engine], capture_output=True, text=True, check=True, cwd=ROOT
    )
    if engine == "working":
        assert run.stdout.strip() == "pyshacl-turbo ['CN-BAL-01'] []"
    else:
        assert run.stdout.strip() == "pyshacl ['CN-BAL-01'] ['pyshacl', 'rdflib.plugins.sparql']"
