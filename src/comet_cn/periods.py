"""How the cross-claim audits tell that two reporting periods are one period.

One reading serves CN-AUDIT-ID-05 (two claims for one subject and period) and the reissue exemption of
CN-AUDIT-DOUBLE-01 (:func:`comet_cn.serial_groups.reissue_lineage`), so a pair the one calls the same period the
other does too.
"""

from __future__ import annotations

from datetime import date

__all__ = ["day", "one_period"]


def day(text: object) -> date | None:
    """The calendar day an ISO date or date-time names (its first ten characters; a time zone is no other day)."""
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def one_period(start: object, end: object, other_start: object, other_end: object) -> bool:
    """Whether two periods are one: the same first day, and last days equal or a day apart.

    A period written with an exclusive end (2024-01-01 to 2025-01-01) is the same year as one written with its last
    day (to 2024-12-31).
    """
    first, other_first = day(start), day(other_start)
    last, other_last = day(end), day(other_end)
    if first is None or first != other_first or last is None or other_last is None:
        return False
    return abs((last - other_last).days) <= 1
