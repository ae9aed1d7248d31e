"""The vocabularies of the tracker: the values a field may take, with their labels.

Those stored in a field are backed by a named check constraint (``models.choices_constraint``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    FULFILLED = "fulfilled", _("fulfilled")
    PARTIALLY_FULFILLED = "partially_fulfilled", _("partially fulfilled")
    NOT_FULFILLED = "not_fulfilled", _("not fulfilled")
    LAPSED = "lapsed", _("lapsed")


CLOSED_STATUSES = (Status.FULFILLED, Status.NOT_FULFILLED, Status.LAPSED)


class Role(models.TextChoices):
    MINISTER = "minister", _("minister")
    STAATSSECRETARIS = "staatssecretaris", _("state secretary")
    MINISTER_PRESIDENT = "minister_president", _("prime minister")


class LetterKind(models.TextChoices):
    KAMERBRIEF = "kamerbrief", _("letter to parliament")
    BELEIDSNOTA = "beleidsnota", _("policy paper")
    VOORTGANGSRAPPORTAGE = "voortgangsrapportage", _("progress report")
    NIEUWSBERICHT = "nieuwsbericht", _("news article")
    RAPPORT = "rapport", _("report")
    OTHER = "other", _("other")


class DatePrecision(models.TextChoices):
    """How certain a recorded date is. Shown as "ca." or "uiterlijk" before the date."""

    EXACT = "exact", _("exact")
    APPROXIMATE = "approximate", _("approximate")
    NOT_AFTER = "not_after", _("at the latest")


class Origin(models.TextChoices):
    """Where a record came from: the Tweede Kamer's open-data register, a source document
    (the seed fixtures), or a researcher's own entry."""

    REGISTER = "register", _("register")
    DOCUMENT = "document", _("document")
    RESEARCHER = "researcher", _("researcher")


class MotionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("adopted")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn by the submitters")
    OTHER = "other", _("other decision")


class MotionKind(models.TextChoices):
    MOTIE = "motie", _("motion")
    AMENDEMENT = "amendement", _("amendment")


class DeadlineState(models.TextChoices):
    """Where a commitment stands against its due date, once the due range has ended and
    it is not closed (not fulfilled, not "not fulfilled", not lapsed):

    - overdue: there is evidence it was still open after the due date: its latest status
      update is dated after the end of the due range;
    - no news: its latest status update is dated on or before the end of the due range,
      or it has none: nothing is known since.
    """

    OVERDUE = "overdue", _("overdue")
    NO_NEWS = "no_news", _("no news")
