"""The write path (commitments/services.py): the one place that checks what spans
records, locks, and keeps the current status in step with the updates."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, StatusUpdate

from . import factories

pytestmark = pytest.mark.django_db

FAR_FUTURE, TOO_EARLY = date(2999, 1, 1), date(1, 1, 1)


def days_from_today(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.mark.parametrize(
    ("phrase", "made_on", "due"),
    [
        (
            "in het eerste kwartaal van 2021",
            date(2020, 11, 2),
            (date(2021, 1, 1), date(2021, 3, 31)),
        ),
        # A relative phrase counts from the date made.
        ("later dit jaar", date(2020, 6, 1), (date(2020, 6, 1), date(2020, 12, 31))),
    ],
)
def test_due_phrase_is_read_into_a_range_when_saved(phrase, made_on, due):
    commitment = services.save_tracked(
        Commitment(key="tz-q1", title="t", text="t", made_on=made_on, due_phrase=phrase)
    )
    assert (commitment.due_start, commitment.due_end) == due
    assert not commitment.due_needs_review


def test_unreadable_due_phrase_is_kept_and_flagged_not_guessed():
    commitment = services.save_tracked(
        Commitment(key="tz-vaag", title="t", text="t", due_phrase="zo spoedig mogelijk")
    )
    assert commitment.due_phrase == "zo spoedig mogelijk"
    assert (commitment.due_start, commitment.due_end) == (None, None)
    assert commitment.due_needs_review


def test_a_range_entered_by_hand_wins_over_the_phrase():
    commitment = services.save_tracked(
        Commitment(
            key="tz-hand", title="t", text="t", due_phrase="tijdens het bezoek aan Sotsji",
            due_start=date(2014, 2, 7), due_end=date(2014, 2, 23),
        )
    )  # fmt: skip
    assert commitment.due_end == date(2014, 2, 23) and not commitment.due_needs_review


def test_very_long_text_is_refused_with_a_clear_error_and_nothing_saved():
    with pytest.raises(ValidationError) as error:
        services.save_tracked(Commitment(key="tz-long", title="x" * 301, text="t"))
    assert "title" in error.value.message_dict
    assert not Commitment.objects.exists()


def test_very_long_notes_are_kept_whole():
    commitment = factories.commitment()
    note = "lang " * 20_000
    update = factories.status_update(commitment, Status.OPEN, date(2021, 1, 1), note=note)
    assert StatusUpdate.objects.get(pk=update.pk).note == note


def test_service_refuses_a_stale_save():
    commitment = factories.commitment()
    stale = Commitment.objects.get(pk=commitment.pk)
    commitment.title = "A"
    services.save_tracked(commitment, expected_version=1)
    stale.title = "B"
    with pytest.raises(services.StaleEditError):
        services.save_tracked(stale, expected_version=1)
    assert Commitment.objects.get().title == "A"


def test_status_changes_are_in_the_history_with_their_researcher(researcher):
    commitment = factories.commitment()
    factories.status_update(commitment, Status.IN_PROGRESS, date(2021, 1, 1), researcher=researcher)
    latest = commitment.history.first()
    assert (latest.status, latest.history_user) == (Status.IN_PROGRESS, researcher)
    assert commitment.history.count() == 2


@pytest.mark.parametrize("day", [FAR_FUTURE, TOO_EARLY, date(1899, 12, 31)])
def test_the_write_path_refuses_status_dates_out_of_range(day):
    commitment = factories.commitment()
    with pytest.raises(ValidationError) as error:
        factories.status_update(commitment, Status.FULFILLED, day)
    assert list(error.value.message_dict) == ["date"]
    assert not StatusUpdate.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == Status.OPEN


def test_status_dates_up_to_tomorrow_are_accepted():
    commitment = factories.commitment()
    factories.status_update(commitment, Status.IN_PROGRESS, date(1900, 1, 1))
    factories.status_update(commitment, Status.FULFILLED, days_from_today(1))
    with pytest.raises(ValidationError) as error:
        factories.status_update(commitment, Status.LAPSED, days_from_today(2))
    assert error.value.error_dict["date"][0].code == "future_date"
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_date) == (Status.FULFILLED, days_from_today(1))


# Refusals name their field, so a form can show them on it -------------------------------


def test_a_stale_save_is_a_validation_error_of_the_whole_record():
    commitment = factories.commitment(title="Origineel")
    services.save_tracked(Commitment.objects.get(pk=commitment.pk), expected_version=1)
    commitment.title = "Verloren"
    with pytest.raises(ValidationError) as error:
        services.save_tracked(commitment, expected_version=1)
    assert isinstance(error.value, services.StaleEditError)
    assert error.value.code == "stale" and error.value.record == commitment
    assert Commitment.objects.values_list("title", "version").get() == ("Origineel", 2)


def test_a_correction_of_another_items_update_is_refused_on_corrects():
    commitment, other = factories.commitment(), factories.commitment()
    foreign = factories.status_update(other, Status.OPEN, date(2021, 1, 1))
    with pytest.raises(ValidationError) as error:
        factories.status_update(commitment, Status.FULFILLED, date(2021, 4, 1), corrects=foreign)
    assert list(error.value.message_dict) == ["corrects"]
    assert list(StatusUpdate.objects.values_list("commitment", flat=True)) == [other.pk]
    commitment.refresh_from_db()
    assert commitment.status == Status.OPEN


def test_an_unknown_status_is_refused_on_status():
    commitment = factories.commitment()
    with pytest.raises(ValidationError) as error:
        factories.status_update(commitment, "done", date(2021, 4, 1))
    assert list(error.value.message_dict) == ["status"]
    assert not StatusUpdate.objects.exists()


def test_a_correction_is_a_new_update_and_the_status_follows_it():
    commitment = factories.commitment()
    wrong = factories.status_update(commitment, Status.FULFILLED, date(2021, 4, 1))
    fixed = factories.status_update(
        commitment, Status.IN_PROGRESS, date(2021, 4, 1), corrects=wrong
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_date) == (Status.IN_PROGRESS, date(2021, 4, 1))
    assert list(commitment.updates.order_by("pk")) == [wrong, fixed]
    wrong.refresh_from_db()
    assert wrong.status == Status.FULFILLED  # kept as it was
