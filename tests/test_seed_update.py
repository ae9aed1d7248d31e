"""`seed --update`: corrected fixtures reach the records no researcher touched, researchers'
records are kept, status updates are corrected only when the seed made them, merged keys
move their references, and everything is reported."""

import copy
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, Letter, Motion, StatusUpdate, Theme
from commitments.seeding import read_replaced_keys

from .test_researchers import change_url, commitment_form

pytestmark = pytest.mark.django_db

TEXT = """Kamerbrief over emancipatie.
De minister zegt toe de Kamer voor de zomer van 2021 te informeren over de aanpak.
De staatssecretaris zal een onderzoek laten doen naar gelijke beloning.
Het onderzoek is in 2021 gestart en de resultaten volgen later.
De Kamer is op 1 maart 2022 geinformeerd over de aanpak.
Motie over gelijke beloning van mannen en vrouwen.
Thema arbeid en thema media.
"""


def cite(passage):
    assert passage in TEXT
    return {"source_document": ["doc"], "source_passage": passage}


def record(model, key, **fields):
    return {"model": f"commitments.{model}", "fields": {"key": key, **fields}}


def letter(key, title, **fields):
    return record(
        "letter",
        key,
        kind="kamerbrief",
        title=title,
        date="2021-01-15",
        reports_on=fields.pop("reports_on", []),
        **cite("Kamerbrief over emancipatie."),
        **fields,
    )


def status_update(key, commitment, day, status, note, **fields):
    return record(
        "statusupdate",
        key,
        commitment=[commitment],
        date=day,
        status=status,
        note=note,
        **{"evidence_letter": ["brief-dup"], **cite("Het onderzoek is in 2021 gestart"), **fields},
    )


SOURCES = [
    record("sourcedocument", "doc", title="Kamerbrief emancipatie", filename="doc.txt", ocr=False)
]
DATA = [
    record("theme", "arbeid", name="Arbeid", **cite("Thema arbeid")),
    record("theme", "media", name="Media", **cite("thema media")),
    letter("brief-a", "Emancipatie: de aanpak"),
    letter("brief-dup", "Emancipatie, de aanpak (dubbel)"),
    letter("brief-b", "Voortgang", reports_on=[["brief-dup"]]),
    record(
        "motion",
        "motie-1",
        title="over gelijke beloning",
        reported_in=["brief-dup"],
        co_submitters=[],
        themes=[["arbeid"]],
        **cite("Motie over gelijke beloning"),
    ),
    record(
        "commitment",
        "tz-1",
        title="De Kamer informeren over de aanpak",
        text="De minister informeert de Kamer voor de zomer van 2021 over de aanpak.",
        source_letter=["brief-dup"],
        due_phrase="voor de zomer van 2021",
        themes=[["arbeid"]],
        **cite("De minister zegt toe de Kamer voor de zomer van 2021 te informeren"),
    ),
    record(
        "commitment",
        "tz-2",
        title="Onderzoek naar gelijke beloning",
        text="Een onderzoek naar gelijke beloning.",
        source_letter=["brief-a"],
        themes=[],
        **cite("De staatssecretaris zal een onderzoek laten doen naar gelijke beloning."),
    ),
    status_update("su-1", "tz-1", "2021-06-01", "in_progress", "Research has started."),
    status_update("su-2", "tz-2", "2021-06-01", "in_progress", "Onderzoek gestart."),
]


