import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commitments.permissions import ensure_researchers_group


class Command(BaseCommand):
    help = (
        "Create a researcher account (staff, in the Researchers group) with a random "
        "password, printed once. --reset gives an existing researcher a new password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help="Set a new password.")

    def handle(self, *args, username, reset, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user and not reset:
            raise CommandError(f"User {username!r} exists. Use --reset to give it a new password.")
        if user is None:
            user = User(username=username)
        password = secrets.token_urlsafe(12)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(ensure_researchers_group())
        self.stdout.write(f"Researcher {username!r} can sign in at /admin/ with password:")
        self.stdout.write(password)
