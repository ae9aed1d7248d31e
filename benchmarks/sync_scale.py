"""Scale run of the register sync: generate register pages for 10,000 toezeggingen
(SyncFeed XML) and 20,000 motions (OData JSON), then sync them into PostgreSQL.

    python -m benchmarks.sync_scale [--toezeggingen 10000] [--motions 20000] [--page-size 250]

The pages are written to a temporary folder and served from there through respx, so the
run needs no network, and memory shows whether the sync holds more than a page at a time.
The database is ``SYNC_BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/tracker_bench_sync); its tracker tables are emptied
first. Reported: records per second for the first sync and for a second one that finds
nothing changed, the CPU time of the sync and of its database backend (on a shared
machine records per CPU second compare runs better than the wall clock), and the
process's RSS after each tenth of the pages (flat when the sync streams). Output:
``bench-sync-results.json`` and ``benchmarks/sync-latest.md``.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench_sync"
RESULTS_FILE = ROOT / "bench-sync-results.json"
MARKDOWN_FILE = ROOT / "benchmarks" / "sync-latest.md"
TARGET_PER_SECOND = 2000

FEED = "https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed"
ODATA = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak"
TK = "http://www.tweedekamer.nl/xsd/tkData/v1-0"

MINISTRIES = [
    "Algemene Zaken", "Buitenlandse Zaken", "Justitie en Veiligheid", "Financiën",
    "Onderwijs, Cultuur en Wetenschap", "Volksgezondheid, Welzijn en Sport",
    "Sociale Zaken en Werkgelegenheid", "Infrastructuur en Waterstaat", "Defensie",
    "Economische Zaken", "Binnenlandse Zaken en Koninkrijksrelaties",
    "Landbouw, Natuur en Voedselkwaliteit",
]  # fmt: skip
STATUSES = ["Afgedaan"] * 58 + ["Openstaand"] * 40 + ["Deels Afgedaan", ""]
PARTIES = ["VVD", "PVV", "GroenLinks-PvdA", "NSC", "D66", "CDA", "SP", "BBB", "ChristenUnie"]
WORDS = [
    "informeren", "over", "de", "voortgang", "van", "het", "actieplan", "onderzoek",
    "evaluatie", "brief", "Kamer", "regeling", "wetsvoorstel", "uitvoering", "monitor",
    "jaarlijks", "gemeenten", "onderwijs", "zorg",
]  # fmt: skip


def log(message=""):
    print(message, flush=True)


def guid(kind, n):
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def sentence(rng, n=18):
    return "De minister zegt toe " + " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def toezegging_entry(rng, n, changed):
    person = rng.randrange(60)
    ministry = person % len(MINISTRIES)  # each bewindspersoon serves one ministry
    status = rng.choice(STATUSES)
    made = date(2015, 1, 1) + timedelta(days=rng.randrange(3800))
    letters = ""
    if status == "Afgedaan" and rng.random() < 0.7:
        kst = f"kst-{rng.randrange(30000, 36700)}-{rng.randrange(1, 400)}"
        letters = f"<kamerbriefNakoming>{kst}</kamerbriefNakoming>"
    due = "0001-01-01" if rng.random() < 0.3 else made + timedelta(days=180)
    function = "staatssecretaris" if person % 3 == 0 else "minister"
    return f"""  <entry>
    <title>{guid(1, n)}</title>
    <id>https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Entiteiten/{guid(1, n)}</id>
    <updated>{changed}</updated>
    <content type="application/xml">
      <toezegging xmlns="{TK}" id="{guid(1, n)}" bijgewerkt="{changed}" verwijderd="false">
        <aanmaakdatum>{made}T00:00:00</aanmaakdatum>
        <nummer>TZ{made:%Y%m}-{n:05d}</nummer>
        <achternaam>Bewindspersoon{person}</achternaam>
        <initialen>{"ABCDEFGH"[person % 8]}.</initialen>
        <voornaam>Voornaam{person}</voornaam>
        <functie>{function} van {escape(MINISTRIES[ministry])}</functie>
        <status>{status}</status>
        <datumNakoming>{due}T00:00:00</datumNakoming>
        {letters}
        <ministerie>{escape(MINISTRIES[ministry])}</ministerie>
        <tekst>{escape(sentence(rng))}</tekst>
      </toezegging>
    </content>
  </entry>
