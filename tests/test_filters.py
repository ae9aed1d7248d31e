"""The search filter: full text on PostgreSQL (Dutch stemming, ranked), words as text on
SQLite; the same bounds and the same 400 on both. The filter form's widgets: Django's
markup, and the choices of records read once per data version."""

import re
from datetime import date

import pytest
from django import forms
from django.db import connection

from commitments import filters, versions

from . import factories

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search (tsvector, Dutch stemming) is PostgreSQL's; SQLite matches text",
)


def keys(response):
    assert response.status_code == 200
    return [obj.key for obj in response.context["object_list"]]


def test_every_word_must_occur_in_one_of_the_columns(client):
    factories.commitment(key="tz-beide", title="Stikstof in Brabant", text="Over de natuur.")
    factories.commitment(key="tz-titel", title="Stikstof in Limburg", text="Over boeren.")
    factories.commitment(key="tz-geen", title="Woningbouw in Brabant", text="Over huizen.")
    assert keys(client.get("/commitments/", {"q": "stikstof natuur"})) == ["tz-beide"]
    assert sorted(keys(client.get("/commitments/", {"q": "Brabant"}))) == [
        "tz-beide",
        "tz-geen",
    ]
    assert keys(client.get("/commitments/", {"q": "windmolens"})) == []


def test_motions_and_letters_are_found_by_number_and_by_text(client):
    motion = factories.motion(key="motie-n", number="42", title="Over de jeugdzorg")
    factories.motion(key="motie-ander", number="7", title="Over de zorg")
    assert keys(client.get("/motions/", {"q": "jeugdzorg"})) == [motion.key]
    assert keys(client.get("/motions/", {"q": "42"})) == [motion.key]
    letter = factories.letter(key="brief-n", title="Voortgang asielopvang")
    factories.letter(key="brief-ander", title="Voortgang energietransitie")
    assert keys(client.get("/letters/", {"q": "asielopvang"})) == [letter.key]


@pytest.mark.parametrize(
    ("value", "message"),
    [("x" * 201, "200"), (" ".join(["woord"] * 11), "10")],
)
def test_a_too_long_search_is_a_400_with_the_reason(client, value, message):
    response = client.get("/en/commitments/", {"q": value})
    assert response.status_code == 400
    assert keys_of(response) == []
    assert message in response.content.decode()


def keys_of(response):
    return [obj.key for obj in response.context["object_list"]]


@postgresql_only
def test_dutch_stemming_finds_plurals_and_other_forms(client):
    factories.commitment(key="tz-wet", title="Een nieuwe wet voor de huurmarkt")
    factories.commitment(key="tz-school", title="Een school in Thorbecke")
    factories.commitment(key="tz-ander", title="Iets anders")
    assert keys(client.get("/commitments/", {"q": "wetten"})) == ["tz-wet"]
    assert keys(client.get("/commitments/", {"q": "scholen"})) == ["tz-school"]
    assert keys(client.get("/commitments/", {"q": "maatregelen wet"})) == []
    # Web search syntax: a word after "-" must not occur.
    assert keys(client.get("/commitments/", {"q": "school -Thorbecke"})) == []


@postgresql_only
def test_best_matches_first_unless_a_sort_is_chosen(client):
    factories.commitment(
        key="tz-tekst", title="Natuurherstel", text="Iets over stikstof.", made_on=date(2024, 1, 1)
    )
    factories.commitment(
        key="tz-titel", title="Stikstof en natuur", text="Geen verdere tekst.",
        made_on=date(2020, 1, 1),
    )  # fmt: skip
    # A match in the title ranks above one in the text, the newer commitment notwithstanding.
    assert keys(client.get("/commitments/", {"q": "stikstof"})) == ["tz-titel", "tz-tekst"]
    assert keys(client.get("/commitments/", {"q": "stikstof", "order": "-made_on"})) == [
        "tz-tekst",
        "tz-titel",
    ]


@postgresql_only
def test_the_export_of_a_search_has_the_same_rows(client):
    factories.commitment(key="tz-wet", title="Een nieuwe wet")
    factories.commitment(key="tz-ander", title="Iets anders")
    body = b"".join(client.get("/commitments/export.csv", {"q": "wetten"}).streaming_content)
    lines = body.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("tz-wet,")


def test_search_query_count_does_not_grow_with_matches(client, django_assert_num_queries):
    # The capped count, the rows, the four choice lists of the form and the page's ETag;
    # on PostgreSQL the ranked page reads its keys first (one query more).
    expected = 8 if connection.vendor == "postgresql" else 7
    for n in range(3):
        factories.commitment(title=f"Rapport {n}", made_by=factories.office())
    with django_assert_num_queries(expected):
        client.get("/commitments/", {"q": "rapport"})
    for n in range(20):
        factories.commitment(title=f"Rapport extra {n}", made_by=factories.office())
    with django_assert_num_queries(expected):
        client.get("/commitments/", {"q": "rapport"})


# The filter form's widgets ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("quick", "django"),
    [
        (filters.QuickTextInput, forms.TextInput),
        (filters.QuickNumberInput, forms.NumberInput),
        (filters.QuickHiddenInput, forms.HiddenInput),
        (filters.QuickDateInput, forms.DateInput),
    ],
)
@pytest.mark.parametrize("value", [None, "", 'a "b" & <c>', 2021, date(2021, 3, 4)])
def test_the_quick_inputs_are_djangos_markup(quick, django, value):
    attrs = {"type": "date"} if django is forms.DateInput else None
    extra = {"id": "id_x", "aria-invalid": "true", "autofocus": True, "disabled": False}
    expected = django(attrs=attrs).render("x", value, attrs=extra)
    assert quick(attrs=attrs).render("x", value, attrs=extra) == expected


def ministries(response):
    html = response.content.decode()
    select = html[
        html.index('name="ministry"') : html.index("</select>", html.index('name="ministry"'))
    ]
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_choices_are_read_once_per_data_version(client, django_assert_num_queries):
    factories.ministry(key="vws", name="VWS")
    first = client.get("/commitments/")
    assert ministries(first) == ["", "vws"]
    # The same data: the four lists of records (ministries, persons, cabinets, themes) kept.
    with django_assert_num_queries(3):  # the ETag's data version, the count and the rows
        again = client.get("/commitments/")
    assert again.content == first.content
    # New data, written as the admin writes it (raising the data version): read again.
    with versions.change():
        factories.ministry(key="ezk", name="EZK")
    assert ministries(client.get("/commitments/")) == ["", "ezk", "vws"]
    assert ministries(client.get("/en/commitments/", {"ministry": "vws"})) == ["", "ezk", "vws"]
