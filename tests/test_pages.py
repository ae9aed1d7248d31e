"""What the public pages show: the language by the address (Dutch, English under /en/),
Dutch dates, names in Dutch sort order, and the Atom feeds each page offers."""

import importlib
import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from commitments.choices import Status
from commitments.filters import CommitmentFilter, LetterFilter
from commitments.models import MemberOfParliament, Person

from . import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


# The language ------------------------------------------------------------------------


def test_the_browser_language_does_not_choose_the_interface_language(client):
    response = client.get("/commitments/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert 'lang="nl"' in response.content.decode()
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" not in response.get("Vary", "")
    assert "Cookie" not in response.get("Vary", "")


def test_english_is_under_en(client):
    response = client.get("/en/commitments/?year=2020", HTTP_ACCEPT_LANGUAGE="nl")
    assert 'lang="en"' in response.content.decode()
    assert response["Content-Language"] == "en"
    assert client.get("/en/").status_code == 200
    # Dutch has no prefix of its own.
    assert client.get("/nl/commitments/").status_code == 404


def test_links_on_an_english_page_stay_english(client):
    c = factories.commitment()
    page = client.get("/en/commitments/").content.decode()
    assert f'href="/en/commitments/{c.key}/"' in page
    assert 'href="/en/motions/"' in page
    assert 'href="/motions/"' not in page


def switch(html):
    """The link of the language switch in the header, and its language."""
    nav = html[html.index('<nav class="language"') :]
    nav = nav[: nav.index("</nav>")]
    (found,) = re.findall(r'<a href="([^"]*)" hreflang="([a-z]+)"', nav)
    return found


def test_the_language_switch_links_to_the_same_page_in_the_other_language(client):
    c = factories.commitment()
    page = client.get("/commitments/?year=2020&status=open").content.decode()
    assert switch(page) == ("/en/commitments/?year=2020&amp;status=open", "en")
    english = client.get("/en/commitments/?year=2020&status=open").content.decode()
    assert switch(english) == ("/commitments/?year=2020&amp;status=open", "nl")
    detail = client.get(f"/en/commitments/{c.key}/").content.decode()
    assert switch(detail) == (f"/commitments/{c.key}/", "nl")
    assert switch(client.get("/").content.decode()) == ("/en/", "en")
    # A plain link, no form: the page sets no cookie.
    response = client.get("/commitments/")
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_every_page_names_its_versions_in_both_languages(client):
    page = client.get("/motions/?q=stikstof").content.decode()
    found = re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]*)"', page)
    alternates = dict(found)
    assert alternates == {
        "nl": "http://testserver/motions/?q=stikstof",
        "en": "http://testserver/en/motions/?q=stikstof",
        "x-default": "http://testserver/motions/?q=stikstof",
    }


