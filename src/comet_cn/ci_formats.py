"""Reports for CI systems: SARIF 2.1.0 (code-scanning views) and JUnit XML (test-report views); and the JSON Schema
of the JSON report (:func:`report_schema`).

Both reports are built from the same findings as the other formats and are deterministic: the same outcomes give the
same bytes (no clock is read, nothing is numbered at random).
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from rdflib import Graph

from comet_cn import __version__
from comet_cn.dossier import Status, rule_statuses
from comet_cn.loading import JSON_LINES_SUFFIXES
from comet_cn.report_graphs import escape_surrogates
from comet_cn.reporting import REPORT_FORMAT_VERSION, InputFailure, Outcome
from comet_cn.results import Severity, ValidationReport, ValidationResult
from comet_cn.rules import Rule, RuleKind, rule_catalogue

__all__ = ["REPORT_FORMAT_VERSION", "SARIF_SCHEMA", "report_schema", "to_junit", "to_sarif"]

#: The ``$schema`` a SARIF log names: the OASIS schema of SARIF 2.1.0 (errata 01).
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


_LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# XML 1.0 cannot hold these characters at all, not even as references; they are written as \uXXXX text.
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The bidirectional controls: shown raw, they reorder a name or a message on screen (a failing claim's line read
# as passing), so they are written as \uXXXX too, as the text report writes them.
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report of ``cn-validate -f json``, shipped in the package."""
    text = files("comet_cn").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# ---- SARIF ---------------------------------------------------------------------------------------------------------


def _level(severity: object) -> str:
    return _LEVELS[Severity.of(severity)]


def _pascal(name: str) -> str:
    """A rule name as an identifier, as SARIF's ``name`` is meant to be: "Credit vintage within five years" ->
    "CreditVintageWithinFiveYears"."""
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", name))


def _descriptor(entry: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": entry.rule_id,
        "name": _pascal(entry.name) or entry.rule_id,
        "shortDescription": {"text": entry.name},
    }
    if entry.description:
        descriptor["fullDescription"] = {"text": entry.description}
    descriptor["help"] = {"text": rule_help(entry)}
    descriptor["defaultConfiguration"] = {"level": _level(entry.severity)}
    descriptor["properties"] = {
        "clause": entry.clause,
        "pillar": entry.pillar,
        "kind": str(entry.kind),
        "tags": ["ISO 14068-1", entry.pillar],
    }
    return descriptor


def rule_help(entry: Rule) -> str:
    """A rule's help: its fix, or, when its checks have different fixes, each of them (code scanning shows this text,
    not a result's own fix, so one check's fix shown for another's finding would mislead)."""
    if len(entry.hints) <= 1:
        return entry.hint or entry.name
    fixes = " ".join(f"({number}) {hint}" for number, hint in enumerate(entry.hints, start=1))
    return (
        f"{entry.name}: this rule has {len(entry.hints)} checks, each with its own fix; a result's properties.fix "
        f"gives the one that applies. The fixes: {fixes}"
    )


def _user_descriptor(result: ValidationResult) -> dict[str, Any]:
    """A rule of the user's own shapes (``USER:...``), which the catalogue does not know."""
    return {
        "id": result.rule_id,
        "name": _pascal(result.rule_id) or "UserShape",
        "shortDescription": {"text": f"A shape given with --shapes: {result.rule_id}"},
        "help": {"text": result.hint or "See the shape's own documentation."},
        "defaultConfiguration": {"level": _level(result.severity)},
        "properties": {"clause": result.clause, "pillar": result.pillar, "kind": "shape", "tags": ["user shape"]},
    }


# A JSON Lines claim is named "file:N" (comet_cn.loading), whichever JSON Lines suffix its file has.
_JSON_LINE = re.compile(
    r"(.+(?:" + "|".join(re.escape(suffix) for suffix in sorted(JSON_LINES_SUFFIXES)) + r")):(\d+)", re.IGNORECASE
)


