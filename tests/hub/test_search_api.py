"""The hub's read API: search and one resource."""

from typing import Any

import pytest
from django.test import Client

from tests.hub.factories import make_resource

pytestmark = pytest.mark.django_db


def test_search_returns_items_total_and_facets(client: Client) -> None:
    make_resource(title="Bat walks", kind="tool", tags={"domain": ["biodiversity"]})
    make_resource(title="Bat secrets", status="draft")
    response = client.get("/api/v1/hub/resources", {"q": "bat", "kind": "tool"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["title"] == "Bat walks"
    assert item["url"].startswith("/hub/")
    assert item["facets"]["domain"] == ["biodiversity"]
    assert "<mark>" in item["snippet"]
    assert body["facets"]["kind"][0] == {
        "value": "tool",
        "label": "Tool",
        "count": 1,
        "selected": True,
    }


def test_a_page_beyond_the_last_is_an_empty_list(client: Client) -> None:
    make_resource(title="One")
    body = client.get("/api/v1/hub/resources", {"page": 5000}).json()
    assert body["items"] == []
    assert body["total"] == 1


@pytest.mark.parametrize("query", [{"page": "0"}, {"page": "x"}, {"sort": "worst"}])
def test_bad_input_is_a_problem_document(client: Client, query: dict[str, str]) -> None:
    response = client.get("/api/v1/hub/resources", query)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_long_query_is_cut_not_refused(client: Client) -> None:
    response = client.get("/api/v1/hub/resources", {"q": "bat " * 2000})
    assert response.status_code == 200


def test_one_resource_with_markdown_and_safe_html(client: Client) -> None:
    resource = make_resource(
        title="Guide",
        body="**Bold** <script>x</script>",
        authors=["Ada"],
        tags={"phase": ["design"]},
    )
    body = client.get(f"/api/v1/hub/resources/{resource.slug}").json()
    assert body["body_markdown"] == "**Bold** <script>x</script>"
    assert "<strong>Bold</strong>" in body["body_html"]
    assert "<script>" not in body["body_html"]
    assert body["authors"] == [{"name": "Ada", "profile_url": None}]
    assert body["tags"]["phase"] == ["design"]


def test_a_draft_is_not_found_for_others(client: Client, volunteer: Any) -> None:
    draft = make_resource(title="Draft", status="draft")
    response = client.get(f"/api/v1/hub/resources/{draft.slug}")
    assert response.status_code == 404
    client.force_login(volunteer)
    assert client.get(f"/api/v1/hub/resources/{draft.slug}").status_code == 404


def test_a_draft_translation_is_not_named(client: Client) -> None:
    draft = make_resource(title="Concept", status="draft", language="nl")
    resource = make_resource(title="Guide", translation=draft)
    assert client.get(f"/api/v1/hub/resources/{resource.slug}").json()["translation"] is None
