"""The public site in a real browser, on the seed data: filters, dashboard links, source
highlights, CSV downloads, the language switch, pages without JavaScript, an accessibility
smoke check and a crawl for broken links. Screenshots of the main pages are written to
test-artifacts/screenshots/."""

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from commitments.choices import Status
from commitments.models import Commitment, Letter, Motion, Office, Person, SourceDocument
from commitments.views import CITING_MODELS, highlight

from .conftest import new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def header(names):
    return names.split(",")


CSV_HEADERS = {  # as documented in README.md
    "commitments": header(
        "id,title,text,made_by,ministry,made_on,made_on_or_letter,occasion,due,due_start,"
        "due_end,status,status_date,status_date_precision,latest_update,deadline_state,motion,"
        "source,url"
    ),
    "motions": header(
        "id,kind,kamerstuk,title,operative_text,date,submitters,status,status_date,"
        "status_date_precision,source,url"
    ),
    "letters": header(
        "id,kind,kamerstuk,vergaderjaar,date,date_precision,title,signatories,source,url"
    ),
}
PAGE_SIZE = 50  # commitments.views.PAGE_SIZE
DUTCH_CATALOG = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.mo"


def collapse(text):
    return " ".join(text.split())


def shown_count(page):
    """The number in the list's "N matching rows" line."""
    text = page.locator("p.count").inner_text()
    match = re.search(r"\d+", text)
    assert match, f"no row count in {text!r}"
    return int(match.group())


def row_keys(page, prefix):
    """The key of each row's record, in the order shown: the first link in the row to a
    detail page under ``prefix`` ("/commitments/")."""
    hrefs = page.locator("main table tbody tr").evaluate_all(
        """(rows, prefix) => rows.map(row => {
               const link = [...row.querySelectorAll('a')]
                 .find(a => a.getAttribute('href').startsWith(prefix));
               return link ? link.getAttribute('href') : null;
           }).filter(href => href !== null)""",
        prefix,
    )
    return [href.removeprefix(prefix).strip("/") for href in hrefs]


def submit_filters(page):
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()


# (1) filtering through the form ------------------------------------------------------------


def test_filter_commitments_by_status_and_ministry(page, screenshot):
    status, ministry = Status.IN_PROGRESS, "bz"
    expected = Commitment.objects.filter(status=status, made_by__ministry__key=ministry)
    ministry_shown = expected.first().made_by.ministry
    ministry_shown = ministry_shown.abbreviation or ministry_shown.name
    total = Commitment.objects.count()
    assert 0 < expected.count() < total, "the seed should make this filter meaningful"

    page.goto("/commitments/")
    assert shown_count(page) == total
    form = page.locator("form.filters")
    form.locator("select[name=status]").select_option([status.value])
    form.locator("select[name=ministry]").select_option(ministry)
    submit_filters(page)

    query = parse_qs(urlsplit(page.url).query)
    assert query["status"] == [status.value]
    assert query["ministry"] == [ministry]
    # The form shows the filters it applied.
    expect(form.locator("select[name=ministry]")).to_have_value(ministry)
    expect(form.locator("select[name=status]")).to_have_values([status.value])

    assert shown_count(page) == expected.count()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(expected.count())
    for row in rows.all():
        expect(row.locator("td").nth(4).locator(".status")).to_have_class(
            re.compile(rf"\bstatus-{status.value}\b")
        )
        expect(row.locator("td").nth(1).locator("small")).to_have_text(ministry_shown)
    assert sorted(row_keys(page, "/commitments/")) == sorted(c.key for c in expected)
    screenshot(page, "commitments-list-filtered")


# (2) dashboard links -----------------------------------------------------------------------

# The tables whose numbers are checked here against the CSV's status column: by year made,
# and the breakdowns by ministry, person and theme. (The "as of year end" figures count past
# statuses, which the CSV does not show; tests/test_dashboard.py follows each of their
# links.) One entry per table row with links: its status cells, then its total.
EXACT_ROWS_JS = """() => {
  const rows = [];
  for (const section of document.querySelectorAll('main section[aria-labelledby]')) {
    const id = section.getAttribute('aria-labelledby');
    const tables = [...section.querySelectorAll('table.status-counts')];
    // In the commitments and motions sections, the last table is the one by year made.
    for (const table of (id === 'commitments' || id === 'motions') ? tables.slice(-1) : tables) {
      for (const tr of table.querySelectorAll('tbody tr')) {
        const links = [...tr.querySelectorAll('td a')].map(
          a => ({href: a.getAttribute('href'), n: parseInt(a.textContent, 10)}));
        const label = tr.querySelector('th').textContent.trim();
        if (links.length) rows.push({where: `${id}, ${label}`, links});
      }
    }
  }
  return rows;
}"""
# The links of the charts by year made, with the number each one's <title> gives.
BY_YEAR_CHART_LINKS_JS = """() => [...document.querySelectorAll(
    'svg[aria-labelledby^="commitment-by-year-title"] a, '
    + 'svg[aria-labelledby^="motion-by-year-title"] a')].map(a => {
  const title = a.querySelector('title').textContent;
  return {href: a.getAttribute('href'), n: parseInt(title.split(':').pop(), 10), title};
})"""


