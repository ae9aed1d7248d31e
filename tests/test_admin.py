from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from commitments.choices import Status
from commitments.models import Commitment, Letter, Motion, StatusUpdate, Theme

from . import factories

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label == "commitments"]


@pytest.fixture
def one_of_each(db):
    """One record of every model, so every change page has something to show."""
    source = factories.source_document()
    office = factories.office()
    motion = factories.motion(
        dossier=factories.dossier(), submitter=factories.member(), themes=[factories.theme()]
    )
    letter = factories.letter(signatories=[office], text_document=source)
    commitment = factories.commitment(made_by=office, motion=motion, source_letter=letter)
    factories.cabinet()
    factories.status_update(commitment, Status.IN_PROGRESS, date(2021, 1, 1))
    return commitment


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_domain_model_is_registered():
    names = {model._meta.model_name for model in MODELS}
    assert names >= {
        "sourcedocument", "ministry", "cabinet", "theme", "person", "office",
        "memberofparliament", "dossier", "letter", "motion", "commitment", "statusupdate",
    }  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_search_add_and_change(admin_client, one_of_each, model):
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    response = admin_client.get(admin_url(model, "changelist"), {"q": obj.key})
    assert response.status_code == 200
    assert obj in response.context["cl"].result_list
    add = admin_client.get(admin_url(model, "add"))
    # Status updates are added on their commitment or motion, never on their own.
    assert add.status_code == (403 if model is StatusUpdate else 200)
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_researcher_adds_a_record(researcher_client):
    response = researcher_client.post(
        admin_url(Theme, "add"), {"key": "media", "name": "Media", "source_passage": ""}
    )
    assert response.status_code == 302
    assert Theme.objects.filter(key="media").exists()


def inline_data(commitment, **update):
    data = {
        "key": commitment.key,
        "title": commitment.title,
        "text": commitment.text,
        "made_by": commitment.made_by_id,
        "due_phrase": "",
        "occasion": "",
        "expected_version": commitment.version,
        "updates-TOTAL_FORMS": "1",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    data.update({f"updates-0-{name}": value for name, value in update.items()})
    return data


def test_status_update_inline_records_the_researcher_and_current_status(
    researcher_client, researcher
):
    commitment = factories.commitment()
    letter = factories.letter()
    response = researcher_client.post(
        admin_url(Commitment, "change", commitment.pk),
        inline_data(
            commitment,
            date="2021-04-01",
            status=Status.FULFILLED,
            note="Brief verzonden",
            evidence_letter=letter.pk,
            source_passage="",
            evidence_url="",
        ),
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    update = StatusUpdate.objects.get()
    assert (update.researcher, update.evidence_letter) == (researcher, letter)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_date) == (Status.FULFILLED, date(2021, 4, 1))


def test_inline_rejects_an_unknown_status_and_saves_nothing(researcher_client):
    commitment = factories.commitment()
    response = researcher_client.post(
        admin_url(Commitment, "change", commitment.pk),
        inline_data(commitment, date="2021-04-01", status="done"),
    )
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert list(inline.formset.errors[0]) == ["status"]
    assert inline.formset.forms[0]["status"].value() == "done"  # shown back as entered
    assert not StatusUpdate.objects.exists()


def test_inline_rejects_a_malformed_date(researcher_client):
    commitment = factories.commitment()
    response = researcher_client.post(
        admin_url(Commitment, "change", commitment.pk),
        inline_data(commitment, date="2 november", status=Status.OPEN),
    )
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert list(inline.formset.errors[0]) == ["date"]
    assert not StatusUpdate.objects.exists()


def test_researchers_cannot_delete_or_manage_users(researcher_client):
    commitment = factories.commitment()
    delete = researcher_client.get(admin_url(Commitment, "delete", commitment.pk))
    assert delete.status_code == 403
    assert researcher_client.get(admin_url(User, "changelist")).status_code == 403
    changelist = researcher_client.get(admin_url(Commitment, "changelist"))
    assert list(changelist.context["cl"].result_list) == [commitment]
    assert changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request).keys() == {
        "record_status_update_action"
    }  # no "delete selected"


