"""Write register pages to the database: one transaction per page, together with the
position the next run resumes from.

What a sync does to existing data:
- Records are matched on their Tweede Kamer id, then on their register number
  (``TZ...``, Zaak number) or Kamerstuk, so an imported record merges with a hand-seeded
  one instead of duplicating it.
- Content fields (title, text, dates, who made it) are filled only where they are empty:
  a value a researcher or a source document gave is never overwritten. The register's own
  fields (raw status, decision, appraisal, votes, time of change, fulfilment letters) are
  kept in step.
- A changed status adds a status update (origin "register", no researcher) whose evidence
  is the register record. Earlier updates, and researchers' updates, are never touched.
- An unknown or empty status is kept raw and flagged for review, never guessed.
- A record the register deletes is marked withdrawn, never removed.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from django.utils.text import slugify

from .. import bulk, services, tallies, versions
from ..choices import DatePrecision, LetterKind, MotionOutcome, Origin, Role, Status
from ..models import (
    KST_TEXT_URL,
    REGISTER_URL,
    Commitment,
    Dossier,
    Letter,
    MemberOfParliament,
    Ministry,
    Motion,
    Office,
    Person,
    StatusUpdate,
    SyncState,
)
from . import parse
from .client import BASE

# The register's status values, the schema's and those of the live data.
STATUS_MAP = {
    "openstaand": Status.OPEN,
    "voldaan": Status.FULFILLED,
    "afgedaan": Status.FULFILLED,
    "deels voldaan": Status.PARTIALLY_FULFILLED,
    "deels afgedaan": Status.PARTIALLY_FULFILLED,
    "vervallen": Status.LAPSED,
}

REGISTER_NOTE = "Register van toezeggingen van de Tweede Kamer, {number}: status “{raw}”."
TITLE_LENGTH = 200


def map_status(raw):
    """The tracker's status for a register status, or None when it is unknown or empty."""
    return STATUS_MAP.get(" ".join((raw or "").lower().split()))


def motion_outcome(decision_kind):
    kind = decision_kind.lower()
    if "aangenomen" in kind:
        return MotionOutcome.ADOPTED
    if "verworpen" in kind:
        return MotionOutcome.REJECTED
    if "ingetrokken" in kind:
        return MotionOutcome.WITHDRAWN
    return ""


