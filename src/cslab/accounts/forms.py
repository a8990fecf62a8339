from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.accounts.models import User


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["display_name", "preferred_language", "bio", "profile_public"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say what the token is for, e.g. “field laptop script”."),
    )
