"""Darwin Core Archive exports (issue 16): read back with python-dwca-reader, EML checked
against the EML 2.2.0 schema, geoprivacy and credit choices honoured."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from dwca.darwincore.utils import qualname  # type: ignore[import-untyped,unused-ignore]
from dwca.read import DwCAReader  # type: ignore[import-untyped,unused-ignore]

from cslab.core.errors import InvalidInputError
from cslab.core.roles import ProjectRole
from cslab.exports.columns import Column, Table, table_layout
from cslab.exports.darwin_core import (
    cell_text,
    default_darwin_core_mapping,
    occurrence_id,
)
from cslab.exports.services import export_write
from cslab.exports.writers import FORMATS, SUFFIXES
from cslab.forms.demo import workbook_bytes
from cslab.forms.form_definition import FormDefinition
from cslab.forms.services import form_publish_xlsform
from cslab.observations.services.observations import observation_submit
from cslab.participants.services.credit import credit_preference_set
from cslab.participants.vocabulary import CreditChoice
from tests.collection.test_canary import LATITUDE, _canary_leaks, _plant
from tests.conftest import skip_or_fail
from tests.exports.test_exports import _every_text
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
EML_SCHEMA = SHARED / "data" / "eml-2.2.0-xsd" / "eml.xsd"
REQUIRED_TERMS = ("occurrenceID", "basisOfRecord", "scientificName", "eventDate")
FIRST_ID = "uuid:0b6f3c1e-6a4e-4c1b-9f0e-2d7c1a5e8b01"
SECOND_ID = "uuid:5d2a7e90-1c3b-4f6d-8a9e-7b4c2d1e0f02"

BIRD_FORM = {
    "survey": [
        {"type": "select_one birds", "name": "species", "label": "Species"},
        {"type": "integer", "name": "count", "label": "How many?"},
        {"type": "text", "name": "remarks", "label": "Remarks"},
        {"type": "text", "name": "field_name", "label": "Name in your field guide"},
        {"type": "geopoint", "name": "where", "label": "Where?"},
        {"type": "begin_repeat", "name": "sighting", "label": "Sightings"},
        {"type": "text", "name": "behaviour", "label": "Behaviour"},
        {"type": "end_repeat", "name": "sighting"},
    ],
    "choices": [
        {
            "list_name": "birds",
            "name": "turdus_merula",
            "label::English (en)": "Turdus merula",
            "label::Nederlands (nl)": "Merel",
        },
        {
            "list_name": "birds",
            "name": "erithacus_rubecula",
            "label::English (en)": "Erithacus rubecula",
            "label::Nederlands (nl)": "Roodborst",
        },
    ],
    "settings": [{"form_id": "garden_birds", "form_title": "Garden birds", "version": "1"}],
}


@pytest.fixture
def birds() -> dict[str, Any]:
    """A public CC BY project with open geoprivacy: two observations, one with repetitions."""
    project = ProjectFactory(public=True, name="Garden birds count", data_licence="CC-BY-4.0")
    observer = UserFactory(profile_public=True, display_name="Robin Watcher")
    MembershipFactory(project=project, user=observer, role=ProjectRole.MEMBER)
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)
    version = form_publish_xlsform(
        actor=None, project=project, file_name="birds.xlsx", content=workbook_bytes(BIRD_FORM)
    )
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id=FIRST_ID,
        answers={
            "species": "turdus_merula",
            "count": 3,
            "remarks": "Singing\tfrom the roof\nthen flew off\r\nto the hedge",
            "field_name": "Blackbird",
            "where": "52.1601 4.4970 2.0 5.0",
            "sighting": [{"behaviour": "singing"}, {"behaviour": "feeding"}],
        },
        observed_at=datetime(2025, 4, 2, 7, 30, tzinfo=UTC),
    )
    observation_submit(
        actor=observer,
        form_version=version,
        instance_id=SECOND_ID,
        answers={
            "species": "erithacus_rubecula",
            "count": 1,
            "field_name": "Robin",
            "where": "52.0907 5.1214 1.0 8.0",
        },
        observed_at=datetime(2025, 5, 9, 18, 5, tzinfo=UTC),
    )
    return {"project": project, "observer": observer, "researcher": researcher}


def _archive(
    tmp_path: Path, project: Any, form_id: str, *, actor: Any = None, **options: Any
) -> Path:
    destination = tmp_path / f"{form_id}-{options.get('public', False)}.dwca.zip"
    export_write(
        actor=actor,
        project=project,
        form_id=form_id,
        format="dwca",
        destination=destination,
        **options,
    )
    return destination


def _records(path: Path) -> dict[str, dict[str, str]]:
    """The core's rows by occurrenceID, keyed by the terms' local names."""
    with DwCAReader(str(path)) as archive:
        return {
            row.id: {term.rsplit("/", 1)[-1]: value for term, value in row.data.items()}
            for row in archive
        }


def test_the_archive_reads_back_as_occurrences_with_the_required_terms(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    path = _archive(tmp_path, birds["project"], "garden_birds", actor=None, public=True)

    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == {"meta.xml", "occurrence.txt", "eml.xml"}
    with DwCAReader(str(path)) as archive:
        assert archive.descriptor.core.type == "http://rs.tdwg.org/dwc/terms/Occurrence"
        assert archive.core_file_location == "occurrence.txt"
        assert archive.metadata.find("dataset/title").text == "Garden birds count: Garden birds"
        for term in REQUIRED_TERMS:
            assert archive.core_contains_term(qualname(term)), term
        rows = list(archive)
        assert archive.orphaned_extension_rows() == {}
    # Two observations; their repetitions are not occurrences.
    assert len(rows) == 2
    assert {row.data[qualname("basisOfRecord")] for row in rows} == {"HumanObservation"}
    records = _records(path)
    first = records[f"urn:{FIRST_ID}"]
    assert first["occurrenceID"] == f"urn:{FIRST_ID}"
    assert first["scientificName"] == "Turdus merula"  # the English label, not the name
    assert first["individualCount"] == "3"
    assert first["eventDate"] == "2025-04-02T07:30:00+00:00"
    assert (first["decimalLatitude"], first["decimalLongitude"]) == ("52.1601", "4.497")
    assert first["geodeticDatum"] == "EPSG:4326"
    assert first["coordinateUncertaintyInMeters"] == "5"
    assert first["license"] == "http://creativecommons.org/licenses/by/4.0/legalcode"
    assert first["dataGeneralizations"] == "" and first["informationWithheld"] == ""
    assert first["recordedBy"] == ""  # a public export names nobody


def test_tab_and_line_breaks_in_an_answer_do_not_break_the_rows(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    path = _archive(tmp_path, birds["project"], "garden_birds", actor=None, public=True)

    with zipfile.ZipFile(path) as archive:
        lines = archive.read("occurrence.txt").decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 4  # the header, two records, the final newline
    assert len({line.count("\t") for line in lines[:-1]}) == 1
    remarks = _records(path)[f"urn:{FIRST_ID}"]["occurrenceRemarks"]
    assert remarks == "Singing from the roof then flew off  to the hedge"


def test_cell_text_replaces_every_line_break_and_tab_with_a_space() -> None:
    assert cell_text("a\tb\nc\rd\u2028e") == "a b c d e"


def test_the_eml_is_valid_eml_2_2_0_with_the_elements_gbif_requires(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    if not EML_SCHEMA.exists():
        skip_or_fail(f"The EML 2.2.0 schemas are not at {EML_SCHEMA}")
    from lxml import etree

    path = _archive(tmp_path, birds["project"], "garden_birds", actor=None, public=True)
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("eml.xml"))

    schema = etree.XMLSchema(etree.parse(str(EML_SCHEMA)))
    assert schema.validate(document), schema.error_log
    dataset = document.find("dataset")
    for element in ("title", "abstract/para", "creator", "metadataProvider", "contact"):
        assert dataset.find(element) is not None, element
    link = dataset.find("intellectualRights/para/ulink")
    assert link.get("url") == "http://creativecommons.org/licenses/by/4.0/legalcode"
    assert link.find("citetitle").text == "CC BY 4.0"
    sentence = "".join(dataset.find("intellectualRights/para").itertext())
    assert sentence == "This work is licensed under a CC BY 4.0."
    box = dataset.find("coverage/geographicCoverage/boundingCoordinates")
    assert {child.tag: child.text for child in box} == {
        "westBoundingCoordinate": "4.497",
        "eastBoundingCoordinate": "5.1214",
        "northBoundingCoordinate": "52.1601",
        "southBoundingCoordinate": "52.0907",
    }
    dates = dataset.find("coverage/temporalCoverage/rangeOfDates")
    assert dates.find("beginDate/calendarDate").text == "2025-04-02"
    assert dates.find("endDate/calendarDate").text == "2025-05-09"
    citation = document.find("additionalMetadata/metadata/gbif/citation").text
    assert citation.startswith("Garden birds count")


def test_an_eml_with_a_broken_date_is_rejected_by_the_schema(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    """The schema check can fail: the same document with an invalid pubDate is refused."""
    if not EML_SCHEMA.exists():
        skip_or_fail(f"The EML 2.2.0 schemas are not at {EML_SCHEMA}")
    from lxml import etree

    path = _archive(tmp_path, birds["project"], "garden_birds", actor=None, public=True)
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("eml.xml"))
    document.find("dataset/pubDate").text = "the second of April"

    assert not etree.XMLSchema(etree.parse(str(EML_SCHEMA))).validate(document)


def test_the_public_archive_of_the_canary_leaks_nothing_and_says_what_was_generalised(
    tmp_path: Path,
) -> None:
    planted = _plant()

    path = _archive(tmp_path, planted["project"], "canary_birds", actor=None, public=True)

    with zipfile.ZipFile(path) as archive:
        text = "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    leaks = _canary_leaks(text, planted["observations"])
    assert not leaks
    records = _records(path)
    assert "urn:uuid:canary-private" not in records  # rejected: not public
    shown = records["urn:uuid:canary-default"]
    assert shown["dataGeneralizations"].startswith("Coordinates generalised to a grid cell")
    assert "coarsened to the day" in shown["informationWithheld"]
    assert shown["eventDate"] == "2026-03-14"
    assert float(shown["coordinateUncertaintyInMeters"]) > 1000
    # A sensitive species is named; its place is what is generalised.
    assert shown["scientificName"] == "Bittern"
    assert {record["recordedBy"] for record in records.values()} == {""}


def test_the_team_archive_has_true_coordinates_and_credits_observers_as_they_chose(
    tmp_path: Path,
) -> None:
    planted = _plant()
    project, observer = planted["project"], planted["observer"]
    researcher = UserFactory()
    MembershipFactory(project=project, user=researcher, role=ProjectRole.RESEARCHER)

    default = _records(_archive(tmp_path, project, "canary_birds", actor=researcher))
    credit_preference_set(
        actor=observer,
        user=observer,
        project=project,
        choice=CreditChoice.PSEUDONYM,
        pseudonym="Reed Warbler",
    )
    pseudonym = _records(_archive(tmp_path, project, "canary_birds", actor=researcher))
    credit_preference_set(actor=observer, user=observer, project=project, choice=CreditChoice.NONE)
    nameless = _records(_archive(tmp_path, project, "canary_birds", actor=researcher))

    record = default["urn:uuid:canary-default"]
    assert float(record["decimalLatitude"]) == LATITUDE
    assert record["dataGeneralizations"] == ""
    assert record["scientificName"] == "Bittern"
    assert record["recordedBy"] == "Marsh Observer"  # a public profile's name, by default
    assert {row["recordedBy"] for row in pseudonym.values()} == {"Reed Warbler"}
    assert {row["recordedBy"] for row in nameless.values()} == {""}


def test_a_callers_mapping_overrides_the_default(tmp_path: Path, birds: dict[str, Any]) -> None:
    path = _archive(
        tmp_path,
        birds["project"],
        "garden_birds",
        actor=None,
        public=True,
        darwin_core_mapping={"scientificName": "field_name", "occurrenceRemarks": ""},
    )

    with DwCAReader(str(path)) as archive:
        assert not archive.core_contains_term(qualname("occurrenceRemarks"))
    records = _records(path)
    assert records[f"urn:{FIRST_ID}"]["scientificName"] == "Blackbird"
    assert records[f"urn:{SECOND_ID}"]["scientificName"] == "Robin"
    assert records[f"urn:{FIRST_ID}"]["individualCount"] == "3"  # the default still holds


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ({"decimalLatitude": "count"}, "decimalLatitude"),
        ({"scientificName": "behaviour"}, "behaviour"),  # in a repeat: not once per observation
        ({"scientificName": "where"}, "where"),  # a geopoint is four columns
    ],
)
def test_a_mapping_that_does_not_fit_the_form_is_refused_before_writing(
    tmp_path: Path, birds: dict[str, Any], mapping: dict[str, str], problem: str
) -> None:
    destination = tmp_path / "refused.dwca.zip"

    with pytest.raises(InvalidInputError, match=problem):
        export_write(
            actor=None,
            project=birds["project"],
            form_id="garden_birds",
            format="dwca",
            destination=destination,
            public=True,
            darwin_core_mapping=mapping,
        )
    assert not destination.exists()


@pytest.mark.parametrize("format", FORMATS)
def test_the_observer_id_the_archive_needs_is_written_by_no_format(
    tmp_path: Path, birds: dict[str, Any], format: str
) -> None:
    destination = tmp_path / f"team{SUFFIXES[format]}"
    export_write(
        actor=birds["researcher"],
        project=birds["project"],
        form_id="garden_birds",
        format=format,
        destination=destination,
    )

    assert "_observer_id" not in _every_text(destination, format)


def _tables(*columns: Column) -> Table:
    return Table(name="form", path=(), columns=list(columns))


def test_the_default_mapping_follows_the_question_names_and_takes_counts_only_from_integers() -> (
    None
):
    tables = _tables(
        Column("taxon", "string", "Taxon", "taxon"),
        Column("number", "string", "House number", "number"),
        Column("notes", "string", "Notes", "notes"),
    )

    assert default_darwin_core_mapping(tables).questions == {
        "scientificName": "taxon",
        "occurrenceRemarks": "notes",
    }


def test_the_default_mapping_prefers_scientific_name_over_species() -> None:
    definition = FormDefinition.from_source(
        {
            "survey": [
                {"type": "text", "name": "species", "label": "Species"},
                {"type": "text", "name": "scientific_name", "label": "Scientific name"},
                {"type": "integer", "name": "individuals", "label": "Individuals"},
            ]
        }
    )
    tables = table_layout([definition], leading_columns=[], name="form")

    assert default_darwin_core_mapping(tables).questions == {
        "scientificName": "scientific_name",
        "individualCount": "individuals",
    }


def test_an_odk_instance_id_becomes_a_urn() -> None:
    assert occurrence_id("uuid:6f1c") == "urn:uuid:6f1c"
    assert occurrence_id("local-7") == "local-7"


def test_the_export_command_writes_a_darwin_core_archive(
    tmp_path: Path, birds: dict[str, Any]
) -> None:
    destination = tmp_path / "cli.dwca.zip"
    output = io.StringIO()

    call_command(
        "export",
        birds["project"].slug,
        "--format",
        "dwca",
        "--out",
        str(destination),
        stdout=output,
    )

    assert "(dwca)" in output.getvalue()
    assert set(_records(destination)) == {f"urn:{FIRST_ID}", f"urn:{SECOND_ID}"}
