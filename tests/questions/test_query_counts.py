"""Query counts of the questions area's lists, at two data sizes (see `tests/query_counts.py`):
the boards, triage, "my questions", similar questions and a question's comments, as pages and as
API lists. Each question is asked, supported and discussed by different people."""

from collections.abc import Callable
from typing import Any

import pytest

from cslab.projects.models import Project
from cslab.questions.models import Question
from cslab.questions.services.comments import comment_post
from cslab.questions.services.supports import question_support
from tests.factories import UserFactory
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response


def items_of(response: Any) -> int:
    return len(ok(response).json()["items"])


def list_of(response: Any) -> int:
    return len(ok(response).json())


def links_to_questions(response: Any) -> int:
    return ok(response).content.count(b'href="/questions/') - ok(response).content.count(
        b'href="/questions/propose'
    )


def asked(propose: Callable[..., Question], **fields: Any) -> Callable[[int], None]:
    """Add questions, each asked by a new person, supported by another and commented on."""
    made = iter(range(10_000))

    def make(count: int) -> None:
        for _ in range(count):
            number = next(made)
            fields.setdefault("actor", None)
            question = propose(
                **{**fields, "actor": fields["actor"] or UserFactory()},
                text=f"Is the river water safe to swim in? ({number})",
                domains=["health", "environment"],
            )
            question_support(actor=UserFactory(), question=question)
            comment_post(actor=UserFactory(), question=question, text=f"I wonder too ({number}).")

    return make


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/questions/", links_to_questions),
        ("/questions/?sort=support", links_to_questions),
        ("/api/v1/questions?limit=100", items_of),
        ("/api/v1/questions/similar?text=Is+the+river+water+safe+to+swim+in", list_of),
        ("/questions/similar/?text=Is+the+river+water+safe+to+swim+in", links_to_questions),
    ],
)
def test_the_lab_board_costs_the_same_for_few_and_many_questions(
    client: Any,
    propose: Callable[..., Question],
    path: str,
    shown: Callable[[Any], int],
) -> None:
    client.force_login(UserFactory())

    assert_constant_queries(asked(propose), lambda: client.get(path), shown=shown)


def test_a_project_board_costs_the_same_for_few_and_many_questions(
    client: Any, propose: Callable[..., Question], public_project: Project
) -> None:
    assert_constant_queries(
        asked(propose, project=public_project),
        lambda: client.get(f"/projects/{public_project.slug}/questions/"),
        shown=links_to_questions,
    )


def test_triage_costs_the_same_for_few_and_many_questions(
    client: Any, propose: Callable[..., Question], staff: Any
) -> None:
    client.force_login(staff)

    assert_constant_queries(
        asked(propose), lambda: client.get("/questions/triage/"), shown=links_to_questions
    )


def test_my_questions_cost_the_same_for_few_and_many(
    client: Any, propose: Callable[..., Question], volunteer: Any
) -> None:
    client.force_login(volunteer)

    assert_constant_queries(
        asked(propose, actor=volunteer),
        lambda: client.get("/questions/mine/"),
        shown=links_to_questions,
    )


def test_a_discussion_costs_the_same_for_few_and_many_comments(
    client: Any, propose: Callable[..., Question]
) -> None:
    question = propose()
    made = iter(range(10_000))

    def discuss(count: int) -> None:
        for _ in range(count):
            number = next(made)
            comment = comment_post(actor=UserFactory(), question=question, text=f"Yes ({number}).")
            comment_post(actor=UserFactory(), question=question, text="Why?", parent=comment)

    client.force_login(UserFactory())

    assert_constant_queries(
        discuss,
        lambda: client.get(f"/api/v1/questions/{question.pk}/comments?limit=100"),
        shown=items_of,
    )
    assert_constant_queries(discuss, lambda: ok(client.get(f"/questions/{question.pk}/")))
