"""Open-data exports (issue 16): every format against a validator we did not write, with
geoprivacy and permissions as everywhere else."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.roles import ProjectRole
from cslab.exports.services import export_write
from cslab.exports.writers import FORMATS, SUFFIXES
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.services.observations import observation_submit
from tests.collection.test_canary import _canary_leaks, _plant
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SURVEY_FORM = {
    "survey": [
        {"type": "text", "name": "site_name", "label": "Site"},
        {"type": "integer", "name": "visitors", "label": "Visitors"},
        {"type": "select_multiple flowers", "name": "flowers", "label": "Flowers"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
        {"type": "begin_repeat", "name": "visit", "label": "Insect visits"},
        {"type": "select_one insects", "name": "insect", "label": "Insect"},
        {"type": "integer", "name": "seconds", "label": "Seconds on the flower"},
        {"type": "begin_repeat", "name": "photo_note", "label": "Photo notes"},
        {"type": "text", "name": "note", "label": "Note"},
        {"type": "end_repeat", "name": "photo_note"},
        {"type": "end_repeat", "name": "visit"},
    ],
    "choices": [
        {"list_name": "flowers", "name": "clover", "label": "Clover"},
        {"list_name": "flowers", "name": "thistle", "label": "Thistle"},
        {"list_name": "flowers", "name": "daisy", "label": "Daisy"},
        {"list_name": "insects", "name": "bee", "label": "Bee"},
        {"list_name": "insects", "name": "hoverfly", "label": "Hoverfly"},
    ],
    "settings": [{"form_id": "garden_visits", "form_title": "Garden visits", "version": "2"}],
}


@pytest.fixture
def garden() -> dict[str, Any]:
    """A public project with open geoprivacy and two observations, one with nested repeats."""
    project = ProjectFactory(public=True, name="Garden pollinators", data_licence="CC0-1.0")
    observer = UserFactory(profile_public=True, display_name="Garden Observer")
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="garden.xlsx", content=workbook_bytes(SURVEY_FORM)
    )
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:garden-1",
        answers={
            "site_name": '=HYPERLINK("http://evil.example")',
            "visitors": 3,
            "flowers": "clover daisy",
            "where": "52.1601 4.4970 2.0 5.0",
            "visit": [
                {
                    "insect": "bee",
                    "seconds": 12,
                    "photo_note": [{"note": "pollen"}, {"note": "wet"}],
                },
                {"insect": "hoverfly", "seconds": 4},
            ],
        },
    )
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id="uuid:garden-2",
        answers={"site_name": "Hortus", "visitors": 0, "flowers": "thistle"},
    )
    return {"project": project, "researcher": researcher, "observer": observer}


def _export(tmp_path: Path, garden: dict[str, Any], format: str, **options: Any) -> Path:
    destination = tmp_path / f"export.{format}"
    export_write(
        actor=options.pop("actor", garden["researcher"]),
        project=garden["project"],
        form_id="garden_visits",
        format=format,
        destination=destination,
        **options,
    )
    return destination


def _csv_member(path: Path, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_csv_has_a_column_per_question_and_choice_and_links_repeats_by_parent_key(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    path = _export(tmp_path, garden, "csv")

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert names == {
        "README.txt",
        "garden_visits.csv",
        "garden_visits-visit.csv",
        "garden_visits-visit-photo_note.csv",
    }
    rows = {row["key"]: row for row in _csv_member(path, "garden_visits.csv")}
    first = rows["uuid:garden-1"]
    assert first["flowers"] == "clover daisy"
    assert (first["flowers/clover"], first["flowers/thistle"], first["flowers/daisy"]) == (
        "1",
        "0",
        "1",
    )
    assert (first["where-latitude"], first["where-longitude"], first["where-accuracy"]) == (
        "52.1601",
        "4.497",
        "5.0",
    )
    assert first["form_version"] == "2"
    assert not any(value.startswith(("{", "[")) for value in first.values())
    visits = _csv_member(path, "garden_visits-visit.csv")
    assert [(visit["parent_key"], visit["insect"], visit["seconds"]) for visit in visits] == [
        ("uuid:garden-1", "bee", "12"),
        ("uuid:garden-1", "hoverfly", "4"),
    ]
    notes = _csv_member(path, "garden_visits-visit-photo_note.csv")
    assert [(note["parent_key"], note["note"]) for note in notes] == [
        (visits[0]["key"], "pollen"),
        (visits[0]["key"], "wet"),
    ]
    readme = zipfile.ZipFile(path).read("README.txt").decode()
    assert "CC0" in readme and "Cite as: Garden pollinators" in readme
    assert "Form versions: 2" in readme


def test_the_data_package_is_valid_for_frictionless_with_types_and_descriptions_from_the_form(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    from frictionless import validate

    path = _export(tmp_path, garden, "datapackage")
    folder = tmp_path / "package"
    zipfile.ZipFile(path).extractall(folder)

    report = validate(str(folder / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((folder / "datapackage.json").read_text())
    fields = {field["name"]: field for field in descriptor["resources"][0]["schema"]["fields"]}
    assert fields["visitors"]["type"] == "integer"
    assert fields["visitors"]["description"] == "Visitors"
    assert fields["flowers/daisy"]["description"].startswith("Flowers: Daisy")
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    assert descriptor["resources"][1]["schema"]["foreignKeys"][0]["reference"]["fields"] == ["key"]


def test_geojson_passes_geojson_validator_and_nests_repeats_in_properties(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    from geojson_validator import validate_geometries, validate_structure

    path = _export(tmp_path, garden, "geojson")
    collection = json.loads(path.read_text())

    assert validate_structure(collection) == {}
    assert validate_geometries(collection).get("invalid", {}) == {}
    features = {feature["properties"]["key"]: feature for feature in collection["features"]}
    assert features["uuid:garden-1"]["properties"]["visit"][0]["photo_note"][1]["note"] == "wet"
    assert features["uuid:garden-2"]["geometry"] is None
    assert collection["metadata"]["licence"] == "CC0-1.0"


def test_xlsx_has_a_sheet_per_table_and_keeps_formula_like_text_as_text(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    from openpyxl import load_workbook

    path = _export(tmp_path, garden, "xlsx")
    workbook = load_workbook(path)

    assert workbook.sheetnames == [
        "garden_visits",
        "garden_visits-visit",
        "garden_visits-visit-photo_note",
        "About",
    ]
    sheet = workbook["garden_visits"]
    header = [cell.value for cell in sheet[1]]
    site = sheet.cell(row=2, column=header.index("site_name") + 1)
    assert site.data_type == "s" and site.value.startswith("=HYPERLINK")
    about = dict(workbook["About"].iter_rows(values_only=True))
    assert about["licence"] == "CC0-1.0" and about["form_versions"] == "2"


def test_parquet_holds_typed_columns_and_the_licence(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    import pyarrow.parquet as parquet

    path = _export(tmp_path, garden, "parquet")
    folder = tmp_path / "parquet"
    zipfile.ZipFile(path).extractall(folder)

    table = parquet.read_table(folder / "garden_visits.parquet")

    assert table.num_rows == 2
    assert str(table.schema.field("visitors").type) == "int64"
    assert str(table.schema.field("coordinates_obscured").type) == "bool"
    assert table.schema.metadata[b"license"] == b"CC0-1.0"
    assert parquet.read_table(folder / "garden_visits-visit.parquet").num_rows == 2


def test_the_team_export_has_true_coordinates_and_observers_and_the_public_one_neither(
    tmp_path: Path,
) -> None:
    planted = _plant()
    project, researcher = planted["project"], UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)

    def rows(actor: Any, public: bool) -> dict[str, dict[str, str]]:
        destination = tmp_path / f"canary-{public}.csv"
        export_write(
            actor=actor,
            project=project,
            form_id="canary_birds",
            format="csv",
            destination=destination,
            public=public,
        )
        return {row["key"]: row for row in _csv_member(destination, "canary_birds.csv")}

    team = rows(researcher, public=False)
    public = rows(researcher, public=True)

    assert team["uuid:canary-default"]["latitude"] == "51.123456"
    assert team["uuid:canary-default"]["observer"] == "Marsh Observer"
    shown = public["uuid:canary-default"]
    assert "observer" not in shown
    assert shown["coordinates_obscured"] == "true"
    assert float(shown["coordinate_uncertainty_m"]) > 1000
    assert "uuid:canary-private" not in public  # rejected: not public
    assert public["uuid:canary-forced"]["latitude"] == "" or shown["latitude"] != "51.123456"


def _every_text(path: Path, format: str) -> str:
    """All the text an export holds, whatever its format."""
    if format == "geojson":
        return path.read_text()
    if format == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path)
        return "\n".join(
            repr(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
        )
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".parquet"):
                import pyarrow.parquet as parquet

                parts.append(repr(parquet.read_table(io.BytesIO(archive.read(name))).to_pylist()))
            else:
                parts.append(archive.read(name).decode("utf-8"))
    return "\n".join(parts)


@pytest.mark.parametrize("format", FORMATS)
def test_the_canary_point_appears_in_no_public_export(tmp_path: Path, format: str) -> None:
    planted = _plant()
    moderator = UserFactory()
    MembershipFactory(project=planted["project"], user=moderator, role=ProjectRole.MODERATOR)

    for actor, public in [(None, True), (UserFactory(), False), (moderator, False)]:
        destination = tmp_path / f"canary-{public}{SUFFIXES[format]}"
        export_write(
            actor=actor,
            project=planted["project"],
            form_id="canary_birds",
            format=format,
            destination=destination,
            public=public,
        )
        text = _every_text(destination, format)
        leaks = _canary_leaks(text, planted["observations"])
        assert not leaks, (actor, leaks)


def test_a_private_project_is_not_found_for_an_outsider_and_its_export_not_written(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    private = ProjectFactory()
    form_publish_xlsform(
        actor=None, project=private, file_name="g.xlsx", content=workbook_bytes(SURVEY_FORM)
    )
    destination = tmp_path / "private.csv.zip"

    with pytest.raises(NotFoundError):
        export_write(
            actor=UserFactory(),
            project=private,
            form_id="garden_visits",
            format="csv",
            destination=destination,
        )
    assert not destination.exists()


def test_an_unknown_format_is_refused_with_the_formats_named(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    with pytest.raises(InvalidInputError, match="datapackage"):
        _export(tmp_path, garden, "shapefile")


def test_the_export_command_writes_the_public_export_and_names_its_rows(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    destination = tmp_path / "cli.csv.zip"
    output = io.StringIO()

    call_command(
        "export",
        garden["project"].slug,
        "--format",
        "csv",
        "--out",
        str(destination),
        stdout=output,
    )

    assert "2 garden_visits" in output.getvalue()
    rows = _csv_member(destination, "garden_visits.csv")
    assert {row["key"] for row in rows} == {"uuid:garden-1", "uuid:garden-2"}
    assert "observer" not in rows[0]


def test_the_export_command_refuses_an_unknown_project_and_a_private_one_in_one_line(
    tmp_path: Path, garden: dict[str, Any]
) -> None:
    with pytest.raises(CommandError, match="No project"):
        call_command("export", "nope", "--format", "csv", "--out", str(tmp_path / "x"))
    private = ProjectFactory()
    form_publish_xlsform(
        actor=None, project=private, file_name="g.xlsx", content=workbook_bytes(SURVEY_FORM)
    )
    with pytest.raises(CommandError):
        call_command("export", private.slug, "--format", "csv", "--out", str(tmp_path / "y"))
