"""The dashboard's tallies, kept by the write path, equal a full recompute after any
sequence of writes: status updates added and corrected, commitments made and edited,
due dates changed, letters re-dated, offices and themes changed, records created in bulk."""

from collections import Counter
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from commitments import progress, services, tallies
from commitments.models import (
    Commitment,
    ItemTally,
    Letter,
    Motion,
    Status,
    StatusUpdate,
    Tally,
)

from . import factories

THIS_YEAR = timezone.localdate().year
FIRST = date(2016, 1, 1)
DAYS = (date(THIS_YEAR - 1, 12, 31) - FIRST).days

days = st.integers(0, DAYS).map(lambda n: FIRST + timedelta(days=n))
# Few days, around year ends, so that dates often meet: an update on the due date, a due
# date on 31 December, two updates on one day.
edges = st.sampled_from(
    [date(y, m, d) for y in range(2017, 2021) for m, d in ((1, 1), (6, 1), (12, 31))]
)
some_day = st.one_of(edges, edges, days)
statuses = st.sampled_from(list(Status))
pick = st.integers(0, 1000)

operations = st.one_of(
    st.tuples(
        st.just("commitment"),
        st.one_of(some_day, some_day, st.none()),  # made on
        st.one_of(st.none(), pick),  # source letter
        st.one_of(some_day, some_day, st.none()),  # due by
        pick,  # office
        st.lists(pick, max_size=2),  # themes
    ),
    st.tuples(st.just("motion"), st.one_of(st.none(), some_day), st.lists(pick, max_size=2)),
    st.tuples(st.just("update"), pick, statuses, some_day),
    st.tuples(st.just("update on the due date"), pick, statuses),
    st.tuples(st.just("correct"), pick, statuses, some_day),
    st.tuples(st.just("correct in place"), pick, statuses, some_day),
    st.tuples(st.just("due"), pick, st.one_of(st.none(), some_day)),
    st.tuples(st.just("made on"), pick, st.one_of(st.none(), some_day)),
    st.tuples(st.just("office"), pick, pick),
    st.tuples(st.just("themes"), pick, st.lists(pick, max_size=2)),
    st.tuples(st.just("letter date"), pick, some_day),
    st.tuples(st.just("bulk"), st.lists(st.tuples(some_day, statuses), min_size=1, max_size=3)),
)


def nth(items, n):
    return items[n % len(items)] if items else None


class Writer:
    """Applies the operations through the write path (``services``)."""

    def __init__(self):
        self.letters = [factories.letter(date=date(2017 + k, 6, 1)) for k in range(3)]
        self.offices = [factories.office(), factories.office(person=None), None]
        self.themes = [factories.theme(), factories.theme()]
        self.n = 0

    def key(self, prefix):
        self.n += 1
        return f"{prefix}-{self.n}"

    def subjects(self):
        return list(Commitment.objects.order_by("pk")) + list(Motion.objects.order_by("pk"))

    def edit(self, record, **values):
        record = type(record).objects.get(pk=record.pk)
        for field, value in values.items():
            setattr(record, field, value)
        services.save_tracked(record, expected_version=record.version)
        return record

    def apply(self, operation):
        kind, *args = operation
        if kind == "commitment":
            made, letter, due, office, themes = args
            record = services.save_tracked(
                Commitment(
                    key=self.key("c"),
                    title="t",
                    text="t",
                    made_on=made,
                    source_letter=nth(self.letters, letter) if letter is not None else None,
                    due_end=due,
                    made_by=nth(self.offices, office),
                )
            )
            self.set_themes(record, themes)
        elif kind == "motion":
            made, themes = args
            record = services.save_tracked(Motion(key=self.key("m"), title="t", date=made))
            self.set_themes(record, themes)
        elif kind == "update":
            subject, status, day = args
            if subject := nth(self.subjects(), subject):
                services.record_status_update(subject=subject, status=status, date=day)
        elif kind == "update on the due date":
            which, status = args
            due = Commitment.objects.exclude(due_end=None).filter(due_end__lt=date.today())
            if commitment := nth(list(due.order_by("pk")), which):
                services.record_status_update(
                    subject=commitment, status=status, date=commitment.due_end
                )
        elif kind == "correct":
            which, status, day = args
            if update := nth(list(StatusUpdate.objects.order_by("pk")), which):
                services.record_status_update(
                    subject=update.subject, status=status, date=day, corrects=update
                )
        elif kind == "correct in place":
            which, status, day = args
            if update := nth(list(StatusUpdate.objects.order_by("pk")), which):
                services.correct_seeded_status_update(
                    update, change_reason="test", status=status, date=day
                )
        elif kind in ("due", "made on", "office"):
            which, value = args
            commitments = list(Commitment.objects.order_by("pk"))
            if commitment := nth(commitments, which):
                if kind == "due":
                    self.edit(commitment, due_start=None, due_end=value, due_phrase="")
                elif kind == "made on":
                    self.edit(commitment, made_on=value)
                else:
                    self.edit(commitment, made_by=nth(self.offices, value))
        elif kind == "themes":
            which, themes = args
            if subject := nth(self.subjects(), which):
                self.set_themes(subject, themes)
        elif kind == "letter date":
            which, day = args
            letter = Letter.objects.get(pk=nth(self.letters, which).pk)
            letter.date = day
            services.save_letter(letter)
        elif kind == "bulk":
            made = [
                Commitment(key=self.key("c"), title="t", text="t", made_on=day)
                for day, _status in args[0]
            ]
            updates = [
                StatusUpdate(date=day, status=status) if i % 2 == 0 else None
                for i, (day, status) in enumerate(args[0])
            ]
            services.create_with_first_updates(Commitment, made, updates)

    def set_themes(self, record, picks):
        """As the admin does: the record is saved, then its themes, then the tallies."""
        record.themes.set({nth(self.themes, p) for p in picks})
        tallies.refresh(type(record), [record.pk])


