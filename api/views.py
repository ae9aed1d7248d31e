"""The open data API: read-only, anonymous and throttled. Each list takes the parameters
of the site's list of the same records (the FilterSets in commitments/filters.py) and is
paged with a cursor; each record is found by its key."""

import copy

from django.core.exceptions import BadRequest
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults
from django_filters import rest_framework as drf_filters
from django_filters.filters import (
    ChoiceFilter,
    DateFilter,
    ModelChoiceFilter,
    MultipleChoiceFilter,
    NumberFilter,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.exceptions import ParseError
from rest_framework.filters import BaseFilterBackend

from commitments.feeds import IGNORED, filtered_updates
from commitments.filters import CommitmentFilter, LetterFilter, MotionFilter, PersonFilter
from commitments.models import Commitment, Letter, Motion, Office, Person, StatusUpdate

from . import serializers
from .pagination import NewestFirstPagination


def year_schema(filter_):
    return {
        "type": "integer",
        "minimum": filter_.extra["min_value"],
        "maximum": filter_.extra["max_value"],
    }


def api_filterset(filterset_class):
    """The list's FilterSet as the API takes it: without its ``order`` parameter (the
    API's order is fixed, so that a cursor always points into the same sequence), and
    with its years described as whole numbers in the schema."""
    attrs = {"order": None} if "order" in filterset_class.base_filters else {}
    for name, filter_ in filterset_class.base_filters.items():
        if isinstance(filter_, NumberFilter) and "min_value" in filter_.extra:
            attrs[name] = extend_schema_field(year_schema(filter_))(copy.deepcopy(filter_))
    return type(filterset_class.__name__, (filterset_class,), attrs)


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "key"
    lookup_value_regex = r"[^/]+"  # any key reaches the view: unknown ones get a JSON 404
    filter_backends = [drf_filters.DjangoFilterBackend]


@extend_schema_view(
    list=extend_schema(summary="Commitments (toezeggingen), with the list's filters"),
    retrieve=extend_schema(summary="One commitment"),
)
class CommitmentViewSet(ReadOnlyViewSet):
    serializer_class = serializers.CommitmentSerializer
    filterset_class = api_filterset(CommitmentFilter)

    def get_queryset(self):  # per request: overdue depends on the day
        return (
            Commitment.objects.for_list()
            .select_related("made_by__cabinet", "source_letter")
            .prefetch_related("themes")
        )


@extend_schema_view(
    list=extend_schema(summary="Motions (moties), with the list's filters"),
    retrieve=extend_schema(summary="One motion"),
)
class MotionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.MotionSerializer
    filterset_class = api_filterset(MotionFilter)
    queryset = Motion.objects.for_list().prefetch_related("themes")


OFFICES = Office.objects.select_related("person", "ministry", "cabinet")


@extend_schema_view(
    list=extend_schema(summary="Letters to parliament (Kamerbrieven), with the list's filters"),
    retrieve=extend_schema(summary="One letter"),
)
class LetterViewSet(ReadOnlyViewSet):
    serializer_class = serializers.LetterSerializer
    filterset_class = api_filterset(LetterFilter)
    queryset = Letter.objects.select_related("dossier").prefetch_related(
        Prefetch("signatories", queryset=OFFICES)
    )


@extend_schema_view(
    list=extend_schema(summary="Ministers and state secretaries, with the list's filters"),
    retrieve=extend_schema(summary="One minister or state secretary"),
)
class PersonViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PersonSerializer
    filterset_class = api_filterset(PersonFilter)
    queryset = Person.objects.prefetch_related(
        Prefetch("offices", queryset=Office.objects.select_related("ministry", "cabinet"))
    )


def filter_parameter(name, filter_):
    """The OpenAPI description of one filter of a list's FilterSet."""
    description = str(filter_.label or "")
    if isinstance(filter_, ModelChoiceFilter):
        return OpenApiParameter(name, str, description=f"{description} (key)")
    if isinstance(filter_, MultipleChoiceFilter):
        values = [value for value, _label in filter_.extra["choices"]]
        schema = {"type": "array", "items": {"type": "string", "enum": values}}
        return OpenApiParameter(name, schema, description=description, explode=True)
    if isinstance(filter_, ChoiceFilter):
        values = [value for value, _label in filter_.extra["choices"]]
        return OpenApiParameter(name, str, enum=values, description=description)
    if isinstance(filter_, DateFilter):
        return OpenApiParameter(name, OpenApiTypes.DATE, description=description)
    if isinstance(filter_, NumberFilter):
        return OpenApiParameter(name, year_schema(filter_), description=description)
    schema = {"type": "string"}
    if "max_length" in filter_.extra:
        schema["maxLength"] = filter_.extra["max_length"]
    return OpenApiParameter(name, schema, description=description)


def update_filter_parameters():
    """The parameters of the commitments and motions lists, as the Atom feed takes them."""
    filters = {**MotionFilter.base_filters, **CommitmentFilter.base_filters}
    return [filter_parameter(name, f) for name, f in filters.items() if name not in IGNORED]


class UpdateFilterBackend(BaseFilterBackend):
    """The updates of the commitments and motions the lists show with these parameters,
    exactly as the Atom feed selects them (``feeds.filtered_updates``)."""

    def filter_queryset(self, request, queryset, view):
        data = request.query_params.copy()
        for name in ("cursor", "page_size"):
            data.pop(name, None)
        try:
            return queryset & filtered_updates(data)
        except BadRequest as error:
            raise ParseError(str(error)) from error


@extend_schema_view(
    list=extend_schema(
        summary="Status updates, newest first, of the commitments and motions the lists show",
        parameters=update_filter_parameters(),
    ),
    retrieve=extend_schema(summary="One status update"),
)
class StatusUpdateViewSet(ReadOnlyViewSet):
    serializer_class = serializers.StatusUpdateSerializer
    filter_backends = [UpdateFilterBackend]
    pagination_class = NewestFirstPagination
    queryset = StatusUpdate.objects.select_related(
        "commitment", "motion", "evidence_letter", "corrects"
    )


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the visitor's language on the site."""

    def _get_schema_response(self, request):
        with translation.override("en"):
            return super()._get_schema_response(request)


def not_found(request, exception):
    """The site's 404: for an address under /api/ as JSON, as the API's own 404s are."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
