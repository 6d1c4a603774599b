"""Project-level promises: README's commands are what CI runs, and the package exposes its version."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

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


def _console_samples() -> list[tuple[str, list[str], str]]:
    """Every ``$ cn-validate ...`` / ``$ cn-query ...`` line of a console block in README.md and docs/*.md that is
    followed by output, with that output (up to the next prompt or the end of the block)."""
    samples = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
            parts = re.split(r"^\$ ", block, flags=re.M)[1:]
            for part in parts:
                command, _, output = part.partition("\n")
                if output.strip():
                    samples.append((page.name, command.split("#")[0].split(), output))
    return samples


def test_sample_outputs_in_the_docs_are_what_the_tool_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """README's and docs/'s sample outputs are produced by the tool (run from the checkout, as a reader would)."""
    monkeypatch.chdir(ROOT)
    samples = _console_samples()
    assert len(samples) >= 3
    for page, argv, expected in samples:
        run = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
        # A blank line separates one sample from the next prompt; it is not part of the output.
        assert run.stdout.rstrip("\n") == expected.rstrip("\n"), f"{page}: the sample output of {argv} is stale"


def _version_files(root: Path) -> list[Path]:
    ontology = root / "ontology"
    return [
        root / "LICENSE-ontology",
        root / "shapes" / "00-declarations.ttl",
        ontology / "catalog-v001.xml",
        ontology / "location-mapping.ttl",
        *sorted(ontology.glob("*.ttl")),
        *sorted((ontology / "imports").glob("*.ttl")),
    ]


def test_every_data_file_carries_the_one_version() -> None:
    """The version is written once, in pyproject.toml; the data files that must repeat it agree with it."""
    version = comet_cn.__version__
    from rdflib import URIRef
    from rdflib.namespace import OWL

    from comet_cn.resources import ONTOLOGY_VERSION_IRI, ontology_graph

    assert URIRef(ONTOLOGY_VERSION_IRI) in set(ontology_graph().objects(None, OWL.versionIRI))
    for path in _version_files(ROOT):
        found = set(re.findall(r"(?<=[/\"\s])([0-9]+\.[0-9]+\.[0-9]+)(?=(?:-local)?[>\"/\s,])", path.read_text()))
        assert found <= {version, "0.1.0"}, path  # 0.1.0: the upstream RFC named as the prior version
        assert version in found, path


def test_set_version_rewrites_every_place(tmp_path: Path) -> None:
    for path in [ROOT / "pyproject.toml", ROOT / "scripts" / "set_version.py", *_version_files(ROOT)]:
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "scripts" / "set_version.py"), "9.8.7"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert 'version = "9.8.7"' in (tmp_path / "pyproject.toml").read_text()
    for path in _version_files(tmp_path):
        text = path.read_text()
        assert "9.8.7" in text and comet_cn.__version__ not in text, path


def test_the_pact_notice_reproduces_section_5_in_the_docs_exactly_as_in_notice() -> None:
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    section = notice[notice.index("5         Disclaimer") :].strip()
    assert section.endswith("absolute disclaimer and waiver of all liability.")
    assert section in (ROOT / "docs" / "import" / "pact.md").read_text(encoding="utf-8")


def test_the_project_namespaces_are_spelt_in_one_module() -> None:
    # A second spelling drifts: a module with its own copy would read terms of another namespace after a typo.
    src = ROOT / "src" / "comet_cn"
    spelt = re.compile(r"""Namespace\(\s*["']https://comet\.carbon/""")
    owners = sorted(str(path.relative_to(src)) for path in src.rglob("*.py") if spelt.search(path.read_text()))
    assert owners == ["namespaces.py"]
