"""Subscribing, confirming, unsubscribing and sending the digests. Every write of the
alerts app goes through here."""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from commitments.changes import status_label, with_previous_status
from commitments.choices import CLOSED_STATUSES
from commitments.models import Commitment, StatusUpdate

from .models import Subscription
from .targets import InvalidTarget, resolve, scope

# No second confirmation mail for the same address and target within this time.
RESEND_AFTER = timedelta(minutes=10)
# At most this many items of each kind per followed item in one message; the rest are
# behind a link.
MAX_ITEMS = 50
# A confirmation link, and an unconfirmed subscription, last this long.
CONFIRM_WITHIN = timedelta(days=7)
CONFIRM_SALT = "alerts.confirm"
ALL_SALT = "alerts.unsubscribe-all"


def absolute(path, base=None):
    return urljoin((base or settings.SITE_URL) + "/", path.lstrip("/"))


def confirm_path(subscription):
    signed = signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscription.token)
    return reverse("alerts:confirm", args=[signed])


def unsubscribe_path(subscription):
    return reverse("alerts:unsubscribe", args=[subscription.token])


def unsubscribe_all_path(email):
    signed = signing.dumps(email, salt=ALL_SALT, compress=True)
    return reverse("alerts:unsubscribe-all", args=[signed])


def email_from_unsubscribe_all(signed):
    try:
        return signing.loads(signed, salt=ALL_SALT)
    except signing.BadSignature:
        return None


def subscription_from_confirm(signed):
    """The subscription a confirmation link is for, or None if the link is bad or old."""
    try:
        token = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(signed, max_age=CONFIRM_WITHIN)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(token=token).first()


def normalise_email(address):
    return address.strip().lower()


def subscribe(*, email, target, language, base_url):
    """Record a subscription and send the confirmation mail, unless the address already
    follows the target or a confirmation went out a few minutes ago. The caller answers
    the same in every case, so no one learns whether an address is subscribed."""
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        subscription, _created = Subscription.objects.select_for_update().get_or_create(
            email=email,
            target_kind=target.kind,
            target_key=target.key,
            defaults={"language": language},
        )
        if subscription.is_confirmed:
            return None
        if subscription.confirmation_sent_at and now - subscription.confirmation_sent_at < (
            RESEND_AFTER
        ):
            return None
        subscription.language = language
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["language", "confirmation_sent_at"])
        with translation.override(language):
            context = {
                "target": target,
                "confirm_url": absolute(confirm_path(subscription), base_url),
                "target_url": absolute(target.path, base_url),
                "days": CONFIRM_WITHIN.days,
            }
            message = EmailMessage(
                subject=render_to_string("alerts/confirm_subject.txt", context).strip(),
                body=render_to_string("alerts/confirm_email.txt", context),
                to=[email],
            )
            # Sent inside the transaction: if sending fails, the rate limit is not set.
            message.send()
    return subscription


def confirm(subscription):
    """Start sending: changes recorded from now on are sent."""
    if subscription.is_confirmed:
        return subscription
    now = timezone.now()
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, sent_until=now
    )
    subscription.refresh_from_db()
    return subscription


def unsubscribe(token):
    """Forget the subscription. Unknown tokens are ignored, so the answer is the same."""
    Subscription.objects.filter(token=token).delete()


def unsubscribe_all(email):
    Subscription.objects.filter(email=normalise_email(email)).delete()


def forget_unconfirmed(now=None):
    """Delete subscriptions never confirmed within the time their link was valid."""
    cutoff = (now or timezone.now()) - CONFIRM_WITHIN
    deleted, _ = (
        Subscription.objects.filter(confirmed_at__isnull=True)
        .filter(Q(confirmation_sent_at__lt=cutoff) | Q(confirmation_sent_at__isnull=True))
        .filter(created_at__lt=cutoff)
        .delete()
    )
    return deleted


@dataclass
class Section:
    """What changed for one subscription."""

    subscription: Subscription
    target: object
    changes: list = field(default_factory=list)
    new_commitments: list = field(default_factory=list)
    passed_deadlines: list = field(default_factory=list)
    more: bool = False  # some items were left out (MAX_ITEMS)

    def __bool__(self):
        return bool(self.changes or self.new_commitments or self.passed_deadlines)


