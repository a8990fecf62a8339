"""`cslab form upload PROJECT_SLUG FILE`: publish an XLSForm as a new form version.

Whatever its size, the form is converted here, in the command's own process: a command is not
a web worker, so the background job that large uploads get on the site is not needed.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cslab.core.errors import DomainError
from cslab.forms.services import form_publish_xlsform
from cslab.forms.xlsform import FormProblem
from cslab.projects.models import Project


class Command(BaseCommand):
    help = "Manage a project's forms from scripts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        upload = actions.add_parser(
            "upload",
            help="Publish an XLSForm (.xlsx, .xls, .csv) as a new version; print "
            "'FORM_ID VERSION'. On a bad form, print its problems row by row and exit 1.",
        )
        upload.add_argument("project_slug")
        upload.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(slug=options["project_slug"]).first()
        if project is None:
            raise CommandError(f"no project with the slug {options['project_slug']}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            # A script acts as the system, like `cslab project create`.
            version = form_publish_xlsform(
                actor=None, project=project, file_name=path.name, content=content
            )
        except DomainError as error:
            lines = [error.message]
            if isinstance(error.details, list):
                lines += [
                    FormProblem(
                        message=item["message"], sheet=item.get("sheet"), row=item.get("row")
                    ).in_words()
                    for item in error.details
                ]
            raise CommandError("\n".join(lines), returncode=1) from None
        self.stdout.write(f"{version.form.form_id} {version.version}")
