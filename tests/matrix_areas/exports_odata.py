"""Matrix rows of issue 16 (the OData feed and the ODK Central subset under /v1/).

Every route needs a signed-in caller, as Central does: anonymous callers get 401. The matrix
signs roles in with the browser session, which these routes accept besides bearer tokens and
HTTP Basic. A project the caller may not see is 404, as everywhere. `POST /v1/sessions` takes
JSON e-mail and password: the matrix sends none, so everyone gets 401.
"""

from tests.permission_matrix import ANONYMOUS, Row, every, signed_in, team_and_staff

TEAM_READS = team_and_staff(200, 404, **{ANONYMOUS: 401})


def _form(suffix: str):  # type: ignore[no-untyped-def]
    return lambda w: f"/v1/projects/{w.team_project.pk}/forms/matrix_form{suffix}"


# fmt: off
ROWS: list[Row] = [
    Row("Central log-in without credentials", "POST", lambda w: "/v1/sessions", every(401),
        api=False, route="central_sessions"),
    Row("Central: who am I", "GET", lambda w: "/v1/users/current", signed_in(200, 401),
        api=False, route="central_current_user"),
    Row("Central: projects", "GET", lambda w: "/v1/projects", signed_in(200, 401), api=False,
        route="central_projects"),
    Row("Central: a public project", "GET", lambda w: f"/v1/projects/{w.public_project.pk}",
        signed_in(200, 401), api=False, route="central_project"),
    Row("Central: a private project", "GET", lambda w: f"/v1/projects/{w.team_project.pk}",
        TEAM_READS, api=False, route="central_project"),
    Row("Central: forms of a private project", "GET",
        lambda w: f"/v1/projects/{w.team_project.pk}/forms", TEAM_READS, api=False,
        route="central_forms"),
    Row("Central: a form of a private project", "GET", _form(""), TEAM_READS, api=False,
        route="central_form"),
    Row("Central: submissions of a private project", "GET", _form("/submissions"), TEAM_READS,
        api=False, route="central_submissions"),
    Row("OData service document of a private project", "GET", _form(".svc"), TEAM_READS,
        api=False, route="central_odata_service"),
    Row("OData metadata of a private project", "GET", _form(".svc/$metadata"), TEAM_READS,
        api=False, route="central_odata_metadata"),
    Row("OData submissions of a private project", "GET", _form(".svc/Submissions"), TEAM_READS,
        api=False, route="central_odata_entities"),
    Row("OData submissions with a bad $filter", "GET",
        _form(".svc/Submissions?$filter=count%20gt%201"),
        team_and_staff(400, 404, **{ANONYMOUS: 401}), api=False, route="central_odata_entities"),
]
# fmt: on
