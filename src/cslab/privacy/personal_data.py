"""The data-protection area's part of a person's data export: the exports they asked for.

Erasures are not here: nothing links an erasure to a person (see `privacy.models`).
"""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_noop

from cslab.accounts.models import User
from cslab.core.personal_data import register_section
from cslab.privacy.models import MediaRemovalRequest, PersonalDataExport


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@register_section("personal_data_exports", gettext_noop("Your data exports"))
def _exports(user: User) -> Iterator[dict[str, Any]]:
    # The download token's hash and the file's place on the server say nothing about the
    # person and would only help someone guess a link: left out.
    for export in PersonalDataExport.objects.filter(user=user).order_by("created_at", "id"):
        yield {
            "requested_at": _iso(export.created_at),
            "ready_at": _iso(export.ready_at),
            "expires_at": _iso(export.expires_at),
            "downloaded_at": _iso(export.downloaded_at),
            "size_bytes": export.size_bytes,
        }


@register_section("media_removal_requests", gettext_noop("Your requests to remove photos"))
def _media_removal_requests(user: User) -> Iterator[dict[str, Any]]:
    # Who decided is another person: named by role ("the project's moderators") only.
    requests = MediaRemovalRequest.objects.filter(requested_by=user).order_by("created_at", "id")
    for request in requests.iterator(chunk_size=500):
        yield {
            "media_id": request.media_id,
            "reason": request.reason,
            "details": request.details,
            "status": request.status,
            "asked_at": _iso(request.created_at),
            "decided_at": _iso(request.decided_at),
            "decision_note": request.decision_note,
        }
