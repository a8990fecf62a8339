"""Forms of the OpenRosa pages: naming a new device password."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DevicePasswordForm(forms.Form):
    name = forms.CharField(
        label=_("Device name"),
        max_length=100,
        help_text=_("Say which phone or tablet it is for, e.g. “my Android phone”."),
    )
