"""Inserting many rows with their history rows (``commitments.bulk``): COPY on PostgreSQL
must write what ``bulk_create`` and ``bulk_history_create`` write."""

import uuid
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction

from commitments import bulk, services
from commitments.models import (
    Commitment,
    DatePrecision,
    Dossier,
    Letter,
    LetterKind,
    Origin,
    Status,
    StatusUpdate,
)
from tests import factories

# Columns that differ between two inserts of the same content.
OWN = {"id", "key", "tk_id", "tk_number", "commitment_id", "history_id", "history_date"}


def letters(dossier, prefix, count):
    return [
        Letter(
            key=f"{prefix}-{n}",
            kind=LetterKind.KAMERBRIEF,
            dossier=dossier,
            number=f"{prefix}{n}",
            title=f"Kamerstuk {dossier.number}, nr. {n} – “quoted”\ttab\\slash",
            kst_id=f"kst-{prefix}-{n}",
            origin=Origin.REGISTER,
        )
        for n in range(count)
    ]


def commitments(prefix, count, office):
    return [
        Commitment(
            key=f"{prefix}-{n}",
            title=f"Toezegging {n}",
            text="De minister zegt toe\nover twee regels.",
            made_by=office if n % 2 else None,
            made_on=date(2024, 1, 1 + n) if n % 3 else None,
            due_end=date(2025, 6, 30),
            tk_id=uuid.uuid4() if n % 2 else str(uuid.uuid4()),  # as the sync gives it
            tk_number=f"TZ{prefix}-{n}",
            origin=Origin.REGISTER,
            register_status="Openstaand",
            register_updated=datetime(2026, 1, 2, 3, 4, 5, n, tzinfo=UTC),
            needs_review=bool(n % 2),
        )
        for n in range(count)
    ]


def first_updates(count):
    return [
        StatusUpdate(
            date=date(2024, 2, 1 + n),
            date_precision=DatePrecision.NOT_AFTER,
            status=Status.OPEN if n % 2 else Status.FULFILLED,
            note=f"Register, status {n}",
            origin=Origin.REGISTER,
        )
        if n % 4
        else None
        for n in range(count)
    ]


def content(queryset):
    return [
        {name: value for name, value in row.items() if name not in OWN}
        for row in queryset.order_by("pk").values()
    ]


def the_reference_way(model, objs):
    """How rows were inserted before: bulk_create, then bulk_history_create."""
    model.objects.bulk_create(objs)
    model.history.bulk_history_create(objs)


def test_rows_and_history_rows_are_those_bulk_create_writes(db):
    dossier = factories.dossier()
    copied = bulk.insert_with_history(Letter, letters(dossier, "a", 5))
    reference = letters(dossier, "b", 5)
    the_reference_way(Letter, reference)

    assert [o.pk for o in copied] == sorted(o.pk for o in copied)
    assert all(not o._state.adding for o in copied)
    mine = Letter.objects.filter(pk__in=[o.pk for o in copied])
    theirs = Letter.objects.filter(pk__in=[o.pk for o in reference])
    assert [o.pk for o in mine.order_by("pk")] == [o.pk for o in copied]
    strip = {"key", "number", "title", "kst_id"}
    assert [{k: v for k, v in row.items() if k not in strip} for row in content(mine)] == [
        {k: v for k, v in row.items() if k not in strip} for row in content(theirs)
    ]
    assert (
        mine.get(key="a-1").title
        == "Kamerstuk " + dossier.number + ", nr. 1 – “quoted”\ttab\\slash"
    )

    history = Letter.history.filter(id__in=[o.pk for o in copied])
    assert history.count() == 5
    assert set(history.values_list("history_type", "history_user", "history_change_reason")) == {
        ("+", None, "")
    }
    for obj in copied:  # each history row holds what its record holds
        record = Letter.objects.filter(pk=obj.pk).values().get()
        row = history.filter(id=obj.pk).values().get()
        assert {k: row[k] for k in record} == record


def test_commitments_with_first_updates_match_the_reference(db):
    office = factories.office()
    copied = services.create_with_first_updates(
        Commitment, commitments("c", 8, office), first_updates(8)
    )
    subjects, updates = commitments("r", 8, office), first_updates(8)
    for subject, update in zip(subjects, updates, strict=True):
        if update is not None:
            subject.status, subject.status_date = update.status, update.date
            subject.status_date_precision = update.date_precision
            subject.latest_update_on = update.date
        subject.made_on_or_letter = subject.made_on
    the_reference_way(Commitment, subjects)
    rows = [u for u in updates if u is not None]
    for subject, update in zip(subjects, updates, strict=True):
        if update is not None:
            update.commitment = subject
    the_reference_way(StatusUpdate, rows)

    mine = Commitment.objects.filter(pk__in=[c.pk for c in copied])
    theirs = Commitment.objects.filter(pk__in=[c.pk for c in subjects])
    assert content(mine) == content(theirs)
    assert content(Commitment.history.filter(id__in=[c.pk for c in copied])) == content(
        Commitment.history.filter(id__in=[c.pk for c in subjects])
    )
    assert isinstance(mine.get(key="c-0").tk_id, uuid.UUID)

    my_updates = StatusUpdate.objects.filter(commitment__in=copied)
    their_updates = StatusUpdate.objects.filter(commitment__in=subjects)
    assert my_updates.count() == 6
    skip = {"created_at"}  # set when saved: compared with its history row below
    assert [{k: v for k, v in r.items() if k not in skip} for r in content(my_updates)] == [
        {k: v for k, v in r.items() if k not in skip} for r in content(their_updates)
    ]
    for update in my_updates:
        assert update.created_at is not None
        history = StatusUpdate.history.get(id=update.pk)
        assert (history.created_at, history.history_type) == (update.created_at, "+")


def test_the_number_of_queries_does_not_grow_with_the_rows(db, django_assert_num_queries):
    dossier = factories.dossier()
    with django_assert_num_queries(3 if _postgresql() else 2) as few:
        bulk.insert_with_history(Letter, letters(dossier, "few", 3))
    with django_assert_num_queries(len(few.captured_queries)):
        bulk.insert_with_history(Letter, letters(dossier, "more", 40))
    assert Letter.history.count() == 43


def test_a_refused_row_is_a_django_integrity_error_and_nothing_is_kept(db):
    Dossier.objects.create(key="taken", number="1 000")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_with_history(
            Dossier, [Dossier(key="free", number="2 000"), Dossier(key="taken", number="3 000")]
        )
    assert list(Dossier.objects.values_list("key", flat=True)) == ["taken"]
    assert not Dossier.history.filter(key="free").exists()


def test_nothing_to_insert_does_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert_with_history(Letter, []) == []


def _postgresql():
    from django.db import connection

    return connection.vendor == "postgresql"
