"""Reading a learning path for one person: which lessons are done, open or locked (and why),
how far they are, and their certificates. Visibility is `selectors.module_get`'s; these reads
take a module the viewer may already open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import NoReverseMatch

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import NotFoundError
from cslab.training import quiz
from cslab.training.models import (
    Certificate,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    TrainingModule,
)
from cslab.training.selectors import module_get, module_list_listed


@dataclass
class LessonState:
    lesson: Lesson
    number: int
    done: bool
    # The unfinished lessons this one requires (empty: open).
    missing: list[Lesson] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return not self.done and bool(self.missing)


@dataclass
class ModuleProgress:
    module: TrainingModule
    lessons: list[LessonState]
    certificate: Certificate | None = None

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.lessons if state.done)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return (100 * self.done_count) // self.total if self.total else 0

    @property
    def started(self) -> bool:
        return self.done_count > 0

    @property
    def complete(self) -> bool:
        return bool(self.total) and self.done_count == self.total

    @property
    def next_lesson(self) -> Lesson | None:
        """Return the first lesson neither done nor locked (where Start/Continue leads)."""
        for state in self.lessons:
            if not state.done and not state.locked:
                return state.lesson
        return None

    def state_of(self, lesson: Lesson) -> LessonState:
        for state in self.lessons:
            if state.lesson.pk == lesson.pk:
                return state
        raise NotFoundError()


def _person_id(viewer: Actor) -> int | None:
    person = person_or_none(viewer)
    return person.pk if person is not None else None


def completed_lesson_ids(user: Actor, module: TrainingModule) -> set[int]:
    person_id = _person_id(user)
    if person_id is None:
        return set()
    return set(
        LessonCompletion.objects.filter(user_id=person_id, lesson__module=module).values_list(
            "lesson_id", flat=True
        )
    )


def module_progress(viewer: Actor, module: TrainingModule) -> ModuleProgress:
    """Return the viewer's state of every lesson of the module, in order (anonymous: none done)."""
    lessons = list(module.lessons.prefetch_related("prerequisites").order_by("position", "id"))
    done = completed_lesson_ids(viewer, module)
    states = [
        LessonState(
            lesson=lesson,
            number=number,
            done=lesson.pk in done,
            missing=[
                required
                for required in sorted(lesson.prerequisites.all(), key=lambda item: item.position)
                if required.pk not in done
            ],
        )
        for number, lesson in enumerate(lessons, start=1)
    ]
    certificate = None
    person_id = _person_id(viewer)
    if person_id is not None:
        certificate = Certificate.objects.filter(user_id=person_id, module=module).first()
    return ModuleProgress(module=module, lessons=states, certificate=certificate)


def lesson_get(viewer: Actor, slug: str, lesson_slug: str) -> Lesson:
    """Return the lesson if the viewer may open its module, or raise NotFoundError."""
    module = module_get(viewer, slug)
    lesson = (
        Lesson.objects.select_related("module")
        .prefetch_related("files", "questions__choices", "prerequisites")
        .filter(module=module, slug=lesson_slug[:120])
        .first()
    )
    if lesson is None:
        raise NotFoundError()
    return lesson


def lesson_get_for_editing(viewer: Actor, slug: str, lesson_slug: str) -> Lesson:
    lesson = lesson_get(viewer, slug, lesson_slug)
    permissions.require(viewer, "training.module.edit", lesson.module)
    return lesson


def module_get_for_editing(viewer: Actor, slug: str) -> TrainingModule:
    module = module_get(viewer, slug)
    permissions.require(viewer, "training.module.edit", module)
    return module


def last_attempt(viewer: Actor, lesson: Lesson) -> QuizAttempt | None:
    person_id = _person_id(viewer)
    if person_id is None:
        return None
    return QuizAttempt.objects.filter(user_id=person_id, lesson=lesson).first()


@dataclass
class ModuleRow:
    module: TrainingModule
    lesson_count: int
    done_count: int

    @property
    def percent(self) -> int:
        return (100 * self.done_count) // self.lesson_count if self.lesson_count else 0


