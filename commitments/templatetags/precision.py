"""``{{ day|date:"j F Y"|precision:record.date_precision }}``: a formatted date with how
certain it is, "ca. 3 februari 2021" or "uiterlijk 31 december 2024". Every template that
shows the date of a letter or a status update (or a status date taken from one) uses it."""

from django import template
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
