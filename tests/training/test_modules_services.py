"""Authoring training modules: modules, lessons, prerequisites, quizzes, files, videos."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.core.errors import ConflictError, InvalidInputError, PermissionDeniedError
from cslab.core.problems import ProblemCode
from cslab.core.roles import SiteRole
from cslab.training.models import LessonFile, TrainingModule
from cslab.training.services import modules as services
from cslab.training.services.modules import ChoiceInput, QuestionInput
from cslab.training.videos import video_embed_url
from tests.factories import UserFactory
from tests.hub.resource_helpers import pdf_upload, png_bytes
from tests.training.factories import make_module

pytestmark = [pytest.mark.django_db]

DETAILS = {
    "title": "Counting bats",
    "summary": "How to count bats at dusk.",
    "estimated_minutes": 20,
}


def _trainer() -> Any:
    return UserFactory(site_role=SiteRole.TRAINER)


def test_a_trainer_creates_a_draft_module_with_a_slug_from_its_title() -> None:
    trainer = _trainer()
    module = services.module_create(actor=trainer, **DETAILS)
    assert module.slug == "counting-bats"
    assert module.status == TrainingModule.Status.DRAFT
    assert module.created_by == trainer
    again = services.module_create(actor=trainer, **DETAILS)
    assert again.slug == "counting-bats-2"


def test_a_volunteer_may_not_create_a_module() -> None:
    with pytest.raises(PermissionDeniedError):
        services.module_create(actor=UserFactory(), **DETAILS)


@pytest.mark.parametrize("slug", ["new", "mine"])
def test_reserved_module_slugs_are_refused(slug: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        services.module_create(actor=_trainer(), slug=slug, **DETAILS)
    assert "slug" in caught.value.details


def test_another_trainer_cannot_edit_a_module() -> None:
    module = make_module(created_by=_trainer())
    with pytest.raises(PermissionDeniedError):
        services.module_update(actor=_trainer(), module=module, title="Mine now")


def test_staff_may_edit_any_module() -> None:
    module = make_module(created_by=_trainer())
    staff = UserFactory(site_role=SiteRole.STAFF)
    assert services.module_update(actor=staff, module=module, title="Better").title == "Better"


def test_publishing_needs_lessons_and_questions_for_every_quiz() -> None:
    trainer = _trainer()
    module = services.module_create(actor=trainer, **DETAILS)
    with pytest.raises(InvalidInputError):
        services.module_publish(actor=trainer, module=module)
    services.lesson_create(actor=trainer, module=module, title="Quiz", pass_mark_percent=50)
    with pytest.raises(InvalidInputError) as caught:
        services.module_publish(actor=trainer, module=module)
    assert caught.value.code == ProblemCode.INVALID_QUIZ


def test_publish_then_retire_and_retiring_twice_is_a_conflict() -> None:
    trainer = _trainer()
    module = make_module(created_by=trainer, status=TrainingModule.Status.DRAFT)
    module = services.module_publish(actor=trainer, module=module)
    assert module.status == TrainingModule.Status.PUBLISHED
    module = services.module_retire(actor=trainer, module=module)
    assert module.status == TrainingModule.Status.RETIRED
    with pytest.raises(ConflictError):
        services.module_retire(actor=trainer, module=module)


def test_lesson_slugs_are_unique_per_module_only() -> None:
    trainer = _trainer()
    first = make_module(created_by=trainer, lessons=0)
    second = make_module(created_by=trainer, lessons=0)
    services.lesson_create(actor=trainer, module=first, title="Intro", slug="intro")
    services.lesson_create(actor=trainer, module=second, title="Intro", slug="intro")
    with pytest.raises(InvalidInputError) as caught:
        services.lesson_create(actor=trainer, module=first, title="Intro", slug="intro")
    assert "slug" in caught.value.details
    assert services.lesson_create(actor=trainer, module=first, title="Intro").slug == "intro-2"


def test_lessons_are_added_at_the_end_and_can_be_reordered() -> None:
    trainer = _trainer()
    module = make_module(created_by=trainer, lessons=3, quiz_on_last=False)
    lessons = list(module.lessons.all())
    services.lesson_reorder(
        actor=trainer, module=module, lesson_ids=[lessons[2].pk, lessons[0].pk, lessons[1].pk]
    )
    assert [item.pk for item in module.lessons.all()] == [
        lessons[2].pk,
        lessons[0].pk,
        lessons[1].pk,
    ]
    with pytest.raises(InvalidInputError):
        services.lesson_reorder(actor=trainer, module=module, lesson_ids=[lessons[0].pk])


def test_a_prerequisite_cycle_is_refused_with_a_clear_400() -> None:
    trainer = _trainer()
    module = make_module(created_by=trainer, lessons=3, quiz_on_last=False)  # 1 <- 2 <- 3
    first, _second, third = module.lessons.all()
    with pytest.raises(InvalidInputError) as caught:
        services.lesson_set_prerequisites(actor=trainer, lesson=first, prerequisites=[third])
    assert caught.value.code == ProblemCode.PREREQUISITE_CYCLE
    assert "cycle" in caught.value.message
    with pytest.raises(InvalidInputError):
        services.lesson_set_prerequisites(actor=trainer, lesson=first, prerequisites=[first])


def test_a_prerequisite_from_another_module_is_refused() -> None:
    trainer = _trainer()
    module = make_module(created_by=trainer, lessons=1, quiz_on_last=False)
    other = make_module(created_by=trainer, lessons=1, quiz_on_last=False)
    with pytest.raises(InvalidInputError) as caught:
        services.lesson_set_prerequisites(
            actor=trainer, lesson=module.lessons.get(), prerequisites=[other.lessons.get()]
        )
    assert caught.value.code == ProblemCode.PREREQUISITE_CYCLE


def _question(kind: str = "single", right: tuple[bool, ...] = (True, False)) -> QuestionInput:
    return QuestionInput(
        text="Which?",
        kind=kind,
        choices=[ChoiceInput(text=f"Answer {n}", correct=value) for n, value in enumerate(right)],
    )


@pytest.mark.parametrize(
    "question",
    [
        _question(right=(False, False)),
        _question(right=(True, True)),
        _question(kind="multiple", right=(False, False)),
        _question(right=(True,)),
        _question(right=(True,) + (False,) * 10),
    ],
)
def test_invalid_quiz_questions_are_refused(question: QuestionInput) -> None:
    trainer = _trainer()
    lesson = make_module(created_by=trainer).lessons.last()
    with pytest.raises(InvalidInputError) as caught:
        services.quiz_set_questions(actor=trainer, lesson=lesson, questions=[question])
    assert caught.value.code == ProblemCode.INVALID_QUIZ
    assert lesson.questions.count() == 2  # unchanged


def test_at_most_50_questions_per_lesson() -> None:
    trainer = _trainer()
    lesson = make_module(created_by=trainer).lessons.last()
    with pytest.raises(InvalidInputError):
        services.quiz_set_questions(actor=trainer, lesson=lesson, questions=[_question()] * 51)
    stored = services.quiz_set_questions(
        actor=trainer,
        lesson=lesson,
        questions=[_question(kind="multiple", right=(True, True, False))],
    )
    assert len(stored) == 1
    assert [choice.correct for choice in stored[0].choices.all()] == [True, True, False]


def test_only_youtube_and_vimeo_videos_are_accepted() -> None:
    trainer = _trainer()
    module = make_module(created_by=trainer, lessons=0)
    with pytest.raises(InvalidInputError) as caught:
        services.lesson_create(
            actor=trainer, module=module, title="Video", video_url="https://evil.example/v.mp4"
        )
    assert "video_url" in caught.value.details
    lesson = services.lesson_create(
        actor=trainer, module=module, title="Video", video_url="https://youtu.be/dQw4w9WgXcQ"
    )
    assert lesson.video_url


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)", None),
        ("https://www.youtube.com/watch?v=<script>", None),
    ],
)
def test_video_links_become_privacy_friendly_players(url: str, embed: str | None) -> None:
    assert video_embed_url(url) == embed


def test_an_image_needs_alt_text_and_is_checked_by_content() -> None:
    trainer = _trainer()
    lesson = make_module(created_by=trainer).lessons.first()
    upload = SimpleUploadedFile("bat.png", png_bytes())
    with pytest.raises(InvalidInputError) as caught:
        services.lesson_file_add(
            actor=trainer, lesson=lesson, upload=upload, kind="image", title="Bat"
        )
    assert "alt_text" in caught.value.details
    with pytest.raises(InvalidInputError):
        services.lesson_file_add(
            actor=trainer, lesson=lesson, upload=pdf_upload("x.png"), kind="image", alt_text="A bat"
        )
    stored = services.lesson_file_add(
        actor=trainer,
        lesson=lesson,
        upload=SimpleUploadedFile("bat.png", png_bytes()),
        kind="image",
        alt_text="A bat in flight",
    )
    assert stored.content_type.startswith("image/")
    download = services.lesson_file_add(
        actor=trainer, lesson=lesson, upload=pdf_upload("sheet.pdf"), kind="download", title="Sheet"
    )
    assert download.kind == LessonFile.Kind.DOWNLOAD
    services.lesson_file_delete(actor=trainer, file=download)
    assert lesson.files.count() == 1


def test_deleting_a_lesson_removes_it() -> None:
    trainer = _trainer()
    module = make_module(created_by=trainer, lessons=2)
    services.lesson_delete(actor=trainer, lesson=module.lessons.first())
    assert module.lessons.count() == 1
