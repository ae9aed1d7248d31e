"""Each display label is defined once (commitments/labels.py): every label in a CSV export
is exactly the label the pages show, for every seeded record, on either database."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.text import capfirst
from lxml import html

from commitments.labels import holder_label, member_sql, office_sql, person_sql
from commitments.models import (
    Commitment,
    Letter,
    MemberOfParliament,
    Motion,
    MotionKind,
    Office,
    Person,
)

from . import factories

pytestmark = pytest.mark.django_db
DASH = "—"  # what a page shows for a missing value; the CSV field is empty


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0, stdout=StringIO())


def in_language(url):
    """Public pages have their language in the address: English under /en/."""
    if translation.get_language() == "en" and not url.startswith("/en/"):
        return "/en" + url
    return url


def csv_rows(client, url):
    """{record key: {column: cell}}"""
    response = client.get(in_language(url))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return {row["id"]: row for row in csv.DictReader(io.StringIO(body))}


def page(client, url):
    response = client.get(in_language(url))
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def list_rows(client, url):
    """{record key: {column label: cell element}} over every page of a list."""
    rows, number = {}, 1
    while True:
        tree = page(client, f"{url}?page={number}")
        for tr in tree.xpath("//table[contains(@class, 'cards')]/tbody/tr"):
            key = tr.xpath(".//td[contains(@class, 'card-title')]/a/@href")[0].split("/")[-2]
            rows[key] = {td.get("data-label"): td for td in tr.xpath("./td[@data-label]")}
        if not tree.xpath("//a[@rel='next']"):
            return rows
        number += 1


def before_break(cell):
    """The cell's first line (the text before its first <br>)."""
    return (cell.text or "").strip()


def whole(cell):
    return cell.text_content().strip()


def shown(value):
    """A CSV cell as a page shows it."""
    return value or DASH


def detail(client, url):
    """{term: definition element} of a detail page's description list."""
    tree = page(client, url)
    return {dt.text_content().strip(): dt.getnext() for dt in tree.xpath("//dl/dt")}


# The list columns' headings (data-label) in each language.
COLUMNS = {
    "nl": {"made_by": "Gedaan door", "submitters": "Indieners", "signatories": "Ondertekenaars"},
    "en": {"made_by": "Made by", "submitters": "Submitters", "signatories": "Signatories"},
}


def test_every_csv_label_is_the_label_the_pages_show(client, seeded):
    """One test, as seeding takes a while: the lists and exports in Dutch and in English
    (the roles' labels are translated), and the detail pages."""
    # The seed holds offices without a person, letters they signed and motions with
    # co-submitters, so the comparisons cover them.
    assert Letter.objects.filter(signatories__person=None).exists()
    assert Commitment.objects.filter(made_by__person=None).exists()
    assert Motion.objects.filter(co_submitters__isnull=False).exists()
    for language, columns in COLUMNS.items():
        with translation.override(language):
            commitment_labels(client, columns)
            motion_labels(client, columns)
            letter_labels(client, columns)
            python_and_sql_labels()
    with translation.override("en"):
        commitment_detail_labels(client)
        motion_detail_labels(client)
        letter_detail_labels(client)


def commitment_labels(client, columns):
    rows = csv_rows(client, "/commitments/export.csv")
    cells = list_rows(client, "/commitments/")
    motions = list_rows(client, "/motions/")
    assert rows.keys() == cells.keys() == set(Commitment.objects.values_list("key", flat=True))
    commitments = Commitment.objects.select_related(
        "made_by__person", "made_by__ministry", "motion"
    )
    for commitment in commitments:
        row, cell = rows[commitment.key], cells[commitment.key]
        assert row["made_by"] == before_break(cell[columns["made_by"]])
        assert row["made_by"] == holder_label(commitment.made_by)
        if commitment.motion_id:
            # The motion's kamerstuk, as its row in the motions list shows it, else its title.
            motion = commitment.motion
            kind = capfirst(MotionKind(motion.kind).label)
            shown_kamerstuk = whole(motions[motion.key]["Kamerstuk"]).removeprefix(str(kind))
            assert row["motion"] == (shown_kamerstuk.strip() or motion.title)
        else:
            assert row["motion"] == ""


