"""The OpenRosa endpoints through Django's test client: headers, statuses, documents."""

import hashlib
from typing import Any

import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cslab.forms.models import FormVersion
from cslab.media.models import Media
from cslab.observations.models import Observation
from cslab.openrosa.models import AppUser, AppUserSubmission
from cslab.openrosa.services.app_users import app_user_revoke
from cslab.projects.models import Project
from tests.factories import UserFactory
from tests.openrosa.conftest import jpeg, publish, submission_xml

pytestmark = pytest.mark.django_db

FORM_LIST = "{http://openrosa.org/xforms/xformsList}"
RESPONSE = "{http://openrosa.org/http/response}"
OPENROSA = {"X-OpenRosa-Version": "1.0"}


def key_url(app_user: AppUser, tail: str) -> str:
    return f"/openrosa/key/{app_user.token}/{app_user.project.slug}/{tail}"


def assert_openrosa_headers(response: Any) -> None:
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Date"].endswith("GMT")


def message_of(response: Any) -> tuple[str, str]:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{RESPONSE}OpenRosaResponse"
    message = root.find(f"{RESPONSE}message")
    assert message is not None
    return message.get("nature") or "", message.text or ""


def post_submission(client: Client, url: str, xml: bytes, **files: bytes) -> Any:
    body: dict[str, Any] = {
        "xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")
    }
    for name, content in files.items():
        body[name] = SimpleUploadedFile(name, content, "image/jpeg")
    return client.post(url, body, headers=OPENROSA)