def _artifact(source: str | None) -> tuple[str, int | None] | None:
    """The URI reference of an input file (and the line of a JSON Lines claim), or None for a pseudo-input such as
    ``<stdin>`` or ``<all inputs>``."""
    if not source or (source.startswith("<") and source.endswith(">")):
        return None
    line = None
    match = _JSON_LINE.fullmatch(source)
    if match:
        source, line = match.group(1), int(match.group(2))
    # Percent-encoded, so that "a b.jsonld" or "x:y" stays a relative reference; lone surrogates pass as bytes.
    return quote(source.replace("\\", "/").encode("utf-8", "surrogatepass"), safe="/"), line


def _fingerprint(result: ValidationResult) -> str:
    key = "\x1f".join((result.rule_id, result.source or "", result.focus_node, result.path or "", result.value or ""))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class _Artifacts:
    def __init__(self) -> None:
        self.uris: list[str] = []

    def location(self, source: str | None, focus_node: str | None = None) -> dict[str, Any] | None:
        artifact = _artifact(source)
        location: dict[str, Any] = {}
        if artifact is not None:
            uri, line = artifact
            if uri not in self.uris:
                self.uris.append(uri)
            physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": self.uris.index(uri)}}
            if line is not None:
                physical["region"] = {"startLine": line}
            location["physicalLocation"] = physical
        if focus_node:
            location["logicalLocations"] = [{"fullyQualifiedName": focus_node, "kind": "resource"}]
        return location or None


def _sarif_result(result: ValidationResult, index: dict[str, int], artifacts: _Artifacts) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": result.rule_id,
        "ruleIndex": index[result.rule_id],
        "level": _level(result.severity),
        "message": {"text": _BIDI.sub(_escaped, result.message or result.rule_id)},
    }
    # A finding of the whole set (an audit's) is placed in the inputs that hold its node: GitHub code scanning
    # refuses a whole log when one result has no file.
    places = [artifacts.location(source, result.focus_node) for source in (result.inputs or (result.source,))]
    entry["locations"] = [place for place in places if place]
    entry["partialFingerprints"] = {"cometCnFinding/v1": _fingerprint(result)}
    properties = {
        "clause": result.clause,
        "pillar": result.pillar,
        "path": result.path,
        "value": result.value,
        "sourceShape": result.source_shape,
        "fix": result.hint,
        "cell": result.location,  # a workbook's sheet, row and column; SARIF's regions name no sheet
    }
    entry["properties"] = {key: value for key, value in properties.items() if value is not None}
    return entry


_INPUT_ERROR = "CN-INPUT-ERROR"


def _input_error_index(index: dict[str, int], rules: list[dict[str, Any]]) -> int:
    """The descriptor of an input that could not be read (added once, after the catalogue's rules)."""
    if _INPUT_ERROR not in index:
        index[_INPUT_ERROR] = len(rules)
        rules.append(
            {
                "id": _INPUT_ERROR,
                "name": "InputCouldNotBeRead",
                "shortDescription": {"text": "The input could not be read, so it has no verdict."},
                "fullDescription": {"text": "The input could not be read as a claim, so it has no verdict."},
                "help": {"text": "Correct the input as the message says and run again."},
                "defaultConfiguration": {"level": "error"},
            }
        )
    return index[_INPUT_ERROR]


