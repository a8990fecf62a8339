"""Writes of consent: giving, changing the optional consents, withdrawing, and the gate.

A person (or, recorded by the team, an OpenRosa app user) consents to one published version;
the record keeps the exact text shown, in the language shown, with its SHA-256. One record per
person and project is current (a partial unique constraint): consenting to a newer version
supersedes the older record, and a double click or two tabs giving the same consent at once
end with one record. Every contribution passes the gate (`consent_version_in_force_for`), which
costs one indexed query.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.selectors import consent_version_in_force
from cslab.consent.vocabulary import ConsentChannel, WithdrawalChoice, WithdrawalOptions
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none, signed_in
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.projects.models import Project

if TYPE_CHECKING:
    # Only named: `openrosa` sits above `consent` (its submissions pass the consent gate).
    from cslab.openrosa.models import AppUser

MAX_GUARDIAN_NAME_LENGTH = 200
LANGUAGES = ("en", "nl")


def consent_page_url(project: Any) -> str:
    return reverse("project_consent", kwargs={"slug": project.slug})


def consent_required_error(*, project: Any, version: ConsentVersion, actor: Any) -> ConflictError:
    """The refusal of a contribution that lacks consent to the version in force."""
    details = {"consent_url": consent_page_url(project), "version": version.number}
    if getattr(actor, "app_user", None) is not None:
        message = _(
            "This device has no consent to version %(number)s of the project's consent text. "
            "Ask the project team to record consent for it, then send again."
        ) % {"number": version.number}
    elif not getattr(actor, "is_authenticated", False):
        message = _(
            "This project asks for your consent before you contribute: log in, read the "
            "consent text (version %(number)s) and consent."
        ) % {"number": version.number}
    else:
        message = _(
            "This project asks for your consent to version %(number)s of its consent text "
            "before your next contribution. Read it and consent, then send again."
        ) % {"number": version.number}
    return ConflictError(message, code=ProblemCode.CONSENT_REQUIRED, details=details)


def consent_version_in_force_for(*, actor: Any, project: Any) -> ConsentVersion | None:
    """The gate every contribution passes (observations, classifications, OpenRosa).

    Returns the version the actor (a person or an app user's device) has a current consent
    record for, to be stored on the contribution; None when the project asks for no consent.
    Raises ConflictError `consent_required` (with the consent page's URL in `details`) when the
    project has a published version and the actor has no current record for it (none yet,
    withdrawn, or an older version: re-consent before the next contribution).
    """
    app_user = getattr(actor, "app_user", None)
    person = person_or_none(actor)
    if app_user is not None:
        subject: dict[str, Any] = {"app_user_id": app_user.pk}
    elif person is not None:
        subject = {"participant_id": person.pk}
    else:
        version = consent_version_in_force(project=project)
        if version is None:
            return None
        raise consent_required_error(project=project, version=version, actor=actor)
    # One query: the version in force and whether the actor's current record is for it (the
    # partial unique index of current records answers the EXISTS).
    version = (
        ConsentVersion.objects.filter(project_id=project.pk, published_at__isnull=False)
        .annotate(
            consented=Exists(
                ConsentRecord.objects.filter(
                    project_id=project.pk,
                    version_id=OuterRef("pk"),
                    withdrawn_at__isnull=True,
                    superseded_at__isnull=True,
                    **subject,
                )
            )
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        return None
    if not version.consented:
        raise consent_required_error(project=project, version=version, actor=actor)
    return version


@dataclass(frozen=True)
class ShownText:
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def consent_text_for(version: ConsentVersion, language: str) -> ShownText:
    """The text shown in a language: Dutch falls back to English when there is no Dutch text."""
    if language.lower().startswith("nl") and version.text_nl.strip():
        return ShownText("nl", version.text_nl)
    return ShownText("en", version.text_en)


@dataclass(frozen=True)
class ConsentAnswers:
    """What a person answered on the consent page (or a team member for an app user)."""

    meta_research: bool = False
    contact: bool = False
    age_confirmed: bool = False
    is_minor: bool = False
    guardian_consent: bool = False
    guardian_name: str = ""


def _clean_answers(version: ConsentVersion, answers: ConsentAnswers) -> ConsentAnswers:
    """Apply the age gate and drop the optional consents the version does not ask for."""
    guardian_name = (answers.guardian_name or "").strip()
    if len(guardian_name) > MAX_GUARDIAN_NAME_LENGTH:
        raise InvalidInputError(
            _("The guardian's name may be at most 200 characters."),
            code=ProblemCode.CONSENT_AGE_GATE,
            details={"guardian_name": [_("At most 200 characters.")]},
        )
    is_minor = False
    guardian_consent = False
    if version.minimum_age is not None:
        if answers.is_minor:
            problems: dict[str, list[str]] = {}
            if not answers.guardian_consent:
                problems["guardian_consent"] = [
                    _("A parent or guardian must agree to your taking part.")
                ]
            if not guardian_name:
                problems["guardian_name"] = [_("Give the name of your parent or guardian.")]
            if problems:
                raise InvalidInputError(
                    _("Younger than %(age)s: a parent or guardian must agree.")
                    % {"age": version.minimum_age},
                    code=ProblemCode.CONSENT_AGE_GATE,
                    details=problems,
                )
            is_minor, guardian_consent = True, True
        elif not answers.age_confirmed:
            raise InvalidInputError(
                _(
                    "Confirm that you are %(age)s or older, or that you are younger and a "
                    "parent or guardian agrees."
                )
                % {"age": version.minimum_age},
                code=ProblemCode.CONSENT_AGE_GATE,
                details={"age": [_("Choose one of the two.")]},
            )
    return ConsentAnswers(
        meta_research=bool(answers.meta_research) and version.asks_meta_research,
        contact=bool(answers.contact) and version.asks_contact,
        age_confirmed=not is_minor,
        is_minor=is_minor,
        guardian_consent=guardian_consent,
        guardian_name=guardian_name if is_minor else "",
    )


def _version_in_force_numbered(project: Project, version_number: int) -> ConsentVersion:
    version = consent_version_in_force(project=project)
    if version is None or version.number != version_number:
        raise ConflictError(
            _(
                "This consent text is not the one in force any more; read the current text "
                "and consent to it."
            ),
            code=ProblemCode.CONSENT_VERSION_NOT_IN_FORCE,
            details={
                "version_in_force": version.number if version is not None else None,
                "consent_url": consent_page_url(project),
            },
        )
    return version


def _same_consent(record: ConsentRecord, version: ConsentVersion, answers: ConsentAnswers) -> bool:
    return (
        record.version_id == version.pk
        and record.meta_research == answers.meta_research
        and record.contact == answers.contact
        and record.is_minor == answers.is_minor
        and record.guardian_name == answers.guardian_name
    )


def _record_consent(
    *,
    actor: Actor,
    project: Project,
    version: ConsentVersion,
    subject: dict[str, Any],
    shown: ShownText,
    channel: str,
    answers: ConsentAnswers,
    recorded_by: Any,
) -> ConsentRecord:
    current = ConsentRecord.objects.filter(
        project=project, withdrawn_at__isnull=True, superseded_at__isnull=True, **subject
    )
    try:
        with transaction.atomic():
            previous = current.select_for_update().first()
            if previous is not None and _same_consent(previous, version, answers):
                return previous
            now = timezone.now()
            if previous is not None:
                previous.superseded_at = now
                previous.save(update_fields=["superseded_at"])
            record = ConsentRecord(
                project=project,
                version=version,
                recorded_by=recorded_by,
                channel=channel,
                language=shown.language,
                text_shown=shown.text,
                text_sha256=shown.sha256,
                meta_research=answers.meta_research,
                contact=answers.contact,
                is_minor=answers.is_minor,
                guardian_consent=answers.guardian_consent,
                guardian_name=answers.guardian_name,
                granted_at=now,
                **subject,
            )
            record.full_clean(
                exclude=["project", "version", "participant", "app_user", "recorded_by"],
                validate_constraints=False,
            )
            record.save()
            audit_record(
                actor=actor,
                action="consent.given",
                target=record,
                details={
                    "project": project.pk,
                    "version": version.number,
                    "channel": channel,
                    "language": shown.language,
                    "meta_research": answers.meta_research,
                    "contact": answers.contact,
                    "is_minor": answers.is_minor,
                    "superseded": previous.pk if previous is not None else None,
                },
            )
            return record
    except IntegrityError:
        # The same person's other request (a double click, a second tab) stored its record
        # between our read and our insert; the partial unique index kept it to one.
        stored = current.first()
        if stored is not None and _same_consent(stored, version, answers):
            return stored
        raise ConflictError(
            _("A different consent was recorded at the same moment; reload and try again."),
            code=ProblemCode.CONSENT_ALREADY_GIVEN,
        ) from None


def consent_give(
    *,
    actor: Actor,
    project: Project,
    version_number: int,
    language: str,
    channel: str = ConsentChannel.WEB,
    meta_research: bool = False,
    contact: bool = False,
    age_confirmed: bool = False,
    is_minor: bool = False,
    guardian_consent: bool = False,
    guardian_name: str = "",
) -> ConsentRecord:
    """Record the signed-in person's consent to the version in force; return the record.

    Precondition: no open transaction has seen a failed insert (a lost race is read back).

    - `version_number` is the version whose text the person read; another one than the version
      in force raises ConflictError `consent_version_not_in_force` (the text was old).
    - The age gate of the version: `age_confirmed`, or `is_minor` with `guardian_consent` and
      `guardian_name`; otherwise InvalidInputError `consent_age_gate`.
    - The record keeps the exact text in `language` (Dutch falls back to English without a
      Dutch text; the record says which was shown) and supersedes the person's older record.
    - Giving the same consent again returns the current record unchanged.
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "consent.give", project)
    person = signed_in(actor)
    if channel not in (ConsentChannel.WEB, ConsentChannel.API):
        raise InvalidInputError(_("A person consents on the website or through the API."))
    version = _version_in_force_numbered(project, version_number)
    answers = _clean_answers(
        version,
        ConsentAnswers(
            meta_research=meta_research,
            contact=contact,
            age_confirmed=age_confirmed,
            is_minor=is_minor,
            guardian_consent=guardian_consent,
            guardian_name=guardian_name,
        ),
    )
    return _record_consent(
        actor=actor,
        project=project,
        version=version,
        subject={"participant": person},
        shown=consent_text_for(version, language),
        channel=channel,
        answers=answers,
        recorded_by=None,
    )


def consent_give_for_app_user(
    *,
    actor: Actor,
    app_user: AppUser,
    version_number: int,
    language: str,
    meta_research: bool = False,
    contact: bool = False,
    age_confirmed: bool = False,
    is_minor: bool = False,
    guardian_consent: bool = False,
    guardian_name: str = "",
) -> ConsentRecord:
    """A team member records consent for the person who uses an app user's device (ODK
    Collect): channel `openrosa`, `recorded_by` the team member. The same rules as
    `consent_give` apply."""
    project = app_user.project
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "consent.app_user.record", project)
    version = _version_in_force_numbered(project, version_number)
    answers = _clean_answers(
        version,
        ConsentAnswers(
            meta_research=meta_research,
            contact=contact,
            age_confirmed=age_confirmed,
            is_minor=is_minor,
            guardian_consent=guardian_consent,
            guardian_name=guardian_name,
        ),
    )
    return _record_consent(
        actor=actor,
        project=project,
        version=version,
        subject={"app_user": app_user},
        shown=consent_text_for(version, language),
        channel=ConsentChannel.OPENROSA,
        answers=answers,
        recorded_by=person_or_none(actor),
    )


