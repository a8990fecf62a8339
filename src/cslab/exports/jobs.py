"""The background jobs of exports: writing a data export; checking and running an import."""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_noop

from cslab.core.models import Job
from cslab.core.services.jobs import job_kind
from cslab.exports.imports import (
    CHECK_JOB,
    RUN_JOB,
    data_import_check_rows,
    data_import_run_rows,
)
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


@job_kind(CHECK_JOB)
def data_import_check(
    job: Job, report_progress: Callable[[int, str], None], *, import_id: int
) -> dict[str, Any]:
    """The dry run of an import: check every row, store none."""
    return data_import_check_rows(import_id=import_id, report_progress=report_progress)


@job_kind(RUN_JOB)
def data_import_run(
    job: Job, report_progress: Callable[[int, str], None], *, import_id: int
) -> dict[str, Any]:
    """Import the rows of a checked file by its policy."""
    return data_import_run_rows(import_id=import_id, report_progress=report_progress)
