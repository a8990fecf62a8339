"""The start form of a meta-research export; the service checks the bounds again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cslab.impact.services.meta_research import MAX_PROJECTS
from cslab.projects.models import Project


class MetaResearchExportForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first day of contributions to include; empty: from the beginning."),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day of contributions to include; empty: up to today."),
    )

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["projects"]
        field.queryset = projects
        field.help_text = gettext(
            "None chosen: every project. Choose several with Ctrl (Cmd on a Mac); at most "
            "%(count)s."
        ) % {"count": MAX_PROJECTS}

    def clean_projects(self) -> Any:
        chosen = self.cleaned_data["projects"]
        if len(chosen) > MAX_PROJECTS:
            raise forms.ValidationError(
                _("Choose at most %(count)s projects, or none for every project."),
                params={"count": MAX_PROJECTS},
            )
        return chosen
