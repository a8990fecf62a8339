"""Writing training modules: modules, their lessons, prerequisites, quizzes and lesson files.

Trainers and Lab staff create modules (`training.module.create`); a module's author and staff
edit it (`training.module.edit`, hidden: others get 404). Prerequisites stay inside one module
and never form a cycle; a quiz question has its right answers marked (exactly one for a
one-answer question); lesson files are checked by content and size like hub files, and images
carry alt text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cslab.core import permissions
from cslab.core.actors import Actor, person_or_none
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.hub import files as hub_files
from cslab.training.models import Lesson, LessonFile, QuizChoice, QuizQuestion, TrainingModule
from cslab.training.videos import video_embed_url
from cslab.training.vocabulary import (
    MAX_CHOICES_PER_QUESTION,
    MAX_FILES_PER_LESSON,
    MAX_LESSONS_PER_MODULE,
    MAX_QUESTIONS_PER_LESSON,
    RESERVED_SLUGS,
)

SLUG_MAX_LENGTH = 120
MODULE_FIELDS = ("title", "summary", "description", "language", "estimated_minutes")
LESSON_FIELDS = ("title", "body", "video_url", "pass_mark_percent")


@dataclass(frozen=True)
class ChoiceInput:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class QuestionInput:
    text: str
    kind: str = QuizQuestion.Kind.SINGLE
    explanation: str = ""
    choices: Sequence[ChoiceInput] = field(default_factory=tuple)


# --- modules ---


@transaction.atomic
def module_create(*, actor: Actor, slug: str = "", **values: Any) -> TrainingModule:
    """Create a draft module written by the actor; the slug comes from the title when empty."""
    permissions.require(actor, "training.module.create")
    module = TrainingModule(created_by=person_or_none(actor))
    _assign(module, values, MODULE_FIELDS)
    module.slug = _clean_slug(slug) if slug else "pending"
    _full_clean(module, exclude=["slug"])
    if slug:
        _save_new(module, field_name="slug")
    else:
        _save_with_unique_slug(module)
    audit_record(actor=actor, action="training.module.create", target=module)
    return module


@transaction.atomic
def module_update(*, actor: Actor, module: TrainingModule, **values: Any) -> TrainingModule:
    """Change a module's text and facts (not its address or status)."""
    permissions.require(actor, "training.module.edit", module)
    _assign(module, values, MODULE_FIELDS)
    _full_clean(module, exclude=["slug"])
    module.save(update_fields=[*[name for name in MODULE_FIELDS if name in values], "updated_at"])
    return module


@transaction.atomic
def module_publish(*, actor: Actor, module: TrainingModule) -> TrainingModule:
    """Publish a draft or retired module: it needs lessons, and every quiz needs questions."""
    permissions.require(actor, "training.module.edit", module)
    locked = TrainingModule.objects.select_for_update().get(pk=module.pk)
    if locked.status == TrainingModule.Status.PUBLISHED:
        raise ConflictError(
            _("The module is already published."), code=ProblemCode.INVALID_TRANSITION
        )
    lessons = list(locked.lessons.annotate(question_count=models.Count("questions")))
    if not lessons:
        raise InvalidInputError(_("Add at least one lesson before publishing."))
    empty = [lesson.title for lesson in lessons if lesson.has_quiz and not lesson.question_count]
    if empty:
        raise InvalidInputError(
            _("These lessons have a pass mark but no questions: %(lessons)s.")
            % {"lessons": ", ".join(empty)},
            code=ProblemCode.INVALID_QUIZ,
        )
    locked.status = TrainingModule.Status.PUBLISHED
    locked.published_at = locked.published_at or timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action="training.module.publish", target=locked)
    return locked


@transaction.atomic
def module_retire(*, actor: Actor, module: TrainingModule) -> TrainingModule:
    """Retire a published module: it stays readable (certificates keep pointing at it) but is no
    longer listed, and progress is no longer saved."""
    permissions.require(actor, "training.module.edit", module)
    locked = TrainingModule.objects.select_for_update().get(pk=module.pk)
    if locked.status != TrainingModule.Status.PUBLISHED:
        raise ConflictError(
            _("Only a published module can be retired."), code=ProblemCode.INVALID_TRANSITION
        )
    locked.status = TrainingModule.Status.RETIRED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="training.module.retire", target=locked)
    return locked


# --- lessons ---


