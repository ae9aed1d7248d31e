"""A large, deterministic synthetic data set for the benchmark.

Rows are made in Python from a seeded random generator and written in bulk: with
PostgreSQL's ``COPY ... FROM STDIN`` (through psycopg's ``cursor.copy``), and with plain
``executemany`` on other databases (SQLite, used only at tiny scale by the tests). Every
record gets an explicit id and a unique, readable slug ``key``; sequences are reset
afterwards. The denormalised ``status``/``status_date`` of commitments and motions are
written from the generator's own plan and then set from the status updates by one SQL
``UPDATE`` per table, with the expressions the application's write path uses; the number
of rows where the plan differed is reported.

The generator only knows the columns it fills: any other column a later migration adds is
filled with its field's default, so the benchmark keeps working while the models grow.
Historical (simple_history) tables are left empty.
"""

import bisect
import random
import time
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, transaction

from commitments import tallies
from commitments.choices import LetterKind, MotionKind, Role, Status
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
    StatusUpdate,
    Theme,
)

FIRST_DAY = date(2010, 1, 1)
LAST_DAY = date(2025, 12, 31)
SEED = 20100101

# A word that occurs in about 1 in 40 titles (and in more texts): the search benchmark.
SEARCH_WORD = "stikstof"


@dataclass(frozen=True)
class Sizes:
    """How many records of each kind to make. ``Sizes()`` is the full benchmark set."""

    source_documents: int = 5
    ministries: int = 12
    cabinets: int = 6
    themes: int = 12
    persons: int = 300
    offices: int = 600
    members: int = 300
    dossiers: int = 500
    letters: int = 5_000
    motions: int = 20_000
    commitments: int = 100_000
    status_updates: int = 1_000_000

    FIXED = ("source_documents", "ministries", "cabinets", "themes")

    @classmethod
    def scaled(cls, factor):
        """The full set times ``factor`` (reference tables keep their size)."""
        full = cls()
        values = {}
        for field in fields(cls):
            value = getattr(full, field.name)
            values[field.name] = value if field.name in cls.FIXED else max(2, round(value * factor))
        return cls(**values)

    @classmethod
    def tiny(cls, commitments=50, status_updates=500):
        """A set small enough for a unit test."""
        return cls(
            persons=10,
            offices=20,
            members=10,
            dossiers=10,
            letters=20,
            motions=max(2, commitments // 5),
            commitments=commitments,
            status_updates=status_updates,
        )

    def as_dict(self):
        return asdict(self)


# Which model each size counts.
SIZE_MODELS = {
    "source_documents": SourceDocument,
    "ministries": Ministry,
    "cabinets": Cabinet,
    "themes": Theme,
    "persons": Person,
    "offices": Office,
    "members": MemberOfParliament,
    "dossiers": Dossier,
    "letters": Letter,
    "motions": Motion,
    "commitments": Commitment,
    "status_updates": StatusUpdate,
}

M2M_FIELDS = [
    (Commitment, "themes"),
    (Motion, "themes"),
    (Motion, "co_submitters"),
    (Letter, "signatories"),
    (Letter, "other_dossiers"),
    (Letter, "reports_on"),
]


def dataset_counts(using="default"):
    """Row counts of every table the generator fills, by size name and m2m table."""
    counts = {name: model.objects.using(using).count() for name, model in SIZE_MODELS.items()}
    for model, name in M2M_FIELDS:
        through = model._meta.get_field(name).remote_field.through
        counts[through._meta.db_table] = through.objects.using(using).count()
    return counts


def counts_match(sizes, using="default"):
    counts = dataset_counts(using)
    return all(counts[name] == value for name, value in sizes.as_dict().items())


# ---------------------------------------------------------------------------------------
# Vocabulary

MINISTRIES = [
    ("Algemene Zaken", "AZ"),
    ("Buitenlandse Zaken", "BZ"),
    ("Binnenlandse Zaken en Koninkrijksrelaties", "BZK"),
    ("Economische Zaken", "EZ"),
    ("Financiën", "FIN"),
    ("Infrastructuur en Waterstaat", "IenW"),
    ("Justitie en Veiligheid", "JenV"),
    ("Landbouw, Visserij, Voedselzekerheid en Natuur", "LVVN"),
    ("Onderwijs, Cultuur en Wetenschap", "OCW"),
    ("Sociale Zaken en Werkgelegenheid", "SZW"),
    ("Volksgezondheid, Welzijn en Sport", "VWS"),
    ("Defensie", "DEF"),
]

CABINETS = [
    ("Balkenende IV", date(2007, 2, 22), date(2010, 10, 14)),
    ("Rutte I", date(2010, 10, 14), date(2012, 11, 5)),
    ("Rutte II", date(2012, 11, 5), date(2017, 10, 26)),
    ("Rutte III", date(2017, 10, 26), date(2022, 1, 10)),
    ("Rutte IV", date(2022, 1, 10), date(2024, 7, 2)),
    ("Schoof", date(2024, 7, 2), None),
]

THEMES = [
    "Klimaat",
    "Stikstof en natuur",
    "Onderwijs",
    "Zorg",
    "Wonen",
    "Migratie",
    "Veiligheid",
    "Mensenrechten",
    "Emancipatie",
    "Digitalisering",
    "Arbeidsmarkt",
    "Energie",
]

TOPICS = [
    SEARCH_WORD,
    "woningbouw",
    "klimaatadaptatie",
    "jeugdzorg",
    "asielopvang",
    "energietransitie",
    "de digitale overheid",
    "mensenrechtenbeleid",
    "emancipatiebeleid",
    "arbeidsmigratie",
    "pensioenen",
    "onderwijsachterstanden",
    "cybersecurity",
    "gaswinning in Groningen",
    "de herstelregeling toeslagen",
    "politiecapaciteit",
    "ouderenzorg",
    "luchtkwaliteit",
    "natuurherstel",
    "mkb-financiering",
    "ondermijnende criminaliteit",
    "het lerarentekort",
    "huurbescherming",
    "zorgkosten",
    "kansengelijkheid",
    "LHBTIQ+-gelijkheid",
    "wapenexport",
    "ontwikkelingssamenwerking",
    "waterveiligheid",
    "het spoorvervoer",
    "Schiphol",
    "privacybescherming",
    "desinformatie",
    "armoedebestrijding",
    "schuldhulpverlening",
    "de vaccinatiegraad",
    "duurzame landbouw",
    "de circulaire economie",
    "windenergie op zee",
    "laaggeletterdheid",
]

TITLE_TEMPLATES = [
    "Informeren van de Kamer over {topic}",
    "Brief over de voortgang van {topic}",
    "Onderzoek naar {topic}",
    "Evaluatie van het beleid voor {topic}",
    "Wetsvoorstel over {topic}",
    "Kabinetsreactie op het advies over {topic}",
    "Plan van aanpak {topic}",
    "Gesprek met de sector over {topic}",
    "Monitor {topic}",
    "Verkenning van maatregelen voor {topic}",
]

SENTENCE_TEMPLATES = [
    "De minister zegt toe de Kamer {when} te informeren over {topic}.",
    "De staatssecretaris zal de uitvoeringsorganisaties vragen {topic} in kaart te brengen.",
    "Het kabinet komt {when} met een plan van aanpak voor {topic}.",
    "Daarbij wordt ook gekeken naar de gevolgen voor {topic}.",
    "De Kamer ontvangt {when} een voortgangsbrief over {topic}.",
    "In overleg met gemeenten en provincies wordt bezien hoe {topic} kan worden versterkt.",
    "De resultaten van het onderzoek naar {topic} worden met de Kamer gedeeld.",
    "De minister gaat in gesprek met maatschappelijke organisaties over {topic}.",
]

WHEN_PHRASES = [
    "voor de zomer",
    "voor het einde van het jaar",
    "in het najaar",
    "bij de volgende voortgangsrapportage",
    "zo spoedig mogelijk",
    "voor de begrotingsbehandeling",
]

OCCASIONS = [
    "Commissiedebat {topic}",
    "Plenair debat over {topic}",
    "Mondelinge vragen over {topic}",
    "Wetgevingsoverleg {topic}",
    "Begrotingsbehandeling",
    "Schriftelijk overleg over {topic}",
    "Tweeminutendebat {topic}",
]

NOTES = [
    "De Kamer is per brief geïnformeerd.",
    "Uitvoering loopt volgens planning.",
    "Vertraagd door het uitblijven van een advies.",
    "Toegezegde brief is verstuurd.",
    "Onderdeel van de jaarlijkse voortgangsrapportage.",
    "Het onderzoek is aanbesteed.",
    "Afgedaan met de beantwoording van schriftelijke vragen.",
    "Door de val van het kabinet niet meer uitgevoerd.",
]

FIRST_NAMES = [
    "Anna", "Bram", "Carola", "Dirk", "Eva", "Frank", "Greetje", "Hugo", "Ingrid", "Jan",
    "Karin", "Lodewijk", "Mona", "Nico", "Olga", "Pieter", "Quinta", "Ruud", "Sigrid", "Theo",
    "Ursula", "Vincent", "Wopke", "Xandra", "Yvonne", "Zoë",
]  # fmt: skip

SURNAMES = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden",
    "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn", "de Jong", "van Dijk", "Schouten", "Hoekstra", "Koster", "Prins", "Blom",
]  # fmt: skip

