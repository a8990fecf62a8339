from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cslab.accounts.throttling import password_check_throttled
from cslab.core.time_zones import time_zone_names


class ProfileForm(forms.Form):
    """Validates profile input only; saving is `profile_update`'s job (a ModelForm would change
    the user object before the service could see what changed)."""

    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES
    )
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    profile_public = forms.BooleanField(
        label=_("Public profile"),
        required=False,
        help_text=_("Show your display name and bio to everyone, not only to signed-in Lab staff."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Event times are shown in this zone. Empty: Europe/Amsterdam."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]
            ("", _("Europe/Amsterdam (the Lab's)")),
            *((name, name) for name in time_zone_names()),
        ]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what the token is for, e.g. “field laptop script”."),
    )


class ChangePasswordForm(AllauthChangePasswordForm):  # type: ignore[misc]
    """allauth's form, with the current password checked within the log-in's hourly ceiling
    (`throttling.password_check_throttled`): a stolen session cannot guess it either."""

    def clean_oldpassword(self) -> str:
        password = str(self.cleaned_data.get("oldpassword", ""))
        if not password_check_throttled(user=self.user, password=password):
            raise get_adapter().validation_error("enter_current_password")
        return password
