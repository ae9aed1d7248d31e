"""The dashboard's figures, as plain data: for each year the status of every item at its
end, the items made and fulfilled in it, overdue and no news at its end, and the current
status by year made and per ministry, person and theme, each with the link to the list of
exactly the rows it counts. The charts are drawn by ``templatetags/charts.py``.

``figures`` reads them from the tallies (``tallies``: a few hundred rows, kept up to date by
the write path). ``recompute`` counts the yearly figures from the status updates
themselves, with SQL that does not depend on the tallies; the tests check that the two
agree. "Status at the end of year Y" is the status of an item's latest status update
dated on or before 31 December of Y (ordered by date, created_at, pk), or "open" while it
has none; only items made on or before that day count.

``recompute`` takes a fixed number of queries however many rows there are:

1. One window query per subject type over the status updates. Each update gets a year
   bucket (its year, but never before the year the item was made) and, with ``LEAD`` and
   ``FIRST_VALUE``, the bucket of the item's next update and of its first one. The last
   update of a bucket decides the item's status from that year until the year of its next
   update; the query returns those intervals counted per (bucket, next bucket, status,
   due year, first bucket or not): a few hundred rows at most, however many updates.
2. One grouped query per subject type over the items themselves: per (year made, due
   year, current status). Each item counts as open from the year it was made; its first
   bucket (from 1.) ends that. It also gives the counts made per year and the current
   status by year made.
3. One grouped query per subject type for the updates to "fulfilled" per year.
"""

from collections import defaultdict
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Value, When, Window
from django.db.models.functions import ExtractYear, FirstValue, Greatest, Lead
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from . import tallies
from .models import (
    CLOSED_STATUSES,
    UPDATE_ORDER,
    Commitment,
    DeadlineState,
    Motion,
    Office,
    Status,
    StatusUpdate,
    Theme,
    person_label,
)

STATUSES = list(Status)
CLOSED = {str(s) for s in CLOSED_STATUSES}


class Subject:
    """What differs between commitments and motions."""

    def __init__(self, model, made_field, list_url_name, due=False):
        self.model = model
        self.name = model._meta.model_name  # also the StatusUpdate foreign key
        self.made_field = made_field
        self.list_url_name = list_url_name
        self.due = due
        self.urls = {}

    def list_url(self, **params):
        query = urlencode([(k, v) for k, v in params.items() if v is not None])
        # The dashboard has hundreds of links to one list: reverse its URL once per script
        # prefix and language (/en/ for English), which reverse() includes.
        place = (get_script_prefix(), get_language())
        if place not in self.urls:
            self.urls[place] = reverse(self.list_url_name)
        url = self.urls[place]
        return f"{url}?{query}" if query else url


COMMITMENTS = Subject(Commitment, "made_on_or_letter", "commitments:commitments", due=True)
MOTIONS = Subject(Motion, "date", "commitments:motions")


def due_year(field):
    """The first year at whose end (31 December) an item due by ``field`` is overdue:
    the due year, or the next one when it is due by 31 December itself."""
    return Case(
        When(**{f"{field}__month": 12, f"{field}__day": 31}, then=ExtractYear(field) + 1),
        default=ExtractYear(field),
        output_field=IntegerField(),
    )


def as_int(value):
    return None if value is None else int(value)


