from django.core.management.base import BaseCommand
from django.utils import translation

from alerts import services


class Command(BaseCommand):
    help = (
        "Send each confirmed subscriber one e-mail with what changed since their last one: "
        "status changes, new commitments and deadlines passed. Safe to run again: nothing "
        "is sent twice. Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent; send nothing and record nothing.",
        )

    @translation.override("en")  # console output stays English
    def handle(self, *args, dry_run, **options):
        forgotten = 0 if dry_run else services.forget_unconfirmed()
        if forgotten:
            self.stdout.write(f"Deleted {forgotten} subscriptions never confirmed.")
        addresses = messages = 0
        for result in services.send_digests(dry_run=dry_run):
            addresses += 1
            if not result.sections:
                continue
            messages += 1
            changes = sum(
                len(s.changes) + len(s.new_commitments) + len(s.passed_deadlines)
                for s in result.sections
            )
            verb = "Would send" if dry_run else "Sent"
            self.stdout.write(
                f"{verb} {changes} changes for {len(result.sections)} followed items "
                f"to subscriber {addresses}."
            )
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(f"{messages} messages {verb} to {addresses} subscribers checked.")
