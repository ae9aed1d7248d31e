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
from commitments.choices import Status
from commitments.models import Commitment, SourceDocument, StatusUpdate

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


def test_seed_keeps_the_date_precision_of_status_updates(seeded):
    expected = {
        record["fields"]["key"]: record["fields"].get("date_precision", "exact")
        for _name, record in RECORDS
        if record["model"] == "commitments.statusupdate"
    }
    assert dict(StatusUpdate.objects.values_list("key", "date_precision")) == expected
    assert set(expected.values()) == {"exact", "approximate", "not_after"}


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


# Corrections after comparing the fixtures with their documents.


def subject(key):
    from commitments.models import Motion

    return Commitment.objects.filter(key=key).first() or Motion.objects.get(key=key)


def evidence(key):
    return set(subject(key).updates.values_list("evidence_letter__key", flat=True))


def test_motion_on_schools_is_not_fulfilled_the_report_names_no_new_measures(seeded):
    motion = subject("motie-jasper-van-dijk-maatregelen-scholen-seksuele-diversiteit")
    assert motion.status == Status.NOT_FULFILLED
    (update,) = motion.updates.all()
    assert "De inspectie treedt op wanneer dit niet gebeurt." in update.source_passage
    assert "geen nieuwe maatregelen" in update.note


def test_ilga_support_is_reported_by_every_later_document(seeded):
    commitment = subject("tz-ocw-steun-ilga-oost-europa")
    assert commitment.status == Status.FULFILLED
    assert evidence("tz-ocw-steun-ilga-oost-europa") == {
        "kst-32735-100",
        "voortgangsrapportage-emancipatie-2020",
        "beleidsnota-mensenrechten-2023",
        "kst-30420-415",
    }
    passages = " ".join(commitment.updates.values_list("source_passage", flat=True))
    assert "meerjarige subsidie voor ILGA Europe" in passages


def test_working_with_like_minded_countries_is_in_progress_with_later_reports(seeded):
    commitment = subject("tz-samenwerking-gelijkgestemde-landen-lhbti")
    assert commitment.status == Status.IN_PROGRESS
    assert {"beleidsnota-mensenrechten-2023", "kst-30420-415"} <= evidence(commitment.key)


def test_the_three_motions_named_as_carried_out_in_one_sentence_are_fulfilled(seeded):
    sentence = "waarmee invulling is gegeven aan de moties van de leden Regterschot/El Yassini"
    for key in (
        "motie-regterschot-el-yassini-opvang-dakloze-lhbti-jongeren",
        "motie-30420-342",
        "motie-van-den-hul-bergkamp-adviezen-movisie-opvang-lhbti-jongeren",
    ):
        motion = subject(key)
        assert motion.status == Status.FULFILLED, key
        assert motion.updates.filter(source_passage__contains=sentence).exists(), key


def test_the_yearly_letter_is_an_ongoing_duty_each_letter_is_evidence(seeded):
    commitment = subject("tz-jaarlijkse-brief-lhbtiq-eu")
    assert commitment.status == Status.IN_PROGRESS
    assert set(commitment.updates.values_list("status", flat=True)) == {Status.IN_PROGRESS}
    assert evidence(commitment.key) == {"kst-30420-376", "kst-30420-388", "kst-30420-415"}


@pytest.mark.parametrize(
    ("key", "letter"),
    [
        ("tz-ocw-steun-ilga-oost-europa", "voortgangsrapportage-emancipatie-2020"),
        ("tz-ocw-steun-ilga-oost-europa", "beleidsnota-mensenrechten-2023"),
        ("tz-ocw-steun-ilga-oost-europa", "kst-30420-415"),
        ("tz-samenwerking-gelijkgestemde-landen-lhbti", "beleidsnota-mensenrechten-2023"),
        ("tz-samenwerking-gelijkgestemde-landen-lhbti", "kst-30420-415"),
        ("tz-verkennen-gastland-idahot", "kst-30420-415"),
        ("motie-36200-xvii-d66-01", "kst-30420-415"),
    ],
)
def test_later_documents_that_report_on_earlier_items_are_linked_as_evidence(key, letter):
    """Read from the fixtures, so a dropped link fails without a database."""
    linked = {
        record["fields"]["evidence_letter"][0]
        for _name, record in RECORDS
        if record["model"] == "commitments.statusupdate"
        and [key] in (record["fields"]["commitment"], record["fields"]["motion"])
        and record["fields"]["evidence_letter"]
    }
    assert letter in linked


def replaced_keys():
    lines = (Path(settings.FIXTURES_DIR) / "replaced_keys.tsv").read_text().splitlines()
    assert lines[0].split("\t") == ["model", "old_key", "new_key"]
    return [tuple(line.split("\t")) for line in lines[1:]]


def test_replaced_keys_are_gone_from_the_fixtures_and_their_successors_exist():
    keys = {(record["model"].split(".")[1], record["fields"]["key"]) for _name, record in RECORDS}
    assert ("letter", "kamerbrief-inzet-gendergelijkheid-lhbti-eu-2021", "kst-30420-367") in (
        replaced_keys()
    )
    for model, old, new in replaced_keys():
        assert (model, old) not in keys
        assert (model, new) in keys


