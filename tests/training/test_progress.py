"""Progress: finishing lessons, quiz attempts, prerequisites, the certificate."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotAuthenticatedError,
    NotFoundError,
    PayloadTooLargeError,
)
from cslab.core.problems import ProblemCode
from cslab.notifications.models import Notification
from cslab.training.learning_paths import module_progress, my_training
from cslab.training.models import Certificate, LessonCompletion, QuizAttempt, TrainingModule
from cslab.training.services.progress import lesson_complete, quiz_attempt_submit
from tests.factories import UserFactory
from tests.training.factories import make_module

pytestmark = [pytest.mark.django_db]


def _right_answers(lesson: Any) -> dict[str, list[int]]:
    return {
        str(question.pk): [choice.pk for choice in question.choices.all() if choice.correct]
        for question in lesson.questions.all()
    }


def _wrong_answers(lesson: Any) -> dict[str, list[int]]:
    return {
        str(question.pk): [choice.pk for choice in question.choices.all() if not choice.correct]
        for question in lesson.questions.all()
    }


def test_a_locked_lesson_cannot_be_finished_until_its_prerequisite_is() -> None:
    person = UserFactory()
    first, second, _third = make_module(lessons=3, quiz_on_last=False).lessons.all()
    with pytest.raises(ConflictError) as caught:
        lesson_complete(actor=person, lesson=second)
    assert caught.value.code == ProblemCode.LESSON_LOCKED
    assert first.title in caught.value.message
    lesson_complete(actor=person, lesson=first)
    lesson_complete(actor=person, lesson=second)
    assert LessonCompletion.objects.filter(user=person).count() == 2


def test_finishing_a_lesson_twice_keeps_one_completion() -> None:
    person = UserFactory()
    lesson = make_module(lessons=2, quiz_on_last=False).lessons.first()
    lesson_complete(actor=person, lesson=lesson)
    lesson_complete(actor=person, lesson=lesson)
    assert LessonCompletion.objects.filter(user=person).count() == 1


def test_a_lesson_with_a_quiz_is_finished_only_by_passing_it() -> None:
    person = UserFactory()
    lesson = make_module(lessons=1).lessons.get()
    with pytest.raises(ConflictError) as caught:
        lesson_complete(actor=person, lesson=lesson)
    assert caught.value.code == ProblemCode.QUIZ_NOT_PASSED
    failed = quiz_attempt_submit(actor=person, lesson=lesson, answers=_wrong_answers(lesson))
    assert not failed.passed
    assert failed.score_percent == 0
    assert not LessonCompletion.objects.filter(user=person).exists()
    passed = quiz_attempt_submit(actor=person, lesson=lesson, answers=_right_answers(lesson))
    assert passed.passed
    assert (passed.correct_count, passed.question_count, passed.score_percent) == (2, 2, 100)
    assert LessonCompletion.objects.filter(user=person, lesson=lesson).exists()
    assert QuizAttempt.objects.filter(user=person).count() == 2


def test_finishing_every_lesson_issues_one_certificate_with_a_notification() -> None:
    person = UserFactory(display_name="Ada Lovelace")
    module = make_module(lessons=2)
    first, last = module.lessons.all()
    lesson_complete(actor=person, lesson=first)
    assert not Certificate.objects.exists()
    quiz_attempt_submit(actor=person, lesson=last, answers=_right_answers(last))
    quiz_attempt_submit(actor=person, lesson=last, answers=_right_answers(last))
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.module, certificate.holder_name) == (
        person,
        module,
        "Ada Lovelace",
    )
    assert certificate.module_title == module.title
    notification = Notification.objects.get(recipient=person, kind="training.certificate")
    assert certificate.code in notification.url
    progress = module_progress(person, module)
    assert progress.complete and progress.certificate == certificate
    assert [row.module for row in my_training(person).completed] == [module]


def test_answers_naming_other_lessons_choices_count_wrong() -> None:
    person = UserFactory()
    lesson = make_module(lessons=1).lessons.get()
    other = make_module(lessons=1).lessons.get()
    foreign = {
        str(q.pk): ids
        for q, ids in zip(lesson.questions.all(), _right_answers(other).values(), strict=True)
    }
    attempt = quiz_attempt_submit(actor=person, lesson=lesson, answers=foreign)
    assert attempt.correct_count == 0
    assert attempt.answers == {str(q.pk): [] for q in lesson.questions.all()}


def test_garbage_answers_are_ignored_and_huge_ones_refused() -> None:
    person = UserFactory()
    lesson = make_module(lessons=1).lessons.get()
    attempt = quiz_attempt_submit(actor=person, lesson=lesson, answers={"x": ["y"], "-1": ["1e9"]})
    assert attempt.correct_count == 0
    with pytest.raises(PayloadTooLargeError):
        quiz_attempt_submit(
            actor=person, lesson=lesson, answers={str(n): [1] for n in range(1, 60)}
        )
    with pytest.raises(PayloadTooLargeError):
        quiz_attempt_submit(actor=person, lesson=lesson, answers={"1": list(range(1000))})


def test_a_lesson_without_quiz_refuses_an_attempt() -> None:
    lesson = make_module(lessons=1, quiz_on_last=False).lessons.get()
    with pytest.raises(InvalidInputError):
        quiz_attempt_submit(actor=UserFactory(), lesson=lesson, answers={})


def test_anonymous_visitors_must_sign_in_to_save_progress() -> None:
    lesson = make_module(lessons=1, quiz_on_last=False).lessons.get()
    with pytest.raises(NotAuthenticatedError):
        lesson_complete(actor=AnonymousUser(), lesson=lesson)


def test_progress_in_a_draft_is_hidden_and_in_a_retired_module_refused() -> None:
    draft = make_module(lessons=1, quiz_on_last=False, status=TrainingModule.Status.DRAFT)
    with pytest.raises(NotFoundError):
        lesson_complete(actor=UserFactory(), lesson=draft.lessons.get())
    retired = make_module(lessons=1, quiz_on_last=False, status=TrainingModule.Status.RETIRED)
    with pytest.raises(ConflictError) as caught:
        lesson_complete(actor=UserFactory(), lesson=retired.lessons.get())
    assert caught.value.code == ProblemCode.MODULE_NOT_OPEN


def test_module_progress_says_which_lessons_are_locked_and_why() -> None:
    person = UserFactory()
    module = make_module(lessons=3, quiz_on_last=False)
    first, second, third = module.lessons.all()
    lesson_complete(actor=person, lesson=first)
    progress = module_progress(person, module)
    states = {state.lesson.pk: state for state in progress.lessons}
    assert states[first.pk].done
    assert not states[second.pk].locked
    assert states[third.pk].locked and states[third.pk].missing == [second]
    assert progress.next_lesson == second
    assert progress.percent == 33
    assert [row.module for row in my_training(person).in_progress] == [module]