def _current_locked(project: Project, person: Any) -> ConsentRecord:
    record = (
        ConsentRecord.objects.select_for_update()
        .select_related("version")
        .filter(
            project=project,
            participant=person,
            withdrawn_at__isnull=True,
            superseded_at__isnull=True,
        )
        .first()
    )
    if record is None:
        raise ConflictError(
            _("You have no current consent to this project."),
            code=ProblemCode.CONSENT_NOT_GIVEN,
        )
    return record


@transaction.atomic
def consent_update_options(
    *, actor: Actor, project: Project, meta_research: bool, contact: bool
) -> ConsentRecord:
    """Change the optional consents (meta-research, being contacted) of the current record
    without withdrawing; the audit log keeps what they were."""
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "consent.give", project)
    record = _current_locked(project, signed_in(actor))
    before = {"meta_research": record.meta_research, "contact": record.contact}
    record.meta_research = bool(meta_research) and record.version.asks_meta_research
    record.contact = bool(contact) and record.version.asks_contact
    after = {"meta_research": record.meta_research, "contact": record.contact}
    if after != before:
        record.save(update_fields=["meta_research", "contact"])
        audit_record(
            actor=actor,
            action="consent.options_changed",
            target=record,
            details={"project": project.pk, "from": before, "to": after},
        )
    return record