def commitment_detail_labels(client):
    rows = csv_rows(client, "/commitments/export.csv")
    for commitment in Commitment.objects.all():
        terms = detail(client, commitment.get_absolute_url())
        assert shown(rows[commitment.key]["source"]) == whole(terms["Recorded in"])


def motion_labels(client, columns):
    rows = csv_rows(client, "/motions/export.csv")
    cells = list_rows(client, "/motions/")
    assert rows.keys() == cells.keys() == set(Motion.objects.values_list("key", flat=True))
    for key, row in rows.items():
        kind = capfirst(MotionKind(row["kind"]).label)
        assert whole(cells[key]["Kamerstuk"]) == f"{kind} {row['kamerstuk']}".strip()
        assert whole(cells[key][columns["submitters"]]) == shown(row["submitters"])


def motion_detail_labels(client):
    rows = csv_rows(client, "/motions/export.csv")
    for motion in Motion.objects.all():
        row, terms = rows[motion.key], detail(client, motion.get_absolute_url())
        assert whole(terms["Kamerstuk"]) == shown(row["kamerstuk"])
        assert whole(terms["Submitters"]) == shown(row["submitters"])
        assert whole(terms["Reported in"]) == shown(row["source"])


def letter_labels(client, columns):
    rows = csv_rows(client, "/letters/export.csv")
    cells = list_rows(client, "/letters/")
    assert rows.keys() == cells.keys() == set(Letter.objects.values_list("key", flat=True))
    for key, row in rows.items():
        assert before_break(cells[key]["Kamerstuk"]) == shown(row["kamerstuk"])
        assert whole(cells[key][columns["signatories"]]) == shown(row["signatories"])


def letter_detail_labels(client):
    rows = csv_rows(client, "/letters/export.csv")
    for letter in Letter.objects.all():
        terms = detail(client, letter.get_absolute_url())
        assert whole(terms["Signatories"]) == shown(rows[letter.key]["signatories"])


def python_and_sql_labels():
    """The Python form (``__str__``, detail pages) and the SQL form (lists, exports)."""
    for office in Office.objects.annotate(sql=office_sql("")).select_related("person"):
        assert office.sql == str(office)
    for person in Person.objects.annotate(sql=person_sql("")):
        assert person.sql == str(person)
    for member in MemberOfParliament.objects.annotate(sql=member_sql("")):
        assert member.sql == str(member)
    for letter in Letter.objects.for_list().with_labels():
        assert (letter.kamerstuk_label or "") == letter.kamerstuk
        assert (letter.signatories_label or "") == "; ".join(map(str, letter.signatories.all()))
    for motion in Motion.objects.for_list().with_labels():
        assert (motion.kamerstuk_label or "") == motion.kamerstuk
        assert (motion.submitters_label or "") == motion.submitters
        assert (motion.source_label or "") == (str(motion.reported_in or ""))


def test_unnamed_office_of_a_ministry_without_abbreviation(client, db):
    """The case that disagreed: the letters CSV said "minister ()"."""
    vws = factories.ministry(name="Ministerie van VWS", abbreviation="")
    office = factories.office(person=None, ministry=vws, role="minister", portfolio="")
    letter = factories.letter(key="brief-vws", signatories=[office])
    with translation.override("en"):
        row = csv_rows(client, "/letters/export.csv")["brief-vws"]
        assert row["signatories"] == "Minister (Ministerie van VWS)" == str(office)
        assert whole(list_rows(client, "/letters/")["brief-vws"]["Signatories"]) == str(office)
        assert whole(detail(client, letter.get_absolute_url())["Signatories"]) == str(office)
