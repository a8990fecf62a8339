"""Query counts of the jobs list and the audit log, at two data sizes (see
`tests/query_counts.py`)."""

from typing import Any

import pytest

from cslab.accounts.jobs import DATA_EXPORT
from cslab.core.services.audit import audit_record
from cslab.core.services.jobs import job_start
from tests.factories import UserFactory
from tests.query_counts import assert_constant_queries

pytestmark = pytest.mark.django_db


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return response


def items_of(response: Any) -> int:
    return len(ok(response).json()["items"])


@pytest.mark.parametrize(
    ("path", "shown"), [("/jobs/", None), ("/api/v1/jobs?limit=100", items_of)]
)
def test_my_jobs_cost_the_same_for_few_and_many(
    client: Any, volunteer: Any, path: str, shown: Any
) -> None:
    def start(count: int) -> None:
        for number in range(count):
            job_start(actor=volunteer, kind=DATA_EXPORT, title=f"Export {number}")

    client.force_login(volunteer)

    assert_constant_queries(start, lambda: ok(client.get(path)), shown=shown)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/audit/", lambda response: ok(response).content.count(b"profile.updated")),
        ("/api/v1/audit-events?limit=100", items_of),
    ],
)
def test_the_audit_log_costs_the_same_for_few_and_many_events(
    client: Any, staff: Any, path: str, shown: Any
) -> None:
    def record(count: int) -> None:
        for number in range(count):
            person = UserFactory()
            audit_record(
                actor=person,
                action="profile.updated",
                target=person,
                details={"fields": ["bio"], "number": number},
            )

    client.force_login(staff)

    assert_constant_queries(record, lambda: client.get(path), shown=shown)
