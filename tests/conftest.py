"""Shared helpers: run the command line in-process and as the installed script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``cn-validate`` in-process through its real entry point (exit-code mapping included)."""
    from comet_cn.cli import validate_command

    def run(*args: str | Path) -> Run:
        with pytest.raises(SystemExit) as stop:
            validate_command([str(a) for a in args])
        captured = capsys.readouterr()
        code = stop.value.code
        return Run(code if isinstance(code, int) else 3, captured.out, captured.err)

    return run


def script(name: str) -> list[str]:
    """The installed console script, or its module entry when the script is not on PATH."""
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if Path(found).exists():
        return [found]
    entry = {"cn-validate": "validate_command", "cn-query": "query_command"}[name]
    return [sys.executable, "-c", f"from comet_cn.cli import {entry}; {entry}()"]


def run_script(name: str, *args: str | Path, stdin: bytes | None = None, cwd: Path | None = None) -> Run:
    done = subprocess.run(
        [*script(name), *(str(a) for a in args)], input=stdin, capture_output=True, cwd=cwd, timeout=300
    )
    return Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
