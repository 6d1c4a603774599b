#!/usr/bin/env python3
"""comet-cn performance benchmarks: each target measured in the same run against a reference, as a ratio.

    python benchmarks/run.py            # quick mode (about ten minutes on two cores)
    python benchmarks/run.py --full     # the sizes of the targets (about an hour)
    python benchmarks/run.py --only batch --only cold   # some rows

The **reference path** is our shapes in plain pySHACL with owlrl, what a user would write:
``pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="owlrl")``, one claim at a time.
Every row says whether the results it compares are the same: verdicts and rule ids against the reference, and the
faster SHACL engine (pyshacl-turbo, ``--shacl-engine turbo``) against pySHACL. Results are printed as a Markdown
table; the recorded output with machine and date lives in docs/performance.md, the curves in docs/scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import Graph
from rdflib.namespace import SH

import comet_cn
from comet_cn.batch import validate_many
from comet_cn.loading import load
from comet_cn.resources import ontology_graph, shapes_graph
from comet_cn.rules import shape_info
from comet_cn.shacl_engines import turbo_available
from comet_cn.synthetic import as_json_line, synthetic_batch, synthetic_claim

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FAST = "turbo" if turbo_available() else "pyshacl"


@dataclass
class Row:
    target: str
    workload: str
    baseline: str
    ours: str
    ratio: float
    goal: str
    met: bool
    same_results: bool


Verdict = tuple[bool, frozenset[str]]


def _timed(action: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def _reference(data: Graph) -> Graph:
    _conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="owlrl", allow_warnings=True
    )
    return report  # type: ignore[no-any-return]


def _shape_violations(report: Graph) -> frozenset[tuple[str, str]]:
    """(focus node, source shape) of every Violation in a SHACL report, comparable across engines."""
    found = set()
    for result in report.subjects(None, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            found.add((str(report.value(result, SH.focusNode)), str(report.value(result, SH.sourceShape))))
    return frozenset(found)


def _finding_violations(report: comet_cn.ValidationReport) -> frozenset[tuple[str, str]]:
    """(focus node, source shape) of our shape Violations. From the findings, not the SHACL report graph: the
    natively checked shapes (comet_cn.native_checks) report beside the engine's graph, not in it."""
    return frozenset((str(r.focus_node), str(r.source_shape)) for r in report.violations if r.source_shape is not None)


