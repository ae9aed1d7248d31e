"""``{{ record|status_badge }}``: the status of a commitment, motion or status update in
its colour, ``<span class="status status-open">openstaand</span>``, the same on every page
(the colours are in ``static/site.css``)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def status_badge(record):
    return format_html(
        '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
    )
