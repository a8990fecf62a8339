"""Pages of training: modules (see training/urls.py).

The module list, "My training", a module's page with its lessons (done, open or locked), the
lesson page (text, images, video, downloads, the quiz or "Mark as done"), and the authoring
pages of trainers and staff. Thin: each view parses a form, calls one service or read, and
renders. Refusals the person can act on come back on the page (4xx); hidden things are the
404 page and a missing sign-in the log-in redirect (`DomainErrorMiddleware`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cslab.core.actors import SignedInRequest
from cslab.core.errors import DomainError, NotFoundError
from cslab.core.markdown import render_markdown
from cslab.core.media_serving import (
    ServedFile,
    file_extension,
    is_inline_type,
    safe_filename,
    serve_file,
)
from cslab.core.middleware import status_for
from cslab.training import learning_paths as paths
from cslab.training.forms import (
    LessonFileForm,
    LessonForm,
    ModuleForm,
    QuestionFormSet,
    question_initial,
)
from cslab.training.models import Lesson, LessonFile, TrainingModule
from cslab.training.selectors import module_get
from cslab.training.services import modules as services
from cslab.training.services import progress
from cslab.training.videos import video_embed_url

MODULE_FIELDS = ("title", "summary", "description", "language", "estimated_minutes")
LESSON_FIELDS = ("title", "body", "video_url", "pass_mark_percent")


def _actionable(error: DomainError) -> DomainError:
    """Return an error the person can act on; re-raise the others to become their page."""
    if status_for(error) in (401, 403, 404):
        raise error
    return error


def _add_errors(form: Any, error: DomainError) -> None:
    details = error.details if isinstance(error.details, dict) else {}
    placed = False
    for name, texts in details.items():
        if name in form.fields:
            for text in texts:
                form.add_error(name, str(text))
            placed = True
    if not placed:
        form.add_error(None, error.message)


# --- reading ---


@require_safe
def training_module_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/module_list.html",
        {
            "rows": paths.module_list_with_progress(request.user),
            "drafts": paths.module_list_authored(request.user),
            "can_write": _can_write(request),
        },
    )


def _can_write(request: HttpRequest) -> bool:
    try:
        paths.require_author(request.user)
    except DomainError:
        return False
    return True


@login_required
@require_safe
def my_training(request: SignedInRequest) -> HttpResponse:
    mine = paths.my_training(request.user)
    certificates = [(item, paths.certificate_url(item)) for item in mine.certificates]
    return render(
        request, "training/my_training.html", {"mine": mine, "certificates": certificates}
    )


@require_safe
def training_module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = module_get(request.user, slug)
    state = paths.module_progress(request.user, module)
    return render(
        request,
        "training/module_detail.html",
        {
            "module": module,
            "progress": state,
            "description": render_markdown(module.description),
            "can_edit": paths.can_edit(request.user, module),
            "certificate_url": paths.certificate_url(state.certificate)
            if state.certificate
            else "",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def training_lesson_detail(request: HttpRequest, slug: str, lesson_slug: str) -> HttpResponse:
    lesson = paths.lesson_get(request.user, slug, lesson_slug)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "quiz":
                answers = {
                    key[1:]: request.POST.getlist(key)
                    for key in list(request.POST.keys())[:200]
                    if key.startswith("q")
                }
                attempt = progress.quiz_attempt_submit(
                    actor=request.user, lesson=lesson, answers=answers
                )
                if attempt.passed:
                    messages.success(request, _("Passed: the lesson is done."))
                else:
                    messages.warning(
                        request, _("Not passed yet: read the explanations and try again.")
                    )
            else:
                progress.lesson_complete(actor=request.user, lesson=lesson)
                messages.success(request, _("The lesson is done."))
            return redirect(f"{lesson.get_absolute_url()}#result")
        except DomainError as error:
            messages.error(request, _actionable(error).message)
            status = status_for(error)
    return render(
        request, "training/lesson_detail.html", _lesson_context(request, lesson), status=status
    )


def _lesson_context(request: HttpRequest, lesson: Lesson) -> dict[str, Any]:
    module = lesson.module
    state = paths.module_progress(request.user, module)
    current = state.state_of(lesson)
    attempt = paths.last_attempt(request.user, lesson)
    following = next(
        (item.lesson for item in state.lessons if item.number == current.number + 1), None
    )
    files = list(lesson.files.all())
    return {
        "module": module,
        "lesson": lesson,
        "progress": state,
        "current": current,
        "body": render_markdown(lesson.body),
        "video_embed": video_embed_url(lesson.video_url) if lesson.video_url else None,
        "images": [item for item in files if item.kind == LessonFile.Kind.IMAGE],
        "downloads": [item for item in files if item.kind == LessonFile.Kind.DOWNLOAD],
        "questions": list(lesson.questions.all()),
        "attempt": attempt,
        "review": paths.attempt_review(lesson, attempt),
        "next_lesson": following,
        "can_edit": paths.can_edit(request.user, module),
        "open_for_progress": module.status == TrainingModule.Status.PUBLISHED,
        "certificate_url": paths.certificate_url(state.certificate) if state.certificate else "",
    }


@require_safe
def training_lesson_file(
    request: HttpRequest, slug: str, lesson_slug: str, file_id: int
) -> HttpResponseBase:
    lesson = paths.lesson_get(request.user, slug, lesson_slug)
    stored = next((item for item in lesson.files.all() if item.pk == file_id), None)
    if stored is None or not stored.file:
        raise NotFoundError()
    return serve_file(
        request,
        ServedFile(
            file=stored.file,
            content_type=stored.content_type,
            filename=safe_filename(stored.title, file_extension(stored.file)),
            inline=stored.kind == LessonFile.Kind.IMAGE and is_inline_type(stored.content_type),
            private=lesson.module.status == TrainingModule.Status.DRAFT,
        ),
    )


# --- authoring ---


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_module_create(request: SignedInRequest) -> HttpResponse:
    paths.require_author(request.user)
    form = ModuleForm(request.POST or None, initial={"estimated_minutes": 30})
    if request.method == "POST" and form.is_valid():
        try:
            module = services.module_create(
                actor=request.user, **{name: form.cleaned_data[name] for name in MODULE_FIELDS}
            )
        except DomainError as error:
            _add_errors(form, _actionable(error))
        else:
            messages.success(request, _("The module is saved as a draft. Add its lessons."))
            return redirect("training_lesson_create", slug=module.slug)
    status = 400 if form.errors else 200
    return render(
        request, "training/module_form.html", {"form": form, "creating": True}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_module_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    module = paths.module_get_for_editing(request.user, slug)
    action = request.POST.get("action", "save")
    form = ModuleForm(
        request.POST if action == "save" and request.method == "POST" else None,
        initial={name: getattr(module, name) for name in MODULE_FIELDS},
    )
    status = 200
    if request.method == "POST":
        try:
            if action == "publish":
                services.module_publish(actor=request.user, module=module)
                messages.success(request, _("The module is published."))
                return redirect(module.get_absolute_url())
            if action == "retire":
                services.module_retire(actor=request.user, module=module)
                messages.success(request, _("The module is retired."))
                return redirect(module.get_absolute_url())
            if action in ("up", "down"):
                _move_lesson(request, module, action)
                return redirect(reverse("training_module_edit", args=[module.slug]) + "#lessons")
            if form.is_valid():
                services.module_update(
                    actor=request.user,
                    module=module,
                    **{name: form.cleaned_data[name] for name in MODULE_FIELDS},
                )
                messages.success(request, _("The module is saved."))
                return redirect(module.get_absolute_url())
        except DomainError as error:
            _actionable(error)
            if action == "save":
                _add_errors(form, error)
            else:
                messages.error(request, error.message)
        status = 400
    return render(
        request,
        "training/module_form.html",
        {"form": form, "module": module, "lessons": list(module.lessons.all())},
        status=status,
    )


def _move_lesson(request: SignedInRequest, module: TrainingModule, direction: str) -> None:
    order = list(module.lessons.values_list("pk", flat=True))
    try:
        index = order.index(int(request.POST.get("lesson", "")[:12]))
    except ValueError as error:
        raise NotFoundError() from error
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        services.lesson_reorder(actor=request.user, module=module, lesson_ids=order)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_lesson_create(request: SignedInRequest, slug: str) -> HttpResponse:
    module = paths.module_get_for_editing(request.user, slug)
    return _lesson_form(request, module, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_lesson_edit(request: SignedInRequest, slug: str, lesson_slug: str) -> HttpResponse:
    lesson = paths.lesson_get_for_editing(request.user, slug, lesson_slug)
    action = request.POST.get("action", "save")
    if request.method == "POST" and action != "save":
        return _lesson_action(request, lesson, action)
    return _lesson_form(request, lesson.module, lesson)


def _lesson_form(
    request: SignedInRequest, module: TrainingModule, lesson: Lesson | None
) -> HttpResponse:
    siblings = [item for item in module.lessons.all() if lesson is None or item.pk != lesson.pk]
    initial: dict[str, Any] = {}
    questions_initial: list[dict[str, Any]] = []
    if lesson is not None:
        initial = {name: getattr(lesson, name) for name in LESSON_FIELDS}
        initial["slug"] = lesson.slug
        initial["prerequisites"] = [item.pk for item in lesson.prerequisites.all()]
        questions_initial = question_initial(lesson)
    data = request.POST if request.method == "POST" else None
    form = LessonForm(data, initial=initial, siblings=siblings)
    questions = QuestionFormSet(data, initial=questions_initial, prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        values = {name: form.cleaned_data[name] for name in LESSON_FIELDS}
        typed = [item for item in (row.question() for row in questions) if item is not None]
        try:
            lesson = services.lesson_save(
                actor=request.user,
                module=module,
                lesson=lesson,
                slug=form.cleaned_data["slug"],
                prerequisites=form.cleaned_data["prerequisites"],
                questions=typed,
                **values,
            )
        except DomainError as error:
            _add_errors(form, _actionable(error))
        else:
            messages.success(request, _("The lesson is saved."))
            return redirect("training_lesson_edit", slug=module.slug, lesson_slug=lesson.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "training/lesson_form.html",
        {
            "module": module,
            "lesson": lesson,
            "form": form,
            "questions": questions,
            "file_form": LessonFileForm() if lesson is not None else None,
            "files": list(lesson.files.all()) if lesson is not None else [],
        },
        status=status,
    )


def _lesson_action(request: SignedInRequest, lesson: Lesson, action: str) -> HttpResponse:
    edit_url = reverse("training_lesson_edit", args=[lesson.module.slug, lesson.slug])
    try:
        if action == "delete":
            services.lesson_delete(actor=request.user, lesson=lesson)
            messages.success(request, _("The lesson is deleted."))
            return redirect("training_module_edit", slug=lesson.module.slug)
        if action == "file_delete":
            stored = next(
                (
                    item
                    for item in lesson.files.all()
                    if str(item.pk) == request.POST.get("file", "")[:12]
                ),
                None,
            )
            if stored is None:
                raise NotFoundError()
            services.lesson_file_delete(actor=request.user, file=stored)
            messages.success(request, _("The file is removed."))
            return redirect(f"{edit_url}#files")
        if action == "file_add":
            file_form = LessonFileForm(request.POST, request.FILES)
            if not file_form.is_valid():
                messages.error(
                    request, _("Choose a file and whether it is an image or a download.")
                )
                return redirect(f"{edit_url}#files")
            services.lesson_file_add(
                actor=request.user,
                lesson=lesson,
                upload=file_form.cleaned_data["file"],
                kind=file_form.cleaned_data["kind"],
                title=file_form.cleaned_data["title"],
                alt_text=file_form.cleaned_data["alt_text"],
            )
            messages.success(request, _("The file is added."))
            return redirect(f"{edit_url}#files")
    except DomainError as error:
        messages.error(request, _actionable(error).message)
        return redirect(f"{edit_url}#files")
    raise NotFoundError()


urlpatterns: list[URLPattern] = [
    path("training/", training_module_list, name="training_module_list"),
    path("training/mine/", my_training, name="my_training"),
    path("training/new/", training_module_create, name="training_module_create"),
    path("training/<slug:slug>/", training_module_detail, name="training_module_detail"),
    path("training/<slug:slug>/edit/", training_module_edit, name="training_module_edit"),
    path(
        "training/<slug:slug>/lessons/new/",
        training_lesson_create,
        name="training_lesson_create",
    ),
    path(
        "training/<slug:slug>/<slug:lesson_slug>/",
        training_lesson_detail,
        name="training_lesson_detail",
    ),
    path(
        "training/<slug:slug>/<slug:lesson_slug>/edit/",
        training_lesson_edit,
        name="training_lesson_edit",
    ),
    path(
        "training/<slug:slug>/<slug:lesson_slug>/files/<int:file_id>",
        training_lesson_file,
        name="training_lesson_file",
    ),
]
