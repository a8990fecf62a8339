"""Writes of credit choices: how a person wants to be acknowledged, everywhere or per project."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.participants.models import CreditPreference
from cslab.participants.selectors import contributed_project_ids
from cslab.participants.vocabulary import CreditChoice
from cslab.projects.models import Membership

PSEUDONYM_MIN = 2
PSEUDONYM_MAX = 100


def clean_pseudonym(text: str) -> str:
    """Return the pseudonym without surrounding spaces, or raise InvalidInputError.

    An "@" is refused outright: a pseudonym that is an e-mail address (the person's own or
    someone else's) would print that address in a paper's acknowledgements.
    """
    pseudonym = " ".join((text or "").split())
    message = ""
    if not PSEUDONYM_MIN <= len(pseudonym) <= PSEUDONYM_MAX:
        message = _("A pseudonym has %(least)d to %(most)d characters.") % {
            "least": PSEUDONYM_MIN,
            "most": PSEUDONYM_MAX,
        }
    elif "@" in pseudonym:
        message = _("A pseudonym may not contain “@”: it must not be an e-mail address.")
    if message:
        raise InvalidInputError(
            message, code=ProblemCode.INVALID_PSEUDONYM, details={"pseudonym": [message]}
        )
    return pseudonym


def _may_choose_for(user: Any, project: Any) -> bool:
    return Membership.objects.filter(
        project_id=project.pk, user_id=user.pk
    ).exists() or project.pk in contributed_project_ids(user=user)


@transaction.atomic
def credit_preference_set(
    *, actor: Actor, user: Any, project: Any = None, choice: str, pseudonym: str = ""
) -> CreditPreference:
    """Record how `user` wants to be credited: everywhere (no project) or in one project they
    contributed to or are a member of. One row per person and project, kept unique by the
    database; the change is audited (without the pseudonym: audit details outlive erasure)."""
    permissions.require(actor, "participants.credit.manage", user)
    if choice not in CreditChoice.values:
        message = _("Choose how you want to be credited.")
        raise InvalidInputError(message, details={"choice": [message]})
    pseudonym = clean_pseudonym(pseudonym) if choice == CreditChoice.PSEUDONYM else ""
    if project is not None and not _may_choose_for(user, project):
        message = _("You can only choose for projects you contributed to or are a member of.")
        raise InvalidInputError(
            message, code=ProblemCode.CREDIT_PROJECT_NOT_MINE, details={"project": [message]}
        )
    preference = _upsert(user=user, project=project, choice=choice, pseudonym=pseudonym)
    audit_record(
        actor=actor,
        action="credit.preference_set",
        target=project,
        details={"user": user.pk, "choice": choice},
    )
    return preference


def _upsert(*, user: Any, project: Any, choice: str, pseudonym: str) -> CreditPreference:
    """Insert the row, or update the one a unique constraint says is already there."""
    found = CreditPreference.objects.select_for_update().filter(user=user, project=project)
    preference = found.first() or CreditPreference(user=user, project=project)
    preference.choice = choice
    preference.pseudonym = pseudonym
    # Uniqueness is the database's to decide (below), not a query before the insert.
    preference.full_clean(validate_constraints=False)
    if preference.pk is not None:
        preference.save(update_fields=["choice", "pseudonym", "updated_at"])
        return preference
    try:
        with transaction.atomic():
            preference.save()
    except IntegrityError:
        # Another request inserted the row in the meantime: update that one.
        preference = found.get()
        preference.choice = choice
        preference.pseudonym = pseudonym
        preference.save(update_fields=["choice", "pseudonym", "updated_at"])
    return preference


@transaction.atomic
def credit_preference_clear(*, actor: Actor, user: Any, project: Any) -> None:
    """Drop the person's choice for one project, so their global choice applies there again."""
    permissions.require(actor, "participants.credit.manage", user)
    deleted, _rows = CreditPreference.objects.filter(user=user, project=project).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="credit.preference_cleared",
            target=project,
            details={"user": user.pk},
        )
