"""Invitations to a team by e-mail link: send, accept, revoke.

The link carries a random token; only its SHA-256 hash is stored, so a copy of the database
cannot be used to join teams. A link is single use, expires (7 days by default) and can be
revoked by the team's managers.

Who may accept: only an account that has the invited address, verified (one of its
allauth `EmailAddress` rows, compared ignoring case). A link forwarded to, or intercepted by,
someone else must not put them on the team. Someone with several addresses adds the invited
one to their account (and confirms it) or signs in with it. The invited address and the
accepting account are both recorded (`Invitation.accepted_by`, the audit log).
"""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.accounts.selectors import email_address_state
from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotAuthenticatedError,
    PermissionDeniedError,
)
from cslab.core.problems import ProblemCode
from cslab.core.roles import ProjectRole
from cslab.core.services.audit import audit_record
from cslab.core.tasks import send_email
from cslab.projects.models import Invitation, Membership, Project
from cslab.projects.selectors.team import invitation_get_for_token, token_hash
from cslab.projects.services.team import ensure_role_requirements_met, membership_add

INVITATION_LIFETIME = timedelta(days=7)


@transaction.atomic
def invitation_send(
    *,
    actor: Actor,
    project: Project,
    email: str,
    role: str,
    lifetime: timedelta = INVITATION_LIFETIME,
) -> Invitation:
    """Invite `email` to the team as `role` and e-mail the link after commit.

    The e-mail is written in the inviter's language. An earlier open invitation of the same
    address to the same project is revoked, so only the newest link works. Inviting someone
    who is already on the team raises ConflictError.
    """
    permissions.require(actor, "team.manage", project)
    actor = signed_in(actor)
    email = email.strip().lower()
    if role not in ProjectRole.values:
        raise InvalidInputError(
            _("Unknown role “%(role)s”.") % {"role": role},
            details={"role": [_("Choose one of the team roles.")]},
        )
    if Membership.objects.filter(project=project, user__email__iexact=email).exists():
        raise ConflictError(
            _("%(email)s is already on the team.") % {"email": email},
            code=ProblemCode.ALREADY_MEMBER,
        )
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        project=project,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=now + lifetime,
    )
    try:
        invitation.full_clean()
    except ValidationError as error:
        raise InvalidInputError(
            _("The invitation has invalid values."), details=error.message_dict
        ) from None
    replaced = Invitation.objects.filter(
        project=project, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation.save()
    audit_record(
        actor=actor,
        action="team.invitation_sent",
        target=project,
        details={
            "invitation_id": invitation.pk,
            "email": email,
            "role": role,
            "replaced": replaced,
        },
    )
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    email_people(
        addresses=[(email, getattr(actor, "preferred_language", "") or None)],
        template="projects/invitation_email",
        context={"invitation": invitation, "project": project, "inviter": actor, "link": link},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Put the signed-in `user` on the team with the invitation's role; the link is used up.

    The invitation is marked accepted with a conditional update, so two clicks at the same time
    (or two people with the same link) cannot both use it: the second raises ConflictError.
    Someone already on the team gets ConflictError `already_member` and the link stays unused;
    so does someone who has not yet done what the project asks of the role (ConflictError
    `training_required`, naming the modules): they can accept after completing them.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticatedError()
    invitation = invitation_get_for_token(token=token)
    now = timezone.now()
    refusal = invitation_unusable_error(invitation, now=now) or invitation_addressee_error(
        invitation, user
    )
    if refusal is not None:
        raise refusal
    ensure_role_requirements_met(project=invitation.project, user=user, role=invitation.role)
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not claimed:
        invitation.refresh_from_db()
        raise invitation_unusable_error(invitation, now=now) or _unusable()
    membership = membership_add(
        actor=None, project=invitation.project, user=user, role=invitation.role
    )
    audit_record(
        actor=user,
        action="team.invitation_accepted",
        target=invitation.project,
        details={
            "invitation_id": invitation.pk,
            "email": invitation.email,
            "role": invitation.role,
            "user_id": user.pk,
        },
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    """Make an open invitation's link stop working (team managers)."""
    permissions.require(actor, "team.manage", invitation.project)
    actor = signed_in(actor)
    now = timezone.now()
    revoked = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation.refresh_from_db()
    if not revoked:
        raise ConflictError(
            _("This invitation was already accepted or revoked."),
            code=ProblemCode.INVITATION_CLOSED,
        )
    audit_record(
        actor=actor,
        action="team.invitation_revoked",
        target=invitation.project,
        details={"invitation_id": invitation.pk, "email": invitation.email},
    )
    return invitation


def invitation_unusable_error(
    invitation: Invitation, *, now: datetime | None = None
) -> ConflictError | None:
    """Return the error that says why the invitation cannot be accepted, or None if it can."""
    now = now or timezone.now()
    if invitation.accepted_at is not None:
        return ConflictError(
            _("This invitation has already been accepted."), code=ProblemCode.INVITATION_USED
        )
    if invitation.revoked_at is not None:
        return ConflictError(
            _("This invitation was withdrawn by the team."), code=ProblemCode.INVITATION_REVOKED
        )
    if invitation.expires_at <= now:
        return ConflictError(
            _("This invitation has expired. Ask the team for a new one."),
            code=ProblemCode.INVITATION_EXPIRED,
        )
    return None


def invitation_addressee_error(invitation: Invitation, user: User) -> PermissionDeniedError | None:
    """Return the refusal when the signed-in `user` is not the person invited, else None.

    The invitation is theirs when the invited address is one of their verified addresses
    (ignoring case). The refusal names the address only masked (`Invitation.masked_email`).
    """
    state = email_address_state(user=user, email=invitation.email)
    if state == "verified":
        return None
    if state == "unverified":
        return PermissionDeniedError(
            _(
                "This invitation was sent to %(email)s. Confirm that address on your account "
                "(follow the link in the message we sent to it), then open the invitation again."
            )
            % {"email": invitation.masked_email},
            code=ProblemCode.INVITATION_ADDRESS_UNCONFIRMED,
        )
    return PermissionDeniedError(
        _(
            "This invitation was sent to %(email)s, which is not an address of the account you "
            "are signed in with. Sign out and sign in with that address (or add it to your "
            "account and confirm it), then open the invitation again."
        )
        % {"email": invitation.masked_email},
        code=ProblemCode.INVITATION_FOR_ANOTHER_ADDRESS,
    )


def _unusable() -> ConflictError:
    return ConflictError(
        _("This invitation can no longer be used."), code=ProblemCode.INVITATION_UNUSABLE
    )


def email_people(
    *, addresses: Iterable[tuple[str, str | None]], template: str, context: dict[str, Any]
) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` per address and send after commit.

    Each address comes with the language to write in (None: the current language). Rendering
    happens now, so the message is in the right language whichever worker sends it.
    """
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    for address, language in addresses:
        with translation.override(language or translation.get_language()):
            subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
            body = render_to_string(f"{template}.txt", context)
        transaction.on_commit(
            partial(send_email.enqueue, subject=f"{prefix}{subject}", body=body, to=[address])
        )