def to_sarif(outcomes: Sequence[Outcome], extra_results: Iterable[ValidationResult] = ()) -> str:
    """One SARIF 2.1.0 log with one run: every rule of the catalogue as a reporting descriptor (id, name, short and
    full description, help = the fix, properties with the clause) and one result per finding (rule, level error /
    warning / note, message, the input file as artifact location and the focus node as logical location).

    An input that could not be read is a tool execution notification of level error, and makes
    ``executionSuccessful`` false, as it makes the exit code 2; it is also a result of the rule ``CN-INPUT-ERROR``,
    so that code scanning shows the file as failing, not as clean.
    """
    extra = sorted(extra_results, key=ValidationResult.sort_key)
    catalogue = list(rule_catalogue())
    rules = [_descriptor(entry) for entry in catalogue]
    index = {entry.rule_id: number for number, entry in enumerate(catalogue)}
    findings = [r for o in outcomes if isinstance(o, ValidationReport) for r in o.results] + extra
    for result in sorted({r.rule_id: r for r in findings if r.rule_id not in index}.values(), key=lambda r: r.rule_id):
        index[result.rule_id] = len(rules)
        rules.append(_user_descriptor(result))
    artifacts = _Artifacts()
    for outcome in outcomes:  # every input is an artifact, in input order, findings or not
        artifacts.location(outcome.source)
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for outcome in outcomes:
        if isinstance(outcome, InputFailure):
            notification: dict[str, Any] = {"level": "error", "message": {"text": outcome.message}}
            location = artifacts.location(outcome.source)
            if location:
                notification["locations"] = [location]
            notification["properties"] = {"source": outcome.source, "internal": outcome.internal}
            notifications.append(notification)
            # Also a result, so that a code-scanning tool shows the input as failing rather than as clean (a run
            # with no results for a file closes its earlier alerts).
            error: dict[str, Any] = {
                "ruleId": _INPUT_ERROR,
                "ruleIndex": _input_error_index(index, rules),
                "level": "error",
                "message": {"text": _BIDI.sub(_escaped, outcome.message)},
                "locations": [location] if location else [],
            }
            results.append(error)
        else:
            results.extend(_sarif_result(result, index, artifacts) for result in outcome.results)
    results.extend(_sarif_result(result, index, artifacts) for result in extra)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "comet-cn",
                "version": __version__,
                "rules": rules,
            }
        },
        "invocations": [
            {
                "executionSuccessful": not notifications,
                **({"toolExecutionNotifications": notifications} if notifications else {}),
            }
        ],
        "artifacts": [{"location": {"uri": uri}} for uri in artifacts.uris],
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    text = json.dumps(log, indent=2, ensure_ascii=False)
    return escape_surrogates(text) + "\n"


# ---- JUnit ---------------------------------------------------------------------------------------------------------


def _x(text: str | None) -> str:
    """Text XML can hold: characters it cannot are written as \\uXXXX (a lone surrogate, a NUL, an escape)."""
    return _BIDI.sub(_escaped, _NOT_XML.sub(_escaped, text or ""))


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _finding_text(result: ValidationResult) -> str:
    lines = [f"{str(Severity.of(result.severity)).upper()} {result.rule_id}  {result.clause}".rstrip()]
    lines.append(f"  node:  {result.focus_node}")
    if result.location:
        lines.append(f"  {result.location_label + ':':<6} {result.location}")
    if result.inputs:
        lines.append(f"  in:    {', '.join(result.inputs)}")
    if result.path:
        lines.append(f"  path:  {result.path}")
    if result.value is not None:
        lines.append(f"  value: {result.value}")
    lines.append(f"  what:  {result.message}")
    if result.hint:
        lines.append(f"  fix:   {result.hint}")
    return "\n".join(lines)


def _suite(
    suites: ET.Element,
    number: int,
    name: str,
    cases: Sequence[tuple[str, str, Sequence[ValidationResult]]],
    *,
    properties: Sequence[tuple[str, str]],
    timestamp: str,
    hostname: str,
    error: tuple[str, str] | None = None,
    strict: bool = False,
) -> None:
    """One testsuite; each case is (case name, class name, its findings): a case with a Violation fails (with
    ``strict``, one with a Warning too, as the exit code does), one with only Warnings passes and its findings go to
    the suite's system-out (the Ant JUnit schema has no per-case output or skip)."""
    failing = (Severity.VIOLATION, Severity.WARNING) if strict else (Severity.VIOLATION,)
    failures = sum(1 for _, _, found in cases if any(Severity.of(r.severity) in failing for r in found))
    suite = ET.SubElement(
        suites,
        "testsuite",
        {
            "package": "comet-cn",
            "id": str(number),
            "name": _x(name),
            "timestamp": timestamp,
            "hostname": hostname,
            "tests": str(len(cases) + (1 if error else 0)),
            "failures": str(failures),
            "errors": str(1 if error else 0),
            "time": "0",
        },
    )
    listed = ET.SubElement(suite, "properties")
    for key, value in properties:
        ET.SubElement(listed, "property", {"name": key, "value": _x(value)})
    output: list[str] = []
    if error is not None:
        case = ET.SubElement(suite, "testcase", {"name": "the input can be read", "classname": _x(name), "time": "0"})
        kind, message = error
        ET.SubElement(case, "error", {"message": _x(message), "type": kind}).text = _x(message)
    for case_name, class_name, found in cases:
        case = ET.SubElement(suite, "testcase", {"name": _x(case_name), "classname": _x(class_name), "time": "0"})
        violations = [r for r in found if Severity.of(r.severity) in failing]
        if violations:
            noun = "findings" if strict else "violations"
            message = violations[0].message if len(violations) == 1 else f"{len(violations)} {noun}"
            kind = "Violation" if any(Severity.of(r.severity) == Severity.VIOLATION for r in found) else "Warning"
            failure = ET.SubElement(case, "failure", {"message": _x(message), "type": kind})
            failure.text = _x("\n\n".join(_finding_text(r) for r in found))
        else:
            output.extend(_finding_text(r) for r in found)
    ET.SubElement(suite, "system-out").text = _x("\n\n".join(output))
    ET.SubElement(suite, "system-err").text = _x(error[1] if error else "")


