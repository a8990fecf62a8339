"""Reads of personal-data exports: a person's own list, and one export for its download."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from cslab.core.actors import person_or_none
from cslab.core.errors import GoneError, NotFoundError
from cslab.core.models import Job
from cslab.core.permissions import require
from cslab.core.problems import ProblemCode
from cslab.privacy.models import PersonalDataExport

if TYPE_CHECKING:
    from cslab.accounts.models import User
    from cslab.core.actors import Actor

# An export neither ready nor failed after this long lost its worker: it no longer blocks a
# new one (the job's row says queued or running for ever when a worker dies mid-way).
RUNNING_AT_MOST = timedelta(hours=6)
_TOKEN_SALT = "cslab.privacy.personal-data-export.download"  # noqa: S105 (a salt, no secret)  # nosec B105


def export_directory() -> Path:
    """The site's var folder (CSLAB_VAR_DIR), under which the zips are written; read from the
    settings at call time so that tests point it elsewhere."""
    return Path(settings.VAR_DIR)  # type: ignore[misc]


def personal_data_export_token(export: PersonalDataExport) -> str:
    """Return the download token of an export: a keyed hash of its id and creation time.

    Only the token's SHA-256 is stored; the token is derived again for its owner's page, so a
    copy of the database alone gives no working link (it also needs SECRET_KEY).
    """
    moment = int(export.created_at.timestamp() * 1_000_000)
    return salted_hmac(_TOKEN_SALT, f"{export.pk}:{moment}", algorithm="sha256").hexdigest()


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def personal_data_export_list_running(*, user: User) -> QuerySet[PersonalDataExport]:
    """The person's exports still being written (at most one, by the start service)."""
    return PersonalDataExport.objects.filter(
        user=user,
        ready_at__isnull=True,
        created_at__gt=timezone.now() - RUNNING_AT_MOST,
    ).filter(Q(job__isnull=True) | Q(job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING]))


def personal_data_export_list(*, user: Actor) -> QuerySet[PersonalDataExport]:
    """The signed-in person's own exports, newest first, with their jobs."""
    person = person_or_none(user)
    if person is None:
        return PersonalDataExport.objects.none()
    return PersonalDataExport.objects.filter(user=person).select_related("job")


def personal_data_export_get_for_download(
    *, user: Actor, export_id: int, token: str
) -> PersonalDataExport:
    """Return the owner's ready export behind a download link.

    NotFoundError for anyone but its owner, a wrong token or an export not ready yet (the
    three look the same); GoneError once the link expired or the file was purged.
    """
    person = person_or_none(user)
    export = (
        PersonalDataExport.objects.filter(pk=export_id, user=person).first()
        if person is not None
        else None
    )
    if export is None or not constant_time_compare(token_sha256(token), export.token_sha256):
        raise NotFoundError()
    require(user, "privacy.personal_data_export.view", export)
    if export.ready_at is None:
        raise NotFoundError()
    if export.expires_at <= timezone.now() or not export.file_path:
        raise GoneError(
            _("This download link has expired. Start a new export of your data."),
            code=ProblemCode.PERSONAL_DATA_EXPORT_EXPIRED,
        )
    if not (export_directory() / export.file_path).is_file():
        raise GoneError(
            _("This export’s file is no longer kept. Start a new export of your data."),
            code=ProblemCode.PERSONAL_DATA_EXPORT_EXPIRED,
        )
    return export
