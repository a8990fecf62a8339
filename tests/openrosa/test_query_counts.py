"""Query counts of the OpenRosa form list and a person's device passwords, at two data sizes
(see `tests/query_counts.py`)."""

from typing import Any

import pytest

from cslab.forms.models import FormVersion
from cslab.openrosa.models import AppUser
from cslab.openrosa.services.device_passwords import device_password_create
from cslab.projects.models import Project
from tests.openrosa.conftest import SURVEY, publish
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response


def test_the_form_list_costs_the_same_for_few_and_many_forms(
    client: Any, project: Project, app_user: AppUser, version: FormVersion
) -> None:
    made = iter(range(10_000))

    def publish_forms(count: int) -> None:
        for _ in range(count):
            number = next(made)
            publish(
                project,
                {
                    **SURVEY,
                    "settings": [{"form_id": f"birds_{number}", "form_title": f"Birds {number}"}],
                },
            )

    assert_constant_queries(
        publish_forms,
        lambda: client.get(f"/openrosa/key/{app_user.token}/{project.slug}/formList"),
        shown=lambda response: ok(response).content.count(b"<xform>"),
    )


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/accounts/me/device-passwords/", lambda response: ok(response).content.count(b"Phone ")),
        ("/api/v1/me/device-passwords", lambda response: len(ok(response).json())),
    ],
)
def test_my_device_passwords_cost_the_same_for_few_and_many(
    client: Any, member: Any, path: str, shown: Any
) -> None:
    made = iter(range(10_000))

    def create(count: int) -> None:
        for _ in range(count):
            device_password_create(actor=member, name=f"Phone {next(made)}")

    client.force_login(member)

    assert_constant_queries(create, lambda: client.get(path), shown=shown)
