from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_researchers_group(sender, **kwargs):
    from .permissions import ensure_researchers_group

    ensure_researchers_group()


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        # Permissions exist only after migrate, so the group is set up after it.
        post_migrate.connect(create_researchers_group, sender=self)
