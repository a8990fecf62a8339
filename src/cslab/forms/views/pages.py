"""Pages of the collection area: a project's forms, with an XLSForm upload for its leads.

Thin: parse a form, call a service or selector, render. Domain errors raised here become the
404/403/log-in pages through `core.middleware.DomainErrorMiddleware`.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cslab.core import permissions
from cslab.core.errors import ConflictError, InvalidInputError
from cslab.core.models import Job
from cslab.forms.html_forms import XLSFormUploadForm
from cslab.forms.services import form_publish_upload_start
from cslab.observations import selectors
from cslab.projects.selectors import project_get_for_viewing


@require_http_methods(["GET", "POST"])
def form_list_page(request: HttpRequest, slug: str) -> HttpResponse:
    """List a project's forms; its owners, researchers and Lab staff may upload an XLSForm."""
    project = project_get_for_viewing(user=request.user, slug=slug)
    upload = XLSFormUploadForm()
    problems: list[dict[str, object]] = []
    status = 200
    if request.method == "POST":
        permissions.require(request.user, "form.publish", project)
        upload = XLSFormUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                published = form_publish_upload_start(
                    actor=request.user, project=project, file_name=file.name, content=file.read()
                )
            except InvalidInputError as error:
                upload.add_error(None, error.message)
                problems = error.details if isinstance(error.details, list) else []
                status = 400
            except ConflictError as error:
                upload.add_error(None, error.message)
                status = 409
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
    return render(
        request,
        "collection/form_list.html",
        {
            "project": project,
            "forms": selectors.form_list_for_project(user=request.user, project=project),
            "can_publish": permissions.has_permission(request.user, "form.publish", project),
            # "Fill in" only for those who may submit; others see how to take part instead.
            "can_submit": permissions.has_permission(request.user, "observation.submit", project),
            "upload": upload,
            "problems": problems,
        },
        status=status,
    )


urlpatterns = [
    path("projects/<slug:slug>/forms/", form_list_page, name="form_list"),
]
