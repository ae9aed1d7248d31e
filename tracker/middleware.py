"""Project-wide request handling: the interface language, and request checks."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ChosenLanguageMiddleware:
    """Dutch (``LANGUAGE_CODE``) unless the visitor chose another language with the switch in
    the header, which Django's ``set_language`` view keeps in the language cookie. In place
    of Django's ``LocaleMiddleware``, which would follow the browser's ``Accept-Language``:
    the site is Dutch first, whatever language the browser is set to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def chosen_language(request):
    """The supported language in the language cookie, else the default."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
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
