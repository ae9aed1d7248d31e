"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API against
pytest-django's live server, with the real seed data loaded.

Chromium is never downloaded: the tests use the browser at ``CHROMIUM_PATH`` (default
``/usr/bin/chromium``). Without it they are skipped, except in CI (``CI=true``), where a
missing browser is a failure.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an asyncio event loop in the test's thread, and Django refuses
# ORM calls from a thread with a running event loop (SynchronousOnlyOperation). The tests
# only use the ORM synchronously, between browser calls, which is the case this documented
# switch is for. It must be set before any test runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


def chromium_path():
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def no_browser(reason):
    """Skip, or fail in CI, where the browser tests must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def launch_chromium(playwright):
    """Launch Debian's Chromium, never a downloaded one."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not (shutil.which(path) or (os.path.isfile(path) and os.access(path, os.X_OK))):
        no_browser(
            f"Chromium not found at {path}: install Debian's chromium package "
            "(apt-get install chromium) or set CHROMIUM_PATH"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - playwright is a test dependency
        no_browser(f"Playwright is not installed: {error}")
    playwright = sync_playwright().start()
    try:
        browser = launch_chromium(playwright)
    except Exception as error:
        playwright.stop()
        no_browser(f"Chromium at {path} did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def site(live_server):
    """The live server's base URL, with the seed data loaded into the test database."""
    call_command("seed", verbosity=0)
    return live_server.url


def new_context(browser, site, **options):
    """A fresh browser context (own cookies) that asks for Dutch, the site's default."""
    options = {
        "base_url": site,
        "locale": "nl-NL",
        "viewport": VIEWPORT,
        "accept_downloads": True,
        **options,
    }
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, site):
    context = new_context(browser, site)
    yield context
    context.close()


class Problems(list):
    """What went wrong while a page was used: console errors (including CSP violations),
    uncaught script errors, and responses with an error status."""

    IGNORED = re.compile(r"/favicon\.ico$")

    def watch(self, page):
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.append(f"script error: {error}"))
        page.on("response", self.on_response)
        return page

    def on_console(self, message):
        if message.type == "error" and not self.IGNORED.search(message.location.get("url", "")):
            self.append(f"console error: {message.text} ({message.location.get('url')})")

    def on_response(self, response):
        if response.status >= 400 and not self.IGNORED.search(response.url):
            self.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def problems():
    return Problems()


@pytest.fixture
def page(context, problems):
    page = context.new_page()
    problems.watch(page)
    yield page
    page.close()


@pytest.fixture(scope="session")
def screenshot():
    """``screenshot(page, name)`` saves a full-page PNG to test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