PARTIES = ["VVD", "PVV", "GL-PvdA", "NSC", "D66", "BBB", "CDA", "SP", "CU", "PvdD", "SGP", "JA21"]

PORTFOLIOS = ["", "", "", "Wonen", "Jeugd", "Toeslagen", "Digitalisering", "Primair onderwijs"]

LETTER_KINDS = [
    (LetterKind.KAMERBRIEF.value, 70),
    (LetterKind.VOORTGANGSRAPPORTAGE.value, 10),
    (LetterKind.BELEIDSNOTA.value, 8),
    (LetterKind.RAPPORT.value, 6),
    (LetterKind.NIEUWSBERICHT.value, 4),
    (LetterKind.OTHER.value, 2),
]

# Plain strings: psycopg's COPY writes str, not enum members.
OPEN, IN_PROGRESS, PARTIALLY = Status.OPEN.value, Status.IN_PROGRESS.value, "partially_fulfilled"
FINAL = [Status.FULFILLED.value, PARTIALLY, Status.NOT_FULFILLED.value, Status.LAPSED.value]
FINAL_WEIGHTS = list(accumulate([50, 20, 15, 15]))


def vergaderjaar(day):
    """The parliamentary year (starting on the third Tuesday of September; approximated)."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def due_for(rng, made_on):
    """(phrase, start, end) of a realistic due range, or blanks."""
    roll = rng.random()
    year = made_on.year + rng.choice((0, 0, 1, 1, 1, 2, 3))
    if roll < 0.15:
        return "", None, None
    if roll < 0.20:
        return "zo spoedig mogelijk", None, None
    if roll < 0.40:
        return f"voor de zomer van {year}", None, date(year, 7, 1)
    if roll < 0.60:
        return f"eind {year}", date(year, 10, 1), date(year, 12, 31)
    if roll < 0.75:
        return f"in {year}", date(year, 1, 1), date(year, 12, 31)
    if roll < 0.90:
        quarter = rng.randint(1, 4)
        start = date(year, 3 * quarter - 2, 1)
        end = date(year, 3 * quarter, 30 if quarter in (2, 3) else 31)
        return f"Q{quarter} {year}", start, end
    return f"in het voorjaar van {year}", date(year, 3, 1), date(year, 5, 31)


# ---------------------------------------------------------------------------------------
# Writing rows


class Writer:
    """Bulk-writes rows of one model: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection, progress):
        self.connection = connection
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"

    def columns(self, model, names):
        """Column names for ``names`` plus (column, default) for every other column."""
        opts = model._meta
        given = [opts.get_field(name) for name in names]
        given_columns = {f.column for f in given}
        extra = []
        for field in opts.local_concrete_fields:
            if field.column in given_columns or field.primary_key:
                continue
            default = field.get_default()
            if default is None and not field.null:
                raise RuntimeError(
                    f"benchmarks.generate does not fill {opts.label}.{field.name}, "
                    "which has no default: add it to the generator"
                )
            extra.append((field, default))
        return given, extra

    def write(self, model, names, rows, total=None):
        """Write ``rows`` (tuples in the order of ``names``); returns the count."""
        given, extra = self.columns(model, names)
        fields_ = given + [f for f, _default in extra]
        suffix = tuple(default for _f, default in extra)
        table = model._meta.db_table
        started = time.perf_counter()
        label = model._meta.verbose_name_plural
        step = max(100_000, (total or 0) // 10)
        count = 0
        if self.postgres:
            from psycopg import sql

            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields_)
            )
            with self.connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row + suffix if suffix else row)
                    count += 1
                    if total and count % step == 0 and count < total:
                        self.report(label, count, total, started)
        else:
            q = self.connection.ops.quote_name
            statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                q(table), ", ".join(q(f.column) for f in fields_), ", ".join(["%s"] * len(fields_))
            )
            batch = []
            with self.connection.cursor() as cursor:
                for row in rows:
                    values = row + suffix
                    batch.append(
                        [
                            f.get_db_prep_save(v, self.connection)
                            for f, v in zip(fields_, values, strict=True)
                        ]
                    )
                    count += 1
                    if len(batch) >= 1000:
                        cursor.executemany(statement, batch)
                        batch = []
                if batch:
                    cursor.executemany(statement, batch)
        self.report(label, count, count, started, done=True)
        return count

    def report(self, label, count, total, started, done=False):
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed else 0
        mark = "loaded" if done else "..."
        self.progress(
            f"  {label}: {count:,}/{total:,} {mark} ({elapsed:.1f} s, {rate:,.0f} rows/s)"
        )

    def write_m2m(self, model, name, pairs):
        field = model._meta.get_field(name)
        through = field.remote_field.through
        names = [field.m2m_field_name(), field.m2m_reverse_field_name()]
        return self.write(through, names, pairs)


