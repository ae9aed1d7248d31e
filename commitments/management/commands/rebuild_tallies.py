from django.core.management.base import BaseCommand

from commitments import tallies


class Command(BaseCommand):
    help = (
        "Count the dashboard's tallies again from the data. The write path keeps them up "
        "to date; run this after loading data by other means."
    )

    def handle(self, *args, **options):
        tallies.rebuild(progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Tallies counted again."))
