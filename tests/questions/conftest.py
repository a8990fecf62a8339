"""Fixtures of the questions tests: boards (projects) and the people around a question."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.projects.models import Project
from cslab.questions.models import Question
from cslab.questions.services.questions import question_propose
from tests.projects.factories import MembershipFactory, ProjectFactory


@pytest.fixture
def propose(volunteer: Any) -> Callable[..., Question]:
    """Propose a question through the service; the volunteer asks unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Question:
        fields.setdefault("actor", volunteer)
        fields.setdefault("text", f"Do hedgehogs cross garden number {next(counter)}?")
        fields.setdefault("why_it_matters", "I see them at night and wonder where they go.")
        return question_propose(**fields)

    return make


@pytest.fixture
def public_project(db: Any) -> Project:
    """An approved, active, public project; its initiator is its owner."""
    project: Project = ProjectFactory(public=True)
    return project


@pytest.fixture
def private_project(db: Any) -> Project:
    """An approved, active project only its team and Lab staff may see."""
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    return project


@pytest.fixture
def team_member(make_user: Callable[..., Any]) -> Callable[[Project, str], Any]:
    """Put a new person on a project's team with a role; return the person."""

    def make(project: Project, role: str) -> Any:
        person = make_user()
        MembershipFactory(project=project, user=person, role=role)
        project.__dict__.pop("_role_cache", None)
        return person

    return make
