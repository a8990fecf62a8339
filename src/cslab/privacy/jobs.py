"""Background job kinds of the data-protection area: personal-data exports, their purge, and
the retention sweep."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from cslab.core.models import Job
from cslab.core.services.jobs import job_kind
from cslab.privacy.services.export import (
    EXPORTS_PURGE_JOB,
    PERSONAL_DATA_EXPORT_JOB,
    personal_data_export_build,
    personal_data_exports_purge,
)
from cslab.privacy.services.retention import retention_apply

# issue 14, export part


@job_kind(PERSONAL_DATA_EXPORT_JOB)
def personal_data_export(
    job: Job, report_progress: Callable[[int, str], None], *, export_id: int
) -> dict[str, Any]:
    """Write one person's export zip (the JSON-only `accounts.data_export` stays as it was)."""
    return personal_data_export_build(export_id=export_id, report_progress=report_progress)


@job_kind(EXPORTS_PURGE_JOB)
def exports_purge(job: Job, report_progress: Callable[[int, str], None]) -> dict[str, Any]:
    """Delete the files of expired personal-data exports; `cslab retention` runs it daily."""
    return {"deleted_files": personal_data_exports_purge()}


# issue 14, governance part

RETENTION_JOB_KIND = "privacy.retention"


@job_kind(RETENTION_JOB_KIND)
def apply_retention(
    job: Job, report_progress: Callable[[int, str], None], **_details: object
) -> dict[str, Any]:
    """Remove the raw personal data past its retention (the sweep of `cslab retention`)."""
    return retention_apply(now=timezone.now()).as_dict()
