"""Screenshots of My cslab, credit choices, "where my contribution went" and a project's
contributor list, at phone (360 px) and desktop width, each checked with axe."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cslab.core.roles import ProjectRole
from cslab.impact.services.outputs import OutputInput, output_create
from cslab.participants.services.credit import credit_preference_set
from tests.browser.screenshots import save_screenshot
from tests.consent.factories import make_consent, make_consent_version
from tests.factories import UserFactory
from tests.participants.helpers import Site
from tests.projects.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def _session(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def _fits(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def _signed_in(new_page: Any, live_server: Any, viewport: dict[str, int], user: Any) -> Any:
    page = new_page(viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": _session(user), "url": live_server.url}]
    )
    return page


def test_my_cslab_credit_outputs_and_contributors_screens(
    new_page: Any, live_server: Any, transactional_db: Any, assert_accessible: Any
) -> None:
    site = Site(
        ProjectFactory(public=True, name="Pollinators of Utrecht Science Park"), with_form=False
    )
    me = UserFactory(display_name="Maria van der Berg-Oosterhuis", profile_public=True)
    MembershipFactory(project=site.project, user=me, role=ProjectRole.MEMBER)
    site.classify(me, 0)
    site.classify(me, 1)
    question = site.ask(me)
    site.comment_on_question(me, question)
    make_consent(make_consent_version(site.project), participant=me)
    credit_preference_set(actor=me, user=me, choice="pseudonym", pseudonym="Bumblebee Maria")
    for number, name in enumerate(["Ada Lovelace", "Grace Hopper", "Katherine Johnson"]):
        other = UserFactory(display_name=name, profile_public=True)
        site.classify(other, number + 2)
    shy = UserFactory(display_name="Shy Person")
    credit_preference_set(actor=shy, user=shy, choice="none")
    site.classify(shy, 5)
    output_create(
        actor=site.owner,
        project=site.project,
        data=OutputInput(
            kind="publication",
            title="Hoverflies outnumber bees on urban flower strips: three years of "
            "volunteer classifications",
            authors="J. de Vries, M. Jansen, Pollinators of Utrecht volunteers",
            doi="10.5281/zenodo.1234567",
            summary="What the volunteers' 40,000 classifications showed.",
        ),
    )
    output_create(
        actor=site.owner,
        project=site.project,
        data=OutputInput(
            kind="dataset",
            title="Flower-visitor counts 2023–2025",
            url="https://data.example.org/pollinators",
        ),
    )
    for viewport in (PHONE, DESKTOP):
        mine = _signed_in(new_page, live_server, viewport, me)
        for url, name in (
            ("/me/", "mycslab-home"),
            ("/me/credit/", "mycslab-credit"),
            ("/me/where-it-went/", "mycslab-where-it-went"),
        ):
            mine.goto(url)
            _fits(mine)
            assert_accessible(mine)
            save_screenshot(mine, name)
        assert "Bumblebee Maria" in mine.goto("/me/credit/").text()

        lead = _signed_in(new_page, live_server, viewport, site.owner)
        for url, name in (
            (f"/projects/{site.project.slug}/contributors/", "mycslab-contributors"),
            (f"/projects/{site.project.slug}/outputs/", "mycslab-project-outputs"),
        ):
            lead.goto(url)
            _fits(lead)
            assert_accessible(lead)
            save_screenshot(lead, name)
        assert "Shy Person" not in lead.content()
