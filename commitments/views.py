"""Public, read-only pages. Lists are FilterViews over the FilterSets in filters.py."""

import re
from urllib.parse import urlencode

from django.apps import apps
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from . import progress, scorecards
from .filters import CommitmentFilter, LetterFilter, MotionFilter, PersonFilter
from .models import (
    Commitment,
    Letter,
    Motion,
    Office,
    Person,
    Sourced,
    SourceDocument,
    StatusUpdate,
)

PAGE_SIZE = 50
COUNT_CAP = 1000  # rows a list counts; beyond, it says "more than 1,000"
DEEP_PAGE = 1000  # rows skipped from which a page reads its keys first


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows (``SELECT COUNT(*) FROM (... LIMIT
    cap + 1)``), so a list of 100,000 rows or a search matching 13,000 is not counted to
    show its first page. Beyond the cap, ``capped`` is true, ``count`` is the cap and the
    number of pages is not known: a page reads one row more than it shows, to know whether
    there is a next one; a number past the last page shows the last page, as ``get_page``
    does. A deep page, or a page of ranked search results, reads the keys of its rows
    first, then those rows."""

    cap = COUNT_CAP

    @cached_property
    def counted(self):
        # Any rows will do: no order, no computed columns.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self):
        return self.counted > self.cap

    @cached_property
    def count(self):
        return min(self.counted, self.cap)

    @cached_property
    def num_pages(self):
        if not self.capped:
            return super().num_pages
        # Only asked for a page number past the last page: count them all then.
        hits = max(1, self.object_list.count() - self.orphans)
        return -(-hits // self.per_page)

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # One row more than the page shows: is there a next page?
        rows = list(self.rows(bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            if self.capped:  # past the last page, which only counting all rows finds
                return self.page(self.num_pages)
            raise EmptyPage(self.error_messages["no_results"])
        page = Page(rows[: self.per_page], number, self)
        page.has_next = lambda: len(rows) > self.per_page
        return page

    def rows(self, bottom, top):
        queryset = self.object_list
        ranked = any(str(field).lstrip("-") == "search_rank" for field in queryset.query.order_by)
        if (bottom < DEEP_PAGE and not ranked) or queryset.query.distinct:
            return queryset[bottom:top]
        # A deep page, or search results in order of their rank (computed for every
        # match): the keys first, then only those rows with their joins, instead of
        # joining every skipped or ranked row.
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in queryset.filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]


def feed_url(url_name, query=None, **kwargs):
    """The address of an Atom feed (feeds.py), with list filters from ``query`` (a QueryDict)
    without the paging and sorting parameters the feeds ignore."""
    url = reverse(url_name, kwargs=kwargs)
    if query:
        query = query.copy()
        for name in ("page", "order"):
            query.pop(name, None)
    return f"{url}?{query.urlencode()}" if query else url


def dashboard(request):
    """The progress dashboard, read from the tallies the write path keeps (``progress``):
    it is as fast right after a change as before it. ``?by=person`` (any of
    ``progress.BREAKDOWNS``) is the page of one breakdown; another value answers 400 with
    the choices."""
    by = request.GET.get("by")
    if by is None:
        context = progress.figures(timezone.localdate().year)
        return render(request, "commitments/progress.html", context)
    if by not in progress.BREAKDOWNS:
        error = _("Unknown grouping %(value)s; choose one of: %(choices)s.") % {
            "value": repr(by),
            "choices": ", ".join(progress.BREAKDOWNS),
        }
        return render(request, "commitments/progress_breakdown.html", {"error": error}, status=400)
    return render(request, "commitments/progress_breakdown.html", progress.breakdown_page(by))


def home(request):
    counts = {
        "commitments": Commitment.objects.count(),
        "motions": Motion.objects.count(),
        "letters": Letter.objects.count(),
        "persons": Person.objects.count(),
    }
    recent = StatusUpdate.objects.select_related(
        "commitment", "motion__submitter", "evidence_letter__dossier"
    ).latest_first()[:10]
    context = {"counts": counts, "recent": recent, "scorecards": scorecards.overall()}
    return render(request, "commitments/home.html", context)


def scorecards_page(request):
    """The ranking of ministries, persons, cabinets or themes (``by``), sorted by ``sort``
    (``kept``, ``overdue``, ``total`` or ``name``; "-" first for descending). An unknown
    value answers 400 with the reason."""
    by = request.GET.get("by", "ministry")
    sort = request.GET.get("sort", scorecards.DEFAULT_SORT)
    errors = list(scorecards.ranking_errors(by, sort).values())
    context = {
        "groupings": scorecards.GROUPINGS.values(),
        "by": by,
        "sort": sort,
        "errors": errors,
        "year_ago": scorecards.year_ago(timezone.localdate()),
    }
    if errors:
        return render(request, "commitments/scorecards.html", context, status=400)
    grouping = scorecards.GROUPINGS[by]
    context.update(
        grouping=grouping,
        rows=scorecards.ranking(grouping, sort),
        columns=[(name, scorecards.LABELS[name]) for name in scorecards.figure_names(True)[1:]],
        sort_links=sort_links(by, sort),
    )
    return render(request, "commitments/scorecards.html", context)


def sort_links(by, sort):
    """{column: (address that sorts by it, current direction or "")}: the first click sorts
    descending (the highest share or the most overdue first), the next ascending."""
    links = {}
    for name in scorecards.SORTS:
        if sort == f"-{name}":
            target, state = name, "descending"
        elif sort == name:
            target, state = f"-{name}", "ascending"
        else:
            target, state = (name if name == "name" else f"-{name}"), ""
        links[name] = {"href": "?" + urlencode({"by": by, "sort": target}), "state": state}
    return links


class ListPage(FilterView):
    """A filtered, sortable, paginated list. Invalid filter values show the form errors and
    no rows (django-filter's strict mode), never a server error."""

    paginate_by = PAGE_SIZE
    paginator_class = CappedPaginator
    export_url_name = None
    feed_url_name = None
    labels = ()  # the labels (``with_labels()``) the rows show; all if empty
    # The rows show their labels and their own columns only (``rows.py``): no joins, no
    # prefetch.
    labels_only = False
    deferred = ()  # the long texts the rows leave in the database

    def paginate_queryset(self, queryset, page_size):
        """Out-of-range or malformed page numbers show the nearest page, not a 404."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get(self, request, *args, **kwargs):
        """Invalid filter values: the page with the message and no rows, as a 400."""
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        # Per request: overdue depends on the day, the labels on the language.
        queryset = self.model.objects.for_list().with_labels(*self.labels)
        if self.labels_only:
            queryset = queryset.select_related(None).prefetch_related(None)
        return queryset.defer(*self.deferred) if self.deferred else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_url_name"] = self.export_url_name
        if self.feed_url_name:
            context["feed_url"] = feed_url(self.feed_url_name, self.request.GET)
        return context


class CommitmentList(ListPage):
    model = Commitment
    filterset_class = CommitmentFilter
    template_name = "commitments/commitment_list.html"
    export_url_name = "commitments:commitments-export"
    feed_url_name = "commitments:commitments-feed"
    labels = ("made_by_label",)
    deferred = ("text", "source_passage")

    def get_queryset(self):
        # Only the joins the rows show: fewer joins plan faster.
        return (
            super()
            .get_queryset()
            .select_related(None)
            .select_related("made_by__person", "made_by__ministry", "source_letter")
        )


class MotionList(ListPage):
    model = Motion
    filterset_class = MotionFilter
    template_name = "commitments/motion_list.html"
    export_url_name = "commitments:motions-export"
    feed_url_name = "commitments:motions-feed"
    labels = ("kamerstuk_label", "submitters_label")
    labels_only = True
    deferred = ("operative_text", "source_passage")


class LetterList(ListPage):
    model = Letter
    filterset_class = LetterFilter
    template_name = "commitments/letter_list.html"
    export_url_name = "commitments:letters-export"
    labels_only = True  # the signatories' label, not the offices
    deferred = ("source_passage",)


class PersonList(ListPage):
    filterset_class = PersonFilter
    template_name = "commitments/person_list.html"

    def get_queryset(self):
        # Counted per person on the page (a subquery), not over all commitments at once.
        commitments = (
            Commitment.objects.filter(made_by__person=OuterRef("pk"))
            .order_by()
            .values("made_by__person")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Person.objects.prefetch_related(
                Prefetch("offices", queryset=Office.objects.select_related("ministry", "cabinet"))
            )
            .annotate(commitment_count=Coalesce(Subquery(commitments), 0))
            .order_by(*Person._meta.ordering, "id")
        )


def updates_queryset():
    return StatusUpdate.objects.select_related(
        "evidence_letter__dossier", "source_document", "corrects"
    ).earliest_first()


# What a detail page lists of a commitment or motion (``rows.record_items``: ``str()``, the
# link and the status), and no more: a letter can report on hundreds.
LISTED_COMMITMENT = ("key", "title", "status")
LISTED_MOTION = (
    "key", "title", "kind", "status",
    "submitter__first_name", "submitter__tussenvoegsel", "submitter__name",
)  # fmt: skip


def listed_commitments():
    return Commitment.objects.only(*LISTED_COMMITMENT, "source_letter", "motion")


def listed_motions():
    return Motion.objects.select_related("submitter").only(*LISTED_MOTION, "reported_in")


class KeyDetail(DetailView):
    slug_field = "key"
    slug_url_kwarg = "key"


class TimelineDetail(KeyDetail):
    """A commitment or motion with its status updates and the letters they cite."""

    feed_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feed_url"] = feed_url(self.feed_url_name, key=self.object.key)
        updates = list(self.object.updates.all())
        context["updates"] = updates
        context["reporting_letters"] = unique(u.evidence_letter for u in updates)
        return context


class CommitmentDetail(TimelineDetail):
    template_name = "commitments/commitment_detail.html"
    feed_url_name = "commitments:commitment-feed"

    def get_queryset(self):  # per request: overdue depends on the day
        return Commitment.objects.for_list().prefetch_related(
            "themes",
            Prefetch("updates", queryset=updates_queryset()),
            Prefetch("fulfilment_letters", queryset=Letter.objects.select_related("dossier")),
        )


class MotionDetail(TimelineDetail):
    queryset = Motion.objects.for_list().prefetch_related(
        "themes",
        Prefetch("updates", queryset=updates_queryset()),
        Prefetch("commitments", queryset=listed_commitments()),
    )
    template_name = "commitments/motion_detail.html"
    feed_url_name = "commitments:motion-feed"


def unique(items):
    seen = {}
    for item in items:
        if item is not None:
            seen.setdefault(item.pk, item)
    return list(seen.values())


class LetterDetail(KeyDetail):
    queryset = (
        Letter.objects.for_list()
        .select_related("text_document")
        .prefetch_related(
            Prefetch("commitments", queryset=listed_commitments()),
            Prefetch("motions", queryset=listed_motions()),
            Prefetch(
                "status_updates",
                queryset=StatusUpdate.objects.select_related("commitment", "motion__submitter")
                .only(
                    "date",
                    "date_precision",
                    "status",
                    "evidence_letter",
                    *(f"commitment__{name}" for name in LISTED_COMMITMENT),
                    *(f"motion__{name}" for name in LISTED_MOTION),
                )
                .earliest_first(),
            ),  # fmt: skip
            Prefetch("reports_on", queryset=Letter.objects.select_related("dossier")),
            Prefetch("reported_by", queryset=Letter.objects.select_related("dossier")),
            "other_dossiers",
        )
    )
    template_name = "commitments/letter_detail.html"


def office_work():
    """What an office's page lists: its commitments and the letters it signed, with only
    the columns those lists show (a person can have a thousand commitments)."""
    return [
        Prefetch(
            "commitments", queryset=Commitment.objects.only("key", "title", "status", "made_by")
        ),
        Prefetch(
            "letters_signed",
            queryset=Letter.objects.select_related("dossier").only(
                "key", "title", "number", "date", "dossier__number"
            ),
        ),
    ]


class PersonDetail(KeyDetail):
    queryset = Person.objects.prefetch_related(
        Prefetch(
            "offices",
            queryset=Office.objects.select_related("ministry", "cabinet").prefetch_related(
                *office_work()
            ),
        )
    )
    template_name = "commitments/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feed_url"] = feed_url(
            "commitments:feed", QueryDict.fromkeys(["person"], value=self.object.key)
        )
        context["scorecard"] = scorecards.person_card(self.object)
        return context


class OfficeDetail(KeyDetail):
    """An office whose holder the documents do not name ("de Minister van VWS")."""

    queryset = Office.objects.select_related("ministry", "cabinet", "person").prefetch_related(
        *office_work()
    )
    template_name = "commitments/office_detail.html"


CITING_MODELS = {
    model._meta.model_name: model
    for model in apps.get_app_config("commitments").get_models()
    if issubclass(model, Sourced)
}


def passage_pattern(passage):
    """A regex that finds the passage across any whitespace, as the seed check does."""
    words = passage.split()
    return re.compile(r"\s+".join(re.escape(word) for word in words)) if words else None


def highlight(text, passage):
    """The text, escaped, with the passage marked; (html, found)."""
    pattern = passage_pattern(passage) if passage else None
    match = pattern.search(text) if pattern else None
    if not match:
        return escape(text), False
    start, end = match.span()
    html = format_html(
        '{}<mark id="passage">{}</mark>{}', text[:start], text[start:end], text[end:]
    )
    return html, True


class SourceDetail(KeyDetail):
    """The source document, with the passage a record cites highlighted (``?cite=model:key``)."""

    model = SourceDocument
    template_name = "commitments/source_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        citing = self.citing_record()
        passage = citing.source_passage if citing else ""
        context["text"], context["found"] = highlight(self.object.text, passage)
        context["citing"] = citing
        return context

    def citing_record(self):
        cite = self.request.GET.get("cite", "")
        if not cite:
            return None
        model_name, _sep, key = cite.partition(":")
        model = CITING_MODELS.get(model_name)
        if model is None:
            raise Http404("Unknown record type")
        return get_object_or_404(model, key=key, source_document=self.object)
