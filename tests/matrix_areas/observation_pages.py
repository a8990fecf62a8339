"""Matrix rows of the observation pages (map, table, one observation, moderation, collection
settings, my contributions) and of the map-layer API."""

from typing import Any

from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.observations.models import SensitiveCategory
from cslab.observations.services.observations import observation_submit
from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    MEMBER,
    MODERATOR,
    OWNER,
    RESEARCHER,
    STAFF,
    SUPERUSER,
    TRAINER,
    VIEWER,
    VOLUNTEER,
    Row,
    World,
    every,
    signed_in,
    team_and_staff,
)


def build(world: World) -> None:
    """A pending observation in the private team project and one in the public project, both
    by the projects' owner; a sensitive category on the team project."""
    team_form = world.team_project.forms.get(form_id="matrix_form")
    team_version = team_form.versions.get(version="1")
    world.extra["team_observation"], _ = observation_submit(
        actor=world.other_user,
        form_version=team_version,
        instance_id="uuid:matrix-page-1",
        answers={"count": 2},
    )
    public_version = form_publish_xlsform(
        actor=None,
        project=world.public_project,
        file_name="public_matrix_form.xlsx",
        content=workbook_bytes(
            {
                "survey": [{"type": "integer", "name": "count", "label": "Count"}],
                "settings": [
                    {"form_id": "public_matrix_form", "form_title": "Bees", "version": "1"}
                ],
            }
        ),
    )
    world.extra["public_observation"], _ = observation_submit(
        actor=world.other_user,
        form_version=public_version,
        instance_id="uuid:matrix-page-2",
        answers={"count": 5},
    )
    SensitiveCategory.objects.create(project=world.team_project, question="count", values=[])


def _team(w: World, tail: str = "") -> str:
    return f"/projects/{w.team_project.slug}/{tail}"


def _public(w: World, tail: str = "") -> str:
    return f"/projects/{w.public_project.slug}/{tail}"


def _team_observation(w: World, tail: str = "") -> str:
    return _team(w, f"observations/{w.extra['team_observation'].pk}/{tail}")


def _public_observation(w: World, tail: str = "") -> str:
    return _public(w, f"observations/{w.extra['public_observation'].pk}/{tail}")


def on_private_project(leads: int, moderators: int, others_on_team: int) -> dict[str, int]:
    """A private project: leads (owner, researcher, staff), then moderators, then the rest of
    the team; everyone else does not know the project exists (404)."""
    return {
        ANONYMOUS: 404,
        VOLUNTEER: 404,
        TRAINER: 404,
        STAFF: leads,
        SUPERUSER: leads,
        OWNER: leads,
        RESEARCHER: leads,
        MODERATOR: moderators,
        MEMBER: others_on_team,
        VIEWER: others_on_team,
    }


def on_public_project(staff: int, others: int) -> dict[str, int]:
    """A public project nobody of the matrix is on the team of: staff, then signed-in others;
    a visitor is asked to log in."""
    return signed_in(others, LOGIN_REDIRECT, staff=staff, superuser=staff)


MAP_API = "/api/v1/projects/{slug}/observations/map"

