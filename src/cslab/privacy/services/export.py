"""The personal-data export (GDPR Art. 15 and 20): start one, build its zip, serve, purge.

A person starts an export; a background job writes everything cslab holds about them as a
zip under CSLAB_VAR_DIR/exports/personal/ (`cslab.privacy.archive`); the person downloads it
from their data page with a link that is theirs alone and expires after 7 days; a daily job
(`privacy.exports_purge`) deletes expired files. Requests by post or e-mail use the command
`cslab user export EMAIL --out PATH`, which writes the same zip at once.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.errors import TooManyRequestsError
from cslab.core.permissions import require
from cslab.core.problems import ProblemCode
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_start
from cslab.privacy.archive import ArchiveSummary, ProgressReporter, archive_write
from cslab.privacy.models import PersonalDataExport
from cslab.privacy.selectors.export import (
    export_directory,
    personal_data_export_list_running,
    personal_data_export_token,
    token_sha256,
)

if TYPE_CHECKING:
    from cslab.core.actors import Actor

logger = logging.getLogger(__name__)

PERSONAL_DATA_EXPORT_JOB = "privacy.personal_data_export"
EXPORTS_PURGE_JOB = "privacy.exports_purge"
EXPORT_FOLDER = Path("exports") / "personal"
VALID_FOR = timedelta(days=7)
EXPORTS_PER_WINDOW = 3
RATE_WINDOW = timedelta(hours=24)


@transaction.atomic
def personal_data_export_start(*, actor: Actor, user: User) -> PersonalDataExport:
    """Start an export of everything cslab holds about `user`, or return the one running.

    The person's row is locked first, so two requests at once are served one after the other:
    the second finds the first running and gets it back (at most one running per person).
    At most three exports per 24 hours (TooManyRequestsError, 429).
    """
    require(actor, "privacy.personal_data_export.start", user)
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    running = personal_data_export_list_running(user=user).first()
    if running is not None:
        return running
    now = timezone.now()
    recent = PersonalDataExport.objects.filter(user=user, created_at__gt=now - RATE_WINDOW)
    if recent.count() >= EXPORTS_PER_WINDOW:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        retry_at = (oldest or now) + RATE_WINDOW
        raise TooManyRequestsError(
            _(
                "You started %(count)s exports in the last 24 hours. You can start the next "
                "one after %(time)s (UTC)."
            )
            % {"count": EXPORTS_PER_WINDOW, "time": retry_at.strftime("%Y-%m-%d %H:%M")},
            code=ProblemCode.PERSONAL_DATA_EXPORTS_LIMIT_REACHED,
            details={"retry_after_seconds": max(1, int((retry_at - now).total_seconds()))},
        )
    export = PersonalDataExport(
        user=user,
        # A stand-in until the id and creation time the real token is derived from exist.
        token_sha256=token_sha256(secrets.token_hex(32)),
        expires_at=now + VALID_FOR,
    )
    export.full_clean()
    export.save()
    export.token_sha256 = token_sha256(personal_data_export_token(export))
    export.job = job_start(
        actor=actor,
        kind=PERSONAL_DATA_EXPORT_JOB,
        title=_("Export of my personal data"),
        arguments={"export_id": export.pk},
    )
    export.save(update_fields=["token_sha256", "job"])
    audit_record(
        actor=actor, action="privacy.personal_data_export.started", target=user, details={}
    )
    return export


def _new_file_path(user: User) -> Path:
    # Random, so the name of one person's file says nothing about another's.
    return EXPORT_FOLDER / f"{user.pk}-{secrets.token_hex(16)}.zip"


def personal_data_export_build(
    *, export_id: int, report_progress: ProgressReporter
) -> dict[str, Any]:
    """Write the zip of an export and mark it ready; called by the job, outside a transaction.

    The sections are read as they are written, each in its own queries, so the job never
    holds one transaction across its progress reports.
    """
    export = PersonalDataExport.objects.select_related("user").get(pk=export_id)
    relative = _new_file_path(export.user)
    summary = archive_write(
        user=export.user,
        destination=export_directory() / relative,
        report_progress=report_progress,
    )
    ready_at = timezone.now()
    export.file_path = str(relative)
    export.size_bytes = (export_directory() / relative).stat().st_size
    export.ready_at = ready_at
    export.expires_at = ready_at + VALID_FOR
    export.save(update_fields=["file_path", "size_bytes", "ready_at", "expires_at"])
    report_progress(100, gettext_noop("Done"))
    return {
        "url": reverse("personal_data"),
        "files": len(summary.members),
        "media_files": summary.media_files,
        "size_bytes": export.size_bytes,
    }


def personal_data_export_write(*, actor: Actor | None, user: User, path: Path) -> ArchiveSummary:
    """Write the same zip as the export job straight to `path` (the command line's way, for a
    request that reached the Lab by post or e-mail), with an audit entry."""
    summary = archive_write(user=user, destination=path)
    audit_record(
        actor=actor,
        action="privacy.personal_data_export.written",
        target=user,
        details={"through": "command", "files": len(summary.members)},
    )
    return summary


@transaction.atomic
def personal_data_export_record_download(
    *, actor: Actor, export: PersonalDataExport
) -> PersonalDataExport:
    """Note that the owner downloaded their export (the file is then streamed by the view)."""
    export.downloaded_at = timezone.now()
    export.save(update_fields=["downloaded_at"])
    audit_record(
        actor=actor,
        action="privacy.personal_data_export.downloaded",
        target=export.user,
        details={"export": export.pk, "size_bytes": export.size_bytes},
    )
    return export


def personal_data_exports_purge(*, now: datetime | None = None) -> int:
    """Delete the files of expired exports (and of unfinished ones older than a week).

    The rows stay, without their file, as the record that the person had an export (it is in
    their next export, and the download answers 410). Run daily by the job kind
    `privacy.exports_purge`; the daily `cslab retention` command calls this function too.
    Returns how many files were deleted.
    """
    moment = now or timezone.now()
    deleted = 0
    expired = PersonalDataExport.objects.filter(expires_at__lte=moment).exclude(file_path="")
    root = export_directory().resolve()
    for export in expired.iterator(chunk_size=500):
        path = (root / export.file_path).resolve()
        # A stored path is ours, but never follow one out of the var directory.
        if not path.is_relative_to(root):
            logger.warning("export file %s lies outside %s; not removed", path, root)
        else:
            try:
                path.unlink()
                deleted += 1
            except FileNotFoundError:
                pass
        PersonalDataExport.objects.filter(pk=export.pk).update(file_path="", size_bytes=0)
    # Zips left by a worker that died mid-way: only files nothing points at, a day old.
    folder = export_directory() / EXPORT_FOLDER
    if folder.is_dir():
        kept = set(
            PersonalDataExport.objects.exclude(file_path="").values_list("file_path", flat=True)
        )
        day_ago = (moment - timedelta(days=1)).timestamp()
        for path in folder.iterdir():
            relative = str(EXPORT_FOLDER / path.name)
            if relative not in kept and path.stat().st_mtime < day_ago:
                path.unlink(missing_ok=True)
                deleted += 1
    if deleted:
        logger.info("purged %s expired personal-data export files", deleted)
    return deleted
