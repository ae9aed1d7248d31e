"""Streaming CSV exports of exactly the rows a list page shows, in the same order.

Each export is one query: the list's FilterSet gives the rows and their order, and every
column is an SQL expression (labels such as "30 420, nr. 415" are built in the database).
On PostgreSQL the rows are streamed by the database's own ``COPY ... TO STDOUT WITH CSV``;
elsewhere the same query is read in chunks and written with COPY's quoting rule. Either
way memory stays flat for 100,000 rows, and the output is the same: UTF-8, a header row,
"\\n" line ends, ISO dates, empty fields for missing values.

Text that a spreadsheet would read as a formula (a cell starting with "=", "+", "-", "@",
a tab or a carriage return) gets a leading "'" in the query itself, so both writers give
the same neutralised cell (OWASP, "CSV injection"). Dates are not text and never start
with one of these; the exports hold no numbers.

The Excel variant (``export-excel.csv``) is the same rows as UTF-8 with a byte order mark,
";" between fields and "\\r\\n" line ends, which Excel opens correctly on a Dutch system.
"""

from itertools import islice

from django.db import connections
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Left, NullIf, Trim
from django.db.models.lookups import In
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .choices import Role
from .filters import CommitmentFilter, LetterFilter, MotionFilter
from .models import Commitment, Letter, Motion

TEXT = CharField()  # the type of every text column; Concat needs one type
CHUNK_SIZE = 2000  # rows fetched from the database at a time, without COPY
BATCH_SIZE = 500  # rows written to the response at a time, without COPY


# SQL building blocks --------------------------------------------------------------------


class JoinedText(Aggregate):
    """The values of a group joined with a separator (sorted on PostgreSQL)."""

    output_field = CharField()

    def __init__(self, expression, separator, **extra):
        self.separator = separator
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        expression = self.get_source_expressions()[0]
        sql, params = compiler.compile(expression)
        return f"GROUP_CONCAT({sql}, %s)", (*params, self.separator)

    def as_postgresql(self, compiler, connection, **extra):
        expression = self.get_source_expressions()[0]
        sql, params = compiler.compile(expression)
        text = f"({sql})::text"
        return f"STRING_AGG({text}, %s ORDER BY {text})", (*params, self.separator, *params)


def text(expression):
    """Empty text as NULL, so both writers leave the field empty (COPY would quote "")."""
    return NullIf(expression, Value(""), output_field=TEXT)


def joined(queryset, outer_field, label, separator):
    """A subquery: the ``label``s of the rows of ``queryset`` that belong to the outer row."""
    return Subquery(
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(text=JoinedText(label, separator))
        .values("text")
    )


def kamerstuk(prefix=""):
    """ "30 420, nr. 415"; the dossier alone without a number; NULL without a dossier."""
    dossier, number = F(f"{prefix}dossier__number"), F(f"{prefix}number")
    return Case(
        When(**{f"{prefix}dossier__isnull": True}, then=Value(None)),
        When(**{f"{prefix}number": ""}, then=dossier),
        default=Concat(dossier, Value(", nr. "), number),
        output_field=TEXT,
    )


def letter_label(prefix):
    """ "30 420, nr. 415: Title", or the title alone (Letter.__str__)."""
    return Case(
        When(**{f"{prefix}isnull": True}, then=Value(None)),
        When(**{f"{prefix}dossier__isnull": True}, then=F(f"{prefix}title")),
        default=Concat(kamerstuk(prefix), Value(": "), F(f"{prefix}title")),
        output_field=TEXT,
    )


def full_surname(prefix):
    """ "de Jonge": the surname with its tussenvoegsel (models.full_surname)."""
    return Case(
        When(**{f"{prefix}tussenvoegsel": ""}, then=F(f"{prefix}name")),
        default=Concat(F(f"{prefix}tussenvoegsel"), Value(" "), F(f"{prefix}name")),
        output_field=TEXT,
    )


