"""The scorecards in the API: the same figures as ``commitments.scorecards``, each with
the address of its list on the site and in the API, both giving exactly that many rows;
bad parameters answered 400 with the reason; a fixed number of queries."""

from urllib.parse import urlsplit

import pytest

from commitments import scorecards
from commitments.models import Person

from . import factories
from .test_scorecards import random_data

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return response.json()


def api_count(client, api_url):
    """The number of rows an API list gives, following its cursor pages."""
    assert api_url.startswith(f"{BASE}/api/"), api_url
    url, n = api_url.removeprefix(BASE), 0
    while url:
        page = get(client, url)
        n += len(page["results"])
        url = page["next"] and page["next"].removeprefix(BASE)
    return n


def page_count(client, url):
    path = url.removeprefix(BASE)
    assert urlsplit(path).path in ("/commitments/", "/motions/"), url
    return client.get(path).context["paginator"].count


def links(card):
    """Every (count, url, api_url) of an API card."""
    for figure in card["figures"]:
        for when in ("now", "year_ago"):
            yield figure[when]
    for name in ("inherited", "inherited_open"):
        if card.get(name):
            yield card[name]


def same_query(link):
    """The site's list and the API list take the same query string."""
    assert urlsplit(link["url"]).query == urlsplit(link["api_url"]).query


def expected_card(card):
    """What ``scorecards`` computes for one card, as the API names it."""
    return {
        "total": card["total"],
        "kept": card["kept"],
        "kept_year_ago": card["kept_before"],
        "kept_change": card["kept_change"],
        "median_days": card["median_days"],
        "figures": [(c["name"], c["n"], c["before"]) for c in card["cells"]],
    }


def api_card(card):
    result = {name: card[name] for name in ("total", "kept", "kept_year_ago", "kept_change")}
    result["median_days"] = card["median_days"]
    result["figures"] = [
        (f["name"], f["now"]["count"], f["year_ago"]["count"]) for f in card["figures"]
    ]
    return result


def test_overall_cards_equal_the_scorecards_and_their_lists(client):
    random_data()
    answer = get(client, "/api/scorecards/")
    expected = scorecards.overall()
    assert [c["subject"] for c in answer["cards"]] == ["commitments", "motions"]
    assert [api_card(c) for c in answer["cards"]] == [expected_card(c) for c in expected]
    assert answer["year_ago"] == expected[0]["year_ago"].isoformat()
    for card in answer["cards"]:
        for link in links(card):
            same_query(link)
            assert page_count(client, link["url"]) == link["count"], link
            assert api_count(client, link["api_url"]) == link["count"], link
    assert answer["cards"][1]["figures"][0]["now"]["api_url"] == f"{BASE}/api/motions/"
    assert set(answer["rankings"]) == set(scorecards.GROUPINGS)
    assert answer["rankings"]["person"] == f"{BASE}/api/scorecards/person/"


@pytest.mark.parametrize("by", list(scorecards.GROUPINGS))
def test_each_ranking_equals_the_scorecards_and_its_lists(client, by):
    random_data()
    answer = get(client, f"/api/scorecards/{by}/?sort=-overdue")
    expected = scorecards.ranking(scorecards.GROUPINGS[by], "-overdue")
    assert (answer["by"], answer["sort"]) == (by, "-overdue")
    assert [r["key"] for r in answer["rows"]] == [r["key"] for r in expected]
    assert [r["label"] for r in answer["rows"]] == [r["label"] for r in expected]
    assert [api_card(r) for r in answer["rows"]] == [expected_card(r) for r in expected]
    followed = 0
    for row in answer["rows"]:
        for link in links(row):
            if row["key"] is None:  # the row without a group has no list
                assert link["url"] is None and link["api_url"] is None
                continue
            same_query(link)
            assert api_count(client, link["api_url"]) == link["count"], link
            followed += 1
    assert followed


def test_persons_have_their_pages_and_what_they_inherited(client):
    random_data()
    answer = get(client, "/api/scorecards/person/")
    expected = {r["key"]: r for r in scorecards.ranking(scorecards.GROUPINGS["person"]) if r["key"]}
    inherited = 0
    for row in answer["rows"]:
        if row["key"] is None:
            assert row["url"] is row["api_url"] is None
            continue
        person = Person.objects.get(key=row["key"])
        assert row["url"] == BASE + person.get_absolute_url()
        assert get(client, row["api_url"].removeprefix(BASE))["key"] == person.key
        assert row["inherited"]["count"] == expected[row["key"]]["inherited"]
        assert row["inherited_open"]["count"] == expected[row["key"]]["inherited_open"]
        for link in (row["inherited"], row["inherited_open"]):
            assert "inherited_by=" in link["api_url"]
            assert api_count(client, link["api_url"]) == link["count"]
        inherited += row["inherited"]["count"]
    assert inherited  # the data has successors
    ministry = get(client, "/api/scorecards/ministry/")["rows"][0]
    assert ministry["url"] is ministry["api_url"] is ministry["inherited"] is None


@pytest.mark.parametrize(
    ("url", "parameters"),
    [
        ("/api/scorecards/minister/", {"by"}),
        ("/api/scorecards/ministry/?sort=kept;", {"sort"}),
        ("/api/scorecards/party/?sort=-name-", {"by", "sort"}),
    ],
)
def test_bad_parameters_answer_400_with_the_reason(client, url, parameters):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    errors = response.json()
    assert set(errors) == parameters
    assert all("choose one of" in errors[p][0] or "kies" in errors[p][0] for p in parameters)


@pytest.mark.parametrize("n", [1, 8])
def test_query_counts_do_not_grow_with_groups(client, django_assert_num_queries, n):
    for _ in range(n):
        office = factories.office(person=factories.person(), cabinet=factories.cabinet())
        factories.commitment(made_by=office, themes=[factories.theme()])
        factories.commitment(made_by=factories.office(ministry=office.ministry, person=None))
    with django_assert_num_queries(3):  # as scorecards.overall()
        get(client, "/api/scorecards/")
    for by in scorecards.GROUPINGS:
        with django_assert_num_queries(4 if by == "person" else 3):  # as scorecards.ranking()
            rows = get(client, f"/api/scorecards/{by}/")["rows"]
        assert len([r for r in rows if r["key"]]) >= n


def test_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    ranking = schema["paths"]["/api/scorecards/{by}/"]["get"]
    parameters = {p["name"]: p for p in ranking["parameters"]}
    assert set(parameters["by"]["schema"]["enum"]) == set(scorecards.GROUPINGS)
    assert set(parameters["sort"]["schema"]["enum"]) == set(scorecards.sort_choices())
    assert "400" in ranking["responses"]
    assert "/api/scorecards/" in schema["paths"]


def test_browsable_without_javascript(client):
    factories.commitment(key="one")
    response = client.get("/api/scorecards/ministry/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "/api/commitments/" in response.content.decode()
