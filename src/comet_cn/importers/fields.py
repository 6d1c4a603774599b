"""Small readers shared by the format modules: serial ranges, notes, dashes in labels, uses that offset nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from comet_cn.errors import InputError
from comet_cn.importers.reading import Row, Table, dmy_date, mdy_date, number, slashed, year
from comet_cn.serials import SerialRange, parse_serial

__all__ = [
    "BlockFields",
    "apx_day_first",
    "apx_years",
    "article6_share",
    "block_fields",
    "cancellation",
    "dashes",
    "not_offsetting",
    "not_positive",
    "notes",
    "serial_range",
    "units_named",
    "unread_year",
]

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def dashes(text: str) -> str:
    """Typographic dashes as ``-``: Verra writes both ``Article 6 Authorized – NDC Use`` and ``… - …``."""
    return text.translate(_DASHES)


# Uses of retired units that are not offsetting events (format notes §1.3), matched as words in any case and
# wording: a registry rewords its reasons ("Compliance - Washington Ecology", "ARB Compliance Obligation"), and a
# reworded compliance, CORSIA or NDC use offsets nothing either. The first that fits names the kind.
_CANCELLATION = re.compile(
    r"\bcancel(?:s|l?ed|l?ing|l?ations?)?\b|\bannul\w*|\b(?:cancelaci|anulaci)[oó]n\b|\bannullierung\b"
)
_SHARE_OF_PROCEEDS = re.compile(r"\bshare\s+of\s+proceeds\b")
_ARTICLE6 = re.compile(r"\barticle\s*6\b")
_SHARE_WORD = re.compile(r"\b(?:share|loa|letter\s+of\s+authori[sz]ation|mandatory)\b")


def _article6_share(words: str) -> bool:
    """Whether folded words name a share of proceeds, or Article 6 and a share, LoA or mandate in either order.

    Searched apart, not as one ``article 6 .* share`` pattern: that backtracks over the rest of the text from every
    "article 6" (30 s for one 120 KB cell). The two cannot overlap, so the answer is the same.
    """
    if _SHARE_OF_PROCEEDS.search(words):
        return True
    return _ARTICLE6.search(words) is not None and _SHARE_WORD.search(words) is not None


# A carbon tax met with credits (Colombia's "no causación", South Africa's offset allowance): a compliance use
# (import-formats §1.3), whether a reason or a note names it, unless the note denies it ("exempt from the carbon tax").
_CARBON_TAX = (
    r"\bcarbon\s+tax(?:es)?\b|\bno\s+causaci[oó]n\b|\bimpuesto\s+(?:nacional\s+)?al\s+carbono\b|\bimpuesto\s+verde\b"
    r"|\btaxe\s+carbone\b|\bgreen\s+tax\b|\bcarbon\s+levy\b|\bco2\s+(?:tax|levy|abgabe)\b"
    # A carbon pricing regime, not a company's own internal or shadow price that funds its offsetting.
    r"|(?<!internal )(?<!shadow )\bcarbon\s+pric(?:e|es|ing)\b"
)
_CARBON_TAX_USE_NOTE = re.compile(rf"{_CARBON_TAX}|\boffset\s+allowance\b")
# A note that says the units went to an NDC ("retired for use towards the host country NDC", "towards Ghana's
# NDC"), not one that says they did not ("not counted towards the host country's NDC", an adjustment's wording).
# Also "N.D.C." (read as "n d c") and French/Spanish forms ("contribution à la CDN du pays hôte"): "CDN" only beside
# its article or "du"/"del", since alone it is also Canada's abbreviation.
_NDC_USE = re.compile(
    r"\bndcs?\b|\bn d c\b|\bnationally\s+determined\s+contributions?\b"
    r"|\b(?:la|à la|a la|de la) cdns?\b|\bcdns? (?:du|del|de)\b"
    r"|\bcontributions? d[ée]termin[ée]es? (?:au|a) niveau national"
    r"|\bcontribuci[oó]n(?:es)? determinadas? a nivel nacional"
)
# A compliance scheme by name (an ETS, cap-and-trade, Alberta's TIER, the Swiss CO2 Act) or an obligation to
# offset or surrender: a compliance use whatever the verb ("Retired under the UK ETS", "Surrendered for the Korea
# ETS offset obligation").
_COMPLIANCE_SCHEME = re.compile(
    r"\bets\d*\b|\bemissions?\s+trading\b|\bcap\s+and\s+(?:trade|invest)\b"
    r"|\btier\s+regulation\b|\bco2\s+act\b|\bsafeguard\s+mechanism\b"
    r"|\b(?:offset(?:ting)?|compensation|surrender)\s+obligations?\b|\bobligations?\s+under\b"
    # Germany's national ETS (nEHS, BEHG), RGGI, California's ARB offsets, Washington's Climate Commitment Act.
    r"|\w*emissionshandel\w*|\bnehs\b|\bbehg\b|\bkompensationspflicht\w*|\brggi\b|\barb\s+offsets?\b|\bcca\b"
    r"|\bclimate\s+commitment\s+act\b|\bsurrender(?:ed|s)?\b"
)
# CORSIA by its full name or its body (ICAO): "under the Carbon Offsetting and Reduction Scheme for International
# Aviation", "the ICAO offsetting scheme".
_CORSIA = re.compile(r"\bcorsia\b|\bcarbon\s+offsetting\s+and\s+reduction\s+scheme\b|\bicao\b")
# A deposit to a buffer pool (a reserve against reversals) retires nothing for the claimant.
_BUFFER = re.compile(r"\bbuffer\b")
# What a note may say of the project's buffer without these units going to it ("reversal risk covered by the
# buffer pool").
_PROJECT_BUFFER = re.compile(
    r"\b(?:covered|insured|backed|protected|mitigated|secured) by (?:the |a |its |an )?(?:\w+ )?buffer\b"
    r"|\breversal risk buffer\b"
)


def _buffer_deposit(words: str) -> bool:
    return _affirmed(_BUFFER)(_PROJECT_BUFFER.sub(" ", words))


# Units cancelled for the overall mitigation in global emissions, or transferred as ITMOs: another's use.
_ARTICLE6_TRANSFER = re.compile(
    r"\bomge\b|\boverall\s+mitigation\b|\bitmos?\s+transfer|\btransfer(?:red)?\s+(?:\w+\s+){0,3}?itmos?\b"
    r"|\barticle\s*6\s*2\s+transfer"
)
# A retirement the registry undid or says was made by mistake ("Unretired at the request of the account holder",
# "Retirement was subsequently reversed", "Stilllegung storniert", "Retiro rescindido", "Erroneous retirement",
# "credits returned to the holding account"): its units are not retired for anyone, or not by this retirement. An
# undoing word counts beside a retirement, transaction, units or credits (a few words either way), or opening the
# note; a few unambiguous forms count anywhere. What a note may say of reversals without undoing anything ("low
# reversal risk", "reversal buffer") is taken out first.
_UNDO_WORD = (
    r"(?:revers\w*|revert\w*|revok\w*|revoc\w*|rescind\w*|withdrawn|undone|retract\w*|nullif\w*|rolled back"
    r"|voided|annull\w*|storn\w*|rückgängig\w*|anulad\w*|revertid\w*|r[ée]voqu\w*|invers[ée]\w*)"
)
_UNDO_OBJECT = (
    r"(?:retire\w*|retirements?|retiro|retirada|retrait|stilllegung\w*|transactions?|transacci\w*|units?|credits?)"
)
_UNDONE = re.compile(
    rf"\b{_UNDO_OBJECT}(?: \w+){{0,4}}? {_UNDO_WORD}\b|\b{_UNDO_WORD} (?:(?:the|this|that|its|our|a) )?{_UNDO_OBJECT}\b"
    rf"|^{_UNDO_WORD}\b"
    r"|\bunretir\w*|\bun retir(?:e|ed|es|ing)\b|\bre ?credited\b|\b(?:restored|returned) to (?:\w+ ){0,3}?account\b"
    r"|\berroneous(?:ly)?\b|\bmistaken\b|\b(?:in|by) error\b|\bby mistake\b"
)
# What a note may say of reversals or of what went back without undoing this retirement ("low reversal risk",
# "remaining 2,500 credits returned to the holding account"); taken out before the undoing words are looked for.
_NOT_UNDOING = re.compile(
    r"\b(?:non )?revers\w* (?:risk|buffer|pool|rate|management)s?\b"
    r"|\b(?:remaining|remainder|rest|balance|unused)\b(?: \w+){0,4}? (?:restored|returned) to\b"
)


def _undone(words: str) -> bool:
    # A negation before the match or inside it ("Retirement was not reversed") denies it.
    words = _NOT_UNDOING.sub(" ", words)
    return any(not _NEGATION.search(words[max(0, m.start() - 40) : m.end()]) for m in _UNDONE.finditer(words))


# What a note may say of CORSIA without a CORSIA use: the units' eligibility ("CORSIA-eligible units retired on
# behalf of Acme", "Eligible for CORSIA 2024-2026 Compliance Period").
_CORSIA_ELIGIBLE = re.compile(
    r"\bcorsia\s+eligib\w*|\beligib\w*\s+for\s+corsia(?:\s+\d{4}(?:\s+\d{4})?)?(?:\s+compliance\s+period)?"
)
# "no" only as a word of its own: "PO No. 4500123" (folded "po no 4500123") is a number, not a negation.
_NEGATION = re.compile(
    r"\b(?:not|never|without|nor|cannot|can t|exempt(?:ed|ion)?|excluding|outside)\b|\bno\b(?!\s+\d)"
)


def _affirmed(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A note's match of ``pattern`` that no negation a few words before it denies ("credits not used to meet any
    carbon tax obligation", "not counted towards the host country's NDC")."""

    def found(words: str) -> bool:
        return any(not _NEGATION.search(words[max(0, m.start() - 40) : m.start()]) for m in pattern.finditer(words))

    return found


