"""Writes of consent versions: a team drafts, edits and publishes its project's consent text.

A project has at most one draft (a partial unique constraint); a new draft starts from the
latest version's texts and terms. Publishing fixes the version for good: its fingerprint
(`text_sha256`) covers the texts and every term a participant agrees to, and an edit of a
published version is refused. Version numbers are unique per project in the database, so two
team members starting a draft at the same moment end up with one draft, never two numbers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.consent.models import ConsentRecord, ConsentVersion
from cslab.consent.vocabulary import WithdrawalOptions
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.notifications.services.notifications import notification_send
from cslab.projects.models import Project
from cslab.projects.vocabulary import DataLicence

MAX_TEXT_LENGTH = 20000
MAX_REFERENCE_LENGTH = 200
MAX_MINIMUM_AGE = 25

# The first draft of a project starts from this outline, which the team rewrites.
STARTER_TEXT_EN = (
    "## What this project studies\n\n"
    "Describe the research question and who leads the research.\n\n"
    "## What we collect and why\n\n"
    "List the data you collect (observations, photos, locations, answers) and what for.\n\n"
    "## Who sees it\n\n"
    "Say who may see the data and under which licence it is published.\n\n"
    "## Your rights\n\n"
    "You can withdraw at any moment from the project page; say what happens to your "
    "contributions then.\n"
)
STARTER_TEXT_NL = ""

# The terms a participant agrees to besides the texts: a change to any of them is a new version.
EDITABLE_FIELDS = (
    "text_en",
    "text_nl",
    "ethics_approval_reference",
    "data_licence",
    "withdrawal_options",
    "minimum_age",
    "asks_meta_research",
    "asks_contact",
)


def version_fingerprint(version: ConsentVersion) -> str:
    """The SHA-256 of a version's texts and terms, as canonical JSON."""
    terms = {name: getattr(version, name) for name in EDITABLE_FIELDS}
    canonical = json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def consent_version_create_draft(*, actor: Actor, project: Project) -> tuple[ConsentVersion, bool]:
    """Start the project's next version from the latest one; return (draft, created).

    When the project already has a draft (also one a colleague started a moment ago), that
    draft is returned with created False: there is one place to prepare the next version.
    """
    permissions.require(actor, "project.view", project)
    permissions.require(actor, "consent.version.manage", project)
    existing = _draft_of(project)
    if existing is not None:
        return existing, False
    latest = ConsentVersion.objects.filter(project=project).order_by("-number").first()
    draft = ConsentVersion(project=project, created_by=person_or_none(actor))
    if latest is None:
        draft.text_en, draft.text_nl = STARTER_TEXT_EN, STARTER_TEXT_NL
        draft.data_licence = project.data_licence or DataLicence.CC_BY
    else:
        for name in EDITABLE_FIELDS:
            setattr(draft, name, getattr(latest, name))
    try:
        with transaction.atomic():
            highest = ConsentVersion.objects.filter(project=project).aggregate(Max("number"))
            draft.number = (highest["number__max"] or 0) + 1
            draft.full_clean(exclude=["project", "created_by"], validate_constraints=False)
            draft.save()
            audit_record(
                actor=actor,
                action="consent.version_drafted",
                target=draft,
                details={"project": project.pk, "number": draft.number},
            )
    except IntegrityError:
        # A colleague's draft (or number) won the race: theirs is the draft.
        winner = _draft_of(project)
        if winner is None:
            raise ConflictError(
                _("Someone changed the consent versions at the same moment; try again."),
                code=ProblemCode.CONFLICT,
            ) from None
        return winner, False
    return draft, True


def _draft_of(project: Project) -> ConsentVersion | None:
    return ConsentVersion.objects.filter(project=project, published_at__isnull=True).first()


