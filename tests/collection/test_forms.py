"""Publishing XLSForms: conversion, row-by-row errors, versions, permissions and the CLI."""

import csv
import hashlib
import io
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from cslab.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from cslab.core.models import AuditEvent, Job
from cslab.core.roles import ProjectRole
from cslab.core.services.jobs import job_run
from cslab.forms.models import Form, FormVersion
from cslab.forms.services import (
    form_publish_rows_start,
    form_publish_upload_start,
    form_publish_xlsform,
)
from cslab.observations import selectors
from cslab.projects.models import Project
from tests.conftest import skip_or_fail
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

EN = "label::English (en)"
NL = "label::Nederlands (nl)"
SURVEY_COLUMNS = [
    "type",
    "name",
    EN,
    NL,
    "hint::English (en)",
    "hint::Nederlands (nl)",
    "required",
    "constraint",
    "constraint_message::English (en)",
    "relevant",
    "default",
    "calculation",
    "parameters",
    "repeat_count",
]
# A row: type, name, English label, Dutch label, then any other column by name.
SURVEY: list[dict[str, str]] = [
    {
        "type": "text",
        "name": "observer",
        EN: "Your name",
        NL: "Uw naam",
        "required": "yes",
        "hint::English (en)": "As you want it shown",
        "hint::Nederlands (nl)": "Zoals getoond",
    },
    {"type": "date", "name": "seen_on", EN: "Date", NL: "Datum", "default": "today()"},
    {"type": "geopoint", "name": "location", EN: "Location", NL: "Locatie"},
    {"type": "select_one species", "name": "species", EN: "Species", NL: "Soort"},
    {
        "type": "text",
        "name": "other_species",
        EN: "Which species?",
        NL: "Welke soort?",
        "relevant": "${species} = 'other'",
    },
    {
        "type": "integer",
        "name": "count",
        EN: "How many?",
        NL: "Hoeveel?",
        "required": "yes",
        "constraint": ". > 0 and . < 1000",
        "constraint_message::English (en)": "Between 1 and 999",
    },
    {"type": "decimal", "name": "temperature", EN: "Temperature (°C)", NL: "Temperatuur (°C)"},
    {"type": "select_multiple behaviour", "name": "behaviour", EN: "Behaviour", NL: "Gedrag"},
    {
        "type": "range",
        "name": "cloud",
        EN: "Cloud cover",
        NL: "Bewolking",
        "parameters": "start=0 end=8 step=1",
    },
    {"type": "image", "name": "photo", EN: "Photo", NL: "Foto"},
    {"type": "calculate", "name": "double_count", "calculation": "${count} * 2"},
    {"type": "note", "name": "thanks", EN: "Thank you!", NL: "Dank u!"},
    {"type": "begin_group", "name": "site", EN: "The site", NL: "De plek"},
    {"type": "text", "name": "habitat", EN: "Habitat", NL: "Leefgebied"},
    {"type": "end_group", "name": ""},
    {"type": "begin_repeat", "name": "nests", EN: "Nests", NL: "Nesten"},
    {"type": "integer", "name": "eggs", EN: "Eggs", NL: "Eieren"},
    {"type": "end_repeat", "name": ""},
]
CHOICES: list[dict[str, str]] = [
    {"list_name": "species", "name": "robin", EN: "Robin", NL: "Roodborst"},
    {"list_name": "species", "name": "other", EN: "Other", NL: "Andere"},
    {"list_name": "behaviour", "name": "feeding", EN: "Feeding", NL: "Eten"},
    {"list_name": "behaviour", "name": "singing", EN: "Singing", NL: "Zingen"},
]
CHOICE_COLUMNS = ["list_name", "name", EN, NL]
SETTINGS_COLUMNS = ["form_id", "form_title", "version", "default_language"]


def settings_row(version: str = "1", form_id: str = "bird_count") -> dict[str, str]:
    return {
        "form_id": form_id,
        "form_title": "Bird count",
        "version": version,
        "default_language": "English (en)",
    }


