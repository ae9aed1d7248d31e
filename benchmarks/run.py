"""Time the main pages and CSV exports on a large synthetic data set, against floors
measured in the same run.

    python -m benchmarks.run [--regenerate] [--runs 20] [--export-runs 5] [--scale 1]

It needs PostgreSQL and no network. The database is ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/tracker_bench), never the ``DATABASE_URL`` of the
development or test database, because generating the data empties the tables: it is
created when missing, migrated, and filled when its row counts are not those of the
requested scale (``--regenerate`` forces it). Pages are requested in-process through
Django's test client with ``DEBUG`` off (``--debug`` keeps the environment's setting).

Output: ``bench-results.json`` at the project root and a Markdown table, printed and
written to ``benchmarks/latest.md``.
"""

import argparse
import contextlib
import csv
import gc
import io
import json
import math
import os
import platform
import random
import re
import resource
import statistics
import sys
import time
import traceback
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
RESULTS_FILE = ROOT / "bench-results.json"
MARKDOWN_FILE = ROOT / "benchmarks" / "latest.md"

PAGE_TARGET_MS = 30  # list and detail pages: p50
PAGE_TARGET_P95_MS = 60
PAGE_TARGET_RATIO = 3.0  # p50 at most 3× the SQL floor
SEARCH_TARGET_MS = 50  # full-text search for a common word: p50
FEED_TARGET_MS = 50
DASHBOARD_TARGET_MS = 150
EXPORT_TARGET_RATIO = 2.0


def log(message=""):
    print(message, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--regenerate", action="store_true", help="regenerate the data set")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per page (20)")
    parser.add_argument("--export-runs", type=int, default=5, help="timed runs per export (5)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="data set size relative to the full one (1)"
    )
    parser.add_argument("--generate-only", action="store_true", help="only make the data set")
    parser.add_argument("--only", default="", help="run only benchmarks whose name contains this")
    parser.add_argument("--debug", action="store_true", help="keep DJANGO_DEBUG as it is set")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="instead of timing, print the N costliest functions (cProfile) of each page",
    )
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="results JSON file")
    parser.add_argument("--markdown", type=Path, default=MARKDOWN_FILE, help="Markdown table file")
    return parser.parse_args(argv)


