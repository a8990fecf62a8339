"""`cslab appuser create PROJECT_SLUG --name NAME`: print a new app user's server URL."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from cslab.core.errors import DomainError
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project


class Command(BaseCommand):
    help = "Manage a project's app users (per-device OpenRosa server URLs) from scripts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser(
            "create",
            help="Create an app user; print only its server URL "
            "(SITE_URL/openrosa/key/TOKEN/PROJECT_SLUG) for a device to use.",
        )
        create.add_argument("project_slug")
        create.add_argument("--name", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(slug=options["project_slug"]).first()
        if project is None:
            raise CommandError(f"no project with the slug {options['project_slug']}")
        try:
            # A script acts as the system, like `cslab form upload`.
            app_user = app_user_create(actor=None, project=project, name=options["name"])
        except DomainError as error:
            raise CommandError(error.one_line(), returncode=1) from None
        path = reverse("openrosa_key_form_list", args=[app_user.token, project.slug])
        self.stdout.write(settings.SITE_URL.rstrip("/") + path.removesuffix("/formList"))
