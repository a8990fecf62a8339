"""Reads of the OpenRosa server: app users, and the forms a device may download."""

import hmac
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.forms.models import Form, FormVersion
from cslab.observations.selectors import SUBMITTING_DEFERRED
from cslab.openrosa.models import AppUser, DevicePassword
from cslab.openrosa.services.app_users import token_lookup
from cslab.projects.models import Project


def app_user_get_by_token(*, token: str, slug: str) -> AppUser:
    """Return the active app user whose token and project slug these are; NotFoundError if
    there is none, or it was revoked."""
    app_user = (
        AppUser.objects.select_related("project")
        .filter(token_lookup=token_lookup(token), revoked_at__isnull=True)
        .first()
    )
    if (
        app_user is None
        or not hmac.compare_digest(app_user.token.encode(), token.encode())
        or app_user.project.slug != slug
    ):
        raise NotFoundError()
    return app_user


def app_user_list_for_project(*, user: Actor, project: Project) -> QuerySet[AppUser]:
    """Return the project's app users, active ones first (its leads and Lab staff only)."""
    permissions.require(user, "project.view", project)
    permissions.require(user, "openrosa.app_user.manage", project)
    return AppUser.objects.filter(project=project).order_by("revoked_at", "name", "id")


def app_user_get_for_managing(*, user: Actor, project: Project, app_user_id: int) -> AppUser:
    """Return one app user of the project for its leads; NotFoundError if unknown."""
    found = app_user_list_for_project(user=user, project=project).filter(pk=app_user_id).first()
    if found is None:
        raise NotFoundError()
    return found


def device_password_list_for_user(*, user: Actor) -> QuerySet[DevicePassword]:
    """Return the viewer's own device passwords, active first, newest first."""
    person = person_or_none(user)
    if person is None:
        return DevicePassword.objects.none()
    return DevicePassword.objects.filter(user=person).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-id"
    )


def device_password_get_for_managing(*, user: Actor, device_password_id: Any) -> DevicePassword:
    """Return one of the viewer's device passwords; anyone else's answers NotFoundError."""
    try:
        found = device_password_list_for_user(user=user).filter(pk=int(device_password_id)).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFoundError()
    return found


@dataclass(frozen=True)
class PublishedForm:
    form: Form
    version: FormVersion


def published_form_list(*, user: Actor, project: Project) -> list[PublishedForm]:
    """Return the project's forms that have a published version, with their latest one."""
    permissions.require(user, "form.view", project)
    forms = Form.objects.filter(project=project).order_by("form_id")
    latest: dict[int, FormVersion] = {}
    for version in (
        FormVersion.objects.filter(form__project=project, published_at__isnull=False)
        .defer("source", "definition")
        .order_by("form_id", "published_at", "id")
    ):
        latest[version.form_id] = version
    return [PublishedForm(form, latest[form.pk]) for form in forms if form.pk in latest]


def published_form_get(*, user: Actor, project: Project, form_id: str) -> PublishedForm:
    """Return one form of the project with its latest published version; NotFoundError if none."""
    permissions.require(user, "form.view", project)
    form = Form.objects.filter(project=project, form_id=form_id).first()
    version = (
        form.versions.filter(published_at__isnull=False).order_by("-published_at", "-id").first()
        if form is not None
        else None
    )
    if form is None or version is None:
        raise NotFoundError()
    return PublishedForm(form, version)


def form_version_for_submission(
    *, user: Actor, project: Project, form_id: str, version: str | None
) -> FormVersion | None:
    """Return the published version a submission names (its latest when it names none), or
    None when the project has no such form or version."""
    permissions.require(user, "form.view", project)
    # The documents (XForm, XLSForm rows, definition) are large and the submitting path needs
    # only the definition, parsed once per process (`FormVersion.form_definition`): it loads
    # when that cache misses. The caller sets the project it holds on the form.
    versions = (
        FormVersion.objects.select_related("form")
        .defer(*SUBMITTING_DEFERRED)
        .filter(form__project=project, form__form_id=form_id, published_at__isnull=False)
    )
    if version is not None:
        versions = versions.filter(version=version)
    return versions.order_by("-published_at", "-id").first()
