"""The open data API: records by key, the lists' filters, cursor pages, errors as 400 with
the reason, read-only, throttled, and a fixed number of queries per page."""

from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings

from commitments.models import Status

from . import factories

pytestmark = pytest.mark.django_db


def api_data():
    """A small tracker: two ministries, commitments with and without news, a motion with
    co-submitters, a letter with signatories, an office without a named holder."""
    theme = factories.theme(key="klimaat", name="Klimaat")
    bz = factories.ministry(key="bz", name="Buitenlandse Zaken", abbreviation="BZ")
    vws = factories.ministry(key="vws", name="Volksgezondheid", abbreviation="VWS")
    cabinet = factories.cabinet(key="rutte-iv", name="Rutte IV", start=date(2022, 1, 10))
    jansen = factories.person(key="anna-jansen", name="Jansen", first_name="Anna")
    minister = factories.office(key="min-bz", person=jansen, ministry=bz, cabinet=cabinet)
    unnamed = factories.office(key="min-vws", person=None, ministry=vws)
    dossier = factories.dossier(key="d-32735", number="32735")
    letter = factories.letter(
        key="kst-32735-1", dossier=dossier, number="1", signatories=[minister, unnamed]
    )
    motion = factories.motion(
        key="motie-1", dossier=dossier, number="2", submitter=factories.member(), themes=[theme]
    )
    motion.co_submitters.set([factories.member(), factories.member(party="")])
    kept = factories.commitment(
        key="kept", made_by=minister, themes=[theme], motion=motion, source_letter=letter,
        due_end=date(2021, 6, 30),
    )  # fmt: skip
    factories.status_update(kept, Status.IN_PROGRESS, date(2021, 1, 5), evidence_letter=letter)
    factories.status_update(kept, Status.FULFILLED, date(2022, 3, 1), note="Gedaan.")
    late = factories.commitment(key="late", made_by=unnamed, due_end=date(2021, 1, 1))
    factories.status_update(late, Status.OPEN, date(2021, 5, 1))
    factories.commitment(key="quiet", made_by=unnamed, made_on=None)
    factories.status_update(motion, Status.IN_PROGRESS, date(2021, 2, 1))
    return {"minister": minister, "motion": motion, "letter": letter, "kept": kept}


@pytest.fixture
def data():
    return api_data()


def keys(response):
    assert response.status_code == 200, response.content
    return [row["key"] for row in response.json()["results"]]


def test_commitments_by_key_with_related_records_as_keys(client, data):
    response = client.get("/api/commitments/")
    assert keys(response) == ["kept", "late", "quiet"]
    kept = response.json()["results"][0]
    assert "id" not in kept
    assert kept["made_by"]["person"] == "anna-jansen"
    assert kept["made_by"]["ministry"] == "bz"
    assert kept["made_by"]["cabinet"] == "rutte-iv"
    assert kept["themes"] == ["klimaat"]
    assert kept["motion"] == "motie-1"
    assert kept["source_letter"] == "kst-32735-1"
    assert kept["status"] == "fulfilled"
    assert kept["status_date"] == "2022-03-01"
    assert kept["url"] == "http://testserver/commitments/kept/"
    detail = client.get("/api/commitments/kept/")
    assert detail.status_code == 200
    assert detail.json() == kept


