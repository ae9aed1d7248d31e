"""The about-the-data page in a browser: a visitor reports an error with the form, sees
the thanks, and the report reaches the researchers; the robot trap stays out of sight."""

import pytest

from feedback.models import ErrorReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reports_an_error(page, problems):
    page.goto("/about/")
    assert page.locator("h1").inner_text() == "Over de gegevens"
    assert not page.locator("#id_website").is_visible()
    page.get_by_label("pagina of record").fill("/commitments/kept/")
    page.get_by_label("wat klopt er niet").fill("De datum van de brief is 3 mei, niet 5 mei.")
    with page.expect_navigation():
        page.get_by_role("button", name="Melding versturen").click()
    assert page.url.endswith("/about/#report")
    assert "Dank u wel" in page.get_by_role("status").inner_text()
    report = ErrorReport.objects.get()
    assert report.page == "/commitments/kept/"
    assert report.message.startswith("De datum van de brief")
    assert problems == []


def test_a_too_long_report_is_refused_with_the_reason(page):
    page.goto("/about/")
    field = page.get_by_label("wat klopt er niet")
    field.evaluate("el => el.removeAttribute('maxlength')")  # as a program would send it
    field.fill("x" * 2001)
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_load_state()
    assert page.locator(".errors").count() >= 1
    assert ErrorReport.objects.count() == 0


def test_the_footer_leads_to_the_about_page_and_the_downloads(page):
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Over de gegevens").click()
    page.wait_for_url("**/about/")
    page.goto("/")
    page.locator("footer").get_by_role("link", name="Opendata").click()
    page.wait_for_url("**/data/")
    assert page.get_by_role("link", name="De hele dataset als JSON").is_visible()
