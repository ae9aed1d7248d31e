from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from commitments.seeding import SeedError, seed
from commitments.setup import ensure_researchers_group


class Command(BaseCommand):
    help = (
        "Load the source-cited seed data from fixtures/. Idempotent: existing records, "
        "including researchers' edits and status updates, are never overwritten or deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Fixture files (default: all in fixtures/).")

    @translation.override("en")  # console output stays English
    def handle(self, *args, paths, verbosity, **options):
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            report = seed(paths or None, progress=progress)
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        ensure_researchers_group()
        if verbosity >= 1:
            for line in report.lines():
                self.stdout.write(line)
