"""What this area holds about a person: its erasers (core.personal_data.register_eraser).

Personal-data exports are everything about the person in one zip: the rows and, once the
erasure commits, the files go (a download link sent earlier then finds nothing).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from cslab.core.personal_data import ErasureScope, register_eraser
from cslab.privacy.models import MediaRemovalRequest, PersonalDataExport
from cslab.settings.paths import VAR_DIR


@register_eraser("privacy")
def erase_personal_data_exports(scope: ErasureScope) -> int:
    if scope.project is not None:
        return 0
    exports = PersonalDataExport.objects.filter(user=scope.user)
    root = Path(VAR_DIR).resolve()
    files = [
        (root / name).resolve() for name in exports.values_list("file_path", flat=True) if name
    ]
    # Only files inside the var directory: a stored path is never trusted to point elsewhere.
    doomed = [path for path in files if path.is_relative_to(root)]

    def delete_files() -> None:
        for path in doomed:
            path.unlink(missing_ok=True)

    transaction.on_commit(delete_files)
    return int(exports.delete()[0])


# issue 14, mediaremoval part


@register_eraser("privacy_media_removal_requests")
def erase_media_removal_request_details(scope: ErasureScope) -> int:
    """Requests to remove a photo stay (the photo may still show the person) under the
    pseudonymised account, without the free text, which may name them."""
    if scope.project is not None:
        return 0
    return MediaRemovalRequest.objects.filter(requested_by=scope.user).update(details="")