def status_intervals(subject):
    """Rows (from_year, until_year or None, status, due_year or None, news_after_due, first,
    count): ``count`` items had ``status`` at the end of each year from ``from_year`` until
    (not including) ``until_year``; ``news_after_due`` when the update that gave it (the
    latest update in those years) is dated after the end of the due range; ``first`` when
    ``from_year`` is the year of the items' first update, which ends their time as "open".
    One query."""
    fk = subject.name
    made = f"{fk}__{subject.made_field}"
    # An item's buckets rise with the date of its updates, so ordering by date keeps them
    # in order and lets the database read the (subject, date) index in order.
    window = {
        "partition_by": [F(f"{fk}_id")],
        "order_by": [F(field).asc() for field in UPDATE_ORDER],
    }
    if subject.due:
        news_after_due = Case(When(date__gt=F(f"{fk}__due_end"), then=Value(1)), default=Value(0))
    else:
        news_after_due = Value(0)
    updates = (
        StatusUpdate.objects.filter(**{f"{made}__isnull": False})
        .annotate(bucket=Greatest(ExtractYear("date"), ExtractYear(made)))
        .annotate(
            next_bucket=Window(Lead("bucket"), **window),
            first_bucket=Window(FirstValue("bucket"), **window),
            due_year=due_year(f"{fk}__due_end") if subject.due else Value(None, IntegerField()),
            news_after_due=news_after_due,
        )
        .order_by()
        .values("bucket", "next_bucket", "first_bucket", "status", "due_year", "news_after_due")
    )
    # The ORM cannot group over a window function, so the grouping wraps its SQL.
    # Only an item's last update in a bucket is followed by another bucket (or none).
    inner, params = updates.query.sql_with_params()
    connection = connections[updates.db]
    bucket, next_bucket, first_bucket, status, due, after = (
        connection.ops.quote_name(c)
        for c in ("bucket", "next_bucket", "first_bucket", "status", "due_year", "news_after_due")
    )
    first = f"CASE WHEN {first_bucket} = {bucket} THEN 1 ELSE 0 END"
    # Only quoted constant names and the ORM's own SQL go in; values stay in ``params``.
    sql = (
        f"SELECT {bucket}, {next_bucket}, {status}, {due}, {after}, {first}, "  # noqa: S608
        f"COUNT(*) FROM ({inner}) updates "
        f"WHERE {next_bucket} IS NULL OR {next_bucket} <> {bucket} "
        f"GROUP BY {bucket}, {next_bucket}, {status}, {due}, {after}, {first}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        (int(b), as_int(n), s, as_int(d), bool(a), bool(f), int(c)) for b, n, s, d, a, f, c in rows
    ]


def item_groups(subject):
    """Rows (made_year or None, due_year or None, current status, count) over all items.
    One query."""
    rows = (
        subject.model.objects.annotate(
            made_year=ExtractYear(subject.made_field),
            due_year=due_year("due_end") if subject.due else Value(None, IntegerField()),
        )
        .order_by()
        .values("made_year", "due_year", "status")
        .annotate(n=Count("pk"))
    )
    return [(as_int(r["made_year"]), as_int(r["due_year"]), r["status"], r["n"]) for r in rows]


def fulfilled_per_year(subject):
    """{year: items with an update to "fulfilled" dated that year}. One query."""
    rows = (
        StatusUpdate.objects.filter(**{f"{subject.name}__isnull": False}, status=Status.FULFILLED)
        .annotate(year=ExtractYear("date"))
        .order_by()
        .values("year")
        .annotate(n=Count(subject.name, distinct=True))
    )
    return {int(r["year"]): r["n"] for r in rows}


def recompute(subject, current_year):
    """The yearly figures of one subject type counted from the status updates themselves,
    in three queries: what the tallies must equal (see ``tallies``)."""
    groups = item_groups(subject)
    intervals = status_intervals(subject)
    fulfilled = fulfilled_per_year(subject)

    made_years = [group[0] for group in groups if group[0] is not None]
    first = min(made_years, default=current_year)
    years = list(range(min(first, current_year), current_year + 1))

    as_of = {year: dict.fromkeys(STATUSES, 0) for year in years}
    deadline = {state: dict.fromkeys(years, 0) for state in DeadlineState}
    made = dict.fromkeys(years, 0)
    current = defaultdict(lambda: dict.fromkeys(STATUSES, 0))  # by year made
    undated = dict.fromkeys(STATUSES, 0)

    def spread(status, start, stop, due, news_after_due, n):
        for year in range(max(start, years[0]), min(stop, current_year + 1)):
            as_of[year][status] += n
            # models.deadline_condition on 31 December: the due range ended before that
            # day and the item was not closed; overdue when the latest update by then is
            # dated after the due range, else no news.
            if subject.due and due is not None and due <= year and status not in CLOSED:
                state = DeadlineState.OVERDUE if news_after_due else DeadlineState.NO_NEWS
                deadline[state][year] += n

    never = current_year + 1
    for made_year, due, status, n in groups:
        if made_year is None:
            undated[status] += n
            continue
        current[made_year][status] += n
        if made_year in made:
            made[made_year] += n
        spread(Status.OPEN, made_year, never, due, False, n)  # open until the first update...
    for start, stop, status, due, news_after_due, first, n in intervals:
        spread(status, start, never if stop is None else stop, due, news_after_due, n)
        if first:
            spread(Status.OPEN, start, never, due, False, -n)  # ...which ends that here

    return assemble(subject, years, as_of, deadline, made, fulfilled, current, undated)


