"""Atom feeds of status updates, filtered with the query parameters of the lists.

``/feed/`` has the updates of commitments and motions; ``/commitments/feed/`` and
``/motions/feed/`` those of the rows one list shows, with that list's query string; and
``/commitments/<key>/feed/``, ``/motions/<key>/feed/`` those of one commitment or motion.

The commitment list's parameters (person, ministry, cabinet, deadline, ...) select the
updates of the commitments that list would show; the motion list's own ones (kind, party)
select motion updates. Parameters both lists share (q, status, theme, year) apply to both
sides. ``status`` is the current status of the commitment or motion, as in the lists.
Invalid values give a 400 response, never a server error.

The pages offer these feeds (``feed_url`` in views.py): each list with its current filters,
a person's page (``/feed/?person=<key>``) and each commitment and motion."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, get_tag_uri
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filters import CommitmentFilter, MotionFilter
from .models import Commitment, Motion, StatusUpdate

FEED_SIZE = 50

IGNORED = {"order", "page"}
# Parameters that only one list knows (ministry, person, cabinet, deadline; kind, party).
COMMITMENT_ONLY = (
    (set(CommitmentFilter.base_filters) | set(CommitmentFilter.aliases))
    - set(MotionFilter.base_filters)
    - IGNORED
)
MOTION_ONLY = set(MotionFilter.base_filters) - set(CommitmentFilter.base_filters) - IGNORED
ALL_FILTERS = (COMMITMENT_ONLY | set(MotionFilter.base_filters)) - IGNORED


def given(data, names):
    return any(value.strip() for name in names for value in data.getlist(name))


def filter_errors(*filtersets):
    """ "field: message; ..." for the invalid values, each field once."""
    errors = {}
    for filterset in filtersets:
        for field, messages in filterset.errors.items():
            errors.setdefault(field, " ".join(messages))
    return "; ".join(f"{field}: {messages}" for field, messages in errors.items())


def valid_filtersets(data, *filterset_classes):
    """The list filtersets over ``data`` without the paging and sorting parameters;
    BadRequest with the messages when a value is invalid."""
    data = data.copy()
    for name in IGNORED:
        data.pop(name, None)
    filtersets = [filterset_class(data) for filterset_class in filterset_classes]
    if not all(filterset.is_valid() for filterset in filtersets):
        errors = filter_errors(*filtersets)
        raise BadRequest(_("Invalid filter: %(errors)s") % {"errors": errors})
    return data, filtersets


def filtered_updates(data):
    """StatusUpdates matching the list parameters in ``data`` (a QueryDict)."""
    data, (commitments, motions) = valid_filtersets(data, CommitmentFilter, MotionFilter)

    updates = StatusUpdate.objects.all()
    if not given(data, ALL_FILTERS):
        return updates
    condition = Q()
    if not given(data, MOTION_ONLY):
        condition |= Q(commitment__in=commitments.qs.order_by().values("pk"))
    if not given(data, COMMITMENT_ONLY):
        condition |= Q(motion__in=motions.qs.order_by().values("pk"))
    if not condition:
        return updates.none()
    return updates.filter(condition)


class StatusUpdateItems(Feed):
    """What every feed of status updates shares: one entry per update, linking to its
    commitment or motion, with the note and the evidence."""

    feed_type = Atom1Feed
    item_guid_is_permalink = False
    show_passage = False  # quote the evidence passage in each entry

    @staticmethod
    def prepare(request, updates):
        """The updates as a list, with the absolute addresses their entries need."""
        items = list(updates)
        for update in items:
            subject_url = request.build_absolute_uri(update.subject.get_absolute_url())
            update.feed_guid = get_tag_uri(f"{subject_url}#update-{update.key}", update.created_at)
            letter = update.evidence_letter
            update.feed_letter_url = (
                request.build_absolute_uri(letter.get_absolute_url()) if letter else ""
            )
        return items

    def author_name(self, obj):
        return _("Commitment tracker")

    def items(self, obj):
        return obj["items"]

    def item_link(self, item):
        return item.subject.get_absolute_url()

    def item_guid(self, item):
        return item.feed_guid

    def item_description(self, item):
        parts = []
        if item.note:
            parts.append(mark_safe(linebreaks(item.note, autoescape=True)))  # noqa: S308
        if item.evidence_letter_id:
            parts.append(
                format_html(
                    '<p>{}: <a href="{}">{}</a></p>',
                    _("Evidence"),
                    item.feed_letter_url,
                    item.evidence_letter,
                )
            )
        if self.show_passage and item.source_passage:
            parts.append(format_html("<blockquote>{}</blockquote>", item.source_passage))
        if item.evidence_url:
            parts.append(format_html('<p><a href="{0}">{0}</a></p>', item.evidence_url))
        return format_html_join("", "{}", ((part,) for part in parts))

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time.min))

    def item_updateddate(self, item):
        return item.created_at


class StatusUpdateFeed(StatusUpdateItems):
    """The updates of commitments and motions, with the parameters of both lists."""

    def updates(self, request, **kwargs):
        """The StatusUpdates this feed shows, and what else ``title`` and ``link`` need:
        ``link``, the page the feed belongs to."""
        return filtered_updates(request.GET), {"link": reverse("commitments:home")}

    def get_object(self, request, *args, **kwargs):
        """Validate the filters; what ``items`` and ``link`` need, per request."""
        updates, about = self.updates(request, **kwargs)
        updates = updates.select_related(
            "commitment",
            "motion__submitter",
            "evidence_letter__dossier",
        ).latest_first()[:FEED_SIZE]
        query = request.GET.urlencode()
        items = self.prepare(request, updates)
        return {**about, "items": items, "query": query, "path": request.path}

    def title(self, obj):
        if obj["query"]:
            return _("Status updates (filtered) · Commitment tracker")
        return _("Status updates · Commitment tracker")

    def subtitle(self, obj):
        return _("The latest status updates of commitments and motions, newest first.")

    def link(self, obj):
        return obj["link"]

    def feed_url(self, obj):
        return f"{obj['path']}?{obj['query']}" if obj["query"] else obj["path"]

    def item_title(self, item):
        return f"{item.get_status_display()}: {item.subject}"

    def item_categories(self, item):
        return [item.status]


class ListFeed(StatusUpdateFeed):
    """The updates of the rows one list shows: ``/commitments/feed/?<the list's query>``."""

    filterset_class = None
    field = None  # the StatusUpdate field that points at the list's rows
    list_url_name = None
    titles = None  # (of the whole list, of a filtered list)

    def title(self, obj):
        return str(self.titles[1 if obj["query"] else 0])

    def updates(self, request, **kwargs):
        data, (filterset,) = valid_filtersets(request.GET, self.filterset_class)
        rows = filterset.qs.order_by().values("pk")
        link = reverse(self.list_url_name)
        if data:
            link = f"{link}?{data.urlencode()}"
        return StatusUpdate.objects.filter(**{f"{self.field}__in": rows}), {"link": link}


