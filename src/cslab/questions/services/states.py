"""The one service that moves a research question along its life, and the actions built on it.

Every change tells the proposer, supporters and followers what happened (not the person who
made it), is recorded on the question's public history and in the audit log.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    InvalidTransitionError,
    PermissionDeniedError,
)
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.notifications.services.notifications import notification_send
from cslab.projects.models import Project
from cslab.projects.services.invitations import invitation_send
from cslab.projects.services.projects import project_create
from cslab.projects.vocabulary import InitiatorType
from cslab.questions import selectors, states
from cslab.questions.models import Follow, Question, QuestionStatusChange, Support

MAX_ANSWER_LINKS = 10


@transaction.atomic
def question_transition(
    *,
    actor: Actor,
    question: Question,
    to_status: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
    params: dict[str, Any] | None = None,
) -> Question:
    """Move a question to `to_status` if `states.TRANSITIONS` allows it and the actor may.

    `changes` are the fields the new status needs (the adopting project, the answer, the
    reason, the merge target); the fields of the status being left are cleared, and the
    database constraints check that the two agree. `params` fill the notification message.
    The row is locked, so two people deciding at once cannot both move it.
    """
    permissions.require(actor, "question.view", question)
    locked = Question.objects.select_for_update().get(pk=question.pk)
    locked.project = question.project  # already loaded; the lock needs only the row
    transition = states.transition_between(locked.status, to_status)
    if transition is None:
        raise InvalidTransitionError(
            _("A question that is “%(source)s” cannot become “%(target)s”.")
            % {"source": locked.get_status_display(), "target": _status_label(to_status)}
        )
    permissions.require(actor, transition.permission, locked)
    actor = signed_in(actor)
    source = locked.status
    values: dict[str, Any] = {"status": to_status, "status_changed_at": timezone.now()}
    if source == Question.Status.DECLINED:
        values["decline_reason"] = ""
    values.update(changes or {})
    for name, value in values.items():
        setattr(locked, name, value)
    try:
        locked.full_clean(exclude=["proposer", "project"], validate_unique=False)
    except ValidationError as error:
        raise InvalidInputError(
            _("The question has invalid values."), details=error.message_dict
        ) from None
    locked.save(update_fields=[*values, "updated_at"])
    note = note.strip()
    QuestionStatusChange.objects.create(
        question=locked, from_status=source, to_status=to_status, actor=actor, note=note
    )
    details = {name: str(value) for name, value in (params or {}).items()}
    audit_record(
        actor=actor,
        action=f"question.{transition.action}",
        target=locked,
        details={"from": source, "to": to_status, "note": note, **details},
    )
    notification_send(
        recipients=selectors.question_audience(question=locked),
        kind=f"question.{transition.action}",
        message=transition.message,
        params={"question": locked.text, **(params or {})},
        url=locked.get_absolute_url(),
        actor=actor,
    )
    for name in [*values, "updated_at"]:
        setattr(question, name, getattr(locked, name))
    return question


def question_consider(*, actor: Actor, question: Question, note: str = "") -> Question:
    """Put a proposed (or earlier declined) question under consideration."""
    return question_transition(
        actor=actor, question=question, to_status=Question.Status.UNDER_CONSIDERATION, note=note
    )


@transaction.atomic
def question_adopt(
    *,
    actor: Actor,
    question: Question,
    project: Project | None = None,
    new_project_name: str = "",
    note: str = "",
) -> Question:
    """Link the question to the project that takes it up, or start one from it.

    An existing project must be one the actor may edit; for a question of the Lab-wide board
    it must also be approved by Lab staff (`question.adopt_into`), or the actor is Lab staff.
    Without one, a new incubating project is created with the actor as owner, the question as
    its research question and the question's domains and place; the proposer is invited to
    its team by e-mail.
    """
    _check_allowed(actor=actor, question=question, to_status=Question.Status.ADOPTED)
    actor = signed_in(actor)
    created = project is None
    if project is None:
        project = _project_from_question(actor=actor, question=question, name=new_project_name)
    else:
        permissions.require(actor, "project.edit", project)
        if project.status == Project.Status.ARCHIVED:
            raise InvalidInputError(
                _("An archived project cannot take up a question."),
                code=ProblemCode.PROJECT_ARCHIVED,
            )
        if question.project_id is None and not permissions.has_permission(
            actor, "question.adopt_into", project
        ):
            raise PermissionDeniedError(
                _(
                    "A question from the Lab-wide board is taken up by a project Lab staff "
                    "approved. Choose one of your approved projects, or ask Lab staff."
                ),
                code=ProblemCode.PROJECT_NOT_APPROVED,
            )
    question_transition(
        actor=actor,
        question=question,
        to_status=Question.Status.ADOPTED,
        changes={"adopted_project": project},
        note=note,
        params={"project": project.name},
    )
    if created:
        _invite_proposer(actor=actor, question=question, project=project)
    return question


def question_answer(
    *, actor: Actor, question: Question, answer: str, links: Iterable[Any] = (), note: str = ""
) -> Question:
    """Record the answer to an adopted question, in plain language, with links to outputs.

    Each link is `{"title": ..., "url": ...}` with an http(s) address.
    """
    answer = answer.strip()
    if not answer:
        raise InvalidInputError(
            _("Write the answer in plain language."), details={"answer": [_("Required.")]}
        )
    return question_transition(
        actor=actor,
        question=question,
        to_status=Question.Status.ANSWERED,
        changes={"answer": answer, "answer_links": clean_links(links)},
        note=note,
    )


def question_decline(*, actor: Actor, question: Question, reason: str) -> Question:
    """Decline a question with a public reason (required: people deserve to know why)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInputError(
            _("Say publicly why the question is declined."), details={"reason": [_("Required.")]}
        )
    return question_transition(
        actor=actor,
        question=question,
        to_status=Question.Status.DECLINED,
        changes={"decline_reason": reason},
        note=reason,
        params={"reason": reason},
    )


