# ruff: noqa: N999  (the command is called `cslab import-ppsr`, as the issue names it)
"""`cslab import-ppsr FILE [--origin ORIGIN] [--dry-run]`: import a PPSR Core catalogue."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cslab.core.errors import DomainError
from cslab.ppsr.services import ppsr_catalogue_import

EXIT_SOME_FAILED = 1
EXIT_UNUSABLE_FILE = 2


class Command(BaseCommand):
    help = (
        'Import a PPSR Core catalogue ({"Project": [...]}) from another platform. Projects '
        "are keyed on (origin, projectId): importing again updates them, never duplicates. "
        "Prints what failed and why per record, then the counts. Exit status: 0 when every "
        "record imported, 1 when some records failed (the others are imported), 2 when the "
        "file cannot be read as a catalogue (nothing is imported)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="The catalogue, a JSON file.")
        parser.add_argument(
            "--origin",
            default="",
            help="Where the catalogue comes from, e.g. eu-citizen.science (default: the file's "
            "name). Use the same origin every time you import from one platform.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would happen without changing anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"cannot read {path}: {error.strerror}", returncode=EXIT_UNUSABLE_FILE
            ) from None
        origin = options["origin"].strip() or path.name
        dry_run = options["dry_run"]
        try:
            report = ppsr_catalogue_import(actor=None, data=content, origin=origin, dry_run=dry_run)
        except DomainError as error:
            raise CommandError(error.one_line(), returncode=EXIT_UNUSABLE_FILE) from None
        for index, project_id, reasons in report.failed:
            label = f"projectId {project_id!r}" if project_id else "no projectId"
            self.stdout.write(f"FAILED  Project[{index}] ({label}): {' '.join(reasons)}")
        for index, project_id, warnings in report.warnings:
            self.stdout.write(
                f"warning Project[{index}] (projectId {project_id!r}): {' '.join(warnings)}"
            )
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"{report.total} records from {origin}: {report.created} {verb} created, "
            f"{report.updated} {verb} updated, {report.unchanged} unchanged, "
            f"{len(report.failed)} failed{' (dry run: nothing was changed)' if dry_run else ''}."
        )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} of {report.total} records failed; the others "
                f"{'would be' if dry_run else 'are'} imported.",
                returncode=EXIT_SOME_FAILED,
            )
