"""The register sync (``sync_tk``), replayed offline from recorded pages in
``tests/tk_corpus/`` with respx: no test touches the network."""

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import httpx
import pytest
import respx
from django.core.management import CommandError, call_command
from django.db import connection

from commitments import services
from commitments.choices import DatePrecision, MotionOutcome, Origin, Status
from commitments.management.commands import sync_tk
from commitments.models import (
    Commitment,
    Letter,
    MemberOfParliament,
    Motion,
    Person,
    StatusUpdate,
    SyncState,
    Tally,
)
from commitments.sync import SyncError, parse, store
from commitments.sync.client import RegisterClient
from tests import factories
from tests.test_tallies import assert_tallies_equal_a_recompute

CORPUS = Path(__file__).parent / "tk_corpus"
FEED_URL = "https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed"
ODATA_URL = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak"
PAGE_3_URL = f"{FEED_URL}?category=Toezegging&skiptoken=1000206"
NEXT_TO_PAGE_4 = (
    f'<link rel="next" href="{FEED_URL}?category=Toezegging&amp;skiptoken=1000209"/>\n  <entry>'
)


def corpus(name):
    return (CORPUS / name).read_bytes()


class Register:
    """The register's pages, served by skiptoken (SyncFeed) and $skip (OData). A page
    may be a list of responses or exceptions, served one per request, the last repeated."""

    def __init__(self):
        self.feed = {
            None: corpus("toezegging-page-1.xml"),
            "1000103": corpus("toezegging-page-2.xml"),
            "1000206": corpus("toezegging-page-3.xml"),
            "1000209": corpus("toezegging-page-4.xml"),
        }
        self.odata = {None: corpus("motions-page-1.json"), "250": corpus("motions-page-2.json")}
        self.requests = []
        self.odata_urls = []

    def serve(self, pages, key, kind):
        self.requests.append((kind, key))
        page = pages[key]
        if isinstance(page, list):
            page = page.pop(0) if len(page) > 1 else page[0]
        if isinstance(page, Exception):
            raise page
        if isinstance(page, httpx.Response):
            return page
        return httpx.Response(200, content=page)

    def feed_page(self, request):
        return self.serve(self.feed, request.url.params.get("skiptoken"), "feed")

    def odata_page(self, request):
        self.odata_urls.append(request.url)
        return self.serve(self.odata, request.url.params.get("$skip"), "odata")

    def feed_tokens(self):
        return [key for kind, key in self.requests if kind == "feed"]


@pytest.fixture
def register(db, monkeypatch):
    served = Register()
    sleeps = served.sleeps = []
    monkeypatch.setattr(sync_tk.Command, "client", lambda self: RegisterClient(sleep=sleeps.append))
    with respx.mock(assert_all_called=False) as mock:
        served.mock = mock
        mock.get(FEED_URL).mock(side_effect=served.feed_page)
        mock.get(ODATA_URL).mock(side_effect=served.odata_page)
        yield served


def sync(*args):
    out = StringIO()
    call_command("sync_tk", *args, stdout=out)
    return out.getvalue()


def by_number(number):
    return Commitment.objects.get(tk_number=number)


def written_rows():
    """Row counts of every table the sync could write, history tables included."""
    tables = [t for t in connection.introspection.table_names() if t.startswith("commitments_")]
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def ocw_minister(db):
    ocw = factories.ministry(
        name="Ministerie van Onderwijs, Cultuur en Wetenschap", abbreviation="OCW"
    )
    dijkgraaf = factories.person(name="Dijkgraaf", first_name="Robbert", initials="R.H.")
    return factories.office(
        person=dijkgraaf, ministry=ocw, start=date(2022, 1, 10), end=date(2024, 7, 2)
    ), factories.office(person=dijkgraaf, ministry=ocw, start=date(2024, 7, 2))


# ---------------------------------------------------------------------------------------
# Parsing


