"""Stored media files that no row names: what a request killed mid-way leaves behind.

`media_attach` writes a file's original, public copy and thumbnail before it inserts the
`Media` row, and deletes them again when the insert fails. A worker killed (or a machine that
stops) between the two leaves files that no row names; the submission's retry stores the files
again under new random names. The daily retention run (`cslab retention`) deletes such files
once they are older than ORPHAN_GRACE, so that a file being stored right now is never touched.
"""

import logging
from datetime import datetime, timedelta

from django.core.files.storage import Storage

from cslab.core.file_purges import register_file_purge
from cslab.media.models import Media

logger = logging.getLogger(__name__)

# Far longer than any request that stores media takes.
ORPHAN_GRACE = timedelta(hours=1)
# The folders the Media file fields store under (their upload_to, without the dated part).
MEDIA_FOLDERS = ("observations/original", "observations/public", "observations/thumbs")


def media_stored_names(storage: Storage) -> list[str]:
    """Every file under the media folders of `storage`, as storage names."""
    names: list[str] = []
    for folder in MEDIA_FOLDERS:
        pending = [folder]
        while pending:
            current = pending.pop()
            try:
                directories, files = storage.listdir(current)
            except FileNotFoundError:
                continue
            names += [f"{current}/{name}" for name in files]
            pending += [f"{current}/{name}" for name in directories]
    return names


def media_named_files() -> set[str]:
    """The storage names every media row refers to."""
    named: set[str] = set()
    for row in Media.objects.values_list("original", "public_file", "thumbnail").iterator(
        chunk_size=2000
    ):
        named.update(name for name in row if name)
    return named


@register_file_purge("media_orphan_files")
def media_orphan_files_purge(now: datetime) -> int:
    """Delete media files that no row names and that were stored before `now` - ORPHAN_GRACE;
    return how many."""
    storage = Media._meta.get_field("original").storage
    cutoff = now - ORPHAN_GRACE
    # Listed before the rows are read: a file stored in between is named by its row (or young).
    stored = media_stored_names(storage)
    named = media_named_files()
    deleted = 0
    for name in stored:
        if name in named:
            continue
        try:
            if storage.get_modified_time(name) >= cutoff:
                continue
            storage.delete(name)
        except FileNotFoundError:
            continue
        logger.info("deleted media file %s, which no media row names", name)
        deleted += 1
    return deleted