def test_form_list_lists_published_forms_with_the_md5_of_the_served_bytes(
    client: Client, app_user: AppUser, version: FormVersion
) -> None:
    response = client.get(key_url(app_user, "formList"), {"deviceID": "collect:1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert_openrosa_headers(response)
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{FORM_LIST}xforms"
    (xform,) = root.findall(f"{FORM_LIST}xform")
    values = {child.tag.removeprefix(FORM_LIST): child.text for child in xform}
    assert values["formID"] == "birds" and values["name"] == "Birds" and values["version"] == "3"
    assert "manifestUrl" not in values  # the form has no media files
    download = client.get(values["downloadUrl"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert_openrosa_headers(download)
    assert values["hash"] == "md5:" + hashlib.md5(download.content).hexdigest()  # noqa: S324
    assert download.content == version.xform.encode()


def test_form_list_keeps_only_the_form_asked_for(
    client: Client, app_user: AppUser, version: FormVersion
) -> None:
    wanted = client.get(key_url(app_user, "formList"), {"formID": "birds"})
    other = client.get(key_url(app_user, "formList"), {"formID": "bats"})

    assert len(ElementTree.fromstring(wanted.content)) == 1
    assert len(ElementTree.fromstring(other.content)) == 0


def test_form_download_serves_the_latest_published_version(
    client: Client, app_user: AppUser, project: Project
) -> None:
    newer = publish(project, {**SURVEY_V4})

    response = client.get(key_url(app_user, "forms/birds.xml"))
    listed = client.get(key_url(app_user, "formList"))

    assert response.content == newer.xform.encode()
    assert b"<version>4</version>" in listed.content


SURVEY_V4: dict[str, Any] = {
    "survey": [{"type": "text", "name": "site", "label": "Site"}],
    "settings": [{"form_id": "birds", "form_title": "Birds", "version": "4"}],
}


def test_manifest_is_an_openrosa_document(client: Client, app_user: AppUser) -> None:
    response = client.get(key_url(app_user, "forms/birds/manifest"))

    assert response.status_code == 200
    assert_openrosa_headers(response)
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://openrosa.org/xforms/xformsManifest}manifest"


def test_head_submission_answers_204_with_the_accepted_length_not_200(
    client: Client, app_user: AppUser
) -> None:
    response = client.head(key_url(app_user, "submission") + "?deviceID=collect:1")

    assert response.status_code == 204
    assert_openrosa_headers(response)
    assert response["X-OpenRosa-Accept-Content-Length"] == "10000000"


def test_a_submission_is_stored_once_and_a_retry_answers_201_again(
    client: Client, app_user: AppUser
) -> None:
    xml = submission_xml(instance_id="uuid:one")

    first = post_submission(client, key_url(app_user, "submission"), xml)
    again = post_submission(client, key_url(app_user, "submission"), xml)

    assert (first.status_code, again.status_code) == (201, 201)
    assert_openrosa_headers(first)
    assert message_of(first)[0] == "submit_success"
    observation = Observation.objects.get()
    assert observation.instance_id == "uuid:one" and observation.observer is None
    assert observation.answers == {
        "site": "Pond",
        "count": 3,
        "behaviour": "feeding singing",
        "sighting": [{"kind": "robin"}, {"kind": "wren"}],
        "location": "52.0907 5.1214 3.0 8.5",
    }
    assert (observation.latitude, observation.longitude) == (52.0907, 5.1214)
    assert AppUserSubmission.objects.get().app_user == app_user


def test_different_content_under_a_stored_instance_id_is_409_and_changes_nothing(
    client: Client, app_user: AppUser
) -> None:
    post_submission(client, key_url(app_user, "submission"), submission_xml(instance_id="uuid:1"))

    response = post_submission(
        client, key_url(app_user, "submission"), submission_xml(instance_id="uuid:1", count=9)
    )

    assert response.status_code == 409
    assert_openrosa_headers(response)
    assert message_of(response)[0] == "error"
    assert Observation.objects.get().answers["count"] == 3


def test_a_deprecated_id_records_an_edit(client: Client, app_user: AppUser) -> None:
    post_submission(client, key_url(app_user, "submission"), submission_xml(instance_id="uuid:a"))

    response = post_submission(
        client,
        key_url(app_user, "submission"),
        submission_xml(instance_id="uuid:b", count=4, deprecated_id="uuid:a"),
    )

    assert response.status_code == 201
    edit = Observation.objects.get(instance_id="uuid:b")
    assert edit.deprecates is not None and edit.deprecates.instance_id == "uuid:a"


@pytest.mark.parametrize(
    ("xml", "status"),
    [
        (b"<data id='birds'><site>unclosed</data>", 400),
        (b"<!DOCTYPE data [<!ENTITY e 'x'>]><data id='birds'>&e;</data>", 400),
        (submission_xml(form_id="bats"), 400),
        (submission_xml(version="99"), 400),
        (b"<data id='birds' version='3'><site>Pond</site></data>", 400),  # no instanceID
    ],
)
def test_bad_submissions_answer_400_with_an_openrosa_message(
    client: Client, app_user: AppUser, xml: bytes, status: int
) -> None:
    response = post_submission(client, key_url(app_user, "submission"), xml)

    assert response.status_code == status
    assert_openrosa_headers(response)
    assert message_of(response)[0] == "error"
    assert not Observation.objects.exists()


def test_a_post_without_the_xml_part_is_400(client: Client, app_user: AppUser) -> None:
    response = client.post(key_url(app_user, "submission"), {"other": "x"})

    assert response.status_code == 400
    assert_openrosa_headers(response)


def test_get_on_the_submission_url_is_405_with_openrosa_headers(
    client: Client, app_user: AppUser
) -> None:
    response = client.get(key_url(app_user, "submission"))

    assert response.status_code == 405
    assert_openrosa_headers(response)


def test_a_too_large_submission_is_413(
    client: Client, app_user: AppUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cslab.openrosa.views.ACCEPT_CONTENT_LENGTH", 2000)

    response = post_submission(
        client,
        key_url(app_user, "submission"),
        submission_xml(photo="a.jpg"),
        **{"a.jpg": b"x" * 5000},
    )

    assert response.status_code == 413
    assert_openrosa_headers(response)
    assert message_of(response)[0] == "error"
    assert not Observation.objects.exists()


def test_a_revoked_app_user_url_answers_404(client: Client, app_user: AppUser) -> None:
    app_user_revoke(actor=app_user.project.initiator, app_user=app_user)

    listed = client.get(key_url(app_user, "formList"))
    sent = post_submission(client, key_url(app_user, "submission"), submission_xml())

    assert (listed.status_code, sent.status_code) == (404, 404)
    assert_openrosa_headers(listed)
    assert not Observation.objects.exists()


def test_an_app_user_url_works_for_its_own_project_only(client: Client, app_user: AppUser) -> None:
    other = publish_other_project()

    response = client.get(f"/openrosa/key/{app_user.token}/{other.slug}/formList")
    wrong_token = client.get(f"/openrosa/key/{app_user.token}x/{app_user.project.slug}/formList")

    assert (response.status_code, wrong_token.status_code) == (404, 404)


def publish_other_project() -> Project:
    from tests.projects.factories import ProjectFactory

    other: Project = ProjectFactory(status=Project.Status.ACTIVE)
    publish(other)
    return other


def test_anonymous_requests_get_a_digest_challenge_with_openrosa_headers(
    client: Client, version: FormVersion, project: Project
) -> None:
    for response in (
        client.get(f"/openrosa/{project.slug}/formList"),
        client.head(f"/openrosa/{project.slug}/submission"),
        client.post(f"/openrosa/{project.slug}/submission", {}),
    ):
        assert response.status_code == 401
        assert_openrosa_headers(response)
        challenge = response["WWW-Authenticate"]
        assert challenge.startswith("Digest ") and 'qop="auth"' in challenge


def test_a_hidden_project_is_404_for_a_signed_in_outsider(
    client: Client, version: FormVersion, project: Project
) -> None:
    client.force_login(UserFactory())

    response = client.get(f"/openrosa/{project.slug}/formList")

    assert response.status_code == 404
    assert_openrosa_headers(response)


def test_a_team_member_submits_through_the_session_and_is_the_observer(
    client: Client, version: FormVersion, project: Project, member: Any
) -> None:
    client.force_login(member)

    response = post_submission(client, f"/openrosa/{project.slug}/submission", submission_xml())

    assert response.status_code == 201
    assert Observation.objects.get().observer == member


def test_a_session_post_without_the_openrosa_header_is_refused(
    client: Client, version: FormVersion, project: Project, member: Any
) -> None:
    """A cross-site form cannot set the header; it cannot submit in someone's name."""
    client.force_login(member)

    response = client.post(
        f"/openrosa/{project.slug}/submission",
        {"xml_submission_file": SimpleUploadedFile("s.xml", submission_xml(), "text/xml")},
    )

    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_attachments_are_stored_and_a_retry_adds_the_missing_one(
    client: Client, app_user: AppUser
) -> None:
    xml = submission_xml(photo="1.jpg", second_photo="2.jpg")

    first = post_submission(client, key_url(app_user, "submission"), xml, **{"1.jpg": jpeg()})
    retry = post_submission(
        client, key_url(app_user, "submission"), xml, **{"1.jpg": jpeg(), "2.jpg": jpeg("blue")}
    )

    assert (first.status_code, retry.status_code) == (201, 201)
    assert Observation.objects.count() == 1
    assert sorted(Media.objects.values_list("name", flat=True)) == ["1.jpg", "2.jpg"]


def test_parts_the_answers_do_not_name_are_ignored(client: Client, app_user: AppUser) -> None:
    response = post_submission(
        client, key_url(app_user, "submission"), submission_xml(), **{"stray.jpg": jpeg()}
    )

    assert response.status_code == 201
    assert not Media.objects.exists()


def test_a_refused_attachment_is_an_openrosa_error(client: Client, app_user: AppUser) -> None:
    xml = submission_xml(photo="evil.svg")

    response = post_submission(
        client, key_url(app_user, "submission"), xml, **{"evil.svg": b"<svg onload='x'/>"}
    )

    assert response.status_code in (400, 413)
    assert message_of(response)[0] == "error"
    assert not Media.objects.exists()
