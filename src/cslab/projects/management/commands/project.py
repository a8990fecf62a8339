"""`cslab project create --name NAME --owner EMAIL [--visibility V] [--status S]`."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cslab.accounts.models import User
from cslab.core.errors import DomainError
from cslab.projects.models import Project
from cslab.projects.services.projects import project_create


class Command(BaseCommand):
    help = "Manage projects from scripts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a project; print only its slug.")
        create.add_argument("--name", required=True)
        create.add_argument("--owner", required=True, help="The owner's e-mail address.")
        create.add_argument(
            "--visibility", choices=Project.Visibility.values, default=Project.Visibility.PRIVATE
        )
        create.add_argument("--status", choices=Project.Status.values, default=Project.Status.IDEA)

    def handle(self, *args: Any, **options: Any) -> None:
        owner = User.objects.filter(email__iexact=options["owner"].strip()).first()
        if owner is None:
            raise CommandError(f"no user with the e-mail address {options['owner']}")
        try:
            # A script acts as the system: it may create a project in any status.
            project = project_create(
                actor=None,
                owner=owner,
                name=options["name"],
                status=options["status"],
                visibility=options["visibility"],
            )
        except DomainError as error:
            raise CommandError(error.one_line()) from None
        self.stdout.write(project.slug)