def title_from(text, fallback):
    """The first sentence of the text, or its first words, for a title."""
    text = " ".join(text.split())
    if not text:
        return fallback
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(sentence) <= TITLE_LENGTH:
        return sentence
    return text[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def role_from(function):
    words = function.lower().replace("-", " ")
    if words.startswith("minister president"):
        return Role.MINISTER_PRESIDENT
    if words.startswith("minister"):
        return Role.MINISTER
    if words.startswith("staatssecretaris"):
        return Role.STAATSSECRETARIS
    return None


def dossier_label(number, addition=""):
    """ "36410" -> "36 410"; "35300", "XVII" -> "35 300 XVII" (the tracker's notation)."""
    digits = re.sub(r"\s", "", number)
    label = f"{digits[:-3]} {digits[-3:]}" if digits.isdigit() and len(digits) > 3 else digits
    return f"{label} {addition}".strip() if addition else label


KST_ID = re.compile(r"kst-(\d{4,6})(?:-([A-Za-z0-9]+(?:-[0-9]+)?))?-(\d+)(?![\w-])", re.IGNORECASE)
KAMERSTUK = re.compile(
    r"\b(\d{2}\s?\d{3})(?:[\s-]+([IVXLC]+|[A-Z](?:-\d+)?|\d{1,2}))?\s*(?:,\s*)?(?:nr\.?\s*|-)\s*(\d+)\b"
)


def kamerstukken_in(text):
    """(dossier number, addition, number) of each Kamerstuk a kamerbriefNakoming names."""
    found = [(d, a or "", n) for d, a, n in KST_ID.findall(text)]
    if not found:
        found = [(d.replace(" ", ""), a or "", n) for d, a, n in KAMERSTUK.findall(text)]
    return found


def kst_id(dossier, addition, number):
    return "-".join(part for part in ("kst", dossier, addition.upper(), number) if part)


@dataclass
class RunReport:
    pages: int = 0
    records: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    status_updates: int = 0
    flagged: int = 0
    seconds: float = 0.0
    complete: bool = False
    details: list = field(default_factory=list)
    # {model: ids} of the commitments and motions the current page changed in place; the
    # run brings their tallies in step with the page. New ones are counted as they are
    # created (``services.create_with_first_updates``), unchanged ones need nothing.
    touched: dict = field(default_factory=dict)

    def touch(self, subject):
        self.touched.setdefault(type(subject), set()).add(subject.pk)

    @property
    def per_second(self):
        return self.records / self.seconds if self.seconds else 0.0

    def summary(self):
        return (
            f"{self.pages} pages, {self.records} records ({self.per_second:,.0f}/s): "
            f"{self.created} created, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.withdrawn} withdrawn, {self.status_updates} status updates, "
            f"{self.flagged} flagged for review"
        )


class Resolver:
    """Finds or creates the people, offices, ministries, letters, dossiers and members of
    parliament records refer to, with caches that live for one run. A name the tracker
    does not know is created once, flagged, and found by the same rule on the next run."""

    def __init__(self):
        self.ministries = None
        self.persons = {}
        self.offices = {}
        self.dossiers = {}
        self.members = {}
        self.letter_cache = {}

    # keys ------------------------------------------------------------------------------

    def key_for(self, model, base, reserved=frozenset()):
        """A readable key not taken in the database, nor in ``reserved``."""
        key = slugify(base)[:110] or "register"
        candidate, n = key, 1
        while candidate in reserved or model.objects.filter(key=candidate).exists():
            n += 1
            candidate = f"{key}-{n}"
        return candidate

    def keys_for(self, model, bases):
        """Keys for records created together: one query for the lot; a taken key gets a
        suffix."""
        keys = [slugify(base)[:110] or "register" for base in bases]
        taken = set(model.objects.filter(key__in=keys).values_list("key", flat=True))
        chosen, result = set(), []
        for key in keys:
            if key in taken or key in chosen:
                key = self.key_for(model, key, reserved=taken | chosen)
            chosen.add(key)
            result.append(key)
        return result

    # ministries, persons, offices --------------------------------------------------------

    def ministry(self, name):
        name = " ".join(name.split())
        if not name:
            return None
        if self.ministries is None:
            self.ministries = {}
            for ministry in Ministry.objects.all():
                for label in (ministry.name, ministry.abbreviation):
                    if label:
                        self.ministries[label.lower()] = ministry
        full = name if name.lower().startswith("ministerie") else f"Ministerie van {name}"
        found = self.ministries.get(name.lower()) or self.ministries.get(full.lower())
        if found is None:
            found = Ministry.objects.create(key=self.key_for(Ministry, full), name=full)
            self.ministries[name.lower()] = self.ministries[full.lower()] = found
        return found

    def person(self, record):
        """(person, created) for the bewindspersoon a toezegging names; None without a name."""
        surname = record.achternaam or record.naam
        if not surname:
            return None, False
        full_surname = f"{record.tussenvoegsel} {surname}".strip()
        cache_key = (full_surname.lower(), record.voornaam.lower(), record.initialen.lower())
        if cache_key in self.persons:
            return self.persons[cache_key], False
        # Surnames are stored without their tussenvoegsel ("Jonge", "de"); the register may
        # write it apart or as part of the surname.
        candidates = Person.objects.filter(name__iexact=surname) | Person.objects.filter(
            name__iexact=full_surname
        )
        if record.tussenvoegsel:
            candidates = candidates.filter(tussenvoegsel__iexact=record.tussenvoegsel) | (
                Person.objects.filter(name__iexact=full_surname)
            )
        initials = record.initialen.replace(".", "").replace(" ", "").lower()
        found = None
        for candidate in candidates.order_by("pk"):
            first_ok = not record.voornaam or not candidate.first_name
            first_ok = first_ok or candidate.first_name.lower() == record.voornaam.lower()
            theirs = candidate.initials.replace(".", "").replace(" ", "").lower()
            initials_ok = not initials or not theirs or initials == theirs
            if first_ok and initials_ok:
                found = candidate
                break
        created = False
        if found is None:
            found = Person.objects.create(
                key=self.key_for(Person, f"{record.voornaam or record.initialen} {full_surname}"),
                name=surname,
                tussenvoegsel=record.tussenvoegsel,
                first_name=record.voornaam,
                initials=record.initialen,
                needs_review=True,
            )
            created = True
        self.persons[cache_key] = found
        return found, created

    def office(self, record):
        """(office, flagged) for who made a toezegging: matched by name, function,
        ministry and date; created (and flagged) when the tracker has no such office."""
        person, created = self.person(record)
        role = role_from(record.functie)
        ministry = self.ministry(record.ministerie)
        if person is None or role is None or ministry is None:
            return None, True
        offices = self.offices.get(person.pk)
        if offices is None:
            offices = self.offices[person.pk] = list(person.offices.all())
        day = record.aanmaakdatum
        matching = [o for o in offices if o.role == role and o.ministry_id == ministry.pk]
        in_time = [
            o
            for o in matching
            if day is None
            or ((o.start is None or o.start <= day) and (o.end is None or day <= o.end))
        ]
        if in_time or matching:
            return (in_time or matching)[0], created
        office = Office.objects.create(
            key=self.key_for(Office, f"{ministry.abbreviation or ministry.name} {role} {person}"),
            person=person,
            role=role,
            ministry=ministry,
        )
        offices.append(office)
        return office, True

    # letters -------------------------------------------------------------------------

    def letters(self, values):
        """(letters, unread) for the kamerbriefNakoming values of one toezegging."""
        return self.letters_for_page([values])[0]

    def letters_for_page(self, value_lists):
        """(letters, unread) for each list of kamerbriefNakoming values, in a few queries
        for the whole page: letters are found by their kst identity, then by Kamerstuk
        (a seeded letter gets the identity), else created."""
        wanted = {}
        results = []
        for values in value_lists:
            found, unread = [], []
            for value in values:
                kamerstukken = kamerstukken_in(value)
                if not kamerstukken:
                    unread.append(value)
                for dossier_number, addition, number in kamerstukken:
                    identity = kst_id(dossier_number, addition, number)
                    wanted[identity] = (dossier_number, addition.upper(), number)
                    found.append(identity)
            results.append((found, unread))
        missing = [i for i in wanted if i not in self.letter_cache]
        if missing:
            for letter in Letter.objects.filter(kst_id__in=missing):
                self.letter_cache[letter.kst_id] = letter
        missing = [i for i in missing if i not in self.letter_cache]
        if missing:
            self.create_letters({i: wanted[i] for i in missing})
        return [
            (unique_letters(self.letter_cache[i] for i in found), unread)
            for found, unread in results
        ]

    def create_letters(self, wanted):
        dossiers = self.dossiers_for([(d, a) for d, a, _n in wanted.values()])
        by_kamerstuk = {}
        numbers = {n for _d, _a, n in wanted.values()}
        for letter in Letter.objects.filter(
            dossier__in=list(dossiers.values()), number__in=numbers
        ):
            by_kamerstuk[(letter.dossier_id, letter.number)] = letter
        new = []
        keys = self.keys_for(Letter, list(wanted))
        for (identity, (dossier_number, addition, number)), key in zip(
            wanted.items(), keys, strict=True
        ):
            dossier = dossiers[dossier_label(dossier_number, addition)]
            letter = by_kamerstuk.get((dossier.pk, number))
            text_url = KST_TEXT_URL.format(identity)
            if letter is not None and not letter.kst_id:  # seeded: give it the identity
                letter.kst_id = identity
                letter.text_url = letter.text_url or text_url
                letter.url = letter.url or letter.text_url
                letter.save(update_fields=["kst_id", "text_url", "url"])
            elif letter is None:
                letter = Letter(
                    key=key,
                    kind=LetterKind.KAMERBRIEF,
                    dossier=dossier,
                    number=number,
                    title=f"Kamerstuk {dossier.number}, nr. {number}",
                    kst_id=identity,
                    text_url=text_url,
                    url=text_url,
                    origin=Origin.REGISTER,
                )
                new.append(letter)
                by_kamerstuk[(dossier.pk, number)] = letter
            self.letter_cache[identity] = letter
        bulk.insert_with_history(Letter, new)

    def dossiers_for(self, pairs, titles=None):
        """{label: Dossier} for (number, addition) pairs; missing ones created in bulk."""
        titles = titles or {}
        labels = {dossier_label(n, a) for n, a in pairs if n}
        missing = [label for label in labels if label not in self.dossiers]
        if missing:
            for dossier in Dossier.objects.filter(number__in=missing):
                self.dossiers[dossier.number] = dossier
            new_labels = sorted(label for label in missing if label not in self.dossiers)
            keys = self.keys_for(Dossier, [f"dossier-{label}" for label in new_labels])
            new = [
                Dossier(key=key, number=label, title=titles.get(label, "")[:300])
                for label, key in zip(new_labels, keys, strict=True)
            ]
            bulk.insert_with_history(Dossier, new)
            for dossier in new:
                self.dossiers[dossier.number] = dossier
        return {label: self.dossiers[label] for label in labels}

    # members of parliament -------------------------------------------------------------

    def members_for(self, actors):
        """Load the page's members of parliament by their ids in one query."""
        ids = {a.tk_id for a in actors if a.tk_id and a.tk_id not in self.members}
        if ids:
            for member in MemberOfParliament.objects.filter(tk_id__in=ids):
                self.members[str(member.tk_id)] = member

    def member(self, actor):
        cache_key = actor.tk_id or (actor.name.lower(), actor.party.lower())
        if cache_key in self.members:
            return self.members[cache_key]
        found = None
        if actor.tk_id:
            found = MemberOfParliament.objects.filter(tk_id=actor.tk_id).first()
        if found is None:
            found = MemberOfParliament.objects.filter(
                name__iexact=actor.name, party__iexact=actor.party
            ).first()
            if found is not None and actor.tk_id and found.tk_id is None:
                found.tk_id = actor.tk_id
                found.save(update_fields=["tk_id"])
        if found is None:
            found = MemberOfParliament.objects.create(
                key=self.key_for(MemberOfParliament, f"{actor.name} {actor.party}"),
                name=actor.name[:100],
                party=actor.party[:50],
                tk_id=actor.tk_id or None,
            )
        self.members[cache_key] = found
        return found


def unique_letters(letters):
    seen = {}
    for letter in letters:
        seen.setdefault(letter.kst_id, letter)
    return list(seen.values())


def fill(record, field_name, value):
    """Set a content field only when it is empty: what a researcher wrote stays."""
    if value in (None, "") or getattr(record, field_name) not in (None, ""):
        return False
    setattr(record, field_name, value)
    return True


# ---------------------------------------------------------------------------------------
# Toezeggingen


def known_records(model, records, number_field):
    """The tracker's records of ``model`` for a page, locked until the page is written:
    ({Tweede Kamer id: record}, {register number: record})."""
    ids = [r.tk_id for r in records]
    numbers = [r.nummer for r in records if r.nummer]
    locked = model.objects.select_for_update()
    known = {str(o.tk_id): o for o in locked.filter(tk_id__in=ids)}
    by_number = {
        getattr(o, number_field): o for o in locked.filter(**{f"{number_field}__in": numbers})
    }
    return known, by_number


def store_toezeggingen(records, resolver, report, since=None):
    known, by_number = known_records(Commitment, records, "tk_number")
    pending = {}  # new records, created together
    pending_numbers = set()

    def flush():
        for commitment in create_commitments(list(pending.values()), resolver, report):
            known[str(commitment.tk_id)] = commitment
            if commitment.tk_number:
                by_number[commitment.tk_number] = commitment
        pending.clear()
        pending_numbers.clear()

    for record in records:
        report.records += 1
        if since and record.updated and record.updated < since:
            report.unchanged += 1
            continue
        if record.tk_id in pending or (record.nummer and record.nummer in pending_numbers):
            flush()  # the page changes a record it created: create it first
        commitment = known.get(record.tk_id) or by_number.get(record.nummer)
        if commitment is None:
            if record.deleted:
                report.unchanged += 1  # deleted before the tracker saw it: nothing to keep
            else:
                pending[record.tk_id] = record
                pending_numbers.add(record.nummer)
        elif record.deleted:
            withdraw(commitment, record, report)
        elif commitment.tk_id is not None and commitment.register_updated == record.updated:
            report.unchanged += 1
        else:
            update_commitment(commitment, record, resolver, report)
    flush()


def withdraw(subject, record, report):
    """Mark a commitment or motion the register deleted as withdrawn; it is kept."""
    if subject.withdrawn:
        report.unchanged += 1
        return
    subject.withdrawn = True
    subject.register_updated = record.updated
    subject.version += 1
    subject.save(update_fields=["withdrawn", "register_updated", "version"])
    report.touch(subject)
    report.withdrawn += 1


def register_update(record, status, letters, *, first):
    """The unsaved status update a register status gives: dated the day the commitment was
    made for a first "open", else the day the register changed (the status changed on
    that day at the latest)."""
    if status == Status.OPEN and record.aanmaakdatum and first:
        day, precision = record.aanmaakdatum, DatePrecision.EXACT
    else:
        day = (record.updated or datetime.now().astimezone()).date()
        precision = DatePrecision.NOT_AFTER
    closing = status in (Status.FULFILLED, Status.PARTIALLY_FULFILLED)
    return StatusUpdate(
        date=day,
        date_precision=precision,
        status=status,
        note=REGISTER_NOTE.format(number=record.nummer or record.tk_id, raw=record.status),
        evidence_url=REGISTER_URL.format(record.nummer) if record.nummer else "",
        evidence_letter=letters[0] if letters and closing else None,
        origin=Origin.REGISTER,
    )


def create_commitments(records, resolver, report):
    """New commitments for a page's new records, with their first status updates, in a
    few queries for the lot."""
    if not records:
        return []
    letters = resolver.letters_for_page([r.kamerbrief_nakoming for r in records])
    keys = resolver.keys_for(Commitment, [r.nummer or r.tk_id for r in records])
    commitments, updates = [], []
    for record, key, (fulfilled_by, unread) in zip(records, keys, letters, strict=True):
        office, flagged = resolver.office(record)
        status = map_status(record.status)
        commitment = Commitment(
            key=key,
            title=title_from(record.tekst, record.nummer or record.tk_id),
            text=record.tekst or record.nummer or record.tk_id,
            made_by=office,
            made_on=record.aanmaakdatum,
            occasion=f"Activiteit {record.activiteit_nummer}" if record.activiteit_nummer else "",
            due_end=record.datum_nakoming,
            tk_id=record.tk_id,
            tk_number=record.nummer or None,
            origin=Origin.REGISTER,
            register_status=record.status[:50],
            register_updated=record.updated,
            register_fulfilment="\n".join(record.kamerbrief_nakoming),
            needs_review=flagged or bool(unread) or status is None,
        )
        commitment.fulfilled_by = fulfilled_by
        commitments.append(commitment)
        updates.append(
            register_update(record, status, fulfilled_by, first=True) if status else None
        )
    services.create_with_first_updates(Commitment, commitments, updates)
    through = Commitment.fulfilment_letters.through
    bulk.insert(
        through,
        [
            through(commitment_id=c.pk, letter_id=letter.pk)
            for c in commitments
            for letter in c.fulfilled_by
        ],
    )
    report.created += len(commitments)
    report.flagged += sum(c.needs_review for c in commitments)
    report.status_updates += sum(u is not None for u in updates)
    return commitments


def update_commitment(commitment, record, resolver, report):
    changed = ["register_updated", "version"]
    if commitment.tk_id is None:
        commitment.tk_id = record.tk_id
        changed.append("tk_id")
    if record.nummer and not commitment.tk_number:
        commitment.tk_number = record.nummer
        changed.append("tk_number")
    office, flagged = (None, False)
    if commitment.made_by_id is None:
        office, flagged = resolver.office(record)
    for name, value in (
        ("text", record.tekst),
        ("made_by", office),
        ("made_on", record.aanmaakdatum),
        ("due_end", record.datum_nakoming if not commitment.due_start else None),
    ):
        if fill(commitment, name, value):
            changed.append(name)
    letters, unread = resolver.letters(record.kamerbrief_nakoming)
    fulfilment = "\n".join(record.kamerbrief_nakoming)
    if fulfilment != commitment.register_fulfilment:
        commitment.register_fulfilment = fulfilment
        changed.append("register_fulfilment")
    old_status = commitment.register_status
    if record.status[:50] != old_status:
        commitment.register_status = record.status[:50]
        changed.append("register_status")
    unmapped = record.status != old_status and map_status(record.status) is None
    if (flagged or unread or unmapped) and not commitment.needs_review:
        commitment.needs_review = True
        changed.append("needs_review")
        report.flagged += 1
    if commitment.withdrawn:
        commitment.withdrawn = False  # back in the register
        changed.append("withdrawn")
    if "made_on" in changed:
        commitment.made_on_or_letter = commitment.made_on
        changed.append("made_on_or_letter")
    commitment.register_updated = record.updated
    commitment.version += 1
    commitment.save(update_fields=changed)
    report.touch(commitment)
    if letters:
        commitment.fulfilment_letters.add(*letters)
    report.changed += 1
    apply_status(commitment, record, old_status, letters, report)


def apply_status(commitment, record, old_raw, letters, report):
    """Record the register's status when it maps to another status than the register's
    previous one: a new dated update with the register record as evidence. An unknown or
    empty status adds nothing."""
    status = map_status(record.status)
    if status is None:
        return
    if old_raw == record.status or map_status(old_raw) == status:
        return  # unchanged, or Voldaan became Afgedaan: the same status in other words
    update = register_update(record, status, letters, first=False)
    services.record_status_update(
        subject=commitment,
        date=update.date,
        date_precision=update.date_precision,
        status=update.status,
        note=update.note,
        evidence_url=update.evidence_url,
        evidence_letter=update.evidence_letter,
        origin=Origin.REGISTER,
    )
    report.status_updates += 1


# ---------------------------------------------------------------------------------------
# Motions


def store_motions(records, resolver, report, since=None):
    known, by_number = known_records(Motion, records, "zaak_number")
    dossiers = resolver.dossiers_for(
        [(r.dossier_nummer, r.dossier_toevoeging) for r in records if r.dossier_nummer],
        {dossier_label(r.dossier_nummer, r.dossier_toevoeging): r.dossier_titel for r in records},
    )
    by_kamerstuk = {
        (m.dossier_id, m.number): m
        for m in Motion.objects.select_for_update().filter(
            dossier__in=list(dossiers.values()),
            number__in={str(r.volgnummer) for r in records if r.volgnummer},
        )
    }
    resolver.members_for([actor for r in records for actor in r.actors])
    new = {}
    for record in records:
        report.records += 1
        if since and record.updated and record.updated < since:
            report.unchanged += 1
            continue
        dossier = dossiers.get(dossier_label(record.dossier_nummer, record.dossier_toevoeging))
        kamerstuk = (dossier.pk, str(record.volgnummer)) if dossier and record.volgnummer else None
        motion = known.get(record.tk_id) or by_number.get(record.nummer)
        if motion is None and record.tk_id in new:
            motion = new[record.tk_id][0]
        if motion is None and kamerstuk in by_kamerstuk:
            motion = by_kamerstuk[kamerstuk]
            if motion.tk_id is not None and str(motion.tk_id) != record.tk_id:
                motion = None  # another Zaak with the same Kamerstuk: keep both
        if motion is None or motion.pk is None:
            if record.deleted:
                new.pop(record.tk_id, None)
                report.unchanged += 1
                continue
            motion = motion or Motion(origin=Origin.REGISTER)
            fill_motion(motion, record, resolver, dossier)
            if kamerstuk and kamerstuk not in by_kamerstuk:
                motion.number = kamerstuk[1]
                by_kamerstuk[kamerstuk] = motion
            new[record.tk_id] = (motion, record)
        elif record.deleted:
            withdraw(motion, record, report)
        elif motion.tk_id is not None and motion.register_updated == record.updated:
            report.unchanged += 1
        else:
            report.changed += 1
            motion.version += 1
            write_motion(motion, record, resolver, dossier)
            report.touch(motion)
        known[record.tk_id] = motion
    create_motions(list(new.values()), resolver, report)


def create_motions(pairs, resolver, report):
    if not pairs:
        return
    motions = [motion for motion, _record in pairs]
    keys = resolver.keys_for(Motion, [r.nummer or r.tk_id for _m, r in pairs])
    for motion, key in zip(motions, keys, strict=True):
        motion.key = key
    services.create_with_first_updates(Motion, motions, [None] * len(motions))
    through = Motion.co_submitters.through
    bulk.insert(
        through,
        [
            through(motion_id=motion.pk, memberofparliament_id=member.pk)
            for motion, record in pairs
            for member in unique_members(resolver, record)
        ],
    )
    report.created += len(motions)


def unique_members(resolver, record):
    members = {}
    for actor in record.actors:
        if actor.relation.lower() == "medeindiener":
            member = resolver.member(actor)
            members.setdefault(member.pk, member)
    return list(members.values())


def fill_motion(motion, record, resolver, dossier):
    """The register's fields of a motion, and its content fields where they are empty."""
    motion.tk_id = record.tk_id
    motion.zaak_number = motion.zaak_number or record.nummer or None
    if motion.dossier_id is None and dossier is not None:
        motion.dossier = dossier
    fill(motion, "title", (record.onderwerp or record.titel or record.nummer)[:500])
    fill(motion, "date", record.gestart_op)
    submitters = [a for a in record.actors if a.relation.lower() == "indiener"]
    if motion.submitter_id is None and submitters:
        motion.submitter = resolver.member(submitters[0])
    decided = [d for d in record.decisions if motion_outcome(d.kind)]
    decision = decided[-1] if decided else (record.decisions[-1] if record.decisions else None)
    motion.outcome = motion_outcome(decision.kind) if decision else ""
    motion.register_decision = decision.kind[:200] if decision else ""
    votes_for = votes_against = None
    if decision and decision.votes:
        votes_for = sum(v.size or 1 for v in decision.votes if v.kind == "Voor" and not v.mistake)
        votes_against = sum(
            v.size or 1 for v in decision.votes if v.kind == "Tegen" and not v.mistake
        )
    motion.votes_for, motion.votes_against = votes_for, votes_against
    motion.cabinet_appraisal = record.kabinetsappreciatie[:100]
    motion.register_updated = record.updated
    motion.withdrawn = False


def write_motion(motion, record, resolver, dossier):
    """Save the register's changes to a known motion; what a researcher wrote stays."""
    fill_motion(motion, record, resolver, dossier)
    if not motion.number and record.volgnummer and motion.dossier_id:
        number = str(record.volgnummer)
        taken = Motion.objects.filter(dossier=motion.dossier, number=number)
        if not taken.exclude(pk=motion.pk).exists():
            motion.number = number
    motion.save()
    if not motion.co_submitters.exists():
        members = unique_members(resolver, record)
        if members:
            motion.co_submitters.add(*members)


# ---------------------------------------------------------------------------------------
# Feeds and runs


@dataclass
class Feed:
    name: str
    parse: object
    store: object
    first_url: object
    # The SyncFeed is read again from its last page's skiptoken; OData from the latest
    # change seen.
    resume_from_last_page: bool


def toezegging_url(since=None):
    return f"{BASE}/SyncFeed/2.0/Feed?" + urlencode({"category": "Toezegging"})


def motion_url(since=None):
    conditions = ["Soort eq 'Motie'"]
    if since:
        conditions.append(f"GewijzigdOp ge {since:%Y-%m-%dT%H:%M:%SZ}")
    query = {
        "$filter": " and ".join(conditions),
        "$expand": "Kamerstukdossier,ZaakActor,Besluit($expand=Stemming)",
        "$orderby": "GewijzigdOp,Id",
    }
    return f"{BASE}/OData/v4/2.0/Zaak?" + urlencode(query)


FEEDS = {
    "toezeggingen": Feed(
        "toezeggingen", parse.parse_feed, store_toezeggingen, toezegging_url, True
    ),
    "motions": Feed("motions", parse.parse_odata, store_motions, motion_url, False),
}


def skiptoken(url):
    values = parse_qs(urlsplit(url).query).get("skiptoken")
    return values[0] if values else ""


def run(feed, client, *, since=None, limit=None, progress=None):
    """Read ``feed`` from where the last run stopped (or from ``since``), one page per
    transaction, until its last page or ``limit`` records. A failing page stops the run
    with a ``SyncError``; pages before it stay written, and the next run starts at it."""
    state, _ = SyncState.objects.get_or_create(feed=feed.name)
    stored_latest = state.last_modified
    if since:
        url = feed.first_url(since)
    else:
        url = state.resume_url or feed.first_url(state.last_modified)
    resolver = Resolver()
    report = RunReport()
    started = time.perf_counter()
    while url:
        page = client.fetch_page(url, feed.parse)
        records = page.records
        cut = limit is not None and report.records + len(records) > limit
        if cut:
            records = records[: limit - report.records]
        with versions.change():
            before = (report.created, report.changed, report.withdrawn)
            feed.store(records, resolver, report, since=since)
            for model, ids in report.touched.items():
                tallies.refresh(model, ids)
            report.touched.clear()
            if cut:
                resume = url  # read this page again; what was written is skipped
            elif page.next_url:
                resume = page.next_url
            else:
                resume = url if feed.resume_from_last_page else ""
            latest = max((r.updated for r in records if r.updated), default=None)
            if latest and (state.last_modified is None or latest > state.last_modified):
                state.last_modified = latest
            wrote = before != (report.created, report.changed, report.withdrawn)
            # A page that wrote nothing needs no new position, except at the end of the
            # run: reading it again would write nothing either.
            moved = resume != state.resume_url or state.last_modified != stored_latest
            if wrote or (moved and (cut or not page.next_url)):
                state.resume_url = resume
                state.pages += 1
                state.records += len(records)
                state.save()
                stored_latest = state.last_modified
        report.pages += 1
        report.seconds = time.perf_counter() - started
        if progress:
            progress(report, url)
        if cut or (limit is not None and report.records >= limit):
            break
        url = page.next_url
    else:
        report.complete = True
    report.seconds = time.perf_counter() - started
    return report
