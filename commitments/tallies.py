"""The dashboard's figures, kept up to date as the data is written, so the dashboard reads
a few hundred rows instead of counting every status update.

Each commitment and motion adds a handful of rows to the ``Tally`` table (``contribution``).
Every write goes through ``services``, which calls ``refresh`` for the items it touched
(``refresh`` and ``rebuild`` also raise the data version, ``versions``):
``refresh`` subtracts what an item added the last time (kept in ``ItemTally``) and adds what
it adds now, with one additive upsert. Bulk loads call ``rebuild``. ``progress.recompute``
counts the same figures from the status updates themselves; the tests check the two agree
after random writes.

The figures, per subject (commitment or motion):

- ``as_of`` (cumulative): items with ``status`` at the end of ``year``: the status of the
  latest update dated in or before that year, else open, from the year the item was made;
- ``overdue`` and ``no_news`` (cumulative, commitments): ``models.deadline_condition`` on
  31 December of ``year``, with the status and latest update as of that day;
- ``made``: items made in ``year``, by current status;
- ``fulfilled``: items with an update to fulfilled dated in ``year``;
- ``undated``: items without a date, by current status;
- ``office`` (commitments) and ``theme``: items by current status per office (``part``,
  0 for none) or theme (0 for none).

A cumulative figure stores the change in a year; its value is the sum up to that year, so
a due date that passes next year needs no write next year.
"""

from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import F

from . import versions
from .models import (
    CLOSED_STATUSES,
    UPDATE_ORDER,
    Commitment,
    ItemTally,
    Motion,
    Status,
    StatusUpdate,
    Tally,
)

AS_OF, OVERDUE, NO_NEWS = "as_of", "overdue", "no_news"
MADE, FULFILLED, UNDATED = "made", "fulfilled", "undated"
OFFICE, THEME = "office", "theme"
CUMULATIVE = {AS_OF, OVERDUE, NO_NEWS}
CLOSED = {str(s) for s in CLOSED_STATUSES}
CHUNK = 2000


def due_year(due_end):
    """The first year at whose end (31 December) an item due by ``due_end`` is overdue."""
    if due_end is None:
        return None
    return due_end.year + 1 if (due_end.month, due_end.day) == (12, 31) else due_end.year


def contribution(*, made, due_end, status, office, themes, updates):
    """What one item adds to the tallies: {(figure, year, part, status): n}. ``made`` is the
    date it was made (or None), ``updates`` its (date, status) in ``UPDATE_ORDER``."""
    rows = Counter()
    status = str(status)
    for year in {day.year for day, s in updates if s == Status.FULFILLED}:
        rows[FULFILLED, year, 0, ""] += 1
    if office is not False:  # commitments only
        rows[OFFICE, 0, office or 0, status] += 1
    for theme in themes or [0]:
        rows[THEME, 0, theme, status] += 1
    if made is None:
        rows[UNDATED, 0, 0, status] += 1
        return +rows
    first = made.year
    rows[MADE, first, 0, status] += 1
    # The last update of each year (never before the year made) sets the status from then.
    buckets = {}
    for day, s in updates:
        buckets[max(day.year, first)] = (str(s), day)
    due = due_year(due_end)
    events = sorted({first, *buckets, *([due] if due is not None and due > first else [])})
    current, latest = str(Status.OPEN), None
    shown = deadline = None
    for year in events:
        current, latest = buckets.get(year, (current, latest))
        if current != shown:
            if shown is not None:
                rows[AS_OF, year, 0, shown] -= 1
            rows[AS_OF, year, 0, current] += 1
            shown = current
        state = None
        if due is not None and due <= year and current not in CLOSED:
            state = OVERDUE if latest is not None and latest > due_end else NO_NEWS
        if state != deadline:
            if deadline is not None:
                rows[deadline, year, 0, ""] -= 1
            if state is not None:
                rows[state, year, 0, ""] += 1
            deadline = state
    return {key: n for key, n in rows.items() if n}


def subject_name(model):
    return model._meta.model_name


def contributions(model, ids):
    """{id: contribution} of the items of ``model`` with these ids that exist. Three
    queries."""
    name = subject_name(model)
    commitment = model is Commitment
    fields = ["pk", "status", "made_on_or_letter" if commitment else "date"]
    if commitment:
        fields += ["due_end", "made_by_id"]
    items = model.objects.filter(pk__in=ids).order_by().values_list(*fields)
    updates = defaultdict(list)
    for subject, day, status in (
        StatusUpdate.objects.filter(**{f"{name}_id__in": ids})
        .order_by(f"{name}_id", *UPDATE_ORDER)
        .values_list(f"{name}_id", "date", "status")
    ):
        updates[subject].append((day, status))
    through = model.themes.through
    themes = defaultdict(list)
    for subject, theme in through.objects.filter(**{f"{name}_id__in": ids}).values_list(
        f"{name}_id", "theme_id"
    ):
        themes[subject].append(theme)
    result = {}
    for row in items:
        pk, status, made = row[:3]
        result[pk] = contribution(
            made=made,
            due_end=row[3] if commitment else None,
            status=status,
            office=row[4] if commitment else False,
            themes=sorted(themes[pk]),
            updates=updates[pk],
        )
    return result


