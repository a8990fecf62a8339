"""Exports' part of a project's page: the links to its data page and its dataset page.

Shown on every project's page, forms or not: the dataset page gives the licence and citation
from the start, and the data page says when there are no observations to export yet.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.core.project_page import Link, ProjectPart, register_project_part


def _part(project: Any, viewer: Any) -> ProjectPart:
    part = ProjectPart()
    slug = {"slug": project.slug}
    part.links.append(Link(_("Download the data"), reverse("project_data_exports", kwargs=slug)))
    part.links.append(Link(_("About the dataset"), reverse("project_dataset", kwargs=slug)))
    return part


register_project_part("exports.data", _part)
