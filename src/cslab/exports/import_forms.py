"""The forms of imports: the upload, and the mapping of columns to questions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.exports import import_rows, units
from cslab.exports.models import DataImport
from cslab.forms.form_definition import FormDefinition, QuestionKind

SOURCE_FORMAT_LABELS = {
    DataImport.SourceFormat.CSV: _("CSV (UTF-8; comma, semicolon or tab separated)"),
    DataImport.SourceFormat.XLSX: _("Excel workbook (XLSX; its first sheet)"),
    DataImport.SourceFormat.DWCA: _("Darwin Core Archive (zip)"),
}
# The parts of a geopoint a column can give, in the order a mapping value names them.
POINT_PARTS = (
    ("latitude", _("latitude")),
    ("longitude", _("longitude")),
    ("altitude", _("altitude")),
    ("accuracy", _("accuracy (m)")),
)


class DataImportUploadForm(forms.Form):
    form_id = forms.ChoiceField(label=_("Form the observations answer"))
    source_format = forms.ChoiceField(
        label=_("Kind of file"), widget=forms.RadioSelect, initial=DataImport.SourceFormat.CSV
    )
    file = forms.FileField(label=_("File"), help_text=_("At most 50 MB and 200,000 rows."))

    def __init__(self, *args: Any, form_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, offered in (
            ("form_id", form_choices),
            ("source_format", list(SOURCE_FORMAT_LABELS.items())),
        ):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):  # always; narrows the type for mypy
                field.choices = offered


def _choice(label: Any, choices: list[tuple[str, Any]], initial: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, initial=initial)


class DataImportMappingForm(forms.Form):
    """A column per question (a geopoint's parts may come from their own columns), the ID
    column, the column of the observation time and the unit of each column with a unit."""

    def __init__(
        self,
        *args: Any,
        definition: FormDefinition,
        headers: Sequence[str],
        mapping: dict[str, str],
        id_column: str,
        chosen_units: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.headers = list(headers)
        columns: list[tuple[str, Any]] = [
            ("", _("— no column —")),
            *((header, header) for header in headers),
        ]
        self.questions = import_rows.mappable_questions(definition)
        self.point_fields: dict[str, list[str]] = {}
        self.unit_fields: dict[str, str] = {}
        for question in self.questions:
            label = question.label.get("default") or next(
                (text for text in question.label.values() if text), question.name
            )
            title = f"{label} ({question.name})"
            value = mapping.get(question.name, "")
            if question.kind is QuestionKind.GEOPOINT:
                parts = import_rows.mapped_columns(value, headers)
                single = parts[0] if len(parts) == 1 else ""
                self.fields[question.name] = _choice(
                    _("%(question)s: one column “latitude longitude”") % {"question": title},
                    columns,
                    single,
                )
                named = _point_parts(parts) if len(parts) > 1 else {}
                self.point_fields[question.name] = []
                for part, part_label in POINT_PARTS:
                    field_name = f"{question.name}__{part}"
                    self.fields[field_name] = _choice(
                        f"{title}: {part_label}", columns, named.get(part, "")
                    )
                    self.point_fields[question.name].append(field_name)
                continue
            choices = list(columns)
            if question.kind is QuestionKind.SELECT_MULTIPLE and any(
                header.startswith(f"{question.name}/") for header in headers
            ):
                choices.append(
                    (
                        f"{question.name}{import_rows.EVERY_CHOICE}",
                        _("One 0/1 column per choice (%(name)s/…)") % {"name": question.name},
                    )
                )
            self.fields[question.name] = _choice(title, choices, value)
            unit = import_rows.question_unit(question)
            if unit is not None:
                field_name = f"unit__{question.name}"
                self.fields[field_name] = forms.ChoiceField(
                    label=_("Unit of the column for %(question)s") % {"question": title},
                    choices=[(symbol, symbol) for symbol in units.units_like(unit)],
                    initial=chosen_units.get(question.name) or unit,
                )
                self.unit_fields[question.name] = field_name
        self.fields[import_rows.OBSERVED_AT] = _choice(
            _("When it was observed"), columns, mapping.get(import_rows.OBSERVED_AT, "")
        )
        self.fields["id_column"] = _choice(_("ID column"), columns, id_column)
        self.fields["id_column"].help_text = _(
            "A column that names each row for good: importing the file again then adds "
            "nothing twice. Without one, a row is known by all its cells."
        )

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data
        mapping: dict[str, str] = {}
        for question in self.questions:
            if question.name in self.point_fields:
                chosen = {
                    part: data.get(f"{question.name}__{part}") or "" for part, _label in POINT_PARTS
                }
                if chosen["latitude"] and chosen["longitude"]:
                    order = ["latitude", "longitude"]
                    if chosen["accuracy"]:
                        order += ["altitude", "accuracy"] if chosen["altitude"] else ["accuracy"]
                    mapping[question.name] = " ".join(chosen[part] for part in order)
                    continue
            if data.get(question.name):
                mapping[question.name] = data[question.name]
        if data.get(import_rows.OBSERVED_AT):
            mapping[import_rows.OBSERVED_AT] = data[import_rows.OBSERVED_AT]
        return mapping

    def units(self) -> dict[str, str]:
        return {
            question: self.cleaned_data[field_name]
            for question, field_name in self.unit_fields.items()
            if self.cleaned_data.get(field_name)
        }


def _point_parts(columns: list[str]) -> dict[str, str]:
    if len(columns) == 2:
        names = ["latitude", "longitude"]
    elif len(columns) == 3:
        names = ["latitude", "longitude", "accuracy"]
    else:
        names = ["latitude", "longitude", "altitude", "accuracy"]
    return dict(zip(names, columns, strict=False))
