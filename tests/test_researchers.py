"""The researcher workflow: one write path for statuses, due ranges, deadlines, editing
without lost updates, and clear errors for bad input."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from commitments import services
from commitments.choices import Status
from commitments.models import Commitment, StatusUpdate

from . import factories

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:commitments_{obj._meta.model_name}_change", args=[obj.pk])


def commitment_form(commitment, **changes):
    data = {
        "key": commitment.key,
        "title": commitment.title,
        "text": commitment.text,
        "made_by": commitment.made_by_id or "",
        "made_on": commitment.made_on.isoformat() if commitment.made_on else "",
        "due_phrase": commitment.due_phrase,
        "due_start": commitment.due_start.isoformat() if commitment.due_start else "",
        "due_end": commitment.due_end.isoformat() if commitment.due_end else "",
        "occasion": commitment.occasion,
        "expected_version": commitment.version,
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


# Due phrases -----------------------------------------------------------------------------


def test_changing_the_phrase_in_the_admin_rereads_the_range(admin_client):
    commitment = factories.commitment(
        due_phrase="in 2021", due_start=date(2021, 1, 1), due_end=date(2021, 12, 31)
    )
    response = admin_client.post(
        change_url(commitment),
        commitment_form(commitment, due_phrase="in de tweede helft van 2022"),
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.due_start, commitment.due_end) == (date(2022, 7, 1), date(2022, 12, 31))


# Overdue and deadlines ------------------------------------------------------------------


@pytest.fixture
def deadlines():
    today = date.today()
    late = factories.commitment(key="tz-late", title="Te laat", due_end=today - timedelta(days=3))
    factories.status_update(late, Status.IN_PROGRESS, today - timedelta(days=1))
    factories.commitment(
        key="tz-silent", title="Stil", made_on=date(2020, 2, 3), due_end=today - timedelta(days=9)
    )
    soon = factories.commitment(
        key="tz-soon", title="Binnenkort", due_end=today + timedelta(days=20)
    )
    later = factories.commitment(key="tz-later", due_end=today + timedelta(days=200))
    done = factories.commitment(key="tz-done", due_end=today - timedelta(days=3))
    factories.status_update(done, Status.FULFILLED, today - timedelta(days=10))
    return late, soon, later, done


def test_admin_marks_and_filters_overdue_and_due_soon(admin_client, deadlines):
    url = reverse("admin:commitments_commitment_changelist")

    def keys(**params):
        return {c.key for c in admin_client.get(url, params).context["cl"].result_list}

    assert keys(due="overdue") == {"tz-late"}
    assert keys(due="no_news") == {"tz-silent"}
    assert keys(due="30") == {"tz-soon"}
    assert keys(due="365") == {"tz-soon", "tz-later"}
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get(url).content.decode()
    assert '<td class="field-deadline">overdue</td>' in page
    assert '<td class="field-deadline">no news</td>' in page


def test_deadlines_command_lists_and_exits_nonzero_when_overdue(deadlines):
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("deadlines", "--days", "30", stdout=out)
    assert exit_info.value.code == 1
    text = out.getvalue()
    assert "Overdue on" in text and "tz-late" in text and "3 days overdue" in text
    assert "no news since 2020-02-03" in text and "tz-silent" in text
    assert "tz-soon" in text and "tz-later" not in text and "tz-done" not in text


def test_deadlines_command_exits_nonzero_for_no_news_alone():
    factories.commitment(key="tz-silent", due_end=date.today() - timedelta(days=1))
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("deadlines", stdout=out)
    assert exit_info.value.code == 1
    assert "Overdue on" in out.getvalue() and "with no news since: 1" in out.getvalue()


def test_deadlines_command_exits_zero_when_nothing_is_overdue():
    factories.commitment(due_end=date.today() + timedelta(days=5))
    out = StringIO()
    call_command("deadlines", stdout=out)
    assert "Overdue on" in out.getvalue() and "Due within 90 days: 1" in out.getvalue()


# Status changes through every entry point -------------------------------------------------


def test_bulk_action_records_one_update_per_item_with_the_researcher(researcher_client, researcher):
    first, second, untouched = (
        factories.commitment(),
        factories.commitment(),
        factories.commitment(),
    )
    letter = factories.letter()
    url = reverse("admin:commitments_commitment_changelist")
    selection = {"action": "record_status_update_action", "_selected_action": [first.pk, second.pk]}
    form_page = researcher_client.post(url, selection)
    assert form_page.status_code == 200 and "evidence_letter" in form_page.content.decode()
    response = researcher_client.post(
        url,
        {
            **selection, "apply": "1", "date": "2022-03-01", "status": "fulfilled",
            "note": "Zie brief", "evidence_letter": letter.pk, "source_passage": "",
            "evidence_url": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    updates = StatusUpdate.objects.order_by("commitment__key")
    assert [(u.commitment, u.researcher, u.evidence_letter) for u in updates] == [
        (first, researcher, letter),
        (second, researcher, letter),
    ]
    untouched.refresh_from_db()
    assert untouched.status == Status.OPEN


def test_bulk_action_with_a_bad_date_saves_nothing(researcher_client):
    commitment = factories.commitment()
    response = researcher_client.post(
        reverse("admin:commitments_commitment_changelist"),
        {
            "action": "record_status_update_action", "_selected_action": [commitment.pk],
            "apply": "1", "date": "31-02-2022", "status": "fulfilled",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["date"]
    assert response.context["form"]["date"].value() == "31-02-2022"
    assert not StatusUpdate.objects.exists()


def test_record_status_command(researcher):
    commitment = factories.commitment(key="tz-cmd")
    letter = factories.letter(key="kst-1")
    out = StringIO()
    call_command(
        "record_status", "--commitment", "tz-cmd", "--status", "in_progress",
        "--date", "2021-05-01", "--letter", "kst-1", "--user", researcher.username,
        "--date-precision", "not_after", stdout=out,
    )  # fmt: skip
    update = StatusUpdate.objects.get()
    assert (update.researcher, update.evidence_letter, update.status) == (
        researcher, letter, Status.IN_PROGRESS,
    )  # fmt: skip
    assert update.date_precision == "not_after"
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert commitment.status_date_precision == "not_after"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2021-13-01", "--status", "open"], "is not a date"),
        (["--date", "2021-01-01", "--status", "done"], "invalid choice"),
        (["--date", "2021-01-01", "--status", "open", "--letter", "nope"], "No letter"),
    ],
)
def test_record_status_command_rejects_bad_input(researcher, args, message):
    factories.commitment(key="tz-cmd")
    with pytest.raises(CommandError, match=message):
        call_command(
            "record_status", "--commitment", "tz-cmd", "--user", researcher.username, *args
        )
    assert not StatusUpdate.objects.exists()


def test_inline_records_the_date_precision(researcher_client):
    commitment = factories.commitment()
    response = researcher_client.post(
        change_url(commitment),
        {
            **commitment_form(commitment),
            "updates-TOTAL_FORMS": "1",
            "updates-0-date": "2021-04-01", "updates-0-status": "fulfilled",
            "updates-0-date_precision": "approximate",
        },
    )  # fmt: skip
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.updates.get().date_precision == "approximate"
    assert (commitment.status_date, commitment.status_date_precision) == (
        date(2021, 4, 1),
        "approximate",
    )
    page = researcher_client.get(change_url(commitment)).content.decode()
    assert 'name="updates-__prefix__-date_precision"' in page
    letter_page = researcher_client.get(reverse("admin:commitments_letter_add")).content.decode()
    assert 'name="date_precision"' in letter_page


def test_a_letter_saved_in_the_admin_dates_its_undated_commitments(admin_client):
    letter = factories.letter(date=date(2019, 9, 17), title="Brief")
    commitment = factories.commitment(made_on=None, source_letter=letter)
    response = admin_client.post(
        change_url(letter),
        {"kind": letter.kind, "title": "Brief", "date": "2020-02-02", "date_precision": "exact",
         "key": letter.key, "vergaderjaar": "", "number": "", "url": "", "source_passage": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment.refresh_from_db()
    assert commitment.made_on_or_letter == date(2020, 2, 2)


def test_passage_not_in_the_letter_text_gives_a_warning(researcher_client):
    document = factories.source_document(text="Wij zeggen toe de Kamer te informeren.")
    letter = factories.letter(text_document=document)
    assert services.passage_warning(letter, "Wij zeggen toe de Kamer\nte informeren.") is None
    assert services.passage_warning(letter, "Dit staat er niet.") is not None
    assert services.passage_warning(factories.letter(), "Dit staat er niet.") is None
    commitment = factories.commitment()
    response = researcher_client.post(
        change_url(commitment),
        {
            **commitment_form(commitment),
            "updates-TOTAL_FORMS": "1",
            "updates-0-date": "2021-04-01", "updates-0-status": "fulfilled",
            "updates-0-evidence_letter": letter.pk,
            "updates-0-source_passage": "Dit staat er niet.",
        },
        follow=True,
    )  # fmt: skip
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    with translation.override("nl"):
        assert warnings == [services.passage_warning(letter, "Dit staat er niet.")]
    assert StatusUpdate.objects.count() == 1  # a warning, not a refusal


# Optimistic locking ---------------------------------------------------------------------


def test_second_save_from_the_same_version_is_refused_in_the_admin(admin_client):
    commitment = factories.commitment(title="Origineel")
    loaded = commitment_form(commitment)  # both editors loaded version 1
    first = admin_client.post(change_url(commitment), {**loaded, "title": "Eerste editie"})
    assert first.status_code == 302
    second = admin_client.post(change_url(commitment), {**loaded, "title": "Tweede editie"})
    assert second.status_code == 200
    assert "changed by someone else" in second.content.decode() or "gewijzigd" in (
        second.content.decode()
    )
    commitment.refresh_from_db()
    assert (commitment.title, commitment.version) == ("Eerste editie", 2)


def test_html_in_notes_is_shown_escaped(client):
    commitment = factories.commitment(key="tz-html")
    factories.status_update(
        commitment, Status.OPEN, date(2021, 1, 1), note='<img src=x onerror="alert(1)">'
    )
    page = client.get("/commitments/tz-html/").content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "<img src=x" not in page


def test_sql_looking_search_is_just_text(client):
    factories.commitment(title="Robert'); DROP TABLE commitments_commitment;--")
    response = client.get("/commitments/", {"q": "'); DROP TABLE commitments_commitment;--"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 1
    assert Commitment.objects.count() == 1


def test_an_edit_never_overwrites_a_status_recorded_meanwhile(admin_client):
    """Editor A opens a commitment; researcher B records a status update; A saves an edit:
    the edit is kept and so is B's status."""
    commitment = factories.commitment(title="Origineel")
    loaded = commitment_form(commitment)
    factories.status_update(commitment, Status.FULFILLED, date(2021, 6, 1))
    response = admin_client.post(change_url(commitment), {**loaded, "title": "Bewerkt"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.title, commitment.status) == ("Bewerkt", Status.FULFILLED)
    assert commitment.history.first().status == Status.FULFILLED


def test_a_stale_save_is_shown_again_with_the_reason_and_nothing_saved(admin_client):
    """Someone else saved first: the write path refuses, and the editor gets the form back
    with their own edit in it and the reason above it."""
    commitment = factories.commitment(title="Origineel")
    loaded = commitment_form(commitment)
    Commitment.objects.filter(pk=commitment.pk).update(version=2, title="Ander")
    response = admin_client.post(change_url(commitment), {**loaded, "title": "Mijn editie"})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [error.code for error in form.non_field_errors().as_data()] == ["stale"]
    assert form["title"].value() == "Mijn editie"
    commitment.refresh_from_db()
    assert (commitment.title, commitment.version) == ("Ander", 2)


def test_an_update_refused_by_the_write_path_undoes_the_whole_save(researcher_client):
    """The record's edit is saved before its new status updates; when the write path
    refuses an update, the edit is not kept either, and the update's form shows why."""
    commitment, other = factories.commitment(title="Origineel"), factories.commitment()
    foreign = factories.status_update(other, Status.OPEN, date(2021, 1, 1))
    response = researcher_client.post(
        change_url(commitment),
        {
            **commitment_form(commitment, title="Bewerkt"),
            "updates-TOTAL_FORMS": "1",
            "updates-0-date": "2021-04-01", "updates-0-status": "fulfilled",
            "updates-0-corrects": foreign.pk,
        },
    )  # fmt: skip
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert list(inline.formset.errors[0]) == ["corrects"]
    assert response.context["adminform"].form["title"].value() == "Bewerkt"
    commitment.refresh_from_db()
    assert (commitment.title, commitment.version, commitment.status) == (
        "Origineel", 1, Status.OPEN,
    )  # fmt: skip
    assert commitment.updates.count() == 0
    assert commitment.history.count() == 1