@transaction.atomic
def lesson_create(*, actor: Actor, module: TrainingModule, slug: str = "", **values: Any) -> Lesson:
    """Add a lesson at the end of the module; the slug comes from the title when empty."""
    permissions.require(actor, "training.module.edit", module)
    locked = TrainingModule.objects.select_for_update().get(pk=module.pk)
    if locked.lessons.count() >= MAX_LESSONS_PER_MODULE:
        raise InvalidInputError(
            _("A module holds at most %(count)d lessons.") % {"count": MAX_LESSONS_PER_MODULE}
        )
    last = locked.lessons.aggregate(last=Max("position"))["last"]
    lesson = Lesson(module=locked, position=0 if last is None else last + 1)
    _assign(lesson, values, LESSON_FIELDS)
    _check_video(lesson.video_url)
    lesson.slug = _clean_slug(slug, reserved=False) if slug else "pending"
    _full_clean(lesson, exclude=["slug"])
    if slug:
        _save_new(lesson, field_name="slug")
    else:
        _save_with_unique_slug(lesson)
    return lesson


@transaction.atomic
def lesson_update(*, actor: Actor, lesson: Lesson, slug: str = "", **values: Any) -> Lesson:
    """Change a lesson's text, video link, pass mark (empty: no quiz) or address."""
    permissions.require(actor, "training.module.edit", lesson.module)
    _assign(lesson, values, LESSON_FIELDS)
    _check_video(lesson.video_url)
    changed = [name for name in LESSON_FIELDS if name in values]
    if slug and slug != lesson.slug:
        lesson.slug = _clean_slug(slug, reserved=False)
        changed.append("slug")
    _full_clean(lesson, exclude=[])
    try:
        with transaction.atomic():
            lesson.save(update_fields=changed or None)
    except IntegrityError as error:
        raise _slug_taken() from error
    return lesson


@transaction.atomic
def lesson_reorder(*, actor: Actor, module: TrainingModule, lesson_ids: Sequence[int]) -> None:
    """Put the module's lessons in this order; `lesson_ids` must name each of them once."""
    permissions.require(actor, "training.module.edit", module)
    TrainingModule.objects.select_for_update().filter(pk=module.pk).first()
    current = set(Lesson.objects.filter(module=module).values_list("pk", flat=True))
    ordered = list(lesson_ids)
    if len(ordered) != len(set(ordered)) or set(ordered) != current:
        raise InvalidInputError(_("Name every lesson of the module once to reorder them."))
    for position, lesson_id in enumerate(ordered):
        Lesson.objects.filter(pk=lesson_id, module=module).update(position=position)


@transaction.atomic
def lesson_delete(*, actor: Actor, lesson: Lesson) -> None:
    """Delete a lesson with its questions, files and the progress recorded on it."""
    permissions.require(actor, "training.module.edit", lesson.module)
    stored = [(item.file.storage, item.file.name) for item in lesson.files.all() if item.file]
    details = {"lesson_id": lesson.pk, "title": lesson.title}
    module = lesson.module
    lesson.delete()
    if stored:
        transaction.on_commit(lambda: _delete_stored(stored))
    audit_record(actor=actor, action="training.lesson.delete", target=module, details=details)


@transaction.atomic
def lesson_set_prerequisites(
    *, actor: Actor, lesson: Lesson, prerequisites: Iterable[Any]
) -> Lesson:
    """Set the lessons to finish before this one: lessons of the same module, without cycles.

    `prerequisites` are lessons or lesson IDs; InvalidInputError (PREREQUISITE_CYCLE) names the
    problem when one is of another module, the lesson itself, or would close a cycle.
    """
    permissions.require(actor, "training.module.edit", lesson.module)
    TrainingModule.objects.select_for_update().filter(pk=lesson.module_id).first()
    wanted = {item.pk if isinstance(item, Lesson) else int(item) for item in prerequisites}
    siblings = set(Lesson.objects.filter(module_id=lesson.module_id).values_list("pk", flat=True))
    if not wanted <= siblings:
        raise _cycle(_("A lesson can only require lessons of the same module."))
    if lesson.pk in wanted:
        raise _cycle(_("A lesson cannot require itself."))
    edges: dict[int, set[int]] = {}
    for source, target in Lesson.prerequisites.through.objects.filter(
        from_lesson__module_id=lesson.module_id
    ).values_list("from_lesson_id", "to_lesson_id"):
        edges.setdefault(source, set()).add(target)
    edges[lesson.pk] = wanted
    if _reaches(edges, start=wanted, goal=lesson.pk):
        raise _cycle(
            _(
                "These prerequisites would form a cycle: "
                "a lesson would have to be finished before itself."
            )
        )
    lesson.prerequisites.set(wanted)
    return lesson


