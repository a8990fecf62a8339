"""Matrix rows of the OpenRosa server (ODK Collect, Enketo) and of app users.

Expected statuses, decided here:
- `/openrosa/<slug>/…` (session or Digest): anonymous visitors get 401 with a Digest challenge
  (the matrix client sends no credentials); signed-in people who may not see the project get
  404; those who see it read forms (200) and, when "observation.submit" grants it, HEAD the
  submission URL (204) and submit (201); otherwise 403.
- `/openrosa/key/<token>/<slug>/…` (app user): the token alone decides, whatever session the
  browser has: every role gets the app user's answers; an unknown or revoked token is 404.
- Creating and revoking app users (HTML POSTs): the project's owners, researchers and Lab staff
  are sent back to the project page (302); other team members 403; people who may not see the
  project 404.
- Device passwords (each person's own, for Digest): every signed-in person lists, creates and
  revokes their own (API: browser session only); someone else's is 404 for everyone, staff
  and superusers included; anonymous visitors get 401 (API) or the log-in page.
"""

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.openrosa.services.app_users import app_user_create
from cslab.openrosa.services.device_passwords import device_password_create
from tests.permission_matrix import (
    ANONYMOUS,
    APP_USER,
    LOGIN_REDIRECT,
    MODERATOR,
    Row,
    World,
    every,
    leads_and_staff,
    signed_in,
    team_and_staff,
)

OPENROSA = {"X-OpenRosa-Version": "1.0"}


def build(world: World) -> None:
    world.extra["app_user"] = app_user_create(
        actor=None, project=world.team_project, name="Matrix phone"
    )
    world.extra["other_device_password"] = device_password_create(
        actor=world.other_user, name="Their phone"
    )[0]


def _own_device_password(world: World) -> str:
    """The revoke URL of a device password of the viewer (made now; anonymous: any id)."""
    if world.viewer is None:
        return "/api/v1/me/device-passwords/1"
    created, _secret = device_password_create(
        actor=world.viewer, name=f"Matrix phone {uuid.uuid4()}"
    )
    return f"/api/v1/me/device-passwords/{created.pk}"


