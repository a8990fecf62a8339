"""Pages of training: requirements (see training/urls.py).

`project_role_requirements`: a project's owners (and Lab staff) choose, per role, the
published modules a person completes before taking it. Joining and role changes in
`projects` then ask `core.role_requirements`, which training answers.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cslab.core.errors import InvalidInputError
from cslab.core.roles import ProjectRole
from cslab.projects.models import Project
from cslab.projects.selectors import project_get_for_viewing
from cslab.training import certificate_selectors
from cslab.training.certificate_selectors import REQUIRABLE_ROLES
from cslab.training.models import TrainingModule
from cslab.training.services.requirements import role_requirement_add, role_requirement_remove


class RequirementAddForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=[(role.value, role.label) for role in REQUIRABLE_ROLES]
    )
    module = forms.ChoiceField(label=gettext_lazy("Training module"))

    def __init__(self, *args: Any, modules: list[TrainingModule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules = {module.slug: module for module in modules}
        choices = [(module.slug, module.title) for module in modules]
        self.fields["module"].choices = choices  # type: ignore[attr-defined]


class RequirementRemoveForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
def project_role_requirements(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_viewing(user=request.user, slug=slug)
    page = certificate_selectors.requirements_page(viewer=request.user, project=project)
    form = RequirementAddForm(modules=page.modules)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            _remove(request, project)
            return redirect("project_role_requirements", slug=project.slug)
        form = RequirementAddForm(request.POST, modules=page.modules)
        if form.is_valid():
            module = form.modules[form.cleaned_data["module"]]
            role = form.cleaned_data["role"]
            try:
                role_requirement_add(actor=request.user, project=project, role=role, module=module)
            except InvalidInputError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The role %(role)s now asks for “%(module)s” first.")
                    % {"role": ProjectRole(role).label, "module": module.title},
                )
                return redirect("project_role_requirements", slug=project.slug)
    return render(
        request,
        "training/role_requirements.html",
        {"project": project, "page": page, "form": form},
        status=400 if form.is_bound else 200,
    )


def _remove(request: HttpRequest, project: Project) -> None:
    form = RequirementRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That did not work: the form was incomplete."))
        return
    requirement = certificate_selectors.requirement_get_for_managing(
        viewer=request.user, project=project, requirement_id=form.cleaned_data["target"]
    )
    role_requirement_remove(actor=request.user, requirement=requirement)
    messages.success(
        request,
        _("“%(module)s” is no longer required.") % {"module": requirement.module.title},
    )


urlpatterns: list[URLPattern] = [
    path(
        "projects/<slug:slug>/training/",
        project_role_requirements,
        name="project_role_requirements",
    ),
]
