"""The questions API: happy paths, problem codes, and cursor pagination."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.core.roles import ProjectRole
from cslab.projects.models import Project
from cslab.questions.models import Question
from cslab.questions.services.comments import comment_post
from cslab.questions.services.states import question_adopt

pytestmark = pytest.mark.django_db
S = Question.Status


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def test_anyone_lists_and_reads_visible_questions(
    client: Any, propose: Callable[..., Question], private_project: Project
) -> None:
    question = propose(domains=["water"])
    hidden = propose(actor=private_project.initiator, project=private_project)

    listed = client.get("/api/v1/questions").json()
    assert [item["id"] for item in listed["items"]] == [question.pk]
    item = listed["items"][0]
    assert item["board"] is None and item["domains"] == ["water"] and item["status"] == "proposed"
    assert client.get(f"/api/v1/questions/{question.pk}").status_code == 200
    response = client.get(f"/api/v1/questions/{hidden.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_lists_page_with_a_cursor(client: Any, propose: Callable[..., Question]) -> None:
    questions = [propose() for _ in range(3)]
    first = client.get("/api/v1/questions?sort=recent&limit=2").json()
    assert [item["id"] for item in first["items"]] == [questions[2].pk, questions[1].pk]
    second = client.get(f"/api/v1/questions?sort=recent&limit=2&cursor={first['next_cursor']}")
    assert [item["id"] for item in second.json()["items"]] == [questions[0].pk]


def test_proposing_needs_signing_in_and_answers_201(
    client: Any, volunteer: Any, public_project: Project
) -> None:
    body = {
        "text": "Do bats hunt over the canals?",
        "why_it_matters": "I see them every evening.",
        "board": public_project.slug,
        "domains": ["biodiversity"],
        "latitude": 52.16,
        "longitude": 4.49,
    }
    anonymous = _post(client, "/api/v1/questions", body)
    assert anonymous.status_code == 401
    client.force_login(volunteer)
    response = _post(client, "/api/v1/questions", body)
    assert response.status_code == 201
    assert response.json()["board"] == public_project.slug
    assert _post(client, "/api/v1/questions", body).json()["code"] == "duplicate_question"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": "", "why_it_matters": "x"}, 422, "validation_error"),
        ({"text": "Q?", "why_it_matters": "x", "domains": ["astrology"]}, 400, "invalid_input"),
        ({"text": "Q?", "why_it_matters": "x", "latitude": 52.0}, 400, "invalid_input"),
        ({"text": "Q?", "why_it_matters": "x", "board": "no-such-project"}, 404, "not_found"),
    ],
)
def test_bad_proposals_answer_problem_codes(
    client: Any, volunteer: Any, body: dict[str, Any], status: int, code: str
) -> None:
    client.force_login(volunteer)
    response = _post(client, "/api/v1/questions", body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response["Content-Type"] == "application/problem+json"


def test_support_and_withdraw(
    client: Any, propose: Callable[..., Question], make_user: Any
) -> None:
    question = propose()
    client.force_login(make_user())
    assert _post(client, f"/api/v1/questions/{question.pk}/support").json() == {
        "question_id": question.pk,
        "supporting": True,
        "support_count": 1,
    }
    assert _post(client, f"/api/v1/questions/{question.pk}/support").json()["support_count"] == 1
    withdrawn = client.delete(f"/api/v1/questions/{question.pk}/support").json()
    assert withdrawn["support_count"] == 0 and withdrawn["supporting"] is False


def test_follow_and_unfollow(client: Any, propose: Callable[..., Question], make_user: Any) -> None:
    question = propose()
    client.force_login(make_user())
    assert _post(client, f"/api/v1/questions/{question.pk}/follow").json()["following"] is True
    assert client.delete(f"/api/v1/questions/{question.pk}/follow").json()["following"] is False


def test_comments_list_create_reply_and_flag(
    client: Any, propose: Callable[..., Question], make_user: Any
) -> None:
    question = propose()
    author = make_user()
    client.force_login(author)
    created = _post(client, f"/api/v1/questions/{question.pk}/comments", {"text": "Hello!"})
    assert created.status_code == 201
    parent_id = created.json()["id"]
    reply = _post(
        client,
        f"/api/v1/questions/{question.pk}/comments",
        {"text": "Hi!", "parent_id": parent_id},
    ).json()
    assert (reply["parent_id"], reply["depth"]) == (parent_id, 1)

    listed = client.get(f"/api/v1/questions/{question.pk}/comments").json()["items"]
    assert [item["text"] for item in listed] == ["Hello!", "Hi!"]

    own_flag = _post(client, f"/api/v1/questions/comments/{parent_id}/flag")
    assert (own_flag.status_code, own_flag.json()["code"]) == (400, "own_comment")
    client.force_login(make_user())
    flagged = _post(client, f"/api/v1/questions/comments/{parent_id}/flag", {"reason": "Rude"})
    assert flagged.status_code == 200 and flagged.json()["hidden"] is False


def test_moderators_hide_and_restore_comments_others_are_refused(
    client: Any, propose: Callable[..., Question], make_user: Any, staff: Any
) -> None:
    question = propose()
    comment = comment_post(actor=make_user(), question=question, text="Spam spam")
    client.force_login(make_user())
    refused = _post(client, f"/api/v1/questions/comments/{comment.pk}/hide", {"reason": "x"})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    client.force_login(staff)
    hidden = _post(client, f"/api/v1/questions/comments/{comment.pk}/hide", {"reason": "Spam."})
    assert hidden.json()["hidden"] is True and hidden.json()["hidden_reason"] == "Spam."
    client.logout()
    listed = client.get(f"/api/v1/questions/{question.pk}/comments").json()["items"]
    assert listed[0]["text"] == "" and listed[0]["hidden"] is True
    client.force_login(staff)
    restored = _post(client, f"/api/v1/questions/comments/{comment.pk}/restore")
    assert restored.json()["hidden"] is False


def test_the_whole_life_of_a_question_through_the_api(
    client: Any, propose: Callable[..., Question], public_project: Project, team_member: Any
) -> None:
    researcher = team_member(public_project, ProjectRole.RESEARCHER)
    question, duplicate = propose(project=public_project), propose(project=public_project)
    client.force_login(researcher)

    considered = _post(client, f"/api/v1/questions/{question.pk}/consider", {"note": "Hm."})
    assert considered.json()["status"] == "under_consideration"
    adopted = _post(
        client, f"/api/v1/questions/{question.pk}/adopt", {"project": public_project.slug}
    )
    assert adopted.json()["adopted_project"] == public_project.slug
    answered = _post(
        client,
        f"/api/v1/questions/{question.pk}/answer",
        {"answer": "Yes.", "links": [{"title": "Data", "url": "https://example.org/data"}]},
    ).json()
    assert answered["status"] == "answered" and answered["answer_links"][0]["title"] == "Data"
    merged = _post(client, f"/api/v1/questions/{duplicate.pk}/merge", {"into": question.pk})
    assert merged.json()["merged_into_id"] == question.pk


def test_declining_answers_with_the_reason(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    client.force_login(staff)
    declined = _post(client, f"/api/v1/questions/{question.pk}/decline", {"reason": "Vague."})
    assert declined.json()["decline_reason"] == "Vague."


@pytest.mark.parametrize(
    ("who", "path", "body", "status", "code"),
    [
        ("anonymous", "consider", {}, 401, "not_authenticated"),
        ("volunteer", "consider", {}, 403, "permission_denied"),
        ("staff", "answer", {"answer": "Too early."}, 409, "invalid_transition"),
        ("staff", "decline", {"reason": ""}, 422, "validation_error"),
        ("staff", "decline", {"reason": "   "}, 400, "invalid_input"),
        ("staff", "merge", {"into": 999999}, 404, "not_found"),
        ("staff", "adopt", {"project": "no-such-project"}, 404, "not_found"),
    ],
)
def test_state_changes_answer_problem_codes(
    client: Any,
    propose: Callable[..., Question],
    make_user: Any,
    staff: Any,
    who: str,
    path: str,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    question = propose()
    if who == "volunteer":
        client.force_login(make_user())
    elif who == "staff":
        client.force_login(staff)
    response = _post(client, f"/api/v1/questions/{question.pk}/{path}", body)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_a_private_adopting_project_is_not_named_to_outsiders(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    question = propose()
    question_adopt(actor=staff, question=question)
    item = client.get(f"/api/v1/questions/{question.pk}").json()
    assert item["status"] == "adopted" and item["adopted_project"] is None


def test_similar_questions_by_api(client: Any, propose: Callable[..., Question]) -> None:
    question = propose(text="Is the river water safe to swim in?")
    found = client.get("/api/v1/questions/similar", {"text": "swimming in the river"}).json()
    assert [item["id"] for item in found] == [question.pk]
    assert 0 < found[0]["score"] <= 1
