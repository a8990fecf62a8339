"""Matrix rows of training modules (issue 13 item 6): the list, my training, module and lesson
pages, lesson files, and the authoring pages of trainers and staff.

`build` adds a published and a draft module written by another person (two lessons each, the
second with a quiz), and an image on the published module's first lesson.
"""

from typing import Any

from django.core.files.base import ContentFile

from cslab.training.models import LessonFile, TrainingModule
from tests.hub.resource_helpers import png_bytes
from tests.permission_matrix import (
    LOGIN_REDIRECT,
    STAFF,
    SUPERUSER,
    Row,
    World,
    every,
    signed_in,
)
from tests.training.factories import make_module


def build(world: World) -> None:
    published = make_module(created_by=world.other_user, slug="matrix-training")
    draft = make_module(
        created_by=world.other_user,
        slug="matrix-training-draft",
        status=TrainingModule.Status.DRAFT,
    )
    world.extra["training-published"] = published
    world.extra["training-draft"] = draft
    for key, module in (("training-image", published), ("training-draft-image", draft)):
        image = LessonFile(
            lesson=module.lessons.first(),
            kind=LessonFile.Kind.IMAGE,
            title="Bat",
            alt_text="A bat",
            content_type="image/png",
            size=len(png_bytes()),
        )
        image.file.save("matrix-bat.png", ContentFile(png_bytes()), save=True)
        world.extra[key] = image


def _module(key: str, suffix: str = "") -> Any:
    return lambda w: f"/training/{w.extra[key].slug}/{suffix}"


def _lesson(key: str, position: int, suffix: str = "") -> Any:
    return lambda w: f"/training/{w.extra[key].slug}/lesson-{position}/{suffix}"


def _file(key: str) -> Any:
    def url(w: World) -> str:
        image = w.extra[key]
        return f"/training/{image.lesson.module.slug}/{image.lesson.slug}/files/{image.pk}"

    return url


def _staff_only(status: int, others: int) -> dict[str, int]:
    return signed_in(others, LOGIN_REDIRECT, staff=status, superuser=status)


def _authors(status: int, others: int) -> dict[str, int]:
    return signed_in(others, LOGIN_REDIRECT, staff=status, superuser=status, trainer=status)


def _draft_read() -> dict[str, int]:
    expectation = every(404)
    expectation.update({STAFF: 200, SUPERUSER: 200})
    return expectation


MODULE_BODY = {"title": "Matrix module", "summary": "S.", "language": "en", "estimated_minutes": 5}
LESSON_BODY = {
    "action": "save",
    "title": "Matrix lesson",
    "questions-TOTAL_FORMS": "0",
    "questions-INITIAL_FORMS": "0",
}

# fmt: off
ROWS: list[Row] = [
    Row("training module list", "GET", lambda w: "/training/", every(200), api=False,
        route="training_module_list"),
    Row("my training", "GET", lambda w: "/training/mine/", signed_in(200, LOGIN_REDIRECT),
        api=False, route="my_training"),
    Row("write a module (form)", "GET", lambda w: "/training/new/", _authors(200, 403),
        api=False, route="training_module_create"),
    Row("write a module", "POST", lambda w: "/training/new/", _authors(302, 403),
        api=False, route="training_module_create", body=MODULE_BODY),
    Row("published module page", "GET", _module("training-published"), every(200), api=False,
        route="training_module_detail"),
    Row("draft module page", "GET", _module("training-draft"), _draft_read(), api=False,
        route="training_module_detail"),
    Row("edit someone's module (form)", "GET", _module("training-published", "edit/"),
        _staff_only(200, 403), api=False, route="training_module_edit"),
    Row("edit someone's draft (form)", "GET", _module("training-draft", "edit/"),
        _staff_only(200, 404), api=False, route="training_module_edit"),
    Row("edit someone's module", "POST", _module("training-published", "edit/"),
        _staff_only(302, 403), api=False, route="training_module_edit",
        body={"action": "save", **MODULE_BODY}),
    Row("retire someone's module", "POST", _module("training-published", "edit/"),
        _staff_only(302, 403), api=False, route="training_module_edit",
        body={"action": "retire"}),
    Row("add a lesson (form)", "GET", _module("training-published", "lessons/new/"),
        _staff_only(200, 403), api=False, route="training_lesson_create"),
    Row("add a lesson", "POST", _module("training-published", "lessons/new/"),
        _staff_only(302, 403), api=False, route="training_lesson_create", body=LESSON_BODY),
    Row("published lesson page", "GET", _lesson("training-published", 1), every(200),
        api=False, route="training_lesson_detail"),
    Row("draft lesson page", "GET", _lesson("training-draft", 1), _draft_read(), api=False,
        route="training_lesson_detail"),
    Row("mark a lesson as done", "POST", _lesson("training-published", 1),
        signed_in(302, LOGIN_REDIRECT), api=False, route="training_lesson_detail",
        body={"action": "done"}),
    Row("mark a draft's lesson as done", "POST", _lesson("training-draft", 1),
        signed_in(404, 404, staff=409, superuser=409), api=False,
        route="training_lesson_detail", body={"action": "done"}),
    Row("take a locked quiz", "POST", _lesson("training-published", 2),
        signed_in(409, LOGIN_REDIRECT), api=False, route="training_lesson_detail",
        body={"action": "quiz", "q1": "1"}),
    Row("edit someone's lesson (form)", "GET", _lesson("training-published", 1, "edit/"),
        _staff_only(200, 403), api=False, route="training_lesson_edit"),
    Row("delete someone's lesson", "POST", _lesson("training-published", 1, "edit/"),
        _staff_only(302, 403), api=False, route="training_lesson_edit",
        body={"action": "delete"}),
    Row("image of a published lesson", "GET", _file("training-image"), every(200), api=False,
        route="training_lesson_file"),
    Row("image of a draft lesson", "GET", _file("training-draft-image"), _draft_read(),
        api=False, route="training_lesson_file"),
]
# fmt: on