# ---------------------------------------------------------------------------------------
# The generator


class Generator:
    def __init__(self, sizes, connection, progress, seed=SEED):
        self.sizes = sizes
        self.connection = connection
        self.progress = progress
        self.seed = seed
        self.rng = random.Random(seed)
        self.writer = Writer(connection, progress)
        self.first_ord = FIRST_DAY.toordinal()
        self.last_ord = LAST_DAY.toordinal()

    # -- helpers -------------------------------------------------------------------------

    def day(self):
        return date.fromordinal(self.rng.randint(self.first_ord, self.last_ord))

    def topic(self):
        return self.rng.choice(TOPICS)

    def sentence(self, topic=None):
        template = self.rng.choice(SENTENCE_TEMPLATES)
        return template.format(topic=topic or self.topic(), when=self.rng.choice(WHEN_PHRASES))

    def cited(self, probability=0.1):
        """(source_document id, verbatim passage) for some records, else (None, "")."""
        if self.rng.random() >= probability:
            return None, ""
        doc = self.rng.randrange(self.sizes.source_documents)
        return doc + 1, self.rng.choice(self.doc_sentences[doc])

    def cabinet_at(self, day):
        index = bisect.bisect_right(self.cabinet_starts, day.toordinal()) - 1
        return max(0, index)

    # -- tables --------------------------------------------------------------------------

    def source_documents(self):
        self.doc_sentences = []
        rows = []
        for i in range(self.sizes.source_documents):
            sentences = [self.sentence() for _ in range(400)]
            self.doc_sentences.append(sentences)
            rows.append(
                (
                    i + 1,
                    f"bench-document-{i + 1}",
                    f"Synthetisch brondocument {i + 1}",
                    f"bench-document-{i + 1}.txt",
                    "Gegenereerd voor de benchmark.",
                    "\n\n".join(" ".join(sentences[j : j + 5]) for j in range(0, 400, 5)),
                    False,
                )
            )
        names = ["id", "key", "title", "filename", "description", "text", "ocr"]
        self.writer.write(SourceDocument, names, rows)

    def reference_tables(self):
        s = self.sizes
        ministries = [
            (i + 1, f"ministry-{i + 1}", *self.named(MINISTRIES, i, "Ministerie", "M"), None, "")
            for i in range(s.ministries)
        ]
        self.writer.write(
            Ministry,
            ["id", "key", "name", "abbreviation", "source_document", "source_passage"],
            ministries,
        )

        if s.cabinets == len(CABINETS):
            spans = CABINETS
        else:
            length = (self.last_ord - self.first_ord) // s.cabinets
            spans = [
                (
                    f"Kabinet {i + 1}",
                    date.fromordinal(self.first_ord + i * length),
                    date.fromordinal(self.first_ord + (i + 1) * length),
                )
                for i in range(s.cabinets)
            ]
        self.cabinet_spans = spans
        self.cabinet_starts = [start.toordinal() for _n, start, _e in spans]
        self.writer.write(
            Cabinet,
            ["id", "key", "name", "start", "end"],
            [(i + 1, f"cabinet-{i + 1}", name, st, en) for i, (name, st, en) in enumerate(spans)],
        )

        themes = [
            (i + 1, f"theme-{i + 1}", THEMES[i] if i < len(THEMES) else f"Thema {i + 1}")
            for i in range(s.themes)
        ]
        self.writer.write(Theme, ["id", "key", "name"], themes)

    def named(self, table, i, prefix, abbreviation):
        if i < len(table):
            return table[i]
        return f"{prefix} {i + 1}", f"{abbreviation}{i + 1}"

    def people(self):
        s, rng = self.sizes, self.rng
        persons = []
        for i in range(s.persons):
            first = rng.choice(FIRST_NAMES)
            doc, passage = self.cited(0.05)
            persons.append(
                (
                    i + 1,
                    f"person-{i + 1}",
                    rng.choice(SURNAMES),
                    first,
                    f"{first[0]}.",
                    doc,
                    passage,
                )
            )
        self.writer.write(
            Person,
            ["id", "key", "name", "first_name", "initials", "source_document", "source_passage"],
            persons,
        )

        # Offices: spread over the cabinets; about 1 in 10 names no holder.
        offices = []
        self.offices_by_cabinet = [[] for _ in range(s.cabinets)]
        for i in range(s.offices):
            cabinet = i % s.cabinets
            _name, start, end = self.cabinet_spans[cabinet]
            role = rng.choices(
                [r.value for r in (Role.MINISTER, Role.STAATSSECRETARIS, Role.MINISTER_PRESIDENT)],
                [60, 38, 2],
            )[0]
            person = rng.randint(1, s.persons) if rng.random() < 0.9 else None
            self.offices_by_cabinet[cabinet].append(i + 1)
            offices.append(
                (
                    i + 1,
                    f"office-{i + 1}",
                    person,
                    role,
                    rng.randint(1, s.ministries),
                    rng.choice(PORTFOLIOS),
                    cabinet + 1,
                    start,
                    end,
                    None,
                    "",
                )
            )
        self.writer.write(
            Office,
            ["id", "key", "person", "role", "ministry", "portfolio", "cabinet", "start", "end"]
            + ["source_document", "source_passage"],
            offices,
        )

        members = [
            (i + 1, f"mp-{i + 1}", rng.choice(SURNAMES), rng.choice(PARTIES))
            for i in range(s.members)
        ]
        self.writer.write(MemberOfParliament, ["id", "key", "name", "party"], members)

        dossiers = []
        for i in range(s.dossiers):
            number = 31000 + i * 7
            dossiers.append(
                (
                    i + 1,
                    f"dossier-{number}",
                    f"{number // 1000} {number % 1000:03d}",
                    f"{self.rng.choice(THEMES)}: {self.topic()}",
                )
            )
        self.writer.write(Dossier, ["id", "key", "number", "title"], dossiers)
        # Kamerstuk numbers are shared by letters and motions within a dossier.
        self.dossier_numbers = [0] * s.dossiers

    def office_at(self, day):
        offices = self.offices_by_cabinet[self.cabinet_at(day)]
        return self.rng.choice(offices) if offices else self.rng.randint(1, self.sizes.offices)

    def kamerstuk(self, probability=0.9):
        if self.rng.random() >= probability:
            return None, ""
        dossier = self.rng.randrange(self.sizes.dossiers)
        self.dossier_numbers[dossier] += 1
        return dossier + 1, str(self.dossier_numbers[dossier])

    def letters(self):
        s, rng = self.sizes, self.rng
        kinds = [k for k, _w in LETTER_KINDS]
        kind_weights = list(accumulate(w for _k, w in LETTER_KINDS))
        dated = sorted((self.day(), i + 1) for i in range(s.letters))
        self.letter_ords = [d.toordinal() for d, _id in dated]
        self.letter_ids_by_date = [letter_id for _d, letter_id in dated]
        days = {letter_id: d for d, letter_id in dated}
        rows = []
        for i in range(s.letters):
            letter_id = i + 1
            day = days[letter_id]
            dossier, number = self.kamerstuk()
            doc, passage = self.cited()
            kind = rng.choices(kinds, cum_weights=kind_weights)[0]
            rows.append(
                (
                    letter_id,
                    f"letter-{letter_id}",
                    kind,
                    dossier,
                    number,
                    vergaderjaar(day),
                    day,
                    f"{rng.choice(TITLE_TEMPLATES).format(topic=self.topic())}",
                    None,
                    f"https://zoek.officielebekendmakingen.nl/kst-bench-{letter_id}.html",
                    doc,
                    passage,
                )
            )
        names = ["id", "key", "kind", "dossier", "number", "vergaderjaar", "date", "title"]
        names += ["text_document", "url", "source_document", "source_passage"]
        self.writer.write(Letter, names, rows)

        signatories, others, reports = [], [], []
        for letter_id, day in days.items():
            offices = self.offices_by_cabinet[self.cabinet_at(day)] or [1]
            for office in rng.sample(offices, min(len(offices), rng.choice((1, 1, 1, 2)))):
                signatories.append((letter_id, office))
            if rng.random() < 0.1:
                other = rng.randint(1, s.dossiers)
                others.append((letter_id, other))
            index = bisect.bisect_left(self.letter_ords, day.toordinal())
            if index and rng.random() < 0.2:
                earlier = self.letter_ids_by_date[rng.randrange(max(0, index - 200), index)]
                if earlier != letter_id:
                    reports.append((letter_id, earlier))
        self.writer.write_m2m(Letter, "signatories", signatories)
        self.writer.write_m2m(Letter, "other_dossiers", others)
        self.writer.write_m2m(Letter, "reports_on", reports)

    def letter_before(self, ordinal):
        """A letter dated on or shortly before the day, or None."""
        index = bisect.bisect_right(self.letter_ords, ordinal)
        if not index:
            return None
        return self.letter_ids_by_date[self.rng.randrange(max(0, index - 100), index)]

    # -- status plans ------------------------------------------------------------------

    def spread_updates(self, subjects, total):
        """Updates per subject: heavy-tailed (Pareto, capped), about 1 in 10 has none."""
        rng = self.rng
        weights = [
            0.0 if rng.random() < 0.1 else min(rng.paretovariate(2.0), 40.0)
            for _ in range(subjects)
        ]
        if subjects and not any(weights):
            weights[0] = 1.0
        counts = [0] * subjects
        if total and subjects:
            for index in rng.choices(
                range(subjects), cum_weights=list(accumulate(weights)), k=total
            ):
                counts[index] += 1
        return counts

    @staticmethod
    def plan(seed, count, start_ord, last_ord):
        """[(ordinal, status, corrects_previous)] of one subject's updates, by date."""
        rng = random.Random(seed)
        start_ord = min(start_ord, last_ord)
        days = sorted(rng.randint(start_ord, last_ord) for _ in range(count))
        age = (last_ord - start_ord) / 365.25
        if rng.random() < min(0.85, 0.1 + 0.09 * age):
            final = rng.choices(FINAL, cum_weights=FINAL_WEIGHTS)[0]
        else:
            final = IN_PROGRESS if rng.random() < 0.8 else OPEN
        steps = []
        for j, day in enumerate(days):
            if j == count - 1:
                status = final
            elif j == 0:
                status = IN_PROGRESS if rng.random() < 0.7 else OPEN
            else:
                roll = rng.random()
                status = IN_PROGRESS if roll < 0.85 else PARTIALLY if roll < 0.95 else OPEN
            steps.append((day, status, j > 0 and rng.random() < 0.02))
        return steps

    def subject_seeds(self, n):
        return [self.rng.getrandbits(48) for _ in range(n)]

    # -- motions and commitments -------------------------------------------------------

    def motions(self):
        s, rng = self.sizes, self.rng
        total = round(s.status_updates * 0.1) if s.commitments else s.status_updates
        self.motion_counts = self.spread_updates(s.motions, total)
        self.motion_seeds = self.subject_seeds(s.motions)
        self.motion_days = [self.day() for _ in range(s.motions)]
        kinds = [MotionKind.MOTIE.value, MotionKind.AMENDEMENT.value]
        rows, themes, co_submitters = [], [], []
        for i in range(s.motions):
            motion_id = i + 1
            day = self.motion_days[i]
            status, status_date = self.final_status(
                self.motion_seeds[i], self.motion_counts[i], day
            )
            dossier, number = self.kamerstuk(0.95)
            topic = self.topic()
            submitter = rng.randint(1, s.members)
            doc, passage = self.cited()
            reported_in = self.letter_after(day) if rng.random() < 0.3 else None
            rows.append(
                (
                    motion_id,
                    f"motion-{motion_id}",
                    kinds[0] if rng.random() < 0.9 else kinds[1],
                    dossier,
                    number,
                    f"Motie over {topic}",
                    "verzoekt de regering " + " ".join(self.sentence(topic) for _ in range(2)),
                    day,
                    submitter,
                    rng.random() < 0.1,
                    reported_in,
                    status,
                    status_date,
                    1,
                    doc,
                    passage,
                )
            )
            for theme in self.some_themes():
                themes.append((motion_id, theme))
            for member in rng.sample(range(1, s.members + 1), min(s.members, rng.randint(0, 3))):
                if member != submitter:
                    co_submitters.append((motion_id, member))
        names = ["id", "key", "kind", "dossier", "number", "title", "operative_text", "date"]
        names += ["submitter", "has_unnamed_co_submitters", "reported_in", "status"]
        names += ["status_date", "version", "source_document", "source_passage"]
        self.writer.write(Motion, names, rows)
        self.writer.write_m2m(Motion, "themes", themes)
        self.writer.write_m2m(Motion, "co_submitters", co_submitters)

    def letter_after(self, day):
        index = bisect.bisect_left(self.letter_ords, day.toordinal())
        if index >= len(self.letter_ords):
            return None
        return self.letter_ids_by_date[
            self.rng.randrange(index, min(len(self.letter_ords), index + 100))
        ]

    def some_themes(self):
        count = self.rng.choices((0, 1, 2, 3), (5, 55, 30, 10))[0]
        return self.rng.sample(range(1, self.sizes.themes + 1), min(count, self.sizes.themes))

    def final_status(self, seed, count, day):
        if not count:
            return OPEN, None
        steps = self.plan(seed, count, day.toordinal(), self.last_ord)
        status = steps[-1][1]
        since = next(  # the first step of the final run of steps with that status
            steps[j + 1][0] for j in range(len(steps) - 2, -2, -1) if j < 0 or steps[j][1] != status
        )
        return status, date.fromordinal(since)

    def commitments(self):
        s, rng = self.sizes, self.rng
        total = s.status_updates - sum(self.motion_counts)
        self.commitment_counts = self.spread_updates(s.commitments, total)
        self.commitment_seeds = self.subject_seeds(s.commitments)
        self.commitment_days = [self.day() for _ in range(s.commitments)]
        titles = [t.format(topic=topic) for t in TITLE_TEMPLATES for topic in TOPICS]
        occasions = [o.format(topic=topic) for o in OCCASIONS for topic in TOPICS]
        pool = [self.sentence() for _ in range(5000)]

        def rows():
            themes = []
            for i in range(s.commitments):
                commitment_id = i + 1
                day = self.commitment_days[i]
                status, status_date = self.final_status(
                    self.commitment_seeds[i], self.commitment_counts[i], day
                )
                phrase, due_start, due_end = due_for(rng, day)
                doc, passage = self.cited()
                title = rng.choice(titles)
                motion = rng.randint(1, s.motions) if s.motions and rng.random() < 0.2 else None
                yield (
                    commitment_id,
                    f"commitment-{commitment_id}",
                    title,
                    " ".join(rng.sample(pool, rng.randint(3, 6))),
                    self.office_at(day) if rng.random() < 0.97 else None,
                    rng.choice(occasions) if rng.random() < 0.9 else "",
                    day,
                    day,  # made_on_or_letter: the date made, which every row has
                    self.letter_after(day) if rng.random() < 0.5 else None,
                    phrase,
                    due_start,
                    due_end,
                    motion,
                    status,
                    status_date,
                    1,
                    doc,
                    passage,
                )
                for theme in self.some_themes():
                    themes.append((commitment_id, theme))
            self.commitment_themes = themes

        names = ["id", "key", "title", "text", "made_by", "occasion", "made_on"]
        names += [
            "made_on_or_letter",
            "source_letter",
            "due_phrase",
            "due_start",
            "due_end",
            "motion",
            "status",
        ]
        names += ["status_date", "version", "source_document", "source_passage"]
        self.writer.write(Commitment, names, rows(), total=s.commitments)
        self.writer.write_m2m(Commitment, "themes", self.commitment_themes)
        del self.commitment_themes

    # -- status updates ----------------------------------------------------------------

    def status_updates(self):
        rng = self.rng
        noon = {}
        minutes = [timedelta(minutes=j) for j in range(2000)]
        url_base = "https://www.tweedekamer.nl/kamerstukken/brieven_regering/detail?id=bench-"

        def created(ordinal, j):
            base = noon.get(ordinal)
            if base is None:
                base = noon[ordinal] = datetime.fromordinal(ordinal).replace(hour=9, tzinfo=UTC)
            return base + minutes[j % 2000]

        def rows():
            next_id = 1
            subjects = (
                ("commitment", self.commitment_counts, self.commitment_seeds, self.commitment_days),
                ("motion", self.motion_counts, self.motion_seeds, self.motion_days),
            )
            for kind, counts, seeds, days in subjects:
                for i, count in enumerate(counts):
                    if not count:
                        continue
                    subject_id = i + 1
                    previous = None
                    steps = self.plan(seeds[i], count, days[i].toordinal(), self.last_ord)
                    for j, (ordinal, status, corrects) in enumerate(steps):
                        roll = rng.random()
                        note = NOTES[int(roll * 20)] if roll < 0.4 else ""
                        if corrects:
                            note = "Correctie van de vorige update."
                        letter = self.letter_before(ordinal) if roll > 0.5 else None
                        doc, passage = self.cited(0.05)
                        yield (
                            next_id,
                            f"update-{next_id}",
                            subject_id if kind == "commitment" else None,
                            subject_id if kind == "motion" else None,
                            date.fromordinal(ordinal),
                            status,
                            note,
                            letter,
                            f"{url_base}{next_id}" if roll > 0.85 else "",
                            previous if corrects else None,
                            None,
                            created(ordinal, j),
                            doc,
                            passage,
                        )
                        previous = next_id
                        next_id += 1

        names = ["id", "key", "commitment", "motion", "date", "status", "note"]
        names += ["evidence_letter", "evidence_url", "corrects", "researcher", "created_at"]
        names += ["source_document", "source_passage"]
        self.writer.write(StatusUpdate, names, rows(), total=self.sizes.status_updates)

    # -- all -------------------------------------------------------------------------------

    def run(self):
        self.source_documents()
        self.reference_tables()
        self.people()
        self.letters()
        self.motions()
        self.commitments()
        self.status_updates()