def test_deadline_state_as_the_lists_compute_it(client, data):
    rows = {row["key"]: row for row in client.get("/api/commitments/").json()["results"]}
    assert rows["late"]["deadline_state"] == "overdue"
    assert rows["kept"]["deadline_state"] is None
    assert keys(client.get("/api/commitments/?deadline=overdue")) == ["late"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=fulfilled", ["kept"]),
        ("status=fulfilled&status=open", ["kept", "late", "quiet"]),
        ("ministry=vws", ["late", "quiet"]),
        ("person=anna-jansen", ["kept"]),
        ("theme=klimaat", ["kept"]),
        ("q=toezegging", ["kept", "late", "quiet"]),
        ("year=2020", ["kept", "late"]),
        ("as_of=2021-03-01&status=in_progress", ["kept"]),
        ("fulfilled_year=2022", ["kept"]),
        ("overdue=true", ["late"]),
    ],
)
def test_commitments_take_the_lists_filters(client, data, query, expected):
    assert keys(client.get(f"/api/commitments/?{query}")) == expected
    page = client.get(f"/commitments/?{query}")
    assert sorted(c.key for c in page.context["object_list"]) == expected


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/commitments/?year=abc", "year"),
        ("/api/commitments/?ministry=nope", "ministry"),
        ("/api/commitments/?status=kept", "status"),
        ("/api/motions/?as_of=yesterday", "as_of"),
        ("/api/letters/?q=" + "x" * 201, "q"),
        ("/api/persons/?cabinet=nope", "cabinet"),
        ("/api/commitments/?cursor=not-a-cursor", "cursor"),
    ],
)
def test_an_invalid_parameter_is_a_400_with_the_reason(client, data, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    messages = response.json()[parameter]
    assert messages and all(isinstance(message, str) and message for message in messages)


def test_an_unknown_key_is_a_404(client, data):
    response = client.get("/api/commitments/nope/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_motions_letters_and_persons(client, data):
    motion = client.get("/api/motions/motie-1/").json()
    assert motion["kamerstuk"] == "32735, nr. 2"
    assert len(motion["co_submitters"]) == 2
    assert motion["themes"] == ["klimaat"]
    assert motion["status"] == "in_progress"
    assert keys(client.get("/api/motions/?theme=klimaat")) == ["motie-1"]
    assert keys(client.get("/api/motions/?status=open")) == []

    letter = client.get("/api/letters/kst-32735-1/").json()
    assert [office["key"] for office in letter["signatories"]] == ["min-bz", "min-vws"]
    assert letter["signatories"][1]["person"] is None
    assert keys(client.get("/api/letters/?person=anna-jansen")) == ["kst-32735-1"]

    person = client.get("/api/persons/anna-jansen/").json()
    assert person["label"] == "Anna Jansen"
    assert [office["key"] for office in person["offices"]] == ["min-bz"]
    assert keys(client.get("/api/persons/?ministry=vws")) == []


def test_status_updates_newest_first_with_the_feeds_filters(client, data):
    response = client.get("/api/status-updates/")
    rows = response.json()["results"]
    assert [row["date"] for row in rows] == ["2022-03-01", "2021-05-01", "2021-02-01", "2021-01-05"]
    assert rows[0]["commitment"] == "kept" and rows[0]["motion"] is None
    assert rows[2]["motion"] == "motie-1"
    assert rows[3]["evidence_letter"] == "kst-32735-1"
    person = client.get("/api/status-updates/?person=anna-jansen").json()["results"]
    assert {row["commitment"] for row in person} == {"kept"}
    motions = client.get("/api/status-updates/?kind=motie").json()["results"]
    assert [row["motion"] for row in motions] == ["motie-1"]
    bad = client.get("/api/status-updates/?year=abc")
    assert bad.status_code == 400
    assert "year" in bad.json()["detail"]


def test_cursor_pages_cover_every_row_once(client, data):
    for n in range(7):
        factories.commitment(key=f"extra-{n}")
    seen, url, pages = [], "/api/commitments/?page_size=4&status=open", 0
    while url:
        response = client.get(url)
        seen += keys(response)
        url = response.json()["next"]
        pages += 1
    assert pages == 3
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 9
    assert "status=open" in client.get("/api/commitments/?page_size=4&status=open").json()["next"]


def test_no_query_per_row(client, data, django_assert_num_queries):
    """A page costs the same number of queries for 3 rows as for 30."""
    expected = {
        "/api/commitments/": 2,  # rows, themes
        "/api/motions/": 3,  # rows, co-submitters, themes
        "/api/letters/": 2,  # rows, signatories
        "/api/persons/": 2,  # rows, offices
        "/api/status-updates/": 1,
    }
    for url, count in expected.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    office = data["minister"]
    for _n in range(27):
        commitment = factories.commitment(made_by=office, themes=[factories.theme()])
        factories.status_update(commitment, Status.IN_PROGRESS, date(2022, 1, 1))
        factories.motion(themes=[factories.theme()]).co_submitters.set([factories.member()])
        factories.letter(signatories=[factories.office()])
    for url, count in expected.items():
        with django_assert_num_queries(count):
            rows = keys(client.get(url))
        assert len(rows) >= 28, url


def test_a_filter_by_key_adds_one_query_to_check_the_key(client, data, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert keys(client.get("/api/commitments/?ministry=bz")) == ["kept"]


def test_read_only(client, data):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/commitments/kept/")
        assert response.status_code == 405, method


@override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
)
def test_too_many_requests_are_throttled_per_address(client, data):
    for _n in range(3):
        assert client.get("/api/persons/").status_code == 200
    response = client.get("/api/persons/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    other = client.get("/api/persons/", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    spoofed = client.get("/api/persons/", HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert spoofed.status_code == 429  # the header is only believed behind the proxy


def test_the_schema_and_its_browsable_page(client, data):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/commitments/",
        "/api/commitments/{key}/",
        "/api/motions/",
        "/api/letters/",
        "/api/persons/",
        "/api/status-updates/",
    }
    parameters = {p["name"]: p for p in schema["paths"]["/api/commitments/"]["get"]["parameters"]}
    assert {"status", "ministry", "deadline", "as_of", "year", "q", "cursor"} <= set(parameters)
    assert "order" not in parameters
    assert "fulfilled" in parameters["status"]["schema"]["items"]["enum"]
    assert parameters["as_of"]["description"] == "status on (date)"  # English
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "<script>" not in html  # no inline script (CSP)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()


def test_lists_are_browsable_without_javascript(client, data):
    response = client.get("/api/commitments/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "kept" in response.content.decode()


@pytest.mark.parametrize(
    "accept, language, message",
    [
        ("", "nl", "Selecteer een geldige keuze."),
        ("en-GB,en;q=0.9,nl;q=0.8", "en", "Select a valid choice."),
        ("nl-NL,en;q=0.5", "nl", "Selecteer een geldige keuze."),
        ("de-DE,fr;q=0.9", "nl", "Selecteer een geldige keuze."),
    ],
)
def test_messages_follow_the_clients_accept_language(client, data, accept, language, message):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/api/commitments/?status=kept", headers=headers)
    assert response.status_code == 400
    assert response.json()["status"][0].startswith(message)
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    not_found = client.get("/api/commitments/nope/", headers=headers)
    assert not_found["Content-Language"] == language


def test_the_language_header_leaves_the_sites_pages_alone(client, data):
    response = client.get("/commitments/", headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" not in response.get("Vary", "")
