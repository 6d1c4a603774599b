"""The same report from any thread: pySHACL flips rdflib's process-wide literal settings on every call, and a late
retirement was once reported CONFORMS from a thread pool. Validation now runs under one lock
(comet_cn.rdflib_state) and puts rdflib's settings back as the caller had them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import rdflib
from rdflib.namespace import XSD
from rdflib.term import _toPythonMapping

import comet_cn
from tests.conftest import EXAMPLES

FILES = [
    EXAMPLES / "conforming-claim.jsonld",
    EXAMPLES / "violations" / "cn-ret-01-late-retirement.jsonld",
    EXAMPLES / "violations" / "cn-bal-01-exponent-decimal.jsonld",
    EXAMPLES / "violations" / "cn-expost-01-ex-ante-credit.jsonld",
]


def _summary(path: Path, reasoning: str) -> tuple[bool, tuple[tuple[str, str, str], ...]]:
    report = comet_cn.validate(path, reasoning=reasoning)  # type: ignore[arg-type]
    return report.conforms, tuple((r.rule_id, r.focus_node, r.message) for r in report.results)


def test_threads_give_the_sequential_reports() -> None:
    jobs = [(path, reasoning) for path in FILES for reasoning in ("none", "owlrl")] * 2
    sequential = {job: _summary(*job) for job in set(jobs)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda job: (job, _summary(*job)), jobs))
    assert all(result == sequential[job] for job, result in threaded)


def test_the_callers_rdflib_settings_are_left_as_they_were() -> None:
    before = (rdflib.NORMALIZE_LITERALS, _toPythonMapping.get(XSD.boolean))
    rdflib.NORMALIZE_LITERALS = False
    try:
        comet_cn.validate(FILES[0])
        assert rdflib.NORMALIZE_LITERALS is False
    finally:
        rdflib.NORMALIZE_LITERALS = before[0]
    comet_cn.validate(FILES[0])
    assert (rdflib.NORMALIZE_LITERALS, _toPythonMapping.get(XSD.boolean)) == before


def test_a_worker_pool_started_while_another_thread_validates_gives_every_verdict() -> None:
    # The pool's workers were forked while the other thread held the rdflib lock: each inherited it held and waited
    # for ever, and so did the caller. Run in a process of its own, so that a hang is a failed test, not a stuck suite.
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from pathlib import Path\n"
        "from comet_cn.batch import validate_many\n"
        "files = [Path(name) for name in sys.argv[1:]]\n"
        "def job(n):\n"
        "    return [o.conforms for o in validate_many(files, jobs=2 if n % 2 else 1)]\n"
        "with ThreadPoolExecutor(2) as pool:\n"
        "    print(list(pool.map(job, range(4))))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", program, *map(str, FILES[:3])], capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str([[True, False, False]] * 4)
