from datetime import date

import pytest

from commitments import views
from commitments.choices import DatePrecision, Status
from commitments.models import Commitment

from . import factories

pytestmark = pytest.mark.django_db

# Every anonymous page asks once for the data version of its ETag (tracker/caching.py).
ETAG_QUERIES = 1


@pytest.fixture
def data():
    document = factories.source_document(
        key="brief", text="Inleiding.\nDe minister zegt toe de Kamer\nvoor de zomer te informeren."
    )
    vws = factories.ministry(key="vws", name="Ministerie van VWS", abbreviation="VWS")
    ocw = factories.ministry(key="ocw", name="Ministerie van OCW", abbreviation="OCW")
    theme = factories.theme(key="arbeid", name="Arbeid")
    schippers = factories.office(ministry=vws, person=factories.person(key="schippers"))
    letter = factories.letter(
        key="brief-2021", title="Voortgangsbrief", text_document=document, signatories=[schippers]
    )
    motion = factories.motion(key="motie-a", title="over gelijke kansen", themes=[theme])
    informed = factories.commitment(
        key="tz-informeren", title="Kamer informeren", made_by=schippers, motion=motion,
        made_on=date(2020, 11, 2), due_end=date(2021, 6, 30), themes=[theme],
        source_document=document, source_passage="De minister zegt toe de Kamer voor de zomer",
    )  # fmt: skip
    factories.status_update(
        informed, Status.FULFILLED, date(2021, 6, 1), evidence_letter=letter,
        note="<script>alert(1)</script> verzonden",
    )  # fmt: skip
    late = factories.commitment(
        key="tz-laat", title="Nog niet gedaan", made_by=factories.office(ministry=ocw),
        made_on=date(2019, 5, 1), due_end=date(2020, 1, 1),
    )  # fmt: skip
    factories.status_update(late, Status.IN_PROGRESS, date(2020, 6, 1))  # still open after
    factories.commitment(
        key="tz-stil", title="Niets meer gehoord", made_on=date(2018, 3, 1),
        due_end=date(2019, 1, 1),
    )  # fmt: skip
    return {"informed": informed, "late": late, "motion": motion, "letter": letter}


def keys(response):
    return [obj.key for obj in response.context["object_list"]]


def test_filter_by_status_and_ministry(client, data):
    assert keys(client.get("/commitments/", {"status": "fulfilled"})) == ["tz-informeren"]
    assert keys(client.get("/commitments/", {"ministry": "ocw"})) == ["tz-laat"]
    assert keys(client.get("/commitments/", {"theme": "arbeid"})) == ["tz-informeren"]
    assert keys(client.get("/commitments/", {"year": "2019"})) == ["tz-laat"]
    assert keys(client.get("/commitments/", {"overdue": "true"})) == ["tz-laat"]
    assert keys(client.get("/commitments/", {"deadline": "overdue"})) == ["tz-laat"]
    assert keys(client.get("/commitments/", {"deadline": "no_news"})) == ["tz-stil"]
    assert keys(client.get("/commitments/", {"q": "kamer informeren"})) == ["tz-informeren"]


def test_commitment_without_a_date_goes_by_its_letter(client, data):
    letter = factories.letter(date=date(2019, 8, 1))
    factories.commitment(key="tz-brief", made_on=None, source_letter=letter)
    assert keys(client.get("/commitments/", {"year": "2019"})) == ["tz-brief", "tz-laat"]
    assert keys(client.get("/commitments/", {"order": "made_on"})) == [
        "tz-stil", "tz-laat", "tz-brief", "tz-informeren",
    ]  # fmt: skip
    assert "tz-brief" not in keys(client.get("/commitments/", {"as_of": "2019-07-31"}))
    page = client.get("/en/commitments/", {"year": "2019"})
    assert "1 Aug 2019<br><small>date of the letter</small>" in page.content.decode()
    # A letter's estimated date says so where it stands in for the date made.
    letter.date_precision = DatePrecision.APPROXIMATE
    letter.save()
    page = client.get("/en/commitments/", {"year": "2019"})
    assert "c. 1 Aug 2019<br><small>date of the letter</small>" in page.content.decode()


def test_overdue_and_no_news_as_of_a_past_day(client, data):
    # On 1 March 2020 tz-laat was past due with no news yet; by 2021 it was overdue.
    def on(day, state):
        return keys(client.get("/commitments/", {"as_of": day, "deadline": state}))

    assert on("2020-03-01", "no_news") == ["tz-laat", "tz-stil"]
    assert on("2020-03-01", "overdue") == []
    assert on("2021-01-01", "overdue") == ["tz-laat"]
    assert on("2018-12-31", "no_news") == []  # tz-stil not yet due, tz-laat not yet made


