"""The bulk download page and the whole data set as JSON."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import downloads
from commitments.models import Commitment, Letter, Motion, Person, Status, StatusUpdate

from . import factories
from .test_api import api_data

pytestmark = pytest.mark.django_db


def download(client):
    response = client.get("/data/toezeggingen-tracker.json")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response, json.loads(b"".join(response.streaming_content))


def test_the_json_holds_every_record_with_the_licence_and_date(client):
    api_data()
    response, data = download(client)
    assert data["licence"] == "CC BY 4.0"
    assert data["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["date"] == downloads.data_date().isoformat()
    assert f"toezeggingen-tracker_{data['date']}.json" in response["Content-Disposition"]
    expected = {
        "commitments": Commitment,
        "motions": Motion,
        "letters": Letter,
        "persons": Person,
        "status_updates": StatusUpdate,
    }
    for name, model in expected.items():
        keys = [row["key"] for row in data[name]]
        assert sorted(keys) == sorted(model.objects.values_list("key", flat=True)), name
    kept = next(row for row in data["commitments"] if row["key"] == "kept")
    assert kept == client.get("/api/commitments/kept/").json()  # the API's own record
    assert all("researcher" not in row for row in data["status_updates"])


def test_the_json_is_read_in_chunks_each_record_once(client, monkeypatch):
    api_data()
    for n in range(6):
        factories.commitment(key=f"extra-{n}")
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 2)
    _response, data = download(client)
    keys = [row["key"] for row in data["commitments"]]
    assert keys == sorted(keys) and len(keys) == len(set(keys)) == 9


def queries(client):
    with CaptureQueriesContext(connection) as context:
        download(client)
    return len(context)


def test_no_query_per_row(client):
    """Within a chunk the number of queries does not grow with the rows."""
    data = api_data()
    few = queries(client)
    for _n in range(20):
        commitment = factories.commitment(made_by=data["minister"], themes=[factories.theme()])
        factories.status_update(commitment, Status.IN_PROGRESS, date(2022, 1, 1))
        factories.motion().co_submitters.set([factories.member()])
        factories.letter(signatories=[factories.office()])
    assert queries(client) == few


def test_the_download_page_in_both_languages(client):
    api_data()
    day = downloads.data_date()
    dutch = client.get("/data/").content.decode()
    assert "Opendata" in dutch
    assert "CC BY 4.0" in dutch and "deed.nl" in dutch
    assert "Datum van de gegevens" in dutch
    for url in (
        "/data/toezeggingen-tracker.json",
        "/commitments/export.csv",
        "/motions/export.csv",
        "/letters/export.csv",
        "/commitments/export-excel.csv",
        "/api/",
        "/api/docs/",
    ):
        assert f'href="{url}"' in dutch, url
    english = client.get("/en/data/").content.decode()
    assert "Date of the data" in english and "deed.en" in english
    assert day.strftime("%Y") in english


def test_an_empty_tracker_has_no_date(client):
    assert downloads.data_date() is None
    _response, data = download(client)
    assert data["date"] is None and data["commitments"] == []


def test_every_page_links_to_the_downloads(client):
    assert 'href="/data/"' in client.get("/").content.decode()
