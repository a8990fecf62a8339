"""Matrix rows of issue 14 items 1 and 2 (part "mycslab"): My cslab, "where my contribution
went", credit choices and a project's contributor list (page, CSV, API).

Everyone signed in has their own My cslab and credit choices. The contributor list of
`team_project` (private) is for its owners and researchers and Lab staff; the rest of its team
sees the project but is refused (403); volunteers and trainers may not see it (404). On
`public_project`, whose team none of the project roles are on, everyone but staff gets 403.
"""

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
    every,
    signed_in,
)


def _team_list(status: int, anonymous: int) -> dict[str, int]:
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
        ANONYMOUS: anonymous,
    }


def _public_list(status: int, anonymous: int) -> dict[str, int]:
    return every(403, staff=status, superuser=status, anonymous=anonymous)


# fmt: off
ROWS: list[Row] = [
    Row("my cslab", "GET", lambda w: "/me/", signed_in(200, LOGIN_REDIRECT), api=False,
        route="my_cslab"),
    Row("where my contribution went", "GET", lambda w: "/me/where-it-went/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="my_outputs"),
    Row("my credit choices", "GET", lambda w: "/me/credit/", signed_in(200, LOGIN_REDIRECT),
        api=False, route="credit_preferences"),
    Row("choose how I am credited", "POST", lambda w: "/me/credit/",
        signed_in(302, LOGIN_REDIRECT), api=False, route="credit_preferences",
        body={"which": "global", "global-choice": "pseudonym", "global-pseudonym": "Bee Fan"}),
    Row("contributors of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/contributors/",
        _team_list(200, LOGIN_REDIRECT), api=False, route="project_contributors"),
    Row("contributors of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/contributors/",
        _public_list(200, LOGIN_REDIRECT), api=False, route="project_contributors"),
    Row("contributors CSV of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/contributors.csv",
        _team_list(200, LOGIN_REDIRECT), api=False, route="project_contributors_csv"),
    Row("contributors CSV of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/contributors.csv",
        _public_list(200, LOGIN_REDIRECT), api=False, route="project_contributors_csv"),
    # --- API ---
    Row("my summary", "GET", lambda w: "/api/v1/me/summary", signed_in(200, 401),
        route="/api/v1/me/summary"),
    Row("my credit", "GET", lambda w: "/api/v1/me/credit", signed_in(200, 401),
        route="/api/v1/me/credit"),
    Row("change my credit", "PUT", lambda w: "/api/v1/me/credit", signed_in(200, 401),
        route="/api/v1/me/credit", body={"everywhere": {"choice": "none"}}),
    Row("contributors of a private project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/contributors",
        _team_list(200, 401), route="/api/v1/projects/{slug}/contributors"),
    Row("contributors of a public project (API)", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/contributors",
        _public_list(200, 401), route="/api/v1/projects/{slug}/contributors"),
]
# fmt: on
