"""Tests for the due-phrase parser. Pure Python: no database."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commitments.due import (
    BUDGET_DEBATE_END,
    MONTHS,
    ORDINALS,
    RECESS_ENDS,
    SEASONS,
    SUMMER_END,
    YEAR_PARTS,
    DueRange,
    parse_due,
)

D = date
REF = D(2021, 3, 15)  # date of the document the phrase appears in
MONTH_NAMES = {number: name for name, number in MONTHS.items()}


def r(start, end):
    return DueRange(start, end)


CASES = [
    # "voor de zomer" and the recesses: deadlines starting at the reference, if any.
    ("voor de zomer 2021", None, r(None, D(2021, 6, 30))),
    ("voor de zomer 2021", REF, r(REF, D(2021, 6, 30))),
    ("voor de zomer van 2021", None, r(None, D(2021, 6, 30))),
    ("Vóór de zomer van 2021", REF, r(REF, D(2021, 6, 30))),
    ("uiterlijk voor de zomer van 2021", REF, r(REF, D(2021, 6, 30))),
    ("voor de zomer van 2021", D(2021, 9, 1), r(None, D(2021, 6, 30))),  # dated after it
    ("voor het zomerreces 2021", None, r(None, D(2021, 7, 1))),
    ("voor het zomerreces van 2021", REF, r(REF, D(2021, 7, 1))),
    ("voor zomerreces 2021", None, r(None, D(2021, 7, 1))),
    ("voor het kerstreces 2020", None, r(None, D(2020, 12, 20))),
    ("voor het kerstreces van 2020", D(2020, 9, 15), r(D(2020, 9, 15), D(2020, 12, 20))),
    # Seasons.
    ("in het voorjaar van 2021", None, r(D(2021, 3, 1), D(2021, 5, 31))),
    ("in het voorjaar 2021", None, r(D(2021, 3, 1), D(2021, 5, 31))),
    ("in de lente van 2022", None, r(D(2022, 3, 1), D(2022, 5, 31))),
    ("in de zomer van 2021", None, r(D(2021, 6, 1), D(2021, 8, 31))),
    ("in het najaar van 2021", None, r(D(2021, 9, 1), D(2021, 11, 30))),
    ("in de herfst van 2021", REF, r(D(2021, 9, 1), D(2021, 11, 30))),
    ("het najaar van 2021", None, r(D(2021, 9, 1), D(2021, 11, 30))),
    ("najaar 2021", None, r(D(2021, 9, 1), D(2021, 11, 30))),
    ("uiterlijk in het najaar van 2021", REF, r(REF, D(2021, 11, 30))),
    # Quarters.
    ("in het eerste kwartaal van 2021", None, r(D(2021, 1, 1), D(2021, 3, 31))),
    ("in het tweede kwartaal van 2021", None, r(D(2021, 4, 1), D(2021, 6, 30))),
    ("in het derde kwartaal van 2021", None, r(D(2021, 7, 1), D(2021, 9, 30))),
    ("in het vierde kwartaal van 2021", None, r(D(2021, 10, 1), D(2021, 12, 31))),
    ("in het 3e kwartaal 2021", None, r(D(2021, 7, 1), D(2021, 9, 30))),
    ("Q1–2025", None, r(D(2025, 1, 1), D(2025, 3, 31))),
    ("Q1 2025", None, r(D(2025, 1, 1), D(2025, 3, 31))),
    ("Q1-2025", None, r(D(2025, 1, 1), D(2025, 3, 31))),
    ("q4 — 2025", None, r(D(2025, 10, 1), D(2025, 12, 31))),
    ("in Q2 2025", None, r(D(2025, 4, 1), D(2025, 6, 30))),
    ("uiterlijk Q3 2025", REF, r(REF, D(2025, 9, 30))),
    ("voor het derde kwartaal van 2021", None, r(None, D(2021, 6, 30))),
    # Parts of the year.
    ("eind 2021", None, r(D(2021, 10, 1), D(2021, 12, 31))),
    ("het einde van 2021", None, r(D(2021, 10, 1), D(2021, 12, 31))),
    ("begin 2021", None, r(D(2021, 1, 1), D(2021, 3, 31))),
    ("medio 2021", None, r(D(2021, 5, 1), D(2021, 8, 31))),
    ("uiterlijk eind 2021", REF, r(REF, D(2021, 12, 31))),
    ("voor eind 2021", None, r(None, D(2021, 12, 31))),
    ("voor het einde van 2021", REF, r(REF, D(2021, 12, 31))),
    # Halves.
    ("in de eerste helft van 2021", None, r(D(2021, 1, 1), D(2021, 6, 30))),
    ("in de tweede helft van 2021", None, r(D(2021, 7, 1), D(2021, 12, 31))),
    ("in het tweede halfjaar van 2021", None, r(D(2021, 7, 1), D(2021, 12, 31))),
    ("voor de tweede helft van 2021", REF, r(REF, D(2021, 6, 30))),
    # Relative to the reference.
    ("later dit jaar", REF, r(REF, D(2021, 12, 31))),
    ("dit najaar", REF, r(D(2021, 9, 1), D(2021, 11, 30))),
    ("dit voorjaar", REF, r(D(2021, 3, 1), D(2021, 5, 31))),
    ("deze zomer", REF, r(D(2021, 6, 1), D(2021, 8, 31))),
    ("uiterlijk dit najaar", REF, r(REF, D(2021, 11, 30))),
    ("volgend jaar", REF, r(D(2022, 1, 1), D(2022, 12, 31))),
    ("dit jaar", REF, r(D(2021, 1, 1), D(2021, 12, 31))),
    ("in de loop van volgend jaar", REF, r(D(2022, 1, 1), D(2022, 12, 31))),
    ("eind dit jaar", REF, r(D(2021, 10, 1), D(2021, 12, 31))),
    ("begin volgend jaar", REF, r(D(2022, 1, 1), D(2022, 3, 31))),
    ("voor de zomer van volgend jaar", REF, r(REF, D(2022, 6, 30))),
    ("uiterlijk volgend jaar", REF, r(REF, D(2022, 12, 31))),
    # Years.
    ("in 2025", None, r(D(2025, 1, 1), D(2025, 12, 31))),
    ("in de loop van 2025", None, r(D(2025, 1, 1), D(2025, 12, 31))),
    ("2025", None, r(D(2025, 1, 1), D(2025, 12, 31))),
    ("2025", REF, r(D(2025, 1, 1), D(2025, 12, 31))),
    ("voor 2025", None, r(None, D(2024, 12, 31))),
    ("vóór 2025", REF, r(REF, D(2024, 12, 31))),
    ("uiterlijk 2025", None, r(None, D(2025, 12, 31))),
    ("uiterlijk 2025", REF, r(REF, D(2025, 12, 31))),
    ("uiterlijk in 2025", REF, r(REF, D(2025, 12, 31))),
    # Budget debates.
    ("voor de begrotingsbehandeling in 2020", None, r(None, D(2020, 11, 30))),
    ("voor de begrotingsbehandeling van 2020", None, r(None, D(2020, 11, 30))),
    ("voor de begrotingsbehandeling 2020", D(2020, 6, 1), r(D(2020, 6, 1), D(2020, 11, 30))),
    # Days and months.
    ("voor 1 januari 2022", None, r(None, D(2021, 12, 31))),
    ("voor 1 januari 2022", REF, r(REF, D(2021, 12, 31))),
    ("uiterlijk voor 1 maart 2024", None, r(None, D(2024, 2, 29))),
    ("uiterlijk 1 maart 2021", None, r(None, D(2021, 3, 1))),
    ("uiterlijk 1 maart 2021", REF, r(None, D(2021, 3, 1))),  # document dated after it
    ("uiterlijk op 31 december 2021", REF, r(REF, D(2021, 12, 31))),
    ("op 1 juli 2021", None, r(D(2021, 7, 1), D(2021, 7, 1))),
    ("1 juli 2021", None, r(D(2021, 7, 1), D(2021, 7, 1))),
    ("in maart 2021", None, r(D(2021, 3, 1), D(2021, 3, 31))),
    ("in februari 2024", None, r(D(2024, 2, 1), D(2024, 2, 29))),
    ("voor maart 2021", None, r(None, D(2021, 2, 28))),
    ("voor maart 2021", D(2020, 11, 2), r(D(2020, 11, 2), D(2021, 2, 28))),
    ("uiterlijk december 2021", None, r(None, D(2021, 12, 31))),
    # Case, whitespace, dashes and surrounding text.
    ("  IN HET NAJAAR VAN 2021  ", None, r(D(2021, 9, 1), D(2021, 11, 30))),
    ("Q1\u00a0\u2013\u00a02025", None, r(D(2025, 1, 1), D(2025, 3, 31))),
    ("Voor\nde  zomer\tvan 2021.", None, r(None, D(2021, 6, 30))),
    (
        "De minister informeert de Kamer voor de zomer van 2021 over de evaluatie.",
        REF,
        r(REF, D(2021, 6, 30)),
    ),
    ("Toezegging: uiterlijk 1 maart 2021 (brief)", None, r(None, D(2021, 3, 1))),
    ("De wet wordt in 2025 geëvalueerd", None, r(D(2025, 1, 1), D(2025, 12, 31))),
    ("De Kamer ontvangt dit najaar een brief", REF, r(D(2021, 9, 1), D(2021, 11, 30))),
    ("in het voorjaar van 2021, uiterlijk eind mei 2021", None, None),  # "eind mei" unread
    ("in het najaar van 2021 en uiterlijk in het najaar van 2021", None, None),
    # Nothing certain to read.
    ("", None, None),
    ("   ", REF, None),
    ("jaarlijks", REF, None),
    ("periodiek", REF, None),
    ("jaarlijks in het voorjaar van 2022", None, None),
    ("elk jaar voor de zomer", REF, None),
    ("halfjaarlijks, voor het eerst in 2022", None, None),
    ("zo snel mogelijk", REF, None),
    ("binnenkort", REF, None),
    ("te zijner tijd", REF, None),
    ("in de winter", REF, None),
    ("in de winter van 2021", None, None),
    ("voor de winter van 2021", None, None),
    ("voor de zomer", REF, None),
    ("voor het zomerreces", REF, None),
    ("voor de begrotingsbehandeling", REF, None),
    ("het komende najaar", REF, None),
    ("volgend voorjaar", REF, None),
    ("na de zomer van 2021", None, None),
    ("vanaf 1 januari 2022", None, None),
    ("per 1 januari 2022", None, None),
    ("tot en met 1 maart 2021", None, None),
    ("rond de zomer van 2021", None, None),
    ("niet voor 2025", None, None),
    ("de brief komt niet in 2025", None, None),
    ("niet later dan 1 maart 2021", None, None),
    ("tussen maart en juni 2021", None, None),
    ("maart-juni 2021", None, None),
    ("in 2021 of 2022", None, None),
    ("eind 2021 / begin 2022", None, None),
    ("eind 2021 of begin 2022", None, None),
    ("Q1 2025 - Q2 2025", None, None),
    ("2021-2022", None, None),
    ("eind maart 2021", None, None),
    ("medio maart 2021", None, None),
    ("voor medio 2021", None, None),
    ("voor begin 2021", None, None),
    ("voor het najaar van 2021", None, None),
    ("in maart 2021 of eerder", None, None),
    ("in maart 2021, uiterlijk eind 2021", None, None),  # two different ranges
    ("voor dit najaar", REF, None),
    ("voor volgend jaar", REF, None),  # also "for next year"
    ("eerder dit jaar", REF, None),
    ("de brief van 12 maart 2021", None, None),
    ("het rapport uit 2019", None, None),  # a year in running text is no due phrase
    ("31 februari 2021", None, None),
    ("in 1850", None, None),
    ("Q5 2025", None, None),
    ("in het vijfde kwartaal van 2021", None, None),
    ("in de derde helft van 2021", None, None),
    ("01-03-2021", None, None),
    # Relative phrases without a reference.
    ("later dit jaar", None, None),
    ("dit najaar", None, None),
    ("dit voorjaar", None, None),
    ("deze zomer", None, None),
    ("volgend jaar", None, None),
    ("dit jaar", None, None),
    ("eind dit jaar", None, None),
    ("voor de zomer van dit jaar", None, None),
]


@pytest.mark.parametrize(
    ("phrase", "reference", "expected"),
    CASES,
    ids=[f"{phrase!r}@{reference}" for phrase, reference, _ in CASES],
)
def test_parse_due(phrase, reference, expected):
    assert parse_due(phrase, reference=reference) == expected


def test_conventions_are_named_constants():
    assert RECESS_ENDS == {"zomerreces": (7, 1), "kerstreces": (12, 20)}
    assert SUMMER_END == (6, 30)
    assert BUDGET_DEBATE_END == (11, 30)


def test_reference_is_keyword_only():
    with pytest.raises(TypeError):
        parse_due("later dit jaar", REF)  # type: ignore[misc]


# Property tests.

references = st.one_of(st.none(), st.dates())
years = st.integers(min_value=1900, max_value=2099)
VOCABULARY = [
    *MONTHS,
    *SEASONS,
    *YEAR_PARTS,
    *ORDINALS,
    *RECESS_ENDS,
    *re.findall(r"\S+", "voor vóór uiterlijk in op de het van na tot of en - – / , . q1 q4 q5"),
    *re.findall(r"\S+", "winter begrotingsbehandeling kwartaal helft halfjaar dit deze jaar"),
    *re.findall(r"\S+", "volgend later loop jaarlijks niet 1 15 31 0 1899 2020 2021 2099"),
]
phrases_from_vocabulary = st.lists(st.sampled_from(VOCABULARY), max_size=10).map(" ".join)


def assert_well_formed(result):
    assert result is None or isinstance(result, DueRange)
    if result is not None:
        assert result.end is not None
        if result.start is not None:
            assert result.start <= result.end


@given(st.text(), references)
def test_never_raises_on_arbitrary_text(phrase, reference):
    assert_well_formed(parse_due(phrase, reference=reference))


@given(phrases_from_vocabulary, references)
def test_ranges_are_ordered_for_phrase_like_text(phrase, reference):
    assert_well_formed(parse_due(phrase, reference=reference))


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2099, 12, 31)), references)
def test_day_phrases_round_trip(day, reference):
    spelled = f"{day.day} {MONTH_NAMES[day.month]} {day.year}"
    assert parse_due(f"op {spelled}", reference=reference) == r(day, day)
    assert parse_due(f"uiterlijk {spelled}", reference=reference).end == day
    before = parse_due(f"voor {spelled}", reference=reference)
    assert before.end == day - timedelta(days=1)
    assert before.start == (reference if reference and reference <= before.end else None)


@given(years, st.integers(min_value=1, max_value=12))
def test_month_phrases_cover_the_whole_month(year, month):
    result = parse_due(f"in {MONTH_NAMES[month]} {year}")
    assert (result.start.year, result.start.month, result.start.day) == (year, month, 1)
    assert (result.end.year, result.end.month) == (year, month)
    assert (result.end + timedelta(days=1)).day == 1


@given(st.sampled_from([phrase for phrase, _, _ in CASES]), references)
def test_case_and_spacing_do_not_matter(phrase, reference):
    shouted = "  " + phrase.upper().replace(" ", " \t ") + "\n"
    assert parse_due(shouted, reference=reference) == parse_due(phrase, reference=reference)


ABSOLUTE = [phrase for phrase, reference, expected in CASES if reference is None and expected]


@given(st.sampled_from(ABSOLUTE), st.dates())
def test_absolute_phrases_ignore_the_reference_except_as_start(phrase, reference):
    # Read without a reference, an absolute phrase reads the same with one, except that
    # a deadline then starts on the reference date (if that is not after it).
    expected = parse_due(phrase)
    result = parse_due(phrase, reference=reference)
    assert result.end == expected.end
    if expected.start is not None:
        assert result.start == expected.start
    else:
        assert result.start == (reference if reference <= expected.end else None)