def follow_and_count(page, link, status=None):
    """Click a dashboard link; return the count the list shows. With ``status``, every row
    shown must have it."""
    with page.expect_navigation():
        link.click()
    if status:
        for row in page.locator("main table tbody tr").all():
            expect(row.locator(".status")).to_have_class(re.compile(rf"\bstatus-{status}\b"))
    return shown_count(page)


def csv_statuses(page, list_href):
    """The status column of the CSV export of the list at ``list_href``."""
    parts = urlsplit(list_href)
    response = page.request.get(f"{parts.path}export.csv?{parts.query}")
    assert response.ok, f"{list_href}: CSV export answered {response.status}"
    header, *rows = list(csv.reader(io.StringIO(response.text())))
    column = header.index("status")
    return [row[column] for row in rows]


def test_dashboard_links_open_lists_with_the_numbers_shown(page, screenshot):
    page.goto("/progress/")
    screenshot(page, "progress")

    # A bar segment of the chart of commitments by year made.
    segment = page.locator('svg[aria-labelledby^="commitment-by-year-title"] a.segment').first
    title = segment.locator("title").text_content()
    n = int(title.rsplit(":", 1)[1])
    status = re.search(r"status-(\w+)", segment.get_attribute("class")).group(1)
    assert follow_and_count(page, segment, status=status) == n, title
    query = parse_qs(urlsplit(page.url).query)
    assert query["status"] == [status] and "year" in query

    # The biggest number in the first row of the breakdown by ministry, then its total.
    page.goto("/progress/")
    row = page.locator('section[aria-labelledby="by-ministry"] table tbody tr').first
    cells = row.locator("td a")
    numbers = [int(text) for text in cells.all_inner_texts()]
    biggest = max(range(len(numbers) - 1), key=numbers.__getitem__)  # the last is the total
    assert numbers[biggest] > 0
    assert follow_and_count(page, cells.nth(biggest)) == numbers[biggest]
    assert {"ministry", "status"} <= set(parse_qs(urlsplit(page.url).query))
    page.go_back()
    assert follow_and_count(page, row.locator("td a").last) == numbers[-1] == sum(numbers[:-1])

    # Every other exact number. A row's total link selects some items; its status links add
    # one status to the same filters. The CSV export with the total's filters (the same rows
    # as the list: see the CSV test) gives all the row's numbers in one request.
    page.goto("/progress/")
    rows = page.evaluate(EXACT_ROWS_JS)
    assert len(rows) > 20, rows
    mismatches, numbers_by_href = [], {}
    for row in rows:
        *status_links, total = row["links"]
        total_url = urlsplit(total["href"])
        statuses = csv_statuses(page, total["href"])
        if total["n"] != len(statuses):
            mismatches.append(f"{row['where']}: total {total['n']}, list has {len(statuses)}")
        seen = set()
        for link in status_links:
            url = urlsplit(link["href"])
            query = parse_qs(url.query)
            (status,) = query.pop("status")
            seen.add(status)
            assert url.path == total_url.path, row
            assert query == parse_qs(total_url.query), row
            if link["n"] != statuses.count(status):
                mismatches.append(
                    f"{row['where']}, {status}: dashboard says {link['n']}, "
                    f"list has {statuses.count(status)} ({link['href']})"
                )
        assert seen == set(Status.values), row
        numbers_by_href.update((link["href"], link["n"]) for link in row["links"])
    # The charts by year made link to the same lists with the same numbers.
    for link in page.evaluate(BY_YEAR_CHART_LINKS_JS):
        if numbers_by_href.get(link["href"]) != link["n"]:
            mismatches.append(f"chart {link['title']!r} ({link['href']}) differs from its table")
    assert not mismatches, "\n".join(mismatches)


# (3) detail page and source passage --------------------------------------------------------