def test_the_language_cookie_does_not_change_public_pages(client):
    """The cookie of the admin's language (Django's set_language) is ignored on public
    pages: their language is in the address."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'lang="nl"' in client.get("/commitments/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert 'lang="en"' in client.get("/en/commitments/").content.decode()


def test_set_language_still_goes_to_the_page_in_the_chosen_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/commitments/?year=2020"})
    assert response.status_code == 302
    assert response["Location"] == "/en/commitments/?year=2020"


def test_the_admin_keeps_the_language_cookie(admin_client):
    assert 'lang="nl"' in admin_client.get("/admin/").content.decode()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.get("/admin/")
    assert 'lang="en"' in response.content.decode()
    assert "Cookie" in response["Vary"]
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"  # unknown: Dutch
    assert 'lang="nl"' in admin_client.get("/admin/").content.decode()


# Dates -------------------------------------------------------------------------------


def test_dutch_month_names_are_lower_case(client):
    c = factories.commitment(made_on=date(2023, 5, 17), due_phrase="in 2024")
    factories.status_update(c, Status.IN_PROGRESS, date(2023, 3, 1))
    for url in ("/commitments/", c.get_absolute_url(), "/"):
        page = client.get(url).content.decode()
        assert "Mei" not in page and "Mrt" not in page, url
    assert "17 mei 2023" in client.get("/commitments/").content.decode()
    detail = client.get(c.get_absolute_url()).content.decode()
    assert "17 mei 2023" in detail
    assert "1 maart 2023" in detail
    assert "1 mrt 2023" in client.get("/").content.decode()

    assert "17 May 2023" in client.get("/en/commitments/").content.decode()
    assert "1 March 2023" in client.get(f"/en/commitments/{c.key}/").content.decode()


# Sorting on the surname without tussenvoegsel ----------------------------------------


@pytest.fixture
def people():
    names = [
        ("Zijlstra", "", "Halbe"),
        ("Jonge", "de", "Hugo"),
        ("Engelshoven", "van", "Ingrid"),
        ("Albayrak", "", "Nebahat"),
        ("Jong", "de", "Piet"),
    ]
    made = {}
    for name, prefix, first in names:
        person = factories.person(name=name, tussenvoegsel=prefix, first_name=first)
        factories.commitment(made_by=factories.office(person=person))
        made[str(person)] = person
    return made


IN_ORDER = [
    "Nebahat Albayrak",
    "Ingrid van Engelshoven",
    "Piet de Jong",
    "Hugo de Jonge",
    "Halbe Zijlstra",
]


def test_names_show_with_their_tussenvoegsel(people):
    assert set(people) == set(IN_ORDER)
    assert [str(p) for p in Person.objects.all()] == IN_ORDER


def test_the_ministers_list_sorts_on_the_surname(client, people):
    rows = client.get(reverse("commitments:persons")).context["object_list"]
    assert [str(p) for p in rows] == IN_ORDER


def test_filter_choices_sort_on_the_surname(people):
    for filterset in (CommitmentFilter(), LetterFilter()):
        labels = [label for key, label in filterset.form["person"].field.widget.options() if key]
        assert labels == IN_ORDER


def test_the_admin_sorts_on_the_surname(admin_client, people):
    response = admin_client.get(reverse("admin:commitments_person_changelist"))
    assert [str(p) for p in response.context["cl"].result_list] == IN_ORDER
    # The person filter of the commitments list in the admin, too.
    response = admin_client.get(reverse("admin:commitments_commitment_changelist"))
    specs = response.context["cl"].filter_specs
    (spec,) = [s for s in specs if getattr(s, "field_path", "") == "made_by__person"]
    assert [label for _pk, label in spec.lookup_choices] == IN_ORDER


def test_the_commitments_export_writes_the_whole_name(client, people):
    text = b"".join(client.get("/commitments/export.csv").streaming_content).decode()
    assert "Hugo de Jonge" in text
    assert "Halbe Zijlstra" in text


def test_members_of_parliament_sort_on_the_surname_and_keep_their_display(client):
    hul = factories.member(name="Hul", tussenvoegsel="Van den", party="PvdA")
    dijk = factories.member(name="Dijk", tussenvoegsel="van", first_name="Jasper", party="SP")
    factories.member(name="Bergkamp", party="D66")
    factories.member(name="Ceder", party="CU")
    assert [m.label for m in MemberOfParliament.objects.all()] == [
        "Bergkamp",
        "Ceder",
        "Jasper van Dijk",
        "Van den Hul",
    ]
    assert str(hul) == "Van den Hul (PvdA)"
    m = factories.motion(submitter=hul, title="over iets")
    m.co_submitters.set([dijk])
    assert str(m) == "Motie Van den Hul over iets"
    assert m.submitters == "Van den Hul (PvdA), Jasper van Dijk (SP)"
    text = b"".join(client.get("/motions/export.csv").streaming_content).decode()
    assert "Van den Hul (PvdA), Jasper van Dijk (SP)" in text


def test_the_migration_splits_existing_names():
    migration = importlib.import_module("commitments.migrations.0007_tussenvoegsel_sort_on_surname")
    split = migration.split_name
    assert split(["de", "Jonge"]) == ("", "de", "Jonge")
    assert split(["Van", "den", "Hul"]) == ("", "Van den", "Hul")
    assert split(["Jasper", "van", "Dijk"]) == ("Jasper", "van", "Dijk")
    assert split(["Geluk-Poortvliet"]) == ("", "", "Geluk-Poortvliet")
    assert split(["Van"]) == ("", "", "Van")


# Feeds offered on the pages ----------------------------------------------------------


class FeedLinks(HTMLParser):
    """The Atom feeds a page names in its head and the ones it links to visibly."""

    def __init__(self):
        super().__init__()
        self.head, self.visible = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("type") != "application/atom+xml":
            return
        if tag == "link" and attrs.get("rel") == "alternate":
            self.head.append(attrs["href"])
        elif tag == "a":
            self.visible.append(attrs["href"])


def offered_feed(client, url):
    """The page's own feed: named first in the head and linked visibly, the same one."""
    response = client.get(url)
    assert response.status_code == 200, url
    links = FeedLinks()
    links.feed(response.content.decode())
    assert links.visible, f"no visible feed link on {url}"
    assert links.head[0] == links.visible[0], url
    assert links.head[-1] == reverse("commitments:feed")  # the site's feed, always
    return links.visible[0]


