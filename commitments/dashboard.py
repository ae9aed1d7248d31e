"""The progress dashboard: how the status of commitments and motions developed, year by year.

"Status at the end of year Y" is the status of an item's latest status update dated on or
before 31 December of Y (ordered by date, created_at, pk), or "open" while it has none;
only items made on or before that day count. The yearly figures take a fixed number of
queries however many rows there are, and the database does the heavy lifting:

1. One window query per subject type over the status updates. Each update gets a year
   bucket (its year, but never before the year the item was made) and, with ``LEAD`` and
   ``FIRST_VALUE``, the bucket of the item's next update and of its first one. The last
   update of a bucket decides the item's status from that year until the year of its next
   update; the query returns those intervals counted per (bucket, next bucket, status,
   due year, first bucket or not): a few hundred rows at most, however many updates.
2. One grouped query per subject type over the items themselves: per (year made, due
   year, current status). Each item counts as open from the year it was made; its first
   bucket (from 1.) ends that. It also gives the counts made per year and the chart of
   current status by year made.
3. One grouped query per subject type for the updates to "fulfilled" per year.

Python then expands the few grouped rows over the years. The breakdowns by ministry,
person and theme take one grouped query each.
"""

from collections import defaultdict
from urllib.parse import urlencode

from django.apps import apps
from django.core.cache import cache
from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Max, Value, When, Window
from django.db.models.functions import ExtractYear, FirstValue, Greatest, Lead
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .choices import CLOSED_STATUSES, DeadlineState, Status
from .models import UPDATE_ORDER, Commitment, Motion, StatusUpdate, person_label

STATUSES = list(Status)
# A day at most: the key also changes with the data and the date.
CACHE_SECONDS = 60 * 60 * 24
CLOSED = {str(s) for s in CLOSED_STATUSES}

# The backgrounds of the .status-* classes in static/css/site.css; keep them in step.
STATUS_COLORS = {
    Status.OPEN: "#f4ecd0",
    Status.IN_PROGRESS: "#dce8f7",
    Status.FULFILLED: "#d5efd9",
    Status.PARTIALLY_FULFILLED: "#eaf2c8",
    Status.NOT_FULFILLED: "#f7d9d9",
    Status.LAPSED: "#e0dcd5",
}


class Subject:
    """What differs between commitments and motions."""

    def __init__(self, model, made_field, list_url_name, due=False):
        self.model = model
        self.name = model._meta.model_name  # also the StatusUpdate foreign key
        self.made_field = made_field
        self.list_url_name = list_url_name
        self.due = due

    def list_url(self, **params):
        query = urlencode([(k, v) for k, v in params.items() if v is not None])
        url = reverse(self.list_url_name)
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


def yearly(subject, current_year):
    """The yearly figures of one subject type, in three queries."""
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


def status_cells(subject, counts, **params):
    return [
        {
            "status": status,
            "label": status.label,
            "n": counts.get(status, 0),
            "href": subject.list_url(**params, status=status.value),
        }
        for status in STATUSES
    ]


