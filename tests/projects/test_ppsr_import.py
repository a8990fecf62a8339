"""Importing PPSR Core catalogues: idempotent, per-record report, none of the good records lost.

The real catalogue (512 projects of the JRC inventory) is read from ../shared/data/ppsr-core,
which sits beside the project folder; it is not copied into the project (GPL-3.0).
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from cslab.core.errors import InvalidInputError, NotFoundError
from cslab.core.models import AuditEvent, Job
from cslab.ppsr import records as ppsr
from cslab.ppsr import services as ppsr_import
from cslab.ppsr.services import ppsr_catalogue_import
from cslab.projects.models import Project
from cslab.projects.selectors import project_list_listed
from cslab.projects.vocabulary import TagKind
from tests.conftest import skip_or_fail
from tests.projects.factories import OrganisationFactory

PPSR_CORE = Path(__file__).resolve().parents[3] / "shared" / "data" / "ppsr-core"
INVENTORY = PPSR_CORE / "CSInventory_JSON.json"


@pytest.fixture
def inventory() -> bytes:
    if not INVENTORY.is_file():
        skip_or_fail(f"the PPSR Core inventory is not at {INVENTORY}")
    return INVENTORY.read_bytes()


def record(project_id: str = "p1", **fields: Any) -> dict[str, Any]:
    """Return a small valid PPSR Core record; `fields` override or add attributes."""
    base: dict[str, Any] = {
        "projectId": project_id,
        "projectName": f"Project {project_id}",
        "projectAim": "Count hedgehogs.",
        "projectDescription": "Volunteers count hedgehogs in their gardens.",
        "projectStatus": "Active",
        "projectStartDate": "2019-03-01T00:00:00Z",
        "projectDuration": "Unknown",
        "projectDateCreated": "2019-01-01T00:00:00Z",
        "projectLastUpdatedDate": "2019-01-01T00:00:00Z",
        "projectScienceType": "Biological Sciences - Zoology",
        "language": "English",
        "projectResponsiblePartyName": "Hedgehog Society",
        "projectResponsiblePartyContactEmail": "info@hedgehogs.example.org",
        "contactPoint": {
            "contactName": "Ann Example",
            "contactDetails": "ann@hedgehogs.example.org",
            "contactPointType": "",
            "meansOfContact": "Email",
        },
        "projectGeographicLocation": {},
        "projectMedia": "",
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def catalogue(*records: dict[str, Any]) -> bytes:
    return json.dumps({"Project": list(records)}).encode()


def run(data: bytes, *, origin: str = "elsewhere", dry_run: bool = False) -> Any:
    return ppsr_catalogue_import(actor=None, data=data, origin=origin, dry_run=dry_run)


# --- The real inventory -----------------------------------------------------------------


@pytest.mark.django_db
def test_importing_the_inventory_twice_gives_512_projects_not_1024(inventory: bytes) -> None:
    first = run(inventory, origin="jrc-inventory")
    second = run(inventory, origin="jrc-inventory")

    assert (first.created, first.failed) == (512, [])
    assert second.created == 0
    assert second.updated + second.unchanged == 512
    assert second.failed == []
    assert Project.objects.count() == 512
    assert project_list_listed().count() == 512


# --- Idempotency and re-import ----------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing() -> None:
    data = catalogue(record("a"), record("b"))
    run(data)

    report = run(data)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert Project.objects.count() == 2


@pytest.mark.django_db
def test_reimport_updates_fields_tags_and_status_instead_of_duplicating() -> None:
    run(catalogue(record("a", keyword="hedgehogs, gardens")))

    report = run(
        catalogue(
            record(
                "a",
                projectName="Hedgehog Street",
                keyword="hedgehogs; night",
                projectStatus="Completed",
            )
        )
    )

    assert (report.created, report.updated) == (0, 1)
    project = Project.objects.get()
    assert project.name == "Hedgehog Street"
    assert project.status == Project.Status.COMPLETED
    assert project.tags_of(TagKind.KEYWORD) == ["hedgehogs", "night"]
    change = project.status_changes.last()
    assert change is not None
    assert (change.from_status, change.to_status) == ("active", "completed")
    assert "elsewhere" in change.comment
    assert "hedgehog street" in project.search_document


@pytest.mark.django_db
def test_the_same_project_id_from_another_origin_is_another_project() -> None:
    data = catalogue(record("1"))

    run(data, origin="platform-a")
    run(data, origin="platform-b")

    assert sorted(Project.objects.values_list("origin", "external_id")) == [
        ("platform-a", "1"),
        ("platform-b", "1"),
    ]


@pytest.mark.django_db
def test_the_same_project_id_twice_in_one_file_fails_the_later_record() -> None:
    report = run(catalogue(record("a"), record("a", projectName="Again")))

    assert report.created == 1
    assert [(index, project_id) for index, project_id, _ in report.failed] == [(1, "a")]
    assert "index 0" in report.failed[0][2][0]
    assert Project.objects.get().name == "Project a"


# --- Per-record report: none of the good records lost -----------------------------------


@pytest.mark.django_db
def test_a_broken_record_is_reported_with_its_index_and_the_others_import() -> None:
    broken = record("b", projectName="   ")

    report = run(catalogue(record("a"), broken, record("c"), "not a record"))

    assert report.created == 2
    assert sorted(Project.objects.values_list("external_id", flat=True)) == ["a", "c"]
    assert [(index, project_id) for index, project_id, _ in report.failed] == [(1, "b"), (3, "")]
    assert report.failed[0][2] == ["The record has no projectName."]
    assert report.failed[1][2] == ["The record is not a JSON object."]
    assert not report.all_imported


@pytest.mark.django_db
def test_a_record_without_project_id_fails_with_a_clear_reason() -> None:
    report = run(catalogue(record("a", projectId=None), record("b")))

    assert report.failed == [(0, "", ["The record has no projectId."])]
    assert report.created == 1


@pytest.mark.django_db
def test_a_record_the_database_refuses_fails_alone() -> None:
    too_long = record("b", projectName="x" * 201)

    report = run(catalogue(record("a"), too_long))

    assert report.created == 1
    assert report.failed[0][0] == 1
    assert "longer than 200" in report.failed[0][2][0]


@pytest.mark.django_db
def test_dry_run_writes_nothing_but_reports_what_would_happen() -> None:
    run(catalogue(record("a")))

    report = run(catalogue(record("a", projectName="Renamed"), record("b")), dry_run=True)

    assert (report.created, report.updated, report.dry_run) == (1, 1, True)
    assert list(Project.objects.values_list("name", flat=True)) == ["Project a"]
    assert [result.slug for result in report.records] == ["", ""]


@pytest.mark.django_db
def test_one_audit_event_is_recorded_per_import_run_with_the_counts(staff: Any) -> None:
    ppsr_catalogue_import(
        actor=staff, data=catalogue(record("a"), record("b", projectId="")), origin="elsewhere"
    )
    ppsr_catalogue_import(actor=staff, data=catalogue(record("a")), origin="x", dry_run=True)

    event = AuditEvent.objects.get(action="ppsr.imported")
    assert event.actor == staff
    assert event.details == {
        "origin": "elsewhere",
        "total": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": 1,
    }


@pytest.mark.django_db
def test_a_volunteer_may_not_import(volunteer: Any) -> None:
    with pytest.raises(NotFoundError):
        ppsr_catalogue_import(actor=volunteer, data=catalogue(record("a")), origin="elsewhere")
    assert not Project.objects.exists()


# --- Reading the file -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_windows_1252_file_is_read() -> None:
    data = json.dumps(
        {"Project": [record("a", projectName="Café – terrasses")]}, ensure_ascii=False
    ).encode("cp1252")

    report = run(data)

    assert report.created == 1
    assert Project.objects.get().name == "Café – terrasses"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"Projects": []}', b'{"Project": {"projectId": "1"}}', b"42"],
)
def test_a_file_that_is_not_a_catalogue_is_refused_as_a_whole(content: bytes) -> None:
    with pytest.raises(InvalidInputError):
        run(content)


@pytest.mark.django_db
def test_a_bare_list_of_records_is_accepted() -> None:
    report = run(json.dumps([record("a")]).encode())

    assert report.created == 1


# --- Mapping ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_started_project_is_published_and_a_not_yet_started_one_waits_for_review() -> None:
    run(catalogue(record("a"), record("b", projectStatus="Not yet started")))

    active = Project.objects.get(external_id="a")
    waiting = Project.objects.get(external_id="b")
    assert (active.status, active.visibility, active.is_approved) == ("active", "public", True)
    assert (waiting.status, waiting.is_approved) == ("incubating", False)
    assert list(project_list_listed()) == [active]


@pytest.mark.django_db
def test_the_fields_and_tags_of_a_record_are_imported() -> None:
    run(
        catalogue(
            record(
                "a",
                keyword="hedgehogs, gardens; night | mammals",
                hasTag=["Suitable for children", "Participate from home"],
                difficultyLevel="Easy",
                language="English, nl, UTF-8",
                projectCountry=[
                    "Netherlands (the)",
                    "United Kingdom of Great Britain and Northern Ireland (the)",
                ],
                projectUrl="https://hedgehogs.example.org/",
                projectEndDate="2021",
                projectLocality="Leiden",
            )
        )
    )

    project = Project.objects.get()
    assert project.tags_of(TagKind.KEYWORD) == ["gardens", "hedgehogs", "mammals", "night"]
    assert project.tags_of(TagKind.PPSR_TAG) == ["Participate from home", "Suitable for children"]
    assert project.tags_of(TagKind.LANGUAGE) == ["en", "nl"]
    assert project.tags_of(TagKind.COUNTRY) == ["GB", "NL"]
    assert project.tags_of(TagKind.SCIENCE_TYPE) == ["Biological Sciences - Zoology"]
    assert project.tags_of(TagKind.DOMAIN) == ["biodiversity"]
    assert (project.start_date, project.end_date) == (date(2019, 3, 1), date(2021, 1, 1))
    assert (project.difficulty, project.locality) == ("easy", "Leiden")
    assert (project.contact_name, project.contact_email) == (
        "Ann Example",
        "info@hedgehogs.example.org",
    )
    assert project.website == "https://hedgehogs.example.org/"
    assert (project.origin, project.external_id, project.initiator) == ("elsewhere", "a", None)


@pytest.mark.django_db
def test_unknown_countries_and_languages_are_warnings_not_failures() -> None:
    report = run(catalogue(record("a", projectCountry="Atlantis; Belgium", language="Klingon")))

    assert report.failed == []
    assert Project.objects.get().tags_of(TagKind.COUNTRY) == ["BE"]
    messages = report.warnings[0][2]
    assert any("Atlantis" in message for message in messages)
    assert any("Klingon" in message for message in messages)


@pytest.mark.django_db
def test_the_geographic_coverage_becomes_the_area() -> None:
    square = {"type": "Polygon", "coordinates": [[[4, 52], [5, 52], [5, 53], [4, 53], [4, 52]]]}
    location = {"projectGeographicCoverage": json.dumps(square)}

    run(catalogue(record("a", projectGeographicLocation=location)))

    project = Project.objects.get()
    assert project.geographic_extent == square
    assert (project.centre_latitude, project.centre_longitude) == (52.5, 4.5)


@pytest.mark.django_db
def test_a_broken_area_is_left_out_with_a_warning_and_the_record_imports() -> None:
    open_ring = {"type": "Polygon", "coordinates": [[[4, 52], [5, 52], [5, 53]]]}
    location = {"projectGeographicCoverage": json.dumps(open_ring)}

    report = run(catalogue(record("a", projectGeographicLocation=location)))

    assert report.created == 1
    assert Project.objects.get().geographic_extent is None
    assert "polygon ring" in report.warnings[0][2][0]


@pytest.mark.django_db
def test_a_pin_becomes_a_point_when_there_is_no_coverage() -> None:
    location = {"projectPinLatitude": "52.16", "projectPinLongitude": 4.49}

    run(catalogue(record("a", projectGeographicLocation=location)))

    assert Project.objects.get().geographic_extent == {
        "type": "Point",
        "coordinates": [4.49, 52.16],
    }


@pytest.mark.django_db
def test_the_responsible_party_links_an_existing_organisation() -> None:
    organisation = OrganisationFactory(name="Hedgehog Society")

    run(catalogue(record("a", projectResponsiblePartyName="hedgehog society")))

    assert Project.objects.get().organisation == organisation


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Active", "active"),
        ("Periodically active", "active"),
        ("On hold", "paused"),
        ("completed", "completed"),
        ("Abandoned", "archived"),
        ("Not yet started", "incubating"),
        ("Ongoing", "incubating"),
    ],
)
def test_ppsr_statuses_map_to_the_lifecycle(status: str, expected: str) -> None:
    assert ppsr.imported_project(record("a", projectStatus=status)).status == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2011-12-31T23:59:59+00:00", date(2011, 12, 31)),
        ("2011-12-31", date(2011, 12, 31)),
        ("2011", date(2011, 1, 1)),
        ("2011-06", date(2011, 6, 1)),
        ("Unknown", None),
        ("", None),
        ("next spring", None),
        ("2011-13-45", None),
    ],
)
def test_dates_are_read_leniently(value: str, expected: date | None) -> None:
    imported = ppsr.imported_project(record("a", projectStartDate=value))

    assert imported.fields["start_date"] == expected


def test_a_contact_that_is_an_address_gives_way_to_the_responsible_party() -> None:
    contact = {
        "contactName": "info@x.example.org",
        "contactDetails": "info@x.example.org",
        "meansOfContact": "Email",
        "contactPointType": "",
    }

    imported = ppsr.imported_project(
        record("a", contactPoint=contact, projectResponsiblePartyContactEmail="Unknown")
    )

    assert imported.fields["contact_name"] == "Hedgehog Society"
    assert imported.fields["contact_email"] == "info@x.example.org"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Netherlands (the)", "NL"),
        ("Germany", "DE"),
        ("UK", "GB"),
        ("FRA", "FR"),
        ("Duitsland", "DE"),
        ("Atlantis", ""),
    ],
)
def test_country_names_map_to_iso_codes(name: str, code: str) -> None:
    assert ppsr.country_code(name) == code


# --- Command line -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reports_failures_and_exits_1_when_some_records_fail(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_bytes(catalogue(record("a"), record("b", projectName="")))
    output: list[str] = []

    with pytest.raises(CommandError) as failure:
        call_command("import-ppsr", str(path), "--origin", "elsewhere", stdout=_Collect(output))

    assert failure.value.returncode == 1
    text = "".join(output)
    assert "FAILED  Project[1] (projectId 'b'): The record has no projectName." in text
    assert (
        "2 records from elsewhere: 1 were created, 0 were updated, 0 unchanged, 1 failed." in text
    )
    assert Project.objects.get().external_id == "a"


@pytest.mark.django_db
def test_the_command_exits_0_when_every_record_imports(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_bytes(catalogue(record("a")))
    output: list[str] = []

    call_command("import-ppsr", str(path), stdout=_Collect(output))
    call_command("import-ppsr", str(path), stdout=_Collect(output))

    assert Project.objects.get().origin == "catalogue.json"
    assert "1 records from catalogue.json: 0 were created, 0 were updated, 1 unchanged" in "".join(
        output
    )


@pytest.mark.django_db
def test_the_command_dry_run_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_bytes(catalogue(record("a")))
    output: list[str] = []

    call_command("import-ppsr", str(path), "--dry-run", stdout=_Collect(output))

    assert not Project.objects.exists()
    assert "1 would be created" in "".join(output)


@pytest.mark.django_db
def test_the_command_exits_2_for_a_file_that_is_not_a_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_bytes(b"<html></html>")

    with pytest.raises(CommandError) as failure:
        call_command("import-ppsr", str(path))

    assert failure.value.returncode == 2


class _Collect:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        """Nothing to flush: the lines are kept in memory."""


# --- Staff pages ------------------------------------------------------------------------


def _upload(client: Any, content: bytes, origin: str = "elsewhere") -> Any:
    return client.post(
        "/staff/ppsr-import/",
        {"catalogue": SimpleUploadedFile("catalogue.json", content), "origin": origin},
    )


@pytest.mark.django_db
def test_staff_preview_an_upload_then_confirm_the_import(
    client: Any, staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, catalogue(record("a"), record("b", projectName="")))
    preview = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/ppsr-import/{preview.pk}/"
    assert not Project.objects.exists()

    page = client.get(response["Location"]).content.decode()
    assert "1 would become new projects" in page
    assert "The record has no projectName." in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/ppsr-import/{preview.pk}/confirm/")
    imported = Job.objects.exclude(pk=preview.pk).get()
    assert response["Location"] == f"/staff/ppsr-import/{imported.pk}/"
    assert imported.status == Job.Status.SUCCEEDED
    assert Project.objects.get().external_id == "a"
    assert not default_storage.exists(imported.arguments["file_name"])
    assert "1 became new projects" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_preview_cannot_be_imported_twice(
    client: Any, staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, catalogue(record("a")))
    preview = Job.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/ppsr-import/{preview.pk}/confirm/")

    response = client.post(f"/staff/ppsr-import/{preview.pk}/confirm/", follow=True)

    assert "imported already" in response.content.decode()
    assert Job.objects.count() == 2


@pytest.mark.django_db
def test_an_upload_that_is_not_a_catalogue_is_refused_on_the_form(client: Any, staff: Any) -> None:
    client.force_login(staff)

    response = _upload(client, b"{not json")

    assert response.status_code == 200
    assert "The file is not JSON" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "trainer"])
def test_the_import_pages_are_not_found_for_anyone_but_staff(
    client: Any, make_user: Any, staff: Any, who: str, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, catalogue(record("a")))
    preview = Job.objects.get()
    client.logout()
    if who != "anonymous":
        client.force_login(make_user(site_role=who))

    assert client.get("/staff/ppsr-import/").status_code == 404
    assert _upload(client, catalogue(record("b"))).status_code == 404
    assert client.get(f"/staff/ppsr-import/{preview.pk}/").status_code == 404
    assert client.post(f"/staff/ppsr-import/{preview.pk}/confirm/").status_code == 404
    assert Job.objects.count() == 1
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_project_created_meanwhile_by_another_import_is_updated_not_duplicated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(catalogue(record("a")))
    lookup = ppsr_import._imported_project
    calls: list[str] = []

    def miss_the_first_time(origin: str, external_id: str) -> Any:
        calls.append(external_id)
        return None if len(calls) == 1 else lookup(origin, external_id)

    monkeypatch.setattr(ppsr_import, "_imported_project", miss_the_first_time)

    report = run(catalogue(record("a", projectName="Renamed")))

    assert (report.created, report.updated, report.failed) == (0, 1, [])
    assert list(Project.objects.values_list("name", flat=True)) == ["Renamed"]


@pytest.mark.django_db
def test_a_queued_preview_shows_its_progress_and_htmx_polls_only_the_status(
    client: Any, staff: Any
) -> None:
    client.force_login(staff)
    _upload(client, catalogue(record("a")))
    preview = Job.objects.get()

    page = client.get(f"/staff/ppsr-import/{preview.pk}/").content.decode()
    partial = client.get(f"/staff/ppsr-import/{preview.pk}/", HTTP_HX_REQUEST="true")

    assert preview.status == Job.Status.QUEUED
    assert "Waiting for a worker" in page
    assert "Refresh to see the progress" in page
    assert "<html" not in partial.content.decode()
    assert f'hx-get="/staff/ppsr-import/{preview.pk}/"' in partial.content.decode()
