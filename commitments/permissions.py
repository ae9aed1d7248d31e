"""The Researchers group: may view, add and change every record of the tracker, but
not delete anything and not manage users. Only superusers delete."""

from django.contrib.auth.models import Group, Permission

RESEARCHERS = "Researchers"
RESEARCHER_APPS = ("commitments", "alerts", "feedback")


def ensure_researchers_group():
    group, _ = Group.objects.get_or_create(name=RESEARCHERS)
    permissions = Permission.objects.filter(
        content_type__app_label__in=RESEARCHER_APPS,
        codename__regex=r"^(add|change|view)_",
    )
    group.permissions.set(permissions)
    return group
