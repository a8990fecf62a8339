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
    "select_one": _("One choice"),
    "select_multiple": _("Several choices"),
    "date": _("Date"),
    "time": _("Time"),
    "datetime": _("Date and time"),
    "geopoint": _("Location on a map"),
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

# A small line drawing per question type (the SVG path data of a 24×24 icon drawn with the
# text colour), shown beside its name in the builder: the name says it, the icon helps to
# find it again. Fixed strings, never user input.
TYPE_ICONS = {
    "text": "M4 6h16M4 12h16M4 18h10",
    "integer": "M9 4 7 20M17 4l-2 16M4 9h16M3 15h16",
    "decimal": "M6 6v12M10 18h.01M14 6h4v12h-4z",
    "select_one": (
        "M12 12m-8 0a8 8 0 1 0 16 0a8 8 0 1 0-16 0M12 12m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0"
    ),
    "select_multiple": "M4 4h16v16H4zM8 12l3 3 5-6",
    "date": "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5",
    "time": "M12 12m-9 0a9 9 0 1 0 18 0a9 9 0 1 0-18 0M12 7v5l3 3",
    "datetime": "M3 6h12v12H3zM3 10h12M18 14m-4 0a4 4 0 1 0 8 0a4 4 0 1 0-8 0",
    "geopoint": (
        "M12 21s-7-6.5-7-12a7 7 0 0 1 14 0c0 5.5-7 12-7 12z"
        "M12 9m-2.5 0a2.5 2.5 0 1 0 5 0a2.5 2.5 0 1 0-5 0"
    ),
    "image": "M3 7h4l2-3h6l2 3h4v13H3zM12 13m-4 0a4 4 0 1 0 8 0a4 4 0 1 0-8 0",
    "audio": "M9 3h6v10H9zM5 11a7 7 0 0 0 14 0M12 18v3",
    "note": "M5 3h10l4 4v14H5zM9 11h6M9 15h6",
    "range": "M3 12h18M8 12m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0",
    "acknowledge": "M4 12l5 5L20 6",
    "calculate": "M5 3h14v18H5zM8 7h8M8 12h2M14 12h2M8 16h2M14 16h2",
    "begin_group": "M3 5h18v14H3zM7 9h10M7 13h6",
    "end_group": "M3 5h18v14H3zM7 15h10",
    "begin_repeat": "M4 9a8 8 0 0 1 14-3l2 2M20 4v4h-4M20 15a8 8 0 0 1-14 3l-2-2M4 20v-4h4",
    "end_repeat": "M4 12h16M4 12l4-4M4 12l4 4",
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
