"""Scorecards: how many promises were kept, overall and per ministry, person, cabinet and
theme, against the same day a year ago.

The figures of a scorecard, for a set of commitments (or motions):

- ``total``, and by current status: ``fulfilled``, ``partly`` (partially fulfilled),
  ``in_progress``, ``open`` and ``unkept`` (not fulfilled or lapsed), which add up to it;
- ``overdue`` and ``no_news``: the list's ``deadline`` filter (``models.deadline_condition``);
- ``kept``: the share fulfilled, fulfilled / total;
- a year ago: the same figures for the status on the same day a year ago, counting what
  had been made by then, as the list's ``as_of`` filter does (``kept_change`` is the change
  of the share in percentage points);
- ``median_days``: the median number of days from the day a commitment was made (or the
  date of its source letter) to the day its current "fulfilled" status began, over the
  commitments fulfilled now.

A commitment counts for the person who held its office on the day it was made: the person
of the office it was made by, or where that office names nobody ("de Minister van VWS") the
person whose office in the same post (ministry and role) covers that day. A person who took
up that post later inherited it, unless it was closed before they took office.

Every figure links to the list of exactly the rows it counts: the lists' FilterSets have a
filter for each grouping (``ministry``, ``cabinet``, ``theme``, ``person_then``,
``inherited_by``). Each table takes a fixed number of grouped queries, however many rows.
"""

from collections import Counter, defaultdict
from itertools import repeat
from statistics import median
from urllib.parse import urlencode

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    CLOSED_STATUSES,
    Cabinet,
    Commitment,
    DeadlineState,
    Ministry,
    Motion,
    Office,
    Person,
    Status,
    Theme,
    deadline_condition,
    person_label,
)

# The status figures, in the order shown, and the statuses each counts.
STATUS_FIGURES = {
    "fulfilled": [Status.FULFILLED],
    "partly": [Status.PARTIALLY_FULFILLED],
    "in_progress": [Status.IN_PROGRESS],
    "open": [Status.OPEN],
    "unkept": [Status.NOT_FULFILLED, Status.LAPSED],
}
DEADLINE_FIGURES = {"overdue": DeadlineState.OVERDUE, "no_news": DeadlineState.NO_NEWS}
NOT_CLOSED = [s for s in Status if s not in CLOSED_STATUSES]

LABELS = {
    "total": _("Total"),
    "fulfilled": _("Fulfilled"),
    "partly": _("Partly"),
    "in_progress": _("In progress"),
    "open": _("Open"),
    "unkept": _("Not fulfilled or lapsed"),
    "overdue": _("Overdue"),
    "no_news": _("No news"),
}


# --- The rules, shared with the lists' filters -------------------------------------------


def person_then():
    """The id of the person who held the commitment's office on the day it was made: the
    office's own person, else the person of an office in the same post (ministry and role)
    whose tenure covers that day (the latest to start, if several)."""
    made = OuterRef("made_on_or_letter")
    holder = (
        Office.objects.filter(
            ministry=OuterRef("made_by__ministry"),
            role=OuterRef("made_by__role"),
            person__isnull=False,
            start__lte=made,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=made))
        .order_by("-start", "-pk")
        .values("person")[:1]
    )
    return Coalesce("made_by__person", Subquery(holder), output_field=BigIntegerField())


def with_person_then(queryset):
    return queryset.annotate(person_then=person_then())


def successions():
    """Commitments, once for each office that a later person took up in the commitment's
    post (ministry and role): ``successor`` (a Person id) took it up after the day it was
    made, and it was not closed before that day. One join over the offices of the post.
    Whether the successor made it themselves (``MADE_BY_SUCCESSOR``) is left to the caller:
    the database then joins before it asks who held the post (``person_then``) of the few
    rows whose office names nobody."""
    offices = "made_by__ministry__offices"
    # In one filter() call, so every condition is on the same office (the successor's).
    later = Commitment.objects.filter(
        Q(status__in=NOT_CLOSED) | Q(**{f"{offices}__start__lte": F("status_date")}),
        **{
            f"{offices}__person__isnull": False,
            f"{offices}__role": F("made_by__role"),
            f"{offices}__start__gt": F("made_on_or_letter"),
        },
    )
    return (
        later.annotate(successor=F(f"{offices}__person"))
        # The office's own person did not inherit it (cheap, so in the join) ...
        .exclude(successor=Coalesce("made_by__person", Value(0), output_field=BigIntegerField()))
        .alias(maker=Coalesce(person_then(), Value(0), output_field=BigIntegerField()))
    )


