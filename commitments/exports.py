"""Streaming CSV exports of exactly the rows a list page shows, in the same order.

Each export is one query: the list's FilterSet gives the rows and their order, and the
columns are read as plain values (names of co-submitters and signatories joined in the
database), so no model instance is built per row. Rows are read with a server-side cursor
where the database has one and written as they arrive: memory stays flat for 100,000 rows.
"""

import csv
from itertools import chain

from django.db.models import Aggregate, Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Concat, Trim
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .filters import CommitmentFilter, LetterFilter, MotionFilter
from .models import (
    Commitment,
    Letter,
    Motion,
    kamerstuk_label,
    letter_label,
    office_label,
    person_label,
    submitters_label,
)

CHUNK_SIZE = 2000
SEPARATOR = "; "


class JoinedText(Aggregate):
    """The values of a group joined with "; ", sorted where the database can."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT",
            template=f"%(function)s(%(expressions)s, '{SEPARATOR}')", **extra,
        )  # fmt: skip

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, function="STRING_AGG",
            template=f"%(function)s(%(expressions)s, '{SEPARATOR}' ORDER BY %(expressions)s)",
            **extra,
        )  # fmt: skip


def joined(queryset, outer_field, label):
    """A subquery: the ``label``s of the rows of ``queryset`` that belong to the outer row."""
    return Subquery(
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(text=JoinedText(label))
        .values("text")
    )


class Echo:
    """A file-like object whose write() hands the line back to the caller."""

    def write(self, value):
        return value


def iso(day):
    return day.isoformat() if day else ""


def stream_csv(filename, header, rows):
    writer = csv.writer(Echo())
    lines = (writer.writerow(row) for row in chain([header], rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def filtered(filterset_class, request, queryset):
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        errors = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()
        )
        return None, HttpResponseBadRequest(
            _("Invalid filter: %(errors)s") % {"errors": errors},
            content_type="text/plain; charset=utf-8",
        )
    return filterset.qs, None


def records(queryset, fields):
    """The rows as dicts of ``fields``, read in chunks from one query."""
    return queryset.values(*fields).iterator(chunk_size=CHUNK_SIZE)


def export(request, *, name, filterset_class, queryset, header, fields, row):
    rows, error = filtered(filterset_class, request, queryset)
    if error:
        return error
    base_url = request.build_absolute_uri(reverse(f"commitments:{name}"))
    return stream_csv(f"{name}.csv", header, (row(r, base_url) for r in records(rows, fields)))


COMMITMENT_HEADER = [
    "id", "title", "text", "made_by", "ministry", "made_on", "occasion", "due",
    "due_start", "due_end", "status", "status_date", "motion", "source", "url",
]  # fmt: skip
COMMITMENT_FIELDS = [
    "key", "title", "text", "made_by__role", "made_by__portfolio",
    "made_by__person__first_name", "made_by__person__initials", "made_by__person__name",
    "made_by__ministry__name", "made_by__ministry__abbreviation", "made_on", "occasion",
    "due_phrase", "due_start", "due_end", "status", "status_date", "motion__title",
    "motion__number", "motion__dossier__number", "source_letter__title",
    "source_letter__number", "source_letter__dossier__number",
]  # fmt: skip


def commitment_row(c, base_url):
    made_by = ""
    if c["made_by__role"]:
        made_by = (
            person_label(
                c["made_by__person__first_name"],
                c["made_by__person__initials"],
                c["made_by__person__name"],
            )
            if c["made_by__person__name"]
            else office_label(
                c["made_by__role"],
                c["made_by__ministry__abbreviation"],
                c["made_by__ministry__name"],
                c["made_by__portfolio"],
            )
        )
    motion = kamerstuk_label(c["motion__dossier__number"], c["motion__number"])
    source_kamerstuk = kamerstuk_label(
        c["source_letter__dossier__number"], c["source_letter__number"]
    )
    return [
        c["key"],
        c["title"],
        c["text"],
        made_by,
        c["made_by__ministry__name"] or "",
        iso(c["made_on"]),
        c["occasion"],
        c["due_phrase"],
        iso(c["due_start"]),
        iso(c["due_end"]),
        c["status"],
        iso(c["status_date"]),
        motion or c["motion__title"] or "",
        letter_label(source_kamerstuk, c["source_letter__title"] or ""),
        f"{base_url}{c['key']}/",
    ]


@require_GET
def export_commitments(request):
    return export(
        request,
        name="commitments",
        filterset_class=CommitmentFilter,
        queryset=Commitment.objects.all(),
        header=COMMITMENT_HEADER,
        fields=COMMITMENT_FIELDS,
        row=commitment_row,
    )


MOTION_HEADER = [
    "id", "kind", "kamerstuk", "title", "operative_text", "date", "submitters",
    "status", "status_date", "source", "url",
]  # fmt: skip
MOTION_FIELDS = [
    "key", "kind", "dossier__number", "number", "title", "operative_text", "date",
    "submitter__name", "submitter__party", "co_submitter_names", "has_unnamed_co_submitters",
    "status", "status_date", "reported_in__title", "reported_in__number",
    "reported_in__dossier__number",
]  # fmt: skip


def member_label(prefix=""):
    """ "Name (Party)", or the name alone, in SQL."""
    name, party = F(f"{prefix}name"), F(f"{prefix}party")
    return Case(
        When(**{f"{prefix}party": ""}, then=name),
        default=Concat(name, Value(" ("), party, Value(")")),
        output_field=CharField(),
    )


def motions_for_export():
    through = Motion.co_submitters.through.objects
    return Motion.objects.annotate(
        co_submitter_names=joined(through, "motion", member_label("memberofparliament__"))
    )


def motion_row(m, base_url):
    first = ""
    if m["submitter__name"]:
        party = m["submitter__party"]
        first = f"{m['submitter__name']} ({party})" if party else m["submitter__name"]
    co_submitters = m["co_submitter_names"].split(SEPARATOR) if m["co_submitter_names"] else []
    source_kamerstuk = kamerstuk_label(m["reported_in__dossier__number"], m["reported_in__number"])
    return [
        m["key"],
        m["kind"],
        kamerstuk_label(m["dossier__number"], m["number"]),
        m["title"],
        m["operative_text"],
        iso(m["date"]),
        submitters_label(first, co_submitters, m["has_unnamed_co_submitters"]),
        m["status"],
        iso(m["status_date"]),
        letter_label(source_kamerstuk, m["reported_in__title"] or ""),
        f"{base_url}{m['key']}/",
    ]


@require_GET
def export_motions(request):
    return export(
        request,
        name="motions",
        filterset_class=MotionFilter,
        queryset=motions_for_export(),
        header=MOTION_HEADER,
        fields=MOTION_FIELDS,
        row=motion_row,
    )


LETTER_HEADER = [
    "id", "kind", "kamerstuk", "vergaderjaar", "date", "title", "signatories", "source", "url",
]  # fmt: skip
LETTER_FIELDS = [
    "key", "kind", "dossier__number", "number", "vergaderjaar", "date", "title",
    "signatory_names", "source_document__title",
]  # fmt: skip


def letters_for_export():
    """Signatories as "First Last (MIN)", or "role (MIN)" when the person is not named."""
    through = Letter.signatories.through.objects
    office = "office__"
    person = Trim(Concat(F(f"{office}person__first_name"), Value(" "), F(f"{office}person__name")))
    label = Concat(
        Case(
            When(**{f"{office}person__isnull": True}, then=F(f"{office}role")),
            default=person,
            output_field=CharField(),
        ),
        Value(" ("),
        F(f"{office}ministry__abbreviation"),
        Value(")"),
        output_field=CharField(),
    )
    return Letter.objects.annotate(signatory_names=joined(through, "letter", label))


def letter_row(letter, base_url):
    return [
        letter["key"],
        letter["kind"],
        kamerstuk_label(letter["dossier__number"], letter["number"]),
        letter["vergaderjaar"],
        iso(letter["date"]),
        letter["title"],
        letter["signatory_names"] or "",
        letter["source_document__title"] or "",
        f"{base_url}{letter['key']}/",
    ]


@require_GET
def export_letters(request):
    return export(
        request,
        name="letters",
        filterset_class=LetterFilter,
        queryset=letters_for_export(),
        header=LETTER_HEADER,
        fields=LETTER_FIELDS,
        row=letter_row,
    )
