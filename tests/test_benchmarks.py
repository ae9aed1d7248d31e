"""The benchmark's data generator, at tiny scale, on whatever database the suite uses
(COPY on PostgreSQL, plain inserts on SQLite). No timings are asserted."""

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, F, Q

from benchmarks.generate import Sizes, dataset_counts, generate
from benchmarks.run import html_rows, percentile, statement_of
from commitments.models import (
    Cabinet,
    Commitment,
    Letter,
    Motion,
    Office,
    StatusUpdate,
)

SIZES = Sizes.tiny(commitments=50, status_updates=500)


@pytest.fixture
def generated(db):
    return generate(SIZES, progress=lambda message: None, vacuum=False)


def latest_updates(field):
    """{subject id: (status, since, since precision, latest date)} of each subject, computed
    in Python: the status of its latest update, the date and precision of the first update
    of the latest run of updates with that status, and the date of the latest update."""
    latest = {}
    updates = StatusUpdate.objects.filter(**{f"{field}__isnull": False}).order_by(
        "date", "created_at", "pk"
    )
    for update in updates:
        subject = getattr(update, f"{field}_id")
        previous = latest.get(subject)
        if previous and previous[0] == update.status:
            latest[subject] = (*previous[:3], update.date)
        else:
            latest[subject] = (update.status, update.date, update.date_precision, update.date)
    return latest


def test_counts_are_the_requested_sizes(generated):
    for name, value in SIZES.as_dict().items():
        assert generated[name] == value, name
    assert generated == dataset_counts()


@pytest.mark.parametrize(("model", "field"), [(Commitment, "commitment"), (Motion, "motion")])
def test_denormalised_status_is_the_latest_update(generated, model, field):
    latest = latest_updates(field)
    assert latest, "some subjects have updates"
    fields = ("status", "status_date", "status_date_precision", "latest_update_on")
    assert any(since != last for _s, since, _p, last in latest.values()), "some runs are long"
    for pk, *current in model.objects.values_list("pk", *fields):
        assert tuple(current) == latest.get(pk, ("open", None, "exact", None)), pk


def test_records_are_consistent(generated):
    keys = Commitment.objects.values_list("key", flat=True)
    assert len(set(keys)) == SIZES.commitments
    assert all(key.startswith("commitment-") for key in keys)
    # Updates are never dated before the item was made.
    assert not StatusUpdate.objects.filter(date__lt=F("commitment__made_on")).exists()
    assert not StatusUpdate.objects.filter(date__lt=F("motion__date")).exists()
    # A correction points at an earlier update of the same subject.
    for update in StatusUpdate.objects.filter(corrects__isnull=False).select_related("corrects"):
        assert update.corrects.subject == update.subject
        assert update.corrects.pk < update.pk
    # Due ranges are ordered and dates fall in 2010-2025.
    assert not Commitment.objects.filter(due_start__gt=F("due_end")).exists()
    assert not Commitment.objects.filter(
        Q(made_on__year__lt=2010) | Q(made_on__year__gt=2025)
    ).exists()
    # Kamerstuk numbers are unique within a dossier.
    for model in (Letter, Motion):
        dupes = (
            model.objects.exclude(number="")
            .values("dossier", "number")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not dupes.exists()
    assert Office.objects.count() == SIZES.offices
    assert Cabinet.objects.filter(name="Rutte II").exists()
    assert Commitment.themes.through.objects.exists()
    assert Letter.signatories.through.objects.exists()


def test_statuses_are_spread(generated):
    statuses = Counter(Commitment.objects.values_list("status", flat=True))
    assert len(statuses) >= 3


def test_new_ids_follow_the_generated_ones(generated):
    """Sequences are reset, so records made afterwards get fresh ids."""
    office = Office.objects.first()
    commitment = Commitment.objects.create(
        key="after-generate", title="t", text="t", made_by=office
    )
    assert commitment.pk > SIZES.commitments


def test_the_data_set_can_be_regenerated(generated):
    again = generate(SIZES, progress=lambda message: None, vacuum=False)
    assert again == generated


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY floors need PostgreSQL")
def test_copy_floor_reads_the_export_query(generated):
    """The floor's COPY accepts the SQL Django executed for an export."""
    from django.test.utils import CaptureQueriesContext

    from benchmarks.run import time_copy

    with CaptureQueriesContext(connection) as captured:
        list(Commitment.objects.for_list().iterator(chunk_size=10))
    select = statement_of(captured.captured_queries[0]["sql"])
    raw = connection.connection  # the psycopg connection under Django's
    _elapsed, size = time_copy(raw, select)
    assert size > 0


def test_helpers():
    assert percentile([5, 1, 4, 2, 3], 0.5) == 3
    assert percentile(list(range(1, 21)), 0.95) == 19
    declared = 'DECLARE "_django_curs_1_sync_2" NO SCROLL CURSOR WITH HOLD FOR SELECT 1 FROM x'
    assert statement_of(declared) == "SELECT 1 FROM x"
    assert statement_of("SELECT 2") == "SELECT 2"
    body = (
        b"<nav><li>menu</li></nav><main><table><tbody><tr><td>a</td></tr>"
        b'<tr><td colspan="3">none</td></tr></tbody></table><ul><li>x</li></ul></main>'
    )
    assert html_rows(body) == 2


def test_sync_scale_run_at_small_scale(db, tmp_path):
    """The register pages the scale run generates sync in full, and a second sync from
    the start finds nothing changed. No timings are asserted."""
    from benchmarks.sync_scale import scale_run

    results = scale_run(
        tmp_path, toezeggingen=120, motions=90, page_size=50, progress=lambda message: None
    )
    first_feed, first_motions, second_feed, second_motions = results
    assert (first_feed["pages"], first_feed["created"]) == (3, 120)
    assert (first_motions["pages"], first_motions["created"]) == (2, 90)
    assert first_feed["status_updates"] == StatusUpdate.objects.count() > 100
    assert Commitment.objects.filter(tk_id__isnull=False).count() == 120
    assert Motion.objects.filter(zaak_number__isnull=False).count() == 90
    for second in (second_feed, second_motions):
        assert second["created"] == second["changed"] == second["status_updates"] == 0
        assert second["unchanged"] == second["records"]


def test_a_page_meets_its_target_only_when_every_limit_holds():
    from benchmarks.run import Benchmark, meets_target, target_text

    page = {"kind": "page", **Benchmark("list", "/commitments/", "page").target}
    assert target_text(page) == "p50 < 30 ms, p95 < 60 ms, ≤ 3× floor"
    assert meets_target({**page, "p50_ms": 20, "p95_ms": 50, "ratio": 2.5})
    assert not meets_target({**page, "p50_ms": 31, "p95_ms": 50, "ratio": 2.5})
    assert not meets_target({**page, "p50_ms": 20, "p95_ms": 61, "ratio": 2.5})
    assert not meets_target({**page, "p50_ms": 20, "p95_ms": 50, "ratio": 3.5})
    search = {"kind": "search", **Benchmark("search", "/commitments/?q=x", "search").target}
    assert target_text(search) == "p50 < 50 ms"
    export = {"kind": "export", **Benchmark("csv", "/commitments/export.csv", "export").target}
    assert target_text(export) == "≤ 2× COPY"
    assert meets_target({**export, "p50_ms": 900, "p95_ms": 999, "ratio": 1.2})
