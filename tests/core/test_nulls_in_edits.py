"""A null sent for a field that cannot hold one empties an optional text field and is refused,
naming the field, for anything else; never a database error (a 500)."""

from typing import Any

import pytest

from tests.classification.helpers import make_workflow

pytestmark = pytest.mark.django_db


def _workflow_url(workflow: Any) -> str:
    return f"/api/v1/projects/{workflow.project.slug}/workflows/{workflow.slug}"


def test_a_null_tutorial_empties_it(client: Any) -> None:
    workflow, _subjects, owner = make_workflow(subjects=0, tutorial="Look closely.")
    client.force_login(owner)
    response = client.patch(
        _workflow_url(workflow),
        {"tutorial": None, "field_guide": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    workflow.refresh_from_db()
    assert (workflow.tutorial, workflow.field_guide) == ("", "")


@pytest.mark.parametrize("field", ["allow_anonymous", "retirement_count", "assignment_order"])
def test_a_null_for_a_setting_without_an_empty_value_is_refused_naming_it(
    client: Any, field: str
) -> None:
    workflow, _subjects, owner = make_workflow(subjects=0)
    client.force_login(owner)
    response = client.patch(_workflow_url(workflow), {field: None}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_a_null_consensus_method_means_the_tasks_default(client: Any) -> None:
    workflow, _subjects, owner = make_workflow(subjects=0)
    client.force_login(owner)
    response = client.patch(
        f"{_workflow_url(workflow)}/aggregation/settings",
        {"method": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["method"] == ""


def test_a_null_for_an_optional_field_without_an_empty_text_is_refused() -> None:
    from cslab.classification.models import Subject
    from cslab.core.errors import InvalidInputError
    from cslab.core.fields import nulls_as_empty

    assert nulls_as_empty(Subject, {"text": None, "kind": "text"}) == {"text": "", "kind": "text"}
    with pytest.raises(InvalidInputError) as raised:
        nulls_as_empty(Subject, {"metadata": None, "text": None})
    assert set(raised.value.details) == {"metadata"}
