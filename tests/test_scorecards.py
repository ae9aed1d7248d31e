"""Scorecards: the figures, attribution by tenure, sorting, links to exactly the rows
counted, and a fixed number of queries."""

import random
import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.utils import timezone

from commitments import scorecards
from commitments.models import Commitment, Role, Status

from . import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


def get(client, url, language="en"):
    """English pages are under /en/; the links on them already are."""
    if language == "en" and not url.startswith("/en/"):
        url = "/en" + url
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def linked_figures(html):
    """(number, href) of every link to a list whose text is a number."""
    figures = []
    for href, inner in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        href = unescape(href).removeprefix("/en")
        text = re.sub(r"<[^>]+>", "", inner).strip()
        is_list = href.startswith(("/commitments/?", "/motions/?")) or href in (
            "/commitments/",
            "/motions/",
        )
        if is_list and text.isdigit():
            figures.append((int(text), href))
    return figures


def follow(client, figures):
    for number, href in figures:
        assert client.get(href).context["paginator"].count == number, href


def random_data(seed=3, n=20):
    """Commitments over posts held by successive persons, some made by offices that name
    nobody, with themes, cabinets, due dates and status updates over several years."""
    rng = random.Random(seed)
    cabinets = [
        factories.cabinet(start=date(2017, 10, 26), end=date(2022, 1, 10)),
        factories.cabinet(start=date(2022, 1, 10), end=None),
    ]
    themes = [factories.theme(), factories.theme()]
    offices = []
    for _ in range(2):
        ministry = factories.ministry()
        first, second = factories.person(), factories.person()
        offices += [
            factories.office(
                ministry=ministry,
                person=first,
                cabinet=cabinets[0],
                start=date(2017, 10, 26),
                end=date(2022, 1, 10),
            ),
            factories.office(
                ministry=ministry,
                person=second,
                cabinet=cabinets[1],
                start=date(2022, 1, 10),
                end=None,
            ),
            factories.office(ministry=ministry, person=None, cabinet=None),
        ]
    statuses = list(Status)
    for _ in range(n):
        made = date(2018, 1, 1) + timedelta(days=rng.randrange(6 * 365))
        made = min(made, TODAY)
        c = factories.commitment(
            made_on=made,
            due_end=made + timedelta(days=rng.randrange(30, 700)) if rng.random() < 0.8 else None,
            made_by=rng.choice(offices),
            themes=rng.sample(themes, rng.randrange(3)),
        )
        for _ in range(rng.randrange(4)):
            day = min(made + timedelta(days=rng.randrange(0, 1500)), TODAY)
            factories.status_update(c, rng.choice(statuses), day)
        m = factories.motion(date=made)
        if rng.random() < 0.6:
            factories.status_update(m, rng.choice(statuses), min(made + timedelta(400), TODAY))
    factories.commitment(made_on=None, made_by=None)  # no date, no office


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_figure_matches_the_list_it_links_to(client, language):
    random_data()
    pages = ["/", *(f"/scorecards/?by={by}" for by in scorecards.GROUPINGS)]
    pages += [person.get_absolute_url() for person in factories.Person.objects.all()]
    seen = set()
    for url in pages:
        figures = linked_figures(get(client, url, language).content.decode())
        assert figures, url
        follow(client, figures)
        seen |= {href for _n, href in figures}
    # Among them: last year's figures, deadlines, tenure and inheritance.
    for part in ("as_of=", "deadline=overdue", "deadline=no_news", "person_then=", "inherited_by="):
        assert any(part in href for href in seen), part
    for param in ("ministry=", "cabinet=", "theme="):
        assert any(param in href for href in seen), param


def test_figures_add_up_and_kept_is_the_share_fulfilled():
    random_data()
    (commitments, motions) = scorecards.overall()
    figures = commitments["figures"]
    parts = ["fulfilled", "partly", "in_progress", "open", "unkept"]
    assert sum(figures[p] for p in parts) == figures["total"] == Commitment.objects.count()
    assert figures["fulfilled"] == Commitment.objects.filter(status=Status.FULFILLED).count()
    assert commitments["kept"] == round(figures["fulfilled"] / figures["total"] * 100)
    assert motions["figures"]["total"] == factories.Motion.objects.count()


