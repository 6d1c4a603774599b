"""Who and which period a retirement is for, as far as the registry's free text says it.

Registries record a beneficiary as free text (a name, a sentence, "Not Disclosed") and never a structured "claimed
for period". So the beneficiary is kept verbatim and only compared, never resolved to an entity; a period is read as
firm only from the one structured form a large retiring agent uses ("for Consumption Period MM/DD/YYYY-MM/DD/YYYY"),
and anything else ("CY2025", "FY24", "2025 emissions") is a suggestion for the user to confirm.
"""

from __future__ import annotations

import calendar
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
    "note_period",
    "on_behalf_of",
    "same_name",
    "several_names",
    "suggest_period",
]

# Values seen in beneficiary columns that name nobody.
_NOBODY = frozenset({"", "not disclosed", "not public", "n/a", "na", "none", "-", "undisclosed"})


def beneficiary_or_none(text: str) -> str | None:
    """The beneficiary as written, or ``None`` when the registry's value names nobody (blank, ``Not Disclosed``)."""
    value = " ".join(text.split())
    return None if value.casefold() in _NOBODY else value


# What a note may put before the name it gives: "our client Acme Ceramics GmbH", "la société Acme Ceramics GmbH".
_DESCRIPTOR = (
    r"(?:(?:our|its|their|his|her)\s+(?:end[\s-]?)?(?:client|customer|member|partner)\s+|(?:the\s+)?(?-i:company|firm)\s+"
    r"|la\s+soci[ée]t[ée]\s+|l['’]entreprise\s+|(?:la\s+)?(?:empresa|compañía|compania)\s+|(?:die\s+|der\s+)?firma\s+"
    r"|(?:dem\s+|das\s+)?unternehmen\s+)"
)
# "on behalf of: Beta Foods Ltd" too: a colon after "of" is a common way to write it.
# "Beneficiary: Acme GmbH" and "for the benefit of Acme GmbH" name the beneficiary the same way.
# So do "in the name of", "in favour of" and their French, German and Spanish forms ("im Namen von", "au nom de",
# "en nombre de"): registries' notes are written by account holders in their own words.
_ON_BEHALF = re.compile(
    r"(?:on\s+behalf\s+of|for\s+the\s+benefit\s+of|\bbeneficiary|\bin\s+the\s+name\s+of|\bin\s+favou?r\s+of"
    r"|\bim\s+(?:namen|auftrag)\s+(?:von|der|des)|\bzugunsten(?:\s+von)?|\bau\s+nom\s+de|\bpour\s+le\s+compte\s+de"
    r"|\ben\s+faveur\s+de|\b(?:en|a)\s+nombre\s+del?|\bpor\s+cuenta\s+del?|\ba\s+favor\s+del?)"
    rf"(?:\s*:\s*|\s+)(?:the\s+)?{_DESCRIPTOR}?",
    re.IGNORECASE,
)
# "on Beta Foods Ltd's behalf" (not "on its behalf": a pronoun names no one).
_BEHALF_AFTER = re.compile(
    r"\bon\s+(?:the\s+)?(?!(?:its|their|our|his|her|my|your)\s)([^,;()]{1,120}?)['’]s?\s+behalf\b", re.IGNORECASE
)
# "Retired for Beta Foods Ltd" or "Offsetting Beta Foods Ltd's 2024 emissions": a capitalised name after "for" or an
# offsetting verb, ending in a legal form (so "for Consumption Period …" or "for Scope 1" names no one), or in a
# possessive before what was offset.
_NAME_WORDS = r"[A-Z0-9][\w&.\-]*(?:\s+(?:&\s+)?[A-Z0-9][\w&.\-]*){0,7}"
_FOR_NAMED = re.compile(
    rf"\b(?i:for|offsetting|to\s+offset|compensating|neutrali[sz]ing)\s+(?:(?i:the)\s+)?(?i:{_DESCRIPTOR})?"
    rf"(?P<name>{_NAME_WORDS})(?P<possessive>['’]s?\s+(?:\d{{4}}\s+)?(?:[\w-]+\s+){{0,3}}?"
    r"(?i:emissions|footprint|operations|flights|travel|products?|scope))?"
)
# Whose emissions a note says were offset: a name ending in a legal form within a few words of what was offset,
# before it ("Beta Foods Ltd 2024 Scope 3 emissions", ACR's own example purpose; "Beta Foods Ltd's emissions",
# "Beta Foods Ltd - 2024 emissions") or after it ("the 2024 Scope 3 emissions of Beta Foods Ltd", "Emissionen 2024
# der Beta Foods GmbH", "émissions d'Example SA") (red teams 116a, 117b). A name far from such a word (the project
# developer's, "from Example Wind Ltd") names no beneficiary.
_OFFSET_WORD = re.compile(
    r"(?:emissions|footprint|operations|flights|travel|products?|emissionen|[ée]missions|emisiones|"
    r"co2-?emissionen|treibhausgasemissionen|empreinte|fu[ßs]abdruck|huella)[.,;:)]*",
    re.IGNORECASE,
)
#: How far (in words) a name may stand from what was offset and still be whose it was.
_NEAR = 6
# Words that join the parts of one name ("Procter & Gamble Co.", "Example S.A. de C.V.", "Example Sp. z o.o.").
_JOINING = frozenset({"&", "and", "und", "et", "y", "de", "del", "der", "van", "von", "z"})
# Capitalised words that open a sentence or name what was done, not a party: dropped from a name's start.
_NOT_NAME = frozenset({
    "offsetting", "offset", "offsets", "retired", "retirement", "retiring", "compensating", "compensation",
    "kompensation", "compensación", "compensacion", "neutralising", "neutralizing", "for", "on", "behalf", "the",
    "to", "of", "scope", "carbon", "climate", "co2", "ghg", "fy", "cy", "q1", "q2", "q3", "q4", "purpose", "reason",
})  # fmt: skip
_ELISION = re.compile(r"^(?:[dlDL]|[dD]ell|[dD]all)['’](?=\w)")


