"""comet_cn.spark gives the verdicts and findings of the local batch run (comet_cn.batch.validate_many), whatever the
partitioning, and a bad row costs only itself. Spark runs in local mode on the loopback address.

Without pyspark or Java the Spark tests are skipped on a developer's machine, but fail under CI (CI=true), which
installs both: a skipped test there would hide that the extra is not tested at all.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from comet_cn.batch import validate_many
from comet_cn.errors import InputError
from comet_cn.loading import LoadLimits, iter_inputs, iter_sources
from comet_cn.reporting import InputFailure, Outcome
from comet_cn.synthetic import VIOLATIONS, as_json_line, synthetic_batch, synthetic_claim
from comet_cn.validation import RuleParameters
from tests.conftest import EXAMPLES, ROOT

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MANIFEST: list[dict[str, Any]] = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))["examples"]
DIGEST = ROOT / "tests" / "digest_claims"

# What one input came to: (verdict, conforms, findings in report order), findings as what a user reads of each.
Verdict = tuple[str, bool | None, tuple[tuple[Any, ...], ...]]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}: CI installs pyspark and Java, so the Spark extra must be tested there")
    pytest.skip(reason)


def _java_major() -> int | None:
    java = shutil.which("java") or (
        Path(os.environ["JAVA_HOME"]) / "bin" / "java" if "JAVA_HOME" in os.environ else None
    )
    if java is None:
        return None
    done = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


# The whole file on one xdist worker (--dist loadgroup), so that one JVM starts, not one per worker.
pytestmark = pytest.mark.xdist_group("spark")


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local[2] session for the file: the JVM takes seconds to start, and it stops when the file's tests are
    done rather than living (with its heap) through the rest of the run."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        _unavailable('pyspark is not installed (pip install "comet-cn[spark]")')
    major = _java_major()
    if major is None or major < 17:
        _unavailable(f"Spark 4 needs Java 17 or later on PATH or in JAVA_HOME (found: {major or 'none'})")
    # pyspark's worker daemon sends SIGHUP to its whole process group when it shuts down (daemon.py, os.kill(0,
    # SIGHUP)), and that group is this test process's: an in-process command running then ended as exit 129 (CI).
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("comet-cn-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.pyspark.python", sys.executable)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _finding(row: Any) -> tuple[Any, ...]:
    return (row.rule_id, row.severity, row.clause, row.focus_node, row.path, row.value, row.message, row.fix)


def spark_verdicts(findings: DataFrame | list[Any]) -> dict[str, Verdict]:
    rows: dict[str, list[Any]] = {}
    for row in findings if isinstance(findings, list) else findings.collect():
        rows.setdefault(row.input_id, []).append(row)
    verdicts: dict[str, Verdict] = {}
    for name, group in rows.items():
        # Every row of an input carries the same verdict, and an input without findings has exactly one row.
        assert len({(row.verdict, row.conforms) for row in group}) == 1, name
        found = sorted((row for row in group if row.finding is not None), key=lambda row: row.finding)
        assert [row.finding for row in found] == list(range(len(found))), name
        assert found or len(group) == 1, name
        if group[0].verdict == "input error":  # the one-line reason stands in for the findings
            verdicts[name] = ("input error", None, ((group[0].message,),))
        else:
            verdicts[name] = (group[0].verdict, group[0].conforms, tuple(_finding(row) for row in found))
    return verdicts


def local_verdicts(outcomes: Iterable[Outcome]) -> dict[str, Verdict]:
    verdicts: dict[str, Verdict] = {}
    for outcome in outcomes:
        assert outcome.source is not None
        if isinstance(outcome, InputFailure):
            verdicts[outcome.source] = ("input error", None, ((outcome.message,),))
            continue
        word = "not a claim" if not outcome.claims else "conforms" if outcome.conforms else "does not conform"
        findings = tuple(
            (r.rule_id, str(r.severity), r.clause, r.focus_node, r.path, r.value, r.message, r.hint)
            for r in outcome.results
        )
        verdicts[outcome.source] = (word, outcome.conforms, findings)
    return verdicts


def violated(verdict: Verdict) -> set[str]:
    return {finding[0] for finding in verdict[2] if finding[1] == "Violation"}


def _synthetic() -> list[tuple[str, str, str | None]]:
    """40 synthetic claims (every 4th with a defect, all 8 kinds) as (id, JSON text, expected rule id)."""
    return [(f"synthetic-{i}", as_json_line(doc), rule) for i, (doc, rule) in enumerate(synthetic_batch(40))]


@pytest.mark.slow
def test_a_folder_of_examples_gets_the_verdicts_of_the_manifest_and_of_the_local_run(
    spark: SparkSession, tmp_path: Path
) -> None:
    from comet_cn.spark import validate_folder

    folder = tmp_path / "claims"
    for entry in MANIFEST:
        target = folder / entry["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXAMPLES / entry["file"], target)
    (folder / "broken.jsonld").write_text('{"@context": ', encoding="utf-8")
    (folder / "oversized.jsonld").write_text(" " * 40_000 + "{}", encoding="utf-8")
    (folder / "notes.txt").write_text("not a claim file: never read", encoding="utf-8")
    odd = folder / "odd name %20 #1?.jsonld"  # named by its path as it is: no URL decoding
    shutil.copyfile(EXAMPLES / "conforming-claim.jsonld", odd)
    limits = LoadLimits(max_bytes=30_000)  # above every example (27 kB at most), below oversized.jsonld

    found = spark_verdicts(validate_folder(spark, str(folder), limits=limits))
    expected = local_verdicts(validate_many(iter_sources([folder], limits=limits), limits=limits))

    assert found == expected
    assert len(found) == len(MANIFEST) + 3  # nested folders are read, notes.txt is not
    assert found[str(odd)][0] == "conforms"
    for entry in MANIFEST:
        verdict = found[str(folder / entry["file"])]
        assert verdict[1] is entry["conforms"], entry["file"]
        assert sorted(violated(verdict)) == entry["rules"], entry["file"]
    assert found[str(folder / "broken.jsonld")][0] == "input error"
    assert found[str(folder / "oversized.jsonld")][0] == "input error"


@pytest.mark.slow
def test_synthetic_claims_in_a_dataframe_get_the_verdicts_of_the_local_run(spark: SparkSession) -> None:
    from comet_cn.spark import validate_dataframe

    rows = [(name, text) for name, text, _ in _synthetic()]
    for extra in ("conforming-claim-full-iris.ttl", "not-a-claim-context-only.jsonld"):  # Turtle; no claim at all
        rows.append((extra, (DIGEST / extra).read_text(encoding="utf-8")))
    df = spark.createDataFrame(rows, "name string, claim string")

    found = spark_verdicts(validate_dataframe(df, id_column="name"))

    assert found == local_verdicts(validate_many(rows))
    for name, _, rule in _synthetic():
        assert violated(found[name]) == ({rule} if rule else set()), name
    assert {rule for _, _, rule in _synthetic()} - {None} == set(VIOLATIONS.values())
    assert found["conforming-claim-full-iris.ttl"][0] == "conforms"
    assert found["not-a-claim-context-only.jsonld"][0] == "not a claim"


@pytest.mark.slow
def test_the_faster_shacl_engine_on_the_executors_gives_the_local_verdicts(spark: SparkSession) -> None:
    from comet_cn.spark import validate_dataframe

    rows = [(name, text) for name, text, _ in _synthetic()[:10]]
    df = spark.createDataFrame(rows, "name string, claim string")
    findings = validate_dataframe(df, id_column="name", shacl_engine="turbo")
    assert spark_verdicts(findings) == local_verdicts(validate_many(rows))
    assert {row["shacl_engine"] for row in findings.collect()} == {"pyshacl-turbo"}
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        validate_dataframe(df, id_column="name", shacl_engine="fast")  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_bad_row_costs_no_other_row_its_verdict(spark: SparkSession) -> None:
    from comet_cn.spark import validate_dataframe

    good = [
        (f"good-{i}", as_json_line(synthetic_claim(i, violation="old-vintage" if i == 2 else None))) for i in range(6)
    ]
    bad = [
        ("not-json", '{"@context": "https://comet.carbon/ext/iso14068/context.jsonld", "@graph": ['),
        ("too-deep", "[" * 5_000 + "]" * 5_000),
        ("too-large", json.dumps({"label": "x" * 60_000})),
        ("remote-context", json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:x"})),
        ("binary", "\x00\x01 not text"),
        ("empty", "   "),
        ("null", None),
    ]
    rows = [good[0], *bad[:3], *good[1:4], *bad[3:], *good[4:]]
    df = spark.createDataFrame(rows, "name string, claim string")
    limits = LoadLimits(max_bytes=50_000)  # a synthetic claim is about 15 kB

    collected = validate_dataframe(df, id_column="name", limits=limits).repartition(3).collect()
    found = spark_verdicts(collected)

    assert {name: found[name] for name, _ in good} == local_verdicts(validate_many(good, limits=limits))
    assert [found[name][0] for name, _ in good] == ["conforms"] * 2 + ["does not conform"] + ["conforms"] * 3
    errors = {row.input_id: row.message for row in collected if row.verdict == "input error"}
    assert len(errors) == len([row for row in collected if row.verdict == "input error"])  # one row each
    assert set(errors) == {name for name, _ in bad}
    for name, message in errors.items():
        assert message and "\n" not in message and "internal error" not in message, name
    assert "over the limit of 50000 bytes" in errors["too-large"]
    assert "remote" in errors["remote-context"]


@pytest.mark.slow
def test_results_do_not_depend_on_partitioning(spark: SparkSession) -> None:
    from comet_cn.spark import validate_dataframe

    texts = [text for _, text, _ in _synthetic()[:8]] + ["{", None]
    results = {}
    for partitions in (1, 4):
        rdd = spark.sparkContext.parallelize([(text,) for text in texts], partitions)
        assert rdd.getNumPartitions() == partitions
        df = spark.createDataFrame(rdd, "claim string")
        # Without an id column a row is named by its position, which partitioning must not change either.
        results[partitions] = sorted(validate_dataframe(df).collect(), key=lambda row: (row.input_id, row.finding or 0))
    assert results[1] == results[4]
    verdicts = spark_verdicts(results[4])
    assert set(verdicts) == {str(index) for index in range(len(texts))}
    assert violated(verdicts["0"]) == {"CN-VINT-01"} and verdicts["1"][0] == "conforms"
    assert verdicts["8"][0] == verdicts["9"][0] == "input error"


@pytest.mark.slow
@pytest.mark.rule("CN-CLAIM-09")
def test_as_of_reaches_the_executors(spark: SparkSession) -> None:
    from comet_cn.spark import validate_dataframe

    # Claim 4 is about 2024; its period is not over on 30 June 2024. Claim 1 (about 2021) is over by then.
    rows = [(name, as_json_line(synthetic_claim(index))) for name, index in (("2024", 4), ("2021", 1))]
    df = spark.createDataFrame(rows, "name string, claim string")
    early = RuleParameters(as_of=datetime.date(2024, 6, 30))

    today = spark_verdicts(validate_dataframe(df, id_column="name"))
    then = spark_verdicts(validate_dataframe(df, id_column="name", parameters=early))
    as_mapping = spark_verdicts(validate_dataframe(df, id_column="name", parameters={"as_of": early.as_of}))

    assert today["2024"][0] == today["2021"][0] == "conforms"
    assert then["2024"][0] == "does not conform" and violated(then["2024"]) == {"CN-CLAIM-09"}
    assert then["2021"][0] == "conforms"
    assert then == as_mapping == local_verdicts(validate_many(rows, parameters=early))
    # A binary column holds the same documents as bytes: the same verdicts.
    binary = spark.createDataFrame([(name, text.encode()) for name, text in rows], "name string, claim binary")
    assert spark_verdicts(validate_dataframe(binary, id_column="name", parameters=early)) == then


@pytest.mark.slow
def test_a_column_that_holds_no_claim_text_and_an_empty_folder_are_refused_on_the_driver(
    spark: SparkSession, tmp_path: Path
) -> None:
    from comet_cn.spark import validate_dataframe, validate_folder

    with pytest.raises(ValueError, match="must hold claim text"):
        validate_dataframe(spark.createDataFrame([(1,)], "claim int"))
    with pytest.raises(ValueError, match="unknown reasoning mode"):
        validate_dataframe(spark.createDataFrame([("{}",)], "claim string"), reasoning="owl")  # type: ignore[arg-type]
    (tmp_path / "readme.txt").write_text("no claims here", encoding="utf-8")
    with pytest.raises(InputError, match="holds no claim files"):
        validate_folder(spark, str(tmp_path))


def test_without_pyspark_the_module_imports_and_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    for name in [name for name in sys.modules if name == "pyspark" or name.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # what an import finds when pyspark is not installed
    monkeypatch.delitem(sys.modules, "comet_cn.spark", raising=False)  # restored afterwards, like the others
    module = importlib.import_module("comet_cn.spark")
    assert "verdict" in [column[0] for column in module.FINDINGS_COLUMNS]
    with pytest.raises(ImportError, match=re.escape('pip install "comet-cn[spark]"')):
        module.findings_schema()


@pytest.mark.slow
def test_a_folder_is_listed_as_cn_validate_lists_it(spark: SparkSession, tmp_path: Path) -> None:
    """Red team 47: Spark's listing skipped "_draft.jsonld", ".x.jsonld", "_2024/" (Hadoop hides such names),
    "A.JSONLD" (its suffix filter was case-sensitive) and a compressed claim, without a row: the findings said every
    claim conformed where cn-validate failed three of them."""
    from comet_cn.spark import validate_folder

    bad = EXAMPLES / "violations" / "cn-bal-01-credits-short.jsonld"
    folder = tmp_path / "claims"
    (folder / "_2024").mkdir(parents=True)
    shutil.copyfile(EXAMPLES / "conforming-claim.jsonld", folder / "good.jsonld")
    for name in ("_draft.jsonld", ".hidden.jsonld", "UPPER.JSONLD", "_2024/bad.jsonld"):
        shutil.copyfile(bad, folder / name)
    (folder / "more.jsonld.gz").write_bytes(b"\x1f\x8b")

    found = spark_verdicts(validate_folder(spark, str(folder)))
    # As cn-validate runs it: a refused entry is that input's error.
    listing = [InputFailure(e.source, e.problem) if isinstance(e, InputError) else e for e in iter_inputs([folder])]
    expected = local_verdicts(validate_many(listing))
    assert found == expected
    assert sorted(verdict[0] for verdict in found.values()) == ["conforms", *["does not conform"] * 4, "input error"]
    # Spark's own listing (any other file system) reads the suffix in any case and gives the compressed file a row;
    # Hadoop still hides "_" and "." names there (documented).
    listed = spark_verdicts(validate_folder(spark, f"file://{folder}", listing="spark"))
    assert sorted(Path(name).name for name in listed) == ["UPPER.JSONLD", "good.jsonld", "more.jsonld.gz"]
    assert listed[f"{folder}/more.jsonld.gz"][0] == "input error"
