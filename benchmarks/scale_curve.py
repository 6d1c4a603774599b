#!/usr/bin/env python3
"""The measured curves of docs/scale.md: time against the number of claims in a batch, and against the number of
credits in one claim, for each SHACL engine installed.

    python benchmarks/scale_curve.py                 # 1 → 10,000 claims, 1 → 10,000 credits
    python benchmarks/scale_curve.py --max 1000      # a shorter run

Every point checks its verdicts (generated claims know theirs), so a point that is fast because it is wrong shows.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import comet_cn
from comet_cn.batch import validate_many
from comet_cn.shacl_engines import turbo_available
from comet_cn.synthetic import synthetic_batch, synthetic_claim


def _sizes(largest: int) -> list[int]:
    sizes, size = [], 1
    while size <= largest:
        sizes.append(size)
        size *= 10
    return sizes


def claims_curve(largest: int, jobs: int, engine: str) -> list[str]:
    rows = []
    list(validate_many([doc for doc, _ in synthetic_batch(2 * jobs)], jobs=jobs, shacl_engine=engine))  # warm
    for count in _sizes(largest):
        claims = list(synthetic_batch(count, violation_every=4, start=50_000))
        start = time.perf_counter()
        reports = list(validate_many((doc for doc, _ in claims), jobs=jobs, shacl_engine=engine))
        elapsed = time.perf_counter() - start
        right = all(
            isinstance(r, comet_cn.ValidationReport) and r.conforms == (rule is None)
            for (_, rule), r in zip(claims, reports, strict=True)
        )
        rows.append(
            f"| {engine} | {count:,} | {elapsed:.2f} s | {count / elapsed:.1f} | {1000 * elapsed / count:.1f} ms | "
            f"{'yes' if right else 'NO'} |"
        )
    return rows


def credits_curve(largest: int, engine: str) -> list[str]:
    rows = []
    comet_cn.validate(synthetic_claim(0), shacl_engine=engine)  # warm
    for credits in _sizes(largest):
        doc = synthetic_claim(1, credits=credits, emissions=max(4, credits // 100))
        start = time.perf_counter()
        report = comet_cn.validate(doc, shacl_engine=engine)
        elapsed = time.perf_counter() - start
        rows.append(
            f"| {engine} | {credits:,} | {elapsed:.2f} s | {1000 * elapsed / credits:.2f} ms | "
            f"{'yes' if report.conforms else 'NO'} |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=10_000, help="largest number of claims and of credits")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    engines = ["turbo", "pyshacl"] if turbo_available() else ["pyshacl"]
    print(
        f"comet-cn {comet_cn.__version__} — {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}, -j {args.jobs}"
    )
    print()
    print("| Engine | Claims | Time | Claims/s | Per claim | Verdicts right |")
    print("|---|---|---|---|---|---|")
    for engine in engines:
        # The reference engine's 10,000-claim point would take half an hour: it stops a size earlier.
        largest = args.max if engine == engines[0] else max(1, args.max // 10)
        print("\n".join(claims_curve(largest, args.jobs, engine)), flush=True)
    print()
    print("| Engine | Credits in one claim | Time | Per credit | Verdict right |")
    print("|---|---|---|---|---|")
    for engine in engines:
        print("\n".join(credits_curve(args.max, engine)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
