"""Background job kinds of the collection area: publishing a large form."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext_noop

from cslab.core.errors import NotFoundError
from cslab.core.models import Job
from cslab.core.services.jobs import job_kind
from cslab.forms.services import PUBLISH_JOB_KIND, form_publish_job_run
from cslab.projects.models import Project


@job_kind(PUBLISH_JOB_KIND)
def publish_form(
    job: Job,
    report_progress: Callable[[int, str], None],
    *,
    project_id: int,
    file_name: str,
    default_version: str,
    stored_file: str = "",
    workbook: dict[str, Any] | None = None,
    **_details: object,
) -> dict[str, Any]:
    """Read, convert (and validate) and publish a form for whoever started the job.

    Their permissions are checked again now, and the problems are written in their language.
    Untranslated progress messages are translated when shown.
    """
    actor = job.started_by
    project = Project.objects.filter(pk=project_id).first()
    if actor is None or project is None:
        if stored_file:
            default_storage.delete(stored_file)
        raise NotFoundError("The project or the person who started the job is gone.")
    report_progress(10, gettext_noop("Converting the form"))
    language = getattr(actor, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        result = form_publish_job_run(
            actor=actor,
            project=project,
            file_name=file_name,
            default_version=default_version,
            stored_file=stored_file,
            workbook=workbook,
        )
    # The job's last message, saved with its result.
    job.message = (
        gettext_noop("Published")
        if result["published"]
        else gettext_noop("Not published: the form has problems")
    )
    return result
