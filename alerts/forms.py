from django import forms
from django.utils.translation import gettext_lazy as _


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, such as naam@example.org."),
        },
    )

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            # Tie the message to the field for screen readers.
            self.fields["email"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": "email-error"}
            )
        return valid
