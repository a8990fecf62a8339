"""`cslab export_snapshots`: rebuild the public snapshots of every public project whose
observations changed since its last snapshot (run from cron, e.g. nightly)."""

from typing import Any

from django.core.management.base import BaseCommand

from cslab.exports.snapshots import snapshots_refresh_all


class Command(BaseCommand):
    help = "Rebuild the public snapshot files of public projects whose observations changed."

    def handle(self, *args: Any, **options: Any) -> None:
        result = snapshots_refresh_all()
        self.stdout.write(f"{result['files']} files built for {result['projects']} projects.")
