"""python manage.py sync_tk [--feed toezeggingen|motions] [--since DATE] [--limit N]"""

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from commitments.sync import SyncError
from commitments.sync.client import RegisterClient
from commitments.sync.store import FEEDS, run, skiptoken


def parse_since(value):
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError as exc:
        raise CommandError(f"--since: not a date: {value!r} (use YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Sync toezeggingen (SyncFeed) and motions with their decisions and votes (OData) "
        "from the Tweede Kamer's open data. Resumes where the last run stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--feed",
            choices=sorted(FEEDS),
            action="append",
            help="only this feed (repeatable); default: all",
        )
        parser.add_argument(
            "--since", help="start at records changed on or after this date (YYYY-MM-DD)"
        )
        parser.add_argument("--limit", type=int, help="stop after this many records per feed")

    def handle(self, *args, feed=None, since=None, limit=None, **options):
        since = parse_since(since) if since else None
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        client = self.client()
        try:
            for name in feed or ["toezeggingen", "motions"]:
                self.stdout.write(f"{name}:")
                try:
                    report = run(
                        FEEDS[name], client, since=since, limit=limit, progress=self.progress
                    )
                except SyncError as exc:
                    raise CommandError(
                        f"{name}: {exc}\nPages before this one are saved; "
                        "the next run starts at the page that failed."
                    ) from exc
                ending = "done" if report.complete else "stopped at --limit"
                self.stdout.write(self.style.SUCCESS(f"{name} {ending}: {report.summary()}"))
        finally:
            client.close()

    def client(self):
        return RegisterClient()

    def progress(self, report, url):
        token = skiptoken(url)
        where = f" (skiptoken {token})" if token else ""
        self.stdout.write(
            f"  page {report.pages}{where}: {report.records} records, "
            f"{report.per_second:,.0f} records/s"
        )
