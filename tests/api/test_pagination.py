"""The cursor pagination convention: every row once, in order, even with equal timestamps."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import F
from django.db.models.functions import Length
from django.test import RequestFactory
from django.utils import timezone

from cslab.api.pagination import CursorPagination, encode_cursor
from cslab.core.models import AuditEvent
from cslab.projects.models import Project
from tests.projects.factories import ProjectFactory

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


def _walk_queryset(queryset: Any, limit: int) -> list[int]:
    """Every page of the queryset through the cursor convention, as the API walks it."""
    seen: list[int] = []
    cursor = None
    for _page in range(100):
        page = CursorPagination().paginate_queryset(
            queryset, CursorPagination.Input(cursor=cursor, limit=limit), RequestFactory().get("/")
        )
        seen += [item.pk for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


def test_an_annotated_ordering_pages_through_every_row_once() -> None:
    for number in range(7):
        AuditEvent.objects.create(action="x" * (number % 3 + 1))
    queryset = AuditEvent.objects.annotate(action_length=Length("action")).order_by(
        "-action_length"
    )
    expected = list(queryset.order_by("-action_length", "-pk").values_list("pk", flat=True))

    assert _walk_queryset(queryset, limit=2) == expected


@pytest.mark.parametrize("ordering", ["start_date", "-start_date"])
def test_a_nullable_ordering_pages_through_every_row_once_nulls_first_or_last(
    ordering: str,
) -> None:
    days = [None, date(2026, 1, 2), None, date(2026, 1, 1), date(2026, 1, 2), None, None]
    projects = [ProjectFactory(start_date=day) for day in days]
    queryset = Project.objects.filter(pk__in=[item.pk for item in projects]).order_by(ordering)

    # Nulls count as the smallest value: first going up, last going down, on every database.
    def key(project: Any) -> tuple[Any, ...]:
        known = project.start_date is not None
        return (known, project.start_date or date.min, project.pk)

    expected = [item.pk for item in sorted(projects, key=key, reverse=ordering.startswith("-"))]

    assert _walk_queryset(queryset, limit=2) == expected


def test_an_ordering_through_a_relation_pages_through_every_row_once(staff: Any) -> None:
    for number in range(5):
        AuditEvent.objects.create(action=f"test.{number}", actor=staff if number % 2 else None)
    queryset = AuditEvent.objects.order_by("actor__email")
    expected = list(
        AuditEvent.objects.order_by(F("actor__email").asc(nulls_first=True), "pk").values_list(
            "pk", flat=True
        )
    )

    assert _walk_queryset(queryset, limit=2) == expected


@pytest.mark.parametrize(
    "values",
    [[10**30, 1], ["not a number", 1], [[1], 1], [{"a": 1}, 1], [None, 10**30]],
    ids=["huge", "text", "list", "object", "huge-key"],
)
def test_a_tampered_cursor_answers_400_never_500(client: Any, staff: Any, values: Any) -> None:
    client.force_login(staff)
    AuditEvent.objects.create(action="test.one")

    response = client.get("/api/v1/audit-events", {"cursor": encode_cursor(values)})

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["code"] == "invalid_cursor"