def configure(args):
    """Point Django at the benchmark database before it loads its settings."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    if not args.debug:
        # Production-like: no debug cursor, no debug templates.
        os.environ["DJANGO_DEBUG"] = "0"
        os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from django.conf import settings

    if not settings.DEBUG:
        collect_static(settings)


def collect_static(settings):
    """Production settings may use a manifest storage, which needs collectstatic: collect
    into a temporary folder, leaving the project's STATIC_ROOT alone."""
    import atexit
    import shutil
    import tempfile

    from django.core.management import call_command

    folder = tempfile.mkdtemp(prefix="bench-static-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    settings.STATIC_ROOT = folder
    call_command("collectstatic", interactive=False, verbosity=0)


# ---------------------------------------------------------------------------------------
# The database


def psycopg_params(settings_dict, dbname=None):
    params = {
        "dbname": dbname or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        # The site's session settings (jit off), so the floor runs the SQL as the site does.
        "options": settings_dict.get("OPTIONS", {}).get("options"),
    }
    return {k: v for k, v in params.items() if v is not None}


def ensure_database(settings_dict):
    import psycopg
    from psycopg import sql

    name = settings_dict["NAME"]
    with psycopg.connect(**psycopg_params(settings_dict, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"Creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_database(args):
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.generate import Sizes, counts_match, dataset_counts, generate

    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL.")
    ensure_database(connection.settings_dict)
    log(f"Migrating {connection.settings_dict['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    sizes = Sizes() if args.scale == 1 else Sizes.scaled(args.scale)
    if args.regenerate:
        generate(sizes, progress=log)
    elif not counts_match(sizes):
        log("The data set is missing or has other row counts; generating it.")
        generate(sizes, progress=log)
    else:
        log("The data set is in place (use --regenerate to make it anew).")
    return dataset_counts()


# ---------------------------------------------------------------------------------------
# Memory


def proc_status_kb(field):
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss():
    """Reset the kernel's high-water mark of this process's RSS (Linux); True if it did."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb():
    """Peak RSS since the last reset (VmHWM), else since the process started."""
    hwm = proc_status_kb("VmHWM")
    if hwm is None:
        hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return hwm / 1024


def current_rss_mb():
    rss = proc_status_kb("VmRSS")
    return rss / 1024 if rss is not None else None


# ---------------------------------------------------------------------------------------
# Measuring


@dataclass
class Benchmark:
    name: str
    url: str
    kind: str  # "page", "search", "dashboard", "feed" or "export"
    clear_cache: bool = False  # time the uncached path: empty Django's cache before each run
    # Time each request right after a status update (rolled back), with the server's page
    # cache on, as in production; every other benchmark times the rendering, the cache off.
    after_write: bool = False

    @property
    def target(self):
        if self.kind == "export":
            return {"target_ratio": EXPORT_TARGET_RATIO}
        if self.kind == "dashboard":
            return {"target_ms": DASHBOARD_TARGET_MS}
        if self.kind == "search":
            return {"target_ms": SEARCH_TARGET_MS}
        if self.kind == "feed":
            return {"target_ms": FEED_TARGET_MS}
        return {
            "target_ms": PAGE_TARGET_MS,
            "target_p95_ms": PAGE_TARGET_P95_MS,
            "target_ratio": PAGE_TARGET_RATIO,
        }


def meets_target(result):
    """Every target the benchmark has: p50 and p95 under their limits, the ratio to the
    floor at most its limit."""
    checks = []
    if "target_ms" in result:
        checks.append(result["p50_ms"] < result["target_ms"])
    if "target_p95_ms" in result:
        checks.append(result["p95_ms"] < result["target_p95_ms"])
    if "target_ratio" in result:
        checks.append(result["ratio"] is not None and result["ratio"] <= result["target_ratio"])
    return all(checks)


def target_text(result):
    parts = []
    if "target_ms" in result:
        parts.append(f"p50 < {result['target_ms']} ms")
    if "target_p95_ms" in result:
        parts.append(f"p95 < {result['target_p95_ms']} ms")
    if "target_ratio" in result:
        floor = "COPY" if result.get("kind") == "export" else "floor"
        parts.append(f"≤ {result['target_ratio']:g}× {floor}")
    return ", ".join(parts)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


def consume(response):
    """(chunks, bytes) of the whole response body, streamed bodies without keeping them."""
    if response.streaming:
        chunks = size = 0
        for chunk in response.streaming_content:
            chunks += 1
            size += len(chunk)
        response.close()
        return chunks, size
    return 1, len(response.content)


def csv_records(response):
    """(records, bytes) of a streamed CSV, the header included. The exports write whole
    records in each chunk, so each chunk is parsed on its own."""
    records = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        records += sum(1 for _ in csv.reader(io.StringIO(chunk.decode("utf-8"))))
    response.close()
    return records, size


def html_rows(body):
    """Rows the page shows: table body rows and list items inside <main>."""
    text = body.decode("utf-8", "replace")
    main = text.split("<main", 1)[-1].split("</main>", 1)[0]
    rows = 0
    for tbody in re.findall(r"<tbody>(.*?)</tbody>", main, re.S):
        rows += sum(
            1 for row in re.findall(r"<tr[ >].*?</tr>", tbody, re.S) if "colspan" not in row
        )
    return rows + len(re.findall(r"<li[ >]", main))


def time_request(client, url, clear_cache=False, after_write=False):
    if clear_cache:
        from django.core.cache import cache

        cache.clear()
    if after_write:
        from django.db import transaction

        from tracker.caching import page_etag

        with transaction.atomic():
            before = page_etag()
            record_a_status_update()  # not timed; the request sees it, then it is undone
            # The write changed the pages' ETag, so the page cache cannot answer for it.
            assert page_etag() != before, "a status update left the ETag as it was"
            elapsed = time_request(client, url)
            transaction.set_rollback(True)
        return elapsed
    started = time.perf_counter()
    response = client.get(url, secure=True)
    consume(response)
    return (time.perf_counter() - started) * 1000


def page_cache(bench):
    """The server's page cache as the benchmark wants it: off to time the rendering (it
    would answer every request after the first from memory; benchmarks/throughput.py
    measures it), on right after a write, which must change the pages' ETag."""
    if bench.after_write:
        return contextlib.nullcontext()
    from django.test import override_settings

    return override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)


def record_a_status_update():
    """A change as a researcher makes one: a status update on a commitment picked at
    random, through the write path (which keeps the dashboard's tallies)."""
    from commitments import services
    from commitments.models import Commitment, Status

    last = Commitment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    commitment = Commitment.objects.filter(pk__gte=random.randint(1, last)).order_by("pk").first()
    if commitment is not None:
        status = random.choice(list(Status))
        services.record_status_update(subject=commitment, status=status, date=date.today())


def statement_of(sql):
    """The SELECT of a captured statement (a server-side cursor's DECLARE ... FOR SELECT)."""
    match = re.match(r'\s*DECLARE\s+"?[\w]+"?\s.*?\bFOR\s+(SELECT\b.*)', sql, re.S | re.I)
    return match.group(1) if match else sql


def time_queries(conn, statements):
    started = time.perf_counter()
    with conn.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            if cursor.description is not None:
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def time_copy(conn, select):
    from psycopg import sql

    statement = sql.SQL("COPY ({}) TO STDOUT WITH CSV HEADER").format(sql.SQL(select))
    started = time.perf_counter()
    size = 0
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for data in copy:
            size += len(data)
    return (time.perf_counter() - started) * 1000, size


class Runner:
    def __init__(self, args, floor_conn):
        from django.conf import settings
        from django.test import Client

        hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))]
        host = "localhost" if "localhost" in hosts or not hosts else hosts[0]
        self.client = Client(HTTP_HOST=host)
        self.args = args
        self.floor_conn = floor_conn

    def skipped(self, bench, note):
        log(f"  skipped: {note}")
        return {"name": bench.name, "url": bench.url, "kind": bench.kind, "skipped": note}

    def run(self, bench):
        from django.urls import Resolver404, resolve

        log(f"{bench.name}: {bench.url}")
        try:
            resolve(urlsplit(bench.url).path)
        except Resolver404:
            return self.skipped(bench, "URL does not resolve (view not built yet)")
        try:
            if bench.clear_cache:
                from django.core.cache import cache

                cache.clear()
            started = time.perf_counter()
            response = self.client.get(bench.url, secure=True)
            consume(response)  # a streamed body is read here; response.content stays
            cold = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                return self.skipped(bench, f"HTTP {response.status_code}")
            if bench.kind == "export":
                result = self.measure_export(bench, response)
            else:
                result = self.measure_page(bench, response)
            # The first request: cold caches (Django's, PostgreSQL's, templates').
            result["first_ms"] = round(cold, 2)
        except Exception as error:  # noqa: BLE001 - one broken page must not end the run
            traceback.print_exc()
            return self.skipped(bench, f"error: {type(error).__name__}: {error}")
        result.update(bench.target)
        result["meets_target"] = meets_target(result)
        log(
            f"  p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
            f"floor {result['floor_p50_ms']:.1f} ms, ratio {result['ratio']}, "
            f"{result['queries']} queries, {result['rows']} rows, "
            f"peak RSS {result['peak_rss_mb']:.0f} MB"
        )
        return result

    def profile(self, bench):
        """cProfile of ten requests: the costliest functions, by their own time and by
        cumulative time, and the SQL's share (connection.queries with DEBUG's cursor)."""
        import cProfile
        import pstats

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        log(f"{bench.name}: {bench.url}")
        time_request(self.client, bench.url, bench.clear_cache)
        with CaptureQueriesContext(connection) as captured:
            time_request(self.client, bench.url, bench.clear_cache, bench.after_write)
        for query in captured.captured_queries:
            log(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            time_request(self.client, bench.url, bench.clear_cache, bench.after_write)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(self.args.profile)
        stats.sort_stats("cumulative").print_stats(self.args.profile)
        log(out.getvalue())

    def measure_page(self, bench, response):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        body = response.content
        rows = body.count(b"<entry") if bench.kind == "feed" else html_rows(body)
        with CaptureQueriesContext(connection) as captured:
            time_request(self.client, bench.url, bench.clear_cache, bench.after_write)
        # Server-side cursors (ModelChoiceField iterates its choices) are replayed as
        # their plain SELECT.
        statements = [statement_of(q["sql"]) for q in captured.captured_queries]
        runs = self.args.export_runs if bench.clear_cache else self.args.runs
        gc.collect()
        reset_peak_rss()
        times = [
            time_request(self.client, bench.url, bench.clear_cache, bench.after_write)
            for _ in range(runs)
        ]
        peak = peak_rss_mb()
        floors = [time_queries(self.floor_conn, statements) for _ in range(runs)]
        return self.summary(bench, rows, len(statements), times, floors, peak, len(body))

    def measure_export(self, bench, _response):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            records, size = csv_records(self.client.get(bench.url, secure=True))
        statements = [q["sql"] for q in captured.captured_queries]
        # The export's own query; the others are small (the ETag's data version).
        select = statement_of(max(statements, key=len))
        runs = self.args.export_runs
        gc.collect()
        before = current_rss_mb()
        reset_peak_rss()
        times = [time_request(self.client, bench.url) for _ in range(runs)]
        peak = peak_rss_mb()
        gc.collect()
        tracemalloc.start()
        consume(self.client.get(bench.url, secure=True))
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        floors = []
        copy_size = 0
        for _ in range(runs):
            elapsed, copy_size = time_copy(self.floor_conn, select)
            floors.append(elapsed)
        result = self.summary(bench, records - 1, len(statements), times, floors, peak, size)
        result.update(
            {
                "rss_growth_mb": round(peak - before, 1) if before is not None else None,
                "tracemalloc_peak_mb": round(traced_peak / 2**20, 1),
                "copy_bytes": copy_size,
                "floor_sql": select[:2000],
            }
        )
        return result

    def summary(self, bench, rows, queries, times, floors, peak, size):
        p50 = statistics.median(times)
        floor = statistics.median(floors)
        return {
            "name": bench.name,
            "url": bench.url,
            "kind": bench.kind,
            "rows": rows,
            "queries": queries,
            "runs": len(times),
            "p50_ms": round(p50, 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "peak_rss_mb": round(peak, 1),
            "floor_p50_ms": round(floor, 2),
            "ratio": round(p50 / floor, 2) if floor else None,
            "bytes": size,
        }


def benchmarks():
    """The pages and exports to time, with records picked from the data."""
    from django.db.models import Count

    from benchmarks.generate import SEARCH_WORD
    from commitments.models import Commitment, Letter, Motion, Person

    def first(queryset, field):
        return queryset.values_list(field, flat=True).first()

    ministry = first(
        Commitment.objects.filter(made_by__isnull=False)
        .values("made_by__ministry__key")
        .annotate(n=Count("id"))
        .order_by("-n"),
        "made_by__ministry__key",
    )
    heavy = first(Commitment.objects.annotate(n=Count("updates")).order_by("-n", "id"), "key")
    motion = first(Motion.objects.annotate(n=Count("updates")).order_by("-n", "id"), "key")
    letter = first(Letter.objects.annotate(n=Count("status_updates")).order_by("-n", "id"), "key")
    person = first(
        Person.objects.annotate(n=Count("offices__commitments")).order_by("-n", "id"), "key"
    )
    items = [
        ("commitments list", "/commitments/", "page"),
        (
            "commitments: fulfilled, one ministry",
            "/commitments/?" + urlencode({"status": "fulfilled", "ministry": ministry}),
            "page",
        ),
        ("commitments: search", "/commitments/?" + urlencode({"q": SEARCH_WORD}), "search"),
        (
            "commitments: search, page 20",
            "/commitments/?" + urlencode({"q": SEARCH_WORD, "page": 20}),
            "search",
        ),
        ("commitments list, page 2,000", "/commitments/?page=2000", "page"),
        ("commitments: overdue, newest", "/commitments/?overdue=true&order=-made_on", "page"),
        ("motions list", "/motions/", "page"),
        ("motions: search", "/motions/?" + urlencode({"q": SEARCH_WORD}), "search"),
        ("letters list", "/letters/", "page"),
        ("ministers list", "/ministers/", "page"),
        ("commitment detail (most updates)", f"/commitments/{heavy}/", "page"),
        ("motion detail (most updates)", f"/motions/{motion}/", "page"),
        ("letter detail (most updates cite it)", f"/letters/{letter}/", "page"),
        ("person detail (most commitments)", f"/ministers/{person}/", "page"),
        ("progress dashboard", "/progress/", "dashboard"),
        ("scorecards: home page", "/", "dashboard"),
        *(
            (f"scorecards: by {by}", f"/scorecards/?by={by}", "dashboard")
            for by in ("ministry", "person", "cabinet", "theme")
        ),
        ("status update feed", "/feed/", "feed"),
        ("commitments CSV export", "/commitments/export.csv", "export"),
        ("motions CSV export", "/motions/export.csv", "export"),
        ("letters CSV export", "/letters/export.csv", "export"),
    ]
    benches = [Benchmark(name, url, kind) for name, url, kind in items]
    # The dashboard must be as fast right after a change: time it after a status update,
    # with the page cache on (the write changes the ETag, so the page is rendered anew).
    index = next(i for i, b in enumerate(benches) if b.kind == "dashboard")
    benches.insert(
        index + 1,
        Benchmark(
            "progress dashboard, right after a status update",
            "/progress/",
            "dashboard",
            after_write=True,
        ),
    )
    return benches


# ---------------------------------------------------------------------------------------
# Reporting


def machine_info(floor_conn):
    import django
    from django.conf import settings

    server = floor_conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgres": server,
        "debug": settings.DEBUG,
        # Other work on the machine skews timings: the 1-minute load average at the end.
        "load_average": round(os.getloadavg()[0], 2),
    }


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def markdown(report):
    machine = report["machine"]
    dataset = report["dataset"]
    lines = [
        f"Benchmark of {report['generated_at']} on {machine['cpu_count']} CPUs, "
        f"Python {machine['python']}, Django {machine['django']}, "
        f"PostgreSQL {machine['postgres']}, DEBUG={machine['debug']}. "
        f"Data: {dataset['commitments']:,} commitments, {dataset['motions']:,} motions, "
        f"{dataset['letters']:,} letters, {dataset['status_updates']:,} status updates.",
        "",
        "| Benchmark | Rows | Queries | p50 ms | p95 ms | First ms | Floor p50 ms | Ratio "
        "| Peak RSS MB | Target | Met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in report["results"]:
        name = f"{r['name']} `{r['url']}`"
        if "skipped" in r:
            lines.append(f"| {name} | | | | | | | | | | skipped: {r['skipped']} |")
            continue
        target = target_text(r)
        lines.append(
            f"| {name} | {fmt(r['rows'])} | {r['queries']} | {fmt(r['p50_ms'])} "
            f"| {fmt(r['p95_ms'])} | {fmt(r.get('first_ms'))} | {fmt(r['floor_p50_ms'])} "
            f"| {fmt(r['ratio'], 2)} "
            f"| {fmt(r['peak_rss_mb'], 0)} | {target} "
            f"| {'yes' if r['meets_target'] else '**no**'} |"
        )
    exports = [r for r in report["results"] if r.get("kind") == "export" and "skipped" not in r]
    if exports:
        lines += [
            "",
            "Exports' memory while streaming: "
            + "; ".join(
                f"{r['name']}: Python allocations peak {fmt(r['tracemalloc_peak_mb'])} MB "
                f"(tracemalloc), RSS growth {fmt(r['rss_growth_mb'])} MB"
                for r in exports
            )
            + ".",
        ]
    lines += [
        "",
        "Floor: the same SQL run through psycopg directly (pages), or PostgreSQL's "
        "`COPY (same query) TO STDOUT WITH CSV` (exports). Ratio = p50 / floor p50. "
        "First: the first (warm-up) request, with cold caches.",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    configure(args)
    counts = prepare_database(args)
    if args.generate_only:
        return 0

    import psycopg
    from django.db import connection

    floor_conn = psycopg.connect(**psycopg_params(connection.settings_dict), autocommit=True)
    floor_conn.execute("SET TIME ZONE 'UTC'")
    runner = Runner(args, floor_conn)
    results = []
    for bench in benchmarks():
        if args.only and args.only not in bench.name:
            continue
        with page_cache(bench):
            if args.profile:
                if bench.kind != "export":
                    runner.profile(bench)
                continue
            results.append(runner.run(bench))
    if args.profile:
        return 0
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(floor_conn),
        "dataset": counts,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "results": results,
    }
    floor_conn.close()
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    table = markdown(report)
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(table)
    log()
    log(table)
    log(f"Wrote {args.output} and {args.markdown}")
    missed = [r["name"] for r in results if r.get("meets_target") is False]
    if missed:
        log(f"Targets missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