def company_names(text: str) -> list[tuple[str, int, int]]:
    """The company names a text gives (runs of capitalised words ending in a legal form), each with the index of
    its first and last word: "Example Logistics AG's 2024 Scope 3 emissions" gives Example Logistics AG (0, 2).
    A run ends at a word ending in ":", ";", ")" or a possessive, and at a comma unless a legal form follows
    ("Acme Ceramics Co., Ltd." is one name); leading words with digits (a year, a date) are not part of it."""
    words = text.split()
    names: list[tuple[str, int, int]] = []
    run: list[tuple[int, str]] = []

    def close() -> None:
        while run and (any(c.isdigit() for c in run[0][1]) or run[0][1].casefold().strip(",") in _JOINING | _NOT_NAME):
            run.pop(0)
        last = max((i for i, (_, word) in enumerate(run) if i > 0 and _legal_form(word)), default=None)
        if last is not None:
            names.append((" ".join(w for _, w in run[: last + 1]).rstrip(",;:"), run[0][0], run[last][0]))
        run.clear()

    for index, word in enumerate(words):
        if word[:1] in '(["“‘' and run:
            close()
        core = _ELISION.sub("", word.lstrip("([\"“‘'"))
        possessive = len(core) > 2 and re.search(r"[’']s?\W*$", core) is not None
        if possessive:
            core = re.sub(r"[’']s?(?=\W*$)", "", core)
        bare = core.rstrip(',;:)]"”')
        joins = run and (bare.casefold() in _JOINING or _legal_form(bare))
        # What was offset is never part of a name, capitalised or not ("Emissionen der Beta Foods GmbH").
        if not bare or _OFFSET_WORD.fullmatch(bare) or not (bare[0].isupper() or bare[0].isdigit() or joins):
            close()
            continue
        run.append((index, core.rstrip(';:)]"”')))  # a comma inside stays: "Acme Ceramics Co., Ltd."
        ends = possessive or core[-1:] in (":", ";", ")", "]", '"', "”")
        following = re.sub(r"[’']s?\W*$", "", words[index + 1]) if index + 1 < len(words) else ""
        if core.endswith(",") and not _legal_form(following):
            ends = True
        if ends:
            close()
    close()
    return names


