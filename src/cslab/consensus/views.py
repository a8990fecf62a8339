"""Pages of the consensus area: start a workflow's aggregation and follow its job.

Thin: parse the form, call the service or selector, render. The results and the expert
review queue are pages of the classification area that read the stored results.
"""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cslab.classification import selectors as classification
from cslab.classification.models import Workflow
from cslab.consensus import selectors
from cslab.consensus.models import AggregationRun
from cslab.consensus.services.aggregation import aggregation_start
from cslab.core.errors import ConflictError, InvalidInputError


def _workflow(request: HttpRequest, slug: str, workflow: str) -> Workflow:
    return classification.workflow_get_by_slugs(
        user=request.user, project_slug=slug, workflow_slug=workflow
    )


@require_POST
def workflow_aggregation_start(request: HttpRequest, slug: str, workflow: str) -> HttpResponse:
    """Queue the aggregation and go to its job page."""
    found = _workflow(request, slug, workflow)
    try:
        job = aggregation_start(
            actor=request.user,
            workflow=found,
            method=request.POST.get("method") or None,
            full=request.POST.get("full") == "1",
        )
    except (InvalidInputError, ConflictError) as error:
        messages.error(request, error.message)
        return redirect("workflow_results", slug=slug, workflow=workflow)
    return redirect("workflow_aggregation_job", slug=slug, workflow=workflow, job_id=job.pk)


@never_cache
@require_GET
def workflow_aggregation_job(
    request: HttpRequest, slug: str, workflow: str, job_id: UUID
) -> HttpResponse:
    """The aggregation's progress (htmx polls the status part), then what the run found."""
    found = _workflow(request, slug, workflow)
    job = selectors.aggregation_job_get(user=request.user, workflow=found, job_id=job_id)
    run = AggregationRun.objects.filter(job=job).first()
    template = (
        "consensus/_aggregation_status.html"
        if getattr(request, "htmx", False)
        else "consensus/aggregation_job.html"
    )
    return render(
        request, template, {"project": found.project, "workflow": found, "job": job, "run": run}
    )


WORKFLOW = "projects/<slug:slug>/workflows/<slug:workflow>/"

urlpatterns = [
    path(f"{WORKFLOW}aggregation/", workflow_aggregation_start, name="workflow_aggregation_start"),
    path(
        f"{WORKFLOW}aggregation/<uuid:job_id>/",
        workflow_aggregation_job,
        name="workflow_aggregation_job",
    ),
]
