"""`cslab export PROJECT --format FORMAT --out PATH`: write a project's observations to a file.

Without `--as`, the export is the public one (what an anonymous visitor may see: obscured
points, no personal data). `--as EMAIL` exports what that person may see, e.g. a researcher's
true coordinates. `--form` picks the form when the project has more than one.
`--workflow ID --dataset {classifications,results}` exports a classification workflow's
classifications or consensus results instead (csv, xlsx, datapackage or parquet).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cslab.accounts.models import User
from cslab.core.errors import DomainError
from cslab.exports.services import ExportResult, export_write, workflow_export_write
from cslab.exports.workflow_tables import WORKFLOW_DATASETS
from cslab.exports.writers import FORMATS
from cslab.forms.models import Form
from cslab.projects.models import Project


class Command(BaseCommand):
    help = "Export a project's observations (csv, xlsx, geojson, datapackage, parquet, dwca)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", metavar="PROJECT", help="the project's slug")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--out", required=True, metavar="PATH", help="the file to write")
        parser.add_argument("--form", metavar="FORM_ID", help="the form (if more than one)")
        parser.add_argument(
            "--as", dest="person", metavar="EMAIL", help="export what this person may see"
        )
        parser.add_argument(
            "--workflow", type=int, metavar="ID", help="a classification workflow's number"
        )
        parser.add_argument(
            "--dataset", choices=WORKFLOW_DATASETS, help="with --workflow: what to export"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project with the slug {options['project']!r}.")
        actor: Any = None
        if options["person"]:
            actor = User.objects.filter(email__iexact=options["person"]).first()
            if actor is None:
                raise CommandError(f"No user with the e-mail address {options['person']!r}.")
        if options["workflow"] is not None or options["dataset"]:
            self._report(self._workflow(project, actor, options))
            return
        form_id = options["form"]
        if not form_id:
            form_ids = list(
                Form.objects.filter(project=project)
                .order_by("pk")
                .values_list("form_id", flat=True)
            )
            if len(form_ids) != 1:
                raise CommandError(
                    f"The project has {len(form_ids)} forms; choose one with --form "
                    f"({', '.join(form_ids) or 'none'})."
                )
            form_id = form_ids[0]
        try:
            result = export_write(
                actor=actor,
                project=project,
                form_id=form_id,
                format=options["format"],
                destination=Path(options["out"]),
                public=actor is None,
            )
        except DomainError as error:
            raise CommandError(str(error) or "The project or form is not visible.") from error
        self._report(result)

    def _workflow(self, project: Project, actor: Any, options: dict[str, Any]) -> ExportResult:
        if options["workflow"] is None or not options["dataset"]:
            raise CommandError("--workflow and --dataset go together.")
        try:
            return workflow_export_write(
                actor=actor,
                project=project,
                workflow_id=options["workflow"],
                dataset=options["dataset"],
                format=options["format"],
                destination=Path(options["out"]),
                public=actor is None,
            )
        except DomainError as error:
            raise CommandError(str(error) or "The project or workflow is not visible.") from error

    def _report(self, result: ExportResult) -> None:
        counts = ", ".join(f"{count} {table}" for table, count in result.rows.items())
        self.stdout.write(f"Wrote {result.path} ({result.format}): {counts} rows")