# Words before a name that make it someone other than whose emissions were offset: the broker ("via"), the project
# developer ("from"), the verifier ("by"), a parent ("subsidiary of") (red team 118a).
_NOT_WHOSE = frozenset({"via", "from", "by", "through"})
# What says whose customer or part a name is ("a customer of …", "subsidiary of …"): one list for both readings.
_RELATIONS = r"(?:client|customer|member|subsidiary|division|unit|brand|affiliate|part)"
_RELATED_OF = re.compile(rf"{_RELATIONS}\s+of$", re.IGNORECASE)


def _near_offset_words(text: str) -> str | None:
    """The company named within a few words of what was offset (emissions, footprint, travel, ...); the whole text
    when it names two such companies (a shared retirement, no one party's: red team 118a)."""
    if text == text.lower():
        text = text.title()  # a note typed all in lower case: "… emissions of example logistics ag"
    words = text.split()
    marks = [i for i, word in enumerate(words) if _OFFSET_WORD.fullmatch(word.strip("\"“”'‘(["))]
    if not marks:
        return None
    near: list[str] = []
    for name, first, last in company_names(text):
        before = " ".join(words[max(0, first - 2) : first]).lstrip("([").casefold()
        if before and (before.split()[-1] in _NOT_WHOSE or _RELATED_OF.search(before)):
            continue
        close = any(last < mark <= last + _NEAR or first - _NEAR - 2 <= mark < first for mark in marks)
        if close and not any(same_name(name, other) for other in near):
            near.append(name)
    if len(near) > 1:
        return " ".join(words).strip(" \"'")
    return near[0] if near else None


# Where a name read after "on behalf of" may end; a comma or a full stop ends it only when no legal form follows.
_STOPS = re.compile(r"\s+for\s|\s+in\s+respect\s|\s*[;(]|\s*,|\.(?=\s|$)|\"(?=\s|$)", re.IGNORECASE)
# Legal forms, folded and without dots: "Example Holdings, Inc." and "Example Co. Ltd" are whole names.
# fmt: off
_LEGAL_FORMS = frozenset({
    "inc", "incorporated", "llc", "lllp", "llp", "lp", "ltd", "limited", "co", "corp", "corporation", "company", "plc",
    "pty", "pte", "pvt", "gmbh", "ag", "kg", "kgaa", "se", "sa", "sas", "sarl", "sàrl", "sl", "srl", "spa", "bv", "nv",
    "ab", "oy", "oyj", "kk", "a/s", "aps", "asa", "ltda", "cv", "oo", "sro", "kft", "bhd", "slu", "sau",
})
# fmt: on
# Legal forms written with a full stop that belongs to the name ("Inc.", "Co."), unlike a sentence's after "AG".
_ABBREVIATED = frozenset({"inc", "co", "corp", "ltd", "pty", "pte", "pvt"})


def _legal_form(word: str) -> bool:
    return word.strip(".,;:\"'”’").replace(".", "").casefold() in _LEGAL_FORMS


def _next_word(text: str, at: int) -> str:
    words = text[at:].split(maxsplit=1)
    return words[0] if words else ""


