#!/usr/bin/env python3
"""Cross-claim audits at scale: N retirements' worth of claims in an on-disk Oxigraph store.

    python benchmarks/audits_scale.py 100000 [--path DIR]
    python benchmarks/audits_scale.py 1000000

Claims are written straight to N-Triples, one at a time (nothing is held in Python), with the types the reasoner
would add, so the audits need no reasoning. Every claim retires ``PER_CLAIM`` credits of its own issuance block;
subjects report three periods each; every ``EVERY``-th claim reuses the previous claim's first serial as is (the
double-counting query's finding) and every ``EVERY``-th claim, offset by half, retires part of the previous claim's
first block under a serial written differently (the range-overlap finding). The first 2,000 retirements are also
audited with rdflib and Oxigraph in memory, and the findings must be equal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from rdflib import Graph

from comet_cn.audits import AUDITS, AuditFinding, _range_overlaps, audit_results, audit_rows
from comet_cn.results import ValidationResult, finding
from comet_cn.store import OxigraphBackend

PER_CLAIM = 10
EVERY = 1000
CN = "https://comet.carbon/ext/iso14068#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _serial(claim: int, first: int, last: int) -> str:
    return f"EX-{claim:07d}-{first:07d}-{last:07d}"


def _claim(out: TextIO, index: int, every: int) -> None:
    base = f"<https://example.org/bench/{index}/"
    subject = f"<https://example.org/bench/org-{index // 3}>"
    year = 2020 + index % 3
    claim, period, event, plan, footprint = (base + name + ">" for name in ("claim", "period", "event", "plan", "fp"))
    lines = [
        f"{claim} <{RDF_TYPE}> <{CN}CarbonNeutralityClaim> .",
        f"{claim} <{CN}hasSubject> {subject} .",
        f"{claim} <{CN}claimedBy> {subject} .",
        f"{claim} <{CN}hasReportingPeriod> {period} .",
        f'{period} <{CN}reportingPeriodStart> "{year}-01-01"^^<{XSD}date> .',
        f"{claim} <{CN}hasCarbonFootprint> {footprint} .",
        f'{footprint} <{CN}tonnesCO2e> "{1000 - index % 3}.0"^^<{XSD}decimal> .',
        f"{claim} <{CN}hasOffsettingEvent> {event} .",
        f"{claim} <{CN}hasManagementPlan> {plan} .",
        f"{plan} <{CN}hasAction> {base}reduce> .",
        f"{plan} <{CN}hasAction> {base}offset> .",
        f"{base}reduce> <{CN}hierarchyStep> <{CN}Reduce_Inside_Boundary> .",
        f'{base}reduce> <{CN}actionOrder> "1"^^<{XSD}integer> .',
        f"{base}offset> <{CN}hierarchyStep> <{CN}Offset_Outside_Boundary> .",
        f'{base}offset> <{CN}actionOrder> "2"^^<{XSD}integer> .',
    ]
    for n in range(PER_CLAIM):
        credit = f"{base}credit-{n}>"
        serial = _serial(index, 10 * n + 1, 10 * n + 10)
        if n == 0 and index and index % every == 0:
            serial = _serial(index - 1, 1, 10)  # the same serial as the previous claim's first credit
        elif n == 0 and index % every == every // 2:
            serial = f"ex-{index - 1:07d}-0000001-0000005"  # units 1-5 of that block again, written differently
        lines += [
            f"{event} <{CN}retiresCredit> {credit} .",
            f"{credit} <{RDF_TYPE}> <{CN}CarbonCredit> .",
            f'{credit} <{CN}serialNumber> "{serial}" .',
            f'{credit} <{CN}tonnesCO2e> "10.0"^^<{XSD}decimal> .',
        ]
    out.write("\n".join(lines) + "\n")


def generate(retirements: int, path: Path, every: int = EVERY) -> int:
    """Write claims holding ``retirements`` retirements to an N-Triples file; returns the number of claims."""
    claims = -(-retirements // PER_CLAIM)
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        for index in range(claims):
            _claim(out, index, every)
    return claims


def _peak_mib() -> float:
    # VmHWM, which _reset_peak can restart (Linux); elsewhere the process's lifetime peak.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _reset_peak() -> None:
    """Restart the peak count, so each stage's peak is its own (Linux 4.0+; elsewhere nothing happens)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _progress(stage: str, seconds: float) -> None:
    # On stderr, so a long run can be followed while the JSON on stdout stays the only result.
    print(f"{stage}: {seconds:.1f} s (peak RSS {_peak_mib():.0f} MiB)", file=sys.stderr, flush=True)


def parity(retirements: int, folder: Path) -> bool:
    """The findings of rdflib and of Oxigraph (memory and disk) on the same small set are equal, and not empty."""
    data = folder / "parity.nt"
    generate(retirements, data, every=50)  # double counting every 50 claims, so the small set has some
    graph = Graph().parse(str(data), format="nt")
    reference = audit_results(graph)
    with OxigraphBackend() as memory:
        memory.load_file(data)
        in_memory = audit_results(memory)
    with OxigraphBackend(folder / "parity-store") as disk:
        disk.load_file(data)
        on_disk = audit_results(disk)
    return bool(reference) and reference == in_memory == on_disk


