import csv
import io
from datetime import date

import pytest
from django.db import connection

from commitments import exports
from commitments.choices import DatePrecision, Status
from commitments.models import Commitment, Letter, Motion

from . import factories

pytestmark = pytest.mark.django_db

# Every anonymous page asks once for the data version of its ETag (tracker/caching.py).
ETAG_QUERIES = 1


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def data():
    vws = factories.ministry(key="vws", name="Ministerie van VWS", abbreviation="VWS")
    ocw = factories.ministry(key="ocw", name="Ministerie van OCW", abbreviation="OCW")
    schippers = factories.office(
        ministry=vws, person=factories.person(key="schippers", name="Schippers")
    )
    dossier = factories.dossier(number="32 735")
    motion = factories.motion(
        key="motie-ceder", title="over kabinetsbrede doelen", dossier=dossier, number="350",
        submitter=factories.member(name="Ceder", party="ChristenUnie"),
        has_unnamed_co_submitters=True,
    )  # fmt: skip
    letter = factories.letter(
        key="kst-32735-100", title="Sotsji", dossier=dossier, number="100",
        vergaderjaar="2013-2014", date=date(2014, 1, 23), signatories=[schippers],
    )  # fmt: skip
    talk = factories.commitment(
        key="tz-gesprek", title="Gesprek met LHBT-organisaties", made_by=schippers,
        made_on=date(2014, 1, 14), occasion="mondelinge vragenuur",
        due_phrase="voor de Spelen", source_letter=letter, motion=motion,
    )  # fmt: skip
    factories.status_update(
        talk, Status.FULFILLED, date(2014, 2, 7), date_precision=DatePrecision.APPROXIMATE
    )
    factories.status_update(talk, Status.FULFILLED, date(2014, 3, 1))
    other = factories.commitment(
        key="tz-ander", made_by=factories.office(ministry=ocw), made_on=None,
        source_letter=factories.letter(date=date(2015, 2, 3)), due_end=date(2016, 1, 1),
    )  # fmt: skip
    return {"talk": talk, "other": other, "motion": motion, "letter": letter}


def test_commitments_csv_header_and_row(client, data):
    rows = read_csv(client.get("/commitments/export.csv", {"ministry": "vws"}))
    header, *body = rows
    assert header[:2] == ["id", "title"]
    assert {"id", "text", "made_by", "ministry", "made_on", "occasion", "due", "status",
            "status_date", "motion", "source"} <= set(header)  # fmt: skip
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["id"] == "tz-gesprek"
    assert row["made_by"] == "Anna Schippers"
    assert row["ministry"] == "Ministerie van VWS"
    assert row["made_on"] == "2014-01-14"
    assert row["due"] == "voor de Spelen"
    assert (row["status"], row["status_date"]) == ("fulfilled", "2014-02-07")
    assert (row["status_date_precision"], row["latest_update"]) == ("approximate", "2014-03-01")
    assert row["made_on_or_letter"] == "2014-01-14"
    assert row["deadline_state"] == ""
    assert row["motion"] == "32 735, nr. 350"
    assert row["source"] == "32 735, nr. 100: Sotsji"
    assert row["url"].endswith("/commitments/tz-gesprek/")


def test_commitments_csv_follows_the_list_order(client, data):
    # tz-ander has no date made: it goes by the date of its letter, in 2015.
    rows = read_csv(client.get("/commitments/export.csv", {"order": "-made_on"}))
    assert [r[0] for r in rows[1:]] == ["tz-ander", "tz-gesprek"]
    rows = read_csv(client.get("/commitments/export.csv", {"order": "made_on"}))
    assert [r[0] for r in rows[1:]] == ["tz-gesprek", "tz-ander"]
    rows = read_csv(client.get("/commitments/export.csv"))  # the list's default order
    assert [r[0] for r in rows[1:]] == ["tz-ander", "tz-gesprek"]


def test_commitments_csv_deadline_state_and_year_from_the_letter(client, data):
    header, *body = read_csv(client.get("/commitments/export.csv", {"year": "2015"}))
    row = dict(zip(header, body[0], strict=True))
    assert len(body) == 1
    assert (row["id"], row["made_on"], row["made_on_or_letter"]) == ("tz-ander", "", "2015-02-03")
    assert (row["deadline_state"], row["status_date"], row["status_date_precision"]) == (
        "no_news", "", "",
    )  # fmt: skip
    factories.status_update(data["other"], Status.IN_PROGRESS, date(2016, 5, 1))
    header, *body = read_csv(client.get("/commitments/export.csv", {"deadline": "overdue"}))
    assert [dict(zip(header, r, strict=True))["deadline_state"] for r in body] == ["overdue"]