def xlsx(
    survey: Sequence[dict[str, str]] = SURVEY,
    choices: Sequence[dict[str, str]] | None = CHOICES,
    settings: dict[str, str] | None = None,
) -> bytes:
    """Write an XLSForm workbook with openpyxl; return its bytes."""
    workbook = openpyxl.Workbook()
    sheets: list[tuple[str, list[str], Sequence[dict[str, str]]]] = [
        ("survey", SURVEY_COLUMNS, survey)
    ]
    if choices is not None:
        sheets.append(("choices", CHOICE_COLUMNS, choices))
    sheets.append(("settings", SETTINGS_COLUMNS, [settings or settings_row()]))
    workbook.remove(workbook.active)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) or None for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_form(version: str = "1") -> bytes:
    """The same kind of form as pyxform's CSV layout: each sheet's name, then its table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["survey", "type", "name", "label", "required"])
    writer.writerow(["", "text", "place", "Place", "yes"])
    writer.writerow(["", "select_one noise", "noise", "How loud?", ""])
    writer.writerow(["choices", "list_name", "name", "label"])
    writer.writerow(["", "noise", "quiet", "Quiet"])
    writer.writerow(["", "noise", "loud", "Loud"])
    writer.writerow(["settings", "form_id", "form_title", "version"])
    writer.writerow(["", "noise_log", "Noise log", version])
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def project(db: Any) -> Project:
    """An approved, active, private project: only its team and Lab staff may see it."""
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def owner(project: Project) -> Any:
    return project.initiator


def on_team(project: Project, person: Any, role: str) -> Any:
    MembershipFactory(project=project, user=person, role=role)
    project.__dict__.pop("_role_cache", None)
    return person


def test_a_full_xlsform_converts_and_is_stored_with_its_md5_and_languages(
    owner: Any, project: Project
) -> None:
    version = form_publish_xlsform(
        actor=owner, project=project, file_name="birds.xlsx", content=xlsx()
    )

    version.refresh_from_db()
    assert (version.form.form_id, version.form.title, version.version) == (
        "bird_count",
        "Bird count",
        "1",
    )
    assert version.form.project == project and version.published_at is not None
    assert version.md5 == hashlib.md5(version.xform.encode("utf-8")).hexdigest()  # noqa: S324
    assert version.languages == ["English (en)", "Nederlands (nl)"]
    xform = version.xform
    for expected in (
        'id="bird_count"',
        'version="1"',
        'type="int"',
        'type="decimal"',
        'type="date"',
        'type="geopoint"',
        'mediatype="image/*"',
        "<select1 ",
        "<select ",
        "<range ",
        'required="true()"',
        "jr:constraintMsg=",
        "relevant=",
        'calculate=" /data/count  * 2"',
        "jr:template",
        "Roodborst",
        'lang="Nederlands (nl)"',
        "Zoals getoond",
        "today()",
    ):
        assert expected in xform, expected
    # The stored rows are the XLSForm's and convert again to the same form.
    assert [row["name"] for row in version.source["survey"][:2]] == ["observer", "seen_on"]
    assert {row["list_name"] for row in version.source["choices"]} == {"species", "behaviour"}
    assert version.source["settings"][0]["form_id"] == "bird_count"
    assert AuditEvent.objects.filter(action="form.published", actor=owner).count() == 1


def test_a_csv_xlsform_converts(owner: Any, project: Project) -> None:
    version = form_publish_xlsform(
        actor=owner, project=project, file_name="noise.csv", content=csv_form()
    )

    assert (version.form.form_id, version.version) == ("noise_log", "1")
    assert "Loud" in version.xform


def test_a_broken_form_reports_every_bad_row_and_stores_nothing(
    owner: Any, project: Project
) -> None:
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "colour_picker", "name": "colour", EN: "Colour"},
        {"type": "select_one trees", "name": "tree", EN: "Tree"},
    ]

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(
            actor=owner, project=project, file_name="bad.xlsx", content=xlsx(survey=survey)
        )

    problems = raised.value.details
    assert raised.value.code == "invalid_xlsform"
    assert [(problem["sheet"], problem["row"]) for problem in problems] == [
        ("survey", 3),
        ("survey", 4),
    ]
    assert "colour_picker" in problems[0]["message"]
    assert "trees" in problems[1]["message"]
    assert not Form.objects.exists() and not FormVersion.objects.exists()


def test_pyxform_errors_keep_their_row_number(owner: Any, project: Project) -> None:
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "text", "name": "observer", EN: "Name again"},
    ]

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(
            actor=owner, project=project, file_name="bad.xlsx", content=xlsx(survey=survey)
        )

    [problem] = raised.value.details
    assert (problem["sheet"], problem["row"]) == ("survey", 3)
    assert not problem["message"].startswith("[row")


def test_a_file_that_is_not_an_xlsform_is_refused_in_words(owner: Any, project: Project) -> None:
    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(actor=owner, project=project, file_name="x.pdf", content=b"%PDF")

    assert "xlsx" in raised.value.details[0]["message"]


def test_a_second_version_is_added_and_the_first_is_unchanged(owner: Any, project: Project) -> None:
    first = form_publish_xlsform(
        actor=owner, project=project, file_name="birds.xlsx", content=xlsx()
    )
    before = (first.xform, first.md5, first.source, first.published_at)
    survey = [*SURVEY, {"type": "text", "name": "weather", EN: "Weather", NL: "Weer"}]

    second = form_publish_xlsform(
        actor=owner,
        project=project,
        file_name="birds-2.xlsx",
        content=xlsx(survey=survey, settings=settings_row(version="2")),
    )

    first.refresh_from_db()
    assert (first.xform, first.md5, first.source, first.published_at) == before
    assert second.form_id == first.form_id and second.md5 != first.md5
    assert "weather" in second.xform and "weather" not in first.xform
    assert list(Form.objects.values_list("form_id", flat=True)) == ["bird_count"]
    assert list(second.form.versions.values_list("version", flat=True)) == ["1", "2"]


def test_publishing_the_same_version_twice_is_a_conflict(owner: Any, project: Project) -> None:
    form_publish_xlsform(actor=owner, project=project, file_name="birds.xlsx", content=xlsx())

    with pytest.raises(ConflictError) as raised:
        form_publish_xlsform(actor=owner, project=project, file_name="birds.xlsx", content=xlsx())

    assert raised.value.code == "duplicate_form_version"
    assert FormVersion.objects.count() == 1


def test_a_volunteer_outside_the_team_cannot_find_the_project(
    project: Project, volunteer: Any
) -> None:
    with pytest.raises(NotFoundError):
        form_publish_xlsform(
            actor=volunteer, project=project, file_name="birds.xlsx", content=xlsx()
        )
    assert not FormVersion.objects.exists()


@pytest.mark.parametrize("role", [ProjectRole.MEMBER, ProjectRole.MODERATOR])
def test_team_members_who_do_not_lead_may_not_publish(
    project: Project, make_user: Any, role: str
) -> None:
    member = on_team(project, make_user(), role)

    with pytest.raises(PermissionDeniedError):
        form_publish_xlsform(actor=member, project=project, file_name="b.xlsx", content=xlsx())
    assert not FormVersion.objects.exists()


def test_researchers_and_lab_staff_may_publish(
    project: Project, make_user: Any, staff: Any
) -> None:
    researcher = on_team(project, make_user(), ProjectRole.RESEARCHER)

    form_publish_xlsform(actor=researcher, project=project, file_name="b.xlsx", content=xlsx())
    form_publish_xlsform(
        actor=staff,
        project=project,
        file_name="b.xlsx",
        content=xlsx(settings=settings_row(version="2")),
    )

    assert FormVersion.objects.count() == 2


def test_forms_are_listed_for_those_who_may_see_the_project(
    owner: Any, project: Project, volunteer: Any, make_user: Any
) -> None:
    form_publish_xlsform(actor=owner, project=project, file_name="birds.xlsx", content=xlsx())
    member = on_team(project, make_user(), ProjectRole.MEMBER)

    [form] = selectors.form_list_for_project(user=member, project=project)
    assert form.version_count == 1  # type: ignore[attr-defined]
    latest = selectors.form_version_get_latest(user=member, form=form)
    assert latest.version == "1"
    with pytest.raises(NotFoundError):
        selectors.form_list_for_project(user=volunteer, project=project)


def test_the_command_publishes_and_prints_the_form_id_and_version(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "birds.xlsx"
    path.write_bytes(xlsx())
    out = io.StringIO()

    call_command("form", "upload", project.slug, str(path), stdout=out)

    assert out.getvalue().strip() == "bird_count 1"
    assert FormVersion.objects.get().form.project == project


def test_the_command_prints_the_bad_rows_and_exits_with_status_1(
    project: Project, tmp_path: Path
) -> None:
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "colour_picker", "name": "colour", EN: "Colour"},
        {"type": "select_one trees", "name": "tree", EN: "Tree"},
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(survey=survey))

    with pytest.raises(CommandError) as raised:
        call_command("form", "upload", project.slug, str(path), stdout=io.StringIO())

    assert raised.value.returncode == 1
    lines = str(raised.value).splitlines()
    assert lines[1].startswith("Sheet “survey”, row 3:") and "colour_picker" in lines[1]
    assert lines[2].startswith("Sheet “survey”, row 4:") and "trees" in lines[2]
    assert not FormVersion.objects.exists()


def test_odk_validate_rejects_a_bad_constraint_and_names_its_row(
    owner: Any, project: Project, settings: Any
) -> None:
    settings.XLSFORM_ODK_VALIDATE = True
    if shutil.which("java") is None:
        skip_or_fail("ODK Validate needs Java")
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "integer", "name": "count", EN: "Count", "constraint": ". > > 0"},
    ]

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(
            actor=owner, project=project, file_name="bad.xlsx", content=xlsx(survey=survey)
        )

    [problem] = raised.value.details
    assert (problem["sheet"], problem["row"]) == ("survey", 3)
    assert "ODK Validate" in problem["message"] and "constraint" in problem["message"]
    assert not FormVersion.objects.exists()


# --- limits: anyone who starts a project may publish, so a form is hostile input ---------------


def refuse_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make pyxform's reader fail the test if it is reached: the limit must come first."""

    def read(**_kwargs: Any) -> Any:
        raise AssertionError("pyxform read a file over the limits")

    monkeypatch.setattr("cslab.forms.xlsform.get_xlsform", read)


