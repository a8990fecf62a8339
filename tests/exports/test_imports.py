"""Imports of observations from CSV and XLSX files: mapping, dry run, the two policies,
idempotence by the ID column, unit checks and who may import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from cslab.core.models import Job
from cslab.core.roles import ProjectRole
from cslab.exports import imports
from cslab.exports.import_selectors import data_import_get_for_user
from cslab.exports.imports import (
    data_import_check,
    data_import_run,
    data_import_set_mapping,
    data_import_upload,
)
from cslab.exports.models import DataImport
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import Observation
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

FORM = {
    "survey": [
        {"type": "select_one birds", "name": "species", "label": "Species", "required": "yes"},
        {"type": "integer", "name": "count", "label": "How many?", "constraint": ". <= 50"},
        {
            "type": "decimal",
            "name": "wing",
            "label": "Wing length (cm)",
            "constraint": ". >= 2 and . <= 30",
        },
        {"type": "select_multiple behaviours", "name": "behaviour", "label": "Behaviour"},
        {"type": "date", "name": "day", "label": "Day"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
    ],
    "choices": [
        {"list_name": "birds", "name": "turdus_merula", "label": "Blackbird"},
        {"list_name": "birds", "name": "erithacus_rubecula", "label": "Robin"},
        {"list_name": "behaviours", "name": "singing", "label": "Singing"},
        {"list_name": "behaviours", "name": "feeding", "label": "Feeding"},
    ],
    "settings": [{"form_id": "ringing", "form_title": "Ringing", "version": "1"}],
}
GOOD = (
    "id,Species,count,Wing length,behaviour,day,lat,lon\n"
    "r1,turdus_merula,3,12.5,singing feeding,2025-04-02,52.16,4.49\n"
    "r2,Robin,1,7,feeding,02-04-2025,52.09,5.12\n"
)
BAD = GOOD + (
    "r3,sparrow,2,9,,2025-04-03,52.1,4.4\n"  # not a choice
    "r4,turdus_merula,many,9,,2025-04-03,52.1,4.4\n"  # not a number
    "r5,turdus_merula,99,9,,2025-04-03,52.1,4.4\n"  # breaks the constraint
)


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def ringing() -> dict[str, Any]:
    project = ProjectFactory(public=True, name="Ringing station")
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    form_publish_xlsform(
        actor=None, project=project, file_name="r.xlsx", content=workbook_bytes(FORM)
    )
    return {"project": project, "researcher": researcher, "form": project.forms.get()}


Run = Callable[..., DataImport]


@pytest.fixture
def checked(
    ringing: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> Callable[..., DataImport]:
    """Upload `content` as CSV and run its dry run; return the import as it is then."""

    def upload_and_check(content: str, *, name: str = "rows.csv", **mapping: Any) -> DataImport:
        data_import = data_import_upload(
            actor=ringing["researcher"],
            project=ringing["project"],
            form=ringing["form"],
            uploaded_file=SimpleUploadedFile(name, content.encode()),
            source_format="csv",
        )
        if mapping:
            data_import = data_import_set_mapping(
                actor=ringing["researcher"],
                data_import=data_import,
                mapping=mapping.get("mapping", data_import.mapping),
                id_column=mapping.get("id_column", data_import.id_column),
                units=mapping.get("units", data_import.units),
            )
        with django_capture_on_commit_callbacks(execute=True):
            data_import_check(actor=ringing["researcher"], data_import=data_import)
        data_import.refresh_from_db()
        return data_import

    return upload_and_check


def _import(
    ringing: dict[str, Any], data_import: DataImport, policy: str, capture: Any
) -> DataImport:
    with capture(execute=True):
        data_import_run(actor=ringing["researcher"], data_import=data_import, policy=policy)
    data_import.refresh_from_db()
    return data_import


def test_the_upload_suggests_a_mapping_from_names_and_labels_and_the_id_column(
    ringing: dict[str, Any],
) -> None:
    data_import = data_import_upload(
        actor=ringing["researcher"],
        project=ringing["project"],
        form=ringing["form"],
        uploaded_file=SimpleUploadedFile("rows.csv", GOOD.encode()),
        source_format="csv",
    )

    assert data_import.headers[:3] == ["id", "Species", "count"]
    assert data_import.mapping == {
        "species": "Species",
        "count": "count",
        "wing": "Wing length",
        "behaviour": "behaviour",
        "day": "day",
        "where": "lat lon",
    }
    assert data_import.id_column == "id"
    assert data_import.units == {"wing": "cm"}
    assert data_import.rows_total == 2
    assert (Path(imports.export_directory()) / data_import.file_name).exists()


def test_the_dry_run_lists_each_bad_rows_errors_and_stores_nothing(checked: Run) -> None:
    data_import = checked(BAD)

    assert Observation.objects.count() == 0
    assert data_import.status == DataImport.Status.CHECKED
    assert data_import.report["counts"] == {
        "rows": 5,
        "valid": 2,
        "duplicate": 0,
        "conflict": 0,
        "invalid": 3,
    }
    errors = {(error["row"], error["question"]): error for error in data_import.report["errors"]}
    assert set(errors) == {(4, "species"), (5, "count"), (6, "count")}
    assert errors[(4, "species")]["column"] == "Species"
    assert errors[(5, "count")]["message"] == "Give a whole number."
    assert data_import.rows_valid == 2 and data_import.rows_invalid == 3


def test_importing_the_valid_rows_stores_them_and_reports_the_others(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    data_import = _import(ringing, checked(BAD), "valid_rows", django_capture_on_commit_callbacks)

    stored = {item.instance_id: item for item in Observation.objects.all()}
    assert set(stored) == {"import:r1", "import:r2"}
    first = stored["import:r1"].answers
    assert first == {
        "species": "turdus_merula",
        "count": 3,
        "wing": 12.5,
        "behaviour": "singing feeding",
        "day": "2025-04-02",
        "where": "52.16 4.49",
    }
    assert stored["import:r2"].answers["species"] == "erithacus_rubecula"  # by its label
    assert stored["import:r2"].answers["day"] == "2025-04-02"  # day first
    assert stored["import:r1"].observer == ringing["researcher"]
    assert stored["import:r1"].latitude == pytest.approx(52.16)
    assert data_import.status == DataImport.Status.DONE
    assert data_import.report["counts"]["created"] == 2
    assert data_import.report["counts"]["invalid"] == 3
    assert {error["row"] for error in data_import.report["errors"]} == {4, 5, 6}
    assert data_import.rows_created == 2
    job = Job.objects.get(pk=data_import.job_id)
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert job.result["url"].endswith(f"/imports/{data_import.pk}/")


def test_all_or_nothing_stores_nothing_when_one_row_is_bad(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    data_import = _import(
        ringing, checked(BAD), "all_or_nothing", django_capture_on_commit_callbacks
    )

    assert Observation.objects.count() == 0
    assert data_import.status == DataImport.Status.DONE
    assert data_import.report["counts"]["created"] == 0
    assert data_import.report["counts"]["not_imported"] == 5
    assert len(data_import.report["errors"]) == 3


def test_all_or_nothing_stores_every_row_when_none_is_bad(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    data_import = _import(
        ringing, checked(GOOD), "all_or_nothing", django_capture_on_commit_callbacks
    )

    assert Observation.objects.count() == 2
    assert data_import.report["counts"]["created"] == 2


def test_importing_the_same_file_again_creates_nothing_and_reports_duplicates(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    _import(ringing, checked(GOOD), "valid_rows", django_capture_on_commit_callbacks)

    again = checked(GOOD)
    assert again.report["counts"]["duplicate"] == 2 and again.report["counts"]["valid"] == 0
    again = _import(ringing, again, "all_or_nothing", django_capture_on_commit_callbacks)

    assert Observation.objects.count() == 2
    assert again.report["counts"]["created"] == 0
    assert again.report["counts"]["duplicate"] == 2
    assert again.rows_duplicate == 2


def test_a_changed_row_is_a_conflict_and_the_stored_observation_stays_unchanged(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    _import(ringing, checked(GOOD), "valid_rows", django_capture_on_commit_callbacks)
    changed = GOOD.replace("r1,turdus_merula,3,", "r1,turdus_merula,4,")

    again = checked(changed)
    assert again.report["counts"]["conflict"] == 1
    again = _import(ringing, again, "valid_rows", django_capture_on_commit_callbacks)

    assert Observation.objects.count() == 2
    assert Observation.objects.get(instance_id="import:r1").answers["count"] == 3
    assert again.report["counts"] == {
        "rows": 2,
        "created": 0,
        "duplicate": 1,
        "conflict": 1,
        "invalid": 0,
    }
    assert again.report["errors"][0]["row"] == 2


def test_a_second_row_with_the_same_id_is_reported(checked: Run) -> None:
    data_import = checked(GOOD + "r1,Robin,1,7,,2025-04-02,52.0,5.0\n")

    assert data_import.report["counts"]["invalid"] == 1
    assert data_import.report["errors"][0]["message"] == "Row 2 has the same ID."


def test_a_column_in_another_unit_is_converted(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    content = "id,species,wing_mm\nw1,turdus_merula,125\n"
    data_import = checked(
        content,
        mapping={"species": "species", "wing": "wing_mm"},
        id_column="id",
        units={"wing": "mm"},
    )
    assert data_import.report["warnings"] == []

    _import(ringing, data_import, "valid_rows", django_capture_on_commit_callbacks)

    assert Observation.objects.get().answers["wing"] == 12.5


def test_values_that_look_like_another_unit_are_warned_about_and_fail_the_constraint(
    checked: Run,
) -> None:
    content = "id,species,wing\nw1,turdus_merula,125\nw2,turdus_merula,98\n"

    data_import = checked(content)

    assert data_import.report["counts"]["invalid"] == 2
    [warning] = data_import.report["warnings"]
    assert warning["column"] == "wing" and "in mm" in warning["message"]


def test_a_select_multiple_is_read_from_one_0_1_column_per_choice_and_a_point_from_parts(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    content = (
        "key,species,behaviour/singing,behaviour/feeding,where-latitude,where-longitude,"
        "where-accuracy,observed_at\n"
        "uuid:abc,turdus_merula,1,0,52.1,4.4,8,2025-04-02T07:30:00+00:00\n"
    )
    data_import = checked(content)
    assert data_import.mapping["behaviour"] == "behaviour/*"
    assert data_import.mapping["where"] == "where-latitude where-longitude where-accuracy"
    assert data_import.id_column == "key"

    _import(ringing, data_import, "valid_rows", django_capture_on_commit_callbacks)

    stored = Observation.objects.get()
    assert stored.instance_id == "uuid:abc"
    assert stored.answers["behaviour"] == "singing"
    assert stored.answers["where"] == "52.1 4.4 0 8"
    assert stored.observed_at.isoformat() == "2025-04-02T07:30:00+00:00"


def test_a_mapping_to_a_column_the_file_lacks_is_refused(ringing: dict[str, Any]) -> None:
    data_import = data_import_upload(
        actor=ringing["researcher"],
        project=ringing["project"],
        form=ringing["form"],
        uploaded_file=SimpleUploadedFile("rows.csv", GOOD.encode()),
        source_format="csv",
    )

    with pytest.raises(InvalidInputError) as refused:
        data_import_set_mapping(
            actor=ringing["researcher"],
            data_import=data_import,
            mapping={"count": "no such column"},
            id_column="missing",
            units={"wing": "kg"},
        )

    assert set(refused.value.details) == {"count", "id_column", "wing"}


def test_a_second_dry_run_while_one_runs_is_refused(ringing: dict[str, Any]) -> None:
    data_import = data_import_upload(
        actor=ringing["researcher"],
        project=ringing["project"],
        form=ringing["form"],
        uploaded_file=SimpleUploadedFile("rows.csv", GOOD.encode()),
        source_format="csv",
    )
    data_import_check(actor=ringing["researcher"], data_import=data_import)  # not run yet

    with pytest.raises(ConflictError):
        data_import_check(actor=ringing["researcher"], data_import=data_import)
    with pytest.raises(ConflictError):
        data_import_run(actor=ringing["researcher"], data_import=data_import, policy="valid_rows")
    assert Job.objects.filter(kind=imports.CHECK_JOB).count() == 1


def test_a_file_whose_name_does_not_fit_its_kind_is_refused(ringing: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError, match="ends in"):
        data_import_upload(
            actor=ringing["researcher"],
            project=ringing["project"],
            form=ringing["form"],
            uploaded_file=SimpleUploadedFile("rows.pdf", GOOD.encode()),
            source_format="csv",
        )


def test_a_file_over_the_size_limit_is_refused_and_not_kept(
    ringing: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 100)

    with pytest.raises(PayloadTooLargeError):
        data_import_upload(
            actor=ringing["researcher"],
            project=ringing["project"],
            form=ringing["form"],
            uploaded_file=SimpleUploadedFile("rows.csv", (GOOD * 5).encode()),
            source_format="csv",
        )
    assert DataImport.objects.count() == 0


def test_a_file_with_too_many_rows_is_refused_and_not_kept(
    ringing: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 1)

    with pytest.raises(InvalidInputError, match="more than 1 rows"):
        data_import_upload(
            actor=ringing["researcher"],
            project=ringing["project"],
            form=ringing["form"],
            uploaded_file=SimpleUploadedFile("rows.csv", GOOD.encode()),
            source_format="csv",
        )
    folder = Path(imports.export_directory()) / "imports"
    assert DataImport.objects.count() == 0
    assert not any(folder.iterdir())


def test_a_workbook_is_imported_like_a_csv(
    ringing: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    content = workbook_bytes(
        {"rows": [{"id": "x1", "species": "Blackbird", "count": 2, "day": "2025-04-02"}]}
    )
    data_import = data_import_upload(
        actor=ringing["researcher"],
        project=ringing["project"],
        form=ringing["form"],
        uploaded_file=SimpleUploadedFile("rows.xlsx", content),
        source_format="xlsx",
    )
    with django_capture_on_commit_callbacks(execute=True):
        data_import_check(actor=ringing["researcher"], data_import=data_import)
    data_import = _import(ringing, data_import, "valid_rows", django_capture_on_commit_callbacks)

    assert Observation.objects.get().answers == {
        "species": "turdus_merula",
        "count": 2,
        "day": "2025-04-02",
    }


def test_a_volunteer_may_not_import(ringing: dict[str, Any]) -> None:
    volunteer = UserFactory()
    MembershipFactory(project=ringing["project"], user=volunteer, role=ProjectRole.MEMBER)

    with pytest.raises(PermissionDeniedError):
        data_import_upload(
            actor=volunteer,
            project=ringing["project"],
            form=ringing["form"],
            uploaded_file=SimpleUploadedFile("rows.csv", GOOD.encode()),
            source_format="csv",
        )


def test_another_projects_owner_cannot_see_or_use_an_import(ringing: dict[str, Any]) -> None:
    data_import = data_import_upload(
        actor=ringing["researcher"],
        project=ringing["project"],
        form=ringing["form"],
        uploaded_file=SimpleUploadedFile("rows.csv", GOOD.encode()),
        source_format="csv",
    )
    other_project = ProjectFactory(public=True)
    other_owner = other_project.initiator

    with pytest.raises(NotFoundError):
        data_import_get_for_user(user=other_owner, project=other_project, import_id=data_import.pk)
    with pytest.raises((NotFoundError, PermissionDeniedError)):
        data_import_check(actor=other_owner, data_import=data_import)


def test_a_fellow_researcher_does_not_see_someone_elses_import(ringing: dict[str, Any]) -> None:
    data_import = data_import_upload(
        actor=ringing["researcher"],
        project=ringing["project"],
        form=ringing["form"],
        uploaded_file=SimpleUploadedFile("rows.csv", GOOD.encode()),
        source_format="csv",
    )

    with pytest.raises(NotFoundError):
        data_import_get_for_user(
            user=ringing["project"].initiator,
            project=ringing["project"],
            import_id=data_import.pk,
        )


def test_the_file_of_an_import_finished_long_ago_is_purged_and_its_report_kept(
    ringing: dict[str, Any], checked: Run, django_capture_on_commit_callbacks: Any
) -> None:
    data_import = _import(ringing, checked(GOOD), "valid_rows", django_capture_on_commit_callbacks)
    path = Path(imports.export_directory()) / data_import.file_name
    later = data_import.finished_at + imports.KEEP_FILES_FOR + timedelta(hours=1)

    deleted = imports.data_imports_purge(later)

    data_import.refresh_from_db()
    assert deleted == 1 and not path.exists()
    assert data_import.file_name == "" and data_import.report["counts"]["created"] == 2
