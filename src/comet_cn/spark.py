"""Validate claims with Apache Spark: a DataFrame of claim documents, or a folder of claim files, in, a DataFrame of
findings out (the ``spark`` extra: ``pip install "comet-cn[spark]"``; see docs/spark.md).

Every row is validated by the very function :func:`comet_cn.batch.validate_many` uses for one input, with the same
options, so a claim gets the same verdict and the same findings on a cluster as on a laptop; Spark only decides
where it runs. A row that cannot be validated (not JSON, hostile, too large, empty) becomes that row's
``input error`` outcome with a one-line message, never a failed job, and costs no other row its verdict.

pyspark is imported inside the functions only, so that this module (and ``comet_cn`` with it) imports without it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from comet_cn.batch import _validate_one
from comet_cn.errors import InputError
from comet_cn.loading import CLAIM_SUFFIXES, DEFAULT_LIMITS, PACKED_SUFFIXES, LoadLimits, iter_inputs
from comet_cn.reasoning import Engine, ReasoningMode, reasoning_mode, warm
from comet_cn.reporting import InputFailure, Outcome
from comet_cn.shacl_engines import SHACL_ENGINES, ShaclEngine
from comet_cn.validation import DEFAULT_MAX_TRIPLES, RuleParameters, ValidationReport

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

__all__ = [
    "FINDINGS_COLUMNS",
    "FOLDER_SUFFIXES",
    "VERDICTS",
    "findings_schema",
    "validate_dataframe",
    "validate_folder",
]

#: The values of the ``verdict`` column.
VERDICTS = ("conforms", "does not conform", "not a claim", "input error")

#: The findings DataFrame, column by column: (name, Spark SQL type, nullable, meaning). One row per finding; an
#: input without findings (or that could not be validated) still has one row, its finding columns null.
FINDINGS_COLUMNS: tuple[tuple[str, str, bool, str], ...] = (
    ("input_id", "string", False, "the row's id (id_column, else its 0-based position) or the file's path"),
    ("verdict", "string", False, "one of VERDICTS; the same on every row of the input"),
    ("conforms", "boolean", True, "report.conforms; null for an input error"),
    ("finding", "int", True, "0-based index of the finding in the input's report; null on a row without one"),
    ("rule_id", "string", True, "the rule, e.g. CN-VINT-01"),
    ("severity", "string", True, "Violation, Warning or Info"),
    ("clause", "string", True, "the ISO 14068-1:2023 clause the rule encodes"),
    ("focus_node", "string", True, "the node the finding is about"),
    ("path", "string", True, "the property at fault, if any"),
    ("value", "string", True, "the value at fault, if any"),
    ("message", "string", True, "what is wrong; for an input error, why the input could not be validated"),
    ("fix", "string", True, "what to change (the rule's hint)"),
    ("pillar", "string", True, "the pillar of the standard the rule belongs to"),
    ("source_shape", "string", True, "the SHACL shape that found it, if a shape did"),
    ("location", "string", True, "for a workbook input, the cell to fix"),
    ("shacl_engine", "string", True, "the SHACL engine that produced the report: pyshacl or pyshacl-turbo"),
)

#: The files :func:`validate_folder` reads, with the syntax each is parsed as (as ``cn-validate`` does for a folder).
FOLDER_SUFFIXES: dict[str, str] = {
    suffix: kind for suffix, kind in CLAIM_SUFFIXES.items() if kind in ("json-ld", "turtle", "nt")
}

_Row = tuple[Any, ...]
# What an executor gets per input: its id, its content (text, bytes, None or _TooLarge) and its syntax if known.
_Input = tuple[str | None, Any, str | None]


def _pyspark_missing(error: ImportError) -> ImportError:
    return ImportError(
        'comet_cn.spark needs pyspark (and Java 17 or later): pip install "comet-cn[spark]"', name=error.name
    )


def findings_schema() -> StructType:
    """The schema of the findings DataFrame (see :data:`FINDINGS_COLUMNS`)."""
    try:
        from pyspark.sql.types import BooleanType, DataType, IntegerType, StringType, StructField, StructType
    except ImportError as error:
        raise _pyspark_missing(error) from None
    types: dict[str, DataType] = {"string": StringType(), "boolean": BooleanType(), "int": IntegerType()}
    return StructType([StructField(name, types[kind], nullable) for name, kind, nullable, _ in FINDINGS_COLUMNS])


def validate_dataframe(
    df: DataFrame,
    column: str = "claim",
    *,
    id_column: str | None = None,
    parameters: RuleParameters | Mapping[str, object] | None = None,
    reasoning: ReasoningMode = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
    max_triples: int = DEFAULT_MAX_TRIPLES,
    shacl_engine: ShaclEngine = "pyshacl",
) -> DataFrame:
    """Validate the claim document in ``column`` of every row; the findings as a DataFrame (lazily, like any).

    :param df: a DataFrame whose ``column`` holds one claim per row, as JSON-LD or Turtle text (string) or bytes
        (binary); the text is always the claim itself, never a path, as for :func:`comet_cn.validate`.
    :param id_column: the column that names each row in the findings (cast to string). Without it, a row is named by
        its 0-based position in ``df``, which is stable only if ``df``'s order is (a freshly read file, not the
        output of a shuffle); that also costs one more pass over ``df`` when it has several partitions.
    :param parameters: the rule parameters, e.g. ``RuleParameters(as_of=date(2025, 6, 1))``; sent to the executors.
    :param reasoning: ``"owlrl"`` (default), ``"rdfs"`` or ``"none"``; ``engine``, ``limits``, ``max_triples`` and
        ``shacl_engine`` (``"turbo"`` for pyshacl-turbo where installed on the executors) as for
        :func:`comet_cn.validate`.
    :returns: a DataFrame with :func:`findings_schema`: one row per finding, and one row for an input without any.
    :raises ValueError: an unknown reasoning mode, an invalid parameter, or ``column`` is not text or bytes.
    """
    try:
        from pyspark.sql.types import BinaryType, StringType
    except ImportError as error:
        raise _pyspark_missing(error) from None
    options = _options(parameters, reasoning, engine, limits, max_triples, shacl_engine)
    kind = df.schema[column].dataType
    if not isinstance(kind, (StringType, BinaryType)):
        raise ValueError(
            f"column {column!r} must hold claim text (string) or bytes (binary), not {kind.simpleString()}"
        )
    if id_column is not None:
        rows = df.select(df[id_column].cast("string"), df[column]).rdd.map(lambda row: (row[0], row[1], None))
    else:
        # zipWithIndex numbers rows by their position in df, whatever its partitioning.
        rows = df.select(column).rdd.zipWithIndex().map(lambda pair: (str(pair[1]), pair[0][0], None))
    return _findings(df.sparkSession, rows, options)


def validate_folder(
    spark: SparkSession,
    path: str,
    *,
    parameters: RuleParameters | Mapping[str, object] | None = None,
    reasoning: ReasoningMode = "owlrl",
    engine: Engine = "auto",
    limits: LoadLimits = DEFAULT_LIMITS,
    max_triples: int = DEFAULT_MAX_TRIPLES,
    shacl_engine: ShaclEngine = "pyshacl",
    listing: Literal["auto", "spark"] = "auto",
) -> DataFrame:
    """Validate every claim file under ``path`` (any file system Spark reads: local, HDFS, S3, ...).

    A local folder (a plain path or a ``file:`` URI) is listed on the driver exactly as ``cn-validate`` lists it
    (:func:`comet_cn.loading.iter_inputs`): every claim file whatever its name (``_draft.jsonld``, ``.x.jsonld``,
    ``CLAIM.JSONLD``), JSON Lines a claim a line, and a refused entry (an archive, a compressed file, a link leading
    out) an ``input error`` row; each file is then read and validated on an executor, as ``cn-validate`` reads it.
    Any other file system is listed by Spark, by suffix in any case; Hadoop's listing leaves out names starting
    with ``_`` or ``.`` (and folders so named) there, and a compressed or archived claim file is an ``input error``
    row. ``input_id`` is the file's path (a plain path for a local file, else the URI Spark gives). A file over
    ``limits.max_bytes`` is an input error without being read. ``listing="spark"`` has Spark list a local folder
    too (for a folder too large to list on the driver, with the same limits as another file system's). Other
    options as for :func:`validate_dataframe`.

    :raises InputError: ``path`` holds no claim file.
    """
    try:
        from pyspark.sql import functions as F
    except ImportError as error:
        raise _pyspark_missing(error) from None
    options = _options(parameters, reasoning, engine, limits, max_triples, shacl_engine)
    if listing not in ("auto", "spark"):
        raise ValueError(f"unknown listing {listing!r}; use 'auto' or 'spark'")
    local = _local_folder(path) if listing == "auto" else None
    if local is not None:
        # Skipped by Spark's listing without a word, a claim named "_draft.jsonld" or "A.JSONLD", or a compressed
        # one, had no row, and the findings said every claim conformed where cn-validate failed them.
        listed: list[_Input] = []
        for entry in iter_inputs([local], limits=limits):
            if isinstance(entry, InputError):
                if entry.source == str(local):  # the folder itself: it holds no claim file
                    raise entry
                listed.append((entry.source, _Refused(entry.problem), None))
            else:
                listed.append((entry[0], entry[1], None))
        rows = spark.sparkContext.parallelize(listed, max(1, min(len(listed), spark.sparkContext.defaultParallelism)))
        return _findings(spark, rows, options)
    files = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(path)
    lowered = F.lower(F.col("path"))
    claims = files.where(lowered.rlike(_suffix_pattern(FOLDER_SUFFIXES)))
    packed = files.where(lowered.rlike(_suffix_pattern(PACKED_SUFFIXES)))
    if claims.select("path").isEmpty() and packed.select("path").isEmpty():
        raise InputError(path, f"directory holds no claim files (*.{{{_listed(FOLDER_SUFFIXES)}}})")
    # A file over the limit is refused from its length alone: Spark never reads it (nor fails on one over 2 GiB).
    small = claims.where(F.col("length") <= limits.max_bytes).select("path", "content").rdd
    large = claims.where(F.col("length") > limits.max_bytes).select("path", "length").rdd
    rows = (
        small.map(lambda row: (_local_path(row[0]), bytes(row[1]), _format_of(row[0])))
        .union(large.map(lambda row: (_local_path(row[0]), _TooLarge(row[1]), None)))
        .union(packed.select("path").rdd.map(lambda row: (_local_path(row[0]), _Refused(_packed(row[0])), None)))
    )
    return _findings(spark, rows, options)


def _listed(suffixes: Iterable[str]) -> str:
    return ",".join(sorted(suffix.lstrip(".") for suffix in suffixes))


def _suffix_pattern(suffixes: Iterable[str]) -> str:
    return r"\.(" + "|".join(sorted(re.escape(suffix.lstrip(".")) for suffix in suffixes)) + r")$"


def _packed(uri: str) -> str:
    suffix = PurePosixPath(uri).suffix
    return f"compressed or archived ({suffix}), not read: extract it and give the claims it holds"


def _local_folder(path: str) -> Path | None:
    """``path`` as a local folder when it names one (a plain path, or a ``file:`` URI), else ``None``."""
    if "://" in path and not path.startswith("file:"):
        return None
    local = Path(_local_path(path)) if path.startswith("file:") else Path(path)
    return local if local.is_dir() else None


@dataclasses.dataclass(frozen=True)
class _Refused:
    """Stands in for an entry the listing refused (an archive, a link leading out): its one-line problem."""

    problem: str


@dataclasses.dataclass(frozen=True)
class _TooLarge:
    """Stands in for the content of a file Spark was not asked to read, because of its size."""

    size: int


def _options(
    parameters: RuleParameters | Mapping[str, object] | None,
    reasoning: ReasoningMode,
    engine: Engine,
    limits: LoadLimits,
    max_triples: int,
    shacl_engine: ShaclEngine = "pyshacl",
) -> dict[str, Any]:
    """The keyword options of :func:`comet_cn.validate`, checked on the driver (a bad one fails here, not in a
    task) and made of plain picklable values, which is how they reach the executors."""
    if parameters is not None and not isinstance(parameters, RuleParameters):
        parameters = RuleParameters(**parameters)  # type: ignore[arg-type]
    if shacl_engine not in SHACL_ENGINES:
        raise ValueError(f"unknown SHACL engine {shacl_engine!r}; use one of {', '.join(SHACL_ENGINES)}")
    return {
        "reasoning": reasoning_mode(reasoning),
        "engine": engine,
        "parameters": dataclasses.asdict(parameters) if parameters is not None else None,
        "limits": limits,
        "max_triples": max_triples,
        "shacl_engine": shacl_engine,
    }


def _findings(spark: SparkSession, rows: RDD[_Input], options: dict[str, Any]) -> DataFrame:
    # mapPartitions, not a per-row UDF: the validator's state (parsed ontology and shapes, compiled reasoning
    # tables, prepared SPARQL queries) lives in module-level caches of comet_cn. Spark reuses its Python workers
    # across tasks, so the first partition a worker runs warms them and every later row, of any task, reuses them.
    return spark.createDataFrame(
        rows.mapPartitions(functools.partial(_validate_partition, options=options)), findings_schema()
    )


def _validate_partition(rows: Iterable[_Input], options: dict[str, Any]) -> Iterator[_Row]:
    """Runs on an executor: validate each ``(id, content, format)`` row and yield its findings rows, lazily."""
    warm(options["reasoning"])  # once per Python worker: later calls find the caches full
    for input_id, content, kind in rows:
        name = input_id if input_id is not None else "<no id>"
        yield from _rows(name, _outcome(name, content, kind, options))


def _outcome(name: str, content: Any, kind: str | None, options: dict[str, Any]) -> Outcome:
    if content is None:
        return InputFailure(name, "empty input (null)")
    if isinstance(content, _Refused):
        return InputFailure(name, content.problem)
    if isinstance(content, _TooLarge):
        limit = options["limits"].max_bytes
        return InputFailure(name, f"file is {content.size} bytes, over the limit of {limit} bytes")
    if isinstance(content, bytearray):  # what a binary column holds
        content = bytes(content)
    # The same function, and the same failure mapping, as cn-validate's batch run: the verdicts cannot differ.
    result = _validate_one(name, content, {**options, "format": kind}, False)
    if isinstance(result, (ValidationReport, InputFailure)):
        return result
    return InputFailure(name, f"{result.source}: {result.problem}")  # a spoiled extra file: none is passed here


def _rows(name: str, outcome: Outcome) -> Iterator[_Row]:
    if isinstance(outcome, InputFailure):
        yield (
            name,
            "input error",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            outcome.message,
            None,
            None,
            None,
            None,
            None,
        )
        return
    verdict = "not a claim" if not outcome.claims else "conforms" if outcome.conforms else "does not conform"
    if not outcome.results:
        yield (name, verdict, outcome.conforms, *([None] * 12), outcome.shacl_engine)
    for index, result in enumerate(outcome.results):
        yield (
            name,
            verdict,
            outcome.conforms,
            index,
            result.rule_id,
            str(result.severity),
            result.clause,
            result.focus_node,
            result.path,
            result.value,
            result.message,
            result.hint,
            result.pillar,
            result.source_shape,
            result.location,
            outcome.shacl_engine,
        )


def _local_path(uri: str) -> str:
    """A local file's plain path (``file:/a/b.ttl`` -> ``/a/b.ttl``), so ids match a local run; others as is.

    Spark gives the path unencoded (a space stays a space, ``%20`` stays ``%20``), so it is not URL-decoded, and
    not split at ``?`` or ``#`` either: those are characters of the file's name.
    """
    if not uri.startswith("file:"):
        return uri
    path = uri.removeprefix("file:")
    return path[2:] if path.startswith("///") else path


def _format_of(uri: str) -> str | None:
    return FOLDER_SUFFIXES.get(PurePosixPath(uri).suffix.lower())
