"""The preferences form: per category, "show in the app" and how often by e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.notifications.selectors import CategoryPreference
from cslab.notifications.vocabulary import EmailFrequency


@dataclass(frozen=True)
class CategoryFields:
    """The two fields of one category, for the template to lay out together."""

    label: str
    in_app: forms.BoundField
    email: forms.BoundField


class NotificationPreferencesForm(forms.Form):
    def __init__(self, *args: Any, preferences: list[CategoryPreference], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preferences = preferences
        for preference in preferences:
            self.fields[f"{preference.category}-in_app"] = forms.BooleanField(
                label=_("Show in the app"), required=False, initial=preference.in_app
            )
            self.fields[f"{preference.category}-email"] = forms.ChoiceField(
                label=_("By e-mail"),
                choices=EmailFrequency.choices,
                widget=forms.RadioSelect,
                initial=preference.email,
            )

    def categories(self) -> list[CategoryFields]:
        return [
            CategoryFields(
                label=preference.label,
                in_app=self[f"{preference.category}-in_app"],
                email=self[f"{preference.category}-email"],
            )
            for preference in self.preferences
        ]

    def choices(self) -> list[CategoryPreference]:
        """The cleaned choices, one per category (call after is_valid)."""
        return [
            CategoryPreference(
                category=preference.category,
                in_app=self.cleaned_data[f"{preference.category}-in_app"],
                email=self.cleaned_data[f"{preference.category}-email"],
            )
            for preference in self.preferences
        ]