class CommitmentListFeed(ListFeed):
    filterset_class = CommitmentFilter
    field = "commitment"
    list_url_name = "commitments:commitments"
    titles = (
        gettext_lazy("Status updates of commitments · Commitment tracker"),
        gettext_lazy("Status updates of commitments (filtered) · Commitment tracker"),
    )


class MotionListFeed(ListFeed):
    filterset_class = MotionFilter
    field = "motion"
    list_url_name = "commitments:motions"
    titles = (
        gettext_lazy("Status updates of motions · Commitment tracker"),
        gettext_lazy("Status updates of motions (filtered) · Commitment tracker"),
    )


class SubjectFeed(StatusUpdateFeed):
    """The updates of one commitment or motion: ``/commitments/<key>/feed/``."""

    model = None
    field = None

    def updates(self, request, key):
        subject = get_object_or_404(self.model, key=key)
        about = {"link": subject.get_absolute_url(), "subject": subject}
        return StatusUpdate.objects.filter(**{self.field: subject}), about

    def title(self, obj):
        return _("Status updates: %(subject)s · Commitment tracker") % {"subject": obj["subject"]}


class CommitmentFeed(SubjectFeed):
    model = Commitment
    field = "commitment"


class MotionFeed(SubjectFeed):
    model = Motion
    field = "motion"
