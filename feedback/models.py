"""Errors visitors report in the data, for researchers to check in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_LENGTH = 2000  # characters


class ErrorReport(models.Model):
    page = models.CharField(
        _("page or record"),
        max_length=500,
        blank=True,
        help_text=_("The address of the page, or the record's title."),
    )
    message = models.CharField(_("what is wrong"), max_length=MAX_MESSAGE_LENGTH)
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("Only if you would like an answer."),
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    handled = models.BooleanField(_("handled"), default=False)
    note = models.TextField(_("researcher's note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")

    def __str__(self):
        text = " ".join(self.message.split())
        return text if len(text) <= 60 else f"{text[:59]}…"
