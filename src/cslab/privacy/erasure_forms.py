"""The form of the erasure page: what the person chooses and how they confirm."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The word typed to confirm, in the page's language: a slip of the mouse cannot erase.
CONFIRMATION_WORD = pgettext_lazy("the word typed to confirm erasing an account", "ERASE")


class AccountEraseForm(forms.Form):
    contributions = forms.ChoiceField(
        label=_("Your contributions"),
        choices=[
            ("keep", _("Keep them, anonymised: they stay in the projects under a pseudonym")),
            ("delete", _("Delete them (where the project's consent text allows it)")),
        ],
        initial="keep",
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput, required=False, strip=False
    )
    confirmation = forms.CharField(label=_("Type the word to confirm"), max_length=20)

    def __init__(self, *args: Any, needs_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_password:
            self.fields["password"].required = True
        else:
            del self.fields["password"]
        self.fields["confirmation"].help_text = _("Type %(word)s in capitals.") % {
            "word": CONFIRMATION_WORD
        }

    def clean_confirmation(self) -> str:
        value: str = self.cleaned_data["confirmation"].strip()
        if value != str(CONFIRMATION_WORD):
            raise forms.ValidationError(
                _("Type %(word)s to confirm.") % {"word": CONFIRMATION_WORD}
            )
        return value
