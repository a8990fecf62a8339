"""`cslab restore PATH [--yes]`: replace the database's contents and media with a backup."""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cslab.core.backup import BackupError, database_description, restore_database


class Command(BaseCommand):
    help = (
        "Restore a backup written by `cslab backup`, replacing the data in the database and "
        "writing its media files back (each checked against its SHA-256 first). "
        "Stop the web and worker processes first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (needed in scripts)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = database_description()
            if not options["yes"]:
                self._confirm(target, options["path"])
            restore_database(options["path"])
        except BackupError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Restored {options['path']} into {target}.")

    def _confirm(self, target: str, source: Path) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                f"restoring replaces the data in {target}; "
                "pass --yes to confirm when not running in a terminal"
            )
        answer = input(f"Replace the data in {target} with {source}? Type 'yes' to continue: ")
        if answer.strip().lower() != "yes":
            raise CommandError("restore cancelled; the database was not changed")
