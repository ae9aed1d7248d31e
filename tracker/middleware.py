"""The interface language is the visitor's choice, not the browser's."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
