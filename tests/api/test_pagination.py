"""The cursor pagination convention: every row once, in order, even with equal timestamps."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cslab.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _events(count: int, *, same_time: bool) -> list[int]:
    AuditEvent.objects.bulk_create([AuditEvent(action=f"test.{n}") for n in range(count)])
    now = timezone.now()
    for offset, event in enumerate(AuditEvent.objects.order_by("pk")):
        event.created_at = now if same_time else now - timedelta(seconds=offset % 3)
        event.save(update_fields=["created_at"])
    return list(AuditEvent.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))


def _walk(client: Any, limit: int) -> tuple[list[int], int]:
    seen: list[int] = []
    pages = 0
    cursor = None
    while True:
        query: dict[str, Any] = {"limit": limit}
        if cursor:
            query["cursor"] = cursor
        body = client.get("/api/v1/audit-events", query).json()
        pages += 1
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("same_time", [True, False], ids=["equal-times", "mixed-times"])
def test_walking_the_cursor_returns_every_row_once_in_order(
    client: Any, staff: Any, same_time: bool
) -> None:
    client.force_login(staff)
    expected = _events(23, same_time=same_time)

    seen, pages = _walk(client, limit=5)

    assert seen == expected
    assert pages == 5


def test_rows_added_after_the_first_page_do_not_shift_later_pages(client: Any, staff: Any) -> None:
    client.force_login(staff)
    expected = _events(6, same_time=False)
    first = client.get("/api/v1/audit-events", {"limit": 3}).json()
    AuditEvent.objects.create(action="test.late")

    second = client.get("/api/v1/audit-events", {"limit": 3, "cursor": first["next_cursor"]}).json()

    assert [item["id"] for item in second["items"]] == expected[3:6]


@pytest.mark.parametrize("cursor", ["not-base64!!", "WzEsMl0", "eyJhIjogMX0"])
def test_a_cursor_we_did_not_give_out_answers_400(client: Any, staff: Any, cursor: str) -> None:
    client.force_login(staff)
    response = client.get("/api/v1/audit-events", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_limit_outside_the_allowed_range_answers_422(client: Any, staff: Any) -> None:
    client.force_login(staff)
    assert client.get("/api/v1/audit-events", {"limit": 1000}).status_code == 422
