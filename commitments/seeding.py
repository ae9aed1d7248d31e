"""Loading the source-cited seed fixtures without overwriting researchers' work.

Fixtures are Django JSON fixtures with natural keys (``key``), in ``fixtures/``, loaded in
file-name order. A record whose key is new is created; a record that exists is compared
field by field and left alone either way: "unchanged" when it matches the fixture,
"skipped" when it differs. Status updates are created through
``services.record_status_update``, the one write path for statuses.

With ``update=True`` (``seed --update``) corrected fixtures are applied to the records no
researcher has touched:

- A record is touched by a researcher when any row of its history names a user, or, for a
  status update, when a researcher recorded it, or, for a commitment or motion, when a
  researcher recorded one of its status updates. Touched records are never changed; they
  are reported with the fields that differ from the fixture.
- An untouched record gets the fixture's value of every field that differs, many-to-many
  fields included. A status update the seed created and no researcher touched is corrected
  in place (a correction of the seed data, not of anyone's history), and the current
  status of its commitment or motion is recomputed by the service layer.
- Seeded records that are no longer in the fixtures are listed, never deleted.
- ``replaced_keys.tsv`` in the fixtures folder names records merged into another key. An
  untouched old record has every reference to it moved to the new record and is then
  deleted (or, when no record has the new key yet, it is given the new key). An old
  record a researcher touched is reported for a researcher to merge. No seed recreates
  an old key.

Every write of ``seed --update`` is recorded in the history with the change reason
``seed --update`` and no user.
"""

import csv
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction

from . import models, services, tallies, versions
from .choices import Origin
from .text import normalise

# Fields that are derived or kept by the application, never compared with the fixture.
DERIVED_FIELDS = {"id", "key", "version", "created_at", "researcher", "made_on_or_letter"}
# A commitment's or motion's current status follows its status updates.
TRACKED_STATUS_FIELDS = set(services.CURRENT_STATUS_FIELDS)

# Fields the seed fills in itself from a fixture record: a source document's text from its
# file, a commitment's due range from its due phrase.
DERIVED_FROM_FIXTURE = {
    models.SourceDocument: {"text"},
    models.Commitment: {"due_start", "due_end", "due_needs_review"},
}

UPDATE_REASON = "seed --update"
REPLACED_KEYS_FILE = "replaced_keys.tsv"
REPLACED_KEYS_HEADER = ["model", "old_key", "new_key"]


class SeedError(Exception):
    pass


@dataclass
class SeedReport:
    update: bool = False
    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list = field(default_factory=list)
    replaced: list = field(default_factory=list)  # fixture records under a replaced key
    pending_merges: list = field(default_factory=list)  # plain seed: old keys still stored
    # seed --update
    updated: Counter = field(default_factory=Counter)
    changes: list = field(default_factory=list)
    kept: list = field(default_factory=list)
    merged: list = field(default_factory=list)
    to_merge: list = field(default_factory=list)
    statuses: list = field(default_factory=list)
    not_in_fixtures: list = field(default_factory=list)

    @staticmethod
    def counted(label, counts):
        total = sum(counts.values())
        detail = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
        return f"{label}: {total}" + (f" ({detail})" if detail else "")

    @staticmethod
    def listed(label, items):
        yield f"{label}: {len(items)}"
        for item in items:
            yield f"  - {item}"

    def lines(self):
        yield self.counted("created", self.created)
        if self.update:
            yield self.counted("updated", self.updated)
            yield from (f"  - {line}" for line in self.changes)
        yield self.counted("unchanged", self.unchanged)
        if self.update:
            yield from self.listed("kept (edited by a researcher)", self.kept)
            yield from self.listed("merged into another key", self.merged)
            yield from self.listed("to merge by a researcher", self.to_merge)
            yield from self.listed("current status recomputed", self.statuses)
            yield from self.listed("seeded, no longer in the fixtures (kept)", self.not_in_fixtures)
        else:
            yield from self.listed("skipped (edited since seeding, kept as is)", self.skipped)
        if self.replaced:
            yield from self.listed(
                f"not loaded (key replaced in {REPLACED_KEYS_FILE})", self.replaced
            )
        if self.pending_merges:
            yield from self.listed("replaced keys still in the database", self.pending_merges)
        if not self.update and (self.skipped or self.pending_merges):
            yield (
                "Run `seed --update` to apply the fixtures to the records no researcher "
                "has edited; add --dry-run to see the changes first."
            )


def fixture_paths(directory=None):
    directory = Path(directory or settings.FIXTURES_DIR)
    return sorted(directory.glob("*.json"))


