"""Test data builders, in one place. Each returns a saved record with sensible defaults."""

import itertools
from datetime import date

from commitments import services, tallies
from commitments.choices import LetterKind, Role
from commitments.models import (
    Cabinet,
    Commitment,
    Dossier,
    Letter,
    MemberOfParliament,
    Ministry,
    Motion,
    Office,
    Person,
    SourceDocument,
    Theme,
)

_counter = itertools.count(1)


def _n():
    return next(_counter)


def source_document(**fields):
    n = _n()
    fields.setdefault("key", f"doc-{n}")
    fields.setdefault("title", f"Document {n}")
    fields.setdefault("text", "De minister zegt toe de Kamer voor de zomer te informeren.")
    return SourceDocument.objects.create(**fields)


def ministry(**fields):
    n = _n()
    fields.setdefault("key", f"min-{n}")
    fields.setdefault("name", f"Ministerie {n}")
    fields.setdefault("abbreviation", f"M{n}")
    return Ministry.objects.create(**fields)


def cabinet(**fields):
    n = _n()
    fields.setdefault("key", f"cabinet-{n}")
    fields.setdefault("name", f"Kabinet {n}")
    return Cabinet.objects.create(**fields)


def theme(**fields):
    n = _n()
    fields.setdefault("key", f"theme-{n}")
    fields.setdefault("name", f"Thema {n}")
    return Theme.objects.create(**fields)


def person(**fields):
    n = _n()
    fields.setdefault("key", f"person-{n}")
    fields.setdefault("name", f"Jansen{n}")
    fields.setdefault("first_name", "Anna")
    return Person.objects.create(**fields)


def office(**fields):
    n = _n()
    fields.setdefault("key", f"office-{n}")
    fields.setdefault("role", Role.MINISTER)
    if "ministry" not in fields:
        fields["ministry"] = ministry()
    if "person" not in fields:
        fields["person"] = person()
    return Office.objects.create(**fields)


def member(**fields):
    n = _n()
    fields.setdefault("key", f"kamerlid-{n}")
    fields.setdefault("name", f"Kamerlid{n}")
    fields.setdefault("party", "D66")
    return MemberOfParliament.objects.create(**fields)


def dossier(**fields):
    n = _n()
    fields.setdefault("key", f"dossier-{n}")
    fields.setdefault("number", f"{30000 + n}")
    return Dossier.objects.create(**fields)


def letter(**fields):
    n = _n()
    fields.setdefault("key", f"letter-{n}")
    fields.setdefault("kind", LetterKind.KAMERBRIEF)
    fields.setdefault("title", f"Brief {n}")
    fields.setdefault("date", date(2021, 1, 1))
    signatories = fields.pop("signatories", [])
    result = Letter.objects.create(**fields)
    result.signatories.set(signatories)
    return result


def motion(**fields):
    n = _n()
    fields.setdefault("key", f"motion-{n}")
    fields.setdefault("title", f"over onderwerp {n}")
    fields.setdefault("date", date(2020, 6, 1))
    themes = fields.pop("themes", [])
    result = Motion.objects.create(**fields)
    result.themes.set(themes)
    tallies.refresh(Motion, [result.pk])  # what services.save_tracked does
    return result


def commitment(**fields):
    n = _n()
    fields.setdefault("key", f"commitment-{n}")
    fields.setdefault("title", f"Toezegging {n}")
    fields.setdefault("text", f"De minister zegt toe om {n} te doen.")
    fields.setdefault("made_on", date(2020, 11, 2))
    if "made_by" not in fields:
        fields["made_by"] = office()
    themes = fields.pop("themes", [])
    result = Commitment.objects.create(**fields)
    result.themes.set(themes)
    # What services.save_tracked stores; created directly, so constraints can be tested.
    Commitment.objects.filter(pk=result.pk).update(
        made_on_or_letter=services.made_on_or_letter(Letter.objects.all())
    )
    result.refresh_from_db(fields=["made_on_or_letter"])
    tallies.refresh(Commitment, [result.pk])  # what services.save_tracked does
    return result


def status_update(subject, status, day, **fields):
    return services.record_status_update(subject=subject, status=status, date=day, **fields)
