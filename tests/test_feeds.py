"""The Atom feed of status updates: valid Atom, newest first, list filters, 400 on bad input."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils import translation

from commitments.choices import Status
from commitments.feeds import filtered_updates

from . import factories

pytestmark = pytest.mark.django_db

# Every anonymous page asks once for the data version of its ETag (tracker/caching.py).
ETAG_QUERIES = 1

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


def get_feed(client, query="", status=200):
    response = client.get(f"/en/feed/{query}")
    assert response.status_code == status, response.content[:500]
    return response


def entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def titles(response):
    return [e.find(f"{ATOM}title").text for e in entries(response)[1]]


def test_feed_is_valid_atom(client):
    source = factories.letter(title="Voortgangsbrief")
    c = factories.commitment(title="Rapport sturen")
    factories.status_update(c, Status.IN_PROGRESS, date(2021, 1, 1), note="Eerste stap & meer")
    factories.status_update(c, Status.FULFILLED, date(2021, 6, 1), evidence_letter=source)
    root, items = entries(get_feed(client))

    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/en/feed/"
    assert len(items) == 2
    ids = [e.find(f"{ATOM}id").text for e in items]
    assert len(set(ids)) == 2
    assert all(i.startswith("tag:testserver,") for i in ids)
    for entry in items:
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}published").text
        link = entry.find(f"{ATOM}link").get("href")
        assert link == f"http://testserver{c.get_absolute_url()}"
    newest, oldest = items
    assert newest.find(f"{ATOM}title").text == "fulfilled: Rapport sturen"
    summary = newest.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "Voortgangsbrief" in summary.text
    assert f"http://testserver{source.get_absolute_url()}" in summary.text
    assert "Eerste stap &amp; meer" in oldest.find(f"{ATOM}summary").text


def test_feed_is_newest_first_and_holds_fifty(client):
    c = factories.commitment(title="A")
    m = factories.motion(title="B", submitter=factories.member(name="Klaver"))
    factories.status_update(c, Status.IN_PROGRESS, date(2020, 1, 1))
    factories.status_update(m, Status.FULFILLED, date(2022, 1, 1))
    factories.status_update(c, Status.LAPSED, date(2021, 1, 1))
    factories.status_update(c, Status.NOT_FULFILLED, date(2021, 1, 1))  # same day, later
    assert titles(get_feed(client)) == [
        "fulfilled: Motion Klaver B",
        "not fulfilled: A",
        "lapsed: A",
        "in progress: A",
    ]
    for day in range(1, 52):
        factories.status_update(c, Status.IN_PROGRESS, date(2023, 1, 1).replace(day=day % 28 + 1))
    assert len(titles(get_feed(client))) == 50


def test_filter_by_person_excludes_others(client):
    mine = factories.person(key="mona-keijzer")
    other = factories.person(key="someone-else")
    a = factories.commitment(title="Mijn toezegging", made_by=factories.office(person=mine))
    b = factories.commitment(title="Andere toezegging", made_by=factories.office(person=other))
    m = factories.motion(title="motie")
    for subject in (a, b, m):
        factories.status_update(subject, Status.IN_PROGRESS, date(2021, 1, 1))
    assert titles(get_feed(client, "?person=mona-keijzer")) == ["in progress: Mijn toezegging"]
    assert len(titles(get_feed(client))) == 3


def test_theme_filter_applies_to_commitments_and_motions(client):
    zorg = factories.theme(key="zorg")
    c = factories.commitment(title="Zorg", themes=[zorg])
    other = factories.commitment(title="Overig")
    m = factories.motion(title="over zorg", themes=[zorg])
    other_motion = factories.motion(title="over iets anders")
    for subject in (c, other, m, other_motion):
        factories.status_update(subject, Status.IN_PROGRESS, date(2021, 1, 1))
    assert sorted(titles(get_feed(client, "?theme=zorg"))) == [
        "in progress: Motion over zorg",
        "in progress: Zorg",
    ]


def test_commitment_only_filters_leave_motions_out(client):
    ministry = factories.ministry(key="min-bzk")
    c = factories.commitment(title="BZK", made_by=factories.office(ministry=ministry))
    m = factories.motion(title="motie")
    factories.status_update(c, Status.FULFILLED, date(2021, 1, 1))
    factories.status_update(m, Status.FULFILLED, date(2021, 1, 1))
    assert titles(get_feed(client, "?ministry=min-bzk")) == ["fulfilled: BZK"]
    # status is the current status, on both sides
    assert len(titles(get_feed(client, "?status=fulfilled"))) == 2
    assert titles(get_feed(client, "?status=open")) == []


def test_motion_only_filters_leave_commitments_out(client):
    c = factories.commitment(title="Toezegging")
    m = factories.motion(title="over iets", submitter=factories.member(name="Paternotte"))
    factories.status_update(c, Status.FULFILLED, date(2021, 1, 1))
    factories.status_update(m, Status.FULFILLED, date(2021, 1, 1))
    assert titles(get_feed(client, "?party=d66")) == ["fulfilled: Motion Paternotte over iets"]


@pytest.mark.parametrize(
    "query",
    [
        "?person=nobody",
        "?ministry=nope",
        "?theme=nope",
        "?status=done",
        "?year=abc",
        "?year=99999",
        "?year=1700",
        "?cabinet=x",
    ],
)
def test_bad_filter_gives_400(client, query):
    get_feed(client, query, status=400)


def test_bad_filter_message_names_the_parameter():
    with (
        translation.override("en"),
        pytest.raises(BadRequest, match=r"^Invalid filter: person: [^;]+; year: [^;]+$"),
    ):
        filtered_updates(QueryDict("person=nobody&year=abc"))


def test_unknown_and_ordering_parameters_are_ignored(client):
    c = factories.commitment(title="A")
    factories.status_update(c, Status.IN_PROGRESS, date(2020, 1, 1))
    assert titles(get_feed(client, "?utm_source=x&order=bogus&page=3")) == ["in progress: A"]


def make_updates(n):
    theme = factories.theme(key=f"theme-{n}")
    person = factories.person()
    for i in range(n):
        c = factories.commitment(made_by=factories.office(person=person), themes=[theme])
        m = factories.motion(submitter=factories.member(), themes=[theme])
        letter = factories.letter(dossier=factories.dossier(), number=str(i))
        factories.status_update(c, Status.IN_PROGRESS, date(2021, 1, 1), evidence_letter=letter)
        factories.status_update(m, Status.FULFILLED, date(2021, 2, 1), evidence_letter=letter)
    return theme, person


@pytest.mark.parametrize("n", [2, 20])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    theme, person = make_updates(n)
    with django_assert_num_queries(1 + ETAG_QUERIES):
        assert len(titles(get_feed(client))) == 2 * n
    # one more query per key parameter and filter set that validates it
    with django_assert_num_queries(4 + ETAG_QUERIES):
        response = get_feed(client, f"?theme={theme.key}&person={person.key}")
        assert len(titles(response)) == n


def test_deadline_filters_and_the_old_overdue_address(client):
    late = factories.commitment(title="Te laat", due_end=date(2020, 1, 1))
    factories.status_update(late, Status.IN_PROGRESS, date(2020, 6, 1))
    silent = factories.commitment(title="Stil", due_end=date(2020, 1, 1))
    factories.status_update(silent, Status.OPEN, date(2019, 6, 1))
    motion = factories.motion(title="Motie")
    factories.status_update(motion, Status.OPEN, date(2020, 6, 1))
    assert titles(get_feed(client, "?overdue=true")) == ["in progress: Te laat"]
    assert titles(get_feed(client, "?deadline=overdue")) == ["in progress: Te laat"]
    assert titles(get_feed(client, "?deadline=no_news")) == ["open: Stil"]
    assert len(titles(get_feed(client))) == 3
