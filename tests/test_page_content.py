"""What the public pages show, row by row: titles, dates, statuses, the timeline and the
cited passages, read from the HTML rather than looked for as substrings."""

from datetime import date

import lxml.html
import pytest

from commitments.choices import Role, Status

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    vws = factories.ministry(key="vws", name="Ministerie van VWS", abbreviation="VWS")
    person = factories.person(key="schippers", first_name="Edith", name="Schippers")
    office = factories.office(ministry=vws, person=person, role=Role.MINISTER)
    document = factories.source_document(
        key="brief", text="De minister zegt toe de Kamer te informeren. Verzonden op 1 juni."
    )
    letter = factories.letter(
        key="brief-2021", title="Voortgangsbrief", date=date(2021, 6, 1),
        signatories=[office], text_document=document,
    )  # fmt: skip
    motion = factories.motion(key="motie-a", title="over gelijke kansen", date=date(2020, 6, 1))
    informed = factories.commitment(
        key="tz-informeren", title="Kamer informeren", made_by=office, motion=motion,
        made_on=date(2020, 11, 2), source_document=document,
        source_passage="De minister zegt toe de Kamer te informeren.",
    )  # fmt: skip
    started = factories.status_update(informed, Status.IN_PROGRESS, date(2021, 1, 4))
    done = factories.status_update(
        informed, Status.FULFILLED, date(2021, 6, 1), evidence_letter=letter,
        note="Brief verzonden", source_passage="Verzonden op 1 juni.",
    )  # fmt: skip
    factories.commitment(
        key="tz-wet", title="Wet indienen", made_by=office, made_on=date(2021, 2, 1)
    )
    factories.status_update(motion, Status.OPEN, date(2020, 7, 1))
    return {"office": office, "person": person, "motion": motion, "started": started, "done": done}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def text(element):
    """The element's text, its parts (cells' lines, links) separated by single spaces."""
    return " ".join(" ".join(element.itertext()).split())


def rows(doc):
    return [[text(cell) for cell in row.xpath("./td")] for row in doc.xpath("//table/tbody/tr")]


def items(doc, heading):
    """The list items that follow the heading with this text."""
    headings = doc.xpath("//h2|//h3")
    matching = [h for h in headings if text(h).startswith(heading)]
    assert len(matching) == 1, [text(h) for h in headings]
    (title,) = matching
    return [text(li) for li in title.xpath("following-sibling::ul[1]/li")]


def status_line(doc):
    """The line under the title with the current status and since when."""
    (line,) = doc.xpath("//main//h1/following-sibling::p[span[starts-with(@class, 'status ')]]")
    return text(line)


def badges(doc):
    return [(span.get("class"), text(span)) for span in doc.xpath("//main//span[@class]")
            if span.get("class").startswith("status ")]  # fmt: skip


def test_home_lists_the_latest_updates_newest_first(client, records):
    doc = page(client, "/")
    assert items(doc, "Laatste statusupdates") == [
        "1 jun 2021: Kamer informeren — voldaan",
        "4 jan 2021: Kamer informeren — in uitvoering",
        f"1 jul 2020: {records['motion']} — openstaand",
    ]
    assert [text(li) for li in doc.xpath("//ul[@class='counts']/li")] == [
        "2 toezeggingen", "1 motie", "1 brief", "1 bewindspersoon",
    ]  # fmt: skip


def test_commitment_list_rows(client, records):
    doc = page(client, "/commitments/")
    assert rows(doc) == [
        ["Wet indienen", "Edith Schippers VWS", "1 feb 2021", "—", "openstaand"],
        ["Kamer informeren", "Edith Schippers VWS", "2 nov 2020", "—", "voldaan 1 jun 2021"],
    ]
    assert badges(doc) == [("status status-open", "openstaand"),
                           ("status status-fulfilled", "voldaan")]  # fmt: skip


def test_motion_list_rows(client, records):
    doc = page(client, "/motions/")
    ((kamerstuk, title, submitters, day, status),) = rows(doc)
    assert (title, day, status) == ("over gelijke kansen", "1 jun 2020", "openstaand")


def test_letter_list_rows(client, records):
    doc = page(client, "/letters/")
    ((kamerstuk, title, signatories, day),) = rows(doc)
    assert (title, signatories, day) == (
        "Voortgangsbrief Kamerbrief",
        str(records["office"]),  # the office's one label, as everywhere
        "1 jun 2021",
    )  # fmt: skip


def test_commitment_page_shows_its_status_timeline_and_citations(client, records):
    doc = page(client, "/commitments/tz-informeren/")
    assert text(doc.xpath("//main//h1")[0]) == "Kamer informeren"
    assert status_line(doc) == "voldaan sinds 1 juni 2021"
    timeline = doc.xpath("//ol[@class='timeline']/li")
    assert [text(entry.xpath("./p[1]")[0]) for entry in timeline] == [
        "4 januari 2021 — in uitvoering", "1 juni 2021 — voldaan",
    ]  # fmt: skip
    first, newest = timeline
    assert [text(p) for p in newest.xpath("./p")][1:] == [
        "Brief verzonden", "Onderbouwing: Voortgangsbrief",
    ]  # fmt: skip
    assert text(newest.xpath(".//blockquote")[0]) == "Verzonden op 1 juni."
    done = records["done"]
    assert newest.xpath(".//figcaption/a/@href") == [
        f"/sources/brief/?cite=statusupdate:{done.key}#passage"
    ]
    assert first.xpath(".//figure") == []  # no passage, no citation
    assert doc.xpath("//main/figure[@class='passage']//a/@href") == [
        "/sources/brief/?cite=commitment:tz-informeren#passage"
    ]
    assert items(doc, "Brieven die hierover rapporteren") == ["Voortgangsbrief"]


def test_every_cited_passage_is_found_on_its_source_page(client, records):
    passages = []
    for cite in ["commitment:tz-informeren", f"statusupdate:{records['done'].key}"]:
        doc = page(client, f"/sources/brief/?cite={cite}")
        (mark,) = doc.xpath("//mark[@id='passage']")
        passages.append(text(mark))
    assert passages == ["De minister zegt toe de Kamer te informeren.", "Verzonden op 1 juni."]


def test_motion_page_shows_its_status_and_commitments(client, records):
    doc = page(client, "/motions/motie-a/")
    assert status_line(doc) == "openstaand sinds 1 juli 2020"
    assert items(doc, "Toezeggingen die uit deze motie voortkomen") == [
        "Kamer informeren — voldaan"
    ]


def test_letter_page_lists_what_it_reported(client, records):
    doc = page(client, "/letters/brief-2021/")
    assert items(doc, "Waarover deze brief rapporteert") == [
        "1 jun 2021: Kamer informeren — voldaan"
    ]
    assert badges(doc) == [("status status-fulfilled", "voldaan")]


def test_person_page_lists_commitments_with_their_status(client, records):
    doc = page(client, "/ministers/schippers/")
    assert text(doc.xpath("//main//h1")[0]) == "Edith Schippers"
    assert items(doc, "Toezeggingen") == ["Wet indienen — openstaand", "Kamer informeren — voldaan"]
    assert items(doc, "Ondertekende brieven") == ["Voortgangsbrief"]
