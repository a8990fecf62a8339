"""Sitemaps and feeds list only projects anyone may find: approved and public."""

from typing import Any

import pytest

from cslab.projects.services.projects import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(volunteer: Any) -> dict[str, Any]:
    def make(name: str, status: str, visibility: str) -> Any:
        return project_create(
            actor=None, owner=volunteer, name=name, status=status, visibility=visibility
        )

    return {
        "listed": make("Listed bees", "active", "public"),
        "unlisted": make("Unlisted frogs", "active", "unlisted"),
        "private": make("Private herons", "active", "private"),
        "draft": make("Draft moths", "in_review", "public"),
    }


def test_sitemap_lists_only_approved_public_projects(client: Any, projects: dict[str, Any]) -> None:
    body = client.get("/sitemap.xml").content.decode()
    assert f"/projects/{projects['listed'].slug}/" in body
    for hidden in ("unlisted", "private", "draft"):
        assert projects[hidden].slug not in body


def test_feed_lists_only_approved_public_projects(client: Any, projects: dict[str, Any]) -> None:
    response = client.get("/projects/feed/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Listed bees" in body
    for hidden in ("Unlisted frogs", "Private herons", "Draft moths"):
        assert hidden not in body


def test_robots_txt_points_crawlers_to_the_sitemap(client: Any) -> None:
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /accounts/" in body
