from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from commitments import services
from commitments.choices import DatePrecision, Status
from commitments.models import Commitment, Letter, Motion


class Command(BaseCommand):
    help = "Record a status update for a commitment or motion, with its evidence."

    def add_arguments(self, parser):
        subject = parser.add_mutually_exclusive_group(required=True)
        subject.add_argument("--commitment", metavar="KEY")
        subject.add_argument("--motion", metavar="KEY")
        parser.add_argument("--status", required=True, choices=Status.values)
        parser.add_argument("--date", required=True, help="ISO date, e.g. 2024-01-22.")
        parser.add_argument(
            "--date-precision",
            choices=DatePrecision.values,
            default=DatePrecision.EXACT.value,
            help="exact (default), approximate, or not_after (the date is the latest it can be).",
        )
        parser.add_argument("--note", default="")
        parser.add_argument("--letter", metavar="KEY", help="Key of the evidence letter.")
        parser.add_argument("--passage", default="", help="Verbatim passage of the letter.")
        parser.add_argument("--url", default="", help="Evidence URL.")
        parser.add_argument("--user", required=True, help="Username of the researcher.")

    @translation.override("en")  # console output stays English
    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(f"--date: {options['date']!r} is not a date (YYYY-MM-DD).") from exc
        model, key = (
            (Commitment, options["commitment"])
            if options["commitment"]
            else (Motion, options["motion"])
        )
        subject = self.get(model, key)
        letter = self.get(Letter, options["letter"]) if options["letter"] else None
        user = self.get(get_user_model(), options["user"], field="username")
        try:
            update = services.record_status_update(
                subject=subject,
                date=day,
                date_precision=options["date_precision"],
                status=options["status"],
                note=options["note"],
                evidence_letter=letter,
                source_passage=options["passage"],
                evidence_url=options["url"],
                researcher=user,
            )
        except ValidationError as exc:
            raise CommandError(f"Nothing was saved: {'; '.join(exc.messages)}") from exc
        warning = services.passage_warning(letter, options["passage"])
        if warning:
            self.stderr.write(f"Warning: {warning}")
        self.stdout.write(f"Recorded: {update}")

    def get(self, model, value, field="key"):
        try:
            return model.objects.get(**{field: value})
        except model.DoesNotExist as exc:
            raise CommandError(f"No {model._meta.verbose_name} with {field} {value!r}.") from exc
