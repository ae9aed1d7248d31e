from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from commitments.models import Commitment


class Command(BaseCommand):
    help = (
        "List overdue commitments, those with no news since their due date, and those due "
        "soon. Exits with status 1 when any is overdue or without news, so it can run from "
        "cron and alert."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=90, help="Window for 'due soon' (default 90)."
        )
        parser.add_argument("--today", type=date.fromisoformat, help="Reference date (ISO).")

    @translation.override("en")  # console output stays English
    def handle(self, *args, days, today, **options):
        if days < 0:
            raise CommandError("--days must be zero or more.")
        today = today or date.today()
        commitments = Commitment.objects.for_list().order_by("due_end", "title")
        overdue = list(commitments.overdue(today))
        no_news = list(commitments.no_news(today))
        soon = list(commitments.due_within(days, today))
        review = commitments.filter(due_needs_review=True).open().count()

        self.stdout.write(f"Overdue on {today.isoformat()}: {len(overdue)}")
        for c in overdue:
            self.stdout.write(self.line(c, today))
        self.stdout.write(f"Past the due date with no news since: {len(no_news)}")
        for c in no_news:
            self.stdout.write(self.line(c, today, no_news=True))
        self.stdout.write(f"Due within {days} days: {len(soon)}")
        for c in soon:
            self.stdout.write(self.line(c, today))
        if review:
            self.stdout.write(
                f"Open commitments whose due phrase needs a researcher's review: {review}"
            )
        if overdue or no_news:
            raise SystemExit(1)

    def line(self, commitment, today, no_news=False):
        days = (commitment.due_end - today).days
        if no_news:
            since = commitment.no_news_since
            when = f"no news since {since.isoformat()}" if since else "no news"
        else:
            when = f"{-days} days overdue" if days < 0 else f"due in {days} days"
        made_by = commitment.made_by or "-"
        return (
            f"  {commitment.due_end.isoformat()}  {when:>24}  {commitment.status:<19} "
            f"{commitment.key}  {commitment.title} ({made_by})"
        )
