from django.core.management.base import BaseCommand

from commitments.backup import export_all


class Command(BaseCommand):
    help = "Write a complete, re-importable backup (fixtures with history) to DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        counts = export_all(directory, progress=self.stdout.write)
        self.stdout.write(f"Wrote {sum(counts.values())} records to {directory}")