# A retirement its record says is not for offsetting: "Not for offsetting", "no offsetting or carbon neutrality
# claim will be made", "not be used to offset", or a contribution claim ("Contribution claim only", "retired as a
# climate contribution", beyond value chain mitigation). The negation is part of the wording here, so only the few
# words that join it to the offsetting word are allowed between ("not for resale, offsetting …" is not one).
_NO_OFFSETTING = re.compile(
    r"\b(?:not|never|no|non)(?: (?:for|to|be|been|being|used|intended|valid|eligible|counted|towards?|toward|as|an?"
    r"|any|the|in|of|support|supporting|make|made|claim|claimed)){0,4} (?:offset\w*|compensat\w*"
    r"|(?:carbon |climate )?neutral\w*)"
)
_CONTRIBUTION = re.compile(
    r"\bcontribution\s+(?:claims?|only)\b|\bclimate\s+contributions?\b|\bas\s+an?\s+(?:climate\s+)?contribution\b"
    r"|\bbeyond\s+value\s+chain\s+mitigation\b|\bbvcm\b"
)
_CONTRIBUTION_CLAIM = "a retirement its record says is not for offsetting (a contribution claim)"
_CORSIA_USE = "a CORSIA use (an aeroplane operator's obligation)"
_COMPLIANCE_USE = "a compliance use"
_CARBON_TAX_USE = "a carbon tax met with credits, a compliance use"
_NDC_CONTRIBUTION = "a contribution toward the host country's NDC"
_BUFFER_DEPOSIT = "a deposit to a buffer pool (a reserve against reversals), retired for no one"
_ARTICLE6_USE = "an Article 6 transfer or a cancellation for the overall mitigation in global emissions"
_UNDONE_RETIREMENT = "a retirement undone (unretired, reversed, voided or made in error)"
_NOT_OFFSETTING: tuple[tuple[Callable[[str], object], str], ...] = (
    (_CANCELLATION.search, "a cancellation"),
    (_article6_share, "the mandatory Article 6 share retirement"),
    (_NDC_USE.search, _NDC_CONTRIBUTION),
    (_CORSIA.search, _CORSIA_USE),
    (re.compile(r"\bcompliance\b").search, _COMPLIANCE_USE),
    (re.compile(_CARBON_TAX).search, _CARBON_TAX_USE),
    (_COMPLIANCE_SCHEME.search, _COMPLIANCE_USE),
    (_ARTICLE6_TRANSFER.search, _ARTICLE6_USE),
    (_BUFFER.search, _BUFFER_DEPOSIT),
    (_undone, _UNDONE_RETIREMENT),
    (_NO_OFFSETTING.search, _CONTRIBUTION_CLAIM),
    (_CONTRIBUTION.search, _CONTRIBUTION_CLAIM),
)
# What a free-text note is read for: a cancellation, an Article 6 share or transfer, CORSIA, compliance, a
# compliance scheme or obligation, a carbon tax, an NDC, or a retirement undone, each unless the words before it
# deny it ("not for compliance", "not counted towards the host country's NDC", "exempt from the carbon tax").
# Fail loudly: a note that names one is left out with its reason, which the import report shows; what it may say
# without one is its conformance to a standard ("in compliance with ISO 14068-1") or the units' CORSIA eligibility.
_NOT_OFFSETTING_NOTE: tuple[tuple[Callable[[str], object], str], ...] = (
    *_NOT_OFFSETTING[:2],
    (_affirmed(_CORSIA), _CORSIA_USE),
    (_buffer_deposit, _BUFFER_DEPOSIT),
    (_affirmed(re.compile(r"\bcompliance\b")), _COMPLIANCE_USE),
    (_affirmed(_COMPLIANCE_SCHEME), _COMPLIANCE_USE),
    (_affirmed(_CARBON_TAX_USE_NOTE), _CARBON_TAX_USE),
    (_affirmed(_NDC_USE), _NDC_CONTRIBUTION),
    (_ARTICLE6_TRANSFER.search, _ARTICLE6_USE),
    (_undone, _UNDONE_RETIREMENT),
    (_NO_OFFSETTING.search, _CONTRIBUTION_CLAIM),
    (_affirmed(_CONTRIBUTION), _CONTRIBUTION_CLAIM),
)


