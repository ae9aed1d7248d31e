"""Project-wide request checks."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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