def app_models():
    return list(apps.get_app_config("commitments").get_models(include_auto_created=True))


def clear(connection, progress):
    """Empty every table of the commitments app (history included)."""
    models = app_models()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(q(m._meta.db_table) for m in models)
            # TRUNCATE refuses tables with pending deferred FK checks (earlier writes in
            # the same transaction): run those checks first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            # Through tables and the referencing tables first; FKs are checked at commit.
            for model in sorted(models, key=lambda m: not m._meta.auto_created):
                cursor.execute(f"DELETE FROM {q(model._meta.db_table)}")  # noqa: S608
    progress("  emptied the commitments tables")


def reset_sequences(connection):
    statements = connection.ops.sequence_reset_sql(no_style(), app_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def denormalise(connection, progress):
    """Bring each commitment's and motion's current status in step with its updates, with
    the set-based ``refresh_current_status()`` of their QuerySets (``current_status_fields``):
    the status of the latest update (open without one), the day that status began and its
    precision, and the date of the latest update. Returns the number of rows whose status
    or status date the generator's plan had wrong."""
    changed = 0
    for model in (Commitment, Motion):
        rows = model.objects.using(connection.alias)
        planned = dict(rows.values_list("pk", "status"))
        planned_dates = dict(rows.values_list("pk", "status_date"))
        rows.refresh_current_status()
        for pk, status, status_date in rows.values_list("pk", "status", "status_date"):
            changed += (planned[pk], planned_dates[pk]) != (status, status_date)
    progress(f"  denormalised status set from the latest updates ({changed} rows differed)")
    return changed


def analyze(connection, progress):
    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in app_models():
            if model._meta.db_table.startswith("commitments_historical"):
                continue
            cursor.execute(f"VACUUM (ANALYZE) {q(model._meta.db_table)}")
    progress(f"  vacuumed and analysed ({time.perf_counter() - started:.1f} s)")


def generate(sizes=None, using="default", progress=print, seed=SEED, vacuum=True):
    """Replace the commitments data in ``using`` with a synthetic set of ``sizes``."""
    sizes = sizes or Sizes()
    connection = connections[using]
    started = time.perf_counter()
    progress(f"Generating the benchmark data set on {connection.vendor}: {sizes.as_dict()}")
    with transaction.atomic(using=using):
        clear(connection, progress)
        Generator(sizes, connection, progress, seed).run()
        reset_sequences(connection)
        denormalise(connection, progress)
        tallies.rebuild(progress)
        if connection.vendor == "postgresql":
            progress("  committing (deferred foreign-key checks run now) ...")
    if vacuum and not connection.in_atomic_block:
        analyze(connection, progress)
    progress(f"Generated in {time.perf_counter() - started:.1f} s")
    return dataset_counts(using)
