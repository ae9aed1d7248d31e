"""One FilterSet per list. The list page, its CSV export and the dashboard links all use
the same FilterSet, so one query string means the same rows everywhere."""

import hashlib

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.cache import cache
from django.db import connections
from django.db.models import Expression, Q, Value
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import DeadlineState, LetterKind, MotionKind, Status
from .models import (
    Cabinet,
    Commitment,
    Letter,
    Ministry,
    Motion,
    Person,
    StatusUpdate,
    Theme,
    deadline_condition,
    person_label,
)
from .scorecards import inherited_by, with_person_then


class QuickSelect(forms.Select):
    """A select rendered with string joins instead of one template per option, so a list
    of hundreds of people costs a millisecond, not tens. Same markup as Django's.

    With ``label_columns`` (columns, function) the choices of a model choice field are read
    as plain values, ``function(*columns)`` giving each label, instead of as model
    instances. With a ``choices_version`` (the list's ``ListFilterSet`` sets the page's
    ETag, which changes with the data), their options are rendered once per version,
    language and selection, and kept in the cache."""

    choices_version = None

    def __init__(self, attrs=None, choices=(), label_columns=None):
        super().__init__(attrs, choices)
        self.label_columns = label_columns

    def options(self):
        if self.label_columns is None or not isinstance(self.choices, ModelChoiceIterator):
            return self.choices
        columns, label = self.label_columns
        field = self.choices.field
        empty = [] if field.empty_label is None else [("", field.empty_label)]
        rows = field.queryset.values_list(field.to_field_name, *columns)
        return [*empty, *((key, label(*values)) for key, *values in rows)]

    def options_html(self, chosen):
        return "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) in chosen else ""}>'
            f"{escape(label)}</option>"
            for v, label in self.options()
        )

    def cached_options_html(self, chosen):
        if self.choices_version is None or self.label_columns is None:
            return self.options_html(chosen)
        model = self.choices.queryset.model._meta.label
        place = repr((self.choices_version, get_language(), model, sorted(chosen)))
        key = f"choices:{hashlib.sha256(place.encode()).hexdigest()}"  # any value a key can hold
        html = cache.get(key)
        if html is None:
            html = self.options_html(chosen)
            cache.set(key, html)
        return html

    def render(self, name, value, attrs=None, renderer=None):
        attributes = self.build_attrs(self.attrs, attrs)
        attributes["name"] = name
        if self.allow_multiple_selected:
            attributes["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        options = self.cached_options_html(chosen)
        return mark_safe(f"<select{flatatt(attributes)}>{options}</select>")  # noqa: S308


class QuickInput:
    """An ``<input>`` (text, date, number, hidden) rendered with a string join instead of
    Django's two templates. Same markup as Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        attributes = {"type": self.input_type, "name": name}
        value = self.format_value(value)
        if value is not None:
            attributes["value"] = value
        attributes.update(self.build_attrs(self.attrs, attrs))
        html = "".join(
            f" {key}" if v is True else f' {key}="{escape(v)}"'
            for key, v in attributes.items()
            if v is not False
        )
        return mark_safe(f"<input{html}>")  # noqa: S308 - every value escaped


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class QuickNumberInput(QuickInput, forms.NumberInput):
    pass


class QuickHiddenInput(QuickInput, forms.HiddenInput):
    pass


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    pass


# The choices of the filter forms, and the columns their labels are made of.
MINISTRIES = (Ministry.objects.all(), (("name",), str))
PERSONS = (
    Person.objects.all(),
    (("first_name", "initials", "tussenvoegsel", "name"), person_label),
)
CABINETS = (Cabinet.objects.all(), (("name",), str))
THEMES = (Theme.objects.all(), (("name",), str))


def key_choice(choices, field_name, label, distinct=False):
    """Choose a related record by its key; ``distinct`` for many-to-many joins."""
    queryset, label_columns = choices
    return filters.ModelChoiceFilter(
        queryset=queryset,
        field_name=field_name,
        to_field_name="key",
        label=label,
        distinct=distinct,
        widget=QuickSelect(label_columns=label_columns),
    )


MAX_SEARCH_LENGTH = 200  # characters
MAX_SEARCH_WORDS = 10  # each word is a condition on every searched column


def validate_search_words(value):
    if len(value.split()) > MAX_SEARCH_WORDS:
        raise forms.ValidationError(
            _("Search for at most %(max)d words."),
            code="max_words",
            params={"max": MAX_SEARCH_WORDS},
        )


class SearchFilter(filters.CharFilter):
    """Words that must all occur. Bounded in length and number of words, so no search can
    make a query too large or too slow.

    On PostgreSQL, the ``document`` columns are searched as full text: the stored Dutch
    ``search_document`` (migration 0013, GIN index) matched by ``websearch_to_tsquery``, so
    "wetten" finds "wet", and, unless the list is sorted by a column, the best matches come
    first (title matches above text matches). The ``fields`` not in the document (numbers,
    names in other tables) are still matched as text, each word in one of them. On other
    databases every field is matched as text (``icontains``), each word in one of them.

    The FilterSet names the columns: ``search_fields``, and ``search_document``, those of
    them in the stored document (empty: no full-text search)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("search"))
        kwargs.setdefault("widget", QuickTextInput)
        super().__init__(*args, **kwargs)
        self.extra.update(max_length=MAX_SEARCH_LENGTH, validators=[validate_search_words])

    def filter(self, queryset, value):
        if not value:
            return queryset
        fields, document = self.parent.search_fields, self.parent.search_document
        if not document or connections[queryset.db].vendor != "postgresql":
            return queryset.filter(words_condition(value, fields))
        query = SearchQuery(value, config="dutch", search_type="websearch")
        condition = Q(search_document=query)
        others = [field for field in fields if field not in document]
        if others:
            condition |= words_condition(value, others)
        queryset = queryset.alias(search_document=SearchDocument()).filter(condition)
        # Best matches first; a sort chosen in the form (``order``) replaces this.
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        return queryset.annotate(search_rank=SearchRank(SearchDocument(), query)).order_by(
            "-search_rank", *ordering, "pk"
        )