def on_behalf_of(text: str) -> str | None:
    """The name after "on behalf of" in a free-text note ("… on behalf of Example AG for Consumption Period …").

    The name runs to "for", "in respect", ";", "(" or a sentence's end, and keeps its legal form: "on behalf of
    Example Holdings, Inc. for …" gives "Example Holdings, Inc.", not "Example Holdings" (which would select
    another company's rows).
    """
    flat = " ".join(text.split())
    found = _ON_BEHALF.search(flat)
    if found is None:
        return _named_otherwise(flat)
    rest = flat[found.end() :]
    if rest.startswith(('"', "“")):  # a quoted name: up to its closing quote
        closing = re.search(r"[\"”]", rest[1:])
        if closing is not None:
            return rest[1 : closing.start() + 1].strip() or None
        rest = rest[1:]
    end = len(rest)
    for stop in _STOPS.finditer(rest):
        mark = stop.group().strip()
        if mark == "," and _legal_form(_next_word(rest, stop.end())):
            continue
        if mark == '"' and rest[: stop.start()].count('"') % 2:
            continue  # closes a quote inside the name (Example "Blue" Logistics)
        if mark == ".":
            word = rest[: stop.start()].rsplit(" ", 1)[-1]
            if len(word) == 1 or (_legal_form(word) and _legal_form(_next_word(rest, stop.end()))):
                continue  # an initial (J. Smith), or one legal form after another (Co. Ltd)
            if "." in word or word.casefold() in _ABBREVIATED:
                end = stop.end()  # an abbreviation keeps its full stop: "Inc.", "S.A."
                break
        end = stop.start()
        break
    name = _ending_in_legal_form(rest[:end].strip(" \"'"))
    listed = _listed(rest) if rest[end:].lstrip().startswith(",") else None
    return listed or _shared(rest, end) or name or None


def _ending_in_legal_form(name: str) -> str:
    """The name without lower-case words after its legal form: "Beta Foods GmbH stillgelegt" is Beta Foods GmbH."""
    words = name.split()
    last = max((i for i, word in enumerate(words) if i > 0 and _legal_form(word)), default=None)
    if last is None or any(word[:1].isupper() for word in words[last + 1 :]):
        return name
    return " ".join(words[: last + 1])


def _named_otherwise(flat: str) -> str | None:
    """The party a note names without "on behalf of": "on X's behalf", "for X Ltd", "offsetting X's emissions",
    "the emissions of X Ltd", "X Ltd 2024 emissions" (a name near what was offset)."""
    behalf = _BEHALF_AFTER.search(flat)
    if behalf is not None:
        return behalf.group(1).strip(" \"'") or None
    whole = [name for name, _, _ in company_names(flat)]
    for found in _FOR_NAMED.finditer(flat):
        words = found.group("name").rstrip(".,").split()
        while words and any(c.isdigit() for c in words[0]):
            words.pop(0)  # "for FY2024 Acme Ceramics GmbH": the period is not part of the name
        if not words:
            continue
        if found.group("possessive"):
            return " ".join(words)
        # The name ends at its last legal form: "for Beta Foods Ltd 2024 emissions" names Beta Foods Ltd.
        last = max((i for i, word in enumerate(words) if _legal_form(word) and i > 0), default=None)
        if last is not None:
            name = " ".join(words[: last + 1])
            # "for Acme Ceramics Co., Ltd.": the whole name, not "Acme Ceramics Co".
            return next((w for w in whole if w.startswith(name) and len(w) > len(name)), name)
    return _near_offset_words(flat)


# What says, in brackets after a name, that another party shares the retirement: "(jointly with Beta Foods Ltd)".
_SHARING = re.compile(r"\b(?:jointly|joint|together|shared|co-?\w+|and|&)\b", re.IGNORECASE)


# After a name, "for" and another party it acts for: "… GmbH for its customer Beta Foods Ltd", "for their clients".
_FOR_ANOTHER = re.compile(
    r"for\s+(?:(?:its|their|his|her|our|the|a|an)\s+)?(?:end[\s-]?)?(?:customers?|clients?|users?|members?|partners?"
    r"|tenants?|guests?|passengers?|buyers?|purchasers?|subsidiar(?:y|ies)|affiliates?)\b['’]?",
    re.IGNORECASE,
)