def section_for(subscription, until):
    """The changes for ``subscription`` recorded after its ``sent_until`` up to ``until``:
    status updates recorded, commitments added, and deadlines passed (a commitment in
    scope, not closed, whose due date fell between the last digest and ``until``)."""
    since = subscription.sent_until
    target = resolve(subscription.target_kind, subscription.target_key)
    commitments, motions = scope(subscription.target_kind, subscription.target_key)
    recorded = StatusUpdate.objects.filter(
        Q(commitment__in=commitments.values("pk")) | Q(motion__in=motions.values("pk")),
        created_at__gt=since,
        created_at__lte=until,
    )
    changes = list(
        with_previous_status(
            recorded, field="created_at", lower=since, upper=until, include_lower=False
        )[: MAX_ITEMS + 1]
    )
    added = Commitment.history.filter(
        history_type="+", history_date__gt=since, history_date__lte=until
    ).values("id")
    new_commitments = list(
        Commitment.objects.for_list()
        .filter(pk__in=commitments.values("pk"))
        .filter(pk__in=added)
        .order_by("-made_on", "title", "pk")[: MAX_ITEMS + 1]
    )
    since_day, until_day = timezone.localdate(since), timezone.localdate(until)
    passed = list(
        Commitment.objects.for_list()
        .filter(pk__in=commitments.values("pk"))
        .filter(due_end__gte=since_day, due_end__lt=until_day)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("due_end", "title", "pk")[: MAX_ITEMS + 1]
    )
    lists = [changes, new_commitments, passed]
    more = any(len(items) > MAX_ITEMS for items in lists)
    return Section(subscription, target, *(items[:MAX_ITEMS] for items in lists), more=more)


def digest_message(email, sections, language):
    """One plain-text message with the sections for an address, in its language."""
    with translation.override(language):
        context = {
            "sections": sections,
            "site_url": settings.SITE_URL,
            "max_items": MAX_ITEMS,
            "unsubscribe_all_url": absolute(unsubscribe_all_path(email)),
        }
        for section in sections:
            section.target_url = absolute(section.target.path)
            section.unsubscribe_url = absolute(unsubscribe_path(section.subscription))
            for update in section.changes:
                update.url = absolute(update.subject.get_absolute_url())
                update.previous_status_label = status_label(update.previous_status)
                update.letter_url = (
                    absolute(update.evidence_letter.get_absolute_url())
                    if update.evidence_letter_id
                    else ""
                )
            for commitment in [*section.new_commitments, *section.passed_deadlines]:
                commitment.url = absolute(commitment.get_absolute_url())
        message = EmailMessage(
            subject=render_to_string("alerts/digest_subject.txt", context).strip(),
            body=render_to_string("alerts/digest_email.txt", context),
            to=[email],
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_all_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )
    return message


@dataclass
class Result:
    email: str
    sections: list
    sent: bool


def send_digests(*, until=None, dry_run=False, connection=None):
    """Send each confirmed address one message with what changed for all it follows, and
    record per subscription up to which moment changes were sent, in the same transaction
    as the send: if the mail backend fails, nothing is marked sent and the next run sends
    it again. An address with nothing new gets no message; its subscriptions move on."""
    until = until or timezone.now()
    emails = (
        Subscription.objects.confirmed()
        .filter(sent_until__lt=until)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    for email in list(emails):
        with transaction.atomic():
            subscriptions = list(
                Subscription.objects.confirmed()
                .select_for_update()
                .filter(email=email, sent_until__lt=until)
                .order_by("target_kind", "target_key")
            )
            sections = []
            for subscription in subscriptions:
                try:
                    section = section_for(subscription, until)
                except (Http404, InvalidTarget):  # the followed record was removed
                    section = None
                if section:
                    sections.append(section)
            sent = bool(sections) and not dry_run
            if sent:
                message = digest_message(email, sections, subscriptions[-1].language)
                message.connection = connection
                message.send()
            if not dry_run:
                Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(
                    sent_until=until
                )
        yield Result(email, sections, sent)
