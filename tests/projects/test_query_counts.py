"""Query counts of the projects area's lists, at two data sizes (see `tests/query_counts.py`):
the directory, feeds, "my projects", the review queue, organisations, teams, invitations, join
and mentoring requests and the timeline, as pages and as API lists."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.classification.models import Workflow
from cslab.classification.services.workflows import workflow_create
from cslab.core.roles import ProjectRole
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project, ProjectStatusChange
from cslab.projects.services.invitations import invitation_send
from cslab.projects.services.join_requests import join_project
from cslab.projects.services.mentoring import mentor_request
from cslab.projects.services.projects import project_create
from cslab.questions.services.questions import question_propose
from tests.classification.helpers import SPECIES_TASK
from tests.collection.test_observation_views import publish_birds
from tests.factories import UserFactory
from tests.projects.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationMemberFactory,
    ProjectFactory,
)
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db

LEIDEN = (52.1601, 4.4970)


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response


def items_of(response: Any) -> int:
    return len(ok(response).json()["items"])


def list_of(response: Any) -> int:
    return len(ok(response).json())


def times(make_one: Callable[[int], Any]) -> Callable[[int], None]:
    """Turn "make the n-th row" into "make `count` more rows"."""
    made = iter(range(10_000))

    def make(count: int) -> None:
        for _ in range(count):
            make_one(next(made))

    return make


def listed_project(number: int, **fields: Any) -> Project:
    """A public, active project with an organisation, tags and a place, made by a new person."""
    fields.setdefault("status", Project.Status.ACTIVE)
    fields.setdefault("visibility", Project.Visibility.PUBLIC)
    fields.setdefault("organisation", OrganisationFactory())
    return project_create(
        actor=None,
        owner=UserFactory(),
        name=f"Bees {number}",
        aim="bees",
        geographic_extent={
            "type": "Point",
            "coordinates": [LEIDEN[1] + number / 1000, LEIDEN[0]],
        },
        tags={"domain": ["health", f"domain-{number}"], "country": ["NL"]},
        **fields,
    )


# The directory, feeds and the catalogue ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/projects/", None),
        ("/projects/?q=bees&domain=health", None),
        ("/projects/map.geojson", lambda response: len(ok(response).json()["features"])),
        ("/projects/feed/", lambda response: ok(response).content.count(b"<entry>")),
        ("/sitemap.xml", lambda response: ok(response).content.count(b"<url>")),
        ("/api/v1/projects", items_of),
        ("/api/v1/ppsr/projects", None),
    ],
)
def test_public_project_lists_cost_the_same_for_few_and_many_projects(
    client: Any, path: str, shown: Callable[[Any], int] | None
) -> None:
    assert_constant_queries(times(listed_project), lambda: ok(client.get(path)), shown=shown)


def test_my_projects_cost_the_same_for_few_and_many_projects(client: Any, volunteer: Any) -> None:
    def join(number: int) -> None:
        MembershipFactory(project=listed_project(number), user=volunteer, role=ProjectRole.MEMBER)

    client.force_login(volunteer)

    assert_constant_queries(times(join), lambda: ok(client.get("/projects/mine/")))


def test_the_review_queue_costs_the_same_for_few_and_many_projects(client: Any, staff: Any) -> None:
    client.force_login(staff)

    assert_constant_queries(
        times(lambda number: listed_project(number, status=Project.Status.IN_REVIEW)),
        lambda: ok(client.get("/staff/review/")),
    )


# Organisations ----------------------------------------------------------------------------------


def test_organisations_cost_the_same_for_few_and_many(client: Any) -> None:
    def organisation(number: int) -> None:
        OrganisationMemberFactory(organisation=OrganisationFactory())

    assert_constant_queries(times(organisation), lambda: ok(client.get("/organisations/")))
    assert_constant_queries(
        times(organisation), lambda: client.get("/api/v1/organisations"), shown=items_of
    )


def test_an_organisations_page_costs_the_same_for_few_and_many_projects(client: Any) -> None:
    organisation = OrganisationFactory()

    assert_constant_queries(
        times(lambda number: listed_project(number, organisation=organisation)),
        lambda: ok(client.get(f"/organisations/{organisation.slug}/")),
    )


# A team -----------------------------------------------------------------------------------------


@pytest.fixture
def project(db: Any) -> Project:
    project: Project = ProjectFactory(
        public=True, membership_policy=Project.MembershipPolicy.APPROVAL
    )
    return project


def test_a_team_costs_the_same_for_few_and_many_members(client: Any, project: Project) -> None:
    def member(number: int) -> None:
        MembershipFactory(project=project, role=ProjectRole.MEMBER)

    client.force_login(project.initiator)

    assert_constant_queries(
        times(member), lambda: ok(client.get(f"/projects/{project.slug}/team/"))
    )
    assert_constant_queries(
        times(member),
        lambda: client.get(f"/api/v1/projects/{project.slug}/members?limit=100"),
        shown=items_of,
    )


def test_invitations_cost_the_same_for_few_and_many(client: Any, project: Project) -> None:
    def invite(number: int) -> None:
        invitation_send(
            actor=project.initiator,
            project=project,
            email=f"invited{number}@example.org",
            role=ProjectRole.MEMBER,
        )

    client.force_login(project.initiator)

    assert_constant_queries(
        times(invite),
        lambda: client.get(f"/api/v1/projects/{project.slug}/invitations?limit=100"),
        shown=items_of,
    )


def test_join_requests_cost_the_same_for_few_and_many(client: Any, project: Project) -> None:
    def ask(number: int) -> None:
        join_project(actor=UserFactory(), project=project, message=f"I count bees {number}.")

    client.force_login(project.initiator)

    assert_constant_queries(
        times(ask),
        lambda: client.get(f"/api/v1/projects/{project.slug}/join-requests?limit=100"),
        shown=items_of,
    )
    assert_constant_queries(times(ask), lambda: ok(client.get(f"/projects/{project.slug}/team/")))


def test_the_timeline_costs_the_same_for_few_and_many_changes(
    client: Any, project: Project
) -> None:
    def change(number: int) -> None:
        ProjectStatusChange.objects.create(
            project=project,
            from_status=Project.Status.ACTIVE,
            to_status=Project.Status.ACTIVE,
            actor=UserFactory(),
            comment=f"Step {number}",
        )

    assert_constant_queries(
        times(change),
        lambda: client.get(f"/api/v1/projects/{project.slug}/timeline"),
        shown=list_of,
    )
    assert_constant_queries(times(change), lambda: ok(client.get(f"/projects/{project.slug}/")))


def test_mentor_requests_cost_the_same_for_few_and_many(client: Any, staff: Any) -> None:
    def ask(number: int) -> None:
        owner = UserFactory()
        project = project_create(
            actor=owner, name=f"Street trees {number}", initiator_type="community_led"
        )
        mentor_request(actor=owner, project=project)

    client.force_login(staff)

    assert_constant_queries(times(ask), lambda: ok(client.get("/staff/mentoring/")))
    assert_constant_queries(
        times(ask), lambda: client.get("/api/v1/mentor-requests?limit=100"), shown=items_of
    )


def test_a_project_page_seen_by_its_owner_costs_the_same_for_few_and_many_things_on_it(
    client: Any, project: Project
) -> None:
    """The page lists the team, forms, app users, workflows and the board's questions."""

    def add(number: int) -> None:
        MembershipFactory(project=project, role=ProjectRole.RESEARCHER)
        publish_birds(project, form_id=f"birds_{number}", title=f"Birds {number}")
        app_user_create(actor=project.initiator, project=project, name=f"Phone {number}")
        workflow_create(
            actor=project.initiator,
            project=project,
            name=f"Who visits {number}?",
            tasks=[SPECIES_TASK],
            status=Workflow.Status.ACTIVE,
        )
        question_propose(
            actor=UserFactory(),
            project=project,
            text=f"Do hedgehogs cross garden number {number}?",
            why_it_matters="I see them at night.",
        )

    client.force_login(project.initiator)

    assert_constant_queries(
        times(add),
        lambda: client.get(f"/projects/{project.slug}/"),
        shown=lambda response: ok(response).content.count(b"Phone "),
    )
