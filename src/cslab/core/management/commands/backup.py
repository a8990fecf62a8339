"""`cslab backup [--output PATH]`: write a backup of the database and media, print its path."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cslab.core.backup import BackupError, backup_database, default_backup_path
from cslab.settings.paths import VAR_DIR


class Command(BaseCommand):
    help = (
        "Back up the database (safe while the site runs: a SQLite online backup, or a "
        "PostgreSQL custom-format dump made with pg_dump) and every uploaded media file, "
        "in one tar archive with the SHA-256 of each file."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="File to write; replaced if it exists "
            "(default: var/backups/cslab-<engine>-<UTC timestamp>.tar).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            destination = options["output"] or default_backup_path(
                directory=VAR_DIR / "backups", now=timezone.now()
            )
            written = backup_database(destination)
        except BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(str(written))
