"""Who follows what by e-mail. Only the address, what it follows, its language and the
times needed for double opt-in and for sending each change once are stored. There are no
accounts: the random token in every link is the only key."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(32)


class TargetKind(models.TextChoices):
    COMMITMENT = "commitment", _("commitment")
    MOTION = "motion", _("motion")
    PERSON = "person", _("bewindspersoon")
    MINISTRY = "ministry", _("ministry")
    THEME = "theme", _("theme")
    SEARCH = "search", _("saved search")


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscription(models.Model):
    email = models.EmailField(_("e-mail address"))
    target_kind = models.CharField(_("follows"), max_length=20, choices=TargetKind.choices)
    target_key = models.CharField(
        _("key or query"),
        max_length=1000,
        help_text=_("The key of the record followed, or the query string of a saved search."),
    )
    language = models.CharField(_("language"), max_length=10, default="nl")
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    sent_until = models.DateTimeField(
        _("changes sent until"),
        null=True,
        blank=True,
        help_text=_("Changes recorded up to this moment have been sent."),
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["target_kind", "target_key", "created_at"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "target_kind", "target_key"], name="subscription_unique_target"
            ),
            models.CheckConstraint(
                condition=Q(target_kind__in=TargetKind.values), name="subscription_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["email"], name="subscription_email")]

    def __str__(self):
        return f"{self.get_target_kind_display()}: {self.target_key}"

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