def add(name, delta):
    """Add ``delta`` ({(figure, year, part, status): n}) to the tallies of subject ``name``,
    in one statement; the keys in a fixed order, so concurrent writers cannot deadlock."""
    rows = [(name, *key, n) for key, n in sorted(delta.items()) if n]
    if not rows:
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(c) for c in ("subject", "figure", "year", "part", "status", "n")
    )
    key = ", ".join(
        connection.ops.quote_name(c) for c in ("subject", "figure", "year", "part", "status")
    )
    n = connection.ops.quote_name("n")
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 (quoted names only)
        f"ON CONFLICT ({key}) DO UPDATE SET {n} = {table}.{n} + excluded.{n}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


@transaction.atomic
def refresh(model, ids):
    """Bring the tallies in step with the items of ``model`` (Commitment or Motion) with
    these ids, as they are now (a deleted item adds nothing). About six queries per 2,000
    items."""
    versions.bump()
    ids = sorted(set(ids))
    name = subject_name(model)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        old = {
            t.item: t
            for t in ItemTally.objects.select_for_update().filter(subject=name, item__in=chunk)
        }
        new = contributions(model, chunk)
        delta = Counter()
        for pk in chunk:
            for figure, year, part, status, n in old[pk].rows if pk in old else []:
                delta[figure, year, part, status] -= n
            for key, n in new.get(pk, {}).items():
                delta[key] += n
        add(name, delta)
        stored = [
            ItemTally(subject=name, item=pk, rows=[[*key, n] for key, n in sorted(rows.items())])
            for pk, rows in new.items()
        ]
        ItemTally.objects.bulk_create(
            stored,
            update_conflicts=True,
            unique_fields=["subject", "item"],
            update_fields=["rows"],
        )
        gone = [pk for pk in old if pk not in new]
        if gone:
            ItemTally.objects.filter(subject=name, item__in=gone).delete()


def refresh_items(items):
    """``refresh`` for a list of saved commitments and motions."""
    by_model = defaultdict(list)
    for item in items:
        by_model[type(item)].append(item.pk)
    for model, ids in by_model.items():
        refresh(model, ids)


@transaction.atomic
def rebuild(progress=None):
    """Count every tally again from the data (``count_all``), for bulk loads and to
    repair, and raise the data version."""
    versions.bump()
    count_all(progress)


@transaction.atomic
def count_all(progress=None):
    """Count every tally again from the data. The sums are added up in memory and written
    once; two queries per 2,000 items."""
    Tally.objects.all().delete()
    ItemTally.objects.all().delete()
    for model in (Commitment, Motion):
        name = subject_name(model)
        total = Counter()
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            new = contributions(model, ids[start : start + CHUNK])
            ItemTally.objects.bulk_create(
                ItemTally(
                    subject=name, item=pk, rows=[[*key, n] for key, n in sorted(rows.items())]
                )
                for pk, rows in new.items()
            )
            for rows in new.values():
                total.update(rows)
            done = min(start + CHUNK, len(ids))
            if progress and (done % (CHUNK * 10) == 0 or done == len(ids)):
                progress(f"tallies: {done:,} of {len(ids):,} {model._meta.verbose_name_plural}")
        Tally.objects.bulk_create(
            Tally(subject=name, figure=figure, year=year, part=part, status=status, n=n)
            for (figure, year, part, status), n in sorted(total.items())
            if n
        )


def read(exclude=()):
    """{subject: {figure: {(year, part, status): n}}}, all tallies (but the figures in
    ``exclude``) in one query."""
    result = defaultdict(lambda: defaultdict(dict))
    rows = Tally.objects.exclude(n=0).exclude(figure__in=exclude).order_by()
    for subject, figure, year, part, status, n in rows.values_list(
        "subject", "figure", "year", "part", "status", "n"
    ):
        result[subject][figure][year, part, status] = n
    return result


def grouped(figure, model, fields):
    """{subject: {(values of ``fields``): {status: n}}}: the tallies of ``figure`` (OFFICE
    or THEME, whose ``part`` is the id of a ``model``, an Office or a Theme) summed in the
    database per subject, status and the ``fields`` of that record ("ministry__key"),
    all Nones for the part 0 (none). One query, of a few dozen rows per subject for a
    ministry or a theme, however many offices and items there are."""
    names = [f"g{index}" for index in range(len(fields))]
    records = (
        model.objects.order_by()
        .annotate(
            record=F("pk"), **{name: F(field) for name, field in zip(names, fields, strict=True)}
        )
        .values_list("record", *names)
    )
    inner, params = records.query.sql_with_params()
    quote = connection.ops.quote_name
    groups = ", ".join(f"g.{quote(name)}" for name in names)
    sql = (
        f"SELECT t.subject, {groups}, t.status, SUM(t.n) "  # noqa: S608 (quoted names only)
        f"FROM {quote(Tally._meta.db_table)} t LEFT JOIN ({inner}) g ON g.record = t.part "
        f"WHERE t.figure = %s AND t.n <> 0 GROUP BY t.subject, {groups}, t.status"
    )
    result = defaultdict(lambda: defaultdict(dict))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, figure])
        for subject, *values, status, n in cursor.fetchall():
            result[subject][tuple(values)][status] = int(n)
    return result
