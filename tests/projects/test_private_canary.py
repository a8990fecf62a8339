"""A canary: private, unlisted and unapproved projects never show where outsiders look.

Each hidden project carries a unique word in its name, aim, keywords and area; every public
surface (pages, search, facets, map layer, sitemap, feed, API lists, PPSR catalogue, question
boards) is fetched as an anonymous visitor and as a signed-in outsider, and the words must not
appear anywhere in the responses.
"""

from typing import Any

import pytest

from cslab.projects.services.projects import project_create
from cslab.questions.services.questions import question_propose

pytestmark = pytest.mark.django_db

AREA = {"type": "Point", "coordinates": [4.4711, 52.1611]}

PUBLIC_SURFACES = [
    "/",
    "/projects/",
    "/projects/?q=canary",
    "/projects/?q={prefix}",
    "/projects/?near=52.1611,4.4711&within_km=5",
    "/projects/map.geojson",
    "/projects/feed/",
    "/sitemap.xml",
    "/organisations/",
    "/questions/",
    "/questions/?q={prefix}",
    "/api/v1/projects",
    "/api/v1/projects?status=active",
    "/api/v1/ppsr/projects",
    "/api/v1/questions",
    "/api/v1/questions/similar?text=Question+{prefix}",
]


@pytest.fixture
def hidden_words(make_user: Any) -> list[str]:
    owner = make_user()
    words = []
    for word, status, visibility in [
        ("zqxprivatecanary", "active", "private"),
        ("zqxdraftcanary", "in_review", "public"),
        ("zqxideacanary", "idea", "public"),
    ]:
        project = project_create(
            actor=None,
            owner=owner,
            name=f"Project {word}",
            status=status,
            visibility=visibility,
            aim=f"Aim {word}",
            geographic_extent=AREA,
            tags={"keyword": [word], "domain": ["biodiversity"]},
        )
        question_propose(
            actor=owner, text=f"Question {word}?", why_it_matters=word, project=project
        )
        words.append(word)
    # An unlisted project may be opened by link, but is never listed.
    project_create(
        actor=None,
        owner=owner,
        name="Project zqxunlistedcanary",
        status="active",
        visibility="unlisted",
        tags={"keyword": ["zqxunlistedcanary"]},
    )
    words.append("zqxunlistedcanary")
    return words


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "outsider"])
def test_hidden_projects_appear_on_no_public_surface(
    client: Any, make_user: Any, hidden_words: list[str], signed_in: bool
) -> None:
    if signed_in:
        client.force_login(make_user())
    for template in PUBLIC_SURFACES:
        for word in hidden_words:
            # Searching a prefix finds the word (prefix matching) without echoing it back.
            url = template.format(prefix=word[:-3])
            response = client.get(url)
            assert response.status_code == 200, url
            assert word not in response.content.decode(), f"{word} leaked through {url}"


def test_the_same_surfaces_do_show_a_public_project(client: Any, make_user: Any) -> None:
    """The control: without it, a surface that shows nothing at all would pass the canary."""
    owner = make_user()
    word = "zqxpubliccanary"
    project = project_create(
        actor=None,
        owner=owner,
        name=f"Project {word}",
        status="active",
        visibility="public",
        aim=f"Aim {word}",
        geographic_extent=AREA,
        tags={"keyword": [word], "domain": ["biodiversity"]},
    )
    question_propose(actor=owner, text=f"Question {word}?", why_it_matters=word, project=project)
    shown = {
        url: word in client.get(url).content.decode()
        for url in [
            f"/projects/?q={word[:-3]}",
            "/projects/?near=52.1611,4.4711&within_km=5",
            "/projects/map.geojson",
            "/projects/feed/",
            "/sitemap.xml",
            "/api/v1/projects",
            "/api/v1/ppsr/projects",
        ]
    }
    assert all(shown.values()), shown