def read_source_text(document):
    path = Path(settings.SEEDS_DIR) / document.filename
    if not path.is_file():
        raise SeedError(f"Source document {document.key}: file {path.name} not found in seeds/.")
    return path.read_text(encoding="utf-8")


def read_replaced_keys(directory=None):
    """``[(model, old_key, new_key)]`` from ``replaced_keys.tsv``, in file order."""
    path = Path(directory or settings.FIXTURES_DIR) / REPLACED_KEYS_FILE
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t"))
    if not rows or [cell.strip() for cell in rows[0]] != REPLACED_KEYS_HEADER:
        raise SeedError(
            f"{path.name}: the first line must be {'<tab>'.join(REPLACED_KEYS_HEADER)}."
        )
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        if len(row) != 3 or not all(cell.strip() for cell in row):
            raise SeedError(f"{path.name} line {number}: expected three tab-separated values.")
        name, old_key, new_key = (cell.strip() for cell in row)
        try:
            model = apps.get_model(name if "." in name else f"commitments.{name}")
        except (LookupError, ValueError) as exc:
            raise SeedError(f"{path.name} line {number}: unknown model {name!r}.") from exc
        if old_key == new_key:
            raise SeedError(f"{path.name} line {number}: the old and new key are the same.")
        lines.append((model, old_key, new_key))
    return lines


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


def compared_fields(model, named=None):
    """The concrete fields a fixture sets, in model order: those it names (all when
    ``named`` is None) and those the seed derives from them."""
    ignored = DERIVED_FIELDS
    if issubclass(model, models.Trackable):
        ignored = ignored | TRACKED_STATUS_FIELDS
    if named is not None:
        named = named | DERIVED_FROM_FIXTURE.get(model, set())
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in ignored and (named is None or f.name in named)
    ]


def differences(existing, incoming, m2m_data=None, named=None):
    """``[(field, stored value, fixture value)]`` for each field that differs; many-to-many
    values are sets of primary keys. Fields the fixture does not name are not compared:
    they keep what the application or a researcher put there."""
    found = []
    for f in compared_fields(type(incoming), named):
        old, new = f.value_from_object(existing), f.value_from_object(incoming)
        if old != new:
            found.append((f, old, new))
    for name, values in (m2m_data or {}).items():
        f = incoming._meta.get_field(name)
        old = set(getattr(existing, name).values_list("pk", flat=True))
        if old != set(values):
            found.append((f, old, set(values)))
    return found


def label(record):
    return f"{record._meta.verbose_name} {record.key}"


def shown(f, value, start=0):
    """A value as the report shows it: related records by key, long text shortened (from
    ``start``, where it begins to differ from the other value)."""
    if f.many_to_many:
        keys = f.related_model.objects.filter(pk__in=value).values_list("key", flat=True)
        return "[" + ", ".join(sorted(keys)) + "]"
    if value is None or value == "":
        return "(empty)"
    if f.is_relation:
        key = f.related_model.objects.filter(pk=value).values_list("key", flat=True).first()
        return key or f"(deleted #{value})"
    if isinstance(value, str):
        text = " ".join(value.split())
        head = "..." if start else ""
        tail = "..." if len(text) > start + 70 else ""
        return repr(head + text[start : start + 70] + tail)
    return str(value)


def change(f, old, new):
    """ "old → new"; of two long texts, the part where they begin to differ."""
    start = 0
    if isinstance(old, str) and isinstance(new, str):
        old_text, new_text = " ".join(old.split()), " ".join(new.split())
        same = len(os.path.commonprefix([old_text, new_text]))
        if max(len(old_text), len(new_text)) > 70 and same > 40:
            start = same - 30
    return f"{shown(f, old, start)} → {shown(f, new, start)}"


def is_historical(model):
    return hasattr(model, "instance_type")  # the models django-simple-history generates


def touched_by_researcher(record):
    """Whether a researcher edited the record: a history row names a user, or (for status
    updates and their commitments and motions) a researcher recorded a status update."""
    model = type(record)
    if model.history.filter(id=record.pk, history_user__isnull=False).exists():
        return True
    if isinstance(record, models.StatusUpdate):
        return record.researcher_id is not None
    if isinstance(record, models.Trackable):
        return record.updates.filter(researcher__isnull=False).exists()
    return False


def untouched(queryset):
    """The records of ``queryset`` no researcher touched (see ``touched_by_researcher``)."""
    model = queryset.model
    queryset = queryset.exclude(
        pk__in=model.history.filter(history_user__isnull=False).values("id")
    )
    if model is models.StatusUpdate:
        return queryset.filter(researcher__isnull=True)
    if issubclass(model, models.Trackable):
        return queryset.exclude(updates__researcher__isnull=False)
    return queryset