def test_parser_reads_prefixed_qualified_and_repeated_elements():
    page = parse.parse_feed(corpus("toezegging-page-2.xml"), "page-2")
    prefixed = page.records[0]
    assert prefixed.nummer == "TZ202209-044"  # <ns1:toezegging>, matched on the namespace
    assert prefixed.toegezegd_aan == [
        "7f1c0000-2222-4b4b-9c9c-000000000102",
        "7f1c0000-2222-4b4b-9c9c-000000000103",
    ]
    assert page.next_url.endswith("skiptoken=1000206")
    first = parse.parse_feed(corpus("toezegging-page-1.xml"), "page-1").records
    assert first[2].updated == datetime(2026, 8, 10, 9, 10, tzinfo=UTC)  # tk:bijgewerkt
    assert first[2].kamerbrief_nakoming == ["kst-36600-V-12", "kst-21501-20-2101"]
    assert first[1].datum_nakoming is None  # 0001-01-01 is "no date"
    assert first[0].tussenvoegsel == ""  # xsi:nil
    last = parse.parse_feed(corpus("toezegging-page-3.xml"), "page-3")
    assert last.next_url == ""
    assert [r.deleted for r in last.records] == [False, False, True]


def test_malformed_xml_is_a_clear_error():
    with pytest.raises(SyncError, match=r"page-9 is not well-formed XML.*line"):
        parse.parse_feed(corpus("toezegging-page-1.xml")[:900], "page-9")
    with pytest.raises(SyncError, match="not an Atom feed"):
        parse.parse_feed(b"<html><body>Onderhoud</body></html>", "page-9")
    with pytest.raises(SyncError, match="not valid JSON"):
        parse.parse_odata(b'{"value": [', "odata-9")


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Openstaand", Status.OPEN),
        ("Voldaan", Status.FULFILLED),
        ("Afgedaan", Status.FULFILLED),
        ("Deels Voldaan", Status.PARTIALLY_FULFILLED),
        ("Deels afgedaan", Status.PARTIALLY_FULFILLED),
        ("Vervallen", Status.LAPSED),
        ("", None),
        ("In afwachting", None),
    ],
)
def test_status_mapping(raw, status):
    assert store.map_status(raw) == status


def test_kamerstukken_in_fulfilment_values():
    assert store.kamerstukken_in("Kamerstuk 30420-415") == [("30420", "", "415")]
    assert store.kamerstukken_in("kst-36600-V-12") == [("36600", "V", "12")]
    assert store.kamerstukken_in("kst-21501-20-2101") == [("21501", "20", "2101")]
    assert store.kamerstukken_in("32 735, nr. 100") == [("32735", "", "100")]
    assert store.kamerstukken_in("Zie de voortgangsbrief van september") == []
    assert store.dossier_label("36600", "V") == "36 600 V"


# ---------------------------------------------------------------------------------------
# Syncing the corpus


