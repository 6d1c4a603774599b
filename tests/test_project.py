"""Project-level promises: README's commands are what CI runs, and the package exposes its version."""

from __future__ import annotations

import re
from pathlib import Path

import comet_cn

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```(?:sh|bash|console)\n(.*?)\n```", readme, flags=re.S)


def test_ci_runs_readme_test_command() -> None:
    commands = _readme_commands()
    test_commands = [c for c in commands if "pytest" in c]
    assert test_commands, "README.md must give the test command in a ```sh block"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_commands[0].strip() in ci


def test_readme_main_command_validates_a_bundled_example() -> None:
    main = [c for c in _readme_commands() if "cn-validate" in c and "pip install" in c]
    assert main, "README.md must give one command that installs and validates a bundled example"
    example = re.search(r"cn-validate (examples/\S+)", main[0])
    assert example and (ROOT / example.group(1)).is_file()


def test_version_is_the_installed_distribution_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'^version = "([^"]+)"', pyproject, flags=re.M)
    assert declared and comet_cn.__version__ == declared.group(1)
