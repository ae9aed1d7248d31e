"""Display labels, each defined here once, in two forms side by side.

The Python form labels one record (``__str__``, the detail pages, the admin, the feeds).
The SQL form labels a whole query at once: the QuerySets' ``with_labels()`` annotate it,
and both the list pages and the CSV exports (PostgreSQL's ``COPY``) show that annotated
value. The SQL functions take ``prefix``, the lookup path from the queried model to the
labelled record (``"made_by__"``, or ``""`` for the model itself). ``tests/test_labels.py``
checks for every seeded record that the two forms agree and that each CSV cell is the
label its page shows.

Where a value is missing the SQL form gives NULL (an empty CSV field), the Python form "".
"""

from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils.text import capfirst

TEXT = CharField()  # the type of every label; Concat needs one type


def text(expression):
    """Empty text as NULL, so a CSV field stays empty (COPY would quote "")."""
    return NullIf(expression, Value(""), output_field=TEXT)


LABEL_COLUMN = "label_text"


class JoinedLabels(Subquery):
    """The labels a subquery selects (one column, in the subquery's order), joined with
    ``separator``; NULL when there are none."""

    output_field = TEXT

    def __init__(self, queryset, separator):
        self.separator = separator
        super().__init__(queryset)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        # GROUP_CONCAT over an ordered subquery keeps its order (SQLite has no ORDER BY
        # inside GROUP_CONCAT before 3.44).
        column = connection.ops.quote_name(LABEL_COLUMN)
        return f"(SELECT GROUP_CONCAT({column}, %s) FROM {sql})", (  # noqa: S608
            self.separator,
            *params,
        )

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"NULLIF(ARRAY_TO_STRING(ARRAY{sql}, %s), '')", (*params, self.separator)


def joined(queryset, link, label, separator):
    """The ``label``s of the rows of ``queryset`` linked to the outer row by ``link``, in
    the order of ``queryset``'s model (its ``Meta.ordering``, which ends in the id, so the
    order is the same everywhere), joined."""
    rows = queryset.filter(**{link: OuterRef("pk")}).order_by(*queryset.model._meta.ordering)
    return JoinedLabels(rows.values(**{LABEL_COLUMN: label}), separator)


# Kamerstuk: "30 420, nr. 415" ----------------------------------------------------------


def kamerstuk_label(dossier_number, number):
    """ "30 420, nr. 415"; the dossier alone without a number; "" without a dossier."""
    if not dossier_number:
        return ""
    return f"{dossier_number}, nr. {number}" if number else dossier_number


def kamerstuk_sql(prefix=""):
    dossier, number = F(f"{prefix}dossier__number"), F(f"{prefix}number")
    return Case(
        When(**{f"{prefix}dossier__isnull": True}, then=Value(None)),
        When(**{f"{prefix}number": ""}, then=dossier),
        default=Concat(dossier, Value(", nr. "), number),
        output_field=TEXT,
    )


# Letter: "30 420, nr. 415: Title", or the title alone ------------------------------------


def letter_label(kamerstuk, title):
    return f"{kamerstuk}: {title}" if kamerstuk else title


def letter_sql(prefix):
    """``prefix`` ends in "__" and names a foreign key to a letter, which may be NULL."""
    return Case(
        When(**{f"{prefix}isnull": True}, then=Value(None)),
        When(**{f"{prefix}dossier__isnull": True}, then=F(f"{prefix}title")),
        default=Concat(kamerstuk_sql(prefix), Value(": "), F(f"{prefix}title")),
        output_field=TEXT,
    )


# Names: "Hugo de Jonge", "F.C.G.M. Timmermans", "Van den Hul (PvdA)" --------------------


def full_surname(tussenvoegsel, name):
    """ "de Jonge": the surname with its prefix (tussenvoegsel), as it is written."""
    return f"{tussenvoegsel} {name}" if tussenvoegsel else name


def full_surname_sql(prefix):
    return Case(
        When(**{f"{prefix}tussenvoegsel": ""}, then=F(f"{prefix}name")),
        default=Concat(F(f"{prefix}tussenvoegsel"), Value(" "), F(f"{prefix}name")),
        output_field=TEXT,
    )


def person_label(first_name, initials, tussenvoegsel, name):
    """ "Hugo de Jonge", "F.C.G.M. Timmermans"."""
    return f"{first_name or initials} {full_surname(tussenvoegsel, name)}".strip()


def person_sql(prefix, initials=True):
    """A person (with initials) or a member of parliament (``initials=False``)."""
    given = text(F(f"{prefix}first_name"))
    if initials:
        given = Coalesce(given, F(f"{prefix}initials"), output_field=TEXT)
    given = Coalesce(given, Value(""), output_field=TEXT)
    return Trim(Concat(given, Value(" "), full_surname_sql(prefix), output_field=TEXT))


def member_label(name, party):
    """ "Van den Hul (PvdA)", or the name alone."""
    return f"{name} ({party})" if party else name


def member_sql(prefix=""):
    name = person_sql(prefix, initials=False)
    return Case(
        When(**{f"{prefix}party": ""}, then=name),
        default=Concat(name, Value(" ("), F(f"{prefix}party"), Value(")")),
        output_field=TEXT,
    )


def submitters_label(first, co_submitters, unnamed_co_submitters):
    """ "Van den Hul (PvdA), Bergkamp (D66) c.s.": the first submitter, then the others."""
    text_ = ", ".join(name for name in [first, *co_submitters] if name)
    return f"{text_} c.s." if unnamed_co_submitters else text_


def submitters_sql(first, co_submitters):
    """``first`` and ``co_submitters`` name annotations (NULL when there are none)."""
    names = Case(
        When(**{f"{first}__isnull": True}, then=F(co_submitters)),
        When(**{f"{co_submitters}__isnull": True}, then=F(first)),
        default=Concat(F(first), Value(", "), F(co_submitters)),
        output_field=TEXT,
    )
    unnamed = Case(When(has_unnamed_co_submitters=True, then=Value(" c.s.")), default=Value(""))
    return text(Concat(names, unnamed, output_field=TEXT))


# Offices: "Anna Jansen, Minister (VWS), Medische Zorg" ----------------------------------


def office_label(role, ministry_abbreviation, ministry_name, portfolio, person=""):
    """ "Anna Jansen, Minister (VWS), Medische Zorg"; without a person, the post alone."""
    from .models import Role

    title = f"{capfirst(Role(role).label)} ({ministry_abbreviation or ministry_name})"
    if portfolio:
        title = f"{title}, {portfolio}"
    return f"{person}, {title}" if person else title


def post_sql(prefix):
    """The post alone: "Minister (VWS), Medische Zorg" (``office_label`` without a person).
    Built when called, so the role is in the language of the request."""
    from .models import Role

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


def office_sql(prefix):
    """``office_label``: the person, if known, then the post."""
    return Case(
        When(**{f"{prefix}person__isnull": True}, then=post_sql(prefix)),
        default=Concat(
            person_sql(f"{prefix}person__"), Value(", "), post_sql(prefix), output_field=TEXT
        ),
        output_field=TEXT,
    )


def holder_label(office):
    """Who made a commitment: the person, or the post where the person is not named."""
    if office is None:
        return ""
    return str(office.person) if office.person_id else office.post


def holder_sql(prefix):
    """``holder_label``; ``prefix`` ends in "__" and names a foreign key to an office."""
    return Case(
        When(**{f"{prefix}isnull": True}, then=Value(None)),
        When(**{f"{prefix}person__isnull": False}, then=person_sql(f"{prefix}person__")),
        default=post_sql(prefix),
        output_field=TEXT,
    )