def test_full_sync_of_the_corpus(register, ocw_minister):
    output = sync()
    assert "records/s" in output and "toezeggingen done" in output

    assert Commitment.objects.count() == 8
    assert set(Commitment.objects.values_list("origin", flat=True)) == {Origin.REGISTER}

    opened = by_number("TZ202504-057")
    assert (opened.status, opened.register_status) == (Status.OPEN, "Openstaand")
    assert opened.made_by == ocw_minister[1]  # the office held on the day it was made
    assert opened.due_end == date(2025, 12, 31)
    assert str(opened.tk_id) == "0b1c6f0e-1111-4a4a-8d8d-000000000001"
    update = opened.updates.get()
    assert (update.date, update.date_precision) == (date(2025, 4, 10), DatePrecision.EXACT)
    assert update.researcher is None and update.origin == Origin.REGISTER
    assert update.evidence_url.endswith("?id=TZ202504-057")
    assert "TZ202504-057" in update.note

    fulfilled = by_number("TZ202302-011")
    assert fulfilled.status == Status.FULFILLED and fulfilled.due_end is None
    assert fulfilled.updates.get().evidence_letter.kst_id == "kst-30420-415"
    assert fulfilled.updates.get().date_precision == DatePrecision.NOT_AFTER

    afgedaan = by_number("TZ202411-102")
    assert (afgedaan.status, afgedaan.register_status) == (Status.FULFILLED, "Afgedaan")
    assert sorted(afgedaan.fulfilment_letters.values_list("kst_id", flat=True)) == [
        "kst-21501-20-2101",
        "kst-36600-V-12",
    ]
    letter = Letter.objects.get(kst_id="kst-36600-V-12")
    assert letter.kamerstuk == "36 600 V, nr. 12" and letter.origin == Origin.REGISTER
    assert letter.text_url == "https://zoek.officielebekendmakingen.nl/kst-36600-V-12.html"

    assert by_number("TZ202209-044").status == Status.PARTIALLY_FULFILLED  # ns1: entry
    partly = by_number("TZ202106-003")
    assert partly.status == Status.PARTIALLY_FULFILLED
    assert partly.needs_review  # a fulfilment that names no Kamerstuk
    assert partly.register_fulfilment == "Zie de voortgangsbrief van september"

    lapsed = by_number("TZ201903-020")
    assert lapsed.status == Status.LAPSED and lapsed.withdrawn  # deleted on page 3

    for number, raw in (("TZ202405-150", ""), ("TZ202405-151", "In afwachting")):
        unknown = by_number(number)
        assert unknown.register_status == raw and unknown.needs_review
        assert unknown.status == Status.OPEN and not unknown.updates.exists()  # never guessed

    assert Person.objects.filter(name="Dijkgraaf").count() == 1
    haverkamp = Person.objects.get(name="Haverkamp")  # two commitments, one person
    assert haverkamp.needs_review
    assert by_number("TZ202405-150").made_by == by_number("TZ202405-151").made_by
    assert Person.objects.get(name="Engelshoven", tussenvoegsel="van").needs_review

    assert Motion.objects.count() == 3  # the deleted one was never known
    adopted = Motion.objects.get(zaak_number="2024Z12345")
    assert adopted.outcome == MotionOutcome.ADOPTED
    assert adopted.register_decision == "Stemmen - aangenomen"
    assert (adopted.votes_for, adopted.votes_against) == (81, 40)  # no mistakes, no deleted
    assert adopted.cabinet_appraisal == "Oordeel Kamer"
    assert adopted.kamerstuk == "30 420, nr. 431"
    assert adopted.submitter.name == "Bikker" and adopted.submitter.party == "ChristenUnie"
    assert [m.name for m in adopted.co_submitters.all()] == ["Van der Werf"]
    assert adopted.register_url.endswith("?id=2024Z12345")
    rejected = Motion.objects.get(zaak_number="2024Z12346")
    assert (rejected.outcome, rejected.votes_for, rejected.votes_against) == ("rejected", 5, 61)
    pending = Motion.objects.get(zaak_number="2025Z00777")
    assert pending.outcome == "" and pending.kamerstuk == "36 600 V, nr. 55"

    feed_state = SyncState.objects.get(feed="toezeggingen")
    assert feed_state.resume_url == PAGE_3_URL
    motion_state = SyncState.objects.get(feed="motions")
    assert motion_state.resume_url == ""
    assert motion_state.last_modified == datetime(2026, 8, 13, 7, 5, tzinfo=UTC)


def test_a_second_sync_writes_nothing(register, ocw_minister):
    sync()
    before = written_rows()
    states = list(SyncState.objects.values_list("feed", "updated_at", "resume_url"))
    register.requests.clear()
    register.odata_urls.clear()
    output = sync()
    assert written_rows() == before
    assert list(SyncState.objects.values_list("feed", "updated_at", "resume_url")) == states
    assert register.feed_tokens() == ["1000206"]  # resumed at the last skiptoken
    assert register.odata_urls[0].params["$filter"].endswith("GewijzigdOp ge 2026-08-13T07:05:00Z")
    assert "0 created, 0 changed" in output


def test_a_status_change_on_the_third_sync_adds_exactly_one_update(register, ocw_minister):
    sync()
    sync()
    updates = StatusUpdate.objects.count()
    first = by_number("TZ202504-057").updates.get()
    register.feed["1000206"] = corpus("toezegging-page-3.xml").replace(
        b"  <entry>", NEXT_TO_PAGE_4.encode(), 1
    )
    sync()
    assert StatusUpdate.objects.count() == updates + 1
    commitment = by_number("TZ202504-057")
    assert commitment.status == Status.FULFILLED and commitment.register_status == "Afgedaan"
    new = commitment.updates.exclude(pk=first.pk).get()
    assert (new.status, new.date, new.date_precision) == (
        Status.FULFILLED,
        date(2026, 9, 1),
        DatePrecision.NOT_AFTER,
    )
    assert new.researcher is None and new.origin == Origin.REGISTER
    assert new.evidence_letter.kst_id == "kst-31288-1180"
    assert commitment.updates.filter(pk=first.pk).exists()  # the earlier one stays
    assert SyncState.objects.get(feed="toezeggingen").resume_url.endswith("skiptoken=1000209")