# "as agent for", "as broker for": the name read acts for someone else, who used the credits.
_AGENT = re.compile(
    r"(?:,\s*)?as\s+(?:an?\s+|the\s+|their\s+|its\s+)?(?:agent|broker|intermediary|trustee|nominee|representative|"
    r"reseller|retailer)\s+(?:for|of|on\s+behalf\s+of)\b",
    re.IGNORECASE,
)
# What says whose customer or part the name is: "a customer of Example Broker Ltd", "(client of …)", "a subsidiary
# of …": the relation, not a second party sharing the retirement.
_RELATION = re.compile(rf"\s*(?:a\s+|an\s+|the\s+)?{_RELATIONS}\s+of\b", re.IGNORECASE)


def _shared(rest: str, end: int) -> str | None:
    """The whole text when the name read is followed by another party, so that a shared retirement is no one's
    alone (the whole text selects no one's rows and matches no claimant): "for" a customer or client of the name;
    after a semicolon, a piece that starts
    with a capital ("Acme Ceramics GmbH; Beta Foods"; "…; for 2024 emissions" is no party); in brackets, words of
    sharing, a share ("(50%)") or another name ending in a legal form ("(jointly with Beta Foods Ltd)"); or after
    the brackets, "and", "&" or "," and more ("Acme Ceramics GmbH (50%) and Beta Foods Ltd (50%)")."""
    after = rest[end:].lstrip()
    whole = " ".join(rest.split()).strip(" \"'")
    if _FOR_ANOTHER.match(after) or _AGENT.match(after):
        return whole  # "Acme Ceramics GmbH for its customer Beta Foods Ltd": retired for the customer's use
    if after[:4].casefold() == "for ":
        # "… Acme Ceramics GmbH for Beta Foods Ltd's 2024 footprint": used for the party named after "for".
        other = _named_otherwise(after)
        if other is not None and not same_name(other, _ending_in_legal_form(rest[:end].strip(" \"'"))):
            return whole
    if after.startswith(";"):
        piece = after[1:].strip()
        if piece[:1].isupper() and not re.match(r"(?i)(for|in|re|period|vintage|retire)\b", piece):
            return whole
    elif after.startswith("("):
        inside, _, beyond = after[1:].partition(")")
        last = inside.split()[-1] if inside.split() else ""
        if _RELATION.match(inside):  # "(client of Example Climate Services Inc.)" says whose client, not a sharer
            return whole if re.match(r"\s*(?:,|&|\band\b)\s*\S", beyond, re.IGNORECASE) else None
        if _SHARING.search(inside) or "%" in inside or _legal_form(last):
            return whole
        if re.match(r"\s*(?:,|&|\band\b)\s*\S", beyond, re.IGNORECASE):
            return whole
    return None


# Where a list of names after "on behalf of" ends: "for", "in respect", ";", "(" or a sentence's end.
_LIST_END = re.compile(r"\s+for\s|\s+in\s+respect\s|\s*[;(]|[.!?\"](?=\s|$)", re.IGNORECASE)


def _listed(rest: str) -> str | None:
    """The whole list when the text after "on behalf of" names several parties ("Acme GmbH, Beta Ltd and Gamma
    AG (joint programme)"): its first name alone would make a shared retirement one party's."""
    stop = _LIST_END.search(rest)
    text = rest[: stop.start() if stop else len(rest)].strip(" \"'")
    return text if several_names(text) else None


# What joins the names of a list: ", ", ", and ", " and ", " & ".
_JOINS = re.compile(r"(\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+)", re.IGNORECASE)


