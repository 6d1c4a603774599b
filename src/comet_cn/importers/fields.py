"""Small readers shared by the format modules: serial ranges, notes, dashes in labels."""

from __future__ import annotations

from collections.abc import Iterable

from comet_cn.serials import SerialRange, parse_serial

__all__ = ["dashes", "notes", "serial_range"]

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def dashes(text: str) -> str:
    """Typographic dashes as ``-``: Verra writes both ``Article 6 Authorized – NDC Use`` and ``… - …``."""
    return text.translate(_DASHES)


def serial_range(serial: str, scheme: str, where: str) -> tuple[SerialRange | None, list[str]]:
    """The serial's unit range by the registry's own grammar, and a warning when it cannot be read."""
    if not serial:
        return None, [f"{where}: no serial number (CN-REG-01 will ask for it)"]
    span = parse_serial(serial, scheme)
    if span is None:
        return None, [
            f"{where}: serial {serial!r} does not fit the {scheme} grammar, so it is compared only as a whole "
            "string (CN-UNITS-03)"
        ]
    return span, []


def notes(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Raw fields worth keeping for the reader, as ``Column: value``; blank ones are dropped."""
    return tuple(f"{column} (as written): {value!r}" for column, value in pairs if value.strip())