def person_label(prefix, initials=True):
    """ "First Last", or "Initials Last" (Person.__str__, MemberOfParliament.label)."""
    given = text(F(f"{prefix}first_name"))
    if initials:
        given = Coalesce(given, F(f"{prefix}initials"), output_field=TEXT)
    given = Coalesce(given, Value(""), output_field=TEXT)
    return Trim(Concat(given, Value(" "), full_surname(prefix), output_field=TEXT))


def office_label(prefix):
    """ "Minister (VWS), Medische Zorg": an office whose holder is not named."""
    role = Case(
        *[
            When(**{f"{prefix}role": value}, then=Value(str(capfirst(label))))
            for value, label in Role.choices
        ],
        output_field=TEXT,
    )
    ministry = Coalesce(
        text(F(f"{prefix}ministry__abbreviation")), F(f"{prefix}ministry__name"), output_field=TEXT
    )
    portfolio = Case(
        When(**{f"{prefix}portfolio": ""}, then=Value("")),
        default=Concat(Value(", "), F(f"{prefix}portfolio")),
        output_field=TEXT,
    )
    return Concat(role, Value(" ("), ministry, Value(")"), portfolio, output_field=TEXT)


def member_label(prefix=""):
    """ "Name (Party)", or the name alone (MemberOfParliament.__str__)."""
    name = person_label(prefix, initials=False)
    return Case(
        When(**{f"{prefix}party": ""}, then=name),
        default=Concat(name, Value(" ("), F(f"{prefix}party"), Value(")")),
        output_field=TEXT,
    )


def url(base_url):
    return Concat(Value(base_url), F("key"), Value("/"), output_field=TEXT)


def status_date_precision():
    """The precision of the status date; empty when there is no status date."""
    return Case(
        When(status_date__isnull=True, then=Value(None)),
        default=F("status_date_precision"),
        output_field=TEXT,
    )


# Columns of each export, in order: (header, SQL expression) -------------------------------


def commitment_columns(base_url):
    return [
        ("id", F("key")),
        ("title", F("title")),
        ("text", F("text")),
        (
            "made_by",
            Case(
                When(made_by__isnull=True, then=Value(None)),
                When(made_by__person__isnull=False, then=person_label("made_by__person__")),
                default=office_label("made_by__"),
                output_field=TEXT,
            ),
        ),
        ("ministry", F("made_by__ministry__name")),
        ("made_on", F("made_on")),
        ("made_on_or_letter", F("made_on_or_letter")),
        ("occasion", text(F("occasion"))),
        ("due", text(F("due_phrase"))),
        ("due_start", F("due_start")),
        ("due_end", F("due_end")),
        ("status", F("status")),
        ("status_date", F("status_date")),
        ("status_date_precision", status_date_precision()),
        ("latest_update", F("latest_update_on")),
        ("deadline_state", F("deadline_state")),
        ("motion", Coalesce(kamerstuk("motion__"), F("motion__title"), output_field=TEXT)),
        ("source", letter_label("source_letter__")),
        ("url", url(base_url)),
    ]


MOTION_PARTS = {
    # Annotated first, so the submitters column can test them for NULL.
    "csv_first_submitter": Case(
        When(submitter__isnull=True, then=Value(None)),
        default=member_label("submitter__"),
        output_field=TEXT,
    ),
    "csv_co_submitters": joined(
        Motion.co_submitters.through.objects,
        "motion",
        member_label("memberofparliament__"),
        ", ",
    ),
}


