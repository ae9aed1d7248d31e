"""The rows of the lists' tables and the items of the detail pages' long lists, rendered
in one pass in Python: ``{% commitment_rows object_list %}`` and the like, one tag per
table, inside the table's ``<tbody>``; ``{% timeline_items updates %}`` and the like, one
tag per kind of list item, inside its ``<ul>`` or ``<ol>``. Each gives the markup a
``{% for %}`` loop over a row template gave (``tests/test_rows.py`` compares them), but
without a template node per value: a page of 50 rows had about 7,000 of them, most of the
time a list took to render. The labels, dates and badges come from where every page
takes them (``precision``, ``status_badge``, the models' ``get_FOO_display``)."""

import html

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import key_url_prefix
from .precision import dated, formatted_date
from .status_badge import deadline_badge, status_badge, status_badges

register = template.Library()

DASH = "—"


def links():
    """A function giving a record's ``get_absolute_url()``, for records addressed by their
    key (a model's ``url_name``): the part before the key is looked up once per model,
    not once per link."""
    prefixes = {}

    def url(record):
        name = record.url_name
        prefix = prefixes.get(name)
        if prefix is None:
            prefix = prefixes[name] = key_url_prefix(name)
        return f"{prefix}{record.key}/"

    return url


def esc(value):
    """``escape``, without its check for lazy strings: for the hot loops of long lists."""
    return html.escape(str(value))


def table_rows(row, items, empty, columns):
    """The rows of ``items``, each ``row(item)``, every value in it escaped; or one row
    saying ``empty`` across ``columns`` columns."""
    if not items:
        return format_html('\n    <tr><td colspan="{}">{}</td></tr>\n  ', columns, empty)
    return mark_safe("".join(map(row, items)))  # noqa: S308 - every value escaped


@register.simple_tag
def commitment_rows(commitments):
    """The commitments list (``CommitmentQuerySet.for_list().with_labels()``)."""
    made_by_label, made_on_label = esc(_("Made by")), esc(capfirst(_("made on")))
    due_label, status_label = esc(capfirst(_("due"))), esc(capfirst(_("status")))
    letter_date = esc(_("date of the letter"))
    badges, url = status_badges(), links()

    def row(c):
        made_by = ""
        if c.made_by_id is not None:
            ministry = c.made_by.ministry
            made_by = (
                f"{esc(c.made_by_label)}<br><small>"
                f"{esc(ministry.abbreviation or ministry.name)}</small>"
            )
        if c.made_on:
            made_on = esc(formatted_date(c.made_on))
        elif c.made_on_or_letter:
            day = dated(c.made_on_or_letter, c.source_letter.date_precision)
            made_on = f"{esc(day)}<br><small>{letter_date}</small>"
        else:
            made_on = DASH
        due, badge, since = esc(c.due_phrase or DASH), badges.get(c.status) or status_badge(c), ""
        if c.status_date:
            since = f"<br><small>{esc(dated(c.status_date, c.status_date_precision))}</small>"
        return (
            "\n    <tr>"
            f'\n      <td class="card-title"><a href="{esc(url(c))}">{esc(c.title)}</a></td>'
            f'\n      <td data-label="{made_by_label}">{made_by}</td>'
            f'\n      <td data-label="{made_on_label}">{made_on}</td>'
            f'\n      <td data-label="{due_label}">{due} {deadline_badge(c)}</td>'
            f'\n      <td data-label="{status_label}">{badge}{since}</td>'
            "\n    </tr>\n  "
        )  # fmt: skip

    return table_rows(row, commitments, _("No commitments match these filters."), 5)


@register.simple_tag
def motion_rows(motions):
    """The motions list (``MotionQuerySet.with_labels()``)."""
    kamerstuk_label, submitters_label = esc(_("Kamerstuk")), esc(_("Submitters"))
    date_label, status_label = esc(capfirst(_("date"))), esc(capfirst(_("status")))
    badges, url = status_badges(), links()

    def row(m):
        badge = badges.get(m.status) or status_badge(m)
        return (
            "\n    <tr>"
            f'\n      <td data-label="{kamerstuk_label}">'
            f"{esc(capfirst(m.get_kind_display()))} {esc(m.kamerstuk_label or '')}</td>"
            f'\n      <td class="card-title"><a href="{esc(url(m))}">{esc(m.title)}</a></td>'
            f'\n      <td data-label="{submitters_label}">{esc(m.submitters_label or DASH)}</td>'
            f'\n      <td data-label="{date_label}">{esc(formatted_date(m.date) or DASH)}</td>'
            f'\n      <td data-label="{status_label}">{badge}</td>'
            "\n    </tr>\n  "
        )  # fmt: skip

    return table_rows(row, motions, _("No motions match these filters."), 5)


