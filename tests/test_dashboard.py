"""The progress dashboard: status as of each year end, overdue counts, links, SVG charts."""

import random
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from commitments import progress, services, tallies
from commitments.choices import DeadlineState, Status
from commitments.filters import CommitmentFilter
from commitments.models import Commitment, Motion, StatusUpdate
from commitments.templatetags import charts

from . import factories

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
THIS_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


def get_progress(client):
    response = client.get("/en/progress/")
    assert response.status_code == 200
    return response


def as_of_row(response, year, section="commitments"):
    rows = response.context[section]["as_of"]
    (row,) = [r for r in rows if r["label"] == str(year)]
    return row


def counts(row):
    return {cell["status"]: cell["n"] for cell in row["cells"]}


def yearly(subject):
    """The yearly figures the dashboard shows, read from the tallies; they must equal a
    full recompute from the status updates."""
    shown = progress.from_tallies(subject, THIS_YEAR, tallies.read()[subject.name])
    assert shown == progress.recompute(subject, THIS_YEAR)
    return shown


def svgs(html):
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def test_status_at_each_year_end_follows_the_updates():
    c = factories.commitment(made_on=date(2020, 3, 1))
    factories.status_update(c, Status.FULFILLED, date(2021, 5, 1))
    rows = {row["year"]: row for row in yearly(progress.COMMITMENTS)[0]}

    assert rows[2020]["counts"][Status.OPEN] == 1
    assert rows[2020]["counts"][Status.FULFILLED] == 0
    assert rows[2021]["counts"][Status.OPEN] == 0
    assert rows[2021]["counts"][Status.FULFILLED] == 1
    assert rows[THIS_YEAR]["counts"][Status.FULFILLED] == 1
    assert rows[2020]["made"] == 1
    assert rows[2021]["made"] == 0
    assert rows[2021]["fulfilled"] == 1
    assert rows[2020]["fulfilled"] == 0
    assert min(rows) == 2020


def test_page_shows_the_bars_per_year(client):
    c = factories.commitment(made_on=date(2020, 3, 1))
    factories.status_update(c, Status.FULFILLED, date(2021, 5, 1))
    response = get_progress(client)

    assert counts(as_of_row(response, 2020))[Status.OPEN] == 1
    assert counts(as_of_row(response, 2020))[Status.FULFILLED] == 0
    assert counts(as_of_row(response, 2021))[Status.FULFILLED] == 1
    assert counts(as_of_row(response, 2021))[Status.OPEN] == 0
    section = response.context["commitments"]
    chart = charts.geometry(section["as_of_chart"], section["as_of"])
    bars = {bar["label"]: bar for bar in chart["bars"]}
    assert [s["status"] for s in bars["2020"]["segments"]] == [Status.OPEN]
    assert [s["status"] for s in bars["2021"]["segments"]] == [Status.FULFILLED]


def test_items_made_later_do_not_count_yet():
    factories.commitment(made_on=date(2020, 3, 1))
    factories.commitment(made_on=date(2022, 12, 31))
    rows = {row["year"]: row for row in yearly(progress.COMMITMENTS)[0]}
    assert rows[2021]["total"] == 1
    assert rows[2022]["total"] == 2
    assert rows[2022]["made"] == 1


def test_latest_update_of_a_year_wins_and_carries_over():
    c = factories.commitment(made_on=date(2019, 1, 1))
    factories.status_update(c, Status.IN_PROGRESS, date(2019, 6, 1))
    factories.status_update(c, Status.FULFILLED, date(2019, 6, 1))  # same day, recorded later
    factories.status_update(c, Status.IN_PROGRESS, date(2019, 3, 1))  # earlier date, later record
    factories.status_update(c, Status.LAPSED, date(2022, 1, 1))
    rows = {row["year"]: row for row in yearly(progress.COMMITMENTS)[0]}
    assert rows[2019]["counts"][Status.FULFILLED] == 1
    assert rows[2021]["counts"][Status.FULFILLED] == 1
    assert rows[2022]["counts"][Status.LAPSED] == 1
    assert rows[2022]["counts"][Status.FULFILLED] == 0