@pytest.fixture
def fixtures(settings, tmp_path):
    """A small fixtures folder and source document; ``fixtures.write(data)`` replaces
    the data fixture."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "doc.txt").write_text(TEXT, encoding="utf-8")
    folder = tmp_path / "fixtures"
    folder.mkdir()
    (folder / "00_sources.json").write_text(json.dumps(SOURCES))
    settings.SEEDS_DIR, settings.FIXTURES_DIR = seeds, folder

    class Folder:
        path = folder
        data = copy.deepcopy(DATA)

        def write(self, data=None):
            (folder / "10_data.json").write_text(json.dumps(data or self.data))

        def replaced(self, *lines):
            rows = ["model\told_key\tnew_key", *("\t".join(line) for line in lines)]
            (folder / "replaced_keys.tsv").write_text("\n".join(rows) + "\n")

        def find(self, key, model=None):
            return next(
                r["fields"]
                for r in self.data
                if r["fields"]["key"] == key and (model is None or r["model"].endswith(model))
            )

    result = Folder()
    result.write()
    return result


def seed(*args):
    out = StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(fixtures):
    seed()
    return fixtures


def history_rows():
    return sum(model.history.count() for model in (Commitment, Motion, Letter, StatusUpdate, Theme))


def test_update_applies_a_corrected_field_and_many_to_many_and_reports_them(seeded):
    seeded.find("tz-1")["title"] = "De Kamer voor de zomer informeren over de aanpak"
    seeded.find("tz-1")["themes"] = [["arbeid"], ["media"]]
    seeded.write()
    other_rows = Commitment.objects.get(key="tz-2").history.count()

    plain = seed()  # without --update nothing that exists is changed
    assert "skipped (edited since seeding, kept as is): 1\n  - commitment tz-1\n" in plain
    assert "Run `seed --update`" in plain
    assert Commitment.objects.get(key="tz-1").title == "De Kamer informeren over de aanpak"

    output = seed("--update")
    commitment = Commitment.objects.get(key="tz-1")
    assert commitment.title == "De Kamer voor de zomer informeren over de aanpak"
    assert sorted(commitment.themes.values_list("key", flat=True)) == ["arbeid", "media"]
    assert "updated: 1 (1 commitments)" in output
    assert (
        "  - commitment tz-1: title: 'De Kamer informeren over de aanpak' → "
        "'De Kamer voor de zomer informeren over de aanpak'"
    ) in output
    assert "  - commitment tz-1: themes: [arbeid] → [arbeid, media]" in output
    latest = commitment.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("seed --update", None)
    assert Commitment.objects.get(key="tz-2").history.count() == other_rows  # untouched


def test_fields_the_fixture_does_not_name_are_left_alone_and_due_ranges_follow(seeded):
    Letter.objects.filter(key="brief-a").update(date_precision="approximate")  # not seeded
    before = Commitment.objects.get(key="tz-1")
    seeded.find("tz-1")["due_phrase"] = "in het eerste kwartaal van 2022"
    seeded.write()
    output = seed("--update")
    assert Letter.objects.get(key="brief-a").date_precision == "approximate"
    after = Commitment.objects.get(key="tz-1")
    assert (after.due_start, after.due_end) == (date(2022, 1, 1), date(2022, 3, 31))
    assert f"  - commitment tz-1: due_end: {before.due_end} → 2022-03-31" in output
    assert "letter brief-a" not in output


def test_a_second_update_changes_nothing(seeded):
    seeded.find("tz-1")["title"] = "Nieuwe titel"
    seeded.find("su-2")["note"] = "Het onderzoek is gestart."
    seeded.data.append(
        status_update("su-3", "tz-1", "2022-03-01", "fulfilled", "De Kamer is geïnformeerd.")
    )
    seeded.write()
    first = seed("--update")
    assert "updated: 2" in first and "created: 1 (1 status updates)" in first
    rows = history_rows()

    second = seed("--update")
    assert "created: 0" in second
    assert "updated: 0" in second
    assert "current status recomputed: 0" in second
    assert history_rows() == rows


def test_a_record_a_researcher_edited_is_kept_and_reported(seeded, admin_client):
    commitment = Commitment.objects.get(key="tz-1")
    response = admin_client.post(
        change_url(commitment),
        commitment_form(
            commitment,
            title="Titel van de onderzoeker",
            source_document=commitment.source_document_id,
            source_passage=commitment.source_passage,
            source_letter=commitment.source_letter_id,
            themes=[Theme.objects.get(key="arbeid").pk],
        ),
    )
    assert response.status_code == 302
    seeded.find("tz-1")["title"] = "Titel uit de verbeterde fixture"
    seeded.find("tz-1")["text"] = "Verbeterde tekst."
    seeded.write()

    output = seed("--update")
    commitment.refresh_from_db()
    assert commitment.title == "Titel van de onderzoeker"
    assert "kept (edited by a researcher): 1" in output
    assert "  - commitment tz-1: differs from the fixture in title, text" in output
    assert "updated: 0" in output


def test_a_researchers_status_update_marks_its_subject_as_touched(seeded, researcher):
    commitment = Commitment.objects.get(key="tz-2")
    services.record_status_update(
        subject=commitment,
        date=date(2021, 6, 1),  # the same status and date: the commitment's row is not saved
        status=Status.IN_PROGRESS,
        note="Bevestigd door de onderzoeker.",
        researcher=researcher,
    )
    seeded.find("tz-2")["title"] = "Andere titel"
    seeded.write()
    output = seed("--update")
    assert Commitment.objects.get(key="tz-2").title == "Onderzoek naar gelijke beloning"
    assert "  - commitment tz-2: differs from the fixture in title" in output


def test_a_new_fixture_status_update_is_recorded_and_the_status_recomputed(seeded):
    seeded.data.append(
        status_update("su-3", "tz-1", "2022-03-01", "fulfilled", "De Kamer is geïnformeerd.")
    )
    seeded.write()
    output = seed("--update")
    commitment = Commitment.objects.get(key="tz-1")
    assert (commitment.status, commitment.status_date) == (Status.FULFILLED, date(2022, 3, 1))
    assert "created: 1 (1 status updates)" in output
    assert "  - commitment tz-1: in_progress (2021-06-01) → fulfilled (2022-03-01)" in output
    update = StatusUpdate.objects.get(key="su-3")
    assert update.history.get().history_change_reason == "seed --update"
    assert commitment.history.latest().history_change_reason == "seed --update"


def test_a_corrected_seeded_update_is_corrected_in_place_and_the_status_follows(seeded):
    update = StatusUpdate.objects.get(key="su-1")
    seeded.find("su-1").update(
        note="Het onderzoek is gestart.", status="fulfilled", date="2021-07-01"
    )
    seeded.find("su-1")["date_precision"] = "approximate"
    seeded.write()
    output = seed("--update")

    corrected = StatusUpdate.objects.get(key="su-1")
    assert corrected.pk == update.pk and StatusUpdate.objects.count() == 2
    assert (corrected.note, corrected.status, corrected.date, corrected.date_precision) == (
        "Het onderzoek is gestart.",
        Status.FULFILLED,
        date(2021, 7, 1),
        "approximate",
    )
    commitment = Commitment.objects.get(key="tz-1")
    assert (commitment.status, commitment.status_date) == (Status.FULFILLED, date(2021, 7, 1))
    assert (
        "  - status update su-1: note: 'Research has started.' → 'Het onderzoek is gestart.'"
        in output
    )
    assert "  - status update su-1: date_precision: 'exact' → 'approximate'" in output
    assert "  - commitment tz-1: in_progress (2021-06-01) → fulfilled (2021-07-01)" in output
    assert corrected.history.latest().history_change_reason == "seed --update"


def test_a_researchers_status_update_is_never_changed_by_the_service(seeded, researcher):
    update = services.record_status_update(
        subject=Commitment.objects.get(key="tz-1"),
        date=date(2022, 1, 1),
        status=Status.FULFILLED,
        researcher=researcher,
    )
    with pytest.raises(ValueError):
        services.correct_seeded_status_update(update, change_reason="x", note="anders")


def test_seeded_records_removed_from_the_fixtures_are_listed_not_deleted(seeded, researcher):
    services.record_status_update(
        subject=Commitment.objects.get(key="tz-1"),
        date=date(2022, 1, 1),
        status=Status.FULFILLED,
        researcher=researcher,
        key="su-onderzoeker",
    )
    seeded.data = [r for r in seeded.data if r["fields"]["key"] != "su-2"]
    seeded.write()
    output = seed("--update")
    assert StatusUpdate.objects.filter(key="su-2").exists()
    assert "seeded, no longer in the fixtures (kept): 1\n  - status update su-2\n" in output
    assert "su-onderzoeker" not in output


def merged_fixture(data):
    """The fixture after the duplicate letter brief-dup was merged into brief-a."""
    text = json.dumps([r for r in data if r["fields"]["key"] != "brief-dup"])
    return json.loads(text.replace('"brief-dup"', '"brief-a"'))


def test_a_merged_key_moves_every_reference_and_deletes_the_old_record(seeded, researcher):
    own = services.record_status_update(
        subject=Commitment.objects.get(key="tz-2"),
        date=date(2022, 1, 1),
        status=Status.FULFILLED,
        evidence_letter=Letter.objects.get(key="brief-dup"),
        researcher=researcher,
    )
    old_pk = Letter.objects.get(key="brief-dup").pk
    seeded.data = merged_fixture(seeded.data)
    seeded.write()
    seeded.replaced(("letter", "brief-dup", "brief-a"))

    output = seed("--update")
    assert not Letter.objects.filter(key="brief-dup").exists()
    brief_a = Letter.objects.get(key="brief-a")
    assert Commitment.objects.get(key="tz-1").source_letter == brief_a
    assert Motion.objects.get(key="motie-1").reported_in == brief_a
    assert StatusUpdate.objects.get(key="su-1").evidence_letter == brief_a
    own.refresh_from_db()
    assert own.evidence_letter == brief_a  # a researcher's reference moves too
    assert list(Letter.objects.get(key="brief-b").reports_on.all()) == [brief_a]
    assert "  - letter brief-dup → brief-a: status update su-1: evidence_letter now brief-a" in (
        output
    )
    assert "  - letter brief-dup → brief-a: letter brief-b: reports_on now brief-a" in output
    assert "  - letter brief-dup → brief-a: letter brief-dup deleted" in output
    assert "updated: 0" in output  # the fixtures now agree with the moved references
    deleted = Letter.history.get(id=old_pk, history_type="-")
    assert deleted.history_change_reason == "seed --update"

    again = seed("--update")
    assert "merged into another key: 0" in again and "updated: 0" in again
    seed()
    assert not Letter.objects.filter(key="brief-dup").exists()


def test_a_merged_commitment_brings_its_status_updates_and_the_status_follows(seeded):
    duplicate = {k: v for k, v in seeded.find("tz-1", "commitment").items() if k != "key"}
    seeded.data.append(record("commitment", "tz-dubbel", **duplicate))
    seeded.data.append(
        status_update("su-dubbel", "tz-dubbel", "2022-03-01", "fulfilled", "Geïnformeerd.")
    )
    seeded.write()
    seed()
    merged = [r for r in seeded.data if r["fields"]["key"] != "tz-dubbel"]
    seeded.write(json.loads(json.dumps(merged).replace('"tz-dubbel"', '"tz-1"')))
    seeded.replaced(("commitment", "tz-dubbel", "tz-1"))

    assert "replaced keys still in the database: 1\n  - commitment tz-dubbel" in seed()
    output = seed("--update")
    assert not Commitment.objects.filter(key="tz-dubbel").exists()
    commitment = Commitment.objects.get(key="tz-1")
    assert sorted(commitment.updates.values_list("key", flat=True)) == ["su-1", "su-dubbel"]
    assert (commitment.status, commitment.status_date) == (Status.FULFILLED, date(2022, 3, 1))
    assert "  - commitment tz-dubbel → tz-1: status update su-dubbel: commitment now tz-1" in (
        output
    )
    assert "  - commitment tz-1: in_progress (2021-06-01) → fulfilled (2022-03-01)" in output


def test_an_old_key_a_researcher_edited_is_reported_for_merging(seeded, researcher):
    letter = Letter.objects.get(key="brief-dup")
    letter.title = "Titel van de onderzoeker"
    letter._history_user = researcher
    letter.save()
    seeded.data = merged_fixture(seeded.data)
    seeded.write()
    seeded.replaced(("letter", "brief-dup", "brief-a"))
    output = seed("--update")
    assert Letter.objects.filter(key="brief-dup").exists()
    assert (
        "to merge by a researcher: 1\n"
        "  - letter brief-dup → brief-a: brief-dup was edited by a researcher\n"
    ) in output


def test_an_old_key_without_its_new_record_takes_the_new_key(seeded):
    old_pk = Letter.objects.get(key="brief-dup").pk
    seeded.data = [
        r if r["fields"]["key"] != "brief-dup" else {**r, "fields": {**r["fields"], "key": "n"}}
        for r in seeded.data
    ]
    seeded.data = json.loads(json.dumps(seeded.data).replace('"brief-dup"', '"n"'))
    seeded.write()
    seeded.replaced(("commitments.letter", "brief-dup", "n"))
    output = seed("--update")
    assert Letter.objects.get(key="n").pk == old_pk
    assert "  - letter brief-dup → n: key changed (no record had the new key yet)" in output
    assert "created: 0" in output


def test_a_plain_seed_never_recreates_a_replaced_key(fixtures):
    fixtures.replaced(("letter", "brief-b", "brief-a"))
    output = seed()
    assert not Letter.objects.filter(key="brief-b").exists()
    assert "not loaded (key replaced in replaced_keys.tsv): 1\n  - letter brief-b\n" in output


def test_dry_run_reports_the_changes_and_writes_nothing(seeded):
    seeded.find("tz-1")["title"] = "Nieuwe titel"
    seeded.data.append(
        status_update("su-3", "tz-1", "2022-03-01", "fulfilled", "De Kamer is geïnformeerd.")
    )
    seeded.data = merged_fixture(seeded.data)
    seeded.write()
    seeded.replaced(("letter", "brief-dup", "brief-a"))
    counts = {m: m.objects.count() for m in (Commitment, Letter, StatusUpdate)}
    rows = history_rows()

    dry = seed("--update", "--dry-run")
    assert "Dry run: nothing was written." in dry
    assert "  - commitment tz-1: title: 'De Kamer informeren over de aanpak' → 'Nieuwe titel'" in (
        dry
    )
    assert "  - letter brief-dup → brief-a: letter brief-dup deleted" in dry
    assert "  - commitment tz-1: in_progress (2021-06-01) → fulfilled (2022-03-01)" in dry
    assert {m: m.objects.count() for m in counts} == counts
    assert history_rows() == rows
    assert Commitment.objects.get(key="tz-1").title == "De Kamer informeren over de aanpak"

    real = seed("--update")
    assert real.splitlines() == dry.splitlines()[:-1]


def test_a_malformed_replaced_keys_file_stops_the_seed(fixtures):
    (fixtures.path / "replaced_keys.tsv").write_text("old\tnew\n")
    with pytest.raises(CommandError, match="replaced_keys.tsv: the first line must be"):
        seed("--update")
    fixtures.replaced(("nosuchmodel", "a", "b"))
    with pytest.raises(CommandError, match="unknown model 'nosuchmodel'"):
        seed()
    assert not Letter.objects.exists()


def test_the_replaced_keys_of_the_project_fixtures_are_consistent():
    """Every old key is gone from the fixtures and every new key is in them."""
    path = Path(settings.FIXTURES_DIR) / "replaced_keys.tsv"
    assert path.read_text(encoding="utf-8").splitlines()[0] == "model\told_key\tnew_key"
    keys = {
        (r["model"], r["fields"]["key"])
        for fixture in Path(settings.FIXTURES_DIR).glob("*.json")
        for r in json.loads(fixture.read_text(encoding="utf-8"))
    }
    for model, old_key, new_key in read_replaced_keys():
        label = model._meta.label_lower
        assert (label, old_key) not in keys
        assert (label, new_key) in keys
