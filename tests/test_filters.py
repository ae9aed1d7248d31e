"""The search filter: full text on PostgreSQL (Dutch stemming, ranked), words as text on
SQLite; the same bounds and the same 400 on both."""

from datetime import date

import pytest
from django.db import connection

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
