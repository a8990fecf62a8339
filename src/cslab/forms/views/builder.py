"""The form builder pages: make a form, or a new version of one, without a spreadsheet.

Thin: the builder's formsets are turned into XLSForm rows (`form_builder`) and published by the
same service as the JSON API (`form_publish_rows_start`, which hands a large form to a job), so
problems come back row by row in words.
Works without JavaScript: "Add a question" and "Add a choice" post the page and come back with
an empty row added.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.models import Job
from cslab.forms import builder as form_builder
from cslab.forms.form_model import FormModelError, language_for, render_model
from cslab.forms.html_forms import (
    TYPE_ICONS,
    TYPE_LABELS,
    BuilderSettingsForm,
    ChoiceFormSet,
    QuestionFormSet,
)
from cslab.forms.services import form_publish_rows_start
from cslab.forms.views.webform import webform_texts
from cslab.observations import selectors
from cslab.projects.selectors import project_get_for_viewing

# The live preview answers as the builder's rows change; a body or a number of rows far past
# what a person builds by hand is refused before it is read (413), not drawn.
PREVIEW_MAX_BYTES = 512 * 1024
PREVIEW_MAX_QUESTIONS = 300
PREVIEW_MAX_CHOICES = 2000
# The types offered first when adding a question; the rest are under "More types".
COMMON_TYPES = (
    "text",
    "integer",
    "decimal",
    "select_one",
    "select_multiple",
    "date",
    "geopoint",
    "image",
)

NEW_FORM_QUESTIONS: list[dict[str, Any]] = [
    {"type": "date", "name": "day", "label_en": "Day", "label_nl": "Dag", "required": True},
    {"type": "geopoint", "name": "location", "label_en": "Where", "label_nl": "Waar"},
]


@require_http_methods(["GET", "POST"])
def form_builder_page(request: HttpRequest, slug: str, form_id: str | None = None) -> HttpResponse:
    """Build a new form (no form_id) or the next version of an existing one."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "form.publish", project)
    form = None
    if form_id is not None:
        form = selectors.form_get_for_viewing(user=request.user, project=project, form_id=form_id)
    problems: list[dict[str, Any]] = []
    status = 200
    added_row = ""
    if request.method == "POST":
        settings_form = BuilderSettingsForm(request.POST, prefix="settings")
        questions = QuestionFormSet(request.POST, prefix="question")
        choices = ChoiceFormSet(request.POST, prefix="choice")
        if "add_question" in request.POST or "add_choice" in request.POST:
            questions, choices = _with_blank_row(request, questions, choices)
            # The new row takes the focus, so a keyboard user goes on where it appeared.
            added_row = "question" if "add_question" in request.POST else "choice"
        elif settings_form.is_valid() and questions.is_valid() and choices.is_valid():
            workbook = _workbook(settings_form.cleaned_data, questions, choices, form)
            try:
                published = form_publish_rows_start(
                    actor=request.user,
                    project=project,
                    workbook=workbook,
                    file_name=f"{workbook['settings'][0]['form_id']}.builder",
                )
            except (InvalidInputError, ConflictError) as error:
                problems = _problems(error)
                status = 409 if isinstance(error, ConflictError) else 400
            else:
                if isinstance(published, Job):
                    # A large form is converted by a job; its page follows it to the end.
                    return redirect(published)
                messages.success(
                    request,
                    _("Published version %(version)s of “%(title)s”.")
                    % {"version": published.version, "title": published.form.title},
                )
                return redirect("form_list", slug=project.slug)
        else:
            status = 400
    else:
        settings_form, questions, choices = _initial_forms(request, project, form)
    if added_row:
        rows = questions.forms if added_row == "question" else choices.forms
        if rows:
            field = "label_en" if added_row == "question" else "list_name"
            rows[-1].fields[field].widget.attrs["autofocus"] = True
    return render(
        request,
        "collection/form_builder.html",
        {
            "project": project,
            "form": form,
            "settings_form": settings_form,
            "questions": questions,
            "question_rows": [
                (row, TYPE_ICONS.get(str(row["type"].value() or ""), "")) for row in questions
            ],
            "choices": choices,
            "problems": problems,
            "common_types": _type_options(COMMON_TYPES),
            "other_types": _type_options(
                tuple(kind for kind in form_builder.QUESTION_TYPES if kind not in COMMON_TYPES)
            ),
            "type_icons": TYPE_ICONS,
            "webform_texts": webform_texts(),
            "added_row": added_row,
        },
        status=status,
    )


