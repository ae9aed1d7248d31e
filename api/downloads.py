"""The whole data set for download: the CSV exports of the lists without filters, and
one JSON file with every record as the API gives it (the API's serializers, read in
chunks of keys, so memory stays flat and no query is made per row). With the licence and
the date of the data."""

import json

from django.apps import apps
from django.db.models import Max
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from rest_framework.utils.encoders import JSONEncoder

from commitments.models import StatusUpdate

from . import views
from .throttling import VisitorThrottle

CHUNK_SIZE = 500  # records read and written at a time
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# (name in the file, the API's view set of those records)
PARTS = [
    ("commitments", views.CommitmentViewSet),
    ("motions", views.MotionViewSet),
    ("letters", views.LetterViewSet),
    ("persons", views.PersonViewSet),
    ("status_updates", views.StatusUpdateViewSet),
]


def data_date():
    """When the data last changed: the latest change any record's history holds, or the
    latest status update recorded (records loaded in bulk have no history)."""
    history = [
        model
        for model in apps.get_app_config("commitments").get_models()
        if model._meta.model_name.startswith("historical")
    ]
    moments = [model.objects.aggregate(m=Max("history_date"))["m"] for model in history]
    moments.append(StatusUpdate.objects.aggregate(m=Max("created_at"))["m"])
    moments = [moment for moment in moments if moment]
    return timezone.localtime(max(moments)).date() if moments else None


def chunks(queryset, size=CHUNK_SIZE):
    """The records in key order, ``size`` at a time: one query per chunk (and one per
    prefetch), each starting after the last key of the one before."""
    queryset = queryset.order_by("key")
    last = None
    while True:
        chunk = list((queryset.filter(key__gt=last) if last else queryset)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].key


def records(request, viewset_class):
    """The records of one API list, each as JSON, separated by commas."""
    viewset = viewset_class(request=request, format_kwarg=None)
    first = True
    for chunk in chunks(viewset.get_queryset()):
        data = viewset.get_serializer(chunk, many=True).data
        text = ",\n".join(json.dumps(row, cls=JSONEncoder, ensure_ascii=False) for row in data)
        yield text if first else ",\n" + text
        first = False


def dataset_json(request, day):
    header = {
        "title": "Commitment tracker",
        "source": request.build_absolute_uri("/"),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "date": day.isoformat() if day else None,
    }
    yield json.dumps(header, ensure_ascii=False, indent=1)[:-2]
    for name, viewset_class in PARTS:
        yield f',\n "{name}": [\n'
        yield from records(request, viewset_class)
        yield "\n ]"
    yield "\n}\n"


@require_GET
def download_json(request):
    day = data_date()
    response = StreamingHttpResponse(
        dataset_json(request, day), content_type="application/json; charset=utf-8"
    )
    stamp = (day or timezone.localdate()).isoformat()
    response["Content-Disposition"] = f'attachment; filename="toezeggingen-tracker_{stamp}.json"'
    return response


@require_GET
def downloads(request):
    """The page: what can be downloaded, the licence and the date of the data."""
    requests, seconds = VisitorThrottle().parse_rate(VisitorThrottle().get_rate())
    context = {
        "day": data_date(),
        "licence_url": f"{LICENCE_URL}deed.{get_language()}",
        "requests": requests,
        "seconds": seconds,
    }
    return render(request, "api/downloads.html", context)