def test_update_dated_before_the_item_was_made_counts_from_that_year():
    c = factories.commitment(made_on=date(2021, 6, 1))
    factories.status_update(c, Status.IN_PROGRESS, date(2020, 1, 1))
    rows = {row["year"]: row for row in yearly(progress.COMMITMENTS)[0]}
    assert min(rows) == 2021
    assert rows[2021]["counts"][Status.IN_PROGRESS] == 1
    assert rows[2021]["counts"][Status.OPEN] == 0


def test_overdue_and_no_news_at_year_end():
    silent = factories.commitment(made_on=date(2020, 1, 1), due_end=date(2021, 6, 30))
    still_open = factories.commitment(made_on=date(2020, 1, 1), due_end=date(2021, 6, 30))
    factories.status_update(still_open, Status.IN_PROGRESS, date(2021, 9, 1))
    due_new_year = factories.commitment(made_on=date(2020, 1, 1), due_end=date(2021, 12, 31))
    in_time = factories.commitment(made_on=date(2020, 1, 1), due_end=date(2021, 3, 1))
    factories.status_update(in_time, Status.FULFILLED, date(2021, 2, 1))
    late = factories.commitment(made_on=date(2020, 1, 1), due_end=date(2021, 3, 1))
    factories.status_update(late, Status.IN_PROGRESS, date(2021, 1, 1))
    factories.status_update(late, Status.FULFILLED, date(2022, 2, 1))
    partly = factories.commitment(made_on=date(2020, 1, 1), due_end=date(2020, 3, 1))
    factories.status_update(partly, Status.PARTIALLY_FULFILLED, date(2020, 2, 1))
    factories.status_update(partly, Status.PARTIALLY_FULFILLED, date(2021, 2, 1))
    factories.commitment(made_on=date(2020, 1, 1))  # no due date: never either
    rows = {row["year"]: row for row in yearly(progress.COMMITMENTS)[0]}

    assert (rows[2020]["overdue"], rows[2020]["no_news"]) == (0, 1)  # partly: news before due
    # 2021: partly and still_open have news after their due date; silent and late none.
    assert (rows[2021]["overdue"], rows[2021]["no_news"]) == (2, 2)
    # 2022: late was fulfilled; due_new_year is past due now, without news.
    assert (rows[2022]["overdue"], rows[2022]["no_news"]) == (2, 2)
    assert silent.due_end < date(2021, 12, 31) <= due_new_year.due_end


def test_commitments_without_a_date_count_from_their_letter(client):
    letter = factories.letter(date=date(2019, 4, 1))
    factories.commitment(made_on=None, source_letter=letter, due_end=date(2019, 6, 1))
    factories.commitment(made_on=None)  # nothing to date it by
    response = get_progress(client)
    rows = {row["label"]: row for row in response.context["commitments"]["as_of"]}
    assert rows["2019"]["made"] == 1 and rows["2019"]["no_news"] == 1
    assert response.context["commitments"]["undated"] == 1


def random_data(seed, n):
    rng = random.Random(seed)
    statuses = list(Status.values)
    ministry, person = factories.ministry(), factories.person()
    office = factories.office(ministry=ministry, person=person)
    theme = factories.theme()
    letters = [factories.letter(date=date(2017 + k, 3, 1)) for k in range(5)]
    for _ in range(n):
        made = date(2018, 1, 1) + timedelta(days=rng.randrange(6 * 365))
        due = made + timedelta(days=rng.randrange(-10, 900)) if rng.random() < 0.7 else None
        due = max(due, made) if due else None
        c = factories.commitment(
            made_on=made if rng.random() < 0.8 else None,
            source_letter=rng.choice(letters) if rng.random() < 0.5 else None,
            due_end=due,
            made_by=office,
            themes=[theme] if rng.random() < 0.5 else [],
        )
        m = factories.motion(date=made if rng.random() < 0.9 else None)
        for subject in (c, m):
            for _ in range(rng.randrange(5)):
                day = date(2017, 6, 1) + timedelta(days=rng.randrange((THIS_YEAR - 2016) * 365))
                day = min(day, date.today())  # status updates are never dated ahead
                factories.status_update(subject, rng.choice(statuses), day)