def stored():
    return Counter(
        {
            key[:-1]: key[-1]
            for key in Tally.objects.exclude(n=0).values_list(
                "subject", "figure", "year", "part", "status", "n"
            )
        }
    )


def breakdown_recompute(model, field):
    rows = model.objects.order_by().values(field, "status").annotate(n=Count("pk"))
    return Counter({(r[field] or 0, r["status"]): r["n"] for r in rows})


def breakdown_tallied(subject, figure):
    result = Counter()
    for (_year, part, status), n in tallies.read()[subject][figure].items():
        result[part, status] += n
    return +result


def assert_tallies_equal_a_recompute():
    read = tallies.read()
    for subject in (progress.COMMITMENTS, progress.MOTIONS):
        assert progress.from_tallies(subject, THIS_YEAR, read[subject.name]) == (
            progress.recompute(subject, THIS_YEAR)
        )
    assert breakdown_tallied("commitment", tallies.OFFICE) == breakdown_recompute(
        Commitment, "made_by"
    )
    for model in (Commitment, Motion):
        tallied = breakdown_tallied(model._meta.model_name, tallies.THEME)
        assert tallied == breakdown_recompute(model, "themes")
    # Counting everything again gives the same rows.
    kept = stored()
    tallies.rebuild()
    assert stored() == kept
    assert ItemTally.objects.count() == Commitment.objects.count() + Motion.objects.count()


class TalliesTests(TestCase):
    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(operations, min_size=1, max_size=14))
    def test_tallies_equal_a_full_recompute_after_random_writes(self, ops):
        writer = Writer()
        for operation in ops:
            writer.apply(operation)
        assert_tallies_equal_a_recompute()

    def test_a_due_date_passing_needs_no_write(self):
        """Overdue and no news are stored as the change in the year the due date passes,
        so a later year counts them without a write in that year."""
        c = factories.commitment(made_on=date(2018, 1, 1), due_end=date(2019, 6, 1))
        contribution = tallies.contribution(
            made=c.made_on_or_letter,
            due_end=c.due_end,
            status=c.status,
            office=c.made_by_id,
            themes=[],
            updates=[],
        )
        assert contribution[tallies.NO_NEWS, 2019, 0, ""] == 1
        rows = {row["year"]: row for row in progress.recompute(progress.COMMITMENTS, THIS_YEAR)[0]}
        assert rows[2018]["no_news"] == 0
        assert rows[THIS_YEAR]["no_news"] == 1
        assert_tallies_equal_a_recompute()

    def test_news_on_the_due_date_is_no_news(self):
        """The edges of ``models.deadline_condition``: an update dated on the due date is
        not news after it; a commitment due on 31 December is overdue from the next year."""
        c = factories.commitment(made_on=date(2017, 1, 1), due_end=date(2018, 6, 1))
        factories.status_update(c, Status.IN_PROGRESS, date(2018, 6, 1))
        d = factories.commitment(made_on=date(2017, 1, 1), due_end=date(2018, 12, 31))
        factories.status_update(d, Status.IN_PROGRESS, date(2019, 1, 1))
        read = tallies.read()["commitment"]
        assert read[tallies.NO_NEWS] == {(2018, 0, ""): 1}
        assert read[tallies.OVERDUE] == {(2019, 0, ""): 1}
        assert_tallies_equal_a_recompute()

    def test_a_deleted_item_leaves_the_tallies(self):
        c = factories.commitment(made_on=date(2018, 1, 1))
        assert ItemTally.objects.filter(item=c.pk).exists()
        pk = c.pk
        c.delete()
        tallies.refresh(Commitment, [pk])
        assert not ItemTally.objects.filter(item=pk).exists()
        assert not stored()
