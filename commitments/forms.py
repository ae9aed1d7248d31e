"""The researchers' forms. A form checks what one form can check: types, choices and the
model's own validators. The rules that span records (a correction concerns the same item,
nobody else saved the record meanwhile) are checked once, by the write path in
``services.py``; when it refuses, the form shows its ValidationError on the fields it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DatePrecision
from .models import Letter, StatusUpdate


def add_service_error(form, error):
    """Show a ValidationError raised by a service on ``form``: on the fields it names that
    the form has, the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class Refused(Exception):
    """A service refused data that its form had passed. Raised inside the admin's
    transaction, so nothing of the save is kept; carries the error for the form with
    this prefix (None for the main form, ``updates-0`` for an inline)."""

    def __init__(self, form, error):
        super().__init__(str(error))
        self.errors = {form.prefix: error}


class ServiceErrorsForm(forms.ModelForm):
    """A form that can be shown again with the errors a service raised for its data
    (``admin.TrackableAdmin.changeform_view`` renders it a second time with them)."""

    service_errors = {}  # the refused ValidationError, by form prefix

    def clean(self):
        cleaned = super().clean()
        error = self.service_errors.get(self.prefix)
        if error is not None:
            add_service_error(self, error)
        return cleaned


def with_service_errors(form_class, errors):
    """``form_class`` showing ``errors`` (from ``Refused``), or itself when there are none."""
    if not errors:
        return form_class
    return type(form_class.__name__, (form_class,), {"service_errors": errors})


class VersionedForm(ServiceErrorsForm):
    """Carries the version the editor loaded; ``services.save_tracked`` refuses a save over
    someone else's."""

    expected_version = forms.IntegerField(
        label=_("version when opened"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


class StatusUpdateForm(ServiceErrorsForm):
    """A new status update, saved by ``services.record_status_update`` (on a commitment's
    or motion's page, and in the bulk action)."""

    class Meta:
        model = StatusUpdate
        fields = [
            "date",
            "date_precision",
            "status",
            "note",
            "evidence_letter",
            "source_passage",
            "evidence_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "date_precision" in self.fields:
            self.fields["date_precision"].required = False  # exact unless chosen

    def clean_date_precision(self):
        return self.cleaned_data.get("date_precision") or DatePrecision.EXACT

    def recorded_values(self):
        """The values this form edits, as ``services.record_status_update`` takes them
        (the subject apart: an inline form also holds its commitment or motion)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name not in {"commitment", "motion"}
        }


class BulkStatusUpdateForm(StatusUpdateForm):
    """One evidence form for the bulk action, recorded for every selected item."""

    class Meta(StatusUpdateForm.Meta):
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "source_passage": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_letter"].queryset = Letter.objects.select_related("dossier")
