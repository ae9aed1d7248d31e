"""An Atom feed of status updates, filtered with the query parameters of the lists.

The commitment list's parameters (person, ministry, cabinet, deadline, ...) select the
updates of the commitments that list would show; the motion list's own ones (kind, party)
select motion updates. Parameters both lists share (q, status, theme, year) apply to both
sides. ``status`` is the current status of the commitment or motion, as in the lists.
Invalid values give a 400 response, never a server error."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, get_tag_uri
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .filters import CommitmentFilter, MotionFilter
from .models import StatusUpdate

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


def filtered_updates(data):
    """StatusUpdates matching the list parameters in ``data`` (a QueryDict)."""
    data = data.copy()
    for name in IGNORED:
        data.pop(name, None)
    commitments = CommitmentFilter(data)
    motions = MotionFilter(data)
    if not (commitments.is_valid() and motions.is_valid()):
        errors = filter_errors(commitments, motions)
        raise BadRequest(_("Invalid filter: %(errors)s") % {"errors": errors})

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


class StatusUpdateFeed(Feed):
    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def get_object(self, request, *args, **kwargs):
        """Validate the filters; what ``items`` and ``link`` need, per request."""
        updates = (
            filtered_updates(request.GET)
            .select_related(
                "commitment",
                "motion__submitter",
                "evidence_letter__dossier",
            )
            .latest_first()[:FEED_SIZE]
        )
        items = list(updates)
        for update in items:
            subject_url = request.build_absolute_uri(update.subject.get_absolute_url())
            update.feed_guid = get_tag_uri(f"{subject_url}#update-{update.key}", update.created_at)
            letter = update.evidence_letter
            update.feed_letter_url = (
                request.build_absolute_uri(letter.get_absolute_url()) if letter else ""
            )
        query = request.GET.urlencode()
        return {"items": items, "query": query}

    def title(self, obj):
        if obj["query"]:
            return _("Status updates (filtered) · Commitment tracker")
        return _("Status updates · Commitment tracker")

    def subtitle(self, obj):
        return _("The latest status updates of commitments and motions, newest first.")

    def link(self, obj):
        return reverse("commitments:home")

    def feed_url(self, obj):
        url = reverse("commitments:feed")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def author_name(self, obj):
        return _("Commitment tracker")

    def items(self, obj):
        return obj["items"]

    def item_title(self, item):
        return f"{item.get_status_display()}: {item.subject}"

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
        if item.evidence_url:
            parts.append(format_html('<p><a href="{0}">{0}</a></p>', item.evidence_url))
        return format_html_join("", "{}", ((part,) for part in parts))

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time.min))

    def item_updateddate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [item.status]