def _type_options(kinds: tuple[str, ...]) -> list[dict[str, str]]:
    return [
        {"type": kind, "label": str(TYPE_LABELS[kind]), "icon": TYPE_ICONS[kind]} for kind in kinds
    ]


@require_http_methods(["POST"])
def form_builder_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The render model of the builder's current rows, for the live preview beside them.

    Only for those who may build the project's forms: anyone else gets a 404, as for a form
    they may not see. Nothing is stored; rows that are not finished yet are drawn as far as
    they go (a question without a name gets a stand-in one).
    """
    project = project_get_for_viewing(user=request.user, slug=slug)
    if not permissions.has_permission(request.user, "form.publish", project):
        raise NotFoundError()
    too_large = JsonResponse(
        {"detail": _("The form is too large to preview here; publish it to see it.")}, status=413
    )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > PREVIEW_MAX_BYTES:
        return too_large
    questions = QuestionFormSet(request.POST, prefix="question")
    choices = ChoiceFormSet(request.POST, prefix="choice")
    if (
        _total_forms(request, "question") > PREVIEW_MAX_QUESTIONS
        or _total_forms(request, "choice") > PREVIEW_MAX_CHOICES
    ):
        return too_large
    workbook = form_builder.workbook_from_builder(
        form_id="preview",
        title=str(request.POST.get("settings-title", ""))[:200],
        version="preview",
        questions=_preview_questions(questions),
        choices=_preview_choices(choices),
    )
    try:
        model = render_model(workbook)
    except FormModelError:
        return JsonResponse({"model": None, "detail": _("Add a question to see the form here.")})
    return JsonResponse(
        {"model": model, "language": language_for(model, get_language() or "en"), "detail": ""}
    )


def _total_forms(request: HttpRequest, prefix: str) -> int:
    try:
        return int(request.POST.get(f"{prefix}-TOTAL_FORMS", "0") or 0)
    except ValueError:
        return 0


def _preview_questions(questions: Any) -> list[form_builder.BuilderQuestion]:
    """The rows as far as they are filled in: a field with a mistake is left out, not refused."""
    rows = []
    for number, row in enumerate(questions.forms, start=1):
        row.is_valid()
        data = getattr(row, "cleaned_data", {}) or {}
        if data.get("DELETE"):
            continue
        kind = data.get("type") or "text"
        rows.append(
            (
                data.get("ORDER") or number,
                number,
                form_builder.BuilderQuestion(
                    type=kind,
                    name=data.get("name") or f"question_{number}",
                    list_name=data.get("list_name", ""),
                    texts={
                        key: data.get(key, "")
                        for key in (
                            "label_en",
                            "label_nl",
                            "hint_en",
                            "hint_nl",
                            "constraint_message_en",
                            "constraint_message_nl",
                        )
                    },
                    required=bool(data.get("required")),
                    **{
                        name: data.get(name, "")
                        for name in form_builder.PLAIN
                        if name != "required"
                    },
                ),
            )
        )
    rows.sort(key=lambda found: (found[0], found[1]))
    return [question for _order, _number, question in rows]


def _preview_choices(choices: Any) -> list[form_builder.BuilderChoice]:
    found = []
    for row in choices.forms:
        row.is_valid()
        data = getattr(row, "cleaned_data", {}) or {}
        if data.get("DELETE") or not data.get("list_name") or not data.get("name"):
            continue
        found.append(
            form_builder.BuilderChoice(
                list_name=data["list_name"],
                name=data["name"],
                labels={"en": data.get("label_en", ""), "nl": data.get("label_nl", "")},
            )
        )
    return found


def _initial_forms(request: HttpRequest, project: Any, form: Any) -> tuple[Any, Any, Any]:
    if form is None:
        settings_form = BuilderSettingsForm(prefix="settings")
        return (
            settings_form,
            QuestionFormSet(prefix="question", initial=NEW_FORM_QUESTIONS),
            ChoiceFormSet(prefix="choice"),
        )
    latest = selectors.form_version_get_latest(user=request.user, form=form)
    question_rows = [
        {
            "type": question.type,
            "name": question.name,
            "list_name": question.list_name,
            "required": question.required,
            **question.texts,
            **{name: getattr(question, name) for name in form_builder.PLAIN if name != "required"},
        }
        for question in form_builder.questions_from_workbook(latest.source)
    ]
    choice_rows = [
        {
            "list_name": choice.list_name,
            "name": choice.name,
            "label_en": choice.labels.get("en", ""),
            "label_nl": choice.labels.get("nl", ""),
        }
        for choice in form_builder.choices_from_workbook(latest.source)
    ]
    return (
        BuilderSettingsForm(
            prefix="settings", initial={"form_id": form.form_id, "title": form.title}
        ),
        QuestionFormSet(prefix="question", initial=question_rows),
        ChoiceFormSet(prefix="choice", initial=choice_rows),
    )


def _with_blank_row(request: HttpRequest, questions: Any, choices: Any) -> tuple[Any, Any]:
    """Rebuild the formsets from the posted rows plus one empty row where one was asked for."""
    data = request.POST.copy()
    for prefix, button in (("question", "add_question"), ("choice", "add_choice")):
        if button in request.POST:
            total = int(data.get(f"{prefix}-TOTAL_FORMS", "0") or 0)
            data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
            if prefix == "question":
                # "Add a question" names its type; an unknown one falls back to text.
                chosen = str(request.POST.get("add_question", ""))
                data[f"{prefix}-{total}-type"] = (
                    chosen if chosen in form_builder.QUESTION_TYPES else "text"
                )
                data[f"{prefix}-{total}-ORDER"] = str(total + 1)
    return (QuestionFormSet(data, prefix="question"), ChoiceFormSet(data, prefix="choice"))


def _workbook(settings: dict[str, str], questions: Any, choices: Any, form: Any) -> dict[str, Any]:
    kept = [
        row
        for row in questions.ordered_forms
        if row.cleaned_data and not row.cleaned_data.get("DELETE")
    ]
    builder_questions = [
        form_builder.BuilderQuestion(
            type=row.cleaned_data["type"],
            name=row.cleaned_data.get("name", ""),
            list_name=row.cleaned_data.get("list_name", ""),
            texts={
                key: row.cleaned_data.get(key, "")
                for key in (
                    "label_en",
                    "label_nl",
                    "hint_en",
                    "hint_nl",
                    "constraint_message_en",
                    "constraint_message_nl",
                )
            },
            required=bool(row.cleaned_data.get("required")),
            **{
                name: row.cleaned_data.get(name, "")
                for name in form_builder.PLAIN
                if name != "required"
            },
        )
        for row in kept
    ]
    builder_choices = [
        form_builder.BuilderChoice(
            list_name=row.cleaned_data["list_name"],
            name=row.cleaned_data["name"],
            labels={
                "en": row.cleaned_data.get("label_en", ""),
                "nl": row.cleaned_data.get("label_nl", ""),
            },
        )
        for row in choices.forms
        if row.cleaned_data and not row.cleaned_data.get("DELETE")
    ]
    return form_builder.workbook_from_builder(
        form_id=form.form_id if form is not None else settings["form_id"],
        title=settings["title"],
        # A new version on every publication; the time (to the microsecond, so two
        # publications in one second differ) says which is newer.
        version=timezone.now().strftime("%Y%m%d%H%M%S%f"),
        questions=builder_questions,
        choices=builder_choices,
    )


def _problems(error: InvalidInputError | ConflictError) -> list[dict[str, Any]]:
    """Row-by-row problems, with spreadsheet rows turned into question and choice numbers."""
    if not isinstance(error, InvalidInputError) or not isinstance(error.details, list):
        return [{"where": "", "message": error.message}]
    found = []
    for problem in error.details:
        row, sheet = problem.get("row"), problem.get("sheet")
        where = ""
        if isinstance(row, int) and sheet in ("survey", "choices"):
            # Row 1 of a sheet is its header, so the first question is row 2.
            number = row - 1
            where = (_("Question %(number)d") if sheet == "survey" else _("Choice %(number)d")) % {
                "number": number
            }
        found.append({"where": where, "message": problem.get("message", "")})
    return found or [{"where": "", "message": error.message}]


urlpatterns = [
    path("projects/<slug:slug>/forms/new/", form_builder_page, name="form_builder_new"),
    path(
        "projects/<slug:slug>/forms/<str:form_id>/builder/",
        form_builder_page,
        name="form_builder",
    ),
    path(
        "projects/<slug:slug>/forms/preview/",
        form_builder_preview,
        name="form_builder_preview",
    ),
]
