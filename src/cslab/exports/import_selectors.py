"""Reads of imports: a person sees the imports they made, in projects where they may import."""

from __future__ import annotations

from django.db.models import QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.exports.models import DataImport
from cslab.projects.models import Project

RECENT_IMPORTS = 20


def data_import_list_for_project(*, user: Actor, project: Project) -> QuerySet[DataImport]:
    """The person's recent imports into the project, newest first (none for those who may not
    import)."""
    person = person_or_none(user)
    if person is None or not permissions.has_permission(user, "exports.import", project):
        return DataImport.objects.none()
    return DataImport.objects.filter(project=project, created_by=person).select_related(
        "form", "job"
    )[:RECENT_IMPORTS]


def data_import_get_for_user(*, user: Actor, project: Project, import_id: int) -> DataImport:
    """One import of the person's into the project; NotFoundError for someone else's (or one
    of another project), PermissionDeniedError for those who may not import."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "exports.import", project)
    person = person_or_none(user)
    data_import = (
        DataImport.objects.select_related("project", "form", "job")
        .filter(pk=import_id, project=project, created_by=person)
        .first()
        if person is not None
        else None
    )
    if data_import is None:
        raise NotFoundError()
    return data_import
