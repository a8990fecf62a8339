"""Creating and revoking app users (per-device, submit-only server URLs of a project)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.openrosa.models import AppUser
from cslab.projects.models import Project

TOKEN_BYTES = 48  # 64 URL-safe characters


def token_lookup(token: str) -> str:
    """Return the SHA-256 under which a token is looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def app_user_create(*, actor: Actor | None, project: Project, name: str) -> AppUser:
    """Create an app user of the project with a new token.

    `actor` None is the system (the `cslab appuser` command); anyone else needs
    "openrosa.app_user.manage" on the project.
    """
    if actor is not None:
        permissions.require(actor, "project.view", project)
        permissions.require(actor, "openrosa.app_user.manage", project)
        actor = signed_in(actor)
    name = name.strip()
    if not name:
        raise InvalidInputError(
            _("Give the app user a name, such as the phone it is for."),
            code=ProblemCode.INVALID_APP_USER,
            details={"name": [_("This field is required.")]},
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    app_user = AppUser(
        project=project,
        name=name,
        token=token,
        token_lookup=token_lookup(token),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    app_user.full_clean()
    app_user.save()
    audit_record(
        actor=actor,
        action="openrosa.app_user_created",
        target=project,
        details={"app_user_id": app_user.pk, "name": app_user.name},
    )
    return app_user


@transaction.atomic
def app_user_revoke(*, actor: Actor, app_user: AppUser) -> AppUser:
    """Revoke an app user: its server URL stops working at once, for good."""
    if actor is not None:
        permissions.require(actor, "project.view", app_user.project)
        permissions.require(actor, "openrosa.app_user.manage", app_user.project)
        actor = signed_in(actor)
    locked = AppUser.objects.select_for_update().get(pk=app_user.pk)
    if locked.revoked_at is not None:
        raise ConflictError(
            _("This app user was already revoked."), code=ProblemCode.APP_USER_REVOKED
        )
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="openrosa.app_user_revoked",
        target=locked.project,
        details={"app_user_id": locked.pk, "name": locked.name},
    )
    app_user.revoked_at = locked.revoked_at
    return locked
