"""Following by e-mail and the "what changed" page in a real browser, without JavaScript:
subscribe, confirm, receive the digest, unsubscribe; the changes page, its table and its
CSV download."""

import csv
import io
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from alerts.models import Subscription
from commitments.changes import changes
from commitments.models import Commitment, StatusUpdate
from commitments.services import record_status_update

from .conftest import new_context
from .test_site import A11Y_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "ngo@example.org"


@pytest.fixture
def no_js_page(browser, site, problems):
    context = new_context(browser, site, java_script_enabled=False)
    page = problems.watch(context.new_page())
    yield page
    context.close()


def mail_link(message, fragment):
    paths = [urlsplit(url).path for url in re.findall(r"https?://\S+", message.body)]
    found = [path for path in paths if fragment in path]
    assert found, f"no {fragment} link in {message.body}"
    return found[0]


def accessible(page):
    problems = page.evaluate(A11Y_JS)
    assert not problems, "\n".join(problems)


def test_follow_confirm_digest_unsubscribe(no_js_page, problems, screenshot):
    page = no_js_page
    commitment = Commitment.objects.filter(status="open").order_by("key").first()
    page.goto(commitment.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("link", name="Volg per e-mail").click()
    expect(page.locator("main")).to_contain_text(commitment.title)
    accessible(page)

    email = page.get_by_label("Uw e-mailadres")
    email.fill("geen adres")
    with page.expect_navigation():
        page.get_by_role("button", name="Stuur bevestigingslink").click()
    expect(page.locator("[role=alert]")).to_contain_text("geldig e-mailadres")
    assert mail.outbox == []
    problems.clear()  # the refused form answers 400, as it should

    page.get_by_label("Uw e-mailadres").fill(ADDRESS)
    with page.expect_navigation():
        page.get_by_role("button", name="Stuur bevestigingslink").click()
    expect(page.locator("h1")).to_have_text("Kijk in uw e-mail")
    assert len(mail.outbox) == 1

    page.goto(mail_link(mail.outbox[0], "/alerts/confirm/"))
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, stuur mij de wijzigingen").click()
    expect(page.locator("h1")).to_have_text("Abonnement bevestigd")
    assert Subscription.objects.get(email=ADDRESS).confirmed_at is not None

    record_status_update(
        subject=commitment, status="fulfilled", date=date(2025, 1, 15), note="Afgerond."
    )
    mail.outbox.clear()
    call_command("send_alerts", verbosity=0)
    assert len(mail.outbox) == 1
    assert "Afgerond." in mail.outbox[0].body

    page.goto(mail_link(mail.outbox[0], "/alerts/unsubscribe/"))
    screenshot(page, "alerts-unsubscribe")
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Afmelden").click()
    expect(page.locator("h1")).to_have_text("Afgemeld")
    assert not Subscription.objects.exists()
    assert not problems, "\n".join(problems)


def test_changes_page(no_js_page, problems, screenshot):
    page = no_js_page
    page.goto("/")
    with page.expect_navigation():
        page.locator("header nav").get_by_role("link", name="Wijzigingen").click()
    assert urlsplit(page.url).path == "/changes/"

    first = StatusUpdate.objects.order_by("date").first().date
    last = StatusUpdate.objects.order_by("-date").first().date
    page.locator("#changes-from").fill(first.isoformat())
    page.locator("#changes-to").fill(last.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Toon").click()
    screenshot(page, "changes")
    accessible(page)

    expected = list(changes(first, last))
    assert len(expected) == StatusUpdate.objects.count() > 0
    tables = page.locator("main table")
    captions = tables.locator("caption").all_inner_texts()
    assert sum(int(caption.rsplit(":", 1)[1]) for caption in captions) == len(expected)
    assert tables.locator("tbody tr").count() == len(expected)
    expect(tables.first.locator("thead th[scope=col]").first).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV downloaden").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["subject_id"], r["to_status"]) for r in rows] == [
        (u.subject.key, u.status) for u in expected
    ]

    response = page.goto("/changes/?from=2025-02-30")
    assert response.status == 400
    expect(page.locator("[role=alert]")).to_contain_text("geen datum")
    problems.clear()
