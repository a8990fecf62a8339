"""Forms of the consent pages: consenting (with the age gate), the optional consents,
withdrawing, and a team's draft of a version."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.consent.models import ConsentVersion
from cslab.consent.services.versions import MAX_MINIMUM_AGE, MAX_TEXT_LENGTH
from cslab.consent.vocabulary import WithdrawalChoice
from cslab.projects.vocabulary import DataLicence

ADULT = "adult"
MINOR = "minor"


class ConsentGiveForm(forms.Form):
    """Consent to one version; the optional consents are separate, unticked checkboxes."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    meta_research = forms.BooleanField(
        label=_(
            "I also agree that researchers study how people take part in this project "
            "(meta-research, the science of citizen science)."
        ),
        required=False,
    )
    contact = forms.BooleanField(
        label=_("The project team may contact me about this project."), required=False
    )
    age = forms.ChoiceField(widget=forms.RadioSelect, required=True)
    guardian_name = forms.CharField(
        label=_("Name of your parent or guardian"),
        required=False,
        max_length=200,
        help_text=_("Only if you are younger: the parent or guardian who agrees."),
    )

    def __init__(self, *args: Any, version: ConsentVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version.number
        if not version.asks_meta_research:
            del self.fields["meta_research"]
        if not version.asks_contact:
            del self.fields["contact"]
        if version.minimum_age is None:
            del self.fields["age"]
            del self.fields["guardian_name"]
        else:
            age = version.minimum_age
            age_field = cast(forms.ChoiceField, self.fields["age"])
            age_field.label = _("Your age")
            age_field.choices = [
                (ADULT, _("I am %(age)s or older.") % {"age": age}),
                (
                    MINOR,
                    _("I am younger than %(age)s and my parent or guardian agrees.") % {"age": age},
                ),
            ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        is_minor = data.get("age") == MINOR
        return {
            "version_number": data["version"],
            "meta_research": bool(data.get("meta_research")),
            "contact": bool(data.get("contact")),
            "age_confirmed": data.get("age") == ADULT,
            "is_minor": is_minor,
            "guardian_consent": is_minor,
            "guardian_name": data.get("guardian_name", "") if is_minor else "",
        }


class ConsentOptionsForm(forms.Form):
    meta_research = forms.BooleanField(
        label=_("Researchers may study how people take part in this project (meta-research)."),
        required=False,
    )
    contact = forms.BooleanField(
        label=_("The project team may contact me about this project."), required=False
    )

    def __init__(self, *args: Any, version: ConsentVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not version.asks_meta_research:
            del self.fields["meta_research"]
        if not version.asks_contact:
            del self.fields["contact"]


class ConsentWithdrawForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("What happens to my contributions"), widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, choices: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(WithdrawalChoice.choices)
        field = cast(forms.ChoiceField, self.fields["choice"])
        field.choices = [(choice, labels[choice]) for choice in choices]
        if len(choices) == 1:
            field.initial = choices[0]


class ConsentVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    """A draft's texts and terms (saved through `consent_version_update`)."""

    class Meta:
        model = ConsentVersion
        fields = [
            "text_en",
            "text_nl",
            "ethics_approval_reference",
            "data_licence",
            "withdrawal_options",
            "minimum_age",
            "asks_meta_research",
            "asks_contact",
        ]
        widgets = {
            "text_en": forms.Textarea(attrs={"rows": 14}),
            "text_nl": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "text_en": _("Markdown. At most 20,000 characters."),
            "text_nl": _("Markdown. Without a Dutch text, Dutch readers see the English one."),
            "minimum_age": _(
                "Younger participants need a parent's or guardian's consent. Empty: no age gate."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("text_en", "text_nl"):
            text = cast(forms.CharField, self.fields[name])
            text.max_length = MAX_TEXT_LENGTH
            text.widget.attrs["maxlength"] = str(MAX_TEXT_LENGTH)
        licence = cast(forms.ChoiceField, self.fields["data_licence"])
        licence.choices = DataLicence.choices
        minimum_age = self.fields["minimum_age"]
        minimum_age.widget.attrs.update({"min": 1, "max": MAX_MINIMUM_AGE})
