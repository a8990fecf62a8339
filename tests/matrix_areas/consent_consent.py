"""Matrix rows of issue 14 item 3 (part "consent"): the consent page, withdrawal, the team's
versions, the ethics board's CSV, consent for an app user, and the consent API.

`build` adds a public project of its own with a published consent version (the shared
projects must keep asking no consent, or every other area's contribution rows would change),
and on `team_project` an unpublished draft and an app user for the team's pages. Nobody in the
matrix has consented, so withdrawing sends the signed-in back to the consent page (302) and the
API answers 409 `consent_not_given`.
"""

from typing import Any

from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.services.projects import project_create
from tests.consent.factories import make_consent_version
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
    consent_project = project_create(
        actor=None,
        owner=world.other_user,
        name="Consent bird count",
        status="active",
        visibility="public",
    )
    make_consent_version(consent_project, minimum_age=None)
    world.extra["consent-project"] = consent_project
    make_consent_version(world.team_project, published=False)
    world.extra["consent-app-user"] = app_user_create(
        actor=world.other_user, project=world.team_project, name="Matrix phone"
    )


def _public(tail: str = "") -> Any:
    return lambda w: f"/projects/{w.extra['consent-project'].slug}/consent/{tail}"


def _team(tail: str = "") -> Any:
    return lambda w: f"/projects/{w.team_project.slug}/consent/{tail}"


def _app_user_page(w: World) -> str:
    return f"/projects/{w.team_project.slug}/consent/app-users/{w.extra['consent-app-user'].pk}/"


def _api(project: str, tail: str = "") -> Any:
    def url(w: World) -> str:
        slug = w.extra["consent-project"].slug if project == "public" else w.team_project.slug
        return f"/api/v1/projects/{slug}/consent{tail}"

    return url


def _managers(status: int) -> dict[str, int]:
    """Owners, researchers and staff get `status`; the rest of the team 403; those who may not
    see the private project 404; anonymous visitors are sent to log in."""
    return {
        OWNER: status,
        RESEARCHER: status,
        STAFF: status,
        SUPERUSER: status,
        MODERATOR: 403,
        MEMBER: 403,
        VIEWER: 403,
        VOLUNTEER: 404,
        TRAINER: 404,
        ANONYMOUS: LOGIN_REDIRECT,
    }


DRAFT = {
    "action": "save",
    "version-text_en": "You take part in the water study.",
    "version-text_nl": "",
    "version-ethics_approval_reference": "ERB-9",
    "version-data_licence": "CC-BY-4.0",
    "version-withdrawal_options": "anonymise_or_delete",
    "version-minimum_age": "",
}

# fmt: off
ROWS: list[Row] = [
    Row("read a project's consent text", "GET", _public(), every(200), api=False,
        route="project_consent"),
    Row("consent on the page", "POST", _public(), every(302), api=False,
        route="project_consent", body={"action": "give", "version": "1"}),
    Row("withdraw page without consent", "GET", _public("withdraw/"), every(302), api=False,
        route="project_consent_withdraw"),
    Row("withdraw without consent", "POST", _public("withdraw/"), every(302), api=False,
        route="project_consent_withdraw", body={"choice": "anonymise"}),
    Row("consent versions", "GET", _team("versions/"), _managers(200), api=False,
        route="project_consent_versions"),
    Row("start or open the draft", "POST", _team("versions/"), _managers(302), api=False,
        route="project_consent_versions"),
    Row("a consent version", "GET", _team("versions/1/"), _managers(200), api=False,
        route="project_consent_version"),
    Row("save the draft", "POST", _team("versions/1/"), _managers(302), api=False,
        route="project_consent_version", body=DRAFT),
    Row("publish the draft", "POST", _team("versions/1/"), _managers(302), api=False,
        route="project_consent_version", body={"action": "publish", "confirm": "yes"}),
    Row("consent records CSV", "GET", _team("records.csv"), _managers(200), api=False,
        route="project_consent_records_csv"),
    Row("app user consent page", "GET", _app_user_page, _managers(200), api=False,
        route="app_user_consent"),
    Row("record an app user's consent", "POST", _app_user_page, _managers(200), api=False,
        route="app_user_consent", body={"version": "1"}),
    Row("API: a public project's consent", "GET", _api("public"), every(200),
        route="/api/v1/projects/{slug}/consent"),
    Row("API: a private project's consent", "GET", _api("team"), team_and_staff(200, 404),
        route="/api/v1/projects/{slug}/consent"),
    Row("API: consent", "POST", _api("public"), signed_in(201, 401),
        route="/api/v1/projects/{slug}/consent", body={"version": 1, "language": "en"}),
    Row("API: withdraw without consent", "POST", _api("public", "/withdraw"), signed_in(409, 401),
        route="/api/v1/projects/{slug}/consent/withdraw", body={"choice": "anonymise"}),
    Row("API: my consents", "GET", lambda w: "/api/v1/me/consents", signed_in(200, 401),
        route="/api/v1/me/consents"),
]
# fmt: on