def test_motions_csv(client, data):
    header, *body = read_csv(client.get("/motions/export.csv", {"status": "open"}))
    assert header[:3] == ["id", "kind", "kamerstuk"]
    row = dict(zip(header, body[0], strict=True))
    assert row["kamerstuk"] == "32 735, nr. 350"
    assert row["submitters"] == "Ceder (ChristenUnie) c.s."
    assert row["status"] == "open" and row["status_date"] == ""
    assert row["status_date_precision"] == ""


def test_letters_csv(client, data):
    header, *body = read_csv(client.get("/letters/export.csv", {"year": "2014"}))
    assert header == ["id", "kind", "kamerstuk", "vergaderjaar", "date", "date_precision",
                      "title", "signatories", "source", "url"]  # fmt: skip
    row = dict(zip(header, body[0], strict=True))
    assert row["date_precision"] == "exact"
    assert (row["kamerstuk"], row["vergaderjaar"], row["date"]) == (
        "32 735, nr. 100", "2013-2014", "2014-01-23",
    )  # fmt: skip
    assert "Schippers" in row["signatories"]


@pytest.mark.parametrize(
    "url", ["/commitments/export.csv", "/motions/export.csv", "/letters/export.csv"]
)
def test_invalid_filters_are_a_clear_400(client, data, url):
    response = client.get(url, {"year": "last year", "status": "done"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "year:" in body  # names each bad parameter


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/commitments/export.csv", 1), ("/motions/export.csv", 1), ("/letters/export.csv", 1)],
)
def test_export_query_count_does_not_grow_with_rows(
    client, data, url, queries, django_assert_num_queries
):
    with django_assert_num_queries(queries + ETAG_QUERIES):
        read_csv(client.get(url))
    for _ in range(20):
        factories.commitment(made_by=data["talk"].made_by)
        factories.motion(submitter=data["motion"].submitter)
        factories.letter(signatories=[data["talk"].made_by])
    with django_assert_num_queries(queries + ETAG_QUERIES):
        read_csv(client.get(url))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize(
    ("model_columns", "queryset"),
    [
        (
            exports.commitment_columns,
            lambda: Commitment.objects.with_deadline_state().with_labels(),
        ),
        (exports.motion_columns, lambda: Motion.objects.with_labels()),
        (exports.letter_columns, lambda: Letter.objects.with_labels()),
    ],
)
def test_copy_and_python_writers_give_the_same_csv(data, model_columns, queryset):
    factories.commitment(
        key="tz-lastig", title='Titel met "aanhalingstekens", komma', text="regel 1\nregel 2",
        made_by=factories.office(person=None), due_phrase="", made_on=None,
    )  # fmt: skip
    factories.letter(date_precision=DatePrecision.NOT_AFTER)
    motion = factories.motion(key="motie-b", submitter=None)
    factories.status_update(motion, Status.LAPSED, date(2020, 1, 1), date_precision="not_after")
    motion.co_submitters.set([factories.member(name="Bergkamp"), factories.member(name="Diks")])
    columns = model_columns("https://example.org/x/")
    names = [f"csv_{name}" for name, _expression in columns]
    annotated = queryset().annotate(
        **{alias: expression for alias, (_n, expression) in zip(names, columns, strict=True)}
    )
    copied = b"".join(exports.postgresql_copy(annotated, names)).decode()
    written = "".join(exports.python_csv(annotated, names))
    assert copied == written
    assert copied.strip()


FORMULAS = ["=SUM(A1)", "+31 20", "-2+3", "@cmd", "\tinvoer", "\rregel"]


def export_both_ways(queryset, model_columns, dialect):
    """The same export written by COPY (on PostgreSQL) and by Python, as bytes."""
    queryset, names = exports.annotated(queryset, model_columns("https://example.org/x/"))
    written = "".join(exports.python_csv(queryset, names, dialect)).encode()
    if connection.vendor != "postgresql":
        return None, written
    return b"".join(exports.postgresql_copy(queryset, names, dialect)), written


@pytest.mark.parametrize("dialect", [exports.PLAIN, exports.EXCEL], ids=["plain", "excel"])
def test_formulas_are_neutralised_the_same_way_by_both_writers(data, dialect):
    for n, formula in enumerate(FORMULAS):
        factories.commitment(key=f"tz-formule-{n}", title=formula, occasion=formula)
    queryset = (
        Commitment.objects.with_deadline_state()
        .with_labels()
        .filter(key__startswith="tz-formule")
        .order_by("key")
    )
    copied, written = export_both_ways(queryset, exports.commitment_columns, dialect)
    if copied is not None:
        assert copied == written
    rows = list(csv.reader(io.StringIO(written.decode(), newline=""), delimiter=dialect.delimiter))
    assert [(row[1], row[7]) for row in rows] == [(f"'{f}", f"'{f}") for f in FORMULAS]
    # Dates and text that does not start like a formula are as they were.
    assert rows[0][5] == "2020-11-02" and rows[0][0] == "tz-formule-0"


def test_formula_in_a_download_starts_with_a_quote(client, data):
    factories.commitment(key="tz-formule", title='=HYPERLINK("http://x")', made_by=None)
    header, *body = read_csv(client.get("/commitments/export.csv", {"q": "HYPERLINK"}))
    assert dict(zip(header, body[0], strict=True))["title"] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("model_columns", "queryset"),
    [
        (
            exports.commitment_columns,
            lambda: Commitment.objects.with_deadline_state().with_labels(),
        ),
        (exports.motion_columns, lambda: Motion.objects.with_labels()),
        (exports.letter_columns, lambda: Letter.objects.with_labels()),
    ],
)
def test_excel_variant_is_the_same_bytes_from_both_writers(data, model_columns, queryset):
    factories.commitment(
        key="tz-lastig", title='Titel; "aanhalingstekens", komma', text="regel 1\nregel 2\r\n3",
        made_by=factories.office(person=None), due_phrase="", made_on=None,
    )  # fmt: skip
    factories.letter(key="brief-lastig", title="Brief;\nmet regels", vergaderjaar="")
    factories.motion(key="motie-lastig", title='-over; "regels"\r\n', submitter=None)
    copied, written = export_both_ways(queryset(), model_columns, exports.EXCEL)
    assert written.count(b"\r\n") >= 2
    if copied is not None:
        assert copied == written


