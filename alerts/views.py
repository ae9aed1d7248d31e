"""Follow by e-mail: the subscribe form, the confirmation and the unsubscribe pages. No
account is needed; the pages never tell whether an address is subscribed.

Confirming and unsubscribing take a POST (a button on the page the link opens), so mail
scanners that open links do not act for the reader. Unsubscribing also accepts the
one-click POST of RFC 8058 straight from the mail client."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import services
from .forms import FollowForm
from .models import TargetKind
from .targets import InvalidTarget, resolve


def requested_target(request):
    """The one target named in the query string (``?commitment=<key>``, ``?search=...``)."""
    given = [kind for kind in TargetKind.values if kind in request.GET]
    if len(given) != 1:
        raise InvalidTarget(
            _("Say what to follow: one of %(kinds)s.") % {"kinds": ", ".join(TargetKind.values)}
        )
    kind = given[0]
    return resolve(kind, request.GET[kind])


def follow(request):
    try:
        target = requested_target(request)
    except InvalidTarget as error:
        return render(request, "alerts/error.html", {"error": str(error)}, status=400)
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.subscribe(
            email=form.cleaned_data["email"],
            target=target,
            language=get_language(),
            base_url=request.build_absolute_uri("/"),
        )
        return render(request, "alerts/follow_sent.html", {"target": target})
    status = 400 if request.method == "POST" else 200
    return render(request, "alerts/follow.html", {"form": form, "target": target}, status=status)


def confirm(request, signed):
    subscription = services.subscription_from_confirm(signed)
    if subscription is None:
        return render(
            request,
            "alerts/error.html",
            {"error": _("This confirmation link is not valid or has expired. Follow again.")},
            status=404,
        )
    try:
        target = resolve(subscription.target_kind, subscription.target_key)
    except InvalidTarget:
        return HttpResponseBadRequest()
    if request.method == "POST":
        services.confirm(subscription)
        return render(request, "alerts/confirmed.html", {"target": target})
    return render(
        request,
        "alerts/confirm.html",
        {"target": target, "confirmed": subscription.is_confirmed},
    )


@csrf_exempt  # the secret token in the URL is the key; RFC 8058 posts come without a form
def unsubscribe(request, token):
    if request.method == "POST":
        services.unsubscribe(token)
        return render(request, "alerts/unsubscribed.html")
    return render(request, "alerts/unsubscribe.html", {"all": False})


@csrf_exempt
def unsubscribe_all(request, signed):
    email = services.email_from_unsubscribe_all(signed)
    if email is None:
        return render(
            request,
            "alerts/error.html",
            {"error": _("This unsubscribe link is not valid.")},
            status=404,
        )
    if request.method == "POST":
        services.unsubscribe_all(email)
        return render(request, "alerts/unsubscribed.html")
    return render(request, "alerts/unsubscribe.html", {"all": True})
