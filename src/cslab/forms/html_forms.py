"""HTML forms of the collection area."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.forms import xlsform
from cslab.forms.builder import QUESTION_TYPES
from cslab.forms.models import FORM_ID_PATTERN


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm file"),
        help_text=_(
            "An .xlsx, .xls or .csv file. Its settings sheet names the form (form_id, "
            "form_title) and its version; a new version string adds a version."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self) -> Any:
        # Refuse a file over XLSFORM_MAX_BYTES by its size, before anything reads it.
        file = self.cleaned_data["file"]
        too_large = xlsform.too_large_problem(file.size or 0)
        if too_large:
            raise forms.ValidationError(too_large.message)
        return file


class BuilderSettingsForm(forms.Form):
    form_id = forms.RegexField(
        label=_("Form ID"),
        regex=FORM_ID_PATTERN,
        max_length=100,
        help_text=_("Letters, digits and _ . -; it stays the same across versions."),
        error_messages={"invalid": _("Start with a letter or _ and use letters, digits, _ . -.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200)


TYPE_LABELS = {
    "text": _("Text"),
    "integer": _("Whole number"),
    "decimal": _("Decimal number"),
    "select_one": _("Choose one"),
    "select_multiple": _("Choose several"),
    "date": _("Date"),
    "time": _("Time"),
    "datetime": _("Date and time"),
    "geopoint": _("Location"),
    "image": _("Photo"),
    "audio": _("Audio recording"),
    "note": _("Note (no answer)"),
    "range": _("Range (slider)"),
    "acknowledge": _("Acknowledge (OK)"),
    "calculate": _("Calculation (hidden)"),
    "begin_group": _("Start of a group"),
    "end_group": _("End of a group"),
    "begin_repeat": _("Start of a repeat"),
    "end_repeat": _("End of a repeat"),
}


class BuilderQuestionForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"), choices=[(kind, TYPE_LABELS[kind]) for kind in QUESTION_TYPES]
    )
    name = forms.RegexField(
        label=_("Name"),
        regex=r"^[A-Za-z_][A-Za-z0-9_.-]*$",
        max_length=100,
        required=False,
        help_text=_("The answer's column name, e.g. bee_count."),
    )
    list_name = forms.CharField(
        label=_("Choice list"),
        max_length=100,
        required=False,
        help_text=_("For choose-one and choose-several: the list's name below."),
    )
    label_en = forms.CharField(label=_("Question (English)"), max_length=1000, required=False)
    label_nl = forms.CharField(label=_("Question (Dutch)"), max_length=1000, required=False)
    hint_en = forms.CharField(label=_("Hint (English)"), max_length=1000, required=False)
    hint_nl = forms.CharField(label=_("Hint (Dutch)"), max_length=1000, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    constraint = forms.CharField(
        label=_("Constraint"),
        max_length=1000,
        required=False,
        help_text=_("An XLSForm expression, e.g. . >= 0 and . <= 100"),
    )
    constraint_message_en = forms.CharField(
        label=_("Constraint message (English)"), max_length=500, required=False
    )
    constraint_message_nl = forms.CharField(
        label=_("Constraint message (Dutch)"), max_length=500, required=False
    )
    relevant = forms.CharField(
        label=_("Ask only when"),
        max_length=1000,
        required=False,
        help_text=_("An XLSForm expression, e.g. ${plant} = 'other'"),
    )
    default = forms.CharField(label=_("Default answer"), max_length=500, required=False)
    calculation = forms.CharField(label=_("Calculation"), max_length=1000, required=False)
    parameters = forms.CharField(
        label=_("Parameters"),
        max_length=200,
        required=False,
        help_text=_("For a range: start=0 end=10 step=1"),
    )
    appearance = forms.CharField(label=_("Appearance"), max_length=100, required=False)


class BuilderChoiceForm(forms.Form):
    list_name = forms.CharField(label=_("Choice list"), max_length=100)
    name = forms.RegexField(
        label=_("Value"),
        regex=r"^[A-Za-z0-9_.-]+$",
        max_length=100,
        error_messages={"invalid": _("Use letters, digits, _ . and - only.")},
    )
    label_en = forms.CharField(label=_("Label (English)"), max_length=500, required=False)
    label_nl = forms.CharField(label=_("Label (Dutch)"), max_length=500, required=False)


QuestionFormSet = forms.formset_factory(
    BuilderQuestionForm, extra=0, can_delete=True, can_order=True
)
ChoiceFormSet = forms.formset_factory(BuilderChoiceForm, extra=0, can_delete=True)