@pytest.mark.parametrize(
    "url",
    ["/commitments/export-excel.csv", "/motions/export-excel.csv", "/letters/export-excel.csv"],
)
def test_excel_download_has_a_bom_semicolons_and_crlf(client, data, url):
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeffid;".encode())
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[-1] == "" and len(lines) >= 3
    assert all("\n" not in line for line in lines)  # no row contains a line break here
    plain = b"".join(client.get(url.replace("export-excel", "export")).streaming_content)
    assert len(lines) - 1 == len(plain.decode().splitlines())


def test_download_is_named_after_its_filters_and_the_day(client, data, monkeypatch):
    monkeypatch.setattr(exports.timezone, "localdate", lambda: date(2026, 11, 29))
    response = client.get(
        "/commitments/export.csv",
        {"status": "fulfilled", "ministry": "vws", "order": "-made_on", "page": "2"},
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="toezeggingen_status-fulfilled_ministry-vws_2026-11-29.csv"'
    )
    response = client.get("/motions/export-excel.csv", {"q": "Één <script> ü"})
    assert response["Content-Disposition"] == (
        'attachment; filename="moties_q-een-script-u_2026-11-29_excel.csv"'
    )
    response = client.get("/letters/export.csv", {"q": "brief " * 9})
    filename = response["Content-Disposition"].split('"')[1]
    assert filename == "kamerbrieven_q-" + "-".join(["brief"] * 9) + "_2026-11-29.csv"
    response = client.get("/commitments/export.csv", {"q": "x" * 199})
    filename = response["Content-Disposition"].split('"')[1]
    assert len(filename) <= 150 and filename.isascii()


def test_list_pages_link_to_both_downloads(client, data):
    page = client.get("/commitments/", {"ministry": "vws"}).content.decode()
    assert 'href="/commitments/export.csv?ministry=vws"' in page
    assert 'href="/commitments/export-excel.csv?ministry=vws"' in page
    for url in ["/motions/", "/letters/"]:
        assert f'href="{url}export-excel.csv"' in client.get(url).content.decode()


def test_copy_line_ends_become_crlf_wherever_a_block_ends():
    text = b'a;"b\n""c"""\nd;"e\n"\n;\n'
    expected = b'a;"b\n""c"""\r\nd;"e\n"\r\n;\r\n'
    for cut in range(len(text) + 1):
        for second in range(cut, len(text) + 1):
            blocks = [text[:cut], text[cut:second], text[second:]]
            assert b"".join(exports.line_ends(blocks, "\r\n")) == expected