def words_condition(value, fields):
    """Every word of ``value`` in one of ``fields`` (case-insensitive, anywhere)."""
    condition = Q()
    for term in value.split():
        term_condition = Q()
        for field in fields:
            term_condition |= Q(**{f"{field}__icontains": term})
        condition &= term_condition
    return condition


class SearchDocument(Expression):
    """The ``search_document`` column PostgreSQL keeps on the searched tables (migration
    0013). It is not a model field, so Django never reads or writes it."""

    output_field = SearchVectorField()
    column = "search_document"

    def resolve_expression(self, query=None, *args, **kwargs):
        target = SearchVectorField()
        target.column = self.column
        target.model = query.model
        return Col(query.get_initial_alias(), target, output_field=self.output_field)


class StableOrderingFilter(filters.OrderingFilter):
    """Sorts by the chosen column, then by id, so rows with equal values keep one order
    across pages and in the CSV export."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "id") if value else qs

    def build_choices(self, fields, labels):
        """As django-filter's, but "title (descending)" is put together in the language of
        each request, not once in the language active when this module was loaded."""
        ascending = [(param, labels.get(field, param)) for field, param in fields.items()]
        descending = [
            (f"-{param}", descending_label(self.descending_fmt, label))
            for param, label in ascending
        ]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]


descending_label = lazy(lambda fmt, label: str(fmt) % label, str)


class YearFilter(filters.NumberFilter):
    """A four-digit year; by default the year of ``field_name``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "year")
        kwargs.setdefault("label", _("year"))
        kwargs.setdefault("widget", QuickNumberInput)
        super().__init__(*args, **kwargs)
        self.extra.update(min_value=1800, max_value=2200)