def test_researchers_edits_and_updates_survive_a_sync(register, ocw_minister, researcher):
    seeded = factories.commitment(
        title="Brief over lhbtiq+ rechten in de EU", tk_number="TZ202302-011"
    )
    sync()
    seeded.refresh_from_db()
    assert Commitment.objects.filter(tk_number="TZ202302-011").count() == 1  # merged
    assert str(seeded.tk_id) == "0b1c6f0e-1111-4a4a-8d8d-000000000002"
    assert (
        seeded.origin == Origin.DOCUMENT and seeded.title == "Brief over lhbtiq+ rechten in de EU"
    )
    assert seeded.status == Status.FULFILLED  # the register's status, as an update

    imported = by_number("TZ202504-057")
    imported.title = "Actieplan sociale veiligheid: voortgang"
    services.save_tracked(imported, expected_version=imported.version)
    own = services.record_status_update(
        subject=imported, date=date(2026, 8, 20), status=Status.IN_PROGRESS, researcher=researcher
    )
    register.feed["1000206"] = corpus("toezegging-page-3.xml").replace(
        b"  <entry>", NEXT_TO_PAGE_4.encode(), 1
    )
    sync()
    imported.refresh_from_db()
    assert imported.title == "Actieplan sociale veiligheid: voortgang"
    assert StatusUpdate.objects.filter(pk=own.pk, researcher=researcher).exists()
    assert imported.updates.filter(origin=Origin.REGISTER).count() == 2
    assert imported.status == Status.FULFILLED  # the register's change is the newest


def test_a_failure_in_page_3_keeps_pages_1_and_2_and_the_next_run_resumes(
    transactional_db, register
):
    register.feed["1000206"] = corpus("toezegging-page-3.xml")[:1500]  # cut off mid-entry
    with pytest.raises(CommandError, match=r"skiptoken=1000206.*not well-formed XML"):
        sync("--feed", "toezeggingen")
    assert Commitment.objects.count() == 6
    assert SyncState.objects.get(feed="toezeggingen").resume_url == PAGE_3_URL
    assert register.sleeps == [2.0, 4.0, 8.0]  # retried with backoff before giving up

    register.feed["1000206"] = corpus("toezegging-page-3.xml")
    register.requests.clear()
    sync("--feed", "toezeggingen")
    assert register.feed_tokens() == ["1000206"]
    assert Commitment.objects.count() == 8


def test_a_failing_record_commits_nothing_of_its_page(transactional_db, register, monkeypatch):
    real = store.create_commitments

    def fail_after_writing_page_3(records, *args):
        created = real(records, *args)
        if any(r.nummer == "TZ202405-151" for r in records):
            raise SyncError("database refused the record")
        return created

    monkeypatch.setattr(store, "create_commitments", fail_after_writing_page_3)
    with pytest.raises(CommandError, match="database refused"):
        sync("--feed", "toezeggingen")
    assert not Commitment.objects.filter(tk_number="TZ202405-150").exists()  # same page
    assert Commitment.objects.count() == 6
    assert SyncState.objects.get(feed="toezeggingen").resume_url == PAGE_3_URL


def test_server_errors_and_timeouts_are_retried(register):
    register.feed["1000103"] = [
        httpx.Response(503),
        httpx.ConnectTimeout("timed out"),
        corpus("toezegging-page-2.xml"),
    ]
    sync("--feed", "toezeggingen")
    assert Commitment.objects.count() == 8
    assert register.sleeps == [2.0, 4.0]


def test_a_register_that_stays_down_stops_the_run_with_a_clear_message(register):
    register.feed[None] = [httpx.ConnectError("connection refused")]
    with pytest.raises(CommandError, match=r"Gave up on .* after 4 attempts: network error"):
        sync("--feed", "toezeggingen")
    assert not Commitment.objects.exists()


def test_limit_and_since(register):
    sync("--feed", "toezeggingen", "--limit", "4")
    assert Commitment.objects.count() == 4
    # Page 2 was cut after its first record: the next run reads it again.
    assert SyncState.objects.get(feed="toezeggingen").resume_url.endswith("skiptoken=1000103")
    sync("--feed", "toezeggingen")
    assert Commitment.objects.count() == 8

    with pytest.raises(CommandError, match="not a date"):
        sync("--since", "gisteren")


def test_since_skips_older_records(register):
    sync("--feed", "toezeggingen", "--since", "2026-08-11")
    assert not Commitment.objects.filter(tk_number="TZ202504-057").exists()  # changed 08-10
    assert Commitment.objects.count() == 5


