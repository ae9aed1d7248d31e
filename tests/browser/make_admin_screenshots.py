"""Screenshots of the researchers' workspace (/admin/) for the "For researchers" guide.

Not a test. Run from the project folder:

    DJANGO_DEBUG=1 .venv/bin/python -m tests.browser.make_admin_screenshots

It builds a throwaway SQLite database (/tmp/shots.db: migrate, seed), creates a researcher
with a random password that is never shown, serves the site on 127.0.0.1:8765 in this
process, signs in with Debian's Chromium (never a downloaded browser; set CHROMIUM_PATH if
it is not /usr/bin/chromium) and writes into docs/screenshots/:

- admin-commitment-list.png: the commitments list, due filter on "no news since the due date"
- admin-commitment-change.png: a commitment's page at its status updates
- admin-bulk-action.png: the "Record status update" form for two selected commitments
- admin-history.png: the change history of a commitment

In the throwaway database it records one example status update (through the bulk action)
and one small edit, so the change page and the history show a researcher's work.
"""

import os
import sys
import tempfile
from io import StringIO
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OUTPUT = PROJECT_ROOT / "docs" / "screenshots"
DATABASE = Path(tempfile.gettempdir()) / "shots.db"  # /tmp/shots.db
HOST, PORT = "127.0.0.1", 8765
USERNAME = "onderzoeker"
VIEWPORT = {"width": 1280, "height": 900}


def set_up_django():
    """Point Django at a fresh throwaway database, then migrate and seed it."""
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # Playwright's sync API runs an event loop in this thread; the ORM calls below are
    # plain synchronous calls between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    DATABASE.unlink(missing_ok=True)
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed", verbosity=0, stdout=StringIO())


def create_researcher():
    """A researcher account made the documented way; returns its random password."""
    from django.core.management import call_command

    out = StringIO()
    call_command("create_researcher", USERNAME, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def start_server():
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread(HOST, StaticFilesHandler, port=PORT)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


def sign_in(page, password):
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form#login-form [type=submit]").click()
    if page.url.rstrip("/").endswith("/admin/login"):
        raise SystemExit("Signing in failed")


def scroll_to(page, selector, margin=16):
    """Scroll so the element is at the top of the window."""
    page.locator(selector).first.evaluate(
        "(el, margin) => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - margin)",
        margin,
    )


def shoot(page, name):
    path = OUTPUT / name
    page.screenshot(path=str(path))  # the window only: 1280x900
    print(f"wrote {path.relative_to(PROJECT_ROOT)}")


def take_screenshots(page):
    from django.db.models import Count

    from commitments.models import Commitment

    changelist = "/admin/commitments/commitment/"
    # The commitment with the most status updates, and one other.
    first, second = Commitment.objects.annotate(n=Count("updates")).order_by("-n", "key")[:2]

    # The list, filtered on "no news since the due date", so the due filter shows in use. The
    # navigation sidebar is folded away (the admin remembers that) to leave room for the columns.
    page.goto(f"{changelist}?due=no_news")
    page.locator("#toggle-nav-sidebar").click()
    page.locator("#changelist-filter").wait_for()
    shoot(page, "admin-commitment-list.png")

    # The bulk action's evidence form, for two selected commitments; then record it, so
    # the change page and the history show a researcher's update.
    page.goto(changelist)
    for commitment in (first, second):
        page.locator(f"#result_list input.action-select[value='{commitment.pk}']").check()
    page.locator("select[name=action]").select_option("record_status_update_action")
    with page.expect_navigation():
        page.locator("#changelist-form button[name=index]").click()
    form = page.locator("#content form")
    form.locator("[name=date]").fill("2025-01-15")
    form.locator("[name=status]").select_option("in_progress")
    form.locator("[name=note]").fill("Example update, recorded for the researchers' guide.")
    shoot(page, "admin-bulk-action.png")
    with page.expect_navigation():
        form.locator("[type=submit]").click()
    page.locator("ul.messagelist .success").wait_for()

    # A commitment's page at its status updates: the one just recorded, and a new row.
    page.goto(f"{changelist}{first.pk}/change/")
    page.locator("#updates-group .add-row a").click()
    new_row = page.locator("#updates-group .dynamic-updates").last
    new_row.evaluate("el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 420)")
    shoot(page, "admin-commitment-change.png")

    # An edit through the same page, so the history shows a researcher's change next to
    # the seeded version. (Status updates have their own history; see README.)
    page.goto(f"{changelist}{first.pk}/change/")
    occasion = page.locator("#id_occasion")
    occasion.fill(occasion.input_value()[:1].upper() + occasion.input_value()[1:])
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    page.locator("ul.messagelist .success").wait_for()
    page.goto(f"{changelist}{first.pk}/history/")
    shoot(page, "admin-history.png")


def main():
    set_up_django()
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import chromium_path, launch_chromium

    if not Path(chromium_path()).exists():
        raise SystemExit(f"Chromium not found at {chromium_path()}; set CHROMIUM_PATH")
    password = create_researcher()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    server = start_server()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                base_url = f"http://{HOST}:{PORT}"
                context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
                # English screenshots: the admin's language is the researcher's choice (a
                # cookie), not the browser's.
                context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
                context.set_default_timeout(15_000)
                page = context.new_page()
                sign_in(page, password)
                take_screenshots(page)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.join()
        DATABASE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
