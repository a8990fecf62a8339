"""Erasure of an account and withdrawal from a project (GDPR Art. 17; reliability table F).

The pattern is Panoptes' UserInfoScrubber: the User row stays, so every contribution keeps its
foreign key and every count stays right, but everything on it that identifies the person is
replaced (a random `@erased.invalid` address, the pseudonym as display name, an unusable
password, inactive). Each area's eraser (`core.personal_data.register_eraser`, in
`<app>/erasure.py`) removes or pseudonymises what it holds; free text that names the person is
redacted (`core.redaction`). The `Erasure` row keeps the pseudonym and counts and nothing that
links back to the person: no mapping table exists, by design.

Everything runs in one transaction: an erasure happens completely or not at all. Files (media,
export zips) are deleted once it commits.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cslab.accounts.models import User
from cslab.accounts.throttling import password_check_throttled
from cslab.consent.models import ConsentRecord
from cslab.consent.vocabulary import WithdrawalOptions
from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from cslab.core.models import AuditEvent, Job
from cslab.core.personal_data import ErasureScope, erasers
from cslab.core.problems import ProblemCode
from cslab.core.redaction import identity_needles, redact_queryset
from cslab.core.roles import SiteRole
from cslab.core.services.audit import audit_record
from cslab.privacy.models import Erasure
from cslab.projects.models import Project

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: `.invalid` never delivers
WITHDRAWN_DOMAIN = "withdrawn.invalid"
PSEUDONYM_ATTEMPTS = 5


def pseudonym_new() -> str:
    """A random pseudonym such as "Participant 7f3a9c" (unique among erasures)."""
    return f"Participant {secrets.token_hex(3)}"


def is_erased(user: Any) -> bool:
    """Return True for an account that was erased or made for a withdrawal."""
    email: str = getattr(user, "email", "") or ""
    return email.endswith((f"@{ERASED_DOMAIN}", f"@{WITHDRAWN_DOMAIN}"))


def account_erase_check_password(*, user: Any, password: str) -> None:
    """Refuse an erasure whose password is wrong (or given for an account without one).

    Web and API ask for the password so that a stolen session or API token alone cannot erase
    an account; a person without a password (single sign-on) re-authenticates instead.
    """
    if (
        not password
        or not user.has_usable_password()
        or not password_check_throttled(user=user, password=password)
    ):
        raise PermissionDeniedError(
            _("The password is not right."), code=ProblemCode.ERASURE_PASSWORD_WRONG
        )


def project_contributions_withdraw(
    *, actor: Any, user: Any, project: Any, delete_contributions: bool
) -> Erasure:
    """Take one person's contributions to one project out of their name.

    Kept contributions move to a new inactive pseudonymous account (no mapping kept), or are
    deleted with tombstones. Called by the consent part's withdrawal once the consent record is
    marked withdrawn; the actor is the person themself (or Lab staff acting on a request).
    Deletion is refused (InvalidInputError) where the consent version the person agreed to
    allows only anonymisation. The person's other projects are left as they were.
    """
    if actor is not None:
        permissions.require(actor, "privacy.contributions.withdraw", user)
    if delete_contributions and not _deletion_allowed(user=user, project=project):
        raise InvalidInputError(
            _("This project's consent text allows keeping contributions anonymised only."),
            code=ProblemCode.ERASURE_DELETION_NOT_ALLOWED,
        )
    with transaction.atomic():
        erasure = _erasure_reserve(
            scope=Erasure.Scope.PROJECT,
            project=project,
            contributions_deleted=delete_contributions,
            requested_through=Erasure.RequestedThrough.WEB,
        )
        pseudonym_user = _pseudonymous_user_create(
            pseudonym=erasure.pseudonym, domain=WITHDRAWN_DOMAIN, prefix="withdrawn"
        )
        scope = ErasureScope(
            user=user,
            pseudonym_user=pseudonym_user,
            project=project,
            delete_contributions=delete_contributions,
        )
        erasure.counts = _run_erasers(scope)
        erasure.save(update_fields=["counts"])
        audit_record(
            actor=actor,
            action="privacy.contributions.withdrawn",
            target=project,
            details={
                "pseudonym": erasure.pseudonym,
                "contributions_deleted": delete_contributions,
                "counts": erasure.counts,
            },
        )
    return erasure


def account_erase(
    *, actor: Any, user: Any, delete_contributions: bool, requested_through: str
) -> Erasure:
    """Erase a whole account: identity scrubbed, contributions kept under the pseudonym (or
    deleted), sessions and tokens ended, every area's eraser run (core.personal_data).

    `actor` None is the command line (a request by post or e-mail, checked by Lab staff);
    otherwise the person themself or Lab staff. Where a project's consent text allows only
    anonymisation, that project's contributions are kept anonymised even when deletion was
    asked for (the page says so beforehand). An account erased already is refused (409).
    """
    if actor is not None:
        permissions.require(actor, "privacy.account.erase", user)
    if requested_through not in Erasure.RequestedThrough.values:
        raise InvalidInputError(f"Unknown way of requesting: {requested_through!r}.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if is_erased(locked):
            raise ConflictError(
                _("This account has been erased already."),
                code=ProblemCode.ACCOUNT_ALREADY_ERASED,
            )
        needles = identity_needles(email=locked.email, display_name=locked.display_name)
        erasure = _erasure_reserve(
            scope=Erasure.Scope.ACCOUNT,
            project=None,
            contributions_deleted=delete_contributions,
            requested_through=requested_through,
        )
        # The erasers find the person by primary key and their name and address in text by
        # the identity they had: they get a copy of the row as it was, while the row itself is
        # scrubbed first, so that what they write (an author shown by name) already shows the
        # pseudonym.
        original = copy.copy(locked)
        _user_scrub(locked, pseudonym=erasure.pseudonym)
        counts: dict[str, int] = {}
        kept_projects = _projects_allowing_only_anonymisation(locked)
        if delete_contributions and kept_projects:
            # Those projects' part moves first to an account of its own under the same
            # pseudonym, kept; what is left on the person's account is deleted below.
            keeper = _pseudonymous_user_create(
                pseudonym=erasure.pseudonym, domain=WITHDRAWN_DOMAIN, prefix="withdrawn"
            )
            for project in kept_projects:
                _add_counts(
                    counts,
                    _run_erasers(
                        ErasureScope(user=original, pseudonym_user=keeper, project=project)
                    ),
                )
        _add_counts(
            counts,
            _run_erasers(
                ErasureScope(
                    user=original,
                    pseudonym_user=locked,
                    project=None,
                    delete_contributions=delete_contributions,
                )
            ),
        )
        counts["audit_entries_redacted"] = redact_queryset(
            AuditEvent.objects.all(), ["target_label", "details"], needles
        )
        counts["jobs_redacted"] = redact_queryset(
            Job.objects.all(), ["title", "message", "arguments", "result", "error"], needles
        )
        erasure.counts = counts
        erasure.save(update_fields=["counts"])
        audit_record(
            actor=None if actor is None or actor.pk == locked.pk else actor,
            action="privacy.account.erased",
            target=erasure,
            details={
                "contributions_deleted": delete_contributions,
                "requested_through": requested_through,
            },
        )
    user.refresh_from_db()
    return erasure


def _erasure_reserve(
    *, scope: str, project: Any, contributions_deleted: bool, requested_through: str
) -> Erasure:
    """Insert the Erasure row with a fresh pseudonym: the unique constraint, not a look-up,
    keeps two erasures from sharing one."""
    for _attempt in range(PSEUDONYM_ATTEMPTS):
        erasure = Erasure(
            pseudonym=pseudonym_new(),
            scope=scope,
            project=project,
            contributions_deleted=contributions_deleted,
            requested_through=requested_through,
        )
        erasure.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                erasure.save()
        except IntegrityError:
            continue
        return erasure
    raise ConflictError("No free pseudonym was found; try again.")


def _pseudonymous_user_create(*, pseudonym: str, domain: str, prefix: str) -> User:
    """A new inactive account without password that kept contributions move to."""
    return User.objects.create_user(
        f"{prefix}-{secrets.token_hex(8)}@{domain}", None, display_name=pseudonym, is_active=False
    )


def _run_erasers(scope: ErasureScope) -> dict[str, int]:
    return {eraser.key: eraser.erase(scope) for eraser in erasers()}


def _add_counts(total: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value


def _user_scrub(user: User, *, pseudonym: str) -> None:
    """Replace everything on the account that identifies the person; keep the row."""
    user.email = f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"
    user.display_name = pseudonym
    user.bio = ""
    user.time_zone = ""
    user.preferred_language = settings.LANGUAGE_CODE[:2]
    user.profile_public = False
    user.is_active = False
    user.is_superuser = False
    user.site_role = SiteRole.VOLUNTEER
    user.password = make_password(None)
    user.last_login = None
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _deletion_allowed(*, user: Any, project: Any) -> bool:
    """Whether the consent the person gave in this project lets them delete their
    contributions (a project without consent texts does)."""

    options = set(
        ConsentRecord.objects.filter(project=project, participant=user).values_list(
            "version__withdrawal_options", flat=True
        )
    )
    return WithdrawalOptions.ANONYMISE_ONLY not in options


def _projects_allowing_only_anonymisation(user: Any) -> list[Any]:

    project_ids = ConsentRecord.objects.filter(
        participant=user, version__withdrawal_options=WithdrawalOptions.ANONYMISE_ONLY
    ).values_list("project_id", flat=True)
    return list(Project.objects.filter(pk__in=project_ids).order_by("pk"))


def erasure_choices_for(*, user: Any) -> list[Any]:
    """The projects whose consent allows keeping contributions anonymised only: what the
    erasure page explains when the person asks for deletion."""
    return _projects_allowing_only_anonymisation(user)
