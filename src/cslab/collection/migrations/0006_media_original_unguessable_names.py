"""Give every stored original a name of its own, unrelated to its public copy's.

Until now an original and its public copy (and thumbnail) shared one random stem, so anyone
shown the public copy's storage name (a subject made from the photo showed it) could guess the
original's, which may carry the true location in EXIF GPS. Each such original is copied to a
new name of 256 random bits in the same folder, the row is pointed at it, and only then is the
old file deleted: the migration is not atomic, so a crash at any point leaves every row
pointing at a file that exists (at worst an unused copy stays behind). Running it again
renames nothing that was already renamed.
"""

import logging
import secrets
from pathlib import PurePosixPath
from typing import Any

from django.db import migrations

logger = logging.getLogger(__name__)


def _stem(name: str) -> str:
    return PurePosixPath(name).stem if name else ""


def rename_originals(apps: Any, schema_editor: Any) -> None:
    media_model = apps.get_model("collection", "Media")
    field = media_model._meta.get_field("original")
    storage = field.storage
    for media in media_model.objects.only("pk", "original", "public_file", "thumbnail").iterator():
        old = media.original.name or ""
        shared = {_stem(media.public_file.name or ""), _stem(media.thumbnail.name or "")}
        if not old or _stem(old) not in shared:
            continue
        old_path = PurePosixPath(old)
        wanted = str(old_path.with_name(f"{secrets.token_urlsafe(32)}{old_path.suffix}"))
        try:
            with storage.open(old, "rb") as handle:
                new = storage.save(wanted, handle)
        except FileNotFoundError:
            logger.warning("media %s: original %s is missing; its name is kept", media.pk, old)
            continue
        moved = media_model.objects.filter(pk=media.pk, original=old).update(original=new)
        # Only a file no row points at any more is deleted.
        storage.delete(old if moved else new)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("collection", "0005_covering_map_indexes")]

    operations = [migrations.RunPython(rename_originals, migrations.RunPython.noop, elidable=True)]
