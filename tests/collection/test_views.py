"""The forms page of a project: the list for whoever may see the project, the upload for leads."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.core.models import Job
from cslab.core.roles import ProjectRole
from cslab.core.services.jobs import job_run
from cslab.forms.models import FormVersion
from cslab.forms.services import form_publish_xlsform
from cslab.projects.models import Project
from tests.collection.test_forms import EN, on_team, settings_row, xlsx
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


def url(project: Project) -> str:
    return f"/projects/{project.slug}/forms/"


def upload(content: bytes, name: str = "birds.xlsx") -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, content)}


def test_the_owner_sees_the_forms_and_the_upload(client: Any, project: Project) -> None:
    form_publish_xlsform(
        actor=project.initiator, project=project, file_name="b.xlsx", content=xlsx()
    )
    client.force_login(project.initiator)

    page = client.get(url(project))

    assert page.status_code == 200
    html = page.content.decode()
    assert "bird_count" in html and "Bird count" in html
    assert 'enctype="multipart/form-data"' in html


def test_a_member_sees_the_forms_without_the_upload(
    client: Any, project: Project, make_user: Any
) -> None:
    client.force_login(on_team(project, make_user(), ProjectRole.MEMBER))

    page = client.get(url(project))

    assert page.status_code == 200
    assert "multipart/form-data" not in page.content.decode()


def test_a_member_may_not_upload(client: Any, project: Project, make_user: Any) -> None:
    client.force_login(on_team(project, make_user(), ProjectRole.MEMBER))

    assert client.post(url(project), upload(xlsx())).status_code == 403
    assert not FormVersion.objects.exists()


def test_a_private_project_s_forms_are_hidden_from_outsiders(
    client: Any, project: Project, volunteer: Any
) -> None:
    assert client.get(url(project)).status_code == 404
    client.force_login(volunteer)
    assert client.get(url(project)).status_code == 404
    assert client.post(url(project), upload(xlsx())).status_code == 404


def test_an_anonymous_upload_to_a_public_project_asks_to_sign_in(client: Any) -> None:
    project = ProjectFactory(public=True)

    assert client.get(url(project)).status_code == 200
    response = client.post(url(project), upload(xlsx()))

    assert response.status_code == 302 and "login" in response["Location"]
    assert not FormVersion.objects.exists()


def test_the_owner_publishes_an_xlsform(client: Any, project: Project) -> None:
    client.force_login(project.initiator)

    response = client.post(url(project), upload(xlsx()), follow=True)

    assert response.redirect_chain[-1] == (url(project), 302)
    assert "Published version 1 of “Bird count”." in response.content.decode()
    assert FormVersion.objects.get().form.project == project


def test_a_bad_xlsform_is_shown_row_by_row(client: Any, project: Project) -> None:
    client.force_login(project.initiator)
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "colour_picker", "name": "colour", EN: "Colour"},
    ]

    response = client.post(url(project), upload(xlsx(survey=survey)))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Sheet “survey”, row 3:" in html and "colour_picker" in html
    assert not FormVersion.objects.exists()


def test_the_same_version_twice_is_refused_on_the_page(client: Any, project: Project) -> None:
    client.force_login(project.initiator)
    client.post(url(project), upload(xlsx(settings=settings_row(version="7"))))

    response = client.post(url(project), upload(xlsx(settings=settings_row(version="7"))))

    assert response.status_code == 409
    assert "already published" in response.content.decode()
    assert FormVersion.objects.count() == 1


def test_a_file_over_the_byte_limit_is_refused_on_the_page_by_its_size(
    client: Any, project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_MAX_BYTES = 1024
    client.force_login(project.initiator)

    def publish(**_kwargs: Any) -> Any:
        raise AssertionError("the upload was read and handed on")

    monkeypatch.setattr("cslab.forms.views.pages.form_publish_upload_start", publish)
    response = client.post(url(project), upload(xlsx()))

    assert response.status_code == 400
    assert "an XLSForm may be at most 1.0 KB" in response.content.decode()
    assert not FormVersion.objects.exists()


def test_a_large_upload_goes_to_its_job_page_which_links_to_the_forms_when_done(
    client: Any, project: Project, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 5
    client.force_login(project.initiator)

    def convert(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the form was converted in the request")

    with monkeypatch.context() as patched:
        patched.setattr("cslab.forms.xlsform.convert_workbook", convert)
        response = client.post(url(project), upload(xlsx()))

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert not FormVersion.objects.exists()
    waiting = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in waiting
    job_run(job_id=job.pk)
    done = client.get(response["Location"]).content.decode()
    assert f'href="{url(project)}"' in done
    assert FormVersion.objects.get().form.project == project


def test_the_job_page_of_a_bad_large_upload_shows_the_problems_row_by_row(
    client: Any, project: Project, settings: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 1
    client.force_login(project.initiator)
    survey = [
        {"type": "text", "name": "observer", EN: "Name"},
        {"type": "colour_picker", "name": "colour", EN: "Colour"},
    ]
    response = client.post(url(project), upload(xlsx(survey=survey)))
    job_run(job_id=Job.objects.get().pk)

    html = client.get(response["Location"]).content.decode()

    assert "The XLSForm has problems; nothing was published." in html
    assert "Sheet “survey”, row 3:" in html and "colour_picker" in html
    assert not FormVersion.objects.exists()


def test_only_whoever_uploaded_sees_the_publishing_job(
    client: Any, project: Project, settings: Any, make_user: Any
) -> None:
    settings.XLSFORM_INLINE_MAX_ROWS = 5
    researcher = on_team(project, make_user(), ProjectRole.RESEARCHER)
    client.force_login(project.initiator)
    job_page = client.post(url(project), upload(xlsx()))["Location"]
    job_run(job_id=Job.objects.get().pk)

    client.force_login(researcher)

    assert client.get(job_page).status_code == 404
    assert client.get(f"{job_page}result.json").status_code == 404