def several_names(text: str) -> list[str]:
    """The parties a beneficiary text lists, when it lists two or more ending in a legal form; else ``[]``.

    "Acme Ceramics GmbH, Beta Foods Ltd and Gamma Logistics AG" is three parties: a shared retirement, no one's
    alone. A piece of legal forms only belongs to the name before it, so "Example Holdings, Inc." and "Example GmbH
    & Co. KG" stay one name, and "Procter & Gamble Co." is one (one legal form).
    """
    pieces = _JOINS.split(" ".join(text.split()))
    parties = [pieces[0]] if pieces[0] else []
    for join, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        words = piece.split()
        if not words:
            continue
        if parties and all(_legal_form(word) for word in words):
            parties[-1] += join + piece
        elif parties and _RELATION.match(piece):
            continue  # "Acme Ceramics GmbH, a customer of Example Broker Ltd": whose customer, not a second party
        else:
            parties.append(piece)
    formal = [party for party in parties if _legal_form(party.split()[-1])]
    return parties if len(formal) >= 2 else []


def _fold(text: str) -> str:
    """A name without case, white space or punctuation: "ACME Ceramics, G.m.b.H." and "Acme Ceramics GmbH" fold
    alike. Letters, digits, marks and symbols stay, so names in any script keep what tells them apart; an ampersand
    is the word "and" ("A&B Ceramics" is "A and B Ceramics", not "AB Ceramics")."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return "".join(c for c in folded if not c.isspace() and not unicodedata.category(c).startswith("P"))


def same_name(first: str, second: str) -> bool:
    """Whether two names are the same name written with other case, spacing or punctuation (never a substring)."""
    folded = _fold(first)
    return bool(folded) and folded == _fold(second)


def matches_beneficiary(wanted: str, candidates: Iterable[str | None]) -> bool:
    """Whether any candidate (the beneficiary column, a name read from a note) is ``wanted``.

    Equality after case folding and dropping white space and punctuation, not a substring test: "Example" must not
    select the rows of "Example Foods" along with those of "Example Logistics".
    """
    return any(candidate is not None and same_name(wanted, candidate) for candidate in candidates)


@dataclass(frozen=True)
class Period:
    """A period a retirement is attributed to, both ends inclusive."""

    start: date
    end: date


_CONSUMPTION = re.compile(r"(?i)consumption period\s+(\d{2})/(\d{2})/(\d{4})\s*-\s*(\d{2})/(\d{2})/(\d{4})")


def find_period(text: str) -> Period | None:
    """The firm period of a ``for Consumption Period MM/DD/YYYY-MM/DD/YYYY`` note (US month-first), else ``None``."""
    return _consumption(text)[0]


def note_period(text: str, where: str, warnings: list[str]) -> Period | None:
    """The firm period of a note's ``Consumption Period`` (as :func:`find_period`); when the note has one that gives
    no period (month 13, a start after the end), a warning naming the record (``where``) is added to ``warnings``.

    Such a note is meant as the firm period, so dropping it unsaid would hide that the claim's period is used
    instead; one wording serves every importer.
    """
    period, problem = _consumption(text)
    if problem:
        warnings.append(f"{where}: the note's {problem}: no period is read from it")
    several = _several_periods(text)
    if several is not None:
        # "… Consumption Period 01/01/2024-12/31/2024 and … 01/01/2025-12/31/2025": read as the first, the whole
        # retirement counted for 2024 without a word. No period is firm; suggest_period gives the span they cover.
        warnings.append(
            f"{where}: the note names more than one period ({several[2]!r} besides the Consumption Period): no "
            "period is read from it; a retirement is for one reporting period, so split it or state which"
        )
        return None
    return period


def _several_periods(text: str) -> tuple[date, date, str] | None:
    """When a note's firm Consumption Period is joined by another period it names with known dates (a second
    Consumption Period, two dates, CY2025, Q1/2025), the first and last day they cover together and what names
    the other; else ``None``. A bare year or a fiscal year (perhaps the retirement's own year, dates unknown) does
    not count."""
    firm, _ = _consumption(text)
    match = _CONSUMPTION.search(text)
    if firm is None or match is None:
        return None
    rest = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
    for start, end, said in _named_spans(rest):
        if not (firm.start <= start and end <= firm.end):
            return min(start, firm.start), max(end, firm.end), said
    return None


def _named_spans(text: str) -> Iterable[tuple[date, date, str]]:
    """Periods with known dates a note names, as :data:`_SUGGESTIONS` reads them (two dates, month first where
    slashes are written as the firm form writes them; a calendar year; a quarter). A fiscal year's dates are not
    known, and a bare year may be the retirement's own: neither is one."""
    for pattern, words in _SUGGESTIONS:
        for match in pattern.finditer(text):
            span = _known_span(words, match)
            if span is not None:
                yield span[0], span[1], match[0]


def _known_span(words: str, match: re.Match[str]) -> tuple[date, date] | None:
    if "{start}" in words:
        start, end = _day(match[1]), _day(match[2])
        return (start, end) if start is not None and end is not None else None
    if words.startswith("calendar year"):
        year = int(match[1]) if len(match[1]) == 4 else 2000 + int(match[1])
        return date(year, 1, 1), date(year, 12, 31)
    if words.startswith("quarter"):
        year, last = int(match[2]), 3 * int(match[1])
        return date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1])
    return None