def test_list_and_detail_mark_overdue_and_no_news(client, data):
    page = client.get("/en/commitments/").content.decode()
    assert '<strong class="overdue">overdue</strong>' in page
    assert '<strong class="no-news">no news since 1 March 2018</strong>' in page
    dutch = client.get("/commitments/tz-stil/").content.decode()
    assert "geen nieuws sinds 1 maart 2018" in dutch
    assert 'class="overdue"' not in dutch


def test_deadline_control_is_a_plain_choice_that_defaults_to_all(client, data):
    page = client.get("/commitments/").content.decode()
    assert 'name="deadline"><option value="" selected>alle</option>' in page
    assert 'name="overdue"' not in page
    # An old address with overdue=true selects the same choice.
    page = client.get("/commitments/", {"overdue": "true"}).content.decode()
    assert '<option value="overdue" selected>' in page


def test_dates_show_their_precision_everywhere(client, data):
    letter = factories.letter(
        key="brief-ca", title="Brief ongeveer", date=date(2021, 2, 3), date_precision="approximate"
    )
    c = factories.commitment(key="tz-ca", made_on=date(2020, 1, 1))
    factories.status_update(c, Status.IN_PROGRESS, date(2021, 2, 3), date_precision="approximate")
    factories.status_update(
        c, Status.FULFILLED, date(2024, 12, 31), date_precision="not_after", evidence_letter=letter
    )
    pages = {
        url: client.get(url).content.decode().lower()
        for url in ("/commitments/tz-ca/", "/letters/brief-ca/", "/letters/", "/commitments/", "/")
    }
    detail = pages["/commitments/tz-ca/"]
    assert "sinds uiterlijk 31 december 2024" in detail  # the status and since when
    assert ">ca. 3 februari 2021</time>" in detail  # the timeline
    assert ">uiterlijk 31 december 2024</time>" in detail
    assert "ca. 3 februari 2021" in pages["/letters/brief-ca/"]  # the letter's own date
    assert "uiterlijk 31 dec 2024" in pages["/letters/brief-ca/"]  # what it reported
    assert "ca. 3 feb 2021" in pages["/letters/"]
    assert "uiterlijk 31 dec 2024" in pages["/commitments/"]  # the status date in the list
    assert "uiterlijk 31 dec 2024" in pages["/"]  # the latest updates
    english = client.get("/en/commitments/tz-ca/").content.decode()
    assert "since by 31 December 2024" in english and ">c. 3 February 2021</time>" in english


def test_list_shows_count_and_csv_link_with_the_filters(client, data):
    page = client.get("/commitments/", {"ministry": "ocw"}).content.decode()
    assert "1 overeenkomende rij" in page or "1 matching row" in page
    assert 'href="/commitments/export.csv?ministry=ocw"' in page


def test_invalid_filter_values_give_a_message_not_an_error(client, data):
    response = client.get("/commitments/", {"year": "abc", "ministry": "nope"})
    assert response.status_code == 400
    assert keys(response) == []
    assert 'role="alert"' in response.content.decode()


def test_pagination_keeps_the_filters(client, data):
    office = data["late"].made_by
    for n in range(60):
        factories.commitment(made_by=office, made_on=date(2019, 1, 1), title=f"c{n}")
    page = client.get("/commitments/", {"ministry": "ocw"}).content.decode()
    assert "?ministry=ocw&amp;page=2" in page


def test_commitment_detail_has_timeline_source_and_related(client, data):
    page = client.get("/commitments/tz-informeren/").content.decode()
    assert "Kamer informeren" in page
    assert "/letters/brief-2021/" in page  # the letter that reports on it
    assert "/motions/motie-a/" in page  # the motion it arises from
    assert "/sources/brief/?cite=commitment:tz-informeren#passage" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_source_page_highlights_the_cited_passage_across_line_breaks(client, data):
    page = client.get("/sources/brief/", {"cite": "commitment:tz-informeren"}).content.decode()
    assert '<mark id="passage">De minister zegt toe de Kamer\nvoor de zomer</mark>' in page


def test_source_page_rejects_unknown_citations(client, data):
    assert client.get("/sources/brief/", {"cite": "user:admin"}).status_code == 404
    assert client.get("/sources/brief/", {"cite": "commitment:tz-laat"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/", "/commitments/", "/motions/", "/letters/", "/ministers/", "/ministers/schippers/",
     "/motions/motie-a/", "/letters/brief-2021/", "/commitments/tz-laat/"],
)  # fmt: skip
def test_pages_render(client, data, url):
    assert client.get(url).status_code == 200


def test_unknown_detail_is_404(client, data):
    assert client.get("/commitments/bestaat-niet/").status_code == 404


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/commitments/", 6), ("/motions/", 3), ("/letters/", 4), ("/ministers/", 5)],
)
def test_list_query_count_does_not_grow_with_rows(
    client, data, url, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries + ETAG_QUERIES):
        client.get(url)
    for n in range(30):
        factories.commitment(made_by=data["informed"].made_by, title=f"extra {n}")
        factories.motion()
        factories.letter(signatories=[data["informed"].made_by])
        factories.office(ministry=data["informed"].made_by.ministry)
    with django_assert_num_queries(queries + ETAG_QUERIES):
        client.get(url)