def reference(queryset, made_field, year):
    """The naive computation: the model's status_as_of subquery, one query per year; the
    deadline states from the list's own filter."""
    day = date(year, 12, 31)
    model = queryset.model
    items = list(queryset.filter(**{f"{made_field}__lte": day}).status_as_of(day))
    status = Counter(item.status_as_of or Status.OPEN for item in items)
    subject = model._meta.model_name
    fulfilled = (
        StatusUpdate.objects.filter(
            **{f"{subject}__isnull": False}, status=Status.FULFILLED, date__year=year
        )
        .values(subject)
        .distinct()
        .count()
    )
    deadline = {
        state: CommitmentFilter({"as_of": day, "deadline": state}).qs.count()
        for state in DeadlineState
    }
    made = queryset.filter(**{f"{made_field}__year": year}).count()
    return status, fulfilled, deadline, made


def test_yearly_figures_match_the_naive_computation():
    random_data(seed=7, n=40)
    for subject, items, field in (
        (progress.COMMITMENTS, Commitment.objects.all(), "made_on_or_letter"),
        (progress.MOTIONS, Motion.objects.all(), "date"),
    ):
        rows, made_rows, undated = yearly(subject)
        first = items.exclude(**{f"{field}__isnull": True}).order_by(field).first()
        assert rows[0]["year"] == getattr(first, field).year
        for row in rows:
            status, fulfilled, deadline, made = reference(items, field, row["year"])
            assert {s: row["counts"][s] for s in Status} == {s: status[s] for s in Status}
            assert row["fulfilled"] == fulfilled
            assert row["made"] == made
            if subject.due:
                assert row["overdue"] == deadline[DeadlineState.OVERDUE]
                assert row["no_news"] == deadline[DeadlineState.NO_NEWS]
        for row in made_rows:
            current = Counter(
                items.filter(**{f"{field}__year": row["year"]}).values_list("status", flat=True)
            )
            assert {s: row["counts"][s] for s in Status} == {s: current[s] for s in Status}
        assert sum(undated.values()) == items.filter(**{f"{field}__isnull": True}).count()
    # Some commitments were dated by their letter, and some not at all.
    dated_by_letter = Commitment.objects.all().filter(made_on=None)
    assert dated_by_letter.exclude(made_on_or_letter=None).exists()
    assert dated_by_letter.filter(made_on_or_letter=None).exists()


def links(html):
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def test_links_open_the_filtered_list_that_contains_the_item(client):
    c = factories.commitment(made_on=date(2020, 3, 1), title="Unieke toezegging")
    factories.status_update(c, Status.FULFILLED, date(2021, 5, 1))
    factories.commitment(made_on=date(2021, 3, 1), title="Andere toezegging")
    response = get_progress(client)
    hrefs = links(response.content.decode())

    list_url = "/en/commitments/"
    # The chart by year made links to exactly the rows it counts.
    segment = f"{list_url}?year=2020&status=fulfilled"
    assert segment in hrefs
    rows = client.get(segment).context["object_list"]
    assert [r.title for r in rows] == ["Unieke toezegging"]
    # The as-of bars look back: at the end of 2020 the first one was still open.
    assert f"{list_url}?as_of=2020-12-31&status=open" in hrefs
    rows = client.get(f"{list_url}?as_of=2020-12-31&status=open").context["object_list"]
    assert [r.title for r in rows] == ["Unieke toezegging"]
    rows = client.get(f"{list_url}?as_of=2021-12-31&status=open").context["object_list"]
    assert [r.title for r in rows] == ["Andere toezegging"]
    # Every dashboard link to the list uses the list's own parameters.
    known = set(CommitmentFilter.base_filters)
    for href in hrefs:
        parts = urlsplit(href)
        if parts.path == list_url and parts.query:
            assert set(parse_qs(parts.query)) <= known, href


def linked_figures(html):
    """(number, href) of every link to a list on the page: table cells, whose text is the
    number, and chart segments and totals, whose title ends in it."""
    figures = []
    for href, inner in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        href = unescape(href)
        if not href.removeprefix("/en").startswith(("/commitments/", "/motions/")):
            continue
        title = re.search(r"<title>[^<]*: (\d+)</title>", inner)
        text = re.sub(r"<[^>]+>", "", inner).strip()
        if title:
            figures.append((int(title.group(1)), href))
        elif text.isdigit():
            figures.append((int(text), href))
    return figures


