"""The roles × endpoints matrix: every endpoint, every role, the status it must answer.

Each area adds its rows to ROWS (and, for project roles, the project fixture grows with the
projects area). `test_permission_matrix.py` runs every row for every role, and fails when an API
route or a named page exists that no row covers, so a new endpoint cannot ship without its rows.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cslab.core.roles import SiteRole

ANONYMOUS = "anonymous"
VOLUNTEER = "volunteer"
TRAINER = "trainer"
STAFF = "staff"
SUPERUSER = "superuser"
OWNER = "owner"
RESEARCHER = "researcher"
MODERATOR = "moderator"
MEMBER = "member"
VIEWER = "viewer"
# The owner of a project of their own, on no team of the World's projects.
OTHER_OWNER = "other_owner"
# An app user (ODK Collect on a shared device) of `World.team_project`: no session; its token
# travels in the OpenRosa server URL (`/openrosa/key/<token>/<slug>/…`, as Collect is set up)
# and, on API rows, as `Authorization: Bearer <token>` (it is no API token: refused).
APP_USER = "app_user"
SITE_ROLES = [ANONYMOUS, VOLUNTEER, TRAINER, STAFF, SUPERUSER]
# Project roles: a volunteer with this role on the team of `World.team_project` and
# `World.draft_project` (and on no other project's team).
PROJECT_ROLES = [OWNER, RESEARCHER, MODERATOR, MEMBER, VIEWER]
# The roles rows state by hand; a row may state DERIVED_ROLES too, otherwise they follow from
# it (`derived_expectation`).
BASE_ROLES = SITE_ROLES + PROJECT_ROLES
DERIVED_ROLES = [OTHER_OWNER, APP_USER]
ROLES = BASE_ROLES + DERIVED_ROLES
SIGNED_IN = [VOLUNTEER, TRAINER, STAFF, SUPERUSER, *PROJECT_ROLES]
# OpenRosa routes an app user reaches through its key URL (its credentials): the matrix sends
# the app user's request for `/openrosa/<slug>/…` to `/openrosa/key/<token>/<slug>/…`.
OPENROSA_SESSION_ROUTES = {
    "openrosa_form_list",
    "openrosa_form_download",
    "openrosa_form_manifest",
    "openrosa_submission",
}

ROLE_FIELDS: dict[str, dict[str, Any]] = {
    VOLUNTEER: {"site_role": SiteRole.VOLUNTEER},
    TRAINER: {"site_role": SiteRole.TRAINER},
    STAFF: {"site_role": SiteRole.STAFF},
    SUPERUSER: {"site_role": SiteRole.STAFF, "is_superuser": True},
}


@dataclass
class World:
    """What a row's URL may point at: objects owned by someone other than the viewer.

    `public_project` is approved and public; `team_project` is approved but private;
    `draft_project` is in review, not yet approved. Project-role viewers are on the team of the
    last two only.
    """

    other_user: Any
    other_private_user: Any
    other_token: Any
    other_job: Any
    public_project: Any
    team_project: Any
    draft_project: Any
    organisation: Any
    team_member_membership: Any
    other_owner_membership: Any
    team_invitation: Any
    join_request: Any
    ppsr_job: Any
    lab_question: Any
    other_lab_question: Any
    board_question: Any
    lab_comment: Any
    other_notification: Any
    viewer: Any = None
    own: dict[str, Any] = field(default_factory=dict)
    # Objects that area modules in tests/matrix_areas/ add with their `build(world)`.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One endpoint. `expect` maps each role to the status it must get.

    `url` is a function of the World, so rows can address objects of the viewer or of others.
    `body` is sent as JSON for API routes (`api=True`) and as form data otherwise; with
    `multipart=True` as multipart/form-data (values may be uploaded files). `headers` are
    extra request headers (e.g. {"Authorization": ...}), or a function of the World giving them.
    """

    name: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, int]
    api: bool = True
    body: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None
    route: str = ""  # the route pattern this row covers, e.g. "/api/v1/jobs/{job_id}"
    multipart: bool = False
    headers: dict[str, str] | Callable[[World], dict[str, str]] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "expect", derived_expectation(self))


def derived_expectation(row: Row) -> dict[str, int]:
    """The row's expectation with the derived roles filled in where the row does not state them.

    - Another project's owner is a volunteer as far as the World's projects go: being an owner
      elsewhere grants nothing here.
    - An app user is an anonymous visitor on pages (it has no session); on API rows it sends its
      token as a Bearer token, which the API refuses (401: an app user token is no API token).
      OpenRosa rows state the app user's status themselves.
    """
    expect = dict(row.expect)
    if VOLUNTEER in expect and OTHER_OWNER not in expect:
        expect[OTHER_OWNER] = expect[VOLUNTEER]
    if ANONYMOUS in expect and APP_USER not in expect:
        expect[APP_USER] = 401 if row.api else expect[ANONYMOUS]
    return expect


def every(status: int, **overrides: int) -> dict[str, int]:
    """Return an expectation where every role gets `status`, except the ones named.

    The derived roles (DERIVED_ROLES) get `status` only when named; otherwise they are derived.
    """
    expectation = {role: overrides.get(role, status) for role in BASE_ROLES}
    expectation.update({role: overrides[role] for role in DERIVED_ROLES if role in overrides})
    return expectation