def withdrawal_choices(version: ConsentVersion) -> list[str]:
    """What a person withdrawing from this version may choose."""
    if version.withdrawal_options == WithdrawalOptions.ANONYMISE_ONLY:
        return [WithdrawalChoice.ANONYMISE.value]
    return [WithdrawalChoice.ANONYMISE.value, WithdrawalChoice.DELETE.value]


@transaction.atomic
def consent_withdraw(*, actor: Actor, project: Project, choice: str) -> ConsentRecord:
    """Withdraw the person's consent: the record is marked withdrawn with the choice (only one
    the version offers), then their contributions to the project are anonymised or deleted
    (`privacy.services.erasure.project_contributions_withdraw`), in the same transaction.

    Their next contribution needs a new consent.
    """
    from cslab.privacy.services import erasure  # privacy sits above consent

    permissions.require(actor, "project.view", project)
    permissions.require(actor, "consent.give", project)
    person = signed_in(actor)
    record = _current_locked(project, person)
    if choice not in withdrawal_choices(record.version):
        raise InvalidInputError(
            _("This project's consent text does not offer that choice."),
            code=ProblemCode.CONSENT_WITHDRAWAL_CHOICE,
            details={"choice": [_("Choose one of the options offered.")]},
        )
    record.withdrawn_at = timezone.now()
    record.withdrawal_choice = choice
    record.save(update_fields=["withdrawn_at", "withdrawal_choice"])
    audit_record(
        actor=actor,
        action="consent.withdrawn",
        target=record,
        details={"project": project.pk, "version": record.version.number, "choice": choice},
    )
    erasure.project_contributions_withdraw(
        actor=actor,
        user=person,
        project=project,
        delete_contributions=choice == WithdrawalChoice.DELETE,
    )
    return record
