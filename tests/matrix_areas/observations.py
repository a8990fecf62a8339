"""Matrix rows of reading, moderating and configuring observations (collection area).

`build` adds an observation by `world.other_user` (the owner of both projects) to the private
team project's `matrix_form` and to a form of the public project, and a sensitive category on
the team project.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import SensitiveCategory
from cslab.observations.services.observations import observation_submit
from cslab.openrosa.services.app_users import app_user_create
from tests.permission_matrix import APP_USER, Row, World, every, signed_in, team_and_staff

PUBLIC_FORM = (
    "survey,type,name,label\n"
    ",integer,count,Count\n"
    ",geopoint,where,Where\n"
    "settings,form_id,form_title,version\n"
    ",matrix_public_form,Matrix public,1\n"
)


def build(world: World) -> None:
    team_version = world.team_project.forms.get(form_id="matrix_form").versions.get()
    world.extra["team_observation"], _created = observation_submit(
        actor=world.other_user,
        form_version=team_version,
        instance_id="uuid:matrix-observation-team",
        answers={"count": 2},
    )
    public_version = form_publish_xlsform(
        actor=None,
        project=world.public_project,
        file_name="public.csv",
        content=PUBLIC_FORM.encode(),
    )
    world.extra["public_observation"], _created = observation_submit(
        actor=world.other_user,
        form_version=public_version,
        instance_id="uuid:matrix-observation-public",
        answers={"count": 5, "where": "52.1 5.1"},
        geoprivacy="obscured",
    )
    SensitiveCategory.objects.create(project=world.team_project, question="nest_site", values=[])
    world.extra["editing_phone"] = app_user_create(
        actor=None, project=world.team_project, name="Matrix editing phone"
    )


def _team(tail: str = "") -> Any:
    return lambda w: f"/api/v1/projects/{w.team_project.slug}/{tail}"


def _public(tail: str = "") -> Any:
    return lambda w: f"/api/v1/projects/{w.public_project.slug}/{tail}"


def _team_observation(tail: str = "") -> Any:
    return lambda w: (
        f"/api/v1/projects/{w.team_project.slug}/observations/"
        f"{w.extra['team_observation'].pk}{tail}"
    )


def _public_observation(tail: str = "") -> Any:
    return lambda w: (
        f"/api/v1/projects/{w.public_project.slug}/observations/"
        f"{w.extra['public_observation'].pk}{tail}"
    )


# Writes for the project's moderators/leads (members and viewers 403); outsiders of the
# private project get 404, anonymous visitors 401 (the routes need a signed-in person).
MODERATORS = team_and_staff(200, 404, anonymous=401, member=403, viewer=403)
LEADS = team_and_staff(200, 404, anonymous=401, moderator=403, member=403, viewer=403)
# On the public project nobody but its owner is on the team: only staff get through.
STAFF_ON_PUBLIC = every(403, anonymous=401, staff=200, superuser=200)

# Editing someone else's observation (rule "observation.edit"): the project's owners and
# researchers and Lab staff; other team members 403 (they may submit, not edit this one);
# outsiders of the private project 404, anonymous visitors 401.
EDITORS = team_and_staff(201, 404, anonymous=401, moderator=403, member=403, viewer=403)
SUBMISSIONS = "/api/v1/projects/{slug}/forms/{form_id}/submissions"
OPENROSA = {"X-OpenRosa-Version": "1.0"}


def _edit_xml(world: World) -> dict[str, Any]:
    xml = (
        b'<data id="matrix_form" version="1"><count>7</count><meta>'
        b"<instanceID>uuid:matrix-openrosa-edit</instanceID>"
        b"<deprecatedID>uuid:matrix-observation-team</deprecatedID></meta></data>"
    )
    return {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")}


LIST = "/api/v1/projects/{slug}/observations"
GEOJSON = "/api/v1/projects/{slug}/observations.geojson"
ONE = "/api/v1/projects/{slug}/observations/{observation_id}"
SETTINGS = "/api/v1/projects/{slug}/collection-settings"
CATEGORIES = "/api/v1/projects/{slug}/sensitive-categories"
CATEGORY = "/api/v1/projects/{slug}/sensitive-categories/{question}"

# fmt: off
ROWS: list[Row] = [
    Row("edit someone's observation in a private project", "POST",
        _team("forms/matrix_form/submissions"), EDITORS,
        body={"instance_id": "uuid:matrix-edit", "version": "1", "answers": {"count": 7},
              "deprecated_id": "uuid:matrix-observation-team"},
        route=SUBMISSIONS),
    Row("edit someone's observation through OpenRosa", "POST",
        # The app user sends it through its own key URL: an app user edits nothing (403).
        lambda w: f"/openrosa/{w.team_project.slug}/submission", EDITORS | {APP_USER: 403},
        api=False,
        body=_edit_xml, multipart=True, headers=OPENROSA, route="openrosa_submission"),
    Row("edit someone's observation from an app user's phone", "POST",
        lambda w: (f"/openrosa/key/{w.extra['editing_phone'].token}/"
                   f"{w.team_project.slug}/submission"),
        every(403), api=False, body=_edit_xml, multipart=True, headers=OPENROSA,
        route="openrosa_key_submission"),
    Row("observations of a private project", "GET", _team("observations"),
        team_and_staff(200, 404), route=LIST),
    Row("observations of a public project", "GET", _public("observations"), every(200),
        route=LIST),
    Row("observations of a public project with a bad filter", "GET",
        _public("observations?bbox=1,2"), every(400), route=LIST),
    Row("observations of a private project as GeoJSON", "GET", _team("observations.geojson"),
        team_and_staff(200, 404), route=GEOJSON),
    Row("observations of a public project as GeoJSON", "GET", _public("observations.geojson"),
        every(200), route=GEOJSON),
    Row("an observation of a private project", "GET", _team_observation(),
        team_and_staff(200, 404), route=ONE),
    Row("an observation of a public project", "GET", _public_observation(), every(200),
        route=ONE),
    Row("the versions of an observation of a private project", "GET",
        _team_observation("/history"), team_and_staff(200, 404), route=f"{ONE}/history"),
    Row("the versions of an observation of a public project", "GET",
        _public_observation("/history"), every(200), route=f"{ONE}/history"),
    Row("change the geoprivacy of someone's observation in a private project", "PUT",
        _team_observation("/geoprivacy"), MODERATORS, body={"geoprivacy": "private"},
        route=f"{ONE}/geoprivacy"),
    Row("change the geoprivacy of someone's observation in a public project", "PUT",
        _public_observation("/geoprivacy"), STAFF_ON_PUBLIC, body={"geoprivacy": "private"},
        route=f"{ONE}/geoprivacy"),
    Row("flag an observation of a private project", "POST", _team_observation("/flag"),
        team_and_staff(201, 404, anonymous=401), body={"reason": "Odd."},
        route=f"{ONE}/flag"),
    Row("flag an observation of a public project", "POST", _public_observation("/flag"),
        signed_in(201, 401), body={"reason": "Odd."}, route=f"{ONE}/flag"),
    Row("moderate an observation of a private project", "POST",
        _team_observation("/moderate"), MODERATORS, body={"status": "accepted"},
        route=f"{ONE}/moderate"),
    Row("moderate an observation of a public project", "POST",
        _public_observation("/moderate"), STAFF_ON_PUBLIC, body={"status": "accepted"},
        route=f"{ONE}/moderate"),
    Row("moderation queue of a private project", "GET", _team("moderation-queue"), MODERATORS,
        route="/api/v1/projects/{slug}/moderation-queue"),
    Row("moderation queue of a public project", "GET", _public("moderation-queue"),
        STAFF_ON_PUBLIC, route="/api/v1/projects/{slug}/moderation-queue"),
    Row("my observations", "GET", lambda w: "/api/v1/me/observations", signed_in(200, 401),
        route="/api/v1/me/observations"),
    Row("collection settings of a private project", "GET", _team("collection-settings"),
        team_and_staff(200, 404), route=SETTINGS),
    Row("collection settings of a public project", "GET", _public("collection-settings"),
        every(200), route=SETTINGS),
    Row("change the collection settings of a private project", "PUT",
        _team("collection-settings"), LEADS, body={"default_geoprivacy": "obscured"},
        route=SETTINGS),
    Row("change the collection settings of a public project", "PUT",
        _public("collection-settings"), STAFF_ON_PUBLIC, body={"accept_without_review": True},
        route=SETTINGS),
    Row("sensitive categories of a private project", "GET", _team("sensitive-categories"),
        team_and_staff(200, 404, anonymous=401), route=CATEGORIES),
    Row("sensitive categories of a public project", "GET", _public("sensitive-categories"),
        STAFF_ON_PUBLIC, route=CATEGORIES),
    Row("mark answers sensitive in a private project", "PUT",
        _team("sensitive-categories/count"), LEADS, body={"values": ["9"]}, route=CATEGORY),
    Row("mark answers sensitive in a public project", "PUT",
        _public("sensitive-categories/count"), STAFF_ON_PUBLIC, body={"values": []},
        route=CATEGORY),
    Row("remove a sensitive category of a private project", "DELETE",
        _team("sensitive-categories/nest_site"),
        team_and_staff(204, 404, anonymous=401, moderator=403, member=403, viewer=403),
        route=CATEGORY),
]
# fmt: on