def _submission(world: World) -> dict[str, Any]:
    xml = (
        b'<data id="matrix_form" version="1"><count>3</count>'
        b"<meta><instanceID>uuid:matrix-openrosa</instanceID></meta></data>"
    )
    return {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")}


def _team(tail: str) -> Any:
    return lambda w: f"/openrosa/{w.team_project.slug}/{tail}"


def _public(tail: str) -> Any:
    return lambda w: f"/openrosa/{w.public_project.slug}/{tail}"


def _key(tail: str) -> Any:
    return lambda w: f"/openrosa/key/{w.extra['app_user'].token}/{w.team_project.slug}/{tail}"


def _public_readers(status: int) -> dict[str, int]:
    return every(status, **{ANONYMOUS: 401})


def _leads_manage() -> dict[str, int]:
    expectation = leads_and_staff(302, 404, 404)
    expectation.update({MODERATOR: 403, "member": 403, "viewer": 403})
    return expectation


# fmt: off
ROWS: list[Row] = [
    # --- Session or Digest URL, private project ---
    # The app user (of this project) asks through its key URL, as ODK Collect does.
    Row("OpenRosa formList of a private project", "GET", _team("formList"),
        team_and_staff(200, 404, anonymous=401, app_user=200), api=False,
        route="openrosa_form_list"),
    Row("OpenRosa form download of a private project", "GET", _team("forms/matrix_form.xml"),
        team_and_staff(200, 404, anonymous=401, app_user=200), api=False,
        route="openrosa_form_download"),
    Row("OpenRosa manifest of a private project's form", "GET",
        _team("forms/matrix_form/manifest"),
        team_and_staff(200, 404, anonymous=401, app_user=200), api=False,
        route="openrosa_form_manifest"),
    Row("OpenRosa HEAD submission to a private project", "HEAD", _team("submission"),
        team_and_staff(204, 404, anonymous=401, app_user=204), api=False,
        route="openrosa_submission"),
    Row("OpenRosa submission to a private project", "POST", _team("submission"),
        team_and_staff(201, 404, anonymous=401, app_user=201), api=False, body=_submission,
        multipart=True, headers=OPENROSA, route="openrosa_submission"),
    # --- Session or Digest URL, public project (no forms; only staff may submit) ---
    # The app user's key is for the private project only: 404 here.
    Row("OpenRosa formList of a public project", "GET", _public("formList"),
        _public_readers(200) | {APP_USER: 404}, api=False, route="openrosa_form_list"),
    Row("OpenRosa download of a form a public project lacks", "GET",
        _public("forms/matrix_form.xml"), _public_readers(404) | {APP_USER: 404}, api=False,
        route="openrosa_form_download"),
    Row("OpenRosa HEAD submission to a public project", "HEAD", _public("submission"),
        every(403, anonymous=401, staff=204, superuser=204, app_user=404), api=False,
        route="openrosa_submission"),
    # --- App user URL ---
    Row("OpenRosa formList through an app user URL", "GET", _key("formList"), every(200),
        api=False, route="openrosa_key_form_list"),
    Row("OpenRosa form download through an app user URL", "GET", _key("forms/matrix_form.xml"),
        every(200), api=False, route="openrosa_key_form_download"),
    Row("OpenRosa manifest through an app user URL", "GET", _key("forms/matrix_form/manifest"),
        every(200), api=False, route="openrosa_key_form_manifest"),
    Row("OpenRosa HEAD submission through an app user URL", "HEAD", _key("submission"),
        every(204), api=False, route="openrosa_key_submission"),
    Row("OpenRosa submission through an app user URL", "POST", _key("submission"), every(201),
        api=False, body=_submission, multipart=True, headers=OPENROSA,
        route="openrosa_key_submission"),
    Row("OpenRosa formList through an unknown app user token", "GET",
        lambda w: f"/openrosa/key/no-such-token/{w.team_project.slug}/formList", every(404),
        api=False, route="openrosa_key_form_list"),
    Row("OpenRosa app user URL for another project", "GET",
        lambda w: f"/openrosa/key/{w.extra['app_user'].token}/{w.public_project.slug}/formList",
        every(404), api=False, route="openrosa_key_form_list"),
    # --- App users: create and revoke (project leads) ---
    Row("create an app user", "POST",
        lambda w: f"/openrosa/{w.team_project.slug}/app-users/", _leads_manage(), api=False,
        body={"name": "Matrix tablet"}, route="openrosa_app_user_create"),
    Row("revoke an app user", "POST",
        lambda w: f"/openrosa/{w.team_project.slug}/app-users/{w.extra['app_user'].pk}/revoke",
        _leads_manage(), api=False, route="openrosa_app_user_revoke"),
    Row("create an app user with a GET", "GET",
        lambda w: f"/openrosa/{w.team_project.slug}/app-users/", every(405), api=False,
        route="openrosa_app_user_create"),
    # --- Device passwords (each person's own) ---
    Row("my device passwords", "GET", lambda w: "/api/v1/me/device-passwords",
        signed_in(200, 401), route="/api/v1/me/device-passwords"),
    Row("create a device password", "POST", lambda w: "/api/v1/me/device-passwords",
        signed_in(201, 401), body={"name": "Matrix tablet"}, route="/api/v1/me/device-passwords"),
    Row("revoke my own device password", "DELETE", _own_device_password, signed_in(204, 401),
        route="/api/v1/me/device-passwords/{device_password_id}"),
    Row("revoke someone else's device password", "DELETE",
        lambda w: f"/api/v1/me/device-passwords/{w.extra['other_device_password'].pk}",
        signed_in(404, 401), route="/api/v1/me/device-passwords/{device_password_id}"),
    Row("device passwords page", "GET", lambda w: "/accounts/me/device-passwords/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="device_passwords"),
    Row("create a device password (page)", "POST", lambda w: "/accounts/me/device-passwords/",
        signed_in(200, LOGIN_REDIRECT), api=False, body={"name": "Matrix tablet"},
        route="device_passwords"),
    Row("revoke someone else's device password (page)", "POST",
        lambda w: f"/accounts/me/device-passwords/{w.extra['other_device_password'].pk}/revoke/",
        signed_in(404, LOGIN_REDIRECT), api=False, route="device_password_revoke"),
]
# fmt: on
