"""What a subscription can follow, and which commitments and motions that covers.

A person, a ministry, a theme and a saved search are all read through the commitments
list's FilterSet (``person=``, ``ministry=``, ``theme=``, or the saved query string), so a
subscription covers exactly the rows that list shows. A theme covers the motions with that
theme too; a motion covers itself and the commitments that arise from it."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from commitments.filters import CommitmentFilter, MotionFilter
from commitments.models import Commitment, Ministry, Motion, Person, Theme

from .models import TargetKind

MODELS = {
    TargetKind.COMMITMENT: Commitment,
    TargetKind.MOTION: Motion,
    TargetKind.PERSON: Person,
    TargetKind.MINISTRY: Ministry,
    TargetKind.THEME: Theme,
}
# List parameters that change the order or the page, not the rows.
NOT_A_FILTER = {"order", "page"}


class InvalidTarget(Exception):
    """A saved search that the commitments list would refuse."""


def normalise_search(query):
    """The query string of a commitments list search, without order and page and with
    empty values left out, in a fixed order; InvalidTarget if the list would refuse it."""
    data = QueryDict(query.lstrip("?"))
    pairs = sorted(
        (name, value.strip())
        for name in data
        if name not in NOT_A_FILTER
        for value in data.getlist(name)
        if value.strip()
    )
    filterset = CommitmentFilter(QueryDict(urlencode(pairs)), queryset=Commitment.objects.none())
    unknown = {name for name, _value in pairs} - set(CommitmentFilter.base_filters)
    if unknown or not filterset.is_valid():
        raise InvalidTarget(_("This search is not valid on the commitments list."))
    return urlencode(pairs)


@dataclass
class Target:
    kind: str
    key: str
    label: str
    path: str

    @property
    def kind_label(self):
        return TargetKind(self.kind).label


def resolve(kind, key):
    """The Target for a kind and key; Http404 for an unknown record, InvalidTarget for a
    bad search."""
    if kind == TargetKind.SEARCH:
        query = normalise_search(key)
        path = reverse("commitments:commitments")
        label = _("Commitments list") + (f" ({query})" if query else "")
        return Target(kind, query, label, f"{path}?{query}" if query else path)
    model = MODELS.get(kind)
    if model is None:
        raise Http404("Unknown kind")
    record = get_object_or_404(model, key=key)
    if kind == TargetKind.MINISTRY:
        path = f"{reverse('commitments:commitments')}?{urlencode({'ministry': key})}"
    elif kind == TargetKind.THEME:
        path = f"{reverse('commitments:commitments')}?{urlencode({'theme': key})}"
    else:
        path = record.get_absolute_url()
    return Target(kind, key, str(record), path)


def scope(kind, key):
    """(commitments, motions): the querysets a subscription covers."""
    commitments, motions = Commitment.objects.none(), Motion.objects.none()
    if kind == TargetKind.COMMITMENT:
        commitments = Commitment.objects.filter(key=key)
    elif kind == TargetKind.MOTION:
        motions = Motion.objects.filter(key=key)
        commitments = Commitment.objects.filter(motion__key=key)
    elif kind in (TargetKind.PERSON, TargetKind.MINISTRY, TargetKind.THEME):
        commitments = CommitmentFilter(QueryDict(urlencode({kind: key}))).qs
        if kind == TargetKind.THEME:
            motions = MotionFilter(QueryDict(urlencode({kind: key}))).qs
    elif kind == TargetKind.SEARCH:
        commitments = CommitmentFilter(QueryDict(key)).qs
    return commitments.order_by(), motions.order_by()