def _case_name(rule_id: str, catalogue: dict[str, Rule]) -> str:
    entry = catalogue.get(rule_id)
    return f"{rule_id} {entry.name} [{entry.clause.removeprefix('ISO 14068-1:2023 ')}]" if entry else rule_id


def to_junit(
    outcomes: Sequence[Outcome],
    extra_results: Iterable[ValidationResult] | None = None,
    *,
    graphs: Sequence[Graph | None] | None = None,
    timestamp: str = "1970-01-01T00:00:00",
    hostname: str = "localhost",
    strict: bool = False,
) -> str:
    """JUnit XML (the Apache Ant schema most CI systems read): one testsuite per input, one testcase per rule that
    applies to it, a failure for each rule with a Violation; a rule with only Warnings passes and its warnings are
    written to the suite's system-out. An input that could not be read is one errored testcase.

    :param extra_results: the cross-claim audit findings when the audits were run (one more testsuite, one testcase
        per audit rule); ``None`` when they were not.
    :param graphs: each input's claim graph, in the order of ``outcomes``, so that the rules that do not concern an
        input (Annex B event rules for an organization) are left out; without them every per-input rule of the
        catalogue is a testcase of a claim, and an input without a claim has only the rules it broke.
    :param strict: a rule with only Warnings fails too, as ``cn-validate --strict`` exits 1 on warnings.
    :param timestamp: the suites' ``timestamp`` (ISO 8601, no zone); no clock is read, so that the same outcomes
        give the same bytes. Pass the time of the run to show it.
    """
    catalogue = {entry.rule_id: entry for entry in rule_catalogue()}
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", timestamp):
        raise ValueError(f"timestamp {timestamp!r} is not YYYY-MM-DDTHH:MM:SS")
    suites = ET.Element("testsuites")
    for number, outcome in enumerate(outcomes):
        if isinstance(outcome, InputFailure):
            kind = "InternalError" if outcome.internal else "InputError"
            _suite(
                suites,
                number,
                outcome.source,
                [],
                properties=[("verdict", "ERROR")],
                timestamp=timestamp,
                hostname=hostname,
                error=(kind, outcome.message),
            )
            continue
        graph = graphs[number] if graphs is not None and number < len(graphs) else None
        statuses = rule_statuses(outcome, graph)
        name = outcome.source or "<input>"
        cases = [
            (_case_name(rule_id, catalogue), name, [r for r in outcome.results if r.rule_id == rule_id])
            for rule_id, status in statuses.items()
            if status != Status.NOT_APPLICABLE
        ]
        verdict = "NOT A CLAIM" if not outcome.claims else "CONFORMS" if outcome.conforms else "DOES NOT CONFORM"
        properties = [("verdict", verdict), ("reasoning", outcome.reasoning), ("claims", " ".join(outcome.claims))]
        _suite(
            suites, number, name, cases, properties=properties, timestamp=timestamp, hostname=hostname, strict=strict
        )
    if extra_results is not None:
        extra = sorted(extra_results, key=ValidationResult.sort_key)
        audit_ids = [entry.rule_id for entry in rule_catalogue() if entry.kind == RuleKind.AUDIT]
        audit_ids += sorted({r.rule_id for r in extra} - set(audit_ids))
        name = "<audits across all inputs>"
        cases = [(_case_name(i, catalogue), name, [r for r in extra if r.rule_id == i]) for i in audit_ids]
        _suite(suites, len(outcomes), name, cases, properties=[], timestamp=timestamp, hostname=hostname)
    ET.indent(suites, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