@transaction.atomic
def question_merge(*, actor: Actor, question: Question, into: Question, note: str = "") -> Question:
    """Merge a duplicate into another question, carrying its people over.

    Its supporters support the other question and its proposer and followers follow it, each
    at most once (the unique constraints decide); the other question's support count is
    recounted under its row lock. Both questions are locked in id order, so two merges at
    once cannot deadlock or cross.
    """
    if into.pk == question.pk:
        raise InvalidInputError(
            _("A question cannot be merged into itself."), code=ProblemCode.MERGE_INTO_ITSELF
        )
    permissions.require(actor, "question.view", into)
    permissions.require(actor, "question.moderate", into)
    actor = signed_in(actor)
    list(Question.objects.select_for_update().filter(pk__in=[question.pk, into.pk]).order_by("pk"))
    into.refresh_from_db(fields=["status", "merged_into"])
    if into.status == Question.Status.MERGED:
        raise ConflictError(
            _("That question was itself merged into another; merge into that one."),
            code=ProblemCode.MERGE_TARGET_MERGED,
        )
    question_transition(
        actor=actor,
        question=question,
        to_status=Question.Status.MERGED,
        changes={"merged_into": into},
        note=note,
        params={"target": into.text},
    )
    supporters = Support.objects.filter(question=question).values_list("user_id", flat=True)
    Support.objects.bulk_create(
        [Support(question=into, user_id=user_id) for user_id in supporters],
        ignore_conflicts=True,
    )
    followers = set(Follow.objects.filter(question=question).values_list("user_id", flat=True))
    if question.proposer_id is not None:
        followers.add(question.proposer_id)
    Follow.objects.bulk_create(
        [Follow(question=into, user_id=user_id) for user_id in sorted(followers)],
        ignore_conflicts=True,
    )
    Question.objects.filter(pk=into.pk).update(
        support_count=Support.objects.filter(question=into).count()
    )
    into.refresh_from_db(fields=["support_count"])
    return question


@dataclass
class BulkOutcome:
    """What a bulk action did: the questions changed, and the ones refused with why."""

    done: list[Question] = field(default_factory=list)
    refused: list[tuple[Question, str]] = field(default_factory=list)


BULK_ACTIONS = ("consider", "decline", "merge")


def question_bulk_triage(
    *,
    actor: User,
    questions: Sequence[Question],
    action: str,
    reason: str = "",
    into: Question | None = None,
) -> BulkOutcome:
    """Apply one triage action to many questions; each succeeds or is refused on its own.

    `consider` puts them under consideration, `decline` declines them all with one reason,
    `merge` merges them into `into` (which is skipped if it is among them).
    """
    if action not in BULK_ACTIONS:
        raise InvalidInputError(
            _("Choose what to do with the selected questions."), code=ProblemCode.UNKNOWN_ACTION
        )
    if action == "decline" and not reason.strip():
        raise InvalidInputError(
            _("Say publicly why the questions are declined."), details={"reason": [_("Required.")]}
        )
    if action == "merge" and into is None:
        raise InvalidInputError(
            _("Choose the question to merge into."), details={"into": [_("Required.")]}
        )
    outcome = BulkOutcome()
    for question in questions:
        if into is not None and question.pk == into.pk:
            continue
        try:
            with transaction.atomic():
                if action == "consider":
                    question_consider(actor=actor, question=question, note=reason)
                elif action == "decline":
                    question_decline(actor=actor, question=question, reason=reason)
                elif into is not None:
                    question_merge(actor=actor, question=question, into=into, note=reason)
        except DomainError as error:
            outcome.refused.append((question, error.message))
        else:
            outcome.done.append(question)
    return outcome


