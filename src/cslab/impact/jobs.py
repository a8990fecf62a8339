"""Background job kinds of impact: the roll-ups' refresh and rebuild, and the meta-research
export."""

from collections.abc import Callable
from typing import Any

from cslab.core.models import Job
from cslab.core.services.jobs import job_kind
from cslab.impact.services.meta_research import META_RESEARCH_EXPORT_JOB, meta_research_export_build
from cslab.impact.services.rollup import (
    ROLLUP_REBUILD_JOB,
    ROLLUP_REFRESH_JOB,
    rollup_rebuild,
    rollup_refresh,
)
from cslab.projects.models import Project


@job_kind(ROLLUP_REFRESH_JOB)
def refresh(job: Job, report_progress: Callable[[int, str], None]) -> dict[str, Any]:
    """Add new contributions of every project to the roll-ups (`cslab impact_rollup` runs it)."""
    return rollup_refresh(report_progress=report_progress)


@job_kind(ROLLUP_REBUILD_JOB)
def rebuild(
    job: Job, report_progress: Callable[[int, str], None], *, project_id: int
) -> dict[str, Any]:
    project = Project.objects.get(pk=project_id)
    return rollup_rebuild(project=project, report_progress=report_progress)


@job_kind(META_RESEARCH_EXPORT_JOB)
def meta_research_export(
    job: Job, report_progress: Callable[[int, str], None], *, export_id: int
) -> dict[str, Any]:
    return meta_research_export_build(export_id=export_id, report_progress=report_progress)
