"""Query counts of the notifications list, at two data sizes (see `tests/query_counts.py`)."""

from typing import Any

import pytest

from cslab.notifications.services.notifications import notification_send
from tests.factories import UserFactory
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.fixture
def tell(volunteer: Any) -> Any:
    def make(count: int) -> None:
        for number in range(count):
            notification_send(
                recipients=[volunteer],
                kind="question.commented",
                message="%(name)s commented on your question.",
                url=f"/questions/{number}/",
                actor=UserFactory(),
                params={"name": f"Person {number}"},
                email=False,
            )

    return make


def test_the_notifications_page_costs_the_same_for_few_and_many(
    client: Any, volunteer: Any, tell: Any
) -> None:
    client.force_login(volunteer)

    assert_constant_queries(
        tell,
        lambda: client.get("/notifications/"),
        shown=lambda response: ok(response).content.count(b"commented on your question"),
    )


@pytest.mark.parametrize(
    "path", ["/api/v1/notifications?limit=100", "/api/v1/notifications?unread=true"]
)
def test_the_notifications_api_costs_the_same_for_few_and_many(
    client: Any, volunteer: Any, tell: Any, path: str
) -> None:
    client.force_login(volunteer)

    assert_constant_queries(
        tell, lambda: client.get(path), shown=lambda response: len(ok(response).json()["items"])
    )
