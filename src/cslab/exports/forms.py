"""The form that prepares a data export."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.exports.models import DataExport

FORMAT_LABELS = {
    "csv": _("CSV (zip: a table per form and per repeat)"),
    "xlsx": _("Excel workbook (XLSX)"),
    "geojson": _("GeoJSON (maps, GIS)"),
    "datapackage": _("Frictionless Data Package (zip)"),
    "parquet": _("Parquet (zip, for analysis at scale)"),
    "dwca": _("Darwin Core Archive (GBIF)"),
}


# A workflow's tables are not a form's: its CSV zip holds the main table and the linked ones.
WORKFLOW_FORMAT_LABELS = {
    **FORMAT_LABELS,
    "csv": _("CSV (zip: the main table and its linked tables)"),
}


class DataExportForm(forms.Form):
    form_id = forms.ChoiceField(label=_("Form"))
    format = forms.ChoiceField(label=_("Format"))
    scope = forms.ChoiceField(label=_("What it holds"), widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        form_choices: list[tuple[str, str]],
        formats: tuple[str, ...],
        scopes: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(DataExport.Scope.choices)
        for name, offered in (
            ("form_id", form_choices),
            ("format", [(name, FORMAT_LABELS.get(name, name)) for name in formats]),
            ("scope", [(scope, labels[scope]) for scope in scopes]),
        ):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):  # always; narrows the type for mypy
                field.choices = offered
        self.fields["scope"].initial = DataExport.Scope.PUBLIC


class WorkflowExportForm(forms.Form):
    """Prepare a file of a workflow's classifications or consensus results."""

    workflow_id = forms.TypedChoiceField(label=_("Workflow"), coerce=int)
    dataset = forms.ChoiceField(
        label=_("Data"),
        choices=[
            ("classifications", _("Classifications (one row per answer given)")),
            ("results", _("Consensus results (one row per subject)")),
        ],
    )
    format = forms.ChoiceField(label=_("Format"))
    scope = forms.ChoiceField(label=_("What it holds"), widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        workflow_choices: list[tuple[int, str]],
        formats: tuple[str, ...],
        scopes: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        # The data page holds this form and the observations' one: their fields must differ.
        kwargs.setdefault("prefix", "workflow")
        super().__init__(*args, **kwargs)
        for name, offered in (
            ("workflow_id", workflow_choices),
            ("format", [(name, WORKFLOW_FORMAT_LABELS.get(name, name)) for name in formats]),
            ("scope", scopes),
        ):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):  # always; narrows the type for mypy
                field.choices = offered
        self.fields["scope"].initial = DataExport.Scope.PUBLIC


class DarwinCoreMappingForm(forms.Form):
    """One choice of question per Darwin Core term a question can answer."""

    def __init__(
        self, *args: Any, terms: tuple[str, ...], questions: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the archive —")), *questions]
        for term in terms:
            self.fields[term] = forms.ChoiceField(label=term, choices=choices, required=False)