def feed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"http://testserver{url}"
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


@pytest.fixture
def tracked():
    arbeid, media = factories.theme(name="Arbeid"), factories.theme(name="Media")
    anna = factories.person(name="Jansen", first_name="Anna")
    bert = factories.person(name="Bakker", first_name="Bert")
    c1 = factories.commitment(
        title="Banen tellen", made_by=factories.office(person=anna), themes=[arbeid]
    )
    c2 = factories.commitment(
        title="Omroepen horen", made_by=factories.office(person=bert), themes=[media]
    )
    m1 = factories.motion(title="over banen", themes=[arbeid])
    m2 = factories.motion(title="over omroepen", themes=[media])
    for subject in (c1, c2, m1, m2):
        factories.status_update(subject, Status.IN_PROGRESS, date(2021, 3, 1))
    factories.status_update(c1, Status.FULFILLED, date(2022, 3, 1))
    return {"arbeid": arbeid, "anna": anna, "c1": c1, "c2": c2, "m1": m1, "m2": m2}


def test_each_page_offers_the_feed_of_what_it_shows(client, tracked):
    t = tracked
    expectations = {
        # page: the entries of the feed it offers
        "/commitments/": [
            "voldaan: Banen tellen",
            *[f"in uitvoering: {c}" for c in ("Omroepen horen", "Banen tellen")],
        ],
        f"/commitments/?theme={t['arbeid'].key}&order=title&page=1": [
            "voldaan: Banen tellen",
            "in uitvoering: Banen tellen",
        ],
        f"/motions/?theme={t['arbeid'].key}": [f"in uitvoering: {t['m1']}"],
        "/motions/": [f"in uitvoering: {t['m2']}", f"in uitvoering: {t['m1']}"],
        t["anna"].get_absolute_url(): ["voldaan: Banen tellen", "in uitvoering: Banen tellen"],
        t["c2"].get_absolute_url(): ["in uitvoering: Omroepen horen"],
        t["m1"].get_absolute_url(): [f"in uitvoering: {t['m1']}"],
    }
    for page, titles in expectations.items():
        feed = offered_feed(client, page)
        assert sorted(feed_titles(client, feed)) == sorted(titles), (page, feed)
    # Newest first, and the filters carried over but not the paging or sorting.
    feed = offered_feed(client, f"/commitments/?theme={t['arbeid'].key}&order=title&page=1")
    assert feed == f"/commitments/feed/?theme={t['arbeid'].key}"
    assert feed_titles(client, feed)[0] == "voldaan: Banen tellen"


def test_item_feeds_answer_404_for_unknown_keys_and_400_for_bad_filters(client, tracked):
    assert client.get("/commitments/no-such-key/feed/").status_code == 404
    assert client.get("/motions/no-such-key/feed/").status_code == 404
    assert client.get("/commitments/feed/?year=abc").status_code == 400
    assert client.get("/motions/feed/?kind=nonsense").status_code == 400


def test_the_commitment_list_feed_keeps_motions_out(client, tracked):
    titles = feed_titles(client, "/commitments/feed/?status=in_progress")
    assert titles == ["in uitvoering: Omroepen horen"]