_STANDARD = re.compile(
    r"\b(?:in\s+)?(?:compliance|compliant)\s+with\s+(?:the\s+)?"
    r"(?:iso|pas|ghg\s+protocol|vcs|verra|gold\s+standard|icvcm|core\s+carbon\s+principles|sbti|vcmi)\b"
)


def _plain_words(text: str) -> str:
    """Folded words: any dash or punctuation between words is a space ("host-country NDC", "Article-6")."""
    return " ".join(re.sub(r"[^\w%]+", " ", dashes(text).casefold()).split())


def not_offsetting(column: str, value: str, *, free_text: bool = False) -> str | None:
    """Why a retirement whose ``column`` says ``value`` is not an offsetting event, else ``None``.

    A reason or use field (``free_text`` false) leaves a retirement out when it names a cancellation, an Article 6
    share (of proceeds), an NDC (nationally determined contribution), CORSIA or compliance, by word in any case. A
    free-text note (``free_text``), which may say "in compliance with ISO 14068-1" or "CORSIA-eligible", is read
    only for a cancellation, an Article 6 share, or a CORSIA or compliance obligation the retirement meets ("to meet
    Example Airways Ltd's CORSIA offsetting requirements"). One wording serves every importer: ``Retirement Reason
    'California Compliance': a compliance use, not an offsetting event``.
    """
    # "in compliance with ISO 14068-1" states conformance to a standard, not a compliance use.
    words = _STANDARD.sub(" ", _plain_words(value)).strip()
    if free_text:
        words = _CORSIA_ELIGIBLE.sub(" ", words).strip()
    if not words:
        return None
    for found, kind in _NOT_OFFSETTING_NOTE if free_text else _NOT_OFFSETTING:
        if found(words):
            return f"{column} {' '.join(value.split())!r}: {kind}, not an offsetting event"
    return None