def test_every_number_on_the_page_matches_the_list_it_links_to(client):
    """Each bar segment and number on /progress/ opens a list with exactly that many rows:
    the yearly figures (status, made, fulfilled, overdue, no news), the charts by year
    made and the breakdowns."""
    rng = random.Random(7)
    statuses = list(Status)
    letters = [factories.letter(date=date(2018 + k, 6, 1)) for k in range(4)]
    themes = [factories.theme(), factories.theme()]
    offices = [factories.office(), factories.office(person=None)]
    for _ in range(14):
        made = date(2018 + rng.randrange(5), rng.randrange(1, 13), 1)
        c = factories.commitment(
            made_on=made if rng.random() < 0.7 else None,
            source_letter=rng.choice(letters) if rng.random() < 0.6 else None,
            due_end=made + timedelta(days=rng.randrange(900)),
            made_by=rng.choice(offices),
            themes=rng.sample(themes, rng.randrange(3)),
        )
        m = factories.motion(date=made, themes=rng.sample(themes, rng.randrange(3)))
        for subject in (c, m):
            for _ in range(rng.randrange(3)):
                day = made + timedelta(days=rng.randrange(-30, 1500))
                day = min(day, date.today())  # status updates are never dated ahead
                factories.status_update(subject, rng.choice(statuses), day)
    factories.commitment(made_on=None)  # undated: not in the yearly figures
    response = get_progress(client)
    html = response.content.decode()
    figures = linked_figures(html)
    # The breakdowns' own pages, the one by person among them.
    for by in progress.BREAKDOWNS:
        page = client.get(f"/en/progress/?by={by}")
        assert page.status_code == 200
        assert page.context["breakdown"]["rows"], by
        figures += linked_figures(page.content.decode())
    assert any("person=" in href for _number, href in figures)
    for number, href in figures:
        assert client.get(href).context["paginator"].count == number, href
    hrefs = {href for _number, href in figures}
    # Every figure of the yearly tables is among them, overdue and no news included.
    for row in response.context["commitments"]["as_of"]:
        for key in ("total", "made", "fulfilled", "overdue", "no_news"):
            assert (row[key], row[f"{key}_href"]) in figures, key
    assert any("deadline=no_news" in href for href in hrefs)
    assert any("deadline=overdue" in href for href in hrefs)
    assert any(number for number, href in figures if "deadline=" in href)
    assert len(figures) > 150


def test_breakdowns_link_to_the_filtered_list(client):
    ministry = factories.ministry(key="min-vws", name="Volksgezondheid")
    person = factories.person(key="de-jonge")
    theme = factories.theme(key="zorg")
    office = factories.office(ministry=ministry, person=person)
    c = factories.commitment(made_by=office, themes=[theme], title="Zorgtoezegging")
    factories.status_update(c, Status.IN_PROGRESS, date(2021, 1, 1))
    factories.commitment(title="Elders")
    response = get_progress(client)
    hrefs = links(response.content.decode())
    # The breakdown by person, hundreds of rows at full scale, is a page of its own.
    assert "/en/progress/?by=person" in hrefs
    by_person = client.get("/en/progress/?by=person")
    assert by_person.status_code == 200
    hrefs += links(by_person.content.decode())
    list_url = "/en/commitments/"
    for param, key in (("ministry", "min-vws"), ("person", "de-jonge"), ("theme", "zorg")):
        href = f"{list_url}?{param}={key}&status=in_progress"
        assert href in hrefs
        rows = client.get(href).context["object_list"]
        assert [r.title for r in rows] == ["Zorgtoezegging"]
    breakdowns = {b["id"]: b["rows"] for b in response.context["breakdowns"]}
    assert "by-person" not in breakdowns
    (person_row,) = [r for r in by_person.context["breakdown"]["rows"] if r["key"] == "de-jonge"]
    assert person_row["total"] == 1
    (vws,) = [row for row in breakdowns["by-ministry"] if row["key"] == "min-vws"]
    assert vws["label"] == "Volksgezondheid"
    assert vws["total"] == 1
    assert {cell["status"]: cell["n"] for cell in vws["cells"]}[Status.IN_PROGRESS] == 1
    (no_theme,) = [row for row in breakdowns["by-theme"] if row["key"] is None]
    assert no_theme["total"] == 1
    assert all(cell["href"] is None for cell in no_theme["cells"])