def signed_in(status: int, anonymous: int, **overrides: int) -> dict[str, int]:
    expectation = every(status, **overrides)
    expectation[ANONYMOUS] = anonymous
    return expectation


def team_and_staff(status: int, others: int, **overrides: int) -> dict[str, int]:
    """Staff, superusers and every project role get `status`; everyone else `others`."""
    expectation = {role: status for role in [STAFF, SUPERUSER, *PROJECT_ROLES]}
    expectation.update({role: others for role in [ANONYMOUS, VOLUNTEER, TRAINER]})
    expectation.update(overrides)
    return expectation


def leads_and_staff(status: int, others: int, anonymous: int) -> dict[str, int]:
    """Owners, researchers, staff and superusers get `status`; other signed-in people `others`."""
    expectation = every(others)
    expectation.update({STAFF: status, SUPERUSER: status, OWNER: status, RESEARCHER: status})
    expectation[ANONYMOUS] = anonymous
    return expectation


LOGIN_REDIRECT = 302
PUBLIC_INVITATION_TOKEN = "matrix-public-invitation-token"
TEAM_INVITATION_TOKEN = "matrix-team-invitation-token"


def on_team(status: int, others: int, **overrides: int) -> dict[str, int]:
    """Every project role gets `status`; everyone else (staff too) gets `others`."""
    expectation = every(others)
    expectation.update({role: status for role in PROJECT_ROLES})
    expectation.update(overrides)
    return expectation


def owners_and_staff(status: int, others: int, anonymous: int) -> dict[str, int]:
    """The project's owners, staff and superusers get `status`; other signed-in people `others`."""
    expectation = every(others)
    expectation.update({STAFF: status, SUPERUSER: status, OWNER: status})
    expectation[ANONYMOUS] = anonymous
    return expectation


