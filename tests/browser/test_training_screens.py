"""Screenshots of the training pages (phone and desktop), with axe-core on the learner's pages."""

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from cslab.core.roles import SiteRole
from cslab.training.models import Lesson, LessonFile
from cslab.training.services.progress import lesson_complete, quiz_attempt_submit
from tests.browser.screenshots import save_screenshot
from tests.factories import UserFactory
from tests.hub.resource_helpers import png_bytes
from tests.training.factories import make_module

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def test_training_screenshots(
    new_page: Any, live_server: Any, transactional_db: Any, assert_accessible: Any
) -> None:
    trainer = UserFactory(site_role=SiteRole.TRAINER, display_name="Tess Trainer")
    module = make_module(
        created_by=trainer,
        title="Counting bats at dusk",
        summary="Recognise the common bats of the Netherlands and count them on a transect.",
        lessons=3,
        estimated_minutes=45,
    )
    make_module(title="Data quality and moderation", lessons=2)
    first, second, last = module.lessons.all()
    Lesson.objects.filter(pk=first.pk).update(
        title="Why count bats",
        body="Bats are **indicators** of healthy landscapes.\n\n- Walk slowly\n- Note the time",
        video_url="https://vimeo.com/76979871",
    )
    image = LessonFile(
        lesson=first,
        kind="image",
        title="A common pipistrelle",
        alt_text="A small brown bat",
        content_type="image/png",
        size=len(png_bytes()),
    )
    image.file.save("bat.png", ContentFile(png_bytes()), save=True)
    download = LessonFile(
        lesson=first, kind="download", title="Transect form", content_type="text/csv", size=20
    )
    download.file.save("form.csv", ContentFile(b"time,species,count\n"), save=True)
    learner = UserFactory(display_name="Lena Learner")
    lesson_complete(actor=learner, lesson=first)
    lesson_complete(actor=learner, lesson=second)
    questions = list(last.questions.all())
    quiz_attempt_submit(
        actor=learner,
        lesson=last,
        answers={str(questions[0].pk): [questions[0].choices.get(correct=True).pk]},
    )
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport)
        page.context.add_cookies(
            [{"name": "sessionid", "value": _session(learner), "url": live_server.url}]
        )
        page.goto("/training/")
        save_screenshot(page, "training-module-list")
        assert_accessible(page)
        page.goto(module.get_absolute_url())
        save_screenshot(page, "training-module")
        assert_accessible(page)
        page.goto(Lesson.objects.get(pk=first.pk).get_absolute_url())
        save_screenshot(page, "training-lesson")
        page.goto(last.get_absolute_url())
        save_screenshot(page, "training-quiz-result")
        assert_accessible(page)
        page.goto("/training/mine/")
        save_screenshot(page, "training-mine")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        author = new_page(viewport)
        author.context.add_cookies(
            [{"name": "sessionid", "value": _session(trainer), "url": live_server.url}]
        )
        author.goto(f"/training/{module.slug}/edit/")
        save_screenshot(author, "training-module-edit")
        author.goto(f"/training/{module.slug}/{last.slug}/edit/")
        save_screenshot(author, "training-lesson-edit")
        assert author.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        anonymous = new_page(viewport)
        anonymous.goto(module.get_absolute_url())
        save_screenshot(anonymous, "training-module-anonymous")
