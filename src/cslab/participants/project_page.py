"""Participants' part of a project's page (`core.project_page`): for the project's owners,
researchers and Lab staff a link to the contributor list; for a contributor when they took
part, with a link to the project's outputs ("where my contribution went")."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.project_page import Link, LinkGroup, ProjectPart, register_project_part
from cslab.core.templatetags.cslab_format import day_text
from cslab.participants.selectors import contribution_periods


def _part(project: Any, viewer: Any) -> ProjectPart:
    part = ProjectPart()
    slug = {"slug": project.slug}
    if permissions.has_permission(viewer, "participants.contributors.view", project):
        part.links.append(Link(_("Contributors"), reverse("project_contributors", kwargs=slug)))
    period = contribution_periods(user=viewer).get(project.pk) if viewer.is_authenticated else None
    if period is not None:
        heading = _("You contributed from %(first)s to %(last)s") % {
            "first": day_text(period.first),
            "last": day_text(period.last),
        }
        part.link_groups.append(
            LinkGroup(
                heading=heading,
                links=[
                    Link(_("This project's outputs"), reverse("project_outputs", kwargs=slug)),
                    Link(_("How you are credited"), reverse("credit_preferences")),
                ],
            )
        )
    return part


register_project_part("participants.contributors", _part)
