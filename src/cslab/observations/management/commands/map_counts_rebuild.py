"""`cslab map_counts_rebuild [PROJECT_SLUG]`: recount the map's counts per cell from the
observations, for one project or all (a repair; the services keep the counts as they go)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cslab.observations.map_counts import counts_rebuild
from cslab.projects.models import Project


class Command(BaseCommand):
    help = "Recount the map's observations per cell from the observations (one project or all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project_slug", nargs="?", help="only this project")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["project_slug"]
        project_id = None
        if slug:
            project = Project.objects.filter(slug=slug).only("pk").first()
            if project is None:
                raise CommandError(f"No project with the slug {slug!r}.")
            project_id = project.pk
        written = counts_rebuild(project_id=project_id)
        where = f"project {slug}" if slug else "every project"
        self.stdout.write(f"{written} count rows written for {where}.")