def commitment_with_wrapped_passage():
    """A commitment whose passage crosses a line break or other whitespace in its document,
    so the highlight has to match across it; from the shortest such document, to keep the
    screenshot small."""
    commitments = (
        Commitment.objects.exclude(source_document=None)
        .exclude(source_passage="")
        .select_related("source_document")
        .order_by("key")
    )
    wrapped = [c for c in commitments if c.source_passage not in c.source_document.text]
    return min(wrapped or commitments, key=lambda c: len(c.source_document.text))


def test_detail_page_and_highlighted_source_passage(page, screenshot):
    commitment = commitment_with_wrapped_passage()
    page.goto("/commitments/")
    # A search takes at most ten words.
    page.locator("form.filters [name=q]").fill(" ".join(commitment.title.split()[:10]))
    submit_filters(page)
    with page.expect_navigation():
        page.locator("main table").get_by_role("link", name=commitment.title, exact=True).click()

    assert urlsplit(page.url).path == f"/commitments/{commitment.key}/"
    expect(page.locator("h1")).to_have_text(commitment.title)
    figure = page.locator("main > figure.passage").first
    quoted = figure.locator("blockquote").inner_text()
    assert collapse(quoted) == collapse(commitment.source_passage)
    screenshot(page, "commitment-detail")

    source_link = figure.locator("figcaption a")
    href = source_link.get_attribute("href")
    assert f"cite=commitment:{commitment.key}" in href and href.endswith("#passage")
    with page.expect_navigation():
        source_link.click()

    assert urlsplit(page.url).path == f"/sources/{commitment.source_document.key}/"
    mark = page.locator("mark#passage")
    expect(mark).to_have_count(1)
    expect(mark).to_be_visible()
    expect(mark).to_be_in_viewport()  # the #passage fragment scrolled to it
    assert collapse(mark.inner_text()) == collapse(quoted)
    # The page links back to the record that cites it.
    expect(page.locator("main [role=status] a[href^='/commitments/']")).to_have_attribute(
        "href", f"/commitments/{commitment.key}/"
    )
    screenshot(page, "source-highlight")


# (4) CSV download --------------------------------------------------------------------------

CSV_CASES = [
    (
        "commitments",
        {"status": ["open", "in_progress"], "theme": "lhbtiq-rechten", "order": "-made_on"},
    ),
    ("motions", {"kind": "motie", "order": "title"}),
    ("letters", {"ministry": "ocw", "order": "-date"}),
]


def test_csv_download_has_exactly_the_listed_rows(page):
    for name, choices in CSV_CASES:
        page.goto(f"/{name}/")
        form = page.locator("form.filters")
        for field, value in choices.items():
            form.locator(f"select[name={field}]").select_option(value)
        submit_filters(page)
        n = shown_count(page)
        assert 0 < n <= PAGE_SIZE, f"{name}: choose filters that fit on one page ({n} rows)"
        keys = row_keys(page, f"/{name}/")
        assert len(keys) == n

        link = page.locator("p.count a.download")
        assert urlsplit(link.get_attribute("href")).query == urlsplit(page.url).query
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.failure() is None
        assert download.suggested_filename.endswith(".csv")
        with open(download.path(), encoding="utf-8", newline="") as file:
            header, *rows = list(csv.reader(file))

        assert header == CSV_HEADERS[name]
        assert len(rows) == n, f"{name}: CSV has {len(rows)} rows, the list says {n}"
        assert [row[0] for row in rows] == keys, f"{name}: CSV rows differ from the list's"
        if "status" in choices:
            column = header.index("status")
            assert {row[column] for row in rows} <= set(choices["status"])


# (5) language switch -----------------------------------------------------------------------


def switch_language(page, code):
    with page.expect_navigation():
        page.locator(f'header nav.language a[hreflang="{code}"]').click()


def nav_link(page, path):
    return page.locator(f'header nav a[href="{path}"]')


