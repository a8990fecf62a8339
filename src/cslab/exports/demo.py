"""Demo data of exports: public files of the pollinator project, ready on its data page, its
public snapshots for its dataset page, and a checked import waiting to be run."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.exports.imports import (
    data_import_check_rows,
    data_import_set_mapping,
    data_import_upload,
)
from cslab.exports.models import DataExport, DataImport
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


DEMO_IMPORT_FILE = "garden-walks-2026.csv"
# A spreadsheet kept by a garden group before it joined: two rows are wrong on purpose, so the
# dry run's report shows what a problem looks like.
DEMO_IMPORT_ROWS = (
    "walk,day,lat,lon,plant,bees,hoverflies\n"
    "garden-walk-1,2026-05-02,52.1571,4.4862,lavender,6,2\n"
    "garden-walk-2,2026-05-09,52.1573,4.4859,borage,3,1\n"
    "garden-walk-3,16/05/2026,52.1569,4.4866,Lavender,many,0\n"
    "garden-walk-4,2026-05-23,52.1570,4.4861,thistle,2,4\n"
    "garden-walk-5,2026-05-30,52.1572,4.4864,other,1,0\n"
)


def load_demo_import() -> list[DemoLogin]:
    """A checked import on the pollinator project's data page, for its researcher: the dry
    run's report is there to read, and the import is left for the visitor to start. A file
    imported once is not uploaded again."""
    project = Project.objects.filter(origin=DEMO_ORIGIN, external_id="pollinators").first()
    person = User.objects.filter(email=PREPARED_BY).first()
    form = Form.objects.filter(project=project).order_by("pk").first() if project else None
    if project is None or person is None or form is None:
        return []
    if DataImport.objects.filter(project=project, original_name=DEMO_IMPORT_FILE).exists():
        return []
    data_import = data_import_upload(
        actor=person,
        project=project,
        form=form,
        uploaded_file=SimpleUploadedFile(
            DEMO_IMPORT_FILE, DEMO_IMPORT_ROWS.encode("utf-8"), content_type="text/csv"
        ),
        source_format=DataImport.SourceFormat.CSV,
    )
    data_import_set_mapping(
        actor=person,
        data_import=data_import,
        mapping={**data_import.mapping, "location": "lat lon"},
        id_column="walk",
        units=data_import.units,
    )
    # Checked here rather than by a worker, so `make demo` shows the report at once.
    data_import_check_rows(import_id=data_import.pk, report_progress=lambda percent, message: None)
    return []
