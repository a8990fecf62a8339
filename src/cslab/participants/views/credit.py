"""Credit pages: a person's choice of how they are credited, and a project team's contributor
list (page and CSV) that honours those choices."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cslab.core.actors import SignedInRequest
from cslab.core.errors import InvalidInputError
from cslab.participants.forms import SAME_AS_GLOBAL, CreditForm
from cslab.participants.selectors import (
    contributor_list,
    credit_choice_projects,
    credit_name_for,
    credit_preference_list_mine,
    project_get_for_contributors,
)
from cslab.participants.services.contributors import acknowledgement, contributor_list_csv
from cslab.participants.services.credit import credit_preference_clear, credit_preference_set

PROJECT_PREFIX = re.compile(r"project-\d{1,12}")


def _forms(user: Any, posted: CreditForm | None) -> tuple[CreditForm, list[dict[str, Any]]]:
    preferences = {item.project_id: item for item in credit_preference_list_mine(user=user)}
    global_preference = preferences.get(None)
    global_form = CreditForm(
        initial={
            "choice": global_preference.choice if global_preference else "",
            "pseudonym": global_preference.pseudonym if global_preference else "",
        },
        prefix="global",
    )
    rows: list[dict[str, Any]] = []
    for project in credit_choice_projects(user=user):
        preference = preferences.get(project.pk)
        form = CreditForm(
            initial={
                "project": project.slug,
                "choice": preference.choice if preference else SAME_AS_GLOBAL,
                "pseudonym": preference.pseudonym if preference else "",
            },
            for_project=True,
            prefix=f"project-{project.pk}",
        )
        rows.append(
            {"project": project, "form": form, "name": credit_name_for(user=user, project=project)}
        )
    if posted is not None:
        if posted.prefix == "global":
            global_form = posted
        for row in rows:
            if row["form"].prefix == posted.prefix:
                row["form"] = posted
    return global_form, rows


def _posted_form(request: SignedInRequest) -> CreditForm:
    # Each row of the page is its own form; "which" names the row (its field prefix).
    which = request.POST.get("which", "global")
    if which != "global" and not PROJECT_PREFIX.fullmatch(which):
        which = "global"
    return CreditForm(request.POST, prefix=which, for_project=which != "global")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def credit_preferences(request: SignedInRequest) -> HttpResponse:
    """Choose how one is credited: everywhere, and per project contributed to or on the team of."""
    user = request.user
    posted: CreditForm | None = None
    status = 200
    if request.method == "POST":
        posted = _posted_form(request)
        if posted.is_valid():
            try:
                _save(user, posted)
            except InvalidInputError as error:
                for name, problems in (error.details or {"choice": [error.message]}).items():
                    field = name if name in posted.fields else None
                    for problem in problems:
                        posted.add_error(field, problem)
            else:
                messages.success(request, _("Your choice was saved."))
                return redirect("credit_preferences")
        status = 400
    global_form, rows = _forms(user, posted)
    return render(
        request,
        "participants/credit_preferences.html",
        {
            "global_form": global_form,
            "rows": rows,
            "credit_name": credit_name_for(user=user),
        },
        status=status,
    )


def _save(user: Any, form: CreditForm) -> None:
    data = form.cleaned_data
    project = None
    if form.prefix != "global":
        project = next(
            (p for p in credit_choice_projects(user=user) if p.slug == data["project"]), None
        )
        if project is None:
            raise InvalidInputError(
                _("You can only choose for projects you contributed to or are a member of.")
            )
        if data["choice"] == SAME_AS_GLOBAL:
            credit_preference_clear(actor=user, user=user, project=project)
            return
    credit_preference_set(
        actor=user, user=user, project=project, choice=data["choice"], pseudonym=data["pseudonym"]
    )


@login_required
@require_safe
def project_contributors(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's contributors as they chose to be credited, with an acknowledgement to paste."""
    project = project_get_for_contributors(actor=request.user, slug=slug)
    contributors = contributor_list(actor=request.user, project=project)
    return render(
        request,
        "participants/project_contributors.html",
        {
            "project": project,
            "contributors": contributors,
            "acknowledgement": acknowledgement(contributors),
        },
    )


@login_required
@require_safe
def project_contributors_csv(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_contributors(actor=request.user, slug=slug)
    content = contributor_list_csv(actor=request.user, project=project)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-contributors.csv"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("me/credit/", credit_preferences, name="credit_preferences"),
    path("projects/<slug:slug>/contributors/", project_contributors, name="project_contributors"),
    path(
        "projects/<slug:slug>/contributors.csv",
        project_contributors_csv,
        name="project_contributors_csv",
    ),
]