def motion_columns(base_url):
    names = Case(
        When(csv_first_submitter__isnull=True, then=F("csv_co_submitters")),
        When(csv_co_submitters__isnull=True, then=F("csv_first_submitter")),
        default=Concat(F("csv_first_submitter"), Value(", "), F("csv_co_submitters")),
        output_field=TEXT,
    )
    submitters = Concat(
        names,
        Case(When(has_unnamed_co_submitters=True, then=Value(" c.s.")), default=Value("")),
        output_field=TEXT,
    )
    return [
        ("id", F("key")),
        ("kind", F("kind")),
        ("kamerstuk", kamerstuk()),
        ("title", F("title")),
        ("operative_text", text(F("operative_text"))),
        ("date", F("date")),
        ("submitters", text(submitters)),
        ("status", F("status")),
        ("status_date", F("status_date")),
        ("status_date_precision", status_date_precision()),
        ("source", letter_label("reported_in__")),
        ("url", url(base_url)),
    ]


def letter_columns(base_url):
    office = "office__"
    signatory = Concat(
        Case(
            When(**{f"{office}person__isnull": True}, then=F(f"{office}role")),
            default=person_label(f"{office}person__"),
            output_field=TEXT,
        ),
        Value(" ("),
        F(f"{office}ministry__abbreviation"),
        Value(")"),
        output_field=TEXT,
    )
    return [
        ("id", F("key")),
        ("kind", F("kind")),
        ("kamerstuk", kamerstuk()),
        ("vergaderjaar", text(F("vergaderjaar"))),
        ("date", F("date")),
        (
            "date_precision",
            Case(
                When(date__isnull=True, then=Value(None)),
                default=F("date_precision"),
                output_field=TEXT,
            ),
        ),
        ("title", F("title")),
        ("signatories", joined(Letter.signatories.through.objects, "letter", signatory, "; ")),
        ("source", F("source_document__title")),
        ("url", url(base_url)),
    ]


# Writing ------------------------------------------------------------------------------------

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]  # what a spreadsheet may read as a formula


def neutralised(expression):
    """Text starting like a formula, with a leading "'" so it stays text (OWASP)."""
    return Case(
        When(In(Left(expression, 1), FORMULA_STARTS), then=Concat(Value("'"), expression)),
        default=expression,
        output_field=TEXT,
    )


