"""The "what changed" page, its CSV export and its Atom feed."""

import csv
import io
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.changes import changes

from . import factories

pytestmark = pytest.mark.django_db

# Every anonymous page asks once for the data version of its ETag (tracker/caching.py).
ETAG_QUERIES = 1

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def history():
    """A commitment open since 2023, in progress in 2024, fulfilled in 2024; a motion whose
    first update falls in 2024; another commitment changed only outside the period."""
    letter = factories.letter(
        dossier=factories.dossier(number="30420"), number="415", date=date(2024, 5, 1)
    )
    commitment = factories.commitment(title="Rapport over lhbtiq+ rechten")
    factories.status_update(commitment, "open", date(2023, 3, 1))
    factories.status_update(commitment, "in_progress", date(2024, 2, 1), note="Gestart.")
    factories.status_update(
        commitment,
        "fulfilled",
        date(2024, 5, 1),
        note="Rapport verzonden.",
        evidence_letter=letter,
        source_passage="Hierbij bied ik u het rapport aan.",
        evidence_url="https://example.org/brief",
    )
    motion = factories.motion(title="over gelijke behandeling")
    factories.status_update(motion, "in_progress", date(2024, 3, 15))
    other = factories.commitment(title="Buiten de periode")
    factories.status_update(other, "open", date(2022, 1, 1))
    factories.status_update(other, "lapsed", date(2025, 1, 1))
    return {"commitment": commitment, "motion": motion, "other": other, "letter": letter}


def period(start, end):
    return {"from": start.isoformat(), "to": end.isoformat()}


def test_previous_status_looks_back_before_the_period(history):
    rows = [
        (u.subject.key, u.previous_status, u.status)
        for u in changes(date(2024, 1, 1), date(2024, 12, 31))
    ]
    assert rows == [
        (history["commitment"].key, "open", "in_progress"),
        (history["motion"].key, None, "in_progress"),
        (history["commitment"].key, "in_progress", "fulfilled"),
    ]


def test_same_day_updates_are_ordered_by_recording_time(db):
    commitment = factories.commitment()
    day = date(2024, 6, 1)
    factories.status_update(commitment, "open", day)
    factories.status_update(commitment, "in_progress", day)
    factories.status_update(commitment, "fulfilled", day)
    rows = [(u.previous_status, u.status) for u in changes(day, day)]
    assert rows == [(None, "open"), ("open", "in_progress"), ("in_progress", "fulfilled")]


def test_page_groups_by_transition(client, history, django_assert_num_queries):
    with django_assert_num_queries(2 + ETAG_QUERIES):  # the counts, and the rows listed
        response = client.get(
            reverse("commitments:changes"), period(date(2024, 1, 1), date(2024, 12, 31))
        )
    assert response.status_code == 200
    groups = {
        (t.from_status, t.to_status): [u.subject.key for u in t.updates]
        for t in response.context["transitions"]
    }
    assert groups == {
        ("open", "in_progress"): [history["commitment"].key],
        ("in_progress", "fulfilled"): [history["commitment"].key],
        ("new", "in_progress"): [history["motion"].key],
    }
    html = response.content.decode()
    assert "Buiten de periode" not in html
    assert history["commitment"].get_absolute_url() in html
    assert history["motion"].get_absolute_url() in html
    assert "Rapport verzonden." in html
    assert "Hierbij bied ik u het rapport aan." in html
    assert "https://example.org/brief" in html
    assert history["letter"].get_absolute_url() in html
    assert '<th scope="col">' in html and "<caption>" in html


def test_query_count_does_not_grow_with_rows(client, history, django_assert_num_queries):
    for n in range(10):
        subject = factories.commitment()
        factories.status_update(subject, "open", date(2024, 1, 1) + timedelta(days=n))
        factories.status_update(subject, "fulfilled", date(2024, 2, 1) + timedelta(days=n))
    with django_assert_num_queries(2 + ETAG_QUERIES):
        response = client.get(
            reverse("commitments:changes"), period(date(2024, 1, 1), date(2024, 12, 31))
        )
    assert response.context["total"] == 23


