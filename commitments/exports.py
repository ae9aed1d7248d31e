"""Streaming CSV exports of exactly the rows a list page shows, in the same order.

Rows are read with ``iterator(chunk_size=...)`` and written as they are produced, so memory
stays constant however many rows match."""

import csv
from itertools import chain

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .filters import CommitmentFilter, LetterFilter, MotionFilter
from .models import Commitment, Letter, Motion

CHUNK_SIZE = 2000


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


COMMITMENT_HEADER = [
    "id", "title", "text", "made_by", "ministry", "made_on", "occasion", "due",
    "due_start", "due_end", "status", "status_date", "motion", "source", "url",
]  # fmt: skip


def commitment_row(c, request):
    office = c.made_by
    return [
        c.key,
        c.title,
        c.text,
        (str(office.person) if office.person_id else str(office)) if office else "",
        office.ministry.name if office else "",
        iso(c.made_on),
        c.occasion,
        c.due_phrase,
        iso(c.due_start),
        iso(c.due_end),
        c.status,
        iso(c.status_date),
        (c.motion.kamerstuk or c.motion.title) if c.motion_id else "",
        str(c.source_letter) if c.source_letter_id else "",
        request.build_absolute_uri(c.get_absolute_url()),
    ]


@require_GET
def export_commitments(request):
    rows, error = filtered(CommitmentFilter, request, Commitment.objects.for_list())
    if error:
        return error
    return stream_csv(
        "commitments.csv",
        COMMITMENT_HEADER,
        (commitment_row(c, request) for c in rows.iterator(chunk_size=CHUNK_SIZE)),
    )


MOTION_HEADER = [
    "id", "kind", "kamerstuk", "title", "operative_text", "date", "submitters",
    "status", "status_date", "source", "url",
]  # fmt: skip


def motion_row(m, request):
    return [
        m.key,
        m.kind,
        m.kamerstuk,
        m.title,
        m.operative_text,
        iso(m.date),
        m.submitters,
        m.status,
        iso(m.status_date),
        str(m.reported_in) if m.reported_in_id else "",
        request.build_absolute_uri(m.get_absolute_url()),
    ]


@require_GET
def export_motions(request):
    rows, error = filtered(MotionFilter, request, Motion.objects.for_list())
    if error:
        return error
    return stream_csv(
        "motions.csv",
        MOTION_HEADER,
        (motion_row(m, request) for m in rows.iterator(chunk_size=CHUNK_SIZE)),
    )


LETTER_HEADER = [
    "id", "kind", "kamerstuk", "vergaderjaar", "date", "title", "signatories", "source", "url",
]  # fmt: skip


def letter_row(letter, request):
    return [
        letter.key,
        letter.kind,
        letter.kamerstuk,
        letter.vergaderjaar,
        iso(letter.date),
        letter.title,
        "; ".join(str(office) for office in letter.signatories.all()),
        str(letter.source_document) if letter.source_document_id else "",
        request.build_absolute_uri(letter.get_absolute_url()),
    ]


@require_GET
def export_letters(request):
    rows, error = filtered(LetterFilter, request, Letter.objects.for_list())
    if error:
        return error
    return stream_csv(
        "letters.csv",
        LETTER_HEADER,
        (letter_row(letter, request) for letter in rows.iterator(chunk_size=CHUNK_SIZE)),
    )
