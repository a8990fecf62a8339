"""Training pages: list, module, lesson (mark done, quiz), my training, authoring."""

from typing import Any

import pytest
from django.test import Client

from cslab.core.roles import SiteRole
from cslab.training.models import Certificate, Lesson, LessonCompletion, TrainingModule
from tests.factories import UserFactory
from tests.training.factories import make_module

pytestmark = [pytest.mark.django_db]


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_list_shows_published_modules_only() -> None:
    published = make_module(title="Bats at dusk")
    make_module(title="Secret draft", status=TrainingModule.Status.DRAFT)
    response = _client().get("/training/")
    assert response.status_code == 200
    assert published.title in response.text
    assert "Secret draft" not in response.text
    assert "Log in to save your progress" in response.text


def test_a_draft_is_404_for_others_and_open_to_its_author() -> None:
    author = UserFactory(site_role=SiteRole.TRAINER)
    draft = make_module(created_by=author, status=TrainingModule.Status.DRAFT)
    assert _client(UserFactory()).get(draft.get_absolute_url()).status_code == 404
    assert _client().get(draft.lessons.first().get_absolute_url()).status_code == 404
    assert _client(author).get(draft.get_absolute_url()).status_code == 200


def test_anonymous_visitors_read_a_lesson_but_must_log_in_to_finish_it() -> None:
    lesson = make_module(lessons=1, quiz_on_last=False).lessons.get()
    response = _client().get(lesson.get_absolute_url())
    assert response.status_code == 200
    assert "Text of lesson 1." in response.text
    posted = _client().post(lesson.get_absolute_url(), {"action": "done"})
    assert posted.status_code == 302
    assert "/login" in posted["Location"] or "login" in posted["Location"]


def test_mark_as_done_and_the_module_page_shows_locked_lessons_with_why() -> None:
    person = UserFactory()
    module = make_module(lessons=3, quiz_on_last=False)
    first, second, _third = module.lessons.all()
    client = _client(person)
    page = client.get(module.get_absolute_url())
    assert "Locked" in page.text and "Finish first:" in page.text
    locked = client.post(second.get_absolute_url(), {"action": "done"})
    assert locked.status_code == 409
    assert first.title in locked.text
    assert client.post(first.get_absolute_url(), {"action": "done"}).status_code == 302
    assert LessonCompletion.objects.filter(user=person, lesson=first).exists()
    assert "Continue" in client.get(module.get_absolute_url()).text


def test_the_quiz_shows_the_score_and_right_or_wrong_per_question() -> None:
    person = UserFactory()
    module = make_module(lessons=1)
    lesson = module.lessons.get()
    questions = list(lesson.questions.all())
    single_right = questions[0].choices.get(correct=True)
    multi_wrong = questions[1].choices.get(correct=False)
    client = _client(person)
    response = client.post(
        lesson.get_absolute_url(),
        {
            "action": "quiz",
            f"q{questions[0].pk}": [single_right.pk],
            f"q{questions[1].pk}": [multi_wrong.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "1 of 2 right (50%)" in response.text
    assert "Passed" in response.text  # pass mark 50
    assert Certificate.objects.filter(user=person, module=module).exists()


def test_a_quiz_form_has_fieldsets_with_legends_and_a_video_iframe_with_a_title() -> None:
    module = make_module(lessons=1)
    Lesson.objects.filter(module=module).update(video_url="https://vimeo.com/76979871")
    response = _client().get(module.lessons.get().get_absolute_url())
    assert "<legend>1. Which is right?" in response.text
    assert 'src="https://player.vimeo.com/video/76979871" title=' in response.text


def test_my_training_lists_progress_and_certificates() -> None:
    person = UserFactory()
    module = make_module(lessons=1, quiz_on_last=False, title="Counting moths")
    _client(person).post(module.lessons.get().get_absolute_url(), {"action": "done"})
    page = _client(person).get("/training/mine/")
    assert page.status_code == 200
    assert "Counting moths" in page.text
    certificate = Certificate.objects.get(user=person)
    assert certificate.code in page.text


def test_a_trainer_writes_a_module_with_a_lesson_and_a_quiz_and_publishes_it() -> None:
    trainer = UserFactory(site_role=SiteRole.TRAINER)
    client = _client(trainer)
    assert client.get("/training/new/").status_code == 200
    created = client.post(
        "/training/new/",
        {
            "title": "Moth traps",
            "summary": "Light traps.",
            "language": "en",
            "estimated_minutes": 15,
        },
    )
    assert created.status_code == 302
    module = TrainingModule.objects.get(slug="moth-traps")
    lesson_page = client.post(
        "/training/moth-traps/lessons/new/",
        {
            "action": "save",
            "title": "Setting a trap",
            "body": "Use a **white** sheet.",
            "pass_mark_percent": "100",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-text": "What colour is the sheet?",
            "questions-0-kind": "single",
            "questions-0-choices": "* White\nBlack",
        },
    )
    assert lesson_page.status_code == 302, lesson_page.content
    lesson = module.lessons.get()
    assert [c.correct for c in lesson.questions.get().choices.all()] == [True, False]
    assert client.post("/training/moth-traps/edit/", {"action": "publish"}).status_code == 302
    module.refresh_from_db()
    assert module.status == TrainingModule.Status.PUBLISHED


def test_a_single_choice_question_with_two_right_answers_is_shown_back_as_an_error() -> None:
    trainer = UserFactory(site_role=SiteRole.TRAINER)
    module = make_module(created_by=trainer, lessons=0)
    response = _client(trainer).post(
        f"/training/{module.slug}/lessons/new/",
        {
            "action": "save",
            "title": "Broken",
            "pass_mark_percent": "50",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-0-text": "Which?",
            "questions-0-kind": "single",
            "questions-0-choices": "* A\n* B",
        },
    )
    assert response.status_code == 400
    assert "exactly one must be right" in response.text
    assert not module.lessons.exists()


def test_volunteers_cannot_open_authoring_pages() -> None:
    module = make_module()
    volunteer = _client(UserFactory())
    assert volunteer.get("/training/new/").status_code == 403
    assert volunteer.get(f"/training/{module.slug}/edit/").status_code == 403
    assert _client().get("/training/new/").status_code == 302