def test_motion_since_filters_on_gewijzigdop(register):
    sync("--feed", "motions", "--since", "2026-08-01")
    first = register.odata_urls[0]
    assert first.params["$filter"] == "Soort eq 'Motie' and GewijzigdOp ge 2026-08-01T00:00:00Z"
    assert first.params["$expand"] == "Kamerstukdossier,ZaakActor,Besluit($expand=Stemming)"


def test_a_deleted_motion_is_withdrawn_not_removed(register):
    known = factories.motion(title="Motie Westerveld over een actieplan")
    Motion.objects.filter(pk=known.pk).update(zaak_number="2023Z09999")
    sync("--feed", "motions")
    known.refresh_from_db()
    assert known.withdrawn and known.title == "Motie Westerveld over een actieplan"
    assert Motion.objects.count() == 4
    assert MemberOfParliament.objects.filter(name="Bikker").count() == 1
    sync("--feed", "motions")
    assert MemberOfParliament.objects.filter(name="Bikker").count() == 1


def test_imported_records_show_like_seeded_ones(register, ocw_minister, admin_client):
    sync()
    commitment = by_number("TZ202411-102")
    page = admin_client.get(commitment.get_absolute_url()).content.decode()
    assert (
        'href="https://www.tweedekamer.nl/kamerstukken/toezeggingen/detail?id=TZ202411-102"' in page
    )
    assert "https://zoek.officielebekendmakingen.nl/kst-36600-V-12.html" in page
    motion = Motion.objects.get(zaak_number="2024Z12345")
    page = admin_client.get(motion.get_absolute_url()).content.decode()
    assert "?id=2024Z12345" in page and "Oordeel Kamer" in page
    assert commitment.title in admin_client.get("/commitments/?status=fulfilled").content.decode()
    export = b"".join(admin_client.get("/commitments/export.csv").streaming_content).decode()
    assert commitment.key in export
    assert commitment.key in admin_client.get("/feed/").content.decode()
    assert admin_client.get("/progress/").status_code == 200

    factories.commitment(title="Handmatig vastgelegde toezegging")
    changelist = admin_client.get("/admin/commitments/commitment/", {"origin__exact": "register"})
    assert changelist.context["cl"].result_count == 8
    changelist = admin_client.get("/admin/commitments/commitment/", {"origin__exact": "document"})
    assert changelist.context["cl"].result_count == 1


def test_letter_texts_are_fetched_and_stored_once(register, monkeypatch):
    from commitments.management.commands import fetch_letter_texts

    monkeypatch.setattr(
        fetch_letter_texts.Command, "client", lambda self: RegisterClient(sleep=lambda s: None)
    )
    sync("--feed", "toezeggingen")
    repository = "https://repository.overheid.nl/frbr/officielepublicaties/kst"
    register.mock.get(f"{repository}/30420/kst-30420-415/1/xml/kst-30420-415.xml").mock(
        return_value=httpx.Response(200, content=corpus("kst-30420-415.xml"))
    )
    register.mock.get(url__startswith=repository).mock(return_value=httpx.Response(404))
    out = StringIO()
    call_command("fetch_letter_texts", stdout=out)
    assert "Stored the text of 1 letters; 3 not available." in out.getvalue()
    letter = Letter.objects.get(kst_id="kst-30420-415")
    text = letter.text_document.text
    assert text.startswith("Tweede Kamer der Staten-Generaal")
    passage = "Met deze brief doe ik de toezegging gestand"
    assert passage in text and "\n\nToezegging\n\n" in text
    assert services.passage_warning(letter, passage) is None
    assert services.passage_warning(letter, "Een zin die niet in de brief staat") is not None
    call_command("fetch_letter_texts", "--letter", letter.key, stdout=StringIO())
    assert Letter.objects.filter(text_document__isnull=False).count() == 1


def page_4_with(**changes):
    """Page 4 (a later change to TZ202504-057) with other values, and a link to it from
    page 3."""
    page = corpus("toezegging-page-4.xml").decode()
    for old, new in changes.values():
        page = page.replace(old, new)
    return page.encode()


def sync_with_page_4(register, page):
    register.feed["1000206"] = corpus("toezegging-page-3.xml").replace(
        b"  <entry>", NEXT_TO_PAGE_4.encode(), 1
    )
    register.feed["1000209"] = page
    return sync("--feed", "toezeggingen")


