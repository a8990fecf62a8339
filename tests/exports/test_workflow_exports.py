"""Exports of a classification workflow's classifications and consensus results in every
format that fits (CSV zip, XLSX, Frictionless Data Package, Parquet), from the data page, the
service and the API."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cslab.classification.assignment import Identity
from cslab.classification.models import Workflow
from cslab.classification.services.classifications import classification_submit
from cslab.consensus.services.aggregation import aggregation_run
from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.roles import ProjectRole
from cslab.exports.models import DataExport
from cslab.exports.services import workflow_export_start, workflow_export_write
from cslab.exports.workflow_tables import (
    WORKFLOW_FORMATS,
    workflow_export_plan,
    workflow_export_rows,
)
from cslab.exports.writers import SUFFIXES
from tests.classification.helpers import SPECIES_TASK, make_workflow
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MARKING_TASK = {
    "key": "T1",
    "kind": "point",
    "question": "Mark the insects",
    "tools": [{"value": "insect", "label": "Insect"}],
}


@pytest.fixture(autouse=True)
def _var_folder(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _jobs_run_when_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's transaction never commits, so a job handed over on commit would never run;
    here it runs at once (the task backend of the tests is immediate)."""
    monkeypatch.setattr(
        "cslab.core.services.jobs.transaction.on_commit",
        lambda function, *args, **kwargs: function(),
    )


@pytest.fixture
def pollinators() -> dict[str, Any]:
    """A published workflow with two subjects: three volunteers (one without an account)
    classified the first, one the second; one mark; aggregated by majority vote."""
    workflow, subjects, owner = make_workflow(
        subjects=2, tasks=[SPECIES_TASK, MARKING_TASK], allow_anonymous=True
    )
    volunteers = [
        UserFactory(display_name="Ada Volunteer", email="ada@example.org"),
        UserFactory(display_name="Bob Volunteer", email="bob@example.org"),
    ]
    for volunteer, label, marks in (
        (volunteers[0], "bee", [{"tool": "insect", "x": 0.25, "y": 0.5}]),
        (volunteers[1], "hoverfly", []),
    ):
        classification_submit(
            identity=Identity(user=volunteer),
            workflow=workflow,
            subject=subjects[0],
            answers={"T0": label, "T1": marks},
        )
    classification_submit(
        identity=Identity(user=AnonymousUser(), session_identity="secret-session-token"),
        workflow=workflow,
        subject=subjects[0],
        answers={"T0": "bee"},
    )
    classification_submit(
        identity=Identity(user=volunteers[0]),
        workflow=workflow,
        subject=subjects[1],
        answers={"T0": "butterfly"},
    )
    aggregation_run(actor=owner, workflow=workflow, method="majority")
    return {"workflow": workflow, "subjects": subjects, "owner": owner, "volunteers": volunteers}


def _write(
    tmp_path: Path, pollinators: dict[str, Any], dataset: str, format: str, public: bool
) -> Path:
    workflow = pollinators["workflow"]
    destination = tmp_path / f"{dataset}-{public}{SUFFIXES[format]}"
    workflow_export_write(
        actor=pollinators["owner"],
        project=workflow.project,
        workflow_id=workflow.pk,
        dataset=dataset,
        format=format,
        destination=destination,
        public=public,
    )
    return destination


