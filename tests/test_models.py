from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments import services
from commitments.models import Cabinet, Commitment, Letter, Motion, Status, StatusUpdate

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

    assert as_of(date(2020, 1, 1)) is None
    assert as_of(date(2020, 12, 31)) == Status.OPEN
    assert as_of(date(2021, 12, 31)) == Status.IN_PROGRESS
    assert as_of(date(2022, 12, 31)) == Status.FULFILLED


def test_motion_status_as_of():
    motion = factories.motion()
    factories.status_update(motion, Status.LAPSED, date(2019, 1, 1))
    assert Motion.objects.status_as_of(date(2019, 1, 1)).get().status_as_of == Status.LAPSED


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


def test_overdue_excludes_closed_and_future():
    late = factories.commitment(due_end=date(2021, 3, 31))
    factories.commitment(due_end=date(2999, 1, 1))
    done = factories.commitment(due_end=date(2021, 3, 31))
    factories.status_update(done, Status.FULFILLED, date(2021, 3, 1))
    assert list(Commitment.objects.overdue()) == [late]
    assert late.is_overdue and not done.is_overdue


def test_office_without_person_is_still_recorded():
    ministry = factories.ministry(name="Ministerie van VWS", abbreviation="VWS")
    office = factories.office(person=None, ministry=ministry)
    assert str(office) == "Minister (VWS)"
    assert office.get_absolute_url() == f"/offices/{office.key}/"