def _day(text: str) -> date | None:
    """``M/D/YYYY`` (month first, as the firm form) or ``YYYY-MM-DD``; ``None`` when it is no day."""
    numbers = text.split("/") if "/" in text else text.split("-")
    month, day, year = (numbers[0], numbers[1], numbers[2]) if "/" in text else (numbers[1], numbers[2], numbers[0])
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


#: A note that names a consumption period in any other form: said, since the claim's period would be used instead.
_CONSUMPTION_NAMED = re.compile(r"(?i)consumption\s*period")


def _consumption(text: str) -> tuple[Period | None, str | None]:
    match = _CONSUMPTION.search(text)
    if match is None:
        named = _CONSUMPTION_NAMED.search(text)
        if named is None:
            return None, None
        said = " ".join(text[named.start() : named.start() + 60].split())
        return None, f"{said!r} names a Consumption Period not in the form MM/DD/YYYY-MM/DD/YYYY"
    said = repr(match[0])
    try:
        start = date(int(match[3]), int(match[1]), int(match[2]))
        end = date(int(match[6]), int(match[4]), int(match[5]))
    except ValueError:
        return None, f"{said} is not two MM/DD/YYYY dates"
    if start > end:
        return None, f"{said} starts after it ends"
    return Period(start, end), None


_SUGGESTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Two dates: which is the month in 1/2/2023 is not known, so the dates are given as written.
    (
        re.compile(
            r"(?i)(?<![\d/])(\d{1,2}/\d{1,2}/(?:19|20)\d{2})\s*(?:-|–|to|through|until)\s*(\d{1,2}/\d{1,2}/(?:19|20)\d{2})"
        ),
        "the dates {start} to {end} as written",
    ),
    (
        re.compile(
            r"(?i)(?<![\d-])((?:19|20)\d{2}-\d{2}-\d{2})\s*(?:-|–|to|through|until)\s*((?:19|20)\d{2}-\d{2}-\d{2})"
        ),
        "the dates {start} to {end}",
    ),
    (re.compile(r"(?i)\bCY\s?'?((?:19|20)\d{2}|\d{2})\b"), "calendar year {year}"),
    (re.compile(r"(?i)\bFY\s?'?((?:19|20)\d{2}|\d{2})\b"), "fiscal year {year} (its dates are not known)"),
    # A financial year in words, in the languages registry notes are written in (red team 95a: "Emissionen
    # Geschäftsjahr 2023", "émissions de l'exercice 2023", "for the year ended 31 December 2023").
    (
        re.compile(
            r"(?i)\b(?:fiscal\s+year|financial\s+year|gesch(?:ä|ae)ftsjahr(?:es)?|wirtschaftsjahr(?:es)?|"
            r"exercice(?:\s+fiscal)?|ejercicio(?:\s+fiscal)?|esercizio|boekjaar)\s+((?:19|20)\d{2})(?![\d/.-])"
        ),
        "fiscal year {year} (its dates are not known)",
    ),
    (
        re.compile(
            r"(?i)\byear\s+(?:ended|ending)\s+(?:on\s+)?(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:of\s+)?"
            r"(?:[a-z]+\.?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d{2})(?![\d/.-])"
        ),
        "fiscal year {year} (its dates are not known)",
    ),
    (re.compile(r"(?i)\bQ([1-4])\s?/\s?((?:19|20)\d{2})\b"), "quarter {quarter} of {year}"),
    (re.compile(r"(?i)\bF((?:19|20)\d{2})\b"), "financial year {year} (its dates are not known)"),
    # A year the note says the emissions are of ("2023 emissions", "footprint for 2023", "Emissionen 2023"): a
    # period, even when it is also the credits' vintage, which a bare year may only be.
    (
        re.compile(
            r"(?i)(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-])\s+(?:(?:ghg|co2e?|carbon|residual|scope[\s\d,&+and]*)\s+)*"
            r"(?:emissions?|emissionen|émissions|emisiones|footprint|inventory)\b"
        ),
        "the emissions of the year {year}",
    ),
    (
        re.compile(
            r"(?i)\b(?:emissions?|emissionen|émissions|emisiones|footprint|inventory)\s+(?:(?:of|for|in|from|during|"
            r"des|de|del|the|year|jahr|année|año|calendar|jan(?:uary)?\s*(?:-|–|to|through|until)\s*dec(?:ember)?)"
            r"\s+)*((?:19|20)\d{2})(?![\d/.-])"
        ),
        "the emissions of the year {year}",
    ),
    # The year a claim reports ("for reporting year 2023", "Berichtsjahr 2023"), and a year of scopes ("2023 Scope
    # 1 & 2", "Scope 1 and 2 2023"): the emissions of that year, not a vintage.
    (
        re.compile(
            r"(?i)\b(?:reporting\s+(?:year|period)|berichtsjahr(?:es)?|berichtszeitraum|année\s+de\s+déclaration|"
            r"año\s+de\s+reporte)\s+((?:19|20)\d{2})(?![\d/.-])"
        ),
        "the emissions of the year {year}",
    ),
    (
        re.compile(r"(?i)(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-])\s+scopes?\s*[123]\b"),
        "the emissions of the year {year}",
    ),
    (
        re.compile(
            r"(?i)\bscopes?\s*[123](?:\s*(?:,|&|\+|and|und|et|y)\s*[123])*\s+(?:emissions?\s+)?"
            r"(?:(?:of|for|in|from|during)\s+)*((?:19|20)\d{2})(?![\d/.-])"
        ),
        "the emissions of the year {year}",
    ),
    (re.compile(r"(?<![\d/.-])((?:19|20)\d{2})(?![\d/.-])"), "the year {year}"),
)


def suggest_period(text: str) -> str | None:
    """A period the note seems to mean, in words, with the text it came from; ``None`` if nothing fits.

    Never a ``hasReportingPeriod``: "FY24" has unknown dates, and "2025" may be the retirement's year, not the
    claim's.
    """
    several = _several_periods(text)
    if several is not None:
        start, end, said = several
        return f"the dates {start.isoformat()} to {end.isoformat()}, from a Consumption Period and {said!r}"
    flat = " ".join(text.split())
    for pattern, words in _SUGGESTIONS:
        match = pattern.search(flat)
        if match is None:
            continue
        if "quarter" in words:
            said = words.format(quarter=match[1], year=match[2])
        elif "{start}" in words:
            said = words.format(start=match[1], end=match[2])
        else:
            found = match[1]
            said = words.format(year=found if len(found) == 4 else f"20{found}")
        return f"{said}, from {match[0]!r}"
    return None
