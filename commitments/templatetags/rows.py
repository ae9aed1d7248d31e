"""The rows of the lists' tables, rendered in one pass in Python: ``{% commitment_rows
object_list %}`` and the like, one tag per table, inside the table's ``<tbody>``. Each
gives the markup a ``{% for %}`` loop over a row template gave, but without a template node
per value: a page of 50 rows had about 7,000 of them, most of the time a list took to
render. The labels, dates and badges come from where every page takes them
(``precision``, ``status_badge``, the models' ``get_FOO_display``)."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .precision import dated, formatted_date
from .status_badge import deadline_badge, status_badge

register = template.Library()

DASH = "—"


def table_rows(row, items, empty, columns):
    """The rows of ``items``, each ``row(item)`` (a tuple of values for ``ROW`` format
    strings); or one row saying ``empty`` across ``columns`` columns."""
    if not items:
        return format_html('\n    <tr><td colspan="{}">{}</td></tr>\n  ', columns, empty)
    return mark_safe("".join(row(item) for item in items))  # noqa: S308 - rows are format_html's


COMMITMENT_ROW = (
    "\n    <tr>"
    '\n      <td class="card-title"><a href="{}">{}</a></td>'
    '\n      <td data-label="{}">{}</td>'
    '\n      <td data-label="{}">{}</td>'
    '\n      <td data-label="{}">{} {}</td>'
    '\n      <td data-label="{}">{}{}</td>'
    "\n    </tr>\n  "
)


@register.simple_tag
def commitment_rows(commitments):
    """The commitments list (``CommitmentQuerySet.for_list().with_labels()``)."""
    made_by_label, made_on_label = _("Made by"), capfirst(_("made on"))
    due_label, status_label = capfirst(_("due")), capfirst(_("status"))
    letter_date = _("date of the letter")

    def row(c):
        made_by = ""
        if c.made_by_id is not None:
            ministry = c.made_by.ministry
            made_by = format_html(
                "{}<br><small>{}</small>", c.made_by_label, ministry.abbreviation or ministry.name
            )
        if c.made_on:
            made_on = formatted_date(c.made_on)
        elif c.made_on_or_letter:
            made_on = format_html(
                "{}<br><small>{}</small>",
                dated(c.made_on_or_letter, c.source_letter.date_precision),
                letter_date,
            )
        else:
            made_on = DASH
        since = ""
        if c.status_date:
            since = format_html(
                "<br><small>{}</small>", dated(c.status_date, c.status_date_precision)
            )
        return format_html(
            COMMITMENT_ROW,
            c.get_absolute_url(),
            c.title,
            made_by_label,
            made_by,
            made_on_label,
            made_on,
            due_label,
            c.due_phrase or DASH,
            deadline_badge(c),
            status_label,
            status_badge(c),
            since,
        )

    return table_rows(row, commitments, _("No commitments match these filters."), 5)


MOTION_ROW = (
    "\n    <tr>"
    '\n      <td data-label="{}">{} {}</td>'
    '\n      <td class="card-title"><a href="{}">{}</a></td>'
    '\n      <td data-label="{}">{}</td>'
    '\n      <td data-label="{}">{}</td>'
    '\n      <td data-label="{}">{}</td>'
    "\n    </tr>\n  "
)


@register.simple_tag
def motion_rows(motions):
    """The motions list (``MotionQuerySet.for_list().with_labels()``)."""
    kamerstuk_label, submitters_label = _("Kamerstuk"), _("Submitters")
    date_label, status_label = capfirst(_("date")), capfirst(_("status"))

    def row(m):
        return format_html(
            MOTION_ROW,
            kamerstuk_label,
            capfirst(m.get_kind_display()),
            m.kamerstuk_label or "",
            m.get_absolute_url(),
            m.title,
            submitters_label,
            m.submitters_label or DASH,
            date_label,
            formatted_date(m.date) or DASH,
            status_label,
            status_badge(m),
        )

    return table_rows(row, motions, _("No motions match these filters."), 5)


LETTER_ROW = (
    "\n    <tr>"
    '\n      <td data-label="{}">{}{}</td>'
    '\n      <td class="card-title"><a href="{}">{}</a><br><small>{}</small></td>'
    '\n      <td data-label="{}">{}</td>'
    '\n      <td data-label="{}">{}</td>'
    "\n    </tr>\n  "
)


@register.simple_tag
def letter_rows(letters):
    """The letters list (``LetterQuerySet.for_list().with_labels()``)."""
    kamerstuk_label, signatories_label = _("Kamerstuk"), _("Signatories")
    date_label = capfirst(_("date"))

    def row(letter):
        year = ""
        if letter.vergaderjaar:
            year = format_html("<br><small>{}</small>", letter.vergaderjaar)
        return format_html(
            LETTER_ROW,
            kamerstuk_label,
            letter.kamerstuk_label or DASH,
            year,
            letter.get_absolute_url(),
            letter.title,
            letter.get_kind_display(),
            signatories_label,
            letter.signatories_label or DASH,
            date_label,
            dated(letter.date, letter.date_precision) or DASH,
        )

    return table_rows(row, letters, _("No letters match these filters."), 4)


PERSON_ROW = (
    "\n    <tr>"
    '\n      <td class="card-title"><a href="{}">{}</a></td>'
    '\n      <td data-label="{}">{}</td>'
    '\n      <td data-label="{}">{}</td>'
    "\n    </tr>\n  "
)


@register.simple_tag
def person_rows(persons):
    """The ministers list (``views.PersonList``: offices prefetched, ``commitment_count``)."""
    offices_label, commitments_label = _("Offices"), _("Commitments")

    def office(office):
        return (office.post, f", {office.cabinet}" if office.cabinet_id is not None else "")

    def row(person):
        offices = format_html_join(mark_safe("<br>"), "{}{}", map(office, person.offices.all()))
        return format_html(
            PERSON_ROW,
            person.get_absolute_url(),
            person,
            offices_label,
            offices,
            commitments_label,
            localize(person.commitment_count),
        )

    return table_rows(row, persons, _("No ministers or state secretaries match these filters."), 3)