def assemble(subject, years, as_of, deadline, made, fulfilled, current, undated):
    """(rows per year, rows per year made, undated counts) from the counts by year."""
    rows = []
    for year in years:
        rows.append(
            {
                "year": year,
                "counts": as_of[year],
                "total": sum(as_of[year].values()),
                "made": made[year],
                "fulfilled": fulfilled.get(year, 0),
                "overdue": deadline[DeadlineState.OVERDUE][year] if subject.due else None,
                "no_news": deadline[DeadlineState.NO_NEWS][year] if subject.due else None,
            }
        )
    made_rows = [
        {"year": year, "counts": counts, "total": sum(counts.values())}
        for year, counts in sorted(current.items())
    ]
    return rows, made_rows, undated


def from_tallies(subject, current_year, tally):
    """The yearly figures of one subject type from its tallies (``tallies.read()[name]``),
    in the shape ``recompute`` gives them. No query."""
    made_counts = tally.get(tallies.MADE, {})
    first = min((year for year, _part, _status in made_counts), default=current_year)
    years = list(range(min(first, current_year), current_year + 1))

    def cumulated(figure, statuses):
        """{year: {status: n}}: the changes summed up to each year."""
        running = dict.fromkeys(statuses, 0)
        changes = defaultdict(dict)
        for (year, _part, status), n in tally.get(figure, {}).items():
            changes[year][status] = changes[year].get(status, 0) + n
        before = [y for y in changes if y < years[0]]
        for year in sorted(before):
            for status, n in changes[year].items():
                running[status] += n
        result = {}
        for year in years:
            for status, n in changes.get(year, {}).items():
                running[status] += n
            result[year] = dict(running)
        return result

    as_of = cumulated(tallies.AS_OF, STATUSES)
    deadline = {
        state: {year: counts[""] for year, counts in cumulated(figure, [""]).items()}
        for state, figure in (
            (DeadlineState.OVERDUE, tallies.OVERDUE),
            (DeadlineState.NO_NEWS, tallies.NO_NEWS),
        )
    }
    made = dict.fromkeys(years, 0)
    current = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for (year, _part, status), n in made_counts.items():
        current[year][status] += n
        if year in made:
            made[year] += n
    fulfilled = {year: n for (year, _part, _status), n in tally.get(tallies.FULFILLED, {}).items()}
    undated = dict.fromkeys(STATUSES, 0)
    for (_year, _part, status), n in tally.get(tallies.UNDATED, {}).items():
        undated[status] += n
    return assemble(subject, years, as_of, deadline, made, fulfilled, current, undated)


def with_status(url, status):
    """The link of one status cell: its row's link with the status added last, as the
    list's FilterSet reads it (a status value needs no quoting)."""
    return f"{url}{'&' if '?' in url else '?'}status={status.value}"


def status_labels():
    """(status, its label as text) of every status, in the page's language."""
    return [(status, str(status.label)) for status in STATUSES]


def status_cells(subject, counts, **params):
    url = subject.list_url(**params)
    return [
        {
            "status": status,
            "label": label,
            "n": counts.get(status, 0),
            "href": with_status(url, status),
            "change": None,
        }
        for status, label in status_labels()
    ]


YEARLY_FIGURES = ("total", "made", "fulfilled", "overdue", "no_news")