def test_default_period_is_the_last_30_days(client):
    today = timezone.localdate()
    recent = factories.commitment(title="Recent gewijzigd")
    factories.status_update(recent, "fulfilled", today - timedelta(days=3))
    old = factories.commitment(title="Lang geleden gewijzigd")
    factories.status_update(old, "fulfilled", today - timedelta(days=40))
    response = client.get(reverse("commitments:changes"))
    assert response.status_code == 200
    assert response.context["start"] == today - timedelta(days=30)
    assert response.context["end"] == today
    html = response.content.decode()
    assert "Recent gewijzigd" in html
    assert "Lang geleden gewijzigd" not in html


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2024-13-01"},
        {"to": "gisteren"},
        {"from": "2024-06-01", "to": "2024-01-01"},
        {"from": "2024-01-01\x00"},
    ],
)
@pytest.mark.parametrize(
    "name", ["commitments:changes", "commitments:changes-export", "commitments:changes-feed"]
)
def test_bad_period_is_a_clear_400(client, name, query):
    response = client.get(reverse(name), query)
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        ("is geen datum" in text and "JJJJ-MM-DD" in text)
        or ("ligt na het einde" in text and "2024-06-01" in text)
        or ("NUL-teken" in text and any("\x00" in v for v in query.values()))
    )
    assert "\x00" not in text


def test_csv_export(client, history, django_assert_num_queries):
    with django_assert_num_queries(1 + ETAG_QUERIES):
        response = client.get(
            reverse("commitments:changes-export"), period(date(2024, 1, 1), date(2024, 12, 31))
        )
        body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "date", "subject_type", "subject_id", "title", "from_status", "to_status", "note",
        "evidence_letter", "evidence_url", "url",
    ]  # fmt: skip
    assert rows[1][:6] == [
        "2024-02-01", "commitment", history["commitment"].key, "Rapport over lhbtiq+ rechten",
        "open", "in_progress",
    ]  # fmt: skip
    assert rows[2][:6] == [
        "2024-03-15", "motion", history["motion"].key, "over gelijke behandeling",
        "new", "in_progress",
    ]  # fmt: skip
    assert rows[3][4:] == [
        "in_progress",
        "fulfilled",
        "Rapport verzonden.",
        "30420, nr. 415",
        "https://example.org/brief",
        f"http://testserver{history['commitment'].get_absolute_url()}",
    ]
    assert len(rows) == 4


def test_atom_feed(client, history):
    response = client.get(
        reverse("commitments:changes-feed"), period(date(2024, 1, 1), date(2024, 12, 31))
    )
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]
    assert len(titles) == 3
    assert titles[0].endswith("Rapport over lhbtiq+ rechten")  # newest first
    assert "in uitvoering → voldaan" in titles[0]
    assert titles[1].startswith("nieuw → in uitvoering")


def test_english_interface(client, history):
    response = client.get(
        "/en/changes/",
        period(date(2024, 1, 1), date(2024, 12, 31)),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert "What changed" in html
    assert "New → in progress: 1" in html


def test_nav_links_to_changes(client):
    html = client.get(reverse("commitments:home")).content.decode()
    assert f'href="{reverse("commitments:changes")}"' in html
    assert "Wijzigingen" in html


def test_a_transition_can_be_chosen(client, history):
    query = {**period(date(2024, 1, 1), date(2024, 12, 31)), "transition": "new:in_progress"}
    response = client.get(reverse("commitments:changes"), query)
    assert [u.subject.key for u in response.context["transitions"][0].updates] == [
        history["motion"].key
    ]
    assert len(response.context["transitions"]) == 1
    assert response.context["total"] == 3  # the summary still counts the whole period
    query["transition"] = "open:in_progress"
    response = client.get(reverse("commitments:changes"), query)
    assert [(t.from_status, t.to_status) for t in response.context["transitions"]] == [
        ("open", "in_progress")
    ]


@pytest.mark.parametrize("transition", ["open", "new:new", "open:klaar", "x:y:z"])
def test_bad_transition_is_a_400(client, transition):
    response = client.get(reverse("commitments:changes"), {"transition": transition})
    assert response.status_code == 400
    assert "open:fulfilled" in response.content.decode()


def test_long_periods_list_the_first_rows_and_count_all(client, history, monkeypatch):
    from commitments import changes as module

    monkeypatch.setattr(module, "ROW_LIMIT", 2)
    response = client.get(
        reverse("commitments:changes"), period(date(2024, 1, 1), date(2024, 12, 31))
    )
    assert response.context["total"] == 3
    assert response.context["shown"] == 2 and response.context["limited"]
    assert sum(t.total for t in response.context["summary"]) == 3
    assert "De eerste 2 wijzigingen" in response.content.decode()