class Dialect:
    """A CSV flavour: the plain one, or Excel's (byte order mark, ";", CRLF)."""

    def __init__(self, delimiter=",", line_end="\n", preamble=""):
        self.delimiter, self.line_end, self.preamble = delimiter, line_end, preamble

    def field(self, value):
        """COPY's quoting rule: NULL is empty; quote empty text and text holding the
        delimiter, a quote or a line break."""
        if value is None:
            return ""
        value = str(value)
        if value == "" or any(c in value for c in (self.delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    def line(self, values):
        return self.delimiter.join(self.field(value) for value in values) + self.line_end


PLAIN = Dialect()
EXCEL = Dialect(delimiter=";", line_end="\r\n", preamble="\ufeff")


def header_line(header, dialect=PLAIN):
    return dialect.preamble + dialect.line(header)


def python_csv(queryset, names, dialect=PLAIN):
    """The rows written in Python, a batch at a time."""
    rows = queryset.values_list(*names).iterator(chunk_size=CHUNK_SIZE)
    while batch := list(islice(rows, BATCH_SIZE)):
        yield "".join(dialect.line(row) for row in batch)


def line_ends(blocks, line_end):
    """COPY's blocks with each row's "\\n" replaced by ``line_end``; line breaks inside
    quoted fields are kept. A block may end anywhere, even inside a quoted field."""
    inside = False  # inside a quoted field at the start of the block
    new = line_end.encode()
    for block in blocks:
        parts = block.split(b'"')
        start = 1 if inside else 0  # parts at start, start+2, ... are outside quotes
        for i in range(start, len(parts), 2):
            parts[i] = parts[i].replace(b"\n", new)
        inside = inside != (len(parts) % 2 == 0)
        yield b'"'.join(parts)


def postgresql_copy(queryset, names, dialect=PLAIN):
    """The rows written by PostgreSQL's COPY, streamed as the database sends them."""
    connection = connections[queryset.db]
    sql, params = queryset.values_list(*names).query.sql_with_params()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER '{dialect.delimiter}')"
    if connection.queries_logged:
        # As Django's debug cursor does for its own queries (COPY bypasses it).
        connection.queries_log.append(
            {"sql": connection.ops.compose_sql(sql, params), "time": "0.000"}
        )
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        blocks = (bytes(block) for block in copy)
        if dialect.line_end != "\n":
            blocks = line_ends(blocks, dialect.line_end)
        yield from blocks


def annotated(queryset, columns):
    """The queryset with each column as an alias (some equal model fields, such as "id");
    text columns neutralised against formulas."""
    names = [f"csv_{name}" for name, _expression in columns]
    probe = queryset.annotate(
        **{alias: expression for alias, (_name, expression) in zip(names, columns, strict=True)}
    )
    text_types = {"CharField", "TextField", "SlugField", "URLField"}

    def safe(alias, expression):
        kind = probe.query.annotations[alias].output_field.get_internal_type()
        return neutralised(expression) if kind in text_types else expression

    queryset = queryset.annotate(
        **{
            alias: safe(alias, expression)
            for alias, (_name, expression) in zip(names, columns, strict=True)
        }
    )
    return queryset, names


def csv_body(queryset, columns, dialect=PLAIN):
    """Header and rows."""
    queryset, names = annotated(queryset, columns)
    yield header_line([name for name, _expression in columns], dialect)
    if connections[queryset.db].vendor == "postgresql":
        yield from postgresql_copy(queryset, names, dialect)
    else:
        yield from python_csv(queryset, names, dialect)


# File names: the list, its filters and the day, e.g.
# toezeggingen_status-fulfilled_ministry-bz_2026-11-29.csv
FILE_NAMES = {"commitments": "toezeggingen", "motions": "moties", "letters": "kamerbrieven"}
NOT_FILTERS = {"page", "order"}
MAX_FILTER_PART = 120  # characters of the file name that describe the filters


def file_name(name, filterset, dialect):
    parts = []
    for field in filterset.filters:
        if field in NOT_FILTERS:
            continue
        values = [slugify(value) for value in filterset.data.getlist(field)]
        values = [value for value in values if value]
        if values:
            parts.append(slugify(f"{field}-{'-'.join(values)}"))
    described = "_".join(parts)[:MAX_FILTER_PART].strip("-_")
    suffix = "_excel" if dialect is EXCEL else ""
    day = timezone.localdate().isoformat()
    return "_".join(p for p in (FILE_NAMES[name], described, day) if p) + f"{suffix}.csv"


def export(request, *, name, filterset_class, queryset, columns, dialect=PLAIN):
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        errors = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()
        )
        return HttpResponseBadRequest(
            _("Invalid filter: %(errors)s") % {"errors": errors},
            content_type="text/plain; charset=utf-8",
        )
    base_url = request.build_absolute_uri(reverse(f"commitments:{name}"))
    response = StreamingHttpResponse(
        csv_body(filterset.qs, columns(base_url), dialect),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{file_name(name, filterset, dialect)}"'
    )
    return response


@require_GET
def export_commitments(request, dialect=PLAIN):
    return export(
        request,
        name="commitments",
        filterset_class=CommitmentFilter,
        queryset=Commitment.objects.with_deadline_state(),
        columns=commitment_columns,
        dialect=dialect,
    )


@require_GET
def export_motions(request, dialect=PLAIN):
    return export(
        request,
        name="motions",
        filterset_class=MotionFilter,
        queryset=Motion.objects.annotate(**MOTION_PARTS),
        columns=motion_columns,
        dialect=dialect,
    )


@require_GET
def export_letters(request, dialect=PLAIN):
    return export(
        request,
        name="letters",
        filterset_class=LetterFilter,
        queryset=Letter.objects.all(),
        columns=letter_columns,
        dialect=dialect,
    )