# ... nor did the person who held the post when it was made (a reappointment).
MADE_BY_SUCCESSOR = Q(successor=F("maker"))


def inheritances():
    """Commitments, once for each person who inherited them (``successor``, a Person id):
    that person took up an office in the commitment's post after the day it was made, it
    was not closed before that day, and they did not hold the office when it was made."""
    return successions().exclude(MADE_BY_SUCCESSOR)


def inherited_by(queryset, person):
    """The commitments of ``queryset`` that ``person`` (a Person id) inherited."""
    return queryset.filter(pk__in=inheritances().filter(successor=person).values("pk"))


# --- Counting ----------------------------------------------------------------------------


def year_ago(today):
    """The same day a year ago (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def deadline_state(due, today, status, latest):
    """The deadline state ("overdue", "no_news" or "") on ``today`` of the ``status`` and
    ``latest`` update named (``models.deadline_condition``); always "" without ``due``
    (motions have no due date)."""
    if not due:
        return Value("")
    return Case(
        *(
            When(
                deadline_condition(state, today, status=status, latest=latest),
                then=Value(state.value),
            )
            for state in DeadlineState
        ),
        default=Value(""),
    )


def tally(queryset, group, today, due=True):
    """(now, a year ago): each {group value: Counter({(status, deadline state or ""): n})},
    the status of each item now and on the same day a year ago (of the items made by
    then), grouped by ``group`` (a field or annotation name, or None for all). One query:
    the database reads each item once and groups it on both."""
    fields = [group] if group else []
    day = year_ago(today)
    made = "made_on_or_letter" if queryset.model is Commitment else "date"
    made_then = Q(**{f"{made}__lte": day})
    rows = (
        queryset.status_as_of_stored(day)
        .annotate(
            deadline_now=deadline_state(due, today, "status", "latest_update_on"),
            # Null for the items made since (the status a year ago is never null).
            status_then=Case(When(made_then, then=F("status_as_of")), default=None),
            deadline_then=Case(
                When(
                    made_then,
                    then=deadline_state(due, day, "status_as_of", "latest_update_as_of"),
                ),
                default=None,
            ),
        )
        .order_by()
        .values_list(*fields, "status", "deadline_now", "status_then", "deadline_then")
        .annotate(n=Count("pk"))
    )
    now, before = defaultdict(Counter), defaultdict(Counter)
    for *key, status, deadline_now, status_then, deadline_then, n in rows:
        value = key[0] if group else None
        now[value][(status, deadline_now)] += n
        if status_then is not None:
            before[value][(status_then, deadline_then)] += n
    return now, before


def figures(counter):
    """The scorecard figures of one Counter from ``tally``."""
    by_status = Counter()
    by_deadline = Counter()
    for (status, deadline), n in counter.items():
        by_status[status] += n
        by_deadline[deadline] += n
    result = {"total": sum(by_status.values())}
    for name, statuses in STATUS_FIGURES.items():
        result[name] = sum(by_status[s.value] for s in statuses)
    for name, state in DEADLINE_FIGURES.items():
        result[name] = by_deadline[state.value]
    result["kept"] = result["fulfilled"] / result["total"] if result["total"] else None
    return result


def fulfilment_days(queryset, group):
    """{group value: [days from made to fulfilled]} over the commitments fulfilled now.
    One query, counting the commitments per number of days; the median is taken in
    Python, so it is the same on every database."""
    fields = [group] if group else []
    took = ExpressionWrapper(F("status_date") - F("made_on_or_letter"), DurationField())
    rows = (
        queryset.filter(
            status=Status.FULFILLED,
            made_on_or_letter__isnull=False,
            status_date__isnull=False,
        )
        .annotate(took=took)
        .order_by()
        .values_list(*fields, "took")
        .annotate(n=Count("pk"))
    )
    days = defaultdict(list)
    for *key, took, n in rows:
        days[key[0] if group else None].extend(repeat(took.days, n))
    return days


# --- Links -------------------------------------------------------------------------------


class Lists:
    """Addresses of the list of the rows a figure counts."""

    def __init__(self, url_name, due):
        self.url_name = url_name
        self.due = due

    def url(self, params, figure, day=None):
        query = list(params)
        if day is not None:
            query.append(("as_of", day.isoformat()))
        if figure in STATUS_FIGURES:
            query += [("status", s.value) for s in STATUS_FIGURES[figure]]
        elif figure in DEADLINE_FIGURES:
            query.append(("deadline", DEADLINE_FIGURES[figure].value))
        base = reverse(self.url_name)
        return f"{base}?{urlencode(query)}" if query else base


COMMITMENT_LISTS = Lists("commitments:commitments", due=True)
MOTION_LISTS = Lists("commitments:motions", due=False)


def figure_names(due):
    names = ["total", *STATUS_FIGURES]
    return [*names, *DEADLINE_FIGURES] if due else names


def card(now, before, lists, params, today, days=None):
    """One scorecard: its figures now and a year ago, each with the address of its list."""
    day = year_ago(today)
    cells = []
    for name in figure_names(lists.due):
        cells.append(
            {
                "name": name,
                "label": LABELS[name],
                "n": now[name],
                "href": lists.url(params, name) if params is not None else None,
                "before": before[name],
                "before_href": lists.url(params, name, day) if params is not None else None,
            }
        )
    change = None
    if now["kept"] is not None and before["kept"] is not None:
        change = round((now["kept"] - before["kept"]) * 100)
    return {
        "cells": cells,
        "figures": now,
        "total": now["total"],
        "kept": percent(now["kept"]),
        "kept_before": percent(before["kept"]),
        "kept_change": change,
        "year_ago": day,
        "median_days": median(days) if days else None,
        "fulfilled_href": lists.url(params, "fulfilled") if params is not None else None,
        "list_name": lists.url_name,
    }


def percent(share):
    return None if share is None else round(share * 100)


def overall(today=None):
    """The home page's scorecards of all commitments and all motions. Three queries."""
    today = today or timezone.localdate()
    cards = []
    for model, lists, title in (
        (Commitment, COMMITMENT_LISTS, _("Commitments")),
        (Motion, MOTION_LISTS, _("Motions")),
    ):
        now, before = tally(model.objects.all(), None, today, due=lists.due)
        days = fulfilment_days(model.objects.all(), None)[None] if lists.due else None
        item = card(figures(now[None]), figures(before[None]), lists, [], today, days)
        item["title"] = title
        item["due"] = lists.due
        cards.append(item)
    return cards