def test_the_same_status_in_other_words_adds_no_update(register):
    sync("--feed", "toezeggingen")
    page = page_4_with(
        id=("0b1c6f0e-1111-4a4a-8d8d-000000000001", "0b1c6f0e-1111-4a4a-8d8d-000000000002"),
        number=("TZ202504-057", "TZ202302-011"),
    )
    updates = StatusUpdate.objects.count()
    sync_with_page_4(register, page)  # Voldaan became Afgedaan
    assert StatusUpdate.objects.count() == updates
    commitment = by_number("TZ202302-011")
    assert (commitment.register_status, commitment.status) == ("Afgedaan", Status.FULFILLED)


def test_a_status_that_becomes_empty_is_flagged_not_guessed(register):
    sync("--feed", "toezeggingen")
    updates = StatusUpdate.objects.count()
    sync_with_page_4(register, page_4_with(status=("<status>Afgedaan</status>", "<status/>")))
    assert StatusUpdate.objects.count() == updates
    commitment = by_number("TZ202504-057")
    assert commitment.register_status == "" and commitment.needs_review
    assert commitment.status == Status.OPEN


def test_a_refused_request_is_not_retried(register):
    register.feed[None] = [httpx.Response(404)]
    with pytest.raises(CommandError, match="answered HTTP 404"):
        sync("--feed", "toezeggingen")
    assert register.sleeps == []


def test_a_seeded_motion_is_merged_by_its_kamerstuk(register):
    seeded = factories.motion(
        dossier=factories.dossier(number="30 420"), number="431", title="Motie-Bikker (ingevoerd)"
    )
    sync("--feed", "motions")
    seeded.refresh_from_db()
    assert Motion.objects.count() == 3
    assert seeded.zaak_number == "2024Z12345" and seeded.outcome == MotionOutcome.ADOPTED
    assert seeded.title == "Motie-Bikker (ingevoerd)" and seeded.origin == Origin.DOCUMENT


def test_keys_of_new_records_are_unique_and_readable(db):
    factories.commitment(key="tz202504-057")
    resolver = store.Resolver()
    keys = resolver.keys_for(Commitment, ["TZ202504-057", "TZ202504-058", "TZ202504-058"])
    assert keys == ["tz202504-057-2", "tz202504-058", "tz202504-058-2"]


def test_records_a_researcher_adds_are_the_researchers(researcher_client):
    response = researcher_client.post(
        "/admin/commitments/letter/add/",
        {
            "key": "brief-eigen",
            "kind": "kamerbrief",
            "title": "Eigen brief",
            "date_precision": "exact",
        },
    )
    assert response.status_code == 302
    assert Letter.objects.get(key="brief-eigen").origin == Origin.RESEARCHER


def test_seed_update_after_a_sync_leaves_imported_records_alone(register):
    call_command("seed", stdout=StringIO())
    sync()
    imported = Commitment.objects.filter(origin=Origin.REGISTER).count()
    out = StringIO()
    call_command("seed", "--update", stdout=out)
    report = out.getvalue()
    assert imported > 0
    assert "seeded, no longer in the fixtures (kept): 0" in report
    assert Commitment.objects.filter(origin=Origin.REGISTER).count() == imported


def test_the_dashboards_tallies_follow_what_the_sync_writes(register, ocw_minister):
    """Records the sync creates, fills in, changes and withdraws are counted as a full
    recount counts them, page by page, and a sync that changes nothing changes no tally."""
    seeded = factories.motion(
        dossier=factories.dossier(number="30 420"), number="431", title="Motie-Bikker", date=None
    )
    known = factories.motion(title="Motie Westerveld over een actieplan")
    Motion.objects.filter(pk=known.pk).update(zaak_number="2023Z09999")
    sync()
    seeded.refresh_from_db()
    assert seeded.date == date(2024, 7, 2)  # filled in from the register
    assert_tallies_equal_a_recompute()
    tallied = list(Tally.objects.order_by("pk").values_list("pk", "n"))
    sync()
    assert list(Tally.objects.order_by("pk").values_list("pk", "n")) == tallied
    register.feed["1000206"] = corpus("toezegging-page-3.xml").replace(
        b"  <entry>", NEXT_TO_PAGE_4.encode(), 1
    )
    sync()
    assert by_number("TZ202504-057").status == Status.FULFILLED
    assert_tallies_equal_a_recompute()
