"""Recording classifications: submit, undo, expert decisions, merging anonymous sessions.

Submitting locks the subject's row in the workflow (`select_for_update`) for the rest of the
transaction, so the count, the retirement check and the classification are one atomic step:
two volunteers finishing the same subject at once both count, in turn, and the subject retires
exactly once. A subject that is already retired still takes the classification (kept, marked
`counted=False`). "Never twice" is the unique constraint: a repeat of the same request returns
the stored classification.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cslab.classification import retirement
from cslab.classification.assignment import Identity
from cslab.classification.models import (
    Classification,
    ExpertDecision,
    Subject,
    Workflow,
    WorkflowSubject,
)
from cslab.classification.task_definitions import answers_match, clean_answers
from cslab.consent.models import ConsentVersion
from cslab.consent.services.consent import consent_version_in_force_for
from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none, signed_in
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record

UNDO_WINDOW = timedelta(minutes=2)


def _lock_state(workflow: Workflow, subject: Subject) -> WorkflowSubject:
    state = (
        WorkflowSubject.objects.select_for_update()
        .filter(workflow_id=workflow.pk, subject_id=subject.pk)
        .first()
    )
    if state is None:
        raise NotFoundError(_("This subject is not part of the workflow."))
    return state


# Reads one subject's posterior tally for early retirement. The consensus area registers it (the
# posterior weighs each answer with the skill its aggregation stored): consensus reads this
# area's classifications, so this area names no consensus module.
VotesReader = Callable[[Workflow, int], retirement.Tally | None]
_votes_readers: list[VotesReader] = []


def votes_reader_register(reader: VotesReader) -> None:
    """Set how early retirement reads a subject's votes (registered once, at start-up)."""
    _votes_readers[:] = [reader]


def _votes(workflow: Workflow, subject_id: int) -> retirement.Tally | None:
    if not _votes_readers:
        raise ImproperlyConfigured("Early retirement needs the consensus app's votes reader.")
    return _votes_readers[0](workflow, subject_id)


def _apply_retirement_rule(workflow: Workflow, state: WorkflowSubject, now: Any) -> None:
    """Retire or un-retire the subject after its count changed. Caller holds the row lock.

    Gold subjects never retire on count or consensus (they keep teaching newcomers), and an
    expert's decision is final.
    """
    if state.is_gold or state.retirement_reason == WorkflowSubject.Reason.EXPERT:
        return
    reason = retirement.retirement_reason(
        count=state.classification_count,
        retirement_count=workflow.retirement_count,
        votes=_votes(workflow, state.subject_id) if workflow.has_early_retirement else None,
        min_agreeing=workflow.consensus_agreeing,
        min_confidence=workflow.consensus_confidence,
    )
    if reason and state.retired_at is None:
        state.retired_at, state.retirement_reason = now, reason
    elif reason is None and state.retired_at is not None:
        state.retired_at, state.retirement_reason = None, ""


def _existing(workflow: Workflow, subject: Subject, identity: Identity) -> Classification | None:
    return Classification.objects.filter(
        workflow_id=workflow.pk, subject_id=subject.pk, **identity.classification_filter()
    ).first()


def classification_submit(
    *,
    identity: Identity,
    workflow: Workflow,
    subject: Subject,
    answers: Any,
) -> tuple[Classification, bool]:
    """Record the identity's answers about a subject; return (classification, created).

    A repeat with the same answers returns the stored classification (created False); other
    answers for a subject already classified raise ConflictError `already_classified`.
    A project with a published consent version needs the volunteer's consent to the version in
    force (ConflictError `consent_required`; an anonymous visitor is asked to log in first);
    the classification keeps that version.
    """
    permissions.require(identity.user, "workflow.classify", workflow)
    if identity.is_anonymous and not identity.session_identity:
        raise InvalidInputError(_("A session is needed to classify without an account."))
    cleaned = clean_answers(workflow.tasks, answers)
    consent_version = consent_version_in_force_for(actor=identity.user, project=workflow.project)
    try:
        with transaction.atomic():
            return _record(
                identity=identity,
                workflow=workflow,
                subject=subject,
                answers=cleaned,
                consent_version=consent_version,
            )
    except IntegrityError:
        # A concurrent request of the same identity stored it first (only possible where the
        # database does not honour the row lock); the constraint kept it to one.
        stored = _existing(workflow, subject, identity)
        if stored is None:
            raise
        return _same_or_conflict(stored, cleaned), False


def _same_or_conflict(stored: Classification, answers: dict[str, Any]) -> Classification:
    if stored.answers != answers:
        raise ConflictError(
            _("You have already classified this subject."), code=ProblemCode.ALREADY_CLASSIFIED
        )
    return stored


