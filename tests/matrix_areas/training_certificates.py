"""Matrix rows of certificates and role requirements (issue 13 items 7 and 8).

`build` adds a published module with a certificate held by `other_user` (so the show/hide
route answers 404 to every viewer: none of them holds it).
"""

from tests.permission_matrix import (
    ANONYMOUS,
    LOGIN_REDIRECT,
    OWNER,
    PROJECT_ROLES,
    STAFF,
    SUPERUSER,
    Row,
    World,
    every,
    signed_in,
)
from tests.training.factories import make_certificate, make_module


def build(world: World) -> None:
    module = make_module(title="Matrix species identification", slug="matrix-certificates")
    world.extra["certificates-module"] = module
    world.extra["certificates-certificate"] = make_certificate(
        user=world.other_user, module=module, show_on_profile=True
    )


def _owners_and_staff_of_team_project(status: int) -> dict[str, int]:
    """On the private team project: owners and staff `status`, the rest of its team 403,
    everyone else 404 (they may not see the project)."""
    expectation = every(404)
    expectation.update({role: 403 for role in PROJECT_ROLES})
    expectation.update({OWNER: status, STAFF: status, SUPERUSER: status})
    expectation[ANONYMOUS] = 404
    return expectation


# fmt: off
ROWS: list[Row] = [
    Row("verify a certificate", "GET",
        lambda w: f"/certificates/{w.extra['certificates-certificate'].code}/",
        every(200), api=False, route="training_certificate_verify"),
    Row("verify an unknown certificate", "GET", lambda w: "/certificates/no-such-code/",
        every(404), api=False, route="training_certificate_verify"),
    Row("verify a certificate (API)", "GET",
        lambda w: f"/api/v1/certificates/{w.extra['certificates-certificate'].code}",
        every(200), route="/api/v1/certificates/{code}"),
    Row("verify an unknown certificate (API)", "GET", lambda w: "/api/v1/certificates/no-such",
        every(404), route="/api/v1/certificates/{code}"),
    Row("my certificates", "GET", lambda w: "/training/certificates/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="training_certificates_mine"),
    Row("show another person's certificate on a profile", "POST",
        lambda w: f"/training/{w.extra['certificates-module'].slug}/certificate/",
        every(404), api=False, route="training_certificate_profile", body={"show": "on"}),
    Row("training a project's roles require", "GET",
        lambda w: f"/projects/{w.team_project.slug}/training/",
        _owners_and_staff_of_team_project(200), api=False, route="project_role_requirements"),
    # An unknown module: owners get the form back (400) and nothing is stored, so the other
    # rows' pages stay as they were.
    Row("require a module of a role", "POST",
        lambda w: f"/projects/{w.team_project.slug}/training/",
        _owners_and_staff_of_team_project(400), api=False, route="project_role_requirements",
        body={"role": "moderator", "module": "no-such-module"}),
]
# fmt: on
