from django.core.management.base import BaseCommand, CommandError

from commitments.backup import BackupError, import_all


class Command(BaseCommand):
    help = "Restore a backup made by export_all into an empty database, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            counts = import_all(directory, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        self.stdout.write(f"Imported {sum(counts.values())} records from {directory}")
