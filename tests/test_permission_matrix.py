"""Run the roles × endpoints matrix, and check that it covers every endpoint."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.test import Client, TestCase
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from cslab import urls as site_urls
from cslab.accounts.services.api_tokens import api_token_create
from cslab.api.api import api
from cslab.core.models import Job
from cslab.forms.demo import workbook_bytes
from cslab.forms.services import form_publish_xlsform
from cslab.notifications.services.notifications import notification_send
from cslab.projects.models import Invitation, JoinRequest, Membership, Project
from cslab.projects.selectors.team import token_hash
from cslab.projects.services.projects import organisation_create, project_create
from cslab.questions.services.comments import comment_post
from cslab.questions.services.questions import question_propose
from tests.factories import UserFactory
from tests.permission_matrix import (
    ANONYMOUS,
    APP_USER,
    AREA_MODULES,
    OPENROSA_SESSION_ROUTES,
    OTHER_OWNER,
    PROJECT_ROLES,
    PUBLIC_INVITATION_TOKEN,
    ROLE_FIELDS,
    ROLES,
    ROWS,
    TEAM_INVITATION_TOKEN,
    Row,
    World,
)

# Pages that belong to libraries (allauth's sign-in pages, Django's admin) are included, not
# named here, and have their own tests; the matrix covers cslab's own pages.
LIBRARY_URL_NAMES: set[str] = set()


def build_world() -> World:
    """Create the objects the rows point at, once for the whole matrix."""
    other_user = UserFactory(profile_public=True)
    other_private_user = UserFactory(profile_public=False)
    other_token, _secret = api_token_create(actor=other_user, user=other_user, name="theirs")
    other_job = Job.objects.create(
        kind="accounts.data_export",
        title="Their export",
        started_by=other_user,
        status=Job.Status.SUCCEEDED,
        progress=100,
        result={"profile": {}},
        finished_at=other_user.date_joined,
    )

    def project(name: str, status: str, visibility: str) -> Project:
        return project_create(
            actor=None, owner=other_user, name=name, status=status, visibility=visibility
        )

    team_project = project("Private water study", "active", "private")
    in_a_week = timezone.now() + timedelta(days=7)

    def invitation(project: Project, token: str) -> Invitation:
        return Invitation.objects.create(
            project=project,
            email="guest@example.org",
            role="member",
            token_hash=token_hash(token),
            invited_by=other_user,
            expires_at=in_a_week,
        )

    public_project = project("Public bee count", "active", "public")
    invitation(public_project, PUBLIC_INVITATION_TOKEN)
    staff_member = UserFactory(site_role="staff")
    form_publish_xlsform(
        actor=None,
        project=team_project,
        file_name="matrix_form.xlsx",
        content=workbook_bytes(
            {
                "survey": [{"type": "integer", "name": "count", "label": "Count"}],
                "settings": [{"form_id": "matrix_form", "form_title": "Matrix", "version": "1"}],
            }
        ),
    )
    lab_question = question_propose(
        actor=other_user,
        text="Which garden plants feed bees?",
        why_it_matters="I want to help bees.",
    )
    return World(
        other_user=other_user,
        other_private_user=other_private_user,
        other_token=other_token,
        other_job=other_job,
        public_project=public_project,
        team_project=team_project,
        draft_project=project("Draft heat inquiry", "in_review", "public"),
        organisation=organisation_create(actor=other_user, name="River NGO", kind="ngo"),
        team_member_membership=Membership.objects.create(
            project=team_project, user=UserFactory(), role="member"
        ),
        other_owner_membership=Membership.objects.get(project=team_project, user=other_user),
        team_invitation=invitation(team_project, TEAM_INVITATION_TOKEN),
        join_request=JoinRequest.objects.create(project=team_project, user=UserFactory()),
        lab_question=lab_question,
        other_lab_question=question_propose(
            actor=other_user, text="Do hedgehogs cross roads at night?", why_it_matters="Traffic."
        ),
        board_question=question_propose(
            actor=other_user,
            text="Is the river water safe?",
            why_it_matters="We swim there.",
            project=team_project,
        ),
        lab_comment=comment_post(actor=other_user, question=lab_question, text="Lavender!"),
        other_notification=notification_send(
            recipients=[other_user], kind="test", message="Something happened.", email=False
        )[0],
        ppsr_job=Job.objects.create(
            kind="projects.ppsr_import", title="Import", started_by=staff_member
        ),
    )


def _viewer_for(world: World, role: str) -> Any:
    if role in PROJECT_ROLES:
        viewer = UserFactory()
        for project in (world.team_project, world.draft_project):
            Membership.objects.create(project=project, user=viewer, role=role)
        return viewer
    if role == OTHER_OWNER:
        viewer = UserFactory()
        project_create(
            actor=None,
            owner=viewer,
            name="Their own moth trap",
            status="active",
            visibility="private",
        )
        return viewer
    if role in (ANONYMOUS, APP_USER):
        return None  # no session: the app user's token is its credential (`cell_response`)
    return UserFactory(**ROLE_FIELDS[role])


@dataclass
class Matrix:
    """The World, one person per role (none for anonymous and the app user) and their tokens."""

    world: World
    viewers: dict[str, Any]
    own_tokens: dict[str, Any]


def matrix_build(prepare: Callable[[World], None] | None = None) -> Matrix:
    """Create the World (with every area's objects) and the viewers, once for the matrix.

    `prepare(world)`, if given, runs on the shared World before the areas add their objects.
    """
    world = build_world()
    if prepare is not None:
        prepare(world)
    for module in AREA_MODULES:
        if hasattr(module, "build"):
            module.build(world)
    viewers = {role: viewer for role in ROLES if (viewer := _viewer_for(world, role)) is not None}
    own_tokens = {
        role: api_token_create(actor=viewer, user=viewer, name="mine")
        for role, viewer in viewers.items()
    }
    return Matrix(world=world, viewers=viewers, own_tokens=own_tokens)


def matrix_client(matrix: Matrix, role: str) -> Client:
    """A client acting as `role`, and the World pointed at that viewer (`world.viewer`, `own`)."""
    client = Client()
    matrix.world.viewer = matrix.viewers.get(role)
    matrix.world.own["token"], matrix.world.own["token_secret"] = matrix.own_tokens.get(
        role, (None, None)
    )
    if matrix.world.viewer is not None:
        client.force_login(matrix.world.viewer)
    return client


def cell_response(client: Client, world: World, row: Row, role: str) -> tuple[str, Any]:
    """Send the row's request as `role` (in a savepoint, rolled back); return (url, response)."""
    cache.clear()
    url = row.url(world)
    body = row.body(world) if callable(row.body) else row.body
    headers = dict(row.headers(world) if callable(row.headers) else (row.headers or {}))
    if role == APP_USER:
        token = world.extra["app_user"].token
        if row.route in OPENROSA_SESSION_ROUTES:
            url = url.replace("/openrosa/", f"/openrosa/key/{token}/", 1)
        elif row.api:
            headers.setdefault("Authorization", f"Bearer {token}")
    savepoint = transaction.savepoint()
    try:
        if row.multipart:
            response = client.generic(
                row.method,
                url,
                encode_multipart(BOUNDARY, body or {}),
                content_type=MULTIPART_CONTENT,
                headers=headers,
            )
        elif row.api:
            response = client.generic(
                row.method,
                url,
                json.dumps(body or {}),
                content_type="application/json",
                headers=headers,
            )
        else:
            response = client.generic(
                row.method,
                url,
                urlencode(body or {}),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )
    finally:
        transaction.savepoint_rollback(savepoint)
    return url, response


def cell_mismatch(matrix: Matrix, client: Client, row: Row, role: str) -> str | None:
    """Run one (role, row) cell; return what went wrong, or None when it keeps the matrix."""
    url, response = cell_response(client, matrix.world, row, role)
    if response.status_code != row.expect[role]:
        return (
            f"{role} {row.method} {url}: got {response.status_code}, "
            f"matrix says {row.expect[role]}: {response.content[:300]!r}"
        )
    problem = response.get("Content-Type") == "application/problem+json"
    if row.api and response.status_code >= 400 and not problem:
        return f"{role} {row.method} {url}: {response.status_code} is not problem+json"
    return None


class PermissionMatrixTests(TestCase):
    """Every row for every role, each in a savepoint that is rolled back afterwards.

    The world and one person per role are created once (setUpTestData), so the matrix stays
    fast as it grows; a failing cell is reported as a subtest naming the row and the role.
    """

    matrix: Matrix

    @classmethod
    def setUpTestData(cls) -> None:
        cls.matrix = matrix_build()

    def test_each_role_gets_the_status_the_matrix_promises(self) -> None:
        for role in ROLES:
            client = matrix_client(self.matrix, role)
            for row in ROWS:
                with self.subTest(row=row.name, role=role):
                    mismatch = cell_mismatch(self.matrix, client, row, role)
                    assert mismatch is None, mismatch


def api_routes_without_rows() -> set[str]:
    covered = {row.route for row in ROWS if row.api}
    return set(api.get_openapi_schema()["paths"]) - covered


def pages_without_rows() -> set[str]:
    names = _cslab_page_names(site_urls.urlpatterns)
    covered = {row.route for row in ROWS if not row.api}
    return names - covered - LIBRARY_URL_NAMES


def test_every_api_route_has_rows_in_the_matrix() -> None:
    assert api_routes_without_rows() == set(), "API routes without rows in the matrix"


def _cslab_page_names(patterns: list[Any]) -> set[str]:
    """Return the names of cslab's own pages, walking included URLconfs (not libraries')."""
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module.startswith("cslab."):
                names |= _cslab_page_names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_named_page_has_rows_in_the_matrix() -> None:
    assert pages_without_rows() == set(), "pages without rows in the matrix"


def test_every_row_states_a_status_for_every_role() -> None:
    for row in ROWS:
        assert set(row.expect) == set(ROLES), row.name
