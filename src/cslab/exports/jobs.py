"""The background job that writes a data export."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_noop

from cslab.core.models import Job
from cslab.core.services.jobs import job_kind
from cslab.exports.services import DATA_EXPORT_JOB, data_export_build
from cslab.exports.snapshots import snapshots_refresh_all


@job_kind(DATA_EXPORT_JOB)
def data_export(
    job: Job, report_progress: Callable[[int, str], None], *, export_id: int
) -> dict[str, Any]:
    """Write one export's file, reporting the observations written so far."""
    return data_export_build(export_id=export_id, report_progress=report_progress)


@job_kind("exports.snapshots_refresh")
def snapshots_refresh(job: Job, report_progress: Callable[[int, str], None]) -> dict[str, Any]:
    """Rebuild the public snapshots of every public project whose observations changed."""
    result = snapshots_refresh_all()
    report_progress(100, gettext_noop("Done"))
    return result