@register.simple_tag
def letter_rows(letters):
    """The letters list (``LetterQuerySet.for_list().with_labels()``)."""
    kamerstuk_label, signatories_label = esc(_("Kamerstuk")), esc(_("Signatories"))
    date_label = esc(capfirst(_("date")))
    url = links()

    def row(letter):
        year = ""
        if letter.vergaderjaar:
            year = f"<br><small>{esc(letter.vergaderjaar)}</small>"
        day = dated(letter.date, letter.date_precision) or DASH
        kamerstuk, signatories = letter.kamerstuk_label or DASH, letter.signatories_label or DASH
        return (
            "\n    <tr>"
            f'\n      <td data-label="{kamerstuk_label}">{esc(kamerstuk)}{year}</td>'
            f'\n      <td class="card-title"><a href="{esc(url(letter))}">{esc(letter.title)}</a>'
            f"<br><small>{esc(letter.get_kind_display())}</small></td>"
            f'\n      <td data-label="{signatories_label}">{esc(signatories)}</td>'
            f'\n      <td data-label="{date_label}">{esc(day)}</td>'
            "\n    </tr>\n  "
        )  # fmt: skip

    return table_rows(row, letters, _("No letters match these filters."), 4)


@register.simple_tag
def person_rows(persons):
    """The ministers list (``views.PersonList``: offices prefetched, ``commitment_count``)."""
    offices_label, commitments_label = esc(_("Offices")), esc(_("Commitments"))
    url = links()

    def office(office):
        cabinet = f", {esc(office.cabinet)}" if office.cabinet_id is not None else ""
        return f"{esc(office.post)}{cabinet}"

    def row(person):
        offices = "<br>".join(map(office, person.offices.all()))
        count = esc(localize(person.commitment_count))
        return (
            "\n    <tr>"
            f'\n      <td class="card-title"><a href="{esc(url(person))}">{esc(person)}</a></td>'
            f'\n      <td data-label="{offices_label}">{offices}</td>'
            f'\n      <td data-label="{commitments_label}">{count}</td>'
            "\n    </tr>\n  "
        )  # fmt: skip

    return table_rows(row, persons, _("No ministers or state secretaries match these filters."), 3)


# The items of the detail pages' long lists ------------------------------------------


@register.simple_tag
def citation(record, model_name):
    """The passage ``record`` cites, with a link to it in its source document, if any."""
    if not record.source_passage:
        return ""
    caption = ""
    if record.source_document:
        document = record.source_document
        caption = format_html(
            '<figcaption>{}: <a href="{}?cite={}:{}#passage">{}</a></figcaption>',
            _("Source"),
            document.get_absolute_url(),
            model_name,
            record.key,
            document,
        )
    return format_html(
        '\n<figure class="passage">\n  <blockquote lang="nl">{}</blockquote>\n  {}\n</figure>\n',
        record.source_passage,
        caption,
    )


@register.simple_tag
def timeline_items(updates):
    """The items of a commitment's or motion's timeline (``views.updates_queryset``)."""
    evidence, badges, link = esc(_("Evidence")), status_badges(), links()

    def item(u):
        corrects = note = letter = url = ""
        if u.corrects_id is not None:
            day = esc(dated(u.corrects.date, u.corrects.date_precision, "DATE_FORMAT"))
            corrects = f"<small>({_('corrects the update of %(date)s') % {'date': day}})</small>"
        if u.note:
            note = f"<p>{linebreaksbr(u.note, autoescape=True)}</p>"
        if u.evidence_letter_id is not None:
            source = u.evidence_letter
            letter = f'<p>{evidence}: <a href="{esc(link(source))}">{esc(source)}</a></p>'
        if u.evidence_url:
            address = esc(u.evidence_url)
            url = f'<p><a href="{address}" rel="nofollow">{address}</a></p>'
        return (
            "\n  <li>"
            f'\n    <p><time datetime="{u.date.isoformat()}">'
            f"{esc(dated(u.date, u.date_precision, 'DATE_FORMAT'))}</time> —"
            f"\n      {badges.get(u.status) or status_badge(u)}\n      {corrects}</p>"
            f"\n    {note}\n    {letter}\n    {url}\n    {citation(u, 'statusupdate')}"
            "\n  </li>\n  "
        )

    # Every value escaped; the translated text as {% blocktranslate %} shows it.
    return mark_safe("".join(map(item, updates)))  # noqa: S308


@register.simple_tag
def update_items(updates):
    """``<li>`` per status update: its date, its commitment or motion, its status."""
    badges, url = status_badges(), links()
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f"<li>{esc(dated(u.date, u.date_precision))}: "
            f'<a href="{esc(url(u.subject))}">{esc(u.subject)}</a> — '
            f"{badges.get(u.status) or status_badge(u)}</li>"
            for u in updates
        )
    )


@register.simple_tag
def record_items(records, badge=False):
    """``<li>`` per commitment or motion, linked, with its status (as a badge, or plain)."""
    badges, url = status_badges(), links()
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            f'<li><a href="{esc(url(r))}">{esc(r)}</a> — '
            f"{(badges.get(r.status) or status_badge(r)) if badge else esc(r.get_status_display())}"
            "</li>"
            for r in records
        )
    )


@register.simple_tag
def link_items(records):
    """``<li>`` per record (a letter), linked."""
    url = links()
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(f'<li><a href="{esc(url(r))}">{esc(r)}</a></li>' for r in records)
    )
