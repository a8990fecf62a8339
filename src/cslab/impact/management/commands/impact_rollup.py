"""`cslab impact_rollup [--rebuild] [--project SLUG]`: bring the impact roll-ups up to date.

Without options, adds every project's new contributions (a refresh: cheap, meant for cron every
few minutes). `--rebuild` recomputes the roll-ups from the source tables (after erasures,
deletions or moderation; nightly), of one project with `--project`, else of all. Runs in the
command's own process and prints what it counted.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cslab.impact.services.rollup import rollup_rebuild, rollup_refresh
from cslab.projects.models import Project


class Command(BaseCommand):
    help = "Add new contributions to the impact roll-ups (or --rebuild them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="recompute the roll-ups from the source tables instead of adding new rows",
        )
        parser.add_argument("--project", metavar="SLUG", help="only this project")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = Project.objects.order_by("pk")
        if options["project"]:
            chosen = chosen.filter(slug=options["project"])
        projects = list(chosen)
        if options["project"] and not projects:
            raise CommandError(f"No project with the slug {options['project']!r}.")
        if options["rebuild"]:
            for project in projects:
                counts = rollup_rebuild(project=project)
                self.stdout.write(f"{project.slug}: rebuilt, {_describe(counts)}")
        else:
            counts = rollup_refresh(projects=projects)
            self.stdout.write(f"{len(projects)} project(s) refreshed, added {_describe(counts)}")


def _describe(counts: dict[str, Any]) -> str:
    return ", ".join(f"{value} {key}" for key, value in counts.items() if key != "projects")
