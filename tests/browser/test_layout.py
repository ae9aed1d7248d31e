"""Every public page fits the screen: on a 390-px phone and at 1280 px, in Dutch and in
English, no page scrolls sideways. Lists become cards on a phone; the menu wraps.
Screenshots of the phone layout are written to test-artifacts/screenshots/."""

import pytest

from commitments.models import Commitment, Letter, Motion, Office, Person, SourceDocument

from .conftest import new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def longest(queryset, field):
    """The record whose ``field`` is longest: the hardest case for the layout."""
    return max(queryset, key=lambda record: len(str(getattr(record, field) or "")))


def public_pages():
    """One address of every kind of public page, each with the seed's longest content."""
    commitment = longest(Commitment.objects.all(), "title")
    document = longest(SourceDocument.objects.all(), "text")
    cited = Commitment.objects.filter(source_document=document).first()
    cite = f"?cite=commitment:{cited.key}" if cited else ""
    return {
        "home": "/",
        "commitments": "/commitments/",
        "commitments-filtered": "/commitments/?status=open&order=-made_on",
        "motions": "/motions/",
        "letters": "/letters/",
        "ministers": "/ministers/",
        "commitment": commitment.get_absolute_url(),
        "motion": longest(Motion.objects.all(), "operative_text").get_absolute_url(),
        "letter": longest(Letter.objects.all(), "title").get_absolute_url(),
        "person": Person.objects.first().get_absolute_url(),
        "office": Office.objects.filter(person=None).first().get_absolute_url(),
        "source": f"{document.get_absolute_url()}{cite}",
        "progress": "/progress/",
        "progress-by-person": "/progress/?by=person",
        "scorecards": "/scorecards/",
        "scorecards-persons": "/scorecards/?by=person&sort=-overdue",
        "open-data": "/data/",
        "about-the-data": "/about/",
    }


def overflow(page):
    """How far the page is wider than the window, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const over = document.documentElement.scrollWidth - width;
            const culprits = [...document.querySelectorAll('body *')]
              .filter(el => el.getBoundingClientRect().right > width + 0.5)
              .slice(0, 5)
              .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                         + ' right=' + Math.round(el.getBoundingClientRect().right));
            return {over, culprits};
        }"""
    )


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_no_page_scrolls_sideways(browser, site, screenshot, language, viewport):
    context = new_context(browser, site, viewport=viewport)
    prefix = "/en" if language == "en" else ""  # English pages are under /en/
    page = context.new_page()
    wide = {}
    try:
        for name, url in public_pages().items():
            response = page.goto(prefix + url)
            assert response.status == 200, url
            assert page.locator("html").get_attribute("lang") == language
            result = overflow(page)
            if result["over"] > 0:
                wide[url] = result
            if viewport is PHONE:
                screenshot(page, f"phone-{language}-{name}")
    finally:
        context.close()
    assert wide == {}, f"pages wider than {viewport['width']} px: {wide}"


def test_on_a_phone_lists_are_cards_and_the_menu_is_all_there(browser, site):
    context = new_context(browser, site, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto("/commitments/")
        # Every menu item is on the screen, none cut off.
        for link in page.locator("header.site nav a").all():
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], link.inner_text()
        # The status of the first row is on the screen, with its column's name.
        cell = page.locator("main table tbody tr").first.locator("td").last
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
        assert cell.get_attribute("data-label") == "Status"
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert "Status" in label
    finally:
        context.close()


def test_the_admin_commitment_list_fits_1280_px(browser, site, django_user_model):
    """The columns that matter come first and all of them fit, even with a long title."""
    django_user_model.objects.create_superuser("layout", password="layout-test-password")
    c = Commitment.objects.first()
    c.title = "Een zeer lange titel " * 12
    c.save()
    context = new_context(browser, site, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto("/admin/login/?next=/admin/commitments/commitment/")
        page.fill("#id_username", "layout")
        page.fill("#id_password", "layout-test-password")
        with page.expect_navigation():
            page.locator("form#login-form [type=submit]").click()
        assert page.url.endswith("/admin/commitments/commitment/")
        result = overflow(page)
        assert result["over"] <= 0, result
        headers = page.locator("#result_list thead th").evaluate_all(
            "ths => ths.map(th => [th.className, th.getBoundingClientRect().right])"
        )
        columns = [
            next((c.removeprefix("column-") for c in name.split() if c.startswith("column-")), name)
            for name, _right in headers
        ]
        expected = ["action-checkbox-column", "short_title", "status", "deadline", "due"]
        assert columns == [*expected, "made_by_short"]
        assert all(right <= DESKTOP["width"] for _name, right in headers), headers
    finally:
        context.close()
