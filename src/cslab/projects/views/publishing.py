"""Publishing an approved project: the one button of the "publish it" prompt.

Thin: the service checks who may publish and that Lab staff approved the project.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cslab.core.actors import SignedInRequest
from cslab.core.errors import ConflictError
from cslab.core.redirects import safe_next
from cslab.projects import selectors
from cslab.projects.services.lifecycle import project_publish


@login_required
@require_POST
def project_publish_page(request: SignedInRequest, slug: str) -> HttpResponse:
    project = selectors.project_get_for_viewing(user=request.user, slug=slug)
    target = safe_next(request, project.get_absolute_url())
    try:
        project_publish(actor=request.user, project=project)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(name)s” is published: volunteers find it in the directory.")
            % {"name": project.name},
        )
    return redirect(target)


urlpatterns: list[URLPattern] = [
    path("projects/<slug:slug>/publish/", project_publish_page, name="project_publish"),
]
