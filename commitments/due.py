"""Read the due phrase of a commitment (toezegging) as a date range.

Ministers promise things "voor de zomer van 2021", "in het najaar", "uiterlijk Q1 2025".
``parse_due`` turns such a phrase into an inclusive ``DueRange``. It never guesses: when
the phrase is not one of the forms below, or the form is there but its meaning is
changed or muddied by the words around it, it returns ``None``.

Conventions (all end dates inclusive):

* Periods. Seasons are meteorological: voorjaar/lente March-May, zomer June-August,
  najaar/herfst September-November; winter straddles two years and is not read.
  "begin" is January-March, "medio" May-August, "eind" October-December. Quarters,
  halves ("helft"/"halfjaar"), months, days and years mean what they say. "in", "op",
  "gedurende", "tijdens", "in de loop van" or no preposition at all give the period
  itself.
* "uiterlijk X" ends when X ends. "voor X" / "vóór X" ends the day before X starts
  ("voor 2025" ends 2024-12-31), but only for days, months, quarters, halves and
  years: "voor medio 2021" or "voor het najaar" are left unread.
* Named moments, read as "voor <moment> YYYY" (these are conventions, not law):
  "voor de zomer" ends on ``SUMMER_END``, "voor het zomerreces"/"voor het kerstreces"
  on ``RECESS_ENDS`` (the last sitting week before the recess), "voor de
  begrotingsbehandeling" on ``BUDGET_DEBATE_END`` (the budget debates run in the
  autumn) and "voor (het) eind(e) (van) YYYY" on 31 December.
* Deadlines ("voor", "uiterlijk", "later dit jaar") start on ``reference``, the date of
  the document the phrase comes from, and start at ``None`` without one (or when the
  document is dated after the deadline).
* Relative phrases ("dit jaar", "volgend jaar", "later dit jaar", "dit najaar", "deze
  zomer", "eind dit jaar", ...) count from the reference year and give ``None``
  without a reference.
* Surrounding text is tolerated, but the phrase is not read when a word right before it
  changes its meaning ("na", "vanaf", "tot", "per", "tussen", "rond", ...), a word right
  after it makes it one of several ("of", "en", "tot", a dash), the text is negated
  ("niet", "geen", "nooit"), the commitment recurs ("jaarlijks", "periodiek", "elk
  jaar"), or two due phrases in the text disagree. A bare year ("2025") is read only
  when it is the whole phrase.
* "voor 2025" can also mean "for 2025" ("de begroting voor 2025"); since the input is
  a due phrase, it is read as a deadline.
"""

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial


@dataclass(frozen=True)
class DueRange:
    """Inclusive range in which a commitment falls due; ``None`` is an open end."""

    start: date | None
    end: date | None


#: Last day (month, day) that still counts as "voor het <reces> YYYY".
RECESS_ENDS = {"zomerreces": (7, 1), "kerstreces": (12, 20)}
#: Last day (month, day) of "voor de zomer YYYY".
SUMMER_END = (6, 30)
#: Last day (month, day) of "voor de begrotingsbehandeling in/van YYYY".
BUDGET_DEBATE_END = (11, 30)
YEAR_END = (12, 31)

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}
#: First and last month of each season and part of the year.
SEASONS = {
    "voorjaar": (3, 5),
    "lente": (3, 5),
    "zomer": (6, 8),
    "najaar": (9, 11),
    "herfst": (9, 11),
}
YEAR_PARTS = {"begin": (1, 3), "medio": (5, 8), "eind": (10, 12), "einde": (10, 12)}
ORDINALS = {"eerste": 1, "1e": 1, "tweede": 2, "2e": 2, "derde": 3, "3e": 3, "vierde": 4, "4e": 4}
#: Years counted from the reference year.
RELATIVE_YEARS = {"dit jaar": 0, "volgend jaar": 1, "dit": 0, "deze": 0}

# A word right before a match that changes what the match means.
_QUALIFIER_BEFORE = re.compile(
    r"na|vanaf|sinds|sedert|tot|t/m|met|tussen|rond|rondom|omstreeks|circa|ca|tegen|per|van"
    r"|voor|uiterlijk|in|op|tijdens|gedurende|loop|begin|medio|midden|half|eind|einde"
    r"|eerder|later|dan|en|of|en/of"
)
# A word right after a match that makes it one of several dates.
_QUALIFIER_AFTER = re.compile(r"of|en|en/of|tot|t/m")
_PUNCTUATION = ".,;:()[]'\""