# An APX cancellations file (ACR, CAR, ART TREES) has one of these columns; each registry has been seen with both.
_CANCELLATION_COLUMNS = ("Cancellation Type", "Cancellation Reason")


def cancellation(table: Table, row: Row) -> str | None:
    """Why a row of an APX cancellations file is not an offsetting event (the file has a ``Cancellation Type`` or
    ``Cancellation Reason`` column: conversions to compliance credits, never retirements), else ``None``."""
    for column in _CANCELLATION_COLUMNS:
        if table.has(column):
            kind = " ".join(row.get(column).split()) or "blank"
            return f"a cancellation ({column} {kind!r}), not an offsetting event"
    return None


def article6_share(text: str) -> bool:
    """Whether a note names the mandatory Article 6 share retirement (or a share of proceeds), in any wording."""
    return _article6_share(_plain_words(text))


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


def units_named(serials: Iterable[str], scheme: str) -> tuple[SerialRange, ...]:
    """The unit ranges a record that is not imported names, read quietly (no warning: the record is not kept), so
    that a kept retirement sharing its units is caught (building.build)."""
    spans = (parse_serial(serial, scheme) for serial in serials if serial and serial.strip())
    return tuple(span for span in spans if span is not None)


def not_positive(where: str, field: str, quantity: Decimal) -> str:
    """The one warning every importer gives for a retired quantity of zero or less (kept, so CN-BAL-01 sees it)."""
    return (
        f"{where}: {field} {quantity.normalize():f} is not a positive quantity: it is kept as written (CN-BAL-01 "
        "counts it); check the record"
    )


