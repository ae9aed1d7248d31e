"""The researchers' forms (commitments/forms.py): what a form checks itself, and how it
shows what the write path refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from commitments import services
from commitments.choices import DatePrecision, Status
from commitments.forms import (
    BulkStatusUpdateForm,
    VersionedForm,
    add_service_error,
    with_service_errors,
)
from commitments.models import Commitment

from . import factories

pytestmark = pytest.mark.django_db


def bulk_form(**data):
    return BulkStatusUpdateForm({"date": "2021-04-01", "status": Status.FULFILLED, **data})


def test_the_bulk_form_gives_the_service_what_it_edits_and_exact_unless_chosen():
    letter = factories.letter()
    form = bulk_form(note="Zie brief", evidence_letter=letter.pk)
    assert form.is_valid(), form.errors
    assert form.recorded_values() == {
        "date": date(2021, 4, 1), "date_precision": DatePrecision.EXACT,
        "status": Status.FULFILLED, "note": "Zie brief", "evidence_letter": letter,
        "source_passage": "", "evidence_url": "",
    }  # fmt: skip
    chosen = bulk_form(date_precision=DatePrecision.NOT_AFTER)
    assert chosen.is_valid() and chosen.recorded_values()["date_precision"] == "not_after"


@pytest.mark.parametrize(
    ("data", "field"),
    [({"date": "2999-01-01"}, "date"), ({"status": "done"}, "status"),
     ({"evidence_url": "geen url"}, "evidence_url"), ({"date": "31-02-2022"}, "date")],
)  # fmt: skip
def test_the_bulk_form_checks_each_field_with_the_models_rules(data, field):
    form = bulk_form(**data)
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_a_service_error_lands_on_the_fields_it_names_and_the_rest_above():
    form = bulk_form()
    assert form.is_valid()
    add_service_error(
        form, ValidationError({"status": "niet zo", "researcher": "niet jij", "__all__": "nee"})
    )
    assert form.errors == {"status": ["niet zo"], "__all__": ["niet jij", "nee"]}
    other = bulk_form()
    other.is_valid()
    add_service_error(other, ValidationError("alles fout"))
    assert other.errors == {"__all__": ["alles fout"]}


def test_a_versioned_form_carries_the_version_and_shows_the_stale_refusal():
    commitment = factories.commitment()
    Commitment.objects.filter(pk=commitment.pk).update(version=3)
    commitment.refresh_from_db()
    form_class = modelform_factory(Commitment, form=VersionedForm, fields=["title"])
    assert with_service_errors(form_class, {}) is form_class
    assert form_class(instance=commitment)["expected_version"].initial == 3
    refused = with_service_errors(form_class, {None: services.StaleEditError(commitment)})
    form = refused({"title": "Nieuw", "expected_version": "2"}, instance=commitment)
    assert not form.is_valid()
    assert [error.code for error in form.non_field_errors().as_data()] == ["stale"]
    assert form["title"].value() == "Nieuw"