def test_superusers_can_delete(admin_client):
    theme = factories.theme()
    response = admin_client.post(admin_url(Theme, "delete", theme.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Theme.objects.exists()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(admin_url(Commitment, "changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_history_is_kept_and_shown(admin_client):
    commitment = factories.commitment(title="Eerst")
    commitment.title = "Daarna"
    commitment.save()
    assert commitment.history.count() == 2
    response = admin_client.get(admin_url(Commitment, "history", commitment.pk))
    assert response.status_code == 200
    assert "Daarna" in response.content.decode()


def test_a_correction_of_another_items_update_is_refused_in_the_form(researcher_client):
    commitment, other = factories.commitment(), factories.commitment()
    foreign = factories.status_update(other, Status.OPEN, date(2021, 1, 1))
    response = researcher_client.post(
        admin_url(Commitment, "change", commitment.pk),
        inline_data(commitment, date="2021-04-01", status=Status.FULFILLED, corrects=foreign.pk),
    )
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert "corrects" in inline.formset.errors[0]
    assert commitment.updates.count() == 0


def test_status_updates_cannot_be_deleted_even_by_superusers(admin_client):
    update = factories.status_update(factories.commitment(), Status.OPEN, date(2021, 1, 1))
    response = admin_client.get(admin_url(StatusUpdate, "delete", update.pk))
    assert response.status_code == 403


def revert_data(record, **changes):
    """What the history page's form would post for ``record``, with ``changes``."""
    data = {
        name: ("" if value is None else value)
        for name, value in model_to_dict(record).items()
        if not isinstance(value, list)
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["researcher_client", "admin_client"])
def test_status_updates_cannot_be_changed_through_the_history_page(request, who):
    client = request.getfixturevalue(who)
    commitment, other = factories.commitment(), factories.commitment()
    update = factories.status_update(commitment, Status.IN_PROGRESS, date(2021, 1, 1))
    version = update.history.get()
    url = reverse(
        "admin:commitments_statusupdate_simple_history", args=[update.pk, version.history_id]
    )
    assert client.get(url).status_code == 200  # past versions can be viewed
    for changes in [
        {"status": Status.FULFILLED, "date": "2021-06-01", "note": "gewijzigd"},
        {"commitment": other.pk},  # moved to another record
    ]:
        response = client.post(url, revert_data(update, **changes))
        assert response.status_code == 403
    update.refresh_from_db()
    assert (update.status, update.date, update.note, update.commitment) == (
        Status.IN_PROGRESS, date(2021, 1, 1), "", commitment,
    )  # fmt: skip
    assert update.history.count() == 1
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert commitment.updates.count() == 1 and other.updates.count() == 0


@pytest.mark.parametrize("who", ["researcher_client", "admin_client"])
def test_no_record_is_reverted_around_the_write_path(request, who):
    client = request.getfixturevalue(who)
    commitment = factories.commitment(title="Eerst", due_phrase="")
    first = commitment.history.get()
    commitment.title = "Daarna"
    commitment.save()
    factories.status_update(commitment, Status.FULFILLED, date(2021, 1, 1))
    commitment.refresh_from_db()
    url = reverse(
        "admin:commitments_commitment_simple_history", args=[commitment.pk, first.history_id]
    )
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no revert button
    data = revert_data(commitment, title="Eerst", expected_version=commitment.version)
    assert client.post(url, data).status_code == 403
    theme = factories.theme(name="Eerst")
    theme.name = "Daarna"
    theme.save()
    theme_url = reverse(
        "admin:commitments_theme_simple_history",
        args=[theme.pk, theme.history.earliest().history_id],
    )
    assert client.post(theme_url, revert_data(theme, name="Eerst")).status_code == 403
    commitment.refresh_from_db()
    theme.refresh_from_db()
    assert (commitment.title, commitment.status, theme.name) == (
        "Daarna", Status.FULFILLED, "Daarna",
    )  # fmt: skip


def days_from_today(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.mark.parametrize("day", ["2999-01-01", "0001-01-01"])
def test_inline_shows_an_out_of_range_date_as_a_field_error(researcher_client, day):
    commitment = factories.commitment()
    response = researcher_client.post(
        admin_url(Commitment, "change", commitment.pk),
        inline_data(commitment, date=day, status=Status.FULFILLED),
    )
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert "date" in inline.formset.errors[0]
    assert not StatusUpdate.objects.exists()


def test_bulk_action_shows_a_future_date_as_a_field_error(researcher_client):
    researcher_client.cookies["django_language"] = "en"  # the interface is Dutch unless chosen
    commitment = factories.commitment()
    response = researcher_client.post(
        reverse("admin:commitments_commitment_changelist"),
        {
            "action": "record_status_update_action", "_selected_action": [commitment.pk],
            "apply": "1", "date": "2999-01-01", "status": "fulfilled",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert "This date is in the future" in response.content.decode()
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(("day", "message"), [("2999-01-01", "future"), ("0001-01-01", "1900")])
def test_record_status_command_refuses_out_of_range_dates(researcher, day, message):
    factories.commitment(key="tz-cmd")
    with pytest.raises(CommandError, match=f"Nothing was saved: .*{message}"):
        call_command(
            "record_status", "--commitment", "tz-cmd", "--status", "fulfilled",
            "--date", day, "--user", researcher.username,
        )  # fmt: skip
    assert not StatusUpdate.objects.exists()


def test_letter_motion_and_commitment_dates_are_checked_in_the_admin(researcher_client):
    response = researcher_client.post(
        admin_url(Letter, "add"),
        {"key": "brief-x", "kind": "kamerbrief", "title": "Brief", "date": "2999-01-01",
         "date_precision": "exact", "source_passage": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors
    assert not Letter.objects.filter(key="brief-x").exists()
    motion = factories.motion()
    response = researcher_client.post(
        admin_url(Motion, "change", motion.pk),
        {"key": motion.key, "kind": motion.kind, "title": motion.title, "date": "1800-01-01",
         "number": "", "operative_text": "", "source_passage": "",
         "expected_version": motion.version, **empty_inline},
    )  # fmt: skip
    assert response.status_code == 200
    assert "date" in response.context["adminform"].form.errors
    commitment = factories.commitment()
    data = inline_data(commitment)
    data["made_on"] = days_from_today(3).isoformat()
    response = researcher_client.post(admin_url(Commitment, "change", commitment.pk), data)
    assert response.status_code == 200
    assert "made_on" in response.context["adminform"].form.errors
    motion.refresh_from_db()
    commitment.refresh_from_db()
    assert (motion.date, commitment.made_on) == (date(2020, 6, 1), date(2020, 11, 2))


empty_inline = {
    "updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0",
    "updates-MIN_NUM_FORMS": "0", "updates-MAX_NUM_FORMS": "1000",
}  # fmt: skip
