"""Query counts of a person's API tokens, at two data sizes (see `tests/query_counts.py`)."""

from typing import Any

import pytest

from cslab.accounts.services.api_tokens import api_token_create
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/accounts/me/tokens/", lambda response: ok(response).content.count(b"Laptop ")),
        ("/api/v1/me/tokens", lambda response: len(ok(response).json())),
    ],
)
def test_my_api_tokens_cost_the_same_for_few_and_many(
    client: Any, volunteer: Any, path: str, shown: Any
) -> None:
    made = iter(range(10_000))

    def create(count: int) -> None:
        for _ in range(count):
            api_token_create(actor=volunteer, user=volunteer, name=f"Laptop {next(made)}")

    client.force_login(volunteer)

    assert_constant_queries(create, lambda: client.get(path), shown=shown)