"""


def write_feed(folder, count, page_size, rng):
    pages = []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for page, first in enumerate(range(0, count, page_size)):
        token = f"&amp;skiptoken={page}" if page else ""
        entries = "".join(
            toezegging_entry(rng, n, (start + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ"))
            for n in range(first, min(first + page_size, count))
        )
        more = first + page_size < count
        next_link = (
            f'  <link rel="next" href="{FEED}?category=Toezegging&amp;skiptoken={page + 1}"/>\n'
            if more
            else ""
        )
        path = folder / f"feed-{page}.xml"
        path.write_text(
            f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>Toezegging</title>\n  <id>{FEED}?category=Toezegging{token}</id>\n"
            f"{next_link}{entries}</feed>\n",
            encoding="utf-8",
        )
        pages.append(path)
    return pages


def zaak(rng, n, changed):
    dossier = rng.randrange(30000, 36700)
    actors = [
        {
            "ActorNaam": f"Kamerlid{m}",
            "ActorFractie": PARTIES[m % len(PARTIES)],
            "Relatie": "Indiener" if i == 0 else "Medeindiener",
            "Persoon_Id": guid(3, m),
            "Verwijderd": False,
        }
        for i, m in enumerate(rng.sample(range(150), rng.randint(1, 3)))
    ]
    outcome = rng.choice(["Stemmen - aangenomen", "Stemmen - verworpen", None])
    besluit = []
    if outcome:
        besluit = [
            {
                "Id": guid(4, n),
                "BesluitSoort": outcome,
                "Verwijderd": False,
                "Stemming": [
                    {
                        "Soort": rng.choice(["Voor", "Tegen"]),
                        "FractieGrootte": rng.randint(1, 30),
                        "ActorFractie": party,
                        "Vergissing": False,
                        "Verwijderd": False,
                    }
                    for party in PARTIES
                ],
            }
        ]
    return {
        "Id": guid(2, n),
        "Nummer": f"{2015 + n % 10}Z{n:05d}",
        "Soort": "Motie",
        "Titel": "Dossier",
        "Onderwerp": f"Motie van het lid Kamerlid{n % 150} over " + " ".join(rng.sample(WORDS, 5)),
        "GestartOp": f"{date(2015, 1, 1) + timedelta(days=rng.randrange(3800))}T00:00:00+01:00",
        "Volgnummer": n + 1,
        "Kabinetsappreciatie": rng.choice(["Oordeel Kamer", "Ontraden", "Overgenomen", None]),
        "GewijzigdOp": changed,
        "Verwijderd": False,
        "Kamerstukdossier": [{"Nummer": dossier, "Toevoeging": None, "Titel": "Dossier"}],
        "ZaakActor": actors,
        "Besluit": besluit,
    }


def write_odata(folder, count, page_size, rng):
    pages = []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for first in range(0, count, page_size):
        value = [
            zaak(rng, n, (start + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ"))
            for n in range(first, min(first + page_size, count))
        ]
        data = {"value": value}
        if first + page_size < count:
            data["@odata.nextLink"] = f"{ODATA}?$skip={first + page_size}"
        path = folder / f"odata-{first}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        pages.append(path)
    return pages


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_cpu_seconds():
    """CPU time of this connection's PostgreSQL backend, read from /proc when the server
    runs on this machine; None otherwise."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def sync_feed(name, client, pages_total):
    from benchmarks.run import peak_rss_mb, reset_peak_rss
    from commitments.sync.store import FEEDS, run

    samples = []
    step = max(1, pages_total // 10)

    def progress(report, url):
        if report.pages % step == 0 or report.pages == pages_total:
            samples.append((report.pages, round(rss_mb(), 1)))

    reset = reset_peak_rss()
    server_before = server_cpu_seconds()
    cpu_before = time.process_time()
    started = time.perf_counter()
    report = run(FEEDS[name], client, progress=progress)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    server_after = server_cpu_seconds()
    server = server_after - server_before if server_before is not None else None
    return {
        "feed": name,
        "pages": report.pages,
        "records": report.records,
        "created": report.created,
        "changed": report.changed,
        "unchanged": report.unchanged,
        "status_updates": report.status_updates,
        "seconds": round(seconds, 2),
        "records_per_second": round(report.records / seconds, 1),
        # On a shared machine the wall clock includes waiting for a core; the CPU time
        # of the sync and of its database backend does not.
        "cpu_seconds": round(cpu, 2),
        "server_cpu_seconds": round(server, 2) if server is not None else None,
        "records_per_cpu_second": round(report.records / (cpu + (server or 0)), 1),
        "rss_mb_by_page": samples,
        "peak_rss_mb": round(peak_rss_mb(), 1) if reset else None,
    }


def scale_run(folder, *, toezeggingen, motions, page_size, progress=log):
    """Write the pages into ``folder`` and sync them twice (the second time from the
    start, finding nothing changed); a list of results, one per feed and run."""
    import httpx

    from commitments.models import SyncState
    from commitments.sync.client import RegisterClient

    rng = random.Random(20260829)  # noqa: S311
    progress(f"Writing {toezeggingen:,} toezeggingen and {motions:,} motions as pages")
    feed_pages = write_feed(folder, toezeggingen, page_size, rng)
    odata_pages = write_odata(folder, motions, page_size, rng)

    def serve(request):
        if request.url.path.endswith("/Feed"):
            token = request.url.params.get("skiptoken")
            return httpx.Response(200, content=feed_pages[int(token or 0)].read_bytes())
        skip = int(request.url.params.get("$skip") or 0)
        return httpx.Response(200, content=odata_pages[skip // page_size].read_bytes())

    results = []
    # A plain mock transport: it keeps no record of the calls, so memory is the sync's.
    with httpx.Client(transport=httpx.MockTransport(serve)) as http:
        client = RegisterClient(http=http, sleep=lambda seconds: None)
        for run_name in ("first sync", "second sync (no changes)"):
            for name, total in (("toezeggingen", len(feed_pages)), ("motions", len(odata_pages))):
                if run_name.startswith("second"):  # read everything again
                    SyncState.objects.filter(feed=name).update(resume_url="", last_modified=None)
                result = sync_feed(name, client, total)
                result["run"] = run_name
                results.append(result)
                progress(
                    f"{run_name}, {name}: {result['records']:,} records in "
                    f"{result['seconds']} s = {result['records_per_second']:,.0f} records/s; "
                    f"peak RSS {result['peak_rss_mb']} MB; RSS by page {result['rss_mb_by_page']}"
                )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync_scale", description=__doc__)
    parser.add_argument("--toezeggingen", type=int, default=10_000)
    parser.add_argument("--motions", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument("--output", type=Path, default=RESULTS_FILE)
    parser.add_argument("--markdown", type=Path, default=MARKDOWN_FILE)
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = os.environ.get("SYNC_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.run import ensure_database

    if connection.vendor != "postgresql":
        sys.exit("The sync scale run needs PostgreSQL (SYNC_BENCH_DATABASE_URL).")
    ensure_database(connection.settings_dict)
    call_command("migrate", interactive=False, verbosity=0)
    tables = [t for t in connection.introspection.table_names() if t.startswith("commitments_")]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE")

    with tempfile.TemporaryDirectory(prefix="tk-pages-") as folder:
        results = scale_run(
            Path(folder),
            toezeggingen=args.toezeggingen,
            motions=args.motions,
            page_size=args.page_size,
        )
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "target_records_per_second": TARGET_PER_SECOND,
        "results": results,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    args.markdown.write_text(markdown(report))
    log(markdown(report))
    log(f"Wrote {args.output} and {args.markdown}")
    return 0


def markdown(report):
    lines = [
        f"Sync scale run of {report['generated_at']} on PostgreSQL, {report['cpus']} CPUs, "
        f"load average {report['load_average'][0]} at the end "
        f"(target: {TARGET_PER_SECOND:,} records/s, memory flat).",
        "",
        "| Run | Feed | Pages | Records | Created | Status updates | Seconds | Records/s "
        "| CPU s (sync + database) | Records per CPU s | RSS MB first → last page "
        "| Peak RSS MB | Met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for r in report["results"]:
        rss = r["rss_mb_by_page"]
        memory = f"{rss[0][1]} → {rss[-1][1]}" if rss else ""
        met = "yes" if r["records_per_second"] >= TARGET_PER_SECOND else "**no**"
        lines.append(
            f"| {r['run']} | {r['feed']} | {r['pages']} | {r['records']:,} | {r['created']:,} "
            f"| {r['status_updates']:,} | {r['seconds']} | {r['records_per_second']:,.0f} "
            f"| {r['cpu_seconds']} + {r['server_cpu_seconds']} "
            f"| {r['records_per_cpu_second']:,.0f} | {memory} | {r['peak_rss_mb']} | {met} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