def unread_year(where: str, column: str, text: str, expected: str, term: str) -> str:
    """The warning for a vintage or issuance value that gives no year: it is reported, never dropped silently.

    :param expected: how the registry writes the column (``"a year"``, ``"YYYY-MM-DD or DD/MM/YYYY"``).
    :param term: what the year would have become (``vintageEndYear``, ``issuanceYear``).
    """
    asks = "CN-VINT-01 asks for it" + (" with --vintage-year issuance" if term == "issuanceYear" else "")
    if not text.strip():
        return f"{where}: {column} is blank: the credit has no {term} ({asks}); check the record"
    return (
        f"{where}: {column} {text!r} is not {expected}: it is not read, so the credit has no {term} ({asks}); "
        "check the record"
    )


def apx_years(row: Row, where: str, warnings: list[str], *, issued_column: str | None) -> tuple[int | None, int | None]:
    """The issuance year (from ``issued_column``, M/D/YYYY as APX writes it) and the ``Vintage`` of an APX export
    row (ACR, CAR, ART TREES), each value that gives no year warned about in ``warnings``."""
    issued = None
    if issued_column is not None:
        issued_text = row.get(issued_column)
        # Only the year is used, and a date's year does not depend on its order: one a day-first spreadsheet
        # re-saved (14/05/2025) gives it as well as the registry's own 5/14/2025 3:02:11 PM.
        issued_on = mdy_date(issued_text) or dmy_date(issued_text)
        issued = issued_on.year if issued_on else None
        if issued is None and issued_text:
            warnings.append(unread_year(where, issued_column, issued_text, "a date (M/D/YYYY)", "issuanceYear"))
    vintage = year(row.get("Vintage"))
    if vintage is None:
        warnings.append(unread_year(where, "Vintage", row.get("Vintage"), "a four-digit year", "vintageEndYear"))
    return issued, vintage


_APX_READS = "APX writes M/D/YYYY (with a 12-hour AM/PM time where it gives one)"
_APX_FIX = "re-export the file from the registry, or write its dates as M/D/YYYY; nothing imported"


@dataclass
class _Seen:
    """The first date of a column that can only be day-first, only month-first, or either (in a spreadsheet's
    24-hour form, which APX never writes), as ``'13/02/2026 10:15' (Status Effective, line 2)``."""

    day_first: str | None = None
    month_first: str | None = None
    unsure: str | None = None


def _seen(table: Table, column: str) -> _Seen:
    seen = _Seen()
    for row in table.rows:
        value = row.get(column)
        parts = slashed(value, timed=True)
        if parts is None:
            continue
        first, second, _ = parts
        where = f"{value!r} ({column}, line {row.line})"
        if first > 12 >= second:
            seen.day_first = seen.day_first or where
        elif second > 12 >= first:
            seen.month_first = seen.month_first or where
        elif first != second and ":" in value and value.rstrip()[-2:].casefold() not in ("am", "pm"):
            seen.unsure = seen.unsure or where
    return seen


def _both_orders(day_first: str, month_first: str) -> str:
    return (
        f"its dates are written in both orders: {day_first} is day-first but {month_first} is month-first, so a "
        f"date such as 03/02/2026 cannot be read ({_APX_READS}): {_APX_FIX}"
    )


