"""The classification API end to end: next, classify, gold feedback, undo, stats, results,
expert decisions, anonymous sessions merged on sign-in."""

import json
from typing import Any

import pytest
from django.test import Client

from cslab.classification.models import Classification
from tests.classification.helpers import make_workflow
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _base(workflow: Any) -> str:
    return f"/api/v1/projects/{workflow.project.slug}/workflows/{workflow.slug}"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_volunteer_classifies_until_retirement_and_sees_results(
    django_capture_on_commit_callbacks: Any,
) -> None:
    workflow, subjects, owner = make_workflow(
        subjects=1, retirement_count=2, gold_rate_newcomer=0, gold_rate_experienced=0
    )
    for label in ("bee", "hoverfly"):
        client = Client()
        client.force_login(UserFactory())
        offered = client.get(f"{_base(workflow)}/next?count=2").json()
        assert [subject["id"] for subject in offered] == [subjects[0].pk]
        assert "is_gold" not in offered[0] and "gold_answers" not in offered[0]
        response = _post(
            client,
            f"{_base(workflow)}/classifications",
            {"subject_id": subjects[0].pk, "answers": {"T0": label}},
        )
        assert response.status_code == 201, response.content
        assert response.json()["gold"] is None
    researcher = Client()
    researcher.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        started = _post(researcher, f"{_base(workflow)}/aggregation", {"method": "majority"})
    assert started.status_code == 202, started.content
    results = researcher.get(f"{_base(workflow)}/results").json()
    assert results[0]["probabilities"] == {"bee": 0.5, "hoverfly": 0.5, "butterfly": 0.0}
    assert results[0]["retirement_reason"] == "classification_count"
    assert results[0]["is_disputed"]
    queue = researcher.get(f"{_base(workflow)}/disputed").json()
    assert [item["subject_id"] for item in queue] == [subjects[0].pk]
    decided = _post(
        researcher,
        f"{_base(workflow)}/subjects/{subjects[0].pk}/decision",
        {"answers": {"T0": "bee"}, "note": "Hairy legs."},
    )
    assert decided.status_code == 201
    assert researcher.get(f"{_base(workflow)}/disputed").json() == []


def test_gold_feedback_says_whether_the_answer_matched_and_why() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1, gold=1)
    client = Client()
    client.force_login(UserFactory())
    response = _post(
        client,
        f"{_base(workflow)}/classifications",
        {"subject_id": subjects[0].pk, "answers": {"T0": "hoverfly"}},
    )
    gold = response.json()["gold"]
    assert gold == {
        "matched": False,
        "expected": "Bee",
        "explanation": "A bee has four wings and hairy legs.",
    }
    stats = client.get(f"{_base(workflow)}/me").json()
    assert (stats["classifications"], stats["gold_seen"], stats["gold_matched"]) == (1, 1, 0)


def test_a_repeat_is_safe_and_other_answers_are_a_conflict() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    client = Client()
    client.force_login(UserFactory())
    body = {"subject_id": subjects[0].pk, "answers": {"T0": "bee"}}
    assert _post(client, f"{_base(workflow)}/classifications", body).status_code == 201
    assert _post(client, f"{_base(workflow)}/classifications", body).status_code == 200
    conflict = _post(
        client, f"{_base(workflow)}/classifications", {**body, "answers": {"T0": "hoverfly"}}
    )
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "already_classified"


def test_invalid_answers_are_a_problem_per_task() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    client = Client()
    client.force_login(UserFactory())
    response = _post(
        client,
        f"{_base(workflow)}/classifications",
        {"subject_id": subjects[0].pk, "answers": {"T0": "wasp"}},
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["T0"]


def test_undo_offers_the_subject_again() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    client = Client()
    client.force_login(UserFactory())
    _post(
        client,
        f"{_base(workflow)}/classifications",
        {"subject_id": subjects[0].pk, "answers": {"T0": "bee"}},
    )
    assert client.get(f"{_base(workflow)}/next").json() == []
    undone = client.delete(f"{_base(workflow)}/classifications/last")
    assert undone.status_code == 200 and undone.json()["subject_id"] == subjects[0].pk
    assert [item["id"] for item in client.get(f"{_base(workflow)}/next").json()] == [subjects[0].pk]


def test_anonymous_classifications_move_to_the_account_on_log_in() -> None:
    workflow, subjects, _owner = make_workflow(subjects=2, allow_anonymous=True)
    client = Client()
    response = _post(
        client,
        f"{_base(workflow)}/classifications",
        {"subject_id": subjects[0].pk, "answers": {"T0": "bee"}},
    )
    assert response.status_code == 201
    assert [item["id"] for item in client.get(f"{_base(workflow)}/next?count=5").json()] == [
        subjects[1].pk
    ]
    volunteer = UserFactory()
    logged_in = client.post(
        "/accounts/login/", {"login": volunteer.email, "password": TEST_PASSWORD}
    )
    assert logged_in.status_code == 302
    stored = Classification.objects.get()
    assert stored.volunteer == volunteer and stored.session_identity == ""


def test_anonymous_writes_need_the_csrf_token() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1, allow_anonymous=True)
    client = Client(enforce_csrf_checks=True)
    client.get(f"/projects/{workflow.project.slug}/workflows/{workflow.slug}/")
    body = {"subject_id": subjects[0].pk, "answers": {"T0": "bee"}}
    refused = _post(client, f"{_base(workflow)}/classifications", body)
    assert refused.status_code == 403
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        f"{_base(workflow)}/classifications",
        json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201


def test_anonymous_visitors_cannot_classify_where_the_workflow_does_not_allow_it() -> None:
    workflow, subjects, _owner = make_workflow(subjects=1)
    response = _post(
        Client(),
        f"{_base(workflow)}/classifications",
        {"subject_id": subjects[0].pk, "answers": {"T0": "bee"}},
    )
    assert response.status_code == 401
