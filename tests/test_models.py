import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments import services
from commitments.choices import DatePrecision, Status
from commitments.models import (
    Cabinet,
    Commitment,
    Letter,
    Motion,
    StatusUpdate,
    current_status_fields,
)

from . import factories

pytestmark = pytest.mark.django_db


def test_database_rejects_unknown_status_code():
    commitment = factories.commitment()
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(status="done")


def test_database_rejects_unknown_status_code_on_updates():
    motion = factories.motion()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(motion=motion, date=date(2021, 1, 1), status="achieved")


def test_database_rejects_reversed_due_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.commitment(due_start=date(2021, 6, 30), due_end=date(2021, 1, 1))


def test_database_rejects_reversed_cabinet_dates():
    with pytest.raises(IntegrityError), transaction.atomic():
        Cabinet.objects.create(key="x", name="X", start=date(2020, 1, 1), end=date(2019, 1, 1))


def test_one_kamerstuk_number_is_one_letter():
    dossier = factories.dossier(number="30 420")
    factories.letter(dossier=dossier, number="415")
    factories.letter(dossier=dossier, number="")
    factories.letter(dossier=dossier, number="")  # letters without a number may share a dossier
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.letter(dossier=dossier, number="415")


def test_vergaderjaar_must_look_like_two_years():
    factories.letter(vergaderjaar="2024-2025")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.letter(vergaderjaar="24/25")


def test_status_update_concerns_exactly_one_subject():
    commitment, motion = factories.commitment(), factories.motion()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(
            commitment=commitment, motion=motion, date=date(2021, 1, 1), status=Status.OPEN
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(date=date(2021, 1, 1), status=Status.OPEN)


def test_natural_keys_round_trip():
    letter = factories.letter(key="kst-30420-415")
    assert letter.natural_key() == ("kst-30420-415",)
    assert Letter.objects.get_by_natural_key("kst-30420-415") == letter


def test_kamerstuk_label():
    letter = factories.letter(dossier=factories.dossier(number="30 420"), number="415")
    assert letter.kamerstuk == "30 420, nr. 415"
    assert str(letter).startswith("30 420, nr. 415: ")


def test_current_status_follows_latest_update():
    commitment = factories.commitment()
    assert commitment.status == Status.OPEN
    factories.status_update(commitment, Status.FULFILLED, date(2022, 3, 1))
    factories.status_update(commitment, Status.IN_PROGRESS, date(2021, 3, 1))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_date) == (Status.FULFILLED, date(2022, 3, 1))


def test_status_as_of_a_past_date():
    commitment = factories.commitment()
    factories.status_update(commitment, Status.OPEN, date(2020, 11, 2))
    factories.status_update(commitment, Status.IN_PROGRESS, date(2021, 5, 1))
    factories.status_update(commitment, Status.FULFILLED, date(2022, 3, 1))

    def as_of(day):
        return Commitment.objects.status_as_of(day).get(pk=commitment.pk).status_as_of

    # Open before the first update, which it has not had yet.
    before = Commitment.objects.status_as_of(date(2020, 1, 1)).get(pk=commitment.pk)
    assert (before.status_as_of, before.latest_update_as_of) == (Status.OPEN, None)
    assert as_of(date(2020, 12, 31)) == Status.OPEN
    assert as_of(date(2021, 12, 31)) == Status.IN_PROGRESS
    assert as_of(date(2022, 12, 31)) == Status.FULFILLED


def test_motion_status_as_of():
    motion = factories.motion()
    factories.status_update(motion, Status.LAPSED, date(2019, 1, 1))
    assert Motion.objects.status_as_of(date(2019, 1, 1)).get().status_as_of == Status.LAPSED