def question_tell_project_status(*, project: Project, source: str) -> int:
    """Tell the people of every question a project took up that it started or completed.

    Called after a project's status change from `source` has committed; a project starts when
    Lab staff approve it (coming back from a pause is not news). Return how many were told.
    """
    message = states.PROJECT_STATUS_MESSAGES.get(project.status)
    if message is None or (
        project.status == Project.Status.ACTIVE and source != Project.Status.IN_REVIEW
    ):
        return 0
    told = 0
    adopted = Question.objects.filter(
        adopted_project=project,
        status__in=[Question.Status.ADOPTED, Question.Status.ANSWERED],
    ).select_related("project")
    for question in adopted:
        with transaction.atomic():
            told += len(
                notification_send(
                    recipients=selectors.question_audience(question=question),
                    kind=f"question.project_{project.status}",
                    message=message,
                    params={"project": project.name, "question": question.text},
                    url=question.get_absolute_url(),
                )
            )
    return told


def clean_links(links: Iterable[Any]) -> list[dict[str, str]]:
    """Return answer links as `{"title", "url"}` dicts, or raise InvalidInputError."""
    cleaned: list[dict[str, str]] = []
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        title = str((link or {}).get("title", "")).strip() if isinstance(link, dict) else ""
        url = str((link or {}).get("url", "")).strip() if isinstance(link, dict) else ""
        if not url:
            continue
        try:
            validate(url)
        except ValidationError:
            raise InvalidInputError(
                _("“%(url)s” is not a web address.") % {"url": url},
                code=ProblemCode.INVALID_LINK,
                details={"links": [_("Use http:// or https:// addresses.")]},
            ) from None
        cleaned.append({"title": (title or url)[:200], "url": url[:500]})
    if len(cleaned) > MAX_ANSWER_LINKS:
        raise InvalidInputError(
            _("Give at most %(count)d links.") % {"count": MAX_ANSWER_LINKS},
            details={"links": [_("Too many.")]},
        )
    return cleaned


def _check_allowed(*, actor: Actor, question: Question, to_status: str) -> None:
    """Refuse early, before side effects such as creating a project (rechecked under lock)."""
    permissions.require(actor, "question.view", question)
    transition = states.transition_between(question.status, to_status)
    if transition is None:
        raise InvalidTransitionError(
            _("A question that is “%(source)s” cannot become “%(target)s”.")
            % {"source": question.get_status_display(), "target": _status_label(to_status)}
        )
    permissions.require(actor, transition.permission, question)


def _project_from_question(*, actor: User, question: Question, name: str) -> Project:

    name = " ".join(name.split()) or question.text.rstrip("?")[:200]
    extent: Any = question.area
    if extent is None and question.latitude is not None:
        extent = {"type": "Point", "coordinates": [question.longitude, question.latitude]}
    return project_create(
        actor=actor,
        name=name,
        owner=actor,
        status=Project.Status.INCUBATING,
        initiator_type=InitiatorType.CO_CREATED,
        # Listed once Lab staff approve it, so the people who asked can find it; until then
        # only its team and Lab staff see it, whatever its visibility.
        visibility=Project.Visibility.PUBLIC,
        research_questions=question.text,
        aim=question.why_it_matters,
        locality=question.place_name,
        tags={"domain": question.domain_values()},
        geographic_extent=extent,
    )


def _invite_proposer(*, actor: User, question: Question, project: Project) -> None:
    """Invite the proposer to the new project's team, and tell them so."""
    proposer = question.proposer
    if proposer is None or proposer.pk == getattr(actor, "pk", None) or not proposer.is_active:
        return

    try:
        invitation_send(actor=actor, project=project, email=proposer.email, role="member")
    except ConflictError:
        return
    notification_send(
        recipients=[proposer],
        kind="question.invited",
        message=gettext_noop(
            "You are invited to join the team of “%(project)s”, the new project made from your "
            "question. The invitation link is in your e-mail."
        ),
        params={"project": project.name},
        url=question.get_absolute_url(),
        actor=actor,
        email=False,
    )


def _status_label(status: str) -> str:
    try:
        return str(Question.Status(status).label)
    except ValueError:
        return status
