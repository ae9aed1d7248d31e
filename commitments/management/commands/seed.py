from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from commitments.permissions import ensure_researchers_group
from commitments.seeding import SeedError, seed


class Command(BaseCommand):
    help = (
        "Load the source-cited seed data from fixtures/. Idempotent: existing records, "
        "including researchers' edits and status updates, are never overwritten or deleted. "
        "With --update, corrected fixtures are applied to the records no researcher has "
        "touched, and keys merged in fixtures/replaced_keys.tsv are merged."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Fixture files (default: all in fixtures/).")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Apply corrected fixtures to records no researcher has touched, and report "
            "every change.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change, and write nothing.",
        )

    @translation.override("en")  # console output stays English
    def handle(self, *args, paths, verbosity, update, dry_run, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            report = seed(paths or None, progress=progress, update=update, dry_run=dry_run)
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        if not dry_run:
            ensure_researchers_group()
        if verbosity >= 1:
            for line in report.lines():
                self.stdout.write(line)
            if dry_run:
                self.stdout.write("Dry run: nothing was written.")
