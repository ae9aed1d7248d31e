from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ErrorReport


class ErrorReportForm(forms.ModelForm):
    """The report form. ``website`` is a trap for robots: hidden from people (and screen
    readers), filled in by programs that fill in every field."""

    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = ErrorReport
        fields = ["page", "message", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def is_robot(self):
        return bool(self.cleaned_data.get("website"))
