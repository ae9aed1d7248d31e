"""The seed data: every record cites a passage that is really in its source document, and
seeding is idempotent and never overwrites researchers' work."""

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from commitments import services
from commitments.models import Commitment, SourceDocument, Status, StatusUpdate

FIXTURES = sorted(Path(settings.FIXTURES_DIR).glob("*.json"))
RECORDS = [(path.name, record) for path in FIXTURES for record in json.loads(path.read_text())]
SOURCES = {
    record["fields"]["key"]: record["fields"]["filename"]
    for _name, record in RECORDS
    if record["model"] == "commitments.sourcedocument"
}
CITING = [
    pytest.param(record, id=f"{name}:{record['fields']['key']}")
    for name, record in RECORDS
    if record["model"] != "commitments.sourcedocument"
]


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def document_text(key):
    return squash((Path(settings.SEEDS_DIR) / SOURCES[key]).read_text(encoding="utf-8"))


def test_there_are_five_source_documents_with_their_files():
    assert len(SOURCES) == 5
    for filename in SOURCES.values():
        assert (Path(settings.SEEDS_DIR) / filename).is_file()


@pytest.mark.parametrize("record", CITING)
def test_record_cites_a_verbatim_passage(record):
    fields = record["fields"]
    assert fields.get("source_document"), "no source document"
    passage = squash(fields.get("source_passage", ""))
    assert len(passage) >= 10, "passage too short to be a citation"
    assert passage in document_text(fields["source_document"][0])


def test_keys_are_unique_across_fixture_files():
    keys = Counter((record["model"], record["fields"]["key"]) for _name, record in RECORDS)
    assert [key for key, n in keys.items() if n > 1] == []


def test_seed_covers_every_kind_of_record():
    models = Counter(record["model"].split(".")[1] for _name, record in RECORDS)
    for model in ("person", "office", "letter", "motion", "commitment", "statusupdate"):
        assert models[model] > 0, model


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0)


def seed_output():
    from io import StringIO

    out = StringIO()
    call_command("seed", stdout=out)
    return out.getvalue()


def test_seed_loads_every_fixture_record(seeded):
    from django.apps import apps

    expected = Counter(record["model"] for _name, record in RECORDS)
    for label, count in expected.items():
        assert apps.get_model(label).objects.count() == count, label


def test_seeding_twice_changes_nothing(seeded):
    before = {m: m.objects.count() for m in (Commitment, StatusUpdate, SourceDocument)}
    statuses = dict(Commitment.objects.values_list("key", "status"))
    output = seed_output()
    assert "created: 0" in output
    assert "skipped (edited since seeding, kept as is): 0" in output
    assert f"unchanged: {len(RECORDS)}" in output
    assert {m: m.objects.count() for m in before} == before
    assert dict(Commitment.objects.values_list("key", "status")) == statuses


def test_researcher_edits_and_updates_survive_a_reseed(seeded, researcher):
    commitment = Commitment.objects.order_by("key").first()
    commitment.title = "Door een onderzoeker verbeterde titel"
    commitment.save()
    services.record_status_update(
        subject=commitment,
        status=Status.NOT_FULFILLED,
        date=date.today(),
        note="Later bericht",
        researcher=researcher,
    )
    output = seed_output()
    commitment.refresh_from_db()
    assert commitment.title == "Door een onderzoeker verbeterde titel"
    assert commitment.status == Status.NOT_FULFILLED
    assert commitment.updates.filter(note="Later bericht").exists()
    assert f"commitment {commitment.key}" in output
    assert "skipped (edited since seeding, kept as is): 1" in output


def test_deleted_records_are_restored_and_nothing_else_changes(seeded):
    update = StatusUpdate.objects.order_by("key").last()
    key = update.key
    update.delete()
    output = seed_output()
    assert "created: 1 (1 status updates)" in output
    assert StatusUpdate.objects.filter(key=key).exists()


def test_a_passage_not_in_the_document_stops_the_seed_and_loads_nothing(db, tmp_path):
    good = Path(settings.FIXTURES_DIR) / "00_sources.json"
    bad = tmp_path / "99_bad.json"
    first_source = json.loads(good.read_text())[0]["fields"]["key"]
    bad.write_text(
        json.dumps(
            [
                {
                    "model": "commitments.theme",
                    "fields": {
                        "key": "verzonnen",
                        "name": "Verzonnen",
                        "source_document": [first_source],
                        "source_passage": "Deze zin staat nergens in het document.",
                    },
                }
            ]
        )
    )
    with pytest.raises(CommandError, match="passage not found"):
        call_command("seed", str(good), str(bad), verbosity=0)
    assert not SourceDocument.objects.exists()


def test_a_malformed_fixture_gives_a_clear_error(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"model": "commitments.commitment", "fields": {"made_on": "2 nov"}}]')
    with pytest.raises(CommandError, match=r"Nothing was loaded\. bad\.json"):
        call_command("seed", str(bad), verbosity=0)