def test_detail_query_count_does_not_grow_with_updates(client, data, django_assert_num_queries):
    # 5: with the letters that fulfil it
    with django_assert_num_queries(5 + ETAG_QUERIES) as before:
        client.get("/commitments/tz-informeren/")
    for n in range(10):
        factories.status_update(data["informed"], Status.IN_PROGRESS, date(2022, 1, n + 1))
    with django_assert_num_queries(len(before)):
        client.get("/commitments/tz-informeren/")


def test_english_translation_under_en(client, data):
    dutch = client.get("/commitments/").content.decode()
    assert 'lang="nl"' in dutch
    english = client.get("/en/commitments/").content.decode()
    assert 'lang="en"' in english
    assert "Download CSV" in english


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/motions/motie-a/", 5),
        ("/letters/brief-2021/", 10),
        ("/ministers/schippers/", 7),  # 3 of them for the scorecard
        ("/sources/brief/?cite=commitment:tz-informeren", 2),
    ],
)
def test_detail_query_counts_do_not_grow_with_related_rows(
    client, data, url, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries + ETAG_QUERIES):
        client.get(url)
    office, motion, letter = data["informed"].made_by, data["motion"], data["letter"]
    for n in range(10):
        c = factories.commitment(made_by=office, motion=motion, source_letter=letter)
        factories.status_update(c, Status.OPEN, date(2021, 1, n + 1), evidence_letter=letter)
        factories.status_update(
            motion, Status.IN_PROGRESS, date(2021, 2, n + 1), evidence_letter=letter
        )
        other = factories.motion(submitter=factories.member())
        factories.status_update(other, Status.OPEN, date(2021, 3, n + 1), evidence_letter=letter)
        factories.letter(signatories=[office])
    with django_assert_num_queries(queries + ETAG_QUERIES):
        client.get(url)


@pytest.fixture
def small_cap(monkeypatch):
    """Count at most 5 rows, and read the keys first from the sixth row on."""
    monkeypatch.setattr(views.CappedPaginator, "cap", 5)
    monkeypatch.setattr(views, "DEEP_PAGE", 5)
    monkeypatch.setattr(views.CommitmentList, "paginate_by", 4)


def test_a_long_list_is_counted_up_to_a_cap(client, data, small_cap, django_assert_num_queries):
    for n in range(9):
        factories.commitment(key=f"tz-{n:02}", title=f"Extra {n}", made_on=date(2010, 1, n + 1))
    everything = list(
        Commitment.objects.order_by(*Commitment._meta.ordering).values_list("key", flat=True)
    )
    assert len(everything) == 12
    # the same as uncapped: count (capped) and rows
    with django_assert_num_queries(6 + ETAG_QUERIES):
        page = client.get("/en/commitments/")
    html = page.content.decode()
    assert "More than 5 matching rows" in html
    assert "<span>Page 1</span>" in html and 'rel="next" href="?page=2"' in html
    assert keys(page) == everything[:4]
    # A deep page: its keys, then its rows (one query more), in the list's order; the
    # filter form's four choice lists are those of the first request (same data version).
    with django_assert_num_queries(7 - 4 + ETAG_QUERIES):
        last = client.get("/en/commitments/", {"page": "3"})
    assert keys(last) == everything[8:]
    assert 'rel="next"' not in last.content.decode()
    # Past the end: the last page, as before.
    assert keys(client.get("/commitments/", {"page": "40"})) == everything[8:]
    # Fewer rows than the cap: counted exactly, with the number of pages.
    page = client.get("/en/commitments/", {"ministry": "vws"})
    assert "1 matching row" in page.content.decode()


def test_a_capped_search_exports_every_row(client, data, small_cap):
    for n in range(9):
        factories.commitment(title=f"Rapport {n}")
    html = client.get("/en/commitments/", {"q": "rapport"})
    assert "More than 5 matching rows" in html.content.decode()
    body = b"".join(client.get("/commitments/export.csv", {"q": "rapport"}).streaming_content)
    assert len(body.decode().splitlines()) == 1 + 9


def test_record_links_are_those_reverse_gives_also_under_a_script_prefix(data):
    from django.urls import reverse, set_script_prefix

    person = data["informed"].made_by.person
    records = [data["informed"], data["motion"], data["letter"], person]
    names = ["commitment", "motion", "letter", "person"]
    for record, name in zip(records, names, strict=True):
        assert record.get_absolute_url() == reverse(f"commitments:{name}", args=[record.key])
    set_script_prefix("/tracker/")
    try:
        assert data["informed"].get_absolute_url() == "/tracker/commitments/tz-informeren/"
    finally:
        set_script_prefix("/")
