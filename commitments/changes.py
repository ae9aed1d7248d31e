"""What changed in a period: every status update dated in it, with the status its subject
had before (``from``, or "new" for a subject's first update), grouped by from → to. As a
page, a CSV export and an Atom feed, all from one query.

The previous status is the window function ``Lag`` over each subject's updates in timeline
order (date, recorded at, id). The window must see the updates before the period, so only
the end of the period and the subjects are filtered before it is computed; the start of
the period is tested on a window value (each row's own date), which Django applies to the
windowed rows (an outer query), after ``Lag`` has looked back."""

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import BadRequest
from django.db.models import F, Q, Window
from django.db.models.functions import FirstValue, Lag
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Status
from .feeds import StatusUpdateItems
from .models import UPDATE_ORDER, StatusUpdate

DEFAULT_DAYS = 30
NEW = "new"
STATUS_LABELS = dict(Status.choices)
FEED_SIZE = 200
# The page lists at most this many changes (the first in time order); the summary counts
# all of them, a transition can be chosen, and the CSV export has every row.
ROW_LIMIT = 500


def status_label(code):
    """The label of a status code, or "new" for a subject's first update."""
    return _("new") if code in (None, NEW) else str(STATUS_LABELS.get(code, code))


def printable(value):
    return "".join(c for c in value if c.isprintable())[:40]


