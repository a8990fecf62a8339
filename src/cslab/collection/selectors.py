"""Reads of the collection area, filtered by what the viewer may see."""

from typing import Any

from django.db.models import Count, Max, QuerySet

from cslab.collection.models import Form, FormVersion, Observation
from cslab.core import permissions
from cslab.core.errors import NotFoundError
from cslab.projects.models import Project


def form_list_for_project(*, user: Any, project: Project) -> QuerySet[Form]:
    """Return the project's forms with their version count and last publication time."""
    permissions.require(user, "form.view", project)
    return (
        Form.objects.filter(project=project)
        .annotate(version_count=Count("versions"), last_published_at=Max("versions__published_at"))
        .order_by("title", "form_id")
    )


def form_get_for_viewing(*, user: Any, project: Project, form_id: str) -> Form:
    """Return one form of the project; NotFoundError if it does not exist or is hidden."""
    permissions.require(user, "form.view", project)
    form = Form.objects.select_related("project").filter(project=project, form_id=form_id).first()
    if form is None:
        raise NotFoundError()
    return form


def form_version_list(*, user: Any, form: Form) -> QuerySet[FormVersion]:
    """Return the versions of a form, oldest first."""
    permissions.require(user, "form.view", form.project)
    return form.versions.order_by("created_at", "id")


def form_version_get_latest(*, user: Any, form: Form) -> FormVersion:
    """Return the most recently published version of a form."""
    permissions.require(user, "form.view", form.project)
    version = (
        form.versions.filter(published_at__isnull=False).order_by("-published_at", "-id").first()
    )
    if version is None:
        raise NotFoundError()
    return version


def form_version_get_for_submitting(*, user: Any, form: Form, version: str) -> FormVersion:
    """Return a published version of the form by its version string; NotFoundError if none."""
    permissions.require(user, "form.view", form.project)
    found = form.versions.filter(version=version, published_at__isnull=False).first()
    if found is None:
        raise NotFoundError()
    return found


def observation_list_for_project(*, user: Any, project: Project) -> QuerySet[Observation]:
    """Return the project's observations, newest first (team and Lab staff only, for now)."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "observation.view_all", project)
    return (
        Observation.objects.filter(form__project=project)
        .select_related("form", "form_version", "deprecates")
        .order_by("-created_at", "-id")
    )


def observation_get_for_viewing(*, user: Any, project: Project, observation_id: int) -> Observation:
    """Return one observation of the project; NotFoundError if unknown or not visible."""
    found = (
        observation_list_for_project(user=user, project=project).filter(pk=observation_id).first()
    )
    if found is None:
        raise NotFoundError()
    return found