def test_charts_are_accessible_svg_with_linked_segments(client, settings):
    c = factories.commitment(made_on=date(2020, 3, 1))
    factories.status_update(c, Status.FULFILLED, date(2021, 5, 1))
    factories.motion(date=date(2020, 1, 1))
    html = get_progress(client).content.decode()
    charts = svgs(html)
    assert len(charts) == 4
    for svg in charts:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text.strip()
        assert desc is not None and "table" in desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        anchors = svg.findall(f".//{SVG}a")
        assert anchors
        for anchor in anchors:
            assert anchor.get("href").startswith(("/en/commitments/?", "/en/motions/?"))
    assert "<script" not in html
    # The colours are the .status-* classes of site.css, written there once.
    first = charts[0]
    swatches = [rect for rect in first.iter(f"{SVG}rect") if rect.get("class") == "swatch"]
    assert swatches and all(rect.get("fill") is None for rect in swatches)
    segments = [a.get("class") for a in first.iter(f"{SVG}a") if "segment" in a.get("class")]
    assert "segment status-fulfilled" in segments
    with open(settings.BASE_DIR / "static" / "css" / "site.css") as stylesheet:
        css = stylesheet.read()
    for status in Status:
        assert re.search(rf"\.status-{status.value} {{ --status-color: #[0-9a-f]{{6}}; }}", css)
    assert "svg .swatch { fill: var(--status-color" in css


def test_empty_database_renders(client):
    response = get_progress(client)
    assert [row["label"] for row in response.context["commitments"]["as_of"]] == [str(THIS_YEAR)]


def make_rows(n):
    ministry, person, theme = factories.ministry(), factories.person(), factories.theme()
    office = factories.office(ministry=ministry, person=person)
    for i in range(n):
        c = factories.commitment(
            made_on=date(2019 + i % 4, 5, 1),
            due_end=date(2021, 1, 1),
            made_by=office,
            themes=[theme],
        )
        factories.status_update(c, Status.IN_PROGRESS, date(2020, 2, 1))
        factories.status_update(c, Status.FULFILLED, date(2021 + i % 3, 2, 1))
        m = factories.motion(date=date(2018 + i % 5, 5, 1), themes=[theme])
        factories.status_update(m, Status.FULFILLED, date(2022, 1, 1))


ETAG_QUERIES = 1  # the data version of the page's ETag (tracker/caching.py)
QUERIES = 3 + ETAG_QUERIES  # the yearly tallies, the sums per ministry and per theme


@pytest.mark.parametrize("n", [2, 20])
def test_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    make_rows(n)
    with django_assert_num_queries(QUERIES):
        response = get_progress(client)
    assert as_of_row(response, THIS_YEAR)["total"] == n


@pytest.mark.parametrize("by", ["person", "ministry", "theme", "motion-theme"])
def test_a_breakdown_page_takes_one_query(client, django_assert_num_queries, by):
    """The tallies summed per group, with the group's key and label."""
    make_rows(20)
    with django_assert_num_queries(1 + ETAG_QUERIES):
        response = client.get(f"/en/progress/?by={by}")
    assert response.status_code == 200
    (row,) = response.context["breakdown"]["rows"]
    assert row["total"] == 20


def test_an_unknown_breakdown_answers_400_with_the_choices(client):
    response = client.get("/en/progress/?by=planet")
    assert response.status_code == 400
    text = response.content.decode()
    assert "&#x27;planet&#x27;" in text
    assert all(by in text for by in progress.BREAKDOWNS)


def test_dashboard_follows_every_change(client):
    c = factories.commitment(made_on=date(2020, 3, 1))
    assert counts(as_of_row(get_progress(client), 2020))[Status.OPEN] == 1
    factories.status_update(c, Status.FULFILLED, date(2020, 6, 1))
    assert counts(as_of_row(get_progress(client), 2020))[Status.FULFILLED] == 1
    c.made_on = date(2021, 1, 1)
    services.save_tracked(c, expected_version=c.version)
    rows = get_progress(client).context["commitments"]["as_of"]
    assert rows[0]["label"] == "2021" and rows[0]["made"] == 1


def test_links_are_in_the_language_of_the_page(client):
    """The list's address is reversed once per language: a Dutch page first must not give
    the English page Dutch links, nor the other way round."""
    factories.commitment(made_on=date(2020, 3, 1))
    dutch = links(client.get("/progress/").content.decode())
    english = links(get_progress(client).content.decode())
    assert any(href.startswith("/commitments/?") for href in dutch)
    assert not any(href.startswith("/en/commitments/") for href in dutch)
    assert any(href.startswith("/en/commitments/?") for href in english)
    assert not any(href.startswith("/commitments/") for href in english)
