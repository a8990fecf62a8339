"""Demo data of exports: public files of the pollinator project, ready on its data page, and
its public snapshots for its dataset page."""

from django.utils import timezone

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.exports.models import DataExport
from cslab.exports.services import data_export_build
from cslab.exports.snapshots import snapshot_refresh
from cslab.forms.models import Form
from cslab.projects.models import Project

DEMO_ORIGIN = "cslab-demo"
PREPARED_BY = "researcher@demo.cslab.test"
FORMATS = ("csv", "geojson")


def load_demo_exports() -> list[DemoLogin]:
    """Prepare a public CSV and GeoJSON file of the pollinator project's first form, unless
    ready ones that have not expired are there (each load keeps them fresh, never doubles)."""
    project = Project.objects.filter(origin=DEMO_ORIGIN, external_id="pollinators").first()
    person = User.objects.filter(email=PREPARED_BY).first()
    form = Form.objects.filter(project=project).order_by("pk").first() if project else None
    if project is None or person is None or form is None:
        return []
    for format in FORMATS:
        ready = DataExport.objects.filter(
            project=project,
            form=form,
            format=format,
            scope=DataExport.Scope.PUBLIC,
            status=DataExport.Status.READY,
            expires_at__gt=timezone.now(),
        )
        if ready.exists():
            continue
        export = DataExport.objects.create(
            project=project, form=form, format=format, scope="public", requested_by=person
        )
        # Built here rather than by a worker, so `make demo` shows the file at once.
        data_export_build(export_id=export.pk, report_progress=lambda percent, message: None)
    # The project's public snapshots, for its dataset page; rebuilt only when its data changed.
    snapshot_refresh(project=project, only_changed=True)
    return []
