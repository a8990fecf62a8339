"""The hub's Atom feeds and sitemap: valid, listed resources only, case studies apart."""

from datetime import timedelta
from typing import Any

import feedparser
import pytest
from django.utils import timezone

from cslab.hub.models import Resource
from cslab.hub.vocabulary import ResourceKind, ResourceTagKind
from tests.hub.factories import make_resource

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def resources() -> dict[str, Resource]:
    return {
        "card": make_resource(
            title="Counting bats",
            authors=["Anna Smit", "Bram de Vries"],
            tags={ResourceTagKind.DOMAIN: ["biodiversity"]},
        ),
        "case": make_resource(title="Bats in the city", kind=ResourceKind.CASE_STUDY),
        "draft": make_resource(title="Draft moths", status=Resource.Status.DRAFT),
        "submitted": make_resource(title="Submitted frogs", status=Resource.Status.SUBMITTED),
        "retired": make_resource(title="Retired herons", status=Resource.Status.RETIRED),
        "declined": make_resource(title="Declined wasps", status=Resource.Status.DECLINED),
    }


def parse(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_the_hub_feed_lists_published_resources_only(
    client: Any, resources: dict[str, Resource]
) -> None:
    feed = parse(client, "/hub/feed.atom")
    titles = [entry.title for entry in feed.entries]
    assert sorted(titles) == ["Bats in the city", "Counting bats"]
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids))
    card = next(entry for entry in feed.entries if entry.title == "Counting bats")
    assert [author.name for author in card.authors] == ["Anna Smit", "Bram de Vries"]
    assert {tag.term for tag in card.tags} == {"Method card", "Biodiversity"}
    assert card.link.endswith(resources["card"].get_absolute_url())
    assert card.summary == resources["card"].summary
    assert card.updated_parsed is not None


def test_the_feed_holds_the_newest_fifty(client: Any) -> None:
    for number in range(55):
        resource = make_resource(title=f"Resource number {number}")
        Resource.objects.filter(pk=resource.pk).update(
            published_at=timezone.now() - timedelta(days=100 - number)
        )
    feed = parse(client, "/hub/feed.atom")
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Resource number 54"
    assert "Resource number 4" not in {entry.title for entry in feed.entries}


def test_the_case_study_feed_holds_case_studies_only(
    client: Any, resources: dict[str, Resource]
) -> None:
    make_resource(
        title="Retired case", kind=ResourceKind.CASE_STUDY, status=Resource.Status.RETIRED
    )
    feed = parse(client, "/hub/case-studies/feed.atom")
    assert [entry.title for entry in feed.entries] == ["Bats in the city"]


def test_the_sitemap_lists_only_published_resources(
    client: Any, resources: dict[str, Resource]
) -> None:
    body = client.get("/sitemap.xml").content.decode()
    for listed in ("card", "case"):
        assert f"/hub/{resources[listed].slug}/" in body
    for hidden in ("draft", "submitted", "retired", "declined"):
        assert f"/hub/{resources[hidden].slug}/" not in body
    assert "<lastmod>" in body