def _clean_terms(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInputError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    problems: dict[str, list[str]] = {}
    cleaned = dict(changes)
    for name in ("text_en", "text_nl", "ethics_approval_reference"):
        if name in cleaned:
            value = cleaned[name]
            if not isinstance(value, str):
                problems[name] = [_("Give text.")]
                continue
            # One kind of line ending, so the fingerprint does not depend on the browser.
            cleaned[name] = value.replace("\r\n", "\n").strip()
    for name in ("text_en", "text_nl"):
        if len(cleaned.get(name) or "") > MAX_TEXT_LENGTH:
            problems[name] = [
                _("A consent text may be at most %(count)d characters.")
                % {"count": MAX_TEXT_LENGTH}
            ]
    if len(cleaned.get("ethics_approval_reference") or "") > MAX_REFERENCE_LENGTH:
        problems["ethics_approval_reference"] = [_("At most 200 characters.")]
    if "text_en" in cleaned and not cleaned["text_en"]:
        problems["text_en"] = [_("The English text is needed.")]
    age = cleaned.get("minimum_age")
    if age is not None and (
        isinstance(age, bool) or not isinstance(age, int) or not 1 <= age <= MAX_MINIMUM_AGE
    ):
        problems["minimum_age"] = [
            _("Give an age from 1 to %(max)d, or none.") % {"max": MAX_MINIMUM_AGE}
        ]
    if "data_licence" in cleaned and cleaned["data_licence"] not in DataLicence.values:
        problems["data_licence"] = [_("Choose one of the licences.")]
    if (
        "withdrawal_options" in cleaned
        and cleaned["withdrawal_options"] not in WithdrawalOptions.values
    ):
        problems["withdrawal_options"] = [_("Choose one of the options.")]
    if problems:
        raise InvalidInputError(
            _("Some fields are not valid; nothing was changed."), details=problems
        )
    return cleaned


def _locked(version: ConsentVersion) -> ConsentVersion:
    locked = ConsentVersion.objects.select_for_update().filter(pk=version.pk).first()
    if locked is None:
        raise NotFoundError()
    return locked


def _published_is_immutable() -> ConflictError:
    return ConflictError(
        _("A published consent version never changes; start a new version instead."),
        code=ProblemCode.CONSENT_VERSION_PUBLISHED,
    )


@transaction.atomic
def consent_version_update(
    *, actor: Actor, version: ConsentVersion, **changes: Any
) -> ConsentVersion:
    """Change a draft's texts and terms (Markdown texts of at most 20,000 characters each).

    A published version is refused with ConflictError `consent_version_published`.
    """
    permissions.require(actor, "project.view", version.project)
    permissions.require(actor, "consent.version.manage", version.project)
    cleaned = _clean_terms(changes)
    locked = _locked(version)
    if locked.published_at is not None:
        raise _published_is_immutable()
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["project", "created_by"], validate_constraints=False)
    locked.save(update_fields=list(cleaned))
    audit_record(
        actor=actor,
        action="consent.version_edited",
        target=locked,
        details={"project": locked.project_id, "fields": sorted(cleaned)},
    )
    return locked


@transaction.atomic
def consent_version_publish(*, actor: Actor, version: ConsentVersion) -> ConsentVersion:
    """Publish a draft: it becomes the version in force and never changes again.

    Everyone who consented to an earlier version is told (notification `consent.new_version`)
    that their next contribution needs their consent to this one.
    """
    permissions.require(actor, "project.view", version.project)
    permissions.require(actor, "consent.version.manage", version.project)
    locked = _locked(version)
    if locked.published_at is not None:
        raise _published_is_immutable()
    # A draft copied from a version published before the English text was required, or
    # emptied through the API, must not become a version nobody can read.
    _clean_terms({name: getattr(locked, name) for name in EDITABLE_FIELDS})
    locked.text_sha256 = version_fingerprint(locked)
    locked.published_at = timezone.now()
    locked.full_clean(exclude=["project", "created_by"], validate_constraints=False)
    locked.save(update_fields=["text_sha256", "published_at"])
    audit_record(
        actor=actor,
        action="consent.version_published",
        target=locked,
        details={
            "project": locked.project_id,
            "number": locked.number,
            "text_sha256": locked.text_sha256,
        },
    )
    project = version.project
    consenters = User.objects.filter(
        pk__in=ConsentRecord.objects.filter(
            project=project,
            participant__isnull=False,
            withdrawn_at__isnull=True,
            superseded_at__isnull=True,
        )
        .exclude(version=locked)
        .values("participant_id")
    )
    notification_send(
        recipients=consenters,
        kind="consent.new_version",
        message=gettext_noop(
            "%(project)s has a new consent text (version %(number)s). Please read it: your "
            "next contribution needs your consent to it."
        ),
        url=reverse("project_consent", kwargs={"slug": project.slug}),
        actor=actor,
        params={"project": project.name, "number": locked.number},
    )
    return locked