def _record(
    *,
    identity: Identity,
    workflow: Workflow,
    subject: Subject,
    answers: dict[str, Any],
    consent_version: ConsentVersion | None,
) -> tuple[Classification, bool]:
    state = _lock_state(workflow, subject)
    stored = _existing(workflow, subject, identity)
    if stored is not None:
        return _same_or_conflict(stored, answers), False
    counted = state.retired_at is None
    classification = Classification(
        workflow=workflow,
        subject=subject,
        volunteer=person_or_none(identity.user),
        session_identity=identity.session_identity if identity.is_anonymous else "",
        answers=answers,
        consent_version=consent_version,
        counted=counted,
        gold_matched=(
            answers_match(workflow.tasks, answers, subject.gold_answers)
            if subject.is_gold
            else None
        ),
    )
    classification.save()
    if counted:
        state.classification_count += 1
        _apply_retirement_rule(workflow, state, timezone.now())
        state.save(update_fields=["classification_count", "retired_at", "retirement_reason"])
    return classification, True


def classification_undo(*, identity: Identity, workflow: Workflow) -> Classification:
    """Take back the identity's last classification in the workflow, if it is recent
    (UNDO_WINDOW); its subject is offered again. Returns the removed classification."""
    last = (
        Classification.objects.filter(workflow_id=workflow.pk, **identity.classification_filter())
        .select_related("subject")
        .order_by("-created_at", "-id")
        .first()
        if identity.user.is_authenticated or identity.session_identity
        else None
    )
    if last is None:
        raise NotFoundError(_("There is nothing to undo."))
    if timezone.now() - last.created_at > UNDO_WINDOW:
        raise ConflictError(
            _("It is too late to undo this answer."), code=ProblemCode.UNDO_TOO_LATE
        )
    with transaction.atomic():
        state = _lock_state(workflow, last.subject)
        removed_id = last.pk
        last.delete()
        last.pk = removed_id  # the caller reports which classification was taken back
        if last.counted:
            state.classification_count = max(0, state.classification_count - 1)
            _apply_retirement_rule(workflow, state, timezone.now())
            state.save(update_fields=["classification_count", "retired_at", "retirement_reason"])
    return last


@transaction.atomic
def subject_decide(
    *, actor: Actor, workflow: Workflow, subject: Subject, answers: Any, note: str = ""
) -> ExpertDecision:
    """Settle a subject by an expert's answers: retire it ("expert"), record and audit the
    decision, and keep the answers as the subject's gold answers."""
    permissions.require(actor, "workflow.review", workflow)
    actor = signed_in(actor)
    cleaned = clean_answers(workflow.tasks, answers)
    state = _lock_state(workflow, subject)
    if ExpertDecision.objects.filter(workflow=workflow, subject=subject).exists():
        raise ConflictError(
            _("An expert has already decided this subject."), code=ProblemCode.DECIDED
        )
    decision = ExpertDecision(
        workflow=workflow, subject=subject, decided_by=actor, answers=cleaned, note=note.strip()
    )
    decision.full_clean(exclude=["decided_by"])
    decision.save()
    state.retired_at = state.retired_at or timezone.now()
    state.retirement_reason = WorkflowSubject.Reason.EXPERT
    state.save(update_fields=["retired_at", "retirement_reason"])
    subject.is_gold, subject.gold_answers = True, cleaned
    subject.gold_explanation = note.strip() or subject.gold_explanation
    subject.save(update_fields=["is_gold", "gold_answers", "gold_explanation"])
    audit_record(
        actor=actor,
        action="classification.expert_decision",
        target=subject,
        details={"workflow": workflow.pk, "answers": cleaned, "note": note.strip()},
    )
    return decision


@transaction.atomic
def classification_merge_session(*, user: Actor, session_identity: str) -> int:
    """Give a signed-in volunteer the classifications made anonymously in this session.

    Where they had already classified the same subject from their account, the anonymous
    one is removed (and uncounted), so "never twice" still holds. Returns how many moved.
    """
    person = person_or_none(user)
    if not session_identity or person is None:
        return 0
    session_rows = Classification.objects.filter(
        volunteer__isnull=True, session_identity=session_identity
    )
    anonymous = session_rows.select_for_update()
    held = set(
        Classification.objects.filter(
            volunteer_id=person.pk, subject_id__in=session_rows.values("subject_id")
        ).values_list("workflow_id", "subject_id")
    )  # one query for every "already classified from the account", not one per classification
    moved = 0
    for classification in anonymous:
        if (classification.workflow_id, classification.subject_id) in held:
            if classification.counted:
                WorkflowSubject.objects.filter(
                    workflow_id=classification.workflow_id, subject_id=classification.subject_id
                ).update(classification_count=F("classification_count") - 1)
            classification.delete()
            continue
        classification.volunteer, classification.session_identity = person, ""
        classification.save(update_fields=["volunteer", "session_identity"])
        moved += 1
    return moved
