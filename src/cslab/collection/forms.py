"""HTML forms of the collection area."""

from django import forms
from django.utils.translation import gettext_lazy as _


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm file"),
        help_text=_(
            "An .xlsx, .xls or .csv file. Its settings sheet names the form (form_id, "
            "form_title) and its version; a new version string adds a version."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