def _rule_ids(report: Graph) -> frozenset[str]:
    """The rule ids of the shapes with a Violation in a plain pySHACL report."""
    shapes = shapes_graph()
    ids = set()
    for result in report.subjects(None, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            info = shape_info(shapes, report.value(result, SH.sourceShape))
            if info is not None:
                ids.add(info.rule_id)
    return frozenset(ids)


def _shape_rule_ids(report: comet_cn.ValidationReport) -> frozenset[str]:
    """Our rule ids that come from shapes (the reference has no engine rules such as CN-UNITS-*)."""
    return frozenset(r.rule_id for r in report.violations if r.source_shape is not None)


def bundle(triples: int) -> Graph:
    """Synthetic claims merged into one graph of at least ``triples`` triples."""
    graph = Graph()
    index = 0
    while len(graph) < triples:
        graph += load(synthetic_claim(index, violation="old-vintage" if index % 7 == 3 else None))
        index += 1
    return graph


def bench_bundle(triples: int) -> Row:
    data = bundle(triples)
    comet_cn.validate(synthetic_claim(0))  # warm: parse ontology and shapes, compile tables (once per process)
    base_time, base = _timed(lambda: _shape_violations(_reference(data)))
    our_time, ours = _timed(lambda: _finding_violations(comet_cn.validate(data)), repeat=3)
    ratio = base_time / our_time
    return Row(
        "one claim bundle ≥10× faster",
        f"{len(data)} triples",
        f"{base_time:.2f} s",
        f"{our_time:.2f} s",
        ratio,
        "≥ 10×",
        ratio >= 10,
        base == ours,
    )


def bench_batch(count: int, sample: int, jobs: int, engine: str) -> Row:
    """Claims a second over a batch on ``jobs`` cores, against the reference path on the same cores (its rate on one
    core, measured on a sample, times ``jobs``: a parallel speed-up the reference would not quite reach)."""
    claims = list(synthetic_batch(count, violation_every=4))
    base_time, base = _timed(lambda: [_reference(load(doc)) for doc, _ in claims[:sample]])
    base_rate = jobs * sample / base_time
    list(validate_many([doc for doc, _ in claims[: 2 * jobs]], jobs=jobs, shacl_engine=engine))  # start the workers
    our_time, ours = _timed(
        # Without the SHACL report graphs, as cn-validate runs a batch for every output but Turtle.
        lambda: list(validate_many((doc for doc, _ in claims), jobs=jobs, shacl_engine=engine))
    )
    our_rate = count / our_time
    ratio = our_rate / base_rate
    # Same results: every claim's verdict is the one generated and the injected rule fires; on the sample, the
    # shape rule ids equal the reference's; the engines that ran are the ones asked for.
    expected = all(
        isinstance(report, comet_cn.ValidationReport)
        and report.conforms == (rule is None)
        and (rule is None or rule in report.rule_ids)
        for (_, rule), report in zip(claims, ours, strict=True)
    )
    against_reference = [_rule_ids(report) for report in base] == [_shape_rule_ids(r) for r in ours[:sample]]
    engine_name = "pyshacl-turbo" if engine == "turbo" else "pyshacl"
    engines = all(r.shacl_engine == engine_name for r in ours)
    return Row(
        f"batch ≥100 claims/s on {jobs} cores ({engine_name})",
        f"{count} generated claims, a quarter with an injected violation ({sample} on the reference)",
        f"{base_rate:.1f} claims/s",
        f"{our_rate:.1f} claims/s",
        ratio,
        "≥ 100 claims/s",
        our_rate >= 100,
        expected and against_reference and engines,
    )


def _cold(command: list[str], repeat: int) -> float:
    # One untimed run first: it fills the OS file cache for both commands alike, and for cn-validate the on-disk
    # cache of the reasoning tables, which is computed once per installation (see docs/performance.md). Bytecode is
    # written as pip writes it when it installs a package: with PYTHONDONTWRITEBYTECODE set (some shells and
    # containers do), an editable checkout would compile comet-cn's sources on every run while the floor's packages
    # stay compiled.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, capture_output=True, check=False, env=env)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_cold(repeat: int, engine: str) -> Row:
    claim = ROOT / "examples" / "conforming-claim.jsonld"
    cn_validate = shutil.which("cn-validate", path=str(BIN)) or "cn-validate"
    floor = [sys.executable, "-c", "import rdflib, pyshacl, owlrl, pyld"]
    command = [cn_validate, "--shacl-engine", engine, str(claim)]
    base = _cold(floor, repeat)
    ours = _cold(command, repeat)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    ratio = ours / base
    return Row(
        f"cold cn-validate ≤1.5× the import floor ({engine})",
        "conforming example; floor: python -c 'import rdflib, pyshacl, owlrl, pyld'",
        f"{base:.2f} s",
        f"{ours:.2f} s",
        ratio,
        "≤ 1.5×",
        ratio <= 1.5,
        done.returncode == 0 and "CONFORMS" in done.stdout,
    )


def bench_credits(small: int, engine: str) -> Row:
    """One claim with 10× the credits costs at most 12× (no constraint quadratic in the claim's size)."""
    large = 10 * small
    emissions = max(4, large // 100)  # enough footprint for whole-tonne credits
    comet_cn.validate(synthetic_claim(0), shacl_engine=engine)  # warm
    docs = {n: synthetic_claim(1, credits=n, emissions=emissions) for n in (small, large)}
    small_time, small_report = _timed(lambda: comet_cn.validate(docs[small], shacl_engine=engine))
    large_time, large_report = _timed(lambda: comet_cn.validate(docs[large], shacl_engine=engine))
    ratio = large_time / small_time
    return Row(
        f"linear in credits ≤12× for 10× ({engine})",
        f"one claim with {small} vs {large} credits",
        f"{small_time:.2f} s",
        f"{large_time:.2f} s",
        ratio,
        "≤ 12×",
        ratio <= 12,
        small_report.conforms and large_report.conforms,
    )


def _audits(retirements: int) -> dict[str, Any]:
    script = ROOT / "benchmarks" / "audits_scale.py"
    done = subprocess.run([sys.executable, str(script), str(retirements)], capture_output=True, text=True, check=False)
    if not done.stdout.strip().startswith("{"):
        raise RuntimeError(f"audits_scale.py {retirements} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def bench_audits(retirements: int, minutes: float) -> Row:
    """Audits over many retirements in an on-disk Oxigraph store: in minutes, in bounded memory (the issue's
    target), and how the time grows from a tenth of the size (the ratio, for the record)."""
    small, large = _audits(retirements // 10), _audits(retirements)

    def total(result: dict[str, Any]) -> float:
        return float(result["load_s"]) + float(result["audit_s"])

    ratio = total(large) / total(small)
    # Bounded: ten times the retirements may not take more than half as much memory again.
    bounded = large["peak_rss_mib"] <= 1.5 * small["peak_rss_mib"]
    return Row(
        f"audits over {retirements:,} retirements in minutes, bounded memory",
        f"{retirements // 10:,} vs {retirements:,} retirements, on-disk Oxigraph, load + audits "
        f"(peak {small['peak_rss_mib']} vs {large['peak_rss_mib']} MiB)",
        f"{total(small):.0f} s",
        f"{total(large):.0f} s",
        ratio,
        f"≤ {minutes:g} min, peak ≤ 1.5× at a tenth",
        bounded and total(large) <= 60 * minutes,
        all(r["parity"] and r["found_injected"] for r in (small, large)),
    )


def _peak_rss_kib(jsonl: Path, report: Path, jobs: int) -> int:
    """Peak RSS of the largest process of ``cn-validate`` over ``jsonl`` (the command or one of its workers)."""
    script = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-c', "
        "'from comet_cn.cli import validate_command; validate_command()', "
        f"'-q', '-f', 'json', '-o', {str(report)!r}, '-j', '{jobs}', '--shacl-engine', '{FAST}', {str(jsonl)!r}])\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    code, peak = done.stdout.strip().splitlines()[-1].split()
    # 1: some claims fail, as generated. Anything else is a run that measured nothing (it once measured a refusal
    # to write to /dev/null).
    if code != "1":
        raise RuntimeError(f"cn-validate {jsonl.name} exited {code}: {done.stderr.strip()[-500:]}")
    return int(peak)


def bench_memory(small: int, large: int, jobs: int) -> Row:
    sizes, same = {}, True
    with tempfile.TemporaryDirectory() as tmp:
        for n in (small, large):
            path, report = Path(tmp) / f"claims-{n}.jsonl", Path(tmp) / f"report-{n}.json"
            expected = []
            with path.open("w", encoding="utf-8") as handle:
                for doc, rule in synthetic_batch(n, violation_every=4):
                    handle.write(as_json_line(doc) + "\n")
                    expected.append(rule is None)
            sizes[n] = _peak_rss_kib(path, report, jobs)
            # Same results: one verdict per line, each the one generated.
            verdicts = [entry["conforms"] for entry in json.loads(report.read_text(encoding="utf-8"))["inputs"]]
            same = same and verdicts == expected
    ratio = sizes[large] / sizes[small]
    return Row(
        "flat memory over a claim stream",
        f"{small} vs {large} claims (JSON Lines, peak RSS of the largest process)",
        f"{sizes[small] / 1024:.0f} MiB",
        f"{sizes[large] / 1024:.0f} MiB",
        ratio,
        "≤ 1.2×",
        ratio <= 1.2,
        same,
    )


TABLE_HEAD = (
    "| Target | Workload | Reference | comet-cn | Ratio | Goal | Met | Same results |\n"
    "|---|---|---|---|---|---|---|---|"
)


def table_line(r: Row) -> str:
    return (
        f"| {r.target} | {r.workload} | {r.baseline} | {r.ours} | {r.ratio:.2f}× | {r.goal} | "
        f"{'yes' if r.met else 'NO'} | {'yes' if r.same_results else 'NO'} |"
    )


ROWS = ("batch", "cold", "credits", "audits", "bundle", "memory")


def measured_rows(chosen: set[str], full: bool, jobs: int, engines: list[str]) -> Iterable[Row]:
    if "batch" in chosen:
        yield bench_batch(10_000 if full else 500, 30 if full else 10, jobs, FAST)
        if FAST != "pyshacl":
            yield bench_batch(1_000 if full else 100, 30 if full else 10, jobs, "pyshacl")
    if "cold" in chosen:
        yield from (bench_cold(7 if full else 3, engine) for engine in engines)
    if "credits" in chosen:
        yield from (bench_credits(1_000 if full else 200, engine) for engine in engines)
    if "audits" in chosen:
        yield bench_audits(1_000_000 if full else 20_000, 30)
    if "bundle" in chosen:
        yield bench_bundle(10_000 if full else 3_000)
    if "memory" in chosen:
        yield bench_memory(2_000 if full else 200, 20_000 if full else 2_000, jobs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the sizes of the targets (about an hour)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", action="append", choices=ROWS, help="run only these rows (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = parser.parse_args()
    full, chosen = args.full, set(args.only or ROWS)
    engines = ["pyshacl", *(["turbo"] if FAST == "turbo" else [])]
    header = (
        f"comet-cn {comet_cn.__version__} — {'full' if full else 'quick'} mode — "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}"
    )
    # Each row is printed as soon as it is measured: a full run takes most of an hour, and a run stopped
    # half-way still leaves the rows it finished.
    print(header, end="\n\n")
    print(TABLE_HEAD, flush=True)
    rows: list[Row] = []
    for row in measured_rows(chosen, full, args.jobs, engines):
        rows.append(row)
        print(table_line(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=2), encoding="utf-8")
    return 0 if all(r.same_results for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
