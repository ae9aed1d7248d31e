"""Writes that touch more than one row, or that must not be lost. Every entry point (admin
form, admin inline, admin bulk action, management commands, seed) calls these."""

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from . import bulk, tallies, versions
from .choices import DatePrecision, Origin, Status
from .due import parse_due
from .models import (
    CURRENT_STATUS_FIELDS,
    Commitment,
    Letter,
    Motion,
    SourceDocument,
    StatusUpdate,
)
from .text import normalise


class StaleEditError(ValidationError):
    """The record changed since the editor loaded it; saving would overwrite that change.
    A ValidationError of the whole record, so a form shows it above its fields."""

    def __init__(self, record):
        self.record = record
        super().__init__(
            _(
                "This record (%(model)s) was changed by someone else since you opened it. "
                "Your changes were not saved: reload the page, check the other changes "
                "and make yours again."
            )
            % {"model": record._meta.verbose_name},
            code="stale",
        )


def derive_due_range(commitment, *, phrase_changed=False):
    """Fill the due range from the due phrase, unless a researcher entered it by hand.

    A phrase that cannot be read with certainty is kept as text and flagged for review;
    it is never guessed. Relative phrases ("later dit jaar") count from the date the
    commitment was made, else from its source letter's date."""
    if phrase_changed:
        commitment.due_start = commitment.due_end = None
    if commitment.due_start or commitment.due_end or not commitment.due_phrase.strip():
        commitment.due_needs_review = False
        return commitment
    reference = commitment.made_on
    if reference is None and commitment.source_letter_id:
        reference = commitment.source_letter.date
    parsed = parse_due(commitment.due_phrase, reference=reference)
    if parsed is None:
        commitment.due_needs_review = True
    else:
        commitment.due_start, commitment.due_end = parsed.start, parsed.end
        commitment.due_needs_review = False
    return commitment


@versions.change()
def save_tracked(record, *, expected_version=None, phrase_changed=False):
    """Save a commitment or motion. An existing record is saved only if its version is
    still ``expected_version`` (optimistic locking): the conditional UPDATE takes the row
    lock, so of two concurrent saves from the same version exactly one wins."""
    if isinstance(record, Commitment):
        derive_due_range(record, phrase_changed=phrase_changed)
        record.made_on_or_letter = record.made_on or (
            record.source_letter.date if record.source_letter_id else None
        )
    record.full_clean(exclude=["key"] if record.pk else None, validate_unique=False)
    if record.pk is None:
        record.save()
        tallies.refresh(type(record), [record.pk])
        return record
    if expected_version is None:
        raise ValueError("expected_version is required to change an existing record")
    bumped = (
        type(record)
        .objects.filter(pk=record.pk, version=expected_version)
        .update(version=F("version") + 1)
    )
    if not bumped:
        raise StaleEditError(record)
    record.version = expected_version + 1
    # The status is kept by record_status_update, never by an edit of the record: take the
    # stored one, which may be newer than the one the editor loaded.
    current = type(record).objects.values(*CURRENT_STATUS_FIELDS).get(pk=record.pk)
    for field, value in current.items():
        setattr(record, field, value)
    record.save()
    tallies.refresh(type(record), [record.pk])
    return record


def made_on_or_letter(letters):
    """``Commitment.made_on_or_letter`` as SQL, for an UPDATE of many commitments: the date
    made, else the date of the source letter (``letters``, a Letter queryset). The same
    rule as ``save_tracked``."""
    letter_date = Subquery(letters.filter(pk=OuterRef("source_letter")).values("date")[:1])
    return Coalesce(F("made_on"), letter_date)


@versions.change()
def save_letter(letter):
    """Save a letter, and give its new date to the commitments it records that have no
    date of their own."""
    letter.save()
    dated = Commitment.objects.filter(source_letter=letter, made_on=None)
    ids = list(dated.values_list("pk", flat=True))
    if ids:
        dated.update(made_on_or_letter=made_on_or_letter(Letter.objects.all()))
        tallies.refresh(Commitment, ids)
    return letter


def passage_warning(letter, passage):
    """A warning when the passage is not in the cited letter's own text, else None."""
    if not letter or not passage.strip() or not letter.text_document_id:
        return None
    if normalise(passage) in normalise(letter.text_document.text):
        return None
    return _("The passage was not found in the text of %(letter)s. Check the quotation.") % {
        "letter": letter
    }


def check_status(status):
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status code: %(status)s") % {"status": status}})