def xlsx_with_rows(rows: int) -> bytes:
    """A bare .xlsx whose survey sheet has `rows` rows, written directly: openpyxl would take
    minutes for the 200,000 rows of the attack, the zip takes milliseconds and 1 MB."""
    sheet_rows = "".join(
        f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>text</t></is></c></row>'
        for number in range(1, rows + 1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types"/>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>'
        '<sheet name="survey" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{relationships}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData>{sheet_rows}'
        "</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_file_over_the_byte_limit_is_refused_by_its_size_naming_the_limit(
    owner: Any, project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_MAX_BYTES = 1024
    refuse_reading(monkeypatch)

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(actor=owner, project=project, file_name="big.xlsx", content=xlsx())

    [problem] = raised.value.details
    assert "an XLSForm may be at most 1.0 KB" in problem["message"]
    assert not FormVersion.objects.exists()


def test_the_attack_of_200000_rows_is_refused_before_pyxform_reads_it(
    owner: Any, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_reading(monkeypatch)

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(
            actor=owner, project=project, file_name="huge.xlsx", content=xlsx_with_rows(200_000)
        )

    [problem] = raised.value.details
    assert problem["sheet"] == "survey"
    assert "more than 10000 rows" in problem["message"]


@pytest.mark.parametrize("file_name", ["many.xlsx", "many.csv"])
def test_a_sheet_over_the_row_limit_is_refused_naming_the_limit(
    owner: Any, project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch, file_name: str
) -> None:
    settings.XLSFORM_MAX_ROWS = 20
    survey = [{"type": "text", "name": f"q{number}", EN: f"Q{number}"} for number in range(21)]
    if file_name.endswith(".csv"):
        content = b"survey,type,name,label\n" + b"".join(
            f",text,q{number},Q{number}\n".encode() for number in range(21)
        )
    else:
        content = xlsx(survey=survey)
    refuse_reading(monkeypatch)

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(actor=owner, project=project, file_name=file_name, content=content)

    [problem] = raised.value.details
    assert "more than 20 rows" in problem["message"]
    assert problem["sheet"] == ("survey" if file_name.endswith(".xlsx") else None)


def test_a_sheet_at_the_row_limit_is_published(owner: Any, project: Project, settings: Any) -> None:
    settings.XLSFORM_MAX_ROWS = len(SURVEY)

    version = form_publish_xlsform(
        actor=owner, project=project, file_name="birds.xlsx", content=xlsx()
    )

    assert version.version == "1"


def test_an_expression_over_the_length_limit_is_refused_naming_row_column_and_limit(
    owner: Any, project: Project, settings: Any
) -> None:
    settings.XLSFORM_MAX_EXPRESSION_LENGTH = 100
    long_rule = " or ".join(f". = {number}" for number in range(30))
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "integer", "name": "count", EN: "Count", "constraint": long_rule},
    ]

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(
            actor=owner, project=project, file_name="long.xlsx", content=xlsx(survey=survey)
        )

    [problem] = raised.value.details
    assert (problem["sheet"], problem["row"]) == ("survey", 3)
    assert (
        "“constraint”" in problem["message"] and "longer than 100 characters" in problem["message"]
    )


def test_600_nested_brackets_are_refused_at_publishing_with_a_clear_message(
    owner: Any, project: Project
) -> None:
    survey = [
        {"type": "integer", "name": "count", EN: "Count"},
        {
            "type": "text",
            "name": "note",
            EN: "Note",
            "relevant": "(" * 600 + "${count} > 0" + ")" * 600,
        },
    ]

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(
            actor=owner, project=project, file_name="deep.xlsx", content=xlsx(survey=survey)
        )

    [problem] = raised.value.details
    assert (problem["sheet"], problem["row"]) == ("survey", 3)
    assert "nested more than 100 levels deep" in problem["message"]
    assert not FormVersion.objects.exists()


def test_a_regex_that_could_backtrack_without_end_in_a_browser_is_refused_at_publishing(
    owner: Any, project: Project
) -> None:
    survey = [
        {"type": "text", "name": "code", EN: "Code", "constraint": "regex(., '(a+)+$')"},
        {
            "type": "text",
            "name": "postcode",
            EN: "Postcode",
            "constraint": "regex(., '^[0-9]{4} ?[A-Z]{2}$')",
        },
    ]

    with pytest.raises(InvalidInputError) as raised:
        form_publish_xlsform(
            actor=owner, project=project, file_name="regex.xlsx", content=xlsx(survey=survey)
        )

    [problem] = raised.value.details
    assert (problem["sheet"], problem["row"]) == ("survey", 2)
    assert "(a+)+$" in problem["message"] and "nested repetition" in problem["message"]


# --- large forms: converted by a background job, not in the web request -----------------------


def refuse_converting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make pyxform's conversion fail the test if it is reached: it belongs in the job."""

    def convert(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the form was converted in the request")

    monkeypatch.setattr("cslab.forms.xlsform.convert_workbook", convert)


def test_a_form_over_the_inline_threshold_is_published_by_a_job_not_in_the_request(
    owner: Any, project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 5
    with monkeypatch.context() as patched:
        refuse_converting(patched)
        job = form_publish_upload_start(
            actor=owner, project=project, file_name="birds.xlsx", content=xlsx()
        )

    assert isinstance(job, Job) and job.status == Job.Status.QUEUED
    assert job.started_by == owner and not FormVersion.objects.exists()
    finished = job_run(job_id=job.pk)

    assert finished is not None and finished.status == Job.Status.SUCCEEDED
    version = FormVersion.objects.get()
    assert finished.result == {
        "published": True,
        "project": project.slug,
        "form_id": "bird_count",
        "version": "1",
        "md5": version.md5,
        "url": f"/projects/{project.slug}/forms/",
    }
    assert version.created_by == owner and version.source_file_name == "birds.xlsx"


def test_a_form_within_the_inline_threshold_is_published_at_once(
    owner: Any, project: Project
) -> None:
    version = form_publish_upload_start(
        actor=owner, project=project, file_name="birds.xlsx", content=xlsx()
    )

    assert isinstance(version, FormVersion) and version.version == "1"
    assert not Job.objects.exists()


def test_every_form_is_published_by_a_job_when_odk_validate_runs(
    owner: Any, project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_ODK_VALIDATE = True
    refuse_converting(monkeypatch)

    job = form_publish_rows_start(
        actor=owner,
        project=project,
        workbook={"survey": SURVEY[:1], "settings": [settings_row()]},
    )

    assert isinstance(job, Job) and job.kind == "collection.form_publish"


def test_the_job_lists_the_problems_of_a_bad_large_form_row_by_row(
    owner: Any, project: Project, settings: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 2
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "colour_picker", "name": "colour", EN: "Colour"},
        {"type": "select_one trees", "name": "tree", EN: "Tree"},
    ]
    job = form_publish_upload_start(
        actor=owner, project=project, file_name="bad.xlsx", content=xlsx(survey=survey)
    )
    assert isinstance(job, Job)

    finished = job_run(job_id=job.pk)

    assert finished is not None and finished.status == Job.Status.SUCCEEDED
    result = finished.result
    assert result["published"] is False
    assert (result["status"], result["code"]) == (400, "invalid_xlsform")
    assert result["detail"] == "The XLSForm has problems; nothing was published."
    assert [(problem["sheet"], problem["row"]) for problem in result["errors"]] == [
        ("survey", 3),
        ("survey", 4),
    ]
    assert "colour_picker" in result["errors"][0]["message"]
    assert finished.message == "Not published: the form has problems"
    assert not FormVersion.objects.exists()


def test_a_large_form_over_the_limits_is_still_refused_in_the_request(
    owner: Any, project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 5
    refuse_reading(monkeypatch)

    with pytest.raises(InvalidInputError):
        form_publish_upload_start(
            actor=owner, project=project, file_name="huge.xlsx", content=xlsx_with_rows(200_000)
        )

    assert not Job.objects.exists()


def test_a_job_delivered_twice_publishes_one_version(
    owner: Any, project: Project, settings: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 1
    workbook = {
        "survey": [{"type": "text", "name": "observer", "label": "Name"}] * 1
        + [{"type": "integer", "name": "count", "label": "Count"}]
    }
    job = form_publish_rows_start(actor=owner, project=project, workbook=workbook)
    assert isinstance(job, Job)

    first = job_run(job_id=job.pk)
    second = job_run(job_id=job.pk)

    assert first is not None and first.result["published"] is True
    assert second is None
    # Without a version in its settings the form got the time of the request as its version.
    assert FormVersion.objects.get().version == job.arguments["default_version"]


def test_publishing_the_same_large_form_twice_publishes_it_once(
    owner: Any, project: Project, settings: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 5
    jobs = [
        form_publish_upload_start(
            actor=owner, project=project, file_name="birds.xlsx", content=xlsx()
        )
        for _ in range(2)
    ]

    results = [job_run(job_id=job.pk).result for job in jobs]  # type: ignore[union-attr]

    assert results[0]["published"] is True
    assert results[1]["published"] is False
    assert (results[1]["status"], results[1]["code"]) == (409, "duplicate_form_version")
    assert FormVersion.objects.count() == 1


def test_the_kept_upload_is_deleted_once_the_job_has_run(
    owner: Any, project: Project, settings: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 5
    job = form_publish_upload_start(
        actor=owner, project=project, file_name="birds.xlsx", content=xlsx()
    )
    assert isinstance(job, Job)
    stored = job.arguments["stored_file"]
    assert default_storage.exists(stored)

    job_run(job_id=job.pk)

    assert not default_storage.exists(stored)


def test_the_command_publishes_a_large_form_in_its_own_process_without_a_job(
    project: Project, tmp_path: Path, settings: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 5
    path = tmp_path / "birds.xlsx"
    path.write_bytes(xlsx())
    out = io.StringIO()

    call_command("form", "upload", project.slug, str(path), stdout=out)

    assert out.getvalue().strip() == "bird_count 1"
    assert FormVersion.objects.count() == 1 and not Job.objects.exists()
