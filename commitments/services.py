"""Writes that touch more than one row. Every status change goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Commitment, Motion, Status, StatusUpdate


class StaleEditError(Exception):
    """The record changed since the editor loaded it."""


@transaction.atomic
def record_status_update(
    *,
    subject,
    date,
    status,
    note="",
    evidence_letter=None,
    source_passage="",
    source_document=None,
    evidence_url="",
    corrects=None,
    researcher=None,
    key=None,
):
    """Add a status update to a commitment or motion and bring its current status in
    step with the latest update. Earlier updates are never changed."""
    if not isinstance(subject, (Commitment, Motion)):
        raise TypeError("subject must be a commitment or a motion")
    if status not in Status.values:
        raise ValidationError(_("Unknown status code: %(status)s") % {"status": status})
    if corrects is not None and corrects.subject != subject:
        raise ValidationError(_("A correction must concern the same commitment or motion."))
    if source_document is None and evidence_letter is not None:
        source_document = evidence_letter.text_document
    update = StatusUpdate(
        commitment=subject if isinstance(subject, Commitment) else None,
        motion=subject if isinstance(subject, Motion) else None,
        date=date,
        status=status,
        note=note,
        evidence_letter=evidence_letter,
        source_passage=source_passage,
        source_document=source_document,
        evidence_url=evidence_url,
        corrects=corrects,
        researcher=researcher,
    )
    if key:
        update.key = key
    update.full_clean()
    update.save()
    refresh_current_status(subject)
    return update


def refresh_current_status(subject):
    """Set the subject's denormalised status to that of its latest update."""
    latest = subject.updates.order_by("-date", "-created_at", "-pk").first()
    type(subject).objects.filter(pk=subject.pk).update(
        status=latest.status if latest else Status.OPEN,
        status_date=latest.date if latest else None,
    )
    subject.refresh_from_db(fields=["status", "status_date"])