def test_the_2021_letter_is_recorded_once_with_the_best_data_of_both(seeded):
    from commitments.models import Letter

    (letter,) = Letter.objects.filter(dossier__number="30 420", number="367")
    assert letter.key == "kst-30420-367"
    assert letter.vergaderjaar == "2021-2022"
    assert letter.url.startswith("https://www.rijksoverheid.nl/documenten/kamerstukken/2021/12/03/")
    assert not Letter.objects.filter(title__startswith="Kamerbrief over Nederlandse inzet").exclude(
        key="kst-30420-367"
    )
    reported_by = set(letter.reported_by.values_list("key", flat=True))
    assert reported_by == {"beleidsnota-mensenrechten-2023", "kst-30420-415"}


def fixture_fields(model):
    return [
        record["fields"] for _name, record in RECORDS if record["model"] == f"commitments.{model}"
    ]


# Left empty because the day is not certain: Blok handed Foreign Affairs to Kaag on 24 or
# 25 May 2021.
OFFICE_END_UNKNOWN = {"bz-minister-rutte-iii-blok"}


def test_every_office_of_a_person_with_a_successor_or_in_an_ended_cabinet_has_an_end():
    cabinet_end = {c["key"]: c["end"] for c in fixture_fields("cabinet")}
    offices = [o for o in fixture_fields("office") if o["person"]]
    for office in offices:
        post = (office["ministry"], office["role"], office["portfolio"])
        successors = [
            other["start"]
            for other in offices
            if (other["ministry"], other["role"], other["portfolio"]) == post
            and other["start"]
            and office["start"]
            and other["start"] > office["start"]
        ]
        ended = office["cabinet"] and cabinet_end[office["cabinet"][0]]
        if office["key"] in OFFICE_END_UNKNOWN or not (successors or ended):
            continue
        assert office["end"], office["key"]
        assert not successors or office["end"] <= min(successors), office["key"]
        assert not ended or office["end"] <= ended, office["key"]


def test_ministers_who_left_office_early_have_their_end_date():
    ends = {o["key"]: o["end"] for o in fixture_fields("office")}
    assert ends["bz-minister-rutte-ii-timmermans"] == "2014-10-17"
    assert ends["bz-minister-rutte-iv-hoekstra"] == "2023-09-01"
    assert ends["bz-minister-schoof-veldkamp"] == "2025-08-22"


# Evidence documents that carry no date: the date used, and how certain it is.
UNDATED = {
    "voortgangsrapportage-emancipatie-2020": ("2021-02-03", "approximate", "niet gedateerd"),
    "beleidsnota-mensenrechten-2023": ("2023-05-17", "approximate", "niet gedateerd"),
    "kst-30420-415": ("2024-12-31", "not_after", "bovengrens"),
}


def test_estimated_dates_are_marked_and_explained():
    letters = {f["key"]: f for f in fixture_fields("letter")}
    for key, (day, precision, _why) in UNDATED.items():
        assert (letters[key]["date"], letters[key].get("date_precision")) == (day, precision)
    estimated = 0
    for update in fixture_fields("statusupdate"):
        letter = (update["evidence_letter"] or [None])[0]
        if letter in UNDATED and update["date"] == UNDATED[letter][0]:
            _day, precision, why = UNDATED[letter]
            assert update.get("date_precision") == precision, update["key"]
            assert why in update["note"], update["key"]
            estimated += 1
        else:
            assert update.get("date_precision", "exact") == "exact", update["key"]
    assert estimated >= 67


def test_seeded_records_keep_their_date_precision(seeded):
    from commitments.choices import DatePrecision
    from commitments.models import Letter

    assert Letter.objects.get(key="kst-30420-415").date_precision == DatePrecision.NOT_AFTER
    expected = Counter(u.get("date_precision", "exact") for u in fixture_fields("statusupdate"))
    assert expected["approximate"] and expected["not_after"]
    assert Counter(StatusUpdate.objects.values_list("date_precision", flat=True)) == expected


ENGLISH_WORDS = re.compile(
    r"\b(the|and|with|been|being|will|which|this|that|were|has|have|into|report|research|"
    r"announced|expected|government|letter|progress|paper)\b",
    re.IGNORECASE,
)
# English names, quoted as published: a document's own title, an event.
ENGLISH_NAMES = (
    "Joint letter on the continuation and strengthening of gender equality and LGBTIQ equality "
    "in the European Union",
    "International Day Against Homophobia, Transphobia and Biphobia",
)


@pytest.mark.parametrize(
    ("name", "record"), RECORDS, ids=[f"{n}:{r['fields']['key']}" for n, r in RECORDS]
)
def test_data_text_is_dutch(name, record):
    for field, value in record["fields"].items():
        if field in {"key", "url", "evidence_url", "filename", "source_passage"}:
            continue
        if isinstance(value, str):
            for english_name in ENGLISH_NAMES:
                value = value.replace(english_name, "")
            assert not ENGLISH_WORDS.search(value), f"{field}: {value[:80]}"
