"""The project page leads with what a visitor came for: one "Take part" action that fits the
visitor, live figures and each workflow's progress; the areas add them through
`core.project_page`. Also the figures on project cards and across the Lab."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cslab.classification.assignment import Identity
from cslab.classification.models import Subject, SubjectSet, Workflow, WorkflowSubject
from cslab.classification.services.classifications import classification_submit
from cslab.classification.services.workflows import workflow_create, workflow_link_subject_set
from cslab.core import project_page
from cslab.core.roles import ProjectRole
from cslab.forms.models import FormVersion
from cslab.observations.models import Observation
from cslab.openrosa.actors import AppUserActor
from cslab.openrosa.models import AppUserSubmission
from cslab.openrosa.services.app_users import app_user_create
from cslab.projects.models import Project
from cslab.questions.models import Question
from tests.classification.helpers import SPECIES_TASK, make_workflow
from tests.collection.test_observation_views import member_of, observe, publish_birds
from tests.factories import UserFactory
from tests.projects.factories import MembershipFactory, ProjectFactory
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


def figures_of(part: Any) -> dict[str, int]:
    return {figure.key: figure.number for figure in part.figures}


def client_for(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_of(project: Project, user: Any | None = None) -> Any:
    response = client_for(user).get(project.get_absolute_url())
    assert response.status_code == 200
    return response


def listed(**fields: Any) -> Project:
    project: Project = ProjectFactory(public=True, **fields)
    return project


def by_app_user(project: Project, version: FormVersion, count: int) -> None:
    device = app_user_create(actor=project.initiator, project=project, name="Phone")
    for number in range(count):
        observation, _created = observe(AppUserActor(device), version, f"phone-{number}")
        AppUserSubmission.objects.create(app_user=device, observation=observation)


def classify(workflow: Workflow, subject: Any, user: Any) -> None:
    classification_submit(
        identity=Identity(user=user), workflow=workflow, subject=subject, answers={"T0": "bee"}
    )


# Figures ----------------------------------------------------------------------------------------


def test_participants_are_the_distinct_observers_and_an_app_user_counts_once() -> None:
    project = listed()
    version = publish_birds(project)
    first, second = (member_of(project, UserFactory(), ProjectRole.MEMBER) for _ in range(2))
    for number in range(2):
        observe(first, version, f"first-{number}")
        observe(second, version, f"second-{number}")
    by_app_user(project, version, 3)

    figures = figures_of(project_page.project_part(project, AnonymousUser()))

    assert figures["observations"] == 7
    assert figures["participants"] == 3


def test_someone_who_observes_and_classifies_is_one_participant() -> None:
    project = listed()
    version = publish_birds(project)
    workflow, subjects, _owner = make_workflow(project=project, subjects=3)
    person = member_of(project, UserFactory(), ProjectRole.MEMBER)
    observe(person, version, "one")
    classify(workflow, subjects[0], person)
    classify(workflow, subjects[1], UserFactory())

    figures = figures_of(project_page.project_part(project, AnonymousUser()))

    assert figures["participants"] == 2
    assert figures["classifications"] == 2


def test_outsiders_count_no_rejected_observations_but_the_team_does() -> None:
    project = listed()
    version = publish_birds(project)
    person = member_of(project, UserFactory(), ProjectRole.MEMBER)
    observe(person, version, "kept")
    rejected, _ = observe(person, version, "rejected")
    Observation.objects.filter(pk=rejected.pk).update(status=Observation.Status.REJECTED)

    outsider = figures_of(project_page.project_part(project, UserFactory()))
    owner = figures_of(project_page.project_part(project, project.initiator))

    assert outsider["observations"] == 1
    assert owner["observations"] == 2


def test_subjects_finished_and_each_workflows_progress_link_to_where_the_viewer_may_go() -> None:
    workflow, subjects, _owner = make_workflow(subjects=4)
    WorkflowSubject.objects.filter(workflow=workflow, subject=subjects[0]).update(
        retired_at=timezone.now(), retirement_reason=WorkflowSubject.Reason.CLASSIFICATION_COUNT
    )

    part = project_page.project_part(workflow.project, UserFactory())
    anonymous = project_page.project_part(workflow.project, AnonymousUser())

    assert figures_of(part)["subjects_finished"] == 1
    [progress] = part.workflows
    assert (progress.finished, progress.total, progress.percent) == (1, 4, 25)
    workflows = f"/projects/{workflow.project.slug}/workflows/"
    assert progress.url == f"{workflows}{workflow.slug}/"
    assert workflows in [link.url for link in part.links]
    # The workflow needs an account: an anonymous visitor is shown the workflows, no log-in.
    assert [progress.url for progress in anonymous.workflows] == [workflows]


def test_a_draft_workflow_adds_no_progress_and_no_classify_action() -> None:
    workflow, _subjects, owner = make_workflow(status=Workflow.Status.DRAFT)

    part = project_page.project_part(workflow.project, owner)

    assert part.workflows == []
    assert not [action for action in part.actions if action.kind == "classify"]


def test_a_workflow_with_every_subject_finished_shows_its_progress_but_offers_no_classify() -> None:
    workflow, _subjects, _owner = make_workflow(subjects=2)
    WorkflowSubject.objects.filter(workflow=workflow).update(
        retired_at=timezone.now(), retirement_reason=WorkflowSubject.Reason.CLASSIFICATION_COUNT
    )

    part = project_page.project_part(workflow.project, UserFactory())

    assert [(progress.finished, progress.total) for progress in part.workflows] == [(2, 2)]
    assert not [action for action in part.actions if action.kind == "classify"]


def test_questions_answered_counts_the_projects_answered_questions() -> None:
    project = listed()
    for status in (Question.Status.ANSWERED, Question.Status.ANSWERED, Question.Status.ADOPTED):
        Question.objects.create(
            proposer=UserFactory(),
            text="Which bees visit lavender?",
            why_it_matters="I grow lavender.",
            status=status,
            adopted_project=project,
            answer="Mostly bumblebees." if status == Question.Status.ANSWERED else "",
        )

    assert (
        figures_of(project_page.project_part(project, AnonymousUser()))["questions_answered"] == 2
    )


def test_cards_and_the_lab_count_only_listed_projects_public_observations() -> None:
    shown = listed()
    hidden = ProjectFactory(status=Project.Status.ACTIVE, visibility=Project.Visibility.PRIVATE)
    for project in (shown, hidden):
        version = publish_birds(project)
        person = member_of(project, UserFactory(), ProjectRole.MEMBER)
        observe(person, version, "one")
        rejected, _ = observe(person, version, "two")
        Observation.objects.filter(pk=rejected.pk).update(status=Observation.Status.REJECTED)
    by_app_user(shown, FormVersion.objects.filter(form__project=shown).get(), 2)

    cards = project_page.card_facts([shown.pk])
    lab = {figure.key: figure.number for figure in project_page.lab_figures()}

    assert figures_of(cards[shown.pk]) == {"participants": 2, "observations": 3}
    assert lab["observations"] == 3
    assert lab["participants"] == 2


# Take part: one call to action that fits the visitor -------------------------------------------


def take_part(response: Any) -> list[tuple[str, str]]:
    primary = response.context["primary_action"]
    others = response.context["other_actions"]
    if primary is None:
        return []
    return [(str(action.label), action.url) for action in [primary, *others]]


def test_an_anonymous_visitor_is_asked_to_log_in_to_take_part() -> None:
    project = listed()
    publish_birds(project)

    response = page_of(project)

    assert take_part(response) == [
        ("Log in to take part", f"/accounts/login/?next=%2Fprojects%2F{project.slug}%2F"),
        ("Sign up", f"/accounts/signup/?next=%2Fprojects%2F{project.slug}%2F"),
    ]
    assert b"Log in to take part" in response.content


def test_someone_not_on_the_team_is_offered_to_join_and_not_the_team_page() -> None:
    project = listed(membership_policy=Project.MembershipPolicy.APPROVAL)
    publish_birds(project)

    response = page_of(project, UserFactory())

    assert take_part(response) == [("Join this project", f"/projects/{project.slug}/join/")]
    assert f"/projects/{project.slug}/team/".encode() not in response.content


def test_a_member_is_offered_to_contribute_with_the_forms_fill_page() -> None:
    project = listed(membership_policy=Project.MembershipPolicy.APPROVAL)
    publish_birds(project)
    member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user

    response = page_of(project, member)

    assert take_part(response) == [
        ("Contribute an observation", f"/projects/{project.slug}/forms/birds/fill/")
    ]
    assert f"/projects/{project.slug}/team/".encode() in response.content


def test_anyone_signed_in_may_contribute_to_an_open_project_without_joining_or_join_it() -> None:
    project = listed(membership_policy=Project.MembershipPolicy.OPEN)
    publish_birds(project)
    publish_birds(project, form_id="bees", title="Bees")

    actions = take_part(page_of(project, UserFactory()))

    assert actions == [
        ("Contribute: Bees", f"/projects/{project.slug}/forms/bees/fill/"),
        ("Contribute: Birds", f"/projects/{project.slug}/forms/birds/fill/"),
        ("Join this project", f"/projects/{project.slug}/join/"),
    ]


def test_classifying_comes_first_for_a_non_member_and_joining_second() -> None:
    workflow, _subjects, _owner = make_workflow()
    project = workflow.project

    actions = take_part(page_of(project, UserFactory()))

    assert actions == [
        ("Classify", f"/projects/{project.slug}/workflows/{workflow.slug}/"),
        ("Join this project", f"/projects/{project.slug}/join/"),
    ]


def test_an_invite_only_project_offers_no_join() -> None:
    project = listed(membership_policy=Project.MembershipPolicy.INVITE_ONLY)
    publish_birds(project)

    assert take_part(page_of(project, UserFactory())) == []


def test_a_completed_project_offers_no_way_to_take_part() -> None:
    project = listed(status=Project.Status.COMPLETED)
    publish_birds(project)

    response = page_of(project)

    assert take_part(response) == []
    assert b"Take part" not in response.content


def test_the_page_shows_the_figures_and_the_cover_image_with_its_alt_text() -> None:
    project = listed(image="projects/bees.jpg", image_alt_text="A bee on lavender.")
    version = publish_birds(project)
    observe(member_of(project, UserFactory(), ProjectRole.MEMBER), version, "one")

    content = page_of(project).content.decode()

    assert 'alt="A bee on lavender."' in content
    assert "<dt>Observations</dt><dd>1</dd>" in content
    assert "<dt>Participants</dt><dd>1</dd>" in content


def test_a_private_projects_page_and_figures_are_a_404_for_outsiders() -> None:
    project = ProjectFactory(status=Project.Status.ACTIVE, visibility=Project.Visibility.PRIVATE)

    assert client_for(UserFactory()).get(project.get_absolute_url()).status_code == 404
    assert client_for(None).get(project.get_absolute_url()).status_code == 404


# Query counts: a page costs the same with few or many contributions and projects ----------------


def make_rows(make_one: Any) -> Any:
    made = iter(range(10_000))

    def make(count: int) -> None:
        for _ in range(count):
            make_one(next(made))

    return make


def test_the_project_page_costs_the_same_for_few_and_many_contributions_and_workflows() -> None:
    project = listed(membership_policy=Project.MembershipPolicy.OPEN)
    version = publish_birds(project)
    device = app_user_create(actor=project.initiator, project=project, name="Phone")
    member = MembershipFactory(project=project, role=ProjectRole.MEMBER).user

    def contribute(number: int) -> None:
        observe(member_of(project, UserFactory(), ProjectRole.MEMBER), version, f"o{number}")
        observation, _ = observe(AppUserActor(device), version, f"device-{number}")
        AppUserSubmission.objects.create(app_user=device, observation=observation)
        subject_set = SubjectSet.objects.create(project=project, name=f"Set {number}")
        subject = Subject.objects.create(
            subject_set=subject_set, external_id="s", kind=Subject.Kind.TEXT, text="Bee?"
        )
        workflow = workflow_create(
            actor=project.initiator,
            project=project,
            name=f"Workflow {number}",
            tasks=[SPECIES_TASK],
            status=Workflow.Status.ACTIVE,
        )
        workflow_link_subject_set(
            actor=project.initiator, workflow=workflow, subject_set=subject_set
        )
        classify(workflow, subject, UserFactory())

    client = client_for(member)
    assert_constant_queries(
        make_rows(contribute),
        lambda: page_of(project, None) and client.get(project.get_absolute_url()),
        shown=lambda response: len(response.context["workflows"]),
    )


def test_the_home_page_costs_the_same_for_few_and_many_projects_and_questions() -> None:
    def project_with_an_observation(number: int) -> None:
        project = listed(name=f"Bees {number}", image="projects/bees.jpg", image_alt_text="Bees")
        version = publish_birds(project)
        observe(member_of(project, UserFactory(), ProjectRole.MEMBER), version, "one")
        Question.objects.create(
            proposer=UserFactory(), text=f"Question {number}?", why_it_matters="Because."
        )

    def home_page() -> Any:
        cache.clear()  # the home page keeps its ranking and figures for a minute: count them
        return client.get("/")

    client = client_for(UserFactory())
    assert_constant_queries(
        make_rows(project_with_an_observation),
        home_page,
        shown=lambda response: len(response.context["projects"]),
        sizes=(2, 5),
    )


# The home page --------------------------------------------------------------------------------


def test_the_home_page_lists_running_projects_first_and_never_a_private_one() -> None:
    running = listed(name="Running bees")
    finished = listed(name="Finished bees", status=Project.Status.COMPLETED)
    private = ProjectFactory(
        name="Private bees", status=Project.Status.ACTIVE, visibility=Project.Visibility.PRIVATE
    )
    for project in (finished, private):  # more recent activity than the running project
        version = publish_birds(project)
        observe(member_of(project, UserFactory(), ProjectRole.MEMBER), version, "one")

    response = client_for(None).get("/")

    names = [entry.project.name for entry in response.context["projects"]]
    assert names == [running.name, finished.name]
    assert b"Private bees" not in response.content


def test_the_home_page_links_only_to_areas_that_exist_and_signed_in_people_to_their_work() -> None:
    person = UserFactory()
    project = listed(name="My bees")
    MembershipFactory(project=project, user=person, role=ProjectRole.MEMBER)

    anonymous = client_for(None).get("/").content.decode()
    signed_in = client_for(person).get("/").content.decode()

    # The knowledge hub (issue 12), events and training (issue 13) exist and are linked.
    assert 'href="/hub/">Knowledge hub</a>' in anonymous
    assert 'href="/events/">Events</a>' in anonymous
    assert 'href="/training/">Training</a>' in anonymous
    assert "/accounts/me/observations/" not in anonymous
    assert 'href="/accounts/me/observations/"' in signed_in
    assert f'href="/projects/{project.slug}/"' in signed_in.split('id="mine-title"')[1]


def test_the_home_page_shows_open_questions_and_the_labs_figures() -> None:
    project = listed()
    version = publish_birds(project)
    observe(member_of(project, UserFactory(), ProjectRole.MEMBER), version, "one")
    Question.objects.create(
        proposer=UserFactory(), text="Do bees like lavender?", why_it_matters="Gardens."
    )

    response = client_for(None).get("/")

    assert [question.text for question in response.context["questions"]] == [
        "Do bees like lavender?"
    ]
    figures = {figure.key: figure.number for figure in response.context["lab_figures"]}
    assert figures == {
        "projects": 1,
        "participants": 1,
        "observations": 1,
        "classifications": 0,
        "questions": 1,
    }
