"""Reads of consent: the version in force, a person's current record, their consents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.core import permissions
from cslab.core.errors import ConflictError, NotFoundError

if TYPE_CHECKING:
    from cslab.openrosa.models import AppUser


def _app_users() -> Any:
    """The app users' manager, reached through the consent record's foreign key: `openrosa`
    sits above `consent` (it submits observations, which pass the consent gate), so consent
    names the device model without importing it."""
    device_model = cast("type[AppUser]", ConsentRecord._meta.get_field("app_user").related_model)
    return device_model._default_manager


def consent_version_in_force(*, project: Any) -> ConsentVersion | None:
    """The project's latest published consent version; None when it asks for no consent."""
    return (
        ConsentVersion.objects.filter(project=project, published_at__isnull=False)
        .order_by("-number")
        .first()
    )


def consent_record_current(
    *, project: Any, participant: Any = None, app_user: Any = None
) -> ConsentRecord | None:
    """The current (neither withdrawn nor superseded) record of a person or an app user."""
    records = ConsentRecord.objects.filter(
        project=project, withdrawn_at__isnull=True, superseded_at__isnull=True
    ).select_related("version")
    if participant is not None:
        return records.filter(participant=participant).first()
    if app_user is not None:
        return records.filter(app_user=app_user).first()
    return None


def consent_list_mine(*, user: Any) -> QuerySet[ConsentRecord]:
    """Every consent record of the signed-in person, newest first, with project and version."""
    if not getattr(user, "is_authenticated", False):
        return ConsentRecord.objects.none()
    return (
        ConsentRecord.objects.filter(participant=user)
        .select_related("project", "version")
        .order_by("-granted_at", "-id")
    )


def consent_redirect_url(*, user: Any, project: Any, next_url: str) -> str | None:
    """Where to send someone who opens a contribution page (the web form, the classify page)
    without consent to the version in force: the consent page, coming back to `next_url`.
    None when they may start (the project asks for no consent, or they consented)."""
    # Here, not at the top: the gate's service module reads this one (a cycle).
    from cslab.consent.services.consent import consent_version_in_force_for

    try:
        consent_version_in_force_for(actor=user, project=project)
    except ConflictError:
        return consent_page_with_next(project=project, next_url=next_url)
    return None


def consent_page_with_next(*, project: Any, next_url: str) -> str:
    url = reverse("project_consent", kwargs={"slug": project.slug})
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@dataclass(frozen=True)
class ProjectConsentState:
    """What a project's consent page and API show one viewer."""

    version: ConsentVersion | None
    mine: ConsentRecord | None
    consent_url: str

    @property
    def consented_to_version_in_force(self) -> bool:
        return (
            self.version is not None
            and self.mine is not None
            and self.mine.version_id == self.version.pk
        )

    @property
    def needs_consent(self) -> bool:
        return self.version is not None and not self.consented_to_version_in_force


def project_consent_state(*, user: Any, project: Any) -> ProjectConsentState:
    """The version in force and the viewer's current record (the caller has checked that the
    viewer may see the project)."""
    mine = (
        consent_record_current(project=project, participant=user)
        if getattr(user, "is_authenticated", False) and getattr(user, "app_user", None) is None
        else None
    )
    return ProjectConsentState(
        version=consent_version_in_force(project=project),
        mine=mine,
        consent_url=reverse("project_consent", kwargs={"slug": project.slug}),
    )


def consent_version_list_for_team(*, user: Any, project: Any) -> QuerySet[ConsentVersion]:
    """Every version of the project, newest first, with how many current records each has."""
    permissions.require(user, "consent.version.manage", project)
    return (
        ConsentVersion.objects.filter(project=project)
        .select_related("created_by")
        .annotate(
            current_records=Count(
                "records",
                filter=Q(records__withdrawn_at__isnull=True, records__superseded_at__isnull=True),
            )
        )
        .order_by("-number")
    )


def consent_version_get_for_team(*, user: Any, project: Any, number: int) -> ConsentVersion:
    permissions.require(user, "consent.version.manage", project)
    version = ConsentVersion.objects.filter(project=project, number=number).first()
    if version is None:
        raise NotFoundError()
    version.project = project
    return version


def consent_record_list_for_export(*, user: Any, project: Any) -> QuerySet[ConsentRecord]:
    """Every consent record of the project, oldest first, for the ethics board's CSV."""
    permissions.require(user, "consent.records.export", project)
    return (
        ConsentRecord.objects.filter(project=project)
        .select_related("version", "participant", "app_user", "recorded_by")
        .order_by("granted_at", "id")
    )


def app_user_list_with_consent(*, user: Any, project: Any) -> list[tuple[AppUser, Any]]:
    """The project's active app users, each with its current consent record (or None)."""
    permissions.require(user, "consent.app_user.record", project)
    app_users = list(
        _app_users().filter(project=project, revoked_at__isnull=True).order_by("name", "id")
    )
    current = {
        record.app_user_id: record
        for record in ConsentRecord.objects.filter(
            project=project,
            app_user__in=app_users,
            withdrawn_at__isnull=True,
            superseded_at__isnull=True,
        ).select_related("version")
    }
    return [(app_user, current.get(app_user.pk)) for app_user in app_users]


def app_user_get_for_consent(*, user: Any, project: Any, app_user_id: int) -> AppUser:
    permissions.require(user, "consent.app_user.record", project)
    app_user: AppUser | None = (
        _app_users().filter(project=project, pk=app_user_id, revoked_at__isnull=True).first()
    )
    if app_user is None:
        raise NotFoundError()
    app_user.project = project
    return app_user
