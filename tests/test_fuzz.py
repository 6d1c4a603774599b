"""Fuzzing the command line with mutated bundled examples: whatever the mutation (a key dropped or duplicated, a value
of another type, an odd string or number, a truncated file, a byte that is not UTF-8), ``cn-validate`` never fails
with an internal error (exit 3) and prints exactly one verdict or one error line per input."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comet_cn.cli import validate_command
from tests.conftest import EXAMPLES

FILES = sorted(EXAMPLES.rglob("*.jsonld"))
ODD_STRINGS = [
    "",
    " ",
    "\ud800",
    "\udcff",
    "\x00",
    "\x1b[31mred",
    "\u2028",
    "\\",
    "C:\\files\\1",
    "http://",
    "urn:x",
    "ex:nowhere",
    "_:b0",
    "@id",
    "NaN",
    "INF",
    "-0",
    "1e3",
    "1e999999",
    "9" * 5000,
    "2025-13-40",
    "twenty",
    "x" * 300,
    "é中\U0001f600",
]
ODD_NUMBERS: list[Any] = [0, -1, 1.5, -0.0, 1e308, 5e-324, 10**30, True, False, None]
# Bare JSON tokens put in place of a value in the text: not all of them are JSON.
RAW = ["NaN", "Infinity", "-Infinity", "1e999999", "9" * 4400, "-", "01", "1.", "tru", "[", "}", '"\\ud800"']
PLACEHOLDER = "@@raw@@"


def _value(data: st.DataObject, value: Any) -> Any:
    """Another value in place of ``value``: another type, an odd string or number, or a bare token."""
    kind = data.draw(st.sampled_from(["odd-string", "odd-number", "raw", "list", "object", "typed", "id", "string"]))
    if kind == "odd-string":
        return data.draw(st.sampled_from(ODD_STRINGS))
    if kind == "odd-number":
        return data.draw(st.sampled_from(ODD_NUMBERS))
    if kind == "raw":
        return PLACEHOLDER
    if kind == "list":
        return [value, value]
    if kind == "object":
        return {"@value": value} if not isinstance(value, (dict, list)) else {"@id": "ex:x"}
    if kind == "typed":
        datatype = data.draw(st.sampled_from(["xsd:decimal", "xsd:double", "xsd:integer", "xsd:date", "xsd:gYear"]))
        return {"@value": data.draw(st.sampled_from(ODD_STRINGS)), "@type": datatype}
    if kind == "id":
        return {"@id": data.draw(st.sampled_from(ODD_STRINGS))}
    return json.dumps(value)


def _mutate(data: st.DataObject, document: dict[str, Any]) -> list[tuple[str, Any]]:
    """Mutate ``document`` in place; returns the keys to write twice (JSON objects cannot hold them) and values."""
    nodes: list[dict[str, Any]] = [document, *(n for n in document.get("@graph", []) if isinstance(n, dict))]
    duplicates = []
    for _ in range(data.draw(st.integers(1, 4))):
        node = nodes[data.draw(st.integers(0, len(nodes) - 1))]
        keys = list(node)
        if not keys:
            continue
        key = keys[data.draw(st.integers(0, len(keys) - 1))]
        action = data.draw(st.sampled_from(["drop", "duplicate", "change", "add"]))
        if action == "drop":
            del node[key]
        elif action == "duplicate":
            duplicates.append((key, _value(data, node[key])))
        elif action == "change":
            node[key] = _value(data, node[key])
        else:
            node[data.draw(st.sampled_from(["label", "tonnesCO2e", "@type", "sameAs", "unknownKey", "@context"]))] = (
                _value(data, node[key])
            )
    return duplicates


def _text(data: st.DataObject, document: dict[str, Any], duplicates: list[tuple[str, Any]]) -> bytes:
    ascii_only = data.draw(st.integers(0, 3)) > 0  # else a lone surrogate is written raw: not UTF-8
    text = json.dumps(document, ensure_ascii=ascii_only, indent=data.draw(st.sampled_from([None, 1])))
    for key, value in duplicates:  # '"key": ' occurs only where the key is: write it once more before it
        written = json.dumps(key, ensure_ascii=ascii_only) + ": "
        at = text.find(written)
        if at >= 0:
            text = text[:at] + written + json.dumps(value, ensure_ascii=ascii_only) + ", " + text[at:]
    while f'"{PLACEHOLDER}"' in text:
        text = text.replace(f'"{PLACEHOLDER}"', data.draw(st.sampled_from(RAW)), 1)
    raw = text.encode("utf-8", "surrogatepass")  # a raw lone surrogate is not UTF-8: refused as such
    # Most mutants should parse, to reach reasoning and the shapes; some are truncated or get a stray byte.
    if data.draw(st.integers(0, 9)) == 0:
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    if data.draw(st.integers(0, 19)) == 0:
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80"])) + raw[at:]
    return raw


def _check(fmt: str, files: list[Path], code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (code, err)
    out.encode("utf-8")
    err.encode("utf-8")
    errors = err.splitlines()
    assert all(line.startswith("cn-validate: error: ") for line in errors), err
    assert "internal error" not in out + err and "Traceback" not in out + err
    if fmt == "json":
        entries = json.loads(out)["inputs"]
        assert [e["source"] for e in entries] == [str(f) for f in files]
        failed = [e for e in entries if e["conforms"] is None]
        assert all(e["error"] and "\n" not in e["error"] for e in failed)
        assert len(errors) == len(failed)
    elif len(files) == 1 and code == 2 and not out:
        # One unreadable input is its one line on standard error and nothing else.
        assert len(errors) == 1 and errors[0].startswith(f"cn-validate: error: {files[0]}: "), err
    else:
        for path in files:
            verdicts = [line for line in out.splitlines() if line.startswith(f"{path}: ")]
            assert len(verdicts) == 1, out
            assert verdicts[0].split(": ", 1)[1].startswith(("CONFORMS", "DOES NOT CONFORM", "NOT A CLAIM", "ERROR"))
        assert len(errors) == sum(f"{path}: ERROR " in out for path in files)


@pytest.mark.slow  # 200 runs of the CLI, about 30 s: in the full set (CI)
@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_examples_never_give_an_internal_error(data: st.DataObject, capsys: pytest.CaptureFixture[str]) -> None:
    fmt = data.draw(st.sampled_from(["json", "text"]))
    count = data.draw(st.integers(1, 2))
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for index in range(count):
            source = data.draw(st.sampled_from(FILES))
            document = json.loads(source.read_text(encoding="utf-8"))
            duplicates = _mutate(data, document)
            path = Path(folder) / f"mutant-{index}.jsonld"
            path.write_bytes(_text(data, document, duplicates))
            files.append(path)
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:
            validate_command(["-f", fmt, *map(str, files)])
        captured = capsys.readouterr()
        code = stop.value.code
        _check(fmt, files, code if isinstance(code, int) else 3, captured.out, captured.err)


def test_the_fuzzer_reaches_verdicts_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """A control: unmutated examples get verdicts, a truncated one an error line, through the same checks."""

    def run(files: list[Path]) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as stop:
            validate_command(["-f", "json", *map(str, files)])
        captured = capsys.readouterr()
        return int(stop.value.code or 0), captured.out, captured.err

    with tempfile.TemporaryDirectory() as folder:
        truncated = Path(folder) / "truncated.jsonld"
        truncated.write_bytes(FILES[0].read_bytes()[:100])
        files = [EXAMPLES / "conforming-claim.jsonld", truncated]
        code, out, err = run(files)
        _check("json", files, code, out, err)
        assert code == 2 and [e["conforms"] for e in json.loads(out)["inputs"]] == [True, None]