# fmt: off
ROWS: list[Row] = [
    # --- API: accounts ---
    Row("my profile", "GET", lambda w: "/api/v1/me", signed_in(200, 401), route="/api/v1/me"),
    Row(
        "change my profile",
        "PATCH",
        lambda w: "/api/v1/me",
        signed_in(200, 401),
        body={"bio": "Counting bees."},
        route="/api/v1/me",
    ),
    Row(
        "public profile of another person",
        "GET",
        lambda w: f"/api/v1/users/{w.other_user.pk}",
        every(200),
        route="/api/v1/users/{user_id}",
    ),
    Row(
        "private profile of another person",
        "GET",
        lambda w: f"/api/v1/users/{w.other_private_user.pk}",
        every(404, staff=200, superuser=200),
        route="/api/v1/users/{user_id}",
    ),
    Row(
        "my tokens",
        "GET",
        lambda w: "/api/v1/me/tokens",
        signed_in(200, 401),
        route="/api/v1/me/tokens",
    ),
    Row(
        "create a token",
        "POST",
        lambda w: "/api/v1/me/tokens",
        signed_in(201, 401, app_user=403),  # any Authorization header: session only
        body={"name": "matrix"},
        route="/api/v1/me/tokens",
    ),
    Row(
        "create a token with a token",
        "POST",
        lambda w: "/api/v1/me/tokens",
        signed_in(403, 401, app_user=403),
        body={"name": "matrix"},
        route="/api/v1/me/tokens",
        headers=lambda w: (
            {"Authorization": f"Bearer {w.own['token_secret']}"} if w.viewer else {}
        ),
    ),
    Row(
        "revoke my own token",
        "DELETE",
        lambda w: f"/api/v1/me/tokens/{w.own['token'].pk}" if w.viewer else "/api/v1/me/tokens/1",
        signed_in(204, 401),
        route="/api/v1/me/tokens/{token_id}",
    ),
    Row(
        "revoke someone else's token",
        "DELETE",
        lambda w: f"/api/v1/me/tokens/{w.other_token.pk}",
        signed_in(404, 401, superuser=204),
        route="/api/v1/me/tokens/{token_id}",
    ),
    # --- API: jobs and audit ---
    Row("my jobs", "GET", lambda w: "/api/v1/jobs", signed_in(200, 401), route="/api/v1/jobs"),
    Row(
        "someone else's job",
        "GET",
        lambda w: f"/api/v1/jobs/{w.other_job.pk}",
        signed_in(404, 401, staff=200, superuser=200),
        route="/api/v1/jobs/{job_id}",
    ),
    Row(
        "audit log",
        "GET",
        lambda w: "/api/v1/audit-events",
        signed_in(404, 401, staff=200, superuser=200),
        route="/api/v1/audit-events",
    ),
    # --- API: projects and organisations ---
    Row("projects I may see", "GET", lambda w: "/api/v1/projects", every(200),
        route="/api/v1/projects"),
    Row("start a project", "POST", lambda w: "/api/v1/projects", signed_in(201, 401),
        body={"name": "Matrix project"}, route="/api/v1/projects"),
    Row("a public project", "GET", lambda w: f"/api/v1/projects/{w.public_project.slug}",
        every(200), route="/api/v1/projects/{slug}"),
    Row("a private project", "GET", lambda w: f"/api/v1/projects/{w.team_project.slug}",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}"),
    Row("a draft project", "GET", lambda w: f"/api/v1/projects/{w.draft_project.slug}",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}"),
    Row("edit a private project", "PATCH", lambda w: f"/api/v1/projects/{w.team_project.slug}",
        leads_and_staff(200, 404, 401), body={"aim": "Count bees."},
        route="/api/v1/projects/{slug}"),
    Row("edit someone else's public project", "PATCH",
        lambda w: f"/api/v1/projects/{w.public_project.slug}",
        signed_in(404, 401, staff=200, superuser=200), body={"aim": "Count bees."},
        route="/api/v1/projects/{slug}"),
    Row("pause a running project", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/transitions",
        leads_and_staff(200, 404, 401), body={"to_status": "paused"},
        route="/api/v1/projects/{slug}/transitions"),
    Row("approve a project in review", "POST",
        lambda w: f"/api/v1/projects/{w.draft_project.slug}/transitions",
        signed_in(404, 401, staff=200, superuser=200),
        body={"to_status": "active"}, route="/api/v1/projects/{slug}/transitions"),
    Row("a private project's timeline", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/timeline",
        team_and_staff(200, 404), route="/api/v1/projects/{slug}/timeline"),
    Row("a public project's timeline", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/timeline",
        every(200), route="/api/v1/projects/{slug}/timeline"),
    Row("a private project's checklist", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/checklist",
        team_and_staff(200, 404, anonymous=401), route="/api/v1/projects/{slug}/checklist"),
    Row("a public project's checklist", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/checklist",
        signed_in(404, 401, staff=200, superuser=200),
        route="/api/v1/projects/{slug}/checklist"),
    Row("organisations", "GET", lambda w: "/api/v1/organisations", every(200),
        route="/api/v1/organisations"),
    Row("add an organisation", "POST", lambda w: "/api/v1/organisations", signed_in(201, 401),
        body={"name": "Matrix NGO", "kind": "ngo"}, route="/api/v1/organisations"),
    Row("an organisation", "GET", lambda w: f"/api/v1/organisations/{w.organisation.slug}",
        every(200), route="/api/v1/organisations/{slug}"),
    # --- API: teams ---
    Row("members of a private project", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/members",
        team_and_staff(200, 404, anonymous=401), route="/api/v1/projects/{slug}/members"),
    Row("members of someone else's public project", "GET",
        lambda w: f"/api/v1/projects/{w.public_project.slug}/members",
        signed_in(404, 401, staff=200, superuser=200), route="/api/v1/projects/{slug}/members"),
    Row("add a member directly", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/members",
        owners_and_staff(201, 404, 401) | {OWNER: 403},
        body=lambda w: {"user_id": w.other_private_user.pk, "role": "member"},
        route="/api/v1/projects/{slug}/members"),
    Row("make someone owner", "PATCH",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/members/"
        f"{w.team_member_membership.pk}",
        owners_and_staff(200, 404, 401), body={"role": "owner"},
        route="/api/v1/projects/{slug}/members/{membership_id}"),
    Row("remove a member", "DELETE",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/members/"
        f"{w.team_member_membership.pk}",
        owners_and_staff(204, 404, 401), route="/api/v1/projects/{slug}/members/{membership_id}"),
    Row("leave a private project", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/leave",
        on_team(204, 404, anonymous=401), route="/api/v1/projects/{slug}/leave"),
    Row("invitations of a private project", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/invitations",
        owners_and_staff(200, 404, 401), route="/api/v1/projects/{slug}/invitations"),
    Row("invite someone", "POST", lambda w: f"/api/v1/projects/{w.team_project.slug}/invitations",
        owners_and_staff(201, 404, 401), body={"email": "invited@example.org", "role": "member"},
        route="/api/v1/projects/{slug}/invitations"),
    Row("revoke an invitation", "DELETE",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/invitations/{w.team_invitation.pk}",
        owners_and_staff(204, 404, 401),
        route="/api/v1/projects/{slug}/invitations/{invitation_id}"),
    Row("accept someone else's invitation to a public project (API)", "POST",
        lambda w: "/api/v1/invitations/accept", signed_in(403, 401),
        body={"token": PUBLIC_INVITATION_TOKEN}, route="/api/v1/invitations/accept"),
    Row("accept someone else's invitation to a team one is on (API)", "POST",
        lambda w: "/api/v1/invitations/accept", signed_in(403, 401),
        body={"token": TEAM_INVITATION_TOKEN}, route="/api/v1/invitations/accept"),
    Row("accept an unknown invitation", "POST", lambda w: "/api/v1/invitations/accept",
        signed_in(404, 401), body={"token": "no-such-token"}, route="/api/v1/invitations/accept"),
    Row("join a public project", "POST", lambda w: f"/api/v1/projects/{w.public_project.slug}/join",
        signed_in(201, 401), route="/api/v1/projects/{slug}/join"),
    Row("join a private project", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/join",
        team_and_staff(409, 404, anonymous=401, staff=201, superuser=201),
        route="/api/v1/projects/{slug}/join"),
    Row("join requests of a private project", "GET",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/join-requests",
        owners_and_staff(200, 404, 401), route="/api/v1/projects/{slug}/join-requests"),
    Row("approve a join request", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/join-requests/"
        f"{w.join_request.pk}/approve",
        owners_and_staff(200, 404, 401),
        route="/api/v1/projects/{slug}/join-requests/{join_request_id}/approve"),
    Row("decline a join request", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/join-requests/"
        f"{w.join_request.pk}/decline",
        owners_and_staff(200, 404, 401),
        route="/api/v1/projects/{slug}/join-requests/{join_request_id}/decline"),
    Row("withdraw someone else's join request", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/join-requests/"
        f"{w.join_request.pk}/withdraw",
        signed_in(404, 401),
        route="/api/v1/projects/{slug}/join-requests/{join_request_id}/withdraw"),
    Row("ask for a mentor for a researcher-led project", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/mentor-request",
        owners_and_staff(409, 404, 401), route="/api/v1/projects/{slug}/mentor-request"),
    Row("match a mentor where none was asked for", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/mentor",
        signed_in(404, 401, staff=409, superuser=409),
        body=lambda w: {"mentor_id": w.other_private_user.pk},
        route="/api/v1/projects/{slug}/mentor"),
    Row("projects asking for a mentor", "GET", lambda w: "/api/v1/mentor-requests",
        signed_in(404, 401, staff=200, superuser=200), route="/api/v1/mentor-requests"),
    # --- Project pages ---
    Row("start-a-project page", "GET", lambda w: "/projects/new/", signed_in(200, 302),
        api=False, route="project_create"),
    Row("start a project (page)", "POST", lambda w: "/projects/new/", signed_in(302, 302),
        api=False, body={"name": "Page project", "initiator_type": "researcher_led",
                         "status": "idea"}, route="project_create"),
    Row("my projects page", "GET", lambda w: "/projects/mine/", signed_in(200, 302), api=False,
        route="my_projects"),
    Row("public project page", "GET", lambda w: f"/projects/{w.public_project.slug}/",
        every(200), api=False, route="project_detail"),
    Row("private project page", "GET", lambda w: f"/projects/{w.team_project.slug}/",
        team_and_staff(200, 404), api=False, route="project_detail"),
    Row("draft project page", "GET", lambda w: f"/projects/{w.draft_project.slug}/",
        team_and_staff(200, 404), api=False, route="project_detail"),
    Row("edit a private project (page)", "GET", lambda w: f"/projects/{w.team_project.slug}/edit/",
        leads_and_staff(200, 404, 302), api=False, route="project_edit"),
    Row("edit someone else's public project (page)", "GET",
        lambda w: f"/projects/{w.public_project.slug}/edit/",
        signed_in(404, 302, staff=200, superuser=200), api=False, route="project_edit"),
    Row("checklist of a draft", "GET", lambda w: f"/projects/{w.draft_project.slug}/checklist/",
        leads_and_staff(200, 404, 302), api=False, route="project_checklist"),
    Row("pause a running project (page)", "POST",
        lambda w: f"/projects/{w.team_project.slug}/transition/",
        leads_and_staff(302, 404, 302), api=False, body={"to_status": "paused"},
        route="project_transition"),
    Row("publish an approved private project (page)", "POST",
        lambda w: f"/projects/{w.team_project.slug}/publish/",
        leads_and_staff(302, 404, 302), api=False, route="project_publish"),
    Row("publish a draft (page: refused with a message)", "POST",
        lambda w: f"/projects/{w.draft_project.slug}/publish/",
        leads_and_staff(302, 404, 302), api=False, route="project_publish"),
    Row("publish someone else's public project (page)", "POST",
        lambda w: f"/projects/{w.public_project.slug}/publish/",
        signed_in(404, 302, staff=302, superuser=302), api=False, route="project_publish"),
    Row("approve a draft (page)", "POST",
        lambda w: f"/projects/{w.draft_project.slug}/transition/",
        signed_in(404, 302, staff=302, superuser=302), api=False, body={"to_status": "active"},
        route="project_transition"),
    Row("review queue", "GET", lambda w: "/staff/review/", every(404, staff=200, superuser=200),
        api=False, route="project_review_queue"),
    Row("acknowledge significant edits", "POST",
        lambda w: f"/staff/review/{w.public_project.slug}/acknowledge/",
        signed_in(404, 302, staff=302, superuser=302), api=False,
        route="project_acknowledge_edits"),
    Row("organisations page", "GET", lambda w: "/organisations/", every(200), api=False,
        route="organisation_list"),
    Row("organisation page", "GET", lambda w: f"/organisations/{w.organisation.slug}/",
        every(200), api=False, route="organisation_detail"),
    Row("add-an-organisation page", "GET", lambda w: "/organisations/new/", signed_in(200, 302),
        api=False, route="organisation_create"),
    # --- Team pages ---
    Row("team of a private project", "GET", lambda w: f"/projects/{w.team_project.slug}/team/",
        team_and_staff(200, 404), api=False, route="project_team"),
    # The public part of the team page (the leads, how to join) is for all who see the project.
    Row("team of someone else's public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/team/",
        every(200), api=False, route="project_team"),
    Row("invite to a private project (page)", "POST",
        lambda w: f"/projects/{w.team_project.slug}/team/",
        every(404, staff=302, superuser=302, owner=302), api=False,
        body={"action": "invite", "email": "new.member@example.org", "role": "member"},
        route="project_team"),
    Row("unknown invitation", "GET", lambda w: "/invitations/no-such-token/", every(404),
        api=False, route="invitation_accept"),
    Row("someone else's invitation to a public project", "GET",
        lambda w: f"/invitations/{PUBLIC_INVITATION_TOKEN}/", signed_in(403, 200), api=False,
        route="invitation_accept"),
    Row("accept someone else's invitation to a public project", "POST",
        lambda w: f"/invitations/{PUBLIC_INVITATION_TOKEN}/", signed_in(403, 302), api=False,
        route="invitation_accept"),
    Row("accept someone else's invitation to a team one is on", "POST",
        lambda w: f"/invitations/{TEAM_INVITATION_TOKEN}/", signed_in(403, 302), api=False,
        route="invitation_accept"),
    Row("join page of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/join/",
        every(200), api=False, route="project_join"),
    Row("join page of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/join/",
        team_and_staff(200, 404), api=False, route="project_join"),
    Row("join a public project (page)", "POST",
        lambda w: f"/projects/{w.public_project.slug}/join/",
        every(302), api=False, route="project_join"),
    Row("join a private project (page)", "POST",
        lambda w: f"/projects/{w.team_project.slug}/join/",
        team_and_staff(302, 404), api=False, route="project_join"),
    Row("leave a private project (page)", "POST",
        lambda w: f"/projects/{w.team_project.slug}/leave/",
        on_team(302, 404, anonymous=302), api=False, route="project_leave"),
    Row("leave a team one is not on (page)", "POST",
        lambda w: f"/projects/{w.public_project.slug}/leave/",
        every(404, anonymous=302), api=False, route="project_leave"),
    Row("mentoring requests", "GET", lambda w: "/staff/mentoring/",
        every(404, staff=200, superuser=200), api=False, route="mentor_requests"),
    Row("ask for a mentor (page)", "POST", lambda w: f"/projects/{w.team_project.slug}/mentor/",
        every(404, anonymous=302, staff=302, superuser=302, owner=302), api=False,
        route="project_mentor_request"),
    # --- PPSR Core ---
    Row("PPSR record of a public project", "GET",
        lambda w: f"/projects/{w.public_project.slug}/ppsr.json", every(200), api=False,
        route="project_ppsr"),
    Row("PPSR record of a private project", "GET",
        lambda w: f"/projects/{w.team_project.slug}/ppsr.json", team_and_staff(200, 404),
        api=False, route="project_ppsr"),
    Row("PPSR record of a draft", "GET",
        lambda w: f"/projects/{w.draft_project.slug}/ppsr.json", team_and_staff(200, 404),
        api=False, route="project_ppsr"),
    Row("PPSR import page", "GET", lambda w: "/staff/ppsr-import/",
        every(404, staff=200, superuser=200), api=False, route="ppsr_import"),
    Row("confirm a PPSR import", "POST", lambda w: f"/staff/ppsr-import/{w.ppsr_job.pk}/confirm/",
        every(404, staff=302, superuser=302), api=False, route="ppsr_import_confirm"),
    Row("project directory", "GET", lambda w: "/projects/", every(200), api=False,
        route="project_directory"),
    Row("project directory searched and filtered", "GET",
        lambda w: "/projects/?q=bee&domain=biodiversity&sort=name", every(200), api=False,
        route="project_directory"),
    Row("map of project areas", "GET", lambda w: "/projects/map.geojson", every(200), api=False,
        route="project_map_geojson"),
    Row("PPSR import job page", "GET", lambda w: f"/staff/ppsr-import/{w.ppsr_job.pk}/",
        every(404, staff=200, superuser=200), api=False, route="ppsr_import_job"),
    Row("PPSR catalogue", "GET", lambda w: "/api/v1/ppsr/projects", every(200),
        route="/api/v1/ppsr/projects"),
    # --- API: questions and notifications ---
    Row("questions", "GET", lambda w: "/api/v1/questions", every(200), route="/api/v1/questions"),
    Row("similar questions", "GET", lambda w: "/api/v1/questions/similar?text=bees",
        every(200), route="/api/v1/questions/similar"),
    Row("a Lab-wide question", "GET", lambda w: f"/api/v1/questions/{w.lab_question.pk}",
        every(200), route="/api/v1/questions/{question_id}"),
    Row("a question on a private project's board", "GET",
        lambda w: f"/api/v1/questions/{w.board_question.pk}", team_and_staff(200, 404),
        route="/api/v1/questions/{question_id}"),
    Row("propose a question", "POST", lambda w: "/api/v1/questions", signed_in(201, 401),
        body={"text": "Do hedgehogs use garden gaps?", "why_it_matters": "I see them."},
        route="/api/v1/questions"),
    Row("support a question", "POST", lambda w: f"/api/v1/questions/{w.lab_question.pk}/support",
        signed_in(200, 401), route="/api/v1/questions/{question_id}/support"),
    Row("withdraw support", "DELETE",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/support", signed_in(200, 401),
        route="/api/v1/questions/{question_id}/support"),
    Row("support a question on a private board", "POST",
        lambda w: f"/api/v1/questions/{w.board_question.pk}/support",
        team_and_staff(200, 404, anonymous=401), route="/api/v1/questions/{question_id}/support"),
    Row("follow a question", "POST", lambda w: f"/api/v1/questions/{w.lab_question.pk}/follow",
        signed_in(200, 401), route="/api/v1/questions/{question_id}/follow"),
    Row("unfollow a question", "DELETE",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/follow", signed_in(200, 401),
        route="/api/v1/questions/{question_id}/follow"),
    Row("comments on a Lab-wide question", "GET",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/comments", every(200),
        route="/api/v1/questions/{question_id}/comments"),
    Row("comments on a private board's question", "GET",
        lambda w: f"/api/v1/questions/{w.board_question.pk}/comments", team_and_staff(200, 404),
        route="/api/v1/questions/{question_id}/comments"),
    Row("comment on a question", "POST",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/comments", signed_in(201, 401),
        body={"text": "I saw this too."}, route="/api/v1/questions/{question_id}/comments"),
    Row("flag a comment", "POST", lambda w: f"/api/v1/questions/comments/{w.lab_comment.pk}/flag",
        signed_in(200, 401), route="/api/v1/questions/comments/{comment_id}/flag"),
    Row("hide a comment", "POST", lambda w: f"/api/v1/questions/comments/{w.lab_comment.pk}/hide",
        signed_in(403, 401, staff=200, superuser=200), body={"reason": "Off topic."},
        route="/api/v1/questions/comments/{comment_id}/hide"),
    Row("restore a comment that is not hidden", "POST",
        lambda w: f"/api/v1/questions/comments/{w.lab_comment.pk}/restore",
        signed_in(403, 401, staff=409, superuser=409), body={"reason": "Fine after all."},
        route="/api/v1/questions/comments/{comment_id}/restore"),
    Row("consider a Lab-wide question", "POST",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/consider",
        signed_in(403, 401, staff=200, superuser=200),
        route="/api/v1/questions/{question_id}/consider"),
    Row("consider a question on a private board", "POST",
        lambda w: f"/api/v1/questions/{w.board_question.pk}/consider",
        team_and_staff(403, 404, anonymous=401, staff=200, superuser=200, owner=200,
                       researcher=200),
        route="/api/v1/questions/{question_id}/consider"),
    Row("decline a Lab-wide question", "POST",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/decline",
        signed_in(403, 401, staff=200, superuser=200), body={"reason": "Out of scope."},
        route="/api/v1/questions/{question_id}/decline"),
    Row("adopt a Lab-wide question into a new project", "POST",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/adopt",
        # Leads of an approved project, any project, may (questions/rules.py).
        signed_in(403, 401, staff=200, superuser=200, owner=200, researcher=200,
                  other_owner=200),
        route="/api/v1/questions/{question_id}/adopt"),
    Row("answer a question nobody adopted", "POST",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/answer",
        signed_in(409, 401),
        body={"answer": "Bees prefer blue.", "links": []},
        route="/api/v1/questions/{question_id}/answer"),
    Row("merge a question into another", "POST",
        lambda w: f"/api/v1/questions/{w.lab_question.pk}/merge",
        signed_in(403, 401, staff=200, superuser=200),
        body=lambda w: {"into": w.other_lab_question.pk},
        route="/api/v1/questions/{question_id}/merge"),
    Row("my notifications", "GET", lambda w: "/api/v1/notifications", signed_in(200, 401),
        route="/api/v1/notifications"),
    Row("mark someone else's notification read", "POST",
        lambda w: f"/api/v1/notifications/{w.other_notification.pk}/read",
        signed_in(404, 401, superuser=200), route="/api/v1/notifications/{notification_id}/read"),
    # --- Question and notification pages ---
    Row("question board", "GET", lambda w: "/questions/", every(200), api=False,
        route="question_board"),
    Row("similar questions (page)", "GET", lambda w: "/questions/similar/?text=bees", every(200),
        api=False, route="question_similar"),
    Row("propose page", "GET", lambda w: "/questions/propose/", signed_in(200, 302), api=False,
        route="question_propose"),
    Row("my questions", "GET", lambda w: "/questions/mine/", signed_in(200, 302), api=False,
        route="question_list_mine"),
    Row("a Lab-wide question (page)", "GET", lambda w: f"/questions/{w.lab_question.pk}/",
        every(200), api=False, route="question_detail"),
    Row("a private board's question (page)", "GET", lambda w: f"/questions/{w.board_question.pk}/",
        team_and_staff(200, 404), api=False, route="question_detail"),
    Row("a public project's question board", "GET",
        lambda w: f"/projects/{w.public_project.slug}/questions/", every(200), api=False,
        route="project_question_board"),
    Row("a private project's question board", "GET",
        lambda w: f"/projects/{w.team_project.slug}/questions/", team_and_staff(200, 404),
        api=False, route="project_question_board"),
    # Whoever leads a project, any project, may open triage (questions/rules.py).
    Row("triage", "GET", lambda w: "/questions/triage/",
        every(404, anonymous=302, staff=200, superuser=200, owner=200, researcher=200,
              other_owner=200),
        api=False, route="question_triage"),
    Row("consider a Lab-wide question (page)", "GET",
        lambda w: f"/questions/{w.lab_question.pk}/decide/consider/",
        every(403, anonymous=302, staff=200, superuser=200), api=False, route="question_decide"),
    Row("support (page)", "POST", lambda w: f"/questions/{w.lab_question.pk}/support/",
        every(302), api=False, route="question_support"),
    Row("follow (page)", "POST", lambda w: f"/questions/{w.lab_question.pk}/follow/",
        every(302), api=False, route="question_follow"),
    Row("comment (page)", "POST", lambda w: f"/questions/{w.lab_question.pk}/comments/",
        every(302), api=False, body={"text": "Me too."}, route="question_comment"),
    Row("flag a comment (page)", "POST", lambda w: f"/questions/comments/{w.lab_comment.pk}/flag/",
        every(302), api=False, route="question_comment_flag"),
    Row("hide a comment (page)", "POST",
        lambda w: f"/questions/comments/{w.lab_comment.pk}/moderate/",
        every(403, anonymous=302, staff=302, superuser=302), api=False,
        body={"action": "hide", "reason": "Off topic."}, route="question_comment_moderate"),
    Row("notifications page", "GET", lambda w: "/notifications/", signed_in(200, 302),
        api=False, route="notification_list"),
    Row("mark someone else's notification read (page)", "POST",
        lambda w: f"/notifications/{w.other_notification.pk}/read/",
        signed_in(404, 302, superuser=302), api=False, route="notification_read"),
    Row("mark all my notifications read", "POST", lambda w: "/notifications/read-all/",
        every(302), api=False, route="notification_read_all"),
    # --- Collection: forms ---
    Row("forms of a private project", "GET", lambda w: f"/projects/{w.team_project.slug}/forms/",
        team_and_staff(200, 404), api=False, route="form_list"),
    Row("forms of a public project", "GET", lambda w: f"/projects/{w.public_project.slug}/forms/",
        every(200), api=False, route="form_list"),
    Row("upload a form to a private project without a file", "POST",
        lambda w: f"/projects/{w.team_project.slug}/forms/",
        team_and_staff(403, 404, staff=400, superuser=400, owner=400, researcher=400),
        api=False, route="form_list"),
    Row("upload a form to a public project without a file", "POST",
        lambda w: f"/projects/{w.public_project.slug}/forms/",
        signed_in(403, 302, staff=400, superuser=400), api=False, route="form_list"),
    # --- API: observations ---
    Row("submit an observation to a private project", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/forms/matrix_form/submissions",
        team_and_staff(201, 404, anonymous=401),
        body={"instance_id": "uuid:matrix-1", "version": "1", "answers": {"count": 3}},
        route="/api/v1/projects/{slug}/forms/{form_id}/submissions"),
    Row("submit a batch to a private project", "POST",
        lambda w: f"/api/v1/projects/{w.team_project.slug}/forms/matrix_form/submissions/batch",
        team_and_staff(200, 404, anonymous=401),
        body=lambda w: [{"instance_id": "uuid:matrix-2", "version": "1",  # type: ignore[misc]
                         "answers": {"count": 4}}],
        route="/api/v1/projects/{slug}/forms/{form_id}/submissions/batch"),
    # Reading observations: tests/matrix_areas/observations.py
    # --- HTML pages ---
    Row("home", "GET", lambda w: "/", every(200), api=False, route="home"),
    Row("favicon", "GET", lambda w: "/favicon.ico", every(302), api=False, route="favicon"),
    Row(
        "switch language",
        "POST",
        lambda w: "/i18n/setlang/",
        every(302),
        api=False,
        body={"language": "nl", "next": "/"},
        route="set_language",
    ),
    Row("health", "GET", lambda w: "/healthz", every(200), api=False, route="healthz"),
    Row("robots.txt", "GET", lambda w: "/robots.txt", every(200), api=False, route="robots_txt"),
    Row("sitemap", "GET", lambda w: "/sitemap.xml", every(200), api=False,
        route="django.contrib.sitemaps.views.sitemap"),
    Row("new projects feed", "GET", lambda w: "/projects/feed/", every(200), api=False,
        route="project_feed"),
    Row(
        "account page",
        "GET",
        lambda w: "/accounts/me/",
        signed_in(200, LOGIN_REDIRECT),
        api=False,
        route="account_profile",
    ),
    Row(
        "API tokens page",
        "GET",
        lambda w: "/accounts/me/tokens/",
        signed_in(200, LOGIN_REDIRECT),
        api=False,
        route="api_tokens",
    ),
    Row(
        "revoke someone else's token (page)",
        "POST",
        lambda w: f"/accounts/me/tokens/{w.other_token.pk}/revoke/",
        signed_in(404, LOGIN_REDIRECT, superuser=302),
        api=False,
        route="api_token_revoke",
    ),
    Row(
        "start my data export",
        "POST",
        lambda w: "/accounts/me/export/",
        signed_in(302, LOGIN_REDIRECT),
        api=False,
        route="account_data_export",
    ),
    Row(
        "public profile page",
        "GET",
        lambda w: f"/people/{w.other_user.pk}/",
        every(200),
        api=False,
        route="profile_detail",
    ),
    Row(
        "private profile page",
        "GET",
        lambda w: f"/people/{w.other_private_user.pk}/",
        every(404, staff=200, superuser=200),
        api=False,
        route="profile_detail",
    ),
    Row(
        "my jobs page",
        "GET",
        lambda w: "/jobs/",
        signed_in(200, LOGIN_REDIRECT),
        api=False,
        route="job_list",
    ),
    Row(
        "someone else's job page",
        "GET",
        lambda w: f"/jobs/{w.other_job.pk}/",
        signed_in(404, LOGIN_REDIRECT, staff=200, superuser=200),
        api=False,
        route="job_detail",
    ),
    Row(
        "someone else's job result",
        "GET",
        lambda w: f"/jobs/{w.other_job.pk}/result.json",
        signed_in(404, LOGIN_REDIRECT, superuser=200),
        api=False,
        route="job_result",
    ),
    Row(
        "audit log page",
        "GET",
        lambda w: "/audit/",
        every(404, staff=200, superuser=200),
        api=False,
        route="audit_log",
    ),
]
# fmt: on


