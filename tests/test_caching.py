"""Public pages can be cached: an anonymous GET sets no cookie, does not vary on cookies,
says ``Cache-Control: public, max-age=60`` with an ETag, and a conditional GET with that
ETag is answered 304 before the page is rendered. The admin, signed-in researchers and
the alerts forms stay private."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from commitments import services, tallies, versions
from commitments.models import Commitment, Letter, Motion, Office, Person, Status, Theme
from tracker import caching

from . import factories
from .test_sync import ocw_minister, register  # noqa: F401 (fixtures)

TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver"]


def every_public_page():
    """One address of every kind of public page on the seed data, HTML, feeds and CSV."""
    c = Commitment.objects.exclude(updates=None).first()
    m = Motion.objects.exclude(updates=None).first()
    letter = Letter.objects.exclude(status_updates=None).first()
    cited = Commitment.objects.exclude(source_document=None).first()
    with translation.override("nl"):
        return [
            "/",
            "/commitments/",
            "/commitments/?status=open&order=-made_on",
            "/commitments/export.csv",
            "/commitments/export-excel.csv",
            "/commitments/feed/",
            c.get_absolute_url(),
            f"{c.get_absolute_url()}feed/",
            "/motions/",
            "/motions/export.csv",
            "/motions/feed/",
            m.get_absolute_url(),
            f"{m.get_absolute_url()}feed/",
            "/letters/",
            "/letters/export.csv",
            letter.get_absolute_url(),
            "/ministers/",
            Person.objects.first().get_absolute_url(),
            Office.objects.filter(person=None).first().get_absolute_url(),
            f"{cited.source_document.get_absolute_url()}?cite=commitment:{cited.key}",
            "/progress/",
            "/feed/",
            "/changes/",
            "/changes/export.csv",
            "/changes/feed/",
        ]


def assert_cacheable(response, url):
    assert response.status_code == 200, url
    assert not response.cookies, (url, response.cookies)
    assert "Set-Cookie" not in response.headers, url
    assert "Cookie" not in response.get("Vary", ""), url
    assert "Accept-Language" not in response.get("Vary", ""), url
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", f"max-age={caching.PUBLIC_MAX_AGE}"}, url
    assert response["ETag"].startswith('W/"'), url


def test_every_public_page_is_cacheable_in_both_languages(client):
    call_command("seed", verbosity=0)
    pages = every_public_page()
    assert len(pages) == 25
    for url in pages + ["/en" + url for url in pages]:
        response = client.get(url)
        assert_cacheable(response, url)
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == response["ETag"]
        assert "public" in again["Cache-Control"]
        assert not again.cookies
    assert not client.cookies  # nothing was ever set


def test_a_conditional_get_is_answered_before_the_page_is_rendered(
    client, django_assert_num_queries
):
    factories.commitment()
    etag = client.get("/commitments/")["ETag"]
    with django_assert_num_queries(1):  # the data version, nothing of the page
        response = client.get("/commitments/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    # HEAD too; another ETag gets the page.
    assert client.head("/commitments/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    other = client.get("/commitments/", HTTP_IF_NONE_MATCH='W/"something-else"')
    assert other.status_code == 200
    assert b"<table" in other.content


def etag(client, url="/commitments/"):
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


def assert_changes_the_etag(client, write):
    """``write`` changes the ETag, and with it every cached public page; reading it again
    does not."""
    before = etag(client)
    write()
    after = etag(client)
    assert after != before
    assert client.get("/commitments/", HTTP_IF_NONE_MATCH=before).status_code == 200
    assert client.get("/progress/", HTTP_IF_NONE_MATCH=after).status_code == 304


def test_every_service_write_changes_the_etag(client):
    c = factories.commitment(title="Eerste titel")
    m = factories.motion()
    letter = factories.letter(date=date(2020, 1, 1))
    undated = factories.commitment(made_on=None, source_letter=letter)

    def save_commitment():
        c.title = "Tweede titel"
        services.save_tracked(c, expected_version=c.version)

    def save_motion():
        m.title = "Andere motie"
        services.save_tracked(m, expected_version=m.version)

    def redate_letter():  # a bulk UPDATE of the commitments it dates, without history
        letter.date = date(2021, 1, 1)
        services.save_letter(letter)

    def correct_update():
        update = c.updates.latest_first().first()
        services.correct_seeded_status_update(update, change_reason="typo", note="Verbeterd")

    def create_in_bulk():
        new = Commitment(key="bulk-1", title="In bulk", text="", made_on=date(2022, 1, 1))
        services.create_with_first_updates(Commitment, [new], [None])

    for write in (
        save_commitment,
        save_motion,
        lambda: services.record_status_update(subject=c, status=Status.FULFILLED, date=TODAY),
        redate_letter,
        correct_update,
        create_in_bulk,
    ):
        assert_changes_the_etag(client, write)
    undated.refresh_from_db()
    assert undated.made_on_or_letter == date(2021, 1, 1)


def test_a_rebuild_and_the_seed_change_the_etag(client):
    factories.commitment()
    assert_changes_the_etag(client, tallies.rebuild)
    assert_changes_the_etag(client, lambda: call_command("rebuild_tallies", stdout=StringIO()))
    assert_changes_the_etag(client, lambda: call_command("seed", verbosity=0))


def test_admin_saves_and_deletions_change_the_etag(client, admin_client):
    """Also of records no service writes (a theme, a person): the admin raises the
    version itself."""
    theme = factories.theme(key="zorg", name="Zorg")

    def change_theme():
        response = admin_client.post(
            reverse("admin:commitments_theme_change", args=[theme.pk]),
            {"key": "zorg", "name": "Gezondheidszorg", "source_passage": ""},
        )
        assert response.status_code == 302

    def delete_theme():
        response = admin_client.post(
            reverse("admin:commitments_theme_delete", args=[theme.pk]), {"post": "yes"}
        )
        assert response.status_code == 302

    assert_changes_the_etag(client, change_theme)
    assert Theme.objects.get(pk=theme.pk).name == "Gezondheidszorg"
    assert_changes_the_etag(client, delete_theme)
    assert not Theme.objects.filter(pk=theme.pk).exists()


@pytest.mark.usefixtures("register", "ocw_minister")
def test_a_sync_changes_the_etag(client):
    assert_changes_the_etag(client, lambda: call_command("sync_tk", stdout=StringIO()))
    assert Commitment.objects.exists()


def test_reads_do_not_change_the_etag(client, django_assert_num_queries):
    call_command("seed", verbosity=0)
    before = etag(client)
    for url in every_public_page():
        assert client.get(url).status_code == 200, url
        assert client.get("/en" + url).status_code == 200, url
    with django_assert_num_queries(1):
        version = caching.data_version()
    assert etag(client) == before
    assert caching.data_version() == version


def test_the_next_day_changes_the_etag(client, monkeypatch):
    """Deadlines turn overdue at midnight, with no change to the data."""
    factories.commitment()
    etag = client.get("/commitments/")["ETag"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(caching.timezone, "localdate", lambda: tomorrow)
    response = client.get("/commitments/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_new_release_changes_the_etag(client, monkeypatch):
    factories.commitment()
    etag = client.get("/commitments/")["ETag"]
    monkeypatch.setattr(caching, "code_version", lambda: "a later release")
    assert client.get("/commitments/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def assert_private(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-cache", "no-store"} <= directives, response["Cache-Control"]
    assert "public" not in directives
    assert "ETag" not in response


def test_signed_in_researchers_get_private_pages(researcher_client):
    factories.commitment()
    response = researcher_client.get("/commitments/")
    assert response.status_code == 200
    assert_private(response)
    # Their conditional requests are not answered from the public ETag either.
    anonymous_etag = caching.page_etag()
    again = researcher_client.get("/commitments/", HTTP_IF_NONE_MATCH=anonymous_etag)
    assert again.status_code == 200


def test_the_admin_is_private(researcher_client):
    assert_private(researcher_client.get("/admin/"))
    assert_private(researcher_client.get("/admin/commitments/commitment/"))
    assert_private(Client().get("/admin/login/"))


def test_the_follow_form_is_the_one_public_page_with_a_cookie(client):
    """The alerts form posts an address, so it carries a CSRF token and sets its cookie:
    that page is private. The pages it is linked from are not."""
    c = factories.commitment()
    page = client.get(f"/commitments/{c.key}/")
    assert_cacheable(page, "detail")
    form = client.get("/alerts/follow/", {"commitment": c.key})
    assert form.status_code == 200
    assert "csrftoken" in form.cookies
    assert_private(form)


def test_errors_are_not_cached(client):
    assert_private(client.get("/commitments/no-such-key/"))
    assert_private(client.get("/commitments/", {"year": "abc"}))  # 400, with the reason
    assert_private(client.get("/en/no-such-page/"))


def test_posts_are_not_cached(client):
    response = client.post("/commitments/")
    assert "public" not in response.get("Cache-Control", "")


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def test_a_rendered_page_is_kept_until_the_data_changes(
    client, page_cache, django_assert_num_queries
):
    c = factories.commitment(title="Eerste titel")
    first = client.get("/commitments/")
    assert first.context is not None  # rendered
    with django_assert_num_queries(1):  # the data version; the page comes from the cache
        again = client.get("/commitments/")
    assert again.context is None
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert_cacheable(again, "/commitments/")
    assert again["ETag"] == first["ETag"]
    # Each address and language is its own page.
    english = client.get("/en/commitments/")
    assert english.context is not None and 'lang="en"' in english.content.decode()
    assert client.get("/commitments/", {"status": "open"}).context is not None
    # A change is never served stale.
    c.title = "Tweede titel"
    services.save_tracked(c, expected_version=c.version)
    changed = client.get("/commitments/")
    assert changed.context is not None
    assert "Tweede titel" in changed.content.decode()


def test_streamed_exports_and_researchers_pages_are_not_kept(client, researcher_client, page_cache):
    factories.commitment()
    client.get("/commitments/export.csv")
    assert client.get("/commitments/export.csv").streaming
    researcher_client.get("/ministers/")
    assert researcher_client.get("/ministers/").context is not None


def test_the_data_version_is_read_in_one_query_and_raised_by_the_write_path(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        before = caching.data_version()
    factories.letter()  # written around the write path: not a change of the version
    assert caching.data_version() == before
    with versions.change():
        pass
    assert caching.data_version() != before