def test_year_ago_counts_the_status_on_that_day():
    c = factories.commitment(made_on=date(2019, 1, 1))
    factories.status_update(c, Status.IN_PROGRESS, scorecards.year_ago(TODAY) - timedelta(1))
    factories.status_update(c, Status.FULFILLED, TODAY)
    factories.commitment(made_on=TODAY)  # made since: not counted a year ago
    (card, _motions) = scorecards.overall()
    now = {cell["name"]: cell["n"] for cell in card["cells"]}
    before = {cell["name"]: cell["before"] for cell in card["cells"]}
    assert (now["total"], now["fulfilled"], now["open"]) == (2, 1, 1)
    assert (before["total"], before["fulfilled"], before["in_progress"]) == (1, 0, 1)
    assert (card["kept"], card["kept_before"], card["kept_change"]) == (50, 0, 50)


def test_year_ago_of_29_february():
    assert scorecards.year_ago(date(2024, 2, 29)) == date(2023, 2, 28)
    assert scorecards.year_ago(date(2025, 3, 1)) == date(2024, 3, 1)


def test_attribution_by_tenure_and_what_the_successor_inherited(client):
    ministry = factories.ministry()
    old = factories.person(key="oud", name="Voorganger")
    new = factories.person(key="nieuw", name="Opvolger")
    factories.office(ministry=ministry, person=old, start=date(2018, 1, 1), end=date(2021, 12, 31))
    factories.office(ministry=ministry, person=new, start=date(2022, 1, 1))
    unnamed = factories.office(ministry=ministry, person=None)  # "de Minister van ..."
    elsewhere = factories.office(ministry=factories.ministry(), person=None)
    # Made under the predecessor, still open: the successor inherited it.
    still_open = factories.commitment(made_on=date(2020, 5, 1), made_by=unnamed, title="Open")
    # Fulfilled before the successor took office: not inherited.
    done = factories.commitment(made_on=date(2020, 6, 1), made_by=unnamed, title="Klaar")
    factories.status_update(done, Status.FULFILLED, date(2021, 3, 1))
    # Fulfilled by the successor: inherited, and closed now.
    later = factories.commitment(made_on=date(2021, 6, 1), made_by=unnamed, title="Later")
    factories.status_update(later, Status.FULFILLED, date(2022, 3, 1))
    # Made under the successor: theirs, not inherited.
    theirs = factories.commitment(made_on=date(2022, 6, 1), made_by=unnamed, title="Eigen")
    # Another ministry's post: nobody held it, nobody inherits it.
    factories.commitment(made_on=date(2020, 5, 1), made_by=elsewhere, title="Elders")

    def titles(query):
        return sorted(r.title for r in get(client, f"/commitments/?{query}").context["object_list"])

    assert titles("person_then=oud") == ["Klaar", "Later", "Open"]
    assert titles("person_then=nieuw") == ["Eigen"]
    assert titles("inherited_by=nieuw") == ["Later", "Open"]
    assert titles("inherited_by=oud") == []
    assert titles("inherited_by=nieuw&status=open") == ["Open"]

    card = scorecards.person_card(new)
    assert (card["total"], card["inherited"], card["inherited_open"]) == (1, 2, 1)
    rows = {r["key"]: r for r in scorecards.ranking(scorecards.GROUPINGS["person"])}
    assert rows["oud"]["total"] == 3 and rows["oud"]["figures"]["fulfilled"] == 2
    assert rows["nieuw"]["inherited"] == 2
    assert rows[None]["total"] == 1  # the other ministry's: office holder not known
    days = [(date(2021, 3, 1) - date(2020, 6, 1)).days, (date(2022, 3, 1) - date(2021, 6, 1)).days]
    assert rows["oud"]["median_days"] == sum(days) / 2
    assert theirs.made_by.person is None and still_open.status == Status.OPEN


def test_the_maker_does_not_inherit_from_themselves_when_reappointed(client):
    ministry = factories.ministry()
    person = factories.person(key="herbenoemd")
    first = factories.office(
        ministry=ministry, person=person, start=date(2018, 1, 1), end=date(2021, 12, 31)
    )
    factories.office(ministry=ministry, person=person, start=date(2022, 1, 1))
    factories.commitment(made_on=date(2020, 1, 1), made_by=first)
    assert scorecards.person_card(person)["inherited"] == 0
    assert get(client, "/commitments/?inherited_by=herbenoemd").context["paginator"].count == 0