_NEGATION = re.compile(r"(?<!\w)(?:niet|geen|nooit)(?!\w)")
_RECURRING = re.compile(
    r"(?<!\w)(?:\w*(?:jaarlijks|maandelijks|wekelijks)\w*|periodiek\w*"
    r"|(?:elk|elke|ieder|iedere) (?:jaar|halfjaar|kwartaal|maand|week|voorjaar|zomer|najaar))"
    r"(?!\w)"
)
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


def _one_of(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# Patterns run on normalised text: lower case, no accents, single spaces.
_NUMERIC_YEAR = r"(?:19|20)[0-9]{2}"
_YEAR = rf"(?P<year>{_NUMERIC_YEAR}|dit jaar|volgend jaar)"
_MONTH = rf"(?P<month>{_one_of(MONTHS)})"
_SEASON = rf"(?P<season>{_one_of(SEASONS)})"


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _day(match: re.Match[str], year: int) -> tuple[date, date]:
    day = date(year, MONTHS[match["month"]], int(match["day"]))
    return day, day


def _month(match: re.Match[str], year: int) -> tuple[date, date]:
    return _months(year, MONTHS[match["month"]], MONTHS[match["month"]])


def _quarter(match: re.Match[str], year: int) -> tuple[date, date]:
    quarter = int(match["q"]) if match["q"] else ORDINALS[match["quarter"]]
    return _months(year, 3 * quarter - 2, 3 * quarter)


def _half(match: re.Match[str], year: int) -> tuple[date, date]:
    half = ORDINALS[match["half"]]
    return _months(year, 6 * half - 5, 6 * half)


def _season(match: re.Match[str], year: int) -> tuple[date, date]:
    return _months(year, *SEASONS[match["season"]])


def _part(match: re.Match[str], year: int) -> tuple[date, date]:
    return _months(year, *YEAR_PARTS[match["part"]])


def _whole_year(match: re.Match[str], year: int) -> tuple[date, date]:
    return _months(year, 1, 12)


# Kinds of period: pattern and the first and last day it covers in a given year.
_PERIODS = {
    "day": (rf"(?P<day>[0-9]{{1,2}}) {_MONTH} {_YEAR}", _day),
    "month": (rf"{_MONTH} {_YEAR}", _month),
    "quarter": (
        rf"(?:(?:het )?(?P<quarter>{_one_of(ORDINALS)}) kwartaal(?: van)? "
        rf"|q(?P<q>[1-4]) ?-? ?){_YEAR}",
        _quarter,
    ),
    "half": (
        rf"(?:de |het )?(?P<half>eerste|tweede|1e|2e) (?:helft|halfjaar)(?: van)? {_YEAR}",
        _half,
    ),
    "season": (rf"(?:de |het )?{_SEASON}(?: van)? {_YEAR}", _season),
    "this_season": (rf"(?P<year>dit|deze) {_SEASON}", _season),
    "part": (rf"(?:het )?(?P<part>{_one_of(YEAR_PARTS)})(?: van)? {_YEAR}", _part),
    "year": (rf"(?P<year>{_NUMERIC_YEAR})", _whole_year),
    "relative_year": (r"(?P<year>dit jaar|volgend jaar)", _whole_year),
}
# How a preposition turns a period into a range.
_MODIFIERS = {
    "bare": "",
    "within": r"(?:in|op|gedurende|tijdens) (?:de loop van )?",
    "by": r"uiterlijk (?:in |op )?",
    "before": r"(?:uiterlijk )?voor ",
}
# "voor" only before periods with a clear start ("voor volgend jaar" may mean "for").
_BEFORE_KINDS = {"day", "month", "quarter", "half", "year"}
# "voor <moment> YYYY": pattern and the last day (month, day) before the moment.
_MOMENTS = (
    (r"de zomer", SUMMER_END),
    (r"(?:het )?zomerreces", RECESS_ENDS["zomerreces"]),
    (r"(?:het )?kerstreces", RECESS_ENDS["kerstreces"]),
    (r"de begrotingsbehandeling(?: in)?", BUDGET_DEBATE_END),
    (r"(?:het )?einde?", YEAR_END),
)

Resolver = Callable[[re.Match[str], date | None], DueRange | None]


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    resolve: Resolver
    whole_phrase: bool = False


def _rule(pattern: str, resolve: Resolver, *, whole_phrase: bool = False) -> _Rule:
    return _Rule(re.compile(rf"(?<!\w)(?:{pattern})(?!\w)"), resolve, whole_phrase)


def _year_of(match: re.Match[str], reference: date | None) -> int | None:
    token = match["year"]
    if token[0].isdigit():
        return int(token)
    return None if reference is None else reference.year + RELATIVE_YEARS[token]


def _deadline(end: date, reference: date | None) -> DueRange:
    start = reference if reference is not None and reference <= end else None
    return DueRange(start, end)


def _resolve_period(match, reference, *, modifier, bounds) -> DueRange | None:
    year = _year_of(match, reference)
    if year is None:
        return None
    first, last = bounds(match, year)
    if modifier == "by":
        return _deadline(last, reference)
    if modifier == "before":
        return _deadline(first - timedelta(days=1), reference)
    return DueRange(first, last)


def _resolve_moment(match, reference, *, month_day) -> DueRange | None:
    year = _year_of(match, reference)
    return None if year is None else _deadline(date(year, *month_day), reference)


def _later_this_year(match, reference) -> DueRange | None:
    return None if reference is None else DueRange(reference, date(reference.year, 12, 31))


_RULES = (
    *(
        _rule(
            modifier_pattern + period_pattern,
            partial(_resolve_period, modifier=modifier, bounds=bounds),
            whole_phrase=(modifier, kind) == ("bare", "year"),
        )
        for modifier, modifier_pattern in _MODIFIERS.items()
        for kind, (period_pattern, bounds) in _PERIODS.items()
        if modifier != "before" or kind in _BEFORE_KINDS
    ),
    *(
        _rule(
            rf"(?:uiterlijk )?voor {moment}(?: van)? {_YEAR}",
            partial(_resolve_moment, month_day=month_day),
        )
        for moment, month_day in _MOMENTS
    ),
    _rule(r"later dit jaar", _later_this_year),
)


def _normalise(phrase: str) -> str:
    text = unicodedata.normalize("NFKD", phrase)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.translate(_DASHES).lower().split()).strip(" " + _PUNCTUATION)


