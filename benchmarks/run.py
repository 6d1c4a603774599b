#!/usr/bin/env python3
"""comet-cn performance benchmarks: each target measured against a naive baseline in the same run, as a ratio.

    python benchmarks/run.py            # quick mode (a few minutes)
    python benchmarks/run.py --full     # full sizes (long: the baseline is slow by design)

The naive baseline is what a user would write with pySHACL alone:
``pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="owlrl")``. Every workload checks that
our verdicts equal the baseline's before it reports a ratio. Results are printed as a Markdown table; the recorded
output with machine and date lives in docs/performance.md.
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
from comet_cn.synthetic import as_json_line, synthetic_batch, synthetic_claim

ROOT = Path(__file__).resolve().parents[1]


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


def _timed(action: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def _baseline_verdict(data: Graph) -> tuple[bool, frozenset[tuple[str, str]]]:
    _conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="owlrl", allow_warnings=True
    )
    return _verdict_of(report)


def _verdict_of(report: Graph) -> tuple[bool, frozenset[tuple[str, str]]]:
    """(conforms, {(focus node, source shape)}) for violations, comparable across engines."""
    found = set()
    for result in report.subjects(None, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            found.add((str(report.value(result, SH.focusNode)), str(report.value(result, SH.sourceShape))))
    return not found, frozenset(found)


def _our_verdict(report: comet_cn.ValidationReport) -> tuple[bool, frozenset[tuple[str, str]]]:
    return _verdict_of(report.report_graph)


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
    base_time, base = _timed(lambda: _baseline_verdict(data))
    our_time, ours = _timed(lambda: _our_verdict(comet_cn.validate(data)), repeat=3)
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


def bench_batch(count: int, sample: int, jobs: int) -> Row:
    claims = list(synthetic_batch(count, violation_every=4))
    # The baseline is far too slow to run on every claim: its throughput is measured on a sample.
    base_time, base = _timed(lambda: [_baseline_verdict(load(doc)) for doc, _ in claims[:sample]])
    base_rate = sample / base_time
    our_time, ours = _timed(
        lambda: [_our_verdict(r) for r in validate_many((doc for doc, _ in claims), jobs=jobs, keep_graph=True)]
    )
    our_rate = count / our_time
    ratio = our_rate / base_rate
    same = ours[:sample] == base and all(
        (expected is None) == verdict[0] for (_, expected), verdict in zip(claims, ours, strict=True)
    )
    return Row(
        "batch throughput ≥20×",
        f"{count} claims ({sample} for baseline), jobs={jobs}",
        f"{base_rate:.2f} claims/s",
        f"{our_rate:.2f} claims/s",
        ratio,
        "≥ 20×",
        ratio >= 20,
        same,
    )


def _cold(command: list[str], repeat: int) -> float:
    # One untimed run first: it fills the OS file cache for both commands alike, and for cn-validate the on-disk
    # cache of the closed ontology, which is computed once per installation (see docs/performance.md).
    subprocess.run(command, capture_output=True, check=False)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_cold(repeat: int) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        claim = Path(tmp) / "claim.ttl"
        claim.write_text(load(ROOT / "examples" / "conforming-claim.jsonld").serialize(format="turtle"), "utf-8")
        shapes = Path(tmp) / "shapes.ttl"
        shapes.write_text(shapes_graph().serialize(format="turtle"), "utf-8")
        bin_dir = Path(sys.executable).parent
        pyshacl_cli = shutil.which("pyshacl", path=str(bin_dir)) or "pyshacl"
        cn_validate = shutil.which("cn-validate", path=str(bin_dir)) or "cn-validate"
        base = _cold([pyshacl_cli, "-i", "none", "-s", str(shapes), str(claim)], repeat)
        ours = _cold([cn_validate, str(claim)], repeat)
        same = (
            subprocess.run([cn_validate, str(claim)], capture_output=True).returncode
            == subprocess.run(
                [pyshacl_cli, "-i", "none", "-s", str(shapes), str(claim)], capture_output=True
            ).returncode
        )
    ratio = ours / base
    return Row(
        "cold cn-validate ≤1.5× pyshacl -i none",
        "conforming example",
        f"{base:.2f} s",
        f"{ours:.2f} s",
        ratio,
        "≤ 1.5×",
        ratio <= 1.5,
        same,
    )


def bench_linear(count: int, jobs: int) -> Row:
    def run(n: int) -> float:
        docs = [doc for doc, _ in synthetic_batch(n, violation_every=4, start=10_000)]
        elapsed, _ = _timed(lambda: list(validate_many(docs, jobs=jobs)))
        return elapsed

    run(max(4, jobs * 2))  # warm
    single, double = run(count), run(2 * count)
    ratio = double / single
    return Row(
        "linear cost",
        f"{count} vs {2 * count} claims",
        f"{single:.2f} s",
        f"{double:.2f} s",
        ratio,
        "≤ 2.2×",
        ratio <= 2.2,
        True,
    )


def _peak_rss_kib(jsonl: Path, jobs: int) -> int:
    script = (
        "import resource, subprocess, sys\n"
        f"subprocess.run([sys.executable, '-c', 'from comet_cn.cli import validate_command; validate_command()', "
        f"'-q', '-f', 'json', '-o', '/dev/null', '-j', '{jobs}', '{jsonl}'])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def bench_memory(small: int, large: int, jobs: int) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        sizes = {}
        for n in (small, large):
            path = Path(tmp) / f"claims-{n}.jsonl"
            with path.open("w", encoding="utf-8") as handle:
                for doc, _ in synthetic_batch(n, violation_every=4):
                    handle.write(as_json_line(doc) + "\n")
            sizes[n] = _peak_rss_kib(path, jobs)
    ratio = sizes[large] / sizes[small]
    return Row(
        "flat memory over a claim stream",
        f"{small} vs {large} claims (JSON Lines, peak RSS)",
        f"{sizes[small] / 1024:.0f} MiB",
        f"{sizes[large] / 1024:.0f} MiB",
        ratio,
        "≤ 1.2×",
        ratio <= 1.2,
        True,
    )


def table(rows: Iterable[Row]) -> str:
    lines = [
        "| Target | Workload | Baseline | comet-cn | Ratio | Goal | Met | Same results |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.target} | {r.workload} | {r.baseline} | {r.ours} | {r.ratio:.2f}× | {r.goal} | "
            f"{'yes' if r.met else 'NO'} | {'yes' if r.same_results else 'NO'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--full", action="store_true", help="full sizes (10,000-triple bundle, 1,000-claim batch, 100,000-claim stream)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = parser.parse_args()
    full = args.full
    rows = [
        bench_bundle(10_000 if full else 3_000),
        bench_batch(1_000 if full else 200, 30 if full else 10, args.jobs),
        bench_cold(5 if full else 3),
        bench_linear(200 if full else 50, args.jobs),
        bench_memory(10_000 if full else 500, 100_000 if full else 5_000, args.jobs),
    ]
    header = (
        f"comet-cn {comet_cn.__version__} — {'full' if full else 'quick'} mode — "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}"
    )
    print(header)
    print()
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=2), encoding="utf-8")
    return 0 if all(r.same_results for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