@pytest.mark.parametrize("model", [Commitment, Motion])
def test_status_as_of_from_the_stored_status_equals_the_subqueries(model):
    """``status_as_of_stored`` reads the current status of rows not updated since the
    day; it gives what the plain subqueries give, on every day around the updates."""
    rng = random.Random(5)
    make = factories.commitment if model is Commitment else factories.motion
    for _ in range(12):
        subject = make()
        for _ in range(rng.randrange(4)):
            day = date(2020, 1, 1) + timedelta(days=rng.randrange(3 * 365))
            factories.status_update(subject, rng.choice(list(Status)), day)
    days = [date(2019, 12, 31), *(date(2020, 1, 1) + timedelta(days=n) for n in range(0, 1200, 37))]
    fields = ("pk", "status_as_of", "latest_update_as_of")
    for day in days:
        plain = model.objects.status_as_of(day).order_by("pk").values_list(*fields)
        stored = model.objects.status_as_of_stored(day).order_by("pk").values_list(*fields)
        assert list(stored) == list(plain), day


def test_service_rejects_unknown_status_and_saves_nothing():
    commitment = factories.commitment()
    with pytest.raises(ValidationError):
        services.record_status_update(subject=commitment, status="done", date=date(2021, 1, 1))
    assert not StatusUpdate.objects.exists()


def test_correction_is_a_new_update_and_keeps_the_original():
    commitment = factories.commitment()
    wrong = factories.status_update(commitment, Status.FULFILLED, date(2021, 1, 1))
    fix = factories.status_update(
        commitment, Status.IN_PROGRESS, date(2021, 1, 1), corrects=wrong, note="Te vroeg."
    )
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert list(commitment.updates.all()) == [wrong, fix]
    assert StatusUpdate.objects.get(pk=wrong.pk).status == Status.FULFILLED


def test_correction_must_concern_the_same_subject():
    first, second = factories.commitment(), factories.commitment()
    update = factories.status_update(first, Status.FULFILLED, date(2021, 1, 1))
    with pytest.raises(ValidationError):
        factories.status_update(second, Status.OPEN, date(2021, 1, 2), corrects=update)


def deadline_states(today=None):
    rows = Commitment.objects.with_deadline_state(today).values_list("key", "deadline_state")
    return {key: state for key, state in rows if state}


def test_overdue_needs_news_after_the_due_date_else_it_is_no_news():
    due = date(2021, 3, 31)
    factories.commitment(key="silent", due_end=due, made_on=date(2020, 5, 1))
    still_open = factories.commitment(key="still-open", due_end=due)
    factories.status_update(still_open, Status.IN_PROGRESS, date(2021, 6, 1))
    before = factories.commitment(key="news-before", due_end=due)
    factories.status_update(before, Status.IN_PROGRESS, date(2021, 2, 1))
    on_the_day = factories.commitment(key="news-on-the-day", due_end=due)
    factories.status_update(on_the_day, Status.OPEN, due)
    done = factories.commitment(key="done", due_end=due)
    factories.status_update(done, Status.FULFILLED, date(2021, 3, 1))
    late_but_done = factories.commitment(key="late-but-done", due_end=due)
    factories.status_update(late_but_done, Status.FULFILLED, date(2022, 1, 1))
    factories.commitment(key="future", due_end=date(2999, 1, 1))
    factories.commitment(key="no-due-date")

    assert list(Commitment.objects.overdue().values_list("key", flat=True)) == ["still-open"]
    assert set(Commitment.objects.no_news().values_list("key", flat=True)) == {
        "silent",
        "news-before",
        "news-on-the-day",
    }
    assert deadline_states() == {
        "still-open": "overdue",
        "silent": "no_news",
        "news-before": "no_news",
        "news-on-the-day": "no_news",
    }
    # Before the due range ended, nothing is overdue.
    assert deadline_states(today=due) == {}
    loaded = {c.key: c for c in Commitment.objects.for_list()}
    assert loaded["silent"].no_news_since == date(2020, 5, 1)  # the day it was made
    assert loaded["news-before"].no_news_since == date(2021, 2, 1)  # its latest update


def test_no_news_since_falls_back_on_the_source_letter():
    letter = factories.letter(date=date(2019, 9, 17))
    factories.commitment(made_on=None, source_letter=letter, due_end=date(2020, 1, 1))
    (loaded,) = Commitment.objects.for_list()
    assert loaded.deadline_state == "no_news"
    assert loaded.no_news_since == date(2019, 9, 17) == loaded.made_on_or_letter


