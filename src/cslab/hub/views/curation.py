"""Pages of the curation part: the queue, a resource's review, its steps, versions and diffs,
and the quality checklist; and the resource page's status and curator parts.

Thin: parse a form, call one service or selector, render. Refusals that are pages (404, 403,
log in) go through `core.middleware.DomainErrorMiddleware`; the rest come back on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cslab.core import permissions
from cslab.core.actors import SignedInRequest
from cslab.core.errors import DomainError, NotFoundError
from cslab.core.markdown import render_markdown
from cslab.core.problems import ProblemCode
from cslab.hub import states
from cslab.hub.detail_parts import DetailPart, register_detail_part
from cslab.hub.models import QualityCriterion, Resource, Review
from cslab.hub.selectors import curation as selectors
from cslab.hub.selectors.resources import resource_get
from cslab.hub.services import criteria as criteria_services
from cslab.hub.services.curation import resource_transition

# Refusals shown as their own page rather than on the form.
SHOWN_AS_PAGES = frozenset(
    {ProblemCode.NOT_FOUND, ProblemCode.PERMISSION_DENIED, ProblemCode.NOT_AUTHENTICATED}
)
# The steps taken with a button on the resource page; curators' decisions go through review.
BUTTON_STEPS = frozenset({"submit", "withdraw", "retire", "reinstate"})
STEP_DONE = {
    "submit": gettext_lazy("Submitted: a curator will review it. You will be told the outcome."),
    "withdraw": gettext_lazy("Withdrawn: the resource is a draft again."),
    "retire": gettext_lazy("Retired: the resource stays reachable with your notice."),
    "reinstate": gettext_lazy("Published again."),
}
DECISION_DONE = {
    "publish": gettext_lazy("Published: the author is told."),
    "request_changes": gettext_lazy("Changes requested: the author is told."),
    "decline": gettext_lazy("Declined: the author is told."),
}


def criterion_label(criterion: QualityCriterion) -> str:
    """The criterion in the page's language (Dutch when it has a Dutch wording)."""
    if (get_language() or "").startswith("nl") and criterion.label_nl:
        return criterion.label_nl
    return criterion.label


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=Review.Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment to the author"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Needed to request changes or decline: say what and why."),
    )

    def __init__(self, *args: Any, criteria: list[QualityCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion-{criterion.code}"] = forms.ChoiceField(
                label=criterion_label(criterion),
                help_text=criterion.help_text,
                choices=[("yes", _("Met")), ("no", _("Not met"))],
                widget=forms.RadioSelect,
            )

    def criteria_fields(self) -> list[forms.BoundField]:
        return [self[f"criterion-{criterion.code}"] for criterion in self.criteria]

    def answers(self) -> dict[str, bool]:
        return {
            criterion.code: self.cleaned_data[f"criterion-{criterion.code}"] == "yes"
            for criterion in self.criteria
        }


class CriterionForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Criterion (English)"), max_length=300)
    label_nl = forms.CharField(
        label=gettext_lazy("Criterion (Dutch)"), max_length=300, required=False
    )
    help_text = forms.CharField(
        label=gettext_lazy("What to look for"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    position = forms.IntegerField(
        label=gettext_lazy("Position"), min_value=0, max_value=32_000, required=False
    )


class VersionPickForm(forms.Form):
    old = forms.IntegerField(label=gettext_lazy("Compare version"), min_value=1)
    new = forms.IntegerField(label=gettext_lazy("with version"), min_value=1)


def _add_errors(form: forms.Form, error: DomainError) -> None:
    details = error.details if isinstance(error.details, dict) else {}
    for name, problems in details.items():
        if name in form.fields:
            for problem in problems if isinstance(problems, list) else [problems]:
                form.add_error(name, str(problem))
    form.add_error(None, error.message)


@login_required
@require_GET
def curation_queue(request: SignedInRequest) -> HttpResponse:
    queue = selectors.curation_queue(request.user, now=timezone.now())
    return render(request, "hub/curation_queue.html", {"queue": queue})


@login_required
@require_http_methods(["GET", "POST"])
def resource_review(request: SignedInRequest, slug: str) -> HttpResponse:
    page = selectors.resource_review_page(request.user, slug)
    form = ReviewForm(request.POST or None, criteria=page.criteria)
    status = 200
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            resource_transition(
                actor=request.user,
                resource=page.resource,
                action=decision,
                comment=form.cleaned_data["comment"],
                criteria=form.answers(),
            )
        except DomainError as error:
            if error.code in SHOWN_AS_PAGES:
                raise
            _add_errors(form, error)
            status = error.status
        else:
            messages.success(request, str(DECISION_DONE[decision]))
            return redirect(page.resource)
    elif request.method == "POST":
        status = 400
    labels = selectors.criterion_labels()
    reviews = [
        (
            review,
            [
                (criterion_label(labels[code]) if code in labels else code, met)
                for code, met in (review.criteria or {}).items()
            ],
        )
        for review in page.reviews
    ]
    return render(
        request,
        "hub/review.html",
        {
            "page": page,
            "resource": page.resource,
            "body_html": render_markdown(page.resource.body),
            "form": form,
            "reviews": reviews,
        },
        status=status,
    )


@login_required
@require_POST
def resource_step(request: SignedInRequest, slug: str, action: str) -> HttpResponse:
    if action not in BUTTON_STEPS:
        raise NotFoundError()
    resource = resource_get(request.user, slug)
    try:
        resource_transition(
            actor=request.user,
            resource=resource,
            action=action,
            notice=request.POST.get("notice", "")[:2000],
        )
    except DomainError as error:
        if error.code in SHOWN_AS_PAGES:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, str(STEP_DONE[action]))
    return redirect(resource)


@require_GET
def resource_versions(request: HttpRequest, slug: str) -> HttpResponse:
    resource, rows = selectors.resource_version_history(request.user, slug)
    form = VersionPickForm(request.GET or None)
    if request.GET and form.is_valid():
        old, new = sorted((form.cleaned_data["old"], form.cleaned_data["new"]))
        return redirect("hub_resource_version_diff", slug=resource.slug, old=old, new=new)
    return render(
        request,
        "hub/versions.html",
        {
            "resource": resource,
            "rows": rows,
            "form": form,
            "numbers": [row.version.number for row in rows],
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )


@require_GET
def resource_version_diff(request: HttpRequest, slug: str, old: int, new: int) -> HttpResponse:
    resource, old_version, new_version, changes = selectors.resource_version_pair(
        request.user, slug, old, new
    )
    return render(
        request,
        "hub/version_diff.html",
        {
            "resource": resource,
            "old": old_version,
            "new": new_version,
            "changes": changes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria_page(request: SignedInRequest) -> HttpResponse:
    permissions.require(request.user, "hub.criteria.manage")
    operation = request.POST.get("operation", "")
    add_form = CriterionForm(request.POST if operation == "create" else None, prefix="new")
    status = 200
    if request.method == "POST":
        try:
            done = _criteria_operation(request, operation, add_form)
        except DomainError as error:
            if error.code in SHOWN_AS_PAGES:
                raise
            messages.error(request, error.message)
            status = error.status
            done = operation != "create"
        if done:
            return redirect("hub_criteria")
        status = status if status != 200 else 400
    criteria = list(QualityCriterion.objects.all())
    rows = [
        {
            "criterion": criterion,
            "form": CriterionForm(
                initial={
                    "label": criterion.label,
                    "label_nl": criterion.label_nl,
                    "help_text": criterion.help_text,
                    "position": criterion.position,
                },
                prefix=f"c{criterion.pk}",
            ),
            "used": criteria_services.criterion_is_used(criterion),
        }
        for criterion in criteria
    ]
    return render(request, "hub/criteria.html", {"rows": rows, "add_form": add_form}, status=status)


def _criteria_operation(request: SignedInRequest, operation: str, add_form: CriterionForm) -> bool:
    """Do what the POSTed form asks; return True when done (False: show the add form again)."""
    if operation == "create":
        if not add_form.is_valid():
            return False
        criteria_services.criterion_create(
            actor=request.user,
            label=add_form.cleaned_data["label"],
            label_nl=add_form.cleaned_data["label_nl"],
            help_text=add_form.cleaned_data["help_text"],
            position=add_form.cleaned_data["position"],
        )
        messages.success(request, _("Criterion added to the checklist."))
        return True
    criterion = QualityCriterion.objects.filter(pk=_int(request.POST.get("criterion"))).first()
    if criterion is None or operation not in {"update", "retire", "activate", "delete"}:
        messages.error(request, _("Choose a criterion and what to do with it."))
        return True
    if operation == "update":
        form = CriterionForm(request.POST, prefix=f"c{criterion.pk}")
        if not form.is_valid():
            messages.error(request, _("Write the criterion (at most 300 characters)."))
            return True
        criteria_services.criterion_update(
            actor=request.user,
            criterion=criterion,
            label=form.cleaned_data["label"],
            label_nl=form.cleaned_data["label_nl"],
            help_text=form.cleaned_data["help_text"],
            position=form.cleaned_data["position"],
        )
        messages.success(request, _("Criterion saved."))
    elif operation in {"retire", "activate"}:
        criteria_services.criterion_deactivate(
            actor=request.user, criterion=criterion, active=operation == "activate"
        )
        messages.success(request, _("Checklist updated."))
    else:
        criteria_services.criterion_delete(actor=request.user, criterion=criterion)
        messages.success(request, _("Criterion deleted."))
    return True


def _int(value: str | None) -> int:
    try:
        return int(value or "0")
    except ValueError:
        return 0


# ---------------------------------------------------------------- parts of the resource page


def _notices_context(request: HttpRequest, resource: Resource) -> dict[str, Any] | None:
    """The status for those who may see a resource not (or no longer) out; retirement for all."""
    if resource.status == states.PUBLISHED:
        return None
    user = request.user
    author_steps = [
        step
        for step in states.steps_from(resource.status)
        if step.permission == "hub.resource.edit"
        and permissions.has_permission(user, step.permission, resource)
    ]
    latest_review = None
    if resource.status in (states.CHANGES_REQUESTED, states.DECLINED):
        latest_review = resource.reviews.select_related("reviewer").first()
    return {
        "resource": resource,
        "author_steps": author_steps,
        "latest_review": latest_review,
    }


def _aside_context(request: HttpRequest, resource: Resource) -> dict[str, Any] | None:
    """Version and history link for all; the review link and retire/reinstate for curators."""
    is_curator = permissions.has_permission(request.user, "hub.resource.curate", resource)
    context = {
        "resource": resource,
        "is_curator": is_curator,
        "can_review": is_curator and resource.status == states.SUBMITTED,
        "can_retire": is_curator and resource.status == states.PUBLISHED,
        "can_reinstate": is_curator and resource.status == states.RETIRED,
        "review_url": reverse("hub_resource_review", kwargs={"slug": resource.slug}),
    }
    shown = ("can_review", "can_retire", "can_reinstate")
    if resource.version == 0 and not any(context[name] for name in shown):
        return None
    return context


def _head_context(request: HttpRequest, resource: Resource) -> dict[str, Any] | None:
    """The style sheet of the two parts below."""
    return {}


register_detail_part(
    DetailPart(
        name="curation-style",
        slot="head",
        template="hub/curation_head.html",
        context=_head_context,
        order=10,
    )
)
register_detail_part(
    DetailPart(
        name="curation-status",
        slot="notices",
        template="hub/_detail_status.html",
        context=_notices_context,
        order=10,
    )
)
register_detail_part(
    DetailPart(
        name="curation-curator",
        slot="aside",
        template="hub/_detail_curator.html",
        context=_aside_context,
        order=10,
    )
)


urlpatterns: list[URLPattern | URLResolver] = [
    path("hub/curation/", curation_queue, name="hub_curation_queue"),
    path("hub/criteria/", criteria_page, name="hub_criteria"),
    path("hub/<slug:slug>/review/", resource_review, name="hub_resource_review"),
    path("hub/<slug:slug>/step/<str:action>/", resource_step, name="hub_resource_step"),
    path("hub/<slug:slug>/versions/", resource_versions, name="hub_resource_versions"),
    path(
        "hub/<slug:slug>/versions/<int:old>/<int:new>/",
        resource_version_diff,
        name="hub_resource_version_diff",
    ),
]
