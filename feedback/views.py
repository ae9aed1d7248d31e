"""About the data: what the statuses mean, how overdue and no news are computed, where
the data comes from and how much of it there is, and a form to report an error."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments.models import (
    Commitment,
    Letter,
    Motion,
    Origin,
    SourceDocument,
    Status,
    StatusUpdate,
)

from .forms import ErrorReportForm

STATUS_MEANINGS = {
    Status.OPEN: gettext_lazy(
        "No step towards it is known yet; also every commitment without updates."
    ),
    Status.IN_PROGRESS: gettext_lazy("Work has started or a first step was reported."),
    Status.FULFILLED: gettext_lazy("Done as promised, according to the evidence."),
    Status.PARTIALLY_FULFILLED: gettext_lazy("Part of the promise was kept, part not (yet)."),
    Status.NOT_FULFILLED: gettext_lazy(
        "The government said it will not, or the time for it has passed."
    ),
    Status.LAPSED: gettext_lazy(
        "No longer relevant, for instance because parliament or the law changed."
    ),
}


def coverage():
    """Rows per kind of record and per origin (register, document, researcher): one query
    per kind."""
    kinds = [
        (_("Commitments"), Commitment),
        (_("Motions"), Motion),
        (_("Letters"), Letter),
        (_("Status updates"), StatusUpdate),
    ]
    rows = []
    for label, model in kinds:
        counts = dict(model.objects.order_by().values_list("origin").annotate(n=Count("pk")))
        per_origin = [{"label": o.label, "count": counts.get(o.value, 0)} for o in Origin]
        total = sum(cell["count"] for cell in per_origin)
        rows.append({"label": label, "counts": per_origin, "total": total})
    return rows


def about(request):
    if request.method == "POST":
        form = ErrorReportForm(request.POST)
        if form.is_valid():
            if not form.is_robot():
                form.save()
            messages.success(request, _("Thank you: your report was received."))
            return redirect(reverse("feedback:about") + "#report")
    else:
        form = ErrorReportForm(initial={"page": request.GET.get("page", "")[:500]})
    statuses = [(value, label, STATUS_MEANINGS[Status(value)]) for value, label in Status.choices]
    context = {
        "form": form,
        "statuses": statuses,
        "origins": [label for _value, label in Origin.choices],
        "coverage": coverage(),
        "documents": SourceDocument.objects.count(),
    }
    status = 400 if form.is_bound else 200
    return render(request, "feedback/about.html", context, status=status)
