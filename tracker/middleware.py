"""Project-wide request handling: the interface language, and request checks."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ChosenLanguageMiddleware:
    """The language of a public page is in its address: Dutch (``LANGUAGE_CODE``) at the
    plain one (``/commitments/``), English under ``/en/`` (``/en/commitments/``), as
    ``i18n_patterns`` in ``tracker/urls.py`` route them. The browser's ``Accept-Language``
    is ignored: the site is Dutch first, whatever language the browser is set to. So a
    public page does not vary with the request's headers and can be cached.

    The admin has no language in its address: it keeps the language cookie that Django's
    ``set_language`` view sets (Dutch unless chosen), and varies on it. On public pages
    the cookie is ignored.

    The API (``/api/``) has no language in its address either: its messages (a refused
    filter value, a page not found) follow the client's ``Accept-Language`` (Dutch unless
    English is preferred), and its answers vary on that header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        by_cookie = language is None and is_admin_path(request.path_info)
        by_header = language is None and is_api_path(request.path)
        if by_cookie:
            language = chosen_language(request)
        elif by_header:
            language = accepted_language(request)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if by_cookie:
            patch_vary_headers(response, ("Cookie",))
        elif by_header:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def is_admin_path(path):
    return path.startswith(reverse("admin:index"))


def is_api_path(path):
    return path.startswith(reverse("api:api-root"))


def chosen_language(request):
    """The supported language in the language cookie, else the default."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def accepted_language(request):
    """The supported language the ``Accept-Language`` header prefers, else the default."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def has_nul(data):
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


class RejectNulBytesMiddleware:
    """Answers 400 to a NUL character in a query string or a form field: no database
    stores it in text, and PostgreSQL refuses it with an error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and has_nul(request.POST)
        ):
            return HttpResponseBadRequest(
                _("The request contains a NUL character."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