def parse_period(data, today=None):
    """(start, end) from ``from`` and ``to`` (ISO dates); the last 30 days by default.
    Raises BadRequest with a readable message for a bad date or a reversed period."""
    today = today or timezone.localdate()
    values = {}
    for name in ("from", "to"):
        raw = data.get(name, "").strip()
        if not raw:
            values[name] = None
            continue
        try:
            values[name] = date.fromisoformat(raw)
        except ValueError:
            raise BadRequest(
                _("“%(value)s” is not a date; use the form YYYY-MM-DD (%(name)s).")
                % {"value": printable(raw), "name": name}
            ) from None
    end = values["to"] or today
    start = values["from"] or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise BadRequest(
            _("The start of the period (%(start)s) is after its end (%(end)s).")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    return start, end


def with_previous_status(updates, *, field, lower, upper, include_lower=True):
    """The updates in ``updates`` whose ``field`` lies between ``lower`` and ``upper``
    (``upper`` included; ``lower`` too unless ``include_lower`` is false), in timeline
    order, each annotated with ``previous_status``: the status of the subject's update
    before it (None for its first). One query."""
    # The updates of the same subjects, as a union of the two sides: an OR of two IN
    # tests would keep PostgreSQL from using the subject indexes.
    subjects = Q(
        pk__in=StatusUpdate.objects.filter(commitment__in=updates.values("commitment"))
        .order_by()
        .values("pk")
        .union(
            StatusUpdate.objects.filter(motion__in=updates.values("motion"))
            .order_by()
            .values("pk"),
            all=True,
        )
    )
    lookup = "gte" if include_lower else "gt"
    return (
        StatusUpdate.objects.filter(subjects, **{f"{field}__lte": upper})
        .select_related("commitment", "motion__submitter", "evidence_letter__dossier")
        .annotate(
            previous_status=Window(
                Lag("status"),
                partition_by=[F("commitment_id"), F("motion_id")],
                order_by=[F(name).asc() for name in UPDATE_ORDER],
            ),
            # The row's own value as a window value, so that the test on it below is
            # applied after Lag has seen the earlier updates.
            own_value=Window(FirstValue(field), partition_by=[F("pk")]),
        )
        .filter(**{f"own_value__{lookup}": lower})
        .order_by(*UPDATE_ORDER)
    )


def changes(start, end):
    """StatusUpdates dated from ``start`` to ``end`` inclusive, in timeline order, each
    annotated with ``previous_status`` (None for a subject's first update). One query."""
    return with_previous_status(
        StatusUpdate.objects.filter(date__range=(start, end)), field="date", lower=start, upper=end
    )


@dataclass
class Transition:
    from_status: str
    to_status: str
    updates: list = field(default_factory=list)
    total: int = 0

    @property
    def from_label(self):
        return status_label(self.from_status)

    @property
    def to_label(self):
        return status_label(self.to_status)

    @property
    def anchor(self):
        return f"{self.from_status}-{self.to_status}"

    @property
    def code(self):
        return f"{self.from_status}:{self.to_status}"


ORDER = {code: n for n, code in enumerate([NEW, *Status.values])}


def sort_transitions(counts):
    """(transition, count) pairs, the most frequent first."""
    return sorted(counts.items(), key=lambda item: (-item[1], *(ORDER[c] for c in item[0])))


def group_by_transition(updates, counts=None):
    """Transitions in the order of ``sort_transitions``; the updates of each in timeline
    order, and its ``total`` from ``counts`` (else the updates given)."""
    groups = {}
    for update in updates:
        key = (update.previous_status or NEW, update.status)
        groups.setdefault(key, Transition(*key)).updates.append(update)
    counts = counts or Counter({key: len(group.updates) for key, group in groups.items()})
    result = []
    for key, total in sort_transitions(counts):
        if key in groups:
            groups[key].total = total
            result.append(groups[key])
    return result


def period_query(start, end):
    return f"from={start.isoformat()}&to={end.isoformat()}"


def parse_transition(value):
    """ "open:fulfilled" (or "new:open") as a pair of codes; None when not given."""
    if not value:
        return None
    previous, _sep, status = value.partition(":")
    if previous not in (NEW, *Status.values) or status not in Status.values:
        raise BadRequest(
            _("“%(value)s” is not a transition such as open:fulfilled.")
            % {"value": printable(value)}
        )
    return previous, status


def of_transition(updates, transition):
    """The updates of ``changes`` that went from one status to another. Both tests are on
    window values: a plain test on ``status`` would be applied before Lag looks back."""
    previous, status = transition
    updates = updates.annotate(own_status=Window(FirstValue("status"), partition_by=[F("pk")]))
    if previous == NEW:
        return updates.filter(previous_status__isnull=True, own_status=status)
    return updates.filter(previous_status=previous, own_status=status)


def changes_page(request):
    """The summary counts every change in the period (one query over the from and to
    codes); the tables list the first ROW_LIMIT of them, or of the chosen transition (a
    second query)."""
    try:
        start, end = parse_period(request.GET)
        transition = parse_transition(request.GET.get("transition", "").strip())
    except BadRequest as error:
        typed = {name: printable(request.GET.get(name, "")) for name in ("from", "to")}
        context = {"error": str(error), "form": typed}
        return render(request, "commitments/changes.html", context, status=400)
    period = changes(start, end)
    counts = Counter(
        (previous or NEW, status)
        for previous, status in period.values_list("previous_status", "status")
    )
    rows = of_transition(period, transition) if transition else period
    updates = list(rows[:ROW_LIMIT])
    transitions = group_by_transition(updates, counts)
    query = period_query(start, end)
    return render(
        request,
        "commitments/changes.html",
        {
            "start": start,
            "end": end,
            "query": query,
            "total": sum(counts.values()),
            "shown": len(updates),
            "limited": len(updates) < (counts[transition] if transition else sum(counts.values())),
            "row_limit": ROW_LIMIT,
            "transition": transition,
            "summary": [
                Transition(previous, status, total=n)
                for (previous, status), n in sort_transitions(counts)
            ],
            "transitions": transitions,
        },
    )


CSV_HEADER = [
    "date",
    "subject_type",
    "subject_id",
    "title",
    "from_status",
    "to_status",
    "note",
    "evidence_letter",
    "evidence_url",
    "url",
]


class Echo:
    def write(self, value):
        return value


def csv_rows(request, updates):
    writer = csv.writer(Echo())
    yield writer.writerow(CSV_HEADER)
    for update in updates:
        subject = update.subject
        letter = update.evidence_letter
        yield writer.writerow(
            [
                update.date.isoformat(),
                "commitment" if update.commitment_id else "motion",
                subject.key,
                subject.title,
                update.previous_status or NEW,
                update.status,
                update.note,
                (letter.kamerstuk or str(letter)) if letter else "",
                update.evidence_url,
                request.build_absolute_uri(subject.get_absolute_url()),
            ]
        )


def changes_export(request):
    """CSV of the changes in the period; 400 with the message for a bad period."""
    try:
        start, end = parse_period(request.GET)
    except BadRequest as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(
        csv_rows(request, changes(start, end).iterator(chunk_size=2000)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"changes-{start.isoformat()}-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ChangesFeed(StatusUpdateItems):
    """The changes in the period as Atom, newest first (at most FEED_SIZE)."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadRequest as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")

    show_passage = True
    title = gettext_lazy("Status changes · Commitment tracker")

    def get_object(self, request, *args, **kwargs):
        start, end = parse_period(request.GET)
        items = self.prepare(request, changes(start, end).reverse()[:FEED_SIZE])
        return {"items": items, "query": period_query(start, end), "start": start, "end": end}

    def subtitle(self, obj):
        return _("Status changes from %(start)s to %(end)s.") % {
            "start": obj["start"].isoformat(),
            "end": obj["end"].isoformat(),
        }

    def link(self, obj):
        return f"{reverse('commitments:changes')}?{obj['query']}"

    def feed_url(self, obj):
        return f"{reverse('commitments:changes-feed')}?{obj['query']}"

    def item_title(self, item):
        return f"{status_label(item.previous_status)} → {item.get_status_display()}: {item.subject}"

    def item_categories(self, item):
        return [item.previous_status or NEW, item.status]
