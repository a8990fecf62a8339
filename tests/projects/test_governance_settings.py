"""The project settings' data-protection fields: embargo date and retention period."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cslab.projects.models import Project
from tests.projects.factories import ProjectFactory
from tests.projects.test_pages import client_for, edit_data

pytestmark = pytest.mark.django_db


def test_the_owner_sets_an_embargo_and_a_retention_period_with_their_help_texts() -> None:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    url = reverse("project_edit", args=[project.slug])
    page = client_for(project.initiator).get(url).content.decode()
    assert 'name="data_embargo_until"' in page and 'name="personal_data_retention_days"' in page
    assert "30 to 3650 days" in page

    embargo = timezone.localdate() + timedelta(days=200)
    response = client_for(project.initiator).post(
        url,
        edit_data(
            project,
            data_embargo_until=embargo.isoformat(),
            personal_data_retention_days="365",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.data_embargo_until == embargo
    assert project.personal_data_retention_days == 365


@pytest.mark.parametrize("days", ["29", "3651", "-5"])
def test_a_retention_period_outside_30_to_3650_days_is_refused(days: str) -> None:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, personal_data_retention_days=days),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["personal_data_retention_days"]
    project.refresh_from_db()
    assert project.personal_data_retention_days is None


def test_an_embargo_more_than_five_years_ahead_is_refused() -> None:
    project: Project = ProjectFactory(status=Project.Status.ACTIVE)
    too_late: date = timezone.localdate() + timedelta(days=5 * 366 + 2)
    response = client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, data_embargo_until=too_late.isoformat()),
    )

    assert response.context["form"].errors["data_embargo_until"] == [
        "An embargo can last at most five years."
    ]


def test_emptying_both_fields_clears_them() -> None:
    project: Project = ProjectFactory(
        status=Project.Status.ACTIVE,
        data_embargo_until=timezone.localdate() + timedelta(days=10),
        personal_data_retention_days=90,
    )
    client_for(project.initiator).post(
        reverse("project_edit", args=[project.slug]),
        edit_data(project, data_embargo_until="", personal_data_retention_days=""),
    )

    project.refresh_from_db()
    assert project.data_embargo_until is None and project.personal_data_retention_days is None
