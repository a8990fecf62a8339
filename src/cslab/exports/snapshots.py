"""A public project's "latest snapshot": for each form, the public csv, geojson, datapackage and
dwca files, rebuilt by a scheduled job when the public observations changed, kept until
replaced (the dataset page links them).

Decisions:
* A snapshot is an ordinary public export with nobody as `requested_by`, built by the same
  `data_export_build` path, then marked `is_snapshot` with an `expires_at` far ahead, so the
  download selector and the purge need no special case.
* "At most one current snapshot per (project, form, format)" is a database constraint on
  ready rows with `is_snapshot`. The new file is built unmarked; only when it is ready, one
  transaction expires the old snapshot and then marks the new one, so the constraint holds at
  every statement, and a failed build leaves the old snapshot as it was.
* Darwin Core is written for every project (whether a project is about biodiversity cannot be
  decided reliably from its tags); a form the archive cannot map fails only that file.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cslab.core import permissions
from cslab.exports.models import DataExport
from cslab.exports.services import EXPORT_FOLDER, data_export_build, export_directory
from cslab.forms.models import Form
from cslab.observations.filters import ObservationFilters
from cslab.observations.selectors import observation_list_visible
from cslab.projects.models import Project

logger = logging.getLogger(__name__)

SNAPSHOT_FORMATS = ("csv", "geojson", "datapackage", "dwca")
# Snapshots stay until replaced; a date far ahead keeps them out of the 7-day purge.
SNAPSHOT_KEPT_FOR = timedelta(days=365 * 100)
# How often the deployment runs `cslab export_snapshots` (docs/exports.md: cron, nightly). The
# data page says this rather than the far-away `expires_at` a snapshot keeps.
SNAPSHOT_SCHEDULE = gettext_lazy("every night")
# Stored in the export's `rows` beside the per-table counts: what the snapshot was built from.
SIGNATURE_KEY = "_snapshot_of"


def _signature(project: Project, form: Form) -> dict[str, Any]:
    """What the public sees of a form, summed up: a new, edited, moderated or deleted public
    observation changes it."""
    summary = observation_list_visible(
        user=AnonymousUser(), project=project, filters=ObservationFilters(form_id=form.form_id)
    ).aggregate(count=Count("id"), newest=Max("id"), moderated=Max("moderated_at"))
    moderated = summary["moderated"]
    return {
        "count": summary["count"],
        "newest": summary["newest"],
        "moderated": moderated.isoformat() if moderated else None,
    }


def _current(project: Project, form: Form, format: str) -> DataExport | None:
    return DataExport.objects.filter(
        project=project, form=form, format=format, is_snapshot=True, status="ready"
    ).first()


def _delete_file(export: DataExport) -> None:
    root = export_directory().resolve()
    path = (root / export.file_name).resolve()
    if export.file_name and path.is_relative_to(root / EXPORT_FOLDER):
        Path(path).unlink(missing_ok=True)


def snapshot_refresh(*, project: Project, only_changed: bool = False) -> list[DataExport]:
    """Build the public snapshots of each of the project's forms and swap them in; return the
    new ones. Nothing for a project the public may not see. With `only_changed`, a form whose
    public observations are as its snapshots hold is skipped."""
    if not permissions.has_permission(AnonymousUser(), "project.view", project):
        return []
    built: list[DataExport] = []
    for form in Form.objects.filter(project=project).order_by("pk"):
        signature = _signature(project, form)
        for format in SNAPSHOT_FORMATS:
            old = _current(project, form, format)
            if only_changed and old is not None and old.rows.get(SIGNATURE_KEY) == signature:
                continue
            export = DataExport.objects.create(
                project=project, form=form, format=format, scope="public", requested_by=None
            )
            try:
                data_export_build(export_id=export.pk, report_progress=lambda p, m: None)
            except Exception:
                # The old snapshot stays; the failed row is kept, as for any failed export.
                logger.exception("snapshot %s of %s failed", format, project.slug)
                continue
            built.append(_swap_in(export.pk, old, signature))
    return built


@transaction.atomic
def _swap_in(export_id: int, old: DataExport | None, signature: dict[str, Any]) -> DataExport:
    export = DataExport.objects.select_for_update().get(pk=export_id)
    if old is not None:
        # First the old one stops being current, then the new one becomes it (the constraint
        # is checked per statement); the old file goes once this commits.
        DataExport.objects.filter(pk=old.pk).update(
            status=DataExport.Status.EXPIRED, file_name="", expires_at=timezone.now()
        )
        transaction.on_commit(lambda: _delete_file(old))
    export.is_snapshot = True
    export.expires_at = (export.ready_at or timezone.now()) + SNAPSHOT_KEPT_FOR
    export.rows = {**export.rows, SIGNATURE_KEY: signature}
    export.save(update_fields=["is_snapshot", "expires_at", "rows"])
    return export


def snapshots_refresh_all() -> dict[str, int]:
    """Refresh the snapshots of every public project whose public observations changed."""
    anonymous = AnonymousUser()
    built = 0
    projects = 0
    for project in Project.objects.order_by("pk").iterator(chunk_size=200):
        if not permissions.has_permission(anonymous, "project.view", project):
            continue
        projects += 1
        built += len(snapshot_refresh(project=project, only_changed=True))
    return {"projects": projects, "files": built}
