"""Template context for every page."""

from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info


def language_links(request):
    return {"language_links": SimpleLazyObject(lambda: page_in_each_language(request))}


def page_in_each_language(request):
    """The current page in each language, for the switch in the header and the
    ``hreflang`` links: ``/commitments/?year=2020`` and ``/en/commitments/?year=2020``."""
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        url = path if code == current else translate_url(path, code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return links
