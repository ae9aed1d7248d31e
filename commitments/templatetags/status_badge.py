"""``{{ record|status_badge }}``: the status of a commitment, motion or status update in
its colour, ``<span class="status status-open">openstaand</span>``, the same on every page
(the colours are in ``static/site.css``). ``{{ commitment|deadline_badge }}``: "overdue"
or "no news since <date>" where its deadline state (``with_deadline_state()``) says so."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from commitments.choices import DeadlineState, Status

from .precision import formatted_date

register = template.Library()


def badge(status, label):
    return format_html('<span class="status status-{}">{}</span>', status, label)


@register.filter
def status_badge(record):
    return badge(record.status, record.get_status_display())


def status_badges():
    """{status: its badge} in the active language, for pages that show hundreds."""
    return {status: badge(status, label) for status, label in Status.choices}


@register.filter
def deadline_badge(commitment):
    state = commitment.deadline_state
    if state == DeadlineState.OVERDUE:
        return format_html('<strong class="overdue">{}</strong>', _("overdue"))
    if state != DeadlineState.NO_NEWS:
        return ""
    since = commitment.no_news_since
    if not since:
        return format_html('<strong class="no-news">{}</strong>', _("no news"))
    day = conditional_escape(formatted_date(since, "DATE_FORMAT"))
    text = mark_safe(_("no news since %(date)s") % {"date": day})  # noqa: S308 - date escaped
    return format_html('<strong class="no-news">{}</strong>', text)
