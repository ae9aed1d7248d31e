"""Loading the source-cited seed fixtures without overwriting researchers' work.

Fixtures are Django JSON fixtures with natural keys (``key``), in ``fixtures/``, loaded in
file-name order. A record whose key is new is created; a record that exists is compared
field by field and left alone either way: "unchanged" when it matches the fixture,
"skipped" when it differs (a researcher edited it). Status updates are created through
``services.record_status_update``, the one write path for statuses.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction

from . import models, services
from .text import normalise

# Fields that are derived or kept by the application, never compared with the fixture.
DERIVED_FIELDS = {
    "id",
    *services.CURRENT_STATUS_FIELDS,
    "made_on_or_letter",
    "version",
    "created_at",
    "researcher",
}


class SeedError(Exception):
    pass


@dataclass
class SeedReport:
    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list = field(default_factory=list)

    def lines(self):
        for label, counts in (("created", self.created), ("unchanged", self.unchanged)):
            total = sum(counts.values())
            detail = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
            yield f"{label}: {total}" + (f" ({detail})" if detail else "")
        yield f"skipped (edited since seeding, kept as is): {len(self.skipped)}"
        for label in self.skipped:
            yield f"  - {label}"


def fixture_paths(directory=None):
    directory = Path(directory or settings.FIXTURES_DIR)
    return sorted(directory.glob("*.json"))


def read_source_text(document):
    path = Path(settings.SEEDS_DIR) / document.filename
    if not path.is_file():
        raise SeedError(f"Source document {document.key}: file {path.name} not found in seeds/.")
    return path.read_text(encoding="utf-8")


def check_passage(record, texts):
    """Raise SeedError unless the record cites a passage found in its source document."""
    label = f"{record._meta.model_name} {record.key}"
    if not record.source_document_id or not record.source_passage.strip():
        raise SeedError(f"{label}: every seeded record must cite a source document and passage.")
    text = texts.get(record.source_document_id)
    if text is None:
        text = texts[record.source_document_id] = normalise(record.source_document.text)
    if normalise(record.source_passage) not in text:
        raise SeedError(
            f"{label}: passage not found in {record.source_document.key}: "
            f"{record.source_passage[:80]!r}"
        )


def differs(existing, incoming):
    for f in incoming._meta.concrete_fields:
        if f.name in DERIVED_FIELDS or f.name == "key":
            continue
        if f.value_from_object(existing) != f.value_from_object(incoming):
            return True
    return False


def seed(paths=None, progress=None):
    """Load the fixtures; returns a SeedReport. All or nothing: one transaction."""
    report = SeedReport()
    texts = {}
    with transaction.atomic():
        for path in [Path(p) for p in paths] if paths else fixture_paths():
            if progress:
                progress(f"Loading {path.name}")
            with path.open(encoding="utf-8") as stream:
                # One record at a time: later records refer to earlier ones by natural key.
                objects = serializers.deserialize("json", stream)
                try:
                    for deserialized in objects:
                        load_one(deserialized, report, texts)
                except serializers.base.DeserializationError as exc:
                    raise SeedError(f"{path.name}: {exc}") from exc
    return report


def load_one(deserialized, report, texts):
    record = deserialized.object
    model = type(record)
    name = model._meta.verbose_name_plural
    if isinstance(record, models.SourceDocument):
        record.text = read_source_text(record)
    else:
        check_passage(record, texts)
    if isinstance(record, models.Commitment):
        services.derive_due_range(record)
    try:
        record.clean_fields()
    except ValidationError as exc:
        raise SeedError(f"{model._meta.model_name} {record.key}: {exc.message_dict}") from exc
    if record.pk is not None:
        existing = model.objects.get(pk=record.pk)
        if differs(existing, record):
            report.skipped.append(f"{model._meta.verbose_name} {record.key}")
        else:
            report.unchanged[str(name)] += 1
        return
    if isinstance(record, models.StatusUpdate):
        services.record_status_update(
            subject=record.commitment or record.motion,
            **{
                f.name: getattr(record, f.name)
                for f in record._meta.concrete_fields
                if f.name not in {"id", "commitment", "motion", "created_at", "researcher"}
            },
        )
    else:
        if isinstance(record, models.Commitment | models.Motion):
            services.save_tracked(record)
        else:
            record.save()
        for field_name, values in (deserialized.m2m_data or {}).items():
            getattr(record, field_name).set(values)
    report.created[str(name)] += 1
