"""Who and which period a retirement is for, as far as the registry's free text says it.

Registries record a beneficiary as free text (a name, a sentence, "Not Disclosed") and never a structured "claimed
for period". So the beneficiary is kept verbatim and only compared, never resolved to an entity; a period is read as
firm only from the one structured form a large retiring agent uses ("for Consumption Period MM/DD/YYYY-MM/DD/YYYY"),
and anything else ("CY2025", "FY24", "2025 emissions") is a suggestion for the user to confirm.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = [
    "Period",
    "beneficiary_or_none",
    "find_period",
    "matches_beneficiary",
    "on_behalf_of",
    "suggest_period",
]

# Values seen in beneficiary columns that name nobody.
_NOBODY = frozenset({"", "not disclosed", "not public", "n/a", "na", "none", "-", "undisclosed"})


def beneficiary_or_none(text: str) -> str | None:
    """The beneficiary as written, or ``None`` when the registry's value names nobody (blank, ``Not Disclosed``)."""
    value = " ".join(text.split())
    return None if value.casefold() in _NOBODY else value


_ON_BEHALF = re.compile(
    r"on\s+behalf\s+of\s+(?:the\s+)?(.+?)(?=\s+for\s|\s+in\s+respect\s|\s*[,;(]|\.\s|\.?$)", re.IGNORECASE
)


def on_behalf_of(text: str) -> str | None:
    """The name after "on behalf of" in a free-text note ("… on behalf of Example AG for Consumption Period …")."""
    match = _ON_BEHALF.search(" ".join(text.split()))
    if match is None:
        return None
    name = match.group(1).strip(" .\"'")
    return name or None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .,;:\"'")


def matches_beneficiary(wanted: str, candidates: Iterable[str | None]) -> bool:
    """Whether any candidate (the beneficiary column, a name read from a note) is ``wanted``.

    Equality after case folding and white-space tidying, not a substring test: "Example" must not select the rows
    of "Example Foods" along with those of "Example Logistics".
    """
    target = _fold(wanted)
    return bool(target) and any(candidate is not None and _fold(candidate) == target for candidate in candidates)


@dataclass(frozen=True)
class Period:
    """A period a retirement is attributed to, both ends inclusive."""

    start: date
    end: date


_CONSUMPTION = re.compile(r"(?i)consumption period\s+(\d{2})/(\d{2})/(\d{4})\s*-\s*(\d{2})/(\d{2})/(\d{4})")


def find_period(text: str) -> Period | None:
    """The firm period of a ``for Consumption Period MM/DD/YYYY-MM/DD/YYYY`` note (US month-first), else ``None``."""
    match = _CONSUMPTION.search(text)
    if match is None:
        return None
    try:
        start = date(int(match[3]), int(match[1]), int(match[2]))
        end = date(int(match[6]), int(match[4]), int(match[5]))
    except ValueError:
        return None
    return Period(start, end) if start <= end else None


_SUGGESTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\bCY\s?'?((?:19|20)\d{2}|\d{2})\b"), "calendar year {year}"),
    (re.compile(r"(?i)\bFY\s?'?((?:19|20)\d{2}|\d{2})\b"), "fiscal year {year} (its dates are not known)"),
    (re.compile(r"(?i)\bQ([1-4])\s?/\s?((?:19|20)\d{2})\b"), "quarter {quarter} of {year}"),
    (re.compile(r"(?i)\bF((?:19|20)\d{2})\b"), "financial year {year} (its dates are not known)"),
    (re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-])"), "the year {year}"),
)


def suggest_period(text: str) -> str | None:
    """A period the note seems to mean, in words, with the text it came from; ``None`` if nothing fits.

    Never a ``hasReportingPeriod``: "FY24" has unknown dates, and "2025" may be the retirement's year, not the
    claim's.
    """
    flat = " ".join(text.split())
    for pattern, words in _SUGGESTIONS:
        match = pattern.search(flat)
        if match is None:
            continue
        if "quarter" in words:
            said = words.format(quarter=match[1], year=match[2])
        else:
            found = match[1]
            said = words.format(year=found if len(found) == 4 else f"20{found}")
        return f"{said}, from {match[0]!r}"
    return None