@versions.change()
def record_status_update(
    *,
    subject,
    date,
    status,
    date_precision=DatePrecision.EXACT,
    note="",
    evidence_letter=None,
    source_passage="",
    source_document=None,
    evidence_url="",
    corrects=None,
    researcher=None,
    key=None,
    change_reason=None,
    origin=None,
):
    """Add a status update to a commitment or motion and bring its current status in
    step with the latest update. Earlier updates are never changed: a correction is a
    new update that points at the one it corrects.

    ``origin`` says where the update comes from; without it, an update with a researcher
    is the researcher's and one without comes from a document. The register sync records
    its updates with ``origin=Origin.REGISTER`` and no researcher."""
    if not isinstance(subject, (Commitment, Motion)):
        raise TypeError("subject must be a commitment or a motion")
    check_status(status)
    if corrects is not None and corrects.subject != subject:
        raise ValidationError(
            {"corrects": _("A correction must concern the same commitment or motion.")}
        )
    if source_document is None and evidence_letter is not None:
        source_document = evidence_letter.text_document
    update = StatusUpdate(
        commitment=subject if isinstance(subject, Commitment) else None,
        motion=subject if isinstance(subject, Motion) else None,
        date=date,
        date_precision=date_precision,
        status=status,
        note=note,
        evidence_letter=evidence_letter,
        source_passage=source_passage,
        source_document=source_document,
        evidence_url=evidence_url,
        corrects=corrects,
        researcher=researcher,
        origin=origin or (Origin.RESEARCHER if researcher is not None else Origin.DOCUMENT),
    )
    if key:
        update.key = key
    update.full_clean()
    update._change_reason = change_reason  # read by django-simple-history
    update.save()
    refresh_current_status(subject, researcher, change_reason=change_reason)
    return update


@versions.change()
def correct_seeded_status_update(update, *, change_reason, **values):
    """Correct, in place, a status update that the seed fixtures created and that no
    researcher recorded (a translated note, a corrected date or status), then bring the
    current status of its subject, and of its former subject, in step. This corrects the
    seed data, not anyone's history: a researcher's update is never changed. ``values``
    are field attribute names (``evidence_letter_id``) and their new values."""
    if update.researcher_id is not None:
        raise ValueError("a status update recorded by a researcher is never changed")
    former = update.subject
    for name, value in values.items():
        setattr(update, name, value)
    update.full_clean()
    update._change_reason = change_reason  # read by django-simple-history
    update.save()
    for subject in {former, update.subject}:
        refresh_current_status(subject, change_reason=change_reason)
    return update


def refresh_current_status(subject, researcher=None, *, change_reason=None):
    """Bring the subject's current status in step with its updates: the status of the
    latest update, the date (and its precision) on which that status began, and the date
    of the latest update (``models.current_status_fields``), and the dashboard's tallies.
    The row is locked first, so concurrent updates of one subject are applied one after
    the other, and the change is saved through the model so its history records it."""
    model = type(subject)
    locked = model.objects.select_for_update().get(pk=subject.pk)
    # A statement after the lock, so it sees the updates of whoever held the lock before.
    values = (
        model.objects.filter(pk=subject.pk)
        .with_fresh_status()
        .values(*(f"fresh_{field}" for field in CURRENT_STATUS_FIELDS))
        .get()
    )
    values = {field: values[f"fresh_{field}"] for field in CURRENT_STATUS_FIELDS}
    if any(getattr(locked, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(locked, field, value)
        if researcher is not None:
            locked._history_user = researcher  # read by django-simple-history
        locked._change_reason = change_reason
        locked.save(update_fields=list(CURRENT_STATUS_FIELDS))
    for field, value in values.items():
        setattr(subject, field, value)
    tallies.refresh(model, [subject.pk])


@versions.change()
def attach_letter_text(letter, *, text, url):
    """Store the official text of a letter as its source document, so its passages can be
    cited, checked and searched. A letter that has its text keeps it."""
    if letter.text_document_id:
        return letter.text_document
    document = SourceDocument.objects.create(
        key=letter.kst_id or letter.key,
        title=str(letter)[:300],
        description=f"Officiële tekst van {letter.kst_id or letter}: {url}",
        text=text,
    )
    letter.text_document = document
    letter.save(update_fields=["text_document"])
    return document


@versions.change()
def create_with_first_updates(model, subjects, updates):
    """Create new commitments or motions in bulk, each with at most one status update (an
    unsaved ``StatusUpdate`` or None), as the register sync does for a page of new records.

    The current status is then set from the updates with the rule of
    ``record_status_update``, in one UPDATE (``refresh_current_status()``). History rows
    are written for every record."""
    for subject in subjects:
        if isinstance(subject, Commitment):
            subject.made_on_or_letter = subject.made_on or (
                subject.source_letter.date if subject.source_letter_id else None
            )
    bulk.insert(model, subjects)
    rows = []
    for subject, update in zip(subjects, updates, strict=True):
        if update is not None:
            check_status(update.status)
            setattr(update, model._meta.model_name, subject)
            rows.append(update)
    bulk.insert_with_history(StatusUpdate, rows)
    if rows:
        updated = model.objects.filter(pk__in=[subject.pk for subject in subjects])
        updated.refresh_current_status()
        fresh = updated.only(*CURRENT_STATUS_FIELDS).in_bulk()
        for subject in subjects:
            for field in CURRENT_STATUS_FIELDS:
                setattr(subject, field, getattr(fresh[subject.pk], field))
    bulk.insert_history(model, subjects)
    tallies.refresh(model, [subject.pk for subject in subjects])
    return subjects
