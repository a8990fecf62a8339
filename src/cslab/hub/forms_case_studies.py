"""The case-study edit form: text sections, repeatable rows and linked projects.

Works without JavaScript: each list is a formset with a few blank rows; the "Add more rows"
button posts the form back and it returns with more blank rows and what was typed kept.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from cslab.hub.models import CaseStudy
from cslab.hub.services.case_studies import (
    MAX_EVIDENCE,
    MAX_ROWS,
    EvidenceLink,
    ImpactRow,
    OutputRow,
    ParticipantGroupRow,
    PersonRow,
)
from cslab.hub.vocabulary import ImpactKind, OutputKind, ParticipantKind

BLANK_ROWS = 2
MORE_ROWS = 3
_web_address = URLValidator(schemes=["http", "https"])


def _check_web_address(url: str) -> None:
    try:
        _web_address(url)
    except ValidationError:
        raise ValidationError(_("Use a web address starting with http:// or https://.")) from None


def _kind_choices(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Choose…")), *choices]


class CaseStudyTextForm(forms.Form):
    context = forms.CharField(
        label=_("Context"),
        help_text=_("The situation and the question. Markdown."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20_000,
    )
    methods = forms.CharField(
        label=_("Methods"),
        help_text=_("How people took part and how the work was done. Markdown."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20_000,
    )
    lessons = forms.CharField(
        label=_("Lessons learned"),
        help_text=_("What others should know before they start. Markdown."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20_000,
    )
    period_start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    projects = forms.MultipleChoiceField(
        label=_("cslab projects this case study tells about"),
        help_text=_("Their live figures appear on the case study."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, project_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = self.fields["projects"]
        assert isinstance(projects, forms.MultipleChoiceField)  # noqa: S101 - declared above
        projects.choices = project_choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end comes before the start."))
        return cleaned


class ParticipantGroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Who"), choices=_kind_choices(ParticipantKind.choices))
    count = forms.IntegerField(label=_("How many"), required=False, min_value=0, max_value=10**9)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)

    def row(self) -> ParticipantGroupRow:
        data = self.cleaned_data
        return ParticipantGroupRow(data["kind"], data["count"], data["description"])


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), required=False, max_length=200)

    def row(self) -> PersonRow:
        return PersonRow(self.cleaned_data["name"], self.cleaned_data["role"])


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_kind_choices(OutputKind.choices))
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.CharField(
        label=_("Address"), required=False, max_length=1000, validators=[_check_web_address]
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)

    def row(self) -> OutputRow:
        data = self.cleaned_data
        return OutputRow(data["kind"], data["title"], data["url"], data["year"])


class ImpactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of impact"), choices=_kind_choices(ImpactKind.choices))
    description = forms.CharField(
        label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        help_text=_("One link a line: the address, then a space and its title. At most 10 links."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=12_000,
    )

    def clean_evidence(self) -> list[EvidenceLink]:
        lines = [line.strip() for line in self.cleaned_data["evidence"].splitlines()]
        links = []
        for line in filter(None, lines):
            url, _space, title = line.partition(" ")
            _check_web_address(url)
            links.append(EvidenceLink(url=url, title=title.strip()))
        if len(links) > MAX_EVIDENCE:
            raise ValidationError(_("At most 10 evidence links."))
        return links

    def row(self) -> ImpactRow:
        data = self.cleaned_data
        return ImpactRow(data["kind"], data["description"], data["evidence"])


def _formset(form: type[forms.Form]) -> type[BaseFormSet[Any]]:
    return formset_factory(
        form,
        extra=BLANK_ROWS,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
        can_delete=True,
    )


SECTIONS: dict[str, type[BaseFormSet[Any]]] = {
    "groups": _formset(ParticipantGroupForm),
    "people": _formset(PersonForm),
    "outputs": _formset(OutputForm),
    "impacts": _formset(ImpactForm),
}


def initial_rows(case_study: CaseStudy) -> dict[str, list[dict[str, Any]]]:
    """The stored rows of each section, as the formsets' initial data."""
    if case_study.pk is None:
        return {name: [] for name in SECTIONS}
    return {
        "groups": [
            {"kind": row.kind, "count": row.count, "description": row.description}
            for row in case_study.participant_groups.all()
        ],
        "people": [{"name": row.name, "role": row.role} for row in case_study.people.all()],
        "outputs": [
            {"kind": row.kind, "title": row.title, "url": row.url, "year": row.year}
            for row in case_study.outputs.all()
        ],
        "impacts": [
            {
                "kind": row.kind,
                "description": row.description,
                "evidence": "\n".join(
                    f"{link.get('url', '')} {link.get('title', '')}".strip()
                    for link in row.evidence
                ),
            }
            for row in case_study.impacts.all()
        ],
    }


def with_more_rows(data: Any) -> Any:
    """The posted data with MORE_ROWS more blank rows in every section (up to MAX_ROWS)."""
    more = data.copy()
    for name in SECTIONS:
        key = f"{name}-TOTAL_FORMS"
        try:
            total = int(more.get(key, 0))
        except ValueError:
            total = 0
        more[key] = str(min(max(total, 0) + MORE_ROWS, MAX_ROWS))
    return more


def rows_of(formset: BaseFormSet[Any]) -> list[Any]:
    """The filled-in rows of a valid formset, in order (blank rows left out)."""
    return [
        form.row()
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