def _area_modules() -> list[Any]:
    """Import every module of tests/matrix_areas/: each holds an area's ROWS (and `build`)."""
    import importlib
    import pkgutil

    from tests import matrix_areas

    return [
        importlib.import_module(f"tests.matrix_areas.{info.name}")
        for info in sorted(pkgutil.iter_modules(matrix_areas.__path__), key=lambda i: i.name)
    ]


AREA_MODULES = _area_modules()
for _module in AREA_MODULES:
    ROWS.extend(_module.ROWS)


# Draft twins: `draft_project` (in review, not yet approved; project roles are on its team as
# on `team_project`'s) is seen by the same people as the private project, so each project-level
# read below gets a row on the draft too, with the private row's expectation unless
# DRAFT_DIFFERENCES says otherwise (the draft has no forms or data of its own).
DRAFT_TWIN_ROUTES = {
    "/api/v1/projects/{slug}/timeline",
    "/api/v1/projects/{slug}/members",
    "/api/v1/projects/{slug}/invitations",
    "/api/v1/projects/{slug}/join-requests",
    "/api/v1/projects/{slug}/workflows",
    "/api/v1/projects/{slug}/consent",
    "/api/v1/projects/{slug}/data-exports",
    "/api/v1/projects/{slug}/forms",
    "/api/v1/projects/{slug}/outputs",
    "/api/v1/projects/{slug}/impact-statements",
    "/api/v1/projects/{slug}/observations",
    "/api/v1/projects/{slug}/observations.geojson",
    "/api/v1/projects/{slug}/moderation-queue",
    "/api/v1/projects/{slug}/collection-settings",
    "/api/v1/projects/{slug}/contributors",
    "project_team",
    "project_join",
    "project_question_board",
    "form_list",
    "workflow_list",
    "project_data_exports",
    "project_dataset",
    "project_impact",
    "project_outputs",
    "project_impact_statements",
    "observation_table",
    "observation_map",
    "moderation_queue",
    "collection_settings",
    "project_contributors",
    "central_project",
    "central_forms",
    "openrosa_form_list",
}
# Where the draft's answer differs from the private project's, by route: {role: status}.
DRAFT_DIFFERENCES: dict[str, dict[str, int]] = {
    # The app user's key is for `team_project` only.
    "openrosa_form_list": {APP_USER: 404},
}


def _on_draft(url: Callable[[World], str]) -> Callable[[World], str]:
    def draft_url(world: World) -> str:
        segment = rf"(?<=/){re.escape(world.team_project.slug)}(?=/|\?|$)"
        return re.sub(segment, world.draft_project.slug, url(world))

    return draft_url


def _draft_twins(rows: list[Row]) -> list[Row]:
    twins: list[Row] = []
    done: set[str] = set()
    for row in rows:
        if row.method != "GET" or row.route not in DRAFT_TWIN_ROUTES or row.route in done:
            continue
        if "private" not in row.name:
            continue
        done.add(row.route)
        twins.append(
            Row(
                f"{row.name} (the draft instead)",
                row.method,
                _on_draft(row.url),
                row.expect | DRAFT_DIFFERENCES.get(row.route, {}),
                api=row.api,
                body=row.body,
                route=row.route,
                multipart=row.multipart,
                headers=row.headers,
            )
        )
    return twins


ROWS.extend(_draft_twins(ROWS))
