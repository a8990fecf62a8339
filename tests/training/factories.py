"""Training modules, lessons and quizzes for tests, stored directly."""

from typing import Any

from django.utils import timezone

from cslab.training.models import (
    Certificate,
    Lesson,
    QuizChoice,
    QuizQuestion,
    TrainingModule,
)

_counter = iter(range(1, 10**9))


def make_module(
    *,
    created_by: Any = None,
    status: str = TrainingModule.Status.PUBLISHED,
    title: str | None = None,
    lessons: int = 2,
    quiz_on_last: bool = True,
    chained: bool = True,
    **fields: Any,
) -> TrainingModule:
    """Store a module with `lessons` lessons; each requires the one before (`chained`); the
    last has a two-question quiz (pass mark 50 %) when `quiz_on_last`."""
    number = next(_counter)
    module = TrainingModule.objects.create(
        slug=fields.pop("slug", f"module-{number}"),
        title=title or f"Module {number}",
        summary=fields.pop("summary", f"Summary of module {number}."),
        status=status,
        created_by=created_by,
        published_at=timezone.now() if status != TrainingModule.Status.DRAFT else None,
        **fields,
    )
    previous: Lesson | None = None
    for position in range(lessons):
        is_last = position == lessons - 1
        lesson = Lesson.objects.create(
            module=module,
            slug=f"lesson-{position + 1}",
            title=f"Lesson {position + 1} of module {number}",
            body=f"Text of lesson {position + 1}.",
            position=position,
            pass_mark_percent=50 if is_last and quiz_on_last else None,
        )
        if chained and previous is not None:
            lesson.prerequisites.add(previous)
        if is_last and quiz_on_last:
            make_quiz_question(lesson=lesson, text="Which is right?", answers=["Right", "Wrong"])
            make_quiz_question(
                lesson=lesson,
                text="Which are right?",
                answers=["Right one", "Right two", "Wrong"],
                correct=[0, 1],
                kind=QuizQuestion.Kind.MULTIPLE,
            )
        previous = lesson
    return module


def make_quiz_question(
    *,
    lesson: Lesson,
    text: str,
    answers: list[str],
    correct: list[int] | None = None,
    kind: str = QuizQuestion.Kind.SINGLE,
) -> QuizQuestion:
    """Store a question; `correct` lists the indexes of the right answers (default: the first)."""
    right = set(correct if correct is not None else [0])
    question = QuizQuestion.objects.create(
        lesson=lesson, text=text, kind=kind, position=lesson.questions.count()
    )
    for position, answer in enumerate(answers):
        QuizChoice.objects.create(
            question=question, text=answer, correct=position in right, position=position
        )
    return question


def make_certificate(*, user: Any, module: TrainingModule, **fields: Any) -> Certificate:
    return Certificate.objects.create(
        user=user,
        module=module,
        holder_name=fields.pop("holder_name", str(user)),
        module_title=module.title,
        **fields,
    )
