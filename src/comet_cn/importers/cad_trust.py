"""CAD Trust data dictionary v2.0.2 unit records: a retirement is a unit whose status is ``Retired``.

Unlike every registry, ``unit_end_block`` is **exclusive**: units ``start`` … ``end - 1``. Read inclusively, every
pair of adjacent CAD Trust blocks would share a unit. Fields come as snake_case columns or camelCase API names; both
are read. The registry and programme come from the ``issuance`` → ``project`` joins when the file has them. v2 units
carry no adjustment: an ITMO reference or an Article 6 authorisation label is context, not an adjustment, so the
adjustment is left unsaid unless the user states it. v1 (Chia CADT) records are listed as not imported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from comet_cn.importers.attribution import (
    beneficiary_or_none,
    note_period,
    on_behalf_of,
    suggest_period,
)
from comet_cn.importers.fields import not_offsetting, not_positive, notes, unread_year
from comet_cn.importers.model import Excluded, Fact, Organisation, Parsed, Retirement
from comet_cn.importers.reading import dmy_or_utc_date, number, records, year
from comet_cn.serials import SerialRange, cad_trust_range, explicit_range, parse_serial

__all__ = ["KEYS", "NAME", "SCHEME", "looks_like", "parse"]

NAME = "cad-trust"
SCHEME = "cad-trust"
KEYS = ("unit_start_block", "unitStartBlock")

_TYPES = {"avoidance": "AvoidanceCredit", "reduction": "ReductionCredit", "removal": "RemovalCredit"}


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _get(record: Mapping[str, Any], name: str) -> Any:
    """A field by its snake_case column name or its camelCase API name."""
    value = record.get(name)
    return value if value is not None else record.get(_camel(name))


def _twice(record: Mapping[str, Any]) -> str | None:
    """Why a record cannot be read when it gives one field under both names with different values, else ``None``.

    Either name is accepted (the data dictionary's column or the API's), so ``unit_status: Retired`` beside
    ``unitStatus: Cancelled`` would let one silently win; which the registry meant cannot be told.
    """
    for name, value in record.items():
        if not isinstance(name, str) or "_" not in name:
            continue
        other = _camel(name)
        given = record.get(other) if other != name else None
        if value is not None and given is not None and str(value).strip() != str(given).strip():
            return (
                f"{name} {value!r} and {other} {given!r} disagree: the record gives one field twice, and which "
                "value the registry meant cannot be told; keep one of them"
            )
    return None


def _text(record: Mapping[str, Any], name: str) -> str:
    value = _get(record, name)
    return "" if value is None else str(value).strip()


def looks_like(record: Mapping[str, Any]) -> bool:
    return _get(record, "unit_start_block") is not None or _get(record, "unit_block_start") is not None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "unnamed"


def _index(document: Any, member: str, key: str, source: str) -> dict[str, Mapping[str, Any]]:
    if not isinstance(document, Mapping) or not isinstance(document.get(member), list):
        return {}
    return {_text(item, key): item for _, item in records(document[member], (), source) if _text(item, key)}


def parse(document: Any, source: str) -> Parsed:
    issuances = _index(document, "issuance", "cad_trust_issuance_id", source)
    projects = _index(document, "project", "cad_trust_project_id", source)
    retirements: list[Retirement] = []
    excluded: list[Excluded] = []
    warnings: list[str] = []
    for position, record in records(document, ("unit", "units", "data"), source):
        where = f"{source}:{position}"
        units = _units(record, where)  # a kept retirement sharing them with a record left out is refused
        conflict = _twice(record)
        if conflict is not None:
            excluded.append(Excluded(where, conflict, units))
            continue
        if _get(record, "unit_start_block") is None and _get(record, "unit_block_start") is not None:
            v1 = "a CAD Trust v1 (Chia CADT) unit record: only v2.0.2 units are read"
            excluded.append(Excluded(where, v1, units))
            continue
        status = _text(record, "unit_status")
        if status.casefold() != "retired":
            what = "a cancellation" if status.casefold() == "cancelled" else "not retired"
            # A Rejected record is one the registry did not accept: it holds, uses or moves no units, so it does not
            # contradict a retirement of the same units (a Held or Exported one does: those units are elsewhere).
            named = () if status.casefold() == "rejected" else units
            excluded.append(Excluded(where, f"unit_status {status!r}: {what}, not an offsetting event", named))
            continue
        # A reason naming compliance, CORSIA or an NDC ("Cancelled for NDC") offsets nothing, as every registry's
        # reason field is read (fields.not_offsetting).
        use = not_offsetting("unit_status_reason", _text(record, "unit_status_reason")) or not_offsetting(
            "unit_retirement_detail", _text(record, "unit_retirement_detail"), free_text=True
        )
        if use is not None:
            excluded.append(Excluded(where, use, units))
            continue
        problems: list[str] = []
        quantity = _quantity(record, where, problems)
        if isinstance(quantity, str):
            excluded.append(Excluded(where, quantity, units))
            continue
        status_date = _text(record, "unit_status_date")
        retired_on, retired_said = dmy_or_utc_date(status_date)
        if retired_on is None:
            excluded.append(Excluded(where, f"unit_status_date {status_date!r} is not a date", units))
            continue
        if retired_said:
            problems.append(f"{where}: unit_status_date {status_date!r} {retired_said}")
        serial = _text(record, "unit_serial_id")
        span = _span(serial, _text(record, "unit_start_block"), _text(record, "unit_end_block"), where, problems)
        issuance = issuances.get(_text(record, "cad_trust_issuance_id"), {})
        project = projects.get(_text(issuance, "cad_trust_project_id"), {}) if issuance else {}
        registry = _registry(record, project, where, problems)
        programme_name = _text(project, "project_crediting_program")
        if not programme_name:
            problems.append(f"{where}: no crediting programme (join the issuance and project records to name it)")
        issued, issued_said = dmy_or_utc_date(_text(issuance, "issuance_date")) if issuance else (None, None)
        if issued_said:
            problems.append(f"{where}: issuance_date {_text(issuance, 'issuance_date')!r} {issued_said}")
        written = _get(record, "unit_vintage_year")
        vintage = year(written)
        shown = "" if written is None else str(written).strip()
        if vintage is None:
            problems.append(unread_year(where, "unit_vintage_year", shown, "a four-digit year", "vintageEndYear"))
        if vintage is not None or not shown:
            # A vintage the record states but that cannot be read is not replaced by the serial id's year: that
            # year can be later than the stated one ("2015-12-31" beside VCS…-2024-…) and would pass CN-VINT-01.
            vintage = _earliest_vintage(vintage, span, where, problems)
        issued_text = _text(issuance, "issuance_date") if issuance else ""
        if issued is None and issued_text:
            problems.append(unread_year(where, "issuance_date", issued_text, "a date", "issuanceYear"))
        detail = _text(record, "unit_retirement_detail")
        period = note_period(detail, where, problems)
        retirements.append(
            Retirement(
                where=where,
                registry=registry or Organisation("cad-trust", "no registry named"),
                in_registry=registry is not None,
                retired_on=retired_on,
                quantity=quantity,
                serial=serial or None,
                span=span,
                programme=Organisation(_slug(programme_name), programme_name) if programme_name else None,
                vintage_end_year=vintage,
                issuance_year=issued.year if issued else None,
                credit_type=_credit_type(_text(record, "unit_type")),
                beneficiary=beneficiary_or_none(_text(record, "unit_retirement_beneficiary")),
                beneficiary_note=on_behalf_of(detail) if detail else None,
                period=period,
                period_suggestion=None if period else suggest_period(detail),
                notes=notes(
                    (
                        # kept raw when reading it needed a warning
                        ("unit_status_date", status_date if retired_said else ""),
                        ("unit_retirement_beneficiary_id (LEI)", _text(record, "unit_retirement_beneficiary_id")),
                        (
                            "unit_itmos_reference_id (Article 6 context, not an adjustment)",
                            _text(record, "unit_itmos_reference_id"),
                        ),
                        ("unit_status_reason", _text(record, "unit_status_reason")),
                        ("unit_retirement_detail", detail),
                        ("unit_current_owner", _text(record, "unit_current_owner")),
                        ("unit_link", _text(record, "unit_link")),
                        ("cad_trust_unit_id", _text(record, "cad_trust_unit_id")),
                    )
                ),
                warnings=tuple(problems),
            )
        )
        if registry is None:
            warnings.append(f"{where}: the record names no registry: the event's inRegistry is left out (CN-REG-01)")
    return Parsed(tuple(retirements), tuple(excluded), tuple(warnings))


def _earliest_vintage(vintage: int | None, span: SerialRange | None, where: str, problems: list[str]) -> int | None:
    """The vintage to write: ``unit_vintage_year``, or the year the serial id names where that is earlier.

    The data dictionary defines ``unit_vintage_year`` as "when the units were awarded", which may be the issuance
    year, later than the mitigation; the serial id (``VCS98807-2017-…``) names a year of its own. Where the two
    differ the earlier is written, with a warning, so that the five-year rule (CN-VINT-01) is never passed on the
    later one.
    """
    if span is None:
        return vintage
    named = [int(field) for field in span.block.split(":")[-1].split("-") if re.fullmatch(r"(19|20)[0-9]{2}", field)]
    if len(named) != 1 or named[0] == vintage:
        return vintage
    if vintage is None or named[0] < vintage:
        said = "no unit_vintage_year" if vintage is None else f"unit_vintage_year {vintage}"
        problems.append(
            f"{where}: the serial id names the year {named[0]} but the record states {said}; vintageEndYear is "
            f"written as {named[0]}, the earlier, so that the five-year rule is not passed on a later year (check "
            "the registry's vintage and correct it if the serial's year is not the vintage)"
        )
        return named[0]
    problems.append(
        f"{where}: the serial id names the year {named[0]} but unit_vintage_year is {vintage}; vintageEndYear is "
        f"written as {vintage}, the earlier (check the registry's vintage)"
    )
    return vintage


def _quantity(record: Mapping[str, Any], where: str, problems: list[str]) -> Decimal | str | None:
    """Tonnes from ``unit_count`` by ``unit_metric``; a string says why the record cannot be read as tonnes.

    Only ``tCO2e`` (and ``kt``, × 1000) are tonnes: a blank metric says nothing about the count's unit, so the record
    is not read as tonnes. A count that is missing or not a number is a warning naming the record.
    """
    metric = _text(record, "unit_metric")
    if not metric:
        return "unit_metric is blank: the unit of unit_count is not stated (only tCO2e or kt are read as tonnes)"
    if metric.casefold() == "tco2e":
        factor = Decimal(1)
    elif metric.casefold().startswith("kt"):
        factor = Decimal(1000)
    else:
        return f"unit_metric {metric!r} is not a quantity of CO2e in tonnes"
    raw = _get(record, "unit_count")
    # Decimals are parsed as Decimal, so a float here is a JSON NaN or Infinity: no count.
    count = number(raw if isinstance(raw, (int, Decimal, str)) else None)
    if count is None:
        shown = str(raw) if isinstance(raw, Decimal) else raw  # as written, not as Python's Decimal
        written = "is missing" if raw is None else f"{shown!r} is not a number"
        problems.append(f"{where}: unit_count {written}: the credit's tonnesCO2e is left out (CN-BAL-01)")
        return None
    if count <= 0:
        problems.append(not_positive(where, "unit_count", count))
    return count * factor


def _units(record: Mapping[str, Any], where: str) -> tuple[SerialRange, ...]:
    """The units a record names, read quietly (for a record that is not imported: its problems are not reported)."""
    serial, start, end = (_text(record, key) for key in ("unit_serial_id", "unit_start_block", "unit_end_block"))
    span = _span(serial, start, end, where, []) if serial or start or end else None
    return (span,) if span is not None else ()


def _span(serial: str, start: str, end: str, where: str, problems: list[str]) -> SerialRange | None:
    """The inclusive range: ``start`` … ``end - 1``, checked against the serial id, which writes it inclusively."""
    first, last = number(start), number(end)
    if first is not None and first < 0:
        problems.append(
            f"{where}: unit_start_block {start!r} is negative: the record's unit range is left out (units count from "
            "0); correct the record"
        )
        return None
    try:
        return cad_trust_range(serial, start, end)
    except ValueError as error:
        problems.append(f"{where}: {error}")
    # A negative or fractional block was warned about above: the record is kept, its unit range left out.
    if first is None or last is None or first < 0 or last <= first or first != first.to_integral_value():
        return None
    block = _stated_block(serial, int(first), int(last) - 1) if serial else ""
    if not block:
        return None
    # The blocks are the structured fields: their range is stated, the serial id kept as written.
    try:
        return explicit_range(block, int(first), int(last) - 1)
    except ValueError as error:  # one bad record is a warning, never the end of the whole import
        problems.append(f"{where}: unit_start_block {start!r}, unit_end_block {end!r}: {error}: no unit range read")
        return None


def _stated_block(serial: str, first: int, last: int) -> str:
    """The block key of a record whose serial id does not end in the blocks' range: the registry's own key where the
    serial id, with the blocks' range after it, is a serial of a known registry (``ACR-US-98803-2023-3101``, or the
    same with the first unit after it); else the whole serial id under ``CAD-TRUST:``. Read as ending in a range,
    "…-2023-3101" gave the key ``CAD-TRUST:ACR-US-98803`` (units 2023-3101), which no registry's key meets, so the
    same units in the registry's export and in CAD Trust counted twice."""
    candidates = [serial]
    if serial.endswith(f"-{first}"):
        candidates.append(serial[: -len(f"-{first}")])
    for candidate in candidates:
        native = parse_serial(f"{candidate}-{first}-{last}")
        registry = native is not None and native.scheme not in ("generic", "cad-trust")
        if native is not None and registry and (native.first, native.last) == (first, last):
            return native.block
    return "CAD-TRUST:" + serial


def _registry(
    record: Mapping[str, Any], project: Mapping[str, Any], where: str, problems: list[str]
) -> Organisation | None:
    name = _text(project, "project_registry_name")
    if name:
        return Organisation(_slug(name), name)
    org = _text(record, "org_uid")
    if org:
        problems.append(f"{where}: the registry is named only by its CAD Trust organisation id {org!r}")
        return Organisation("cad-trust-org-" + _slug(org), f"registry organisation {org} (CAD Trust orgUid)")
    return None


def _credit_type(unit_type: str) -> Fact | None:
    head = unit_type.split("-")[0].strip().casefold()
    kind = _TYPES.get(head)
    return Fact(kind, f"registry field unit_type {unit_type!r}") if kind else None
