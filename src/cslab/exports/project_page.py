"""Exports' part of a project's page: the links to its data page and its dataset page, once
it has a form."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.core.project_page import Link, ProjectPart, register_project_part
from cslab.forms.models import Form


def _part(project: Any, viewer: Any) -> ProjectPart:
    part = ProjectPart()
    if Form.objects.filter(project=project).exists():
        part.links.append(
            Link(
                _("Download the data"),
                reverse("project_data_exports", kwargs={"slug": project.slug}),
            )
        )
        part.links.append(
            Link(
                _("About the dataset"),
                reverse("project_dataset", kwargs={"slug": project.slug}),
            )
        )
    return part


register_project_part("exports.data", _part)
