"""Matrix rows of the web form: the form page, the offline page and the service worker.

`build` publishes a form on the public project (`webform_matrix`); the team project's
`matrix_form` is shared by the whole matrix.
"""

from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    STAFF,
    SUPERUSER,
    Row,
    World,
    every,
    team_and_staff,
)


def build(world: World) -> None:
    form_publish_xlsform(
        actor=None,
        project=world.public_project,
        file_name="webform_matrix.xlsx",
        content=workbook_bytes(
            {
                "survey": [{"type": "integer", "name": "count", "label": "Count"}],
                "settings": [
                    {"form_id": "webform_matrix", "form_title": "Web form", "version": "1"}
                ],
            }
        ),
    )


def _submitters_of_a_public_project() -> dict[str, int]:
    """Only Lab staff may submit to a public project whose team they are not on (it takes
    members on approval); signed-out visitors are asked to log in."""
    expectation = every(403)
    expectation.update({STAFF: 200, SUPERUSER: 200, ANONYMOUS: LOGIN_REDIRECT})
    return expectation


ROWS: list[Row] = [
    Row(
        "fill in a private project's form",
        "GET",
        lambda w: f"/projects/{w.team_project.slug}/forms/matrix_form/fill/",
        team_and_staff(200, 404),
        api=False,
        route="webform_fill",
    ),
    Row(
        "fill in a public project's form",
        "GET",
        lambda w: f"/projects/{w.public_project.slug}/forms/webform_matrix/fill/",
        _submitters_of_a_public_project(),
        api=False,
        route="webform_fill",
    ),
    Row(
        "the web form's offline page",
        "GET",
        lambda w: "/collect/offline/",
        every(200),
        api=False,
        route="webform_offline",
    ),
    Row(
        "the web form's service worker",
        "GET",
        lambda w: "/collect-sw.js",
        every(200),
        api=False,
        route="webform_service_worker",
    ),
]