class ListFilterSet(filters.FilterSet):
    """A list's FilterSet. On a public page (one with an ETag, ``tracker/caching.py``) its
    selects of records render their options once per data version (``QuickSelect``)."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            version = getattr(self.request, "public_etag", None)
            for field in super().form.fields.values():
                field.widget.choices_version = version
        return self._form


class TrackableFilter(ListFilterSet):
    """Status filters shared by commitments and motions. With ``as_of`` (a date) the list
    looks back: items made by that day, with the status they had on it, as on the
    progress dashboard."""

    made_field = None
    search_fields = ()
    search_document = ()

    q = SearchFilter()
    status = filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("status"), method="filter_status",
        widget=QuickSelectMultiple,
    )  # fmt: skip
    as_of = filters.DateFilter(
        label=_("status on (date)"),
        method="filter_as_of",
        widget=QuickDateInput(attrs={"type": "date"}),
    )
    fulfilled_year = YearFilter(label=_("fulfilled in year"), method="filter_fulfilled_year")

    def as_of_day(self):
        return self.form.cleaned_data.get("as_of")

    def with_status_on(self, queryset, day):
        """Annotate ``status_on``: the status on ``day``; open before the first update.
        (``status_as_of`` also annotates ``latest_update_as_of``.)"""
        return queryset.status_as_of(day).annotate(
            status_on=Coalesce("status_as_of", Value(Status.OPEN.value))
        )

    def filter_status(self, queryset, name, value):
        day = self.as_of_day()
        if day is None:
            return queryset.filter(status__in=value)
        return self.with_status_on(queryset, day).filter(status_on__in=value)

    def filter_as_of(self, queryset, name, value):
        return queryset.filter(**{f"{self.made_field}__lte": value})

    def filter_fulfilled_year(self, queryset, name, value):
        fulfilled = StatusUpdate.objects.filter(status=Status.FULFILLED, date__year=value)
        subject = queryset.model._meta.model_name
        return queryset.filter(pk__in=fulfilled.values(subject))


class CommitmentFilter(TrackableFilter):
    made_field = "made_on_or_letter"
    search_fields = search_document = ("title", "text", "occasion", "due_phrase")

    ministry = key_choice(MINISTRIES, "made_by__ministry", _("ministry"))
    person = key_choice(PERSONS, "made_by__person", _("minister or state secretary"))
    cabinet = key_choice(CABINETS, "made_by__cabinet", _("cabinet"))
    theme = key_choice(THEMES, "themes", _("theme"), distinct=True)
    # The scorecards' attribution by tenure (scorecards.py): reached from their links, so
    # kept in the form as hidden fields (a person's key) rather than two more long selects.
    # ``field_name`` names a person field, for the API schema: the methods do the work.
    person_then = filters.ModelChoiceFilter(
        field_name="made_by__person",
        queryset=PERSONS[0],
        to_field_name="key",
        label=_("in office when made"),
        method="filter_person_then",
        widget=QuickHiddenInput,
    )
    inherited_by = filters.ModelChoiceFilter(
        field_name="made_by__person",
        queryset=PERSONS[0],
        to_field_name="key",
        label=_("inherited by"),
        method="filter_inherited_by",
        widget=QuickHiddenInput,
    )
    year = YearFilter(field_name="made_on_or_letter")
    deadline = filters.ChoiceFilter(
        choices=DeadlineState.choices,
        empty_label=_("all"),
        label=_("deadline"),
        method="filter_deadline",
        widget=QuickSelect,
    )
    order = StableOrderingFilter(
        fields=(
            ("made_on_or_letter", "made_on"),
            ("title", "title"),
            ("status", "status"),
            ("status_date", "status_date"),
            ("due_end", "due"),
        ),
        field_labels={
            "made_on_or_letter": _("made on"),
            "title": _("title"),
            "status": _("status"),
            "status_date": _("status date"),
            "due_end": _("due"),
        },
        label=_("order"),
    )

    # Earlier addresses said ``overdue=true``; it means ``deadline=overdue``.
    aliases = {"overdue": {"true": "overdue", "True": "overdue", "1": "overdue"}}

    class Meta:
        model = Commitment
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        if data is not None and not data.get("deadline"):
            for name, values in self.aliases.items():
                value = data.get(name)
                if isinstance(value, str) and value in values:
                    data = data.copy()
                    data["deadline"] = values[value]
        super().__init__(data, queryset, **kwargs)

    def filter_person_then(self, queryset, name, value):
        return with_person_then(queryset).filter(person_then=value.pk)

    def filter_inherited_by(self, queryset, name, value):
        return inherited_by(queryset, value.pk)

    def filter_deadline(self, queryset, name, value):
        day = self.as_of_day()
        if day is None:
            return queryset.filter(deadline_condition(value))
        queryset = self.with_status_on(queryset, day)
        return queryset.filter(
            deadline_condition(value, day, status="status_on", latest="latest_update_as_of")
        )


class MotionFilter(TrackableFilter):
    made_field = "date"
    search_fields = ("title", "operative_text", "submitter__name", "number")
    search_document = ("title", "operative_text")

    kind = filters.ChoiceFilter(choices=MotionKind.choices, label=_("kind"), widget=QuickSelect)
    theme = key_choice(THEMES, "themes", _("theme"), distinct=True)
    party = filters.CharFilter(
        field_name="submitter__party", lookup_expr="iexact", label=_("party"), widget=QuickTextInput
    )
    year = YearFilter(field_name="date")
    order = StableOrderingFilter(
        fields=(("date", "date"), ("title", "title"), ("status", "status")),
        field_labels={"date": _("date"), "title": _("title"), "status": _("status")},
        label=_("order"),
    )

    class Meta:
        model = Motion
        fields = []


class LetterFilter(ListFilterSet):
    search_fields = ("title", "number", "dossier__number")
    search_document = ("title",)

    q = SearchFilter()
    kind = filters.ChoiceFilter(choices=LetterKind.choices, label=_("kind"), widget=QuickSelect)
    ministry = key_choice(MINISTRIES, "signatories__ministry", _("ministry"), True)
    person = key_choice(PERSONS, "signatories__person", _("minister or state secretary"), True)
    year = YearFilter(field_name="date")
    order = StableOrderingFilter(
        fields=(("date", "date"), ("title", "title")),
        field_labels={"date": _("date"), "title": _("title")},
        label=_("order"),
    )

    class Meta:
        model = Letter
        fields = []


class PersonFilter(ListFilterSet):
    search_fields = ("name", "tussenvoegsel", "first_name")
    search_document = ()  # a few hundred names: matched as text

    q = SearchFilter()
    ministry = key_choice(MINISTRIES, "offices__ministry", _("ministry"), True)
    cabinet = key_choice(CABINETS, "offices__cabinet", _("cabinet"), True)

    class Meta:
        model = Person
        fields = []
