"""python manage.py fetch_letter_texts [--letter KEY ...] [--limit N]"""

from django.core.management.base import BaseCommand, CommandError

from commitments import services
from commitments.models import Letter
from commitments.sync import SyncError
from commitments.sync.client import RefusedError, RegisterClient
from commitments.sync.letters import letter_text, repository_url


class Command(BaseCommand):
    help = (
        "Fetch the official text of letters with a Kamerstuk identifier (kst-...) from "
        "officielebekendmakingen and store it as their source document."
    )

    def add_arguments(self, parser):
        parser.add_argument("--letter", action="append", help="only this letter (key)")
        parser.add_argument("--limit", type=int, help="at most this many letters")

    def handle(self, *args, letter=None, limit=None, **options):
        letters = Letter.objects.filter(kst_id__isnull=False, text_document__isnull=True)
        if letter:
            letters = letters.filter(key__in=letter)
        letters = list(letters.select_related("dossier").order_by("kst_id")[:limit])
        client = self.client()
        stored = missing = 0
        try:
            for item in letters:
                url = repository_url(item.kst_id)
                try:
                    text = client.fetch_page(url, letter_text)
                except RefusedError as exc:
                    self.stdout.write(f"  {item.kst_id}: not available ({exc})")
                    missing += 1
                    continue
                except SyncError as exc:
                    raise CommandError(f"{exc}\nLetters before this one are saved.") from exc
                services.attach_letter_text(item, text=text, url=url)
                stored += 1
                self.stdout.write(f"  {item.kst_id}: {len(text):,} characters")
        finally:
            client.close()
        self.stdout.write(
            self.style.SUCCESS(f"Stored the text of {stored} letters; {missing} not available.")
        )

    def client(self):
        return RegisterClient()
