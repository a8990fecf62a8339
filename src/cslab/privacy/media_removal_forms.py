"""The forms of removing photos and files on request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.privacy.models import MediaRemovalRequest
from cslab.privacy.services.media_removal import MAX_TEXT_LENGTH


class MediaRemovalRequestForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should it be removed?"),
        choices=MediaRemovalRequest.Reason.choices,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Anything the moderators should know (needed for “Another reason”)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT_LENGTH,
        required=False,
    )


class MediaRemovalDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("remove", "remove"), ("decline", "decline")])
    note = forms.CharField(max_length=MAX_TEXT_LENGTH, required=False)
