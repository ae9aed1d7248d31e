"""The scorecards in a real browser, on the seed data: the home page's figures, the
rankings' tabs and sort links (plain links, no JavaScript), and a person's scorecard; each
number opens a list with that many rows."""

import re

import pytest

from commitments.models import Commitment, Person

from .conftest import new_context
from .test_site import shown_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def numbers_and_links(links):
    return [(int(link.inner_text()), link.get_attribute("href")) for link in links.all()]


def check_links(page, pairs):
    for n, href in pairs:
        page.goto(href)
        assert shown_count(page) == n, href


def test_home_scorecards_link_to_the_rows_they_count(page, screenshot):
    page.goto("/")
    section = page.locator("section.scorecards")
    assert section.locator("table").count() == 2  # commitments and motions
    screenshot(page, "home-scorecards")
    figures = numbers_and_links(section.locator("table").first.locator("tbody td a"))
    assert figures[0][0] == Commitment.objects.count()  # today's total
    assert any("as_of=" in href for _n, href in figures)  # a year ago
    check_links(page, figures[:3] + figures[-8:-5])


def test_rankings_switch_tabs_and_sort_without_javascript(browser, site, screenshot):
    context = new_context(browser, site, java_script_enabled=False)
    page = context.new_page()
    page.goto("/scorecards/")
    page.get_by_role("link", name="Per minister of staatssecretaris").click()
    assert "by=person" in page.url
    overdue = page.locator("thead th").filter(has_text="Over tijd")
    overdue.locator("a").click()
    assert overdue.get_attribute("aria-sort") == "descending"
    column = [
        int(text)
        for text in page.locator('tbody tr td[data-label="Over tijd"] a').all_inner_texts()
    ]
    assert column == sorted(column, reverse=True) and column
    screenshot(page, "scorecards-persons")
    overdue.locator("a").click()
    assert overdue.get_attribute("aria-sort") == "ascending"
    first_row = page.locator("tbody tr").first
    check_links(page, numbers_and_links(first_row.locator("td a"))[:3])
    context.close()


def test_person_scorecard(page):
    person = Person.objects.filter(offices__commitments__isnull=False).first()
    page.goto(person.get_absolute_url())
    section = page.locator("section.scorecards")
    figures = numbers_and_links(section.locator("a").filter(has_text=re.compile(r"^\d+$")))
    assert figures
    check_links(page, figures[:4])
