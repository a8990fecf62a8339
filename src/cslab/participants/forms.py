"""Forms of participants' pages: a credit choice, everywhere or for one project."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.participants.services.credit import PSEUDONYM_MAX
from cslab.participants.vocabulary import CreditChoice

# For one project: "" keeps (or goes back to) the global choice.
SAME_AS_GLOBAL = ""


class CreditForm(forms.Form):
    """One credit choice; the service checks the pseudonym and the project."""

    project = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    choice = forms.ChoiceField(
        label=_("Credit me"), choices=CreditChoice.choices, widget=forms.RadioSelect
    )
    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        required=False,
        max_length=PSEUDONYM_MAX,
        help_text=_("2 to 100 characters, not an e-mail address. Used only if you choose it."),
    )

    def __init__(self, *args: object, for_project: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if for_project:
            choice: Any = self.fields["choice"]
            # The widget first: assigning choices to the field passes them on to its widget.
            choice.widget = forms.Select()
            choice.choices = [(SAME_AS_GLOBAL, _("as in all projects")), *CreditChoice.choices]
            choice.required = False