def module_rows(viewer: Actor, modules: Any) -> list[ModuleRow]:
    """Return each module with its lesson count and how many the viewer finished (2 queries)."""
    user_id = _person_id(viewer) or 0
    annotated = modules.annotate(
        lesson_count=Count("lessons", distinct=True),
        done_count=Count(
            "lessons__completions",
            filter=Q(lessons__completions__user_id=user_id),
            distinct=True,
        ),
    )
    return [
        ModuleRow(module=item, lesson_count=item.lesson_count, done_count=item.done_count)
        for item in annotated
    ]


def module_list_with_progress(viewer: Actor) -> list[ModuleRow]:
    return module_rows(viewer, module_list_listed().order_by("title", "id"))


def module_list_authored(viewer: Actor) -> list[TrainingModule]:
    """Return the modules the viewer may edit that are not published (their drafts)."""
    if not permissions.has_permission(viewer, "training.module.create"):
        return []
    drafts = TrainingModule.objects.exclude(status=TrainingModule.Status.PUBLISHED)
    if not permissions.is_staff(viewer):
        drafts = drafts.filter(created_by_id=_person_id(viewer))
    return list(drafts.order_by("title"))


@dataclass
class MyTraining:
    in_progress: list[ModuleRow]
    completed: list[ModuleRow]
    certificates: list[Certificate]


def my_training(viewer: Actor) -> MyTraining:
    """Return the modules the person started (in progress and completed) and their certificates."""
    person_id = _person_id(viewer) or 0
    # A subquery, not a join: the counts below must see every lesson of a started module.
    started = TrainingModule.objects.filter(
        status__in=["published", "retired"],
        pk__in=LessonCompletion.objects.filter(user_id=person_id).values("lesson__module_id"),
    )
    rows = module_rows(viewer, started.order_by("title", "id"))
    certificates = list(
        Certificate.objects.filter(user_id=person_id)
        .select_related("module")
        .order_by("-issued_at")
    )
    certified = {certificate.module_id for certificate in certificates}
    return MyTraining(
        in_progress=[
            row
            for row in rows
            if row.module.pk not in certified and row.done_count < row.lesson_count
        ],
        completed=[
            row for row in rows if row.module.pk in certified or row.done_count >= row.lesson_count
        ],
        certificates=certificates,
    )


def certificate_url(certificate: Certificate) -> str:
    """Return the verification address (served by the certificates part at /certificates/…)."""
    try:
        return certificate.get_absolute_url()
    except NoReverseMatch:
        return f"/certificates/{certificate.code}/"


def require_author(viewer: Actor) -> None:
    """Raise unless the viewer may write modules (trainers and staff)."""
    permissions.require(viewer, "training.module.create")


def can_edit(viewer: Actor, module: TrainingModule) -> bool:
    return permissions.has_permission(viewer, "training.module.edit", module)


@dataclass
class QuestionReview:
    question: Any
    right: bool
    chosen: set[int]


def attempt_review(lesson: Lesson, attempt: QuizAttempt | None) -> list[QuestionReview]:
    """Return, per question of the lesson, whether the attempt answered it right."""
    if attempt is None:
        return []
    answers = attempt.answers if isinstance(attempt.answers, dict) else {}
    reviews = []
    for question in lesson.questions.all():
        choices = list(question.choices.all())
        raw = answers.get(str(question.pk), [])
        chosen = (
            {value for value in raw if isinstance(value, int)} if isinstance(raw, list) else set()
        )
        scored = quiz.Question(
            id=question.pk,
            choice_ids=frozenset(choice.pk for choice in choices),
            correct_ids=frozenset(choice.pk for choice in choices if choice.correct),
            multiple=question.kind == question.Kind.MULTIPLE,
        )
        reviews.append(
            QuestionReview(
                question=question, right=quiz.is_answer_right(scored, chosen), chosen=chosen
            )
        )
    return reviews