def apx_day_first(
    table: Table, source: str, retired_column: str, others: Sequence[str] = ()
) -> tuple[bool, str | None]:
    """Whether an APX export's retirement dates are day-first, decided once for the file, and a warning if so.

    APX (ACR, CAR, ART TREES) writes month-first dates; a file re-saved by a day-first spreadsheet writes
    ``13/02/2026 10:15``, and read month-first its ``03/02/2026`` would become 2 March. So, as for Verra
    (:func:`comet_cn.importers.verra.date_order`), one date that can only be day-first makes every retirement date
    of the file day-first. The retirement column decides first; when its dates could all be either, the ``others``
    (issuance, vintage period) decide, since a re-save turns every column. Only the retirement date's day and month
    are used (the others give a year, whichever the order).

    :raises InputError: one line naming the value, its column and line: the retirement column is written in both
        orders, or the other columns are while it cannot tell, or its dates could be either in a spreadsheet's
        24-hour form (a re-save) and nothing decides them.
    """
    retired = _seen(table, retired_column)
    if retired.day_first and retired.month_first:
        raise InputError(source, _both_orders(retired.day_first, retired.month_first))
    decided_by = retired.day_first
    if not decided_by and not retired.month_first:
        other = [_seen(table, column) for column in others]
        day = next((seen.day_first for seen in other if seen.day_first), None)
        month = next((seen.month_first for seen in other if seen.month_first), None)
        if day and month:
            raise InputError(source, _both_orders(day, month))
        if retired.unsure and not (day or month):
            # A re-save's 24-hour form, and no other column's date decides the order either (a re-save turns them
            # all, so one that can only be month-first or day-first settles every retirement date of the file).
            raise InputError(
                source,
                f"{retired.unsure} could be day-first or month-first (a spreadsheet's re-save: {_APX_READS}) and no "
                f"{retired_column} date decides it: {_APX_FIX}",
            )
        decided_by = day
    if not decided_by:
        return False, None
    return True, (
        f"{source}: {decided_by} can only be day-first: the file was re-saved day-first, so every {retired_column} "
        "is read as DD/MM/YYYY; check the dates"
    )


def notes(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Raw fields worth keeping for the reader, as ``Column: value``; blank ones are dropped."""
    return tuple(f"{column} (as written): {value!r}" for column, value in pairs if value.strip())


@dataclass(frozen=True)
class BlockFields:
    """What every CSV export says of a retired block: its serial, unit range and quantity, with the warnings."""

    serial: str
    span: SerialRange | None
    quantity: Decimal | None
    warnings: list[str]


def block_fields(row: Row, where: str, scheme: str, *, serial_column: str, quantity_column: str) -> BlockFields:
    """Read a row's serial and quantity columns the same way for every registry (thousands separators allowed)."""
    warnings: list[str] = []
    if row.repaired:
        warnings.append(f"{where}: an unescaped quote split {row.repaired!r}; the pieces were re-joined")
    serial = row.get(serial_column)
    span, problems = serial_range(serial, scheme, where)
    warnings.extend(problems)
    written = row.get(quantity_column)
    quantity = number(written, thousands=True)
    if quantity is None:
        warnings.append(f"{where}: {quantity_column} {written!r} is not a number")
    elif any(c == "_" or (c.isdigit() and not c.isascii()) for c in written):
        # Python reads "1_000" and "١.٠٠٠" as numbers; no registry writes them, and "١.٠٠٠" is as ambiguous as "1.000".
        warnings.append(
            f"{where}: {quantity_column} {written!r} is not written as the registry writes numbers (0-9 and ','); "
            "the quantity is left out"
        )
        quantity = None
    elif _DOT_GROUPED.fullmatch(written.strip()):
        # "1.000" is one unit to a decimal reader and a thousand to one who groups with dots: these registries write
        # whole units grouped with commas, so which was meant cannot be told (taken as 1, a thousandfold error).
        warnings.append(
            f"{where}: {quantity_column} {written!r} may be {quantity.normalize():f} or "
            f"{written.strip().replace('.', '')} (a dot between thousands): these units are whole tonnes written with "
            "',' between thousands; the quantity is left out"
        )
        quantity = None
    elif quantity != quantity.to_integral_value():
        warnings.append(
            f"{where}: {quantity_column} {written!r} is not a whole number of units (a unit is one tonne, issued "
            "whole); the quantity is left out"
        )
        quantity = None
    elif quantity <= 0:
        warnings.append(not_positive(where, quantity_column, quantity))
    return BlockFields(serial, span, quantity, warnings)


# Digits grouped in threes by dots and no comma ("1.000", "12.500", "1.234.567"): a dot as thousands separator.
_DOT_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+(?:[eE][+-]?[0-9]+)?")
