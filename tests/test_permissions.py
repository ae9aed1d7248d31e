"""The Researchers group (commitments/permissions.py): view, add and change every record
of the tracker and of the alerts, delete nothing, manage no users."""

import pytest
from django.contrib.auth.models import Group, Permission

from commitments.permissions import RESEARCHER_APPS, RESEARCHERS, ensure_researchers_group

pytestmark = pytest.mark.django_db


def test_researchers_may_view_add_and_change_the_tracker_and_nothing_else():
    group = ensure_researchers_group()
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("commitments", "change_commitment") in granted
    assert ("commitments", "add_statusupdate") in granted
    assert ("alerts", "view_subscription") in granted
    assert ("feedback", "change_errorreport") in granted
    assert {app for app, _ in granted} == {"commitments", "alerts", "feedback"}
    assert {codename.split("_")[0] for _, codename in granted} == {"view", "add", "change"}
    tracker_permissions = Permission.objects.filter(
        content_type__app_label__in=RESEARCHER_APPS
    ).exclude(codename__startswith="delete_")
    assert len(granted) == tracker_permissions.count()


def test_the_group_is_set_again_not_duplicated():
    group = ensure_researchers_group()
    group.permissions.add(Permission.objects.get(codename="delete_commitment"))
    again = ensure_researchers_group()
    assert again == group and Group.objects.filter(name=RESEARCHERS).count() == 1
    assert not again.permissions.filter(codename__startswith="delete_").exists()