def yearly_table(subject, rows):
    """Rows of the as-of table. Every link opens exactly the items counted: the list's
    ``as_of`` filter looks back to 31 December of that year."""
    table = []
    for row in rows:
        year = row["year"]
        year_end = f"{year}-12-31"
        table.append(
            {
                "label": str(year),
                "cells": status_cells(subject, row["counts"], as_of=year_end),
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
        )
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


def breakdown(subject, key_field, label_fields, param):
    """Current status counts per group (ministry, person, theme). One query."""
    values = [key_field, *label_fields]
    rows = subject.model.objects.order_by().values(*values, "status").annotate(n=Count("pk"))
    groups = {}
    for row in rows:
        key = row[key_field]
        group = groups.setdefault(
            key, {"key": key, "names": [row[f] for f in label_fields], "counts": {}}
        )
        group["counts"][row["status"]] = group["counts"].get(row["status"], 0) + row["n"]
    table = []
    for group in groups.values():
        key = group["key"]
        params = {param: key} if key is not None else None
        cells = []
        for status in STATUSES:
            n = group["counts"].get(status.value, 0)
            href = subject.list_url(**params, status=status.value) if params else None
            cells.append({"status": status, "label": status.label, "n": n, "href": href})
        table.append(
            {
                "key": key,
                "names": group["names"],
                "cells": cells,
                "total": sum(group["counts"].values()),
                "total_href": subject.list_url(**params) if params else None,
            }
        )
    table.sort(key=lambda r: (r["key"] is None, -r["total"], [str(n) for n in r["names"]]))
    return table


def person_name(name, tussenvoegsel, first_name, initials):
    """The label of a row whose names are in sort order (surname first)."""
    return person_label(first_name, initials, tussenvoegsel, name)


def label_rows(table, describe, missing):
    for row in table:
        row["label"] = describe(*row["names"]) if row["key"] is not None else missing
    return table


# Chart geometry, in SVG user units.
LABEL_WIDTH = 64
BAR_WIDTH = 560
TOTAL_WIDTH = 72
ROW_HEIGHT = 30
BAR_HEIGHT = 22
TOP = 8
LEGEND_ROW = 20
DIGIT_WIDTH = 8


def bar_chart(chart_id, title, desc, table):
    """Geometry for a stacked horizontal bar chart of status counts, one bar per table row.
    Each segment and number links where the table's numbers link."""
    largest = max((row["total"] for row in table), default=0) or 1
    bars = []
    for index, row in enumerate(table):
        y = TOP + index * ROW_HEIGHT
        x = LABEL_WIDTH
        segments = []
        for cell in row["cells"]:
            if not cell["n"]:
                continue
            width = cell["n"] / largest * BAR_WIDTH
            segments.append(
                {
                    **cell,
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "color": STATUS_COLORS[cell["status"]],
                    "text_x": round(x + width / 2, 2),
                    "show_text": width >= DIGIT_WIDTH * len(str(cell["n"])) + 6,
                }
            )
            x += width
        bars.append(
            {
                "label": row["label"],
                "y": y,
                "text_y": y + BAR_HEIGHT / 2 + 5,
                "segments": segments,
                "total": row["total"],
                "total_href": row["total_href"],
                "total_x": round(x + 6, 2),
            }
        )
    legend_y = TOP + len(table) * ROW_HEIGHT + 8
    width = LABEL_WIDTH + BAR_WIDTH + TOTAL_WIDTH
    columns = 3
    legend = []
    for index, status in enumerate(STATUSES):
        row, column = divmod(index, columns)
        y = legend_y + row * LEGEND_ROW
        legend.append(
            {
                "label": status.label,
                "status": status,
                "color": STATUS_COLORS[status],
                "x": LABEL_WIDTH + column * (width - LABEL_WIDTH) // columns,
                "y": y,
                "text_x": LABEL_WIDTH + column * (width - LABEL_WIDTH) // columns + 20,
                "text_y": y + 12,
            }
        )
    legend_rows = -(-len(STATUSES) // columns)
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "bars": bars,
        "legend": legend,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "width": width,
        "height": legend_y + legend_rows * LEGEND_ROW + 4,
    }


def subject_section(subject, current_year, names):
    rows, made_rows, undated = yearly(subject, current_year)
    as_of = yearly_table(subject, rows)
    by_made = made_year_table(subject, made_rows)
    first, last = rows[0]["year"], rows[-1]["year"]
    as_of_desc = _(
        "Stacked bars, one per year from %(first)s to %(last)s, of the %(items)s made by "
        "31 December of that year, split by the status they had on that day. Each segment "
        "links to the list of exactly those %(items)s. The table below has the same "
        "numbers."
    ) % {"first": first, "last": last, "items": names}
    made_desc = _(
        "Stacked bars, one per year, of the %(items)s made in that year, split by their "
        "current status. Each segment links to exactly those %(items)s in the list. The "
        "table below has the same numbers."
    ) % {"items": names}
    return {
        "as_of": as_of,
        "as_of_chart": bar_chart(
            f"{subject.name}-as-of",
            _("Status of %(items)s at the end of each year") % {"items": names},
            as_of_desc,
            as_of,
        ),
        "by_made": by_made,
        "by_made_chart": bar_chart(
            f"{subject.name}-by-year",
            _("Current status of %(items)s, by year made") % {"items": names},
            made_desc,
            by_made,
        ),
        "undated": sum(undated.values()),
        "list_url": subject.list_url(),
    }


def data_stamp():
    """Changes whenever data the dashboard shows changes. Every write to a tracked model
    adds a row to its history table, and rows loaded in bulk raise the largest ids: the
    largest id of each is one index lookup."""
    models = [
        model
        for model in apps.get_app_config("commitments").get_models()
        if model._meta.model_name.startswith("historical")
    ]
    parts = [model.objects.aggregate(m=Max("history_id"))["m"] for model in models]
    parts += [
        model.objects.aggregate(m=Max("pk"))["m"] for model in (Commitment, Motion, StatusUpdate)
    ]
    return ".".join(str(part or 0) for part in parts)


def progress(request):
    """The dashboard. Its content is cached, rendered, until the data or the day changes,
    per language; the page around it (with the user's CSRF token) is rendered each time."""
    key = f"progress:{get_language()}:{timezone.localdate().isoformat()}:{data_stamp()}"
    content = cache.get(key)
    if content is None:
        context = progress_context()
        content = render_to_string("commitments/_progress_content.html", context, request)
        cache.set(key, content, CACHE_SECONDS)
    return render(request, "commitments/progress.html", {"content": mark_safe(content)})  # noqa: S308


def progress_context():
    current_year = timezone.localdate().year
    commitments = subject_section(COMMITMENTS, current_year, _("commitments"))
    motions = subject_section(MOTIONS, current_year, _("motions"))
    by_ministry = label_rows(
        breakdown(COMMITMENTS, "made_by__ministry__key", ["made_by__ministry__name"], "ministry"),
        str,
        _("No ministry recorded"),
    )
    by_person = label_rows(
        breakdown(
            COMMITMENTS,
            "made_by__person__key",
            [
                "made_by__person__name",
                "made_by__person__tussenvoegsel",
                "made_by__person__first_name",
                "made_by__person__initials",
            ],
            "person",
        ),
        person_name,
        _("Office holder not named"),
    )
    by_theme = label_rows(
        breakdown(COMMITMENTS, "themes__key", ["themes__name"], "theme"), str, _("No theme")
    )
    motions_by_theme = label_rows(
        breakdown(MOTIONS, "themes__key", ["themes__name"], "theme"), str, _("No theme")
    )
    return {
        "statuses": STATUSES,
        "current_year": current_year,
        "commitments": commitments,
        "motions": motions,
        "breakdowns": [
            {
                "id": "by-ministry",
                "title": _("Commitments by ministry, current status"),
                "group": _("Ministry"),
                "rows": by_ministry,
            },
            {
                "id": "by-person",
                "title": _("Commitments by minister or state secretary, current status"),
                "group": _("Minister or state secretary"),
                "rows": by_person,
            },
            {
                "id": "by-theme",
                "title": _("Commitments by theme, current status"),
                "group": _("Theme"),
                "rows": by_theme,
            },
            {
                "id": "motions-by-theme",
                "title": _("Motions by theme, current status"),
                "group": _("Theme"),
                "rows": motions_by_theme,
            },
        ],
    }