def _kept_findings(store: OxigraphBackend, skip: tuple[str, ...]) -> list[AuditFinding]:
    """The findings of the audits whose query is not skipped (audit_results without the skipped queries)."""
    found = []
    for audit in AUDITS:
        if audit.query in skip:
            continue
        for row in audit_rows(audit.query, store):
            if audit.keep(row):
                found.append(finding(audit.rule_id, focus_node=str(row.get(audit.focus)), message=audit.message(row)))
    return found


def bench_audits(retirements: int, *, path: Path, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Generate, load and audit ``retirements`` retirements in an on-disk store under ``path``; timings in seconds.

    :returns: retirements, claims, triples, generate_s, load_s, audit_s (every audit together, as cn-validate
        runs them), audit_parts_s (each audit query and the range sweep alone) and audit_parts_peak_mib,
        peak_rss_mib (and its parts: peak_rss_load_mib for the parity check, generation and load,
        peak_rss_audits_mib for every audit together),
        findings (count per rule),
        injected (the double counting put in, per kind), found_injected (all of it found), parity (rdflib equals
        Oxigraph on the first 2,000 retirements).
    """
    path.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    same = parity(min(retirements, 2000), path)
    _progress("parity", time.perf_counter() - began)
    data = path / "claims.nt"
    start = time.perf_counter()
    claims = generate(retirements, data)
    generated = time.perf_counter()
    _progress("generate", generated - start)
    timings: dict[str, float] = {}
    with OxigraphBackend(path / "store", clear=True) as store:
        store.load_file(data)
        triples = len(store)
        loaded = time.perf_counter()
        _progress("load", loaded - generated)
        load_peak = _peak_mib()
        _reset_peak()
        # Each audit's query (as the audits read it: double counting and continual improvement grouped by
        # comet_cn.serial_groups and comet_cn.improvement_rows, not by the SPARQL engine) and the range sweep
        # timed apart, each with its own peak; then every audit together, as cn-validate runs them, whose peak is
        # the row's.
        parts_peak: dict[str, float] = {}
        for name in dict.fromkeys(audit.query for audit in AUDITS):
            if name not in skip:
                began = time.perf_counter()
                for _ in audit_rows(name, store):
                    pass
                timings[name] = round(time.perf_counter() - began, 1)
                parts_peak[name] = round(_peak_mib())
                _progress(name, timings[name])
                _reset_peak()
        began = time.perf_counter()
        ranges = _range_overlaps(store, None)
        timings["range sweep"] = round(time.perf_counter() - began, 1)
        parts_peak["range sweep"] = round(_peak_mib())
        _progress("range sweep", timings["range sweep"])
        _reset_peak()
        together = time.perf_counter()
        if skip:
            findings = _kept_findings(store, skip) + sorted(ranges, key=ValidationResult.sort_key)
        else:
            findings = audit_results(store)
        audited = time.perf_counter()
        audits_peak = _peak_mib()
        _progress("all audits", audited - together)
    counts = Counter(f.rule_id for f in findings)
    exact = len(range(EVERY, claims, EVERY))
    overlapping = len(range(EVERY // 2, claims, EVERY))
    found_exact = sum(1 for f in findings if f.rule_id == "CN-AUDIT-DOUBLE-01" and "offsetting event(s)" in f.message)
    found_ranges = sum(1 for f in findings if f.rule_id == "CN-AUDIT-DOUBLE-01" and "units 1-5" in f.message)
    return {
        "retirements": retirements,
        "claims": claims,
        "triples": triples,
        "generate_s": round(generated - start, 1),
        "load_s": round(loaded - generated, 1),
        "audit_s": round(audited - together, 1),
        "audit_parts_s": timings,
        "skipped": list(skip),
        "peak_rss_mib": round(max(load_peak, audits_peak)),
        "peak_rss_load_mib": round(load_peak),
        "peak_rss_audits_mib": round(audits_peak),
        "audit_parts_peak_mib": parts_peak,
        "findings": dict(sorted(counts.items())),
        "injected": {"same serial": exact, "overlapping range": overlapping},
        "found_injected": (found_exact, found_ranges) == (exact, overlapping) and len(findings) == exact + overlapping,
        "parity": same,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("retirements", type=int, nargs="?", default=100_000)
    parser.add_argument("--path", type=Path, default=None, help="Work folder (default: a temporary one, removed).")
    parser.add_argument("--skip", action="append", default=[], metavar="QUERY", help="Leave out an audit query.")
    args = parser.parse_args(argv)
    folder = args.path or Path(tempfile.mkdtemp(prefix="cn-audits-scale-"))
    try:
        result = bench_audits(args.retirements, path=folder, skip=tuple(args.skip))
    finally:
        if args.path is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return 0 if result["found_injected"] and result["parity"] else 1


if __name__ == "__main__":
    sys.exit(main())