def yearly_table(subject, rows):
    """Rows of the as-of table. Every link opens exactly the items counted: the list's
    ``as_of`` filter looks back to 31 December of that year. Each figure also has its
    change against the year before (``change``; None in the first year)."""
    table = []
    previous = None
    for row in rows:
        year = row["year"]
        year_end = f"{year}-12-31"
        cells = status_cells(subject, row["counts"], as_of=year_end)
        for index, cell in enumerate(cells):
            cell["change"] = cell["n"] - previous["cells"][index]["n"] if previous else None
        line = {
            "label": str(year),
            "previous_label": previous["label"] if previous else None,
            "cells": cells,
            "total": row["total"],
            "total_href": subject.list_url(as_of=year_end),
            "made": row["made"],
            "made_href": subject.list_url(year=year),
            "fulfilled": row["fulfilled"],
            "fulfilled_href": subject.list_url(fulfilled_year=year),
            "overdue": row["overdue"],
            "overdue_href": subject.list_url(as_of=year_end, deadline="overdue"),
            "no_news": row["no_news"],
            "no_news_href": subject.list_url(as_of=year_end, deadline="no_news"),
        }
        for key in YEARLY_FIGURES:
            before = previous[key] if previous else None
            line[f"{key}_change"] = None if before is None else line[key] - before
        table.append(line)
        previous = line
    return table


def made_year_table(subject, rows):
    return [
        {
            "label": str(row["year"]),
            "cells": status_cells(subject, row["counts"], year=row["year"]),
            "total": row["total"],
            "total_href": subject.list_url(year=row["year"]),
        }
        for row in rows
    ]


def breakdown_table(subject, groups, param):
    """Rows of a breakdown table from {(key, names...): {status: n}}: the current status
    per group, linked to the list filtered on ``param`` (no link for the rows without a
    group, which no filter selects)."""
    table = []
    labels = status_labels()
    for (key, *names), counts in groups.items():
        total = sum(counts.values())
        if not total:
            continue
        url = subject.list_url(**{param: key}) if key is not None else None
        cells = [
            {
                "status": status,
                "label": label,
                "n": counts.get(status.value, 0),
                "href": with_status(url, status) if url else None,
                "change": None,
            }
            for status, label in labels
        ]
        table.append(
            {"key": key, "names": names, "cells": cells, "total": total, "total_href": url}
        )
    table.sort(key=lambda r: (r["key"] is None, -r["total"], [str(n) for n in r["names"]]))
    return table


def label_rows(table, describe, missing):
    for row in table:
        row["label"] = describe(*row["names"]) if row["key"] is not None else missing
    return table


def person_name(name, tussenvoegsel, first_name, initials):
    """The label of a row whose names are in sort order (surname first)."""
    return person_label(first_name, initials, tussenvoegsel, name)


# The breakdowns of the current status, by the ``by`` parameter of their own page
# (``/progress/?by=person``). The dashboard shows the short ones itself (a row per ministry
# or theme) and links to the one by person, hundreds of rows that no reader takes in at a
# glance and that would be most of the page.
BREAKDOWNS = ("ministry", "theme", "motion-theme", "person")
ON_DASHBOARD = ("ministry", "theme", "motion-theme")


def breakdown_headings():
    """{by: {id, title, group, missing, href}} of every breakdown, in the page's language;
    ``missing`` names the row without a group, ``href`` is its own page."""
    headings = {
        "ministry": (
            "by-ministry",
            _("Commitments by ministry, current status"),
            _("Ministry"),
            _("No ministry recorded"),
        ),
        "theme": (
            "by-theme",
            _("Commitments by theme, current status"),
            _("Theme"),
            _("No theme"),
        ),
        "motion-theme": (
            "motions-by-theme",
            _("Motions by theme, current status"),
            _("Theme"),
            _("No theme"),
        ),
        "person": (
            "by-person",
            _("Commitments by minister or state secretary, current status"),
            _("Minister or state secretary"),
            _("Office holder not named"),
        ),
    }
    url = reverse("commitments:progress")
    return {
        by: {
            "by": by,
            "id": id_,
            "title": title,
            "group": group,
            "missing": missing,
            "href": f"{url}?by={by}",
        }
        for by, (id_, title, group, missing) in headings.items()
    }


# Each breakdown: (subject, tally figure, the record its parts are, the fields of that
# record that name a group: the key the list's ``param`` filters on, then what the label
# is made of, param).
PERSON_FIELDS = ["name", "tussenvoegsel", "first_name", "initials"]
BREAKDOWN_GROUPS = {
    "ministry": (
        COMMITMENTS,
        tallies.OFFICE,
        Office,
        ["ministry__key", "ministry__name"],
        "ministry",
    ),
    "person": (
        COMMITMENTS,
        tallies.OFFICE,
        Office,
        ["person__key", *(f"person__{field}" for field in PERSON_FIELDS)],
        "person",
    ),
    "theme": (COMMITMENTS, tallies.THEME, Theme, ["key", "name"], "theme"),
    "motion-theme": (MOTIONS, tallies.THEME, Theme, ["key", "name"], "theme"),
}