def _is_qualified(text: str, match: re.Match[str]) -> bool:
    """Whether the word right before or after the match changes what it means."""
    before = text[: match.start()].split()
    after = text[match.end() :].split()
    if before and (
        before[-1].endswith(("-", "/"))
        or _QUALIFIER_BEFORE.fullmatch(before[-1].strip(_PUNCTUATION))
    ):
        return True
    return bool(after) and bool(
        after[0].startswith(("-", "/")) or _QUALIFIER_AFTER.fullmatch(after[0].strip(_PUNCTUATION))
    )


def _contains(outer: re.Match[str], inner: re.Match[str]) -> bool:
    return (
        outer.span() != inner.span()
        and outer.start() <= inner.start()
        and inner.end() <= outer.end()
    )


def parse_due(phrase: str, *, reference: date | None = None) -> DueRange | None:
    """The range in which ``phrase`` says a commitment is due, or ``None`` if uncertain.

    ``reference`` is the date of the document the phrase appears in; relative phrases
    need it. See the module docstring for the conventions.
    """
    text = _normalise(phrase)
    if not text or _NEGATION.search(text) or _RECURRING.search(text):
        return None
    found = [
        (match, rule)
        for rule in _RULES
        for match in rule.regex.finditer(text)
        if not rule.whole_phrase or match.span() == (0, len(text))
    ]
    # "2021" inside "voor de zomer van 2021" is part of that phrase, not a phrase itself.
    outermost = [
        (match, rule)
        for match, rule in found
        if not any(_contains(other, match) for other, _ in found)
    ]
    results = set()
    for match, rule in outermost:
        if _is_qualified(text, match):
            return None
        try:
            result = rule.resolve(match, reference)
        except (ValueError, OverflowError):  # "31 februari", year 10000
            return None
        if result is None:
            return None
        results.add(result)
    return results.pop() if len(results) == 1 else None
