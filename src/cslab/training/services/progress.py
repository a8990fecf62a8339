"""Recording a person's progress: finishing lessons, quiz attempts, and the certificate.

A lesson opens when the lessons it requires are finished (409 LESSON_LOCKED otherwise); a lesson
with a quiz is finished only by passing the quiz (409 QUIZ_NOT_PASSED for "mark as done").
Progress is saved in published modules only. When the last lesson of a module is finished, the
`Certificate` is issued in the same transaction (once: `training_certificate_once`) and the
person is told, with a link to the verification page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.core import permissions
from cslab.core.actors import Actor, signed_in
from cslab.core.errors import ConflictError, InvalidInputError, PayloadTooLargeError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.notifications.services.notifications import notification_send
from cslab.training import quiz
from cslab.training.learning_paths import certificate_url, completed_lesson_ids
from cslab.training.models import (
    Certificate,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    TrainingModule,
)
from cslab.training.vocabulary import MAX_ANSWERS, MAX_QUESTIONS_PER_LESSON


@transaction.atomic
def lesson_complete(*, actor: Actor, lesson: Lesson) -> LessonCompletion:
    """Record that the person finished a lesson without a quiz (again: no change)."""
    _require_open(actor, lesson)
    if lesson.has_quiz:
        raise ConflictError(
            _("This lesson has a quiz: pass it to finish the lesson."),
            code=ProblemCode.QUIZ_NOT_PASSED,
        )
    return _complete(actor, lesson)


@transaction.atomic
def quiz_attempt_submit(
    *, actor: Actor, lesson: Lesson, answers: Mapping[Any, Iterable[Any]]
) -> QuizAttempt:
    """Score and store an attempt at the lesson's quiz; finish the lesson when it is passed.

    `answers` maps question IDs to the chosen choice IDs; IDs that are not the lesson's are
    ignored (and so count wrong). More than MAX_ANSWERS answers in all is refused (413).
    """
    _require_open(actor, lesson)
    if not lesson.has_quiz:
        raise InvalidInputError(_("This lesson has no quiz."))
    parsed = _parse_answers(answers)
    questions = list(lesson.questions.prefetch_related("choices"))
    scored = [
        quiz.Question(
            id=question.pk,
            choice_ids=frozenset(choice.pk for choice in question.choices.all()),
            correct_ids=frozenset(choice.pk for choice in question.choices.all() if choice.correct),
            multiple=question.kind == question.Kind.MULTIPLE,
        )
        for question in questions
    ]
    score = quiz.score_quiz(scored, parsed, pass_mark_percent=lesson.pass_mark_percent or 100)
    stored_answers = {
        str(question.id): sorted(parsed.get(question.id, set()) & question.choice_ids)
        for question in scored
    }
    attempt = QuizAttempt.objects.create(
        user=signed_in(actor),
        lesson=lesson,
        answers=stored_answers,
        correct_count=score.correct_count,
        question_count=score.question_count,
        score_percent=score.percent,
        passed=score.passed,
    )
    if score.passed:
        _complete(actor, lesson)
    return attempt


def _require_open(actor: Actor, lesson: Lesson) -> None:
    module = lesson.module
    permissions.require(actor, "training.module.view", module)
    permissions.require(actor, "training.progress.record")
    if module.status != TrainingModule.Status.PUBLISHED:
        raise ConflictError(
            _("Progress is saved only in published modules."), code=ProblemCode.MODULE_NOT_OPEN
        )
    done = completed_lesson_ids(actor, module)
    missing = [required.title for required in lesson.prerequisites.all() if required.pk not in done]
    if missing:
        raise ConflictError(
            _("Finish these lessons first: %(lessons)s.") % {"lessons": ", ".join(missing)},
            code=ProblemCode.LESSON_LOCKED,
        )


def _parse_answers(answers: Mapping[Any, Iterable[Any]]) -> dict[int, set[int]]:
    if len(answers) > MAX_QUESTIONS_PER_LESSON:
        raise PayloadTooLargeError(_("Too many answers."), code=ProblemCode.PAYLOAD_TOO_LARGE)
    parsed: dict[int, set[int]] = {}
    total = 0
    for key, chosen in answers.items():
        question_id = _as_id(key)
        values = [chosen] if isinstance(chosen, (str, int)) else list(chosen)
        total += len(values)
        if total > MAX_ANSWERS:
            raise PayloadTooLargeError(_("Too many answers."), code=ProblemCode.PAYLOAD_TOO_LARGE)
        if question_id is None:
            continue
        parsed[question_id] = {value for value in map(_as_id, values) if value is not None}
    return parsed


def _as_id(value: Any) -> int | None:
    try:
        number = int(str(value)[:12])
    except ValueError:
        return None
    return number if number > 0 else None


def _complete(actor: Actor, lesson: Lesson) -> LessonCompletion:
    user = signed_in(actor)
    try:
        with transaction.atomic():
            completion, created = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    except IntegrityError:
        # Finished in another request at the same moment: the unique constraint kept one.
        completion, created = LessonCompletion.objects.get(user=user, lesson=lesson), False
    if created:
        _issue_certificate_if_complete(user, lesson.module)
    return completion


def _issue_certificate_if_complete(user: Any, module: TrainingModule) -> Certificate | None:
    lesson_ids = set(module.lessons.values_list("pk", flat=True))
    if not lesson_ids or not lesson_ids <= completed_lesson_ids(user, module):
        return None
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user,
                module=module,
                holder_name=(user.display_name or user.public_name)[:200],
                module_title=module.title[:200],
            )
    except IntegrityError:
        return None  # issued already (once per person and module)
    audit_record(actor=user, action="training.certificate.issue", target=certificate)
    notification_send(
        recipients=[user],
        kind="training.certificate",
        message=gettext_noop("You completed “%(module)s”: your certificate is ready."),
        params={"module": module.title},
        url=certificate_url(certificate),
    )
    return certificate
