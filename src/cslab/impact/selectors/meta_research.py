"""Reads of the meta-research feed: the exports a staff member may list and download."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.permissions import require
from cslab.impact.models import MetaResearchExport
from cslab.projects.models import Project

# The start form offers at most this many projects, newest first (the API takes any slug).
PROJECT_CHOICES = 500


def meta_research_export_list(*, user: Actor) -> QuerySet[MetaResearchExport]:
    """Every meta-research export, newest first, for Lab staff; NotFoundError for others."""
    require(user, "impact.meta_research.export", None)
    return MetaResearchExport.objects.select_related("job", "requested_by").order_by(
        "-created_at", "-id"
    )


def meta_research_export_get_for_download(*, user: Actor, export_id: Any) -> MetaResearchExport:
    """A ready, unexpired export for Lab staff; NotFoundError otherwise (also once expired:
    the file is gone or about to be)."""
    require(user, "impact.meta_research.export", None)
    try:
        pk = int(export_id)
    except (TypeError, ValueError):
        raise NotFoundError() from None
    export = (
        MetaResearchExport.objects.filter(
            pk=pk, status=MetaResearchExport.Status.READY, expires_at__gt=timezone.now()
        )
        .exclude(file_name="")
        .first()
    )
    if export is None:
        raise NotFoundError()
    return export


def meta_research_project_choices(*, user: Actor) -> QuerySet[Project]:
    """The projects the start form offers (Lab staff only), by name."""
    require(user, "impact.meta_research.export", None)
    newest = Project.objects.order_by("-created_at").values("pk")[:PROJECT_CHOICES]
    return Project.objects.filter(pk__in=newest).order_by("name", "pk")


def meta_research_project_ids(*, user: Actor, slugs: Sequence[str]) -> list[int]:
    """The ids of the projects named by slug (Lab staff only); InvalidInputError naming the
    unknown slugs."""
    require(user, "impact.meta_research.export", None)
    wanted = set(slugs)
    found = dict(Project.objects.filter(slug__in=wanted).values_list("slug", "pk"))
    unknown = sorted(wanted - set(found))
    if unknown:
        message = _("No project has the slug %(slugs)s.") % {"slugs": ", ".join(unknown[:10])}
        raise InvalidInputError(message, details={"projects": [message]})
    return sorted(found.values())