def _delete_stored(stored: list[tuple[Any, str]]) -> None:
    for storage, name in stored:
        storage.delete(name)


@transaction.atomic
def lesson_save(
    *,
    actor: Actor,
    module: TrainingModule,
    lesson: Lesson | None,
    slug: str = "",
    prerequisites: Iterable[Any] = (),
    questions: Sequence[QuestionInput] = (),
    **values: Any,
) -> Lesson:
    """Create (lesson None) or update a lesson with its prerequisites and quiz, all or nothing:
    the lesson form's one write."""
    if lesson is None:
        lesson = lesson_create(actor=actor, module=module, slug=slug, **values)
    else:
        lesson = lesson_update(actor=actor, lesson=lesson, slug=slug, **values)
    lesson_set_prerequisites(actor=actor, lesson=lesson, prerequisites=prerequisites)
    quiz_set_questions(actor=actor, lesson=lesson, questions=questions)
    return lesson


def _reaches(edges: dict[int, set[int]], *, start: Iterable[int], goal: int) -> bool:
    seen: set[int] = set()
    stack = list(start)
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return False


def _cycle(message: str) -> InvalidInputError:
    return InvalidInputError(
        message, code=ProblemCode.PREREQUISITE_CYCLE, details={"prerequisites": [message]}
    )


# --- quizzes ---


@transaction.atomic
def quiz_set_questions(
    *, actor: Actor, lesson: Lesson, questions: Sequence[QuestionInput]
) -> list[QuizQuestion]:
    """Replace the lesson's quiz questions with these (in order), each with its choices."""
    permissions.require(actor, "training.module.edit", lesson.module)
    if len(questions) > MAX_QUESTIONS_PER_LESSON:
        raise _invalid_quiz(
            _("A lesson holds at most %(count)d questions.") % {"count": MAX_QUESTIONS_PER_LESSON}
        )
    for number, question in enumerate(questions, start=1):
        _check_question(number, question)
    lesson.questions.all().delete()
    stored = []
    for position, question in enumerate(questions):
        row = QuizQuestion(
            lesson=lesson,
            text=question.text.strip(),
            kind=question.kind,
            explanation=(question.explanation or "").strip(),
            position=position,
        )
        _full_clean(row, exclude=["lesson"])
        row.save()
        QuizChoice.objects.bulk_create(
            [
                QuizChoice(
                    question=row, text=choice.text.strip(), correct=choice.correct, position=index
                )
                for index, choice in enumerate(question.choices)
            ]
        )
        stored.append(row)
    return stored


def _check_question(number: int, question: QuestionInput) -> None:
    label = {"number": number}
    if not question.text.strip():
        raise _invalid_quiz(_("Question %(number)d has no text.") % label)
    if question.kind not in QuizQuestion.Kind.values:
        raise _invalid_quiz(_("Question %(number)d has an unknown kind.") % label)
    choices = [choice for choice in question.choices if choice.text.strip()]
    if len(choices) != len(question.choices) or len(choices) < 2:
        raise _invalid_quiz(
            _("Question %(number)d needs at least two answers, none empty.") % label
        )
    if len(choices) > MAX_CHOICES_PER_QUESTION:
        raise _invalid_quiz(
            _("Question %(number)d has more than %(count)d answers.")
            % {"number": number, "count": MAX_CHOICES_PER_QUESTION}
        )
    if any(len(choice.text.strip()) > 300 for choice in choices):
        raise _invalid_quiz(
            _("An answer of question %(number)d is longer than 300 characters.") % label
        )
    right = sum(1 for choice in choices if choice.correct)
    if right == 0:
        raise _invalid_quiz(_("Question %(number)d needs at least one right answer.") % label)
    if question.kind == QuizQuestion.Kind.SINGLE and right != 1:
        raise _invalid_quiz(
            _("Question %(number)d allows one answer, so exactly one must be right.") % label
        )


def _invalid_quiz(message: str) -> InvalidInputError:
    return InvalidInputError(
        message, code=ProblemCode.INVALID_QUIZ, details={"questions": [message]}
    )