def from_documents(queryset):
    """The records of ``queryset`` whose origin is a source document. Only models with an
    origin (commitments, motions, letters, status updates) can tell a seeded record from
    one the register sync made, so the others give none."""
    if "origin" not in {field.name for field in queryset.model._meta.get_fields()}:
        return queryset.none()
    return queryset.filter(origin=Origin.DOCUMENT)


def save_record(record, reason):
    """Save a changed record with its change reason; a clear SeedError when invalid."""
    record._change_reason = reason  # read by django-simple-history
    try:
        if isinstance(record, models.Commitment | models.Motion):
            services.save_tracked(record, expected_version=record.version)
        elif isinstance(record, models.Letter):
            record.full_clean()
            services.save_letter(record)  # its date dates the commitments it records
        else:
            record.full_clean()
            record.save()
    except services.StaleEditError:
        raise  # changed meanwhile by someone else: not a fault of the seed data
    except ValidationError as exc:
        raise SeedError(f"{record._meta.model_name} {record.key}: {exc.message_dict}") from exc


class Seeder:
    def __init__(self, *, update=False, progress=None):
        self.update = update
        self.progress = progress
        self.reason = UPDATE_REASON if update else None
        self.report = SeedReport(update=update)
        self.texts = {}
        self.replaced = read_replaced_keys()
        self.replaced_old = {(model, old) for model, old, _new in self.replaced}
        self.seen = {}  # model: keys loaded from the fixtures
        self.status_before = {}  # subject: (status, status_date) before this run touched it

    def run(self, paths=None):
        if self.update:
            for model, old_key, new_key in self.replaced:
                self.merge(model, old_key, new_key)
        for path in [Path(p) for p in paths] if paths else fixture_paths():
            if self.progress:
                self.progress(f"Loading {path.name}")
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise SeedError(f"{path.name}: {exc}") from exc
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise SeedError(f"{path.name}: a fixture is a list of records.")
            # One record at a time: later records refer to earlier ones by natural key.
            objects = serializers.deserialize("python", data)
            try:
                for raw, deserialized in zip(data, objects, strict=True):
                    self.load_one(deserialized, named=set(raw.get("fields", {})))
            except serializers.base.DeserializationError as exc:
                raise SeedError(f"{path.name}: {exc}") from exc
        if self.update:
            self.report_statuses()
            if not paths:  # only a run over every fixture knows what is no longer in them
                self.report_not_in_fixtures()
        else:
            for model, old_key, new_key in self.replaced:
                if model.objects.filter(key=old_key).exists():
                    self.report.pending_merges.append(
                        f"{model._meta.verbose_name} {old_key} (replaced by {new_key})"
                    )
        return self.report

    # Loading the fixtures

    def load_one(self, deserialized, named):
        record = deserialized.object
        model = type(record)
        name = str(model._meta.verbose_name_plural)
        if (model, record.key) in self.replaced_old:
            self.report.replaced.append(label(record))
            return
        self.seen.setdefault(model, set()).add(record.key)
        if isinstance(record, models.SourceDocument):
            record.text = read_source_text(record)
        else:
            check_passage(record, self.texts)
        if isinstance(record, models.Commitment):
            services.derive_due_range(record)
        try:
            record.clean_fields()
        except ValidationError as exc:
            raise SeedError(f"{model._meta.model_name} {record.key}: {exc.message_dict}") from exc
        if record.pk is not None:
            self.compare(model.objects.get(pk=record.pk), record, deserialized.m2m_data, named)
            return
        if isinstance(record, models.StatusUpdate):
            subject = record.commitment or record.motion
            self.note_status(subject)
            services.record_status_update(
                subject=subject,
                change_reason=self.reason,
                **{
                    f.name: getattr(record, f.name)
                    for f in record._meta.concrete_fields
                    if f.name not in {"id", "commitment", "motion", "created_at", "researcher"}
                },
            )
        else:
            record._change_reason = self.reason
            if isinstance(record, models.Commitment | models.Motion):
                services.save_tracked(record)
            else:
                record.save()
            for field_name, values in (deserialized.m2m_data or {}).items():
                getattr(record, field_name).set(values)
        self.report.created[name] += 1

    def compare(self, existing, record, m2m_data, named):
        name = str(type(record)._meta.verbose_name_plural)
        if not self.update:
            if differences(existing, record, named=named):
                self.report.skipped.append(label(record))
            else:
                self.report.unchanged[name] += 1
            return
        found = differences(existing, record, m2m_data, named)
        if not found:
            self.report.unchanged[name] += 1
            return
        fields = ", ".join(f.name for f, _old, _new in found)
        if touched_by_researcher(existing):
            self.report.kept.append(f"{label(existing)}: differs from the fixture in {fields}")
            return
        for f, old, new in found:
            self.report.changes.append(f"{label(existing)}: {f.name}: {change(f, old, new)}")
        values = {f.attname: new for f, _old, new in found if not f.many_to_many}
        if isinstance(existing, models.StatusUpdate):
            self.note_status(existing.subject)
            self.note_status(record.subject)  # the same one, unless the fixture moved it
            services.correct_seeded_status_update(existing, change_reason=self.reason, **values)
        else:
            for attname, value in values.items():
                setattr(existing, attname, value)
            save_record(existing, self.reason)
            for f, _old, new in found:
                if f.many_to_many:
                    getattr(existing, f.name).set(new)
        self.report.updated[name] += 1

    # Current statuses

    def note_status(self, subject):
        """Remember a subject's stored status before this run first changes its updates."""
        if subject not in self.status_before:
            stored = type(subject).objects.values("status", "status_date").get(pk=subject.pk)
            self.status_before[subject] = (stored["status"], stored["status_date"])

    def report_statuses(self):
        for subject, before in self.status_before.items():
            stored = type(subject).objects.values("status", "status_date").get(pk=subject.pk)
            after = (stored["status"], stored["status_date"])
            if after != before:
                self.report.statuses.append(
                    f"{label(subject)}: {before[0]} ({before[1] or 'no date'}) → "
                    f"{after[0]} ({after[1] or 'no date'})"
                )

    def report_not_in_fixtures(self):
        for model, keys in self.seen.items():
            stale = untouched(from_documents(model.objects.exclude(key__in=keys))).exclude(
                key__in=[old for m, old in self.replaced_old if m is model]
            )
            for key in stale.order_by("key").values_list("key", flat=True).distinct():
                self.report.not_in_fixtures.append(f"{model._meta.verbose_name} {key}")

    # Merged records

    def merge(self, model, old_key, new_key):
        old = model.objects.filter(key=old_key).first()
        if old is None:
            return
        what = f"{model._meta.verbose_name} {old_key} → {new_key}"
        if touched_by_researcher(old):
            self.report.to_merge.append(f"{what}: {old_key} was edited by a researcher")
            return
        new = model.objects.filter(key=new_key).first()
        if new is None:
            old.key = new_key
            save_record(old, self.reason)
            self.report.merged.append(f"{what}: key changed (no record had the new key yet)")
            return
        conflicts = [
            f"{rel.related_model._meta.verbose_name} {rel.field.name}"
            for rel in references(model)
            if rel.one_to_one
            and rel.related_model.objects.filter(**{rel.field.name: new}).exists()
            and rel.related_model.objects.filter(**{rel.field.name: old}).exists()
        ]
        if conflicts:
            self.report.to_merge.append(
                f"{what}: both are referred to by a one-to-one field ({', '.join(conflicts)})"
            )
            return
        if isinstance(old, models.Trackable):
            self.note_status(new)
        for rel in references(model):
            referring = rel.related_model.objects.filter(**{rel.field.name: old}).distinct()
            for record in referring.order_by("pk"):
                if isinstance(record, models.StatusUpdate) and rel.field.name in {
                    "commitment",
                    "motion",
                }:
                    self.note_status(new)
                if rel.many_to_many:
                    manager = getattr(record, rel.field.name)
                    manager.remove(old)
                    if record.pk != new.pk:
                        manager.add(new)
                else:
                    setattr(record, rel.field.name, new)
                if record.pk != old.pk or type(record) is not model:
                    save_record(record, self.reason)
                self.report.merged.append(
                    f"{what}: {label(record)}: {rel.field.name} now {new_key}"
                )
        old._change_reason = self.reason
        old.delete()
        if isinstance(new, models.Trackable):
            services.refresh_current_status(new, change_reason=self.reason)
        self.report.merged.append(f"{what}: {model._meta.verbose_name} {old_key} deleted")


def references(model):
    """The relations through which other tracker records refer to ``model`` (foreign keys,
    one-to-one and many-to-many fields), history tables and link tables left out."""
    return [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and rel.is_relation
        and not is_historical(rel.related_model)
        and not rel.related_model._meta.auto_created
        and rel.related_model._meta.app_label == model._meta.app_label
    ]


def seed(paths=None, progress=None, *, update=False, dry_run=False):
    """Load the fixtures; returns a SeedReport. All or nothing: one transaction. With
    ``dry_run`` every change is made and reported, then rolled back."""
    with versions.change():
        report = Seeder(update=update, progress=progress).run(paths)
        tallies.rebuild()
        if dry_run:
            transaction.set_rollback(True)
    return report
