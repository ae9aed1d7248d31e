"""Strings of Django's admin that its Dutch catalogue does not translate (Django 5.2): the
screen-reader headers of the admin index's tables.
Named here so that makemessages puts them in locale/nl, which LOCALE_PATHS puts before
Django's own catalogue. Nothing imports this module."""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_STRINGS = [
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
]