def _csv_tables(path: Path) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def _every_text(path: Path) -> str:
    """Everything an export holds, as text (zip members, sheets, Parquet tables)."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        return "\n".join(
            repr(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
        )
    texts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".parquet"):
                import pyarrow.parquet as parquet

                texts.append(repr(parquet.read_table(io.BytesIO(archive.read(name))).to_pylist()))
            else:
                texts.append(archive.read(name).decode())
    return "\n".join(texts)


def test_classifications_csv_has_a_column_per_answer_and_marks_linked_by_parent_key(
    tmp_path: Path, pollinators: dict[str, Any]
) -> None:
    path = _write(tmp_path, pollinators, "classifications", "csv", public=False)

    tables = _csv_tables(path)
    slug = pollinators["workflow"].slug
    rows = tables[f"{slug}-classifications.csv"]
    marks = tables[f"{slug}-marks.csv"]
    assert [row["T0"] for row in rows] == ["bee", "hoverfly", "bee", "butterfly"]
    assert rows[0]["T1.marks"] == "1"
    assert rows[0]["volunteer_id"] == str(pollinators["volunteers"][0].pk)
    assert rows[2]["volunteer_id"] == "" and rows[2]["anonymous_session"].startswith("anonymous-")
    assert [(mark["parent_key"], mark["tool"], mark["x"]) for mark in marks] == [
        (rows[0]["key"], "insect", "0.25")
    ]
    with zipfile.ZipFile(path) as archive:
        readme = archive.read("README.txt").decode()
    assert "Task definition version: tasks-" in readme and "Cite as:" in readme


def test_results_have_every_class_probability_and_a_probabilities_table(
    tmp_path: Path, pollinators: dict[str, Any]
) -> None:
    path = _write(tmp_path, pollinators, "results", "csv", public=True)

    tables = _csv_tables(path)
    slug = pollinators["workflow"].slug
    first = tables[f"{slug}-results.csv"][0]
    assert first["subject_id"] == str(pollinators["subjects"][0].pk)
    assert first["label"] == "bee" and first["label_text"] == "Bee"
    assert abs(float(first["p_bee"]) - 2 / 3) < 1e-6 and float(first["p_butterfly"]) == 0.0
    probabilities = tables[f"{slug}-probabilities.csv"]
    chosen = [row for row in probabilities if row["parent_key"] == first["key"]]
    assert {row["class"]: row["chosen"] for row in chosen}["bee"] == "true"
    with zipfile.ZipFile(path) as archive:
        readme = archive.read("README.txt").decode()
    assert "Aggregation method: Majority vote" in readme


@pytest.mark.parametrize("dataset", ["classifications", "results"])
def test_a_public_workflow_file_has_no_rows_while_the_embargo_lasts_and_the_team_file_has_all(
    tmp_path: Path, pollinators: dict[str, Any], dataset: str
) -> None:
    project = pollinators["workflow"].project
    project.data_embargo_until = timezone.localdate() + timedelta(days=30)
    project.save(update_fields=["data_embargo_until"])
    slug = pollinators["workflow"].slug

    public_path = _write(tmp_path, pollinators, dataset, "csv", public=True)
    public = _csv_tables(public_path)
    team = _csv_tables(_write(tmp_path, pollinators, dataset, "csv", public=False))

    assert public[f"{slug}-{dataset}.csv"] == []
    assert len(team[f"{slug}-{dataset}.csv"]) >= 2
    with zipfile.ZipFile(public_path) as archive:
        assert "under embargo until" in archive.read("README.txt").decode()

    project.data_embargo_until = timezone.localdate() - timedelta(days=1)
    project.save(update_fields=["data_embargo_until"])
    after = _csv_tables(_write(tmp_path, pollinators, dataset, "csv", public=True))
    assert len(after[f"{slug}-{dataset}.csv"]) == len(team[f"{slug}-{dataset}.csv"])


@pytest.mark.parametrize("dataset", ["classifications", "results"])
def test_the_data_package_is_valid_for_frictionless(
    tmp_path: Path, pollinators: dict[str, Any], dataset: str
) -> None:
    from frictionless import validate

    path = _write(tmp_path, pollinators, dataset, "datapackage", public=True)
    folder = tmp_path / "package"
    zipfile.ZipFile(path).extractall(folder)

    report = validate(str(folder / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert "Task definition version" in descriptor["description"]
    assert descriptor["version"].startswith("tasks-")
    assert descriptor["resources"][1]["schema"]["foreignKeys"][0]["fields"] == ["parent_key"]


@pytest.mark.parametrize("dataset", ["classifications", "results"])
def test_xlsx_and_parquet_read_back_with_their_types(
    tmp_path: Path, pollinators: dict[str, Any], dataset: str
) -> None:
    import pyarrow.parquet as parquet
    from openpyxl import load_workbook

    workbook = load_workbook(_write(tmp_path, pollinators, dataset, "xlsx", public=True))
    main = workbook.worksheets[0]
    header = [cell.value for cell in main[1]]
    assert header[0] == "key"
    assert "About" in workbook.sheetnames
    with zipfile.ZipFile(_write(tmp_path, pollinators, dataset, "parquet", public=True)) as zipped:
        name = f"{pollinators['workflow'].slug}-{dataset}.parquet"
        table = parquet.read_table(io.BytesIO(zipped.read(name)))
    assert table.schema.field("subject_id").type == "int64"
    if dataset == "results":
        assert table.schema.field("p_bee").type == "double"
        assert b"citation" in table.schema.metadata
    else:
        assert table.column("T0").to_pylist() == ["bee", "hoverfly", "bee", "butterfly"]
        assert table.schema.field("T1.marks").type == "int64"
        assert main.cell(row=2, column=header.index("T0") + 1).value == "bee"


@pytest.mark.parametrize("format", WORKFLOW_FORMATS)
def test_a_public_classification_export_holds_no_personal_data(
    tmp_path: Path, pollinators: dict[str, Any], format: str
) -> None:
    text = _every_text(_write(tmp_path, pollinators, "classifications", format, public=True))

    for volunteer in pollinators["volunteers"]:
        assert volunteer.display_name not in text
        assert volunteer.email not in text
        assert f"user:{volunteer.pk}" not in text
    assert "secret-session-token" not in text
    assert "volunteer_id" not in text and "anonymous_session" not in text
    assert "volunteer-" in text  # the pseudonymous codes


def test_a_pseudonym_is_stable_within_the_workflow_and_not_shared_across_volunteers(
    tmp_path: Path, pollinators: dict[str, Any]
) -> None:
    tables = _csv_tables(_write(tmp_path, pollinators, "classifications", "csv", public=True))

    rows = tables[f"{pollinators['workflow'].slug}-classifications.csv"]
    codes = [row["classifier"] for row in rows]
    assert codes[0] == codes[3]  # the same volunteer on two subjects
    assert len(set(codes)) == 3


def test_rows_are_read_in_batches_and_every_row_is_written(
    tmp_path: Path, pollinators: dict[str, Any]
) -> None:
    workflow = pollinators["workflow"]
    for dataset, expected in (("classifications", 4), ("results", 2)):
        plan = workflow_export_plan(
            user=pollinators["owner"],
            project=workflow.project,
            workflow_id=workflow.pk,
            dataset=dataset,
            public=False,
        )
        main = [
            cells["key"]
            for table, cells in workflow_export_rows(plan, batch_size=1)
            if not table.path
        ]
        assert len(main) == expected and len(set(main)) == expected


def test_a_volunteer_may_not_have_a_team_export(pollinators: dict[str, Any]) -> None:
    workflow = pollinators["workflow"]
    volunteer = pollinators["volunteers"][0]
    MembershipFactory(project=workflow.project, user=volunteer, role=ProjectRole.MEMBER)

    with pytest.raises(NotFoundError):
        workflow_export_start(
            actor=volunteer,
            project=workflow.project,
            workflow_id=workflow.pk,
            dataset="classifications",
            format="csv",
            scope="team",
        )
    response = _client(volunteer).post(
        _page(workflow),
        {
            "workflow-workflow_id": workflow.pk,
            "workflow-dataset": "classifications",
            "workflow-format": "csv",
            "workflow-scope": "team",
        },
    )
    assert response.status_code == 400
    assert not DataExport.objects.exists()


def test_another_projects_workflow_is_not_found(pollinators: dict[str, Any]) -> None:
    other, _subjects, other_owner = make_workflow(subjects=1)

    with pytest.raises(NotFoundError):
        workflow_export_start(
            actor=other_owner,
            project=other.project,
            workflow_id=pollinators["workflow"].pk,
            dataset="results",
            format="csv",
            scope="team",
        )
    response = _client(other_owner).post(
        reverse("api-1.0.0:start_data_export", kwargs={"slug": other.project.slug}),
        {
            "workflow_id": pollinators["workflow"].pk,
            "dataset": "results",
            "format": "csv",
            "scope": "public",
        },
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_draft_workflow_has_team_files_only(pollinators: dict[str, Any]) -> None:
    workflow = pollinators["workflow"]
    Workflow.objects.filter(pk=workflow.pk).update(status=Workflow.Status.DRAFT)

    with pytest.raises(InvalidInputError):
        workflow_export_start(
            actor=pollinators["owner"],
            project=workflow.project,
            workflow_id=workflow.pk,
            dataset="results",
            format="csv",
            scope="public",
        )


def test_geojson_and_darwin_core_are_not_offered_for_a_workflow(
    pollinators: dict[str, Any],
) -> None:
    workflow = pollinators["workflow"]
    for format in ("geojson", "dwca"):
        with pytest.raises(InvalidInputError):
            workflow_export_start(
                actor=pollinators["owner"],
                project=workflow.project,
                workflow_id=workflow.pk,
                dataset="results",
                format=format,
                scope="public",
            )


def test_asking_again_while_one_is_queued_returns_the_same_export(
    pollinators: dict[str, Any],
) -> None:
    workflow, owner = pollinators["workflow"], pollinators["owner"]
    queued = DataExport.objects.create(
        project=workflow.project,
        workflow=workflow,
        dataset="results",
        format="parquet",
        scope="team",
        requested_by=owner,
    )

    again = workflow_export_start(
        actor=owner,
        project=workflow.project,
        workflow_id=workflow.pk,
        dataset="results",
        format="parquet",
        scope="team",
    )

    assert again.pk == queued.pk
    assert DataExport.objects.count() == 1


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(workflow: Workflow) -> str:
    return reverse("project_data_exports", kwargs={"slug": workflow.project.slug})


def test_the_owner_prepares_a_team_file_on_the_data_page_and_downloads_it(
    pollinators: dict[str, Any],
) -> None:
    workflow, owner = pollinators["workflow"], pollinators["owner"]
    client = _client(owner)
    page = client.get(_page(workflow))
    assert b"Classifications and results" in page.content
    assert b"GeoJSON is not offered" in page.content

    response = client.post(
        _page(workflow),
        {
            "workflow-workflow_id": workflow.pk,
            "workflow-dataset": "classifications",
            "workflow-format": "csv",
            "workflow-scope": "team",
        },
    )

    export = DataExport.objects.get()
    assert response.status_code == 302, response.content
    assert export.status == DataExport.Status.READY
    assert export.rows == {f"{workflow.slug}-classifications": 4, f"{workflow.slug}-marks": 1}
    download = reverse(
        "project_data_export_download",
        kwargs={"slug": workflow.project.slug, "export_id": export.pk},
    )
    page = client.get(_page(workflow))
    assert download.encode() in page.content
    assert f"{workflow.name}: classifications".encode() in page.content
    body = b"".join(client.get(download).streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert f"{workflow.slug}-classifications.csv" in archive.namelist()


def test_the_api_starts_a_results_export_and_lists_it(pollinators: dict[str, Any]) -> None:
    workflow = pollinators["workflow"]
    volunteer = pollinators["volunteers"][1]
    client = _client(volunteer)
    url = reverse("api-1.0.0:start_data_export", kwargs={"slug": workflow.project.slug})

    response = client.post(
        url,
        {"workflow_id": workflow.pk, "dataset": "results", "format": "xlsx", "scope": "public"},
        content_type="application/json",
    )

    assert response.status_code == 202, response.content
    listed = client.get(url).json()
    assert listed[0]["dataset"] == "results" and listed[0]["workflow_id"] == workflow.pk
    assert listed[0]["download_url"]
    both = client.post(
        url,
        {"form_id": "x", "workflow_id": workflow.pk, "format": "csv", "scope": "public"},
        content_type="application/json",
    )
    assert both.status_code == 400


def test_the_export_command_writes_a_workflows_public_results(
    tmp_path: Path, pollinators: dict[str, Any]
) -> None:
    workflow = pollinators["workflow"]
    out = tmp_path / "results.parquet.zip"
    printed = io.StringIO()

    call_command(
        "export",
        workflow.project.slug,
        "--workflow",
        str(workflow.pk),
        "--dataset",
        "results",
        "--format",
        "parquet",
        "--out",
        str(out),
        stdout=printed,
    )

    assert f"2 {workflow.slug}-results" in printed.getvalue()
    assert zipfile.ZipFile(out).namelist()[0] == "README.txt"
    with pytest.raises(CommandError, match="workflow"):
        call_command(
            "export",
            workflow.project.slug,
            "--workflow",
            str(workflow.pk),
            "--dataset",
            "results",
            "--format",
            "geojson",
            "--out",
            str(tmp_path / "x.geojson"),
        )
