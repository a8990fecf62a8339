"""The forms of a project's team: an output, an import of outputs, an impact statement; the
services check and normalise what they get."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cslab.impact.services.output_import import MAX_IMPORT_BYTES
from cslab.impact.services.outputs import MAX_LINKED_PROJECTS, OutputInput
from cslab.impact.services.statements import DESCRIPTION_MAX, ImpactStatementInput
from cslab.impact.vocabulary import ImpactKind, OutputKind
from cslab.projects.models import Project


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutputKind.choices)
    title = forms.CharField(label=_("Title"), max_length=500)
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    published_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.CharField(
        label=_("Published in"),
        required=False,
        max_length=300,
        help_text=_("The journal, publisher, repository or outlet, such as Zenodo."),
    )
    doi = forms.CharField(
        label=_("DOI"),
        required=False,
        max_length=250,
        help_text=_("For example 10.1234/abcd, or the full https://doi.org/ address."),
    )
    url = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        widget=forms.URLInput,
        help_text=_("A web address starting with https://, if there is no DOI."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    also_projects = forms.ModelMultipleChoiceField(
        label=_("Also from these projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Other projects of yours this output came from."),
    )

    def __init__(self, *args: Any, linkable: list[Project] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        linkable = linkable or []
        field: Any = self.fields["also_projects"]
        field.queryset = Project.objects.filter(pk__in=[project.pk for project in linkable])
        if not linkable:
            del self.fields["also_projects"]

    def clean_also_projects(self) -> list[Project]:
        chosen = list(self.cleaned_data.get("also_projects") or [])
        if len(chosen) > MAX_LINKED_PROJECTS:
            raise forms.ValidationError(
                _("Link at most %(count)d projects.") % {"count": MAX_LINKED_PROJECTS}
            )
        return chosen

    def to_input(self) -> OutputInput:
        data = self.cleaned_data
        return OutputInput(
            kind=data["kind"],
            title=data["title"],
            authors=data["authors"],
            published_on=data["published_on"],
            doi=data["doi"],
            url=data["url"],
            summary=data["summary"],
            venue=data["venue"],
            also_projects=list(data.get("also_projects") or []),
        )


IMPORT_EXTENSIONS = (".bib", ".ris", ".txt")


class OutputImportForm(forms.Form):
    """A BibTeX or RIS file, or the same text pasted; the service reads it."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("auto", _("Recognise it")), ("bibtex", "BibTeX"), ("ris", "RIS")],
        initial="auto",
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A .bib, .ris or .txt file of at most 2 MB, as your reference manager exports it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".bib,.ris,.txt"}),
    )
    text = forms.CharField(
        label=_("Or paste the entries"),
        required=False,
        max_length=MAX_IMPORT_BYTES,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(_("Choose a .bib, .ris or .txt file."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not (data.get("text") or "").strip() and not self.errors:
            raise forms.ValidationError(_("Choose a file or paste the entries."))
        return data


class ImpactStatementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of impact"), choices=ImpactKind.choices)
    description = forms.CharField(
        label=_("What changed"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://…) and lists."),
    )
    evidence_url = forms.CharField(
        label=_("Evidence (link)"),
        required=False,
        max_length=500,
        widget=forms.URLInput,
        help_text=_("A web address starting with https://: a report, an article, a decision."),
    )
    occurred_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def to_input(self) -> ImpactStatementInput:
        data = self.cleaned_data
        return ImpactStatementInput(
            kind=data["kind"],
            description=data["description"],
            evidence_url=data["evidence_url"],
            occurred_on=data["occurred_on"],
        )
