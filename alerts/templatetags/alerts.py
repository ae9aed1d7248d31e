from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("alerts/_follow_link.html")
def follow_link(kind, key):
    """A "Follow by e-mail" link for a record (``kind`` and key) or, with kind "search",
    for the query string of the commitments list."""
    return {"url": f"{reverse('alerts:follow')}?{urlencode({kind: key})}"}