# --- Groupings ---------------------------------------------------------------------------


class Grouping:
    """A way to group commitments: the value grouped on, the list filter that selects one
    group, and how a group is named."""

    def __init__(self, slug, title, header, field, param, missing):
        self.slug = slug
        self.title = title
        self.header = header
        self.field = field
        self.param = param
        self.missing = missing

    def queryset(self):
        return Commitment.objects.all()

    def labels(self, keys):
        """{group value: (key for the list filter, label, page address or None)}."""
        raise NotImplementedError


class ByRelated(Grouping):
    """Grouped on a related record (ministry, cabinet, theme) by its id."""

    def __init__(self, *args, model, label_field, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.label_field = label_field

    def labels(self, keys):
        rows = self.model.objects.filter(pk__in=[k for k in keys if k is not None])
        return {
            pk: (key, label, None)
            for pk, key, label in rows.values_list("pk", "key", self.label_field)
        }


class ByPerson(Grouping):
    def queryset(self):
        return with_person_then(Commitment.objects.all())

    def labels(self, keys):
        rows = Person.objects.filter(pk__in=[k for k in keys if k is not None]).values_list(
            "pk", "key", "first_name", "initials", "tussenvoegsel", "name"
        )
        return {
            pk: (key, person_label(*names), reverse("commitments:person", args=[key]))
            for pk, key, *names in rows
        }


GROUPINGS = {
    g.slug: g
    for g in (
        ByRelated(
            "ministry",
            _("By ministry"),
            _("Ministry"),
            "made_by__ministry",
            "ministry",
            _("No ministry recorded"),
            model=Ministry,
            label_field="name",
        ),
        ByPerson(
            "person",
            _("By minister or state secretary"),
            _("Minister or state secretary"),
            "person_then",
            "person_then",
            _("Office holder not known"),
        ),
        ByRelated(
            "cabinet",
            _("By cabinet"),
            _("Cabinet"),
            "made_by__cabinet",
            "cabinet",
            _("No cabinet recorded"),
            model=Cabinet,
            label_field="name",
        ),
        ByRelated(
            "theme",
            _("By theme"),
            _("Theme"),
            "themes",
            "theme",
            _("No theme"),
            model=Theme,
            label_field="name",
        ),
    )
}

# The columns a ranking sorts by: the value of a row, None for rows that come last.
SORTS = {
    "kept": lambda row: row["figures"]["kept"],
    "overdue": lambda row: row["figures"]["overdue"],
    "total": lambda row: row["total"],
    "name": lambda row: row["label"].casefold(),
}
DEFAULT_SORT = "-kept"


def sort_choices():
    return [*SORTS, *(f"-{name}" for name in SORTS)]


def ranking_errors(by, sort):
    """{parameter: message} for an unknown grouping (``by``) or order (``sort``) of a
    ranking; empty when both are known. The page and the API answer 400 with them."""
    errors = {}
    if by not in GROUPINGS:
        errors["by"] = gettext("Unknown grouping %(value)s; choose one of: %(choices)s.") % {
            "value": repr(by),
            "choices": ", ".join(GROUPINGS),
        }
    if sort not in sort_choices():
        errors["sort"] = gettext("Unknown order %(value)s; choose one of: %(choices)s.") % {
            "value": repr(sort),
            "choices": ", ".join(sort_choices()),
        }
    return errors


def sort_rows(rows, sort):
    """Rows sorted by ``sort`` (a key of ``SORTS``, "-" first for descending), equal values
    by name; rows without a value for it, then rows without a group, come last."""
    value = SORTS[sort.lstrip("-")]
    named = sorted((r for r in rows if r["key"] is not None), key=SORTS["name"])
    ranked = [r for r in named if value(r) is not None]
    ranked.sort(key=value, reverse=sort.startswith("-"))  # stable: ties stay by name
    unranked = [r for r in named if value(r) is None]
    return ranked + unranked + [r for r in rows if r["key"] is None]


def ranking(grouping, sort=DEFAULT_SORT, today=None):
    """The scorecard of every group, sorted by ``sort`` (a key of ``SORTS``, "-" first for
    descending). Groups without a value (no ministry, no theme...) come last, unlinked.
    Three queries (four for persons: what they inherited)."""
    today = today or timezone.localdate()
    queryset = grouping.queryset()
    now, before = tally(queryset, grouping.field, today)
    days = fulfilment_days(queryset, grouping.field)
    labels = grouping.labels(set(now) | set(before))
    rows = []
    for value in set(now) | set(before):
        if value is None:
            key, label, page = None, grouping.missing, None
        else:
            key, label, page = labels[value]
        params = [(grouping.param, key)] if key is not None else None
        row = card(figures(now[value]), figures(before[value]), COMMITMENT_LISTS, params, today,
                   days.get(value))  # fmt: skip
        row.update(key=key, label=str(label), page=page, value=value)
        rows.append(row)
    if isinstance(grouping, ByPerson):
        add_inherited(rows, today)
    return sort_rows(rows, sort)


def inherited_counts(persons):
    """{person id: (inherited, of which not closed now)} for the ids ``persons``. One
    query, counting the distinct commitments once, per person and open or closed."""
    rows = (
        successions()
        .filter(successor__in=persons)
        .annotate(is_open=ExpressionWrapper(Q(status__in=NOT_CLOSED), BooleanField()))
        .order_by()
        .values_list("successor", "is_open")
        .annotate(n=Count("pk", distinct=True, filter=~MADE_BY_SUCCESSOR))
    )
    counts = defaultdict(lambda: [0, 0])
    for successor, is_open, n in rows:
        counts[successor][0] += n
        counts[successor][1] += n if is_open else 0
    return {successor: tuple(pair) for successor, pair in counts.items() if pair[0]}


def inherited(counts, person, key):
    """The inherited figures of the person with id ``person`` and key ``key`` (None: no
    links), from ``inherited_counts``, each with the address of its list."""
    n, n_open = counts.get(person, (0, 0))
    result = {"inherited": n, "inherited_open": n_open}
    if key is not None:
        base = COMMITMENT_LISTS.url([("inherited_by", key)], "total")
        result["inherited_href"] = base
        result["inherited_open_href"] = base + "".join(f"&status={s.value}" for s in NOT_CLOSED)
    return result


def add_inherited(rows, today):
    counts = inherited_counts([r["value"] for r in rows if r["value"] is not None])
    for row in rows:
        row.update(inherited(counts, row["value"], row["key"]))


def person_card(person, today=None):
    """The scorecard of one person: what they promised (by tenure) and what they inherited.
    Three queries."""
    today = today or timezone.localdate()
    mine = with_person_then(Commitment.objects.all()).filter(person_then=person.pk)
    now, before = tally(mine, None, today)
    days = fulfilment_days(mine, None)[None]
    result = card(figures(now[None]), figures(before[None]), COMMITMENT_LISTS,
                  [("person_then", person.key)], today, days)  # fmt: skip
    result.update(inherited(inherited_counts([person.pk]), person.pk, person.key))
    return result
