"""Pages of the classification area: classifying, and the researchers' pages.

Thin: parse a form, call a service or selector, render. Domain errors raised here become the
404/403/log-in pages through `core.middleware.DomainErrorMiddleware`.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cslab.classification import exports, selectors
from cslab.classification.forms import (
    CommentForm,
    DecisionForm,
    SubjectSetUploadForm,
    WorkflowCreateForm,
    WorkflowSettingsForm,
)
from cslab.classification.identity import identity_for_request
from cslab.classification.models import Workflow
from cslab.classification.services.classifications import subject_decide
from cslab.classification.services.subject_sets import (
    subject_set_from_observations,
    subject_set_upload,
)
from cslab.classification.services.talk import subject_comment_post
from cslab.classification.services.workflows import (
    workflow_create,
    workflow_link_subject_set,
    workflow_update,
)
from cslab.classification.task_definitions import answer_label, consensus_task
from cslab.consensus.exports import probabilities_csv, results_csv, results_json
from cslab.consensus.labels import aggregation_task, allowed_methods
from cslab.consensus.models.results import Method
from cslab.consensus.selectors import (
    disputed_subjects,
    result_list_for_workflow,
    results_summary,
    workflow_results,
)
from cslab.consent.selectors import consent_redirect_url
from cslab.core import permissions
from cslab.core.actors import Actor
from cslab.core.errors import ConflictError, InvalidInputError, NotFoundError
from cslab.core.markdown import render_markdown
from cslab.observations.filters import ObservationFilters
from cslab.projects.licences import project_licence_and_citation
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing


def _workflow(request: HttpRequest, slug: str, workflow: str) -> Workflow:
    return selectors.workflow_get_by_slugs(
        user=request.user, project_slug=slug, workflow_slug=workflow
    )


def _permissions(user: Actor, target: Any) -> dict[str, bool]:
    return {
        "can_manage": permissions.has_permission(user, "workflow.manage", target),
        "can_review": permissions.has_permission(user, "workflow.review", target),
    }


@require_GET
def workflow_list_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's workflows; its leads see links to create one and upload subjects."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    workflows = [
        (workflow, permissions.has_permission(request.user, "workflow.classify", workflow))
        for workflow in selectors.workflow_list_for_project(user=request.user, project=project)
    ]
    return render(
        request,
        "classification/workflow_list.html",
        {"project": project, "workflows": workflows, **_permissions(request.user, project)},
    )


def _sources(project: Project) -> list[tuple[str, str]]:
    forms = [
        (
            f"form:{form.form_id}",
            _("Photos of the observations of “%(title)s”") % {"title": form.title},
        )
        for form in project.forms.order_by("title")
    ]
    sets = [
        (f"set:{subject_set.pk}", _("Subject set “%(name)s”") % {"name": subject_set.name})
        for subject_set in project.subject_sets.order_by("name")
    ]
    return forms + sets


@require_http_methods(["GET", "POST"])
def workflow_create_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a workflow with one question over observation photos or an uploaded set."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "workflow.manage", project)
    sources = _sources(project)
    form = WorkflowCreateForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        try:
            workflow = _create_from_form(request, project, form)
        except InvalidInputError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The workflow “%(name)s” was created.") % {"name": workflow.name}
            )
            return redirect("workflow_settings", slug=project.slug, workflow=workflow.slug)
    return render(
        request,
        "classification/workflow_create.html",
        {"project": project, "form": form, "has_sources": bool(sources)},
        status=400 if request.method == "POST" else 200,
    )


def _create_from_form(request: HttpRequest, project: Project, form: WorkflowCreateForm) -> Workflow:
    from django.db import transaction

    data = form.cleaned_data
    with transaction.atomic():
        workflow = workflow_create(
            actor=request.user,
            project=project,
            name=data["name"],
            tasks=form.tasks(),
            retirement_count=data["retirement_count"],
            allow_anonymous=data["allow_anonymous"],
            status=Workflow.Status.ACTIVE if data["activate"] else Workflow.Status.DRAFT,
        )
        kind, _separator, key = str(data["source"]).partition(":")
        if kind == "form":
            subject_set_from_observations(
                actor=request.user,
                project=project,
                name=_("Photos for %(name)s") % {"name": workflow.name},
                filters=ObservationFilters(form_id=key),
                workflows=[workflow],
            )
        else:
            subject_set = project.subject_sets.filter(pk=int(key or 0)).first()
            if subject_set is None:
                raise InvalidInputError(_("Choose where the subjects come from."))
            workflow_link_subject_set(
                actor=request.user, workflow=workflow, subject_set=subject_set
            )
    return workflow


@require_http_methods(["GET", "POST"])
def subject_set_upload_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a zip of media with a manifest; problems are listed per row."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    permissions.require(request.user, "workflow.manage", project)
    choices = [(workflow.slug, workflow.name) for workflow in project.workflows.order_by("name")]
    form = SubjectSetUploadForm(request.POST or None, request.FILES or None, workflows=choices)
    problems: list[Any] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            workflows = list(project.workflows.filter(slug=form.cleaned_data["workflow"]))
            try:
                subject_set = subject_set_upload(
                    actor=request.user,
                    project=project,
                    name=form.cleaned_data["name"],
                    archive=form.cleaned_data["archive"],
                    workflows=workflows,
                )
            except InvalidInputError as error:
                form.add_error(None, error.message)
                problems = error.details if isinstance(error.details, list) else []
            else:
                messages.success(
                    request,
                    _("Imported %(count)d subjects into “%(name)s”.")
                    % {"count": subject_set.subjects.count(), "name": subject_set.name},
                )
                return redirect("workflow_list", slug=project.slug)
    return render(
        request,
        "classification/subject_set_upload.html",
        {"project": project, "form": form, "problems": problems},
        status=status,
    )


@require_GET
def workflow_classify_page(request: HttpRequest, slug: str, workflow: str) -> HttpResponse:
    """The classifying page: the script fetches subjects and sends answers through the API."""
    found = _workflow(request, slug, workflow)
    permissions.require(request.user, "workflow.classify", found)
    consent_url = consent_redirect_url(
        user=request.user, project=found.project, next_url=request.get_full_path()
    )
    if consent_url is not None:
        return redirect(consent_url)
    identity_for_request(request, create=True)
    return render(
        request,
        "classification/classify.html",
        {
            "project": found.project,
            "workflow": found,
            "tutorial": render_markdown(found.tutorial),
            "field_guide": render_markdown(found.field_guide),
            **_permissions(request.user, found),
        },
    )


@require_http_methods(["GET", "POST"])
def workflow_settings_page(request: HttpRequest, slug: str, workflow: str) -> HttpResponse:
    """Retirement, gold, order, anonymity, tutorial and field guide of a workflow."""
    found = _workflow(request, slug, workflow)
    permissions.require(request.user, "workflow.manage", found)
    form = WorkflowSettingsForm(request.POST or None, instance=found)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                workflow_update(
                    actor=request.user, workflow=Workflow.objects.get(pk=found.pk), **changes
                )
            except (InvalidInputError, ConflictError) as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("workflow_settings", slug=slug, workflow=workflow)
    return render(
        request,
        "classification/workflow_settings.html",
        {
            "project": found.project,
            "workflow": found,
            "form": form,
            **_permissions(request.user, found),
        },
        status=status,
    )


RESULT_LISTS = {
    "all": gettext_lazy("All subjects with a result"),
    "retired": gettext_lazy("Retired subjects"),
    "low-confidence": gettext_lazy("Low confidence"),
    "disputed": gettext_lazy("Disputed"),
}


@require_GET
def workflow_results_page(request: HttpRequest, slug: str, workflow: str) -> HttpResponse:
    """The stored aggregation: figures, the start button, one list of results, the exports."""

    found = _workflow(request, slug, workflow)
    summary = results_summary(user=request.user, workflow=found)
    which = request.GET.get("list", "all")
    which = which if which in RESULT_LISTS else "all"
    task = aggregation_task(found.tasks)
    # Results store answer values ("none"); show the labels volunteers saw ("Nothing on the
    # flower"). Transcriptions have no labels: their value is the text.
    shown = consensus_task(found.tasks)
    results = [
        (
            result,
            answer_label(shown, result.label)
            if shown and shown["kind"] != "text" and result.label
            else result.label,
        )
        for result in result_list_for_workflow(user=request.user, workflow=found, which=which)[:500]
    ]
    methods = [
        (value, label)
        for value, label in Method.choices
        if task is not None and value in allowed_methods(task)
    ]
    return render(
        request,
        "classification/workflow_results.html",
        {
            "project": found.project,
            "workflow": found,
            "summary": summary,
            "results": results,
            "lists": list(RESULT_LISTS.items()),
            "which": which,
            "which_name": RESULT_LISTS[which],
            "methods": methods,
            "can_run": permissions.has_permission(request.user, "consensus.run", found),
            **_permissions(request.user, found),
        },
    )


@require_http_methods(["GET", "POST"])
def workflow_review_page(request: HttpRequest, slug: str, workflow: str) -> HttpResponse:
    """The expert review queue: disputed subjects, and a decision form for each."""
    found = _workflow(request, slug, workflow)
    permissions.require(request.user, "workflow.review", found)
    task = consensus_task(found.tasks)
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        status = 400
        if form.is_valid() and task is not None:
            subject = selectors.subject_get_in_workflow(
                user=request.user, workflow=found, subject_id=form.cleaned_data["subject_id"]
            )
            answer: Any = form.cleaned_data["label"]
            answer = {"choice": answer} if task["kind"] == "survey" else answer
            try:
                subject_decide(
                    actor=request.user,
                    workflow=found,
                    subject=subject,
                    answers={task["key"]: answer},
                    note=form.cleaned_data["note"],
                )
            except (InvalidInputError, ConflictError) as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Subject %(subject)s is settled as “%(label)s”.")
                    % {
                        "subject": subject.external_id,
                        "label": answer_label(task, form.cleaned_data["label"]),
                    },
                )
                return redirect("workflow_review", slug=slug, workflow=workflow)
    queue = disputed_subjects(user=request.user, workflow=found, limit=50)
    options = (
        (task.get("choices") if task and task["kind"] == "survey" else task.get("answers"))
        if task
        else []
    )
    return render(
        request,
        "classification/workflow_review.html",
        {
            "project": found.project,
            "workflow": found,
            "task": task,
            "options": options or [],
            **_permissions(request.user, found),
            "queue": [
                (
                    item,
                    item.subject,
                    [
                        (answer_label(task, value) if task else value, share)
                        for value, share in item.votes.probabilities.items()
                        if share >= 0.005
                    ],
                )
                for item in queue
            ],
        },
        status=status,
    )


EXPORTS = {
    "classifications.csv": "text/csv",
    "marks.csv": "text/csv",
    "results.csv": "text/csv",
    "probabilities.csv": "text/csv",
    "results.json": "application/json",
}


@require_GET
def workflow_export(
    request: HttpRequest, slug: str, workflow: str, name: str
) -> StreamingHttpResponse:
    """Download one of the workflow's exports (reviewers)."""
    found = _workflow(request, slug, workflow)
    if name not in EXPORTS:
        raise NotFoundError()
    body: Any
    # Every export carries the project's data licence (each CSV row, as Darwin Core does; the
    # JSON document with the citation too).
    with translation.override("en"):
        licence = project_licence_and_citation(found.project)
    if name in ("classifications.csv", "marks.csv"):
        rows = selectors.classification_list_for_workflow(user=request.user, workflow=found)
        writer = exports.classifications_csv if name == "classifications.csv" else exports.marks_csv
        body = exports.with_licence_column(
            writer(found, rows.iterator(chunk_size=2000)), licence.licence
        )
    else:
        results = workflow_results(user=request.user, workflow=found)
        if name == "results.json":
            body = [results_json(found, results, licence=licence.as_dict())]
        elif name == "results.csv":
            body = exports.with_licence_column(results_csv(found, results), licence.licence)
        else:
            body = exports.with_licence_column(probabilities_csv(found, results), licence.licence)
    response = StreamingHttpResponse(body, content_type=f"{EXPORTS[name]}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{name}"'
    return response


@require_http_methods(["GET", "POST"])
def subject_talk_page(request: HttpRequest, slug: str, subject_id: int) -> HttpResponse:
    """A subject's discussion; signed-in volunteers who may see the project comment."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    subject = selectors.subject_get_for_viewing(
        user=request.user, project=project, subject_id=subject_id
    )
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        permissions.require(request.user, "subject.talk", subject)
        status = 400
        if form.is_valid():
            try:
                subject_comment_post(
                    actor=request.user, subject=subject, text=form.cleaned_data["text"]
                )
            except InvalidInputError as error:
                form.add_error("text", error.message)
            else:
                return redirect("subject_talk", slug=slug, subject_id=subject.pk)
    return render(
        request,
        "classification/subject_talk.html",
        {
            "project": project,
            "subject": subject,
            "comments": selectors.comment_list_for_subject(user=request.user, subject=subject),
            "workflows": selectors.workflow_list_for_subject(user=request.user, subject=subject),
            "form": form,
            "can_talk": permissions.has_permission(request.user, "subject.talk", subject),
        },
        status=status,
    )


WORKFLOW = "projects/<slug:slug>/workflows/<slug:workflow>/"

urlpatterns = [
    path("projects/<slug:slug>/workflows/", workflow_list_page, name="workflow_list"),
    path("projects/<slug:slug>/workflows/new/", workflow_create_page, name="workflow_create"),
    path(
        "projects/<slug:slug>/subject-sets/upload/",
        subject_set_upload_page,
        name="subject_set_upload",
    ),
    path(WORKFLOW, workflow_classify_page, name="workflow_classify"),
    path(f"{WORKFLOW}settings/", workflow_settings_page, name="workflow_settings"),
    path(f"{WORKFLOW}results/", workflow_results_page, name="workflow_results"),
    path(f"{WORKFLOW}review/", workflow_review_page, name="workflow_review"),
    path(f"{WORKFLOW}export/<str:name>", workflow_export, name="workflow_export"),
    path(
        "projects/<slug:slug>/subjects/<int:subject_id>/talk/",
        subject_talk_page,
        name="subject_talk",
    ),
]
