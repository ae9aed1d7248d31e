"""The open data API: read-only, anonymous and throttled. Each list takes the parameters
of the site's list of the same records (the FilterSets in commitments/filters.py) and is
paged with a cursor; each record is found by its key."""

import copy
from urllib.parse import urlsplit

from django.core.exceptions import BadRequest
from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
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
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments import scorecards
from commitments.feeds import IGNORED, filtered_updates
from commitments.filters import CommitmentFilter, LetterFilter, MotionFilter, PersonFilter
from commitments.models import Commitment, Letter, Motion, Office, Person, StatusUpdate
from tracker.middleware import is_api_path

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


# The API list of the rows each site list shows: the same FilterSet, so the same query string.
API_LISTS = {
    "commitments:commitments": "api:commitment-list",
    "commitments:motions": "api:motion-list",
}


class ScorecardAnswer:
    """The scorecards of ``commitments.scorecards`` as the API gives them: each figure with
    the absolute address of its list on the site and of the same rows in the API."""

    def __init__(self, request):
        self.request = request

    def link(self, count, href, list_name):
        if href is None:
            return {"count": count, "url": None, "api_url": None}
        query = urlsplit(href).query
        api_list = reverse(API_LISTS[list_name])
        return {
            "count": count,
            "url": self.request.build_absolute_uri(href),
            "api_url": self.request.build_absolute_uri(
                f"{api_list}?{query}" if query else api_list
            ),
        }

    def card(self, card):
        list_name = card["list_name"]
        return {
            "total": card["total"],
            "kept": card["kept"],
            "kept_year_ago": card["kept_before"],
            "kept_change": card["kept_change"],
            "median_days": card["median_days"],
            "figures": [
                {
                    "name": cell["name"],
                    "label": str(cell["label"]),
                    "now": self.link(cell["n"], cell["href"], list_name),
                    "year_ago": self.link(cell["before"], cell["before_href"], list_name),
                }
                for cell in card["cells"]
            ],
        }

    def row(self, row, by):
        result = self.card(row)
        person = by == "person" and row["key"] is not None
        result.update(
            key=row["key"],
            label=row["label"],
            url=self.request.build_absolute_uri(row["page"]) if row["page"] else None,
            api_url=(
                self.request.build_absolute_uri(reverse("api:person-detail", args=[row["key"]]))
                if person
                else None
            ),
            inherited=None,
            inherited_open=None,
        )
        if "inherited" in row:
            hrefs = (row.get("inherited_href"), row.get("inherited_open_href"))
            result["inherited"] = self.link(row["inherited"], hrefs[0], row["list_name"])
            result["inherited_open"] = self.link(row["inherited_open"], hrefs[1], row["list_name"])
        return result


SORT_PARAMETER = OpenApiParameter(
    "sort",
    str,
    enum=scorecards.sort_choices(),
    default=scorecards.DEFAULT_SORT,
    description="kept, overdue, total or name; - first for descending",
)


class OverallScorecardsView(APIView):
    """The scorecards of all commitments and all motions, each figure with the list of
    exactly the rows it counts (``commitments.scorecards.overall``)."""

    @extend_schema(
        summary="The scorecards of all commitments and all motions",
        operation_id="scorecards_overall",
        responses=serializers.OverallSerializer,
    )
    def get(self, request):
        answer = ScorecardAnswer(request)
        cards = []
        for card in scorecards.overall():
            item = answer.card(card)
            item.update(subject=card["list_name"].partition(":")[2], title=str(card["title"]))
            cards.append(item)
        rankings = {
            by: request.build_absolute_uri(reverse("api:ranking", args=[by]))
            for by in scorecards.GROUPINGS
        }
        data = {
            "year_ago": scorecards.year_ago(timezone.localdate()),
            "cards": cards,
            "rankings": rankings,
        }
        return Response(serializers.OverallSerializer(data).data)


class RankingView(APIView):
    """The scorecard of every ministry, person, cabinet or theme (``by``), sorted by
    ``sort`` as on the site (``commitments.scorecards.ranking``)."""

    @extend_schema(
        summary="The scorecard of every ministry, person, cabinet or theme, ranked",
        operation_id="scorecards_ranking",
        parameters=[
            OpenApiParameter("by", str, OpenApiParameter.PATH, enum=list(scorecards.GROUPINGS)),
            SORT_PARAMETER,
        ],
        responses=serializers.RankingSerializer,
    )
    def get(self, request, by):
        sort = request.query_params.get("sort", scorecards.DEFAULT_SORT)
        if errors := scorecards.ranking_errors(by, sort):
            raise ValidationError({name: [message] for name, message in errors.items()})
        answer = ScorecardAnswer(request)
        rows = scorecards.ranking(scorecards.GROUPINGS[by], sort)
        data = {
            "by": by,
            "sort": sort,
            "year_ago": scorecards.year_ago(timezone.localdate()),
            "rows": [answer.row(row, by) for row in rows],
        }
        return Response(serializers.RankingSerializer(data).data)


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, in English whatever the visitor's language on the site."""

    def _get_schema_response(self, request):
        with translation.override("en"):
            return super()._get_schema_response(request)


def not_found(request, exception):
    """The site's 404: for an address under /api/ as JSON, as the API's own 404s are."""
    if is_api_path(request.path):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