# --- files ---


@transaction.atomic
def lesson_file_add(
    *, actor: Actor, lesson: Lesson, upload: Any, kind: str, title: str = "", alt_text: str = ""
) -> LessonFile:
    """Attach an image (shown in the lesson, with alt text) or a download, checked by content
    and size like hub files (InvalidInputError, PayloadTooLargeError when refused)."""
    permissions.require(actor, "training.module.edit", lesson.module)
    if kind not in LessonFile.Kind.values:
        raise InvalidInputError(_("Choose whether the file is an image or a download."))
    alt_text = (alt_text or "").strip()
    if kind == LessonFile.Kind.IMAGE and not alt_text:
        message = _("Describe the image for people who cannot see it.")
        raise InvalidInputError(message, details={"alt_text": [message]})
    Lesson.objects.select_for_update().filter(pk=lesson.pk).first()
    if lesson.files.count() >= MAX_FILES_PER_LESSON:
        message = _("A lesson holds at most %(count)d files; remove one first.") % {
            "count": MAX_FILES_PER_LESSON
        }
        raise InvalidInputError(message, details={"file": [message]})
    checked = hub_files.check_resource_file(upload, field="file")
    if kind == LessonFile.Kind.IMAGE and not checked.content_type.startswith("image/"):
        message = _("This file is %(what)s, not a picture; add it as a download.") % {
            "what": checked.description
        }
        raise InvalidInputError(
            message, code=ProblemCode.MEDIA_REFUSED, details={"file": [message]}
        )
    name = hub_files.original_name(upload)
    stored = LessonFile(
        lesson=lesson,
        kind=kind,
        title=(title or "").strip()[:200] or name[:200],
        alt_text=alt_text[:300],
        content_type=checked.content_type,
        size=checked.size,
        position=lesson.files.count(),
    )
    stored.file.save(f"{lesson.module.slug[:50]}.{checked.extension}", checked.content, save=False)
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError as error:
        stored.file.delete(save=False)
        message = _("Describe the image for people who cannot see it.")
        raise InvalidInputError(message, details={"alt_text": [message]}) from error
    return stored


@transaction.atomic
def lesson_file_delete(*, actor: Actor, file: LessonFile) -> None:
    """Remove a file from its lesson (and from storage once the transaction commits)."""
    permissions.require(actor, "training.module.edit", file.lesson.module)
    storage, name = file.file.storage, file.file.name
    file.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- helpers ---


def _assign(target: models.Model, values: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(values) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(target, name, value.strip() if isinstance(value, str) else value)


def _check_video(url: str) -> None:
    if url and video_embed_url(url) is None:
        message = _("Link to a video on YouTube or Vimeo.")
        raise InvalidInputError(message, details={"video_url": [message]})


def _clean_slug(slug: str, *, reserved: bool = True) -> str:
    cleaned = slugify(slug)[:SLUG_MAX_LENGTH].strip("-")
    if not cleaned or cleaned != slug.strip():
        message = _("Use only lowercase letters, digits and hyphens.")
        raise InvalidInputError(message, details={"slug": [message]})
    if reserved and cleaned in RESERVED_SLUGS:
        message = _("This address is reserved; choose another.")
        raise InvalidInputError(message, details={"slug": [message]})
    return cleaned


def _slug_taken() -> InvalidInputError:
    message = _("This address is taken; choose another.")
    return InvalidInputError(message, details={"slug": [message]})


def _save_new(instance: models.Model, *, field_name: str) -> None:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise _slug_taken() from error


def _save_with_unique_slug(instance: Any) -> None:
    """Save a new module or lesson with a slug from its title, numbered while taken."""
    base = slugify(instance.title)[: SLUG_MAX_LENGTH - 10].strip("-") or "lesson"
    for attempt in range(1, 200):
        instance.slug = base if attempt == 1 else f"{base}-{attempt}"
        if isinstance(instance, TrainingModule) and instance.slug in RESERVED_SLUGS:
            continue
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError as error:
            if "slug" not in str(error).lower():
                raise
    raise ConflictError(_("No free address for this title; choose another title."))


def _full_clean(instance: models.Model, *, exclude: list[str]) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        details = (
            {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": [str(m) for m in error.messages]}
        )
        raise InvalidInputError(_("Please correct the errors below."), details=details) from error
