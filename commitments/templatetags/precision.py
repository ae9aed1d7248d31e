"""``{{ day|date:"j F Y"|precision:record.date_precision }}``: a formatted date with how
certain it is, "ca. 3 februari 2021" or "uiterlijk 31 december 2024". Every template that
shows the date of a letter or a status update (or a status date taken from one) uses it;
the rows rendered in Python (``rows.py``) use ``formatted_date`` and ``dated``, which give
what ``date`` and ``precision`` give."""

from functools import lru_cache

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from commitments.choices import DatePrecision

register = template.Library()


@register.filter
def precision(formatted, date_precision):
    if not formatted:
        return formatted
    if date_precision == DatePrecision.APPROXIMATE:
        return _("c. %(date)s") % {"date": formatted}
    if date_precision == DatePrecision.NOT_AFTER:
        return _("by %(date)s") % {"date": formatted}
    return formatted


def formatted_date(day, format_name="SHORT_DATE_FORMAT"):
    """``{{ day|date:format_name }}``: the day in the active language's format; "" for
    no day. A page shows the same days many times, so each is formatted once."""
    if not day:
        return ""
    return _formatted_date(day, format_name, get_language())


@lru_cache(maxsize=16384)
def _formatted_date(day, format_name, language):
    return formats.date_format(day, format_name)


def dated(day, date_precision, format_name="SHORT_DATE_FORMAT"):
    """``{{ day|date:format_name|precision:date_precision }}``."""
    return precision(formatted_date(day, format_name), date_precision)
