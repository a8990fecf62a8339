"""Writes on users and profiles."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.roles import SiteRole
from cslab.core.services.audit import audit_record

PROFILE_FIELDS = ("display_name", "preferred_language", "bio", "profile_public", "time_zone")


def user_create(
    *,
    actor: User | None,
    email: str,
    password: str | None = None,
    site_role: SiteRole = SiteRole.VOLUNTEER,
    display_name: str = "",
    bio: str = "",
    email_verified: bool = True,
) -> User:
    """Create a user whose address counts as verified (staff and scripts vouch for it).

    A second user with the same address (in any letter case) raises ConflictError.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, password, site_role=site_role, display_name=display_name, bio=bio
            )
            EmailAddress.objects.create(
                user=user, email=email, primary=True, verified=email_verified
            )
            audit_record(
                actor=actor, action="user.created", target=user, details={"site_role": site_role}
            )
    except IntegrityError:
        raise _user_exists(email) from None
    except ValidationError as error:
        if any(e.code == "unique" for e in error.error_dict.get("email", [])):
            raise _user_exists(email) from None
        raise InvalidInputError(
            "The user has invalid values.", details=error.message_dict
        ) from None
    return user


def _user_exists(email: str) -> ConflictError:
    return ConflictError(
        f"A user with the e-mail address {email} already exists.", code=ProblemCode.USER_EXISTS
    )


class ProfileChanges(TypedDict, total=False):
    """The profile fields `profile_update` may change, each a keyword argument; a field not
    given is left alone."""

    display_name: str
    preferred_language: str
    bio: str
    profile_public: bool
    time_zone: str


def profile_update(*, actor: User, user: User, **changes: Unpack[ProfileChanges]) -> User:
    """Change profile fields (display name, language, bio, public or private)."""
    permissions.require(actor, "profile.edit", user)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInputError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    values: dict[str, Any] = dict(changes)
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    if not changed:
        return user
    _full_clean(user)
    with transaction.atomic():
        user.save(update_fields=changed)
        audit_record(
            actor=actor, action="profile.updated", target=user, details={"fields": changed}
        )
    return user


def user_set_site_role(*, actor: User, user: User, site_role: SiteRole) -> User:
    """Give a person another site role (volunteer, trainer, Lab staff)."""
    permissions.require(actor, "user.manage", user)
    previous = user.site_role
    if previous == site_role:
        return user
    user.site_role = site_role
    with transaction.atomic():
        user.save(update_fields=["site_role"])
        audit_record(
            actor=actor,
            action="user.site_role_changed",
            target=user,
            details={"from": previous, "to": site_role},
        )
    return user


def _full_clean(user: User) -> None:
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as error:
        raise InvalidInputError(
            "The profile has invalid values.", details=error.message_dict
        ) from None