def test_same_role_only():
    ministry = factories.ministry()
    minister = factories.person(key="minister")
    secretary = factories.person(key="staatssecretaris")
    factories.office(ministry=ministry, person=minister, start=date(2018, 1, 1))
    factories.office(
        ministry=ministry, person=secretary, role=Role.STAATSSECRETARIS, start=date(2018, 1, 1)
    )
    unnamed = factories.office(ministry=ministry, person=None, role=Role.STAATSSECRETARIS)
    factories.commitment(made_on=date(2020, 1, 1), made_by=unnamed)
    rows = {r["key"]: r for r in scorecards.ranking(scorecards.GROUPINGS["person"])}
    assert rows["staatssecretaris"]["total"] == 1
    assert "minister" not in rows


def ranking_data():
    """Three ministries: A 2 of 2 fulfilled; B 1 of 3, 2 overdue; C none of 1, overdue."""
    past = TODAY - timedelta(days=400)
    for name, outcomes in (
        ("A", [Status.FULFILLED, Status.FULFILLED]),
        ("B", [Status.FULFILLED, Status.IN_PROGRESS, Status.IN_PROGRESS]),
        ("C", [Status.OPEN]),
    ):
        office = factories.office(ministry=factories.ministry(key=f"min-{name}", name=name))
        for status in outcomes:
            c = factories.commitment(
                made_on=past, due_end=past + timedelta(days=10), made_by=office
            )
            factories.status_update(c, status, past + timedelta(days=100))


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-kept", ["A", "B", "C"]),
        ("kept", ["C", "B", "A"]),
        ("-overdue", ["B", "C", "A"]),
        ("overdue", ["A", "C", "B"]),
        ("name", ["A", "B", "C"]),
        ("-name", ["C", "B", "A"]),
        ("-total", ["B", "A", "C"]),
    ],
)
def test_rankings_sort_by_the_query_string(client, sort, order):
    ranking_data()
    response = get(client, f"/scorecards/?by=ministry&sort={sort}")
    assert [row["label"] for row in response.context["rows"]] == order
    html = response.content.decode()
    positions = [html.index(f">{name}</th>") for name in order]
    assert positions == sorted(positions)


def test_sort_links_toggle_and_mark_the_current_column(client):
    ranking_data()
    html = get(client, "/scorecards/?by=ministry&sort=-kept").content.decode()
    assert 'aria-sort="descending"><a href="?by=ministry&amp;sort=kept"' in html
    assert 'href="?by=ministry&amp;sort=-overdue"' in html
    assert 'href="?by=person&amp;sort=-kept"' in html  # the tabs keep the order


@pytest.mark.parametrize("query", ["by=party", "sort=-colour", "by=theme&sort=kept;drop"])
def test_bad_parameters_answer_400_with_the_reason(client, query):
    response = client.get(f"/en/scorecards/?{query}")
    assert response.status_code == 400
    assert "choose one of" in response.content.decode()


def test_both_languages(client):
    ranking_data()
    nl = get(client, "/scorecards/", "nl").content.decode()
    en = get(client, "/scorecards/", "en").content.decode()
    assert "Per ministerie" in nl and "By ministry" in en
    assert "Nagekomen" in nl and "Kept" in en


def make_rows(n):
    ministry = factories.ministry()
    cabinet = factories.cabinet()
    theme = factories.theme()
    for i in range(n):
        office = factories.office(
            ministry=ministry, cabinet=cabinet, start=date(2018 + i % 4, 1, 1)
        )
        c = factories.commitment(
            made_on=date(2019, 1, 1), due_end=date(2020, 1, 1), made_by=office, themes=[theme]
        )
        factories.status_update(c, Status.FULFILLED, date(2021, 1, 1))
        factories.commitment(made_on=date(2020, 1, 1), made_by=factories.office(person=None))


@pytest.mark.parametrize("n", [2, 12])
def test_query_counts_do_not_grow_with_rows(django_assert_num_queries, n):
    make_rows(n)
    with django_assert_num_queries(3):  # 2 for commitments, 1 for motions
        scorecards.overall()
    for grouping, queries in (("ministry", 3), ("cabinet", 3), ("theme", 3), ("person", 4)):
        with django_assert_num_queries(queries):
            rows = scorecards.ranking(scorecards.GROUPINGS[grouping])
        assert sum(r["total"] for r in rows) == 2 * n
    person = factories.Person.objects.first()
    with django_assert_num_queries(3):
        scorecards.person_card(person)