def breakdowns(names):
    """The breakdown tables ``names`` (of ``BREAKDOWNS``), from the tallies summed per
    group in the database (``tallies.grouped``), with the labels as they are now: one
    query per kind of group (the themes of commitments and motions are one)."""
    describe = {"person": person_name}
    headings = breakdown_headings()
    sums = {}
    result = []
    for by in names:
        subject, figure, model, fields, param = BREAKDOWN_GROUPS[by]
        key = (figure, tuple(fields))
        if key not in sums:
            sums[key] = tallies.grouped(figure, model, fields)
        rows = breakdown_table(subject, sums[key][subject.name], param)
        heading = headings[by]
        result.append(
            {**heading, "rows": label_rows(rows, describe.get(by, str), heading["missing"])}
        )
    return result


def breakdown_page(by):
    """The page of one breakdown (``by``, of ``BREAKDOWNS``). One query."""
    (table,) = breakdowns([by])
    return {"breakdown": table}


def subject_section(subject, current_year, tally):
    """The figures of one subject type, and the words around them."""
    rows, made_rows, undated = from_tallies(subject, current_year, tally)
    as_of = yearly_table(subject, rows)
    first, last = rows[0]["year"], rows[-1]["year"]
    names = _("commitments") if subject.due else _("motions")
    undated_count = sum(undated.values())
    if subject.due:
        undated_text = ngettext(
            "%(counter)s commitment has no date, nor a dated source letter, and is left out "
            "of the yearly figures.",
            "%(counter)s commitments have no date, nor a dated source letter, and are left "
            "out of the yearly figures.",
            undated_count,
        )
    else:
        undated_text = ngettext(
            "%(counter)s motion has no date and is left out of the yearly figures.",
            "%(counter)s motions have no date and are left out of the yearly figures.",
            undated_count,
        )
    return {
        "id": f"{subject.name}s",
        "heading": _("Commitments") if subject.due else _("Motions"),
        "overdue": subject.due,
        "as_of": as_of,
        "as_of_caption": _("Status of %(items)s at the end of each year") % {"items": names},
        "as_of_chart": {
            "id": f"{subject.name}-as-of",
            "title": _("Status of %(items)s at the end of each year") % {"items": names},
            "desc": _(
                "Stacked bars, one per year from %(first)s to %(last)s, of the %(items)s made "
                "by 31 December of that year, split by the status they had on that day. Each "
                "segment links to the list of exactly those %(items)s. The table below has "
                "the same numbers."
            )
            % {"first": first, "last": last, "items": names},
        },
        "by_made": made_year_table(subject, made_rows),
        "by_made_caption": _("Current status of commitments, by year made")
        if subject.due
        else _("Current status of motions, by year"),
        "by_made_header": _("Year made") if subject.due else _("Year"),
        "by_made_chart": {
            "id": f"{subject.name}-by-year",
            "title": _("Current status of %(items)s, by year made") % {"items": names},
            "desc": _(
                "Stacked bars, one per year, of the %(items)s made in that year, split by "
                "their current status. Each segment links to exactly those %(items)s in the "
                "list. The table below has the same numbers."
            )
            % {"items": names},
        },
        "undated": undated_count,
        "undated_text": undated_text % {"counter": undated_count} if undated_count else "",
        "list_url": subject.list_url(),
    }


def figures(current_year):
    """Everything the dashboard shows. Three queries: the yearly tallies, and the current
    status summed per ministry and per theme."""
    tally = tallies.read(exclude=(tallies.OFFICE, tallies.THEME))
    commitments = subject_section(COMMITMENTS, current_year, tally[COMMITMENTS.name])
    motions = subject_section(MOTIONS, current_year, tally[MOTIONS.name])
    return {
        "current_year": current_year,
        "commitments": commitments,
        "motions": motions,
        "sections": [commitments, motions],
        "breakdowns": breakdowns(ON_DASHBOARD),
        "other_breakdowns": [
            heading for by, heading in breakdown_headings().items() if by not in ON_DASHBOARD
        ],
    }