# fmt: off
ROWS: list[Row] = [
    # --- map layer API ---
    Row("map layer of a private project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/observations/map?zoom=3",
        team_and_staff(200, 404), route=MAP_API),
    Row("map layer of a public project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/observations/map?zoom=15"
                  "&bbox=4,50,6,53",
        every(200), route=MAP_API),
    Row("map layer of a draft project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.draft_project.slug}/observations/map",
        team_and_staff(200, 404), route=MAP_API),
    # --- table and map pages ---
    Row("observation table of a private project", "GET", lambda w: _team(w, "observations/"),
        team_and_staff(200, 404), api=False, route="observation_table"),
    Row("observation table of a public project", "GET", lambda w: _public(w, "observations/"),
        every(200), api=False, route="observation_table"),
    Row("observation map of a private project", "GET", lambda w: _team(w, "observations/map/"),
        team_and_staff(200, 404), api=False, route="observation_map"),
    Row("observation map of a public project", "GET", lambda w: _public(w, "observations/map/"),
        every(200), api=False, route="observation_map"),
    Row("photo gallery of a private project", "GET", lambda w: _team(w, "observations/photos/"),
        team_and_staff(200, 404), api=False, route="observation_gallery"),
    Row("photo gallery of a public project", "GET", lambda w: _public(w, "observations/photos/"),
        every(200), api=False, route="observation_gallery"),
    # --- one observation ---
    Row("an observation of a private project", "GET", lambda w: _team_observation(w),
        team_and_staff(200, 404), api=False, route="observation_detail"),
    Row("an observation of a public project", "GET", lambda w: _public_observation(w),
        every(200), api=False, route="observation_detail"),
    Row("flag an observation of a private project", "POST",
        lambda w: _team_observation(w, "flag/"), team_and_staff(302, 404),
        body={"reason": "Looks wrong."}, api=False, route="observation_flag"),
    Row("flag an observation of a public project", "POST",
        lambda w: _public_observation(w, "flag/"), every(302),
        body={"reason": "Looks wrong."}, api=False, route="observation_flag"),
    Row("moderate an observation of a private project", "POST",
        lambda w: _team_observation(w, "moderate/"), on_private_project(302, 302, 403),
        body={"status": "accepted"}, api=False, route="observation_moderate"),
    Row("moderate an observation of a public project", "POST",
        lambda w: _public_observation(w, "moderate/"), on_public_project(302, 403),
        body={"status": "accepted"}, api=False, route="observation_moderate"),
    # --- moderation queue ---
    Row("moderation queue of a private project", "GET", lambda w: _team(w, "moderation/"),
        on_private_project(200, 200, 403), api=False, route="moderation_queue"),
    Row("moderation queue of a public project", "GET", lambda w: _public(w, "moderation/"),
        on_public_project(200, 403), api=False, route="moderation_queue"),
    Row("approve observations of a private project at once", "POST",
        lambda w: _team(w, "moderation/bulk/"), on_private_project(302, 302, 403),
        body={"status": "accepted", "observation": "1"}, api=False, route="moderation_bulk"),
    Row("approve observations of a public project at once", "POST",
        lambda w: _public(w, "moderation/bulk/"), on_public_project(302, 403),
        body={"status": "accepted", "observation": "1"}, api=False, route="moderation_bulk"),
    # --- collection settings ---
    Row("collection settings of a private project", "GET",
        lambda w: _team(w, "collection-settings/"), on_private_project(200, 403, 403),
        api=False, route="collection_settings"),
    Row("collection settings of a public project", "GET",
        lambda w: _public(w, "collection-settings/"), on_public_project(200, 403),
        api=False, route="collection_settings"),
    Row("change the collection settings of a private project", "POST",
        lambda w: _team(w, "collection-settings/"), on_private_project(302, 403, 403),
        body={"default_geoprivacy": "obscured"}, api=False, route="collection_settings"),
    Row("mark a sensitive category of a private project", "POST",
        lambda w: _team(w, "collection-settings/sensitive/"),
        on_private_project(302, 403, 403), body={"question": "count", "values": "3"},
        api=False, route="sensitive_category_set"),
    Row("mark a sensitive category of a public project", "POST",
        lambda w: _public(w, "collection-settings/sensitive/"), on_public_project(302, 403),
        body={"question": "count", "values": ""}, api=False, route="sensitive_category_set"),
    Row("remove a sensitive category of a private project", "POST",
        lambda w: _team(w, "collection-settings/sensitive/remove/"),
        on_private_project(302, 403, 403), body={"question": "count"}, api=False,
        route="sensitive_category_remove"),
    # --- my contributions ---
    Row("my contributions", "GET", lambda w: "/accounts/me/observations/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="my_contributions"),
]
# fmt: on

__all__: list[Any] = ["ROWS", "build"]
