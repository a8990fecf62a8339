"""`cslab project create`: for staff and scripts; prints only the new project's slug."""

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cslab.core.roles import ProjectRole
from cslab.projects.models import Project

pytestmark = pytest.mark.django_db


def _create(*arguments: str) -> str:
    output = io.StringIO()
    call_command("project", "create", *arguments, stdout=output)
    return output.getvalue()


def test_project_create_prints_only_the_slug_and_makes_the_owner_owner(volunteer: Any) -> None:
    printed = _create("--name", "Bee count 2026", "--owner", volunteer.email)
    assert printed == "bee-count-2026\n"
    project = Project.objects.get(slug="bee-count-2026")
    assert project.status == "idea" and project.visibility == "private"
    assert project.project_role_for(volunteer) == ProjectRole.OWNER


def test_project_create_with_a_running_status_is_approved_and_gets_its_own_slug(
    volunteer: Any,
) -> None:
    _create("--name", "Bee count", "--owner", volunteer.email)
    printed = _create(
        "--name",
        "Bee count",
        "--owner",
        volunteer.email,
        "--visibility",
        "public",
        "--status",
        "active",
    )
    project = Project.objects.get(slug=printed.strip())
    assert project.slug == "bee-count-2"
    assert project.approved_at is not None and project.visibility == "public"


def test_project_create_refuses_unknown_owner_and_bad_values(volunteer: Any) -> None:
    with pytest.raises(CommandError, match="no user"):
        _create("--name", "X", "--owner", "nobody@example.org")
    with pytest.raises(CommandError, match="name"):
        _create("--name", "  ", "--owner", volunteer.email)
    with pytest.raises(CommandError):
        _create("--name", "X", "--owner", volunteer.email, "--status", "flying")
    assert not Project.objects.exists()
