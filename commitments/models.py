"""Domain model: who promised parliament what, and what happened since.

Every record the seed fixtures load has a readable, unique ``key`` that serves as its
natural key, so fixtures never carry database ids and re-seeding is idempotent.
Records cite the verbatim passage of the source document they were taken from.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import formats, timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    CLOSED_STATUSES,
    DatePrecision,
    DeadlineState,
    LetterKind,
    MotionKind,
    MotionOutcome,
    Origin,
    Role,
    Status,
)
from .labels import (  # noqa: F401 (person_label and office_label are used from here)
    holder_sql,
    joined,
    kamerstuk_label,
    kamerstuk_sql,
    letter_label,
    letter_sql,
    member_label,
    member_sql,
    office_label,
    office_sql,
    person_label,
    submitters_label,
    submitters_sql,
)


def new_key():
    """Key for records made in the admin; seeded records carry readable keys."""
    return secrets.token_hex(6)


EARLIEST_DATE = date(1900, 1, 1)


def validate_past_date(value):
    """A date on which something happened (a letter, a motion, a commitment, a status
    change): not before 1900 and not after tomorrow (a day's margin for time zones). A
    status update dated in the future would fix the current status until that day."""
    latest = timezone.localdate() + timedelta(days=1)
    if value > latest:
        raise ValidationError(
            _("This date is in the future; enter a date no later than %(latest)s."),
            code="future_date",
            params={"latest": formats.date_format(latest, "SHORT_DATE_FORMAT")},
        )
    if value < EARLIEST_DATE:
        raise ValidationError(
            _("This date is before 1900; enter a date from 1 January 1900."),
            code="early_date",
        )


REGISTER_URL = "https://www.tweedekamer.nl/kamerstukken/toezeggingen/detail?id={}"
MOTION_URL = "https://www.tweedekamer.nl/kamerstukken/moties/detail?id={}"
KST_TEXT_URL = "https://zoek.officielebekendmakingen.nl/{}.html"


def origin_field():
    return models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.DOCUMENT
    )


def tk_id_field():
    return models.UUIDField(_("Tweede Kamer id"), null=True, blank=True, unique=True)


def choices_constraint(field, choices, name):
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)


def date_order_constraint(start, end, name):
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__lte": F(end)}),
        name=name,
    )


def key_url(name, key):
    """``reverse(name, args=[key])`` for the pages addressed by a key, at the cost of a
    string join: lists link every row. The part before the key (``key_url_prefix``) is
    reversed once per language, script prefix and URLconf (each can change the address)."""
    return f"{key_url_prefix(name)}{key}/"


def key_url_prefix(name):
    place = (name, get_script_prefix(), get_language(), get_urlconf(settings.ROOT_URLCONF))
    prefix = KEY_URL_PREFIXES.get(place)
    if prefix is None:
        prefix = KEY_URL_PREFIXES[place] = reverse(name, args=["-"]).removesuffix("-/")
    return prefix


KEY_URL_PREFIXES = {}


def chosen(labels, names):
    """The labels (``with_labels()``) named, or all: a list computes only those it shows."""
    return {name: label for name, label in labels.items() if not names or name in names}


class KeyedQuerySet(models.QuerySet):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class KeyedModel(models.Model):
    key = models.SlugField(_("key"), max_length=120, unique=True, default=new_key)

    objects = KeyedQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.key,)

    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name
        """``get_status_display()`` and the like, as Django's, with the field's choices
        made into a dict once, not on every call (lists show a status on every row)."""
        labels = CHOICE_LABELS.get(field)
        if labels is None:
            labels = CHOICE_LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


CHOICE_LABELS = {}  # field: {value: label (lazy, translated when shown)}


class SourceDocument(KeyedModel):
    """A document the data was taken from, with its full text."""

    url_name = "commitments:source"  # its page, addressed by its key (key_url)

    title = models.CharField(_("title"), max_length=300)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    text = models.TextField(_("text"), blank=True)
    ocr = models.BooleanField(_("text from OCR"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return key_url(self.url_name, self.key)


class Sourced(KeyedModel):
    """A record that cites a verbatim passage of a source document."""

    source_document = models.ForeignKey(
        SourceDocument,
        verbose_name=_("source document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source_passage = models.TextField(_("source passage"), blank=True)

    class Meta:
        abstract = True


class Named(Sourced):
    """A record known by its unique name: a ministry, a cabinet, a theme."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Ministry(Named):
    name = models.CharField(_("name"), max_length=200, unique=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta(Named.Meta):
        verbose_name = _("ministry")
        verbose_name_plural = _("ministries")


class Cabinet(Named):
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "name"]
        verbose_name = _("cabinet")
        verbose_name_plural = _("cabinets")
        constraints = [date_order_constraint("start", "end", "cabinet_start_before_end")]


class Theme(Named):
    history = HistoricalRecords()

    class Meta(Named.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class Person(Sourced):
    """A bewindspersoon: minister, state secretary or prime minister."""

    url_name = "commitments:person"  # its page, addressed by its key (key_url)

    name = models.CharField(
        _("surname"), max_length=100, help_text=_('Without its prefix: "Jonge" for "de Jonge".')
    )
    tussenvoegsel = models.CharField(
        _("surname prefix"),
        max_length=30,
        blank=True,
        help_text=_('"de", "van", "van der": shown before the surname, left out when sorting.'),
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    initials = models.CharField(_("initials"), max_length=30, blank=True)
    tk_id = tk_id_field()
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Created by the register sync from a name it could not match."),
    )

    history = HistoricalRecords()

    class Meta:
        # Sorted on the surname without its prefix, as Dutch lists are: "de Jonge" under J.
        ordering = ["name", "tussenvoegsel", "first_name", "initials"]
        verbose_name = _("minister or state secretary")
        verbose_name_plural = _("ministers and state secretaries")

    def __str__(self):
        return person_label(self.first_name, self.initials, self.tussenvoegsel, self.name)

    def get_absolute_url(self):
        return key_url(self.url_name, self.key)


class Office(Sourced):
    """A post held in a cabinet; the person may be unknown ("de Minister van VWS")."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    ministry = models.ForeignKey(
        Ministry, verbose_name=_("ministry"), on_delete=models.PROTECT, related_name="offices"
    )
    portfolio = models.CharField(_("portfolio"), max_length=200, blank=True)
    cabinet = models.ForeignKey(
        Cabinet,
        verbose_name=_("cabinet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ministry__name", "role", "start", "id"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            choices_constraint("role", Role, "office_role_valid"),
            date_order_constraint("start", "end", "office_start_before_end"),
        ]
        indexes = [
            # Who held a post (ministry and role) on a day, and who took it up later
            # (``scorecards.person_then``, ``scorecards.successions``), from the index alone.
            models.Index(
                fields=["ministry", "role", "-start", "-id"],
                include=["person", "end"],
                name="office_post_tenure",
            ),
        ]

    def __str__(self):
        return office_label(
            self.role,
            self.ministry.abbreviation,
            self.ministry.name,
            self.portfolio,
            str(self.person) if self.person_id else "",
        )

    def get_absolute_url(self):
        if self.person_id:
            return self.person.get_absolute_url()
        return key_url("commitments:office", self.key)

    @property
    def post(self):
        """ "Minister (VWS), Medische Zorg": the office without its holder."""
        return office_label(
            self.role, self.ministry.abbreviation, self.ministry.name, self.portfolio
        )


class MemberOfParliament(Sourced):
    name = models.CharField(
        _("surname"), max_length=100, help_text=_('Without its prefix: "Hul" for "Van den Hul".')
    )
    tussenvoegsel = models.CharField(
        _("surname prefix"),
        max_length=30,
        blank=True,
        help_text=_('"de", "van", "van der": shown before the surname, left out when sorting.'),
    )
    first_name = models.CharField(
        _("first name"),
        max_length=100,
        blank=True,
        help_text=_(
            "Only where the documents name it, as parliament does for members who share a surname."
        ),
    )
    party = models.CharField(_("party"), max_length=50, blank=True)
    tk_id = tk_id_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "tussenvoegsel", "first_name", "id"]
        verbose_name = _("member of parliament")
        verbose_name_plural = _("members of parliament")

    def __str__(self):
        return member_label(self.label, self.party)

    @property
    def label(self):
        """ "Van den Hul", "Jasper van Dijk": the name as the documents write it."""
        return person_label(self.first_name, "", self.tussenvoegsel, self.name)


class Dossier(Sourced):
    """A Kamerstuk dossier, such as "32 735 Mensenrechten in het buitenlands beleid"."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class LetterQuerySet(KeyedQuerySet):
    def for_list(self):
        return self.select_related("dossier", "source_document").prefetch_related(
            "signatories__person", "signatories__ministry"
        )

    def with_labels(self, *names):
        """Annotate ``kamerstuk_label`` and ``signatories_label`` (the offices, "; "
        between them), as ``Letter.kamerstuk`` and ``str(office)`` write them; only those
        ``names`` if given."""
        labels = {
            "kamerstuk_label": kamerstuk_sql(),
            "signatories_label": joined(
                Office.objects.all(), "letters_signed", office_sql(""), "; "
            ),
        }
        return self.annotate(**chosen(labels, names))


class Kamerstuk:
    """A letter or motion numbered in a dossier: "30 420, nr. 415"."""

    @staticmethod
    def unique_constraint(name):
        return models.UniqueConstraint(
            fields=["dossier", "number"], condition=~Q(number=""), name=f"{name}_unique_kamerstuk"
        )

    @property
    def kamerstuk(self):
        return kamerstuk_label(self.dossier.number if self.dossier_id else "", self.number)


class Letter(Kamerstuk, Sourced):
    """A letter to parliament or another document that reports on commitments."""

    url_name = "commitments:letter"  # its page, addressed by its key (key_url)

    kind = models.CharField(_("kind"), max_length=30, choices=LetterKind.choices)
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    other_dossiers = models.ManyToManyField(
        Dossier, verbose_name=_("other dossiers"), blank=True, related_name="+"
    )
    number = models.CharField(_("number"), max_length=20, blank=True)
    vergaderjaar = models.CharField(_("parliamentary year"), max_length=9, blank=True)
    date = models.DateField(_("date"), null=True, blank=True, validators=[validate_past_date])
    date_precision = models.CharField(
        _("date precision"),
        max_length=20,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
        help_text=_("Whether the date is exact, an estimate, or the latest it can be."),
    )
    title = models.CharField(_("title"), max_length=500)
    signatories = models.ManyToManyField(
        Office, verbose_name=_("signatories"), blank=True, related_name="letters_signed"
    )
    text_document = models.OneToOneField(
        SourceDocument,
        verbose_name=_("full text"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letter",
        help_text=_("The source document that holds this letter's own text."),
    )
    reports_on = models.ManyToManyField(
        "self",
        verbose_name=_("reports on"),
        symmetrical=False,
        blank=True,
        related_name="reported_by",
        help_text=_("Earlier letters this one refers back to."),
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    kst_id = models.CharField(
        _("official publication id"),
        max_length=60,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The Kamerstuk's identifier on officielebekendmakingen, e.g. kst-30420-415."),
    )
    document_number = models.CharField(
        _("Tweede Kamer document number"), max_length=30, null=True, blank=True, unique=True
    )
    text_url = models.URLField(_("text URL"), max_length=500, blank=True)
    origin = origin_field()

    objects = LetterQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title", "id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            choices_constraint("kind", LetterKind, "letter_kind_valid"),
            choices_constraint("date_precision", DatePrecision, "letter_date_precision_valid"),
            Kamerstuk.unique_constraint("letter"),
            models.CheckConstraint(
                condition=Q(vergaderjaar="") | Q(vergaderjaar__regex=r"^[0-9]{4}-[0-9]{4}$"),
                name="letter_vergaderjaar_format",
            ),
        ]
        indexes = [models.Index(F("date").desc(), "title", "id", name="letter_list_order")]

    def __str__(self):
        return letter_label(self.kamerstuk, self.title)

    def get_absolute_url(self):
        return key_url(self.url_name, self.key)


class Trackable(Sourced):
    """Fields shared by commitments and motions: the current status, kept in step with the
    status updates by ``services.record_status_update`` (see ``current_status_fields``).

    ``status_date`` is the day the current status began: the date of the earliest update
    of the latest unbroken run of updates with that status. ``latest_update_on`` is the
    date of the latest update, whatever its status: the latest news."""

    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.OPEN
    )
    status_date = models.DateField(
        _("status date"),
        null=True,
        blank=True,
        help_text=_("The day the current status began."),
    )
    status_date_precision = models.CharField(
        _("status date precision"),
        max_length=20,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
    )
    latest_update_on = models.DateField(_("latest update"), null=True, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    register_updated = models.DateTimeField(_("changed in the register"), null=True, blank=True)
    withdrawn = models.BooleanField(
        _("withdrawn"), default=False, help_text=_("Deleted from the register.")
    )

    class Meta:
        abstract = True

    @property
    def is_closed(self):
        return self.status in CLOSED_STATUSES


def current_status_constraints(name):
    """The vocabularies of a trackable's current status, named after its model."""
    return [
        choices_constraint("status", Status, f"{name}_status_valid"),
        choices_constraint(
            "status_date_precision", DatePrecision, f"{name}_status_date_precision_valid"
        ),
    ]


class TrackableQuerySet(KeyedQuerySet):
    def status_as_of(self, day):
        """Annotate ``status_as_of`` and ``latest_update_as_of``: the status on ``day``
        (that of the latest update on or before it, open before the first update) and the
        date of that update (None before the first update)."""
        latest = StatusUpdate.objects.of_outer(self.model).on(day).latest_first()
        return self.annotate(
            status_as_of=status_of_latest(latest),
            latest_update_as_of=Subquery(latest.values("date")[:1]),
        )

    def status_as_of_stored(self, day):
        """``status_as_of``, reading the stored current status (``status``,
        ``latest_update_on``, kept by the write paths) of the rows with no update dated
        after ``day``: only the rows updated since run the subqueries, each an index-only
        probe (``statusupdate_commitment_latest``). The lists' ``as_of`` filter keeps the
        plain subqueries, so that the tests compare the two."""
        latest = StatusUpdate.objects.of_outer(self.model).on(day).latest_first()
        unchanged = Q(latest_update_on__isnull=True) | Q(latest_update_on__lte=day)
        return self.annotate(
            status_as_of=Case(
                When(unchanged, then=F("status")),
                default=status_of_latest(latest),
                output_field=models.CharField(),
            ),
            latest_update_as_of=Case(
                When(unchanged, then=F("latest_update_on")),
                default=Subquery(latest.values("date")[:1]),
                output_field=models.DateField(),
            ),
        )

    def with_fresh_status(self):
        """Annotate ``fresh_<field>`` for each of ``CURRENT_STATUS_FIELDS``: the current
        status as the status updates give it (``current_status_fields``)."""
        fresh = current_status_fields(
            StatusUpdate.objects.using(self.db), self.model._meta.model_name
        )
        return self.annotate(**{f"fresh_{field}": fresh[field] for field in CURRENT_STATUS_FIELDS})

    def refresh_current_status(self):
        """Bring the current status of every row in step with its status updates in one
        UPDATE (``current_status_fields``), for bulk loads: no locking, no history rows
        (``services.refresh_current_status`` does both for one record). Returns the number
        of rows."""
        fresh = current_status_fields(
            StatusUpdate.objects.using(self.db), self.model._meta.model_name
        )
        return self.update(**fresh)


class MotionQuerySet(TrackableQuerySet):
    def for_list(self):
        return self.select_related("dossier", "submitter", "reported_in__dossier").prefetch_related(
            "co_submitters"
        )

    def with_labels(self, *names):
        """Annotate ``kamerstuk_label``, ``submitters_label`` and ``source_label`` (the
        letter it is reported in), as ``Motion.kamerstuk``, ``Motion.submitters`` and
        ``str(letter)`` write them; only those ``names`` if given."""
        members = MemberOfParliament.objects.all()
        labels = {
            "kamerstuk_label": kamerstuk_sql(),
            "submitters_label": submitters_sql("first_submitter_label", "co_submitters_label"),
            "source_label": letter_sql("reported_in__"),
        }
        return self.alias(
            first_submitter_label=Case(
                When(submitter__isnull=True, then=Value(None)),
                default=member_sql("submitter__"),
            ),
            co_submitters_label=joined(members, "co_submitted_motions", member_sql(""), ", "),
        ).annotate(**chosen(labels, names))


class Motion(Kamerstuk, Trackable):
    url_name = "commitments:motion"  # its page, addressed by its key (key_url)

    kind = models.CharField(
        _("kind"), max_length=20, choices=MotionKind.choices, default=MotionKind.MOTIE
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motions",
    )
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=500)
    operative_text = models.TextField(_("operative text"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True, validators=[validate_past_date])
    submitter = models.ForeignKey(
        MemberOfParliament,
        verbose_name=_("first submitter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motions",
    )
    co_submitters = models.ManyToManyField(
        MemberOfParliament,
        verbose_name=_("co-submitters"),
        blank=True,
        related_name="co_submitted_motions",
    )
    has_unnamed_co_submitters = models.BooleanField(
        _("c.s."), default=False, help_text=_("Submitted with co-submitters not named (c.s.).")
    )
    reported_in = models.ForeignKey(
        Letter,
        verbose_name=_("reported in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motions",
    )
    tk_id = tk_id_field()
    zaak_number = models.CharField(
        _("Zaak number"), max_length=30, null=True, blank=True, unique=True
    )
    origin = origin_field()
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=MotionOutcome.choices, blank=True
    )
    register_decision = models.CharField(_("decision in the register"), max_length=200, blank=True)
    cabinet_appraisal = models.CharField(_("cabinet's appraisal"), max_length=100, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)

    objects = MotionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "title", "id"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        constraints = [
            choices_constraint("kind", MotionKind, "motion_kind_valid"),
            *current_status_constraints("motion"),
            Kamerstuk.unique_constraint("motion"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=MotionOutcome.values),
                name="motion_outcome_valid",
            ),
        ]
        indexes = [models.Index(F("date").desc(), "title", "id", name="motion_list_order")]

    def __str__(self):
        prefix = self.get_kind_display().capitalize()
        if self.submitter_id:
            prefix = f"{prefix} {self.submitter.label}"
        return f"{prefix} {self.title}"

    def get_absolute_url(self):
        return key_url(self.url_name, self.key)

    @property
    def register_url(self):
        return MOTION_URL.format(self.zaak_number) if self.zaak_number else ""

    @property
    def submitters(self):
        return submitters_label(
            str(self.submitter) if self.submitter_id else "",
            [str(member) for member in self.co_submitters.all()],
            self.has_unnamed_co_submitters,
        )


def deadline_condition(state, today=None, *, status="status", latest="latest_update_on"):
    """The condition for ``state`` (a ``DeadlineState``) on ``today``. ``status`` and
    ``latest`` name the status and the date of the latest update to test: the current
    ones, or ones annotated as of a past day (``status_as_of``)."""
    passed = Q(due_end__lt=today or date.today()) & ~Q(**{f"{status}__in": CLOSED_STATUSES})
    news_after_due = Q(**{f"{latest}__gt": F("due_end")})
    if state == DeadlineState.OVERDUE:
        return passed & news_after_due
    if state == DeadlineState.NO_NEWS:
        return passed & (Q(**{f"{latest}__isnull": True}) | Q(**{f"{latest}__lte": F("due_end")}))
    raise ValueError(f"Unknown deadline state: {state!r}")


class CommitmentQuerySet(TrackableQuerySet):
    def for_list(self, today=None):
        return self.select_related(
            "made_by__person", "made_by__ministry", "motion__dossier", "source_letter__dossier"
        ).with_deadline_state(today)

    def with_labels(self, *names):
        """Annotate ``made_by_label`` (``labels.holder_label``), ``motion_label`` (the
        motion's kamerstuk, else its title) and ``source_label`` (``str(source_letter)``);
        only those ``names`` if given."""
        labels = {
            "made_by_label": holder_sql("made_by__"),
            "motion_label": Coalesce(
                kamerstuk_sql("motion__"), F("motion__title"), output_field=models.CharField()
            ),
            "source_label": letter_sql("source_letter__"),
        }
        return self.annotate(**chosen(labels, names))

    def with_deadline_state(self, today=None):
        """Annotate ``deadline_state``: "overdue", "no_news" or None (``DeadlineState``)."""
        return self.annotate(
            deadline_state=Case(
                *(
                    When(deadline_condition(state, today), then=Value(state.value))
                    for state in DeadlineState
                ),
                default=None,
                output_field=models.CharField(),
            )
        )

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today=None):
        return self.filter(deadline_condition(DeadlineState.OVERDUE, today))

    def no_news(self, today=None):
        return self.filter(deadline_condition(DeadlineState.NO_NEWS, today))

    def due_within(self, days, today=None):
        """Not closed, and the due range ends between ``today`` and ``days`` from now."""
        today = today or date.today()
        return self.open().filter(due_end__gte=today, due_end__lte=today + timedelta(days=days))


class Commitment(Trackable):
    """A toezegging: a promise a bewindspersoon made to parliament."""

    url_name = "commitments:commitment"  # its page, addressed by its key (key_url)

    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    made_by = models.ForeignKey(
        Office,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    occasion = models.CharField(_("occasion"), max_length=300, blank=True)
    made_on = models.DateField(_("made on"), null=True, blank=True, validators=[validate_past_date])
    made_on_or_letter = models.DateField(
        _("made on, or date of the source letter"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The date made, or where that is not recorded the date of the source letter: "
            "what the year filter, the order and the dashboard go by."
        ),
    )
    source_letter = models.ForeignKey(
        Letter,
        verbose_name=_("source letter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    due_phrase = models.CharField(_("due"), max_length=200, blank=True)
    due_start = models.DateField(_("due from"), null=True, blank=True)
    due_end = models.DateField(_("due by"), null=True, blank=True)
    due_needs_review = models.BooleanField(
        _("due phrase needs review"),
        default=False,
        help_text=_("The due phrase could not be read as dates; enter the range by hand."),
    )
    motion = models.ForeignKey(
        Motion,
        verbose_name=_("motion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    tk_id = tk_id_field()
    tk_number = models.CharField(
        _("register number"), max_length=30, null=True, blank=True, unique=True
    )
    origin = origin_field()
    register_status = models.CharField(
        _("status in the register"),
        max_length=50,
        blank=True,
        help_text=_("The status as the register writes it, unmapped."),
    )
    fulfilment_letters = models.ManyToManyField(
        Letter,
        verbose_name=_("fulfilled by letters"),
        blank=True,
        related_name="fulfils",
        help_text=_("The letters the register names as fulfilling this commitment."),
    )
    register_fulfilment = models.TextField(
        _("fulfilment in the register"),
        blank=True,
        help_text=_("The register's kamerbriefNakoming values as written, one per line."),
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("The register's status, person or letter could not be read with certainty."),
    )

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_on_or_letter", "title", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            *current_status_constraints("commitment"),
            date_order_constraint("due_start", "due_end", "commitment_due_start_before_end"),
        ]
        indexes = [
            # The list's default order, and its most used filters.
            models.Index(
                F("made_on_or_letter").desc(), "title", "id", name="commitment_list_order"
            ),
            models.Index(fields=["status", "made_by"], name="commitment_status_office"),
            # The scorecards count every commitment: what they read, from the index alone.
            models.Index(
                fields=["made_by"],
                include=[
                    "id",
                    "status",
                    "status_date",
                    "latest_update_on",
                    "due_end",
                    "made_on_or_letter",
                ],
                name="commitment_scorecard",
            ),
            # Overdue and no news: the due date and the latest news, read from the index.
            models.Index(
                fields=["due_end", "latest_update_on"],
                condition=~Q(status__in=CLOSED_STATUSES),
                name="commitment_open_due",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return key_url(self.url_name, self.key)

    @property
    def register_url(self):
        return REGISTER_URL.format(self.tk_number) if self.tk_number else ""

    @property
    def no_news_since(self):
        """The date of the latest news: the latest update, else the day it was made."""
        return self.latest_update_on or self.made_on_or_letter


# The order of status updates, earliest first; the latest update is the last in it.
UPDATE_ORDER = ("date", "created_at", "pk")
LATEST_FIRST = tuple(f"-{field}" for field in UPDATE_ORDER)
# The fields of a commitment or motion kept in step with its status updates.
CURRENT_STATUS_FIELDS = ("status", "status_date", "status_date_precision", "latest_update_on")


class StatusUpdateQuerySet(KeyedQuerySet):
    def earliest_first(self):
        return self.order_by(*UPDATE_ORDER)

    def latest_first(self):
        return self.order_by(*LATEST_FIRST)

    def on(self, day):
        """The updates known on ``day``: the latest of them gives the status on that day."""
        return self.filter(date__lte=day)

    def of_outer(self, model, ref="pk"):
        """The updates of the commitment or motion of an outer query (a subquery)."""
        return self.filter(**{model._meta.model_name: OuterRef(ref)})


def later_with_other_status(updates, subject_field):
    """The updates in ``updates`` of the same subject as the outer update, later than it
    in ``UPDATE_ORDER``, with another status. An update that none follows is in the
    latest unbroken run of updates with the current status."""
    date_, created, pk = (OuterRef(field) for field in UPDATE_ORDER)
    later = (
        Q(date__gt=date_)
        | Q(date=date_, created_at__gt=created)
        | Q(date=date_, created_at=created, pk__gt=pk)
    )
    return updates.filter(later, **{subject_field: OuterRef(subject_field)}).exclude(
        status=OuterRef("status")
    )


def status_of_latest(latest):
    """The status of the first of ``latest`` (updates, latest first), or open when there
    is none: a commitment or motion is open until its first status update."""
    return Coalesce(Subquery(latest.values("status")[:1]), Value(Status.OPEN.value))


def current_status_fields(updates, subject_field):
    """SQL expressions, for a commitment or motion row, of the fields kept in step with
    its status updates (``updates``, a StatusUpdate queryset; ``subject_field``,
    "commitment" or "motion"): the status of the latest update (open without one), the
    date and date precision of the update that began the current status, and the date
    of the latest update. Used by ``services.refresh_current_status``, the data
    migration and the benchmark's bulk load, so the rule is written once."""
    mine = updates.filter(**{subject_field: OuterRef("pk")})
    latest = mine.order_by(*LATEST_FIRST)
    run = mine.filter(~Exists(later_with_other_status(updates, subject_field)))
    since = run.order_by(*UPDATE_ORDER)
    return {
        "status": status_of_latest(latest),
        "status_date": Subquery(since.values("date")[:1]),
        "status_date_precision": Coalesce(
            Subquery(since.values("date_precision")[:1]), Value(DatePrecision.EXACT.value)
        ),
        "latest_update_on": Subquery(latest.values("date")[:1]),
    }


class StatusUpdate(Sourced):
    """A dated status of one commitment or motion, backed by evidence. Kept forever:
    a correction is a new update that points at the one it corrects."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
    )
    motion = models.ForeignKey(
        Motion,
        verbose_name=_("motion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
    )
    date = models.DateField(_("date"), validators=[validate_past_date])
    date_precision = models.CharField(
        _("date precision"),
        max_length=20,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
        help_text=_("Whether the date is exact, an estimate, or the latest it can be."),
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    evidence_letter = models.ForeignKey(
        Letter,
        verbose_name=_("evidence letter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
    )
    evidence_url = models.URLField(_("evidence URL"), max_length=500, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("researcher"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    origin = origin_field()

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = list(UPDATE_ORDER)
        get_latest_by = list(UPDATE_ORDER)
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        constraints = [
            choices_constraint("status", Status, "statusupdate_status_valid"),
            choices_constraint(
                "date_precision", DatePrecision, "statusupdate_date_precision_valid"
            ),
            models.CheckConstraint(
                condition=Q(commitment__isnull=False, motion__isnull=True)
                | Q(commitment__isnull=True, motion__isnull=False),
                name="statusupdate_one_subject",
            ),
        ]
        indexes = [
            # The latest update of a commitment or motion on a day, read from the index
            # alone (``status_as_of``, ``current_status_fields``).
            models.Index(
                fields=["commitment", "-date", "-created_at", "-id"],
                include=["status"],
                name="statusupdate_commitment_latest",
            ),
            models.Index(
                fields=["motion", "-date", "-created_at", "-id"],
                include=["status"],
                name="statusupdate_motion_latest",
            ),
            # The feed and the home page read the newest updates first.
            models.Index(
                F("date").desc(), F("created_at").desc(), F("id").desc(), name="statusupdate_newest"
            ),
            # The alerts digest reads what was recorded since its last run.
            models.Index(fields=["created_at"], name="statusupdate_recorded"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_status_display()}: {self.subject}"

    def get_absolute_url(self):
        return self.subject.get_absolute_url()

    @property
    def subject(self):
        return self.commitment if self.commitment_id else self.motion


class SyncState(models.Model):
    """Where a register sync stopped, committed with each page it wrote: the URL of the
    next page to read (its skiptoken, for the SyncFeed) and the latest change seen."""

    feed = models.CharField(_("feed"), max_length=50, unique=True)
    resume_url = models.URLField(_("resume at"), max_length=2000, blank=True)
    last_modified = models.DateTimeField(_("latest change seen"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages read"), default=0)
    records = models.PositiveIntegerField(_("records read"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["feed"]
        verbose_name = _("sync state")
        verbose_name_plural = _("sync states")

    def __str__(self):
        return self.feed


class Tally(models.Model):
    """One figure of the progress dashboard, kept up to date by the write path
    (``commitments.tallies``). Yearly figures marked cumulative store the change at
    ``year``; their value in a year is the sum up to it."""

    subject = models.CharField(_("subject"), max_length=20)
    figure = models.CharField(_("figure"), max_length=20)
    year = models.IntegerField(_("year"), default=0)
    part = models.IntegerField(_("part"), default=0, help_text=_("An office or theme id."))
    status = models.CharField(_("status"), max_length=30, blank=True)
    n = models.IntegerField(_("count"), default=0)

    class Meta:
        ordering = ["subject", "figure", "year", "part", "status"]
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "figure", "year", "part", "status"], name="tally_unique_key"
            )
        ]

    def __str__(self):
        return f"{self.subject} {self.figure} {self.year} {self.part} {self.status}: {self.n}"


class ItemTally(models.Model):
    """What one commitment or motion adds to the tallies, as stored the last time they
    were brought in step with it: refreshing an item subtracts this and adds the new."""

    subject = models.CharField(_("subject"), max_length=20)
    item = models.IntegerField(_("item id"))
    rows = models.JSONField(_("rows"), default=list)

    class Meta:
        ordering = ["subject", "item"]
        verbose_name = _("item tally")
        verbose_name_plural = _("item tallies")
        constraints = [
            models.UniqueConstraint(fields=["subject", "item"], name="itemtally_unique_item")
        ]

    def __str__(self):
        return f"{self.subject} {self.item}"


class DataVersion(models.Model):
    """One row: the version of everything the public pages show, raised by every write
    path in its own transaction (``commitments.versions``). Public pages name it in their
    ETag (``tracker/caching.py``)."""

    n = models.BigIntegerField(_("number of changes"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="dataversion_one_row")]

    def __str__(self):
        return f"{self.n} ({self.changed_at})"