def test_status_date_is_the_day_the_current_status_began():
    c = factories.commitment()
    factories.status_update(c, Status.IN_PROGRESS, date(2020, 1, 1))
    factories.status_update(c, Status.FULFILLED, date(2021, 1, 1))
    factories.status_update(c, Status.IN_PROGRESS, date(2022, 1, 1))
    factories.status_update(
        c, Status.FULFILLED, date(2022, 6, 1), date_precision=DatePrecision.APPROXIMATE
    )
    factories.status_update(c, Status.FULFILLED, date(2024, 12, 31))
    c.refresh_from_db()
    assert c.status == Status.FULFILLED
    assert (c.status_date, c.status_date_precision) == (date(2022, 6, 1), "approximate")
    assert c.latest_update_on == date(2024, 12, 31)
    # An update recorded later but dated inside the run breaks it there.
    factories.status_update(c, Status.IN_PROGRESS, date(2023, 1, 1))
    c.refresh_from_db()
    assert (c.status, c.status_date, c.status_date_precision) == (
        Status.FULFILLED,
        date(2024, 12, 31),
        "exact",
    )
    # On one day, the update recorded last comes last.
    factories.status_update(c, Status.LAPSED, date(2024, 12, 31))
    factories.status_update(c, Status.LAPSED, date(2024, 12, 31))
    c.refresh_from_db()
    assert (c.status, c.status_date, c.latest_update_on) == (
        Status.LAPSED,
        date(2024, 12, 31),
        date(2024, 12, 31),
    )


def test_bulk_refresh_equals_the_write_path():
    """The set-based refresh (bulk loads, the benchmark) and the expressions the data
    migration uses give what each write did."""
    subjects = [factories.commitment() for _ in range(4)] + [factories.motion()]
    statuses = [Status.OPEN, Status.IN_PROGRESS, Status.FULFILLED]
    for n, subject in enumerate(subjects):
        for k in range(n):
            factories.status_update(subject, statuses[(n + k) % 3], date(2020, 1 + k, 1 + n))
    fields = services.CURRENT_STATUS_FIELDS
    before = {
        model: list(model.objects.order_by("pk").values_list(*fields))
        for model in (Commitment, Motion)
    }
    for model in (Commitment, Motion):
        model.objects.update(status=Status.LAPSED, status_date=None, latest_update_on=None)
        assert model.objects.refresh_current_status() == model.objects.count()
        assert list(model.objects.order_by("pk").values_list(*fields)) == before[model]
        model.objects.update(status=Status.LAPSED, status_date=None, latest_update_on=None)
        model.objects.update(
            **current_status_fields(StatusUpdate.objects.all(), model._meta.model_name)
        )
        assert list(model.objects.order_by("pk").values_list(*fields)) == before[model]


def test_office_without_person_is_still_recorded():
    ministry = factories.ministry(name="Ministerie van VWS", abbreviation="VWS")
    office = factories.office(person=None, ministry=ministry)
    assert str(office) == "Minister (VWS)"
    assert office.get_absolute_url() == f"/offices/{office.key}/"


def test_date_made_falls_back_on_the_letter_and_follows_it():
    letter = factories.letter(date=date(2019, 9, 17))
    undated = services.save_tracked(
        Commitment(key="tz-undated", title="Zonder datum", text="Tekst.", source_letter=letter)
    )
    dated = services.save_tracked(
        Commitment(
            key="tz-dated", title="Met datum", text="Tekst.", source_letter=letter,
            made_on=date(2019, 9, 1),
        )
    )  # fmt: skip
    assert (undated.made_on_or_letter, dated.made_on_or_letter) == (
        date(2019, 9, 17),
        date(2019, 9, 1),
    )
    letter.date = date(2019, 10, 1)
    services.save_letter(letter)
    undated.refresh_from_db()
    dated.refresh_from_db()
    assert (undated.made_on_or_letter, dated.made_on_or_letter) == (
        date(2019, 10, 1),
        date(2019, 9, 1),
    )
    undated.made_on = date(2018, 1, 1)
    services.save_tracked(undated, expected_version=undated.version)
    assert Commitment.objects.get(key="tz-undated").made_on_or_letter == date(2018, 1, 1)