def test_language_switch(page):
    page.goto("/commitments/?status=open")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The switch goes to the same page in English, with the same filters.
    assert urlsplit(page.url).path == "/en/commitments/"
    assert parse_qs(urlsplit(page.url).query) == {"status": ["open"]}
    expect(nav_link(page, "/en/commitments/")).to_have_text("Commitments")
    expect(nav_link(page, "/en/motions/")).to_have_text("Motions")
    expect(nav_link(page, "/en/letters/")).to_have_text("Letters")
    expect(nav_link(page, "/en/ministers/")).to_have_text("Ministers")
    expect(nav_link(page, "/en/progress/")).to_have_text("Progress")
    expect(page.locator("h1")).to_have_text("Commitments")
    expect(page.locator("p.count")).to_contain_text("matching row")
    expect(page.locator("p.count a.download")).to_have_text("Download CSV")

    # The links of an English page stay English.
    with page.expect_navigation():
        nav_link(page, "/en/progress/").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Progress over the years")

    switch_language(page, "nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert urlsplit(page.url).path == "/progress/"
    if DUTCH_CATALOG.exists():
        # With the Dutch translation compiled, the interface is no longer English.
        expect(nav_link(page, "/commitments/")).not_to_have_text("Commitments")


# (6) without JavaScript --------------------------------------------------------------------


def test_pages_work_without_javascript(browser, site):
    context = new_context(browser, site, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/commitments/")
        form = page.locator("form.filters")
        form.locator("select[name=status]").select_option([Status.FULFILLED.value])
        submit_filters(page)
        expected = Commitment.objects.filter(status=Status.FULFILLED)
        assert parse_qs(urlsplit(page.url).query)["status"] == [Status.FULFILLED.value]
        assert shown_count(page) == expected.count() > 0
        assert sorted(row_keys(page, "/commitments/")) == sorted(c.key for c in expected)

        # Sorting is a plain link that keeps the filters.
        with page.expect_navigation():
            page.locator("main table thead a[href*='order=title']").click()
        query = parse_qs(urlsplit(page.url).query)
        assert query["order"] == ["title"] and query["status"] == [Status.FULFILLED.value]
        assert row_keys(page, "/commitments/") == list(
            expected.order_by("title").values_list("key", flat=True)
        )

        # The language switch is a plain link.
        switch_language(page, "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(nav_link(page, "/en/commitments/")).to_have_text("Commitments")

        # The dashboard's links are plain links too.
        page.goto("/progress/")
        total = page.locator('section[aria-labelledby="by-theme"] table tbody tr td a').last
        n = int(total.inner_text())
        with page.expect_navigation():
            total.click()
        assert shown_count(page) == n
    finally:
        context.close()


# (7) accessibility smoke check -------------------------------------------------------------

# One page's problems, as a list of strings.
A11Y_JS = """() => {
  const problems = [];
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(`${h1s.length} h1 elements`);
  else if (!h1s[0].textContent.trim()) problems.push('empty h1');
  if (!document.documentElement.getAttribute('lang')) problems.push('html without lang');
  if (!document.title.trim()) problems.push('empty <title>');

  const ids = {};
  for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(ids)) if (n > 1) problems.push(`id "${id}" used ${n} times`);

  const described = el => el.getAttribute('aria-label')?.trim()
    || (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
         .map(id => document.getElementById(id)?.textContent.trim()).join(' ').trim();
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const label = [...(el.labels || [])].map(l => l.textContent.trim()).join(' ');
    if (!label && !described(el) && !el.title)
      problems.push(`${el.tagName.toLowerCase()}[name=${el.name}] has no label`);
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    const name = el.textContent.trim() || described(el) || el.title
      || el.querySelector('title')?.textContent.trim();
    if (!name) problems.push(`${el.outerHTML.slice(0, 80)} has no accessible name`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`img ${img.src} without alt`);
  }
  for (const svg of document.querySelectorAll('svg')) {
    const label = svg.getAttribute('aria-labelledby') || svg.getAttribute('aria-label') || '?';
    if (svg.getAttribute('role') !== 'img') problems.push(`svg ${label} without role=img`);
    const title = [...svg.children].find(c => c.tagName.toLowerCase() === 'title');
    if (!title || !title.textContent.trim()) problems.push(`svg ${label} without a <title>`);
    if (!described(svg)) problems.push(`svg ${label}: aria-labelledby names nothing`);
    // role=img hides the chart's links from assistive technology: the table that follows
    // must offer every one of them.
    let table = svg.closest('figure')?.nextElementSibling;
    while (table && table.tagName !== 'TABLE') table = table.nextElementSibling;
    const inTable = new Set(
      [...(table?.querySelectorAll('a') || [])].map(a => a.getAttribute('href')));
    for (const a of svg.querySelectorAll('a')) {
      if (!inTable.has(a.getAttribute('href')))
        problems.push(`svg ${label}: link ${a.getAttribute('href')} is not in the table below`);
    }
  }
  for (const a of document.querySelectorAll('a[href^="#"]')) {
    const target = a.getAttribute('href').slice(1);
    if (target && !document.getElementById(target)) problems.push(`link to missing #${target}`);
  }
  return problems;
}"""

LIST_PAGES = [
    ("commitments-list", "/commitments/"),
    ("motions-list", "/motions/"),
    ("letters-list", "/letters/"),
    ("ministers-list", "/ministers/"),
]


def main_pages():
    """(screenshot name, address) of the home page, the lists, the dashboard and one page of
    each kind of record."""
    commitment = commitment_with_wrapped_passage()
    person = Person.objects.filter(offices__commitments__isnull=False).order_by("key").first()
    office = Office.objects.filter(person=None).order_by("key").first()
    source = commitment.source_document
    return [
        ("home", "/"),
        *LIST_PAGES,
        ("progress", "/progress/"),
        ("progress-by-person", "/progress/?by=person"),
        ("commitment-detail", commitment.get_absolute_url()),
        ("motion-detail", Motion.objects.order_by("key").first().get_absolute_url()),
        ("letter-detail", Letter.objects.order_by("key").first().get_absolute_url()),
        ("person", person.get_absolute_url()),
        ("office", office.get_absolute_url()),
        ("source-highlight", f"{source.get_absolute_url()}?cite=commitment:{commitment.key}"),
    ]


def test_accessibility_smoke_and_screenshots(page, problems, screenshot):
    found = []
    for name, url in main_pages():
        response = page.goto(url)
        screenshot(page, name)
        assert response.ok, f"{url}: HTTP {response.status}"
        found += [f"{url}: {problem}" for problem in page.evaluate(A11Y_JS)]
        if (name, url) in LIST_PAGES:
            # Hidden fields (the scorecards' attribution filters) are not controls.
            controls = page.locator("form.filters").locator(
                "input:not([type=hidden]), select, textarea"
            )
            assert controls.count() > 0, f"{url}: no filter form"
            for control in controls.all():
                expect(control).to_have_accessible_name(re.compile(r"\S"))
    page.goto("/progress/")
    charts = page.locator("svg")
    expect(charts).to_have_count(4)
    for chart in charts.all():
        expect(chart).to_have_attribute("role", "img")
        expect(chart).to_have_accessible_name(re.compile(r"\S"))
        expect(chart.locator(":scope > title")).to_have_text(re.compile(r"\S"))
    # Console errors (a Content-Security-Policy violation, say) and failed requests.
    found += problems
    assert not found, "\n".join(found)


def test_no_page_scrolls_sideways(page):
    """At 1280 pixels wide no page needs horizontal scrolling (WCAG 1.4.10, Reflow): long
    words and addresses in the texts must wrap."""
    pages = [url for _name, url in main_pages()]
    pages += [document.get_absolute_url() for document in SourceDocument.objects.order_by("key")]
    wide = []
    for url in pages:
        page.goto(url)
        scroll_width, width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll_width > width:
            wide.append(f"{url}: {scroll_width} pixels wide in a {width} pixel window")
    assert not wide, "\n".join(wide)


# A crawl for broken links ------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"a", "link"} and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def broken_citation(path, query):
    """Why a ``/sources/<document>/?cite=<model>:<key>`` link is broken, or None."""
    model_name, _sep, key = query["cite"][0].partition(":")
    model = CITING_MODELS.get(model_name)
    document = path.strip("/").split("/")[-1]
    record = (
        model.objects.filter(key=key, source_document__key=document)
        .select_related("source_document")
        .first()
        if model
        else None
    )
    if record is None:
        return "cites a record that does not cite this document"
    if not highlight(record.source_document.text, record.source_passage)[1]:
        return "the cited passage is not in the document"
    return None


def test_no_broken_links(page):
    """Follow every link on the site to a page without filters (every record's page and
    every page of each list) and check every other linked address once: filter and sort
    links, CSV exports, the feed, the style sheet. The dashboard's links are checked above.
    Source citations are checked in the database, and one per record type and document
    over HTTP."""
    page.goto("/")
    site = urlsplit(page.url)
    queue, seen, broken, citations = ["/"], {"/"}, [], set()
    while queue:
        url = queue.pop()
        path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
        if "cite" in query:
            if problem := broken_citation(path, query):
                broken.append(f"{url}: {problem}")
            kind = (path, query["cite"][0].partition(":")[0])
            if kind in citations:
                continue
            citations.add(kind)
        response = page.request.get(url)
        if not response.ok:
            broken.append(f"{url}: HTTP {response.status}")
            continue
        html = response.headers.get("content-type", "").startswith("text/html")
        if not html or set(query) - {"page"} or path == "/progress/":
            continue
        parser = Links()
        parser.feed(response.text())
        for href in parser.hrefs:
            parts = urlsplit(urljoin(urljoin(page.url, url), urldefrag(href).url))
            if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
                continue
            if parts.path.startswith("/admin/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert len(seen) > 200, sorted(seen)
    assert not broken, "\n".join(broken)
