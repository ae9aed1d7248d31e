import json
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, StatusUpdate

pytestmark = pytest.mark.django_db(transaction=True)


def dump(directory):
    call_command("export_all", str(directory), verbosity=0, stdout=StringIO())
    return {
        name: json.loads((directory / name).read_text())
        for name in ("auth.json", "commitments.json", "manifest.json")
    }


def test_export_wipe_import_round_trip(tmp_path):
    call_command("seed", verbosity=0, stdout=StringIO())
    editor = User.objects.create_user("onderzoeker", is_staff=True)
    commitment = Commitment.objects.order_by("key").first()
    commitment.title = "Bewerkt"
    services.save_tracked(commitment, expected_version=commitment.version)
    services.record_status_update(
        subject=commitment, status=Status.LAPSED, date=date.today(), researcher=editor
    )
    before = dump(tmp_path / "one")
    history_dates = list(Commitment.history.order_by("pk").values_list("pk", "history_date"))
    assert before["manifest.json"]["counts"]["commitments.historicalcommitment"] > 0

    call_command("flush", interactive=False, verbosity=0)
    assert not Commitment.objects.exists()
    call_command("import_all", str(tmp_path / "one"), verbosity=0, stdout=StringIO())

    after = dump(tmp_path / "two")
    assert after == before
    # To the microsecond: Django's own JSON serializer would round these to milliseconds.
    restored_dates = Commitment.history.order_by("pk").values_list("pk", "history_date")
    assert list(restored_dates) == history_dates
    restored = Commitment.objects.get(pk=commitment.pk)
    assert (restored.title, restored.status) == ("Bewerkt", Status.LAPSED)
    assert restored.history.first().title == "Bewerkt"
    assert StatusUpdate.objects.get(date=date.today()).researcher.username == "onderzoeker"


def test_import_refuses_a_database_that_is_not_empty(tmp_path):
    call_command("seed", verbosity=0, stdout=StringIO())
    dump(tmp_path)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_all", str(tmp_path), verbosity=0)


def test_import_refuses_a_folder_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a backup"):
        call_command("import_all", str(tmp_path), verbosity=0)
